//! raftsim: run scenario files, fuzz the core with random fault schedules, benchmark it.
//!
//!   raftsim run FILE... [--time] [--why] [--update] [--quiet]   print a scenario's event log (check its expects)
//!   raftsim run FILE --mermaid|--svg [--from MS] [--to MS]  print its space-time diagram
//!   raftsim compare FILE --set SETTINGS [--at MS]        where a changed setting first matters
//!   raftsim import FILE... [--channel C] [--decimal]      what a real cluster's logs say
//!       [--summary | --scenario | --mermaid | --svg | --metrics] [--from MS] [--to MS]
//!   raftsim fuzz [--seeds N] [--first S] [--seconds T] [--threads K]
//!   raftsim fuzz --seed S [--seconds T] [--log]
//!   raftsim bench [...]                                  throughput figures
//!
//! Arguments are parsed with lexopt (see Cargo.toml for why): an unknown option or a stray
//! argument is an error that names it (exit status 2). Output goes through one writer, and a
//! closed pipe ends the run quietly with status 0 (`raftsim fuzz --seed 5 --log | head`).

use lexopt::prelude::*;
use raft_bench::{parse_number, parse_with, parse_workload, CoreNode};
use raft_sim::compare::CompareError;
use raft_sim::diagram::{self, Window};
use raft_sim::fuzz::{self, FuzzOptions, FuzzOutcome};
use raft_sim::scenario::cli::{format_log, run_source, with_golden, Report};
use std::io::{self, Write};
use std::process::ExitCode;

const USAGE: &str = "usage:
  raftsim run FILE... [--time] [--why] [--update] [--quiet]
      run scenario files: print each one's event log and check its expect lines;
      with a golden section (after ----) compare the log to it (--update rewrites it;
      --time prefixes each line with its time; --why follows each decision with ` — `
      and the rule behind it; --quiet prints only failing files' logs); a file that
      cannot be read (missing, a directory, not UTF-8 text) fails as one that does not
      parse, the others still run, and the exit status is 1
  raftsim run FILE --format fabric|etcd-json --out DIR
      run one scenario file and write each node's log as a real cluster writes it
      (Hyperledger Fabric's orderer lines, or etcd's zap JSON), DIR/node-N.log
  raftsim run FILE --mermaid|--svg [--from MS] [--to MS]
      run one scenario file and print its space-time diagram instead of the event log:
      Mermaid sequenceDiagram text or a standalone SVG picture (one of them), of the
      messages sent from MS (milliseconds; default the start) to before MS (default the
      end of the run; a --from past it is refused); failures go to stderr and still make
      the exit status 1
  raftsim compare FILE --set SETTINGS [--at MS]
      run a scenario as written and with SETTINGS in place of its own (settings lines,
      e.g. \"prevote off\" or \"nodes 7; loss 0.1\" with `;` between lines), and print
      where the two runs first part, each side's line with the rule behind it (and its
      time, when the two lines were logged at different times); with --at,
      the runs are one until MS milliseconds and the change is made there (prevote,
      checkquorum and the network's settings only); exit status 1 when the runs never
      part or the scenario cannot be read or parsed
  raftsim import FILE... [--channel C] [--decimal]
         [--summary | --scenario | --mermaid | --svg | --metrics] [--from MS] [--to MS]
      read a real cluster's logs (etcd's zap JSON or capnslog text, Hyperledger Fabric
      orderer logs, or bare etcd raft lines; one file per node, or mixed) and print, one
      form at a time:
      --summary (the default): each term's leader and how each campaign went, who
        granted, refused or ignored it and why, lost quorum, configuration changes, clock
        skew between the files; lines it cannot read are listed with their line numbers
      --scenario: a scenario that replays it in the simulator (raftsim run FILE)
      --mermaid, --svg: its space-time diagram, messages matched from the lines, of the
        messages sent from MS to before MS (milliseconds from the first line; a --from
        past the last line is refused)
      --metrics: Fabric's etcdraft metrics the lines tell (is_leader over time,
        leader_changes, active_nodes, committed_block_number)
      --channel keeps one channel of a Fabric network; --decimal reads node ids in
      decimal instead of etcd's hex; FILE `-` is standard input; a file that cannot be
      read (missing, damaged gzip) is named on stderr and skipped, the others read, and
      the exit status is 1
  raftsim fuzz [--seeds N] [--first S] [--seconds T] [--threads K]
      run N random fault schedules (seeds S..S+N) of T simulated seconds each with the
      safety checker on, then heal and check liveness; ends with `N seeds, V violations`
      [N 100, S 1, T 60, K the number of CPUs]
  raftsim fuzz --seed S [--seconds T] [--log]
      replay one seed and print what it did (with --log, its event log tail)
  raftsim bench [--workload elect|replicate|chaos|sim|all] [options]
      throughput figures (see raftsim bench --help)
