//! What a user (the page), a scenario or the fuzzer can do to a running cluster: one command
//! type for all three. A command names nodes by id or as `leader`, whoever leads when it runs.
//!
//! `Display` writes a command in the scenario language (the commands the page and the fuzzer
//! give that have no scenario words, such as dropping a message by id, are written readably).

use super::float::Float;
use super::kv::KvOp;
use super::message_spec::MessageSpec;
use super::network::LinkConfig;
use raft_core::message::MsgKind;
use raft_core::types::NodeId;
use std::fmt;

/// A span of simulated time, in microseconds.
pub type Micros = u64;

/// A node named by id, or whichever node leads when the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Node(NodeId),
    /// The current leader; naming it when there is none is refused.
    Leader,
}

impl From<NodeId> for Target {
    fn from(id: NodeId) -> Target {
        Target::Node(id)
    }
}

/// How many times `tick` ticks a node's logical clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ticks {
    /// This many ticks, at least 1.
    Times(u32),
    /// Until its election timeout elapses: a follower or candidate campaigns (after its
    /// randomized timeout), a leader ends a check-quorum round.
    Election,
    /// The heartbeat interval: a leader sends heartbeats.
    Heartbeat,
}

/// Which messages in flight a `deliver` or a `drop` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every message in flight now.
    All,
    /// On the link from `from` to `to`, only those of `kind` when given: one of them, or
    /// every one (`take`).
    Link {
        from: Target,
        to: Target,
        kind: Option<MsgKind>,
        take: Take,
    },
}

/// How many of the messages a link selection names it takes, in the order they would arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// The one at this place, counting from 1: `Nth(1)` is the first to arrive (written
    /// plainly, `MsgApp 3->1`), `Nth(2)` the one after it (`MsgApp 3->1 nth 2`).
    Nth(u32),
    /// Every one.
    All,
}

impl Take {
    /// The first to arrive.
    pub const FIRST: Take = Take::Nth(1);
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Crash(Target),
    Restart(Target),
    /// Split the network into these groups (nodes named in none form one more group).
    Partition(Vec<Vec<NodeId>>),
    Isolate(Target),
    Heal,
    /// Fire this node's election timer now (etcd's MsgHup).
    Campaign(Target),
    /// Ask the leader to hand leadership to this node.
    Transfer(Target),
    /// A client request through `via` (the leader when None).
    Request {
        via: Option<Target>,
        op: KvOp,
    },
    /// Tick one node's logical clock now, without delivering anything; its own schedule of
    /// ticks goes on as before.
    Tick {
        node: Target,
        ticks: Ticks,
    },
    /// Put a message made by hand on the wire, as if `from` had sent it.
    Send {
        from: NodeId,
        to: NodeId,
        message: MessageSpec,
    },
    /// Deliver messages in flight now, in the order they would arrive: those of one link,
    /// or every one in flight (the messages these deliveries cause stay in flight).
    Deliver(Selection),
    /// Drop messages in flight.
    Drop(Selection),
    /// Drop one message in flight, by id.
    DropMessage(u64),
    /// Deliver until nothing is in flight (timers do not fire meanwhile).
    Stabilize,
    /// Set every setting of the network from now on.
    SetNetwork(LinkConfig),
    /// Change one setting of the network from now on.
    ChangeNetwork(NetworkChange),
    /// Set one direction of one link (None: back to the network's settings).
    SetLink {
        from: NodeId,
        to: NodeId,
        link: Option<LinkConfig>,
    },
    /// Change one setting of one direction of one link (starting from what it has now).
    ChangeLink {
        from: NodeId,
        to: NodeId,
        change: NetworkChange,
    },
    /// Switch one of etcd's extensions on or off on every node from now on (a setting
    /// written among the commands: `at 3s prevote off`).
    Extension(Extension),
    /// A line of narration in the event log.
    Note(String),
    /// A membership change, proposed to the leader (a node new to the cluster starts first,
    /// with empty storage and no configuration).
    Member(MemberChange),
}

/// One of etcd's election extensions, switched on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extension {
    PreVote(bool),
    CheckQuorum(bool),
}

