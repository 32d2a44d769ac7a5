//! Membership changes on a node (paper §6, done as etcd raft does them): configuration
//! entries appended by the leader, taking effect on each node when it applies them; only one
//! change pending at a time; joint consensus left automatically by the leader when asked to;
//! a leader removed by a change hands over and steps down once it applies it; learners and
//! nodes outside the configuration never campaign. How the next configuration is built is `confchange.rs`.

use crate::confchange::ConfChange;
use crate::event::What;
use crate::node::Node;
use crate::tracker::Configuration;
use crate::types::{Entry, EntryKind, Index, NodeId, Role, NONE};
use alloc::boxed::Box;

/// The configuration a restarting node finds in stable storage, with the index of the last
/// configuration entry it had applied: the snapshot's, or the one last applied, then every
/// configuration entry after it up to `applied`, re-applied in order on top of `peers`
/// (None when storage holds none: the node starts in `peers`). Kept out of line: most
/// restarts find nothing and should not pay for the replay's code.
#[inline(never)]
pub(crate) fn stored_config(
    log: &crate::log::RaftLog,
    peers: &[NodeId],
) -> Option<(Configuration, Index)> {
    let snapshot = log.snapshot();
    let mut config = if snapshot.conf.voters.is_empty() {
        None
    } else {
        Some(Configuration::from_conf_state(&snapshot.conf))
    };
    let mut applied_conf_index = 0;
    let mut floor = snapshot.index;
    // The last configuration this node applied before it stopped, when newer than the
    // snapshot's: the entries up to it are not applied a second time.
    if let Some(applied_conf) = &log.storage().applied_conf {
        let (index, conf) = &**applied_conf;
        if *index > floor && *index <= log.last_index() {
            config = Some(Configuration::from_conf_state(conf));
            applied_conf_index = *index;
            floor = *index;
        }
    }
    // Up to what this node had applied, its configuration entries are accounted for.
    let floor = floor.max(log.storage().applied.min(log.applied()));
    let mut initial = None;
    if log.applied() > floor {
        let replay = log.slice(floor + 1, log.applied()).iter();
        for e in replay.filter(|e| e.kind() == EntryKind::ConfChange) {
            let current = match &config {
                Some(c) => c,
                None => initial.get_or_insert_with(|| Configuration::new(peers.iter().copied())),
            };
            if let Some(next) = next_config(current, e.data.as_slice()) {
                config = Some(next);
            }
            applied_conf_index = e.index;
        }
    }
    match config {
        Some(config) => Some((config, applied_conf_index)),
        // Only refused changes were applied: still `peers`, but they count as applied.
        None if applied_conf_index > 0 => Some((
            initial.unwrap_or_else(|| Configuration::new(peers.iter().copied())),
            applied_conf_index,
        )),
        None => None,
    }
}

impl Node {
    /// Whether this node may campaign: it is a voter of its configuration (etcd's
    /// `promotable`: a learner, a removed node and a node that knows no configuration yet
    /// never start an election).
    pub fn promotable(&self) -> bool {
        self.trk.is_voter(self.id)
    }

    /// The configuration of the newest configuration entry in the log when it is not applied
    /// yet (None when every one in the log is applied). Elections are held by it: the paper's
    /// rule (§6: a server uses the latest configuration in its log), where etcd uses the
    /// applied one. With etcd's rule a node that holds, unapplied, the entries of a change
    /// that removed a majority of its applied configuration still campaigns in it, and the
    /// removed nodes, which keep voting, can elect it without the entries the new voters
    /// committed since (fuzz seed 5073: voters (1 2 3) became (1 4) through a joint
    /// change; 2 and 3, holding both entries, elected 2 in (1 2 3) without index 63). And
    /// the one voter of a new configuration that has the entries but has not applied them
    /// would wait for the vote of a removed node (seed 10702).
    pub(crate) fn log_config(&self) -> Option<Configuration> {
        let (applied, last) = (self.log.applied(), self.log.last_index());
        if last <= applied {
            return None;
        }
        let mut config: Option<Configuration> = None;
        for e in self.log.slice(applied + 1, last) {
            if e.kind() == EntryKind::ConfChange {
                let current = config.as_ref().unwrap_or(self.trk.config());
                if let Some(next) = next_config(current, e.data.as_slice()) {
                    config = Some(next);
                }
            }
        }
        config
    }

    /// Whether this node's election timer starts a campaign: it is a voter of its applied
    /// configuration or of the newest one in its log (see `hup`).
    pub(crate) fn may_campaign(&self) -> bool {
        self.promotable()
            || self
                .log_config()
                .is_some_and(|c| c.voters.contains(self.id))
    }

    /// The index of the configuration entry a leader waits to see applied before it accepts
    /// another change (0 when none was proposed).
    pub fn pending_conf_index(&self) -> Index {
        self.pending_conf_index
    }

