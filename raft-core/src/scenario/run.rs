//! Runs a parsed scenario against a simulated cluster, one command line at a time, so the
//! page can stop at `pause` lines and a native run can go straight to the end.

use super::ast::{
    At, CmpOp, Command, Expectation, ExpectedRole, KvCommand, NetworkChange, Scenario, Step, Target,
};
use crate::sim::{Cluster, Command as SimCommand, InitialLog, KvOp, SimConfig};
use crate::types::{NodeId, Role};
use std::fmt;

/// How many deliveries `stabilize` makes before it gives up (a leader's heartbeats never
/// stop, but they only start on ticks, which `stabilize` does not give).
const STABILIZE_LIMIT: usize = 1_000_000;

/// A command line that could not be carried out, or an expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    pub line: usize,
    /// The command as written (canonical form).
    pub command: String,
    pub message: String,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: `{}`: {}",
            self.line, self.command, self.message
        )
    }
}

/// Where a run stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A `pause` line: the narration to show.
    Pause { line: usize, text: String },
    /// Every command line has run.
    Finished,
}

/// The cluster a scenario's settings describe (defaults from [`SimConfig::default`]).
pub fn config_for(s: &Scenario) -> Result<SimConfig, String> {
    let d = SimConfig::default();
    let st = &s.settings;
    let mut link = d.link.clone();
    if let Some(l) = st.latency {
        link.latency_min = l.min;
        link.latency_max = l.max;
    }
    if let Some(p) = st.loss {
        link.loss = p.as_f64();
    }
    if let Some(p) = st.duplicate {
        link.duplicate = p.as_f64();
    }
    if let Some(p) = st.reorder {
        link.reorder = p.as_f64();
    }
    let cfg = SimConfig {
        nodes: st.nodes.map_or(d.nodes, |n| n as usize),
        seed: st.seed.unwrap_or(d.seed),
        pre_vote: st.prevote.unwrap_or(d.pre_vote),
        check_quorum: st.check_quorum.unwrap_or(d.check_quorum),
        tick_us: st.tick.unwrap_or(d.tick_us),
        election_tick: st.election_timeout.unwrap_or(d.election_tick),
        heartbeat_tick: st.heartbeat.unwrap_or(d.heartbeat_tick),
        link,
        snapshot_every: st.snapshot_every.unwrap_or(d.snapshot_every),
        init: st.init.as_ref().map(|i| InitialLog {
            term: i.term,
            terms: i.log.clone(),
        }),
        ..d
    };
    cfg.validate()?;
    Ok(cfg)
}

/// A scenario in progress.
#[derive(Debug)]
pub struct Runner {
    pub cluster: Cluster,
    steps: Vec<Step>,
    next: usize,
    /// When the previous command line finished (the base of `at +d`).
    last_end: u64,
    /// Expectations that failed so far (the run goes on, to report them all).
    pub failures: Vec<RunError>,
    pub expectations_checked: usize,
}

impl Runner {
    pub fn new(s: &Scenario) -> Result<Runner, String> {
        Runner::with_config(s, config_for(s)?)
    }

    /// Runs the scenario's commands on a cluster built from `cfg` (the settings may be
    /// overridden by the embedding page, e.g. to keep every log line).
    pub fn with_config(s: &Scenario, cfg: SimConfig) -> Result<Runner, String> {
        Ok(Runner {
            cluster: Cluster::new(cfg)?,
            steps: s.steps.clone(),
            next: 0,
            last_end: 0,
            failures: Vec::new(),
            expectations_checked: 0,
        })
    }

    pub fn is_finished(&self) -> bool {
        self.next >= self.steps.len()
    }

    /// The line number of the next command to run.
    pub fn next_line(&self) -> Option<usize> {
        self.steps.get(self.next).map(|s| s.line)
    }

    /// When the next command is due (None when it runs as soon as the previous one ends, or
    /// when there is none).
    pub fn next_due(&self) -> Option<u64> {
        match self.steps.get(self.next)?.at? {
            At::Absolute(t) => Some(t),
            At::Relative(d) => Some(self.last_end.saturating_add(d)),
        }
    }

    /// Runs command lines until a `pause`, the end, or a command that cannot run.
    pub fn run(&mut self) -> Result<Stop, RunError> {
        while let Some(step) = self.steps.get(self.next).cloned() {
            self.next += 1;
            if let Some(stop) = self.run_step(&step)? {
                return Ok(stop);
            }
        }
        Ok(Stop::Finished)
    }