impl fmt::Display for Extension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, on) = match *self {
            Extension::PreVote(on) => ("prevote", on),
            Extension::CheckQuorum(on) => ("checkquorum", on),
        };
        write!(f, "{name} {}", if on { "on" } else { "off" })
    }
}

/// A membership change as the scenario language and the page name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberChange {
    /// `add 4` (a voter) or `add-learner 4`.
    Add { node: NodeId, learner: bool },
    /// `promote 4`: a learner becomes a voter.
    Promote(NodeId),
    /// `remove 3`, `remove leader`.
    Remove(Target),
    /// `change add 6 7 remove 1 2 [explicit]`: one joint change, left automatically unless
    /// `explicit` (then by `leave-joint`).
    Joint {
        add: Vec<NodeId>,
        remove: Vec<NodeId>,
        explicit: bool,
    },
    /// `leave-joint`.
    LeaveJoint,
}

impl fmt::Display for MemberChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemberChange::Add {
                node,
                learner: false,
            } => write!(f, "add {node}"),
            MemberChange::Add {
                node,
                learner: true,
            } => write!(f, "add-learner {node}"),
            MemberChange::Promote(node) => write!(f, "promote {node}"),
            MemberChange::Remove(t) => write!(f, "remove {t}"),
            MemberChange::Joint {
                add,
                remove,
                explicit,
            } => {
                f.write_str("change")?;
                if !add.is_empty() {
                    f.write_str(" add")?;
                    for id in add {
                        write!(f, " {id}")?;
                    }
                }
                if !remove.is_empty() {
                    f.write_str(" remove")?;
                    for id in remove {
                        write!(f, " {id}")?;
                    }
                }
                if *explicit {
                    f.write_str(" explicit")?;
                }
                Ok(())
            }
            MemberChange::LeaveJoint => f.write_str("leave-joint"),
        }
    }
}

/// The argument of a command that made the cluster refuse it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// The node a command acts on (crash, restart, isolate, campaign, transfer, tick).
    Node,
    /// The node a client request goes through.
    Via,
    /// The groups of a partition.
    Groups,
    /// The id of a message to drop, or the messages a deliver or drop names.
    Message,
    /// One end of a link.
    From,
    To,
    /// A network or link setting.
    Link,
}

/// Why the cluster refused a command, and which of the command's arguments was at fault
/// when one was (none for, say, "no leader").
///
/// A refusal of the simulator's own (a node that is not in the cluster, no leader to ask)
/// changes nothing. A command that reached a node which refused it (a leader refusing a
/// membership change) has left its mark: the node logged and counted the refusal, so the
/// command is part of the run all the same (`by_node`; a `Timeline` records it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub arg: Option<Arg>,
    pub message: String,
    /// Refused by a node, which logged and counted it: the run is no longer what it was.
    pub by_node: bool,
}

impl Refusal {
    pub fn new(arg: Option<Arg>, message: impl Into<String>) -> Refusal {
        Refusal {
            arg,
            message: message.into(),
            by_node: false,
        }
    }

    /// A refusal by a node the command reached (see `by_node`), in the node's words.
    pub fn by_node(reason: &dyn fmt::Display) -> Refusal {
        Refusal {
            by_node: true,
            ..Refusal::new(None, reason.to_string())
        }
    }

    /// A refusal because of a typed error (a bad partition, link, restart or transfer), in
    /// its words.
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

/// A network setting that may also change mid-run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkChange {
    Latency(Latency),
    Loss(Probability),
    Duplicate(Probability),
    Reorder(Probability),
}

impl NetworkChange {
    /// `link` with this one setting changed.
    pub fn applied_to(self, link: &LinkConfig) -> LinkConfig {
        let mut link = link.clone();
        match self {
            NetworkChange::Latency(l) => {
                link.latency_min = l.min;
                link.latency_max = l.max;
            }
            NetworkChange::Loss(p) => link.loss = p.as_f64(),
            NetworkChange::Duplicate(p) => link.duplicate = p.as_f64(),
            NetworkChange::Reorder(p) => link.reorder = p.as_f64(),
        }
        link
    }

