//! What a leader knows of each follower: matchIndex, nextIndex (paper Figure 2) and how
//! eagerly to send, following etcd's probe / replicate / snapshot flow control.

use crate::types::Index;
use alloc::collections::VecDeque;
use core::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressState {
    /// The leader does not know where the follower's log matches: send one MsgApp at a time
    /// and wait for the answer before sending the next.
    Probe,
    /// The logs match up to `matched`: stream entries optimistically, up to max_inflight.
    Replicate,
    /// The follower needs entries the leader has compacted: a snapshot is on its way.
    Snapshot { pending: Index },
}

impl ProgressState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProgressState::Probe => "probe",
            ProgressState::Replicate => "replicate",
            ProgressState::Snapshot { .. } => "snapshot",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// matchIndex: the highest index known to be replicated on the follower.
    pub matched: Index,
    /// nextIndex: the index of the next entry to send.
    pub next: Index,
    pub state: ProgressState,
    /// In Probe: a MsgApp is outstanding, wait for its answer (or a heartbeat reply).
    pub probe_sent: bool,
    /// Whether the follower answered anything since the last check-quorum round.
    pub recent_active: bool,
    /// In Replicate: the last index of each unacknowledged MsgApp, oldest first.
    inflights: VecDeque<Index>,
    max_inflight: usize,
}

impl Progress {
    pub fn new(next: Index, max_inflight: usize) -> Progress {
        Progress {
            matched: 0,
            next,
            state: ProgressState::Probe,
            probe_sent: false,
            recent_active: false,
            inflights: VecDeque::new(),
            max_inflight,
        }
    }

    fn reset_state(&mut self, state: ProgressState) {
        self.state = state;
        self.probe_sent = false;
        self.inflights.clear();
    }

    pub fn become_probe(&mut self) {
        // After a snapshot, resume right after it; otherwise right after what is known to match.
        let next = match self.state {
            ProgressState::Snapshot { pending } => (self.matched + 1).max(pending + 1),
            _ => self.matched + 1,
        };
        self.reset_state(ProgressState::Probe);
        self.next = next;
    }

    pub fn become_replicate(&mut self) {
        self.reset_state(ProgressState::Replicate);
        self.next = self.matched + 1;
    }

    pub fn become_snapshot(&mut self, snapshot_index: Index) {
        self.reset_state(ProgressState::Snapshot {
            pending: snapshot_index,
        });
    }

    /// The follower acknowledged up to `n`. Returns whether matchIndex moved.
    pub fn maybe_update(&mut self, n: Index) -> bool {
        let updated = self.matched < n;
        if updated {
            self.matched = n;
            self.probe_sent = false;
        }
        self.next = self.next.max(n + 1);
        updated
    }

    /// A MsgApp was sent; `last` is the index of its last entry, None when it carried none.
    /// In Replicate nextIndex advances optimistically; in Probe we wait for the answer.
    pub fn sent_append(&mut self, last: Option<Index>) {
        match self.state {
            ProgressState::Replicate => {
                if let Some(last) = last {
                    self.next = last + 1;
                    self.inflights.push_back(last);
                }
            }
            ProgressState::Probe => self.probe_sent = true,
            ProgressState::Snapshot { .. } => {}
        }
    }

    /// The follower rejected a MsgApp whose prev_log_index was `rejected`; `hint` is the
    /// highest index at which the logs may agree. Returns false for a stale rejection.
    pub fn maybe_decrease_to(&mut self, rejected: Index, hint: Index) -> bool {
        if self.state == ProgressState::Replicate {
            // Rejections of indexes already matched are answers to old, reordered messages.
            if rejected <= self.matched {
                return false;
            }
            self.next = self.matched + 1;
            return true;
        }
        // In Probe only the answer to the outstanding probe (prev index next-1) counts.
        if self.next.saturating_sub(1) != rejected {
            return false;
        }
        self.next = rejected.min(hint + 1).max(self.matched + 1);
        self.probe_sent = false;
        true
    }

    /// Whether the leader should hold further MsgApp back for now.
    pub fn is_paused(&self) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflights.len() >= self.max_inflight,
            ProgressState::Snapshot { .. } => true,
        }
    }

    /// Acknowledgement up to `index` frees every inflight message ending at or before it.
    pub fn free_inflights_to(&mut self, index: Index) {
        while self.inflights.front().is_some_and(|&i| i <= index) {
            self.inflights.pop_front();
        }
    }

    /// A heartbeat answer shows the follower is alive: let one more message through, so a
    /// window full of lost messages cannot stall replication forever.
    pub fn free_first_inflight(&mut self) {
        self.inflights.pop_front();
    }

    pub fn max_inflight(&self) -> usize {
        self.max_inflight
    }

    pub fn inflight_count(&self) -> usize {
        self.inflights.len()
    }
}

impl fmt::Display for Progress {
    /// etcd's rendering of a progress, as in "decreased progress of 2 to [StateProbe match=3 next=4]".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            ProgressState::Probe => "StateProbe",
            ProgressState::Replicate => "StateReplicate",
            ProgressState::Snapshot { .. } => "StateSnapshot",
        };
        write!(f, "{state} match={} next={}", self.matched, self.next)?;
        if let ProgressState::Snapshot { pending } = self.state {
            write!(f, " pendingSnap={pending}")?;
        }
        if self.probe_sent {
            f.write_str(" paused")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_sends_one_message_then_waits() {
        let mut p = Progress::new(5, 4);
        assert!(!p.is_paused());
        p.sent_append(Some(5));
        assert!(p.is_paused());
        assert!(p.maybe_update(5));
        assert!(!p.is_paused());
    }

    #[test]
    fn replicate_is_paused_by_a_full_inflight_window() {
        let mut p = Progress::new(1, 2);
        p.become_replicate();
        p.sent_append(Some(1));
        p.sent_append(Some(2));
        assert!(p.is_paused());
        p.free_inflights_to(1);
        assert!(!p.is_paused());
        assert_eq!(p.next, 3);
    }

    #[test]
    fn rejection_moves_next_index_back_to_the_hint() {
        let mut p = Progress::new(10, 4);
        assert!(p.maybe_decrease_to(9, 4));
        assert_eq!(p.next, 5);
        // A second answer to the same old probe is stale.
        assert!(!p.maybe_decrease_to(9, 4));
    }

    #[test]
    fn stale_rejection_in_replicate_is_ignored() {
        let mut p = Progress::new(1, 4);
        p.maybe_update(6);
        p.become_replicate();
        assert!(!p.maybe_decrease_to(5, 0));
        assert!(p.maybe_decrease_to(8, 0));
        assert_eq!(p.next, 7);
    }
}
