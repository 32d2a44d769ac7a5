//! Random fault schedules with the safety checker on, followed by a liveness check.
//!
//! One seed decides everything: the cluster's shape, the faults and when they strike. The
//! faults are chosen as the run goes (crash a node that is up, restart one that is down),
//! which is still deterministic because the simulation is. After the fault period the
//! network heals (partitions, loss, duplication, reordering and every per-link setting go),
//! every crashed node restarts, and the cluster must elect a leader and apply every
//! acknowledged request on every node within a bounded time.
//!
//! Half the seeds also change the membership as they run (`random_change`: adds of voters
//! and learners, promotions, removals, the leader's too, joint changes left automatically or
//! by a later `leave-joint`, between 1 and 9 nodes). For them "converged" is about the
//! final configuration: its leader is not joint, and its voters and learners are up and
//! have applied everything; a node outside it is stopped by the heal and need not agree.

use super::cluster::Cluster;
use super::command::{Command, MemberChange, Target};
use super::config::SimConfig;
use super::kv::KvOp;
use super::network::LinkConfig;
use raft_core::rng::Rng;
use raft_core::types::{NodeId, Role};

#[derive(Clone, Debug)]
pub struct FuzzOptions {
    /// Simulated seconds of faults.
    pub seconds: u64,
    /// Simulated seconds the healed cluster gets to converge.
    pub settle_seconds: u64,
    /// Record events (slower; used when replaying a failing seed to show its log).
    pub record_events: bool,
}

