//! The simulated network: latency, loss, duplication, reordering and partitions, all drawn
//! from one seeded generator so a run replays exactly.

use crate::float::Float;
use raft_core::message::Message;
use raft_core::rng::Rng;
use raft_core::types::NodeId;
use raft_core::why::Why;
use std::fmt;

/// How messages on a link behave. Times are microseconds of simulated time.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkConfig {
    /// One-way latency is uniform in [latency_min, latency_max].
    pub latency_min: u64,
    pub latency_max: u64,
    /// Probability a message is lost.
    pub loss: f64,
    /// Probability a message is delivered twice.
    pub duplicate: f64,
    /// Probability a message is held back by up to three extra maximum latencies, so that
    /// later messages overtake it. Otherwise a link keeps its messages in order, as the TCP
    /// streams between etcd's peers do: a message never arrives before one sent earlier on
    /// the same link.
    pub reorder: f64,
}

impl Default for LinkConfig {
    fn default() -> LinkConfig {
        LinkConfig {
            latency_min: 10_000,
            latency_max: 30_000,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
        }
    }
}

/// A link setting out of range.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// The latency's minimum is above its maximum (microseconds).
    LatencyOrder { min: u64, max: u64 },
    /// The latency's maximum is above 60s (microseconds).
    LatencyTooLong { max: u64 },
    /// `loss`, `duplicate` or `reorder` (named by `setting`) is not in [0, 1].
    NotAProbability { setting: &'static str, value: f64 },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::LatencyOrder { min, max } => {
                write!(f, "latency minimum {min}us is above the maximum {max}us")
            }
            LinkError::LatencyTooLong { .. } => f.write_str("latency must be at most 60s"),
            LinkError::NotAProbability { setting, value } => write!(
                f,
                "{setting} must be a probability between 0 and 1, got {}",
                Float(*value)
            ),
        }
    }
}

impl std::error::Error for LinkError {}

impl LinkConfig {
    pub fn validate(&self) -> Result<(), LinkError> {
        if self.latency_min > self.latency_max {
            return Err(LinkError::LatencyOrder {
                min: self.latency_min,
                max: self.latency_max,
            });
        }
        if self.latency_max > 60_000_000 {
            return Err(LinkError::LatencyTooLong {
                max: self.latency_max,
            });
        }
        for (setting, value) in [
            ("loss", self.loss),
            ("duplicate", self.duplicate),
            ("reorder", self.reorder),
        ] {
            if !(0.0..=1.0).contains(&value) || value.is_nan() {
                return Err(LinkError::NotAProbability { setting, value });
            }
        }
        Ok(())
    }
}

/// A message on its way: everything a front end needs to draw it is here.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub id: u64,
    pub sent_at: u64,
    pub deliver_at: u64,
    /// Decided lost when sent (it will vanish on arrival); drawn so the loss is visible.
    pub lost: bool,
    /// The second copy of a duplicated message.
    pub duplicate: bool,
    pub msg: Message,
    /// For an answer, the rule behind what it says (a vote granted or refused, an append
    /// accepted or rejected); recorded with the events only.
    pub why: Option<Box<Why>>,
}

/// Puts messages in flight in the order they arrive: by delivery time, then by id (ids are
/// unique, so the order is total). Everything that lists messages in arrival order shares
/// this one instance of the sort.
pub fn arrival_order(v: &mut [&InFlight]) {
    v.sort_by_key(|m| (m.deliver_at, m.id));
}

/// Partitions: each node belongs to a group; messages cross only within a group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partition {
    /// group[i] is the group of node i+1; empty means no partition.
    group: Vec<u32>,
}

impl Partition {
    pub fn is_healed(&self) -> bool {
        self.group.is_empty()
    }

    pub fn connected(&self, a: NodeId, b: NodeId) -> bool {
        if self.group.is_empty() {
            return true;
        }
        let g = |n: NodeId| self.group.get((n - 1) as usize).copied();
        g(a) == g(b)
    }

    /// Splits `n` nodes into the given groups; nodes named in no group form one more group.
    pub fn split(n: usize, groups: &[Vec<NodeId>]) -> Result<Partition, PartitionError> {
        let mut group = vec![u32::MAX; n];
        for (g, members) in groups.iter().enumerate() {
            if members.is_empty() {
                return Err(PartitionError::EmptyGroup);
            }
            for &node in members {
                if node == 0 || node as usize > n {
                    return Err(PartitionError::UnknownNode { node, nodes: n });
                }
                let slot = &mut group[(node - 1) as usize];
                if *slot != u32::MAX {
                    return Err(PartitionError::InTwoGroups { node });
                }
                *slot = g as u32;
            }
        }
        let rest = groups.len() as u32;
        for slot in group.iter_mut().filter(|s| **s == u32::MAX) {
            *slot = rest;
        }
        Ok(Partition { group })
    }

