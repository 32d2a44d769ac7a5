//! What a user (or a scenario, or the fuzzer) can do to a running cluster.

use super::kv::KvOp;
use super::network::LinkConfig;
use raft_core::message::MsgKind;
use raft_core::types::NodeId;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Crash(NodeId),
    Restart(NodeId),
    /// Split the network into these groups (nodes named in none form one more group).
    Partition(Vec<Vec<NodeId>>),
    Isolate(NodeId),
    Heal,
    /// Fire this node's election timer now.
    Campaign(NodeId),
    /// Ask the leader to hand leadership to this node.
    Transfer(NodeId),
    /// A client request through `via` (the leader when None).
    Request {
        via: Option<NodeId>,
        op: KvOp,
    },
    /// Drop one message in flight, by id.
    DropMessage(u64),
    /// Drop the earliest message in flight on a link (of a kind, if given), or all of them.
    DropOnLink {
        from: NodeId,
        to: NodeId,
        kind: Option<MsgKind>,
        all: bool,
    },
    /// Change the network's behaviour from now on.
    SetNetwork(LinkConfig),
    /// Change one direction of one link (None: back to the network's behaviour).
    SetLink {
        from: NodeId,
        to: NodeId,
        link: Option<LinkConfig>,
    },
    /// Deliver every message in flight (timers do not fire meanwhile).
    Stabilize,
    /// A line of narration in the event log.
    Note(String),
}

/// The argument of a command that made the cluster refuse it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// The node a command acts on (crash, restart, isolate, campaign, transfer).
    Node,
    /// The node a client request goes through.
    Via,
    /// The groups of a partition.
    Groups,
    /// The id of a message to drop.
    Message,
    /// One end of a link.
    From,
    To,
    /// A network or link setting.
    Link,
}

/// Why the cluster refused a command (it then changed nothing), and which of the
/// command's arguments was at fault when one was (none for, say, "no leader").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub arg: Option<Arg>,
    pub message: String,
}

impl Refusal {
    pub fn new(arg: Option<Arg>, message: impl Into<String>) -> Refusal {
        Refusal {
            arg,
            message: message.into(),
        }
    }

    /// A refusal because of a typed error (a bad partition, link or restart), in its words.
    pub fn because(arg: Option<Arg>, reason: &dyn fmt::Display) -> Refusal {
        Refusal::new(arg, reason.to_string())
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

impl fmt::Display for Command {
    /// The scenario language's words for the command.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Crash(n) => write!(f, "crash {n}"),
            Command::Restart(n) => write!(f, "restart {n}"),
            Command::Partition(groups) => {
                f.write_str("partition")?;
                for g in groups {
                    let ids: Vec<String> = g.iter().map(|i| i.to_string()).collect();
                    write!(f, " {{{}}}", ids.join(","))?;
                }
                Ok(())
            }
            Command::Isolate(n) => write!(f, "isolate {n}"),
            Command::Heal => f.write_str("heal"),
            Command::Campaign(n) => write!(f, "campaign {n}"),
            Command::Transfer(n) => write!(f, "transfer {n}"),
            Command::Request { via: Some(v), op } => write!(f, "request {op} via {v}"),
            Command::Request { via: None, op } => write!(f, "request {op}"),
            Command::DropMessage(id) => write!(f, "drop #{id}"),
            Command::DropOnLink {
                from,
                to,
                kind,
                all,
            } => {
                let what = match (all, kind) {
                    (true, _) => "all".to_string(),
                    (false, Some(k)) => k.name().to_string(),
                    (false, None) => "next".to_string(),
                };
                write!(f, "drop {what} {from}->{to}")
            }
            Command::Stabilize => f.write_str("stabilize"),
            Command::Note(text) => write!(f, "note {text:?}"),
            Command::SetLink {
                from,
                to,
                link: None,
            } => write!(f, "link {from}->{to} reset"),
            Command::SetLink {
                from,
                to,
                link: Some(l),
            } => write!(
                f,
                "link {from}->{to} latency {}us..{}us loss {} duplicate {} reorder {}",
                l.latency_min, l.latency_max, l.loss, l.duplicate, l.reorder
            ),
            Command::SetNetwork(l) => write!(
                f,
                "latency {}us..{}us loss {} duplicate {} reorder {}",
                l.latency_min, l.latency_max, l.loss, l.duplicate, l.reorder
            ),
        }
    }
}
