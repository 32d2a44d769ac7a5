//! What the page draws each frame: one plain, serializable snapshot of the cluster.
//! Everything is a number or a short string, so it crosses into JS in one call.

use raft_core::message::Body;
use raft_core::progress::ProgressState;
use raft_core::types::{EntryKind, Role};
use raft_sim::{kv, Cluster, Metrics, Server};
use serde::Serialize;

/// How many of each node's newest log entries a frame carries (the strip shows the tail).
pub const LOG_TAIL: usize = 30;
/// How many new log lines a frame carries at most (the page keeps its own bounded pane).
pub const LINES_PER_FRAME: usize = 400;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Frame {
    pub now: f64,
    pub horizon: f64,
    pub leader: u64,
    /// The highest term any live node has reached: not the leader's where a node cut off or
    /// removed has campaigned past it (the leader's is `nodes[leader - 1].term`).
    pub term: u64,
    pub nodes: Vec<NodeView>,
    pub messages: Vec<MessageView>,
    pub lines: Vec<LineView>,
    /// The sequence number to ask for next time (lines after those in `lines`).
    pub next_line: f64,
    /// The oldest line still held and the number of lines ever logged: after a seek, ask
    /// for `total_lines - k` to get the newest k.
    pub first_line: f64,
    pub total_lines: f64,
    /// Whether every log and store and the messages' texts are filled in (see `frame`): a
    /// frame for some nodes (`Detail::Nodes`) fills in theirs only, and no texts.
    pub detail: bool,
    pub metrics: MetricsView,
    pub violation: Option<ViolationView>,
    /// Partition groups (empty when healed).
    pub partition: Vec<Vec<u64>>,
    pub requests: RequestCounts,
    pub prevote: bool,
    pub checkquorum: bool,
    pub tick_us: f64,
    pub loss: f64,
    pub latency_min_ms: f64,
    pub latency_max_ms: f64,
    /// What changes seldom, hashed (see `motion::slow_key`): a light frame can be made of
    /// this frame and the motion while the motion carries the same key.
    pub slow_key: f64,
    /// The configuration in force, as the leader sees it (or the live node of the highest
    /// term when there is no leader).
    pub conf: ConfView,
}

/// A configuration: who votes, who learns, and whether the cluster is in joint consensus.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ConfView {
    /// The node whose view this is (0: no live node).
    pub from: u64,
    /// The voters (the incoming ones while joint).
    pub voters: Vec<u64>,
    /// The outgoing voters while joint (empty otherwise).
    pub outgoing: Vec<u64>,
    pub learners: Vec<u64>,
    /// Outgoing voters that become learners when the joint configuration is left.
    pub learners_next: Vec<u64>,
    pub joint: bool,
    /// Whether the leader leaves the joint configuration by itself.
    pub auto_leave: bool,
    /// Whether a change was proposed and is not applied yet by the leader.
    pub pending: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub id: u64,
    pub up: bool,
    /// follower, pre-candidate, candidate, leader, or crashed.
    pub role: &'static str,
    pub term: u64,
    pub vote: u64,
    pub lead: u64,
    /// Commit, applied, last and snapshot indexes (written out as fields of the node).
    #[serde(flatten)]
    pub indexes: LogIndexes,
    /// [index, term, command] of the newest entries (command "" for a no-op).
    pub log: Vec<(u64, u64, String)>,
    pub election_elapsed: u64,
    pub election_timeout: u64,
    pub heartbeat_elapsed: u64,
    pub heartbeat_tick: u64,
    /// When this node's clock ticks next (us), to interpolate its timer between ticks.
    pub next_tick: f64,
    /// The leader's view of each follower: [id, match, next, state, recently active].
    pub progress: Vec<(u64, u64, u64, &'static str, bool)>,
    /// Votes received in the current (pre-)election: [id, 1 granted / 0 rejected].
    pub votes: Vec<(u64, u8)>,
    pub kv: Vec<(String, String)>,
    pub transferee: u64,
    /// The node's place in the configuration in force: voter, learner, removed (it was in a
    /// configuration but is not in this one), or joining (added, knows no configuration yet).
    pub member: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: f64,
    pub from: u64,
    pub to: u64,
    pub kind: &'static str,
    pub term: u64,
    pub sent: f64,
    pub deliver: f64,
    // The flags and the text are left out when false or empty (a reader treats a missing
    // one as false or ""): most messages carry none, and at 51 nodes a frame holds a few
    // hundred messages, so this takes about a third off the text crossing into JS.
    #[serde(skip_serializing_if = "is_false")]
    pub lost: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub duplicate: bool,
    pub entries: usize,
    #[serde(skip_serializing_if = "is_false")]
    pub reject: bool,
    /// A one-line description for a tooltip (only in a detailed frame).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// For an answer, the rule behind it (only in a detailed frame; see raft-core's why.rs).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub why: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    pub seq: f64,
    pub t: f64,
    pub node: u64,
    pub cat: &'static str,
    pub text: String,
    /// For a decision, the rule behind it (empty otherwise).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub why: String,
}

