//! The replicated log (paper §5.3) over stable storage, plus the volatile commit and apply
//! indexes. Every rule about what may be appended, truncated or committed lives here.

use crate::storage::Storage;
use crate::types::{Entry, Index, Snapshot, Term};
use crate::why::{append_rule, commit_rule, LogPos, Why};
use alloc::boxed::Box;
use alloc::vec::Vec;

/// The outcome of an accepted AppendEntries (it passed `why::append_rule`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The last index now known to match the leader's log.
    pub last_new: Index,
    /// The existing entry that was replaced, if the leader's entries overwrote any.
    pub conflict: Option<Conflict>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub index: Index,
    pub existing_term: Term,
    pub conflicting_term: Term,
}

#[derive(Clone, Debug)]
pub struct RaftLog {
    storage: Storage,
    /// commitIndex: highest entry known to be committed (volatile).
    committed: Index,
    /// lastApplied: highest entry the application has applied (volatile).
    applied: Index,
    /// Highest entry handed to the application to apply (by a Ready), at least `applied`.
    applying: Index,
    /// A snapshot received from the leader that the application has not been handed yet.
    /// Boxed: a snapshot is large, and this is taken (mostly as None) at every Ready.
    snapshot_to_apply: Option<Box<Snapshot>>,
    /// Lowest index written since the caller last took the log's changes (by a Ready).
    changed_from: Index,
}

impl RaftLog {
    /// A log over `storage` after a (re)start. Entries up to `applied` are known to be
    /// applied, hence committed; nothing else is known committed until a leader says so.
    /// What `storage` holds is on stable storage already: nothing counts as written yet.
    pub fn new(storage: Storage, applied: Index) -> RaftLog {
        let floor = storage.snapshot.index;
        let last = floor + storage.entries.len() as Index;
        let applied = applied.clamp(floor, last);
        RaftLog {
            storage,
            committed: applied,
            applied,
            applying: applied,
            snapshot_to_apply: None,
            changed_from: Index::MAX,
        }
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    pub fn storage_mut(&mut self) -> &mut Storage {
        &mut self.storage
    }

    pub fn into_storage(self) -> Storage {
        self.storage
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.storage.snapshot
    }

    /// The entries after the snapshot.
    pub fn entries(&self) -> &[Entry] {
        &self.storage.entries
    }

    pub fn first_index(&self) -> Index {
        self.storage.snapshot.index + 1
    }

    pub fn last_index(&self) -> Index {
        self.storage.snapshot.index + self.storage.entries.len() as Index
    }

    /// The last entry's term and index, as the election restriction compares logs.
    pub fn last_pos(&self) -> LogPos {
        LogPos {
            term: self.last_term(),
            index: self.last_index(),
        }
    }

    pub fn last_term(&self) -> Term {
        self.storage
            .entries
            .last()
            .map_or(self.storage.snapshot.term, |e| e.term)
    }

    pub fn committed(&self) -> Index {
        self.committed
    }

    pub fn applied(&self) -> Index {
        self.applied
    }

    /// The term of the entry at `index`; None when it is compacted away or beyond the log.
    pub fn term(&self, index: Index) -> Option<Term> {
        let snap = &self.storage.snapshot;
        if index == snap.index {
            return Some(snap.term);
        }
        if index < snap.index {
            return None;
        }
        self.storage
            .entries
            .get((index - snap.index - 1) as usize)
            .map(|e| e.term)
    }

    pub fn entry(&self, index: Index) -> Option<&Entry> {
        let floor = self.storage.snapshot.index;
        if index <= floor {
            return None;
        }
        self.storage.entries.get((index - floor - 1) as usize)
    }

    pub fn match_term(&self, index: Index, term: Term) -> bool {
        self.term(index) == Some(term)
    }

    /// The election restriction (§5.4.1): a candidate's log is at least as up-to-date as
    /// ours if its last term is higher, or equal with an index at least as high.
    pub fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        let theirs = LogPos {
            term: last_term,
            index: last_index,
        };
        theirs.at_least_as_up_to_date_as(self.last_pos())
    }

    /// The index of the first of `entries` that is new or conflicts with our log, or 0
    /// when we already hold all of them.
    fn find_conflict(&self, entries: &[Entry]) -> Index {
        for e in entries {
            if !self.match_term(e.index, e.term) {
                // An index below our snapshot is compacted, hence committed, hence matches.
                if e.index <= self.storage.snapshot.index {
                    continue;
                }
                return e.index;
            }
        }
        0
    }

