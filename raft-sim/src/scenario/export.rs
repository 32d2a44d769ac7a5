//! Turns a recorded session (settings and the commands given, with their times) back into
//! a scenario script, so a reader can paste what they did into a post. Built through the
//! syntax tree, so the text always parses.

use super::ast::{
    At, Command, InitState, Latency, NetworkChange, Probability, Scenario, Settings, Step, Target,
};
use crate::{Command as SimCommand, Recorded, SimConfig};

fn probability(p: f64) -> Probability {
    Probability::from_ppm((p.clamp(0.0, 1.0) * Probability::SCALE as f64).round() as u32)
        .unwrap_or(Probability::ZERO)
}

pub fn settings_of(cfg: &SimConfig) -> Settings {
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
        loss: Some(probability(cfg.link.loss)),
        duplicate: Some(probability(cfg.link.duplicate)),
        reorder: Some(probability(cfg.link.reorder)),
        snapshot_every: Some(cfg.snapshot_every),
        init: cfg.init.as_ref().map(|i| InitState {
            term: i.term,
            log: i.terms.clone(),
        }),
    }
}

/// The script that replays a session: its settings, then each command at its time.
pub fn export(cfg: &SimConfig, commands: &[Recorded]) -> String {
    let mut steps = Vec::new();
    for r in commands {
        let at = Some(At::Absolute(r.time));
        let node = Target::Node;
        let mut push = |command| {
            steps.push(Step {
                line: 0,
                at,
                command,
            })
        };
        match &r.command {
            SimCommand::Crash(n) => push(Command::Crash(node(*n))),
            SimCommand::Restart(n) => push(Command::Restart(node(*n))),
            SimCommand::Partition(g) => push(Command::Partition(g.clone())),
            SimCommand::Isolate(n) => push(Command::Isolate(node(*n))),
            SimCommand::Heal => push(Command::Heal),
            SimCommand::Campaign(n) => push(Command::Campaign(node(*n))),
            SimCommand::Transfer(n) => push(Command::Transfer(node(*n))),
            SimCommand::Request { via, op } => push(Command::Request {
                cmd: op.clone(),
                via: via.map(node),
            }),
            SimCommand::DropMessage(_) => {
                // A message picked by id is named by its link and kind: the next such message.
                if let Some((from, to, kind)) = r.dropped {
                    push(Command::Drop {
                        kind: Some(kind),
                        all: false,
                        from: node(from),
                        to: node(to),
                    })
                }
            }
            SimCommand::DropOnLink {
                from,
                to,
                kind,
                all,
            } => push(Command::Drop {
                kind: *kind,
                all: *all,
                from: node(*from),
                to: node(*to),
            }),
            SimCommand::Stabilize => push(Command::Stabilize),
            SimCommand::Note(text) => push(Command::Pause(text.clone())),
            SimCommand::SetLink {
                from,
                to,
                link: None,
            } => push(Command::Link {
                from: *from,
                to: *to,
                change: None,
            }),
            SimCommand::SetLink {
                from,
                to,
                link: Some(l),
            } => {
                let link = |change| Command::Link {
                    from: *from,
                    to: *to,
                    change: Some(change),
                };
                push(link(NetworkChange::Latency(Latency {
                    min: l.latency_min,
                    max: l.latency_max,
                })));
                push(link(NetworkChange::Loss(probability(l.loss))));
                push(link(NetworkChange::Duplicate(probability(l.duplicate))));
                push(link(NetworkChange::Reorder(probability(l.reorder))));
            }
            SimCommand::SetNetwork(l) => {
                push(Command::SetNetwork(NetworkChange::Latency(Latency {
                    min: l.latency_min,
                    max: l.latency_max,
                })));
                push(Command::SetNetwork(NetworkChange::Loss(probability(
                    l.loss,
                ))));
                push(Command::SetNetwork(NetworkChange::Duplicate(probability(
                    l.duplicate,
                ))));
                push(Command::SetNetwork(NetworkChange::Reorder(probability(
                    l.reorder,
                ))));
            }
        }
    }
    Scenario {
        settings: settings_of(cfg),
        steps,
        golden: None,
    }
    .to_string()
}
