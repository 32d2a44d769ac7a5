//! A scenario's golden section (the log after `----`) against its run: blank lines at the
//! end of the file are not log lines, and a blank line that differs is said in words.

use raft_sim::scenario::cli::run_source;
use std::path::PathBuf;

fn scenario(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/scenarios")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn blank_lines_at_the_end_of_the_golden_section_are_not_part_of_the_log() {
    let src = scenario("reference-election.txt");
    assert!(run_source(&src, false).ok());
    for tail in ["\n", "\n\n", "\r\n\r\n", "  \n\t\n"] {
        let report = run_source(&format!("{src}{tail}"), false);
        assert!(report.ok(), "{tail:?}: {:?}", report.golden_diff);
    }
}

#[test]
fn a_blank_line_inside_the_golden_section_is_named_in_the_difference() {
    let src = scenario("reference-election.txt");
    let (head, golden) = src.split_once("----\n").expect("a golden section");
    let mut lines: Vec<&str> = golden.lines().collect();
    lines.insert(3, "");
    let report = run_source(&format!("{head}----\n{}\n", lines.join("\n")), false);
    let diff = report.golden_diff.expect("the logs differ");
    assert!(diff.contains("first difference at log line 4"), "{diff}");
    assert!(diff.contains("  - (a blank line)\n"), "{diff}");
}
