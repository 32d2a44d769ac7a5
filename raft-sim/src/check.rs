//! A checker for the five safety properties of the Raft paper (Figure 3).
//!
//! The [`Checker`] watches a cluster from the outside: after every event the simulator hands it
//! an [`Observation`] of each node and tells it what each state machine applied. It never calls
//! into the protocol code, so a bug there cannot hide itself from the checker, and tests can feed
//! it hand-built states.
//!
//! The checker keeps no copy of any log. A call costs time proportional to what changed since the
//! node's previous observation (entries written, entries newly committed), not to the length of
//! the logs or the size of the cluster. The exceptions are bounded and rare: the first observation
//! of a node, and one after a snapshot replaced its log, read the whole log once; a violation walks
//! the log once to name the earliest entry at fault.
//!
//! Its ledgers (below) hold a few words per entry. Told the cluster's members
//! ([`Checker::for_members`]), it forgets the entries below every node's snapshot, which no check
//! can look at again: with log compaction, a run of any length then needs bounded memory.
//!
//! How each property is checked:
//!
//! - **Election Safety**: the leader seen for each term; a different one in the same term is a
//!   violation.
//! - **Leader Append-Only**: a node that stays leader of one term between two observations must
//!   still hold every entry it held (same term, same command) and must not shrink its log.
//! - **Log Matching**: by induction on the index, the property holds exactly when every
//!   (index, term) pair names one entry cluster-wide: one command, and one term at index - 1.
//!   A global map (index, term) -> (hash of command, previous term) is checked against every entry
//!   written. With that established, "holds the entry (i, t)" means "holds the whole prefix up to
//!   i", which lets the other checks look at single entries instead of whole logs.
//! - **Leader Completeness**: a ledger of committed entries, each with the term in which it was
//!   first seen committed. A leader of term T must hold every entry committed in a term below T;
//!   by Log Matching it is enough that it holds the highest such entry. That is checked when a node
//!   is first seen leading T, and again for every current leader whenever an older term commits
//!   more. Two different entries committed at one index means a committed entry was lost.
//! - **State Machine Safety**: a ledger of applied entries; a different entry applied at an index,
//!   or an applied entry other than the one committed there, is a violation, and so is a state
//!   machine that skips or repeats an index.
//!
//! Commands are compared by a 64-bit FNV-1a hash: deterministic on every platform (std's SipHash
//! keys are random per process), and a collision can only hide a violation, never invent one.
//!
//! After a violation the checker's state is unspecified: stop the run, or expect follow-on reports.

use raft_core::hash::{fnv1a, Fnv};
use raft_core::types::{Entry, Index, NodeId, Role, Term};
use std::collections::hash_map::Entry as MapEntry;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// What the checker sees of one node after an event. `entries` are the node's log after its
/// snapshot: indexes `snapshot_index + 1 ..= snapshot_index + entries.len()`.
#[derive(Clone, Copy, Debug)]
pub struct Observation<'a> {
    pub node: NodeId,
    pub term: Term,
    pub role: Role,
    pub snapshot_index: Index,
    pub snapshot_term: Term,
    pub entries: &'a [Entry],
    /// Lowest log index whose entry may differ from what this node's log held at its previous
    /// observation (entries below it are unchanged; last_index+1 or greater when nothing changed).
    /// After a crash+restart or a snapshot restore the simulator passes the first index of the log.
    pub changed_from: Index,
    pub commit: Index,
}

impl Observation<'_> {
    /// The first index held as an entry (just after the snapshot).
    pub fn first_index(&self) -> Index {
        self.snapshot_index + 1
    }

    /// The last index of the log (the snapshot's index when no entry follows it).
    pub fn last_index(&self) -> Index {
        self.snapshot_index + self.entries.len() as Index
    }

    /// The entry at `index`, which must lie in `first_index()..=last_index()`.
    fn entry(&self, index: Index) -> &Entry {
        &self.entries[(index - self.first_index()) as usize]
    }

    /// The term of the entry just before `index`: the snapshot's term for the first entry.
    fn prev_term(&self, index: Index) -> Term {
        if index == self.first_index() {
            self.snapshot_term
        } else {
            self.entry(index - 1).term
        }
    }
}

/// One of the five safety properties of Figure 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Property {
    ElectionSafety,
    LeaderAppendOnly,
    LogMatching,
    LeaderCompleteness,
    StateMachineSafety,
}

impl Property {
    pub const ALL: [Property; 5] = [
        Property::ElectionSafety,
        Property::LeaderAppendOnly,
        Property::LogMatching,
        Property::LeaderCompleteness,
        Property::StateMachineSafety,
    ];

    /// The property's name as the paper writes it.
    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "Election Safety",
            Property::LeaderAppendOnly => "Leader Append-Only",
            Property::LogMatching => "Log Matching",
            Property::LeaderCompleteness => "Leader Completeness",
            Property::StateMachineSafety => "State Machine Safety",
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken safety property.
///
/// `nodes` lists the nodes involved in the order `detail` names them: the node whose state came
/// first, then the one that contradicts it (a single node when one node contradicts itself).
/// `index` and `term` locate the entry at stake: the entry both logs claim (Log Matching), the
/// committed entry that was lost or is missing (Leader Completeness), the entry established first
/// (State Machine Safety). For Leader Append-Only `term` is the leader's term and `index` the
/// first entry it overwrote or deleted; for Election Safety `term` is the contested term and
/// `index` is 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub property: Property,
    pub nodes: Vec<NodeId>,
    pub term: Term,
    pub index: Index,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violated: {}", self.property, self.detail)
    }
}

impl std::error::Error for Violation {}

/// The hasher of the checker's maps: FNV-1a (the same on every run and platform, so that two
/// runs of one seed behave identically) with a final avalanche.
#[derive(Default)]
struct MapHasher(Fnv);

