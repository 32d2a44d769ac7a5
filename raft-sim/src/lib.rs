//! The deterministic cluster simulator around `raft-core`'s nodes: a simulated clock,
//! network and faults, the state machine they replicate (`kv`), a checker of the paper's five
//! safety properties (`check`), the fuzzer (`fuzz`) and the scenario language (`scenario`).
//!
//! Nothing here reads a clock or draws global randomness: time and seeds come from the
//! caller, so one seed and one list of commands reproduce a run bit for bit, natively and in
//! wasm.

#![forbid(unsafe_code)]

pub mod check;

pub mod cluster;
pub mod command;
pub mod compare;
pub mod config;
pub mod diagram;
pub mod float;
pub mod fuzz;
pub mod history;
pub mod idmap;
pub mod import;
pub mod kv;
pub mod message_spec;
pub mod metrics;
pub mod network;
pub mod scenario;
pub mod timeline;
pub mod trace;

pub use cluster::{Cluster, Happened, Request, RequestTally, Server};
pub use command::{
    Arg, Command, Extension, Latency, Micros, NetworkChange, Probability, Refusal, Selection, Take,
    Target, Ticks,
};
pub use config::{InitialLog, NodeState, SimConfig, SimConfigError};
pub use history::{History, HistoryLimits};
pub use kv::{Kv, KvOp};
pub use message_spec::MessageSpec;
pub use metrics::Metrics;
pub use network::{InFlight, LinkConfig, LinkError, Partition, PartitionError};
pub use timeline::{Position, Recorded, Timeline};
pub use trace::{LogItem, LogLine, SimWhat, Trace};