    /// The AppendEntries receiver rules (Figure 2): if our log holds prev_log_index with
    /// prev_log_term, delete any conflicting suffix, append what is new, advance the commit
    /// index; returns the last index now known to match the leader's log. None means the
    /// consistency check failed.
    pub fn maybe_append(
        &mut self,
        prev_log_index: Index,
        prev_log_term: Term,
        commit: Index,
        entries: &[Entry],
    ) -> Result<Appended, Why> {
        let prev = LogPos {
            term: prev_log_term,
            index: prev_log_index,
        };
        append_rule(prev, self.term(prev_log_index), self.last_index())?;
        let last_new = prev_log_index + entries.len() as Index;
        let mut conflict = None;
        let at = self.find_conflict(entries);
        if at != 0 {
            if at <= self.committed {
                // Overwriting a committed entry would break Log Matching; a correct leader
                // never asks for it. Refuse rather than corrupt the log.
                let committed = self.committed;
                return Err(Why::OverwritesCommitted {
                    index: at,
                    committed,
                });
            }
            let start = (at - prev_log_index - 1) as usize;
            if let Some(existing_term) = self.term(at) {
                conflict = Some(Conflict {
                    index: at,
                    existing_term,
                    conflicting_term: entries[start].term,
                });
            }
            self.truncate_and_append(&entries[start..]);
        }
        self.commit_to(commit.min(last_new));
        Ok(Appended { last_new, conflict })
    }

    /// Appends entries that follow directly after the log's end (the leader's own appends).
    pub fn append(&mut self, entries: impl IntoIterator<Item = Entry>) {
        let before = self.last_index();
        self.storage.entries.extend(entries);
        self.changed_from = self.changed_from.min(before + 1);
    }

    /// Replaces everything from entries[0].index on with `entries`.
    fn truncate_and_append(&mut self, entries: &[Entry]) {
        let Some(first) = entries.first() else { return };
        let floor = self.storage.snapshot.index;
        let keep = (first.index - floor - 1) as usize;
        self.storage.entries.truncate(keep);
        self.storage.entries.extend_from_slice(entries);
        self.changed_from = self.changed_from.min(first.index);
    }

    /// Entries from `lo` on, at most `max_bytes` of commands but at least one entry.
    /// None when `lo` is compacted: the follower needs a snapshot.
    pub fn entries_from(&self, lo: Index, max_bytes: usize) -> Option<Vec<Entry>> {
        if lo <= self.storage.snapshot.index {
            return None;
        }
        let start = (lo - self.storage.snapshot.index - 1) as usize;
        let tail = self.storage.entries.get(start..).unwrap_or(&[]);
        let mut size = 0;
        let mut n = 0;
        for e in tail {
            size += e.data.len();
            if n > 0 && size > max_bytes {
                break;
            }
            n += 1;
        }
        Some(tail[..n].to_vec())
    }

    pub fn commit_to(&mut self, index: Index) {
        // Commit never goes back, and never past what we hold.
        let index = index.min(self.last_index());
        if index > self.committed {
            self.committed = index;
        }
    }

    /// A leader may only commit by counting replicas for an entry of its own term (§5.4.2):
    /// `index` is the highest a quorum holds. None when it commits nothing new; else whether
    /// it committed, and why (`why::commit_rule`).
    pub fn maybe_commit(&mut self, index: Index, term: Term) -> Option<(bool, Why)> {
        if index <= self.committed {
            return None;
        }
        let entry_term = self.term(index).unwrap_or(0);
        let (commits, why) = commit_rule(index, entry_term, term);
        if commits {
            self.commit_to(index);
        }
        Some((commits, why))
    }

    /// Fast backtracking: the largest index <= `index` whose term is <= `term`, and its term.
    /// A follower answers a rejected MsgApp with it; the leader uses it to skip over a whole
    /// term of conflicting entries in one round trip.
    pub fn find_conflict_by_term(&self, index: Index, term: Term) -> (Index, Term) {
        let mut i = index.min(self.last_index());
        loop {
            match self.term(i) {
                Some(t) if t > term => i -= 1,
                Some(t) => return (i, t),
                None => return (i, 0),
            }
        }
    }

    /// The entries held from index `lo` through `hi`, both included (only those after the
    /// snapshot: the rest are compacted).
    pub fn slice(&self, lo: Index, hi: Index) -> &[Entry] {
        let floor = self.storage.snapshot.index;
        let (lo, hi) = (lo.max(floor + 1), hi.min(self.last_index()));
        if lo > hi {
            return &[];
        }
        &self.storage.entries[(lo - floor - 1) as usize..(hi - floor) as usize]
    }

    /// The highest index handed to the application to apply.
    pub fn applying(&self) -> Index {
        self.applying
    }

    /// Whether committed entries wait to be handed to the application.
    pub fn has_entries_to_apply(&self) -> bool {
        self.committed > self.applying
    }

