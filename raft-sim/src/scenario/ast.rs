//! The syntax tree of a scenario, and its canonical text form.
//!
//! Every node's `Display` prints it back in the syntax [`parse`](super::parse::parse) reads, so a
//! session built in the page can be exported as a script: for any scenario `s` that `parse` can
//! return, `parse(&s.to_string())` gives `s` back again, except for the line numbers of its steps
//! (which follow the printed layout).

use crate::kv::KvOp;
use raft_core::message::MsgKind;
use raft_core::types::{Index, NodeId, Term};
use std::fmt;

/// A span of simulated time, in microseconds.
pub type Micros = u64;

/// The largest cluster a scenario may ask for.
pub const MAX_NODES: u64 = raft_core::config::MAX_NODES as u64;

/// A whole scenario file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number in the source, for run-time error messages.
    pub line: usize,
    pub at: Option<At>,
    pub command: Command,
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

/// A node named by id, or whichever node leads when the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Node(NodeId),
    /// The current leader; naming it when there is none is a run-time error.
    Leader,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Crash(Target),
    /// The parser rejects `restart leader`: a crashed node leads nothing.
    Restart(Target),
    /// The groups as written, each non-empty, no node in two groups. Nodes not listed form one
    /// more group; the parser guarantees at least two groups result when the cluster size is
    /// known (when `nodes` is not set, the executor must check against its default size).
    Partition(Vec<Vec<NodeId>>),
    /// Cut one node off from everyone else.
    Isolate(Target),
    /// Remove every partition.
    Heal,
    /// Make the node's election timeout fire now (etcd's MsgHup).
    Campaign(Target),
    /// Ask the leader to hand leadership to this node. The parser rejects `transfer leader`.
    Transfer(Target),
    /// A client request, through `via` or, when `None`, through the leader. Keys match
    /// `[A-Za-z_][A-Za-z0-9_.-]*` (see [`is_valid_key`]); values are any string.
    Request {
        cmd: KvOp,
        via: Option<Target>,
    },
    /// Drop messages in flight from `from` to `to`: the one to be delivered first, or every one
    /// when `all`; only those of `kind` when given. When both ends are ids they differ.
    ///
    /// Written `drop MsgApp 3->1` (the next MsgApp), `drop next 3->1` (the next of any kind),
    /// `drop all 3->1`, `drop all MsgApp 3->1`.
    Drop {
        kind: Option<MsgKind>,
        all: bool,
        from: Target,
        to: Target,
    },
    /// Deliver messages until none is in flight.
    Stabilize,
    /// Let simulated time pass.
    Run(Micros),
    /// Change the network from now on.
    SetNetwork(NetworkChange),
    /// Change one direction of one link from now on (`None`: back to the network's
    /// settings). Written `link 1->2 latency 50ms..80ms`, `link 1->2 loss 0.2`,
    /// `link 1->2 reset`.
    Link {
        from: NodeId,
        to: NodeId,
        change: Option<NetworkChange>,
    },
    /// A narration stop: the page pauses and shows the text; native runs carry on.
    Pause(String),
    Expect(Expectation),
}

/// A network setting that may also change mid-scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkChange {
    Latency(Latency),
    Loss(Probability),
    Duplicate(Probability),
    Reorder(Probability),
}

/// One-way message latency, drawn from `[min, max]`; `min == max` means fixed. The parser
/// guarantees `min <= max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    pub min: Micros,
    pub max: Micros,
}

impl Latency {
    pub fn fixed(latency: Micros) -> Latency {
        Latency {
            min: latency,
            max: latency,
        }
    }
}

/// A probability with six decimal places, kept as an integer so that drawing against it is
/// exact and identical on every platform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Probability(u32);

impl Probability {
    /// Parts per million in certainty.
    pub const SCALE: u32 = 1_000_000;
    pub const ZERO: Probability = Probability(0);
    pub const ONE: Probability = Probability(Probability::SCALE);

    /// `None` above [`Probability::SCALE`].
    pub fn from_ppm(ppm: u32) -> Option<Probability> {
        (ppm <= Probability::SCALE).then_some(Probability(ppm))
    }

    /// Parts per million: an event with this probability happens when a uniform draw from
    /// `0..SCALE` is below this.
    pub fn ppm(self) -> u32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / f64::from(Probability::SCALE)
    }
}

