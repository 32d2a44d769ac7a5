//! The commands a cluster carries out (see `Command`), one small method each, and the state
//! its nodes start from. A child module of `cluster`: it works on the cluster's own state.

use super::{ActiveRound, Cluster, Happened, STABILIZE_LIMIT};
use crate::command::{
    secs_ms, Arg, Command, Extension, MemberChange, Refusal, Selection, Take, Target, Ticks,
};
use crate::config::{NodeState, SimConfigError};
use crate::float::Float;
use crate::history::MomentKind;
use crate::kv::{self, Kv, KvOp};
use crate::message_spec::{entries_after, MessageSpec};
use crate::network::{arrival_order, InFlight, LinkConfig, Partition};
use crate::trace::SimWhat;
use raft_core::message::MsgKind;
use raft_core::node::Node;
use raft_core::storage::Storage;
use raft_core::types::{HardState, Index, NodeId, Role, Snapshot};

impl Cluster {
    /// Carries out a command now. A refusal says what was wrong, names the command's
    /// argument at fault when one was, and changes nothing unless a node refused the command
    /// itself (see `Refusal::by_node`).
    pub fn apply(&mut self, cmd: &Command) -> Result<(), Refusal> {
        match cmd {
            Command::Crash(t) => self.crash(self.resolve(*t, Arg::Node)?),
            Command::Restart(t) => self.restart(self.resolve(*t, Arg::Node)?),
            Command::Partition(groups) => self.split_network(groups),
            Command::Isolate(t) => self.isolate(self.resolve(*t, Arg::Node)?),
            Command::Heal => {
                // Heal removes partitions; per-link settings stay until reset.
                self.net.partition = Partition::default();
                self.sim_line(0, SimWhat::Healed);
                Ok(())
            }
            Command::Campaign(t) => self.campaign(self.resolve(*t, Arg::Node)?),
            Command::Transfer(t) => self.transfer(self.resolve(*t, Arg::Node)?),
            Command::Request { via, op } => {
                let via = via.map(|t| self.resolve(t, Arg::Via)).transpose()?;
                self.request(via, op)
            }
            Command::Tick { node, ticks } => {
                self.tick_by_hand(self.resolve(*node, Arg::Node)?, *ticks)
            }
            Command::Send { from, to, message } => self.send_by_hand(*from, *to, message),
            Command::Deliver(which) => self.deliver_selected(*which),
            Command::Drop(which) => self.drop_selected(*which),
            Command::DropMessage(id) => {
                let f = self.in_flight.remove(*id).ok_or_else(|| {
                    Refusal::new(Some(Arg::Message), format!("no message #{id} is in flight"))
                })?;
                self.dropped_by_hand(f);
                Ok(())
            }
            Command::Stabilize => {
                self.stabilize(STABILIZE_LIMIT);
                Ok(())
            }
            Command::SetNetwork(link) => self.set_network(link.clone()),
            Command::ChangeNetwork(change) => {
                self.set_network(change.applied_to(&self.net.default_link))
            }
            Command::SetLink { from, to, link } => self.set_link(*from, *to, link.clone()),
            Command::ChangeLink { from, to, change } => {
                let link = change.applied_to(self.net.link(*from, *to));
                self.set_link(*from, *to, Some(link))
            }
            Command::Note(text) => {
                self.note(text.clone());
                Ok(())
            }
            Command::Member(change) => self.member_change(change),
            Command::Extension(x) => {
                self.switch_extension(*x);
                Ok(())
            }
        }
    }

    /// Switches pre-vote or check-quorum on every live node, and for nodes that start later
    /// (a restart builds its node from the configuration).
    fn switch_extension(&mut self, x: Extension) {
        match x {
            Extension::PreVote(on) => self.cfg.pre_vote = on,
            Extension::CheckQuorum(on) => self.cfg.check_quorum = on,
        }
        for server in &mut self.servers {
            if let Some(node) = server.node.as_mut() {
                match x {
                    Extension::PreVote(on) => node.set_pre_vote(on),
                    Extension::CheckQuorum(on) => node.set_check_quorum(on),
                }
            }
        }
        self.sim_line(
            0,
            SimWhat::Switched {
                what: x.to_string(),
            },
        );
    }