Numbers are decimal or 0x-hex; `--name value` and `--name=value` both work.";

const BENCH_USAGE: &str = "\
usage: raftsim bench [options]
  --workload sim       the simulator's own speed under the fuzzer's fault mix, checker on
  --seeds N            sim: fuzz seeds to run, on one thread   [300]
  --seconds T          sim: simulated seconds per seed         [60]
The other workloads are the ones shared with raft-rs (`all` runs them and then sim):";

/// Why a command did not finish.
enum Failure {
    /// A bad command line: said on stderr, exit status 2.
    Usage(lexopt::Error),
    /// A file or folder named on the command line could not be written (`--update`,
    /// `--out`): said on stderr, exit status 2. (A scenario file that cannot be read is that
    /// file's failure, as a parse error is: see [`ReadError`].)
    File { path: String, error: io::Error },
    /// Writing the output failed; a closed pipe is not reported.
    Io(io::Error),
    /// Files could not be written, each already named on stderr: exit status 2.
    Said,
}

impl From<lexopt::Error> for Failure {
    fn from(e: lexopt::Error) -> Failure {
        Failure::Usage(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

/// Ok(false): the command ran and found a failure (exit status 1).
type Outcome = Result<bool, Failure>;

fn main() -> ExitCode {
    let mut parser = lexopt::Parser::from_env();
    let mut out = io::stdout().lock();
    let mut command = String::new();
    let result = (|| match parser.next()? {
        None | Some(Short('h') | Long("help")) => usage(&mut out, USAGE),
        Some(Value(word)) => {
            let word = word.string()?;
            let run: fn(&mut lexopt::Parser, &mut io::StdoutLock<'static>) -> Outcome = match word
                .as_str()
            {
                "run" => cmd_run,
                "compare" => cmd_compare,
                "import" => cmd_import,
                "fuzz" => cmd_fuzz,
                "bench" => cmd_bench,
                "help" => |_, out| usage(out, USAGE),
                other => {
                    let e =
                        format!("unknown command {other:?} (run, compare, import, fuzz or bench)");
                    return Err(Failure::Usage(e.into()));
                }
            };
            command = word;
            run(&mut parser, &mut out)
        }
        Some(arg) => Err(Failure::Usage(arg.unexpected())),
    })();
    let result = result.and_then(|ok| {
        out.flush()?;
        Ok(ok)
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(Failure::Usage(e)) => {
            let context = if command.is_empty() {
                String::new()
            } else {
                format!(" {command}")
            };
            eprintln!(
                "raftsim{context}: {e}\n(raftsim --help lists the commands and their options)"
            );
            ExitCode::from(2)
        }
        Err(Failure::File { path, error }) => {
            eprintln!("raftsim {command}: {path}: {error}");
            ExitCode::from(2)
        }
        Err(Failure::Said) => ExitCode::from(2),
        // The reader has all it wanted (`| head`): not an error.
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            eprintln!("raftsim: writing the output: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(out: &mut impl Write, text: &str) -> Outcome {
    writeln!(out, "{text}")?;
    Ok(true)
}

/// Which picture `raftsim run --mermaid|--svg` prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Picture {
    Mermaid,
    Svg,
}

/// `picture` chosen after `earlier`: the same one twice is fine, two different ones are
/// refused (as `raftsim import` refuses them) rather than the last silently winning.
fn one_picture(earlier: Option<Picture>, picture: Picture) -> Result<Picture, Failure> {
    match earlier {
        Some(e) if e != picture => Err(Failure::Usage("--mermaid and --svg: one at a time".into())),
        _ => Ok(picture),
    }
}

/// Why a scenario file gave no text to run. It is that file's failure, told as a parse
/// error is (`FILE: ...`, exit status 1), and the other files named still run.
#[derive(Debug)]
enum ReadError {
    /// Missing, a directory, not allowed, ...
    Io(io::Error),
    /// The first byte that is not UTF-8, where an editor shows it (1-based; the column
    /// counts characters).
    NotUtf8 {
        line: usize,
        column: usize,
        byte: u8,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "not read: {e}"),
            ReadError::NotUtf8 { line, column, byte } => write!(
                f,
                "line {line}, column {column}: not UTF-8 text (the byte 0x{byte:02x}); a scenario file is read as UTF-8"
            ),
        }
    }
}

/// A scenario file's text.
fn read_scenario(path: &str) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(ReadError::Io)?;
    utf8(bytes)
}

/// `bytes` as text, or where the first byte that is not UTF-8 stands: the standard
/// library's own error names neither the line nor the byte.
fn utf8(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let good = &bytes[..e.utf8_error().valid_up_to()];
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1);
        // The prefix is valid UTF-8, so its characters can be counted.
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        ReadError::NotUtf8 {
            line: good.iter().filter(|&&b| b == b'\n').count() + 1,
            column,
            byte: bytes[good.len()],
        }
    })
}

