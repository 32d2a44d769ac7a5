//! What a set of real log lines says happened: the terms and their leaders, and how each
//! campaign went (who stood, in which term, who granted, refused or ignored it and why,
//! whether it won), per node its roles over the lines, and what an operator looks for in
//! an incident: nodes that raised the term without winning (is pre-vote off?), repeated
//! elections, a log that kept a node from winning. Built from the events `raft_line`
//! reads; lines are taken in time order where they carry a time, else in file order.

use super::raft_line::Ids;
use super::reader::Reader;
use raft_core::event::{Event, VoteDecision, What};
use raft_core::message::MsgKind;
use raft_core::types::{NodeId, Role, Term};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::Arc;

/// One input: a file's (or a pasted block's) name and text.
pub struct Input<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// A line that was read: where it came from, when, and the event it states.
#[derive(Clone, Debug)]
pub struct Read {
    pub input: usize,
    /// 1-based.
    pub line: usize,
    pub time_us: Option<i64>,
    /// Fabric's channel (one shared name per channel).
    pub channel: Option<Arc<str>>,
    pub event: Event,
}

/// A line that was not: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub input: usize,
    pub line: usize,
    pub why: String,
}

/// A block a Fabric orderer's chain wrote to its ledger (`fabric_chain`): where the line
/// is, when, and the block with the Raft index of the entry that carried it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockWritten {
    pub input: usize,
    pub line: usize,
    pub time_us: Option<i64>,
    pub channel: Option<Arc<str>>,
    /// The orderer (its `node=`).
    pub node: NodeId,
    pub block: u64,
    pub index: u64,
}

/// How one campaign went: a pre-vote (`pre`) or a vote, by `node`, for `term`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Campaign {
    pub node: NodeId,
    pub pre: bool,
    /// The term asked for (a pre-candidate asks for its term + 1).
    pub term: Term,
    pub granted: Vec<NodeId>,
    pub rejected: Vec<NodeId>,
    /// Voters that said why they refused or ignored it: (voter, reason).
    pub reasons: Vec<(NodeId, String)>,
    pub quorum: Option<usize>,
    /// The most votes a tally line counted for it (its own included): voters whose answers
    /// are not among the lines read still count there.
    pub tallied: usize,
    pub won: bool,
    /// Voters that refused it because their log is ahead of the candidate's (the election
    /// restriction, §5.4.1): a log that keeps the candidate from winning.
    pub log_behind: Vec<NodeId>,
}

/// The story of a set of logs.
#[derive(Clone, Debug, Default)]
pub struct Story {
    /// The inputs' names, by index (`Read::input`, `Skipped::input`).
    pub inputs: Vec<String>,
    pub read: Vec<Read>,
    pub skipped: Vec<Skipped>,
    /// Lines other components wrote (the envelope names another logger or module), not
    /// read as raft lines: counted, not listed.
    pub other_lines: usize,
    /// Lines of a Fabric orderer's chain (under the raft module's name, not the raft
    /// library's: `fabric_chain`): counted, not listed.
    pub chain_lines: usize,
    /// The blocks those lines say were written, in time order where the lines have times.
    pub blocks: Vec<BlockWritten>,
    /// Inputs that are not text logs, with why: none of their lines is read (or listed
    /// among `skipped`: a binary's "lines" are noise).
    pub not_text: Vec<(usize, String)>,
    /// Text inputs with NUL bytes, passed over: (input, how many).
    pub nuls: Vec<(usize, u64)>,
    /// Channels seen (Fabric), and the one kept when several were.
    pub channels: BTreeSet<String>,
    pub nodes: BTreeSet<NodeId>,
    /// Each term's leader, as the lines say.
    pub leaders: BTreeMap<Term, NodeId>,
    pub campaigns: Vec<Campaign>,
    /// Per node: (term, role) changes in order.
    pub roles: BTreeMap<NodeId, Vec<(Term, Role)>>,
    /// How the lines wrote node ids (the summary writes them so too); None: decimal.
    pub ids: Option<Ids>,
    /// Every line read is a Fabric orderer's: nodes are named in decimal, as its `node=`
    /// field and its channel configuration name them (its raft lines write them in hex,
    /// which reads the same below 10).
    pub fabric_names: bool,
    /// Inputs set aside as repeats: (input, the earlier input it repeats).
    pub repeated: Vec<(usize, usize)>,
    /// The channel read when the lines held several and none was chosen: the one with
    /// the most raft lines (the others are in `channels`).
    pub channel_picked: Option<String>,
    /// The channel the reader was asked to keep (`--channel`, the page's Channel menu).
    pub channel_chosen: Option<String>,
    /// Inputs with lines that carry no time, among inputs whose lines all do: placed
    /// after them, by their own order.
    pub untimed: Vec<usize>,
    /// Time zones the lines name that are not known here (their times read as UTC), with
    /// the first input that names each.
    pub unknown_zones: BTreeMap<String, usize>,
    /// Inputs whose times go back a second or more from one line to a later one (a clock
    /// set back, a file put together from two machines): (input, the line, how far back
    /// in µs), the largest step back of each. Their lines are read in time order.
    pub clock_back: Vec<(usize, usize, i64)>,
    /// Lines read without a time among their input's timed lines (a damaged stamp):
    /// (input, line), placed at a neighbour's time.
    pub bad_times: Vec<(usize, usize)>,
    /// Nodes whose clocks read off the reference node's, with the shift their lines took
    /// (`mend_clocks`).
    pub clock_shifts: Vec<super::diagram::Skew>,
}

/// Reads `inputs` (one node's log each, or mixed: the node is the one each raft message
/// names) and keeps `channel`'s lines when given (Fabric), in time order where known. The
/// whole texts at once; `Reader` takes them in chunks.
pub fn read(inputs: &[Input], channel: Option<&str>, ids: Ids) -> Story {
    let mut reader = Reader::new(channel, ids);
    for input in inputs {
        let k = reader.add_input(input.name);
        // (The index was just handed out.)
        let _ = reader.push(k, input.text);
    }
    reader.finish()
}

impl Story {
    /// The story of events taken straight from a run (no text in between): what reading
    /// that run's logs must give.
    pub fn from_events(events: impl IntoIterator<Item = Event>) -> Story {
        let mut story = Story {
            read: events
                .into_iter()
                .enumerate()
                .map(|(i, event)| Read {
                    input: 0,
                    line: i + 1,
                    time_us: None,
                    channel: None,
                    event,
                })
                .collect(),
            ..Story::default()
        };
        story.reconstruct();
        story
    }

    /// Sets aside an input that repeats another (the same lines), keeps
    /// one channel where several were read and none chosen, puts the lines in time order
    /// where they carry times, then tells the story.
    ///
    /// Times: a line without one in an input whose other lines carry one (a damaged or
    /// mistyped stamp) takes the time of the line before it (or after it, at the start),
    /// said in the summary; an input with no time at all is placed after the timed inputs,
    /// by its own order alone (the summary says so), so that one such input does not take
    /// the order by time away from the others.
    pub(crate) fn settle(&mut self) {
        self.drop_repeated_inputs();
        self.keep_one_channel();
        self.place_lines_without_time();
        let inputs = self.read.iter().map(|r| r.input + 1).max().unwrap_or(0);
        let mut timed = vec![true; inputs];
        for r in &self.read {
            timed[r.input] &= r.time_us.is_some();
        }
        self.note_clocks_set_back(inputs);
        // Timed lines by time (a stable sort keeps file order for ties), then untimed
        // inputs in their own order.
        self.read.sort_by_key(|r| {
            (
                !timed[r.input],
                if timed[r.input] { r.time_us } else { None },
            )
        });
        if self.blocks.iter().all(|b| b.time_us.is_some()) {
            self.blocks.sort_by_key(|b| b.time_us);
        }
        self.untimed = (0..inputs)
            .filter(|&k| !timed[k] && self.read.iter().any(|r| r.input == k))
            .collect();
        if !self.read.iter().any(|r| timed[r.input]) {
            self.untimed.clear();
        }
        self.reconstruct();
        self.mend_clocks();
    }

