//! Checks one `expect` line against the cluster at one moment. A failure says what was
//! expected and what was found, and when.

use super::ast::{CmpOp, ConfigPart, Expectation, ExpectedRole, FlowState, ProgressValue, Target};
use crate::command::secs;
use crate::message_spec::MessageSpec;
use crate::network::arrival_order;
use crate::{Cluster, InFlight, Partition, Server};
use raft_core::message::MsgKind;
use raft_core::node::Node;
use raft_core::progress::{Progress, ProgressState};
use raft_core::storage::Storage;
use raft_core::types::{Index, NodeId, Role, Term, NONE};

/// The cluster at one moment, and where the current step's lines of the event log begin.
pub struct Probe<'a> {
    pub cluster: &'a Cluster,
    /// The `seq` of the first event-log line after the previous `pause` (0 before the first).
    pub log_from: u64,
}

impl Probe<'_> {
    /// Whether `e` holds now; the error says what was found instead.
    pub fn check(&self, e: &Expectation) -> Result<(), String> {
        use Expectation as E;
        match e {
            E::Leader { node, op, leader } => self.leader(*node, *op, *leader),
            E::Term { node, op, value } => self.term(*node, *op, *value),
            E::Role { node, op, role } => self.role(*node, *op, *role),
            E::Commit { node, op, value } => {
                self.live_index("commit", *node, *op, *value, |n| n.commit())
            }
            E::Applied { node, op, value } => {
                self.live_index("applied", *node, *op, *value, |n| n.applied())
            }
            E::Value { key, op, value } => self.value(key, *op, value),
            E::Violations { op, value } => self.violations(*op, *value),
            E::Messages {
                kind,
                link,
                op,
                value,
            } => self.messages(*kind, *link, *op, *value),
            E::Message {
                from,
                to,
                op,
                message,
            } => self.message(*from, *to, *op, message),
            E::Vote { node, op, vote } => self.vote(*node, *op, *vote),
            E::Snapshot { node, op, value } => {
                self.stored_index("snapshot", *node, *op, *value, |s| s.snapshot.index)
            }
            E::LastIndex { node, op, value } => {
                self.stored_index("lastindex", *node, *op, *value, last_index)
            }
            E::LogTerm {
                node,
                index,
                op,
                value,
            } => self.log_term(*node, *index, *op, *value),
            E::Log { node, op, terms } => self.log(*node, *op, terms),
            E::Progress {
                leader,
                peer,
                op,
                value,
            } => self.progress(*leader, *peer, *op, *value),
            E::Transferee {
                node,
                op,
                transferee,
            } => self.transferee(*node, *op, *transferee),
            E::Members { role, op, nodes } => self.members(*role, *op, nodes),
            E::Config {
                node,
                what,
                op,
                nodes,
                joint,
            } => self.config(*node, *what, *op, nodes, *joint),
            E::Partition { op, groups } => self.partition(*op, groups),
            E::LogContains { text } => self.log_contains(text),
            E::LogCount { text, op, value } => self.log_count(text, *op, *value),
        }
    }

    fn now(&self) -> String {
        secs(self.cluster.now())
    }

    /// The verdict of a comparison that `holds` or not, in the words every failure uses.
    fn verdict(
        &self,
        what: &str,
        op: CmpOp,
        holds: bool,
        expected: String,
        actual: String,
    ) -> Result<(), String> {
        if holds {
            return Ok(());
        }
        Err(format!(
            "expected {what} {op} {expected}, but it is {actual} at {}",
            self.now()
        ))
    }

    /// A numeric comparison, any operator.
    fn compare(&self, what: &str, op: CmpOp, actual: u64, expected: u64) -> Result<(), String> {
        let holds = op.holds(&actual, &expected);
        self.verdict(what, op, holds, expected.to_string(), actual.to_string())
    }

    /// An (in)equality, for things without an order (the parser allows only `==` and `!=`).
    fn equal<T: PartialEq>(
        &self,
        what: &str,
        op: CmpOp,
        actual: &T,
        expected: &T,
        show: impl Fn(&T) -> String,
    ) -> Result<(), String> {
        let holds = (actual == expected) != (op == CmpOp::Ne);
        self.verdict(what, op, holds, show(expected), show(actual))
    }

    fn server(&self, id: NodeId) -> Result<&Server, String> {
        self.cluster.server(id).ok_or_else(|| {
            format!(
                "there is no node {id}: the cluster has nodes 1..={}",
                self.cluster.servers().len()
            )
        })
    }

    /// A node's stable storage, which a crashed node keeps.
    fn storage(&self, id: NodeId) -> Result<&Storage, String> {
        self.server(id).map(Server::storage)
    }

    fn role_of(&self, id: NodeId) -> ExpectedRole {
        match self.cluster.node(id).map(|n| n.role()) {
            None => ExpectedRole::Crashed,
            Some(Role::Follower) => ExpectedRole::Follower,
            Some(Role::PreCandidate) => ExpectedRole::PreCandidate,
            Some(Role::Candidate) => ExpectedRole::Candidate,
            Some(Role::Leader) => ExpectedRole::Leader,
        }
    }

    /// The term of `node`, or of the leader.
    fn term(&self, node: Option<NodeId>, op: CmpOp, value: Term) -> Result<(), String> {
        let (what, id) = match node {
            Some(id) => (format!("term of {id}"), id),
            None => {
                let leader = self.cluster.leader().ok_or_else(|| {
                    format!(
                        "expected a leader to read the term from, but there is none at {}",
                        self.now()
                    )
                })?;
                ("term".to_string(), leader)
            }
        };
        let term = self.live(id)?.term();
        self.compare(&what, op, term, value)
    }

    /// A live node: an error says when it is down.
    fn live(&self, id: NodeId) -> Result<&Node, String> {
        self.server(id)?
            .node()
            .ok_or_else(|| format!("node {id} is down at {}", self.now()))
    }

    /// The leader every live node agrees on, or the one `node` knows.
    fn leader(
        &self,
        node: Option<NodeId>,
        op: CmpOp,
        leader: Option<NodeId>,
    ) -> Result<(), String> {
        let (what, actual) = match node {
            None => ("leader".to_string(), self.cluster.leader()),
            Some(id) => {
                let lead = self.live(id)?.leader();
                (
                    format!("leader known to {id}"),
                    (lead != NONE).then_some(lead),
                )
            }
        };
        self.equal(&what, op, &actual, &leader, show_id)
    }

    /// Whom `node` (a leader) is handing leadership to.
    fn transferee(&self, node: NodeId, op: CmpOp, to: Option<NodeId>) -> Result<(), String> {
        let actual = self.live(node)?.lead_transferee();
        let actual = (actual != NONE).then_some(actual);
        self.equal(&format!("transferee of {node}"), op, &actual, &to, show_id)
    }

    fn role(&self, node: NodeId, op: CmpOp, role: ExpectedRole) -> Result<(), String> {
        let what = format!("role of {node}");
        self.equal(&what, op, &self.role_of(node), &role, |r| {
            r.as_str().to_string()
        })
    }

    fn violations(&self, op: CmpOp, value: u64) -> Result<(), String> {
        let found = u64::from(self.cluster.violation().is_some());
        self.compare("violations", op, found, value)
    }

    /// Whom `node` voted for, as its stable storage holds it.
    fn vote(&self, node: NodeId, op: CmpOp, vote: Option<NodeId>) -> Result<(), String> {
        let actual = self.storage(node)?.hard_state.vote;
        let actual = (actual != NONE).then_some(actual);
        self.equal(&format!("vote of {node}"), op, &actual, &vote, show_id)
    }

    /// The terms of `node`'s entries after its snapshot.
    fn log(&self, node: NodeId, op: CmpOp, terms: &[Term]) -> Result<(), String> {
        let actual: Vec<Term> = self.storage(node)?.entries.iter().map(|e| e.term).collect();
        let show = |terms: &Vec<Term>| {
            if terms.is_empty() {
                return "empty".to_string();
            }
            let terms: Vec<String> = terms.iter().map(Term::to_string).collect();
            terms.join(" ")
        };
        self.equal(
            &format!("log of {node}"),
            op,
            &actual,
            &terms.to_vec(),
            show,
        )
    }

    /// What leader `leader` knows of `peer`, and how it sends to it.
    fn progress(
        &self,
        leader: Target,
        peer: NodeId,
        op: CmpOp,
        value: ProgressValue,
    ) -> Result<(), String> {
        let id = match leader {
            Target::Node(id) => id,
            Target::Leader => self.cluster.leader().ok_or_else(|| {
                format!(
                    "expected a leader to read the progress of {peer} from, but there is none at {}",
                    self.now()
                )
            })?,
        };
        let node = self.live(id)?;
        if node.role() != Role::Leader {
            return Err(format!(
                "node {id} keeps no progress: it is a {} at {}",
                node.role(),
                self.now()
            ));
        }
        let pr = progress_of(node, peer).ok_or_else(|| {
            format!(
                "leader {id} keeps no progress for node {peer} at {}",
                self.now()
            )
        })?;
        let what = format!("{} of {peer} at leader {id}", value.name());
        match value {
            ProgressValue::Match(n) => self.compare(&what, op, pr.matched, n),
            ProgressValue::Next(n) => self.compare(&what, op, pr.next, n),
            ProgressValue::Inflight(n) => self.compare(&what, op, pr.inflight_count() as u64, n),
            ProgressValue::Snapshot(n) => {
                let pending = match pr.state {
                    ProgressState::Snapshot { pending } => pending,
                    _ => 0,
                };
                self.compare(&what, op, pending, n)
            }
            ProgressValue::State(s) => {
                let state = flow_state(pr.state);
                self.equal(&what, op, &state, &s, |s| s.as_str().to_string())
            }
            ProgressValue::Paused(p) => {
                let show = |p: &bool| if *p { "yes" } else { "no" }.to_string();
                self.equal(&what, op, &pr.is_paused(), &p, show)
            }
        }
    }

    /// An index only a live node has (commit, applied): of `node`, or the smallest over the
    /// live nodes.
    fn live_index(
        &self,
        name: &str,
        node: Option<NodeId>,
        op: CmpOp,
        value: Index,
        read: impl Fn(&Node) -> Index,
    ) -> Result<(), String> {
        match node {
            Some(id) => {
                let actual = read(self.live(id)?);
                self.compare(&format!("{name} of {id}"), op, actual, value)
            }
            None => {
                let servers = self.cluster.servers().iter();
                let lowest = servers.filter_map(|s| s.node().map(&read)).min();
                let what = format!("{name} (lowest live node)");
                self.compare(&what, op, lowest.unwrap_or(0), value)
            }
        }
    }

    /// An index stable storage holds (snapshot, last index): of `node`, or the smallest over
    /// every server, up or down.
    fn stored_index(
        &self,
        name: &str,
        node: Option<NodeId>,
        op: CmpOp,
        value: Index,
        read: impl Fn(&Storage) -> Index,
    ) -> Result<(), String> {
        match node {
            Some(id) => {
                let actual = read(self.storage(id)?);
                self.compare(&format!("{name} of {id}"), op, actual, value)
            }
            None => {
                let servers = self.cluster.servers().iter();
                let lowest = servers.map(|s| read(s.storage())).min().unwrap_or(0);
                self.compare(&format!("{name} (lowest node)"), op, lowest, value)
            }
        }
    }

    fn log_term(&self, node: NodeId, index: Index, op: CmpOp, value: Term) -> Result<(), String> {
        let storage = self.storage(node)?;
        let what = format!("logterm of {node} at {index}");
        let Some(actual) = term_at(storage, index) else {
            let why = if index > last_index(storage) {
                format!("its log ends at index {}", last_index(storage))
            } else {
                format!(
                    "its log is compacted up to index {}",
                    storage.snapshot.index
                )
            };
            return Err(format!(
                "expected {what} {op} {value}, but {why} at {}",
                self.now()
            ));
        };
        self.compare(&what, op, actual, value)
    }

    /// The value of `key` in the leader's store.
    fn value(&self, key: &str, op: CmpOp, value: &Option<String>) -> Result<(), String> {
        let leader = self.cluster.leader().ok_or_else(|| {
            format!(
                "expected a leader to read {key} from, but there is none at {}",
                self.now()
            )
        })?;
        let actual = self
            .cluster
            .server(leader)
            .and_then(|s| s.kv.get(key).map(str::to_string));
        self.equal(&format!("value {key}"), op, &actual, value, |v| {
            v.clone().unwrap_or_else(|| "none".into())
        })
    }

    fn messages(
        &self,
        kind: Option<MsgKind>,
        link: Option<(NodeId, NodeId)>,
        op: CmpOp,
        value: u64,
    ) -> Result<(), String> {
        let count = self.in_flight(kind, link).len() as u64;
        let mut what = match kind {
            Some(kind) => format!("{kind} messages in flight"),
            None => "messages in flight".to_string(),
        };
        if let Some((from, to)) = link {
            what.push_str(&format!(" from {from} to {to}"));
        }
        self.compare(&what, op, count, value)
    }

    /// The messages in flight of `kind` on `link` (either: any), in the order they arrive.
    fn in_flight(&self, kind: Option<MsgKind>, link: Option<(NodeId, NodeId)>) -> Vec<&InFlight> {
        let mut v: Vec<&InFlight> = self
            .cluster
            .in_flight()
            .filter(|m| kind.is_none_or(|k| m.msg.kind() == k))
            .filter(|m| link.is_none_or(|(from, to)| m.msg.from == from && m.msg.to == to))
            .collect();
        arrival_order(&mut v);
        v
    }

    /// The next message of `expected`'s kind on the link from `from` to `to`.
    fn message(
        &self,
        from: NodeId,
        to: NodeId,
        op: CmpOp,
        expected: &MessageSpec,
    ) -> Result<(), String> {
        let kind = expected.kind;
        let next = self.in_flight(Some(kind), Some((from, to)));
        let actual = next.first().map(|m| MessageSpec::of(&m.msg));
        let what = format!("the next {kind} from {from} to {to}");
        let show = |m: &Option<MessageSpec>| match m {
            Some(m) => m.to_string(),
            None => "none in flight".to_string(),
        };
        self.equal(&what, op, &actual, &Some(expected.clone()), show)
    }

    /// Exactly the nodes in `role`, as sets.
    fn members(&self, role: ExpectedRole, op: CmpOp, nodes: &[NodeId]) -> Result<(), String> {
        let actual: Vec<NodeId> = (1..=self.cluster.servers().len() as NodeId)
            .filter(|&id| self.role_of(id) == role)
            .collect();
        let mut expected = nodes.to_vec();
        expected.sort_unstable();
        self.equal(role.plural(), op, &actual, &expected, |s| show_set(s))
    }

    /// The configuration in force at `node` (the leader when None).
    fn config(
        &self,
        node: Option<NodeId>,
        what: ConfigPart,
        op: CmpOp,
        nodes: &[NodeId],
        joint: bool,
    ) -> Result<(), String> {
        let (id, whose) = match node {
            Some(id) => (id, format!(" of {id}")),
            None => {
                let id = self
                    .cluster
                    .leader()
                    .ok_or_else(|| format!("there is no leader at {}", self.now()))?;
                (id, String::new())
            }
        };
        let config = self.live(id)?.tracker().config();
        let label = format!("{}{whose}", what.as_str());
        match what {
            ConfigPart::Joint => {
                let actual = config.voters.is_joint();
                self.equal(&label, op, &actual, &joint, |&b| {
                    if b { "yes" } else { "no" }.to_string()
                })
            }
            ConfigPart::Voters | ConfigPart::Learners => {
                let actual: Vec<NodeId> = if what == ConfigPart::Voters {
                    config.voters.ids().collect()
                } else {
                    config
                        .learners
                        .iter()
                        .chain(config.learners_next.iter())
                        .collect()
                };
                let mut actual = actual;
                actual.sort_unstable();
                let mut expected = nodes.to_vec();
                expected.sort_unstable();
                self.equal(&label, op, &actual, &expected, |s| show_set(s))
            }
        }
    }

    /// The partition, compared as a set of groups (nodes not listed form one more group).
    fn partition(&self, op: CmpOp, groups: &[Vec<NodeId>]) -> Result<(), String> {
        let nodes = self.cluster.servers().len();
        let expected = if groups.is_empty() {
            Vec::new()
        } else {
            normal_groups(&Partition::split(nodes, groups).map_err(|e| e.to_string())?)
        };
        let actual = normal_groups(self.cluster.partition());
        self.equal("partition", op, &actual, &expected, |g| show_groups(g))
    }

    /// How many lines since the previous pause contain `text`, and whether the bounded log
    /// still holds every one of those lines.
    fn log_matches(&self, text: &str) -> (u64, bool) {
        let trace = self.cluster.trace();
        let mut lines = trace.since(self.log_from).peekable();
        let complete = match lines.peek() {
            Some(first) => first.seq <= self.log_from,
            None => trace.total() <= self.log_from,
        };
        let count = lines.filter(|l| l.to_string().contains(text)).count() as u64;
        (count, complete)
    }

    fn log_incomplete(&self) -> String {
        format!(
            "the event log no longer holds every line since the previous pause ({} lines; it keeps the newest {}) at {}",
            self.cluster.trace().total() - self.log_from,
            self.cluster.trace().lines().len(),
            self.now()
        )
    }

    fn log_contains(&self, text: &str) -> Result<(), String> {
        match self.log_matches(text) {
            (n, _) if n > 0 => Ok(()),
            (_, false) => Err(self.log_incomplete()),
            (_, true) => Err(format!(
                "expected a line of the event log since the previous pause to contain {text:?}, but none does at {}",
                self.now()
            )),
        }
    }

    fn log_count(&self, text: &str, op: CmpOp, value: u64) -> Result<(), String> {
        let (count, complete) = self.log_matches(text);
        if !complete {
            return Err(self.log_incomplete());
        }
        let what = format!("the lines since the previous pause containing {text:?}");
        self.compare(&what, op, count, value)
    }
}