/// A file's report when it could not be read: its one error, as a parse error would be.
fn unread(e: &ReadError) -> Report {
    Report {
        errors: vec![e.to_string()],
        ..Report::default()
    }
}

/// `raftsim run FILE... [--time] [--why] [--update] [--quiet]`, or
/// `raftsim run FILE --mermaid|--svg [--from MS] [--to MS]`
fn cmd_run(parser: &mut lexopt::Parser, out: &mut impl Write) -> Outcome {
    let (mut time, mut update, mut quiet, mut why) = (false, false, false, false);
    let (mut picture, mut from, mut to) = (None, None, None);
    let (mut format, mut out_dir) = (None, None);
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("time") => time = true,
            Long("update") => update = true,
            Long("quiet") => quiet = true,
            Long("why") => why = true,
            Long("mermaid") => picture = Some(one_picture(picture, Picture::Mermaid)?),
            Long("svg") => picture = Some(one_picture(picture, Picture::Svg)?),
            Long("from") => from = Some(parse_number("--from", parser.value()?)?),
            Long("to") => to = Some(parse_number("--to", parser.value()?)?),
            Long("format") => {
                let name = parser.value()?.string()?;
                let f = raft_sim::import::write::Format::from_name(&name).ok_or_else(|| {
                    Failure::Usage(
                        format!("--format {name:?}: expected fabric or etcd-json").into(),
                    )
                })?;
                format = Some(f);
            }
            Long("out") => out_dir = Some(parser.value()?.string()?),
            Short('h') | Long("help") => return usage(out, USAGE),
            Value(file) => files.push(file.string()?),
            _ => return Err(arg.unexpected().into()),
        }
    }
    if files.is_empty() {
        return Err(Failure::Usage("needs a scenario file".into()));
    }
    match (format, out_dir) {
        (Some(format), Some(dir)) => {
            if files.len() > 1 || picture.is_some() || time || update || quiet || why {
                return Err(Failure::Usage(
                    "--format and --out take one scenario file and nothing else".into(),
                ));
            }
            return write_node_logs(out, &files[0], format, &dir);
        }
        (None, None) => {}
        _ => return Err(Failure::Usage("--format and --out go together".into())),
    }
    let Some(picture) = picture else {
        if from.is_some() || to.is_some() {
            return Err(Failure::Usage(
                "--from and --to are for --mermaid and --svg".into(),
            ));
        }
        return run_logs(out, &files, time, update, quiet, why);
    };
    if files.len() > 1 {
        return Err(Failure::Usage(
            "--mermaid and --svg take one scenario file".into(),
        ));
    }
    if time || update || quiet || why {
        return Err(Failure::Usage(
            "--time, --why, --update and --quiet are for the event log, not --mermaid or --svg"
                .into(),
        ));
    }
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t {
            return Err(Failure::Usage(
                format!("--from {f} must be before --to {t}").into(),
            ));
        }
    }
    run_picture(out, &files[0], picture, from, to)
}

