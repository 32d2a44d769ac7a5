//! Membership changes on a node (paper §6, done as etcd raft does them): configuration
//! entries appended by the leader, taking effect on each node when it applies them; only one
//! change pending at a time; joint consensus left automatically by the leader when asked to;
//! a leader removed by a change steps down once it applies it; learners and nodes outside the
//! configuration never campaign. How the next configuration is built is `confchange.rs`.

use crate::confchange::ConfChange;
use crate::event::What;
use crate::node::Node;
use crate::tracker::Configuration;
use crate::types::{Entry, EntryKind, Index, NodeId, Role, NONE};
use alloc::boxed::Box;

impl Node {
    /// Whether this node may campaign: it is a voter of its configuration (etcd's
    /// `promotable`: a learner, a removed node and a node that knows no configuration yet
    /// never start an election).
    pub fn promotable(&self) -> bool {
        self.trk.is_voter(self.id)
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
                .any(|e| e.kind == EntryKind::ConfChange)
    }

    /// The leader appends a configuration entry of its term.
    pub(crate) fn append_conf_change(&mut self, cc: &ConfChange) {
        let term = self.term();
        let index = self.log.last_index() + 1;
        self.log.append(core::iter::once(Entry {
            term,
            index,
            data: crate::confchange::encode_entry(cc, self.trk.config()),
            kind: EntryKind::ConfChange,
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
                .find(|e| e.kind == EntryKind::ConfChange)
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
            // Removed, or demoted to learner: step down (etcd's StepDownOnRemoval).
            let term = self.term();
            self.become_follower(term, NONE);
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