/// The progress leader `node` keeps for `peer`, if any.
fn progress_of(node: &Node, peer: NodeId) -> Option<&Progress> {
    node.progress().find(|(id, _)| *id == peer).map(|(_, p)| p)
}

fn flow_state(state: ProgressState) -> FlowState {
    match state {
        ProgressState::Probe => FlowState::Probe,
        ProgressState::Replicate => FlowState::Replicate,
        ProgressState::Snapshot { .. } => FlowState::Snapshot,
    }
}

fn show_id(id: &Option<NodeId>) -> String {
    id.map_or_else(|| "none".to_string(), |id| id.to_string())
}

/// `{1,3}`.
fn show_set(ids: &[NodeId]) -> String {
    let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    format!("{{{}}}", ids.join(","))
}

/// `{1,2} {3,4,5}`, or `none`.
fn show_groups(groups: &[Vec<NodeId>]) -> String {
    if groups.is_empty() {
        return "none".to_string();
    }
    let sets: Vec<String> = groups.iter().map(|g| show_set(g)).collect();
    sets.join(" ")
}

/// The groups of a partition in one order (by their smallest node); none when every node is
/// in one group.
fn normal_groups(p: &Partition) -> Vec<Vec<NodeId>> {
    let mut groups = p.groups();
    if groups.len() < 2 {
        return Vec::new();
    }
    for g in &mut groups {
        g.sort_unstable();
    }
    groups.sort_unstable();
    groups
}