    /// Proposes a membership change to the leader; a node the change adds that the cluster
    /// does not have yet starts first (the next id, up to `MAX_NODES`), with empty storage and
    /// no configuration: it learns everything from the leader.
    fn member_change(&mut self, change: &MemberChange) -> Result<(), Refusal> {
        use raft_core::confchange::{ConfChange, ConfChangeSingle as C, Transition};
        let leader = self.leader().ok_or_else(|| {
            Refusal::new(None, "there is no leader to propose a membership change to")
        })?;
        let (cc, new) = match change {
            MemberChange::Add { node, learner } => {
                let c = if *learner {
                    C::AddLearner(*node)
                } else {
                    C::AddVoter(*node)
                };
                (ConfChange::new([c]), vec![*node])
            }
            MemberChange::Promote(node) => {
                self.position(*node, Arg::Node)?;
                (ConfChange::new([C::AddVoter(*node)]), Vec::new())
            }
            MemberChange::Remove(t) => {
                let id = self.resolve(*t, Arg::Node)?;
                (ConfChange::new([C::RemoveNode(id)]), Vec::new())
            }
            MemberChange::Joint {
                add,
                remove,
                explicit,
            } => {
                for &id in remove {
                    self.position(id, Arg::Node)?;
                }
                let changes = add
                    .iter()
                    .map(|&id| C::AddVoter(id))
                    .chain(remove.iter().map(|&id| C::RemoveNode(id)));
                let transition = if *explicit {
                    Transition::Explicit
                } else {
                    Transition::Implicit
                };
                let cc = ConfChange {
                    transition,
                    changes: changes.collect(),
                };
                (cc, add.clone())
            }
            MemberChange::LeaveJoint => (ConfChange::leave_joint(), Vec::new()),
        };
        // New nodes take the next ids, in order.
        let mut next = self.servers.len() as NodeId + 1;
        for &id in &new {
            if id > self.servers.len() as NodeId {
                let max = raft_core::MAX_NODES;
                if id as usize > max {
                    let room = max.saturating_sub(self.servers.len());
                    return Err(Refusal::new(
                        Some(Arg::Node),
                        match room {
                            0 => format!("the cluster already has the most nodes there are, {max}"),
                            1 => format!("node {id} would be past the most nodes there are, {max}: one more node can be added"),
                            k => format!("node {id} would be past the most nodes there are, {max}: {k} more nodes can be added"),
                        },
                    ));
                }
                if id != next {
                    return Err(Refusal::new(
                        Some(Arg::Node),
                        format!("a new node takes the next id, {next}"),
                    ));
                }
                next += 1;
            }
        }
        let i = (leader - 1) as usize;
        if let Some(node) = self.servers[i].node.as_mut() {
            if let Err(e) = node.propose_conf_change(cc) {
                // The leader logged the change it refused, and counted it (see `Refusal`).
                self.after_input(i);
                return Err(Refusal::by_node(&e));
            }
        }
        self.sim_line(
            leader,
            SimWhat::MembershipChangeProposed {
                change: change.to_string(),
            },
        );
        for id in new {
            if id > self.servers.len() as NodeId {
                self.add_server(id);
            }
        }
        self.after_input(i);
        Ok(())
    }

    /// Starts node `id` (the next id), new to the cluster: empty storage, no configuration.
    fn add_server(&mut self, id: NodeId) {
        let node = Node::new(self.node_config(id), Storage::default())
            .expect("a joining node's configuration is valid");
        self.servers.push(super::Server {
            id,
            node: Some(node),
            storage: None,
            kv: Kv::default(),
            next_tick: self.now + self.cfg.tick_us,
            stats_base: Default::default(),
            last_round: ActiveRound::default(),
        });
        self.timers_moved();
        if let Some(c) = self.checker.as_mut() {
            c.joined(id);
        }
        self.sim_line(id, SimWhat::Joined);
        self.history.started(self.now, id, MomentKind::Joined);
        self.after_input(self.servers.len() - 1);
    }

    /// Adds a free-text line to the log (scenario narration).
    pub fn note(&mut self, text: String) {
        self.sim_line(0, SimWhat::Note { text });
    }