/// A check made at one moment of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// The node every live node agrees leads (`None`: no leader). Only `==` and `!=`.
    Leader { op: CmpOp, leader: Option<NodeId> },
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
    /// The number of messages in flight, or of those of `kind` when given.
    Messages {
        kind: Option<MsgKind>,
        op: CmpOp,
        value: u64,
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
    /// Exactly which nodes are in `role` now, as a set: `nodes` as written, in any order, no
    /// node twice. Only `==` and `!=`.
    Members {
        role: ExpectedRole,
        op: CmpOp,
        nodes: Vec<NodeId>,
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

/// Formats a duration in the shortest exact form the parser reads back: `0s`, `2s`, `1.5s`,
/// `300ms`, `2.5ms`, `7us`.
pub fn format_duration(us: Micros) -> String {
    const S: u64 = 1_000_000;
    const MS: u64 = 1_000;
    if us.is_multiple_of(S) {
        format!("{}s", us / S)
    } else if us >= S {
        format!("{}.{}s", us / S, fraction(us % S, 6))
    } else if us.is_multiple_of(MS) {
        format!("{}ms", us / MS)
    } else if us >= MS {
        format!("{}.{}ms", us / MS, fraction(us % MS, 3))
    } else {
        format!("{us}us")
    }
}

/// The digits after the decimal point of `part / 10^digits`, without trailing zeros.
fn fraction(part: u64, digits: usize) -> String {
    let padded = format!("{part:0digits$}");
    padded.trim_end_matches('0').to_string()
}

/// Writes `s` as a quoted string with the escapes the lexer understands, so that it stays on one
/// line and reads back unchanged.
pub(crate) fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// Writes a value bare when the parser would read it back as the same string, quoted otherwise.
/// `none` is always quoted, since bare it means "absent" in `expect value`.
fn write_value(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let bare = !s.is_empty()
        && s != "none"
        && !s
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '#' | '\\'));
    if bare {
        f.write_str(s)
    } else {
        write_quoted(f, s)
    }
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
            if i == 0 && step.at.is_none() && matches!(step.command, Command::SetNetwork(_)) {
                writeln!(f, "at +0s {}", step.command)?;
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
        if let Some(init) = &self.init {
            writeln!(f, "{init}")?;
        }
        Ok(())
    }
}

impl fmt::Display for InitState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "init term {}", self.term)?;
        if !self.log.is_empty() {
            f.write_str(" log")?;
            for t in &self.log {
                write!(f, " {t}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = self.at {
            write!(f, "{at} ")?;
        }
        write!(f, "{}", self.command)
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

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Node(id) => write!(f, "{id}"),
            Target::Leader => f.write_str("leader"),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Crash(t) => write!(f, "crash {t}"),
            Command::Restart(t) => write!(f, "restart {t}"),
            Command::Partition(groups) => {
                f.write_str("partition")?;
                write_groups(f, groups)
            }
            Command::Isolate(t) => write!(f, "isolate {t}"),
            Command::Heal => f.write_str("heal"),
            Command::Campaign(t) => write!(f, "campaign {t}"),
            Command::Transfer(t) => write!(f, "transfer {t}"),
            Command::Request { cmd, via } => {
                f.write_str("request ")?;
                write_op(f, cmd)?;
                if let Some(via) = via {
                    write!(f, " via {via}")?;
                }
                Ok(())
            }
            Command::Drop {
                kind,
                all,
                from,
                to,
            } => {
                f.write_str(if *all { "drop all " } else { "drop " })?;
                match kind {
                    Some(kind) => write!(f, "{kind} ")?,
                    None if !*all => f.write_str("next ")?,
                    None => {}
                }
                write!(f, "{from}->{to}")
            }
            Command::Stabilize => f.write_str("stabilize"),
            Command::Run(d) => write!(f, "run {}", format_duration(*d)),
            Command::SetNetwork(change) => write!(f, "{change}"),
            Command::Link {
                from,
                to,
                change: Some(change),
            } => write!(f, "link {from}->{to} {change}"),
            Command::Link {
                from,
                to,
                change: None,
            } => write!(f, "link {from}->{to} reset"),
            Command::Pause(text) => {
                f.write_str("pause ")?;
                write_quoted(f, text)
            }
            Command::Expect(e) => write!(f, "expect {e}"),
        }
    }
}

