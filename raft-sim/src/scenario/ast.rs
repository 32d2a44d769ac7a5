//! The syntax tree of a scenario, and its canonical text form.
//!
//! Every node's `Display` prints it back in the syntax [`parse`](super::parse::parse) reads, so a
//! session built in the page can be exported as a script: for any scenario `s` that `parse` can
//! return, `parse(&s.to_string())` gives `s` back again, except for the line numbers of its steps
//! (which follow the printed layout).

use crate::command::{write_groups, write_quoted, write_set, write_value};
use crate::message_spec::MessageSpec;
use raft_core::message::MsgKind;
use raft_core::nodemap::NodeMap;
use raft_core::types::{Index, NodeId, Term};
use std::fmt;

pub use crate::command::{
    format_duration, Command, Latency, MemberChange, Micros, NetworkChange, Probability, Selection,
    Take, Target, Ticks,
};
pub use crate::kv::KvOp;

/// The largest cluster a scenario may ask for.
pub const MAX_NODES: u64 = raft_core::config::MAX_NODES as u64;

/// A whole scenario file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scenario {
    pub settings: Settings,
    pub steps: Vec<Step>,
    /// The lines after the `----` separator, verbatim (without line terminators); `None` when
    /// the file has no separator.
    pub golden: Option<Vec<String>>,
}

/// The settings at the top of a file. `None` means "not written": the executor picks the default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Cluster size, `1..=MAX_NODES`; the nodes are numbered `1..=nodes`.
    pub nodes: Option<u64>,
    pub seed: Option<u64>,
    pub prevote: Option<bool>,
    pub check_quorum: Option<bool>,
    /// Base election timeout in ticks (each node draws its timeout from `[T, 2T)`), at least 1.
    pub election_timeout: Option<u32>,
    /// Heartbeat interval in ticks, at least 1; below `election_timeout` when both are given.
    pub heartbeat: Option<u32>,
    /// The length of one tick, at least 1us.
    pub tick: Option<Micros>,
    pub latency: Option<Latency>,
    pub loss: Option<Probability>,
    pub duplicate: Option<Probability>,
    pub reorder: Option<Probability>,
    /// Compact the log after this many applied entries; 0 means never.
    pub snapshot_every: Option<u64>,
    pub init: Option<InitState>,
    /// Nothing happens by itself: nodes tick and messages arrive only on command lines.
    pub manual: Option<bool>,
    /// How many MsgApp a leader keeps unacknowledged per follower, at least 1.
    pub max_inflight: Option<u64>,
    /// Nodes that start from a state of their own (`state` and `snapshot` lines).
    pub states: NodeMap<NodeSetup>,
}

/// A node's own starting state, in place of `init`'s: `state 2 term 3 vote 1 log 1 1 2 commit 2`
/// and `snapshot 2 index 5 term 2`. Left out: the term is its last entry's (or the snapshot's),
/// no vote, no entries, commit at the snapshot.
///
/// The parser guarantees: a log is never empty when given; its terms are at least 1, never
/// decrease, start no lower than the snapshot's term and never exceed the node's term; the
/// commit index lies between the snapshot's index and the last entry's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSetup {
    pub term: Option<Term>,
    pub vote: Option<NodeId>,
    pub log: Option<Vec<Term>>,
    pub commit: Option<Index>,
    /// The index and term of the last entry the snapshot covers, both at least 1.
    pub snapshot: Option<(Index, Term)>,
}

impl NodeSetup {
    /// Whether the `state` line has anything to say (the `snapshot` line is separate).
    pub fn has_state(&self) -> bool {
        self.term.is_some() || self.vote.is_some() || self.log.is_some() || self.commit.is_some()
    }

    /// The term of the last entry, or of the snapshot's last entry.
    pub fn last_term(&self) -> Term {
        let snapshot = self.snapshot.map_or(0, |(_, t)| t);
        self.log
            .as_ref()
            .and_then(|l| l.last().copied())
            .unwrap_or(snapshot)
    }

    /// The index of the last entry.
    pub fn last_index(&self) -> Index {
        let snapshot = self.snapshot.map_or(0, |(i, _)| i);
        snapshot + self.log.as_ref().map_or(0, |l| l.len() as Index)
    }
}