    /// Clocks that disagree (a message received before it was sent, `diagram::clock_skew`)
    /// are mended before the story is told: each shifted node's lines move by its shift
    /// and the story is told again from the lines in that order. Told from the machines'
    /// own times, a node whose clock reads ahead had its answers counted in campaigns they
    /// came after, and stretches without a leader grew by its offset.
    fn mend_clocks(&mut self) {
        let shifts = super::diagram::clock_skew(self);
        if shifts.is_empty() {
            return;
        }
        let by: BTreeMap<NodeId, i64> = shifts.iter().map(|s| (s.node, s.shift_us)).collect();
        for r in &mut self.read {
            if let (Some(t), Some(d)) = (r.time_us, by.get(&r.event.node)) {
                r.time_us = Some(t.saturating_add(*d));
            }
        }
        // (Every line has a time here: clocks are compared only then.)
        self.read.sort_by_key(|r| r.time_us);
        self.campaigns.clear();
        self.leaders.clear();
        self.nodes.clear();
        self.roles.clear();
        self.reconstruct();
        self.clock_shifts = shifts;
    }

    /// A line without a time among an input's timed lines takes its neighbour's time (the
    /// lines are still in file order here): one bad stamp would otherwise take the whole
    /// input out of the order by time.
    fn place_lines_without_time(&mut self) {
        let mut near: BTreeMap<usize, i64> = BTreeMap::new();
        // Forward: the time of the line before; then backward, for the lines before an
        // input's first time, the first time after them. (An input with no time at all is
        // left as it is.)
        let fill = |r: &mut Read, near: &mut BTreeMap<usize, i64>, bad: &mut Vec<_>| match r.time_us
        {
            Some(t) => {
                near.insert(r.input, t);
            }
            None => {
                if let Some(&t) = near.get(&r.input) {
                    r.time_us = Some(t);
                    bad.push((r.input, r.line));
                }
            }
        };
        for r in self.read.iter_mut() {
            fill(r, &mut near, &mut self.bad_times);
        }
        near.clear();
        for r in self.read.iter_mut().rev() {
            fill(r, &mut near, &mut self.bad_times);
        }
        self.bad_times.sort_unstable();
    }

    /// An input whose every line is another's (a file added twice) is set aside: its lines
    /// would double every claim and read as a restart. A name alone says nothing: every
    /// member's log may be called `etcd.log`.
    fn drop_repeated_inputs(&mut self) {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let inputs = self.inputs.len();
        // Per input: how many lines, and a hash of them all (not their text: a large log
        // would be held twice).
        let mut lines: Vec<(usize, DefaultHasher)> = vec![(0, DefaultHasher::new()); inputs];
        for r in &self.read {
            if let Some((k, h)) = lines.get_mut(r.input) {
                *k += 1;
                (r.line, r.time_us, r.channel.as_deref()).hash(h);
                format!("{:?}", r.event).hash(h);
            }
        }
        for x in &self.skipped {
            if let Some((k, h)) = lines.get_mut(x.input) {
                *k += 1;
                (x.line, &x.why).hash(h);
            }
        }
        for b in &self.blocks {
            if let Some((k, h)) = lines.get_mut(b.input) {
                *k += 1;
                (b.line, b.time_us, b.node, b.block, b.index).hash(h);
            }
        }
        let lines: Vec<(usize, u64)> = lines.into_iter().map(|(k, h)| (k, h.finish())).collect();
        let mut repeated: Vec<(usize, usize)> = Vec::new();
        for b in 0..inputs {
            let same = (0..b).find(|&a| {
                !repeated.iter().any(|&(r, _)| r == a) && lines[b].0 > 0 && lines[a] == lines[b]
            });
            if let Some(a) = same {
                repeated.push((b, a));
            }
        }
        if repeated.is_empty() {
            return;
        }
        let gone = |k: usize| repeated.iter().any(|&(r, _)| r == k);
        self.read.retain(|r| !gone(r.input));
        self.skipped.retain(|r| !gone(r.input));
        self.blocks.retain(|b| !gone(b.input));
        self.not_text.retain(|r| !gone(r.0));
        self.nuls.retain(|r| !gone(r.0));
        self.repeated = repeated;
    }

    /// Records where an input's times go back (the lines are still in file order here).
    fn note_clocks_set_back(&mut self, inputs: usize) {
        const SECOND: i64 = 1_000_000;
        let mut latest: Vec<Option<i64>> = vec![None; inputs];
        let mut back: BTreeMap<usize, (usize, i64)> = BTreeMap::new();
        for r in &self.read {
            let Some(t) = r.time_us else { continue };
            let max = latest[r.input].get_or_insert(t);
            if *max - t >= SECOND && back.get(&r.input).is_none_or(|&(_, b)| *max - t > b) {
                back.insert(r.input, (r.line, *max - t));
            }
            *max = (*max).max(t);
        }
        self.clock_back = back
            .into_iter()
            .map(|(k, (line, us))| (k, line, us))
            .collect();
    }

    /// Where the lines hold several channels (Fabric) and none was chosen, the channel
    /// with the most raft lines is read (merged, two channels' terms would read as one
    /// cluster's); the summary names it and the others.
    fn keep_one_channel(&mut self) {
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.read {
            if let Some(c) = &r.channel {
                *count.entry(c).or_default() += 1;
            }
        }
        if count.len() < 2 {
            return;
        }
        let Some(keep) = count
            .iter()
            .max_by_key(|(c, k)| (**k, std::cmp::Reverse(**c)))
            .map(|(c, _)| c.to_string())
        else {
            return;
        };
        self.read
            .retain(|r| r.channel.as_deref().is_none_or(|c| c == keep));
        self.blocks
            .retain(|b| b.channel.as_deref().is_none_or(|c| c == keep));
        self.channel_picked = Some(keep);
    }