    /// The node a target names now.
    fn resolve(&self, t: Target, arg: Arg) -> Result<NodeId, Refusal> {
        match t {
            Target::Node(id) => self.position(id, arg).map(|_| id),
            Target::Leader => self.leader().ok_or_else(|| {
                Refusal::new(
                    Some(arg),
                    format!("there is no leader at {}", secs_ms(self.now)),
                )
            }),
        }
    }

    /// The position of node `id` among the servers, if it is in the cluster.
    fn position(&self, id: NodeId, arg: Arg) -> Result<usize, Refusal> {
        let n = self.servers.len() as NodeId;
        if id == 0 || id > n {
            return Err(Refusal::new(
                Some(arg),
                format!("node {id} is not in the cluster (nodes are 1..={n})"),
            ));
        }
        Ok((id - 1) as usize)
    }

    /// The position of node `id`, which must be up.
    fn live(&self, id: NodeId, arg: Arg) -> Result<usize, Refusal> {
        let i = self.position(id, arg)?;
        if self.servers[i].is_up() {
            Ok(i)
        } else {
            Err(Refusal::new(Some(arg), format!("node {id} is down")))
        }
    }

    fn crash(&mut self, id: NodeId) -> Result<(), Refusal> {
        let i = self.position(id, Arg::Node)?;
        let s = &mut self.servers[i];
        let Some(node) = s.node.take() else {
            return Err(Refusal::new(
                Some(Arg::Node),
                format!("node {id} is already down"),
            ));
        };
        s.stats_base += node.stats();
        s.storage = Some(node.into_storage());
        s.kv = Kv::default();
        s.last_round = ActiveRound::default();
        self.timers_moved();
        self.sim_line(id, SimWhat::Crashed);
        self.history.crashed(self.now, id);
        Ok(())
    }

    fn restart(&mut self, id: NodeId) -> Result<(), Refusal> {
        let i = self.position(id, Arg::Node)?;
        let Some(storage) = self.servers[i].storage.take() else {
            return Err(Refusal::new(
                Some(Arg::Node),
                format!("node {id} is already up"),
            ));
        };
        let snap = storage.snapshot.clone();
        let node = Node::restart(self.node_config(id), storage, snap.index)
            .map_err(|e| Refusal::because(None, &e))?;
        let s = &mut self.servers[i];
        s.kv = Kv::decode(snap.index, snap.data.as_slice());
        s.node = Some(node);
        s.next_tick = self.now + self.cfg.tick_us;
        self.timers_moved();
        self.sim_line(id, SimWhat::Restarted);
        self.history.started(self.now, id, MomentKind::Restarted);
        if let Some(c) = self.checker.as_mut() {
            c.restarted(id);
            if let Err(v) = c.restored(id, snap.index, snap.term) {
                self.record_violation(v);
            }
        }
        self.after_input(i);
        Ok(())
    }

    fn split_network(&mut self, groups: &[Vec<NodeId>]) -> Result<(), Refusal> {
        let listed: usize = groups.iter().map(Vec::len).sum();
        if listed >= self.servers.len() && groups.len() < 2 {
            return Err(Refusal::new(
                Some(Arg::Groups),
                "a partition needs at least two groups",
            ));
        }
        self.net.partition = Partition::split(self.servers.len(), groups)
            .map_err(|e| Refusal::because(Some(Arg::Groups), &e))?;
        let groups = self.net.partition.groups();
        self.sim_line(0, SimWhat::Partitioned { groups });
        Ok(())
    }

    fn isolate(&mut self, id: NodeId) -> Result<(), Refusal> {
        self.net.partition = Partition::split(self.servers.len(), &[vec![id]])
            .map_err(|e| Refusal::because(Some(Arg::Node), &e))?;
        let groups = self.net.partition.groups();
        self.sim_line(0, SimWhat::Partitioned { groups });
        Ok(())
    }

    fn campaign(&mut self, id: NodeId) -> Result<(), Refusal> {
        let i = self.live(id, Arg::Node)?;
        if let Some(node) = self.servers[i].node.as_mut() {
            node.campaign();
        }
        self.sim_line(id, SimWhat::ElectionForced);
        self.after_input(i);
        Ok(())
    }