/// A pause of the script reached earlier (`Sim::scriptStep`).
#[derive(Serialize)]
pub struct ReachedStep<'a> {
    pub step: usize,
    pub text: &'a str,
    pub line: usize,
    pub at: f64,
}

/// A comparison of two runs that agree so far (`Sim::first_difference`).
#[derive(Serialize)]
pub struct Same {
    pub same: (f64, f64),
}

/// Where two runs part (`Sim::first_difference`).
#[derive(Serialize)]
pub struct Parted {
    pub at: (f64, f64),
    pub t: f64,
    pub left: Option<LineText>,
    pub right: Option<LineText>,
}

/// A log line's words and the rule behind it (empty when it is not a decision).
#[derive(Serialize)]
pub struct LineText {
    pub text: String,
    pub why: String,
}

/// `raft_sim::Metrics` as the page reads it: the same fields under the same (Fabric's,
/// snake_case) names, so a frame's `metrics` reads like the Prometheus text.
#[derive(Serialize)]
pub struct MetricsView {
    pub cluster_size: u64,
    /// Over the same voters as cluster_size, so never above it.
    pub active_nodes: u64,
    /// Learners, in neither of the two above (the simulator's own gauge, not Fabric's).
    pub learners: u64,
    /// [node id, 1 for the leader or 0].
    pub is_leader: Vec<(u64, u64)>,
    /// [node id, changes of the leader it knew, to none included].
    pub leader_changes: Vec<(u64, u64)>,
    pub proposal_failures: u64,
    pub normal_proposals_received: u64,
    pub config_proposals_received: u64,
    pub committed_index: u64,
    pub snapshot_index: u64,
    /// Fabric's committed and snapshot block numbers (client commands, not raft indexes).
    pub committed_block: u64,
    pub snapshot_block: u64,
    /// [kind, sent, delivered, dropped].
    pub messages: Vec<(String, u64, u64, u64)>,
}

