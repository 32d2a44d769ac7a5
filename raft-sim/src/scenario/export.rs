//! Turns a recorded session (settings and the commands given, with their times) back into
//! a scenario script, so a reader can paste what they did into a post. Built through the
//! syntax tree, so the text always parses.

use super::ast::{Action, InitState, Latency, NodeSetup, Scenario, Settings, Step};
use crate::{Command, Probability, Recorded, Selection, SimConfig, Target};

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
/// dropped by id as the next message of its kind on its link; a note as a pause.
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
            .map(|(from, to, kind)| {
                command(Command::Drop(Selection::Link {
                    from: Target::Node(from),
                    to: Target::Node(to),
                    kind: Some(kind),
                    all: false,
                }))
            })
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