    fn transfer(&mut self, to: NodeId) -> Result<(), Refusal> {
        let leader = self
            .leader()
            .ok_or_else(|| Refusal::new(None, "no leader to transfer leadership from"))?;
        let i = (leader - 1) as usize;
        if let Some(node) = self.servers[i].node.as_mut() {
            node.transfer_leader(to)
                .map_err(|e| Refusal::because(Some(Arg::Node), &e))?;
        }
        self.sim_line(leader, SimWhat::TransferRequested { to });
        self.after_input(i);
        Ok(())
    }

    fn request(&mut self, via: Option<NodeId>, op: &KvOp) -> Result<(), Refusal> {
        let via = match via {
            Some(v) => v,
            None => self
                .leader()
                .ok_or_else(|| Refusal::new(None, "no leader to send the request to"))?,
        };
        let i = self.live(via, Arg::Via)?;
        let id = self.next_request_id;
        self.next_request_id += 1;
        let text = op.to_string();
        let what = SimWhat::Request {
            id,
            op: text.clone(),
        };
        self.sim_line(via, what);
        let data = kv::encode(id, op);
        let result = self.servers[i].node.as_mut().map(|n| n.propose(&[data]));
        if let Some(Err(e)) = result {
            let reason = e.to_string();
            self.sim_line(via, SimWhat::RequestRejected { id, reason });
            self.requests.rejected += 1;
        } else {
            let request = super::Request {
                id,
                via,
                op: text,
                submitted_at: self.now,
            };
            self.pending_requests.insert(id, request);
        }
        self.after_input(i);
        Ok(())
    }

    /// Ticks node `id` by hand, at once: nothing is delivered meanwhile.
    fn tick_by_hand(&mut self, id: NodeId, ticks: Ticks) -> Result<(), Refusal> {
        let i = self.live(id, Arg::Node)?;
        let times = match (ticks, self.servers[i].node.as_ref()) {
            (Ticks::Times(n), _) => u64::from(n),
            (Ticks::Heartbeat, _) => u64::from(self.cfg.heartbeat_tick),
            (Ticks::Election, Some(n)) if n.role() == Role::Leader => n
                .election_tick()
                .saturating_sub(n.election_elapsed())
                .max(1),
            (Ticks::Election, Some(n)) => n
                .randomized_election_timeout()
                .saturating_sub(n.election_elapsed())
                .max(1),
            (Ticks::Election, None) => 1,
        };
        self.sim_line(id, SimWhat::Ticked { times });
        for _ in 0..times {
            self.tick_node(i);
        }
        Ok(())
    }

    /// Puts a message made by hand on the wire, as if `from` had sent it.
    fn send_by_hand(
        &mut self,
        from: NodeId,
        to: NodeId,
        message: &MessageSpec,
    ) -> Result<(), Refusal> {
        self.link_ends(from, to)?;
        let id = self.next_msg_id;
        let message_text = message.to_string();
        let what = SimWhat::SentByHand {
            id,
            to,
            message: message_text,
        };
        self.sim_line(from, what);
        self.send(message.to_message(from, to), None);
        Ok(())
    }

    /// The messages in flight on a link (every one when None), of one kind when given, in
    /// the order they would arrive.
    fn on_link(&self, link: Option<(NodeId, NodeId)>, kind: Option<MsgKind>) -> Vec<&InFlight> {
        let mut v: Vec<&InFlight> = self
            .in_flight
            .values()
            .filter(|f| link.is_none_or(|(from, to)| f.msg.from == from && f.msg.to == to))
            .filter(|f| kind.is_none_or(|k| f.msg.kind() == k))
            .collect();
        arrival_order(&mut v);
        v
    }

    /// The messages in flight that `which` names, in the order they would arrive. Refused
    /// when a link is named and none of its messages is in flight, or fewer than the place
    /// named (`nth`).
    fn select(&self, which: Selection) -> Result<Vec<u64>, Refusal> {
        let (link, kind, take) = match which {
            Selection::All => (None, None, Take::All),
            Selection::Link {
                from,
                to,
                kind,
                take,
            } => {
                let from = self.resolve(from, Arg::From)?;
                let to = self.resolve(to, Arg::To)?;
                (Some((from, to)), kind, take)
            }
        };
        let v = self.on_link(link, kind);
        let found = v.len();
        let ids: Vec<u64> = match take {
            Take::All => v.into_iter().map(|f| f.id).collect(),
            Take::Nth(n) => (n as usize)
                .checked_sub(1)
                .and_then(|i| v.get(i))
                .map(|f| f.id)
                .into_iter()
                .collect(),
        };
        match link {
            Some((from, to)) if ids.is_empty() => {
                let what = kind.map_or("message".to_string(), |k| k.name().to_string());
                let message = match take {
                    Take::Nth(n) if n > 0 && found > 0 => format!(
                        "only {found} {what} from {from} to {to} {} in flight, not {n}",
                        if found == 1 { "is" } else { "are" }
                    ),
                    _ => format!("no {what} from {from} to {to} is in flight"),
                };
                Err(Refusal::new(Some(Arg::Message), message))
            }
            _ => Ok(ids),
        }
    }

