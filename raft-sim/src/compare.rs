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

use crate::command::Command;
use crate::scenario::ast::{Action, Scenario, Settings};
use crate::scenario::cli::{finish_report, run_scenario, runner_for, Report};
use crate::scenario::run::Stop;
use crate::scenario::{parse, parse_change};
use crate::trace::{LogItem, LogLine, SimWhat, Trace};
use std::fmt;

/// Where two runs part: the first line (its number in each run's log, counted from the
/// run's start) at which their logs differ, when, and the line each run has there (None:
/// that run logged nothing more by then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    pub at: Cursor,
    pub time: u64,
    pub left: Option<LogLine>,
    pub right: Option<LogLine>,
}

/// A place in both runs' logs: the next line of each to compare. The two differ by the
/// lines that are not compared (a change of settings made in one run only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub left: u64,
    pub right: u64,
}

/// How far a scan got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scan {
    /// The lines before `next` are the same in both runs (they have logged no further, or
    /// the lines after it are no longer held).
    Same {
        next: Cursor,
    },
    Parted(Box<Divergence>),
}

/// Two log lines are the same event when they say the same at the same time.
fn same(a: &LogLine, b: &LogLine) -> bool {
    a.time == b.time && a.item == b.item
}

/// Whether a line takes part in the comparison: a change of the settings (the network's,
/// an extension switched) is the comparison's own doing when one run makes it, and the
/// same on both sides otherwise; what the runs do differently follows it.
fn compared(l: &LogLine) -> bool {
    !matches!(
        l.item,
        LogItem::Sim {
            what: SimWhat::Switched { .. } | SimWhat::NetworkChanged { .. },
            ..
        }
    )
}