    fn reconstruct(&mut self) {
        // The campaign under way per node: its index in `campaigns`.
        let mut open: BTreeMap<NodeId, usize> = BTreeMap::new();
        // The lines are read while the rest of the story is written (put back after).
        let read = std::mem::take(&mut self.read);
        for e in read.iter().map(|r| &r.event) {
            let n = e.node;
            self.nodes.insert(n);
            match &e.what {
                What::Became { role, term } => {
                    self.roles.entry(n).or_default().push((*term, *role));
                    match role {
                        Role::PreCandidate | Role::Candidate => {
                            let pre = *role == Role::PreCandidate;
                            let term = if pre { term.saturating_add(1) } else { *term };
                            // A pre-candidate that becomes a candidate for the term it
                            // asked about has won its pre-vote, whether or not a tally line
                            // said so (etcd 3.4 and later write none with a quorum).
                            if let Some(&c) = open.get(&n) {
                                let camp = &mut self.campaigns[c];
                                if !pre && camp.pre && camp.term == term {
                                    camp.won = true;
                                }
                            }
                            self.campaigns.push(Campaign {
                                node: n,
                                pre,
                                term,
                                ..Campaign::default()
                            });
                            open.insert(n, self.campaigns.len() - 1);
                        }
                        Role::Leader => {
                            self.leaders.insert(*term, n);
                            if let Some(&c) = open.get(&n) {
                                self.campaigns[c].won = true;
                            }
                            open.remove(&n);
                        }
                        Role::Follower => {
                            open.remove(&n);
                        }
                    }
                }
                What::SentVoteRequest { to, .. } => {
                    self.nodes.insert(*to);
                }
                What::LeaderChanged { new, term, .. } if *new != 0 => {
                    self.leaders.entry(*term).or_insert(*new);
                    self.nodes.insert(*new);
                }
                What::ReceivedVoteResponse {
                    from, reject, kind, ..
                } => {
                    if let Some(&c) = open.get(&n) {
                        let camp = &mut self.campaigns[c];
                        // (The voter's own line may have said it already.)
                        if camp.pre == (*kind == MsgKind::PreVoteResp) && *from != n {
                            let list = if *reject {
                                &mut camp.rejected
                            } else {
                                &mut camp.granted
                            };
                            if !list.contains(from) {
                                list.push(*from);
                            }
                        }
                    }
                    self.nodes.insert(*from);
                }
                What::VoteTally {
                    quorum,
                    kind,
                    granted,
                    ..
                } => {
                    if let Some(&c) = open.get(&n) {
                        let camp = &mut self.campaigns[c];
                        if camp.pre == (*kind == MsgKind::PreVoteResp) {
                            if quorum.is_some() {
                                camp.quorum = *quorum;
                            }
                            camp.tallied = camp.tallied.max(*granted);
                            // A pre-vote won leads on to the vote: marked won here.
                            if camp.pre && quorum.is_some_and(|q| *granted >= q) {
                                camp.won = true;
                            }
                        }
                    }
                }
                What::VoteRequestAnswered {
                    decision,
                    log_term,
                    index,
                    kind,
                    candidate,
                    candidate_log_term,
                    candidate_index,
                    term,
                    ..
                } => {
                    let pre = *kind == MsgKind::PreVote;
                    let reason = match decision {
                        VoteDecision::Cast => None,
                        VoteDecision::IgnoredInLease { remaining_ticks } => Some(format!(
                            "ignored it: it still hears its leader (lease, {remaining_ticks} ticks left)"
                        )),
                        VoteDecision::Rejected => {
                            let theirs = (candidate_log_term, candidate_index);
                            Some(if theirs < (log_term, index) {
                                format!(
                                    "refused it: its log [logterm {log_term}, index {index}] is ahead of the candidate's [logterm {candidate_log_term}, index {candidate_index}]"
                                )
                            } else {
                                format!("refused it at term {term}")
                            })
                        }
                    };
                    // The voter's answer belongs to the candidate's latest campaign of
                    // that kind.
                    if let Some(camp) = self
                        .campaigns
                        .iter_mut()
                        .rev()
                        .find(|c| c.node == *candidate && c.pre == pre)
                    {
                        match (decision, reason) {
                            (VoteDecision::Cast, _) if !camp.granted.contains(&n) => {
                                camp.granted.push(n);
                            }
                            (VoteDecision::Cast, _) => {}
                            (VoteDecision::Rejected, Some(r))
                                if (candidate_log_term, candidate_index) < (log_term, index)
                                    && !camp.log_behind.contains(&n) =>
                            {
                                camp.log_behind.push(n);
                                if !camp.reasons.contains(&(n, r.clone())) {
                                    camp.reasons.push((n, r));
                                }
                            }
                            (_, Some(r)) if !camp.reasons.contains(&(n, r.clone())) => {
                                camp.reasons.push((n, r));
                            }
                            _ => {}
                        }
                    }
                    self.nodes.insert(*candidate);
                }
                _ => {}
            }
        }
        self.read = read;
    }

    /// The space-time diagram of these lines (see `diagram`): a `History` the renderers
    /// draw, with the clock shifts it took.
    pub fn history(&self) -> super::diagram::Imported {
        super::diagram::build(self)
    }

    /// Fabric's etcdraft metrics as these lines tell them (see `metrics`).
    pub fn metrics(&self) -> super::metrics::Metrics {
        super::metrics::read(self)
    }

    /// A scenario that re-creates these lines in the simulator (see `replay`), or why
    /// there is none.
    pub fn scenario(&self) -> Result<String, super::replay::ReplayError> {
        super::replay::scenario(self)
    }

    /// Nodes that raised the term in campaigns they did not win (without pre-vote, a node
    /// cut off does this at every election timeout, and forces an election when it
    /// returns), with how many such campaigns.
    pub fn disruptive(&self) -> Vec<(NodeId, usize)> {
        // A campaign that won its pre-vote first was one a majority would have voted for
        // (it then lost a split vote, say): not a node disrupting the cluster, whose
        // remedy is pre-vote, already on there.
        let pre_won: BTreeSet<(NodeId, Term)> = self
            .campaigns
            .iter()
            .filter(|c| c.pre && c.won)
            .map(|c| (c.node, c.term))
            .collect();
        let mut by: BTreeMap<NodeId, usize> = BTreeMap::new();
        for c in &self.campaigns {
            if !c.pre && !c.won && !pre_won.contains(&(c.node, c.term)) {
                *by.entry(c.node).or_default() += 1;
            }
        }
        by.into_iter().filter(|&(_, k)| k >= 2).collect()
    }

    /// The stretches without a leader, (from, to) in µs, where every line has a time: from
    /// the first sign in the lines that the leader is gone (its own step-down, a node losing
    /// it, a candidate raising the term past it) to the next leader (its own line, or the
    /// first node to hear of it). A leader that stops without a word (a crash) is noticed
    /// only there: the real gap may start earlier. The bool: the last stretch is still open
    /// when the lines end (it ends at the last line).
    pub fn leaderless(&self) -> Option<(Vec<(i64, i64)>, bool)> {
        let mut out = Vec::new();
        let (mut leader, mut term): (Option<NodeId>, Term) = (None, 0);
        let mut gap: Option<i64> = None;
        let mut last = None;
        for r in &self.read {
            let t = r.time_us?;
            last = Some(t);
            let n = r.event.node;
            let (gone, found) = match &r.event.what {
                What::Became {
                    role: Role::Leader,
                    term: lt,
                } => (false, Some((n, *lt))),
                // A node hearing of a leader newer than the last one known (the leader's
                // own log may be missing, or begin after it won).
                What::LeaderChanged { new, term: lt, .. } if *new != 0 && *lt > term => {
                    (false, Some((*new, *lt)))
                }
                What::Became {
                    role: Role::Candidate,
                    term: ct,
                } => (*ct > term, None),
                What::Became {
                    role: Role::Follower,
                    ..
                }
                | What::SteppedDownQuorumInactive => (leader == Some(n), None),
                // Lost: the leader known, or one from before the lines.
                What::LeaderChanged { old, new: 0, .. } => (leader.is_none_or(|l| l == *old), None),
                _ => (false, None),
            };
            if let Some(found) = found {
                if let Some(g) = gap.take() {
                    out.push((g, t));
                }
                (leader, term) = (Some(found.0), found.1);
            } else if gone && gap.is_none() {
                gap = Some(t);
                leader = None;
            }
        }
        let open = match (gap, last) {
            (Some(g), Some(end)) => {
                out.push((g, end));
                true
            }
            _ => false,
        };
        Some((out, open))
    }