impl Hasher for MapHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.bytes(bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.0.u64(n);
    }

    fn finish(&self) -> u64 {
        // The hash table picks buckets with the low bits and tags with the high ones; a final
        // avalanche (MurmurHash3's fmix64) spreads consecutive indexes over both.
        let mut h = self.0 .0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<MapHasher>>;

/// An entry some node wrote, kept under its (index, term).
#[derive(Clone, Copy, Debug)]
struct Written {
    hash: u64,
    prev_term: Term,
    node: NodeId,
}

/// An entry known to be committed.
#[derive(Clone, Copy, Debug)]
struct Committed {
    term: Term,
    /// None while the entry is known only as the last one covered by a snapshot.
    hash: Option<u64>,
    /// The lowest term of a node seen with this entry committed. A node learns of a commit in its
    /// current term at the latest, so the entry was committed in this term or earlier: leaders of
    /// later terms must hold it.
    commit_term: Term,
    node: NodeId,
}

/// An entry some state machine applied.
#[derive(Clone, Copy, Debug)]
struct Applied {
    term: Term,
    hash: u64,
    node: NodeId,
}

/// What the checker remembers of one node between observations: its role, and the shape of its
/// log as runs of equal terms (few: one per leader the log has followed), not the log itself.
#[derive(Clone, Debug)]
struct NodeState {
    observed: bool,
    term: Term,
    role: Role,
    snapshot_index: Index,
    snapshot_term: Term,
    last_index: Index,
    /// (first index, term) of each run of equal terms, ascending. They describe the log at
    /// `snapshot_index + 1 ..= last_index`; the first run may start below it.
    runs: Vec<(Index, Term)>,
    /// Highest index up to which this node's committed entries went into the ledger.
    committed: Index,
    /// Last index the state machine applied (or restored from a snapshot): the next must follow.
    applied: Index,
}

impl Default for NodeState {
    fn default() -> NodeState {
        NodeState {
            observed: false,
            term: 0,
            role: Role::Follower,
            snapshot_index: 0,
            snapshot_term: 0,
            last_index: 0,
            runs: Vec::new(),
            committed: 0,
            applied: 0,
        }
    }
}

impl NodeState {
    /// The term at `index` as last observed: the snapshot's term at its index, None where the
    /// log is compacted or ends.
    fn term_at(&self, index: Index) -> Option<Term> {
        if index == self.snapshot_index {
            return Some(self.snapshot_term);
        }
        if index < self.snapshot_index || index > self.last_index {
            return None;
        }
        let run = self.runs.partition_point(|&(start, _)| start <= index);
        run.checked_sub(1).map(|r| self.runs[r].1)
    }

    /// Whether the log holds the entry (index, term). Compacted entries were committed before
    /// they were compacted, and the snapshot's own entry is compared against the ledger when
    /// it appears, so whatever a snapshot covers counts as held.
    fn holds(&self, index: Index, term: Term) -> bool {
        index < self.snapshot_index || self.term_at(index) == Some(term)
    }

    /// Whether `o` shows exactly what this node showed last time, so nothing can break.
    fn unchanged_by(&self, o: &Observation) -> bool {
        let last = o.last_index();
        self.observed
            && (self.term, self.role) == (o.term, o.role)
            && (self.snapshot_index, self.snapshot_term, self.last_index)
                == (o.snapshot_index, o.snapshot_term, last)
            && o.changed_from > last
            && self.committed == o.commit.max(o.snapshot_index).min(last)
    }

    /// Takes in the observed log: entries from `cut` on are new, everything below is unchanged.
    fn record_log(&mut self, o: &Observation, cut: Index, replaced: bool) {
        let first = o.first_index();
        if replaced {
            self.runs.clear();
        } else if o.snapshot_index != self.snapshot_index {
            // Compaction: forget runs that end below the first entry still held.
            let below = self.runs.partition_point(|&(start, _)| start <= first);
            if below > 1 {
                self.runs.drain(..below - 1);
            }
        }
        let keep = self.runs.partition_point(|&(start, _)| start < cut);
        self.runs.truncate(keep);
        for i in cut..=o.last_index() {
            let term = o.entry(i).term;
            if self.runs.last().map(|&(_, t)| t) != Some(term) {
                self.runs.push((i, term));
            }
        }
        self.snapshot_index = o.snapshot_index;
        self.snapshot_term = o.snapshot_term;
        self.last_index = o.last_index();
    }
}

/// "node 2" or "nodes 2 and 4".
fn nodes_word(a: NodeId, b: NodeId) -> String {
    if a == b {
        format!("node {a}")
    } else {
        format!("nodes {a} and {b}")
    }
}

fn pair(a: NodeId, b: NodeId) -> Vec<NodeId> {
    if a == b {
        vec![a]
    } else {
        vec![a, b]
    }
}

/// Watches a cluster and reports the first broken safety property. See the module docs.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    nodes: Map<NodeId, NodeState>,
    /// The leader seen in each term.
    leaders: Map<Term, NodeId>,
    /// Nodes whose latest observation showed them leading (usually one; more while a deposed
    /// leader has not heard of the newer term).
    current_leaders: Vec<NodeId>,
    /// Every entry written at or above `forgotten_below`, by (index, term).
    written: Map<(Index, Term), Written>,
    committed: Map<Index, Committed>,
    applied: Map<Index, Applied>,
    /// (commit term c, highest index seen committed by a node in term <= c), ascending in both.
    /// The entry at that index is what a leader of any term above c must hold.
    frontier: Vec<(Term, Index)>,
    /// Every node of the cluster, when known (see `for_members`); empty: the ledgers keep all.
    members: Vec<NodeId>,
    /// The ledgers hold nothing below this index (see `forget_compacted`).
    forgotten_below: Index,
    /// Each node's voters as it last took them: the incoming half, and the outgoing one
    /// while joint (see `configured`).
    configs: Map<NodeId, (Vec<NodeId>, Vec<NodeId>)>,
}

