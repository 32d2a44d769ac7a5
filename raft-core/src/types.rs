//! The vocabulary of the Raft paper: node ids, terms, log indexes, entries.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

/// A node's identity. Ids start at 1; [`NONE`] (0) means "nobody" (no vote, no leader).
pub type NodeId = u64;
/// A Raft term (paper §5.1). Terms only grow.
pub type Term = u64;
/// A position in the replicated log; the first entry has index 1 and 0 means "before the log".
pub type Index = u64;

/// "Nobody": the vote of a node that has not voted, the leader of a node that knows none.
pub const NONE: NodeId = 0;

/// An immutable, cheaply cloned byte string: an entry's command, and which kind of entry
/// carries it ([`EntryKind`]).
///
/// Entries are copied from the leader's log into every MsgApp, so cloning must not copy the
/// bytes. The empty normal payload (a leader's no-op entry) allocates nothing. The kind
/// rides in the allocation, one byte after the command, so that an entry is four words, not
/// five: every node keeps every entry, and a log of a million entries is 8 MB smaller.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Bytes(Option<Arc<[u8]>>);

impl Bytes {
    /// A normal entry's command (or any byte string that is not an entry's).
    pub fn new(data: &[u8]) -> Bytes {
        Bytes::with_kind(data, EntryKind::Normal)
    }
    /// The command of an entry of `kind`.
    pub fn with_kind(data: &[u8], kind: EntryKind) -> Bytes {
        if data.is_empty() && kind == EntryKind::Normal {
            return Bytes(None);
        }
        let mark = match kind {
            EntryKind::Normal => 0,
            EntryKind::ConfChange => 1,
        };
        // One allocation of the exact size (a chain of a slice and one item has a known length).
        Bytes(Some(
            data.iter().copied().chain(core::iter::once(mark)).collect(),
        ))
    }
    /// The kind of entry that carries these bytes.
    pub fn kind(&self) -> EntryKind {
        match self.0.as_deref() {
            Some([.., 1]) => EntryKind::ConfChange,
            _ => EntryKind::Normal,
        }
    }
    pub fn as_slice(&self) -> &[u8] {
        match self.0.as_deref() {
            Some([data @ .., _mark]) => data,
            _ => &[],
        }
    }
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl From<&[u8]> for Bytes {
    fn from(data: &[u8]) -> Bytes {
        Bytes::new(data)
    }
}

impl From<&str> for Bytes {
    fn from(data: &str) -> Bytes {
        Bytes::new(data.as_bytes())
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match core::str::from_utf8(self.as_slice()) {
            Ok(s) => write!(f, "{s:?}"),
            Err(_) => write!(f, "{:02x?}", self.as_slice()),
        }
    }
}

/// One log entry (paper Figure 2): the term in which a leader created it, its index and the
/// command, which says of what kind it is ([`Entry::kind`]). An empty normal command is the
/// no-op a new leader appends (§8).
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    pub term: Term,
    pub index: Index,
    /// A client command, or a configuration change (the change in
    /// [`crate::confchange::ConfChange`]'s encoding, made with [`Bytes::with_kind`]).
    pub data: Bytes,
}

impl Entry {
    /// A client command or a configuration change, as etcd's `EntryType`.
    pub fn kind(&self) -> EntryKind {
        self.data.kind()
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("term", &self.term)
            .field("index", &self.index)
            .field("data", &self.data)
            .field("kind", &self.kind())
            .finish()
    }
}

/// What an entry carries (etcd's `EntryNormal` / `EntryConfChangeV2`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A command for the state machine (or a leader's empty no-op).
    #[default]
    Normal,
    /// A membership change: it takes effect on every node when the node applies it.
    ConfChange,
}

/// The role a node plays (paper §5.1, plus etcd's pre-candidate of the pre-vote extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

impl Role {
    /// The word etcd logs for the role ("became pre-candidate at term 1").
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state a node must keep on stable storage before answering anything (Figure 2:
/// "Persistent state on all servers"): its current term and the candidate it voted for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HardState {
    pub term: Term,
    pub vote: NodeId,
}

/// A compacted prefix of the log (paper §7): the index and term of the last entry it covers
/// and the state machine's state at that point, as bytes the application produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub index: Index,
    pub term: Term,
    pub data: Bytes,
    /// The configuration in force at `index` (etcd's `ConfState`): a node that installs the
    /// snapshot, or restarts from it, takes it.
    pub conf: ConfState,
}

/// A configuration as a snapshot carries it (etcd's `ConfState`): the voters (the incoming
/// ones while joint), the outgoing voters (empty unless joint), the learners, the learners
/// to be once the joint configuration is left, and whether it is left automatically.
/// No voters at all means "no configuration recorded": a node installing such a snapshot
/// keeps the configuration it has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfState {
    pub voters: Vec<NodeId>,
    pub voters_outgoing: Vec<NodeId>,
    pub learners: Vec<NodeId>,
    pub learners_next: Vec<NodeId>,
    pub auto_leave: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn an_entry_is_its_term_index_and_command_and_nothing_more() {
        // The kind rides in the command's allocation (see `Bytes`): no field pads the entry.
        assert_eq!(
            core::mem::size_of::<Entry>(),
            2 * core::mem::size_of::<u64>() + core::mem::size_of::<Option<Arc<[u8]>>>()
        );
    }

    #[test]
    fn the_bytes_keep_their_kind_apart_from_the_command() {
        for kind in [EntryKind::Normal, EntryKind::ConfChange] {
            for data in [&b""[..], b"x", b"\x01", b"set k=v\x00"] {
                let b = Bytes::with_kind(data, kind);
                assert_eq!(
                    (b.as_slice(), b.len(), b.is_empty()),
                    (data, data.len(), data.is_empty())
                );
                assert_eq!(b.kind(), kind, "{data:?}");
            }
        }
        assert_eq!(Bytes::new(b""), Bytes::default());
        assert_eq!(Bytes::new(b"ab").kind(), EntryKind::Normal);
        assert_ne!(
            Bytes::new(b"ab"),
            Bytes::with_kind(b"ab", EntryKind::ConfChange),
            "entries of two kinds are not equal"
        );
        let e = Entry {
            term: 2,
            index: 7,
            data: Bytes::with_kind(b"", EntryKind::ConfChange),
        };
        assert_eq!(e.kind(), EntryKind::ConfChange);
        assert_eq!(
            format!("{e:?}"),
            r#"Entry { term: 2, index: 7, data: "", kind: ConfChange }"#
        );
    }
}
