//! Runs a parsed scenario against a simulated cluster, one command line at a time, so the
//! page can stop at `pause` lines and a native run can go straight to the end.

use super::ast::{Action, At, Expectation, NodeSetup, Scenario, Step};
use super::expect::Probe;
use crate::{
    Cluster, Command, InitialLog, NodeState, Refusal, SimConfig, SimConfigError, Timeline,
};
use raft_core::types::NodeId;
use std::fmt;

pub use crate::command::secs;

/// What a scenario runs on: a plain cluster (native runs) or a rewindable timeline (the
/// page, where a tour can step back).
pub trait Engine {
    fn cluster(&self) -> &Cluster;
    fn run_until(&mut self, t: u64);
    fn apply(&mut self, command: Command) -> Result<(), Refusal>;
}

impl Engine for Cluster {
    fn cluster(&self) -> &Cluster {
        self
    }
    fn run_until(&mut self, t: u64) {
        Cluster::run_until(self, t)
    }
    fn apply(&mut self, command: Command) -> Result<(), Refusal> {
        Cluster::apply(self, &command)
    }
}

impl Engine for Timeline {
    fn cluster(&self) -> &Cluster {
        Timeline::cluster(self)
    }
    fn run_until(&mut self, t: u64) {
        Timeline::run_until(self, t)
    }
    fn apply(&mut self, command: Command) -> Result<(), Refusal> {
        Timeline::apply(self, command)
    }
}

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
pub fn config_for(s: &Scenario) -> Result<SimConfig, SimConfigError> {
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
        states: st
            .states
            .iter()
            .map(|(node, setup)| node_state(node, setup))
            .collect(),
        manual: st.manual.unwrap_or(d.manual),
        max_inflight: st.max_inflight.map_or(d.max_inflight, |n| n as usize),
        ..d
    };
    cfg.validate()?;
    Ok(cfg)
}

/// A node's starting state as its `state` and `snapshot` lines give it, with what they
/// leave out filled in (see [`NodeSetup`]).
fn node_state(node: NodeId, setup: &NodeSetup) -> NodeState {
    let snapshot = setup.snapshot.unwrap_or((0, 0));
    NodeState {
        node,
        term: setup.term.unwrap_or(setup.last_term()),
        vote: setup.vote.unwrap_or(0),
        log: setup.log.clone().unwrap_or_default(),
        commit: setup.commit.unwrap_or(snapshot.0),
        snapshot,
    }
}

/// A scenario in progress.
#[derive(Clone, Debug)]
pub struct Runner<E: Engine = Cluster> {
    pub engine: E,
    steps: Vec<Step>,
    pub state: RunnerState,
}

/// Where a scenario is: saved at each pause so a guided tour can step back exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunnerState {
    /// The next command line to run.
    pub next: usize,
    /// When the previous command line finished (the base of `at +d`).
    pub last_end: u64,
    /// A `run` line holds the next command back until this time.
    pub wait_until: u64,
    /// Expectations that failed so far (the run goes on, to report them all).
    pub failures: Vec<RunError>,
    pub expectations_checked: usize,
    /// The first event-log line (`seq`) after the previous pause: where `expect log` looks.
    pub log_from: u64,
}

impl Runner<Cluster> {
    pub fn new(s: &Scenario) -> Result<Runner<Cluster>, SimConfigError> {
        Runner::with_config(s, config_for(s)?)
    }

    /// Runs the scenario's commands on a cluster built from `cfg` (the settings may be
    /// overridden, e.g. to keep every log line).
    pub fn with_config(s: &Scenario, cfg: SimConfig) -> Result<Runner<Cluster>, SimConfigError> {
        Ok(Runner::on(Cluster::new(cfg)?, s))
    }
}

impl<E: Engine> Runner<E> {
    /// Runs `s`'s command lines on `engine` (built from `config_for(s)`).
    pub fn on(engine: E, s: &Scenario) -> Runner<E> {
        Runner {
            engine,
            steps: s.steps.clone(),
            state: RunnerState::default(),
        }
    }

