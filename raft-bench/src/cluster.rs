//! A simulated cluster of `BenchNode`s: one global FIFO queue, no latency, optional loss.
//!
//! Time is external: the workload calls [`Cluster::tick`] and then [`Cluster::drive`], which
//! runs rounds until nothing is left to do. A round first lets every live node handle its
//! pending output (ascending id), then delivers exactly the messages queued at that moment.

use super::ledger::{pairwise_consistent, Applier, Ledger};
use super::node::{BenchNode, NodeOpts, Payload};
use super::rng::SplitMix64;
use raft_core::types::{Index, NodeId, Term};

/// Message and Ready counts since the cluster was built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Messages stepped into a live node.
    pub delivered: u64,
    /// Messages lost to the drop stream.
    pub dropped: u64,
    /// Messages addressed to a crashed node.
    pub lost: u64,
    /// Node-rounds in which a node had output to handle (see `BenchNode::handle_ready`).
    pub readies: u64,
}

impl Counters {
    /// The counts accumulated since `earlier`.
    pub fn since(&self, earlier: &Counters) -> Counters {
        Counters {
            delivered: self.delivered - earlier.delivered,
            dropped: self.dropped - earlier.dropped,
            lost: self.lost - earlier.lost,
            readies: self.readies - earlier.readies,
        }
    }
}

/// Message loss: every delivery draws once from `rng` and is dropped below `p`.
#[derive(Clone, Debug)]
pub struct Loss {
    pub rng: SplitMix64,
    pub p: f64,
}

enum Slot<N: BenchNode> {
    Up(N),
    Down(N::Durable),
    /// Only while a node moves between `Up` and `Down`.
    Moving,
}

/// Whether pre-vote and check-quorum are on, and the size; fixed for a cluster's life.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClusterOpts {
    pub n: u64,
    pub pre_vote: bool,
    pub check_quorum: bool,
}

pub struct Cluster<N: BenchNode> {
    opts: ClusterOpts,
    /// `slots[id - 1]`.
    slots: Vec<Slot<N>>,
    /// The durable applied log of every node, indexed like `slots`; it survives crashes.
    applied: Vec<Vec<u64>>,
    ledger: Ledger,
    /// Messages waiting for the next delivery step, and a spare buffer swapped in for it so a
    /// round never allocates.
    queue: Vec<N::Msg>,
    in_flight: Vec<N::Msg>,
    loss: Option<Loss>,
    counters: Counters,
}

impl<N: BenchNode> Cluster<N> {
    /// `n` fresh nodes 1..=n; each takes one seed from `seeds`.
    pub fn new(opts: ClusterOpts, seeds: &mut SplitMix64) -> Cluster<N> {
        let slots = (1..=opts.n)
            .map(|id| Slot::Up(N::boot(&node_opts(&opts, id, seeds.next_u64()))))
            .collect();
        Cluster {
            opts,
            slots,
            applied: vec![Vec::new(); opts.n as usize],
            ledger: Ledger::default(),
            queue: Vec::new(),
            in_flight: Vec::new(),
            loss: None,
            counters: Counters::default(),
        }
    }

    pub fn set_loss(&mut self, loss: Option<Loss>) {
        self.loss = loss;
    }

    pub fn ids(&self) -> impl Iterator<Item = NodeId> {
        1..=self.opts.n
    }

    pub fn is_up(&self, id: NodeId) -> bool {
        matches!(self.slot(id), Slot::Up(_))
    }

    /// The one node that is down, if any.
    pub fn down(&self) -> Option<NodeId> {
        self.ids().find(|&id| !self.is_up(id))
    }

    /// One tick: `tick()` on every live node in ascending id order.
    pub fn tick(&mut self) {
        for slot in &mut self.slots {
            if let Slot::Up(node) = slot {
                node.tick();
            }
        }
    }

    /// Runs rounds until no node has output and the queue is empty.
    pub fn drive(&mut self) {
        loop {
            let mut busy = false;
            for (slot, log) in self.slots.iter_mut().zip(&mut self.applied) {
                if let Slot::Up(node) = slot {
                    let mut sm = Applier {
                        log,
                        ledger: &mut self.ledger,
                    };
                    if node.handle_ready(&mut self.queue, &mut sm) {
                        busy = true;
                        self.counters.readies += 1;
                    }
                }
            }
            if !busy && self.queue.is_empty() {
                return;
            }
            // Deliver what is queued now; replies wait for the next round's readies.
            std::mem::swap(&mut self.queue, &mut self.in_flight);
            for msg in self.in_flight.drain(..) {
                if let Some(loss) = &mut self.loss {
                    // One draw per message, even to a crashed node, so the drop stream does
                    // not depend on which node is down.
                    if loss.rng.next_f64() < loss.p {
                        self.counters.dropped += 1;
                        continue;
                    }
                }
                let to = N::recipient(&msg);
                match self.slots.get_mut((to as usize).wrapping_sub(1)) {
                    Some(Slot::Up(node)) => {
                        node.step(msg);
                        self.counters.delivered += 1;
                    }
                    _ => self.counters.lost += 1,
                }
            }
        }
    }

    /// The live node in the Leader role with the highest term, and that term.
    pub fn leader(&self) -> Option<(NodeId, Term)> {
        let mut best: Option<(NodeId, Term)> = None;
        for (id, slot) in self.ids().zip(&self.slots) {
            if let Slot::Up(node) = slot {
                if node.is_leader() && best.is_none_or(|(_, t)| node.term() > t) {
                    best = Some((id, node.term()));
                }
            }
        }
        best
    }

