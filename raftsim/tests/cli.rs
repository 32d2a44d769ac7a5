//! The `raftsim` binary as a shell sees it: what it refuses, what it prints, how it exits.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("raftsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A real etcd node's log of an election (tests/data).
fn etcd_log() -> String {
    format!(
        "{}/../tests/data/etcd-election-node3.log",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn scenario(name: &str) -> String {
    format!("{}/../tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A refused command line: exit status 2, nothing on stdout, and a message on stderr that
/// names `culprit`.
fn assert_refused(args: &[&str], culprit: &str) {
    let o = raftsim(args);
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(2), "{args:?}: {out}{err}");
    assert!(out.is_empty(), "{args:?} printed {out:?}");
    assert!(
        err.contains(culprit),
        "{args:?}: {err:?} does not name {culprit:?}"
    );
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn a_stray_argument_is_refused_not_ignored() {
    assert_refused(&["fuzz", "2000"], "2000");
    assert_refused(&["fuzz", "--seeds", "20", "2000"], "2000");
    assert_refused(&["bench", "--workload", "elect", "5"], "5");
    assert_refused(&["run", "--quiet"], "needs a scenario file");
}

#[test]
fn an_unknown_option_or_command_is_refused_by_name() {
    assert_refused(&["fuzz", "--seeds", "3", "--bogus"], "--bogus");
    assert_refused(&["run", "--bogus", "x.txt"], "--bogus");
    assert_refused(&["bench", "--elections", "10", "--bogus", "1"], "--bogus");
    assert_refused(&["frobnicate"], "frobnicate");
    assert_refused(&["--seeds", "3"], "--seeds");
}

#[test]
fn a_bad_value_or_an_option_that_does_not_apply_is_refused() {
    assert_refused(&["fuzz", "--seeds"], "--seeds");
    assert_refused(&["fuzz", "--seeds", "many"], "many");
    assert_refused(&["fuzz", "--seconds", "0"], "--seconds");
    assert_refused(&["fuzz", "--seed", "5", "--seeds", "10"], "--seeds");
    assert_refused(&["fuzz", "--log"], "--seed");
    assert_refused(
        &["bench", "--workload", "sim", "--entries", "5"],
        "--workload sim",
    );
    assert_refused(&["bench", "--workload", "elect", "--seeds", "5"], "--seeds");
    assert_refused(&["bench", "--drop", "2"], "--drop");
}

#[test]
fn help_and_no_arguments_print_the_usage() {
    for args in [&[][..], &["--help"], &["help"], &["fuzz", "-h"]] {
        let o = raftsim(args);
        assert!(o.status.success(), "{args:?}");
        assert!(text(&o.stdout).starts_with("usage:"), "{args:?}");
    }
    let o = raftsim(&["bench", "--help"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("--workload"));
}

#[test]
fn options_take_both_forms_and_hex_numbers() {
    let o = raftsim(&["fuzz", "--seed=0x5", "--seconds", "5"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("seed 5: "),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn run_checks_a_scenario_file() {
    let file = scenario("reference-election.txt");
    let o = raftsim(&["run", &file, "--quiet"]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.trim_end().ends_with("expectations checked)"), "{out}");
    assert_eq!(
        out.lines().count(),
        1,
        "--quiet prints only the verdict: {out}"
    );
}

/// A fresh temporary directory for one test (named by the process and `name`, so tests
/// running at once do not share it).
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("raftsim-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// A scenario file whose first line holds a Latin-1 byte (0xe9, `é`) at column 6.
fn latin1_scenario(dir: &std::path::Path) -> String {
    let file = dir.join("latin1.txt");
    std::fs::write(&file, b"# caf\xe9\nnodes 3\nrun 1s\n").expect("the scenario is written");
    file.to_string_lossy().into_owned()
}

#[test]
fn a_file_that_cannot_be_read_is_named_with_the_reason() {
    let file = scenario("no-such-scenario.txt");
    let o = raftsim(&["run", &file]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert!(
        out.contains("no-such-scenario.txt: not read: ")
            && out.contains("no-such-scenario.txt: FAILED"),
        "{out}"
    );
    // The single-file forms say it on stderr, and fail the same way.
    for args in [
        &["run", &file, "--svg"][..],
        &["run", &file, "--format", "fabric", "--out", "unused"],
        &["compare", &file, "--set", "prevote off"],
    ] {
        let o = raftsim(args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("no-such-scenario.txt: not read: "),
            "{args:?}: {err}"
        );
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    assert!(!std::path::Path::new("unused").exists());
}

#[test]
fn a_file_that_is_not_utf8_is_named_with_the_line_and_column_of_its_bad_byte() {
    let dir = temp_dir("latin1");
    let file = latin1_scenario(&dir);
    let said = "latin1.txt: line 1, column 6: not UTF-8 text (the byte 0xe9)";
    let o = raftsim(&["run", &file]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert!(out.contains(said), "{out}");
    for args in [
        &["run", &file, "--mermaid"][..],
        &["compare", &file, "--set", "prevote off"],
    ] {
        let o = raftsim(args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_cannot_be_read_does_not_stop_the_files_after_it() {
    let dir = temp_dir("many");
    let good = scenario("reference-election.txt");
    let missing = dir.join("missing.txt").to_string_lossy().into_owned();
    let latin1 = latin1_scenario(&dir);
    let folder = dir.to_string_lossy().into_owned();
    let o = raftsim(&["run", "--quiet", &good, &missing, &folder, &latin1, &good]);
    let out = text(&o.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    let verdicts: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(": ok (") || l.contains(": FAILED ("))
        .collect();
    assert_eq!(verdicts.len(), 5, "every file has its verdict: {out}");
    assert!(
        verdicts[0].ends_with("ok (3 expectations checked)"),
        "{out}"
    );
    assert!(verdicts[1..4].iter().all(|v| v.contains("FAILED")), "{out}");
    assert!(
        verdicts[4].ends_with("ok (3 expectations checked)"),
        "{out}"
    );
    assert!(out.contains(&format!("{folder}: not read: ")), "{out}");
}

/// Makes `file` unwritable (read-only, and immutable where `chattr` works: root writes to a
/// read-only file); false where neither holds here.
fn make_unwritable(file: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let _ = Command::new("chattr").arg("+i").arg(file).output();
    std::fs::OpenOptions::new().append(true).open(file).is_err()
}

#[test]
fn a_golden_log_that_cannot_be_written_does_not_stop_the_files_after_it() {
    let dir = temp_dir("update");
    let src = std::fs::read_to_string(scenario("reference-election.txt")).unwrap();
    // A golden section that differs: --update rewrites it.
    let stale = src.replacen("became leader", "became a leader", 1);
    assert_ne!(stale, src);
    let (locked, open) = (dir.join("locked.txt"), dir.join("open.txt"));
    std::fs::write(&locked, &stale).unwrap();
    std::fs::write(&open, &stale).unwrap();
    if !make_unwritable(&locked) {
        eprintln!("no file can be made unwritable here: not checked");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let (l, w) = (locked.to_string_lossy(), open.to_string_lossy());
    let o = raftsim(&["run", "--quiet", "--update", &l, &w]);
    let rewritten = std::fs::read_to_string(&open).unwrap();
    let _ = Command::new("chattr").arg("-i").arg(&locked).output();
    let _ = std::fs::remove_dir_all(&dir);
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains(&format!("raftsim run: {l}: ")), "{err}");
    assert!(
        out.contains(&format!("{l}: the golden log could not be written: ")),
        "{out}"
    );
    assert!(out.contains(&format!("{l}: FAILED (")), "{out}");
    assert!(out.contains(&format!("{w}: golden log updated")), "{out}");
    assert!(
        out.contains(&format!("{w}: ok (3 expectations checked)")),
        "{out}"
    );
    assert_eq!(rewritten, src, "the file after it was rewritten");
}

#[test]
fn golden_blank_lines_at_the_end_of_the_file_are_ignored() {
    let dir = temp_dir("golden");
    let file = dir.join("trailing.txt");
    let src = std::fs::read_to_string(scenario("reference-election.txt")).unwrap();
    std::fs::write(&file, format!("{src}\n\n")).expect("the scenario is written");
    let o = raftsim(&["run", "--quiet", &file.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains(": ok (3 expectations checked)"), "{out}");
}

#[test]
fn out_that_is_a_plain_file_is_refused_as_not_a_directory() {
    let dir = temp_dir("out");
    let plain = dir.join("afile");
    std::fs::write(&plain, "").expect("a plain file");
    let plain = plain.to_string_lossy().into_owned();
    let file = scenario("reference-election.txt");
    assert_refused(
        &["run", &file, "--format", "fabric", "--out", &plain],
        &format!("--out {plain} is not a directory"),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A reader that stops early (`raftsim fuzz --seed 5 --log | head -1`) closes the pipe; the
/// next write fails with a broken pipe, which must end raftsim quietly with status 0.
#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    let runs: [&[&str]; 3] = [
        &["fuzz", "--seed", "5", "--log"],
        &["run", &scenario("reference-election.txt")],
        &["bench", "--workload", "replicate", "--entries", "10"],
    ];
    for args in runs {
        // Closed before anything is read: every write fails.
        let mut child = Command::new(env!("CARGO_BIN_EXE_raftsim"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("raftsim starts");
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("raftsim ends");
        assert!(o.status.success(), "{args:?}: {:?}", o.status);
        assert_eq!(text(&o.stderr), "", "{args:?}");
    }
    // Closed after the first line, as `head -1` does.
    let mut child = Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(["fuzz", "--seed", "5", "--log"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("raftsim starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut first)
        .expect("a first line");
    assert!(first.starts_with("seed 5: "), "{first}");
    let o = child.wait_with_output().expect("raftsim ends");
    assert!(o.status.success(), "{:?}", o.status);
    assert_eq!(text(&o.stderr), "");
}

#[test]
fn run_prints_a_diagram_instead_of_the_event_log() {
    let file = scenario("reference-election.txt");
    let o = raftsim(&["run", &file, "--mermaid"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("sequenceDiagram\n"), "{out}");
    assert!(out.contains("    N3->>N1: MsgVote t2\n"), "{out}");
    assert!(!out.contains("became"), "the event log leaked into {out}");

    let o = raftsim(&["run", &file, "--svg"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("<?xml"), "{out}");
    assert!(out.trim_end().ends_with("</svg>"), "{out}");
    assert_eq!(text(&o.stderr), "");

    // A window: the election's first 10 ms hold only the pre-vote requests.
    let o = raftsim(&["run", &file, "--mermaid", "--from", "0", "--to", "10"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let arrows: Vec<String> = text(&o.stdout)
        .lines()
        .filter(|l| l.contains("->>"))
        .map(str::to_string)
        .collect();
    assert_eq!(arrows.len(), 4, "{arrows:?}");
    assert!(
        arrows.iter().all(|l| l.contains("MsgPreVote t2")),
        "{arrows:?}"
    );
}

#[test]
fn a_diagram_of_a_failing_scenario_still_fails() {
    let dir = std::env::temp_dir().join(format!("raftsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("fails.txt");
    std::fs::write(
        &file,
        "nodes 3\ncampaign 1\nstabilize\nexpect leader == 2\n",
    )
    .expect("the scenario is written");
    let file = file.to_string_lossy().into_owned();
    let o = raftsim(&["run", &file, "--mermaid"]);
    let _ = std::fs::remove_dir_all(&dir);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(text(&o.stdout).starts_with("sequenceDiagram\n"));
    assert!(err.contains("expectation failed"), "{err}");
}

#[test]
fn diagram_options_that_do_not_fit_are_refused() {
    let file = scenario("reference-election.txt");
    assert_refused(&["run", &file, &file, "--svg"], "one scenario file");
    assert_refused(&["run", &file, "--svg", "--update"], "--update");
    assert_refused(&["run", &file, "--from", "5"], "--from");
    assert_refused(
        &["run", &file, "--svg", "--from", "9", "--to", "9"],
        "--from 9",
    );
    assert_refused(&["run", &file, "--svg", "--to", "soon"], "soon");
    // One picture at a time, as import has it; the same one twice is one.
    assert_refused(&["run", &file, "--mermaid", "--svg"], "one at a time");
    assert_refused(&["run", &file, "--svg", "--mermaid"], "one at a time");
    assert!(raftsim(&["run", &file, "--svg", "--svg"]).status.success());
    // Without --to the window ends with the run (147 ms): a start past it is refused.
    assert_refused(
        &["run", &file, "--svg", "--from", "999999"],
        "--from 999999 is past the end of the run (147 ms)",
    );
    assert_refused(&["run", &file, "--mermaid", "--from", "148"], "(147 ms)");
    // With --to too: a window wholly after the end would be a blank picture.
    assert_refused(
        &["run", &file, "--svg", "--from", "90000", "--to", "95000"],
        "--from 90000 is past the end of the run (147 ms)",
    );
    assert!(raftsim(&["run", &file, "--svg", "--from", "147"])
        .status
        .success());
    assert_refused(
        &["import", &etcd_log(), "--svg", "--from", "999999999"],
        "--from 999999999 is past the end of the logs",
    );
}

#[test]
fn run_why_follows_each_decision_with_its_rule() {
    let o = raftsim(&["run", &scenario("reference-election.txt"), "--why"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains(
        "1 [logterm: 1, index: 5, vote: 0] cast MsgVote for 3 [logterm: 1, index: 5] at term 2 — one vote per term: no vote cast yet in term 2, and candidate's log [logterm 1, index 5] is at least as up-to-date as mine [logterm 1, index 5] (§5.2, §5.4.1)\n"
    ), "{out}");
    // Without --why the same line ends at etcd's words.
    let plain = text(&raftsim(&["run", &scenario("reference-election.txt")]).stdout);
    assert!(plain.contains("cast MsgVote for 3 [logterm: 1, index: 5] at term 2\n"));
    assert!(!plain.contains(" — "));
    assert_refused(
        &["run", &scenario("reference-election.txt"), "--why", "--svg"],
        "--why",
    );
}

#[test]
fn compare_prints_where_a_changed_setting_first_matters() {
    let o = raftsim(&[
        "compare",
        &scenario("old-leader-returns.txt"),
        "--set",
        "prevote off",
    ]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("right: "), "{out}");
    assert!(out.ends_with(
        "the runs part at 0.000000 s (log line 13):\n  left:  3 became pre-candidate at term 0\n  right: 3 became candidate at term 1\n"
    ), "{out}");
    // No difference: exit status 1 and says so.
    let o = raftsim(&[
        "compare",
        &scenario("reference-election.txt"),
        "--set",
        "loss 0",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("the runs never part"));
    assert_refused(
        &[
            "compare",
            &scenario("reference-election.txt"),
            "--set",
            "crash 1",
        ],
        "is not a setting",
    );
    assert_refused(&["compare", &scenario("reference-election.txt")], "--set");
}

/// With `manual on` node 3 campaigns at once instead of when its timer runs out: the runs
/// part at the same pre-vote cast at two moments, and each side's time tells them apart.
#[test]
fn compare_gives_each_side_its_time_when_the_lines_differ_only_in_time() {
    let file = scenario("reference-election.txt");
    let o = raftsim(&["compare", &file, "--set", "manual on"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let vote = "2 [logterm: 1, index: 5, vote: 0] cast MsgPreVote for 3";
    assert!(
        out.contains(&format!(
            "the runs part at 0.000000 s (log line 19):\n  left:  at 0.012462 s: {vote}"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("\n  right: at 0.000000 s: {vote}")),
        "{out}"
    );
}

#[test]
fn import_tells_the_story_of_a_real_log_and_lists_what_it_cannot_read() {
    let log = etcd_log();
    let o = raftsim(&["import", &log]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(
        out,
        "nodes: 1, 2, 3, 4, 5 · lines read: 23 · not read: 0\nterm 2: leader 3\n  3 asked for a pre-vote for term 2 (quorum 3): granted by 5, 2; won the pre-vote\n  3 asked for a vote in term 2 (quorum 3): granted by 4, 5; won\n"
    );
    let dir = std::env::temp_dir().join(format!("raftsim-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.log");
    std::fs::write(&bad, "hello\n3 became leader at term 2\n").unwrap();
    let o = raftsim(&["import", bad.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(
        out.contains("bad.log:1: not read: not a raft message this reads: hello\n"),
        "{out}"
    );
    assert!(out.contains("term 2: leader 3\n"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
    assert_refused(&["import"], "log file");
}

#[test]
fn import_reads_a_gzip_log_as_it_is_and_names_a_binary_or_a_damaged_gzip() {
    use std::io::Write;
    let log = etcd_log();
    let plain = raftsim(&["import", &log]);
    let dir = std::env::temp_dir().join(format!("raftsim-gzip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Named .log, not .gz: a gzip is told by its bytes.
    let gz = dir.join("rotated.log");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&std::fs::read(&log).unwrap()).unwrap();
    let zipped = e.finish().unwrap();
    std::fs::write(&gz, &zipped).unwrap();
    let o = raftsim(&["import", gz.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        text(&plain.stdout),
        "the same story as the plain file"
    );
    // A binary is named once, not read as lines of noise; the other file is read.
    let bin = dir.join("core.bin");
    std::fs::write(
        &bin,
        [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, b'\n', b'x'],
    )
    .unwrap();
    let o = raftsim(&["import", bin.to_str().unwrap(), &log]);
    let out = text(&o.stdout);
    assert!(
        out.starts_with("nodes: 1, 2, 3, 4, 5 · lines read: 23 · not read: 0\n"),
        "{out}"
    );
    assert!(
        out.contains("core.bin: not read: not a text log: it holds NUL bytes"),
        "{out}"
    );
    // A damaged gzip is named and skipped, the other file read; the exit status says a
    // file was not read.
    let bad = dir.join("bad.log.gz");
    std::fs::write(&bad, &zipped[..zipped.len() / 2]).unwrap();
    let o = raftsim(&["import", bad.to_str().unwrap(), &log]);
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert_eq!(out, text(&plain.stdout), "the good file is read");
    assert!(
        err.contains("bad.log.gz: not read: its gzip data is damaged"),
        "{err}"
    );
    // A gzip of several members (`gzip -c b >> a.gz`) is read whole.
    let multi = dir.join("multi.log.gz");
    let half = std::fs::read(&log).unwrap();
    let cut = half.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut bytes = Vec::new();
    for part in [&half[..cut], &half[cut..]] {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(part).unwrap();
        bytes.extend(e.finish().unwrap());
    }
    std::fs::write(&multi, &bytes).unwrap();
    let o = raftsim(&["import", multi.to_str().unwrap()]);
    assert_eq!(text(&o.stdout), text(&plain.stdout));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn import_says_a_file_is_empty_a_channel_is_not_there_and_reads_stdin() {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("raftsim-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ws = dir.join("ws.log");
    std::fs::write(&ws, " \n\t\n").unwrap();
    let o = raftsim(&["import", ws.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("ws.log: empty: nothing to read"),
        "{}",
        text(&o.stderr)
    );
    let fab = dir.join("fab.log");
    std::fs::write(
        &fab,
        "2019-08-30 10:05:41.123 UTC [orderer.consensus.etcdraft] becomeLeader -> INFO 048 3 became leader at term 2 channel=mychannel node=3\n",
    )
    .unwrap();
    let o = raftsim(&["import", fab.to_str().unwrap(), "--channel", "nosuch"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("no line names channel nosuch: the channels seen are mychannel"),
        "{}",
        text(&o.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
    // `-` is standard input.
    let log = std::fs::read(etcd_log()).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(&log).unwrap();
    let o = c.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("nodes: 1, 2, 3, 4, 5 · lines read: 23 · not read: 0\n"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn a_run_written_as_fabric_and_etcd_logs_imports_back() {
    let dir = std::env::temp_dir().join(format!("raftsim-format-{}", std::process::id()));
    for format in ["fabric", "etcd-json"] {
        let d = dir.join(format);
        let o = raftsim(&[
            "run",
            &scenario("reference-election.txt"),
            "--format",
            format,
            "--out",
            d.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let mut logs: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        logs.sort();
        assert_eq!(logs.len(), 5, "one log per node");
        let mut args = vec!["import"];
        args.extend(logs.iter().map(String::as_str));
        let out = text(&raftsim(&args).stdout);
        assert!(
            out.starts_with("nodes: 1, 2, 3, 4, 5 · lines read: "),
            "{out}"
        );
        assert!(out.contains("· not read: 0\nterm 2: leader 3\n"), "{out}");
    }
    std::fs::remove_dir_all(&dir).ok();
    assert_refused(
        &[
            "run",
            &scenario("reference-election.txt"),
            "--format",
            "xml",
            "--out",
            "/tmp/x",
        ],
        "--format",
    );
    assert_refused(
        &[
            "run",
            &scenario("reference-election.txt"),
            "--format",
            "fabric",
        ],
        "go together",
    );
}

#[test]
fn import_prints_one_form_of_a_runs_logs_the_scenario_the_diagram_or_the_metrics() {
    let dir = std::env::temp_dir().join(format!("raftsim-forms-{}", std::process::id()));
    let o = raftsim(&[
        "run",
        &scenario("old-leader-returns.txt"),
        "--format",
        "fabric",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut logs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    logs.sort();
    let import = |extra: &[&str]| {
        let mut args = vec!["import"];
        args.extend(logs.iter().map(String::as_str));
        args.extend(extra);
        raftsim(&args)
    };
    // The summary, by default and by name.
    let summary = text(&import(&[]).stdout);
    assert_eq!(summary, text(&import(&["--summary"]).stdout));
    assert!(summary.contains("term 2: leader 5\n"), "{summary}");
    assert!(
        summary.contains("3's log kept it from winning: "),
        "{summary}"
    );
    // A scenario that runs, and elects the same leaders.
    let o = import(&["--scenario"]);
    let replay = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(replay.contains("\nnodes 5\nprevote on\n"), "{replay}");
    let file = dir.join("replay.txt");
    std::fs::write(&file, &replay).unwrap();
    let o = raftsim(&["run", file.to_str().unwrap(), "--time"]);
    let log = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{log}{}", text(&o.stderr));
    assert!(log.contains("3 became leader at term 1"), "{log}");
    assert!(log.contains("5 became leader at term 2"), "{log}");
    // The diagram, whole and in a window.
    let svg = text(&import(&["--svg"]).stdout);
    assert!(svg.contains("<svg ") && svg.contains("MsgVote"), "{svg}");
    let mermaid = text(&import(&["--mermaid", "--from", "0", "--to", "300"]).stdout);
    assert!(mermaid.starts_with("sequenceDiagram\n"), "{mermaid}");
    assert!(mermaid.contains("N3->>N1: MsgVote t1\n"), "{mermaid}");
    assert!(!mermaid.contains("MsgVote t2"), "a window: {mermaid}");
    // Fabric's metrics.
    let metrics = text(&import(&["--metrics"]).stdout);
    assert!(
        metrics.contains("consensus_etcdraft_is_leader{node=\"5\"} 0.000=0 "),
        "{metrics}"
    );
    assert!(
        metrics.contains("consensus_etcdraft_leader_changes{node=\"1\"} "),
        "{metrics}"
    );
    let log0 = logs[0].as_str();
    assert_refused(&["import", log0, "--svg", "--metrics"], "one at a time");
    assert_refused(&["import", log0, "--from", "5"], "--from and --to");
    assert_refused(
        &["import", log0, "--svg", "--from", "5", "--to", "5"],
        "before",
    );
    assert_refused(&["import", log0, "--pdf"], "--pdf");
    std::fs::remove_dir_all(&dir).ok();
}
