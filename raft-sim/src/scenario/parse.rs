//! Reads a scenario file into its [syntax tree](super::ast).
//!
//! The parser stops at the first problem and says what it expected and what it found, pointing at
//! the offending token. Anything that can be checked without running the cluster is checked here
//! (node ids in range, times that go backwards, impossible partitions, ...), so that a script
//! fails while its author is still looking at it rather than halfway through a run.

use super::ast::{
    is_valid_key, Action, At, CmpOp, Command, Expectation, ExpectedRole, FlowState, InitState,
    KvOp, Latency, Micros, NetworkChange, NodeSetup, Probability, ProgressValue, Scenario,
    Selection, Step, Take, Target, Ticks, MAX_NODES,
};
use super::ast::{ConfigPart, MemberChange};
use super::lexer::{quote_for_message, Line, Tok, Token};
use crate::command::Extension;
use crate::config::SimConfig;
use crate::message_spec::{Field, MessageSpec};
use crate::network::LinkConfig;
use raft_core::message::MsgKind;
use raft_core::rng::{parse_seed, SeedError};
use raft_core::types::{Index, NodeId, Term};

pub use super::error::ParseError;

/// Parses a whole scenario file.
pub fn parse(src: &str) -> Result<Scenario, ParseError> {
    parse_boxed(src, true).map_err(|e| *e)
}

/// Settings lines that change another scenario's (a comparison's `--set`): parsed as a
/// scenario, but a timer is not checked against the other's default, which the scenario
/// changed may not keep (the merged settings are checked when the run is built).
pub fn parse_change(src: &str) -> Result<Scenario, ParseError> {
    parse_boxed(src, false).map_err(|e| *e)
}

/// `parse`, with the error boxed inside the parser: a small error keeps every `?` cheap.
fn parse_boxed(src: &str, whole: bool) -> Result<Scenario, Box<ParseError>> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut lines: Vec<&str> = src.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    let mut parser = Parser::default();
    for (i, raw) in lines.iter().enumerate() {
        let text = strip_cr(raw);
        if text == "----" {
            let golden = lines.get(i + 1..).unwrap_or(&[]);
            parser.scenario.golden = Some(golden.iter().map(|l| strip_cr(l).to_string()).collect());
            break;
        }
        parser.line(&mut Line::new(i + 1, text))?;
    }
    if whole {
        parser.timers_against_defaults(&lines)?;
    }
    Ok(parser.scenario)
}

impl std::str::FromStr for Scenario {
    type Err = ParseError;

    fn from_str(src: &str) -> Result<Scenario, ParseError> {
        parse(src)
    }
}

fn strip_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SettingKind {
    Nodes,
    Seed,
    Prevote,
    CheckQuorum,
    ElectionTimeout,
    Heartbeat,
    Tick,
    Latency,
    Loss,
    Duplicate,
    Reorder,
    SnapshotEvery,
    Init,
    MaxInflight,
    Manual,
    State,
    Snapshot,
}

const SETTINGS: [(&str, SettingKind); 17] = [
    ("nodes", SettingKind::Nodes),
    ("seed", SettingKind::Seed),
    ("prevote", SettingKind::Prevote),
    ("checkquorum", SettingKind::CheckQuorum),
    ("election-timeout", SettingKind::ElectionTimeout),
    ("heartbeat", SettingKind::Heartbeat),
    ("tick", SettingKind::Tick),
    ("latency", SettingKind::Latency),
    ("loss", SettingKind::Loss),
    ("duplicate", SettingKind::Duplicate),
    ("reorder", SettingKind::Reorder),
    ("snapshot-every", SettingKind::SnapshotEvery),
    ("init", SettingKind::Init),
    ("max-inflight", SettingKind::MaxInflight),
    ("manual", SettingKind::Manual),
    ("state", SettingKind::State),
    ("snapshot", SettingKind::Snapshot),
];

/// What a line of network settings among the commands sets: one of them, or all four.
enum Changes {
    One(NetworkChange),
    All(LinkConfig),
}

/// Whether `word` names a setting (the lines a comparison's change may hold).
pub fn is_setting(word: &str) -> bool {
    SettingKind::from_name(word).is_some()
}

impl SettingKind {
    fn from_name(name: &str) -> Option<SettingKind> {
        SETTINGS.iter().find(|(n, _)| *n == name).map(|&(_, k)| k)
    }

    /// The settings that may also appear among the commands, changing the network from then on.
    fn is_network(self) -> bool {
        matches!(
            self,
            SettingKind::Latency
                | SettingKind::Loss
                | SettingKind::Duplicate
                | SettingKind::Reorder
        )
    }

    /// The extensions, which may also appear among the commands, switched from then on.
    fn is_extension(self) -> bool {
        matches!(self, SettingKind::Prevote | SettingKind::CheckQuorum)
    }

    /// The settings given once per node rather than once per file.
    fn is_per_node(self) -> bool {
        matches!(self, SettingKind::State | SettingKind::Snapshot)
    }
}

const COMMANDS: [&str; 26] = [
    "crash",
    "restart",
    "partition",
    "isolate",
    "heal",
    "campaign",
    "transfer",
    "request",
    "drop",
    "deliver",
    "send",
    "tick",
    "tick-election",
    "tick-heartbeat",
    "link",
    "stabilize",
    "run",
    "pause",
    "expect",
    "add",
    "add-learner",
    "promote",
    "remove",
    "change",
    "leave-joint",
    "try",
];

const SUBJECTS: [&str; 25] = [
    "leader",
    "term",
    "role",
    "commit",
    "applied",
    "value",
    "violations",
    "messages",
    "message",
    "vote",
    "snapshot",
    "lastindex",
    "logterm",
    "progress",
    "transferee",
    "followers",
    "pre-candidates",
    "candidates",
    "leaders",
    "crashed",
    "partition",
    "log",
    "voters",
    "learners",
    "joint",
];

/// What a `{...}` of node ids is part of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Braces {
    /// A group of `partition` (command or expectation): never empty.
    Group,
    /// The nodes of `expect candidates == {1,3}`: `{}` is no node.
    Set,
}

impl Braces {
    fn expected(self) -> &'static str {
        match self {
            Braces::Group => "a group of nodes like {1,2}",
            Braces::Set => "a set of nodes like {1,3}, or {} for none",
        }
    }

    fn whole(self) -> &'static str {
        match self {
            Braces::Group => "the partition",
            Braces::Set => "the set",
        }
    }
}

const COMPARISONS: &str = "a comparison (==, !=, <, <=, >, >=)";

const DURATION_EXAMPLES: &str = "like 10ms, 1.5s or 2500us";

/// The longest a scenario runs, in simulated time: a day (a replay of real logs covers an
/// hour at most; a session exported from the page, its length). Without a bound one line
/// (`run 99999999999s`) would keep the command line busy for days and a page frozen.
const MAX_TIME: Micros = 24 * 3600 * 1_000_000;

/// The most ticks one `tick` command gives (stepping through timers by hand; `run` is for
/// long stretches): more would hold a page for seconds.
const MAX_TICKS: u32 = 100_000;

fn past_max_time(t: Micros) -> String {
    format!(
        "this takes the scenario to {}, past {}, the longest a scenario runs",
        super::ast::format_duration(t),
        super::ast::format_duration(MAX_TIME)
    )
}

#[derive(Default)]
struct Parser {
    scenario: Scenario,
    /// The line each setting was given on, by `SettingKind as usize`; 0 while not given.
    setting_lines: [usize; SETTINGS.len()],
    /// The earliest simulated time the steps so far can have reached: `at`s and `run`s add up,
    /// other commands may only add more. An absolute `at` before it would go back in time.
    clock: Micros,
    /// The line that last moved `clock`.
    clock_line: usize,
    /// The line of each node's `state` line, and of its `snapshot` line (see `line_for`).
    state_lines: Vec<(NodeId, usize)>,
    snapshot_lines: Vec<(NodeId, usize)>,
    /// The highest node id a setting named (a `state` line's node or vote), and its line: a
    /// later `nodes` may not leave it out.
    highest_named: (NodeId, usize),
    /// Nodes the membership commands so far added to the cluster (ids after `nodes`).
    added: u64,
    /// A command (or an `at`) has been read: every setting is known, `nodes` included.
    commands: bool,
}

impl Parser {
    /// The highest node id there is: once the commands begin, that of the cluster the
    /// settings make (the default size where no `nodes` line is written); among the
    /// settings, any id (a `state` line may come before `nodes`, which is checked then).
    fn max_node(&self) -> u64 {
        let nodes = match self.scenario.settings.nodes {
            Some(n) => n,
            None if self.commands => SimConfig::default().nodes as u64,
            None => MAX_NODES,
        };
        (nodes + self.added).min(MAX_NODES)
    }

    fn line(&mut self, l: &mut Line<'_>) -> Result<(), Box<ParseError>> {
        let first = l.next()?;
        let name = match first.tok {
            Tok::End => return Ok(()),
            Tok::Word(w) => w,
            _ => {
                return Err(l.error(
                    first.start,
                    format!(
                        "expected a command or a setting, found {}",
                        first.describe()
                    ),
                ))
            }
        };
        if name == "----" {
            return Err(l.error(
                first.start,
                "the line before the expected output must be exactly \"----\", with nothing else on it",
            ));
        }
        let (at, keyword, name) = if name == "at" {
            self.commands = true;
            let at = self.at(l)?;
            let keyword = l.next()?;
            match keyword.tok {
                Tok::Word(w) => (Some(at), keyword, w),
                _ => {
                    return Err(l.error(
                        keyword.start,
                        format!(
                            "expected a command after the time, found {}",
                            keyword.describe()
                        ),
                    ))
                }
            }
        } else {
            (None, first, name)
        };

        // `tick 10ms` sets the length of a tick; `tick 3` ticks node 3.
        let setting = SettingKind::from_name(name)
            .filter(|&k| !(k == SettingKind::Tick && l.peek().is_ok_and(|t| names_a_tick(&t))));
        if let Some(kind) = setting {
            let among_commands = at.is_some() || !self.scenario.steps.is_empty();
            if kind.is_network() && among_commands {
                let command = match self.network_changes(l, kind)? {
                    Changes::One(change) => Command::ChangeNetwork(change),
                    Changes::All(link) => Command::SetNetwork(link),
                };
                self.push(l, at, Action::Command(command));
            } else if kind.is_extension() && among_commands {
                let on = on_off(l)?;
                let x = if kind == SettingKind::Prevote {
                    Extension::PreVote(on)
                } else {
                    Extension::CheckQuorum(on)
                };
                expect_end(l)?;
                self.push(l, at, Action::Command(Command::Extension(x)));
            } else if at.is_some() {
                return Err(l.error(
                    keyword.start,
                    format!("\"{name}\" is a setting: settings go at the top of the file, without \"at\""),
                ));
            } else if let Some(step) = self.scenario.steps.first() {
                return Err(l.error(
                    keyword.start,
                    format!(
                        "\"{name}\" is a setting and must come before the first command (line {})",
                        step.line
                    ),
                ));
            } else {
                self.setting(l, kind, &keyword)?;
                expect_end(l)?;
                if let Some(slot) = self.setting_lines.get_mut(kind as usize) {
                    *slot = l.no;
                }
            }
            return Ok(());
        }

        self.commands = true;
        match self.command(l, name)? {
            Some(command) => {
                expect_end(l)?;
                self.push(l, at, command);
                Ok(())
            }
            None => {
                let known = COMMANDS
                    .iter()
                    .chain(SETTINGS.iter().map(|(n, _)| n))
                    .copied();
                let message = match suggest(name, known) {
                    Some(s) => format!(
                        "unknown command {} (did you mean \"{s}\"?)",
                        quote_for_message(name)
                    ),
                    None => format!(
                        "unknown command {}; the commands are {}",
                        quote_for_message(name),
                        COMMANDS.join(", ")
                    ),
                };
                Err(l.error(keyword.start, message))
            }
        }
    }

    fn push(&mut self, l: &Line<'_>, at: Option<At>, action: Action) {
        self.scenario.steps.push(Step {
            line: l.no,
            at,
            action,
        });
    }

    fn at(&mut self, l: &mut Line<'_>) -> Result<At, Box<ParseError>> {
        let relative = l.peek()?.is_punct("+");
        if relative {
            l.next()?;
        }
        let t = l.next()?;
        let time = duration(l, &t, "a time")?;
        if relative {
            self.advance_clock(l, &t, time)?;
            return Ok(At::Relative(time));
        }
        if time > MAX_TIME {
            return Err(l.error(t.start, past_max_time(time)));
        }
        if time < self.clock {
            return Err(l.error(
                t.start,
                format!(
                    "at {} would go back in time: the scenario already reaches {} at line {}",
                    super::ast::format_duration(time),
                    super::ast::format_duration(self.clock),
                    self.clock_line
                ),
            ));
        }
        self.clock = time;
        self.clock_line = l.no;
        Ok(At::Absolute(time))
    }

    fn advance_clock(
        &mut self,
        l: &Line<'_>,
        t: &Token<'_>,
        by: Micros,
    ) -> Result<(), Box<ParseError>> {
        match self.clock.checked_add(by) {
            Some(clock) if clock > MAX_TIME => Err(l.error(t.start, past_max_time(clock))),
            Some(clock) => {
                self.clock = clock;
                self.clock_line = l.no;
                Ok(())
            }
            None => Err(l.error(
                t.start,
                "this takes the scenario past the largest time there is",
            )),
        }
    }

