//! Turns a recorded session (settings and the commands given, with their times) back into
//! a scenario script, so a reader can paste what they did into a post. Built through the
//! syntax tree, so the text always parses.

use super::ast::{Action, InitState, Latency, NodeSetup, Scenario, Settings, Step};
use crate::{Command, Probability, Recorded, SimConfig};

pub fn settings_of(cfg: &SimConfig) -> Settings {
    let d = SimConfig::default();
    Settings {
        nodes: Some(cfg.nodes as u64),
        seed: Some(cfg.seed),
        prevote: Some(cfg.pre_vote),
        check_quorum: Some(cfg.check_quorum),
        election_timeout: Some(cfg.election_tick),
        heartbeat: Some(cfg.heartbeat_tick),
        tick: Some(cfg.tick_us),
        latency: Some(Latency {
            min: cfg.link.latency_min,
            max: cfg.link.latency_max,
        }),
        loss: Some(Probability::nearest(cfg.link.loss)),
        duplicate: Some(Probability::nearest(cfg.link.duplicate)),
        reorder: Some(Probability::nearest(cfg.link.reorder)),
        snapshot_every: Some(cfg.snapshot_every),
        init: cfg.init.as_ref().map(|i| InitState {
            term: i.term,
            log: i.terms.clone(),
        }),
        // Written only when they differ from the default, as the page never sets them.
        manual: cfg.manual.then_some(true),
        max_inflight: (cfg.max_inflight != d.max_inflight).then_some(cfg.max_inflight as u64),
        states: cfg
            .states
            .iter()
            .map(|s| {
                let setup = NodeSetup {
                    term: Some(s.term),
                    vote: (s.vote != 0).then_some(s.vote),
                    log: (!s.log.is_empty()).then(|| s.log.clone()),
                    commit: Some(s.commit),
                    snapshot: (s.snapshot != (0, 0)).then_some(s.snapshot),
                };
                (s.node, setup)
            })
            .collect(),
    }
}

/// The command line that replays a recorded command: itself where the scenario language has
/// words for it (a `try` for one refused by the node it reached, which logged it); a message
/// dropped by id by its kind, link and place among the messages of that kind in flight on
/// that link (`drop MsgApp 3->1`, the first to arrive; `drop MsgApp 3->1 nth 2`, the one
/// after it); a note as a pause.
fn lines_of(r: &Recorded) -> Vec<Action> {
    let command = |c| {
        if r.refused {
            Action::Try(c)
        } else {
            Action::Command(c)
        }
    };
    match &r.command {
        Command::DropMessage(_) => r
            .dropped
            .map(|which| command(Command::Drop(which)))
            .into_iter()
            .collect(),
        Command::Note(text) => vec![Action::Pause(text.clone())],
        other => vec![command(other.clone())],
    }
}

/// The script that replays a session: its settings, then each command at its time.
pub fn export(cfg: &SimConfig, commands: &[Recorded]) -> String {
    let steps = commands
        .iter()
        .flat_map(|r| {
            lines_of(r).into_iter().map(|action| Step {
                line: 0,
                at: Some(super::ast::At::Absolute(r.time)),
                action,
            })
        })
        .collect();
    Scenario {
        settings: settings_of(cfg),
        steps,
        golden: None,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{arrival_order, InFlight};
    use crate::{Cluster, Selection, Take, Timeline};

    /// The first message in flight (in the order of arrival) that is not the first of its kind
    /// on its link, and the one before it there.
    fn a_later_one(c: &Cluster) -> Option<(u64, u64)> {
        let mut v: Vec<&InFlight> = c.in_flight().collect();
        arrival_order(&mut v);
        let same = |a: &InFlight, b: &InFlight| {
            (a.msg.from, a.msg.to, a.msg.kind()) == (b.msg.from, b.msg.to, b.msg.kind())
        };
        v.iter().enumerate().find_map(|(i, f)| {
            let first = v[..i].iter().find(|g| same(g, f))?;
            Some((first.id, f.id))
        })
    }

    /// Runs in steps of a millisecond until two messages of one kind are in flight on one link.
    fn until_two_on_a_link(t: &mut Timeline) -> (u64, u64) {
        loop {
            if let Some(ids) = a_later_one(t.cluster()) {
                return ids;
            }
            assert!(t.now() < 10_000_000, "never two of a kind on a link");
            t.advance(1_000);
        }
    }

    fn replayed_hash(script: &str, until: u64) -> u64 {
        let parsed = crate::scenario::parse(script).unwrap_or_else(|e| panic!("{e}\n{script}"));
        let mut runner = crate::scenario::run::Runner::new(&parsed).unwrap();
        runner.run().unwrap();
        runner.engine.run_until(until);
        runner.engine.trace_hash()
    }

    #[test]
    fn a_message_dropped_by_id_is_exported_by_its_place_on_its_link() {
        let cfg = SimConfig {
            seed: 3,
            link: crate::LinkConfig {
                latency_min: 40_000,
                latency_max: 120_000,
                ..crate::LinkConfig::default()
            },
            ..SimConfig::default()
        };
        let mut t = Timeline::new(cfg.clone()).unwrap();
        t.run_until(1_000_000);
        // The first of its kind on its link: written as before, with no place.
        let (first, _) = until_two_on_a_link(&mut t);
        t.apply(Command::DropMessage(first)).unwrap();
        let Some(Selection::Link { take, .. }) = t.commands()[0].dropped else {
            panic!("{:?}", t.commands()[0]);
        };
        assert_eq!(take, Take::FIRST);
        t.advance(300_000);
        // A later one: its place.
        let (_, later) = until_two_on_a_link(&mut t);
        t.apply(Command::DropMessage(later)).unwrap();
        let Some(Selection::Link { take, .. }) = t.commands()[1].dropped else {
            panic!("{:?}", t.commands()[1]);
        };
        assert_eq!(take, Take::Nth(2));
        t.advance(1_000_000);
        let script = export(&cfg, t.commands());
        let drops: Vec<&str> = script.lines().filter(|l| l.contains(" drop ")).collect();
        assert_eq!(drops.len(), 2, "{script}");
        assert!(!drops[0].contains("nth"), "{script}");
        assert!(drops[1].ends_with(" nth 2"), "{script}");
        let hash = t.cluster().trace_hash();
        assert_eq!(replayed_hash(&script, t.now()), hash, "{script}");
        // Written as the first of its kind, the later drop replays to another run.
        let plain = script.replace(" nth 2", "");
        assert_ne!(replayed_hash(&plain, t.now()), hash, "{plain}");
    }
}
