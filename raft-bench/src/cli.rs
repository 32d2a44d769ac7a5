//! Command-line options shared by `raftsim bench` and the `raft-compare` binary, and the loop
//! that runs the selected workloads for one implementation and hands over one line per result.
//!
//! Both binaries parse with lexopt; [`parse_with`] reads these options and lets the binary
//! take its own first (raft-compare's `--impl`, raftsim's `--workload sim`), and anything
//! neither knows is an error naming it.

use super::chaos::{chaos, ChaosParams};
use super::cluster::ClusterOpts;
use super::elect::{elect, ElectParams};
use super::node::BenchNode;
use super::replicate::{replicate, ReplicateParams};
use super::rng::DEFAULT_SEED;
use lexopt::{Arg, Parser, ValueExt};
use raft_core::rng::parse_seed;
use std::ffi::OsString;

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
With --workload all, an option given explicitly replaces that dimension's list.
Numbers are decimal or 0x-hex, and may contain _; `--name value` and `--name=value` both work.";

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

/// A whole number given on the command line, written as a seed is (`raft_core::rng::parse_seed`:
/// decimal or 0x-hex), `_` allowed between digits (`0x5EED_0000_0000_0001`). `flag` names the
/// option in the error.
pub fn parse_number(flag: &str, value: OsString) -> Result<u64, lexopt::Error> {
    let text = value.string()?;
    parse_seed(&text.replace('_', "")).map_err(|_| {
        format!("{flag} needs a whole number (decimal or 0x-hex), got {text:?}").into()
    })
}

fn parse_on_off(flag: &str, value: OsString) -> Result<bool, lexopt::Error> {
    match value.string()?.as_str() {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" => Ok(false),
        v => Err(format!("{flag} needs on or off, got {v:?}").into()),
    }
}

/// The value of `--workload`: one of the shared workloads, or `all`.
pub fn parse_workload(value: OsString) -> Result<String, lexopt::Error> {
    let w = value.string()?;
    if !matches!(w.as_str(), "elect" | "replicate" | "chaos" | "all") {
        return Err(format!("--workload: unknown workload {w:?}").into());
    }
    Ok(w)
}

impl Options {
    /// Applies the long option `--{name}`, reading its value from `parser`; Ok(false) when it
    /// is not one of these options.
    fn take(&mut self, name: &str, parser: &mut Parser) -> Result<bool, lexopt::Error> {
        let flag = format!("--{name}");
        match name {
            "workload" => self.workload = parse_workload(parser.value()?)?,
            "elections" => self.elections = Some(parse_number(&flag, parser.value()?)?),
            "batch" => self.batch = Some(parse_number(&flag, parser.value()?)?.max(1)),
            "entries" => self.entries = parse_number(&flag, parser.value()?)?,
            "prevote" => self.prevote = Some(parse_on_off(&flag, parser.value()?)?),
            "check-quorum" => self.check_quorum = Some(parse_on_off(&flag, parser.value()?)?),
            "period" => self.period = Some(parse_number(&flag, parser.value()?)?),
            "ticks" => self.ticks = parse_number(&flag, parser.value()?)?,
            "drop" => {
                let v = parser.value()?.string()?;
                self.drop = v
                    .parse()
                    .ok()
                    .filter(|p: &f64| (0.0..=1.0).contains(p))
                    .ok_or_else(|| format!("--drop needs a probability (0 to 1), got {v:?}"))?;
            }
            "settle-max" => self.settle_max = parse_number(&flag, parser.value()?)?,
            "nodes" => self.nodes = parse_number(&flag, parser.value()?)?.max(1),
            "seed" => self.seed = parse_number(&flag, parser.value()?)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// Reads the rest of `parser` as these options. `own` sees every long option first, by name
/// without the dashes, with the parser (for its value) and the options so far, and returns
/// Ok(true) when it took it: that is how a binary adds options of its own. `-h`/`--help`
/// set [`Options::help`]; anything else is an error that names it.
pub fn parse_with(
    parser: &mut Parser,
    mut own: impl FnMut(&str, &mut Parser, &mut Options) -> Result<bool, lexopt::Error>,
) -> Result<Options, lexopt::Error> {
    let mut o = Options::default();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('h') | Arg::Long("help") => o.help = true,
            Arg::Long(name) => {
                let name = name.to_owned();
                if !own(&name, parser, &mut o)? && !o.take(&name, parser)? {
                    return Err(lexopt::Error::UnexpectedOption(format!("--{name}")));
                }
            }
            other => return Err(other.unexpected()),
        }
    }
    Ok(o)
}

/// Parses these options alone (no program or subcommand name).
pub fn parse<I>(args: I) -> Result<Options, lexopt::Error>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    parse_with(&mut Parser::from_args(args), |_, _, _| Ok(false))
}

/// One value when given, otherwise the single default, or the spec's list under `all`.
fn values<T: Copy>(given: Option<T>, single: T, all: &[T], is_all: bool) -> Vec<T> {
    match given {
        Some(v) => vec![v],
        None if is_all => all.to_vec(),
        None => vec![single],
    }
}

/// Runs the selected workloads for implementation `N`, handing each result line to `out`;
/// stops at the first error `out` returns (a closed output pipe, say).
pub fn run<N: BenchNode, E>(
    o: &Options,
    mut out: impl FnMut(String) -> Result<(), E>,
) -> Result<(), E> {
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
            out(elect::<N>(params).line())?;
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
                out(replicate::<N>(params).line())?;
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
            out(chaos::<N>(params).line())?;
        }
    }
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
        let o = parse(args(
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
        assert!(parse(args("--bogus 1")).is_err());
        assert!(parse(args("--workload nope")).is_err());
        assert!(parse(args("--drop 2")).is_err());
        assert!(parse(args("--batch")).is_err());
        let stray = parse(args("--entries 10 2000")).unwrap_err().to_string();
        assert!(stray.contains("2000"), "{stray}");
        let unknown = parse(args("--bogus 1")).unwrap_err().to_string();
        assert!(unknown.contains("--bogus"), "{unknown}");
        let bad = parse(args("--seed 12x")).unwrap_err().to_string();
        assert!(bad.contains("--seed") && bad.contains("12x"), "{bad}");
    }

    #[test]
    fn a_binary_takes_its_own_options_first() {
        let mut own = None;
        let mut parser = Parser::from_args(args("--impl raft-rs --batch 8 --workload=elect"));
        let o = parse_with(&mut parser, |name, p, _| match name {
            "impl" => {
                own = Some(p.value()?.string()?);
                Ok(true)
            }
            _ => Ok(false),
        })
        .unwrap();
        assert_eq!(own.as_deref(), Some("raft-rs"));
        assert_eq!((o.batch, o.workload.as_str()), (Some(8), "elect"));
        assert_eq!(
            parse_number("--seed", "0x5EED_0001".into()).unwrap(),
            0x5EED_0001
        );
    }

    #[test]
    fn all_expands_only_dimensions_not_given() {
        assert_eq!(values(None, 1, &[1, 64], true), vec![1, 64]);
        assert_eq!(values(Some(8), 1, &[1, 64], true), vec![8]);
        assert_eq!(values(None, 1, &[1, 64], false), vec![1]);
    }
}