    /// The groups as lists of node ids, by group number (empty when healed).
    pub fn groups(&self) -> Vec<Vec<NodeId>> {
        let Some(&last) = self.group.iter().max() else {
            return Vec::new();
        };
        (0..=last)
            .map(|g| {
                (1..)
                    .zip(&self.group)
                    .filter(|&(_, &of)| of == g)
                    .map(|(id, _)| id)
                    .collect::<Vec<NodeId>>()
            })
            .filter(|members| !members.is_empty())
            .collect()
    }

    /// The group number of a node (0 when healed).
    pub fn group_of(&self, n: NodeId) -> u32 {
        self.group.get((n - 1) as usize).copied().unwrap_or(0)
    }
}

/// Groups that do not make a partition of the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionError {
    EmptyGroup,
    /// `node` is not one of the cluster's `nodes` (ids 1..=nodes).
    UnknownNode {
        node: NodeId,
        nodes: usize,
    },
    InTwoGroups {
        node: NodeId,
    },
}

impl fmt::Display for PartitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartitionError::EmptyGroup => f.write_str("a partition group cannot be empty"),
            PartitionError::UnknownNode { node, nodes } => {
                write!(
                    f,
                    "node {node} is not in the cluster (nodes are 1..={nodes})"
                )
            }
            PartitionError::InTwoGroups { node } => {
                write!(f, "node {node} is in two partition groups")
            }
        }
    }
}

impl std::error::Error for PartitionError {}

/// The network's dice, settings and per-link overrides.
#[derive(Clone, Debug)]
pub struct Network {
    pub default_link: LinkConfig,
    pub links: Links,
    pub partition: Partition,
    rng: Rng,
    /// The latest arrival time of a message kept in order on each link: `tail[from][to]`
    /// (grown as node ids appear; a lookup per message sent, so no map).
    tail: Vec<Vec<u64>>,
}

/// The links with settings of their own, by (from, to): the few calls of a `BTreeMap` the
/// network needs, on a vector sorted by link (there are a handful at most, and the map's code
/// is a sizeable part of the wasm).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Links(Vec<((NodeId, NodeId), LinkConfig)>);

impl Links {
    fn find(&self, link: &(NodeId, NodeId)) -> Result<usize, usize> {
        self.0.binary_search_by(|(l, _)| l.cmp(link))
    }

    pub fn get(&self, link: &(NodeId, NodeId)) -> Option<&LinkConfig> {
        let i = self.find(link).ok()?;
        self.0.get(i).map(|(_, config)| config)
    }