/// How far every node's snapshot must move past what the ledgers last forgot before they are
/// swept again: each sweep walks the ledgers, so it comes once per this many entries.
const FORGET_EVERY: Index = 256;

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    /// A checker that knows every node of the cluster, so that its ledgers can forget the
    /// entries every node has compacted (a long run then needs bounded memory). Nodes it has
    /// not observed yet count as holding their whole log.
    pub fn for_members(members: impl IntoIterator<Item = NodeId>) -> Checker {
        Checker {
            members: members.into_iter().collect(),
            ..Checker::default()
        }
    }

    /// How many entries the ledgers hold (written, committed, applied), for tests and probes.
    pub fn ledger_len(&self) -> usize {
        self.written.len() + self.committed.len() + self.applied.len()
    }

    /// The leader seen for `term`, if any.
    pub fn leader(&self, term: Term) -> Option<NodeId> {
        self.leaders.get(&term).copied()
    }

    /// The term of the entry known committed at `index`, if any.
    pub fn committed_term(&self, index: Index) -> Option<Term> {
        self.committed.get(&index).map(|c| c.term)
    }

    /// Check everything this observation can break. Err on the first violation found.
    pub fn observe(&mut self, o: &Observation) -> Result<(), Violation> {
        // Most events (ticks, heartbeats) leave a node as it was: one lookup settles those.
        if self.nodes.get(&o.node).is_some_and(|n| n.unchanged_by(o)) {
            return Ok(());
        }
        // The node's own state is taken out while it is updated, so that the checks can borrow
        // the rest of the checker (other leaders, the ledgers) freely.
        let mut node = self.nodes.remove(&o.node).unwrap_or_default();
        let snapshot_before = node.snapshot_index;
        let result = self.observe_node(o, &mut node);
        let snapshot_moved = node.snapshot_index != snapshot_before;
        self.nodes.insert(o.node, node);
        if result.is_ok() && snapshot_moved {
            self.forget_compacted();
        }
        result
    }

    /// Forgets the ledgers' entries below every node's snapshot. Nothing a check reads is lost:
    /// a node's snapshot index never goes down (a restart keeps the durable snapshot), so no
    /// node can write, commit, apply or restore an entry below it again; the checks look at
    /// entries above a node's snapshot and at the snapshot's own entry, and a leader "holds"
    /// whatever lies below its snapshot. So an index below the lowest snapshot of all is never
    /// looked up again (a Leader Completeness lookup there finds it held either way).
    fn forget_compacted(&mut self) {
        let floor = self
            .members
            .iter()
            .map(|id| {
                self.nodes
                    .get(id)
                    .filter(|n| n.observed)
                    .map_or(0, |n| n.snapshot_index)
            })
            .min()
            .unwrap_or(0);
        if floor < self.forgotten_below + FORGET_EVERY {
            return;
        }
        self.written.retain(|&(index, _), _| index >= floor);
        self.committed.retain(|&index, _| index >= floor);
        self.applied.retain(|&index, _| index >= floor);
        self.forgotten_below = floor;
    }

    fn observe_node(&mut self, o: &Observation, node: &mut NodeState) -> Result<(), Violation> {
        let (first, last) = (o.first_index(), o.last_index());

        if o.role == Role::Leader {
            let leader = *self.leaders.entry(o.term).or_insert(o.node);
            if leader != o.node {
                return Err(Violation {
                    property: Property::ElectionSafety,
                    nodes: vec![leader, o.node],
                    term: o.term,
                    index: 0,
                    detail: format!(
                        "nodes {leader} and {} were both leader in term {}",
                        o.node, o.term
                    ),
                });
            }
        }

        // A log whose snapshot point no longer carries the term we knew there was replaced by a
        // snapshot (or never seen): read all of it. Otherwise trust changed_from.
        let replaced = !node.observed || node.term_at(o.snapshot_index) != Some(o.snapshot_term);
        let cut = if replaced {
            first
        } else {
            o.changed_from.clamp(first, last + 1)
        };
        let still_leader = node.observed
            && node.role == Role::Leader
            && o.role == Role::Leader
            && node.term == o.term;
        if still_leader {
            self.check_append_only(o, node, cut)?;
        }
        self.check_log_matching(o, cut)?;

        let snapshot_moved = replaced || o.snapshot_index != node.snapshot_index;
        node.record_log(o, cut, replaced);
        // A node must never change an entry it knows committed: entries from the cut on go
        // through the ledger again (for an honest node they are above its commit index anyway).
        node.committed = node.committed.min(cut - 1);
        if o.snapshot_index > 0 && (snapshot_moved || node.committed < o.snapshot_index) {
            self.record_commit(o.snapshot_index, o.snapshot_term, None, o.term, o.node)?;
        }

        if o.role == Role::Leader && !still_leader {
            self.check_new_leader(node, o.node, o.term)?;
        }
        if o.role == Role::Leader {
            if !self.current_leaders.contains(&o.node) {
                self.current_leaders.push(o.node);
            }
        } else if node.role == Role::Leader {
            self.current_leaders.retain(|&l| l != o.node);
        }
        node.observed = true;
        node.term = o.term;
        node.role = o.role;

        // Everything the snapshot covers is committed; a commit index past the log's end names
        // entries the node does not have, so only what it holds can be checked.
        let commit = o.commit.max(o.snapshot_index).min(last);
        if commit < node.committed {
            node.committed = commit;
        }
        if commit > node.committed {
            for i in (node.committed + 1).max(first)..=commit {
                let e = o.entry(i);
                self.record_commit(i, e.term, Some(fnv1a(e.data.as_slice())), o.term, o.node)?;
            }
            node.committed = commit;
            if self.advance_frontier(o.term, commit) {
                self.check_current_leaders(o.term, commit)?;
            }
        }
        Ok(())
    }

    /// Leader Append-Only for a node that led `o.term` at its previous observation too.
    fn check_append_only(
        &self,
        o: &Observation,
        node: &NodeState,
        cut: Index,
    ) -> Result<(), Violation> {
        let leader = o.node;
        let term = o.term;
        let violation = |index: Index, detail: String| Violation {
            property: Property::LeaderAppendOnly,
            nodes: vec![leader],
            term,
            index,
            detail,
        };
        // Only entries the simulator says may have changed need looking at.
        for i in cut..=node.last_index.min(o.last_index()) {
            let e = o.entry(i);
            match node.term_at(i) {
                Some(old) if old != e.term => {
                    return Err(violation(
                        i,
                        format!(
                            "node {leader}, leader of term {term}, overwrote its entry at index {i} \
                             (term {old}) with an entry of term {}",
                            e.term
                        ),
                    ));
                }
                Some(old) => {
                    // Same term: the entry recorded for (i, old) is the one this leader held.
                    if let Some(w) = self.written.get(&(i, old)) {
                        if w.hash != fnv1a(e.data.as_slice()) || w.prev_term != o.prev_term(i) {
                            return Err(violation(
                                i,
                                format!(
                                    "node {leader}, leader of term {term}, overwrote its entry at \
                                     index {i} (term {old}) with a different one of the same term"
                                ),
                            ));
                        }
                    }
                }
                None => {}
            }
        }
        if o.last_index() < node.last_index {
            let from = o.last_index() + 1;
            return Err(violation(
                from,
                format!(
                    "node {leader}, leader of term {term}, deleted its entries at indexes {from}..={}",
                    node.last_index
                ),
            ));
        }
        Ok(())
    }

    /// Log Matching for the entries from `cut` on: each (index, term) must name one command and
    /// one previous term, whichever node holds it.
    fn check_log_matching(&mut self, o: &Observation, cut: Index) -> Result<(), Violation> {
        for i in cut..=o.last_index() {
            let e = o.entry(i);
            debug_assert_eq!(
                e.index, i,
                "node {}: entry at position of index {i} says {}",
                o.node, e.index
            );
            let hash = fnv1a(e.data.as_slice());
            let prev_term = o.prev_term(i);
            let w = match self.written.entry((i, e.term)) {
                MapEntry::Vacant(v) => {
                    v.insert(Written {
                        hash,
                        prev_term,
                        node: o.node,
                    });
                    continue;
                }
                MapEntry::Occupied(w) => *w.get(),
            };
            let who = nodes_word(w.node, o.node);
            let detail = if w.hash != hash {
                if w.node == o.node {
                    format!(
                        "{who} held different entries at index {i} in term {} (its command is now {:?})",
                        e.term, e.data
                    )
                } else {
                    format!(
                        "{who} hold different entries at index {i} in term {} (node {}'s command is {:?}, \
                         node {}'s differs)",
                        e.term, o.node, e.data, w.node
                    )
                }
            } else if w.prev_term != prev_term {
                format!(
                    "{who} hold the entry at index {i} in term {} after different entries at index {} \
                     (term {} on node {}, term {prev_term} on node {})",
                    e.term,
                    i - 1,
                    w.prev_term,
                    w.node,
                    o.node
                )
            } else {
                continue;
            };
            return Err(Violation {
                property: Property::LogMatching,
                nodes: pair(w.node, o.node),
                term: e.term,
                index: i,
                detail,
            });
        }
        Ok(())
    }

    /// Puts an entry a node treats as committed into the ledger. `hash` is None for the last
    /// entry of a snapshot, known only by its term.
    fn record_commit(
        &mut self,
        index: Index,
        term: Term,
        hash: Option<u64>,
        commit_term: Term,
        node: NodeId,
    ) -> Result<(), Violation> {
        let describe = |node: NodeId, term: Term, hash: Option<u64>| match hash {
            Some(_) => format!("node {node} committed an entry of term {term} at index {index}"),
            None => format!("node {node}'s snapshot covers index {index} in term {term}"),
        };
        let (rec, fresh) = match self.committed.entry(index) {
            MapEntry::Vacant(v) => (
                *v.insert(Committed {
                    term,
                    hash,
                    commit_term,
                    node,
                }),
                true,
            ),
            MapEntry::Occupied(r) => {
                let r = r.into_mut();
                if r.term != term {
                    return Err(Violation {
                        property: Property::LeaderCompleteness,
                        nodes: pair(r.node, node),
                        term: r.term,
                        index,
                        detail: format!(
                            "{}, but {}: the committed entry was lost",
                            describe(r.node, r.term, r.hash),
                            describe(node, term, hash)
                        ),
                    });
                }
                if let (Some(a), Some(b)) = (r.hash, hash) {
                    if a != b {
                        return Err(Violation {
                            property: Property::StateMachineSafety,
                            nodes: pair(r.node, node),
                            term,
                            index,
                            detail: format!(
                                "{} committed different entries at index {index} in term {term}",
                                nodes_word(r.node, node)
                            ),
                        });
                    }
                }
                r.commit_term = r.commit_term.min(commit_term);
                let filled = r.hash.is_none() && hash.is_some();
                if filled {
                    r.hash = hash;
                }
                (*r, filled)
            }
        };
        if fresh {
            if let Some(a) = self.applied.get(&index) {
                if a.term != rec.term || rec.hash.is_some_and(|h| h != a.hash) {
                    return Err(Violation {
                        property: Property::StateMachineSafety,
                        nodes: pair(a.node, rec.node),
                        term: a.term,
                        index,
                        detail: format!(
                            "node {} applied an entry of term {} at index {index}, but {}",
                            a.node,
                            a.term,
                            describe(rec.node, rec.term, rec.hash)
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// Notes that a node in term `term` has everything up to `index` committed. Returns whether
    /// that raised what some term's leaders must hold.
    fn advance_frontier(&mut self, term: Term, index: Index) -> bool {
        let pos = self.frontier.partition_point(|&(t, _)| t < term);
        match self.frontier.get_mut(pos) {
            Some(f) if f.0 == term => {
                if f.1 >= index {
                    return false;
                }
                f.1 = index;
            }
            _ => {
                let below = pos.checked_sub(1).map_or(0, |p| self.frontier[p].1);
                if index <= below {
                    return false;
                }
                // A node of an old term committing more (rare): a middle insertion.
                self.frontier.insert(pos, (term, index));
            }
        }
        // Later terms inherit the obligation; the indexes ascend, so stop at the first that
        // already covers it.
        for f in &mut self.frontier[pos + 1..] {
            if f.1 >= index {
                break;
            }
            f.1 = index;
        }
        true
    }

    /// The highest index known committed in a term below `term`: what its leader must hold.
    fn must_hold(&self, term: Term) -> Index {
        let pos = self.frontier.partition_point(|&(t, _)| t < term);
        pos.checked_sub(1).map_or(0, |p| self.frontier[p].1)
    }

    /// Leader Completeness for a node just seen leading `term`: thanks to Log Matching, holding
    /// the highest entry committed before `term` means holding all of them.
    fn check_new_leader(
        &self,
        node: &NodeState,
        leader: NodeId,
        term: Term,
    ) -> Result<(), Violation> {
        let index = self.must_hold(term);
        match self.committed.get(&index) {
            Some(c) if index > 0 && !node.holds(index, c.term) => {
                Err(self.missing_committed(node, leader, term, index))
            }
            _ => Ok(()),
        }
    }

    /// Leader Completeness after a node in term `term` committed up to `index`: every current
    /// leader of a later term must hold it.
    fn check_current_leaders(&self, term: Term, index: Index) -> Result<(), Violation> {
        let Some(c) = self.committed.get(&index) else {
            return Ok(());
        };
        for &leader in &self.current_leaders {
            if let Some(node) = self.nodes.get(&leader) {
                if node.term > term && !node.holds(index, c.term) {
                    return Err(self.missing_committed(node, leader, node.term, index));
                }
            }
        }
        Ok(())
    }

    /// The violation for a leader of `term` lacking committed entry `upto`: names the lowest
    /// entry committed before `term` that it lacks (a walk, but only once, on failure).
    fn missing_committed(
        &self,
        node: &NodeState,
        leader: NodeId,
        term: Term,
        upto: Index,
    ) -> Violation {
        let index = (node.snapshot_index.max(1)..=upto)
            .find(|i| {
                self.committed
                    .get(i)
                    .is_some_and(|c| c.commit_term < term && !node.holds(*i, c.term))
            })
            .unwrap_or(upto);
        let (entry_term, committer) = self
            .committed
            .get(&index)
            .map_or((0, leader), |c| (c.term, c.node));
        let has = match node.term_at(index) {
            Some(t) if index == node.snapshot_index => {
                format!("its snapshot ends there in term {t}")
            }
            Some(t) => format!("its log holds an entry of term {t} there"),
            None => format!("its log ends at index {}", node.last_index),
        };
        Violation {
            property: Property::LeaderCompleteness,
            nodes: pair(committer, leader),
            term: entry_term,
            index,
            detail: format!(
                "node {committer} committed the entry at index {index} in term {entry_term}, but node \
                 {leader} leads term {term} without it ({has})"
            ),
        }
    }

    /// The node's state machine applied entry `index` (term, data). Indices arrive in order per
    /// node, except after `restored`.
    pub fn applied(
        &mut self,
        node: NodeId,
        index: Index,
        term: Term,
        data: &[u8],
    ) -> Result<(), Violation> {
        let hash = fnv1a(data);
        let state = self.nodes.entry(node).or_default();
        let last = std::mem::replace(&mut state.applied, index);
        if index != last + 1 {
            let what = if index == last {
                format!("node {node} applied index {index} twice")
            } else if index < last {
                format!("node {node} applied index {index} after index {last}")
            } else if index == last + 2 {
                format!(
                    "node {node} applied index {index} right after index {last}, skipping {}",
                    last + 1
                )
            } else {
                format!(
                    "node {node} applied index {index} right after index {last}, skipping {}..={}",
                    last + 1,
                    index - 1
                )
            };
            return Err(Violation {
                property: Property::StateMachineSafety,
                nodes: vec![node],
                term,
                index,
                detail: format!("{what} (term {term})"),
            });
        }
        match self.applied.entry(index) {
            MapEntry::Vacant(v) => {
                v.insert(Applied { term, hash, node });
            }
            MapEntry::Occupied(a) => {
                let a = *a.get();
                if a.term != term || a.hash != hash {
                    return Err(Violation {
                        property: Property::StateMachineSafety,
                        nodes: pair(a.node, node),
                        term: a.term,
                        index,
                        detail: format!(
                            "{} applied different entries at index {index} (term {} on node {}, term {term} \
                             on node {node}{})",
                            nodes_word(a.node, node),
                            a.term,
                            a.node,
                            if a.term == term { ", different commands" } else { "" }
                        ),
                    });
                }
            }
        }
        if let Some(c) = self.committed.get(&index) {
            if c.term != term || c.hash.is_some_and(|h| h != hash) {
                return Err(Violation {
                    property: Property::StateMachineSafety,
                    nodes: pair(c.node, node),
                    term: c.term,
                    index,
                    detail: format!(
                        "node {} committed an entry of term {} at index {index}, but node {node} applied \
                         a different one (term {term})",
                        c.node, c.term
                    ),
                });
            }
        }
        Ok(())
    }

    /// The node's state machine was replaced by a snapshot covering up to (index, term): its
    /// next applied index is index+1.
    pub fn restored(&mut self, node: NodeId, index: Index, term: Term) -> Result<(), Violation> {
        self.nodes.entry(node).or_default().applied = index;
        if index == 0 {
            return Ok(());
        }
        let established = match (self.committed.get(&index), self.applied.get(&index)) {
            (Some(c), _) if c.term != term => Some((c.node, c.term, "committed")),
            (_, Some(a)) if a.term != term => Some((a.node, a.term, "applied")),
            _ => None,
        };
        match established {
            Some((other, other_term, what)) => Err(Violation {
                property: Property::StateMachineSafety,
                nodes: pair(other, node),
                term: other_term,
                index,
                detail: format!(
                    "node {other} {what} an entry of term {other_term} at index {index}, but node {node}'s \
                     state machine was restored from a snapshot ending there in term {term}"
                ),
            }),
            None => Ok(()),
        }
    }

    /// A node joined the cluster after its start (a membership change): its entries below
    /// its snapshot are forgotten with everyone else's.
    pub fn joined(&mut self, node: NodeId) {
        if !self.members.is_empty() && !self.members.contains(&node) {
            self.members.push(node);
        }
    }

    /// Whether `configured` was told of node `node`'s voters since it (re)started.
    pub fn has_config(&self, node: NodeId) -> bool {
        self.configs.contains_key(&node)
    }

    /// Node `node` now holds the voters `incoming` (and `outgoing`, while joint). When it took
    /// them by applying one configuration entry (`stepped`), Election Safety needs every quorum
    /// of the configuration it left to share a node with every quorum of this one: otherwise,
    /// in one term, some nodes could elect a leader by the old and others by the new (the
    /// paper's §6, Figure 10). A node that took them otherwise (it started, restarted,
    /// installed a snapshot or applied several changes at once, passing configurations the
    /// caller did not see) is not checked.
    pub fn configured(
        &mut self,
        node: NodeId,
        incoming: Vec<NodeId>,
        outgoing: Vec<NodeId>,
        stepped: bool,
    ) -> Result<(), Violation> {
        let next = (incoming, outgoing);
        let prev = self.configs.insert(node, next.clone());
        let Some(prev) = prev.filter(|p| stepped && *p != next && !p.0.is_empty()) else {
            return Ok(());
        };
        if next.0.is_empty() || quorums_meet(&prev, &next) {
            return Ok(());
        }
        let show = |(i, o): &(Vec<NodeId>, Vec<NodeId>)| {
            let set = |v: &[NodeId]| {
                let ids: Vec<String> = v.iter().map(|id| id.to_string()).collect();
                format!("({})", ids.join(" "))
            };
            if o.is_empty() {
                set(i)
            } else {
                format!("{}&&{}", set(i), set(o))
            }
        };
        Err(Violation {
            property: Property::ElectionSafety,
            nodes: vec![node],
            term: self.nodes.get(&node).map_or(0, |s| s.term),
            index: 0,
            detail: format!(
                "node {node} switched from voters={} to voters={}: a quorum of each need share no node, so both could elect a leader in one term",
                show(&prev),
                show(&next)
            ),
        })
    }

    /// The node crashed and restarted: its volatile state (role, commit, applied) is gone; its
    /// durable log is not.
    pub fn restarted(&mut self, node: NodeId) {
        // Its configuration is rebuilt from storage: taken afresh, not stepped to.
        self.configs.remove(&node);
        let state = self.nodes.entry(node).or_default();
        state.role = Role::Follower;
        state.committed = 0;
        // The state machine comes back from the durable snapshot (or empty without one).
        state.applied = state.snapshot_index;
        self.current_leaders.retain(|&l| l != node);
    }
}

/// Whether every quorum of `a` shares a node with every quorum of `b`, each an incoming and
/// an (empty unless joint) outgoing half whose majorities a quorum needs. It does when some
/// half of `a` and some half of `b` have majorities that always meet.
fn quorums_meet(a: &(Vec<NodeId>, Vec<NodeId>), b: &(Vec<NodeId>, Vec<NodeId>)) -> bool {
    let halves = |c: &'_ (Vec<NodeId>, Vec<NodeId>)| {
        [c.0.clone(), c.1.clone()]
            .into_iter()
            .filter(|h| !h.is_empty())
            .collect::<Vec<_>>()
    };
    let (ha, hb) = (halves(a), halves(b));
    ha.iter().any(|x| hb.iter().any(|y| majorities_meet(x, y)))
}

/// Whether every majority of `x` shares a node with every majority of `y`: two majorities
/// can be kept apart when each, drawn first from the nodes the other set lacks, needs fewer
/// of the shared nodes than there are.
fn majorities_meet(x: &[NodeId], y: &[NodeId]) -> bool {
    let common = x.iter().filter(|id| y.contains(id)).count();
    let need = |set: &[NodeId]| (set.len() / 2 + 1).saturating_sub(set.len() - common);
    need(x) + need(y) > common
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every configuration a node steps to must share a node with the one it left in every
    /// pair of quorums: one voter at a time, or through joint consensus.
    #[test]
    fn a_configuration_change_whose_quorums_need_not_meet_breaks_election_safety() {
        let mut c = Checker::new();
        let v = |ids: &[NodeId]| ids.to_vec();
        c.configured(2, v(&[1, 2, 3]), v(&[]), false).unwrap();
        // One voter added, then a joint change and the change that leaves it: all meet.
        c.configured(2, v(&[1, 2, 3, 4]), v(&[]), true).unwrap();
        c.configured(2, v(&[3, 4, 5, 6]), v(&[1, 2, 3, 4]), true)
            .unwrap();
        c.configured(2, v(&[3, 4, 5, 6]), v(&[]), true).unwrap();
        // Two voters swapped in one step: {3,5,6} and {4,7,8} are majorities of each.
        let e = c
            .configured(2, v(&[3, 4, 7, 8]), v(&[]), true)
            .expect_err("the quorums need not meet");
        assert_eq!(e.property, Property::ElectionSafety);
        assert_eq!(
            e.to_string(),
            "Election Safety violated: node 2 switched from voters=(3 4 5 6) to voters=(3 4 7 8): a quorum of each need share no node, so both could elect a leader in one term"
        );
        // A snapshot may skip configurations: not a step, not checked.
        c.configured(2, v(&[8, 9, 10]), v(&[]), false).unwrap();
        // Three voters to five in one step: {1,2} and {3,4,5}.
        c.configured(3, v(&[1, 2, 3]), v(&[]), false).unwrap();
        assert!(c.configured(3, v(&[1, 2, 3, 4, 5]), v(&[]), true).is_err());
    }
    use raft_core::types::Bytes;

    /// Entries from index `first` with the given terms; the command names the entry, so that
    /// two logs with the same (index, term) hold the same command.
    fn log(first: Index, terms: &[Term]) -> Vec<Entry> {
        terms
            .iter()
            .enumerate()
            .map(|(k, &term)| {
                let index = first + k as Index;
                Entry {
                    term,
                    index,
                    data: Bytes::from(format!("cmd {index}/{term}").as_str()),
                }
            })
            .collect()
    }

    fn entry(index: Index, term: Term, data: &str) -> Entry {
        Entry {
            term,
            index,
            data: Bytes::from(data),
        }
    }

    /// An observation of a log without snapshot; tests override fields with struct update syntax.
    fn obs(
        node: NodeId,
        term: Term,
        role: Role,
        entries: &[Entry],
        changed_from: Index,
        commit: Index,
    ) -> Observation<'_> {
        Observation {
            node,
            term,
            role,
            snapshot_index: 0,
            snapshot_term: 0,
            entries,
            changed_from,
            commit,
        }
    }

    /// Observes a node as leader with no snapshot, reading the whole log.
    fn lead(
        c: &mut Checker,
        node: NodeId,
        term: Term,
        entries: &[Entry],
        commit: Index,
    ) -> Result<(), Violation> {
        c.observe(&obs(node, term, Role::Leader, entries, 1, commit))
    }

    fn follow(
        c: &mut Checker,
        node: NodeId,
        term: Term,
        entries: &[Entry],
        commit: Index,
    ) -> Result<(), Violation> {
        c.observe(&obs(node, term, Role::Follower, entries, 1, commit))
    }

    fn apply_all(c: &mut Checker, node: NodeId, entries: &[Entry]) -> Result<(), Violation> {
        entries
            .iter()
            .try_for_each(|e| c.applied(node, e.index, e.term, e.data.as_slice()))
    }

    fn expect(
        r: Result<(), Violation>,
        property: Property,
        nodes: &[NodeId],
        term: Term,
        index: Index,
    ) -> Violation {
        let v = r.expect_err("a violation");
        assert_eq!(
            (v.property, v.nodes.as_slice(), v.term, v.index),
            (property, nodes, term, index),
            "{v}"
        );
        v
    }

    // ----- Election Safety -----

    #[test]
    fn two_leaders_in_one_term_break_election_safety() {
        let mut c = Checker::new();
        let l = log(1, &[1, 2]);
        lead(&mut c, 1, 2, &l, 0).unwrap();
        follow(&mut c, 3, 2, &l, 0).unwrap();
        let v = expect(
            lead(&mut c, 2, 2, &l[..1], 0),
            Property::ElectionSafety,
            &[1, 2],
            2,
            0,
        );
        assert_eq!(
            v.to_string(),
            "Election Safety violated: nodes 1 and 2 were both leader in term 2"
        );
    }

    #[test]
    fn at_most_one_leader_per_term_keeps_election_safety() {
        let mut c = Checker::new();
        let l = log(1, &[1]);
        lead(&mut c, 1, 1, &l, 0).unwrap();
        lead(&mut c, 1, 1, &l, 0).unwrap();
        follow(&mut c, 1, 2, &l, 0).unwrap();
        lead(&mut c, 2, 2, &l, 0).unwrap();
        lead(&mut c, 1, 3, &l, 0).unwrap();
        assert_eq!(
            (c.leader(1), c.leader(2), c.leader(3), c.leader(4)),
            (Some(1), Some(2), Some(1), None)
        );
    }

    // ----- Leader Append-Only -----

    #[test]
    fn leader_overwriting_its_entry_breaks_leader_append_only() {
        let mut c = Checker::new();
        lead(&mut c, 1, 3, &log(1, &[1, 3, 3]), 0).unwrap();
        let v = expect(
            c.observe(&obs(1, 3, Role::Leader, &log(1, &[1, 3, 2]), 3, 0)),
            Property::LeaderAppendOnly,
            &[1],
            3,
            3,
        );
        assert_eq!(
            v.to_string(),
            "Leader Append-Only violated: node 1, leader of term 3, overwrote its entry at index 3 (term 3) \
             with an entry of term 2"
        );
    }

    #[test]
    fn leader_rewriting_a_command_in_place_breaks_leader_append_only() {
        let mut c = Checker::new();
        let mut l = log(1, &[1, 3, 3]);
        lead(&mut c, 1, 3, &l, 0).unwrap();
        l[1] = entry(2, 3, "something else");
        expect(
            c.observe(&obs(1, 3, Role::Leader, &l, 2, 0)),
            Property::LeaderAppendOnly,
            &[1],
            3,
            2,
        );
    }

    #[test]
    fn leader_deleting_its_entries_breaks_leader_append_only() {
        let mut c = Checker::new();
        lead(&mut c, 1, 3, &log(1, &[1, 3, 3, 3]), 0).unwrap();
        let v = expect(
            c.observe(&obs(1, 3, Role::Leader, &log(1, &[1, 3]), Index::MAX, 0)),
            Property::LeaderAppendOnly,
            &[1],
            3,
            3,
        );
        assert!(
            v.detail.contains("deleted its entries at indexes 3..=4"),
            "{v}"
        );
    }

    #[test]
    fn leader_appending_and_compacting_keeps_leader_append_only() {
        let mut c = Checker::new();
        let l = log(1, &[1, 1, 2, 2, 2]);
        lead(&mut c, 1, 2, &l[..3], 1).unwrap();
        // Appends, with the simulator's "nothing changed below" marker past the old end.
        c.observe(&obs(1, 2, Role::Leader, &l, 4, 3)).unwrap();
        // Compaction up to index 3: entries vanish from the front, nothing changes.
        let compacted = Observation {
            snapshot_index: 3,
            snapshot_term: 2,
            ..obs(1, 2, Role::Leader, &l[3..], Index::MAX, 5)
        };
        c.observe(&compacted).unwrap();
        let more = log(1, &[1, 1, 2, 2, 2, 2]);
        let appended = Observation {
            snapshot_index: 3,
            snapshot_term: 2,
            ..obs(1, 2, Role::Leader, &more[3..], 6, 5)
        };
        c.observe(&appended).unwrap();
    }

    #[test]
    fn deposed_leader_may_lose_its_uncommitted_entries() {
        let mut c = Checker::new();
        lead(&mut c, 1, 2, &log(1, &[1, 2, 2]), 1).unwrap();
        lead(&mut c, 2, 3, &log(1, &[1, 3]), 1).unwrap();
        // Node 1 hears of term 3 and its entries of term 2 are replaced: no longer a leader.
        c.observe(&obs(1, 3, Role::Follower, &log(1, &[1, 3]), 2, 2))
            .unwrap();
        c.observe(&obs(2, 3, Role::Leader, &log(1, &[1, 3]), Index::MAX, 2))
            .unwrap();
    }

    // ----- Log Matching -----

    #[test]
    fn different_commands_with_one_index_and_term_break_log_matching() {
        let mut c = Checker::new();
        follow(&mut c, 2, 3, &[entry(1, 1, "a"), entry(2, 3, "x")], 0).unwrap();
        let v = expect(
            follow(&mut c, 4, 3, &[entry(1, 1, "a"), entry(2, 3, "y")], 0),
            Property::LogMatching,
            &[2, 4],
            3,
            2,
        );
        assert!(
            v.to_string().starts_with(
                "Log Matching violated: nodes 2 and 4 hold different entries at index 2 in term 3"
            ),
            "{v}"
        );
    }

    #[test]
    fn one_index_and_term_after_different_histories_break_log_matching() {
        let mut c = Checker::new();
        follow(&mut c, 1, 3, &log(1, &[1, 1, 3]), 0).unwrap();
        let v = expect(
            follow(&mut c, 2, 3, &log(1, &[1, 2, 3]), 0),
            Property::LogMatching,
            &[1, 2],
            3,
            3,
        );
        assert!(
            v.detail.contains(
                "after different entries at index 2 (term 1 on node 1, term 2 on node 2)"
            ),
            "{v}"
        );
    }

    #[test]
    fn log_matching_looks_across_a_snapshot_boundary() {
        let mut c = Checker::new();
        follow(&mut c, 1, 3, &log(1, &[1, 1, 3]), 0).unwrap();
        let l = log(3, &[3]);
        // Node 2's snapshot says index 2 has term 1, like node 1: consistent.
        c.observe(&Observation {
            snapshot_index: 2,
            snapshot_term: 1,
            ..obs(2, 3, Role::Follower, &l, 3, 2)
        })
        .unwrap();
        // Node 3's says term 2 there, yet it holds the same (3, 3) entry.
        let bad = Observation {
            snapshot_index: 2,
            snapshot_term: 2,
            ..obs(3, 3, Role::Follower, &l, 3, 0)
        };
        expect(c.observe(&bad), Property::LogMatching, &[1, 3], 3, 3);
    }

    #[test]
    fn uncommitted_divergence_keeps_log_matching() {
        let mut c = Checker::new();
        follow(&mut c, 1, 3, &log(1, &[1, 2, 2]), 1).unwrap();
        follow(&mut c, 2, 3, &log(1, &[1, 3]), 1).unwrap();
        follow(&mut c, 3, 3, &log(1, &[1, 3, 3]), 1).unwrap();
    }

    #[test]
    fn unchanged_entries_are_not_read_again() {
        let mut c = Checker::new();
        follow(&mut c, 1, 1, &log(1, &[1, 1]), 0).unwrap();
        // Below changed_from the checker trusts the simulator and reads nothing: a corrupted
        // copy of index 1 goes unseen, which shows the cost does not grow with the log.
        let mut l = log(1, &[1, 1, 1]);
        l[0] = entry(1, 1, "not what it was");
        c.observe(&obs(1, 1, Role::Follower, &l, 3, 0)).unwrap();
    }

    // ----- Leader Completeness -----

    #[test]
    fn leader_elected_without_a_committed_entry_breaks_leader_completeness() {
        let mut c = Checker::new();
        lead(&mut c, 1, 1, &log(1, &[1, 1, 1]), 3).unwrap();
        let v = expect(
            lead(&mut c, 2, 2, &log(1, &[1]), 0),
            Property::LeaderCompleteness,
            &[1, 2],
            1,
            2,
        );
        assert_eq!(
            v.to_string(),
            "Leader Completeness violated: node 1 committed the entry at index 2 in term 1, but node 2 leads \
             term 2 without it (its log ends at index 1)"
        );
    }

    #[test]
    fn leader_holding_another_term_at_a_committed_index_breaks_leader_completeness() {
        let mut c = Checker::new();
        follow(&mut c, 3, 2, &log(1, &[1, 2]), 0).unwrap();
        lead(&mut c, 1, 3, &log(1, &[1, 1, 3]), 3).unwrap();
        let v = expect(
            lead(&mut c, 3, 4, &log(1, &[1, 2]), 0),
            Property::LeaderCompleteness,
            &[1, 3],
            1,
            2,
        );
        assert!(
            v.detail
                .ends_with("(its log holds an entry of term 2 there)"),
            "{v}"
        );
    }

    #[test]
    fn entry_committed_in_an_earlier_term_must_reach_a_leader_already_elected() {
        let mut c = Checker::new();
        lead(&mut c, 1, 1, &log(1, &[1, 1]), 1).unwrap();
        lead(&mut c, 2, 2, &log(1, &[1]), 0).unwrap();
        // The deposed leader of term 1 goes on committing index 2, which the leader of term 2
        // lacks: the commit happened in term 1, so term 2's leader had to hold it.
        expect(
            lead(&mut c, 1, 1, &log(1, &[1, 1]), 2),
            Property::LeaderCompleteness,
            &[1, 2],
            1,
            2,
        );
    }

    #[test]
    fn entry_committed_in_a_later_term_need_not_reach_an_earlier_leader() {
        let mut c = Checker::new();
        lead(&mut c, 2, 2, &log(1, &[1, 2]), 2).unwrap();
        follow(&mut c, 3, 2, &log(1, &[1, 2]), 2).unwrap();
        // Node 1 wins term 1 late (its votes were delayed) without the entry committed in term 2.
        lead(&mut c, 1, 1, &log(1, &[1]), 1).unwrap();
    }

    #[test]
    fn committing_another_entry_at_a_committed_index_breaks_leader_completeness() {
        let mut c = Checker::new();
        lead(&mut c, 1, 1, &log(1, &[1, 1]), 2).unwrap();
        let v = expect(
            follow(&mut c, 2, 2, &log(1, &[1, 2]), 2),
            Property::LeaderCompleteness,
            &[1, 2],
            1,
            2,
        );
        assert!(v.detail.ends_with("the committed entry was lost"), "{v}");
    }

    #[test]
    fn follower_overwriting_an_entry_it_committed_breaks_leader_completeness() {
        let mut c = Checker::new();
        follow(&mut c, 2, 1, &log(1, &[1, 1]), 2).unwrap();
        let v = c.observe(&obs(2, 2, Role::Follower, &log(1, &[1, 2]), 2, 2));
        expect(v, Property::LeaderCompleteness, &[2], 1, 2);
    }

    #[test]
    fn snapshot_contradicting_a_committed_entry_breaks_leader_completeness() {
        let mut c = Checker::new();
        lead(&mut c, 1, 1, &log(1, &[1, 1, 1]), 3).unwrap();
        let snap = Observation {
            snapshot_index: 3,
            snapshot_term: 2,
            ..obs(2, 2, Role::Follower, &[], 4, 3)
        };
        let v = expect(
            c.observe(&snap),
            Property::LeaderCompleteness,
            &[1, 2],
            1,
            3,
        );
        assert!(
            v.detail
                .contains("node 2's snapshot covers index 3 in term 2"),
            "{v}"
        );
    }

    #[test]
    fn committed_entries_inside_a_leaders_snapshot_keep_leader_completeness() {
        let mut c = Checker::new();
        let l = log(1, &[1, 1, 1, 1]);
        lead(&mut c, 1, 1, &l, 4).unwrap();
        let snap = Observation {
            snapshot_index: 4,
            snapshot_term: 1,
            ..obs(2, 1, Role::Follower, &[], 5, 4)
        };
        c.observe(&snap).unwrap();
        c.observe(&Observation {
            term: 2,
            role: Role::Leader,
            ..snap
        })
        .unwrap();
        let mid = Observation {
            snapshot_index: 2,
            snapshot_term: 1,
            ..obs(3, 3, Role::Leader, &l[2..], 3, 2)
        };
        c.observe(&mid).unwrap();
    }

    /// Figure 8 of the paper: an entry of an older term stored on a majority is not committed,
    /// and a later leader may legitimately overwrite it.
    #[test]
    fn figure_8_history_keeps_every_property() {
        let mut c = Checker::new();
        let s = |c: &mut Checker, node, term, role, terms: &[Term], changed_from, commit| {
            c.observe(&obs(node, term, role, &log(1, terms), changed_from, commit))
        };
        for n in 1..=5 {
            s(&mut c, n, 1, Role::Follower, &[1], 1, 1).unwrap();
        }
        // (a) S1 leads term 2 and replicates index 2 to S2 only.
        s(&mut c, 1, 2, Role::Leader, &[1, 2], 2, 1).unwrap();
        s(&mut c, 2, 2, Role::Follower, &[1, 2], 2, 1).unwrap();
        // (b) S1 crashes; S5 leads term 3 with votes of S3, S4 and appends at index 2.
        c.restarted(1);
        s(&mut c, 1, 2, Role::Follower, &[1, 2], 1, 1).unwrap();
        s(&mut c, 5, 3, Role::Leader, &[1, 3], 2, 1).unwrap();
        // (c) S1 leads term 4 and copies index 2 (term 2) to S3: a majority, but not committed.
        s(&mut c, 1, 4, Role::Leader, &[1, 2], Index::MAX, 1).unwrap();
        s(&mut c, 3, 4, Role::Follower, &[1, 2], 2, 1).unwrap();
        s(&mut c, 1, 4, Role::Leader, &[1, 2, 4], 3, 1).unwrap();
        // (d) S5 leads term 5 and overwrites index 2 everywhere, then commits it.
        s(&mut c, 5, 5, Role::Leader, &[1, 3], Index::MAX, 1).unwrap();
        s(&mut c, 1, 5, Role::Follower, &[1, 3], 2, 1).unwrap();
        for n in 2..=4 {
            s(&mut c, n, 5, Role::Follower, &[1, 3], 2, 1).unwrap();
        }
        s(&mut c, 5, 5, Role::Leader, &[1, 3], Index::MAX, 2).unwrap();
        s(&mut c, 1, 5, Role::Follower, &[1, 3], Index::MAX, 2).unwrap();
        assert_eq!(c.committed_term(2), Some(3));
    }

    /// Figure 8 with the bug the paper warns of: S1 counts replicas of an older term's entry
    /// and commits it, after which S5 can still win term 5 without it.
    #[test]
    fn figure_8_committing_by_counting_old_replicas_breaks_leader_completeness() {
        let mut c = Checker::new();
        let s = |c: &mut Checker, node, term, role, terms: &[Term], changed_from, commit| {
            c.observe(&obs(node, term, role, &log(1, terms), changed_from, commit))
        };
        s(&mut c, 5, 3, Role::Follower, &[1, 3], 1, 1).unwrap();
        s(&mut c, 1, 4, Role::Leader, &[1, 2], 1, 1).unwrap();
        s(&mut c, 1, 4, Role::Leader, &[1, 2], Index::MAX, 2).unwrap();
        expect(
            s(&mut c, 5, 5, Role::Leader, &[1, 3], Index::MAX, 1),
            Property::LeaderCompleteness,
            &[1, 5],
            2,
            2,
        );
    }

    // ----- State Machine Safety -----

    #[test]
    fn different_entries_applied_at_one_index_break_state_machine_safety() {
        let mut c = Checker::new();
        c.applied(1, 1, 1, b"x=1").unwrap();
        let v = expect(
            c.applied(2, 1, 1, b"x=2"),
            Property::StateMachineSafety,
            &[1, 2],
            1,
            1,
        );
        assert!(v.to_string().starts_with(
            "State Machine Safety violated: nodes 1 and 2 applied different entries at index 1"
        ));
    }

    #[test]
    fn applying_an_entry_other_than_the_committed_one_breaks_state_machine_safety() {
        let mut c = Checker::new();
        let l = log(1, &[1, 1]);
        lead(&mut c, 1, 1, &l, 2).unwrap();
        apply_all(&mut c, 3, &l[..1]).unwrap();
        expect(
            c.applied(3, 2, 2, b"stale"),
            Property::StateMachineSafety,
            &[1, 3],
            1,
            2,
        );
    }

    #[test]
    fn committing_an_entry_other_than_the_applied_one_breaks_state_machine_safety() {
        let mut c = Checker::new();
        c.applied(3, 1, 1, b"early").unwrap();
        expect(
            lead(&mut c, 1, 1, &log(1, &[1]), 1),
            Property::StateMachineSafety,
            &[3, 1],
            1,
            1,
        );
    }

    #[test]
    fn skipping_or_repeating_an_index_breaks_state_machine_safety() {
        let mut c = Checker::new();
        let l = log(1, &[1, 1, 1]);
        apply_all(&mut c, 1, &l[..1]).unwrap();
        let v = expect(
            c.applied(1, 3, 1, b"cmd 3/1"),
            Property::StateMachineSafety,
            &[1],
            1,
            3,
        );
        assert!(v.detail.contains("skipping 2"), "{v}");
        apply_all(&mut c, 2, &l[..2]).unwrap();
        let v = expect(
            c.applied(2, 2, 1, b"cmd 2/1"),
            Property::StateMachineSafety,
            &[2],
            1,
            2,
        );
        assert!(v.detail.contains("applied index 2 twice"), "{v}");
    }

    #[test]
    fn restoring_a_snapshot_that_contradicts_the_committed_entry_breaks_state_machine_safety() {
        let mut c = Checker::new();
        lead(&mut c, 1, 2, &log(1, &[1, 2]), 2).unwrap();
        expect(
            c.restored(2, 2, 1),
            Property::StateMachineSafety,
            &[1, 2],
            2,
            2,
        );
    }

    #[test]
    fn state_machine_resumes_after_a_restored_snapshot() {
        let mut c = Checker::new();
        let l = log(1, &[1, 1, 2, 2]);
        lead(&mut c, 1, 2, &l, 4).unwrap();
        apply_all(&mut c, 1, &l).unwrap();
        c.restored(2, 3, 2).unwrap();
        apply_all(&mut c, 2, &l[3..]).unwrap();
    }

    // ----- legitimate histories -----

    #[test]
    fn follower_truncating_an_uncommitted_suffix_is_safe() {
        let mut c = Checker::new();
        follow(&mut c, 2, 2, &log(1, &[1, 1, 2, 2]), 2).unwrap();
        // Shorter, nothing new yet.
        c.observe(&obs(2, 3, Role::Follower, &log(1, &[1, 1]), 3, 2))
            .unwrap();
        c.observe(&obs(2, 3, Role::Follower, &log(1, &[1, 1, 3]), 3, 3))
            .unwrap();
    }

    #[test]
    fn new_leader_overwriting_stale_uncommitted_entries_is_safe() {
        let mut c = Checker::new();
        lead(&mut c, 1, 1, &log(1, &[1, 1, 1, 1]), 2).unwrap();
        follow(&mut c, 2, 1, &log(1, &[1, 1, 1, 1]), 2).unwrap();
        follow(&mut c, 3, 1, &log(1, &[1, 1]), 2).unwrap();
        lead(&mut c, 3, 2, &log(1, &[1, 1, 2]), 2).unwrap();
        c.observe(&obs(2, 2, Role::Follower, &log(1, &[1, 1, 2]), 3, 2))
            .unwrap();
        c.observe(&obs(3, 2, Role::Leader, &log(1, &[1, 1, 2]), Index::MAX, 3))
            .unwrap();
        c.observe(&obs(1, 2, Role::Follower, &log(1, &[1, 1, 2]), 3, 3))
            .unwrap();
        assert_eq!(c.committed_term(3), Some(2));
    }

    #[test]
    fn restart_forgets_commit_and_applied_safely() {
        let mut c = Checker::new();
        let l = log(1, &[1, 1, 1]);
        lead(&mut c, 1, 1, &l, 3).unwrap();
        apply_all(&mut c, 1, &l).unwrap();
        c.restarted(1);
        follow(&mut c, 1, 1, &l, 0).unwrap();
        follow(&mut c, 1, 1, &l, 3).unwrap();
        apply_all(&mut c, 1, &l).unwrap();
        c.observe(&obs(1, 2, Role::Candidate, &l, Index::MAX, 3))
            .unwrap();
        c.observe(&obs(1, 2, Role::Leader, &log(1, &[1, 1, 1, 2]), 4, 3))
            .unwrap();
    }

    #[test]
    fn restart_with_a_snapshot_resumes_applying_after_it() {
        let mut c = Checker::new();
        let l = log(1, &[1, 1, 1, 1]);
        follow(&mut c, 1, 1, &l, 4).unwrap();
        apply_all(&mut c, 1, &l).unwrap();
        let compacted = Observation {
            snapshot_index: 2,
            snapshot_term: 1,
            ..obs(1, 1, Role::Follower, &l[2..], Index::MAX, 4)
        };
        c.observe(&compacted).unwrap();
        c.restarted(1);
        c.observe(&Observation {
            changed_from: 3,
            commit: 2,
            ..compacted
        })
        .unwrap();
        c.observe(&Observation {
            changed_from: Index::MAX,
            commit: 4,
            ..compacted
        })
        .unwrap();
        apply_all(&mut c, 1, &l[2..]).unwrap();
    }

    #[test]
    fn snapshot_restore_replacing_a_follower_log_is_safe() {
        let mut c = Checker::new();
        let l = log(1, &[1, 1, 2, 2, 2, 2]);
        lead(&mut c, 1, 2, &l, 5).unwrap();
        apply_all(&mut c, 1, &l[..5]).unwrap();
        // The leader compacts up to 4 and sends the snapshot to node 2, whose stale log of
        // term 1 disappears.
        let leader = Observation {
            snapshot_index: 4,
            snapshot_term: 2,
            ..obs(1, 2, Role::Leader, &l[4..], Index::MAX, 5)
        };
        c.observe(&leader).unwrap();
        follow(&mut c, 2, 1, &log(1, &[1, 1, 1, 1, 1, 1, 1]), 2).unwrap();
        let restored = Observation {
            snapshot_index: 4,
            snapshot_term: 2,
            ..obs(2, 2, Role::Follower, &[], 5, 4)
        };
        c.observe(&restored).unwrap();
        c.restored(2, 4, 2).unwrap();
        c.observe(&Observation {
            entries: &l[4..],
            changed_from: 5,
            commit: 6,
            ..restored
        })
        .unwrap();
        c.observe(&Observation {
            commit: 6,
            ..leader
        })
        .unwrap();
        apply_all(&mut c, 2, &l[4..]).unwrap();
        apply_all(&mut c, 1, &l[5..]).unwrap();
    }

    // ----- forgetting what every node compacted -----

    /// Three nodes that hold, commit and apply 600 entries of term 1 (node 1 leads), then
    /// compact the first 500 of them one after the other; returns the log.
    fn compacted_cluster(c: &mut Checker) -> Vec<Entry> {
        let l = log(1, &[1; 600]);
        lead(c, 1, 1, &l, 600).unwrap();
        for n in [2, 3] {
            follow(c, n, 1, &l, 600).unwrap();
        }
        for n in [1, 2, 3] {
            apply_all(c, n, &l).unwrap();
        }
        assert_eq!(c.ledger_len(), 3 * 600);
        for n in [1, 2, 3] {
            let role = if n == 1 { Role::Leader } else { Role::Follower };
            c.observe(&Observation {
                snapshot_index: 500,
                snapshot_term: 1,
                ..obs(n, 1, role, &l[500..], 601, 600)
            })
            .unwrap();
        }
        l
    }

    #[test]
    fn the_ledgers_forget_entries_once_every_node_has_compacted_them() {
        let mut c = Checker::for_members([1, 2, 3]);
        let l = log(1, &[1; 600]);
        lead(&mut c, 1, 1, &l, 600).unwrap();
        follow(&mut c, 2, 1, &l, 600).unwrap();
        follow(&mut c, 3, 1, &l, 600).unwrap();
        for n in [1, 2] {
            c.observe(&Observation {
                snapshot_index: 500,
                snapshot_term: 1,
                ..obs(n, 1, Role::Follower, &l[500..], 601, 600)
            })
            .unwrap();
        }
        // Node 3 still holds its whole log: nothing can be forgotten yet.
        assert_eq!(c.ledger_len(), 2 * 600);

        let mut c = Checker::for_members([1, 2, 3]);
        compacted_cluster(&mut c);
        // From index 500 (the snapshots' own entry) on: 101 written, committed, applied.
        assert_eq!(c.ledger_len(), 3 * 101);

        // A member never observed counts as holding everything.
        let mut c = Checker::for_members([1, 2, 3, 4]);
        compacted_cluster(&mut c);
        assert_eq!(c.ledger_len(), 3 * 600);
        // Without the members, nothing is forgotten.
        let mut c = Checker::new();
        compacted_cluster(&mut c);
        assert_eq!(c.ledger_len(), 3 * 600);
    }

    #[test]
    fn violations_past_the_forgotten_entries_are_still_caught() {
        let mut c = Checker::for_members([1, 2, 3]);
        let l = compacted_cluster(&mut c);
        // State Machine Safety: node 3, restored from its snapshot, applies another entry.
        c.restored(3, 500, 1).unwrap();
        expect(
            c.applied(3, 501, 1, b"other"),
            Property::StateMachineSafety,
            &[1, 3],
            1,
            501,
        );

        let mut c = Checker::for_members([1, 2, 3]);
        let l2 = compacted_cluster(&mut c);
        assert_eq!(l, l2);
        // Log Matching: node 2 writes another command at (550, 1).
        let mut other = l[500..].to_vec();
        other[49] = entry(550, 1, "other");
        expect(
            c.observe(&Observation {
                snapshot_index: 500,
                snapshot_term: 1,
                ..obs(2, 1, Role::Follower, &other, 550, 549)
            }),
            Property::LogMatching,
            &[1, 2],
            1,
            550,
        );

        // Leader Completeness: node 3 leads term 2 with its log cut at 550.
        let mut c = Checker::for_members([1, 2, 3]);
        compacted_cluster(&mut c);
        expect(
            c.observe(&Observation {
                snapshot_index: 500,
                snapshot_term: 1,
                ..obs(3, 2, Role::Leader, &l[500..550], 551, 550)
            }),
            Property::LeaderCompleteness,
            &[1, 3],
            1,
            551,
        );
    }

    #[test]
    fn properties_read_as_the_paper_names_them() {
        let names: Vec<String> = Property::ALL.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            names,
            [
                "Election Safety",
                "Leader Append-Only",
                "Log Matching",
                "Leader Completeness",
                "State Machine Safety"
            ]
        );
    }
}
