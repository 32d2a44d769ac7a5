//! The deterministic cluster simulator: simulated clock, network and faults around real
//! nodes, plus the state machine they replicate.

pub mod cluster;
pub mod command;
pub mod config;
pub mod fuzz;
pub mod kv;
pub mod metrics;
pub mod network;
pub mod timeline;
pub mod trace;

pub use cluster::{Cluster, Happened, Request, RequestTally, Server};
pub use command::{Arg, Command, Refusal};
pub use config::{InitialLog, SimConfig};
pub use kv::{Kv, KvOp};
pub use metrics::Metrics;
pub use network::{InFlight, LinkConfig, Partition};
pub use timeline::{Position, Recorded, Timeline};
pub use trace::{LogItem, LogLine, SimWhat, Trace};