    fn setting(
        &mut self,
        l: &mut Line<'_>,
        kind: SettingKind,
        keyword: &Token<'_>,
    ) -> Result<(), Box<ParseError>> {
        let name = keyword.word().unwrap_or("");
        if let Some(&line) = self
            .setting_lines
            .get(kind as usize)
            .filter(|_| !kind.is_per_node())
        {
            if line != 0 {
                return Err(l.error(
                    keyword.start,
                    format!("\"{name}\" is already set on line {line}"),
                ));
            }
        }
        let settings = &self.scenario.settings;
        match kind {
            SettingKind::Nodes => {
                let t = l.next()?;
                let n = uint(l, &t, &format!("the number of nodes (1..={MAX_NODES})"))?;
                if !(1..=MAX_NODES).contains(&n) {
                    return Err(l.error(
                        t.start,
                        format!("nodes must be between 1 and {MAX_NODES}, found {n}"),
                    ));
                }
                let (named, line) = self.highest_named;
                if named > n {
                    return Err(l.error(
                        t.start,
                        format!("nodes {n} leaves out node {named}, named on line {line}"),
                    ));
                }
                self.scenario.settings.nodes = Some(n);
            }
            SettingKind::Seed => {
                let t = l.next()?;
                self.scenario.settings.seed = Some(seed(l, &t)?);
            }
            SettingKind::Prevote => self.scenario.settings.prevote = Some(on_off(l)?),
            SettingKind::CheckQuorum => self.scenario.settings.check_quorum = Some(on_off(l)?),
            SettingKind::ElectionTimeout => {
                let t = l.next()?;
                let ticks = ticks(l, &t)?;
                if let Some(heartbeat) = settings.heartbeat {
                    if heartbeat >= ticks {
                        return Err(l.error(
                            t.start,
                            format!(
                                "election-timeout {ticks} must be greater than heartbeat {heartbeat} (line {})",
                                self.line_of(SettingKind::Heartbeat)
                            ),
                        ));
                    }
                }
                self.scenario.settings.election_timeout = Some(ticks);
            }
            SettingKind::Heartbeat => {
                let t = l.next()?;
                let ticks = ticks(l, &t)?;
                if let Some(timeout) = settings.election_timeout {
                    if ticks >= timeout {
                        return Err(l.error(
                            t.start,
                            format!(
                                "heartbeat {ticks} must be less than election-timeout {timeout} (line {})",
                                self.line_of(SettingKind::ElectionTimeout)
                            ),
                        ));
                    }
                }
                self.scenario.settings.heartbeat = Some(ticks);
            }
            SettingKind::Tick => {
                let t = l.next()?;
                let tick = duration(l, &t, "the length of a tick")?;
                if tick == 0 {
                    return Err(l.error(t.start, "a tick must last at least 1us"));
                }
                self.scenario.settings.tick = Some(tick);
            }
            SettingKind::Latency
            | SettingKind::Loss
            | SettingKind::Duplicate
            | SettingKind::Reorder => {
                let change = self.network_change(l, kind)?;
                let settings = &mut self.scenario.settings;
                match change {
                    NetworkChange::Latency(x) => settings.latency = Some(x),
                    NetworkChange::Loss(p) => settings.loss = Some(p),
                    NetworkChange::Duplicate(p) => settings.duplicate = Some(p),
                    NetworkChange::Reorder(p) => settings.reorder = Some(p),
                }
            }
            SettingKind::SnapshotEvery => {
                let t = l.next()?;
                let n = uint(l, &t, "a number of entries (0 for never)")?;
                self.scenario.settings.snapshot_every = Some(n);
            }
            SettingKind::Init => self.scenario.settings.init = Some(init(l)?),
            SettingKind::MaxInflight => {
                let t = l.next()?;
                let n = uint(l, &t, "a number of messages")?;
                if n == 0 {
                    return Err(l.error(t.start, "max-inflight must be at least 1"));
                }
                self.scenario.settings.max_inflight = Some(n);
            }
            SettingKind::Manual => self.scenario.settings.manual = Some(on_off(l)?),
            SettingKind::State => self.state(l)?,
            SettingKind::Snapshot => self.snapshot(l)?,
        }
        Ok(())
    }

    /// One of the two timers written and the other left to its default: checked once
    /// every setting is read (the other may be written further down), at the line written.
    fn timers_against_defaults(&self, lines: &[&str]) -> Result<(), Box<ParseError>> {
        let d = SimConfig::default();
        let st = &self.scenario.settings;
        let (kind, message) = match (st.election_timeout, st.heartbeat) {
            (Some(e), None) if e <= d.heartbeat_tick => (
                SettingKind::ElectionTimeout,
                format!(
                    "election-timeout {e} must be greater than the heartbeat, {} ticks by default: set a shorter \"heartbeat\" too",
                    d.heartbeat_tick
                ),
            ),
            (None, Some(h)) if h >= d.election_tick => (
                SettingKind::Heartbeat,
                format!(
                    "heartbeat {h} must be less than the election timeout, {} ticks by default: set a longer \"election-timeout\" too",
                    d.election_tick
                ),
            ),
            _ => return Ok(()),
        };
        let no = self.line_of(kind);
        let mut l = Line::new(
            no,
            strip_cr(lines.get(no.wrapping_sub(1)).copied().unwrap_or("")),
        );
        l.next()?;
        let value = l.next()?;
        Err(l.error(value.start, message))
    }

    fn line_of(&self, kind: SettingKind) -> usize {
        self.setting_lines.get(kind as usize).copied().unwrap_or(0)
    }

    fn network_change(
        &self,
        l: &mut Line<'_>,
        kind: SettingKind,
    ) -> Result<NetworkChange, Box<ParseError>> {
        Ok(match kind {
            SettingKind::Loss => NetworkChange::Loss(probability(l, "loss")?),
            SettingKind::Duplicate => NetworkChange::Duplicate(probability(l, "duplicate")?),
            SettingKind::Reorder => NetworkChange::Reorder(probability(l, "reorder")?),
            _ => {
                let t = l.next()?;
                let min = duration(l, &t, "a latency")?;
                if !l.peek()?.is_punct("..") {
                    return Ok(NetworkChange::Latency(Latency::fixed(min)));
                }
                l.next()?;
                let t = l.next()?;
                let max = duration(l, &t, "the largest latency")?;
                if max < min {
                    return Err(l.error(
                        t.start,
                        format!(
                            "the latency range {}..{} is backwards: the smallest latency comes first",
                            super::ast::format_duration(min),
                            super::ast::format_duration(max)
                        ),
                    ));
                }
                NetworkChange::Latency(Latency { min, max })
            }
        })
    }

    /// The rest of a line of network settings among the commands, `kind` first: one setting
    /// (`loss 0.2`), or all four on one line (`latency 40ms..120ms loss 0.2 duplicate 0
    /// reorder 0`, how a command that sets the whole network is written).
    fn network_changes(
        &self,
        l: &mut Line<'_>,
        kind: SettingKind,
    ) -> Result<Changes, Box<ParseError>> {
        let mut changes = vec![(kind, self.network_change(l, kind)?)];
        let end = loop {
            let t = l.next()?;
            if t.tok == Tok::End {
                break t.start;
            }
            let word = t.word().unwrap_or("");
            let Some(kind) = SettingKind::from_name(word).filter(|k| k.is_network()) else {
                return Err(l.error(
                    t.start,
                    format!(
                        "expected end of line or another network setting (latency, loss, duplicate, reorder), found {}",
                        t.describe()
                    ),
                ));
            };
            if changes.iter().any(|(k, _)| *k == kind) {
                return Err(l.error(t.start, format!("{word} is given twice on this line")));
            }
            changes.push((kind, self.network_change(l, kind)?));
        };
        match changes.len() {
            1 => Ok(Changes::One(changes[0].1)),
            4 => Ok(Changes::All(
                changes
                    .iter()
                    .fold(LinkConfig::default(), |link, (_, c)| c.applied_to(&link)),
            )),
            _ => {
                let missing: Vec<&str> = ["latency", "loss", "duplicate", "reorder"]
                    .into_iter()
                    .filter(|name| {
                        changes
                            .iter()
                            .all(|(k, _)| Some(*k) != SettingKind::from_name(name))
                    })
                    .collect();
                Err(l.error(
                    end,
                    format!(
                        "a line with more than one network setting gives all four: {} missing",
                        missing.join(", ")
                    ),
                ))
            }
        }
    }

    fn command(&mut self, l: &mut Line<'_>, name: &str) -> Result<Option<Action>, Box<ParseError>> {
        let command = match name {
            "crash" => Command::Crash(self.target(l)?),
            "restart" => Command::Restart(self.node_target(
                l,
                "\"restart leader\" names no node: a crashed node is never the leader; name a node id",
            )?),
            "partition" => Command::Partition(self.groups(l)?),
            "isolate" => Command::Isolate(self.target(l)?),
            "heal" => Command::Heal,
            "campaign" => Command::Campaign(self.target(l)?),
            "transfer" => Command::Transfer(self.node_target(
                l,
                "\"transfer leader\" would hand leadership to the node that has it; name a node id",
            )?),
            "request" => self.request(l)?,
            "drop" => Command::Drop(self.selection(l)?),
            "deliver" => Command::Deliver(self.selection(l)?),
            "send" => self.send(l)?,
            "tick" => self.tick(l)?,
            "tick-election" => Command::Tick {
                node: self.target(l)?,
                ticks: Ticks::Election,
            },
            "tick-heartbeat" => Command::Tick {
                node: self.target(l)?,
                ticks: Ticks::Heartbeat,
            },
            "link" => self.link_change(l)?,
            "stabilize" => Command::Stabilize,
            "run" => {
                let t = l.next()?;
                let d = duration(l, &t, "how long to run")?;
                self.advance_clock(l, &t, d)?;
                return Ok(Some(Action::Run(d)));
            }
            "pause" => return Ok(Some(Action::Pause(quoted(l, "the text to show")?.1))),
            "expect" => return Ok(Some(Action::Expect(self.expectation(l)?))),
            "add" | "add-learner" | "promote" | "remove" | "change" | "leave-joint" => {
                Command::Member(self.member_change(l, name)?)
            }
            "try" => {
                let t = l.next()?;
                let tried = match t.tok {
                    Tok::Word(w) if !matches!(w, "try" | "run" | "pause" | "expect") => {
                        self.command(l, w)?
                    }
                    _ => None,
                };
                return match tried {
                    Some(Action::Command(c)) => Ok(Some(Action::Try(c))),
                    _ => Err(l.error(
                        t.start,
                        format!(
                            "expected a command after \"try\" (add, remove, transfer, ...), found {}",
                            t.describe()
                        ),
                    )),
                };
            }
            _ => return Ok(None),
        };
        Ok(Some(Action::Command(command)))
    }

    /// A target that must be a node id, not `leader` (`why` says why not).
    fn node_target(&self, l: &mut Line<'_>, why: &str) -> Result<Target, Box<ParseError>> {
        let start = l.peek()?.start;
        match self.target(l)? {
            Target::Leader => Err(l.error(start, why)),
            t => Ok(t),
        }
    }

    fn target(&self, l: &mut Line<'_>) -> Result<Target, Box<ParseError>> {
        let t = l.next()?;
        if t.word() == Some("leader") {
            return Ok(Target::Leader);
        }
        let expected = format!("a node id (1..={}) or \"leader\"", self.max_node());
        self.node_in(l, &t, &expected, &["leader"])
            .map(Target::Node)
    }

    fn node(&self, l: &mut Line<'_>) -> Result<NodeId, Box<ParseError>> {
        let t = l.next()?;
        self.node_in(l, &t, &format!("a node id (1..={})", self.max_node()), &[])
    }

    /// Reads `t` as a node id, saying `expected` if it is not a number at all.
    fn node_in(
        &self,
        l: &Line<'_>,
        t: &Token<'_>,
        expected: &str,
        words: &[&str],
    ) -> Result<NodeId, Box<ParseError>> {
        let max = self.max_node();
        let word = t.word().unwrap_or("");
        match number(word) {
            Ok(id) if (1..=max).contains(&id) => Ok(id),
            Ok(_) | Err(NumError::TooLarge) => Err(l.error(
                t.start,
                format!(
                    "node {} does not exist: node ids are 1..={max}",
                    quote_for_message(word)
                ),
            )),
            Err(NumError::NotNumber) => {
                let hint = did_you_mean(word, words.iter().copied());
                Err(l.error(
                    t.start,
                    format!("expected {expected}, found {}{hint}", t.describe()),
                ))
            }
        }
    }

    /// `{1,2} {3,4,5}` up to the end of the line: at least one group, no node in two groups,
    /// and not a single group of every node (nodes not listed form one more group).
    fn groups(&self, l: &mut Line<'_>) -> Result<Vec<Vec<NodeId>>, Box<ParseError>> {
        let first_start = l.peek()?.start;
        let mut groups: Vec<Vec<NodeId>> = Vec::new();
        // Node ids are at most MAX_NODES < 64, so one bit per node.
        let mut seen: u64 = 0;
        while groups.is_empty() || l.peek()?.tok != Tok::End {
            groups.push(self.node_set(l, &mut seen, Braces::Group)?);
        }
        if groups.len() == 1 && u64::from(seen.count_ones()) == self.max_node() {
            return Err(l.error(
                first_start,
                format!(
                    "a partition needs at least two groups, but this one group holds all {} nodes",
                    self.max_node()
                ),
            ));
        }
        Ok(groups)
    }

