//! A run that can be rewound: every command is recorded at the exact point it was given,
//! and copies of the cluster are kept every so often. Seeking back restores the nearest
//! copy and replays; giving a command in the past forks a new history from that point.
//!
//! Replay is exact because the simulation is deterministic: the same cluster, the same
//! happenings in the same order and the same commands at the same step give the same run.

use super::cluster::{Cluster, Happened};
use super::command::{Command, Refusal, Selection};
use super::config::{SimConfig, SimConfigError};

/// How many log lines a checkpoint keeps.
const CHECKPOINT_LINES: usize = 500;

/// A command and where in the run it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// `Cluster::steps()` when it was given.
    pub at_step: u64,
    /// `Cluster::now()` when it was given.
    pub time: u64,
    pub command: Command,
    /// For a message dropped by id: the words that name it in a script (ids mean nothing in
    /// a script), its kind, link and place on the link when it was dropped.
    pub dropped: Option<Selection>,
    /// Refused by the node it reached, which logged and counted it (see `Refusal::by_node`).
    pub refused: bool,
}

#[derive(Clone, Debug)]
struct Checkpoint {
    cluster: Cluster,
    /// How many recorded commands the copy had already carried out.
    applied: usize,
}

#[derive(Clone, Debug)]
pub struct Timeline {
    current: Cluster,
    /// How many of `commands` the current cluster has carried out.
    applied: usize,
    commands: Vec<Recorded>,
    checkpoints: Vec<Checkpoint>,
    /// Simulated time between checkpoints; doubles whenever the list is thinned.
    every: u64,
    max_checkpoints: usize,
    /// The furthest time this history has reached.
    horizon: u64,
    /// While seeking to an exact position: replay no more than this many commands.
    replay_limit: usize,
}

/// An exact point in a history: a time and how many recorded commands had been carried
/// out (several commands can be given at one instant).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub time: u64,
    pub applied: usize,
}

impl Timeline {
    pub fn new(cfg: SimConfig) -> Result<Timeline, SimConfigError> {
        let cluster = Cluster::new(cfg)?;
        Ok(Timeline {
            checkpoints: vec![Checkpoint {
                cluster: cluster.clone(),
                applied: 0,
            }],
            current: cluster,
            applied: 0,
            commands: Vec::new(),
            every: 2_000_000,
            max_checkpoints: 24,
            horizon: 0,
            replay_limit: usize::MAX,
        })
    }

    pub fn cluster(&self) -> &Cluster {
        &self.current
    }

    pub fn now(&self) -> u64 {
        self.current.now()
    }

    /// The furthest point reached in this history (the end of the scrubber).
    pub fn horizon(&self) -> u64 {
        self.horizon
    }

    pub fn commands(&self) -> &[Recorded] {
        &self.commands
    }

    /// Whether the run is behind its horizon (rewound, replaying recorded history).
    pub fn is_replaying(&self) -> bool {
        self.now() < self.horizon
    }

    /// Gives a command now. If we are back in the past, the recorded future is discarded:
    /// the run forks here. A refused command (see `Cluster::apply`) changed nothing and is
    /// not recorded, unless the node it reached refused it (`Refusal::by_node`): that one
    /// is part of the run, and a replay gives it again.
    pub fn apply(&mut self, command: Command) -> Result<(), Refusal> {
        let in_the_past = self.applied < self.commands.len() || self.now() < self.horizon;
        let dropped = match command {
            Command::DropMessage(id) => self.current.selection_of(id),
            _ => None,
        };
        let (at_step, time) = (self.current.steps(), self.current.now());
        let result = self.current.apply(&command);
        if let Err(r) = &result {
            if !r.by_node {
                return result;
            }
        }
        if in_the_past {
            self.fork(at_step, time);
        }
        self.commands.push(Recorded {
            at_step,
            time,
            command,
            dropped,
            refused: result.is_err(),
        });
        self.applied = self.commands.len();
        result
    }

    /// Discards the recorded future after the point `(steps, time)` where a command was
    /// just given.
    fn fork(&mut self, steps: u64, time: u64) {
        self.commands.truncate(self.applied);
        self.checkpoints.retain(|c| c.cluster.steps() <= steps);
        self.horizon = time;
    }

