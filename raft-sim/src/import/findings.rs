//! What an operator looks for in an incident beyond the terms and campaigns: a leader that
//! lost its quorum, configuration changes, and a node whose log kept it from winning.
//! Each is read from a `Story`'s lines and written as a line of its summary.

use super::raft_line::describe_config;
use super::story::Story;
use raft_core::event::What;
use raft_core::tracker::Configuration;
use raft_core::types::{NodeId, Role, Term};
use std::collections::BTreeMap;

/// A leader that lost its quorum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuorumLoss {
    /// It stepped down by itself: check-quorum found too few followers heard from lately.
    SteppedDown {
        node: NodeId,
        term: Term,
        time_us: Option<i64>,
    },
    /// It still led `term` (as its lines say) when the others elected `new_leader` for
    /// `new_term`: cut off from the majority, it did not know (check-quorum off, or its
    /// round not over yet).
    KeptLeading {
        node: NodeId,
        term: Term,
        new_leader: NodeId,
        new_term: Term,
    },
}

/// Leaders that lost their quorum, in the lines' order. A leader that falls silent when
/// another is elected may have crashed: it counts as having kept leading only once it logs
/// again (not a restart) after that election.
pub fn quorum_losses(story: &Story) -> Vec<QuorumLoss> {
    let mut out = Vec::new();
    // Who is leader now, as each node's own lines say: node -> term.
    let mut leading: BTreeMap<NodeId, Term> = BTreeMap::new();
    // Leaders of an older term when a newer one was elected: node -> (term, new leader,
    // new term).
    let mut passed: BTreeMap<NodeId, (Term, NodeId, Term)> = BTreeMap::new();
    // The term each node last led.
    let mut led: BTreeMap<NodeId, Term> = BTreeMap::new();
    // A passed leader's `became follower`, which may be the first line of its restart
    // (etcd logs it just before `newRaft`): decided by the line after it.
    let mut maybe_restart: BTreeMap<NodeId, (Term, NodeId, Term)> = BTreeMap::new();
    let kept = |(term, new_leader, new_term): (Term, NodeId, Term), node| QuorumLoss::KeptLeading {
        node,
        term,
        new_leader,
        new_term,
    };
    for r in &story.read {
        let n = r.event.node;
        let restarting = matches!(r.event.what, What::NewRaft { .. });
        if let Some(p) = maybe_restart.remove(&n) {
            if !restarting {
                out.push(kept(p, n));
            }
        }
        if let Some(p) = passed.remove(&n) {
            let follower = matches!(
                r.event.what,
                What::Became {
                    role: Role::Follower,
                    ..
                }
            );
            if follower {
                maybe_restart.insert(n, p);
            } else if !restarting {
                out.push(kept(p, n));
            }
        }
        match &r.event.what {
            What::Became {
                role: Role::Leader,
                term,
            } => {
                for (&old, &t) in &leading {
                    if old != n && t < *term {
                        passed.insert(old, (t, n, *term));
                    }
                }
                leading.retain(|&old, t| old == n || *t >= *term);
                leading.insert(n, *term);
                led.insert(n, *term);
            }
            What::Became { .. } | What::NewRaft { .. } => {
                leading.remove(&n);
            }
            What::SteppedDownQuorumInactive => {
                out.push(QuorumLoss::SteppedDown {
                    node: n,
                    term: led.get(&n).copied().unwrap_or(0),
                    time_us: r.time_us,
                });
                leading.remove(&n);
            }
            _ => {}
        }
    }
    // A `became follower` that was its last line: it learned of the new term, alive.
    out.extend(maybe_restart.into_iter().map(|(n, p)| kept(p, n)));
    out
}

/// A configuration change seen in the lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigEvent {
    /// The first node seen to switch to `config` (each new configuration once).
    Switched {
        node: NodeId,
        config: Configuration,
        time_us: Option<i64>,
    },
    /// A node that restored a snapshot took the configuration it holds, as of its last
    /// index: an older one than the node may go on to apply (a node added after the
    /// snapshot was taken is not in it). Not counted as seen: a later switch to it is news.
    FromSnapshot {
        node: NodeId,
        config: Configuration,
        index: u64,
        time_us: Option<i64>,
    },
    /// A leader refused a change.
    Ignored {
        node: NodeId,
        change: String,
        reason: String,
    },
    /// A leader began leaving a joint configuration by itself.
    LeavingJoint { node: NodeId },
}