/// The state every node starts in when the file says `init`: this term, no vote, commit 0,
/// and a log whose entry `i` (1-based) has term `log[i - 1]`.
///
/// The parser guarantees the log terms are at least 1, never decrease and never exceed `term`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitState {
    pub term: Term,
    pub log: Vec<Term>,
}

/// One command line.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// 1-based line number in the source, for run-time error messages.
    pub line: usize,
    pub at: Option<At>,
    pub action: Action,
}

/// When a command runs. Without one, a command runs as soon as the previous one has finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// At this simulated time since the start. The parser guarantees it is not earlier than
    /// what the commands before it already account for (earlier `at`s and `run`s).
    Absolute(Micros),
    /// This long after the previous command line has finished.
    Relative(Micros),
}

/// What a command line does: give the cluster a command, let time pass, pause, or check.
///
/// The parser never writes a [`Command`] that has no words of its own (`DropMessage`,
/// `Note`); it guarantees that `restart` and `transfer` name a node id, that
/// the two ends of a link differ when both are ids, and that a partition leaves at least two
/// groups when the cluster size is known (when `nodes` is not set, the cluster checks it).
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A command the cluster carries out, the simulator's own.
    Command(Command),
    /// `try add 6`: a command that the node it reaches may refuse (a leader refusing a
    /// membership change) without stopping the script. An exported session writes so a
    /// command that was refused that way: the refusal is part of the run.
    Try(Command),
    /// Let simulated time pass.
    Run(Micros),
    /// A narration stop: the page pauses and shows the text; native runs carry on.
    Pause(String),
    Expect(Expectation),
}

/// A check made at one moment of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// With no node, the node every live node agrees leads; with one, the leader that node
    /// knows (`None`: no leader). Only `==` and `!=`.
    Leader {
        node: Option<NodeId>,
        op: CmpOp,
        leader: Option<NodeId>,
    },
    /// The term of `node`, or of the leader when `None`.
    Term {
        node: Option<NodeId>,
        op: CmpOp,
        value: Term,
    },
    /// Only `==` and `!=`.
    Role {
        node: NodeId,
        op: CmpOp,
        role: ExpectedRole,
    },
    /// The commit index of `node`, or the smallest over the live nodes when `None`.
    Commit {
        node: Option<NodeId>,
        op: CmpOp,
        value: Index,
    },
    /// The applied index of `node`, or the smallest over the live nodes when `None`.
    Applied {
        node: Option<NodeId>,
        op: CmpOp,
        value: Index,
    },
    /// The value of `key` in the leader's store (`None`: absent). Only `==` and `!=`.
    Value {
        key: String,
        op: CmpOp,
        value: Option<String>,
    },
    /// The number of safety violations found so far.
    Violations { op: CmpOp, value: u64 },
    /// The number of messages in flight, or of those of `kind`, or on the link `from->to`.
    Messages {
        kind: Option<MsgKind>,
        link: Option<(NodeId, NodeId)>,
        op: CmpOp,
        value: u64,
    },
    /// The next message of `message.kind` to arrive on the link `from->to` is exactly
    /// `message` (entries compared by term). Only `==` and `!=`.
    Message {
        from: NodeId,
        to: NodeId,
        op: CmpOp,
        message: MessageSpec,
    },
    /// Whom `node` voted for in its current term (`None`: nobody), as its stable storage holds
    /// it, so a crashed node's vote too. Only `==` and `!=`.
    Vote {
        node: NodeId,
        op: CmpOp,
        vote: Option<NodeId>,
    },
    /// The index of the last entry `node`'s snapshot covers (0: no snapshot), or the smallest
    /// over every server when `None`. Read from stable storage, so a crashed node's too.
    Snapshot {
        node: Option<NodeId>,
        op: CmpOp,
        value: Index,
    },
    /// The index of the last entry of `node`'s log, or the smallest over every server when
    /// `None`. Read from stable storage, so a crashed node's too.
    LastIndex {
        node: Option<NodeId>,
        op: CmpOp,
        value: Index,
    },
    /// The term of the entry at `index` of `node`'s log (the snapshot's term at its index);
    /// an entry the log does not hold fails. Read from stable storage.
    LogTerm {
        node: NodeId,
        index: Index,
        op: CmpOp,
        value: Term,
    },
    /// The terms of the entries of `node`'s log after its snapshot, in order (empty: none).
    /// Read from stable storage. Only `==` and `!=`.
    Log {
        node: NodeId,
        op: CmpOp,
        terms: Vec<Term>,
    },
    /// What leader `leader` knows of `peer`'s log and how it sends to it (etcd's progress);
    /// `leader` must be leading when checked. State and paused: only `==` and `!=`.
    Progress {
        leader: Target,
        peer: NodeId,
        op: CmpOp,
        value: ProgressValue,
    },
    /// The node leader `node` is handing leadership to (`None`: no transfer under way).
    /// Only `==` and `!=`.
    Transferee {
        node: NodeId,
        op: CmpOp,
        transferee: Option<NodeId>,
    },
    /// Exactly which nodes are in `role` now, as a set: `nodes` as written, in any order, no
    /// node twice. Only `==` and `!=`.
    Members {
        role: ExpectedRole,
        op: CmpOp,
        nodes: Vec<NodeId>,
    },
    /// The configuration `node` (the leader when `None`) has in force: its voters (both
    /// halves while joint) or its learners, as a set; or whether it is joint. Only `==`
    /// and `!=`.
    Config {
        node: Option<NodeId>,
        what: ConfigPart,
        op: CmpOp,
        nodes: Vec<NodeId>,
        joint: bool,
    },
    /// The network's partition, written as the `partition` command writes it (nodes not
    /// listed form one more group); no groups means none. Only `==` and `!=`.
    Partition { op: CmpOp, groups: Vec<Vec<NodeId>> },
    /// Some line of the event log since the previous `pause` (or the start) contains `text`.
    LogContains { text: String },
    /// How many lines of the event log since the previous `pause` (or the start) contain
    /// `text`.
    LogCount { text: String, op: CmpOp, value: u64 },
}

