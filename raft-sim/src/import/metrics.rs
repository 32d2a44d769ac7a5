//! Hyperledger Fabric's etcdraft metrics as the lines let them be told, for an operator to
//! hold next to the Grafana board of the incident: per node `is_leader` over time (a step
//! series), `leader_changes` (Fabric counts every change of the leader a node sees, to none
//! included: each `raft.node:` line), `active_nodes` where the lines tell it, and
//! `committed_block_number` where the orderer's chain logs the blocks it writes.
//!
//! `active_nodes` is what a Fabric leader reports from its progress tracker: itself and the
//! followers it heard from lately. The lines show that only at an election (the leader and
//! the voters that granted it: a lower bound, as a voter's answer after the win is not
//! logged) and when it is gone (0 once the node no longer leads).

use super::diagram::line_times;
use super::story::Story;
use raft_core::event::What;
use raft_core::types::{NodeId, Role};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A step series: (µs from the first line, value), each value holding until the next.
pub type Series = Vec<(u64, u64)>;

/// The metrics of one set of lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    /// `consensus_etcdraft_is_leader` per node: 1 from its `became leader` line until its
    /// next role change or restart.
    pub is_leader: BTreeMap<NodeId, Series>,
    /// `consensus_etcdraft_leader_changes` per node: the changes of leader it logged.
    pub leader_changes: BTreeMap<NodeId, u64>,
    /// `consensus_etcdraft_active_nodes` per node, where told (see the module's notes).
    pub active_nodes: BTreeMap<NodeId, Series>,
    /// `consensus_etcdraft_committed_block_number` per node: the block its chain last
    /// wrote (Fabric's `Writing block` lines; timed lines only).
    pub committed_block: BTreeMap<NodeId, Series>,
    /// Whether the lines carry times (else a line is a millisecond).
    pub timed: bool,
    /// Whether node ids are written in hex: etcd's, as its lines write them (a Fabric
    /// orderer's are decimal, as its `node=` field writes them: `Story::fabric_names`).
    pub hex: bool,
}

/// Pushes a step unless the value is already that.
fn step(series: &mut Series, at: u64, value: u64) {
    if series.last().map(|&(_, v)| v) != Some(value) {
        series.push((at, value));
    }
}

/// The metrics `story`'s lines tell.
pub fn read(story: &Story) -> Metrics {
    let times = line_times(story);
    let origin = times.first().copied().unwrap_or(0);
    let mut m = Metrics {
        timed: story.read.iter().all(|r| r.time_us.is_some()),
        hex: story.ids == Some(super::raft_line::Ids::Hex) && !story.fabric_names,
        ..Metrics::default()
    };
    // The campaign each leader won: its granted voters, by (node, term).
    let mut granted: BTreeMap<(NodeId, u64), usize> = BTreeMap::new();
    for c in story.campaigns.iter().filter(|c| !c.pre && c.won) {
        // (Its tally counts its own vote; `granted`, the others'.)
        granted.insert(
            (c.node, c.term),
            c.granted.len().max(c.tallied.saturating_sub(1)),
        );
    }
    let mut restarts = super::diagram::Restarts::default();
    for (r, &t) in story.read.iter().zip(&times) {
        let n = r.event.node;
        let at = t.saturating_sub(origin).max(0) as u64;
        // A restart: the node was down (not leading) from its last line before, as the
        // diagram draws it; what came after that line (etcd's `became follower` just
        // before `newRaft`) belongs to the restart.
        if let Some(before) = restarts.line(n, at, &r.event.what) {
            for series in [m.is_leader.get_mut(&n), m.active_nodes.get_mut(&n)]
                .into_iter()
                .flatten()
            {
                series.retain(|&(a, _)| a <= before);
                step(series, before, 0);
            }
        }
        match &r.event.what {
            What::Became { role, term } => {
                let leads = *role == Role::Leader;
                step(m.is_leader.entry(n).or_default(), at, u64::from(leads));
                let active = m.active_nodes.entry(n).or_default();
                if leads {
                    // Itself, and the voters that granted it.
                    let k = granted.get(&(n, *term)).copied().unwrap_or(0) + 1;
                    step(active, at, k as u64);
                } else if !active.is_empty() {
                    step(active, at, 0);
                }
            }
            What::NewRaft { .. } | What::SteppedDownQuorumInactive => {
                step(m.is_leader.entry(n).or_default(), at, 0);
                if let Some(active) = m.active_nodes.get_mut(&n) {
                    step(active, at, 0);
                }
            }
            What::LeaderChanged { new, .. } => {
                *m.leader_changes.entry(n).or_default() += 1;
                // The node-level line says who leads where no `became leader` line does (a
                // log that begins after the election): the node leads when it names itself.
                let is_leader = m.is_leader.entry(n).or_default();
                if *new == n {
                    step(is_leader, at, 1);
                } else if !is_leader.is_empty() {
                    step(is_leader, at, 0);
                }
            }
            _ => {}
        }
    }
    if m.timed {
        for b in &story.blocks {
            let Some(t) = b.time_us else { continue };
            let at = t.saturating_sub(origin).max(0) as u64;
            step(m.committed_block.entry(b.node).or_default(), at, b.block);
        }
    }
    m
}