impl Default for FuzzOptions {
    fn default() -> FuzzOptions {
        FuzzOptions {
            seconds: 60,
            settle_seconds: 30,
            record_events: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct FuzzOutcome {
    pub seed: u64,
    pub config: SimConfig,
    /// The first safety violation, as the checker worded it.
    pub violation: Option<String>,
    /// Why the healed cluster failed to converge, if it did.
    pub liveness: Option<String>,
    /// Every command carried out, with its simulated time.
    pub commands: Vec<(u64, Command)>,
    /// Simulated microseconds run in total.
    pub simulated_us: u64,
    pub deliveries: u64,
    pub cluster: Cluster,
}

impl FuzzOutcome {
    pub fn failed(&self) -> bool {
        self.violation.is_some() || self.liveness.is_some()
    }
}

/// The cluster a seed runs: 3, 5 or 7 nodes (sometimes 1 or 2), pre-vote and check-quorum
/// on or off, compaction sometimes, a lossy network sometimes.
pub fn config_for(seed: u64, record_events: bool) -> SimConfig {
    let mut r = Rng::fork(seed, 0x636667);
    let nodes = [3, 5, 5, 5, 7, 3, 5, 7, 1, 2, 4, 9][r.range(0, 12) as usize];
    let latency_min = r.range(1, 20) * 1000;
    SimConfig {
        nodes,
        seed,
        pre_vote: r.chance(0.6),
        check_quorum: r.chance(0.6),
        tick_us: 10_000,
        election_tick: 10 + r.range(0, 10) as u32,
        heartbeat_tick: 1 + r.range(0, 4) as u32,
        link: LinkConfig {
            latency_min,
            latency_max: latency_min + r.range(0, 40) * 1000,
            loss: if r.chance(0.5) {
                r.range(0, 10) as f64 / 100.0
            } else {
                0.0
            },
            duplicate: if r.chance(0.3) { 0.05 } else { 0.0 },
            reorder: if r.chance(0.3) { 0.1 } else { 0.0 },
        },
        snapshot_every: [0, 5, 20, 50][r.range(0, 4) as usize],
        check_safety: true,
        record_events,
        log_capacity: if record_events { 200 } else { 0 },
        init: None,
        // The fuzzer draws no diagram: it does not pay for recording one.
        history: None,
        ..SimConfig::default()
    }
}

pub fn run_seed(seed: u64, opts: &FuzzOptions) -> FuzzOutcome {
    let cfg = config_for(seed, opts.record_events);
    let mut cluster = Cluster::new(cfg.clone()).expect("fuzz configurations are valid");
    let mut r = Rng::fork(seed, 0x73636864);
    let mut commands = Vec::new();
    let n = cfg.nodes as NodeId;
    let end = opts.seconds * 1_000_000;
    let mut next_fault = r.range(200_000, 2_000_000);
    let mut next_request = r.range(10_000, 100_000);
    let mut deliveries = 0u64;
    let base_link = cfg.link.clone();
    // Membership changes come from a stream of their own, in half the seeds: a seed without
    // them draws exactly what it drew before they existed, and so runs as it did.
    let mut mr = Rng::fork(seed, 0x6d656d62);
    let mut next_member = if mr.chance(0.5) {
        mr.range(500_000, 5_000_000)
    } else {
        u64::MAX
    };

    while cluster.now() < end && cluster.violation().is_none() {
        let t = next_fault.min(next_request).min(next_member).min(end);
        while cluster.next_time().is_some_and(|x| x <= t) && cluster.violation().is_none() {
            if let Some(super::Happened::Delivered { .. }) = cluster.step() {
                deliveries += 1;
            }
        }
        cluster.run_until(t);
        if t == next_request {
            let op = KvOp::Set {
                key: format!("k{}", r.range(0, 8)),
                value: format!("{}", r.next_u64() % 1000),
            };
            let via = if r.chance(0.5) {
                None
            } else {
                Some(r.range(1, n + 1))
            };
            let cmd = Command::Request {
                via: via.map(Into::into),
                op,
            };
            if cluster.apply(&cmd).is_ok() {
                commands.push((t, cmd));
            }
            next_request = t + r.range(10_000, 150_000);
        }
        if t == next_fault {
            let cmd = random_fault(&mut r, &cluster, &base_link);
            if cluster.apply(&cmd).is_ok() {
                commands.push((t, cmd));
            }
            next_fault = t + r.range(100_000, 2_500_000);
        }
        if t == next_member {
            let cmd = random_change(&mut mr, &cluster);
            if cluster.apply(&cmd).is_ok() {
                commands.push((t, cmd));
            }
            next_member = t + mr.range(300_000, 6_000_000);
        }
    }

    // Heal everything, then demand progress.
    let mut liveness = None;
    if cluster.violation().is_none() {
        let t = cluster.now();
        for cmd in healing(&cluster, &base_link) {
            if cluster.apply(&cmd).is_ok() {
                commands.push((t, cmd));
            }
        }
        liveness = settle(
            &mut cluster,
            opts.settle_seconds * 1_000_000,
            &mut deliveries,
            &mut commands,
        );
    }
    FuzzOutcome {
        seed,
        violation: cluster.violation().map(|v| v.to_string()),
        liveness,
        commands,
        simulated_us: cluster.now(),
        deliveries,
        config: cfg,
        cluster,
    }
}

/// The commands that heal everything at the end of the fault period: no partition, the
/// seed's own latency without loss, duplication or reordering, every per-link setting back
/// to the network's (a link left slow and lossy can keep elections churning for ever: seed
/// 1622580, tests/scenarios/churn-on-lossy-links.txt), and every crashed node restarted.
pub fn healing(cluster: &Cluster, base: &LinkConfig) -> Vec<Command> {
    let mut cmds = vec![
        Command::Heal,
        Command::SetNetwork(LinkConfig {
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            ..base.clone()
        }),
    ];
    cmds.extend(
        cluster
            .network()
            .links
            .keys()
            .map(|&(from, to)| Command::SetLink {
                from,
                to,
                link: None,
            }),
    );
    cmds.extend(
        cluster
            .servers()
            .iter()
            .filter(|s| !s.is_up())
            .map(|s| Command::Restart(s.id.into())),
    );
    cmds
}

/// Runs a healed cluster until it converges, and explains the failure if it does not.
///
/// Converged: a leader whose configuration is not joint, and every voter and learner of
/// that configuration up and applied up to everything the leader committed (hence every
/// acknowledged request). The membership is brought there as the run settles: a joint
/// configuration left explicitly gets its `leave-joint` once the leader has applied it,
/// and once the leader has applied its whole log in a configuration that is not joint, every
/// node outside that configuration (removed, or started for a change the leader refused) is
/// crashed for good, as an operator stops a server it removed. Such a node is no member and
/// need not agree; left running it would keep campaigning in the configuration it last knew.
fn settle(
    cluster: &mut Cluster,
    limit: u64,
    deliveries: &mut u64,
    commands: &mut Vec<(u64, Command)>,
) -> Option<String> {
    let deadline = cluster.now() + limit;
    let acknowledged = cluster.request_tally().acknowledged_index;
    while cluster.now() < deadline {
        let t = cluster.now() + 50_000;
        while cluster.next_time().is_some_and(|x| x <= t) {
            if let Some(super::Happened::Delivered { .. }) = cluster.step() {
                *deliveries += 1;
            }
        }
        cluster.run_until(t);
        if cluster.violation().is_some() {
            return None;
        }
        if let Some(l) = cluster.leader() {
            for cmd in settle_membership(cluster, l) {
                if cluster.apply(&cmd).is_ok() {
                    commands.push((cluster.now(), cmd));
                }
            }
            let Some(lead) = cluster.node(l) else {
                continue;
            };
            let target = lead.commit().max(acknowledged);
            let conf = lead.tracker().config();
            let member = |id: NodeId| conf.voters.contains(id) || conf.learners.contains(id);
            let converged = lead.log().term(lead.commit()) == Some(lead.term())
                && !conf.voters.is_joint()
                && cluster
                    .servers()
                    .iter()
                    .filter(|s| member(s.id))
                    .all(|s| s.node().is_some_and(|n| n.applied() >= target));
            if converged {
                return None;
            }
        }
    }
    let leader = cluster.leader();
    let applied: Vec<String> = cluster
        .servers()
        .iter()
        .map(|s| match s.node() {
            Some(n) => format!(
                "{}:{}/{}({:?},t{})",
                s.id,
                n.applied(),
                n.commit(),
                n.role(),
                n.term()
            ),
            None => format!("{}:down", s.id),
        })
        .collect();
    Some(format!(
        "no convergence {}s after healing: leader {:?}, acknowledged up to index {}, nodes applied/commit {}",
        limit / 1_000_000,
        leader,
        acknowledged,
        applied.join(" ")
    ))
}

/// What the settling cluster's membership needs from `leader`: `leave-joint` for a joint
/// configuration left explicitly, and, once the leader has applied its whole log in a
/// configuration that is not joint, a crash for every node outside it that is still up.
fn settle_membership(c: &Cluster, leader: NodeId) -> Vec<Command> {
    let Some(lead) = c.node(leader) else {
        return Vec::new();
    };
    let conf = lead.tracker().config();
    if conf.voters.is_joint() {
        return if conf.auto_leave || lead.applied() < lead.log().last_index() {
            Vec::new()
        } else {
            vec![Command::Member(MemberChange::LeaveJoint)]
        };
    }
    if lead.applied() < lead.log().last_index() {
        return Vec::new();
    }
    // Retire removed nodes only once every member holds the configuration that removed
    // them: a member that has not applied it yet may still need their votes or
    // acknowledgements, and may yet lead (seed 8037).
    let members_agree = c.servers().iter().all(|s| {
        let member = conf.voters.contains(s.id) || conf.learners.contains(s.id);
        !member || s.node().is_some_and(|n| n.tracker().config() == conf)
    });
    if !members_agree {
        return Vec::new();
    }
    c.servers()
        .iter()
        .filter(|s| s.is_up() && !conf.voters.contains(s.id) && !conf.learners.contains(s.id))
        .map(|s| Command::Crash(s.id.into()))
        .collect()
}

/// A random membership change between 1 and 9 nodes: a node added (the next id, or one
/// removed earlier) as a voter or a learner, a learner promoted, a node or the leader
/// removed, a joint change left automatically or explicitly, or `leave-joint`. The leader
/// refuses what it cannot do (a change pending, a change while joint, no voter left).
fn random_change(r: &mut Rng, c: &Cluster) -> Command {
    let n = c.servers().len() as NodeId;
    let pick = |r: &mut Rng| r.range(1, n + 1);
    let fresh = |r: &mut Rng| {
        if n < 9 && r.chance(0.7) {
            n + 1
        } else {
            pick(r)
        }
    };
    Command::Member(match r.range(0, 10) {
        0 | 1 => MemberChange::Add {
            node: fresh(r),
            learner: false,
        },
        // A learner: a new node, or a voter demoted (the leader too, sometimes).
        2 => MemberChange::Add {
            node: fresh(r),
            learner: true,
        },
        3 => {
            let learners: Vec<NodeId> = c
                .leader()
                .and_then(|l| c.node(l))
                .map(|l| l.tracker().config().learners.iter().collect())
                .unwrap_or_default();
            if learners.is_empty() {
                MemberChange::Promote(pick(r))
            } else {
                MemberChange::Promote(learners[r.range(0, learners.len() as u64) as usize])
            }
        }
        4 | 5 => MemberChange::Remove(Target::Node(pick(r))),
        6 => MemberChange::Remove(Target::Leader),
        7 | 8 => {
            let add = (0..r.range(0, 3)).map(|_| fresh(r)).collect::<Vec<_>>();
            let remove = (0..r.range(1, 3)).map(|_| pick(r)).collect::<Vec<_>>();
            let mut add: Vec<NodeId> = add;
            add.sort_unstable();
            add.dedup();
            let mut remove: Vec<NodeId> =
                remove.into_iter().filter(|id| !add.contains(id)).collect();
            remove.sort_unstable();
            remove.dedup();
            MemberChange::Joint {
                add,
                remove,
                explicit: r.chance(0.4),
            }
        }
        _ => MemberChange::LeaveJoint,
    })
}

fn random_fault(r: &mut Rng, c: &Cluster, base: &LinkConfig) -> Command {
    // Every node the cluster has run (those added since the start too).
    let n = c.servers().len() as NodeId;
    let up: Vec<NodeId> = c
        .servers()
        .iter()
        .filter(|s| s.is_up())
        .map(|s| s.id)
        .collect();
    let down: Vec<NodeId> = c
        .servers()
        .iter()
        .filter(|s| !s.is_up())
        .map(|s| s.id)
        .collect();
    let pick = |r: &mut Rng, v: &[NodeId]| v[r.range(0, v.len() as u64) as usize];
    loop {
        match r.range(0, 14) {
            0 | 1 if !up.is_empty() => {
                // Crash the leader half the time: that is where the interesting bugs hide.
                let victim = match c.leader() {
                    Some(l) if r.chance(0.5) => l,
                    _ => pick(r, &up),
                };
                return Command::Crash(victim.into());
            }
            2 | 3 if !down.is_empty() => return Command::Restart(pick(r, &down).into()),
            4 if n > 1 => {
                let mut groups: Vec<Vec<NodeId>> = vec![Vec::new(), Vec::new()];
                for id in 1..=n {
                    groups[r.range(0, 2) as usize].push(id);
                }
                groups.retain(|g| !g.is_empty());
                return Command::Partition(groups);
            }
            5 => return Command::Isolate(r.range(1, n + 1).into()),
            6 => {
                if let Some(l) = c.leader() {
                    return Command::Isolate(l.into());
                }
            }
            7 => return Command::Heal,
            8 => {
                return Command::SetNetwork(LinkConfig {
                    loss: r.range(0, 30) as f64 / 100.0,
                    duplicate: r.range(0, 20) as f64 / 100.0,
                    reorder: r.range(0, 30) as f64 / 100.0,
                    ..base.clone()
                })
            }
            9 if !up.is_empty() => return Command::Campaign(pick(r, &up).into()),
            10 => return Command::Transfer(r.range(1, n + 1).into()),
            11 => return Command::SetNetwork(base.clone()),
            12 if n > 1 => {
                // One slow or lossy direction of one link.
                let from = r.range(1, n + 1);
                let to = (from + r.range(1, n)) % n + 1;
                let min = r.range(1, 50) * 1000;
                let link = LinkConfig {
                    latency_min: min,
                    latency_max: min + r.range(0, 200) * 1000,
                    loss: r.range(0, 50) as f64 / 100.0,
                    ..base.clone()
                };
                return Command::SetLink {
                    from,
                    to,
                    link: Some(link),
                };
            }
            13 if n > 1 => {
                let from = r.range(1, n + 1);
                let to = (from + r.range(1, n)) % n + 1;
                return Command::SetLink {
                    from,
                    to,
                    link: None,
                };
            }
            _ => {}
        }
    }
}

/// Runs seeds `first..first+count` and returns the failing outcomes.
pub fn run_many(
    first: u64,
    count: u64,
    opts: &FuzzOptions,
    mut progress: impl FnMut(&FuzzOutcome),
) -> Vec<FuzzOutcome> {
    let mut failures = Vec::new();
    for seed in first..first + count {
        let o = run_seed(seed, opts);
        progress(&o);
        if o.failed() {
            failures.push(o);
        }
    }
    failures
}

/// Leader role check used by tests: exactly one live leader with the highest term.
pub fn single_leader(c: &Cluster) -> bool {
    let top = c
        .servers()
        .iter()
        .filter_map(|s| s.node())
        .map(|n| n.term())
        .max()
        .unwrap_or(0);
    c.servers()
        .iter()
        .filter_map(|s| s.node())
        .filter(|n| n.role() == Role::Leader && n.term() == top)
        .count()
        == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seed 1622580 (4 nodes, pre-vote off) once failed to converge: its heal left seven
    /// slow, lossy links in place (up to 245ms and 47% loss), and elections churned for the
    /// whole 30s. With the links reset it converges. (Its schedule has changed with the
    /// membership mix since; it still ends with per-link settings to reset.)
    #[test]
    fn heal_resets_per_link_settings_and_seed_1622580_converges() {
        let o = run_seed(1622580, &FuzzOptions::default());
        assert_eq!(o.violation, None);
        assert_eq!(o.liveness, None);
        assert!(o.cluster.network().links.is_empty());
        let end = FuzzOptions::default().seconds * 1_000_000;
        let resets = o
            .commands
            .iter()
            .filter(|(t, c)| *t >= end && matches!(c, Command::SetLink { link: None, .. }))
            .count();
        assert!(resets >= 3, "{:?}", &o.commands[o.commands.len() - 10..]);
    }

    /// Half the seeds change the membership as they run; the heal leaves no joint
    /// configuration and stops the nodes outside the final one, and the members converge.
    #[test]
    fn membership_changes_are_in_the_mix_and_the_members_converge() {
        let opts = FuzzOptions {
            seconds: 20,
            settle_seconds: 20,
            ..FuzzOptions::default()
        };
        let mut changed = 0;
        for seed in 1..=12 {
            let o = run_seed(seed, &opts);
            assert_eq!(o.violation, None, "seed {seed}");
            assert_eq!(o.liveness, None, "seed {seed}");
            let members = o
                .commands
                .iter()
                .filter(|(_, c)| matches!(c, Command::Member(_)))
                .count();
            if members > 0 {
                changed += 1;
                let l = o.cluster.leader().expect("converged");
                let conf = o.cluster.node(l).expect("up").tracker().config();
                assert!(!conf.voters.is_joint(), "seed {seed}");
                for s in o.cluster.servers() {
                    let member = conf.voters.contains(s.id) || conf.learners.contains(s.id);
                    assert_eq!(s.is_up(), member, "seed {seed}, node {}", s.id);
                }
            }
        }
        assert!(
            changed >= 3,
            "only {changed} of 12 seeds changed the membership"
        );
    }

    #[test]
    fn a_seed_replays_exactly() {
        let opts = FuzzOptions {
            seconds: 10,
            ..FuzzOptions::default()
        };
        let (a, b) = (run_seed(42, &opts), run_seed(42, &opts));
        assert_eq!(a.commands, b.commands);
        assert_eq!(a.cluster.trace_hash(), b.cluster.trace_hash());
        assert_eq!(a.deliveries, b.deliveries);
    }
}