/// What `expect progress` compares, and the value it is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressValue {
    /// matchIndex: the highest index known replicated on the peer.
    Match(Index),
    /// nextIndex: the index of the next entry to send it.
    Next(Index),
    /// probe, replicate or snapshot.
    State(FlowState),
    /// Whether the leader holds further MsgApp back (a probe unanswered, a full window, a
    /// snapshot on its way).
    Paused(bool),
    /// How many MsgApp are unacknowledged (in the replicate state).
    Inflight(u64),
    /// The index of the snapshot being sent (0: none).
    Snapshot(Index),
}

impl ProgressValue {
    pub const NAMES: [&'static str; 6] =
        ["match", "next", "state", "paused", "inflight", "snapshot"];

    pub fn name(self) -> &'static str {
        match self {
            ProgressValue::Match(_) => "match",
            ProgressValue::Next(_) => "next",
            ProgressValue::State(_) => "state",
            ProgressValue::Paused(_) => "paused",
            ProgressValue::Inflight(_) => "inflight",
            ProgressValue::Snapshot(_) => "snapshot",
        }
    }

    /// Whether the value has an order (numbers) or only (in)equality.
    pub fn is_ordered(self) -> bool {
        !matches!(self, ProgressValue::State(_) | ProgressValue::Paused(_))
    }
}

/// How a leader sends to a follower (etcd's progress states).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlowState {
    Probe,
    Replicate,
    Snapshot,
}

impl FlowState {
    pub const ALL: [FlowState; 3] = [FlowState::Probe, FlowState::Replicate, FlowState::Snapshot];