    pub fn insert(&mut self, link: (NodeId, NodeId), config: LinkConfig) {
        match self.find(&link) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = config;
                }
            }
            Err(i) => self.0.insert(i, (link, config)),
        }
    }

    pub fn remove(&mut self, link: &(NodeId, NodeId)) -> Option<LinkConfig> {
        let i = self.find(link).ok()?;
        Some(self.0.remove(i).1)
    }

    /// The links, in order.
    pub fn keys(&self) -> impl Iterator<Item = &(NodeId, NodeId)> {
        self.0.iter().map(|(link, _)| link)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What the network decided for one message.
pub struct Fate {
    pub latency: u64,
    pub lost: bool,
    pub duplicate_latency: Option<u64>,
}

impl Network {
    pub fn new(seed: u64, default_link: LinkConfig) -> Network {
        Network {
            default_link,
            links: Links::default(),
            partition: Partition::default(),
            rng: Rng::fork(seed, 0x6e6574),
            tail: Vec::new(),
        }
    }

    pub fn link(&self, from: NodeId, to: NodeId) -> &LinkConfig {
        self.links.get(&(from, to)).unwrap_or(&self.default_link)
    }

    /// Draws the fate of a message sent at `now`: its latency, loss and duplication. Always
    /// the same number of draws per message, so changing a probability does not shift every
    /// later random choice. A message not held back (see `LinkConfig::reorder`) arrives no
    /// earlier than the previous one on its link; a duplicate's copy comes whenever.
    pub fn fate(&mut self, from: NodeId, to: NodeId, now: u64) -> Fate {
        let link = self.link(from, to).clone();
        // (latency, held back)
        let lat = |rng: &mut Rng| {
            let l = rng.range(link.latency_min, link.latency_max + 1);
            let hold = rng.next_f64() < link.reorder;
            let extra = rng.range(0, 3 * link.latency_max + 1);
            if hold {
                ((l + extra).max(1), true)
            } else {
                (l.max(1), false)
            }
        };
        let (mut latency, held) = lat(&mut self.rng);
        if !held {
            let (f, t) = (from as usize, to as usize);
            if self.tail.len() <= f {
                self.tail.resize(f + 1, Vec::new());
            }
            let row = &mut self.tail[f];
            if row.len() <= t {
                row.resize(t + 1, 0);
            }
            let tail = &mut row[t];
            latency = latency.max(tail.saturating_sub(now));
            *tail = now + latency;
        }
        let lost = self.rng.next_f64() < link.loss;
        let dup = self.rng.next_f64() < link.duplicate;
        let (dup_latency, _) = lat(&mut self.rng);
        Fate {
            latency,
            lost,
            duplicate_latency: dup.then_some(dup_latency),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlisted_nodes_form_their_own_group() {
        let p = Partition::split(5, &[vec![1, 2]]).unwrap();
        assert!(p.connected(1, 2));
        assert!(p.connected(3, 5));
        assert!(!p.connected(2, 3));
        assert_eq!(p.groups(), vec![vec![1, 2], vec![3, 4, 5]]);
        let p = Partition::split(5, &[vec![4], vec![5, 1]]).unwrap();
        assert_eq!(p.groups(), vec![vec![4], vec![1, 5], vec![2, 3]]);
        assert!(Partition::default().groups().is_empty());
    }

    #[test]
    fn links_keep_one_setting_each_in_order() {
        let mut links = Links::default();
        let slow = |ms: u64| LinkConfig {
            latency_min: ms * 1000,
            latency_max: ms * 1000,
            ..LinkConfig::default()
        };
        links.insert((2, 1), slow(5));
        links.insert((1, 3), slow(6));
        links.insert((2, 1), slow(7));
        assert_eq!(links.keys().copied().collect::<Vec<_>>(), [(1, 3), (2, 1)]);
        assert_eq!(links.get(&(2, 1)), Some(&slow(7)));
        assert_eq!(links.get(&(1, 2)), None);
        assert_eq!(links.remove(&(1, 3)), Some(slow(6)));
        assert_eq!(links.remove(&(1, 3)), None);
        assert!(!links.is_empty());
    }

    #[test]
    fn bad_partitions_are_errors() {
        assert_eq!(
            Partition::split(3, &[vec![1], vec![1]]),
            Err(PartitionError::InTwoGroups { node: 1 })
        );
        let e = Partition::split(3, &[vec![4]]).unwrap_err();
        assert_eq!(e, PartitionError::UnknownNode { node: 4, nodes: 3 });
        assert_eq!(
            e.to_string(),
            "node 4 is not in the cluster (nodes are 1..=3)"
        );
        assert_eq!(
            Partition::split(3, &[vec![]]),
            Err(PartitionError::EmptyGroup)
        );
    }

    #[test]
    fn bad_links_are_errors_naming_the_setting() {
        let e = LinkConfig {
            reorder: 1.5,
            ..LinkConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            e,
            LinkError::NotAProbability {
                setting: "reorder",
                value: 1.5
            }
        );
        assert_eq!(
            e.to_string(),
            "reorder must be a probability between 0 and 1, got 1.5"
        );
        let e = LinkConfig {
            latency_min: 5,
            latency_max: 4,
            ..LinkConfig::default()
        }
        .validate();
        assert_eq!(e, Err(LinkError::LatencyOrder { min: 5, max: 4 }));
    }

    #[test]
    fn a_link_keeps_its_messages_in_order_unless_told_to_reorder() {
        let arrivals = |reorder: f64| {
            let mut n = Network::new(
                5,
                LinkConfig {
                    latency_min: 10,
                    latency_max: 30,
                    reorder,
                    ..Default::default()
                },
            );
            // One message a microsecond: latencies alone would reorder most of them.
            (0..1000u64)
                .map(|now| now + n.fate(1, 2, now).latency)
                .collect::<Vec<_>>()
        };
        let fifo = arrivals(0.0);
        assert!(fifo.windows(2).all(|w| w[0] <= w[1]), "{fifo:?}");
        let reordered = arrivals(0.5);
        assert!(reordered.windows(2).any(|w| w[0] > w[1]));
        // Another link is not held up by this one.
        let mut n = Network::new(5, LinkConfig::default());
        n.fate(1, 2, 0);
        assert!(n.fate(1, 3, 0).latency <= LinkConfig::default().latency_max);
    }

    #[test]
    fn latency_stays_in_range_without_reordering() {
        let mut n = Network::new(
            3,
            LinkConfig {
                latency_min: 5,
                latency_max: 9,
                ..Default::default()
            },
        );
        for _ in 0..1000 {
            let f = n.fate(1, 2, 0);
            assert!((5..=9).contains(&f.latency));
            assert!(!f.lost);
            assert!(f.duplicate_latency.is_none());
        }
    }
}