    /// The four changes that make a link behave as `link` does.
    pub fn all_of(link: &LinkConfig) -> [NetworkChange; 4] {
        [
            NetworkChange::Latency(Latency {
                min: link.latency_min,
                max: link.latency_max,
            }),
            NetworkChange::Loss(Probability::nearest(link.loss)),
            NetworkChange::Duplicate(Probability::nearest(link.duplicate)),
            NetworkChange::Reorder(Probability::nearest(link.reorder)),
        ]
    }
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

    /// The probability nearest to `p`, clamped to `0..=1`.
    pub fn nearest(p: f64) -> Probability {
        let ppm = (p.clamp(0.0, 1.0) * f64::from(Probability::SCALE)).round() as u32;
        Probability::from_ppm(ppm).unwrap_or(Probability::ZERO)
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

/// A simulated time as seconds, for messages ("at 1.25s").
pub fn secs(us: u64) -> String {
    format!("{}s", Float(us as f64 / 1e6))
}

/// A simulated time as the page and the event log write it, to the millisecond: "0.868 s".
pub fn secs_ms(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1000) % 1000)
}

/// The digits after the decimal point of `part / 10^digits`, without trailing zeros.
fn fraction(part: u64, digits: usize) -> String {
    let padded = format!("{part:0digits$}");
    padded.trim_end_matches('0').to_string()
}

/// Writes `s` as a quoted string with the escapes the scenario lexer understands, so that it
/// stays on one line and reads back unchanged.
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
pub(crate) fn write_value(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
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

/// `set k=v` or `del k`, the value quoted when it must be.
pub(crate) fn write_op(f: &mut fmt::Formatter<'_>, op: &KvOp) -> fmt::Result {
    match op {
        KvOp::Set { key, value } => {
            write!(f, "set {key}=")?;
            write_value(f, value)
        }
        KvOp::Del { key } => write!(f, "del {key}"),
    }
}

/// ` {1,2} {3}` as in the `partition` command, or ` none` without groups.
pub(crate) fn write_groups(f: &mut fmt::Formatter<'_>, groups: &[Vec<NodeId>]) -> fmt::Result {
    if groups.is_empty() {
        return f.write_str(" none");
    }
    for group in groups {
        f.write_str(" ")?;
        write_set(f, group)?;
    }
    Ok(())
}

/// `{1,2,3}`; `{}` when empty.
pub(crate) fn write_set(f: &mut fmt::Formatter<'_>, ids: &[NodeId]) -> fmt::Result {
    f.write_str("{")?;
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{id}")?;
    }
    f.write_str("}")
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Node(id) => write!(f, "{id}"),
            Target::Leader => f.write_str("leader"),
        }
    }
}

impl fmt::Display for Selection {
    /// `all`, `MsgApp 3->1`, `next 3->1`, `all 3->1`, `all MsgApp 3->1`, `MsgApp 3->1 nth 2`,
    /// `next 3->1 nth 2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selection::All => f.write_str("all"),
            Selection::Link {
                from,
                to,
                kind,
                take,
            } => {
                match (take, kind) {
                    (Take::All, Some(kind)) => write!(f, "all {kind}")?,
                    (Take::All, None) => f.write_str("all")?,
                    (Take::Nth(_), Some(kind)) => write!(f, "{kind}")?,
                    (Take::Nth(_), None) => f.write_str("next")?,
                }
                write!(f, " {from}->{to}")?;
                match take {
                    Take::Nth(n) if *n != 1 => write!(f, " nth {n}"),
                    _ => Ok(()),
                }
            }
        }
    }
}

