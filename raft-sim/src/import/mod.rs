//! Reading the logs of a real etcd raft cluster (etcd itself, or the orderers of a
//! Hyperledger Fabric network) into the simulator's own events: `envelope` takes a line
//! out of its log format (Fabric's, etcd's zap JSON or capnslog text, or none), and
//! `raft_line` reads etcd raft's message into a `raft_core::event::Event`, the type whose
//! Display writes those messages; `story` puts the events of several nodes' logs together:
//! the terms and their leaders, how each campaign went and why, what an operator looks for.
//! Lines it cannot read are counted and listed with their line numbers; `fabric_chain`
//! tells a Fabric orderer's own lines (the blocks it writes) from the raft library's. `write` goes the
//! other way: a run of the simulator as real clusters' logs.

pub mod diagram;
pub mod envelope;
pub mod fabric_chain;
pub mod findings;
pub mod metrics;
pub mod raft_line;
pub mod reader;
pub mod replay;
pub mod story;
pub mod write;