/// Compares two runs' logs from `from` on (the lines before it are known to be the same),
/// as far as they go. Both runs must have reached the same simulated time (they run in
/// lockstep): everything either logged up to then is in its trace, so a line one run has
/// and the other lacks is a difference. A line no longer held (a bounded log let it go)
/// ends the scan where it is: `Same` up to there.
pub fn scan(left: &Trace, right: &Trace, from: Cursor) -> Scan {
    let first = |t: &Trace| t.lines().next().map_or(t.total(), |l| l.seq);
    if first(left) > from.left || first(right) > from.right {
        // Lines in between were let go: nothing more can be told.
        return Scan::Same { next: from };
    }
    let mut a = left.since(from.left).peekable();
    let mut b = right.since(from.right).peekable();
    let mut at = from;
    loop {
        // Lines left out of the comparison are stepped over (the cursor moves past them).
        while let Some(x) = a.next_if(|x| !compared(x)) {
            at.left = x.seq + 1;
        }
        while let Some(y) = b.next_if(|y| !compared(y)) {
            at.right = y.seq + 1;
        }
        match (a.peek(), b.peek()) {
            (None, None) => return Scan::Same { next: at },
            (Some(x), Some(y)) if same(x, y) => {
                at = Cursor {
                    left: x.seq + 1,
                    right: y.seq + 1,
                };
                a.next();
                b.next();
            }
            (x, y) => {
                let time = match (x, y) {
                    (Some(x), Some(y)) => x.time.min(y.time),
                    (Some(x), None) => x.time,
                    (None, Some(y)) => y.time,
                    (None, None) => unreachable!("handled above"),
                };
                return Scan::Parted(Box::new(Divergence {
                    at,
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

/// `us` as seconds with microsecond digits: "0.012462 s".
fn seconds(us: u64) -> String {
    format!("{}.{:06} s", us / 1_000_000, us % 1_000_000)
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The heading's time is the earlier side's. When the two lines were logged at
        // different times, each is prefixed by its own: the same event at another moment
        // reads as two identical lines otherwise.
        let timed = match (&self.left, &self.right) {
            (Some(l), Some(r)) => l.time != r.time,
            _ => false,
        };
        let side = |l: &Option<LogLine>| match l {
            Some(l) if timed => format!("at {}: {}", seconds(l.time), explained(l)),
            Some(l) => explained(l),
            None => "(nothing more)".to_string(),
        };
        write!(
            f,
            "the runs part at {} (log line {}):\n  left:  {}\n  right: {}",
            seconds(self.time),
            self.at.left + 1,
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

/// A change's settings lines: `;` separates them as a new line does (a change fits on one
/// command line or in one attribute: `prevote off; loss 0.1`).
fn lines(change: &str) -> String {
    change.replace(';', "\n")
}

/// A change is settings lines: a line that is not one is named (the scenario parser would
/// call it an unknown command and list the commands, which a change may not hold).
fn settings_only(change: &str) -> Result<(), CompareError> {
    for (k, line) in lines(change).lines().enumerate() {
        let word = line
            .split('#')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .next();
        if let Some(word) = word.filter(|w| !crate::scenario::parse::is_setting(w)) {
            return Err(CompareError::Change(format!(
                "line {}: \"{word}\" is not a setting; a change is settings lines, such as `prevote off`, `checkquorum off`, `nodes 7`, `loss 0.1` or `latency 50ms..150ms`",
                k + 1
            )));
        }
    }
    Ok(())
}

/// `scenario` with the settings lines of `change` in place of its own (e.g. `prevote off`,
/// `nodes 7`): the other side of a comparison. Anything but settings lines is refused.
pub fn with_change(scenario: &Scenario, change: &str) -> Result<Scenario, CompareError> {
    settings_only(change)?;
    let change = parse_change(&lines(change)).map_err(|e| CompareError::Change(e.to_string()))?;
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

/// The commands that make the change of a comparison at a moment of a run: `prevote` and
/// `checkquorum` switched, the network's settings changed (`latency`, `loss`, `duplicate`,
/// `reorder`). Other settings (the cluster's size, its seed, its timers) hold from the start
/// only, and are refused.
pub fn change_commands(change: &str) -> Result<Vec<Command>, CompareError> {
    settings_only(change)?;
    let change = &lines(change);
    let settings = parse_change(change).map_err(|e| CompareError::Change(e.to_string()))?;
    let s = &settings.settings;
    if !settings.steps.is_empty() || *s == Settings::default() {
        // with_change says what is wrong with it.
        with_change(&settings, change)?;
    }
    let only_at_start = s.nodes.is_some()
        || s.seed.is_some()
        || s.election_timeout.is_some()
        || s.heartbeat.is_some()
        || s.tick.is_some()
        || s.snapshot_every.is_some()
        || s.init.is_some()
        || s.manual.is_some()
        || s.max_inflight.is_some()
        || !s.states.is_empty();
    if only_at_start {
        return Err(CompareError::Change(
            "only prevote, checkquorum, latency, loss, duplicate and reorder can change during a run"
                .into(),
        ));
    }
    // A setting written with a time is a command (the scenario language's own rule).
    let timed: String = change
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| format!("at 0s {l}\n"))
        .collect();
    let commands = parse_change(&timed).map_err(|e| CompareError::Change(e.to_string()))?;
    Ok(commands
        .steps
        .into_iter()
        .filter_map(|step| match step.action {
            Action::Command(c) => Some(c),
            _ => None,
        })
        .collect())
}

/// Runs scenario `src` as written (left) and with the settings lines of `change` in place of
/// its own (right, e.g. `prevote off`), and finds where the two runs part. With `at` (µs of
/// simulated time), the right run is the left one until then, and changes there (see
/// `change_commands`): the runs part where the change first matters. Expectations that
/// fail are in each report's errors: a changed setting may well break them.
pub fn compare_source(
    src: &str,
    change: &str,
    at: Option<u64>,
) -> Result<Comparison, CompareError> {
    let scenario = parse(src).map_err(|e| CompareError::Scenario(e.to_string()))?;
    let other = with_change(&scenario, change)?;
    let left = run_scenario(&scenario, false);
    let right = match at {
        None => run_scenario(&other, false),
        Some(at) => run_changed_at(&scenario, &change_commands(change)?, at),
    };
    let divergence = match (&left.cluster, &right.cluster) {
        (Some(l), Some(r)) => match scan(l.trace(), r.trace(), Cursor::default()) {
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

/// Runs `scenario` to time `at`, gives the cluster `commands` there, and runs on to the end.
fn run_changed_at(scenario: &Scenario, commands: &[Command], at: u64) -> Report {
    let mut report = Report::default();
    let mut runner = match runner_for(scenario) {
        Ok(r) => r,
        Err(e) => {
            report.errors.push(e);
            return report;
        }
    };
    let mut result = Ok(());
    loop {
        match runner.advance_to(at) {
            Ok(Some(Stop::Pause { .. })) => continue,
            Ok(_) => break,
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    for c in commands {
        if let Err(r) = runner.engine.apply(c) {
            report.errors.push(format!("the change: {}", r.message));
        }
    }
    if result.is_ok() {
        result = runner.run().map(|_| ());
    }
    finish_report(report, runner, result, &None, false)
}