    /// Moves forward to time `t`, replaying recorded commands on the way.
    pub fn run_until(&mut self, t: u64) {
        loop {
            self.replay_due(t);
            match self.current.next_time() {
                Some(next) if next <= t => {
                    self.maybe_checkpoint();
                    self.current.step();
                }
                _ => break,
            }
        }
        self.replay_due(t);
        self.current.run_until(t);
        self.horizon = self.horizon.max(self.now());
    }

    pub fn advance(&mut self, dt: u64) {
        let t = self.now().saturating_add(dt);
        self.run_until(t);
    }

    /// Performs the next single happening (and any command recorded right before it).
    pub fn step(&mut self) -> Option<Happened> {
        self.replay_due(u64::MAX);
        self.maybe_checkpoint();
        let h = self.current.step();
        self.replay_due(self.now());
        self.horizon = self.horizon.max(self.now());
        h
    }

    /// Carries out recorded commands given at the current step, up to time `t`.
    fn replay_due(&mut self, t: u64) {
        while let Some(r) = self.commands.get(self.applied) {
            if r.at_step != self.current.steps() || r.time > t || self.applied >= self.replay_limit
            {
                break;
            }
            self.current.set_now(r.time);
            // It did what it did when first given, in this very state (carried out, or
            // refused by the node it reached), so it does the same again.
            let _ = self.current.apply(&r.command);
            self.applied += 1;
        }
    }

    fn maybe_checkpoint(&mut self) {
        let last = self.checkpoints.last().map_or(0, |c| c.cluster.now());
        if self.now() < last + self.every || self.now() < self.horizon_of_checkpoints() {
            return;
        }
        // A checkpoint keeps only the newest log lines: after a seek the log pane shows the
        // recent past, and memory stays small however long the bounded log is.
        let mut cluster = self.current.clone();
        cluster.trace_mut().keep_last(CHECKPOINT_LINES);
        self.checkpoints.push(Checkpoint {
            cluster,
            applied: self.applied,
        });
        if self.checkpoints.len() > self.max_checkpoints {
            // Keep memory bounded: drop every other copy (never the first) and space the
            // next ones further apart.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every *= 2;
        }
    }

    /// Checkpoints are only taken on new ground, not while replaying behind the last one.
    fn horizon_of_checkpoints(&self) -> u64 {
        self.checkpoints.last().map_or(0, |c| c.cluster.now())
    }

    /// Where the run is now, exactly.
    pub fn position(&self) -> Position {
        Position {
            time: self.now(),
            applied: self.applied,
        }
    }

    /// Returns to an exact earlier position of this history (e.g. a guided tour's step):
    /// the state right after its commands, before anything later.
    pub fn seek_position(&mut self, p: Position) {
        if p < self.position() {
            let k = self
                .checkpoints
                .iter()
                .rposition(|c| c.cluster.now() <= p.time && c.applied <= p.applied)
                .unwrap_or(0);
            let c = &self.checkpoints[k];
            self.current = c.cluster.clone();
            self.applied = c.applied;
        }
        let horizon = self.horizon;
        self.replay_limit = p.applied;
        self.run_until(p.time);
        self.replay_limit = usize::MAX;
        self.horizon = horizon.max(self.now());
    }