    /// Proposes `payloads` as one proposal to node `id`; false if it is down or rejected it.
    pub fn propose(&mut self, id: NodeId, payloads: &[Payload]) -> bool {
        match self.slot_mut(id) {
            Slot::Up(node) => node.propose(payloads),
            _ => false,
        }
    }

    /// The last log index of live node `id`.
    pub fn last_index(&self, id: NodeId) -> Option<Index> {
        match self.slot(id) {
            Slot::Up(node) => Some(node.last_index()),
            _ => None,
        }
    }

    /// Crashes a live node: its volatile state is gone, its durable state and applied log stay.
    pub fn crash(&mut self, id: NodeId) {
        let slot = self.slot_mut(id);
        *slot = match std::mem::replace(slot, Slot::Moving) {
            Slot::Up(node) => Slot::Down(node.crash()),
            other => other,
        };
    }

    /// Restarts a crashed node over its durable state, with a fresh seed.
    pub fn restart(&mut self, id: NodeId, seed: u64) {
        let opts = node_opts(&self.opts, id, seed);
        let applied = self.applied(id).len() as Index;
        let slot = self.slot_mut(id);
        *slot = match std::mem::replace(slot, Slot::Moving) {
            Slot::Down(durable) => Slot::Up(N::restart(&opts, durable, applied)),
            other => other,
        };
    }

    pub fn applied(&self, id: NodeId) -> &[u64] {
        &self.applied[(id - 1) as usize]
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Log Matching over the applied logs of the given nodes, and no safety violation.
    pub fn logs_consistent(&self, ids: impl IntoIterator<Item = NodeId>) -> bool {
        self.ledger.violations() == 0
            && pairwise_consistent(ids.into_iter().map(|id| self.applied(id)))
    }

    fn slot(&self, id: NodeId) -> &Slot<N> {
        &self.slots[(id - 1) as usize]
    }

    fn slot_mut(&mut self, id: NodeId) -> &mut Slot<N> {
        &mut self.slots[(id - 1) as usize]
    }
}

fn node_opts(c: &ClusterOpts, id: NodeId, seed: u64) -> NodeOpts {
    NodeOpts {
        id,
        n: c.n,
        pre_vote: c.pre_vote,
        check_quorum: c.check_quorum,
        seed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy node: on every tick node 1 pings everyone, and a ping is answered with a pong.
    /// It has no Raft in it, so the counts below are the harness's alone.
    struct Echo {
        id: NodeId,
        n: u64,
        outbox: Vec<(NodeId, NodeId, bool)>,
    }

    impl BenchNode for Echo {
        /// (from, to, is_ping)
        type Msg = (NodeId, NodeId, bool);
        type Durable = ();
        const IMPL: &'static str = "echo";

        fn boot(o: &NodeOpts) -> Self {
            Echo {
                id: o.id,
                n: o.n,
                outbox: Vec::new(),
            }
        }
        fn crash(self) {}
        fn restart(o: &NodeOpts, _: (), _: Index) -> Self {
            Echo::boot(o)
        }
        fn tick(&mut self) {
            if self.id == 1 {
                self.outbox.extend((2..=self.n).map(|to| (1, to, true)));
            }
        }
        fn step(&mut self, (from, _, ping): Self::Msg) {
            if ping {
                self.outbox.push((self.id, from, false));
            }
        }
        fn recipient(msg: &Self::Msg) -> NodeId {
            msg.1
        }
        fn handle_ready(&mut self, outbox: &mut Vec<Self::Msg>, _: &mut Applier<'_>) -> bool {
            let busy = !self.outbox.is_empty();
            outbox.append(&mut self.outbox);
            busy
        }
        fn propose(&mut self, _: &[Payload]) -> bool {
            false
        }
        fn is_leader(&self) -> bool {
            self.id == 1
        }
        fn term(&self) -> Term {
            1
        }
        fn last_index(&self) -> Index {
            0
        }
    }

    fn cluster() -> Cluster<Echo> {
        let opts = ClusterOpts {
            n: 5,
            pre_vote: false,
            check_quorum: false,
        };
        Cluster::new(opts, &mut SplitMix64::new(1))
    }

    #[test]
    fn drive_delivers_requests_then_replies() {
        let mut c = cluster();
        c.tick();
        c.drive();
        let k = c.counters();
        assert_eq!((k.delivered, k.dropped, k.lost), (8, 0, 0));
        // Round 1: node 1 sends pings; round 2: nodes 2..=5 send pongs.
        assert_eq!(k.readies, 5);
        assert_eq!(c.leader(), Some((1, 1)));
    }

    #[test]
    fn messages_to_a_crashed_node_are_lost_and_it_comes_back() {
        let mut c = cluster();
        c.crash(3);
        assert_eq!(c.down(), Some(3));
        c.tick();
        c.drive();
        let k = c.counters();
        assert_eq!((k.delivered, k.lost), (6, 1));
        c.restart(3, 0);
        assert_eq!(c.down(), None);
    }

    #[test]
    fn loss_draws_once_per_message_even_to_a_crashed_node() {
        let mut c = cluster();
        c.crash(3);
        c.set_loss(Some(Loss {
            rng: SplitMix64::new(9),
            p: 1.0,
        }));
        c.tick();
        c.drive();
        let k = c.counters();
        assert_eq!((k.delivered, k.dropped, k.lost), (0, 4, 0));
    }

    #[test]
    fn a_crashed_leader_is_not_the_leader() {
        let mut c = cluster();
        c.crash(1);
        assert_eq!(c.leader(), None);
    }
}
