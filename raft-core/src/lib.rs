//! A deterministic, sans-IO Raft: the protocol only. A [`Node`] takes ticks, messages and
//! proposals from its caller and hands back, in one [`Ready`], what to persist, the
//! messages to send, the entries to apply and what it did (its events, in etcd's wording);
//! [`Ready`] states the order to deal with them in.
//!
//! Nothing here reads a clock, a file or the network, spawns a thread or draws global
//! randomness: time and seeds come from the caller, so one seed and one list of inputs
//! reproduce a run bit for bit. The crate has no dependencies. The simulated cluster, the
//! safety checker and the scenario language are the `raft-sim` crate.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod confchange;
pub mod config;
pub mod election;
pub mod event;
pub mod hash;
pub mod log;
pub mod membership;
pub mod message;
pub mod node;
pub mod nodemap;
pub mod progress;
pub mod quorum;
pub mod ready;
pub mod replication;
pub mod rng;
pub mod storage;
pub mod tracker;
pub mod transfer;
pub mod types;
pub mod why;

pub use confchange::{ConfChange, ConfChangeError, ConfChangeSingle, Transition};
pub use config::{Config, ConfigError, MAX_NODES};
pub use event::{Event, What};
pub use message::{Body, Message, MsgKind};
pub use node::{Node, NodeStats, ProposeError};
pub use ready::Ready;
pub use storage::Storage;
pub use tracker::Configuration;
pub use transfer::TransferError;
pub use types::{
    Bytes, ConfState, Entry, EntryKind, HardState, Index, NodeId, Role, Snapshot, Term, NONE,
};
pub use why::Why;