/// Runs one scenario and writes each node's log in a real cluster's format into `dir`
/// (`node-N.log`); `raftsim import` reads them back.
fn write_node_logs(
    out: &mut impl Write,
    file: &str,
    format: raft_sim::import::write::Format,
    dir: &str,
) -> Outcome {
    // Said before the run, and in words: create_dir_all's own answer is "File exists".
    let path = std::path::Path::new(dir);
    if path.exists() && !path.is_dir() {
        return Err(Failure::Usage(
            format!("--out {dir} is not a directory").into(),
        ));
    }
    let report = run_one(file);
    let Some(cluster) = &report.cluster else {
        return Ok(false);
    };
    let dir_error = |error| Failure::File {
        path: dir.to_string(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(dir_error)?;
    for (node, log) in raft_sim::import::write::node_logs(cluster, format) {
        let path = std::path::Path::new(dir).join(format!("node-{node}.log"));
        std::fs::write(&path, &log).map_err(|error| Failure::File {
            path: path.display().to_string(),
            error,
        })?;
        writeln!(out, "{} ({} lines)", path.display(), log.lines().count())?;
    }
    Ok(report.ok())
}

/// Runs one scenario and prints its diagram; whatever failed goes to stderr, so that
/// stdout holds the picture alone.
fn run_picture(
    out: &mut impl Write,
    file: &str,
    picture: Picture,
    from_ms: Option<u64>,
    to_ms: Option<u64>,
) -> Outcome {
    let report = run_one(file);
    let Some(cluster) = &report.cluster else {
        return Ok(false);
    };
    let whole = Window::whole(cluster.history(), cluster.now());
    from_before_end(from_ms, cluster.now(), "the run")?;
    let window = Window {
        from: from_ms.map_or(whole.from, |ms| ms.saturating_mul(1000)),
        to: to_ms.map_or(whole.to, |ms| ms.saturating_mul(1000)),
    };
    let text = match picture {
        Picture::Mermaid => diagram::mermaid::render(cluster.history(), window),
        Picture::Svg => diagram::svg::render(cluster.history(), window),
    };
    out.write_all(text.as_bytes())?;
    Ok(report.ok())
}

/// `--from MS` past the end (`end_us`, of `what`) is an empty window whatever `--to` says
/// (without it, a picture that would read "from 999.999 s to 0.147 s"; with it, a blank one,
/// most likely seconds given for milliseconds): refused as `--from` after `--to` is, naming
/// where the end is.
fn from_before_end(from_ms: Option<u64>, end_us: u64, what: &str) -> Result<(), Failure> {
    match from_ms {
        Some(ms) if ms.saturating_mul(1000) > end_us => Err(Failure::Usage(
            format!(
                "--from {ms} is past the end of {what} ({} ms)",
                end_us / 1000
            )
            .into(),
        )),
        _ => Ok(()),
    }
}

/// Reads and runs one scenario file for an output other than its event log: what failed
/// (the file unread too) goes to stderr, so that stdout holds that output alone.
fn run_one(file: &str) -> Report {
    let report = match read_scenario(file) {
        Ok(src) => run_source(&src, false),
        Err(e) => unread(&e),
    };
    report_failures(file, &report);
    report
}

/// A scenario's errors and golden difference, on stderr.
fn report_failures(file: &str, report: &Report) {
    for f in &report.errors {
        eprintln!("{file}: {f}");
    }
    if let Some(golden) = &report.golden_diff {
        eprintln!("{file}: the event log differs from the golden log after ----:\n{golden}");
    }
}

/// Runs scenario files and prints their event logs and verdicts.
fn run_logs(
    out: &mut impl Write,
    files: &[String],
    time: bool,
    update: bool,
    quiet: bool,
    why: bool,
) -> Outcome {
    let mut all_ok = true;
    // A golden log that could not be written (`--update`): said on stderr at once, and the
    // next files still run; the command then ends with exit status 2.
    let mut unwritten = false;
    for file in files {
        // An unreadable file fails as one that does not parse, and the next files still run.
        let (src, report) = match read_scenario(file) {
            Ok(src) => {
                let report = run_source(&src, time);
                (src, report)
            }
            Err(e) => (String::new(), unread(&e)),
        };
        if !quiet || !report.ok() {
            let explained = match (&report.cluster, why) {
                (Some(cluster), true) => Some(format_log(cluster, time, true)),
                _ => None,
            };
            for l in explained.as_ref().unwrap_or(&report.log) {
                writeln!(out, "{l}")?;
            }
        }
        for f in &report.errors {
            writeln!(out, "{file}: {f}")?;
        }
        let mut golden_ok = report.golden_diff.is_none();
        if let Some(golden) = &report.golden_diff {
            if update {
                match std::fs::write(file, with_golden(&src, &report.log)) {
                    Ok(()) => {
                        writeln!(out, "{file}: golden log updated")?;
                        golden_ok = true;
                    }
                    Err(error) => {
                        writeln!(out, "{file}: the golden log could not be written: {error}")?;
                        eprintln!("raftsim run: {file}: {error}");
                        unwritten = true;
                    }
                }
            } else {
                writeln!(
                    out,
                    "{file}: the event log differs from the golden log after ----:\n{golden}"
                )?;
            }
        }
        all_ok &= report.errors.is_empty();
        all_ok &= golden_ok;
        let verdict = if report.errors.is_empty() && golden_ok {
            "ok"
        } else {
            "FAILED"
        };
        writeln!(
            out,
            "{file}: {verdict} ({} expectations checked)",
            report.expectations
        )?;
    }
    if unwritten {
        return Err(Failure::Said);
    }
    Ok(all_ok)
}

/// `raftsim compare FILE --set SETTINGS [--at MS]`: the scenario as written (left) and changed (right),
/// and the first line where their logs part. Exit status 0 when they part, 1 when they never
/// do (the change made no difference) or the scenario cannot be read or parsed.
fn cmd_compare(parser: &mut lexopt::Parser, out: &mut impl Write) -> Outcome {
    let (mut file, mut change, mut at) = (None, None, None);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("set") => change = Some(parser.value()?.string()?),
            Long("at") => at = Some(parse_number("--at", parser.value()?)?),
            Short('h') | Long("help") => return usage(out, USAGE),
            Value(v) if file.is_none() => file = Some(v.string()?),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let (Some(file), Some(change)) = (file, change) else {
        return Err(Failure::Usage(
            "needs a scenario file and --set SETTINGS".into(),
        ));
    };
    // A scenario that cannot be read or parsed fails as `raftsim run` fails it (exit status
    // 1); a change that is not one is a bad command line (2).
    let src = match read_scenario(&file) {
        Ok(src) => src,
        Err(e) => {
            eprintln!("{file}: {e}");
            return Ok(false);
        }
    };
    let at_us = at.map(|ms: u64| ms.saturating_mul(1000));
    let c = match raft_sim::compare::compare_source(&src, &change, at_us) {
        Ok(c) => c,
        Err(e @ CompareError::Scenario(_)) => {
            eprintln!("{file}: {e}");
            return Ok(false);
        }
        Err(e) => return Err(Failure::Usage(format!("{file}: {e}").into())),
    };
    writeln!(out, "left:  {file} as written")?;
    match at {
        Some(ms) => writeln!(
            out,
            "right: {file} with `{}` from {ms} ms on",
            change.trim()
        )?,
        None => writeln!(out, "right: {file} with `{}`", change.trim())?,
    }
    for (side, report) in [("left", &c.left), ("right", &c.right)] {
        for e in &report.errors {
            writeln!(out, "{side}: {e}")?;
        }
    }
    match &c.divergence {
        Some(d) => writeln!(out, "{d}")?,
        None => writeln!(out, "the runs never part: the change made no difference")?,
    }
    Ok(c.divergence.is_some())
}

/// A log file's bytes, decompressed when it is gzip (a rotated log: `*.log.gz`), told by
/// its first two bytes rather than its name.
/// `-` is standard input.
fn read_log(path: &str) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let bytes = if path == "-" {
        let mut b = Vec::new();
        io::stdin().lock().read_to_end(&mut b)?;
        b
    } else {
        std::fs::read(path)?
    };
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_end(&mut text)
        .map_err(|e| io::Error::new(e.kind(), format!("its gzip data is damaged ({e})")))?;
    Ok(text)
}

/// What `raftsim import` prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ImportForm {
    Summary,
    Scenario,
    Mermaid,
    Svg,
    Metrics,
}