    /// The words that name message `id` in flight in a `drop` or a `deliver` (a script cannot
    /// name an id): its kind and link, and its place among the messages of that kind on that
    /// link in the order they would arrive (the first is written plainly: `MsgApp 3->1`; a
    /// later one with its place: `MsgApp 3->1 nth 2`). None when it is not in flight.
    pub fn selection_of(&self, id: u64) -> Option<Selection> {
        let f = self.in_flight.values().find(|f| f.id == id)?;
        let (from, to, kind) = (f.msg.from, f.msg.to, f.msg.kind());
        let place = self
            .on_link(Some((from, to)), Some(kind))
            .iter()
            .position(|g| g.id == id)?;
        Some(Selection::Link {
            from: Target::Node(from),
            to: Target::Node(to),
            kind: Some(kind),
            take: Take::Nth(u32::try_from(place + 1).ok()?),
        })
    }

    fn drop_selected(&mut self, which: Selection) -> Result<(), Refusal> {
        for id in self.select(which)? {
            if let Some(f) = self.in_flight.remove(id) {
                self.dropped_by_hand(f);
            }
        }
        Ok(())
    }

    /// Delivers the messages `which` names now, without moving the clock; what they cause
    /// is put in flight and waits for its own turn.
    fn deliver_selected(&mut self, which: Selection) -> Result<(), Refusal> {
        for id in self.select(which)? {
            if let Some(f) = self.in_flight.remove(id) {
                let (kind, from, to) = (f.msg.kind(), f.msg.from, f.msg.to);
                self.sim_line(0, SimWhat::DeliveredByHand { id, kind, from, to });
                if self.arrive(f) == (Happened::Dropped { id }) {
                    self.sim_line(0, SimWhat::NotDelivered { id });
                }
            }
        }
        Ok(())
    }

    pub(super) fn dropped_by_hand(&mut self, f: InFlight) {
        self.history.dropped_by_hand(f.id, self.now);
        let kind = f.msg.kind();
        self.counters.dropped.add(kind);
        self.sim_line(
            0,
            SimWhat::MessageDropped {
                id: f.id,
                kind,
                from: f.msg.from,
                to: f.msg.to,
            },
        );
        if kind == MsgKind::Snap {
            self.report_snapshot(f.msg.from, f.msg.to, false);
        }
    }

    fn set_network(&mut self, link: LinkConfig) -> Result<(), Refusal> {
        link.validate()
            .map_err(|e| Refusal::because(Some(Arg::Link), &e))?;
        let what = describe_link(&link);
        self.net.default_link = link;
        self.sim_line(0, SimWhat::NetworkChanged { what });
        Ok(())
    }

    /// The two ends of a link are nodes of the cluster, and two different ones.
    fn link_ends(&self, from: NodeId, to: NodeId) -> Result<(), Refusal> {
        self.position(from, Arg::From)?;
        self.position(to, Arg::To)?;
        if from == to {
            return Err(Refusal::new(
                Some(Arg::To),
                format!("a link joins two different nodes, but both ends are {from}"),
            ));
        }
        Ok(())
    }

    fn set_link(
        &mut self,
        from: NodeId,
        to: NodeId,
        link: Option<LinkConfig>,
    ) -> Result<(), Refusal> {
        self.link_ends(from, to)?;
        let what = match link {
            Some(l) => {
                l.validate()
                    .map_err(|e| Refusal::because(Some(Arg::Link), &e))?;
                let what = format!("link {from}->{to}: {}", describe_link(&l));
                self.net.links.insert((from, to), l);
                what
            }
            None => {
                self.net.links.remove(&(from, to));
                format!("link {from}->{to} back to the network's settings")
            }
        };
        self.sim_line(0, SimWhat::NetworkChanged { what });
        Ok(())
    }