impl From<Metrics> for MetricsView {
    fn from(m: Metrics) -> MetricsView {
        MetricsView {
            cluster_size: m.cluster_size,
            active_nodes: m.active_nodes,
            learners: m.learners,
            is_leader: m.is_leader,
            leader_changes: m.leader_changes,
            proposal_failures: m.proposal_failures,
            normal_proposals_received: m.normal_proposals_received,
            config_proposals_received: m.config_proposals_received,
            committed_index: m.committed_index,
            snapshot_index: m.snapshot_index,
            committed_block: m.committed_block,
            snapshot_block: m.snapshot_block,
            messages: m.messages,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViolationView {
    pub property: String,
    pub nodes: Vec<u64>,
    pub term: u64,
    pub index: u64,
    pub text: String,
}

/// How the client requests fared (see `raft_sim::RequestTally`): every request sent
/// is counted in exactly one of pending, committed and rejected.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RequestCounts {
    /// Waiting for a commit, before their deadline.
    pub pending: u64,
    /// Committed before their deadline.
    pub committed: u64,
    /// Failed: refused at once, or timed out.
    pub rejected: u64,
    /// Of `rejected`, those that timed out (their client stopped waiting).
    pub timed_out: u64,
}

fn describe(body: &Body) -> String {
    match body {
        Body::PreVote { last_log_term, last_log_index } | Body::Vote { last_log_term, last_log_index, .. } => {
            format!("last log [term {last_log_term}, index {last_log_index}]")
        }
        Body::PreVoteResp { reject } | Body::VoteResp { reject } => {
            if *reject { "rejected".into() } else { "granted".into() }
        }
        Body::App { prev_log_index, prev_log_term, entries, commit } => match (entries.first(), entries.last()) {
            (Some(a), Some(b)) => format!(
                "entries {}..{} after [term {prev_log_term}, index {prev_log_index}], commit {commit}",
                a.index, b.index
            ),
            _ => format!("no entries, after [term {prev_log_term}, index {prev_log_index}], commit {commit}"),
        },
        Body::AppResp { index, reject: false, .. } => format!("accepted, matches up to index {index}"),
        Body::AppResp { index, reject: true, hint_index, hint_term } => {
            format!("rejected index {index}, hint [term {hint_term}, index {hint_index}]")
        }
        Body::Heartbeat { commit } => format!("commit {commit}"),
        Body::HeartbeatResp => String::new(),
        Body::Snap { snapshot } => format!("snapshot up to [term {}, index {}]", snapshot.term, snapshot.index),
        Body::TimeoutNow => "campaign now".into(),
        Body::Prop { entries } => entries.iter().map(|e| kv::describe(e.as_slice())).collect::<Vec<_>>().join(", "),
    }
}

/// An entry's command as a strip shows it: a configuration entry reads `conf ` and the
/// change (etcd's words).
fn entry_text(e: &raft_core::types::Entry) -> String {
    if e.kind() == EntryKind::ConfChange {
        match raft_core::confchange::decode_entry(e.data.as_slice()) {
            Some((cc, _)) => format!("conf {cc}"),
            None => "conf".into(),
        }
    } else {
        kv::describe(e.data.as_slice())
    }
}

fn log_view(entries: &[raft_core::types::Entry]) -> Vec<(u64, u64, String)> {
    entries
        .iter()
        .map(|e| (e.index, e.term, entry_text(e)))
        .collect()
}

/// The configuration in force: the leader's, or the highest-term live node's.
pub(crate) fn conf_view(c: &Cluster, leader: u64) -> ConfView {
    let from = c
        .servers()
        .iter()
        .filter_map(|s| s.node().map(|n| (s.id, n)))
        .filter(|(id, n)| {
            *id == leader || (leader == 0 && !n.tracker().config().voters.incoming().is_empty())
        })
        // With no leader, the configuration applied furthest along the log: a node removed
        // while it was down never learns it and campaigns on, its term rising past the
        // others' (its old configuration is not the cluster's).
        .max_by_key(|(id, n)| (*id == leader, n.applied(), n.term(), u64::MAX - id));
    let Some((id, n)) = from else {
        return ConfView::default();
    };
    let cfg = n.tracker().config();
    ConfView {
        from: id,
        voters: cfg.voters.incoming().ids().collect(),
        outgoing: cfg.voters.outgoing().ids().collect(),
        learners: cfg.learners.iter().collect(),
        learners_next: cfg.learners_next.iter().collect(),
        joint: cfg.voters.is_joint(),
        auto_leave: cfg.auto_leave,
        pending: n.role() == Role::Leader && n.pending_conf_index() > n.applied(),
    }
}

/// Server `s`'s place in `conf`: voter, learner, removed (it knows a configuration of its
/// own, or there is none to be in) or joining (added, knows no configuration yet).
pub(crate) fn member_of(conf: &ConfView, s: &Server) -> &'static str {
    let id = s.id;
    let knows = match s.node() {
        Some(n) => {
            let cfg = n.tracker().config();
            !cfg.voters.incoming().is_empty() || !cfg.learners.is_empty()
        }
        None => s.storage().snapshot.index + s.storage().entries.len() as u64 > 0,
    };
    if conf.voters.contains(&id) || conf.outgoing.contains(&id) {
        "voter"
    } else if conf.learners.contains(&id) || conf.learners_next.contains(&id) {
        "learner"
    } else if knows || conf.from == 0 {
        "removed"
    } else {
        "joining"
    }
}

/// How many ticks node `n`'s timer runs for: a leader's check-quorum round, anyone else's
/// randomized election timeout.
pub(crate) fn timer_length(n: &raft_core::Node) -> u64 {
    if n.role() == Role::Leader {
        n.election_tick()
    } else {
        n.randomized_election_timeout()
    }
}

/// The highest term any live node has reached.
pub(crate) fn highest_term(c: &Cluster) -> u64 {
    c.servers()
        .iter()
        .filter_map(|s| s.node())
        .map(|n| n.term())
        .max()
        .unwrap_or(0)
}

fn progress_state(s: ProgressState) -> &'static str {
    s.as_str()
}

