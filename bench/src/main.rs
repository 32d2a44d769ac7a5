//! `raft-compare --impl raft-rs|raft-core [options]`: runs the shared workloads for one
//! implementation and prints one result line per run. The workloads, the network and the
//! checks are the `raft-bench` crate's; this binary only adds the raft-rs adapter, so both
//! implementations are driven by the very same code. Run one implementation per process, so
//! peak RSS and allocator state belong to that implementation alone.

mod rs_node;

use raft_bench::{run_cli_for, CoreNode, USAGE};
use rs_node::RsNode;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut implementation = "raft-rs".to_string();
    if let Some(i) = args
        .iter()
        .position(|a| a == "--impl" || a.starts_with("--impl="))
    {
        let flag = args.remove(i);
        implementation = match flag.split_once('=') {
            Some((_, v)) => v.to_string(),
            None if i < args.len() => args.remove(i),
            None => fail("--impl: missing value"),
        };
    }
    let result = match implementation.as_str() {
        "raft-rs" => run_cli_for::<RsNode>(&args),
        "raft-core" => run_cli_for::<CoreNode>(&args),
        other => fail(&format!(
            "--impl: expected raft-rs or raft-core, got {other:?}"
        )),
    };
    if let Err(e) = result {
        fail(&e);
    }
}

fn fail(msg: &str) -> ! {
    eprintln!(
        "raft-compare: {msg}\nusage: raft-compare --impl raft-rs|raft-core [options]\n{USAGE}"
    );
    std::process::exit(2);
}