    /// Node `n` as its operators know it: etcd's hex, a Fabric orderer's decimal (see
    /// `fabric_names`), or the simulator's decimal.
    pub fn name(&self, n: NodeId) -> String {
        match self.ids {
            Some(Ids::Hex) if !self.fabric_names => format!("{n:x}"),
            _ => n.to_string(),
        }
    }

    /// Per orderer, the blocks its chain wrote (first and last, with their Raft indexes):
    /// the ledger's progress, and an orderer behind the others. None without such lines.
    pub fn blocks_line(&self) -> Option<String> {
        // node -> (first, last, how many).
        let mut per: BTreeMap<NodeId, (&BlockWritten, &BlockWritten, usize)> = BTreeMap::new();
        for b in &self.blocks {
            per.entry(b.node)
                .and_modify(|(_, last, k)| {
                    *last = b;
                    *k += 1;
                })
                .or_insert((b, b, 1));
        }
        if per.is_empty() {
            return None;
        }
        // When each orderer's lines end (any of its lines), so that an orderer is called
        // behind only against the blocks written by then: a log cut earlier is not behind.
        let mut ends: BTreeMap<NodeId, i64> = BTreeMap::new();
        let timed = self.blocks.iter().all(|b| b.time_us.is_some());
        let lines = self.read.iter().map(|r| (r.event.node, r.time_us));
        for (n, t) in lines.chain(self.blocks.iter().map(|b| (b.node, b.time_us))) {
            if let Some(t) = t {
                let end = ends.entry(n).or_insert(t);
                *end = (*end).max(t);
            }
        }
        let top_by = |end: Option<&i64>| {
            self.blocks
                .iter()
                .filter(|b| timed && end.is_some_and(|&e| b.time_us.is_some_and(|t| t <= e)))
                .map(|b| b.block)
                .max()
                .unwrap_or(0)
        };
        let nodes: Vec<String> = per
            .iter()
            .map(|(&n, (first, last, k))| {
                let span = if first.block == last.block {
                    format!("[{}] (Raft index {})", last.block, last.index)
                } else {
                    format!(
                        "[{}]–[{}] (Raft index {}–{}, {k} written)",
                        first.block, last.block, first.index, last.index
                    )
                };
                let behind = match top_by(ends.get(&n)).saturating_sub(last.block) {
                    0 => String::new(),
                    d => format!(", {d} behind the others when its lines end"),
                };
                format!("node {} {span}{behind}", self.name(n))
            })
            .collect();
        Some(format!("blocks written: {}", nodes.join(" · ")))
    }