    pub fn as_str(self) -> &'static str {
        match self {
            FlowState::Probe => "probe",
            FlowState::Replicate => "replicate",
            FlowState::Snapshot => "snapshot",
        }
    }

    pub fn from_name(name: &str) -> Option<FlowState> {
        FlowState::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub const ALL: [CmpOp; 6] = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether `actual <op> expected` holds.
    pub fn holds<T: PartialOrd>(self, actual: &T, expected: &T) -> bool {
        match self {
            CmpOp::Eq => actual == expected,
            CmpOp::Ne => actual != expected,
            CmpOp::Lt => actual < expected,
            CmpOp::Le => actual <= expected,
            CmpOp::Gt => actual > expected,
            CmpOp::Ge => actual >= expected,
        }
    }

    /// Whether the operator only tests (in)equality, the only kind allowed on ids, roles and
    /// strings.
    pub fn is_equality(self) -> bool {
        matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

/// What `expect role` may ask for: a role, or that the node is down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpectedRole {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
    Crashed,
}

impl ExpectedRole {
    pub const ALL: [ExpectedRole; 5] = [
        ExpectedRole::Follower,
        ExpectedRole::PreCandidate,
        ExpectedRole::Candidate,
        ExpectedRole::Leader,
        ExpectedRole::Crashed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExpectedRole::Follower => "follower",
            ExpectedRole::PreCandidate => "pre-candidate",
            ExpectedRole::Candidate => "candidate",
            ExpectedRole::Leader => "leader",
            ExpectedRole::Crashed => "crashed",
        }
    }

    pub fn from_name(name: &str) -> Option<ExpectedRole> {
        ExpectedRole::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The name of the set of nodes in this role, as in `expect candidates == {1,3}`.
    pub fn plural(self) -> &'static str {
        match self {
            ExpectedRole::Follower => "followers",
            ExpectedRole::PreCandidate => "pre-candidates",
            ExpectedRole::Candidate => "candidates",
            ExpectedRole::Leader => "leaders",
            ExpectedRole::Crashed => "crashed",
        }
    }

    pub fn from_plural(name: &str) -> Option<ExpectedRole> {
        ExpectedRole::ALL.into_iter().find(|r| r.plural() == name)
    }
}

/// Whether `key` may name a key in `set`, `del` and `expect value`.
pub fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(is_key_char)
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.settings)?;
        for (i, step) in self.steps.iter().enumerate() {
            // A network change with no time before any other command would read back as a
            // setting; "+0s" makes it a command without changing when it happens.
            let reads_as_setting = matches!(
                step.action,
                Action::Command(
                    Command::ChangeNetwork(_) | Command::SetNetwork(_) | Command::Extension(_)
                )
            );
            if i == 0 && step.at.is_none() && reads_as_setting {
                writeln!(f, "at +0s {}", step.action)?;
            } else {
                writeln!(f, "{step}")?;
            }
        }
        if let Some(golden) = &self.golden {
            writeln!(f, "----")?;
            for line in golden {
                writeln!(f, "{line}")?;
            }
        }
        Ok(())
    }
}

/// One line per setting given, each ending in a newline.
impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.nodes {
            writeln!(f, "nodes {n}")?;
        }
        if let Some(seed) = self.seed {
            writeln!(f, "seed {seed}")?;
        }
        if let Some(b) = self.prevote {
            writeln!(f, "prevote {}", on_off(b))?;
        }
        if let Some(b) = self.check_quorum {
            writeln!(f, "checkquorum {}", on_off(b))?;
        }
        if let Some(t) = self.election_timeout {
            writeln!(f, "election-timeout {t}")?;
        }
        if let Some(t) = self.heartbeat {
            writeln!(f, "heartbeat {t}")?;
        }
        if let Some(t) = self.tick {
            writeln!(f, "tick {}", format_duration(t))?;
        }
        if let Some(l) = self.latency {
            writeln!(f, "{}", NetworkChange::Latency(l))?;
        }
        if let Some(p) = self.loss {
            writeln!(f, "{}", NetworkChange::Loss(p))?;
        }
        if let Some(p) = self.duplicate {
            writeln!(f, "{}", NetworkChange::Duplicate(p))?;
        }
        if let Some(p) = self.reorder {
            writeln!(f, "{}", NetworkChange::Reorder(p))?;
        }
        if let Some(n) = self.snapshot_every {
            writeln!(f, "snapshot-every {n}")?;
        }
        if let Some(n) = self.max_inflight {
            writeln!(f, "max-inflight {n}")?;
        }
        if let Some(b) = self.manual {
            writeln!(f, "manual {}", on_off(b))?;
        }
        if let Some(init) = &self.init {
            writeln!(f, "{init}")?;
        }
        for (node, setup) in self.states.iter() {
            if let Some((index, term)) = setup.snapshot {
                writeln!(f, "snapshot {node} index {index} term {term}")?;
            }
            if setup.has_state() {
                writeln!(f, "state {node}{setup}")?;
            }
        }
        Ok(())
    }
}

