//! Two runs side by side: the same seed and the same commands with one setting changed
//! (pre-vote, check-quorum, cluster size, latency, loss, ...), and the first moment their
//! histories differ. A run is deterministic, so two runs that share everything stay equal
//! line for line; the first line where they part is where the changed setting first made a
//! difference ("on the left the returning node raised its term; on the right its pre-vote
//! was refused").
//!
//! The front end runs the two clusters on one clock and gives every later action to both;
//! it finds the divergence with [`scan`], as the runs go. Natively, [`compare_source`] runs
//! a scenario both ways.

use crate::scenario::ast::{Scenario, Settings};
use crate::scenario::cli::{run_scenario, Report};
use crate::scenario::parse;
use crate::trace::{LogLine, Trace};
use std::fmt;

/// Where two runs part: the first line number (counted from the runs' start) at which their
/// logs differ, when, and the line each run has there (None: that run logged nothing more by
/// then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    pub seq: u64,
    pub time: u64,
    pub left: Option<LogLine>,
    pub right: Option<LogLine>,
}

/// How far a scan got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scan {
    /// Lines before `next` are the same in both runs (the runs have logged no further, or
    /// lines after `next` are no longer held).
    Same {
        next: u64,
    },
    Parted(Box<Divergence>),
}

/// Two log lines are the same event when they say the same at the same time.
fn same(a: &LogLine, b: &LogLine) -> bool {
    a.time == b.time && a.item == b.item
}

/// Compares two runs' logs from line `from` on (the lines before it are known to be the
/// same), as far as they go. Both runs must have reached the same simulated time (they run
/// in lockstep): everything either logged up to then is in its trace, so a line one run has
/// and the other lacks is a difference. A line no longer held (a bounded log let it go)
/// ends the scan where it is: `Same` up to there.
pub fn scan(left: &Trace, right: &Trace, from: u64) -> Scan {
    let mut a = left.since(from).peekable();
    let mut b = right.since(from).peekable();
    let first = |t: &Trace| t.lines().next().map_or(t.total(), |l| l.seq);
    if first(left) > from || first(right) > from {
        // Lines in between were let go: nothing more can be told.
        return Scan::Same { next: from };
    }
    let mut seq = from;
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => return Scan::Same { next: seq },
            (Some(x), Some(y)) if same(x, y) => {
                a.next();
                b.next();
                seq += 1;
            }
            (x, y) => {
                let time = match (x, y) {
                    (Some(x), Some(y)) => x.time.min(y.time),
                    (Some(x), None) => x.time,
                    (None, Some(y)) => y.time,
                    (None, None) => unreachable!("handled above"),
                };
                return Scan::Parted(Box::new(Divergence {
                    seq,
                    time,
                    left: x.cloned().cloned(),
                    right: y.cloned().cloned(),
                }));
            }
        }
    }
}

/// A line with the rule behind it, as the comparison prints it.
fn explained(l: &LogLine) -> String {
    match l.why() {
        Some(why) => format!("{l} — {why}"),
        None => l.to_string(),
    }
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |l: &Option<LogLine>| match l {
            Some(l) => explained(l),
            None => "(nothing more)".to_string(),
        };
        write!(
            f,
            "the runs part at {}.{:06} s (log line {}):\n  left:  {}\n  right: {}",
            self.time / 1_000_000,
            self.time % 1_000_000,
            self.seq + 1,
            side(&self.left),
            side(&self.right)
        )
    }
}

/// `settings` with every setting `change` writes replacing its own.
pub fn changed(settings: &Settings, change: &Settings) -> Settings {
    let mut s = settings.clone();
    macro_rules! take {
        ($($field:ident),*) => {
            $(if change.$field.is_some() { s.$field = change.$field.clone(); })*
        };
    }
    take!(
        nodes,
        seed,
        prevote,
        check_quorum,
        election_timeout,
        heartbeat,
        tick,
        latency,
        loss,
        duplicate,
        reorder,
        snapshot_every,
        init,
        manual,
        max_inflight
    );
    s
}

/// What running a scenario both ways gave.
#[derive(Debug)]
pub struct Comparison {
    /// The scenario as written, and with the change.
    pub left: Report,
    pub right: Report,
    /// None: the runs never part.
    pub divergence: Option<Divergence>,
}

/// Why a comparison could not be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompareError {
    /// The scenario does not parse.
    Scenario(String),
    /// The change is not settings lines (e.g. `prevote off`), or does not parse.
    Change(String),
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompareError::Scenario(e) => write!(f, "the scenario: {e}"),
            CompareError::Change(e) => write!(f, "the change: {e}"),
        }
    }
}

impl std::error::Error for CompareError {}

/// `scenario` with the settings lines of `change` in place of its own (e.g. `prevote off`,
/// `nodes 7`): the other side of a comparison. Anything but settings lines is refused.
pub fn with_change(scenario: &Scenario, change: &str) -> Result<Scenario, CompareError> {
    let change = parse(change).map_err(|e| CompareError::Change(e.to_string()))?;
    if !change.steps.is_empty() || change.golden.is_some() {
        return Err(CompareError::Change(
            "only settings lines may be changed (e.g. `prevote off`, `nodes 7`)".into(),
        ));
    }
    if change.settings == Settings::default() {
        return Err(CompareError::Change("it changes no setting".into()));
    }
    Ok(Scenario {
        settings: changed(&scenario.settings, &change.settings),
        steps: scenario.steps.clone(),
        golden: None,
    })
}

/// Runs scenario `src` as written (left) and with the settings lines of `change` in place of
/// its own (right, e.g. `prevote off`), and finds where the two runs part. Expectations that
/// fail are in each report's errors: a changed setting may well break them.
pub fn compare_source(src: &str, change: &str) -> Result<Comparison, CompareError> {
    let scenario = parse(src).map_err(|e| CompareError::Scenario(e.to_string()))?;
    let other = with_change(&scenario, change)?;
    let left = run_scenario(&scenario, false);
    let right = run_scenario(&other, false);
    let divergence = match (&left.cluster, &right.cluster) {
        (Some(l), Some(r)) => match scan(l.trace(), r.trace(), 0) {
            Scan::Parted(d) => Some(*d),
            Scan::Same { .. } => None,
        },
        _ => None,
    };
    Ok(Comparison {
        left,
        right,
        divergence,
    })
}