    // ----- the state nodes start from -----

    /// Every node given a state of its own is in the cluster, and given one only once.
    pub(super) fn check_states(&self) -> Result<(), SimConfigError> {
        let n = self.cfg.nodes;
        for (i, s) in self.cfg.states.iter().enumerate() {
            if s.node == 0 || s.node as usize > n {
                return Err(SimConfigError::StateNotInCluster {
                    node: s.node,
                    nodes: n,
                });
            }
            if self.cfg.states[..i].iter().any(|t| t.node == s.node) {
                return Err(SimConfigError::TwoStates { node: s.node });
            }
            if s.vote as usize > n {
                return Err(SimConfigError::VoteNotInCluster {
                    node: s.node,
                    vote: s.vote,
                    nodes: n,
                });
            }
        }
        Ok(())
    }

    /// Node `id` as the run starts, on its own state if the configuration gives it one and
    /// on `shared` (every node's `init`) otherwise; and its state machine.
    pub(super) fn start_node(
        &mut self,
        id: NodeId,
        shared: &Storage,
    ) -> Result<(Node, Kv), SimConfigError> {
        let own = self.cfg.states.iter().find(|s| s.node == id).cloned();
        let Some(state) = own else {
            shared.check_log()?;
            let node = Node::new(self.node_config(id), shared.clone())?;
            return Ok((node, Kv::default()));
        };
        let storage = storage_of(&state)?;
        storage
            .check_log()
            .map_err(|error| SimConfigError::State { node: id, error })?;
        let snap = storage.snapshot.clone();
        let node = Node::restart(self.node_config(id), storage, state.commit)
            .map_err(|error| SimConfigError::State { node: id, error })?;
        // The entries up to the commit index are applied already; they carry no commands.
        let mut kv = Kv::decode(snap.index, snap.data.as_slice());
        kv.applied = node.applied();
        if let Some(c) = self.checker.as_mut() {
            let term = node.log().term(node.applied()).unwrap_or(0);
            c.restored(id, node.applied(), term)
                .map_err(SimConfigError::StatesUnsafe)?;
        }
        Ok((node, kv))
    }

    /// What the nodes know committed as the run starts becomes the start of the cluster's
    /// committed log (the highest commit index holds every lower one, by Log Matching).
    pub(super) fn started_committed(&mut self) {
        let Some(node) = self
            .servers
            .iter()
            .filter_map(|s| s.node())
            .max_by_key(|n| n.commit())
        else {
            return;
        };
        let commit = node.commit();
        let committed: Vec<(Index, u64)> = node
            .log()
            .entries()
            .iter()
            .take_while(|e| e.index <= commit)
            .map(|e| (e.index, e.term))
            .collect();
        for (index, term) in committed {
            if self.committed_runs.last().map(|r| r.1) != Some(term) {
                self.committed_runs.push((index, term));
            }
            self.committed_last = index;
        }
        self.max_commit = commit;
    }
}

/// A link's settings as the event log writes them.
fn describe_link(l: &LinkConfig) -> String {
    format!(
        "latency {}..{}ms, loss {}, duplicate {}, reorder {}",
        Float(l.latency_min as f64 / 1000.0),
        Float(l.latency_max as f64 / 1000.0),
        Float(l.loss),
        Float(l.duplicate),
        Float(l.reorder)
    )
}

/// The stable storage a node's own starting state describes.
fn storage_of(s: &NodeState) -> Result<Storage, SimConfigError> {
    let (index, term) = s.snapshot;
    let last = index + s.log.len() as Index;
    if s.commit < index || s.commit > last {
        return Err(SimConfigError::CommitOutsideLog {
            node: s.node,
            commit: s.commit,
            first: index,
            last,
        });
    }
    Ok(Storage {
        hard_state: HardState {
            term: s.term,
            vote: s.vote,
        },
        snapshot: Snapshot {
            index,
            term,
            data: Default::default(),
            conf: Default::default(),
        },
        entries: entries_after(index, &s.log),
        applied_conf: None,
        applied: 0,
    })
}