    /// Runs the next command line only (first letting simulated time reach its `at`).
    pub fn run_one(&mut self) -> Result<Option<Stop>, RunError> {
        let Some(step) = self.steps.get(self.next).cloned() else {
            return Ok(Some(Stop::Finished));
        };
        self.next += 1;
        self.run_step(&step)
    }

    fn run_step(&mut self, step: &Step) -> Result<Option<Stop>, RunError> {
        if let Some(t) = self.next_due_of(step) {
            self.cluster.run_until(t);
        }
        let err = |message: String| RunError {
            line: step.line,
            command: step.command.to_string(),
            message,
        };
        let stop = self.execute(&step.command).map_err(err)?;
        self.last_end = self.cluster.now();
        Ok(stop)
    }

    fn next_due_of(&self, step: &Step) -> Option<u64> {
        match step.at? {
            At::Absolute(t) => Some(t),
            At::Relative(d) => Some(self.last_end.saturating_add(d)),
        }
    }

    fn target(&self, t: Target) -> Result<NodeId, String> {
        match t {
            Target::Node(id) => Ok(id),
            Target::Leader => self
                .cluster
                .leader()
                .ok_or_else(|| format!("there is no leader at {}", secs(self.cluster.now()))),
        }
    }

    fn execute(&mut self, cmd: &Command) -> Result<Option<Stop>, String> {
        let sim = match cmd {
            Command::Crash(t) => SimCommand::Crash(self.target(*t)?),
            Command::Restart(t) => SimCommand::Restart(self.target(*t)?),
            Command::Partition(groups) => {
                if groups.iter().map(Vec::len).sum::<usize>() >= self.cluster.config().nodes
                    && groups.len() < 2
                {
                    return Err("a partition needs at least two groups".into());
                }
                SimCommand::Partition(groups.clone())
            }
            Command::Isolate(t) => SimCommand::Isolate(self.target(*t)?),
            Command::Heal => SimCommand::Heal,
            Command::Campaign(t) => SimCommand::Campaign(self.target(*t)?),
            Command::Transfer(t) => SimCommand::Transfer(self.target(*t)?),
            Command::Request { cmd, via } => {
                let via = match via {
                    Some(t) => Some(self.target(*t)?),
                    None => None,
                };
                let op = match cmd {
                    KvCommand::Set { key, value } => KvOp::Set {
                        key: key.clone(),
                        value: value.clone(),
                    },
                    KvCommand::Del { key } => KvOp::Del { key: key.clone() },
                };
                SimCommand::Request { via, op }
            }
            Command::Drop {
                kind,
                all,
                from,
                to,
            } => SimCommand::DropOnLink {
                from: self.target(*from)?,
                to: self.target(*to)?,
                kind: *kind,
                all: *all,
            },
            Command::Stabilize => {
                self.cluster.stabilize(STABILIZE_LIMIT);
                return Ok(None);
            }
            Command::Run(d) => {
                self.cluster.advance(*d);
                return Ok(None);
            }
            Command::SetNetwork(change) => {
                let mut link = self.cluster.network().default_link.clone();
                apply_change(&mut link, *change);
                SimCommand::SetNetwork(link)
            }
            Command::Link { from, to, change } => {
                let link = change.map(|c| {
                    let mut link = self
                        .cluster
                        .network()
                        .links
                        .get(&(*from, *to))
                        .unwrap_or(&self.cluster.network().default_link)
                        .clone();
                    apply_change(&mut link, c);
                    link
                });
                SimCommand::SetLink {
                    from: *from,
                    to: *to,
                    link,
                }
            }
            Command::Pause(text) => {
                self.cluster.note(format!("pause: {text}"));
                let line = self.steps[self.next - 1].line;
                return Ok(Some(Stop::Pause {
                    line,
                    text: text.clone(),
                }));
            }
            Command::Expect(e) => {
                self.expectations_checked += 1;
                if let Err(message) = self.check(e) {
                    let step = &self.steps[self.next - 1];
                    self.failures.push(RunError {
                        line: step.line,
                        command: step.command.to_string(),
                        message,
                    });
                }
                return Ok(None);
            }
        };
        self.cluster.apply(&sim)?;
        Ok(None)
    }