/// `raftsim import FILE... [--channel C] [--decimal] [--summary | --scenario | --mermaid |
/// --svg | --metrics] [--from MS] [--to MS]`: the story of a real cluster's logs, in one
/// form. A file that cannot be read (missing, or its gzip data damaged) is named on stderr
/// and skipped, the others read. Exit status 0 when some line was read (and the form could
/// be made) and every file could be read, 1 when not.
fn cmd_import(parser: &mut lexopt::Parser, out: &mut impl Write) -> Outcome {
    use raft_sim::import::{raft_line::Ids, reader::Reader};
    let (mut files, mut channel, mut ids) = (Vec::new(), None, Ids::Hex);
    let (mut form, mut from, mut to) = (None, None, None);
    while let Some(arg) = parser.next()? {
        let chosen = match arg {
            Long("channel") => {
                channel = Some(parser.value()?.string()?);
                None
            }
            Long("decimal") => {
                ids = Ids::Decimal;
                None
            }
            Long("summary") => Some(ImportForm::Summary),
            Long("scenario") => Some(ImportForm::Scenario),
            Long("mermaid") => Some(ImportForm::Mermaid),
            Long("svg") => Some(ImportForm::Svg),
            Long("metrics") => Some(ImportForm::Metrics),
            Long("from") => {
                from = Some(parse_number("--from", parser.value()?)?);
                None
            }
            Long("to") => {
                to = Some(parse_number("--to", parser.value()?)?);
                None
            }
            Short('h') | Long("help") => return usage(out, USAGE),
            Value(v) => {
                files.push(v.string()?);
                None
            }
            _ => return Err(arg.unexpected().into()),
        };
        if let Some(f) = chosen {
            if form.is_some_and(|g| g != f) {
                return Err(Failure::Usage(
                    "--summary, --scenario, --mermaid, --svg and --metrics: one at a time".into(),
                ));
            }
            form = Some(f);
        }
    }
    let form = form.unwrap_or(ImportForm::Summary);
    if files.is_empty() {
        return Err(Failure::Usage("needs a log file".into()));
    }
    let picture = matches!(form, ImportForm::Mermaid | ImportForm::Svg);
    if (from.is_some() || to.is_some()) && !picture {
        return Err(Failure::Usage(
            "--from and --to are for --mermaid and --svg".into(),
        ));
    }
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t {
            return Err(Failure::Usage(
                format!("--from {f} must be before --to {t}").into(),
            ));
        }
    }
    // One file in memory at a time: the reader keeps the events, not the text.
    let mut reader = Reader::new(channel.as_deref(), ids);
    // The inputs' names, in the reader's order (`-`, standard input, is named `stdin`).
    let mut names = Vec::new();
    let mut all_read = true;
    for f in &files {
        let name = if f == "-" { "stdin" } else { f.as_str() };
        let bytes = match read_log(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("raftsim import: {name}: not read: {e}");
                all_read = false;
                continue;
            }
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            eprintln!("raftsim import: {name}: empty: nothing to read");
        }
        let k = reader.add_input(name);
        names.push(name.to_string());
        // A log may hold bytes that are not UTF-8 (a binary payload logged whole). (`k`
        // was just handed out: the push cannot fail.)
        let _ = reader.push(k, &String::from_utf8_lossy(&bytes));
    }
    let files = names;
    let s = reader.finish();
    let read = !s.read.is_empty() && all_read;
    if let Some(c) = &channel {
        if !s.channels.contains(c) {
            let seen: Vec<&str> = s.channels.iter().map(String::as_str).collect();
            if seen.is_empty() {
                eprintln!("raftsim import: no line names channel {c}: the lines name no channel");
            } else {
                eprintln!(
                    "raftsim import: no line names channel {c}: the channels seen are {}",
                    seen.join(", ")
                );
            }
        }
    }
    match form {
        ImportForm::Summary => {
            write!(out, "{}", s.summary())?;
            for k in &s.skipped {
                writeln!(out, "{}:{}: not read: {}", files[k.input], k.line, k.why)?;
            }
        }
        ImportForm::Scenario => match s.scenario() {
            Ok(text) => write!(out, "{text}")?,
            Err(e) => {
                eprintln!("no scenario: {e}");
                return Ok(false);
            }
        },
        ImportForm::Metrics => write!(out, "{}", s.metrics().text())?,
        ImportForm::Mermaid | ImportForm::Svg => {
            let imported = s.history();
            from_before_end(from, imported.end, "the logs")?;
            let window = Window {
                from: from.map_or(0, |ms| ms.saturating_mul(1000)),
                to: to.map_or(imported.end.saturating_add(1), |ms| ms.saturating_mul(1000)),
            };
            let text = if form == ImportForm::Svg {
                diagram::svg::render(&imported.history, window)
            } else {
                diagram::mermaid::render(&imported.history, window)
            };
            out.write_all(text.as_bytes())?;
        }
    }
    if form != ImportForm::Summary && !s.skipped.is_empty() {
        eprintln!("{} lines not read (--summary lists them)", s.skipped.len());
    }
    if s.read.is_empty() && (!s.skipped.is_empty() || s.other_lines > 0) {
        eprintln!(
            "raftsim import: no raft line read ({} line{} not recognised, {} of other components): are these an etcd member's or a Fabric orderer's logs?{}",
            s.skipped.len(),
            if s.skipped.len() == 1 { "" } else { "s" },
            s.other_lines,
            if ids == Ids::Decimal {
                " (--decimal reads node ids as decimal; etcd writes them in hex)"
            } else {
                ""
            }
        );
    }
    Ok(read)
}