    /// `{1,2}`: node ids in braces, in the order written. `seen` has a bit set for each node
    /// of the sets read before on this line, so that a node named twice is an error.
    fn node_set(
        &self,
        l: &mut Line<'_>,
        seen: &mut u64,
        braces: Braces,
    ) -> Result<Vec<NodeId>, Box<ParseError>> {
        let open = l.next()?;
        if !open.is_punct("{") {
            return Err(l.error(
                open.start,
                format!("expected {}, found {}", braces.expected(), open.describe()),
            ));
        }
        let peek = l.peek()?;
        if peek.is_punct("}") {
            if braces == Braces::Set {
                l.next()?;
                return Ok(Vec::new());
            }
            return Err(l.error(peek.start, "empty group: a group lists at least one node"));
        }
        let mut set = Vec::new();
        loop {
            let t = l.next()?;
            let id = self.node_in(l, &t, &format!("a node id (1..={})", self.max_node()), &[])?;
            let bit = 1u64
                .checked_shl(u32::try_from(id).unwrap_or(u32::MAX))
                .unwrap_or(0);
            if *seen & bit != 0 {
                return Err(l.error(
                    t.start,
                    format!("node {id} appears twice in {}", braces.whole()),
                ));
            }
            *seen |= bit;
            set.push(id);
            let sep = l.next()?;
            if sep.is_punct("}") {
                return Ok(set);
            }
            if !sep.is_punct(",") {
                return Err(l.error(
                    sep.start,
                    format!(
                        "expected \",\" or \"}}\" in a group, found {}",
                        sep.describe()
                    ),
                ));
            }
        }
    }

    fn request(&self, l: &mut Line<'_>) -> Result<Command, Box<ParseError>> {
        let t = l.next()?;
        let op = match t.word() {
            Some("set") => {
                let key = key(l)?;
                // Not a token: in `x==1` the value is "=1", where the lexer would see "==".
                if !l.eat_char('=') {
                    let t = l.peek()?;
                    return Err(l.error(
                        t.start,
                        format!(
                            "expected \"=\" and a value after the key, found {}",
                            t.describe()
                        ),
                    ));
                }
                let (value, _) = value(l)?;
                KvOp::Set { key, value }
            }
            Some("del") => KvOp::Del { key: key(l)? },
            word => {
                let hint = did_you_mean(word.unwrap_or(""), ["set", "del"]);
                return Err(l.error(
                    t.start,
                    format!("expected \"set\" or \"del\", found {}{hint}", t.describe()),
                ));
            }
        };
        let via = if l.peek()?.word() == Some("via") {
            l.next()?;
            Some(self.target(l)?)
        } else {
            None
        };
        Ok(Command::Request { via, op })
    }

    /// What `drop` and `deliver` take: `all` (every message in flight), `3->1` or `all 3->1`
    /// (every one on the link), `next 3->1` (the first to arrive), `MsgApp 3->1` (the first
    /// MsgApp), `all MsgApp 3->1`; `MsgApp 3->1 nth 2` and `next 3->1 nth 2`: the second.
    fn selection(&self, l: &mut Line<'_>) -> Result<Selection, Box<ParseError>> {
        let all = l.peek()?.word() == Some("all");
        if all {
            l.next()?;
            if l.peek()?.tok == Tok::End {
                return Ok(Selection::All);
            }
        }
        // A word that can start a link is a link; any other is a kind.
        if l.peek()?.word().is_some_and(names_a_node) {
            return self.link(l, None, Take::All);
        }
        let t = l.next()?;
        let kind = match t.word() {
            Some("next") if !all => None,
            Some(w) if MsgKind::from_name(w).is_some() => MsgKind::from_name(w),
            word => {
                let word = word.unwrap_or("");
                let names = MsgKind::ALL.map(MsgKind::name);
                let hint = kind_hint(word);
                let expected = if all {
                    format!("a node id, \"leader\" or one of {}", names.join(", "))
                } else {
                    format!(
                        "\"next\", \"all\", a link like 3->1 or one of {}",
                        names.join(", ")
                    )
                };
                let message = match t.tok {
                    Tok::Word(w) => format!(
                        "unknown message kind {}{hint}; expected {expected}",
                        quote_for_message(w)
                    ),
                    _ => format!("expected {expected}, found {}", t.describe()),
                };
                return Err(l.error(t.start, message));
            }
        };
        self.link(l, kind, if all { Take::All } else { Take::FIRST })
    }

    /// `tick 3` or `tick 3 times 5`.
    fn tick(&self, l: &mut Line<'_>) -> Result<Command, Box<ParseError>> {
        let node = self.target(l)?;
        let t = l.peek()?;
        if t.tok == Tok::End {
            return Ok(Command::Tick {
                node,
                ticks: Ticks::Times(1),
            });
        }
        l.next()?;
        if t.word() != Some("times") {
            return Err(l.error(
                t.start,
                format!(
                    "expected \"times\" and a count (as in \"tick {node} times 3\") or end of line, found {}",
                    t.describe()
                ),
            ));
        }
        let t = l.next()?;
        let n = uint(l, &t, "how many ticks")?;
        match u32::try_from(n) {
            Ok(0) => Err(l.error(t.start, "must be at least 1 tick")),
            Ok(n) if n <= MAX_TICKS => Ok(Command::Tick {
                node,
                ticks: Ticks::Times(n),
            }),
            _ => Err(l.error(
                t.start,
                format!(
                    "must be at most {MAX_TICKS} ticks (\"run\" lets the time pass for longer)"
                ),
            )),
        }
    }

    /// `send MsgApp 1->2 term 3 logterm 2 index 5 entries 3 3 commit 4`.
    fn send(&self, l: &mut Line<'_>) -> Result<Command, Box<ParseError>> {
        let t = l.next()?;
        let kind = message_kind(l, &t)?;
        if kind == MsgKind::Prop {
            return Err(l.error(
                t.start,
                "a MsgProp is not made by hand: a client request makes one (\"request set k=v via 2\")",
            ));
        }
        let (from, to) = self.node_link(l)?;
        let message = message_fields(l, kind, true)?;
        Ok(Command::Send { from, to, message })
    }

    /// `1->2` between two node ids that differ.
    fn node_link(&self, l: &mut Line<'_>) -> Result<(NodeId, NodeId), Box<ParseError>> {
        let from = self.node(l)?;
        arrow(l)?;
        let to_start = l.peek()?.start;
        let to = self.node(l)?;
        if from == to {
            return Err(l.error(
                to_start,
                format!("a link joins two different nodes, but both ends are {from}"),
            ));
        }
        Ok((from, to))
    }

    /// `link 1->2 latency 50ms..80ms`, `link 1->2 loss 0.2`, `link 1->2 reset`: one
    /// direction of one link behaves differently from the rest of the network.
    fn link_change(&self, l: &mut Line<'_>) -> Result<Command, Box<ParseError>> {
        let (from, to) = self.node_link(l)?;
        let t = l.next()?;
        let word = t.word().unwrap_or("");
        if word == "reset" {
            return Ok(Command::SetLink {
                from,
                to,
                link: None,
            });
        }
        match SettingKind::from_name(word).filter(|k| k.is_network()) {
            Some(kind) => Ok(match self.network_changes(l, kind)? {
                Changes::One(change) => Command::ChangeLink { from, to, change },
                Changes::All(link) => Command::SetLink {
                    from,
                    to,
                    link: Some(link),
                },
            }),
            None => Err(l.error(
                t.start,
                format!(
                    "expected latency, loss, duplicate, reorder or reset after the link, found {}",
                    t.describe()
                ),
            )),
        }
    }

    /// The `3->1` that ends a `drop` or a `deliver`, and after a selection of one message its
    /// place among those the link names, when it is not the first: `nth 2`.
    fn link(
        &self,
        l: &mut Line<'_>,
        kind: Option<MsgKind>,
        take: Take,
    ) -> Result<Selection, Box<ParseError>> {
        let from = self.target(l)?;
        arrow(l)?;
        let to_start = l.peek()?.start;
        let to = self.target(l)?;
        if let (Target::Node(a), Target::Node(b)) = (from, to) {
            if a == b {
                return Err(l.error(
                    to_start,
                    format!("a link joins two different nodes, but both ends are {a}"),
                ));
            }
        }
        let t = l.peek()?;
        if t.word() != Some("nth") {
            return Ok(Selection::Link {
                from,
                to,
                kind,
                take,
            });
        }
        l.next()?;
        if take == Take::All {
            let one = kind.map_or("next".to_string(), |k| k.name().to_string());
            return Err(l.error(
                t.start,
                format!(
                    "\"nth\" picks one message, but this takes every one on the link; write \"{one} {from}->{to} nth 2\""
                ),
            ));
        }
        let t = l.next()?;
        let n = uint(l, &t, "a place in the order of arrival (nth 2: the second)")?;
        match u32::try_from(n) {
            Ok(0) => Err(l.error(t.start, "places count from 1 (nth 1: the first to arrive)")),
            Ok(n) => Ok(Selection::Link {
                from,
                to,
                kind,
                take: Take::Nth(n),
            }),
            Err(_) => Err(l.error(t.start, format!("must be at most {}", u32::MAX))),
        }
    }

    /// `state 2 term 3 vote 1 log 1 1 2 commit 2`: node 2's own starting state, its fields in
    /// any order, each at most once.
    fn state(&mut self, l: &mut Line<'_>) -> Result<(), Box<ParseError>> {
        let (node, node_start) = self.setup_node(l, "state")?;
        let mut setup = self.setup_of(node);
        // Where each field was written, for the checks against the snapshot.
        let mut at: [Option<usize>; 4] = [None; 4];
        loop {
            let t = l.peek()?;
            if t.tok == Tok::End {
                break;
            }
            l.next()?;
            let names = ["term", "vote", "log", "commit"];
            let Some(field) = names.iter().position(|n| t.word() == Some(*n)) else {
                let hint = did_you_mean(t.word().unwrap_or(""), names);
                return Err(l.error(
                    t.start,
                    format!(
                        "expected term, vote, log or commit (as in \"state 2 term 3 vote 1 log 1 1 2 commit 2\"), found {}{hint}",
                        t.describe()
                    ),
                ));
            };
            if at[field].is_some() {
                return Err(l.error(
                    t.start,
                    format!("\"{}\" is already given on this line", names[field]),
                ));
            }
            at[field] = Some(l.peek()?.start);
            match field {
                0 => setup.term = Some(uint_next(l, "a term")?),
                1 => setup.vote = Some(self.node(l)?),
                2 => setup.log = Some(log_terms(l, "the terms of the log's entries", None)?),
                _ => setup.commit = Some(uint_next(l, "a log index")?),
            }
        }
        if !setup.has_state() {
            let t = l.peek()?;
            return Err(l.error(
                t.start,
                "expected term, vote, log or commit after the node, found end of line",
            ));
        }
        if let Some((problem, message)) = setup_problem(node, &setup) {
            let field = match problem {
                Problem::Term => 0,
                Problem::Log => 2,
                Problem::Commit => 3,
            };
            return Err(l.error(at[field].unwrap_or(node_start), message));
        }
        self.state_lines.push((node, l.no));
        self.named(node.max(setup.vote.unwrap_or(0)), l.no);
        self.scenario.settings.states.insert(node, setup);
        Ok(())
    }

    /// `snapshot 3 index 5 term 2`: node 3's log starts with a snapshot covering up to index
    /// 5, whose last entry has term 2.
    fn snapshot(&mut self, l: &mut Line<'_>) -> Result<(), Box<ParseError>> {
        let (node, _) = self.setup_node(l, "snapshot")?;
        let mut at = [0; 2];
        let mut values = [0; 2];
        for (i, name) in ["index", "term"].into_iter().enumerate() {
            let t = l.next()?;
            if t.word() != Some(name) {
                return Err(l.error(
                    t.start,
                    format!(
                        "expected \"{name}\" (as in \"snapshot 3 index 5 term 2\"), found {}",
                        t.describe()
                    ),
                ));
            }
            let v = l.next()?;
            at[i] = v.start;
            values[i] = uint(l, &v, if i == 0 { "a log index" } else { "a term" })?;
            if values[i] == 0 {
                return Err(l.error(
                    v.start,
                    format!("a snapshot's {name} is at least 1 (a node without one has no snapshot line)"),
                ));
            }
        }
        let mut setup = self.setup_of(node);
        setup.snapshot = Some((values[0], values[1]));
        if let Some((problem, message)) = setup_problem(node, &setup) {
            let column = if problem == Problem::Commit {
                at[0]
            } else {
                at[1]
            };
            let line = line_for(&self.state_lines, node).unwrap_or(0);
            return Err(l.error(column, format!("{message} (its state is on line {line})")));
        }
        self.snapshot_lines.push((node, l.no));
        self.named(node, l.no);
        self.scenario.settings.states.insert(node, setup);
        Ok(())
    }

    /// The node of a `state` or `snapshot` line, which has no other line of that kind, and
    /// where it is written.
    fn setup_node(&self, l: &mut Line<'_>, what: &str) -> Result<(NodeId, usize), Box<ParseError>> {
        let start = l.peek()?.start;
        let node = self.node(l)?;
        let lines = if what == "state" {
            &self.state_lines
        } else {
            &self.snapshot_lines
        };
        match line_for(lines, node) {
            Some(line) => Err(l.error(
                start,
                format!("node {node}'s {what} is already set on line {line}"),
            )),
            None => Ok((node, start)),
        }
    }

    /// A setting on line `line` named node `id`.
    fn named(&mut self, id: NodeId, line: usize) {
        if id > self.highest_named.0 {
            self.highest_named = (id, line);
        }
    }

    fn setup_of(&self, node: NodeId) -> NodeSetup {
        self.scenario
            .settings
            .states
            .get(node)
            .cloned()
            .unwrap_or_default()
    }