    /// Checks one expectation against the cluster now; the error says what was found.
    pub fn check(&self, e: &Expectation) -> Result<(), String> {
        let c = &self.cluster;
        let now = secs(c.now());
        let cmp = |what: String, op: CmpOp, actual: u64, expected: u64| {
            if op.holds(&actual, &expected) {
                Ok(())
            } else {
                Err(format!(
                    "expected {what} {} {expected}, but it is {actual} at {now}",
                    op.as_str()
                ))
            }
        };
        let node = |id: NodeId| {
            c.node(id)
                .ok_or_else(|| format!("node {id} is down at {now}"))
        };
        let live = || c.servers().iter().filter_map(|s| s.node());
        match e {
            Expectation::Leader { op, leader } => {
                let actual = c.leader();
                let holds = match op {
                    CmpOp::Ne => actual != *leader,
                    _ => actual == *leader,
                };
                if holds {
                    Ok(())
                } else {
                    let show = |l: Option<NodeId>| l.map_or("none".to_string(), |n| n.to_string());
                    Err(format!(
                        "expected leader {} {}, but it is {} at {now}",
                        op.as_str(),
                        show(*leader),
                        show(actual)
                    ))
                }
            }
            Expectation::Term {
                node: Some(id),
                op,
                value,
            } => cmp(format!("term of {id}"), *op, node(*id)?.term(), *value),
            Expectation::Term {
                node: None,
                op,
                value,
            } => {
                let l = c.leader().ok_or_else(|| {
                    format!("expected a leader to read the term from, but there is none at {now}")
                })?;
                cmp("term".into(), *op, node(l)?.term(), *value)
            }
            Expectation::Role { node: id, op, role } => {
                let actual = match c.node(*id) {
                    None => ExpectedRole::Crashed,
                    Some(n) => match n.role() {
                        Role::Follower => ExpectedRole::Follower,
                        Role::PreCandidate => ExpectedRole::PreCandidate,
                        Role::Candidate => ExpectedRole::Candidate,
                        Role::Leader => ExpectedRole::Leader,
                    },
                };
                let holds = if *op == CmpOp::Ne {
                    actual != *role
                } else {
                    actual == *role
                };
                if holds {
                    Ok(())
                } else {
                    Err(format!(
                        "expected role of {id} {} {}, but it is {} at {now}",
                        op.as_str(),
                        role.as_str(),
                        actual.as_str()
                    ))
                }
            }
            Expectation::Commit {
                node: Some(id),
                op,
                value,
            } => cmp(format!("commit of {id}"), *op, node(*id)?.commit(), *value),
            Expectation::Commit {
                node: None,
                op,
                value,
            } => cmp(
                "commit (lowest live node)".into(),
                *op,
                live().map(|n| n.commit()).min().unwrap_or(0),
                *value,
            ),
            Expectation::Applied {
                node: Some(id),
                op,
                value,
            } => cmp(
                format!("applied of {id}"),
                *op,
                node(*id)?.applied(),
                *value,
            ),
            Expectation::Applied {
                node: None,
                op,
                value,
            } => cmp(
                "applied (lowest live node)".into(),
                *op,
                live().map(|n| n.applied()).min().unwrap_or(0),
                *value,
            ),
            Expectation::Value { key, op, value } => {
                let l = c.leader().ok_or_else(|| {
                    format!("expected a leader to read {key} from, but there is none at {now}")
                })?;
                let actual = c.server(l).and_then(|s| s.kv.map.get(key).cloned());
                let holds = if *op == CmpOp::Ne {
                    actual != *value
                } else {
                    actual == *value
                };
                if holds {
                    Ok(())
                } else {
                    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
                    Err(format!(
                        "expected value {key} {} {}, but it is {} at {now}",
                        op.as_str(),
                        show(value),
                        show(&actual)
                    ))
                }
            }
            Expectation::Violations { op, value } => cmp(
                "violations".into(),
                *op,
                c.violation().is_some() as u64,
                *value,
            ),
            Expectation::Messages { op, value } => cmp(
                "messages in flight".into(),
                *op,
                c.in_flight_count() as u64,
                *value,
            ),
        }
    }
}

fn apply_change(link: &mut crate::sim::LinkConfig, change: NetworkChange) {
    match change {
        NetworkChange::Latency(l) => {
            link.latency_min = l.min;
            link.latency_max = l.max;
        }
        NetworkChange::Loss(p) => link.loss = p.as_f64(),
        NetworkChange::Duplicate(p) => link.duplicate = p.as_f64(),
        NetworkChange::Reorder(p) => link.reorder = p.as_f64(),
    }
}

/// A simulated time as seconds, for messages.
pub fn secs(us: u64) -> String {
    format!("{}s", us as f64 / 1e6)
}