    /// Whether committed entries not applied yet hold a configuration change: a node does not
    /// campaign until it has applied them (etcd's `hasUnappliedConfChanges`).
    pub(crate) fn has_unapplied_conf_changes(&self) -> bool {
        let (applied, committed) = (self.log.applied(), self.log.committed());
        committed > applied
            && self
                .log
                .slice(applied + 1, committed)
                .iter()
                .any(|e| e.kind() == EntryKind::ConfChange)
    }

    /// The leader appends a configuration entry of its term. One that removes the leader (or
    /// makes it a learner) is the last entry it takes: the voters that store it then hold
    /// the leader's whole log, so whichever of them campaigns after the leader has left gets
    /// the leader's vote. Entries appended after it, on the leader alone, would make the
    /// leader refuse them that vote while a configuration they still hold counts it, with
    /// no one left to elect (fuzz seeds 1207 and 10702).
    pub(crate) fn append_conf_change(&mut self, cc: &ConfChange) {
        let next = cc.apply_to(self.trk.config()).ok();
        self.leaving = next.as_ref().is_some_and(|c| !c.voters.contains(self.id));
        let term = self.term();
        let index = self.log.last_index() + 1;
        self.log.append(core::iter::once(Entry {
            term,
            index,
            data: crate::confchange::encode_entry(cc, self.trk.config()),
        }));
        self.pending_conf_index = index;
        if let Some(pr) = self.trk.progress_mut(self.id) {
            pr.maybe_update(index);
        }
        self.maybe_commit();
    }

    /// The application applied the entries up to `applied` (after `before`): the
    /// configuration entries among them take effect now, in order. A leader whose joint
    /// configuration asks to be left automatically proposes the change that leaves it.
    pub(crate) fn applied_to(&mut self, before: Index, applied: Index) {
        let mut at = (before + 1).max(self.log.first_index());
        // Applying entries never changes those up to `applied` (they are committed), so the
        // configuration entries among them are found one after the other, in order.
        while at <= applied {
            let Some(e) = self
                .log
                .slice(at, applied)
                .iter()
                .find(|e| e.kind() == EntryKind::ConfChange)
            else {
                break;
            };
            let (index, data) = (e.index, e.data.clone());
            at = index + 1;
            if index <= self.applied_conf_index {
                // Applied before a restart, and recorded on stable storage then.
                continue;
            }
            self.applied_conf_index = index;
            if let Some(config) = next_config(self.trk.config(), data.as_slice()) {
                self.switch_to_config(config);
            }
            // Persisted with the rest of stable storage (see `Storage::applied_conf`).
            let conf = self.trk.config().to_conf_state();
            self.log.storage_mut().applied_conf = Some(Box::new((index, conf)));
        }
        let storage = self.log.storage_mut();
        storage.applied = storage.applied.max(applied);
        if self.role == Role::Leader && applied >= self.pending_conf_index {
            // What this leader's log held when it was elected is applied: from now on its
            // configuration alone decides commits (see `become_leader`).
            let next = self.log.last_index() + 1;
            self.trk.set_pending(None, next);
        }
        let config = self.trk.config();
        if self.role == Role::Leader
            && config.auto_leave
            && config.voters.is_joint()
            && applied >= self.pending_conf_index
        {
            let config = config.clone();
            self.event(What::AutoLeaveJoint { config });
            self.append_conf_change(&ConfChange::leave_joint());
            self.broadcast_append();
        }
    }

    /// Takes `config` as the configuration in force (etcd's `switchToConfig`).
    pub(crate) fn switch_to_config(&mut self, config: Configuration) {
        let next = self.log.last_index().max(1);
        self.trk.switch_config(config, next);
        let config = self.trk.config().clone();
        self.event(What::SwitchedConfig { config });
        if self.role != Role::Leader {
            return;
        }
        let me = self.id;
        let config = self.trk.config();
        if !config.voters.contains(me) {
            // Removed, or demoted to learner: hand over, then step down (transfer.rs).
            if self.lead_transferee != NONE {
                self.abort_leader_transfer();
            }
            self.transfer_on_removal();
            return;
        }
        // The quorum changed: the commit index may move; newcomers are probed.
        if self.maybe_commit() {
            self.broadcast_append();
        } else {
            let ids: alloc::vec::Vec<NodeId> = self.trk.iter().map(|(id, _)| id).collect();
            for id in ids {
                if id != me {
                    self.send_append(id, false);
                }
            }
        }
        let transferee = self.lead_transferee;
        if transferee != NONE && !self.trk.is_voter(transferee) {
            self.abort_leader_transfer();
        }
    }
}

/// The configuration that follows `current` once the configuration entry `data` is applied.
/// The entry records the configuration it was proposed at: a node that has none (it joined
/// with no configuration and replays the log from its start) takes that one first (see
/// `confchange::encode_entry`). A change the leader accepted applies to the configuration it
/// was proposed at (only one is pending at a time); one that does not is skipped (None).
pub(crate) fn next_config(current: &Configuration, data: &[u8]) -> Option<Configuration> {
    let (cc, base) = crate::confchange::decode_entry(data)?;
    let from = if current.voters.incoming().is_empty() {
        &base
    } else {
        current
    };
    cc.apply_to(from).ok()
}