    /// The summary an operator pastes into a ticket.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let ids: Vec<String> = self.nodes.iter().map(|&n| self.name(n)).collect();
        let _ = write!(
            s,
            "nodes: {} · lines read: {} · not read: {}",
            ids.join(", "),
            self.read.len(),
            self.skipped.len()
        );
        if self.other_lines > 0 {
            let _ = write!(
                s,
                " · other components' lines: {} (not listed)",
                self.other_lines
            );
        }
        if self.chain_lines > 0 {
            let _ = write!(
                s,
                " · Fabric chain lines: {} (not listed)",
                self.chain_lines
            );
        }
        let _ = writeln!(s);
        if let Some(blocks) = self.blocks_line() {
            let _ = writeln!(s, "{blocks}");
        }
        for (input, why) in &self.not_text {
            let name = self.inputs.get(*input).map_or("?", String::as_str);
            let _ = writeln!(s, "{name}: not read: {why}");
        }
        let input_name = |k: usize| self.inputs.get(k).map_or("?", String::as_str);
        const LISTED: usize = 5;
        for &(k, line) in self.bad_times.iter().take(LISTED) {
            let _ = writeln!(
                s,
                "{}:{line}: its time does not read (the file's other lines carry one): placed at the time of the line beside it",
                input_name(k)
            );
        }
        if self.bad_times.len() > LISTED {
            let _ = writeln!(
                s,
                "… and {} more lines whose time does not read, placed so",
                self.bad_times.len() - LISTED
            );
        }
        for &(k, n) in &self.nuls {
            let _ = writeln!(
                s,
                "{}: {n} NUL byte{} passed over (what a log truncated in place, or a crash mid-write, leaves)",
                input_name(k),
                if n == 1 { "" } else { "s" }
            );
        }
        for &(k, of) in &self.repeated {
            let _ = writeln!(
                s,
                "{}: not read: it repeats {} (the same lines)",
                input_name(k),
                input_name(of),
            );
        }
        for &(k, line, us) in &self.clock_back {
            let _ = writeln!(
                s,
                "{}:{line}: its time goes back {}.{:03} s from an earlier line of the file (a clock set back?): its lines are read in time order, not in the file's",
                input_name(k),
                us / 1_000_000,
                us / 1000 % 1000
            );
        }
        if self.channels.len() > 1 {
            let pick = "pick one: --channel on the command line, the Channel menu on the page";
            // The channel read, and why: the busiest (the reader may pick another), or the
            // one asked for; none read (no raft line): the choice is the reader's.
            let read = match (&self.channel_picked, &self.channel_chosen) {
                (Some(c), _) => Some((c, "the one with most raft lines", format!(" ({pick})"))),
                (None, Some(c)) => Some((c, "as chosen", String::new())),
                (None, None) => None,
            };
            match read {
                Some((c, why, then)) => {
                    let others: Vec<&str> = self
                        .channels
                        .iter()
                        .map(String::as_str)
                        .filter(|o| o != c)
                        .collect();
                    let _ = writeln!(
                        s,
                        "channel {c} read ({why}); also in the lines: {}{then}",
                        others.join(", ")
                    );
                }
                None => {
                    let cs: Vec<&str> = self.channels.iter().map(String::as_str).collect();
                    let _ = writeln!(s, "channels: {} ({pick})", cs.join(", "));
                }
            }
        }
        for (zone, &k) in &self.unknown_zones {
            let _ = writeln!(
                s,
                "{}: time zone {zone} is not one this reads (or names two zones): its times are read as UTC, and are off by the zone's offset next to inputs in other zones",
                input_name(k)
            );
        }
        for &k in &self.untimed {
            let _ = writeln!(
                s,
                "{}: not every line carries a time: its events are placed by their order only, after the timed inputs' (no figures over time, no clock comparison)",
                input_name(k)
            );
        }
        let list = |v: &[NodeId]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter()
                    .map(|&n| self.name(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        // Each term's campaigns, in order (one pass: a long log holds thousands of terms).
        let mut by_term: BTreeMap<Term, Vec<&Campaign>> =
            self.leaders.keys().map(|&t| (t, Vec::new())).collect();
        for c in &self.campaigns {
            by_term.entry(c.term).or_default().push(c);
        }
        for (t, of_term) in by_term {
            let only_asked = of_term.iter().all(|c| c.pre && !c.won);
            match self.leaders.get(&t) {
                Some(l) => {
                    let _ = writeln!(s, "term {t}: leader {}", self.name(*l));
                }
                // A pre-vote asks about a term without moving to it.
                None if only_asked => {
                    let _ = writeln!(s, "term {t}: never reached (asked about in pre-votes only)");
                }
                None => {
                    let _ = writeln!(s, "term {t}: no leader in these lines");
                }
            }
            let mut i = 0;
            while i < of_term.len() {
                let c = of_term[i];
                // A node cut off tries again and again: the same campaign, once, counted.
                let mut times = 1;
                while of_term.get(i + times).is_some_and(|d| *d == c) {
                    times += 1;
                }
                i += times;
                let times = if times > 1 {
                    format!(" ({times} times)")
                } else {
                    String::new()
                };
                let what = if c.pre { "pre-vote for" } else { "vote in" };
                let quorum = c.quorum.map_or(String::new(), |q| format!(" (quorum {q})"));
                let outcome = match (c.pre, c.won) {
                    (true, true) => "won the pre-vote",
                    (true, false) => "did not win the pre-vote: its term stayed",
                    (false, true) => "won",
                    (false, false) => "did not win",
                };
                // Votes its tally counted from voters the lines read do not name.
                let more = c.tallied.saturating_sub(1 + c.granted.len());
                let granted = match (more, c.granted.is_empty()) {
                    (0, _) => list(&c.granted),
                    (k, true) => format!("{k} (counted in its tally, not named in these lines)"),
                    (k, false) => format!(
                        "{} and {k} more (counted in its tally, not named in these lines)",
                        list(&c.granted)
                    ),
                };
                let _ = writeln!(
                    s,
                    "  {} asked for a {what} term {t}{quorum}{times}: granted by {granted}; {outcome}",
                    self.name(c.node),
                );
                for (voter, r) in &c.reasons {
                    let _ = writeln!(s, "    {} {r}", self.name(*voter));
                }
            }
        }
        if let Some((gaps, open)) = self.leaderless().filter(|g| !g.0.is_empty()) {
            let total: i64 = gaps.iter().map(|(a, b)| b - a).sum();
            let ms = |us: i64| format!("{}.{:03} s", us / 1_000_000, (us / 1000) % 1000);
            let longest = gaps.iter().map(|(a, b)| b - a).max().unwrap_or(0);
            let _ = writeln!(
                s,
                "time without a leader, from the first sign in the lines: {} in {} stretch{} (the longest {}){}",
                ms(total),
                gaps.len(),
                if gaps.len() == 1 { "" } else { "es" },
                ms(longest),
                if open {
                    "; still none when the lines end"
                } else {
                    ""
                }
            );
        }
        // Flapping: leaders coming and going (three changes or more, with the time they took).
        let led: Vec<i64> = self
            .read
            .iter()
            .filter(|r| {
                matches!(
                    r.event.what,
                    What::Became {
                        role: Role::Leader,
                        ..
                    }
                )
            })
            .filter_map(|r| r.time_us)
            .collect();
        if led.len() >= 3 && self.untimed.is_empty() {
            let span = led[led.len() - 1] - led[0];
            let _ = writeln!(
                s,
                "leadership changed {} times in {}.{:03} s",
                led.len() - 1,
                span / 1_000_000,
                (span / 1000) % 1000
            );
        }
        for line in super::findings::summary_lines(self) {
            let _ = writeln!(s, "{line}");
        }
        for skew in &self.clock_shifts {
            let d = skew.shift_us.unsigned_abs();
            let size = if d >= 1000 {
                format!("{} ms", (d + 500) / 1000)
            } else {
                format!("{d} µs")
            };
            let side = if skew.shift_us > 0 {
                "behind"
            } else {
                "ahead of"
            };
            let _ = writeln!(
                s,
                "node {}'s clock reads at least {size} {side} node {}'s (a message arrived before it was sent); its times were shifted by that",
                self.name(skew.node),
                self.name(skew.reference)
            );
        }
        for (n, k) in self.disruptive() {
            let _ = writeln!(
                s,
                "{} raised the term in {k} campaigns it did not win: a disruptive node (is pre-vote off?)",
                self.name(n)
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One damaged time stamp takes the time of the line beside it and is said; it does not
    /// take the whole file out of the order by time.
    #[test]
    fn a_line_whose_time_does_not_read_is_placed_beside_its_neighbours() {
        let a = [
            fabric(1000, "c", "1 became candidate at term 1"),
            "2024-13-45 99:99:99.000 UTC 0001 INFO [orderer.consensus.etcdraft] Infof -> 1 received MsgVoteResp from 2 at term 1 channel=c node=1\n".to_string(),
            fabric(3000, "c", "1 became leader at term 1"),
        ]
        .concat();
        let b = [
            fabric(2000, "c", "2 became follower at term 1"),
            fabric(4000, "c", "raft.node: 2 elected leader 1 at term 1"),
        ]
        .concat();
        let story = read(
            &[
                Input {
                    name: "node-1.log",
                    text: &a,
                },
                Input {
                    name: "node-2.log",
                    text: &b,
                },
            ],
            None,
            Ids::Hex,
        );
        assert!(story.untimed.is_empty(), "{:?}", story.untimed);
        assert_eq!(story.bad_times, [(0, 2)]);
        let order: Vec<(usize, usize)> = story.read.iter().map(|r| (r.input, r.line)).collect();
        assert_eq!(
            order,
            [(0, 1), (0, 2), (1, 1), (0, 3), (1, 2)],
            "in time order still"
        );
        let summary = story.summary();
        assert!(summary.contains("node-1.log:2: its time does not read (the file's other lines carry one): placed at the time of the line beside it"), "{summary}");
        assert!(
            !summary.contains("not every line carries a time"),
            "{summary}"
        );
    }

    /// Campaigns lost after a won pre-vote (split votes) are no disruptive node; lost
    /// without one, they are.
    #[test]
    fn a_node_that_won_its_pre_votes_is_not_called_disruptive() {
        let mut lines = String::new();
        for term in [2, 3] {
            lines.push_str(&format!(
                "4 became pre-candidate at term {}
1 [logterm: 1, index: 5, vote: 0] cast MsgPreVote for 4 [logterm: 1, index: 5] at term {}
2 [logterm: 1, index: 5, vote: 0] cast MsgPreVote for 4 [logterm: 1, index: 5] at term {}
4 has received 3 MsgPreVoteResp votes and 0 vote rejections
4 became candidate at term {term}
4 became follower at term {term}
",
                term - 1,
                term - 1,
                term - 1
            ));
        }
        let pre = read(
            &[Input {
                name: "a",
                text: &lines,
            }],
            None,
            Ids::Hex,
        );
        assert!(pre.skipped.is_empty(), "{:?}", pre.skipped);
        assert_eq!(pre.campaigns.iter().filter(|c| !c.pre && !c.won).count(), 2);
        assert_eq!(pre.disruptive(), []);
        let plain = "4 became candidate at term 2\n4 became follower at term 2\n4 became candidate at term 3\n4 became follower at term 3\n";
        let plain = read(
            &[Input {
                name: "b",
                text: plain,
            }],
            None,
            Ids::Hex,
        );
        assert_eq!(plain.disruptive(), [(4, 2)]);
        assert!(plain.summary().contains(
            "4 raised the term in 2 campaigns it did not win: a disruptive node (is pre-vote off?)"
        ));
    }

    #[test]
    fn the_reference_election_and_the_old_leader_returning() {
        // The reference file's real lines (node 3's own log, then the return of node 3 as
        // its voters and itself logged it).
        let node3 = include_str!("../../../tests/data/etcd-election-node3.log");
        let returning = "3 is starting a new election at term 5
3 became pre-candidate at term 5
3 [logterm: 4, index: 12] sent MsgPreVote request to 1 at term 5
2 [logterm: 5, index: 13, vote: 0] rejected MsgPreVote from 3 [logterm: 4, index: 12] at term 5
3 became follower at term 5
raft.node: 3 elected leader 1 at term 5";
        let inputs = [
            Input {
                name: "node3.log",
                text: node3,
            },
            Input {
                name: "return.log",
                text: returning,
            },
        ];
        let story = read(&inputs, None, Ids::Hex);
        assert!(story.skipped.is_empty(), "{:?}", story.skipped);
        assert_eq!(story.leaders.get(&2), Some(&3));
        assert_eq!(story.leaders.get(&5), Some(&1));
        let pre = &story.campaigns[0];
        assert_eq!((pre.node, pre.pre, pre.term, pre.won), (3, true, 2, true));
        assert_eq!(pre.granted, [5, 2], "pre-votes from 5 and 2");
        let vote = &story.campaigns[1];
        assert_eq!(
            (vote.node, vote.pre, vote.term, vote.won),
            (3, false, 2, true)
        );
        assert_eq!(vote.granted, [4, 5], "then votes from 4 and 5");
        let back = &story.campaigns[2];
        assert_eq!(
            (back.node, back.pre, back.term, back.won),
            (3, true, 6, false)
        );
        assert_eq!(back.reasons.len(), 1);
        assert!(
            back.reasons[0].1.contains("ahead of the candidate's"),
            "{:?}",
            back.reasons
        );
        // The cluster's term did not move: no campaign of a vote past term 5.
        assert!(!story.campaigns.iter().any(|c| !c.pre && c.term > 5));
        let summary = story.summary();
        assert!(summary.contains("term 2: leader 3\n  3 asked for a pre-vote for term 2 (quorum 3): granted by 5, 2; won the pre-vote\n  3 asked for a vote in term 2 (quorum 3): granted by 4, 5; won\n"), "{summary}");
        assert!(summary.contains("term 5: leader 1\n"), "{summary}");
        assert!(summary.contains("term 6: never reached (asked about in pre-votes only)\n  3 asked for a pre-vote for term 6: granted by none; did not win the pre-vote: its term stayed\n    2 refused it: its log [logterm 5, index 13] is ahead of the candidate's [logterm 4, index 12]\n"), "{summary}");
    }

    #[test]
    fn time_without_a_leader_and_flapping_from_timed_lines() {
        let line = |ms: u64, text: &str| {
            let node = text.split(' ').next().unwrap();
            format!("2019-08-30 10:05:{:02}.{:03} UTC [orderer.consensus.etcdraft] Step -> INFO 001 {text} channel=c node={node}\n", ms / 1000, ms % 1000)
        };
        let text = [
            line(1000, "1 became candidate at term 1"),
            line(1100, "1 became leader at term 1"),
            line(
                5000,
                "1 stepped down to follower since quorum is not active",
            ),
            line(5400, "2 became candidate at term 2"),
            line(5500, "2 became leader at term 2"),
            line(8000, "3 became candidate at term 3"),
            line(8700, "3 became leader at term 3"),
        ]
        .concat();
        let story = read(
            &[Input {
                name: "x",
                text: &text,
            }],
            None,
            Ids::Hex,
        );
        // 1.0 to 1.1 (the first election), 5.0 to 5.5, 8.0 to 8.7.
        assert_eq!(
            story
                .leaderless()
                .unwrap()
                .0
                .iter()
                .map(|(a, b)| b - a)
                .collect::<Vec<_>>(),
            [100_000, 500_000, 700_000]
        );
        let summary = story.summary();
        assert!(
            summary
                .contains("time without a leader, from the first sign in the lines: 1.300 s in 3 stretches (the longest 0.700 s)\n"),
            "{summary}"
        );
        assert!(
            summary.contains("leadership changed 2 times in 7.600 s\n"),
            "{summary}"
        );
        // Bare lines carry no time: no such figures.
        let bare = read(
            &[Input {
                name: "x",
                text: "1 became leader at term 1\n",
            }],
            None,
            Ids::Hex,
        );
        assert_eq!(bare.leaderless(), None);
    }

    #[test]
    fn channels_are_told_apart_unread_lines_are_listed_and_other_components_counted() {
        let text = "\
2019-08-30 10:05:41.100 UTC [orderer.consensus.etcdraft] Step -> INFO 001 1 became candidate at term 2 channel=a node=1
2019-08-30 10:05:41.200 UTC [orderer.consensus.etcdraft] Step -> INFO 002 1 became leader at term 2 channel=a node=1
2019-08-30 10:05:41.150 UTC [orderer.consensus.etcdraft] Step -> INFO 003 2 became candidate at term 7 channel=b node=2
2019-08-30 10:05:41.300 UTC [orderer.common.cluster] Step -> INFO 004 some other component's words channel=a node=1
{\"level\":\"info\",\"msg\":";
        let story = read(&[Input { name: "x", text }], Some("a"), Ids::Hex);
        assert_eq!(story.channels.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(story.leaders.get(&2), Some(&1));
        assert!(!story.leaders.contains_key(&7));
        // Another component's line is counted, not listed; a line that cannot be read is.
        assert_eq!(story.other_lines, 1);
        assert_eq!(story.skipped.len(), 1);
        assert_eq!(story.skipped[0].line, 5);
        assert!(story.summary().starts_with(
            "nodes: 1 · lines read: 2 · not read: 1 · other components' lines: 1 (not listed)\n"
        ));
    }

    #[test]
    fn a_fabric_orderers_chain_lines_are_counted_and_its_blocks_read() {
        // Two orderers; the chain's own sentences under the raft module's name.
        let line = |ms: u64, seq: u32, node: u64, chan: &str, text: &str| {
            format!("2024-11-09 03:44:{:02}.{:03} UTC {seq:04x} INFO [orderer.consensus.etcdraft] f -> {text} channel={chan} node={node}\n", ms / 1000, ms % 1000)
        };
        let one = [
            line(1000, 1, 1, "a", "1 became leader at term 2"),
            line(1001, 2, 1, "a", "Raft leader changed: 0 -> 1"),
            line(
                1002,
                3,
                1,
                "a",
                "Start accepting requests as Raft leader at block [0]",
            ),
            line(
                1100,
                4,
                1,
                "a",
                "Writing block [1] (Raft index: 5) to ledger",
            ),
            line(
                1200,
                5,
                1,
                "a",
                "Writing block [2] (Raft index: 6) to ledger",
            ),
            line(
                1300,
                6,
                1,
                "a",
                "Writing block [3] (Raft index: 7) to ledger",
            ),
            // Another channel's block: not this story's.
            line(
                1350,
                7,
                1,
                "b",
                "Writing block [9] (Raft index: 11) to ledger",
            ),
            // A lower-case sentence the chain writes too is still listed as not read.
            line(1400, 8, 1, "a", "could not read config metadata: x"),
        ]
        .concat();
        let two = [
            line(1000, 1, 2, "a", "2 became follower at term 2"),
            line(
                1150,
                2,
                2,
                "a",
                "Writing block [1] (Raft index: 5) to ledger",
            ),
            line(
                1400,
                3,
                2,
                "a",
                "2 [term: 2] received a MsgHeartbeat message with higher term from 1 [term: 3]",
            ),
        ]
        .concat();
        let inputs = [
            Input {
                name: "o1",
                text: &one,
            },
            Input {
                name: "o2",
                text: &two,
            },
        ];
        let story = read(&inputs, Some("a"), Ids::Hex);
        assert_eq!(story.chain_lines, 6);
        assert_eq!(story.skipped.len(), 1, "{:?}", story.skipped);
        let blocks: Vec<(NodeId, u64, u64)> = story
            .blocks
            .iter()
            .map(|b| (b.node, b.block, b.index))
            .collect();
        assert_eq!(blocks, [(1, 1, 5), (2, 1, 5), (1, 2, 6), (1, 3, 7)]);
        let summary = story.summary();
        assert!(
            summary.starts_with(
                "nodes: 1, 2 · lines read: 3 · not read: 1 · Fabric chain lines: 6 (not listed)\n"
            ),
            "{summary}"
        );
        assert!(
            summary.contains("blocks written: node 1 [1]–[3] (Raft index 5–7, 3 written) · node 2 [1] (Raft index 5), 2 behind the others when its lines end\n"),
            "{summary}"
        );
        // Fabric's committed_block_number gauge, from the first line read.
        let m = story.metrics();
        assert_eq!(
            m.committed_block[&1],
            [(100_000, 1), (200_000, 2), (300_000, 3)]
        );
        assert_eq!(m.committed_block[&2], [(150_000, 1)]);
        assert!(
            m.text().contains(
                "consensus_etcdraft_committed_block_number{node=\"1\"} 0.100=1 0.200=2 0.300=3\n"
            ),
            "{}",
            m.text()
        );
        // An etcd member's lines of other words are not Fabric's chain: listed as not read.
        let etcd = read(
            &[Input { name: "e", text: "{\"level\":\"info\",\"ts\":\"2023-05-10T09:00:00.000Z\",\"logger\":\"raft\",\"msg\":\"Writing block [1] (Raft index: 5) to ledger\"}\n" }],
            None,
            Ids::Hex,
        );
        assert_eq!((etcd.chain_lines, etcd.skipped.len()), (0, 1));
        // Orderer 2's log cut at its block [1] (1.150 s): blocks [2] and [3] came later, so
        // it is not called behind.
        let cut = two
            .lines()
            .take(2)
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        let inputs = [
            Input {
                name: "o1",
                text: &one,
            },
            Input {
                name: "o2",
                text: &cut,
            },
        ];
        let summary = read(&inputs, Some("a"), Ids::Hex).summary();
        assert!(
            summary.contains("· node 2 [1] (Raft index 5)\n"),
            "{summary}"
        );
    }

    #[test]
    fn etcd_3_5_lines_a_start_a_tally_without_quorum_a_leader_known_late_and_an_open_gap() {
        // etcd 3.5 as zap writes it: a start logs its configuration and `became follower`
        // before `newRaft`; a tally no longer names the quorum.
        let zap = |ms: u64, msg: &str| {
            format!("{{\"level\":\"info\",\"ts\":\"2023-05-10T09:{:02}:{:02}.{:03}Z\",\"logger\":\"raft\",\"msg\":\"{msg}\"}}\n", ms / 60_000, ms / 1000 % 60, ms % 1000)
        };
        let start = |ms: u64, n: &str| {
            [
                zap(ms, &format!("{n} switched to configuration voters=(a b c)")),
                zap(ms, &format!("{n} became follower at term 1")),
                zap(ms + 1, &format!("newRaft {n} [peers: [], term: 1, commit: 3, applied: 3, lastindex: 3, lastterm: 1]")),
            ]
            .concat()
        };
        let a = [
            start(0, "a"),
            zap(2000, "a is starting a new election at term 1"),
            zap(2000, "a became pre-candidate at term 1"),
            zap(2001, "a received MsgPreVoteResp from b at term 1"),
            zap(
                2001,
                "a has received 2 MsgPreVoteResp votes and 0 vote rejections",
            ),
            zap(2001, "a became candidate at term 2"),
            zap(2002, "a received MsgVoteResp from b at term 2"),
            zap(
                2002,
                "a has received 2 MsgVoteResp votes and 0 vote rejections",
            ),
            zap(2002, "a became leader at term 2"),
            zap(3000, "a [term 2] committed up to index 4"),
            // Down after 3 s, started again at 60 s.
            start(60_000, "a"),
        ]
        .concat();
        // b's log begins after the election: only the node-level line says who leads.
        let b = [
            zap(2500, "raft.node: b elected leader a at term 2"),
            zap(61_000, "raft.node: b lost leader a at term 2"),
            zap(62_000, "b is starting a new election at term 2"),
            zap(62_000, "b became pre-candidate at term 2"),
        ]
        .concat();
        let story = read(
            &[
                Input {
                    name: "etcd.log",
                    text: &a,
                },
                Input {
                    name: "etcd.log",
                    text: &b,
                },
            ],
            None,
            Ids::Hex,
        );
        assert!(story.skipped.is_empty(), "{:?}", story.skipped);
        assert!(story.repeated.is_empty());
        // The pre-vote was won: its tally had no quorum, the candidacy that followed says so.
        let pre = story
            .campaigns
            .iter()
            .find(|c| c.pre && c.node == 0xa)
            .unwrap();
        assert!(pre.won, "{pre:?}");
        assert_eq!(pre.tallied, 2);
        let summary = story.summary();
        assert!(
            summary.contains("a asked for a pre-vote for term 2: granted by b; won the pre-vote\n"),
            "{summary}"
        );
        // The first start is no restart; the second went down after the commit at 3 s.
        assert_eq!(
            super::super::findings::restarts(&story),
            [(0xa, 60_001_000, 3_000_000)]
        );
        // Still no leader when the lines end: from a's start at 60 s (it led) to the last
        // line, b's pre-vote at 62 s.
        let base = story.read[0].time_us.unwrap();
        let (gaps, open) = story.leaderless().unwrap();
        assert_eq!(gaps.last(), Some(&(base + 60_000_000, base + 62_000_000)));
        assert!(open);
        assert!(
            summary.contains("; still none when the lines end\n"),
            "{summary}"
        );
        // A log that begins after its node won: the node-level line says it leads, in the
        // diagram's lane and in is_leader.
        let c = [
            zap(0, "raft.node: c elected leader c at term 3"),
            zap(1000, "c [term 3] committed up to index 9"),
        ]
        .concat();
        let story = read(
            &[Input {
                name: "c.log",
                text: &c,
            }],
            None,
            Ids::Hex,
        );
        let d = story.history();
        let leads = crate::history::LaneState::Up {
            role: Role::Leader,
            term: 3,
        };
        assert!(d
            .history
            .spans(d.lanes[&0xc], 0, u64::MAX)
            .any(|s| s.state == leads));
        assert_eq!(story.metrics().is_leader[&0xc], [(0, 1)]);
    }

    fn fabric(ms: u64, channel: &str, text: &str) -> String {
        let node = text.split(' ').next().unwrap();
        format!("2019-08-30 10:05:{:02}.{:03} UTC [orderer.consensus.etcdraft] Step -> INFO 001 {text} channel={channel} node={node}\n", ms / 1000, ms % 1000)
    }

    #[test]
    fn a_fabric_orderer_is_named_in_decimal_as_its_node_field_names_it() {
        // Orderer 10: etcd raft writes it `a`, Fabric's own field `node=10`.
        let line = "2019-08-30 10:05:41.100 UTC [orderer.consensus.etcdraft] Step -> INFO 001 a became leader at term 2 channel=c node=10\n";
        let story = read(
            &[Input {
                name: "o10.log",
                text: line,
            }],
            None,
            Ids::Hex,
        );
        assert_eq!(story.leaders.get(&2), Some(&10));
        assert!(
            story.summary().contains("term 2: leader 10\n"),
            "{}",
            story.summary()
        );
        // A tally counts voters whose answers are not in the lines read.
        let lines = [
            "2019-08-30 10:05:41.000 UTC [orderer.consensus.etcdraft] Step -> INFO 001 a became candidate at term 2 channel=c node=10\n",
            "2019-08-30 10:05:41.050 UTC [orderer.consensus.etcdraft] Step -> INFO 002 a has received 2 MsgVoteResp votes and 0 vote rejections channel=c node=10\n",
            line,
        ]
        .concat();
        let story = read(
            &[Input {
                name: "o10.log",
                text: &lines,
            }],
            None,
            Ids::Hex,
        );
        assert!(story.summary().contains("10 asked for a vote in term 2: granted by 1 (counted in its tally, not named in these lines); won\n"), "{}", story.summary());
        // etcd's own lines keep etcd's hex.
        let zap = r#"{"level":"info","ts":"2024-01-01T00:00:01Z","logger":"raft","msg":"a became leader at term 2"}"#;
        let story = read(
            &[Input {
                name: "etcd.log",
                text: zap,
            }],
            None,
            Ids::Hex,
        );
        assert!(
            story.summary().contains("term 2: leader a\n"),
            "{}",
            story.summary()
        );
    }

    #[test]
    fn a_file_whose_clock_goes_back_is_named_with_the_line() {
        let text = [
            fabric(5000, "c", "1 became follower at term 1"),
            fabric(5500, "c", "1 became candidate at term 2"),
            // Jitter under a second is no clock set back; 2.5 s is.
            fabric(5200, "c", "1 became follower at term 2"),
            fabric(3000, "c", "1 became candidate at term 3"),
        ]
        .concat();
        let story = read(
            &[Input {
                name: "o1.log",
                text: &text,
            }],
            None,
            Ids::Hex,
        );
        assert_eq!(story.clock_back, [(0, 4, 2_500_000)]);
        let summary = story.summary();
        assert!(summary.contains("o1.log:4: its time goes back 2.500 s from an earlier line of the file (a clock set back?)"), "{summary}");
    }

    #[test]
    fn an_input_without_times_does_not_take_time_order_from_the_others() {
        // Node 1 leads term 1 then node 2 term 2; the first file begins with a BOM.
        let a = format!(
            "\u{feff}{}{}",
            fabric(1000, "c", "1 became candidate at term 1"),
            fabric(1100, "c", "1 became leader at term 1")
        );
        let b = [
            fabric(500, "c", "2 became follower at term 1"),
            fabric(5000, "c", "2 became candidate at term 2"),
            fabric(5100, "c", "2 became leader at term 2"),
        ]
        .concat();
        let pasted = "3 became leader at term 7\n";
        let story = read(
            &[
                Input {
                    name: "a",
                    text: &a,
                },
                Input {
                    name: "b",
                    text: &b,
                },
                Input {
                    name: "pasted",
                    text: pasted,
                },
            ],
            None,
            Ids::Hex,
        );
        // The BOM's line has its time; the timed lines are in time order, the pasted
        // one after them.
        let times: Vec<Option<i64>> = story.read.iter().map(|r| r.time_us).collect();
        assert!(times[..5].iter().all(Option::is_some), "{times:?}");
        assert!(times[..5].windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        assert_eq!(story.read[5].input, 2);
        assert_eq!(story.untimed, [2]);
        let summary = story.summary();
        assert!(
            summary.contains(
                "pasted: not every line carries a time: its events are placed by their order only"
            ),
            "{summary}"
        );
        assert!(!summary.contains("clock reads"), "{summary}");
        assert!(!summary.contains(" at 0."), "{summary}");
    }

    #[test]
    fn an_unknown_time_zone_is_named_in_the_summary() {
        let line = |zone: &str, text: &str| {
            format!("2024-11-09 03:44:22.823 {zone} [orderer.consensus.etcdraft] becomeLeader -> INFO 001 {text} channel=c node=1\n")
        };
        let a = line("CET", "1 became leader at term 2");
        let b = [
            line("XYZT", "2 became follower at term 2"),
            line("CST", "3 became follower at term 2"),
        ]
        .concat();
        let story = read(
            &[
                Input {
                    name: "a.log",
                    text: &a,
                },
                Input {
                    name: "b.log",
                    text: &b,
                },
            ],
            None,
            Ids::Hex,
        );
        assert_eq!(story.read.len(), 3);
        assert_eq!(
            story
                .unknown_zones
                .iter()
                .map(|(z, &k)| (z.as_str(), k))
                .collect::<Vec<_>>(),
            [("CST", 1), ("XYZT", 1)]
        );
        let summary = story.summary();
        assert!(
            summary.contains("b.log: time zone XYZT is not one this reads"),
            "{summary}"
        );
        assert!(summary.contains("b.log: time zone CST is not one this reads (or names two zones): its times are read as UTC"), "{summary}");
        assert!(!summary.contains("zone CET"), "{summary}");
    }

    #[test]
    fn several_channels_are_not_merged_and_a_repeated_input_is_set_aside() {
        let node = |k: u64| {
            [
                fabric(1000 + k, "big", &format!("{k} became follower at term 1")),
                fabric(2000 + k, "small", &format!("{k} became follower at term 2")),
                fabric(3000 + k, "big", &format!("{k} became follower at term 2")),
            ]
            .concat()
        };
        let one = [fabric(900, "big", "1 became leader at term 2"), node(1)].concat();
        let three = [fabric(950, "small", "3 became leader at term 2"), node(3)].concat();
        let copy = one.clone();
        let story = read(
            &[
                Input {
                    name: "node-1.log",
                    text: &one,
                },
                Input {
                    name: "node-1.log",
                    text: &one,
                },
                Input {
                    name: "node-3.log",
                    text: &three,
                },
                Input {
                    name: "copy.log",
                    text: &copy,
                },
                // Another node's log under a name already given (each member's
                // `etcd.log`): read.
                Input {
                    name: "node-1.log",
                    text: &node(5),
                },
            ],
            None,
            Ids::Hex,
        );
        assert_eq!(story.channel_picked.as_deref(), Some("big"));
        assert!(story
            .read
            .iter()
            .all(|r| r.channel.as_deref() == Some("big")));
        assert_eq!(story.leaders.get(&2), Some(&1));
        assert_eq!(story.repeated, [(1, 0), (3, 0)]);
        assert!(story.read.iter().all(|r| [0, 2, 4].contains(&r.input)));
        assert!(story.read.iter().any(|r| r.input == 4 && r.event.node == 5));
        let summary = story.summary();
        assert!(!summary.contains("had 2 leaders"), "{summary}");
        assert!(!summary.contains("restarted"), "{summary}");
        assert!(summary.contains("channel big read (the one with most raft lines); also in the lines: small (pick one: --channel on the command line, the Channel menu on the page)"), "{summary}");
        assert!(
            summary.contains("node-1.log: not read: it repeats node-1.log (the same lines)"),
            "{summary}"
        );
        assert!(
            summary.contains("copy.log: not read: it repeats node-1.log (the same lines)"),
            "{summary}"
        );
        // A channel asked for is named as the one read, not left to pick.
        let inputs = [Input {
            name: "node-3.log",
            text: &three,
        }];
        let chosen = read(&inputs, Some("small"), Ids::Hex).summary();
        assert!(
            chosen.contains("channel small read (as chosen); also in the lines: big\n"),
            "{chosen}"
        );
        assert!(!chosen.contains("pick one"), "{chosen}");
    }
}