/// The fields of a `state` line after the node: ` term 3 vote 1 log 1 1 2 commit 2`.
impl fmt::Display for NodeSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(t) = self.term {
            write!(f, " term {t}")?;
        }
        if let Some(v) = self.vote {
            write!(f, " vote {v}")?;
        }
        if let Some(log) = &self.log {
            write_log(f, log)?;
        }
        if let Some(c) = self.commit {
            write!(f, " commit {c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for InitState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "init term {}", self.term)?;
        if !self.log.is_empty() {
            write_log(f, &self.log)?;
        }
        Ok(())
    }
}

/// ` log 1 1 2`.
fn write_log(f: &mut fmt::Formatter<'_>, terms: &[Term]) -> fmt::Result {
    f.write_str(" log")?;
    for t in terms {
        write!(f, " {t}")?;
    }
    Ok(())
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = self.at {
            write!(f, "{at} ")?;
        }
        write!(f, "{}", self.action)
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            At::Absolute(t) => write!(f, "at {}", format_duration(t)),
            At::Relative(t) => write!(f, "at +{}", format_duration(t)),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Command(c) => write!(f, "{c}"),
            Action::Try(c) => write!(f, "try {c}"),
            Action::Run(d) => write!(f, "run {}", format_duration(*d)),
            Action::Pause(text) => {
                f.write_str("pause ")?;
                write_quoted(f, text)
            }
            Action::Expect(e) => write!(f, "expect {e}"),
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ExpectedRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for FlowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `match == 3`, `state == probe`, `paused == yes`: after the link of `expect progress`.
fn write_progress(f: &mut fmt::Formatter<'_>, op: CmpOp, value: ProgressValue) -> fmt::Result {
    write!(f, "{} {op} ", value.name())?;
    match value {
        ProgressValue::Match(n)
        | ProgressValue::Next(n)
        | ProgressValue::Inflight(n)
        | ProgressValue::Snapshot(n) => write!(f, "{n}"),
        ProgressValue::State(s) => write!(f, "{s}"),
        ProgressValue::Paused(p) => f.write_str(if p { "yes" } else { "no" }),
    }
}

fn write_node(f: &mut fmt::Formatter<'_>, node: Option<NodeId>) -> fmt::Result {
    match node {
        Some(id) => write!(f, " {id}"),
        None => Ok(()),
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Leader { node, op, leader } => {
                f.write_str("leader")?;
                write_node(f, *node)?;
                write!(f, " {op} ")?;
                write_id_or_none(f, *leader)
            }
            Expectation::Term { node, op, value } => {
                f.write_str("term")?;
                write_node(f, *node)?;
                write!(f, " {op} {value}")
            }
            Expectation::Role { node, op, role } => write!(f, "role {node} {op} {role}"),
            Expectation::Commit { node, op, value } => {
                f.write_str("commit")?;
                write_node(f, *node)?;
                write!(f, " {op} {value}")
            }
            Expectation::Applied { node, op, value } => {
                f.write_str("applied")?;
                write_node(f, *node)?;
                write!(f, " {op} {value}")
            }
            Expectation::Value { key, op, value } => {
                write!(f, "value {key} {op} ")?;
                match value {
                    Some(v) => write_value(f, v),
                    None => f.write_str("none"),
                }
            }
            Expectation::Violations { op, value } => write!(f, "violations {op} {value}"),
            Expectation::Messages {
                kind,
                link,
                op,
                value,
            } => {
                f.write_str("messages")?;
                if let Some(kind) = kind {
                    write!(f, " {kind}")?;
                }
                if let Some((from, to)) = link {
                    write!(f, " {from}->{to}")?;
                }
                write!(f, " {op} {value}")
            }
            Expectation::Message {
                from,
                to,
                op,
                message,
            } => write!(f, "message {from}->{to} {op} {message}"),
            Expectation::Vote { node, op, vote } => {
                write!(f, "vote {node} {op} ")?;
                write_id_or_none(f, *vote)
            }
            Expectation::Snapshot { node, op, value } => {
                f.write_str("snapshot")?;
                write_node(f, *node)?;
                write!(f, " {op} {value}")
            }
            Expectation::LastIndex { node, op, value } => {
                f.write_str("lastindex")?;
                write_node(f, *node)?;
                write!(f, " {op} {value}")
            }
            Expectation::LogTerm {
                node,
                index,
                op,
                value,
            } => write!(f, "logterm {node} at {index} {op} {value}"),
            Expectation::Log { node, op, terms } => {
                write!(f, "log {node} {op}")?;
                if terms.is_empty() {
                    return f.write_str(" empty");
                }
                for t in terms {
                    write!(f, " {t}")?;
                }
                Ok(())
            }
            Expectation::Progress {
                leader,
                peer,
                op,
                value,
            } => {
                write!(f, "progress {leader}->{peer} ")?;
                write_progress(f, *op, *value)
            }
            Expectation::Transferee {
                node,
                op,
                transferee,
            } => {
                write!(f, "transferee {node} {op} ")?;
                write_id_or_none(f, *transferee)
            }
            Expectation::Config {
                node,
                what,
                op,
                nodes,
                joint,
            } => {
                f.write_str(what.as_str())?;
                if let Some(n) = node {
                    write!(f, " {n}")?;
                }
                write!(f, " {op} ")?;
                match what {
                    ConfigPart::Joint => f.write_str(if *joint { "yes" } else { "no" }),
                    _ => write_set(f, nodes),
                }
            }
            Expectation::Members { role, op, nodes } => {
                write!(f, "{} {op} ", role.plural())?;
                write_set(f, nodes)
            }
            Expectation::Partition { op, groups } => {
                write!(f, "partition {op}")?;
                write_groups(f, groups)
            }
            Expectation::LogContains { text } => {
                f.write_str("log contains ")?;
                write_quoted(f, text)
            }
            Expectation::LogCount { text, op, value } => {
                f.write_str("log count ")?;
                write_quoted(f, text)?;
                write!(f, " {op} {value}")
            }
        }
    }
}