/// At most this many steps of a series are written out in `text` (a day of an orderer's
/// log writes thousands of blocks): its first and last ones, and how many there are.
const TEXT_STEPS: usize = 8;

impl Metrics {
    /// The text `raftsim import --metrics` prints: Prometheus names, each series as
    /// `seconds=value` steps.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let secs = |us: u64| format!("{}.{:03}", us / 1_000_000, (us / 1000) % 1000);
        let unit = if self.timed {
            "seconds from the first line"
        } else {
            "lines have no times: one line = 1 ms"
        };
        let id = |n: NodeId| {
            if self.hex {
                format!("{n:x}")
            } else {
                n.to_string()
            }
        };
        // `cap`: write the first and last steps only (see `TEXT_STEPS`).
        let series = |s: &mut String, name: &str, all: &BTreeMap<NodeId, Series>, cap: bool| {
            for (n, steps) in all.iter().filter(|(_, steps)| !steps.is_empty()) {
                let each = |s: &[(u64, u64)]| -> Vec<String> {
                    s.iter()
                        .map(|&(at, v)| format!("{}={v}", secs(at)))
                        .collect()
                };
                let v = if !cap || steps.len() <= TEXT_STEPS {
                    each(steps)
                } else {
                    let half = TEXT_STEPS / 2;
                    let mut v = each(&steps[..half]);
                    v.push(format!("… ({} steps)", steps.len()));
                    v.extend(each(&steps[steps.len() - half..]));
                    v
                };
                let _ = writeln!(
                    s,
                    "consensus_etcdraft_{name}{{node=\"{}\"}} {}",
                    id(*n),
                    v.join(" ")
                );
            }
        };
        let _ = writeln!(
            s,
            "# is_leader, active_nodes, committed_block_number: steps, {unit}"
        );
        series(&mut s, "is_leader", &self.is_leader, false);
        for (n, k) in &self.leader_changes {
            let _ = writeln!(
                s,
                "consensus_etcdraft_leader_changes{{node=\"{}\"}} {k}",
                id(*n)
            );
        }
        series(&mut s, "active_nodes", &self.active_nodes, false);
        series(
            &mut s,
            "committed_block_number",
            &self.committed_block,
            true,
        );
        // What the board's `count(consensus_etcdraft_is_leader > 0)` showed: stretches where
        // no node led (quorum lost, or an election under way).
        let mut changes: Vec<(u64, NodeId, u64)> = self
            .is_leader
            .iter()
            .flat_map(|(n, steps)| steps.iter().map(move |&(at, v)| (at, *n, v)))
            .collect();
        changes.sort();
        let mut leading: BTreeMap<NodeId, u64> = BTreeMap::new();
        let mut count = Vec::new();
        for (at, n, v) in changes {
            leading.insert(n, v);
            let c: u64 = leading.values().sum();
            if count.last().map(|&(_, v)| v) != Some(c) {
                count.push((at, c));
            }
        }
        let v: Vec<String> = count
            .iter()
            .map(|&(at, c)| format!("{}={c}", secs(at)))
            .collect();
        let _ = writeln!(s, "count(consensus_etcdraft_is_leader > 0) {}", v.join(" "));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::raft_line::Ids;
    use crate::import::story::{read as read_story, Input};

    #[test]
    fn is_leader_steps_and_leader_changes_from_timed_lines() {
        let line = |ms: u64, text: &str| {
            let node = text.split(' ').next().unwrap();
            format!("2019-08-30 10:05:{:02}.{:03} UTC [orderer.consensus.etcdraft] Step -> INFO 001 {text} channel=c node={node}\n", ms / 1000, ms % 1000)
        };
        let text = [
            line(1000, "1 became candidate at term 1"),
            line(1050, "2 [logterm: 0, index: 0, vote: 0] cast MsgVote for 1 [logterm: 0, index: 0] at term 1"),
            line(1100, "1 became leader at term 1"),
            line(1100, "raft.node: 1 elected leader 1 at term 1"),
            line(5000, "1 stepped down to follower since quorum is not active"),
            line(5000, "raft.node: 1 lost leader 1 at term 1"),
            line(5400, "2 became candidate at term 2"),
            line(5500, "2 became leader at term 2"),
        ]
        .concat();
        let story = read_story(
            &[Input {
                name: "x",
                text: &text,
            }],
            None,
            Ids::Hex,
        );
        let m = read(&story);
        assert_eq!(m.is_leader[&1], [(0, 0), (100_000, 1), (4_000_000, 0)]);
        assert_eq!(m.is_leader[&2], [(4_400_000, 0), (4_500_000, 1)]);
        assert_eq!(m.leader_changes[&1], 2);
        // Node 1 and its voter 2 at its election; nothing once it stepped down.
        assert_eq!(m.active_nodes[&1], [(100_000, 2), (4_000_000, 0)]);
        let text = m.text();
        assert!(
            text.contains("consensus_etcdraft_is_leader{node=\"1\"} 0.000=0 0.100=1 4.000=0\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "count(consensus_etcdraft_is_leader > 0) 0.000=0 0.100=1 4.000=0 4.500=1\n"
            ),
            "{text}"
        );
    }
}
