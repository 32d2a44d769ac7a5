//! What `raftsim run` does with one scenario text: run it, collect its event log, its failed
//! expectations and its difference from the golden log. Scenario files double as tests: any
//! failed expectation or golden mismatch fails. (Reading and rewriting the files, and the
//! command line, are the `raftsim` binary's.)

use super::ast::Scenario;
use super::parse::parse;
use super::run::{config_for, RunError, Runner};
use crate::Cluster;

/// What running one scenario text produced.
#[derive(Debug, Default)]
pub struct Report {
    /// The event log lines (as compared with the golden section).
    pub log: Vec<String>,
    /// Parse errors, run errors and failed expectations, each naming its line.
    pub errors: Vec<String>,
    /// A line diff when the file has a golden section and the log differs from it.
    pub golden_diff: Option<String>,
    pub expectations: usize,
    pub cluster: Option<Cluster>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.golden_diff.is_none()
    }
}

/// Parses and runs a scenario to its end (pauses are narration only here).
pub fn run_source(src: &str, time: bool) -> Report {
    match parse(src) {
        Ok(scenario) => run_scenario(&scenario, time),
        Err(e) => Report {
            errors: vec![e.to_string()],
            ..Report::default()
        },
    }
}

/// Runs a parsed scenario to its end.
pub fn run_scenario(scenario: &Scenario, time: bool) -> Report {
    match runner_for(scenario) {
        Ok(mut runner) => {
            let result = runner.run().map(|_| ());
            finish_report(Report::default(), runner, result, &scenario.golden, time)
        }
        Err(e) => Report {
            errors: vec![e],
            ..Report::default()
        },
    }
}

/// A runner for `scenario` as `raftsim run` runs it: every log line and the whole history
/// kept (scenarios are short, and `raftsim run --svg` exports the whole run). What is wrong
/// when its settings make no cluster.
pub fn runner_for(scenario: &Scenario) -> Result<Runner<Cluster>, String> {
    let mut cfg = config_for(scenario).map_err(|e| format!("settings: {e}"))?;
    cfg.log_capacity = usize::MAX >> 1;
    cfg.history = Some(crate::HistoryLimits::UNBOUNDED);
    Runner::with_config(scenario, cfg).map_err(|e| e.to_string())
}

/// Fills `report` from a finished run: its errors (`result`, failed expectations, a safety
/// violation), its log, the difference from `golden`, and the cluster.
pub fn finish_report(
    mut report: Report,
    runner: Runner<Cluster>,
    result: Result<(), RunError>,
    golden: &Option<Vec<String>>,
    time: bool,
) -> Report {
    if let Err(e) = result {
        report.errors.push(e.to_string());
    }
    report.errors.extend(
        runner
            .failures()
            .iter()
            .map(|f| format!("expectation failed: {f}")),
    );
    if let Some(v) = runner.cluster().violation() {
        report.errors.push(format!("safety violation: {v}"));
    }
    report.expectations = runner.state.expectations_checked;
    report.log = format_log(runner.cluster(), time, false);
    if let Some(golden) = golden {
        let golden = without_trailing_blanks(golden);
        if !time && golden != report.log {
            report.golden_diff = Some(diff(golden, &report.log));
        }
    }
    report.cluster = Some(runner.engine);
    report
}

/// A run's event log as `raftsim run` prints it: each line, with `time` prefixed by its
/// simulated time, with `why` followed by ` — ` and the rule behind its decision (for the
/// lines that are decisions).
pub fn format_log(cluster: &Cluster, time: bool, why: bool) -> Vec<String> {
    cluster
        .trace()
        .lines()
        .map(|l| {
            let mut s = if time {
                format!("[{:>10.6}s] {l}", l.time as f64 / 1e6)
            } else {
                l.to_string()
            };
            if let (true, Some(reason)) = (why, l.why()) {
                s.push_str(" — ");
                s.push_str(&reason.to_string());
            }
            s
        })
        .collect()
}

/// A golden section without the blank lines at its end: an editor's or a paste's trailing
/// new lines are not part of the log (the log has no blank lines), and would otherwise fail
/// the comparison with lines that print as nothing.
fn without_trailing_blanks(golden: &[String]) -> &[String] {
    let kept = golden.len()
        - golden
            .iter()
            .rev()
            .take_while(|l| l.trim().is_empty())
            .count();
    &golden[..kept]
}

/// A diff line's text: a blank line said in words, since it prints as nothing.
fn shown(line: &str) -> &str {
    if line.trim().is_empty() {
        "(a blank line)"
    } else {
        line
    }
}

/// The first differing line and some context: enough to see what changed.
fn diff(want: &[String], got: &[String]) -> String {
    let first = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    let mut out = format!(
        "first difference at log line {} (golden has {} lines, run has {}):\n",
        first + 1,
        want.len(),
        got.len()
    );
    for i in first..(first + 5) {
        if let Some(w) = want.get(i) {
            out.push_str(&format!("  - {}\n", shown(w)));
        }
        if let Some(g) = got.get(i) {
            out.push_str(&format!("  + {}\n", shown(g)));
        }
    }
    out
}

/// The source with its golden section replaced by `log`.
pub fn with_golden(src: &str, log: &[String]) -> String {
    let mut out = String::new();
    for line in src.lines() {
        if line == "----" {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("----\n");
    for l in log {
        out.push_str(l);
        out.push('\n');
    }
    out
}
