//! A message as a scenario writes it: its kind and the numbers that matter to the protocol,
//! as in `MsgApp term 3 logterm 2 index 5 entries 3 3 commit 4`. The same words make a
//! message by hand (`send`) and describe one in flight (`expect message`).

use raft_core::message::{Body, Message, MsgKind};
use raft_core::types::{Entry, Index, NodeId, Snapshot, Term};
use std::fmt;

/// The fields of one kind of message. Numbers that are 0 and flags that are off are left out
/// when written; `term` is always written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageSpec {
    pub kind: MsgKind,
    pub term: Term,
    /// MsgApp: the term of the entry before `entries`; MsgVote, MsgPreVote: of the
    /// candidate's last entry; MsgAppResp: the rejection's hint term; MsgSnap: of the
    /// snapshot's last entry.
    pub log_term: Term,
    /// MsgApp: the index of the entry before `entries`; MsgVote, MsgPreVote: of the
    /// candidate's last entry; MsgAppResp: the index acknowledged, or the one rejected;
    /// MsgSnap: of the snapshot's last entry.
    pub index: Index,
    /// MsgApp: the terms of the entries, from `index + 1` on.
    pub entries: Vec<Term>,
    /// MsgApp, MsgHeartbeat: the leader's commit index.
    pub commit: Index,
    /// MsgVoteResp, MsgPreVoteResp, MsgAppResp: the answer is no.
    pub reject: bool,
    /// MsgAppResp: the rejection's hint index, where the logs may agree.
    pub hint: Index,
    /// MsgVote: an election started by a leadership transfer.
    pub transfer: bool,
}

/// One field of a message, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Term,
    LogTerm,
    Index,
    Entries,
    Commit,
    Reject,
    Hint,
    Transfer,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Term,
        Field::LogTerm,
        Field::Index,
        Field::Entries,
        Field::Commit,
        Field::Reject,
        Field::Hint,
        Field::Transfer,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Term => "term",
            Field::LogTerm => "logterm",
            Field::Index => "index",
            Field::Entries => "entries",
            Field::Commit => "commit",
            Field::Reject => "reject",
            Field::Hint => "hint",
            Field::Transfer => "transfer",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the field is a flag (written alone) rather than a number or a list.
    pub fn is_flag(self) -> bool {
        matches!(self, Field::Reject | Field::Transfer)
    }

    /// The fields a message of `kind` has, in the order they are written.
    pub fn of(kind: MsgKind) -> &'static [Field] {
        use Field::*;
        match kind {
            MsgKind::PreVote => &[Term, LogTerm, Index],
            MsgKind::Vote => &[Term, LogTerm, Index, Transfer],
            MsgKind::PreVoteResp | MsgKind::VoteResp => &[Term, Reject],
            MsgKind::App => &[Term, LogTerm, Index, Entries, Commit],
            MsgKind::AppResp => &[Term, LogTerm, Index, Reject, Hint],
            MsgKind::Heartbeat => &[Term, Commit],
            MsgKind::Snap => &[Term, LogTerm, Index],
            MsgKind::HeartbeatResp | MsgKind::TimeoutNow | MsgKind::Prop => &[Term],
        }
    }
}

impl MessageSpec {
    /// A message of `kind` at `term` with every other field 0 or off.
    pub fn new(kind: MsgKind, term: Term) -> MessageSpec {
        MessageSpec {
            kind,
            term,
            log_term: 0,
            index: 0,
            entries: Vec::new(),
            commit: 0,
            reject: false,
            hint: 0,
            transfer: false,
        }
    }

    /// What a scenario can say of `m` (entries by their terms; commands and snapshot data are
    /// not written).
    pub fn of(m: &Message) -> MessageSpec {
        let mut s = MessageSpec::new(m.kind(), m.term);
        match &m.body {
            Body::PreVote {
                last_log_term,
                last_log_index,
            } => (s.log_term, s.index) = (*last_log_term, *last_log_index),
            Body::Vote {
                last_log_term,
                last_log_index,
                transfer,
            } => (s.log_term, s.index, s.transfer) = (*last_log_term, *last_log_index, *transfer),
            Body::PreVoteResp { reject } | Body::VoteResp { reject } => s.reject = *reject,
            Body::App {
                prev_log_index,
                prev_log_term,
                entries,
                commit,
            } => {
                (s.log_term, s.index, s.commit) = (*prev_log_term, *prev_log_index, *commit);
                s.entries = entries.iter().map(|e| e.term).collect();
            }
            Body::AppResp {
                index,
                reject,
                hint_index,
                hint_term,
            } => {
                (s.index, s.reject, s.hint, s.log_term) = (*index, *reject, *hint_index, *hint_term)
            }
            Body::Heartbeat { commit } => s.commit = *commit,
            Body::Snap { snapshot } => (s.index, s.log_term) = (snapshot.index, snapshot.term),
            Body::HeartbeatResp | Body::TimeoutNow | Body::Prop { .. } => {}
        }
        s
    }

