//! Two runs side by side: the divergence point is the first event where the runs' logs
//! differ, checked on the old-leader-returns scenarios with pre-vote on and off against
//! the two logs run apart and compared line by line here.

use raft_sim::compare::{compare_source, scan, CompareError, Cursor, Scan};
use raft_sim::scenario::cli::run_source;
use std::path::PathBuf;

fn scenario(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/scenarios")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

/// The source with one settings line replaced (a change made by hand, apart from the
/// comparison's own way of changing settings).
fn with_line(src: &str, from: &str, to: &str) -> String {
    let out: Vec<&str> = src
        .lines()
        .map(|l| if l == from { to } else { l })
        .collect();
    assert_ne!(
        out.join("\n"),
        src.lines().collect::<Vec<_>>().join("\n"),
        "{from} is in the file"
    );
    out.join("\n") + "\n"
}

/// The first line (0-based) where two timed logs differ.
fn first_difference(a: &[String], b: &[String]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

#[test]
fn the_old_leader_returns_parts_where_pre_vote_first_matters() {
    for (file, setting, change) in [
        ("old-leader-returns.txt", "prevote on", "prevote off"),
        (
            "old-leader-returns-without-prevote.txt",
            "prevote off",
            "prevote on",
        ),
    ] {
        let src = scenario(file);
        let c = compare_source(&src, change, None).unwrap();
        let d = c.divergence.clone().expect("the runs part");
        // The same runs made apart, their timed logs compared line by line.
        let left = run_source(&src, true).log;
        let right = run_source(&with_line(&src, setting, change), true).log;
        let k = first_difference(&left, &right);
        assert_eq!(
            d.at.left as usize, k,
            "{file}: the divergence is the first differing line"
        );
        let at = format!("[{:>10.6}s] ", d.time as f64 / 1e6);
        let line = |l: &Option<raft_sim::LogLine>| l.as_ref().map(|l| format!("{at}{l}"));
        assert_eq!(line(&d.left).as_ref(), left.get(k), "{file}: left");
        assert_eq!(line(&d.right).as_ref(), right.get(k), "{file}: right");
        // Everything before it is the same in both.
        assert_eq!(left[..k], right[..k]);
        println!("{file} with `{change}`: {d}");
    }
}

#[test]
fn with_pre_vote_a_node_first_stands_as_a_pre_candidate_where_without_it_raises_its_term() {
    let c = compare_source(&scenario("old-leader-returns.txt"), "prevote off", None).unwrap();
    let d = c.divergence.unwrap();
    // The first campaign already differs: on the left (pre-vote on) node 3 asks first,
    // keeping its term; on the right it stands as a candidate and raises it.
    assert_eq!(
        d.left.unwrap().to_string(),
        "3 became pre-candidate at term 0"
    );
    assert_eq!(d.right.unwrap().to_string(), "3 became candidate at term 1");
    assert_eq!(d.time, 0);
    // The change breaks the scenario's own expectations on the right only.
    assert!(c.left.errors.is_empty(), "{:?}", c.left.errors);
    assert!(!c.right.errors.is_empty());
}

#[test]
fn identical_runs_never_part_and_a_scan_resumes_where_it_stopped() {
    let src = scenario("reference-election.txt");
    let c = compare_source(&src, "seed 0x5eed", None).unwrap_or_else(|e| panic!("{e}"));
    // (A seed change parts them at once: nodes draw other timeouts.)
    assert!(c.divergence.is_some());
    let a = run_source(&src, false).cluster.unwrap();
    let b = run_source(&src, false).cluster.unwrap();
    let total = a.trace().total();
    let at = |n| Cursor { left: n, right: n };
    assert_eq!(
        scan(a.trace(), b.trace(), at(0)),
        Scan::Same { next: at(total) }
    );
    assert_eq!(
        scan(a.trace(), b.trace(), at(total / 2)),
        Scan::Same { next: at(total) }
    );
}

#[test]
fn a_change_that_is_not_settings_is_refused_with_a_message() {
    let src = scenario("reference-election.txt");
    let e = compare_source(&src, "crash 1", None).unwrap_err();
    assert!(matches!(e, CompareError::Change(_)), "{e}");
    assert!(
        e.to_string()
            .contains("\"crash\" is not a setting; a change is settings lines"),
        "{e}"
    );
    let e = compare_source(&src, "prevote maybe", None).unwrap_err();
    assert!(e.to_string().starts_with("the change: "), "{e}");
    let e = compare_source(&src, "# nothing", None).unwrap_err();
    assert_eq!(e.to_string(), "the change: it changes no setting");
}

#[test]
fn changed_at_a_moment_the_runs_part_where_the_change_first_matters() {
    // The old leader comes back at 3.878 s. Pre-vote switched off at 1.878 s, when it
    // restarts cut off: the runs are one until then, and part at its first campaign alone,
    // where it now raises its term instead of asking first.
    let c = compare_source(
        &scenario("old-leader-returns.txt"),
        "prevote off",
        Some(1_878_480),
    )
    .unwrap();
    let d = c.divergence.unwrap();
    assert!(d.time > 1_878_480, "after the change: {d}");
    assert_eq!(
        d.left.unwrap().to_string(),
        "3 became pre-candidate at term 1"
    );
    assert_eq!(d.right.unwrap().to_string(), "3 became candidate at term 2");
    // The right run says it switched; the left run never does, and that is not the difference.
    let switched = c
        .right
        .log
        .iter()
        .filter(|l| l.contains("switched prevote off"))
        .count();
    assert_eq!(switched, 1);
    assert!(!c.left.log.iter().any(|l| l.contains("switched")));
    // Only what may change during a run, at a moment.
    let e = compare_source(
        &scenario("old-leader-returns.txt"),
        "nodes 7",
        Some(1_000_000),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("only prevote, checkquorum, latency"),
        "{e}"
    );
}

/// `manual on` makes node 3 campaign at once where the scenario as written lets its timer
/// run out: the same pre-vote is cast at another moment. Told without times, the two lines
/// would read the same; each is told with its own time.
#[test]
fn lines_that_differ_only_in_time_are_told_with_their_times() {
    let c = compare_source(&scenario("reference-election.txt"), "manual on", None).unwrap();
    let d = c.divergence.expect("the runs part");
    let (l, r) = (d.left.clone().unwrap(), d.right.clone().unwrap());
    assert_eq!(l.to_string(), r.to_string(), "the same words");
    assert_ne!(l.time, r.time);
    let text = d.to_string();
    let side = |name: &str, l: &raft_sim::LogLine| {
        format!(
            "  {name} at {}.{:06} s: {l}",
            l.time / 1_000_000,
            l.time % 1_000_000
        )
    };
    assert!(text.contains(&side("left: ", &l)), "{text}");
    assert!(text.contains(&side("right:", &r)), "{text}");
}
