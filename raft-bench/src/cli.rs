//! Command-line options shared by `raftsim bench` and the `raft-compare` binary, and the loop
//! that runs the selected workloads for one implementation and prints one line per result.

use super::chaos::{chaos, ChaosParams};
use super::cluster::ClusterOpts;
use super::elect::{elect, ElectParams};
use super::node::BenchNode;
use super::replicate::{replicate, ReplicateParams};
use super::rng::DEFAULT_SEED;

pub const USAGE: &str = "\
options (defaults in brackets):
  --workload elect|replicate|chaos|all   [all]
  --elections M        elect: clusters to build             [1000; all: 1000 and 20000]
  --batch B            replicate: entries per proposal      [1; all: 1 and 64]
  --entries K          replicate: entries in total          [200000]
  --prevote on|off     pre_vote and check_quorum together   [on; all replicate: on and off]
  --check-quorum on|off  override check_quorum alone
  --period T           chaos: crash period in ticks         [100; all: 100 and 1000]
  --ticks S            chaos: ticks                         [200000]
  --drop P             chaos: message drop probability      [0.05]
  --settle-max N       chaos: bound on settle ticks         [10000]
  --nodes N            cluster size                         [5]
  --seed S             harness seed, decimal or 0x-hex      [0x5EED000000000001]
With --workload all, an option given explicitly replaces that dimension's list.";

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub workload: String,
    pub elections: Option<u64>,
    pub batch: Option<u64>,
    pub entries: u64,
    pub prevote: Option<bool>,
    pub check_quorum: Option<bool>,
    pub period: Option<u64>,
    pub ticks: u64,
    pub drop: f64,
    pub settle_max: u64,
    pub nodes: u64,
    pub seed: u64,
    pub help: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            workload: "all".into(),
            elections: None,
            batch: None,
            entries: 200_000,
            prevote: None,
            check_quorum: None,
            period: None,
            ticks: 200_000,
            drop: 0.05,
            settle_max: 10_000,
            nodes: 5,
            seed: DEFAULT_SEED,
            help: false,
        }
    }
}

fn parse_u64(flag: &str, v: &str) -> Result<u64, String> {
    let parsed = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => v.replace('_', "").parse(),
    };
    parsed.map_err(|_| format!("{flag}: not a number: {v:?}"))
}

fn parse_on_off(flag: &str, v: &str) -> Result<bool, String> {
    match v {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" => Ok(false),
        _ => Err(format!("{flag}: expected on or off, got {v:?}")),
    }
}

/// Parses the options (without the program or subcommand name). Accepts `--flag value` and
/// `--flag=value`.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            o.help = true;
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{flag}: missing value"))
        };
        match flag {
            "--workload" => {
                let w = value()?;
                if !matches!(w.as_str(), "elect" | "replicate" | "chaos" | "all") {
                    return Err(format!("--workload: unknown workload {w:?}"));
                }
                o.workload = w;
            }
            "--elections" => o.elections = Some(parse_u64(flag, &value()?)?),
            "--batch" => o.batch = Some(parse_u64(flag, &value()?)?.max(1)),
            "--entries" => o.entries = parse_u64(flag, &value()?)?,
            "--prevote" => o.prevote = Some(parse_on_off(flag, &value()?)?),
            "--check-quorum" => o.check_quorum = Some(parse_on_off(flag, &value()?)?),
            "--period" => o.period = Some(parse_u64(flag, &value()?)?),
            "--ticks" => o.ticks = parse_u64(flag, &value()?)?,
            "--drop" => {
                let v = value()?;
                o.drop = v
                    .parse()
                    .ok()
                    .filter(|p: &f64| (0.0..=1.0).contains(p))
                    .ok_or_else(|| format!("--drop: not a probability: {v:?}"))?;
            }
            "--settle-max" => o.settle_max = parse_u64(flag, &value()?)?,
            "--nodes" => o.nodes = parse_u64(flag, &value()?)?.max(1),
            "--seed" => o.seed = parse_u64(flag, &value()?)?,
            _ => return Err(format!("unknown option {arg:?}\n{USAGE}")),
        }
    }
    Ok(o)
}

/// One value when given, otherwise the single default, or the spec's list under `all`.
fn values<T: Copy>(given: Option<T>, single: T, all: &[T], is_all: bool) -> Vec<T> {
    match given {
        Some(v) => vec![v],
        None if is_all => all.to_vec(),
        None => vec![single],
    }
}

/// Runs the selected workloads for implementation `N`, handing each result line to `out`.
pub fn run<N: BenchNode>(o: &Options, mut out: impl FnMut(String)) {
    let all = o.workload == "all";
    let cluster = |prevote: bool| ClusterOpts {
        n: o.nodes,
        pre_vote: prevote,
        check_quorum: o.check_quorum.unwrap_or(prevote),
    };
    if all || o.workload == "elect" {
        for m in values(o.elections, 1000, &[1000, 20_000], all) {
            let params = ElectParams {
                cluster: cluster(o.prevote.unwrap_or(true)),
                elections: m,
                seed: o.seed,
            };
            out(elect::<N>(params).line());
        }
    }
    if all || o.workload == "replicate" {
        for prevote in values(o.prevote, true, &[true, false], all) {
            for b in values(o.batch, 1, &[1, 64], all) {
                let params = ReplicateParams {
                    cluster: cluster(prevote),
                    batch: b,
                    entries: o.entries,
                    seed: o.seed,
                };
                out(replicate::<N>(params).line());
            }
        }
    }
    if all || o.workload == "chaos" {
        for t in values(o.period, 100, &[100, 1000], all) {
            let params = ChaosParams {
                cluster: cluster(o.prevote.unwrap_or(true)),
                period: t,
                ticks: o.ticks,
                drop: o.drop,
                settle_max: o.settle_max,
                seed: o.seed,
            };
            out(chaos::<N>(params).line());
        }
    }
}

/// Parses `args` and runs them for `N`, printing to stdout.
pub fn run_cli_for<N: BenchNode>(args: &[String]) -> Result<(), String> {
    let o = parse(args)?;
    if o.help {
        println!("{USAGE}");
        return Ok(());
    }
    run::<N>(&o, |line| println!("{line}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_flags_in_both_forms() {
        let o = parse(&args(
            "--workload replicate --batch=64 --prevote off --seed 0x10",
        ))
        .unwrap();
        assert_eq!(o.workload, "replicate");
        assert_eq!(o.batch, Some(64));
        assert_eq!(o.prevote, Some(false));
        assert_eq!(o.seed, 16);
    }

    #[test]
    fn rejects_unknown_options_and_bad_values() {
        assert!(parse(&args("--bogus 1")).is_err());
        assert!(parse(&args("--workload nope")).is_err());
        assert!(parse(&args("--drop 2")).is_err());
        assert!(parse(&args("--batch")).is_err());
    }

    #[test]
    fn all_expands_only_dimensions_not_given() {
        assert_eq!(values(None, 1, &[1, 64], true), vec![1, 64]);
        assert_eq!(values(Some(8), 1, &[1, 64], true), vec![8]);
        assert_eq!(values(None, 1, &[1, 64], false), vec![1]);
    }
}