/// A key-value command as the language writes it: the value quoted where it must be (the
/// store's own text, `KvOp`'s `Display`, never quotes).
fn write_op(f: &mut fmt::Formatter<'_>, op: &KvOp) -> fmt::Result {
    match op {
        KvOp::Set { key, value } => {
            write!(f, "set {key}=")?;
            write_value(f, value)
        }
        KvOp::Del { key } => write!(f, "del {key}"),
    }
}

impl fmt::Display for NetworkChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkChange::Latency(l) => write!(f, "latency {l}"),
            NetworkChange::Loss(p) => write!(f, "loss {p}"),
            NetworkChange::Duplicate(p) => write!(f, "duplicate {p}"),
            NetworkChange::Reorder(p) => write!(f, "reorder {p}"),
        }
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            f.write_str(&format_duration(self.min))
        } else {
            write!(
                f,
                "{}..{}",
                format_duration(self.min),
                format_duration(self.max)
            )
        }
    }
}

/// `0`, `1`, `0.05`: as few digits as needed.
impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / Probability::SCALE;
        let part = self.0 % Probability::SCALE;
        if part == 0 {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{}", fraction(u64::from(part), 6))
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

fn write_node(f: &mut fmt::Formatter<'_>, node: Option<NodeId>) -> fmt::Result {
    match node {
        Some(id) => write!(f, " {id}"),
        None => Ok(()),
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Leader { op, leader } => {
                write!(f, "leader {op} ")?;
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
            Expectation::Messages { kind, op, value } => {
                f.write_str("messages")?;
                if let Some(kind) = kind {
                    write!(f, " {kind}")?;
                }
                write!(f, " {op} {value}")
            }
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

/// `{1,2,3}`; `{}` when empty.
fn write_set(f: &mut fmt::Formatter<'_>, ids: &[NodeId]) -> fmt::Result {
    f.write_str("{")?;
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{id}")?;
    }
    f.write_str("}")
}

/// ` {1,2} {3}` as in the `partition` command, or ` none` without groups.
fn write_groups(f: &mut fmt::Formatter<'_>, groups: &[Vec<NodeId>]) -> fmt::Result {
    if groups.is_empty() {
        return f.write_str(" none");
    }
    for group in groups {
        f.write_str(" ")?;
        write_set(f, group)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_in_the_shortest_exact_unit() {
        let cases = [
            (0, "0s"),
            (1, "1us"),
            (999, "999us"),
            (1_000, "1ms"),
            (2_500, "2.5ms"),
            (1_001, "1.001ms"),
            (300_000, "300ms"),
            (1_000_000, "1s"),
            (1_500_000, "1.5s"),
            (1_000_001, "1.000001s"),
            (u64::MAX, "18446744073709.551615s"),
        ];
        for (us, text) in cases {
            assert_eq!(format_duration(us), text, "{us}us");
        }
    }

    #[test]
    fn probabilities_print_without_trailing_zeros() {
        let p = |ppm| Probability::from_ppm(ppm).unwrap().to_string();
        assert_eq!(p(0), "0");
        assert_eq!(p(1_000_000), "1");
        assert_eq!(p(50_000), "0.05");
        assert_eq!(p(1), "0.000001");
        assert_eq!(p(123_400), "0.1234");
        assert!(Probability::from_ppm(1_000_001).is_none());
        assert_eq!(Probability::from_ppm(250_000).unwrap().as_f64(), 0.25);
    }

    #[test]
    fn values_are_quoted_only_when_needed() {
        let set = |v: &str| {
            let cmd = KvOp::Set {
                key: "k".into(),
                value: v.into(),
            };
            let line = Command::Request { cmd, via: None }.to_string();
            line["request ".len()..].to_string()
        };
        assert_eq!(set("1"), "set k=1");
        assert_eq!(set("a=b,{c}"), "set k=a=b,{c}");
        assert_eq!(set(""), "set k=\"\"");
        assert_eq!(set("none"), "set k=\"none\"");
        assert_eq!(set("a b"), "set k=\"a b\"");
        assert_eq!(set("say \"hi\"\n#1 \\o/"), r#"set k="say \"hi\"\n#1 \\o/""#);
        assert_eq!(set("héllo"), "set k=héllo");
    }

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
                command: Command::SetNetwork(NetworkChange::Loss(Probability::ONE)),
            }],
            golden: None,
        };
        assert_eq!(s.to_string(), "loss 0\nat +0s loss 1\n");
    }
}