fn last_index(s: &Storage) -> Index {
    s.snapshot.index + s.entries.len() as Index
}

/// The term of the entry at `index` (the snapshot's at its own index); None when the log does
/// not hold it.
fn term_at(s: &Storage, index: Index) -> Option<Term> {
    let snap = &s.snapshot;
    if index == snap.index {
        return Some(snap.term);
    }
    let offset = index.checked_sub(snap.index + 1)?;
    s.entries.get(usize::try_from(offset).ok()?).map(|e| e.term)
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;
    use crate::scenario::run::{config_for, Runner};

    /// Runs `src` (with the event log holding `log_capacity` lines) and returns the message of
    /// each expect line that failed, in order.
    fn failures_with(src: &str, log_capacity: usize) -> Vec<String> {
        let s = parse(src).unwrap_or_else(|e| panic!("{e}"));
        let mut cfg = config_for(&s).unwrap();
        cfg.log_capacity = log_capacity;
        let mut runner = Runner::with_config(&s, cfg).unwrap();
        runner.run().unwrap_or_else(|e| panic!("{e}"));
        runner
            .failures()
            .iter()
            .map(|f| f.message.clone())
            .collect()
    }

    fn failures(src: &str) -> Vec<String> {
        failures_with(src, 10_000)
    }

    /// Three nodes; node 1 is elected in term 1 at once, with every vote.
    const ELECTED: &str = "nodes 3\nseed 1\nprevote off\nlatency 10ms\ncampaign 1\nrun 300ms\n";

    #[test]
    fn votes() {
        let src = "nodes 3\nseed 1\nprevote off\nlatency 10ms\n\
                   expect vote 1 == none\ncampaign 1\nexpect vote 1 == 1\nexpect vote 2 == none\n\
                   run 300ms\nexpect vote 2 == 1\nexpect vote 3 != 2\ncrash 3\nexpect vote 3 == 1\n\
                   expect vote 2 == none\n";
        assert_eq!(
            failures(src),
            ["expected vote of 2 == none, but it is 1 at 0.3s"]
        );
    }

    #[test]
    fn roles_as_sets() {
        let src = format!(
            "{ELECTED}expect leaders == {{1}}\nexpect followers == {{3,2}}\nexpect candidates == {{}}\n\
             crash 2\nexpect crashed == {{2}}\nexpect followers != {{2,3}}\nexpect candidates == {{2}}\n"
        );
        assert_eq!(
            failures(&src),
            ["expected candidates == {2}, but it is {} at 0.3s"]
        );
    }

    #[test]
    fn messages_of_one_kind() {
        let src = "nodes 3\nprevote off\ncampaign 1\nexpect messages MsgVote == 2\n\
                   expect messages MsgApp == 0\nexpect messages == 2\nexpect messages MsgVote > 2\n";
        assert_eq!(
            failures(src),
            ["expected MsgVote messages in flight > 2, but it is 2 at 0s"]
        );
    }

    #[test]
    fn snapshots_and_last_indexes_read_stable_storage() {
        let src =
            "nodes 3\nseed 1\nprevote off\nlatency 10ms\nsnapshot-every 2\ncampaign 1\nrun 300ms\n\
                   expect lastindex == 1\nexpect snapshot == 0\n\
                   request set a=1\nrun 300ms\ncrash 3\n\
                   expect snapshot 3 == 2\nexpect lastindex 3 == 2\n\
                   request set b=2\nrequest set c=3\nrun 300ms\n\
                   expect snapshot 1 == 4\nexpect lastindex 1 == 4\nexpect snapshot == 2\n\
                   expect lastindex 3 == 2\nexpect snapshot 2 > 4\n";
        assert_eq!(
            failures(src),
            ["expected snapshot of 2 > 4, but it is 4 at 0.9s"]
        );
    }

    #[test]
    fn log_terms() {
        let src = format!(
            "{ELECTED}expect logterm 1 at 1 == 1\nexpect logterm 2 at 0 == 0\nexpect logterm 3 at 1 >= 1\n\
             expect logterm 1 at 2 == 1\nexpect logterm 1 at 1 == 2\n"
        );
        assert_eq!(
            failures(&src),
            [
                "expected logterm of 1 at 2 == 1, but its log ends at index 1 at 0.3s",
                "expected logterm of 1 at 1 == 2, but it is 1 at 0.3s",
            ]
        );
    }

    #[test]
    fn log_terms_below_a_snapshot_are_gone() {
        let src =
            "nodes 3\nseed 1\nprevote off\nlatency 10ms\nsnapshot-every 2\ncampaign 1\nrun 300ms\n\
                   request set a=1\nrun 300ms\nexpect snapshot 1 == 2\nexpect logterm 1 at 2 == 1\n\
                   expect logterm 1 at 1 == 1\n";
        assert_eq!(
            failures(src),
            ["expected logterm of 1 at 1 == 1, but its log is compacted up to index 2 at 0.6s"]
        );
    }

    #[test]
    fn partitions_compare_as_groups() {
        let src = format!(
            "{ELECTED}expect partition == none\npartition {{1}} {{2,3}}\nexpect partition == {{1}}\n\
             expect partition == {{3,2}}\nexpect partition == {{2,3}} {{1}}\nexpect partition != none\n\
             expect partition == {{1,2}}\nheal\nexpect partition == none\n"
        );
        assert_eq!(
            failures(&src),
            ["expected partition == {1,2} {3}, but it is {1} {2,3} at 0.3s"]
        );
    }

    #[test]
    fn the_log_is_read_from_the_previous_pause_on() {
        let src = format!(
            "{ELECTED}expect log contains \"1 became leader at term 1\"\n\
             expect log count \"cast MsgVote for 1\" == 2\npause \"elected\"\n\
             expect log count \"became leader\" == 0\nexpect log contains \"elected\"\n\
             crash 2\nexpect log contains \"sim: 2 crashed\"\nexpect log count \"crashed\" >= 2\n"
        );
        assert_eq!(
            failures(&src),
            [
                "expected a line of the event log since the previous pause to contain \"elected\", but none does at 0.3s",
                "expected the lines since the previous pause containing \"crashed\" >= 2, but it is 1 at 0.3s",
            ]
        );
    }

    #[test]
    fn a_log_too_short_for_the_step_says_so() {
        // Election lines fill a 4-line log; the newest still count when found.
        let src = format!(
            "{ELECTED}expect log contains \"committed up to index 1\"\nexpect log count \"became\" >= 1\n\
             expect log contains \"newRaft\"\n"
        );
        let found = failures_with(&src, 4);
        assert_eq!(found.len(), 2, "{found:?}");
        for f in found {
            assert!(
                f.starts_with("the event log no longer holds every line since the previous pause")
                    && f.contains("it keeps the newest 4"),
                "{f}"
            );
        }
    }
}
