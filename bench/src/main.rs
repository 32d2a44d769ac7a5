//! `raft-compare --impl raft-rs|raft-core [options]`: runs the shared workloads for one
//! implementation and prints one result line per run. The workloads, the network and the
//! checks are the `raft-bench` crate's; this binary only adds the raft-rs adapter, so both
//! implementations are driven by the very same code. Run one implementation per process, so
//! peak RSS and allocator state belong to that implementation alone.

mod rs_node;

use lexopt::ValueExt;
use raft_bench::{parse_with, run, BenchNode, CoreNode, Options, USAGE};
use rs_node::RsNode;
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut implementation = "raft-rs".to_string();
    let mut parser = lexopt::Parser::from_env();
    let parsed = parse_with(&mut parser, |name, p, _| match name {
        "impl" => {
            implementation = p.value()?.string()?;
            Ok(true)
        }
        _ => Ok(false),
    });
    let opts = match parsed {
        Ok(o) if o.help => {
            println!("usage: raft-compare --impl raft-rs|raft-core [options]\n{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(o) => o,
        Err(e) => return fail(&e.to_string()),
    };
    let result = match implementation.as_str() {
        "raft-rs" => print::<RsNode>(&opts),
        "raft-core" => print::<CoreNode>(&opts),
        other => {
            return fail(&format!(
                "--impl: expected raft-rs or raft-core, got {other:?}"
            ))
        }
    };
    match result {
        // A closed pipe (`| head`) is not an error: the reader has all it wanted.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("raft-compare: writing the output: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Runs the selected workloads for `N`, one result line each on stdout.
fn print<N: BenchNode>(opts: &Options) -> io::Result<()> {
    let mut out = io::stdout().lock();
    run::<N, io::Error>(opts, |line| writeln!(out, "{line}"))?;
    out.flush()
}

fn fail(msg: &str) -> ExitCode {
    eprintln!(
        "raft-compare: {msg}\nusage: raft-compare --impl raft-rs|raft-core [options]\n{USAGE}"
    );
    ExitCode::from(2)
}
