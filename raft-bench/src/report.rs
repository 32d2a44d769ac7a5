//! Measuring and printing: a stopwatch, CPU time and peak RSS from /proc, and result lines.
//!
//! Every result is one line: a label that names the run (`replicate B=1 prevote=on ...`),
//! padded so values line up, then `key=value` pairs, so scripts can grep a field by name.
//!
//! Native only: the stopwatch reads the wall clock and CPU time and peak RSS come from /proc
//! (read with fallible calls, so where /proc is missing, as on macOS, they read 0). The web
//! crate never depends on this crate, so none of it reaches the wasm.

use std::fmt::Write as _;
use std::time::Instant;

/// Wall-clock time since it was started.
pub struct Stopwatch {
    start: Instant,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            start: Instant::now(),
        }
    }

    pub fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

/// CPU time this process has used, in seconds (0 if unknown).
///
/// /proc/self/schedstat gives nanoseconds on the CPU; /proc/self/stat (utime + stime, in
/// USER_HZ = 100 ticks per second) is the coarser fallback.
pub fn cpu_seconds() -> f64 {
    if let Ok(s) = std::fs::read_to_string("/proc/self/schedstat") {
        if let Some(ns) = s
            .split_whitespace()
            .next()
            .and_then(|f| f.parse::<u64>().ok())
        {
            return ns as f64 * 1e-9;
        }
    }
    if let Ok(s) = std::fs::read_to_string("/proc/self/stat") {
        // The command name (field 2) may hold spaces; fields after its ')' are plain.
        // utime and stime are fields 14 and 15, i.e. 12th and 13th after the ')'.
        if let Some(rest) = s.rsplit_once(')').map(|(_, r)| r) {
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            return (ticks(11) + ticks(12)) as f64 / 100.0;
        }
    }
    0.0
}

/// The process's peak resident set size (VmHWM) in KiB, or 0 if unavailable.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// Width the label is padded to, so the first `key=value` of every line starts in one column.
const LABEL_WIDTH: usize = 56;

/// One result line under construction.
pub struct Line(String);

impl Line {
    pub fn new(label: &str) -> Line {
        Line(format!("{label:<LABEL_WIDTH$}"))
    }

    /// An integer field.
    pub fn int(mut self, key: &str, v: u64) -> Line {
        let _ = write!(self.0, " {key}={v}");
        self
    }

    /// A float field with `decimals` digits after the point.
    pub fn num(mut self, key: &str, v: f64, decimals: usize) -> Line {
        let _ = write!(self.0, " {key}={v:.decimals$}");
        self
    }

    /// A word field (OK/FAIL, yes/no, a name).
    pub fn word(mut self, key: &str, v: &str) -> Line {
        let _ = write!(self.0, " {key}={v}");
        self
    }

    pub fn ok(self, key: &str, v: bool) -> Line {
        self.word(key, if v { "OK" } else { "FAIL" })
    }

    pub fn finish(self) -> String {
        self.0
    }
}

pub fn on_off(v: bool) -> &'static str {
    if v {
        "on"
    } else {
        "off"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_key_value_after_a_padded_label() {
        let l = Line::new("replicate B=1")
            .int("k", 3)
            .num("x", 1.5, 2)
            .ok("check", true)
            .finish();
        assert!(l.starts_with("replicate B=1 "));
        assert!(l.ends_with(" k=3 x=1.50 check=OK"));
        assert_eq!(l.find(" k=").unwrap(), LABEL_WIDTH);
    }

    #[test]
    fn proc_readers_do_not_panic() {
        let _ = peak_rss_kib();
        assert!(cpu_seconds() >= 0.0);
    }
}