    fn expectation(&self, l: &mut Line<'_>) -> Result<Expectation, Box<ParseError>> {
        let t = l.next()?;
        let subject = t.word().unwrap_or("");
        if let Some(role) = ExpectedRole::from_plural(subject) {
            let op = equality(l, "a set of nodes")?;
            let nodes = self.node_set(l, &mut 0, Braces::Set)?;
            return Ok(Expectation::Members { role, op, nodes });
        }
        if let Some(what) = [ConfigPart::Voters, ConfigPart::Learners, ConfigPart::Joint]
            .into_iter()
            .find(|w| w.as_str() == subject)
        {
            return self.config_expectation(l, what);
        }
        Ok(match subject {
            "leader" => Expectation::Leader {
                node: self.optional_node(l)?,
                op: equality(l, "the leader")?,
                leader: self.id_or_none(l)?,
            },
            "term" => Expectation::Term {
                node: self.optional_node(l)?,
                op: comparison(l)?,
                value: uint_next(l, "a term")?,
            },
            "role" => self.role_expectation(l)?,
            "commit" => Expectation::Commit {
                node: self.optional_node(l)?,
                op: comparison(l)?,
                value: uint_next(l, "a log index")?,
            },
            "applied" => Expectation::Applied {
                node: self.optional_node(l)?,
                op: comparison(l)?,
                value: uint_next(l, "a log index")?,
            },
            "value" => value_expectation(l)?,
            "violations" => Expectation::Violations {
                op: comparison(l)?,
                value: uint_next(l, "a count")?,
            },
            "messages" => {
                let kind = optional_kind(l)?;
                let link = if l.peek()?.word().is_some_and(names_a_node) {
                    Some(self.node_link(l)?)
                } else {
                    None
                };
                Expectation::Messages {
                    kind,
                    link,
                    op: comparison(l)?,
                    value: uint_next(l, "a count")?,
                }
            }
            "message" => {
                let (from, to) = self.node_link(l)?;
                let op = equality(l, "a message")?;
                let t = l.next()?;
                let kind = message_kind(l, &t)?;
                Expectation::Message {
                    from,
                    to,
                    op,
                    message: message_fields(l, kind, false)?,
                }
            }
            "progress" => self.progress_expectation(l)?,
            "transferee" => Expectation::Transferee {
                node: self.node(l)?,
                op: equality(l, "a transferee")?,
                transferee: self.id_or_none(l)?,
            },
            "vote" => Expectation::Vote {
                node: self.node(l)?,
                op: equality(l, "a vote")?,
                vote: self.id_or_none(l)?,
            },
            "snapshot" => Expectation::Snapshot {
                node: self.optional_node(l)?,
                op: comparison(l)?,
                value: uint_next(l, "a log index")?,
            },
            "lastindex" => Expectation::LastIndex {
                node: self.optional_node(l)?,
                op: comparison(l)?,
                value: uint_next(l, "a log index")?,
            },
            "logterm" => self.log_term_expectation(l)?,
            "partition" => self.partition_expectation(l)?,
            "log" if l.peek()?.word().is_some_and(names_a_node) => {
                let node = self.node(l)?;
                let op = equality(l, "a log")?;
                let terms = if l.peek()?.word() == Some("empty") {
                    l.next()?;
                    Vec::new()
                } else {
                    log_terms(l, "the terms of the log's entries, or \"empty\"", None)?
                };
                Expectation::Log { node, op, terms }
            }
            "log" => log_expectation(l)?,
            _ => return Err(unknown_subject(l, &t, subject)),
        })
    }

    /// A node id, or `none` for no node (`expect leader == none`, `expect vote 2 == none`).
    fn id_or_none(&self, l: &mut Line<'_>) -> Result<Option<NodeId>, Box<ParseError>> {
        let v = l.next()?;
        if v.word() == Some("none") {
            return Ok(None);
        }
        let expected = format!("a node id (1..={}) or \"none\"", self.max_node());
        self.node_in(l, &v, &expected, &["none"]).map(Some)
    }

    /// `role 3 == follower`.
    fn role_expectation(&self, l: &mut Line<'_>) -> Result<Expectation, Box<ParseError>> {
        let node = self.node(l)?;
        let op = equality(l, "a role")?;
        let role = one_of(l, "a role", &ExpectedRole::ALL.map(|r| (r.as_str(), r)))?;
        Ok(Expectation::Role { node, op, role })
    }

    /// `logterm 2 at 5 == 1`: the term of node 2's entry at index 5.
    fn log_term_expectation(&self, l: &mut Line<'_>) -> Result<Expectation, Box<ParseError>> {
        let node = self.node(l)?;
        let at = l.next()?;
        if at.word() != Some("at") {
            return Err(l.error(
                at.start,
                format!(
                    "expected \"at\" and a log index after the node (as in \"logterm {node} at 5 == 1\"), found {}",
                    at.describe()
                ),
            ));
        }
        Ok(Expectation::LogTerm {
            node,
            index: uint_next(l, "a log index")?,
            op: comparison(l)?,
            value: uint_next(l, "a term")?,
        })
    }

    /// `progress 1->2 match == 3`: what leader 1 knows of node 2's log, and how it sends.
    fn progress_expectation(&self, l: &mut Line<'_>) -> Result<Expectation, Box<ParseError>> {
        let leader = self.target(l)?;
        arrow(l)?;
        let peer_start = l.peek()?.start;
        let peer = self.node(l)?;
        if leader == Target::Node(peer) {
            return Err(l.error(
                peer_start,
                format!("a leader keeps progress for the other nodes, not for itself ({peer})"),
            ));
        }
        let names = ProgressValue::NAMES.map(|n| (n, n));
        let name = one_of(l, "what to compare of the progress", &names)?;
        let (op, value) = match name {
            "state" => {
                let op = equality(l, "a progress state")?;
                let states = FlowState::ALL.map(|s| (s.as_str(), s));
                (
                    op,
                    ProgressValue::State(one_of(l, "a progress state", &states)?),
                )
            }
            "paused" => {
                let op = equality(l, "whether it is paused")?;
                let answers = [("yes", true), ("no", false)];
                (
                    op,
                    ProgressValue::Paused(one_of(l, "whether it is paused", &answers)?),
                )
            }
            _ => {
                let op = comparison(l)?;
                let n = uint_next(
                    l,
                    if name == "inflight" {
                        "a count"
                    } else {
                        "a log index"
                    },
                )?;
                let value = match name {
                    "match" => ProgressValue::Match(n),
                    "next" => ProgressValue::Next(n),
                    "inflight" => ProgressValue::Inflight(n),
                    _ => ProgressValue::Snapshot(n),
                };
                (op, value)
            }
        };
        Ok(Expectation::Progress {
            leader,
            peer,
            op,
            value,
        })
    }

    /// `partition == {1,2} {3,4,5}` or `partition == none`.
    fn partition_expectation(&self, l: &mut Line<'_>) -> Result<Expectation, Box<ParseError>> {
        let op = equality(l, "a partition")?;
        let groups = if l.peek()?.word() == Some("none") {
            l.next()?;
            Vec::new()
        } else {
            self.groups(l)?
        };
        Ok(Expectation::Partition { op, groups })
    }

    /// The node of `expect term 3 == 2`, which may be left out.
    fn optional_node(&self, l: &mut Line<'_>) -> Result<Option<NodeId>, Box<ParseError>> {
        if !matches!(l.peek()?.tok, Tok::Word(_)) {
            return Ok(None);
        }
        let t = l.next()?;
        let expected = format!("a node id (1..={}) or {COMPARISONS}", self.max_node());
        self.node_in(l, &t, &expected, &[]).map(Some)
    }
}

/// The line given for `node` in `lines` (a node has one `state` and one `snapshot` line at
/// most, and a file a few of each: a list does).
fn line_for(lines: &[(NodeId, usize)], node: NodeId) -> Option<usize> {
    lines
        .iter()
        .find(|(n, _)| *n == node)
        .map(|&(_, line)| line)
}

/// `value x == 1`, `value x == none`, `value x == "none"`.
fn value_expectation(l: &mut Line<'_>) -> Result<Expectation, Box<ParseError>> {
    let key = key(l)?;
    let op = equality(l, "a value")?;
    let value = match value(l)? {
        (v, false) if v == "none" => None,
        (v, _) => Some(v),
    };
    Ok(Expectation::Value { key, op, value })
}

/// `log contains "text"` or `log count "text" >= 2`.
fn log_expectation(l: &mut Line<'_>) -> Result<Expectation, Box<ParseError>> {
    let t = l.next()?;
    let verb = t.word().unwrap_or("");
    if verb != "contains" && verb != "count" {
        let hint = did_you_mean(verb, ["contains", "count"]);
        return Err(l.error(
            t.start,
            format!(
                "expected \"contains\", \"count\" or a node id after \"log\", found {}{hint}",
                t.describe()
            ),
        ));
    }
    let (start, text) = quoted(l, "the text to look for")?;
    if text.is_empty() {
        return Err(l.error(
            start,
            "the text to look for is empty: every line contains it",
        ));
    }
    if verb == "contains" {
        return Ok(Expectation::LogContains { text });
    }
    Ok(Expectation::LogCount {
        text,
        op: comparison(l)?,
        value: uint_next(l, "a count")?,
    })
}

/// The message kind of `messages MsgApp == 4`, which may be left out.
fn optional_kind(l: &mut Line<'_>) -> Result<Option<MsgKind>, Box<ParseError>> {
    let t = l.peek()?;
    let Some(word) = t.word() else {
        return Ok(None);
    };
    if let Some(kind) = MsgKind::from_name(word) {
        l.next()?;
        return Ok(Some(kind));
    }
    if names_a_node(word) {
        return Ok(None);
    }
    Err(l.error(
        t.start,
        format!(
            "expected a message kind (like MsgApp), a link (like 1->2) or {COMPARISONS}, found {}{}",
            t.describe(),
            kind_hint(word)
        ),
    ))
}

fn unknown_subject(l: &Line<'_>, t: &Token<'_>, subject: &str) -> Box<ParseError> {
    let hint = did_you_mean(subject, SUBJECTS);
    let message = match t.tok {
        Tok::Word(w) => format!(
            "unknown expectation {}{hint}; expected one of {}",
            quote_for_message(w),
            SUBJECTS.join(", ")
        ),
        _ => format!(
            "expected one of {}, found {}",
            SUBJECTS.join(", "),
            t.describe()
        ),
    };
    l.error(t.start, message)
}

/// A double-quoted string (escapes resolved) and where it starts; `what` names it in the
/// error.
fn quoted(l: &mut Line<'_>, what: &str) -> Result<(usize, String), Box<ParseError>> {
    let t = l.next()?;
    match t.tok {
        Tok::Str(text) => Ok((t.start, text)),
        _ => Err(l.error(
            t.start,
            format!("expected {what}, in double quotes, found {}", t.describe()),
        )),
    }
}

