//! raftsim: run scenario files, fuzz the core with random fault schedules, benchmark it.
//!
//!   raftsim run FILE [--time] [--update]   print a scenario's event log (check its expects)
//!   raftsim fuzz [--seeds N] [--first S] [--seconds T] [--seed S]
//!   raftsim bench [...]                    throughput figures

use raft_sim::fuzz::{self, FuzzOptions, FuzzOutcome};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("fuzz") => cmd_fuzz(&args[1..]),
        Some("run") => raft_sim::scenario::cli::run(&args[1..]),
        Some("bench") => cmd_bench(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(true)
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("raftsim: {e}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "usage:
  raftsim run FILE... [--time] [--update]
      run scenario files: print each one's event log and check its expect lines;
      with a golden section (after ----) compare the log to it (--update rewrites it)
  raftsim fuzz [--seeds N] [--first S] [--seconds T] [--threads K]
      run N random fault schedules (seeds S..S+N) of T simulated seconds each with the
      safety checker on, then heal and check liveness; ends with `N seeds, V violations`
  raftsim fuzz --seed S [--seconds T] [--log]
      replay one seed and print what it did (with --log, its event log tail)
  raftsim bench [--workload elect|replicate|chaos|sim|all] [options]
      throughput figures (see raftsim bench --help)";

/// Parses `--name value` into a number.
pub fn flag_u64(args: &[String], name: &str) -> Result<Option<u64>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => {
            let v = args.get(i + 1).ok_or(format!("{name} needs a value"))?;
            let parsed = match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            };
            parsed
                .map(Some)
                .map_err(|_| format!("{name} needs a whole number, got {v:?}"))
        }
    }
}

fn cmd_fuzz(args: &[String]) -> Result<bool, String> {
    for a in args.iter().filter(|a| a.starts_with("--")) {
        if ![
            "--seeds",
            "--first",
            "--seconds",
            "--seed",
            "--log",
            "--threads",
        ]
        .contains(&a.as_str())
        {
            return Err(format!("unknown fuzz option {a}"));
        }
    }
    let seconds = flag_u64(args, "--seconds")?.unwrap_or(60);
    if seconds == 0 {
        return Err("--seconds must be at least 1".into());
    }
    let log = args.iter().any(|a| a == "--log");
    if let Some(seed) = flag_u64(args, "--seed")? {
        let opts = FuzzOptions {
            seconds,
            record_events: log,
            ..FuzzOptions::default()
        };
        let o = fuzz::run_seed(seed, &opts);
        describe(&o, seconds);
        for (t, c) in &o.commands {
            println!("  at {}s {c}", *t as f64 / 1e6);
        }
        if log {
            println!("last events:");
            for line in o.cluster.trace().lines() {
                println!("  [{:>10.6}s] {line}", line.time as f64 / 1e6);
            }
        }
        return Ok(!o.failed());
    }
    let seeds = flag_u64(args, "--seeds")?.unwrap_or(100);
    let first = flag_u64(args, "--first")?.unwrap_or(1);
    let threads = flag_u64(args, "--threads")?
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
            describe(o, seconds);
            if o.violation.is_some() {
                violations += 1;
            } else {
                liveness += 1;
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "fuzz: {seeds} seeds x {seconds}s of faults in {wall:.1}s wall ({:.0} simulated s per wall s, {msgs} messages delivered)",
        sim_us as f64 / 1e6 / wall
    );
    println!(
        "liveness: {} of {seeds} seeds converged after healing",
        seeds - liveness
    );
    println!("{seeds} seeds, {violations} violations");
    Ok(violations == 0 && liveness == 0)
}

fn describe(o: &FuzzOutcome, seconds: u64) {
    let c = &o.config;
    let status = match (&o.violation, &o.liveness) {
        (Some(v), _) => format!("VIOLATION {v}"),
        (None, Some(l)) => format!("LIVENESS {l}"),
        (None, None) => "ok".to_string(),
    };
    println!(
        "seed {}: {} nodes, prevote {}, checkquorum {}, snapshot-every {}: {status}",
        o.seed, c.nodes, c.pre_vote, c.check_quorum, c.snapshot_every
    );
    if o.failed() {
        println!(
            "  replay: raftsim fuzz --seed {} --seconds {seconds} --log",
            o.seed
        );
    }
}

fn cmd_bench(args: &[String]) -> Result<bool, String> {
    // `sim` is this binary's own figure: how fast the simulator runs under the fuzzer's fault
    // mix (checker on). The other workloads are the ones shared with raft-rs.
    let workload = args
        .iter()
        .position(|a| a == "--workload")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    match workload {
        Some("sim") => {
            bench_sim(args)?;
            Ok(true)
        }
        None | Some("all") => {
            raft_bench::run_cli(args)?;
            bench_sim(&[])?;
            Ok(true)
        }
        Some(_) => raft_bench::run_cli(args).map(|_| true),
    }
}

/// Simulated seconds per wall second over fuzz seeds, on one thread.
fn bench_sim(args: &[String]) -> Result<(), String> {
    let seeds = flag_u64(args, "--seeds")?.unwrap_or(300);
    let seconds = flag_u64(args, "--seconds")?.unwrap_or(60);
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
    println!(
        "sim fault-mix seeds={seeds} seconds={seconds} simulated_s={:.0} wall_s={wall:.2} sim_s_per_wall_s={:.0} msgs_delivered_per_s={:.0} checker=on failed_seeds={failed}",
        sim_us as f64 / 1e6,
        sim_us as f64 / 1e6 / wall,
        msgs as f64 / wall
    );
    Ok(())
}