/// Which nodes' logs and stores a frame carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every node's, and the messages' texts.
    All,
    /// None (a light frame).
    None,
    /// Only these nodes' (the rows a page is about to redraw). No message texts: a large
    /// cluster asks for a few rows a dozen times a second, and describing its hundreds of
    /// messages in flight each time cost more than the rows (a tip without a text asks for
    /// a full frame).
    Nodes(Vec<u64>),
}

impl Detail {
    fn of(&self, id: u64) -> bool {
        match self {
            Detail::All => true,
            Detail::None => false,
            Detail::Nodes(ids) => ids.contains(&id),
        }
    }
}

impl From<bool> for Detail {
    fn from(all: bool) -> Detail {
        if all {
            Detail::All
        } else {
            Detail::None
        }
    }
}

/// One frame. Without detail the per-node logs and stores and the messages' texts are
/// left empty (`Frame::detail` says so): a page can draw most frames from the light form
/// and ask for detail a few times a second, or for the few nodes it redraws.
pub fn frame(c: &Cluster, horizon: u64, since_line: u64, detail: impl Into<Detail>) -> Frame {
    let detail_of = detail.into();
    let texts = detail_of == Detail::All;
    let leader = c.leader().unwrap_or(0);
    let conf = conf_view(c, leader);
    let nodes = c
        .servers()
        .iter()
        .map(|s| node_view(c, &conf, s, detail_of.of(s.id)))
        .collect();
    let messages = c
        .in_flight()
        .map(|f| MessageView {
            id: f.id as f64,
            from: f.msg.from,
            to: f.msg.to,
            kind: f.msg.kind().name(),
            term: f.msg.term,
            sent: f.sent_at as f64,
            deliver: f.deliver_at as f64,
            lost: f.lost,
            duplicate: f.duplicate,
            entries: f.msg.body.entry_count(),
            reject: f.msg.body.is_reject(),
            text: if texts {
                describe(&f.msg.body)
            } else {
                String::new()
            },
            why: match (&f.why, texts) {
                (Some(why), true) => why.to_string(),
                _ => String::new(),
            },
        })
        .collect();
    let lines: Vec<LineView> = c
        .trace()
        .since(since_line)
        .take(LINES_PER_FRAME)
        .map(|l| LineView {
            seq: l.seq as f64,
            t: l.time as f64,
            node: l.node(),
            cat: l.category(),
            text: l.to_string(),
            why: l.why().map(|w| w.to_string()).unwrap_or_default(),
        })
        .collect();
    let next_line = lines.last().map_or(
        since_line.max(
            c.trace()
                .total()
                .saturating_sub(c.trace().lines().len() as u64),
        ),
        |l| l.seq as u64 + 1,
    );
    let tally = c.request_tally();
    let requests = RequestCounts {
        pending: tally.pending,
        committed: tally.committed,
        rejected: tally.rejected,
        timed_out: tally.timed_out,
    };
    let link = &c.network().default_link;
    Frame {
        now: c.now() as f64,
        horizon: horizon as f64,
        leader,
        term: highest_term(c),
        nodes,
        messages,
        lines,
        next_line: next_line as f64,
        first_line: c
            .trace()
            .lines()
            .next()
            .map_or(c.trace().total(), |l| l.seq) as f64,
        total_lines: c.trace().total() as f64,
        detail: texts,
        metrics: c.metrics().into(),
        violation: c.violation().map(|v| ViolationView {
            property: v.property.to_string(),
            nodes: v.nodes.clone(),
            term: v.term,
            index: v.index,
            text: v.to_string(),
        }),
        partition: c.partition().groups(),
        requests,
        prevote: c.config().pre_vote,
        checkquorum: c.config().check_quorum,
        tick_us: c.config().tick_us as f64,
        loss: link.loss,
        latency_min_ms: link.latency_min as f64 / 1000.0,
        latency_max_ms: link.latency_max as f64 / 1000.0,
        slow_key: crate::motion::slow_key(c, &conf),
        conf,
    }
}