/// What `raftsim fuzz` was asked for.
struct FuzzArgs {
    seeds: Option<u64>,
    first: Option<u64>,
    threads: Option<u64>,
    seconds: u64,
    seed: Option<u64>,
    log: bool,
}

fn fuzz_args(parser: &mut lexopt::Parser) -> Result<Option<FuzzArgs>, lexopt::Error> {
    let mut a = FuzzArgs {
        seeds: None,
        first: None,
        threads: None,
        seconds: 60,
        seed: None,
        log: false,
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("seeds") => a.seeds = Some(parse_number("--seeds", parser.value()?)?),
            Long("first") => a.first = Some(parse_number("--first", parser.value()?)?),
            Long("threads") => a.threads = Some(parse_number("--threads", parser.value()?)?),
            Long("seconds") => a.seconds = parse_number("--seconds", parser.value()?)?,
            Long("seed") => a.seed = Some(parse_number("--seed", parser.value()?)?),
            Long("log") => a.log = true,
            Short('h') | Long("help") => return Ok(None),
            _ => return Err(arg.unexpected()),
        }
    }
    if a.seconds == 0 {
        return Err("--seconds must be at least 1".into());
    }
    let many = a.seeds.is_some() || a.first.is_some() || a.threads.is_some();
    if a.seed.is_some() && many {
        return Err("--seed replays one seed: --seeds, --first and --threads do not apply".into());
    }
    if a.log && a.seed.is_none() {
        return Err("--log prints one seed's events: it needs --seed".into());
    }
    Ok(Some(a))
}