/// Whether `word` reads as the start of a link rather than as a message kind.
fn names_a_node(word: &str) -> bool {
    word == "leader" || word.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether the token after `tick` names a node (a command) rather than a duration (the
/// setting).
fn names_a_tick(t: &Token<'_>) -> bool {
    t.word()
        .is_some_and(|w| w == "leader" || (!w.is_empty() && w.chars().all(|c| c.is_ascii_digit())))
}

/// A word that must be one of `choices`; the error names `what` was expected, lists the
/// choices and suggests the nearest.
fn one_of<T: Copy>(
    l: &mut Line<'_>,
    what: &str,
    choices: &[(&'static str, T)],
) -> Result<T, Box<ParseError>> {
    let t = l.next()?;
    if let Some(&(_, value)) = choices.iter().find(|(name, _)| t.word() == Some(*name)) {
        return Ok(value);
    }
    let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
    let hint = did_you_mean(t.word().unwrap_or(""), names.iter().copied());
    Err(l.error(
        t.start,
        format!(
            "expected {what} ({}), found {}{hint}",
            names.join(", "),
            t.describe()
        ),
    ))
}

/// The `->` of a link.
fn arrow(l: &mut Line<'_>) -> Result<(), Box<ParseError>> {
    let arrow = l.next()?;
    if arrow.is_punct("->") {
        return Ok(());
    }
    Err(l.error(
        arrow.start,
        format!(
            "expected \"->\" between the two ends of the link, found {}",
            arrow.describe()
        ),
    ))
}

/// ` (did you mean "MsgApp"?)` for a misspelt kind or one without its "Msg".
fn kind_hint(word: &str) -> String {
    let names = MsgKind::ALL.map(MsgKind::name);
    match suggest(word, names) {
        Some(s) => Some(s),
        None => MsgKind::from_name(&format!("Msg{word}")).map(MsgKind::name),
    }
    .map(|s| format!(" (did you mean \"{s}\"?)"))
    .unwrap_or_default()
}

/// The kind of a message made by hand or expected in flight.
fn message_kind(l: &Line<'_>, t: &Token<'_>) -> Result<MsgKind, Box<ParseError>> {
    if let Some(kind) = t.word().and_then(MsgKind::from_name) {
        return Ok(kind);
    }
    let names = MsgKind::ALL.map(MsgKind::name);
    Err(l.error(
        t.start,
        format!(
            "expected a message kind (one of {}), found {}{}",
            names.join(", "),
            t.describe(),
            kind_hint(t.word().unwrap_or(""))
        ),
    ))
}

/// The fields of a message of `kind` up to the end of the line, in any order, each at most
/// once: `term 3 logterm 2 index 5 entries 3 3 commit 4`. Every message has a term; one to be
/// sent (`sending`) a term of at least 1.
fn message_fields(
    l: &mut Line<'_>,
    kind: MsgKind,
    sending: bool,
) -> Result<MessageSpec, Box<ParseError>> {
    let mut m = MessageSpec::new(kind, 0);
    let fields = Field::of(kind);
    let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    let mut given: Vec<Field> = Vec::new();
    let (mut term_at, mut entries_at) = (0, 0);
    loop {
        let t = l.peek()?;
        if t.tok == Tok::End {
            break;
        }
        l.next()?;
        let field = match t.word().and_then(Field::from_name) {
            Some(f) if fields.contains(&f) => f,
            Some(f) => {
                return Err(l.error(
                    t.start,
                    format!(
                        "{kind} has no {}; its fields are {}",
                        f.name(),
                        names.join(", ")
                    ),
                ))
            }
            None => {
                let hint = did_you_mean(t.word().unwrap_or(""), names.iter().copied());
                return Err(l.error(
                    t.start,
                    format!(
                        "expected a field of {kind} ({}), found {}{hint}",
                        names.join(", "),
                        t.describe()
                    ),
                ));
            }
        };
        if given.contains(&field) {
            return Err(l.error(
                t.start,
                format!("\"{}\" is already given on this line", field.name()),
            ));
        }
        given.push(field);
        let value_at = l.peek()?.start;
        match field {
            Field::Term => (m.term, term_at) = (uint_next(l, "a term")?, value_at),
            Field::LogTerm => m.log_term = uint_next(l, "a term")?,
            Field::Index => m.index = uint_next(l, "a log index")?,
            Field::Commit => m.commit = uint_next(l, "a log index")?,
            Field::Hint => m.hint = uint_next(l, "a log index")?,
            Field::Entries => {
                entries_at = value_at;
                m.entries = log_terms(l, "the terms of the entries", None)?;
            }
            Field::Reject => m.reject = true,
            Field::Transfer => m.transfer = true,
        }
    }
    if !given.contains(&Field::Term) {
        let t = l.peek()?;
        return Err(l.error(
            t.start,
            format!(
                "expected \"term\" and a term: every message carries one (the fields of {kind} are {})",
                names.join(", ")
            ),
        ));
    }
    if sending && m.term == 0 {
        return Err(l.error(
            term_at,
            "a message sent by hand has a term of at least 1 (term 0 marks a node's own proposals)",
        ));
    }
    if let Some(&first) = m.entries.first().filter(|&&t| t < m.log_term) {
        return Err(l.error(
            entries_at,
            format!(
                "the entries start with term {first}, below logterm {}, the term of the entry before them: terms never decrease along a log",
                m.log_term
            ),
        ));
    }
    Ok(m)
}

/// Log entry terms up to the first word that is not a number: at least one, each at least
/// 1, never decreasing, and never above `ceiling` when given (`init`'s term).
fn log_terms(
    l: &mut Line<'_>,
    what: &str,
    ceiling: Option<Term>,
) -> Result<Vec<Term>, Box<ParseError>> {
    let mut terms: Vec<Term> = Vec::new();
    while l
        .peek()?
        .word()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
    {
        let t = l.next()?;
        let term = uint(l, &t, "a term")?;
        let entry = terms.len() + 1;
        let prev = terms.last().copied().unwrap_or(1);
        let problem = if term == 0 {
            Some(format!(
                "entry {entry} has term 0, but entry terms start at 1"
            ))
        } else if ceiling.is_some_and(|c| term > c) {
            Some(format!(
                "entry {entry} has term {term}, later than the nodes' term {}",
                ceiling.unwrap_or(0)
            ))
        } else if term < prev {
            Some(format!(
                "entry {entry} has term {term}, less than the term {prev} before it: terms never decrease along a log"
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(l.error(t.start, problem));
        }
        terms.push(term);
    }
    if terms.is_empty() {
        let t = l.peek()?;
        return Err(l.error(t.start, format!("expected {what}, found {}", t.describe())));
    }
    Ok(terms)
}

/// What is wrong with a node's starting state, once its `state` and `snapshot` lines are
/// put together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    Term,
    Log,
    Commit,
}

fn setup_problem(node: NodeId, s: &NodeSetup) -> Option<(Problem, String)> {
    let (snap_index, snap_term) = s.snapshot.unwrap_or((0, 0));
    if let Some(&first) = s.log.as_ref().and_then(|l| l.first()) {
        if first < snap_term {
            return Some((
                Problem::Log,
                format!(
                    "node {node}'s log starts with term {first}, below the term {snap_term} of its snapshot: terms never decrease along a log"
                ),
            ));
        }
    }
    let last = s.last_term();
    if let Some(term) = s.term.filter(|&t| t < last) {
        return Some((
            Problem::Term,
            format!("node {node}'s term {term} is below the term {last} of its last entry"),
        ));
    }
    let last: Index = s.last_index();
    if let Some(commit) = s.commit.filter(|&c| c < snap_index || c > last) {
        return Some((
            Problem::Commit,
            format!(
                "node {node}'s commit index {commit} is outside its log ({snap_index}..={last})"
            ),
        ));
    }
    None
}

fn expect_end(l: &mut Line<'_>) -> Result<(), Box<ParseError>> {
    let t = l.next()?;
    match t.tok {
        Tok::End => Ok(()),
        _ => Err(l.error(
            t.start,
            format!("expected end of line, found {}", t.describe()),
        )),
    }
}

fn comparison(l: &mut Line<'_>) -> Result<CmpOp, Box<ParseError>> {
    let t = l.next()?;
    if let Tok::Punct(p) = t.tok {
        if let Some(op) = CmpOp::ALL.into_iter().find(|op| op.as_str() == p) {
            return Ok(op);
        }
    }
    let hint = if t.is_punct("=") {
        " (did you mean \"==\"?)"
    } else {
        ""
    };
    Err(l.error(
        t.start,
        format!("expected {COMPARISONS}, found {}{hint}", t.describe()),
    ))
}

/// A comparison for things that have no order: ids, roles, strings.
fn equality(l: &mut Line<'_>, what: &str) -> Result<CmpOp, Box<ParseError>> {
    let start = l.peek()?.start;
    let op = comparison(l)?;
    if op.is_equality() {
        Ok(op)
    } else {
        Err(l.error(
            start,
            format!("{what} can only be compared with == or !=, not {op}"),
        ))
    }
}

fn key(l: &mut Line<'_>) -> Result<String, Box<ParseError>> {
    // Take more than a key may hold, so that a bad key is reported whole.
    let (start, raw) =
        l.take_raw(|c| !(c.is_whitespace() || matches!(c, '=' | '#' | '"' | '!' | '<' | '>')));
    if raw.is_empty() {
        let t = l.peek()?;
        return Err(l.error(t.start, format!("expected a key, found {}", t.describe())));
    }
    if !is_valid_key(raw) {
        return Err(l.error(
            start,
            format!(
                "invalid key {}: a key is a letter or \"_\" followed by letters, digits, \"_\", \".\" or \"-\"",
                quote_for_message(raw)
            ),
        ));
    }
    Ok(raw.to_string())
}

/// A value: a quoted string, or the text up to the next white space. Says whether it was quoted,
/// since a bare `none` means "no value" in `expect value`.
fn value(l: &mut Line<'_>) -> Result<(String, bool), Box<ParseError>> {
    let t = l.peek()?;
    match t.tok {
        Tok::Str(s) => {
            l.next()?;
            return Ok((s, true));
        }
        Tok::End => return Err(l.error(t.start, "expected a value, found end of line")),
        _ => {}
    }
    let (start, raw) = l.take_raw(|c| !c.is_whitespace() && c != '#');
    if let Some(i) = raw.find('"') {
        return Err(l.error(
            start + i,
            "a value containing '\"' must be written in double quotes, with \\\" for each '\"'",
        ));
    }
    Ok((raw.to_string(), false))
}

fn init(l: &mut Line<'_>) -> Result<InitState, Box<ParseError>> {
    let t = l.next()?;
    if t.word() != Some("term") {
        return Err(l.error(
            t.start,
            format!(
                "expected \"term\" (as in \"init term 2 log 1 1 2\"), found {}",
                t.describe()
            ),
        ));
    }
    let term = uint_next(l, "a term")?;
    let t = l.peek()?;
    match t.tok {
        Tok::End => {
            return Ok(InitState {
                term,
                log: Vec::new(),
            })
        }
        Tok::Word("log") => {
            l.next()?;
        }
        _ => {
            return Err(l.error(
                t.start,
                format!("expected \"log\" or end of line, found {}", t.describe()),
            ))
        }
    }
    let log = log_terms(
        l,
        "the terms of the log's entries after \"log\"",
        Some(term),
    )?;
    Ok(InitState { term, log })
}

fn on_off(l: &mut Line<'_>) -> Result<bool, Box<ParseError>> {
    let t = l.next()?;
    match t.word() {
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        w => {
            let hint = did_you_mean(w.unwrap_or(""), ["on", "off"]);
            Err(l.error(
                t.start,
                format!("expected \"on\" or \"off\", found {}{hint}", t.describe()),
            ))
        }
    }
}

fn seed(l: &Line<'_>, t: &Token<'_>) -> Result<u64, Box<ParseError>> {
    let word = t.word().unwrap_or("");
    parse_seed(word).map_err(|e| match e {
        SeedError::TooLarge => l.error(
            t.start,
            format!("seed {} does not fit in 64 bits", quote_for_message(word)),
        ),
        SeedError::NotANumber => l.error(
            t.start,
            format!(
                "expected a seed (a number, decimal or 0x-hex), found {}",
                t.describe()
            ),
        ),
    })
}

fn ticks(l: &Line<'_>, t: &Token<'_>) -> Result<u32, Box<ParseError>> {
    let word = t.word().unwrap_or("");
    if number(word) == Err(NumError::NotNumber) && parse_duration(word).is_ok() {
        return Err(l.error(
            t.start,
            "this is counted in ticks: write a plain number like 10",
        ));
    }
    let n = uint(l, t, "a number of ticks")?;
    if n == 0 {
        return Err(l.error(t.start, "must be at least 1 tick"));
    }
    u32::try_from(n).map_err(|_| l.error(t.start, format!("must be at most {} ticks", u32::MAX)))
}

fn probability(l: &mut Line<'_>, name: &str) -> Result<Probability, Box<ParseError>> {
    let t = l.next()?;
    let word = t.word().unwrap_or("");
    let out_of_range = || {
        l.error(
            t.start,
            format!(
                "{name} must be between 0 and 1, found {}",
                quote_for_message(word)
            ),
        )
    };
    let (int, frac) = word.split_once('.').unwrap_or((word, ""));
    let well_formed = number(int) != Err(NumError::NotNumber)
        && (frac.chars().all(|c| c.is_ascii_digit()))
        && !(word.contains('.') && frac.is_empty());
    if !well_formed {
        return Err(l.error(
            t.start,
            format!(
                "expected a probability between 0 and 1 (like 0.05), found {}",
                t.describe()
            ),
        ));
    }
    match scaled(int, frac, 6) {
        Ok(ppm) => u32::try_from(ppm)
            .ok()
            .and_then(Probability::from_ppm)
            .ok_or_else(out_of_range),
        Err(ScaleError::TooLarge) => Err(out_of_range()),
        Err(ScaleError::TooPrecise) => Err(l.error(
            t.start,
            format!(
                "probability {} has more than 6 decimal places",
                quote_for_message(word)
            ),
        )),
    }
}

fn uint(l: &Line<'_>, t: &Token<'_>, what: &str) -> Result<u64, Box<ParseError>> {
    let word = t.word().unwrap_or("");
    match number(word) {
        Ok(n) => Ok(n),
        Err(NumError::TooLarge) => Err(l.error(
            t.start,
            format!("number {} is too large", quote_for_message(word)),
        )),
        Err(NumError::NotNumber) => {
            Err(l.error(t.start, format!("expected {what}, found {}", t.describe())))
        }
    }
}

fn uint_next(l: &mut Line<'_>, what: &str) -> Result<u64, Box<ParseError>> {
    let t = l.next()?;
    uint(l, &t, what)
}

#[derive(Debug, PartialEq, Eq)]
enum NumError {
    NotNumber,
    TooLarge,
}

/// A plain decimal number: ASCII digits only (no sign, no underscores).
fn number(word: &str) -> Result<u64, NumError> {
    if word.is_empty() {
        return Err(NumError::NotNumber);
    }
    let mut n: u64 = 0;
    for c in word.chars() {
        let digit = c.to_digit(10).ok_or(NumError::NotNumber)?;
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(digit)))
            .ok_or(NumError::TooLarge)?;
    }
    Ok(n)
}

enum ScaleError {
    TooPrecise,
    TooLarge,
}

/// `int.frac * 10^digits`, exactly. Both parts must be ASCII digits.
fn scaled(int: &str, frac: &str, digits: usize) -> Result<u64, ScaleError> {
    let kept = frac.get(..digits).unwrap_or(frac);
    let extra = frac.get(kept.len()..).unwrap_or("");
    if extra.chars().any(|c| c != '0') {
        return Err(ScaleError::TooPrecise);
    }
    let padding = std::iter::repeat_n('0', digits.saturating_sub(kept.len()));
    let mut n: u64 = 0;
    for c in int.chars().chain(kept.chars()).chain(padding) {
        let digit = c.to_digit(10).ok_or(ScaleError::TooLarge)?;
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(digit)))
            .ok_or(ScaleError::TooLarge)?;
    }
    Ok(n)
}

fn duration(l: &Line<'_>, t: &Token<'_>, what: &str) -> Result<Micros, Box<ParseError>> {
    match t.word() {
        Some(w) => parse_duration(w).map_err(|message| l.error(t.start, message)),
        None => Err(l.error(
            t.start,
            format!(
                "expected {what} {DURATION_EXAMPLES}, found {}",
                t.describe()
            ),
        )),
    }
}

/// Reads `1.5s`, `300ms`, `2500us` as microseconds; the message says what is wrong otherwise.
pub(crate) fn parse_duration(word: &str) -> Result<Micros, String> {
    let q = quote_for_message(word);
    if word
        .strip_prefix('-')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    {
        return Err(format!("duration {q} cannot be negative"));
    }
    let split = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(word.len());
    let (num, unit) = (
        word.get(..split).unwrap_or(""),
        word.get(split..).unwrap_or(""),
    );
    if !num.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!(
            "expected a duration {DURATION_EXAMPLES}, found {q}"
        ));
    }
    let digits = match unit {
        "s" => 6,
        "ms" => 3,
        "us" => 0,
        "" => return Err(format!("duration {q} needs a unit: us, ms or s")),
        _ => {
            return Err(format!(
                "duration {q} has an unknown unit {}; use us, ms or s",
                quote_for_message(unit)
            ))
        }
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if frac.contains('.') || (num.contains('.') && frac.is_empty()) {
        return Err(format!("malformed number in duration {q}"));
    }
    scaled(int, frac, digits).map_err(|e| match e {
        ScaleError::TooPrecise => format!("duration {q} is more precise than 1us"),
        ScaleError::TooLarge => format!("duration {q} is too large"),
    })
}