    /// Jumps to time `t` (back or forward) in this history.
    pub fn seek(&mut self, t: u64) {
        if t < self.now() {
            let k = self
                .checkpoints
                .iter()
                .rposition(|c| c.cluster.now() <= t)
                .unwrap_or(0);
            let c = &self.checkpoints[k];
            self.current = c.cluster.clone();
            self.applied = c.applied;
        }
        let horizon = self.horizon;
        self.run_until(t);
        self.horizon = horizon.max(self.now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KvOp;

    fn timeline() -> Timeline {
        Timeline::new(SimConfig {
            seed: 11,
            ..SimConfig::default()
        })
        .unwrap()
    }

    fn play(t: &mut Timeline) {
        t.run_until(700_000);
        t.apply(Command::Request {
            via: None,
            op: KvOp::Set {
                key: "a".into(),
                value: "1".into(),
            },
        })
        .unwrap();
        t.run_until(1_300_000);
        t.apply(Command::Crash(t.cluster().leader().unwrap().into()))
            .unwrap();
        for _ in 0..7 {
            t.step();
        }
        t.apply(Command::Partition(vec![vec![1, 2]])).unwrap();
        t.run_until(9_000_000);
    }

    #[test]
    fn seeking_back_and_forward_reproduces_the_run_exactly() {
        let mut t = timeline();
        play(&mut t);
        let hash = t.cluster().trace_hash();
        let steps = t.cluster().steps();
        for back in [8_500_000, 4_000_000, 1_000_000, 0, 1_300_000] {
            t.seek(back);
            assert_eq!(t.now(), back);
            t.seek(9_000_000);
            assert_eq!(
                t.cluster().trace_hash(),
                hash,
                "after a trip back to {back}"
            );
            assert_eq!(t.cluster().steps(), steps);
        }
    }

    #[test]
    fn a_command_in_the_past_forks_a_new_history() {
        let mut t = timeline();
        play(&mut t);
        let original = t.cluster().trace_hash();
        t.seek(1_000_000);
        t.apply(Command::Heal).unwrap();
        assert_eq!(t.horizon(), 1_000_000);
        assert_eq!(
            t.commands().len(),
            2,
            "the request and the new command remain"
        );
        t.run_until(9_000_000);
        assert_ne!(t.cluster().trace_hash(), original);
        // The fork itself replays exactly.
        let forked = t.cluster().trace_hash();
        t.seek(500_000);
        t.seek(9_000_000);
        assert_eq!(t.cluster().trace_hash(), forked);
    }

    #[test]
    fn seeking_an_exact_position_stops_between_commands_given_at_one_instant() {
        let mut t = timeline();
        t.run_until(1_000_000);
        let before = t.position();
        let hash_before = t.cluster().trace_hash();
        t.apply(Command::Crash(1.into())).unwrap();
        let between = t.position();
        let hash_between = t.cluster().trace_hash();
        t.apply(Command::Crash(2.into())).unwrap();
        t.run_until(2_000_000);
        t.seek_position(between);
        assert_eq!(t.cluster().trace_hash(), hash_between);
        assert!(!t.cluster().server(1).unwrap().is_up());
        assert!(t.cluster().server(2).unwrap().is_up());
        t.seek_position(before);
        assert_eq!(t.cluster().trace_hash(), hash_before);
        t.run_until(2_000_000);
        assert!(
            !t.cluster().server(2).unwrap().is_up(),
            "the recorded history replays on"
        );
    }

    /// A leader refusing a membership change logs and counts it: the refusal is part of the
    /// run, recorded, and a rewind replays it. A refusal of the simulator's own changes
    /// nothing, and given in the past it keeps the recorded future.
    #[test]
    fn a_refusal_by_a_node_is_recorded_and_replayed() {
        use crate::command::MemberChange;
        let mut t = timeline();
        t.run_until(1_000_000);
        let add = |node| {
            Command::Member(MemberChange::Add {
                node,
                learner: true,
            })
        };
        t.apply(add(6)).unwrap();
        let refused = t.apply(Command::Member(MemberChange::Promote(6)));
        assert!(refused.is_err_and(|r| r.by_node));
        assert_eq!(t.commands().len(), 2);
        assert!(t.commands()[1].refused);
        t.run_until(3_000_000);
        let hash = t.cluster().trace_hash();
        let received = t.cluster().metrics().config_proposals_received;
        assert_eq!(received, 2);
        t.seek(500_000);
        t.seek(3_000_000);
        assert_eq!(t.cluster().trace_hash(), hash);
        assert_eq!(t.cluster().metrics().config_proposals_received, received);

        t.seek(2_000_000);
        let before = t.cluster().trace_hash();
        let refused = t.apply(Command::Crash(9.into())).unwrap_err();
        assert!(!refused.by_node);
        assert_eq!(t.cluster().trace_hash(), before);
        assert_eq!((t.commands().len(), t.horizon()), (2, 3_000_000));
        t.run_until(3_000_000);
        assert_eq!(t.cluster().trace_hash(), hash);
    }

    #[test]
    fn checkpoints_stay_bounded_on_long_runs() {
        let mut t = timeline();
        t.run_until(600_000_000);
        assert!(t.checkpoints.len() <= t.max_checkpoints);
        t.seek(123_456_789);
        assert_eq!(t.now(), 123_456_789);
    }
}