fn write_id_or_none(f: &mut fmt::Formatter<'_>, id: Option<NodeId>) -> fmt::Result {
    match id {
        Some(id) => write!(f, "{id}"),
        None => f.write_str("none"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for ok in ["x", "_", "a.b-c_1", "X9", "a..b"] {
            assert!(is_valid_key(ok), "{ok}");
        }
        for bad in ["", "1x", "-a", ".a", "a b", "a=b", "é"] {
            assert!(!is_valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn cmp_ops() {
        assert!(CmpOp::Le.holds(&3, &3));
        assert!(!CmpOp::Lt.holds(&3, &3));
        assert!(CmpOp::Ne.holds(&None, &Some(2u64)));
        assert!(CmpOp::Ge.holds(&5, &4));
        assert!(CmpOp::Eq.is_equality() && !CmpOp::Gt.is_equality());
    }

    #[test]
    fn a_first_untimed_network_change_prints_as_a_command() {
        let s = Scenario {
            settings: Settings {
                loss: Some(Probability::ZERO),
                ..Settings::default()
            },
            steps: vec![Step {
                line: 2,
                at: None,
                action: Action::Command(Command::ChangeNetwork(NetworkChange::Loss(
                    Probability::ONE,
                ))),
            }],
            golden: None,
        };
        assert_eq!(s.to_string(), "loss 0\nat +0s loss 1\n");
    }
}

/// What `expect voters`, `expect learners` and `expect joint` read of a configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigPart {
    Voters,
    Learners,
    Joint,
}

impl ConfigPart {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigPart::Voters => "voters",
            ConfigPart::Learners => "learners",
            ConfigPart::Joint => "joint",
        }
    }
}
