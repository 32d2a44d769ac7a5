//! A deterministic, sans-IO Raft: the protocol (`node`), a simulated cluster to run it in
//! (`sim`), a checker of the paper's five safety properties (`check`) and a small scenario
//! language (`scenario`).
//!
//! Nothing here reads a clock, spawns a thread or draws global randomness: time and seeds
//! come from the caller, so one seed and one list of commands reproduce a run bit for bit.

#![forbid(unsafe_code)]

pub mod bench;
pub mod check;
pub mod config;
pub mod election;
pub mod event;
pub mod log;
pub mod message;
pub mod node;
pub mod progress;
pub mod quorum;
pub mod replication;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod storage;
pub mod transfer;
pub mod types;

pub use config::{Config, ConfigError, MAX_NODES};
pub use event::{Event, What};
pub use message::{Body, Message, MsgKind};
pub use node::{Node, NodeStats, ProposeError};
pub use storage::Storage;
pub use transfer::TransferError;
pub use types::{Bytes, Entry, HardState, Index, NodeId, Role, Snapshot, Term, NONE};