    pub fn cluster(&self) -> &Cluster {
        self.engine.cluster()
    }

    pub fn is_finished(&self) -> bool {
        self.state.next >= self.steps.len()
    }

    /// The line number of the next command to run.
    pub fn next_line(&self) -> Option<usize> {
        self.steps.get(self.state.next).map(|s| s.line)
    }

    pub fn failures(&self) -> &[RunError] {
        &self.state.failures
    }

    /// When the next command line is due.
    fn due(&self, step: &Step) -> u64 {
        let at = match step.at {
            Some(At::Absolute(t)) => t,
            Some(At::Relative(d)) => self.state.last_end.saturating_add(d),
            None => 0,
        };
        at.max(self.state.wait_until)
    }

    /// Runs the whole scenario; pauses are narration only. Ends after the last line's time.
    pub fn run(&mut self) -> Result<Stop, RunError> {
        while let Some(Stop::Pause { .. }) = self.advance_to(u64::MAX)? {}
        let end = self.state.wait_until.max(self.engine.cluster().now());
        self.engine.run_until(end);
        Ok(Stop::Finished)
    }

    /// Lets simulated time pass up to `target`, running each command line when it is due.
    /// Returns at a `pause` line (the next call carries on after it), when the lines run out
    /// (`Finished`, the cluster then runs on to `target`), or with None when `target` came
    /// first.
    pub fn advance_to(&mut self, target: u64) -> Result<Option<Stop>, RunError> {
        while let Some(step) = self.steps.get(self.state.next).cloned() {
            let due = self.due(&step);
            if due > target {
                self.engine.run_until(target);
                return Ok(None);
            }
            if due > self.engine.cluster().now() {
                self.engine.run_until(due);
            }
            self.state.next += 1;
            let err = |message: String| RunError {
                line: step.line,
                command: step.action.to_string(),
                message,
            };
            let stop = self.execute(&step).map_err(err)?;
            self.state.last_end = self.engine.cluster().now().max(self.state.wait_until);
            if stop.is_some() {
                return Ok(stop);
            }
        }
        if target != u64::MAX {
            self.engine.run_until(target);
        }
        Ok(Some(Stop::Finished))
    }

    /// Carries out one command line. `Some` when the run stops there (a pause).
    fn execute(&mut self, step: &Step) -> Result<Option<Stop>, String> {
        match &step.action {
            Action::Command(command) => {
                self.engine.apply(command.clone()).map_err(|r| r.message)?
            }
            Action::Try(command) => {
                // Refused or not, the run goes on (a refusal by a node is in its log).
                let _ = self.engine.apply(command.clone());
            }
            Action::Run(d) => {
                // Time passes before the next line (in the page, at the reader's speed).
                self.state.wait_until = self.engine.cluster().now().saturating_add(*d);
            }
            Action::Pause(text) => return self.pause(step.line, text).map(Some),
            Action::Expect(e) => self.expect(step, e),
        }
        Ok(None)
    }

    /// A narration stop: a note in the log, and `expect log` looks at the lines after it.
    fn pause(&mut self, line: usize, text: &str) -> Result<Stop, String> {
        self.engine
            .apply(Command::Note(format!("pause: {text}")))
            .map_err(|r| r.message)?;
        self.state.log_from = self.engine.cluster().trace().total();
        Ok(Stop::Pause {
            line,
            text: text.to_string(),
        })
    }

    /// Checks an expect line; a failure is kept and the run goes on.
    fn expect(&mut self, step: &Step, e: &Expectation) {
        self.state.expectations_checked += 1;
        if let Err(message) = self.check(e) {
            self.state.failures.push(RunError {
                line: step.line,
                command: step.action.to_string(),
                message,
            });
        }
    }

    /// Checks one expectation against the cluster now; the error says what was found.
    pub fn check(&self, e: &Expectation) -> Result<(), String> {
        let probe = Probe {
            cluster: self.engine.cluster(),
            log_from: self.state.log_from,
        };
        probe.check(e)
    }
}