/// The configuration changes the lines record, each new configuration once.
pub fn configurations(story: &Story) -> Vec<ConfigEvent> {
    let mut out = Vec::new();
    let mut seen: Vec<&Configuration> = Vec::new();
    for (i, r) in story.read.iter().enumerate() {
        let n = r.event.node;
        match &r.event.what {
            What::SwitchedConfig { config } if !seen.contains(&config) => {
                // etcd logs a snapshot's configuration just before "restored snapshot".
                let restored = story.read[i + 1..]
                    .iter()
                    .find(|next| next.event.node == n)
                    .and_then(|next| match next.event.what {
                        What::RestoredSnapshot { index, .. } => Some(index),
                        _ => None,
                    });
                if let Some(index) = restored {
                    out.push(ConfigEvent::FromSnapshot {
                        node: n,
                        config: config.clone(),
                        index,
                        time_us: r.time_us,
                    });
                    continue;
                }
                seen.push(config);
                out.push(ConfigEvent::Switched {
                    node: n,
                    config: config.clone(),
                    time_us: r.time_us,
                });
            }
            What::IgnoredConfChange { change, reason, .. } => out.push(ConfigEvent::Ignored {
                node: n,
                change: change.clone(),
                reason: reason.clone(),
            }),
            What::AutoLeaveJoint { .. } => out.push(ConfigEvent::LeavingJoint { node: n }),
            _ => {}
        }
    }
    out
}

/// Per candidate, the campaigns it lost with voters refusing because their logs were
/// ahead, and those voters.
pub fn logs_behind(story: &Story) -> BTreeMap<NodeId, (usize, Vec<NodeId>)> {
    let mut out: BTreeMap<NodeId, (usize, Vec<NodeId>)> = BTreeMap::new();
    for c in story
        .campaigns
        .iter()
        .filter(|c| !c.won && !c.log_behind.is_empty())
    {
        let e = out.entry(c.node).or_default();
        e.0 += 1;
        for v in &c.log_behind {
            if !e.1.contains(v) {
                e.1.push(*v);
            }
        }
    }
    out
}

/// Terms with more than one leader, each with its leaders in the lines' order: Election
/// Safety broken (or logs of two clusters, or ids read in the wrong base).
pub fn split_terms(story: &Story) -> BTreeMap<Term, Vec<NodeId>> {
    let mut by: BTreeMap<Term, Vec<NodeId>> = BTreeMap::new();
    for r in &story.read {
        if let What::Became {
            role: Role::Leader,
            term,
        } = r.event.what
        {
            let v = by.entry(term).or_default();
            if !v.contains(&r.event.node) {
                v.push(r.event.node);
            }
        }
    }
    by.retain(|_, v| v.len() > 1);
    by
}

/// Restarts: (node, time of its `newRaft`, time of its last line before), µs from the
/// first line (or line order, a millisecond a line, without times).
pub fn restarts(story: &Story) -> Vec<(NodeId, u64, u64)> {
    let times = super::diagram::line_times(story);
    let origin = times.first().copied().unwrap_or(0);
    let mut seen = super::diagram::Restarts::default();
    let mut out = Vec::new();
    for (r, &t) in story.read.iter().zip(&times) {
        let t = t.saturating_sub(origin).max(0) as u64;
        if let Some(before) = seen.line(r.event.node, t, &r.event.what) {
            out.push((r.event.node, t, before));
        }
    }
    out
}

/// `us` as "12.345 s" (from the first line), or nothing without times.
fn at(first: Option<i64>, t: Option<i64>) -> String {
    match (first, t) {
        (Some(f), Some(t)) => {
            let d = t.saturating_sub(f).max(0);
            format!(" at {}.{:03} s", d / 1_000_000, (d / 1000) % 1000)
        }
        _ => String::new(),
    }
}

