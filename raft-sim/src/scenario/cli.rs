//! `raftsim run`: run scenario files, print their event logs, check expectations and golden
//! logs. Scenario files double as tests: any failed expectation or golden mismatch fails.

use super::parse::parse;
use super::run::{config_for, Runner};
use crate::Cluster;

/// Runs the files named in `args`; Ok(false) when any failed.
pub fn run(args: &[String]) -> Result<bool, String> {
    let time = args.iter().any(|a| a == "--time");
    let update = args.iter().any(|a| a == "--update");
    let quiet = args.iter().any(|a| a == "--quiet");
    if let Some(bad) = args
        .iter()
        .find(|a| a.starts_with("--") && !["--time", "--update", "--quiet"].contains(&a.as_str()))
    {
        return Err(format!("unknown run option {bad}"));
    }
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if files.is_empty() {
        return Err("raftsim run needs a scenario file".into());
    }
    let mut all_ok = true;
    for file in files {
        let src = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        let report = run_source(&src, time);
        if !quiet || !report.ok() {
            for l in &report.log {
                println!("{l}");
            }
        }
        for f in &report.errors {
            println!("{file}: {f}");
        }
        if let Some(golden) = &report.golden_diff {
            if update {
                std::fs::write(file, with_golden(&src, &report.log))
                    .map_err(|e| format!("{file}: {e}"))?;
                println!("{file}: golden log updated");
            } else {
                println!("{file}: the event log differs from the golden log after ----:\n{golden}");
                all_ok = false;
            }
        }
        all_ok &= report.errors.is_empty();
        println!(
            "{file}: {} ({} expectations checked)",
            if report.errors.is_empty() && (report.golden_diff.is_none() || update) {
                "ok"
            } else {
                "FAILED"
            },
            report.expectations
        );
    }
    Ok(all_ok)
}

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
    let mut report = Report::default();
    let scenario = match parse(src) {
        Ok(s) => s,
        Err(e) => {
            report.errors.push(e.to_string());
            return report;
        }
    };
    let mut cfg = match config_for(&scenario) {
        Ok(c) => c,
        Err(e) => {
            report.errors.push(format!("settings: {e}"));
            return report;
        }
    };
    cfg.log_capacity = usize::MAX >> 1;
    let mut runner = match Runner::with_config(&scenario, cfg) {
        Ok(r) => r,
        Err(e) => {
            report.errors.push(e);
            return report;
        }
    };
    if let Err(e) = runner.run() {
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
    report.log = runner
        .cluster()
        .trace()
        .lines()
        .map(|l| {
            if time {
                format!("[{:>10.6}s] {l}", l.time as f64 / 1e6)
            } else {
                l.to_string()
            }
        })
        .collect();
    if let Some(golden) = &scenario.golden {
        if !time && *golden != report.log {
            report.golden_diff = Some(diff(golden, &report.log));
        }
    }
    report.cluster = Some(runner.engine);
    report
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
            out.push_str(&format!("  - {w}\n"));
        }
        if let Some(g) = got.get(i) {
            out.push_str(&format!("  + {g}\n"));
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