impl fmt::Display for Command {
    /// The scenario language's words for the command.
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
            Command::Member(change) => write!(f, "{change}"),
            Command::Campaign(t) => write!(f, "campaign {t}"),
            Command::Transfer(t) => write!(f, "transfer {t}"),
            Command::Request { via, op } => {
                f.write_str("request ")?;
                write_op(f, op)?;
                match via {
                    Some(via) => write!(f, " via {via}"),
                    None => Ok(()),
                }
            }
            Command::Tick { node, ticks } => match ticks {
                Ticks::Times(1) => write!(f, "tick {node}"),
                Ticks::Times(n) => write!(f, "tick {node} times {n}"),
                Ticks::Election => write!(f, "tick-election {node}"),
                Ticks::Heartbeat => write!(f, "tick-heartbeat {node}"),
            },
            Command::Send { from, to, message } => {
                write!(f, "send {} {from}->{to}", message.kind)?;
                message.write_fields(f)
            }
            Command::Deliver(which) => write!(f, "deliver {which}"),
            Command::Drop(which) => write!(f, "drop {which}"),
            Command::DropMessage(id) => write!(f, "drop #{id}"),
            Command::Stabilize => f.write_str("stabilize"),
            Command::SetNetwork(l) => write_link_config(f, l),
            Command::ChangeNetwork(change) => write!(f, "{change}"),
            Command::Extension(x) => write!(f, "{x}"),
            Command::SetLink {
                from,
                to,
                link: None,
            } => write!(f, "link {from}->{to} reset"),
            Command::SetLink {
                from,
                to,
                link: Some(l),
            } => {
                write!(f, "link {from}->{to} ")?;
                write_link_config(f, l)
            }
            Command::ChangeLink { from, to, change } => write!(f, "link {from}->{to} {change}"),
            Command::Note(text) => {
                f.write_str("note ")?;
                write_quoted(f, text)
            }
        }
    }
}

/// Every setting of a link, in the scenario's words for each.
fn write_link_config(f: &mut fmt::Formatter<'_>, l: &LinkConfig) -> fmt::Result {
    for (i, change) in NetworkChange::all_of(l).iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{change}")?;
    }
    Ok(())
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
        assert_eq!(
            Probability::nearest(0.05),
            Probability::from_ppm(50_000).unwrap()
        );
        assert_eq!(Probability::nearest(7.0), Probability::ONE);
    }

    #[test]
    fn values_are_quoted_only_when_needed() {
        let set = |v: &str| {
            Command::Request {
                via: None,
                op: KvOp::Set {
                    key: "k".into(),
                    value: v.into(),
                },
            }
            .to_string()
        };
        assert_eq!(set("1"), "request set k=1");
        assert_eq!(set("a=b,{c}"), "request set k=a=b,{c}");
        assert_eq!(set(""), "request set k=\"\"");
        assert_eq!(set("none"), "request set k=\"none\"");
        assert_eq!(set("a b"), "request set k=\"a b\"");
        assert_eq!(
            set("say \"hi\"\n#1 \\o/"),
            r#"request set k="say \"hi\"\n#1 \\o/""#
        );
        assert_eq!(set("héllo"), "request set k=héllo");
    }

    #[test]
    fn commands_print_in_the_scenario_language() {
        let link = Selection::Link {
            from: Target::Node(3),
            to: Target::Leader,
            kind: Some(MsgKind::App),
            take: Take::FIRST,
        };
        let second = Selection::Link {
            from: Target::Node(3),
            to: Target::Node(1),
            kind: None,
            take: Take::Nth(2),
        };
        let cases: [(Command, &str); 11] = [
            (Command::Crash(Target::Leader), "crash leader"),
            (Command::Drop(link), "drop MsgApp 3->leader"),
            (
                Command::Drop(Selection::Link {
                    from: Target::Node(3),
                    to: Target::Leader,
                    kind: Some(MsgKind::App),
                    take: Take::Nth(3),
                }),
                "drop MsgApp 3->leader nth 3",
            ),
            (Command::Deliver(second), "deliver next 3->1 nth 2"),
            (Command::Deliver(Selection::All), "deliver all"),
            (
                Command::Tick {
                    node: 2.into(),
                    ticks: Ticks::Times(1),
                },
                "tick 2",
            ),
            (
                Command::Tick {
                    node: 2.into(),
                    ticks: Ticks::Times(4),
                },
                "tick 2 times 4",
            ),
            (
                Command::Tick {
                    node: Target::Leader,
                    ticks: Ticks::Heartbeat,
                },
                "tick-heartbeat leader",
            ),
            (
                Command::SetNetwork(LinkConfig::default()),
                "latency 10ms..30ms loss 0 duplicate 0 reorder 0",
            ),
            (
                Command::SetLink {
                    from: 1,
                    to: 2,
                    link: None,
                },
                "link 1->2 reset",
            ),
            (Command::DropMessage(7), "drop #7"),
        ];
        for (command, text) in cases {
            assert_eq!(command.to_string(), text);
        }
    }
}