    /// The message from `from` to `to`: entries and snapshots carry no data.
    pub fn to_message(&self, from: NodeId, to: NodeId) -> Message {
        let body = match self.kind {
            MsgKind::PreVote => Body::PreVote {
                last_log_term: self.log_term,
                last_log_index: self.index,
            },
            MsgKind::Vote => Body::Vote {
                last_log_term: self.log_term,
                last_log_index: self.index,
                transfer: self.transfer,
            },
            MsgKind::PreVoteResp => Body::PreVoteResp {
                reject: self.reject,
            },
            MsgKind::VoteResp => Body::VoteResp {
                reject: self.reject,
            },
            MsgKind::App => Body::App {
                prev_log_index: self.index,
                prev_log_term: self.log_term,
                entries: entries_after(self.index, &self.entries),
                commit: self.commit,
            },
            MsgKind::AppResp => Body::AppResp {
                index: self.index,
                reject: self.reject,
                hint_index: self.hint,
                hint_term: self.log_term,
            },
            MsgKind::Heartbeat => Body::Heartbeat {
                commit: self.commit,
            },
            MsgKind::HeartbeatResp => Body::HeartbeatResp,
            MsgKind::Snap => Body::Snap {
                snapshot: Box::new(Snapshot {
                    index: self.index,
                    term: self.log_term,
                    data: Default::default(),
                    conf: Default::default(),
                }),
            },
            MsgKind::TimeoutNow => Body::TimeoutNow,
            MsgKind::Prop => Body::Prop {
                entries: Vec::new(),
            },
        };
        Message {
            from,
            to,
            term: self.term,
            body,
        }
    }

    /// Whether `field` holds something other than 0, nothing or off.
    fn is_set(&self, field: Field) -> bool {
        match field {
            Field::Term => true,
            Field::LogTerm => self.log_term != 0,
            Field::Index => self.index != 0,
            Field::Entries => !self.entries.is_empty(),
            Field::Commit => self.commit != 0,
            Field::Reject => self.reject,
            Field::Hint => self.hint != 0,
            Field::Transfer => self.transfer,
        }
    }

    /// ` term 3 logterm 2 index 5 entries 3 3 commit 4`: the fields after the kind.
    pub(crate) fn write_fields(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &field in Field::of(self.kind) {
            if !self.is_set(field) {
                continue;
            }
            write!(f, " {}", field.name())?;
            match field {
                Field::Term => write!(f, " {}", self.term)?,
                Field::LogTerm => write!(f, " {}", self.log_term)?,
                Field::Index => write!(f, " {}", self.index)?,
                Field::Entries => {
                    for t in &self.entries {
                        write!(f, " {t}")?;
                    }
                }
                Field::Commit => write!(f, " {}", self.commit)?,
                Field::Hint => write!(f, " {}", self.hint)?,
                Field::Reject | Field::Transfer => {}
            }
        }
        Ok(())
    }
}

/// Entries with these terms from index `after + 1` on, carrying no commands.
pub fn entries_after(after: Index, terms: &[Term]) -> Vec<Entry> {
    (after + 1..)
        .zip(terms)
        .map(|(index, &term)| Entry {
            term,
            index,
            data: Default::default(),
        })
        .collect()
}

impl fmt::Display for MessageSpec {
    /// `MsgApp term 3 logterm 2 index 5 entries 3 3 commit 4`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        self.write_fields(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_goes_to_a_message_and_back() {
        let mut app = MessageSpec::new(MsgKind::App, 3);
        (app.log_term, app.index, app.entries, app.commit) = (2, 5, vec![3, 3], 4);
        let mut resp = MessageSpec::new(MsgKind::AppResp, 3);
        (resp.index, resp.reject, resp.hint, resp.log_term) = (5, true, 3, 2);
        let mut vote = MessageSpec::new(MsgKind::Vote, 4);
        (vote.log_term, vote.index, vote.transfer) = (3, 7, true);
        let mut snap = MessageSpec::new(MsgKind::Snap, 2);
        (snap.index, snap.log_term) = (11, 2);
        let mut specs = vec![app, resp, vote, snap];
        specs.extend(MsgKind::ALL.map(|k| MessageSpec::new(k, 1)));
        for spec in specs {
            let m = spec.to_message(1, 2);
            assert_eq!((m.from, m.to, m.kind()), (1, 2, spec.kind));
            assert_eq!(MessageSpec::of(&m), spec);
        }
        let m = MessageSpec::new(MsgKind::App, 3);
        assert_eq!(m.to_string(), "MsgApp term 3");
    }

    #[test]
    fn written_with_the_fields_that_are_set() {
        let mut app = MessageSpec::new(MsgKind::App, 3);
        (app.log_term, app.index, app.entries, app.commit) = (2, 5, vec![3, 3], 4);
        assert_eq!(
            app.to_string(),
            "MsgApp term 3 logterm 2 index 5 entries 3 3 commit 4"
        );
        let entries = match app.to_message(1, 2).body {
            Body::App { entries, .. } => entries,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            entries
                .iter()
                .map(|e| (e.index, e.term))
                .collect::<Vec<_>>(),
            [(6, 3), (7, 3)]
        );
        let mut resp = MessageSpec::new(MsgKind::AppResp, 2);
        (resp.index, resp.reject, resp.hint, resp.log_term) = (2, true, 1, 1);
        assert_eq!(
            resp.to_string(),
            "MsgAppResp term 2 logterm 1 index 2 reject hint 1"
        );
        let mut granted = MessageSpec::new(MsgKind::VoteResp, 2);
        assert_eq!(granted.to_string(), "MsgVoteResp term 2");
        granted.reject = true;
        assert_eq!(granted.to_string(), "MsgVoteResp term 2 reject");
    }
}