/// The candidate `word` is most likely a misspelling of, if any is close enough.
fn suggest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    // Long junk resembles nothing, and would make the distance quadratic in the line length.
    if word.is_empty() || word.chars().count() > 32 {
        return None;
    }
    // ASCII case is enough: every candidate is ASCII.
    let word = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), c))
        .filter(|&(d, c)| d <= ((c.chars().count() + 1) / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    suggest(word, candidates)
        .map(|s| format!(" (did you mean \"{s}\"?)"))
        .unwrap_or_default()
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, &cb) in b.iter().enumerate() {
            let substitute = prev
                .get(j)
                .map_or(usize::MAX, |d| d.saturating_add(usize::from(ca != cb)));
            let delete = prev.get(j + 1).map_or(usize::MAX, |d| d.saturating_add(1));
            let insert = cur.last().map_or(usize::MAX, |d| d.saturating_add(1));
            cur.push(substitute.min(delete).min(insert));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// Membership changes and the configuration's expectations.
impl Parser {
    /// `add 4`, `add-learner 4`, `promote 4`, `remove 3`, `remove leader`,
    /// `change add 6 7 remove 1 2 [explicit]`, `leave-joint`. A node `add` names may be the
    /// next id after the cluster's nodes: it joins.
    fn member_change(
        &mut self,
        l: &mut Line<'_>,
        name: &str,
    ) -> Result<MemberChange, Box<ParseError>> {
        Ok(match name {
            "add" | "add-learner" => MemberChange::Add {
                node: self.new_or_known_node(l)?,
                learner: name == "add-learner",
            },
            "promote" => MemberChange::Promote(self.node(l)?),
            "remove" => MemberChange::Remove(self.target(l)?),
            "leave-joint" => MemberChange::LeaveJoint,
            _ => {
                let (mut add, mut remove, mut explicit) = (Vec::new(), Vec::new(), false);
                let mut list: Option<bool> = None;
                loop {
                    let t = l.peek()?;
                    match t.word() {
                        None if t.tok == Tok::End => break,
                        Some("add") => list = Some(true),
                        Some("remove") => list = Some(false),
                        Some("explicit") => explicit = true,
                        _ if list.is_some() => {
                            let start = t.start;
                            let id = if list == Some(true) {
                                self.new_or_known_node(l)?
                            } else {
                                self.node(l)?
                            };
                            if add.contains(&id) || remove.contains(&id) {
                                return Err(l.error(
                                    start,
                                    format!("node {id} appears twice in this change"),
                                ));
                            }
                            if list == Some(true) {
                                add.push(id);
                            } else {
                                remove.push(id);
                            }
                            continue;
                        }
                        _ => {
                            return Err(l.error(
                                t.start,
                                format!("expected \"add\" or \"remove\", found {}", t.describe()),
                            ))
                        }
                    }
                    l.next()?;
                }
                if add.is_empty() && remove.is_empty() {
                    let t = l.peek()?;
                    return Err(l.error(
                        t.start,
                        "a change adds or removes at least one node: change add 4 5 remove 1",
                    ));
                }
                MemberChange::Joint {
                    add,
                    remove,
                    explicit,
                }
            }
        })
    }

    /// A node id of the cluster, or the next one, which joins the cluster from then on.
    fn new_or_known_node(&mut self, l: &mut Line<'_>) -> Result<NodeId, Box<ParseError>> {
        let t = l.peek()?;
        let next = self.max_node() + 1;
        if t.word().and_then(|w| number(w).ok()) == Some(next) && next <= MAX_NODES {
            l.next()?;
            self.added += 1;
            return Ok(next);
        }
        let t = l.next()?;
        let max = self.max_node();
        if t.word()
            .and_then(|w| number(w).ok())
            .is_some_and(|id| id > max)
        {
            let add = if next <= MAX_NODES {
                format!("a node added takes the next id, {next}")
            } else {
                format!("the cluster already has the most nodes there are, {MAX_NODES}")
            };
            return Err(l.error(
                t.start,
                format!(
                    "node {} does not exist: node ids are 1..={max}; {add}",
                    quote_for_message(t.word().unwrap_or(""))
                ),
            ));
        }
        let expected = format!("a node id (1..={max}, or {next} to add one)");
        self.node_in(l, &t, &expected, &[])
    }

    /// `voters [N] == {1,2,3}`, `learners [N] == {4}`, `joint [N] == yes|no`: of node N's
    /// configuration, or the leader's.
    fn config_expectation(
        &self,
        l: &mut Line<'_>,
        what: ConfigPart,
    ) -> Result<Expectation, Box<ParseError>> {
        let node = self.optional_node(l)?;
        let (op, nodes, joint) = if what == ConfigPart::Joint {
            let op = equality(l, "whether the configuration is joint")?;
            let answers = [("yes", true), ("no", false)];
            (op, Vec::new(), one_of(l, "whether it is joint", &answers)?)
        } else {
            let op = equality(l, "a set of nodes")?;
            (op, self.node_set(l, &mut 0, Braces::Set)?, false)
        };
        Ok(Expectation::Config {
            node,
            what,
            op,
            nodes,
            joint,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ast::Settings;

    fn steps(src: &str) -> Vec<Action> {
        parse(src)
            .unwrap_or_else(|e| panic!("{e}"))
            .steps
            .into_iter()
            .map(|s| s.action)
            .collect()
    }

    fn action(src: &str) -> Action {
        let mut actions = steps(src);
        assert_eq!(actions.len(), 1, "{src}");
        actions.remove(0)
    }

    fn one(src: &str) -> Command {
        match action(src) {
            Action::Command(c) => c,
            other => panic!("{src}: {other:?}"),
        }
    }

    fn expectation(src: &str) -> Expectation {
        match action(&format!("nodes 5\n{src}")) {
            Action::Expect(e) => e,
            other => panic!("{other:?}"),
        }
    }

    fn settings(src: &str) -> Settings {
        let s = parse(src).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.steps.is_empty());
        s.settings
    }

    fn err(src: &str) -> ParseError {
        match parse(src) {
            Ok(s) => panic!("{src:?} parsed as {s:?}"),
            Err(e) => e,
        }
    }

    fn p(ppm: u32) -> Probability {
        Probability::from_ppm(ppm).unwrap()
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(parse("").unwrap(), Scenario::default());
        assert_eq!(
            parse("\n  \n# only a comment\n\t# another\n").unwrap(),
            Scenario::default()
        );
    }

    #[test]
    fn each_setting() {
        assert_eq!(settings("nodes 5").nodes, Some(5));
        assert_eq!(settings("nodes 1").nodes, Some(1));
        assert_eq!(settings("nodes 51").nodes, Some(51));
        assert_eq!(settings("seed 42").seed, Some(42));
        assert_eq!(settings("seed 0x2a").seed, Some(42));
        assert_eq!(settings("seed 0XFFFFFFFFFFFFFFFF").seed, Some(u64::MAX));
        assert_eq!(settings("seed 18446744073709551615").seed, Some(u64::MAX));
        assert_eq!(settings("prevote on").prevote, Some(true));
        assert_eq!(settings("prevote off").prevote, Some(false));
        assert_eq!(settings("checkquorum on").check_quorum, Some(true));
        assert_eq!(settings("election-timeout 10").election_timeout, Some(10));
        assert_eq!(settings("heartbeat 2").heartbeat, Some(2));
        assert_eq!(settings("tick 10ms").tick, Some(10_000));
        assert_eq!(
            settings("latency 10ms..30ms").latency,
            Some(Latency {
                min: 10_000,
                max: 30_000
            })
        );
        assert_eq!(
            settings("latency 10ms .. 30ms").latency,
            Some(Latency {
                min: 10_000,
                max: 30_000
            })
        );
        assert_eq!(settings("latency 5ms").latency, Some(Latency::fixed(5_000)));
        assert_eq!(settings("latency 0s").latency, Some(Latency::fixed(0)));
        assert_eq!(settings("loss 0.05").loss, Some(p(50_000)));
        assert_eq!(settings("loss 1").loss, Some(Probability::ONE));
        assert_eq!(settings("loss 1.000").loss, Some(Probability::ONE));
        assert_eq!(settings("loss 0").loss, Some(Probability::ZERO));
        assert_eq!(settings("duplicate 0.01").duplicate, Some(p(10_000)));
        assert_eq!(settings("reorder 0.000001").reorder, Some(p(1)));
        assert_eq!(settings("snapshot-every 20").snapshot_every, Some(20));
        assert_eq!(settings("snapshot-every 0").snapshot_every, Some(0));
        assert_eq!(
            settings("init term 3 log 1 1 2 3").init,
            Some(InitState {
                term: 3,
                log: vec![1, 1, 2, 3]
            })
        );
        assert_eq!(
            settings("init term 0").init,
            Some(InitState {
                term: 0,
                log: vec![]
            })
        );
    }

    #[test]
    fn a_full_header() {
        let s = settings(
            "# a five-node cluster\n\
             nodes 5                 # 1..=51\n\
             seed 42\n\
             prevote on\n\
             checkquorum off\n\
             election-timeout 10\n\
             heartbeat 2\n\
             tick 10ms\n\
             latency 10ms..30ms\n\
             loss 0.05\n\
             duplicate 0.01\n\
             reorder 0.1\n\
             snapshot-every 20\n\
             init term 1 log 1 1 1 1 1\n",
        );
        assert_eq!(s.heartbeat, Some(2));
        assert_eq!(s.reorder, Some(p(100_000)));
        assert_eq!(s.init.map(|i| i.log.len()), Some(5));
    }

    #[test]
    fn heartbeat_must_be_below_the_election_timeout_in_either_order() {
        let e = err("election-timeout 10\nheartbeat 10\n");
        assert_eq!((e.line, e.column), (2, 11));
        assert!(
            e.message.contains("less than election-timeout 10 (line 1)"),
            "{}",
            e.message
        );
        let e = err("heartbeat 3\n\nelection-timeout 3\n");
        assert_eq!((e.line, e.column), (3, 18));
        assert!(
            e.message.contains("greater than heartbeat 3 (line 1)"),
            "{}",
            e.message
        );
        assert_eq!(
            settings("heartbeat 9\nelection-timeout 10").election_timeout,
            Some(10)
        );
    }

    #[test]
    fn each_command() {
        use Target::{Leader, Node};
        assert_eq!(one("crash 3"), Command::Crash(Node(3)));
        assert_eq!(one("crash leader"), Command::Crash(Leader));
        assert_eq!(one("restart 3"), Command::Restart(Node(3)));
        assert_eq!(
            one("partition {1,2} {3,4,5}"),
            Command::Partition(vec![vec![1, 2], vec![3, 4, 5]])
        );
        assert_eq!(
            one("partition { 4 , 1 }"),
            Command::Partition(vec![vec![4, 1]])
        );
        assert_eq!(
            one("partition {1}{2}{3}"),
            Command::Partition(vec![vec![1], vec![2], vec![3]])
        );
        assert_eq!(one("isolate 2"), Command::Isolate(Node(2)));
        assert_eq!(one("isolate leader"), Command::Isolate(Leader));
        assert_eq!(one("heal"), Command::Heal);
        assert_eq!(one("campaign 3"), Command::Campaign(Node(3)));
        assert_eq!(one("transfer 2"), Command::Transfer(Node(2)));
        assert_eq!(
            one("request set x=1 via 2"),
            Command::Request {
                op: KvOp::Set {
                    key: "x".into(),
                    value: "1".into()
                },
                via: Some(Node(2))
            }
        );
        assert_eq!(
            one("request set a.b-c_D = \"hello world # not a comment\""),
            Command::Request {
                op: KvOp::Set {
                    key: "a.b-c_D".into(),
                    value: "hello world # not a comment".into()
                },
                via: None
            }
        );
        assert_eq!(
            one("request set k=a=b,{c}# comment"),
            Command::Request {
                op: KvOp::Set {
                    key: "k".into(),
                    value: "a=b,{c}".into()
                },
                via: None
            }
        );
        assert_eq!(
            one("request del x via leader"),
            Command::Request {
                op: KvOp::Del { key: "x".into() },
                via: Some(Leader)
            }
        );
        let drop = |kind, all, from, to| {
            Command::Drop(Selection::Link {
                kind,
                take: if all { Take::All } else { Take::FIRST },
                from,
                to,
            })
        };
        assert_eq!(
            one("drop MsgApp 3->1"),
            drop(Some(MsgKind::App), false, Node(3), Node(1))
        );
        assert_eq!(
            one("drop MsgVote 3 -> leader"),
            drop(Some(MsgKind::Vote), false, Node(3), Leader)
        );
        assert_eq!(
            one("drop next leader->1"),
            drop(None, false, Leader, Node(1))
        );
        assert_eq!(one("drop all 3->1"), drop(None, true, Node(3), Node(1)));
        assert_eq!(one("drop all leader->1"), drop(None, true, Leader, Node(1)));
        assert_eq!(
            one("drop all MsgSnap 3->1"),
            drop(Some(MsgKind::Snap), true, Node(3), Node(1))
        );
        assert_eq!(one("drop 3->1"), drop(None, true, Node(3), Node(1)));
        assert_eq!(one("drop all"), Command::Drop(Selection::All));
        let nth = |kind, n, from, to| {
            Command::Drop(Selection::Link {
                kind,
                take: Take::Nth(n),
                from,
                to,
            })
        };
        assert_eq!(
            one("drop MsgApp 3->1 nth 2"),
            nth(Some(MsgKind::App), 2, Node(3), Node(1))
        );
        assert_eq!(
            one("drop MsgHeartbeat leader -> 2 nth 10 # the tenth"),
            nth(Some(MsgKind::Heartbeat), 10, Leader, Node(2))
        );
        assert_eq!(one("drop next 3->1 nth 3"), nth(None, 3, Node(3), Node(1)));
        // The first is written plainly, and `nth 1` is the same selection.
        assert_eq!(one("drop MsgApp 3->1 nth 1"), one("drop MsgApp 3->1"));
        assert_eq!(
            one("drop MsgApp 3->1 nth 1").to_string(),
            "drop MsgApp 3->1"
        );
        assert_eq!(one("stabilize"), Command::Stabilize);
        assert_eq!(action("run 2s"), Action::Run(2_000_000));
        assert_eq!(
            action("pause \"Node 3 came back\""),
            Action::Pause("Node 3 came back".into())
        );
        assert_eq!(action("pause \"\""), Action::Pause(String::new()));
    }

    #[test]
    fn settings_of_scenario_control() {
        assert_eq!(settings("manual on").manual, Some(true));
        assert_eq!(settings("manual off").manual, Some(false));
        assert_eq!(settings("max-inflight 3").max_inflight, Some(3));
        let s = settings(
            "snapshot 3 index 5 term 2\nstate 3 commit 6 log 2 3 vote 1 term 3\nstate 1 log 1 2",
        );
        assert_eq!(
            *s.states.get(3).unwrap(),
            NodeSetup {
                term: Some(3),
                vote: Some(1),
                log: Some(vec![2, 3]),
                commit: Some(6),
                snapshot: Some((5, 2)),
            }
        );
        assert_eq!(
            *s.states.get(1).unwrap(),
            NodeSetup {
                log: Some(vec![1, 2]),
                ..NodeSetup::default()
            }
        );
        assert_eq!(s.states.get(1).unwrap().last_term(), 2);
        assert_eq!(s.states.get(3).unwrap().last_index(), 7);
        // A snapshot line alone is a state of its own.
        let s = settings("snapshot 2 index 11 term 11");
        assert_eq!(s.states.get(2).unwrap().snapshot, Some((11, 11)));
        assert!(!s.states.get(2).unwrap().has_state());
        // `tick` with a duration is the setting, with a node the command.
        assert_eq!(settings("tick 10ms").tick, Some(10_000));
        assert_eq!(
            one("tick 4"),
            Command::Tick {
                node: Target::Node(4),
                ticks: Ticks::Times(1)
            }
        );
    }

    #[test]
    fn commands_of_scenario_control() {
        use Target::{Leader, Node};
        let tick = |node, ticks| Command::Tick { node, ticks };
        assert_eq!(one("tick 2"), tick(Node(2), Ticks::Times(1)));
        assert_eq!(one("tick leader times 7"), tick(Leader, Ticks::Times(7)));
        assert_eq!(one("tick-election 3"), tick(Node(3), Ticks::Election));
        assert_eq!(one("tick-heartbeat leader"), tick(Leader, Ticks::Heartbeat));
        let link = |kind, all| Selection::Link {
            from: Node(1),
            to: Node(2),
            kind,
            take: if all { Take::All } else { Take::FIRST },
        };
        assert_eq!(one("deliver all"), Command::Deliver(Selection::All));
        assert_eq!(one("deliver 1->2"), Command::Deliver(link(None, true)));
        assert_eq!(one("deliver all 1->2"), Command::Deliver(link(None, true)));
        assert_eq!(
            one("deliver next 1->2"),
            Command::Deliver(link(None, false))
        );
        assert_eq!(
            one("deliver MsgApp 1->2"),
            Command::Deliver(link(Some(MsgKind::App), false))
        );
        assert_eq!(
            one("deliver MsgApp 1->2 nth 2"),
            Command::Deliver(Selection::Link {
                from: Node(1),
                to: Node(2),
                kind: Some(MsgKind::App),
                take: Take::Nth(2),
            })
        );
        assert_eq!(
            one("deliver all MsgVote 1->2"),
            Command::Deliver(link(Some(MsgKind::Vote), true))
        );
        let mut app = MessageSpec::new(MsgKind::App, 3);
        (app.log_term, app.index, app.entries, app.commit) = (2, 5, vec![3, 3], 4);
        assert_eq!(
            one("send MsgApp 1->2 term 3 logterm 2 index 5 entries 3 3 commit 4"),
            Command::Send {
                from: 1,
                to: 2,
                message: app.clone()
            }
        );
        // Fields in any order.
        assert_eq!(
            one("send MsgApp 1->2 commit 4 entries 3 3 index 5 term 3 logterm 2"),
            Command::Send {
                from: 1,
                to: 2,
                message: app
            }
        );
        let mut resp = MessageSpec::new(MsgKind::AppResp, 2);
        (resp.index, resp.reject, resp.hint, resp.log_term) = (4, true, 2, 1);
        assert_eq!(
            one("send MsgAppResp 2->1 term 2 index 4 reject hint 2 logterm 1"),
            Command::Send {
                from: 2,
                to: 1,
                message: resp
            }
        );
        let mut vote = MessageSpec::new(MsgKind::Vote, 4);
        vote.transfer = true;
        assert_eq!(
            one("send MsgVote 3->1 term 4 transfer"),
            Command::Send {
                from: 3,
                to: 1,
                message: vote
            }
        );
        assert_eq!(
            one("link 1->2 loss 0.5"),
            Command::ChangeLink {
                from: 1,
                to: 2,
                change: NetworkChange::Loss(p(500_000))
            }
        );
        assert_eq!(
            one("link 2->1 reset"),
            Command::SetLink {
                from: 2,
                to: 1,
                link: None
            }
        );
    }

    #[test]
    fn expectations_of_scenario_control() {
        let e = expectation;
        use CmpOp::*;
        assert_eq!(
            e("expect leader 2 == 1"),
            Expectation::Leader {
                node: Some(2),
                op: Eq,
                leader: Some(1)
            }
        );
        assert_eq!(
            e("expect log 2 == 1 1 2"),
            Expectation::Log {
                node: 2,
                op: Eq,
                terms: vec![1, 1, 2]
            }
        );
        assert_eq!(
            e("expect log 2 != empty"),
            Expectation::Log {
                node: 2,
                op: Ne,
                terms: vec![]
            }
        );
        let cases = [
            ("match == 3", Eq, ProgressValue::Match(3)),
            ("next >= 4", Ge, ProgressValue::Next(4)),
            ("inflight < 2", Lt, ProgressValue::Inflight(2)),
            ("snapshot == 11", Eq, ProgressValue::Snapshot(11)),
            (
                "state != replicate",
                Ne,
                ProgressValue::State(FlowState::Replicate),
            ),
            ("paused == yes", Eq, ProgressValue::Paused(true)),
        ];
        for (text, op, value) in cases {
            let progress = Expectation::Progress {
                leader: Target::Node(1),
                peer: 2,
                op,
                value,
            };
            assert_eq!(e(&format!("expect progress 1->2 {text}")), progress);
        }
        assert_eq!(
            e("expect progress leader->2 paused == no"),
            Expectation::Progress {
                leader: Target::Leader,
                peer: 2,
                op: Eq,
                value: ProgressValue::Paused(false)
            }
        );
        assert_eq!(
            e("expect messages MsgApp 1->2 == 1"),
            Expectation::Messages {
                kind: Some(MsgKind::App),
                link: Some((1, 2)),
                op: Eq,
                value: 1
            }
        );
        assert_eq!(
            e("expect messages 1->2 > 0"),
            Expectation::Messages {
                kind: None,
                link: Some((1, 2)),
                op: Gt,
                value: 0
            }
        );
        assert_eq!(
            e("expect message 2->1 == MsgVoteResp term 3 reject"),
            Expectation::Message {
                from: 2,
                to: 1,
                op: Eq,
                message: MessageSpec {
                    reject: true,
                    ..MessageSpec::new(MsgKind::VoteResp, 3)
                }
            }
        );
        assert_eq!(
            e("expect transferee 1 == 3"),
            Expectation::Transferee {
                node: 1,
                op: Eq,
                transferee: Some(3)
            }
        );
    }

    #[test]
    fn every_message_kind_can_be_dropped() {
        for kind in MsgKind::ALL {
            for (take, text) in [
                (Take::FIRST, format!("drop {kind} 1->2")),
                (Take::All, format!("drop all {kind} 1->2")),
                (Take::Nth(2), format!("drop {kind} 1->2 nth 2")),
            ] {
                let command = Command::Drop(Selection::Link {
                    kind: Some(kind),
                    take,
                    from: Target::Node(1),
                    to: Target::Node(2),
                });
                assert_eq!(one(&text), command);
                assert_eq!(command.to_string(), text);
            }
        }
    }

    #[test]
    fn network_settings_after_the_first_command_are_commands() {
        let s =
            parse("loss 0.1\nheal\nloss 0.2\nlatency 5ms..50ms\nduplicate 0\nat 3s reorder 1\n")
                .unwrap();
        assert_eq!(s.settings.loss, Some(p(100_000)));
        let set = |c| Action::Command(Command::ChangeNetwork(c));
        assert_eq!(
            s.steps.iter().map(|s| s.action.clone()).collect::<Vec<_>>(),
            [
                Action::Command(Command::Heal),
                set(NetworkChange::Loss(p(200_000))),
                set(NetworkChange::Latency(Latency {
                    min: 5_000,
                    max: 50_000
                })),
                set(NetworkChange::Duplicate(Probability::ZERO)),
                set(NetworkChange::Reorder(Probability::ONE)),
            ]
        );
        assert_eq!(s.steps[4].at, Some(At::Absolute(3_000_000)));
        // With a time, a network setting is a command even before any other command.
        let s = parse("at 0s loss 0.5\n").unwrap();
        assert_eq!(s.settings.loss, None);
        assert_eq!(
            s.steps[0].action,
            Action::Command(Command::ChangeNetwork(NetworkChange::Loss(p(500_000))))
        );
    }

    /// A command that sets the whole network (or a link) is one line, as it prints.
    #[test]
    fn all_four_network_settings_on_one_line_set_the_whole_network() {
        let link = LinkConfig {
            latency_min: 40_000,
            latency_max: 120_000,
            loss: 0.2,
            duplicate: 0.0,
            reorder: 0.05,
        };
        let line = "at 1s reorder 0.05 loss 0.2 latency 40ms..120ms duplicate 0";
        assert_eq!(one(line), Command::SetNetwork(link.clone()));
        let set = Command::SetNetwork(link.clone());
        assert_eq!(one(&format!("at 1s {set}")), set);
        let set = Command::SetLink {
            from: 2,
            to: 3,
            link: Some(link),
        };
        assert_eq!(one(&format!("nodes 3\n{set}")), set);
        let e = err("heal\nlatency 5ms loss 0.1 # two of four\n");
        assert_eq!((e.line, e.column), (2, 21), "{e}");
        assert!(
            e.message.contains(
                "more than one network setting gives all four: duplicate, reorder missing"
            ),
            "{e}"
        );
        let e = err("heal\nloss 0.1 latency 5ms loss 0.2\n");
        assert_eq!((e.line, e.column), (2, 22), "{e}");
        assert!(e.message.contains("loss is given twice"), "{e}");
        let e = err("nodes 3\nlink 1->2 loss 0.1 heal\n");
        assert_eq!((e.line, e.column), (2, 20), "{e}");
        assert!(e.message.contains("another network setting"), "{e}");
        // Among the settings, one per line as before.
        let e = err("loss 0.1 latency 5ms\n");
        assert_eq!((e.line, e.column), (1, 10), "{e}");
    }

    #[test]
    fn try_gives_a_command_whose_refusal_does_not_stop_the_script() {
        let add = Command::Member(MemberChange::Add {
            node: 6,
            learner: false,
        });
        assert_eq!(action("nodes 5\nat 1s try add 6"), Action::Try(add.clone()));
        assert_eq!(action("try add 6").to_string(), "try add 6");
        for (src, column) in [
            ("try", 4),
            ("try run 1s", 5),
            ("try try add 6", 5),
            ("try loss 0.1", 5),
        ] {
            let e = err(src);
            assert_eq!((e.line, e.column), (1, column), "{src}: {e}");
            assert!(
                e.message.contains("expected a command after \"try\""),
                "{e}"
            );
        }
    }

    #[test]
    fn expectations() {
        let e = expectation;
        use CmpOp::*;
        assert_eq!(
            e("expect leader == 3"),
            Expectation::Leader {
                node: None,
                op: Eq,
                leader: Some(3)
            }
        );
        assert_eq!(
            e("expect leader != none"),
            Expectation::Leader {
                node: None,
                op: Ne,
                leader: None
            }
        );
        assert_eq!(
            e("expect term == 2"),
            Expectation::Term {
                node: None,
                op: Eq,
                value: 2
            }
        );
        assert_eq!(
            e("expect term 3 >= 2"),
            Expectation::Term {
                node: Some(3),
                op: Ge,
                value: 2
            }
        );
        assert_eq!(
            e("expect role 3 == follower"),
            Expectation::Role {
                node: 3,
                op: Eq,
                role: ExpectedRole::Follower
            }
        );
        assert_eq!(
            e("expect role 1 != pre-candidate"),
            Expectation::Role {
                node: 1,
                op: Ne,
                role: ExpectedRole::PreCandidate
            }
        );
        assert_eq!(
            e("expect role 2 == crashed"),
            Expectation::Role {
                node: 2,
                op: Eq,
                role: ExpectedRole::Crashed
            }
        );
        assert_eq!(
            e("expect commit >= 5"),
            Expectation::Commit {
                node: None,
                op: Ge,
                value: 5
            }
        );
        assert_eq!(
            e("expect commit 2 == 5"),
            Expectation::Commit {
                node: Some(2),
                op: Eq,
                value: 5
            }
        );
        assert_eq!(
            e("expect applied 2 > 4"),
            Expectation::Applied {
                node: Some(2),
                op: Gt,
                value: 4
            }
        );
        assert_eq!(
            e("expect applied < 4"),
            Expectation::Applied {
                node: None,
                op: Lt,
                value: 4
            }
        );
        assert_eq!(
            e("expect value x == 1"),
            Expectation::Value {
                key: "x".into(),
                op: Eq,
                value: Some("1".into())
            }
        );
        assert_eq!(
            e("expect value x==none"),
            Expectation::Value {
                key: "x".into(),
                op: Eq,
                value: None
            }
        );
        assert_eq!(
            e("expect value x == \"none\""),
            Expectation::Value {
                key: "x".into(),
                op: Eq,
                value: Some("none".into())
            }
        );
        assert_eq!(
            e("expect violations == 0"),
            Expectation::Violations { op: Eq, value: 0 }
        );
        assert_eq!(
            e("expect messages <= 0"),
            Expectation::Messages {
                kind: None,
                link: None,
                op: Le,
                value: 0
            }
        );
    }

    #[test]
    fn expectations_of_messages_votes_and_logs() {
        let e = expectation;
        use CmpOp::*;
        assert_eq!(
            e("expect messages MsgApp == 4"),
            Expectation::Messages {
                kind: Some(MsgKind::App),
                link: None,
                op: Eq,
                value: 4
            }
        );
        assert_eq!(
            e("expect vote 2 == 3"),
            Expectation::Vote {
                node: 2,
                op: Eq,
                vote: Some(3)
            }
        );
        assert_eq!(
            e("expect vote 2 != none"),
            Expectation::Vote {
                node: 2,
                op: Ne,
                vote: None
            }
        );
        assert_eq!(
            e("expect snapshot 1 >= 10"),
            Expectation::Snapshot {
                node: Some(1),
                op: Ge,
                value: 10
            }
        );
        assert_eq!(
            e("expect snapshot == 0"),
            Expectation::Snapshot {
                node: None,
                op: Eq,
                value: 0
            }
        );
        assert_eq!(
            e("expect lastindex 4 < 7"),
            Expectation::LastIndex {
                node: Some(4),
                op: Lt,
                value: 7
            }
        );
        assert_eq!(
            e("expect lastindex == 2"),
            Expectation::LastIndex {
                node: None,
                op: Eq,
                value: 2
            }
        );
        assert_eq!(
            e("expect logterm 1 at 3 == 2"),
            Expectation::LogTerm {
                node: 1,
                index: 3,
                op: Eq,
                value: 2
            }
        );
    }

    #[test]
    fn expectations_of_sets_partitions_and_the_log() {
        let e = expectation;
        use CmpOp::*;
        assert_eq!(
            e("expect candidates == {3,1}"),
            Expectation::Members {
                role: ExpectedRole::Candidate,
                op: Eq,
                nodes: vec![3, 1]
            }
        );
        assert_eq!(
            e("expect pre-candidates != {}"),
            Expectation::Members {
                role: ExpectedRole::PreCandidate,
                op: Ne,
                nodes: vec![]
            }
        );
        for role in ExpectedRole::ALL {
            let Expectation::Members { role: read, .. } =
                e(&format!("expect {} == {{2}}", role.plural()))
            else {
                panic!("{role:?}");
            };
            assert_eq!(read, role);
        }
        assert_eq!(
            e("expect partition == {1,2} {3,4,5}"),
            Expectation::Partition {
                op: Eq,
                groups: vec![vec![1, 2], vec![3, 4, 5]]
            }
        );
        assert_eq!(
            e("expect partition == {2}"),
            Expectation::Partition {
                op: Eq,
                groups: vec![vec![2]]
            }
        );
        assert_eq!(
            e("expect partition != none"),
            Expectation::Partition {
                op: Ne,
                groups: vec![]
            }
        );
        assert_eq!(
            e("expect log contains \"became leader\""),
            Expectation::LogContains {
                text: "became leader".into()
            }
        );
        assert_eq!(
            e("expect log count \"a \\\"b\\\"\" >= 2"),
            Expectation::LogCount {
                text: "a \"b\"".into(),
                op: Ge,
                value: 2
            }
        );
    }

    #[test]
    fn times() {
        let s = parse("at 1.5s crash 3\nat +500ms restart 3\nheal\nat 2s heal\nrun 1s\nat 3s heal\nat 3s heal").unwrap();
        let at: Vec<_> = s.steps.iter().map(|s| s.at).collect();
        assert_eq!(
            at,
            [
                Some(At::Absolute(1_500_000)),
                Some(At::Relative(500_000)),
                None,
                Some(At::Absolute(2_000_000)),
                None,
                Some(At::Absolute(3_000_000)),
                Some(At::Absolute(3_000_000)),
            ]
        );
        let e = err("at 2s heal\nrun 1s\nat 2.5s heal\n");
        assert_eq!((e.line, e.column), (3, 4));
        assert_eq!(
            e.message,
            "at 2.5s would go back in time: the scenario already reaches 3s at line 2"
        );
    }

    #[test]
    fn durations() {
        let d = parse_duration;
        assert_eq!(d("1.5s"), Ok(1_500_000));
        assert_eq!(d("300ms"), Ok(300_000));
        assert_eq!(d("2500us"), Ok(2_500));
        assert_eq!(d("0.001ms"), Ok(1));
        assert_eq!(d("1.500000000s"), Ok(1_500_000));
        assert_eq!(d("007s"), Ok(7_000_000));
        assert_eq!(d("18446744073709.551615s"), Ok(u64::MAX));
        assert_eq!(
            d("1.5"),
            Err("duration \"1.5\" needs a unit: us, ms or s".into())
        );
        assert!(d("18446744073709.551616s")
            .unwrap_err()
            .contains("too large"));
        assert!(d("1.0000001s")
            .unwrap_err()
            .contains("more precise than 1us"));
        assert!(d("0.5us").unwrap_err().contains("more precise than 1us"));
        assert!(d("-1s").unwrap_err().contains("cannot be negative"));
        assert!(d("5m").unwrap_err().contains("unknown unit \"m\""));
        assert!(d("1.2.3s").unwrap_err().contains("malformed"));
        assert!(d("1.s").unwrap_err().contains("malformed"));
        assert!(d(".5s").unwrap_err().contains("expected a duration"));
        assert!(d("ms").unwrap_err().contains("expected a duration"));
    }

    #[test]
    fn lines_are_recorded_and_crlf_is_accepted() {
        let s = parse("\u{feff}nodes 3\r\n\r\n# x\r\ncrash 1\r\n  heal  \r\n----\r\nlog a\r\n\r\n")
            .unwrap();
        assert_eq!(s.settings.nodes, Some(3));
        assert_eq!(s.steps.iter().map(|s| s.line).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(s.golden, Some(vec!["log a".to_string(), String::new()]));
    }

    #[test]
    fn golden_output_is_verbatim() {
        let s = parse("heal\n----\n  # not a comment\n----\ncrash x\n").unwrap();
        assert_eq!(
            s.golden,
            Some(vec![
                "  # not a comment".to_string(),
                "----".to_string(),
                "crash x".to_string()
            ])
        );
        assert_eq!(parse("----").unwrap().golden, Some(vec![]));
        assert_eq!(parse("heal\n----\n").unwrap().golden, Some(vec![]));
        assert_eq!(parse("heal\n").unwrap().golden, None);
    }

    #[test]
    fn node_ids_are_checked_against_nodes() {
        let e = err("nodes 3\ncrash 4\n");
        assert_eq!((e.line, e.column), (2, 7));
        assert_eq!(e.message, "node \"4\" does not exist: node ids are 1..=3");
        // Without a `nodes` line the cluster has the default size, 5, and a command's node
        // id is checked against that where it is written (not when the run reaches it).
        assert!(parse("crash 5").is_ok());
        let e = err("crash 6\nrun 1s");
        assert_eq!((e.line, e.column), (1, 7));
        assert_eq!(e.message, "node \"6\" does not exist: node ids are 1..=5");
        assert_eq!(
            err("at 1s crash 9").message,
            "node \"9\" does not exist: node ids are 1..=5"
        );
        assert_eq!(
            err("crash 0").message,
            "node \"0\" does not exist: node ids are 1..=5"
        );
        // Among the settings, before `nodes`, any id up to the largest cluster; `nodes`
        // checks it then.
        assert!(parse("state 9 term 2\nnodes 9\ncrash 9").is_ok());
        assert!(parse("nodes 51\ncrash 51").is_ok());
        assert_eq!(
            err("nodes 51\ncrash 52").message,
            "node \"52\" does not exist: node ids are 1..=51"
        );
    }

    #[test]
    fn a_timer_is_checked_against_the_others_default_at_its_own_line() {
        let e = err("seed 2\nelection-timeout 4\nrun 1s");
        assert_eq!((e.line, e.column), (2, 18));
        assert_eq!(
            e.message,
            "election-timeout 4 must be greater than the heartbeat, 5 ticks by default: set a shorter \"heartbeat\" too"
        );
        let e = err("heartbeat 20\nrun 1s");
        assert_eq!((e.line, e.column), (1, 11));
        assert!(
            e.message.starts_with(
                "heartbeat 20 must be less than the election timeout, 15 ticks by default"
            ),
            "{}",
            e.message
        );
        // The other written further down is the one checked against.
        assert!(parse("election-timeout 4\nheartbeat 2\nrun 1s").is_ok());
        assert!(parse("heartbeat 20\nelection-timeout 40").is_ok());
        // A comparison's change is settings alone: checked once merged, not here.
        assert!(parse_change("election-timeout 4").is_ok());
    }

    #[test]
    fn a_node_added_is_the_next_id_and_a_change_names_a_node_once() {
        let e = err("nodes 5\nrun 1s\nadd 8");
        assert_eq!((e.line, e.column), (3, 5));
        assert_eq!(
            e.message,
            "node \"8\" does not exist: node ids are 1..=5; a node added takes the next id, 6"
        );
        let e = err("nodes 5\nchange add 6 add 6");
        assert_eq!((e.line, e.column), (2, 18));
        assert_eq!(e.message, "node 6 appears twice in this change");
        assert_eq!(
            err("nodes 5\nchange add 6 remove 2 3 2").message,
            "node 2 appears twice in this change"
        );
        assert!(parse("nodes 5\nchange add 6 7 remove 1").is_ok());
        assert!(err("nodes 51\nadd 52")
            .message
            .ends_with("the cluster already has the most nodes there are, 51"));
    }

    #[test]
    fn a_scenario_runs_a_day_at_most_and_a_tick_command_gives_a_bounded_count() {
        let e = err("nodes 3\nrun 99999999999s");
        assert_eq!((e.line, e.column), (2, 5));
        assert!(
            e.message
                .contains("past 86400s, the longest a scenario runs"),
            "{}",
            e.message
        );
        assert!(parse("run 23h").is_err() || parse("run 86400s").is_ok());
        assert!(parse("run 86400s").is_ok());
        assert!(err("run 86400s\nrun 1us").message.contains("past 86400s"));
        assert!(err("at 86401s crash 1").message.contains("past 86400s"));
        assert!(parse("manual on\ntick 2 times 100000").is_ok());
        assert_eq!(
            err("manual on\ntick 2 times 100001").message,
            "must be at most 100000 ticks (\"run\" lets the time pass for longer)"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            err("crsh 3").message,
            "unknown command \"crsh\" (did you mean \"crash\"?)"
        );
        assert_eq!(
            err("CRASH 3").message,
            "unknown command \"CRASH\" (did you mean \"crash\"?)"
        );
        assert_eq!(
            err("stabilise").message,
            "unknown command \"stabilise\" (did you mean \"stabilize\"?)"
        );
        assert_eq!(
            err("check-quorum on").message,
            "unknown command \"check-quorum\" (did you mean \"checkquorum\"?)"
        );
        assert!(err("zzz")
            .message
            .starts_with("unknown command \"zzz\"; the commands are crash, restart,"));
        assert!(err("crash leadr")
            .message
            .ends_with("found \"leadr\" (did you mean \"leader\"?)"));
        assert!(err("drop App 1->2")
            .message
            .starts_with("unknown message kind \"App\" (did you mean \"MsgApp\"?)"));
        assert!(err("drop msgvote 1->2")
            .message
            .starts_with("unknown message kind \"msgvote\" (did you mean \"MsgVote\"?)"));
    }

    #[test]
    fn a_place_on_a_link_is_one_message_counted_from_1() {
        let e = err("drop MsgApp 3->1 nth 0");
        assert_eq!(
            (e.column, e.message.as_str()),
            (22, "places count from 1 (nth 1: the first to arrive)")
        );
        let e = err("drop MsgApp 3->1 nth");
        assert_eq!(e.column, 21, "{e}");
        assert!(
            e.message
                .starts_with("expected a place in the order of arrival"),
            "{e}"
        );
        let e = err("drop MsgApp 3->1 nth two");
        assert!(e.message.ends_with("found \"two\""), "{e}");
        assert!(err("deliver next 1->2 nth 4294967296")
            .message
            .starts_with("must be at most 4294967295"));
        let e = err("drop all MsgApp 3->1 nth 2");
        assert_eq!(e.column, 22, "{e}");
        assert_eq!(
            e.message,
            "\"nth\" picks one message, but this takes every one on the link; write \"MsgApp 3->1 nth 2\""
        );
        assert!(err("deliver 3->1 nth 2")
            .message
            .ends_with("write \"next 3->1 nth 2\""));
        assert!(err("drop all nth 2")
            .message
            .starts_with("unknown message kind \"nth\""));
        assert_eq!(
            err("drop MsgApp 3->1 2").message,
            "expected end of line, found \"2\""
        );
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("crsh", "crash"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("héllo", "hello"), 1);
    }
}