/// Node `s` as a frame shows it; with `detail`, its newest log entries and its store too.
fn node_view(c: &Cluster, conf: &ConfView, s: &Server, detail: bool) -> NodeView {
    let storage = s.storage();
    // The newest entries: of the live log, or of stable storage while the node is down.
    let entries = match s.node() {
        Some(n) => n.log().entries(),
        None => &storage.entries[..],
    };
    let tail = &entries[entries.len().saturating_sub(LOG_TAIL)..];
    // As a node that is down shows: what stable storage holds, no timers, no role.
    let mut v = NodeView {
        id: s.id,
        up: false,
        role: "crashed",
        term: storage.hard_state.term,
        vote: storage.hard_state.vote,
        lead: 0,
        indexes: log_indexes(c, s),
        log: if detail { log_view(tail) } else { Vec::new() },
        election_elapsed: 0,
        election_timeout: 0,
        heartbeat_elapsed: 0,
        heartbeat_tick: 0,
        next_tick: 0.0,
        progress: Vec::new(),
        votes: Vec::new(),
        kv: Vec::new(),
        transferee: 0,
        member: member_of(conf, s),
    };
    let Some(n) = s.node() else {
        return v;
    };
    v.up = true;
    v.role = n.role().as_str();
    v.term = n.term();
    v.vote = n.vote();
    v.lead = n.leader();
    v.election_elapsed = n.election_elapsed();
    v.election_timeout = timer_length(n);
    v.heartbeat_elapsed = n.heartbeat_elapsed();
    v.heartbeat_tick = n.heartbeat_tick();
    v.next_tick = s.next_tick as f64;
    if n.role() == Role::Leader {
        v.progress = n
            .progress()
            .filter(|(id, _)| *id != s.id)
            .map(|(id, p)| {
                (
                    id,
                    p.matched,
                    p.next,
                    progress_state(p.state),
                    p.recent_active,
                )
            })
            .collect();
    }
    v.votes = n.votes().map(|(id, g)| (id, g as u8)).collect();
    if detail {
        v.kv =
            s.kv.map
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
    }
    v.transferee = n.lead_transferee();
    v
}

/// The nodes `ids` in full detail (as `frame` with `Detail::Nodes(ids)` shows them, in the
/// cluster's order; unknown ids are left out): what a page needs to redraw a few strips
/// between two full frames, without the frame's messages and other nodes.
pub fn rows(c: &Cluster, ids: &[u64]) -> Vec<NodeView> {
    let conf = conf_view(c, c.leader().unwrap_or(0));
    c.servers()
        .iter()
        .filter(|s| ids.contains(&s.id))
        .map(|s| node_view(c, &conf, s, true))
        .collect()
}

/// A node's place in the log: what a frame's node carries of it, and the motion too.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct LogIndexes {
    /// The node's commit index: volatile, 0 while crashed and after a restart until a
    /// leader tells it more.
    pub commit: u64,
    /// The highest index up to which this node's log holds the entries committed in the
    /// cluster, whether or not the node knows it (see `Cluster::committed_held`): at least
    /// `commit` for a live node. Entries in `commit + 1 ..= committed_held` are committed
    /// in the cluster, but this node does not know it yet.
    pub committed_held: u64,
    pub applied: u64,
    pub last_index: u64,
    pub snap_index: u64,
    pub snap_term: u64,
}

/// Where node `s` is in its log. A node that is down has its stable storage only: its commit
/// and applied indexes, volatile, are 0.
pub(crate) fn log_indexes(c: &Cluster, s: &Server) -> LogIndexes {
    let committed_held = c.committed_held(s.id);
    match s.node() {
        Some(n) => {
            let log = n.log();
            LogIndexes {
                commit: n.commit(),
                committed_held,
                applied: n.applied(),
                last_index: log.last_index(),
                snap_index: log.snapshot().index,
                snap_term: log.snapshot().term,
            }
        }
        None => {
            let storage = s.storage();
            LogIndexes {
                commit: 0,
                committed_held,
                applied: 0,
                last_index: storage.snapshot.index + storage.entries.len() as u64,
                snap_index: storage.snapshot.index,
                snap_term: storage.snapshot.term,
            }
        }
    }
}