    /// Hands the committed entries not handed out yet to the application: returns the
    /// index they start after (they end at the commit index).
    pub fn start_applying(&mut self) -> Index {
        let after = self.applying;
        self.applying = self.applying.max(self.committed);
        after
    }

    /// The application applied everything it was handed.
    pub fn applied_all(&mut self) {
        self.applied = self.applied.max(self.applying.min(self.committed));
    }

    /// Installs a leader's snapshot (InstallSnapshot receiver, §7). Returns false when it is
    /// not newer than what we have committed. When our log already holds the snapshot's last
    /// entry, only the commit index moves and the log is kept.
    pub fn restore(&mut self, snapshot: Snapshot) -> bool {
        if snapshot.index <= self.committed {
            return false;
        }
        if self.match_term(snapshot.index, snapshot.term) {
            self.commit_to(snapshot.index);
            return false;
        }
        self.storage.entries.clear();
        self.committed = snapshot.index;
        self.changed_from = snapshot.index + 1;
        self.storage.snapshot = snapshot.clone();
        self.snapshot_to_apply = Some(Box::new(snapshot));
        true
    }

    /// Hands the application the snapshot it must load before applying further entries.
    pub fn take_snapshot_to_apply(&mut self) -> Option<Snapshot> {
        let s = self.snapshot_to_apply.take()?;
        self.applying = self.applying.max(s.index);
        Some(*s)
    }

    pub fn has_snapshot_to_apply(&self) -> bool {
        self.snapshot_to_apply.is_some()
    }

    /// Log compaction (§7): replace entries up to `index` (already applied) with a snapshot
    /// carrying the application's state `data`. Returns false if `index` is not compactable.
    pub fn compact(
        &mut self,
        index: Index,
        data: crate::types::Bytes,
        conf: crate::types::ConfState,
    ) -> bool {
        let floor = self.storage.snapshot.index;
        if index <= floor || index > self.applied {
            return false;
        }
        let Some(term) = self.term(index) else {
            return false;
        };
        self.storage.entries.drain(..(index - floor) as usize);
        self.storage.snapshot = Snapshot {
            index,
            term,
            data,
            conf,
        };
        true
    }

    /// Whether entries were written since the last `take_changed_from`.
    pub fn has_changes(&self) -> bool {
        self.changed_from <= self.last_index()
    }