fn cmd_fuzz(parser: &mut lexopt::Parser, out: &mut impl Write) -> Outcome {
    let Some(a) = fuzz_args(parser)? else {
        return usage(out, USAGE);
    };
    let seconds = a.seconds;
    if let Some(seed) = a.seed {
        let opts = FuzzOptions {
            seconds,
            record_events: a.log,
            ..FuzzOptions::default()
        };
        let o = fuzz::run_seed(seed, &opts);
        describe(out, &o, seconds)?;
        for (t, c) in &o.commands {
            writeln!(out, "  at {}s {c}", *t as f64 / 1e6)?;
        }
        if a.log {
            writeln!(out, "last events:")?;
            for line in o.cluster.trace().lines() {
                writeln!(out, "  [{:>10.6}s] {line}", line.time as f64 / 1e6)?;
            }
        }
        return Ok(!o.failed());
    }
    let seeds = a.seeds.unwrap_or(100);
    let first = a.first.unwrap_or(1);
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get() as u64));
    let opts = FuzzOptions {
        seconds,
        ..FuzzOptions::default()
    };
    let started = std::time::Instant::now();
    // Seeds are independent: split them over threads, each thread a contiguous block, and
    // report in seed order so the output does not depend on scheduling.
    let threads = threads.clamp(1, 64).min(seeds.max(1));
    let per = seeds.div_ceil(threads);
    let results: Vec<(Vec<FuzzOutcome>, u64, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let lo = first + k * per;
                let count = per.min((first + seeds).saturating_sub(lo));
                let opts = opts.clone();
                s.spawn(move || {
                    let mut sim_us = 0;
                    let mut msgs = 0;
                    let failures = fuzz::run_many(lo, count, &opts, |o| {
                        sim_us += o.simulated_us;
                        msgs += o.deliveries;
                    });
                    (failures, sim_us, msgs)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("fuzz thread"))
            .collect()
    });
    let mut violations = 0;
    let mut liveness = 0;
    let mut sim_us = 0;
    let mut msgs = 0;
    for (failures, us, m) in &results {
        sim_us += us;
        msgs += m;
        for o in failures {
            describe(out, o, seconds)?;
            if o.violation.is_some() {
                violations += 1;
            } else {
                liveness += 1;
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "fuzz: {seeds} seeds x {seconds}s of faults in {wall:.1}s wall ({:.0} simulated s per wall s, {msgs} messages delivered)",
        sim_us as f64 / 1e6 / wall
    )?;
    writeln!(
        out,
        "liveness: {} of {seeds} seeds converged after healing",
        seeds - liveness
    )?;
    writeln!(out, "{seeds} seeds, {violations} violations")?;
    Ok(violations == 0 && liveness == 0)
}

fn describe(out: &mut impl Write, o: &FuzzOutcome, seconds: u64) -> io::Result<()> {
    let c = &o.config;
    let status = match (&o.violation, &o.liveness) {
        (Some(v), _) => format!("VIOLATION {v}"),
        (None, Some(l)) => format!("LIVENESS {l}"),
        (None, None) => "ok".to_string(),
    };
    writeln!(
        out,
        "seed {}: {} nodes, prevote {}, checkquorum {}, snapshot-every {}: {status}",
        o.seed, c.nodes, c.pre_vote, c.check_quorum, c.snapshot_every
    )?;
    if o.failed() {
        writeln!(
            out,
            "  replay: raftsim fuzz --seed {} --seconds {seconds} --log",
            o.seed
        )?;
    }
    Ok(())
}

/// `raftsim bench`: the workloads shared with raft-rs (raft-bench), and `sim`, this binary's
/// own figure: how fast the simulator runs under the fuzzer's fault mix (checker on).
fn cmd_bench(parser: &mut lexopt::Parser, out: &mut impl Write) -> Outcome {
    let (mut sim_only, mut seeds, mut seconds) = (false, None, None);
    let opts = parse_with(parser, |name, p, o| {
        match name {
            "workload" => {
                let w = p.value()?;
                sim_only = w == "sim";
                if !sim_only {
                    o.workload = parse_workload(w)?;
                }
            }
            "seeds" => seeds = Some(parse_number("--seeds", p.value()?)?),
            "seconds" => seconds = Some(parse_number("--seconds", p.value()?)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    if opts.help {
        writeln!(out, "{BENCH_USAGE}\n{}", raft_bench::USAGE)?;
        return Ok(true);
    }
    let shared_given = raft_bench::Options {
        workload: "all".into(),
        ..opts.clone()
    } != raft_bench::Options::default();
    if sim_only && shared_given {
        return Err(Failure::Usage(
            "--workload sim takes --seeds and --seconds only".into(),
        ));
    }
    let with_sim = sim_only || opts.workload == "all";
    if !with_sim && (seeds.is_some() || seconds.is_some()) {
        return Err(Failure::Usage(
            "--seeds and --seconds are for --workload sim (or all)".into(),
        ));
    }
    if !sim_only {
        raft_bench::run::<CoreNode, io::Error>(&opts, |line| writeln!(out, "{line}"))?;
    }
    if with_sim {
        bench_sim(out, seeds.unwrap_or(300), seconds.unwrap_or(60))?;
    }
    Ok(true)
}

/// Simulated seconds per wall second over fuzz seeds, on one thread.
fn bench_sim(out: &mut impl Write, seeds: u64, seconds: u64) -> io::Result<()> {
    let opts = FuzzOptions {
        seconds,
        ..FuzzOptions::default()
    };
    let started = std::time::Instant::now();
    let (mut sim_us, mut msgs, mut failed) = (0u64, 0u64, 0u64);
    fuzz::run_many(1, seeds, &opts, |o| {
        sim_us += o.simulated_us;
        msgs += o.deliveries;
        failed += o.failed() as u64;
    });
    let wall = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "sim fault-mix seeds={seeds} seconds={seconds} simulated_s={:.0} wall_s={wall:.2} sim_s_per_wall_s={:.0} msgs_delivered_per_s={:.0} checker=on failed_seeds={failed}",
        sim_us as f64 / 1e6,
        sim_us as f64 / 1e6 / wall,
        msgs as f64 / wall
    )
}
