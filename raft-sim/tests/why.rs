//! `raftsim run FILE --why`: the reference scenarios' event logs with the rule behind each
//! decision, against golden files in tests/scenarios/why/ (NAME.why for tests/scenarios/
//! NAME.txt). When the reasons change on purpose, rewrite them with
//! `UPDATE_WHY=1 cargo test -p raft-sim --test why` and read the diff.

use raft_sim::scenario::cli::{format_log, run_source};
use std::path::PathBuf;

const REFERENCE: &[&str] = &[
    "reference-election",
    "old-leader-returns",
    "old-leader-returns-without-prevote",
    "etcd/leader-only-commits-log-from-current-term",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

#[test]
fn why_logs_of_the_reference_scenarios_match_their_golden_files() {
    let update = std::env::var_os("UPDATE_WHY").is_some();
    let mut failures = Vec::new();
    for name in REFERENCE {
        let src = std::fs::read_to_string(root().join(format!("{name}.txt"))).unwrap();
        let report = run_source(&src, false);
        assert!(report.ok(), "{name}: {:?}", report.errors);
        let cluster = report.cluster.as_ref().expect("the scenario ran");
        let got = format_log(cluster, false, true).join("\n") + "\n";
        let file = root()
            .join("why")
            .join(format!("{}.why", name.replace('/', "-")));
        if update {
            std::fs::write(&file, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_WHY=1 writes it)", file.display()));
        if want != got {
            let first = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(want.lines().count().min(got.lines().count()));
            failures.push(format!(
                "{}: differs at line {}:\n  - {}\n  + {}",
                file.display(),
                first + 1,
                want.lines().nth(first).unwrap_or(""),
                got.lines().nth(first).unwrap_or("")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_decision_line_of_the_reference_scenarios_names_its_rule() {
    // The decisions issue 12 lists: votes granted or refused, appends rejected, commits, and
    // step-downs on a higher term; each such line carries a reason with a section.
    let decisions = [
        " cast Msg",
        " rejected Msg",
        " ignored Msg",
        "committed up to index",
        "cannot commit index",
        "message with higher term",
        "rejected MsgApp",
        "stepped down to follower since quorum is not active",
        "dropping proposal",
    ];
    for name in REFERENCE {
        let src = std::fs::read_to_string(root().join(format!("{name}.txt"))).unwrap();
        let report = run_source(&src, false);
        let cluster = report.cluster.as_ref().expect("the scenario ran");
        for line in format_log(cluster, false, true) {
            if decisions.iter().any(|d| line.contains(d)) && !line.starts_with("sim:") {
                assert!(
                    line.contains(" — ") && line.contains('§'),
                    "{name}: a decision without its rule: {line}"
                );
            }
            // A pre-vote records no vote: its answers name the pre-vote rule, never the
            // vote's (the thesis's §9.6, then the rule it applied).
            if line.contains(" MsgPreVote from ") || line.contains(" MsgPreVote for ") {
                assert!(
                    line.contains(" — pre-vote: ") && line.contains("(thesis §9.6"),
                    "{name}: a pre-vote answered under another rule: {line}"
                );
            }
        }
    }
}