/// The findings as summary lines.
pub fn summary_lines(story: &Story) -> Vec<String> {
    let mut lines = Vec::new();
    // Times only where every line has one (an input without them is placed by order).
    let first = story
        .read
        .iter()
        .all(|r| r.time_us.is_some())
        .then(|| story.read.first().and_then(|r| r.time_us))
        .flatten();
    let name = |n: NodeId| story.name(n);
    for (term, leaders) in split_terms(story) {
        let v: Vec<String> = leaders.iter().map(|&n| name(n)).collect();
        lines.push(format!(
            "term {term} had {} leaders: {} (Election Safety broken, or the logs of two clusters)",
            leaders.len(),
            v.join(", ")
        ));
    }
    let secs = |us: u64| format!("{}.{:03} s", us / 1_000_000, (us / 1000) % 1000);
    for (node, at, before) in restarts(story) {
        let when = if first.is_some() {
            format!(
                " at {} (its last line before at {})",
                secs(at),
                secs(before)
            )
        } else {
            String::new()
        };
        lines.push(format!("{} restarted{when}", name(node)));
    }
    for q in quorum_losses(story) {
        lines.push(match q {
            QuorumLoss::SteppedDown { node, term, time_us } => format!(
                "lost quorum: leader {} of term {term} stepped down{}: it had not heard from a majority lately (check-quorum)",
                name(node),
                at(first, time_us)
            ),
            QuorumLoss::KeptLeading {
                node,
                term,
                new_leader,
                new_term,
            } => format!(
                "lost quorum: {} still led term {term} when {} was elected for term {new_term}: cut off from the majority, it had not stepped down",
                name(node),
                name(new_leader)
            ),
        });
    }
    for c in configurations(story) {
        lines.push(match c {
            ConfigEvent::Switched {
                node,
                config,
                time_us,
            } => format!(
                "configuration: {} (first applied by {}{})",
                describe_config(&config, name),
                name(node),
                at(first, time_us)
            ),
            ConfigEvent::FromSnapshot {
                node,
                config,
                index,
                time_us,
            } => format!(
                "configuration: {} as of index {index}, in the snapshot {} restored{}",
                describe_config(&config, name),
                name(node),
                at(first, time_us)
            ),
            ConfigEvent::Ignored {
                node,
                change,
                reason,
            } => format!(
                "configuration: leader {} refused the change {change}: {reason}",
                name(node)
            ),
            ConfigEvent::LeavingJoint { node } => {
                format!(
                    "configuration: leader {} began leaving the joint configuration",
                    name(node)
                )
            }
        });
    }
    for (node, (k, voters)) in logs_behind(story) {
        let v: Vec<String> = voters.iter().map(|&v| name(v)).collect();
        lines.push(format!(
            "{}'s log kept it from winning: {k} campaign{} refused by {} whose logs are ahead of its own (the election restriction)",
            name(node),
            if k == 1 { "" } else { "s" },
            v.join(", ")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::raft_line::Ids;
    use crate::import::story::{read, Input};

    fn story(text: &str) -> Story {
        read(&[Input { name: "x", text }], None, Ids::Hex)
    }

    #[test]
    fn a_leader_cut_off_kept_leading_and_one_that_crashed_did_not() {
        let cut_off = story(
            "1 became leader at term 1
2 became candidate at term 2
2 became leader at term 2
1 [term 1] appended proposal at index 5
3 became leader at term 3
1 stepped down to follower since quorum is not active",
        );
        assert_eq!(
            quorum_losses(&cut_off),
            [
                QuorumLoss::KeptLeading {
                    node: 1,
                    term: 1,
                    new_leader: 2,
                    new_term: 2
                },
                QuorumLoss::SteppedDown {
                    node: 1,
                    term: 1,
                    time_us: None
                },
            ]
        );
        // A crash: its next lines are its restart's.
        let crashed = story(
            "1 became leader at term 1
2 became leader at term 2
1 became follower at term 1
newRaft 1 [peers: [1,2,3], term: 1, commit: 3, applied: 3, lastindex: 4, lastterm: 1]",
        );
        assert!(quorum_losses(&crashed).is_empty());
        assert_eq!(summary_lines(&crashed), ["1 restarted"]);
        let split = story("1 became leader at term 3\n2 became leader at term 3");
        assert_eq!(
            summary_lines(&split),
            ["term 3 had 2 leaders: 1, 2 (Election Safety broken, or the logs of two clusters)"]
        );
        let stepped = story(
            "1 became leader at term 4
1 stepped down to follower since quorum is not active",
        );
        let lines = summary_lines(&stepped);
        assert_eq!(lines, ["lost quorum: leader 1 of term 4 stepped down: it had not heard from a majority lately (check-quorum)"]);
    }

    #[test]
    fn configuration_changes_and_a_log_that_kept_its_node_from_winning() {
        let s = story(
            "1 switched to configuration voters=(1 2 3)
2 switched to configuration voters=(1 2 3)
1 switched to configuration voters=(1 2 3 4)
1 ignoring conf change {v5} at config voters=(1 2 3 4): possible unapplied conf change at index 9 (applied to 8)
4 became candidate at term 3
2 [logterm: 2, index: 9, vote: 0] rejected MsgVote from 4 [logterm: 1, index: 3] at term 3
3 [logterm: 2, index: 9, vote: 0] rejected MsgVote from 4 [logterm: 1, index: 3] at term 3
4 became follower at term 3",
        );
        let lines = summary_lines(&s);
        assert_eq!(
            lines,
            [
                "configuration: voters=(1 2 3) (first applied by 1)",
                "configuration: voters=(1 2 3 4) (first applied by 1)",
                "configuration: leader 1 refused the change v5: possible unapplied conf change at index 9 (applied to 8)",
                "4's log kept it from winning: 1 campaign refused by 2, 3 whose logs are ahead of its own (the election restriction)",
            ]
        );
        assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    }

    /// A node added after a snapshot was taken restores it, logging its older configuration,
    /// then applies the entry that added it: not a node removed.
    #[test]
    fn a_snapshots_configuration_is_told_as_of_its_index() {
        let s = story(
            "1 switched to configuration voters=(1 2 3 4)
4 switched to configuration voters=(1 2 3)
2 became follower at term 2
4 [commit: 5] restored snapshot [index: 5, term: 1]
4 switched to configuration voters=(1 2 3 4)",
        );
        assert_eq!(
            summary_lines(&s),
            [
                "configuration: voters=(1 2 3 4) (first applied by 1)",
                "configuration: voters=(1 2 3) as of index 5, in the snapshot 4 restored",
            ]
        );
        assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    }
}