    /// Lowest index written since the last call (last_index + 1 when nothing was).
    pub fn take_changed_from(&mut self) -> Index {
        let c = self.changed_from;
        self.changed_from = Index::MAX;
        c.min(self.last_index() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Bytes;

    fn ents(first: Index, terms: &[Term]) -> Vec<Entry> {
        terms
            .iter()
            .enumerate()
            .map(|(i, &t)| Entry {
                term: t,
                index: first + i as Index,
                data: Bytes::default(),
            })
            .collect()
    }

    fn log(terms: &[Term]) -> RaftLog {
        RaftLog::new(
            Storage::with_log(terms.last().copied().unwrap_or(0), terms),
            0,
        )
    }

    #[test]
    fn append_fails_the_consistency_check_without_a_matching_prev_entry() {
        let mut l = log(&[1, 1, 2]);
        assert!(l.maybe_append(3, 3, 0, &ents(4, &[3])).is_err());
        assert!(l.maybe_append(4, 2, 0, &ents(5, &[3])).is_err());
        assert_eq!(
            l.maybe_append(3, 2, 0, &ents(4, &[3])).map(|a| a.last_new),
            Ok(4)
        );
    }

    #[test]
    fn conflicting_suffix_is_deleted_and_replaced() {
        let mut l = log(&[1, 1, 2, 2]);
        let a = l.maybe_append(2, 1, 0, &ents(3, &[3])).unwrap();
        assert_eq!(a.last_new, 3);
        assert_eq!(
            a.conflict,
            Some(Conflict {
                index: 3,
                existing_term: 2,
                conflicting_term: 3
            })
        );
        assert_eq!(l.last_index(), 3);
        assert_eq!(l.term(3), Some(3));
    }

    #[test]
    fn entries_already_held_do_not_truncate_the_log() {
        // A delayed, shorter MsgApp must not cut entries that arrived after it.
        let mut l = log(&[1, 1, 2, 2]);
        assert_eq!(
            l.maybe_append(1, 1, 0, &ents(2, &[1])).map(|a| a.last_new),
            Ok(2)
        );
        assert_eq!(l.last_index(), 4);
    }

    #[test]
    fn committed_entries_are_never_overwritten() {
        let mut l = log(&[1, 1, 2]);
        l.commit_to(3);
        assert!(l.maybe_append(1, 1, 3, &ents(2, &[5, 5])).is_err());
        assert_eq!(l.term(3), Some(2));
    }

    #[test]
    fn commit_index_never_exceeds_the_last_new_entry() {
        let mut l = log(&[1, 1, 1, 1]);
        assert_eq!(l.maybe_append(1, 1, 10, &[]).map(|a| a.last_new), Ok(1));
        assert_eq!(l.committed(), 1);
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let l = log(&[1, 2, 2]);
        assert!(l.is_up_to_date(1, 3));
        assert!(l.is_up_to_date(3, 2));
        assert!(!l.is_up_to_date(2, 2));
        assert!(!l.is_up_to_date(9, 1));
    }

    #[test]
    fn leader_commits_only_entries_of_its_own_term() {
        let mut l = log(&[1, 1, 2]);
        assert!(matches!(
            l.maybe_commit(2, 2),
            Some((false, Why::EarlierTerm { .. }))
        ));
        assert!(matches!(
            l.maybe_commit(3, 2),
            Some((true, Why::OnQuorum { .. }))
        ));
        assert_eq!(l.maybe_commit(3, 2), None, "nothing new");
        assert_eq!(l.committed(), 3);
    }

    #[test]
    fn conflict_hint_skips_a_whole_term() {
        let l = log(&[1, 1, 4, 4, 4, 4]);
        assert_eq!(l.find_conflict_by_term(6, 2), (2, 1));
        assert_eq!(l.find_conflict_by_term(9, 4), (6, 4));
    }

    #[test]
    fn compaction_keeps_terms_and_the_tail() {
        let mut l = log(&[1, 1, 2, 3]);
        l.commit_to(3);
        assert_eq!(l.start_applying(), 0);
        l.applied_all();
        l.commit_to(4);
        assert!(l.compact(3, Bytes::from("state"), Default::default()));
        assert_eq!(l.first_index(), 4);
        assert_eq!(l.term(3), Some(2));
        assert_eq!(l.term(2), None);
        assert_eq!(l.entries_from(2, 100), None);
        assert_eq!(l.entries_from(4, 100).map(|v| v.len()), Some(1));
        assert!(
            !l.compact(4, Bytes::default(), Default::default()),
            "not applied yet"
        );
    }

    #[test]
    fn snapshot_replaces_a_diverging_log() {
        let mut l = log(&[1, 1]);
        assert!(l.restore(Snapshot {
            index: 5,
            term: 3,
            data: Bytes::from("kv"),
            ..Snapshot::default()
        }));
        assert_eq!(l.last_index(), 5);
        assert_eq!(l.committed(), 5);
        assert_eq!(l.take_snapshot_to_apply().map(|s| s.index), Some(5));
        assert_eq!(l.applying(), 5);
        assert!(
            !l.has_entries_to_apply(),
            "the snapshot holds everything committed"
        );
        l.applied_all();
        assert_eq!(l.applied(), 5);
    }

    #[test]
    fn entries_are_handed_out_to_apply_once() {
        let mut l = log(&[1, 1, 2, 2]);
        l.commit_to(2);
        assert!(l.has_entries_to_apply());
        let after = l.start_applying();
        assert_eq!((after, l.applying(), l.applied()), (0, 2, 0));
        assert_eq!(l.slice(after + 1, l.committed()).len(), 2);
        l.commit_to(3);
        assert_eq!(l.start_applying(), 2, "only what was not handed out yet");
        l.applied_all();
        assert_eq!(l.applied(), 3);
        assert!(!l.has_entries_to_apply());
    }

    #[test]
    fn written_entries_are_taken_once() {
        let mut l = log(&[1, 1, 2]);
        assert!(
            !l.has_changes(),
            "what the log starts from is stored already"
        );
        l.append(ents(4, &[2]));
        assert_eq!(l.take_changed_from(), 4);
        assert!(!l.has_changes());
        assert_eq!(l.take_changed_from(), 5);
        assert!(l.maybe_append(1, 1, 0, &ents(2, &[3])).is_ok());
        assert_eq!(l.take_changed_from(), 2);
        assert_eq!(l.slice(2, l.last_index()), &ents(2, &[3])[..]);
    }

    #[test]
    fn entries_from_respects_the_size_limit_but_sends_at_least_one() {
        let mut l = log(&[]);
        l.append((1..=3).map(|i| Entry {
            term: 1,
            index: i,
            data: Bytes::from("0123456789"),
        }));
        assert_eq!(l.entries_from(1, 5).map(|v| v.len()), Some(1));
        assert_eq!(l.entries_from(1, 25).map(|v| v.len()), Some(2));
        assert_eq!(l.entries_from(4, 25).map(|v| v.len()), Some(0));
    }
}
