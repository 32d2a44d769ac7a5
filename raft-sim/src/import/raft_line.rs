//! etcd raft's log messages (raft.go's formats, and the node-level `raft.node:` lines) read
//! back into the core's own events (`raft_core::event`), whose Display writes them: one
//! vocabulary both ways. A line this does not know is `None`, to be counted and listed by
//! the caller; nothing here panics on any text.
//!
//! etcd prints node ids in hex (`%x`); the simulator's own log prints them in decimal (the
//! two agree below 10): the caller says which.

use raft_core::event::{DropReason, Event, VoteDecision, What};
use raft_core::message::MsgKind;
use raft_core::tracker::Configuration;
use raft_core::types::{ConfState, NodeId, Role};
use raft_core::why::{LogPos, Why};

/// How node ids are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ids {
    /// etcd's `%x`.
    Hex,
    /// The simulator's own log.
    Decimal,
}

/// One captured field of a pattern.
#[derive(Clone, Copy, Debug)]
enum Cap<'a> {
    Id(NodeId),
    Num(u64),
    Kind(MsgKind),
    Word(&'a str),
}

/// The most fields a pattern captures (the vote answer's 11).
const MAX_CAPS: usize = 12;

/// A pattern's captures, each with the byte range of its field in the text. Kept in an
/// array: the reader tries many patterns on every line of a large file, and most fail after
/// their first field.
struct Caps<'a> {
    caps: [Cap<'a>; MAX_CAPS],
    at: [(usize, usize); MAX_CAPS],
    n: usize,
}

impl<'a> std::ops::Deref for Caps<'a> {
    type Target = [Cap<'a>];
    fn deref(&self) -> &[Cap<'a>] {
        &self.caps[..self.n]
    }
}

/// Matches `text` against `pattern`, where `{x}` is a node id, `{d}` a decimal number,
/// `{k}` a message type (MsgVote), `{w}` a word (no spaces), `{*}` any text up to what
/// follows in the pattern; anything else must be there as written. All of `text` must be
/// used.
fn scan<'a>(text: &'a str, pattern: &str, ids: Ids) -> Option<Caps<'a>> {
    let mut caps = Caps {
        caps: [Cap::Num(0); MAX_CAPS],
        at: [(0, 0); MAX_CAPS],
        n: 0,
    };
    let mut t = text;
    let mut p = pattern;
    while !p.is_empty() {
        if let Some(rest) = p.strip_prefix('{') {
            let (spec, rest) = rest.split_once('}')?;
            p = rest;
            // The field runs to the next literal character of the pattern (or the end).
            let stop = p.chars().next();
            let end = match stop {
                Some(c) => t.find(c).unwrap_or(t.len()),
                None => t.len(),
            };
            let field = &t[..end];
            if spec != "*" && (field.is_empty() || field.contains(' ')) {
                return None;
            }
            if caps.n == MAX_CAPS {
                return None;
            }
            let start = text.len() - t.len();
            caps.at[caps.n] = (start, start + end);
            caps.caps[caps.n] = match spec {
                "x" => Cap::Id(read_id(field, ids)?),
                "d" => Cap::Num(field.parse().ok()?),
                "k" => Cap::Kind(MsgKind::from_name(field)?),
                _ => Cap::Word(field),
            };
            caps.n += 1;
            t = &t[end..];
        } else {
            let lit_end = p.find('{').unwrap_or(p.len());
            let lit = &p[..lit_end];
            t = t.strip_prefix(lit)?;
            p = &p[lit_end..];
        }
    }
    t.is_empty().then_some(caps)
}

/// One node id as `ids` writes it.
fn read_id(field: &str, ids: Ids) -> Option<NodeId> {
    match ids {
        Ids::Hex => NodeId::from_str_radix(field, 16).ok(),
        Ids::Decimal => field.parse().ok(),
    }
}

fn id(c: &Cap) -> NodeId {
    match *c {
        Cap::Id(x) | Cap::Num(x) => x,
        _ => 0,
    }
}

fn num(c: &Cap) -> u64 {
    id(c)
}

fn kind(c: &Cap) -> MsgKind {
    match *c {
        Cap::Kind(k) => k,
        _ => MsgKind::Vote,
    }
}

fn role(word: &str) -> Option<Role> {
    Some(match word {
        "follower" => Role::Follower,
        "pre-candidate" => Role::PreCandidate,
        "candidate" => Role::Candidate,
        "leader" => Role::Leader,
        _ => return None,
    })
}

/// What a pattern's captures make: the event's `What` (the logging node is always the
/// first capture; a list of ids is read in the line's base).
type Make = fn(&[Cap], Ids) -> Option<What>;

/// etcd raft's messages this reads, each with what its captures make. (The vote answers,
/// whose wording depends on the decision, are `vote_answer`.)
const LINES: &[(&str, Make)] = &[
    ("raft.node: {x} elected leader {x} at term {d}", |c, _| {
        Some(What::LeaderChanged { old: 0, new: id(&c[1]), term: num(&c[2]) })
    }),
    ("raft.node: {x} lost leader {x} at term {d}", |c, _| {
        Some(What::LeaderChanged { old: id(&c[1]), new: 0, term: num(&c[2]) })
    }),
    ("raft.node: {x} changed leader from {x} to {x} at term {d}", |c, _| {
        Some(What::LeaderChanged { old: id(&c[1]), new: id(&c[2]), term: num(&c[3]) })
    }),
    ("{x} became {w} at term {d}", |c, _| {
        Some(What::Became { role: role(word(&c[1]))?, term: num(&c[2]) })
    }),
    ("{x} is starting a new election at term {d}", |c, _| {
        Some(What::StartingElection { term: num(&c[1]) })
    }),
    ("{x} [logterm: {d}, index: {d}] sent {k} request to {x} at term {d}", |c, _| {
        Some(What::SentVoteRequest {
            kind: kind(&c[3]),
            log_term: num(&c[1]),
            index: num(&c[2]),
            to: id(&c[4]),
            term: num(&c[5]),
        })
    }),
    ("{x} received {k} rejection from {x} at term {d}", |c, _| {
        Some(What::ReceivedVoteResponse { kind: kind(&c[1]), from: id(&c[2]), term: num(&c[3]), reject: true })
    }),
    ("{x} received {k} from {x} at term {d}", |c, _| {
        Some(What::ReceivedVoteResponse { kind: kind(&c[1]), from: id(&c[2]), term: num(&c[3]), reject: false })
    }),
    ("{x} [quorum:{d}] has received {d} {k} votes and {d} vote rejections", |c, _| {
        Some(What::VoteTally {
            quorum: Some(num(&c[1]) as usize),
            kind: kind(&c[3]),
            granted: num(&c[2]) as usize,
            rejected: num(&c[4]) as usize,
        })
    }),
    // etcd 3.4 and later (the quorum package) no longer write the quorum.
    ("{x} has received {d} {k} votes and {d} vote rejections", |c, _| {
        Some(What::VoteTally {
            quorum: None,
            kind: kind(&c[2]),
            granted: num(&c[1]) as usize,
            rejected: num(&c[3]) as usize,
        })
    }),
    ("{x} [term: {d}] received a {k} message with higher term from {x} [term: {d}]", |c, _| {
        Some(What::HigherTerm { term: num(&c[1]), kind: kind(&c[2]), from: id(&c[3]), msg_term: num(&c[4]) })
    }),
    ("{x} [term: {d}] ignored a {k} message with lower term from {x} [term: {d}]", |c, _| {
        Some(What::IgnoredLowerTerm { term: num(&c[1]), kind: kind(&c[2]), from: id(&c[3]), msg_term: num(&c[4]) })
    }),
    ("{x} stepped down to follower since quorum is not active", |_, _| Some(What::SteppedDownQuorumInactive)),
    ("{x} is unpromotable and can not campaign", |_, _| Some(What::Unpromotable)),
    ("{x} cannot campaign at term {d} since there are still pending configuration changes to apply", |c, _| {
        Some(What::CannotCampaignPendingConf { term: num(&c[1]) })
    }),
    // Proposals and commitment.
    ("{x} no leader at term {d}; dropping proposal", |c, _| {
        Some(What::DroppedProposal { term: num(&c[1]), reason: DropReason::NoLeader })
    }),
    ("{x} [term {d}] transfer leadership to {x} is in progress; dropping proposal", |c, _| {
        Some(What::DroppedProposal { term: num(&c[1]), reason: DropReason::Transferring { to: id(&c[2]) } })
    }),
    ("{x} [term {d}] is leaving the configuration; dropping proposal", |c, _| {
        Some(What::DroppedProposal { term: num(&c[1]), reason: DropReason::Leaving })
    }),
    ("{x} [term {d}] appended proposal at index {d}", |c, _| {
        Some(What::ProposalAppended { term: num(&c[1]), first: num(&c[2]), last: num(&c[2]) })
    }),
    ("{x} [term {d}] appended proposals at index {d}..{d}", |c, _| {
        Some(What::ProposalAppended { term: num(&c[1]), first: num(&c[2]), last: num(&c[3]) })
    }),
    ("{x} [term {d}] committed up to index {d}", |c, _| {
        Some(What::Committed { term: num(&c[1]), index: num(&c[2]) })
    }),
    ("{x} [term {d}] cannot commit index {d} yet: it is from term {d}", |c, _| {
        Some(What::CommitHeld { term: num(&c[1]), index: num(&c[2]), entry_term: num(&c[3]) })
    }),
    // Replication and snapshots.
    ("newRaft {x} [peers: [{*}], term: {d}, commit: {d}, applied: {d}, lastindex: {d}, lastterm: {d}]", |c, ids| {
        Some(What::NewRaft {
            peers: ids_list(word(&c[1]), ids)?,
            term: num(&c[2]),
            commit: num(&c[3]),
            applied: num(&c[4]),
            last_index: num(&c[5]),
            last_term: num(&c[6]),
        })
    }),
    ("{x} [logterm: {d}, index: {d}] rejected MsgApp [logterm: {d}, index: {d}] from {x}", |c, _| {
        Some(What::RejectedApp {
            log_term: num(&c[1]),
            index: num(&c[2]),
            msg_log_term: num(&c[3]),
            msg_index: num(&c[4]),
            from: id(&c[5]),
        })
    }),
    ("{x} found conflict at index {d} [existing term: {d}, conflicting term: {d}]", |c, _| {
        Some(What::FoundConflict { index: num(&c[1]), existing_term: num(&c[2]), conflicting_term: num(&c[3]) })
    }),
    ("{x} received MsgAppResp(rejected, hint: (index {d}, term {d})) from {x} for index {d}", |c, _| {
        Some(What::ReceivedAppRejection { hint_index: num(&c[1]), hint_term: num(&c[2]), from: id(&c[3]), index: num(&c[4]) })
    }),
    ("{x} decreased progress of {x} to [{*}]", |c, _| {
        Some(What::DecreasedProgress { to: id(&c[1]), progress: word(&c[2]).to_string() })
    }),
    ("{x} [firstindex: {d}, commit: {d}] sent snapshot[index: {d}, term: {d}] to {x} [{*}]", |c, _| {
        Some(What::SentSnapshot {
            first_index: num(&c[1]),
            commit: num(&c[2]),
            index: num(&c[3]),
            term: num(&c[4]),
            to: id(&c[5]),
            progress: word(&c[6]).to_string(),
        })
    }),
    ("{x} [commit: {d}] restored snapshot [index: {d}, term: {d}]", |c, _| {
        Some(What::RestoredSnapshot { commit: num(&c[1]), index: num(&c[2]), term: num(&c[3]) })
    }),
    ("{x} [commit: {d}] ignored snapshot [index: {d}, term: {d}]", |c, _| {
        Some(What::IgnoredSnapshot { commit: num(&c[1]), index: num(&c[2]), term: num(&c[3]) })
    }),
    ("{x} compacted log up to index {d} [term: {d}]", |c, _| {
        Some(What::Compacted { index: num(&c[1]), term: num(&c[2]) })
    }),
    // Leadership transfer.
    ("{x} [term {d}] starts to transfer leadership to {x}", |c, _| {
        Some(What::TransferStarting { term: num(&c[1]), to: id(&c[2]) })
    }),
    ("{x} sends MsgTimeoutNow to {x} immediately as {x} already has up-to-date log", |c, _| {
        Some(What::TransferImmediate { to: id(&c[1]) })
    }),
    ("{x} sent MsgTimeoutNow to {x} after received MsgAppResp", |c, _| {
        Some(What::TransferAfterCatchUp { to: id(&c[1]) })
    }),
    ("{x} [term {d}] leadership transfer to {x} timed out after an election timeout", |c, _| {
        Some(What::TransferTimedOut { term: num(&c[1]), to: id(&c[2]) })
    }),
    ("{x} [term {d}] abort previous transferring leadership to {x}", |c, _| {
        Some(What::TransferAborted { term: num(&c[1]), to: id(&c[2]) })
    }),
    ("{x} [term {d}] is no longer a voter; hands leadership to {x} before stepping down", |c, _| {
        Some(What::TransferOnRemoval { term: num(&c[1]), to: id(&c[2]) })
    }),
    ("{x} is already leader. Ignored transferring leadership to self", |_, _| Some(What::TransferIgnoredSelf)),
    ("{x} [term {d}] transfer leadership to {x} is in progress, ignores request to same node {x}", |c, _| {
        Some(What::TransferIgnoredInProgress { term: num(&c[1]), to: id(&c[2]) })
    }),
    ("{x} [term {d}] received MsgTimeoutNow from {x} and starts an election to get leadership.", |c, _| {
        Some(What::TimeoutNowReceived { term: num(&c[1]), from: id(&c[2]) })
    }),
    // Configuration changes (the ids of a configuration: see `configuration`).
    ("{x} switched to configuration {*}", |c, ids| {
        Some(What::SwitchedConfig { config: configuration(word(&c[1]), id(&c[0]), ids)? })
    }),
    ("{x} initiating automatic transition out of joint configuration {*}", |c, ids| {
        Some(What::AutoLeaveJoint { config: configuration(word(&c[1]), id(&c[0]), ids)? })
    }),
];

/// etcd raft's messages that name no node (written by its log, or about the whole
/// configuration): read only where the line's node is known otherwise (`parse_from`).
/// The simulator writes them with the node first, as its other lines (read by `LINES`).
const NAMELESS: &[(&str, NamelessMake)] = &[
    (
        "found conflict at index {d} [existing term: {d}, conflicting term: {d}]",
        |c, _, _| {
            Some(What::FoundConflict {
                index: num(&c[0]),
                existing_term: num(&c[1]),
                conflicting_term: num(&c[2]),
            })
        },
    ),
    (
        "initiating automatic transition out of joint configuration {*}",
        |c, ids, node| {
            Some(What::AutoLeaveJoint {
                config: configuration(word(&c[0]), node, ids)?,
            })
        },
    ),
];

type NamelessMake = fn(&[Cap], Ids, NodeId) -> Option<What>;

/// `parse`, and where the line names no node (etcd writes a few so), read as node
/// `node`'s when that is known: a Fabric line's `node=`, or the one node a file's other
/// lines name.
pub fn parse_from(text: &str, ids: Ids, node: Option<NodeId>) -> Option<Event> {
    if let Some(e) = parse(text, ids) {
        return Some(e);
    }
    let node = node?;
    let text = text.trim();
    NAMELESS.iter().find_map(|(pattern, make)| {
        let c = scan(text, pattern, ids)?;
        Some(Event {
            node,
            what: make(&c, ids, node)?,
            why: None,
        })
    })
}

/// The event a raft log message states, or None when it is not one this reads.
pub fn parse(text: &str, ids: Ids) -> Option<Event> {
    let text = text.trim();
    if let Some(e) = vote_answer(text, ids) {
        return Some(e);
    }
    if let Some(e) = ignored_conf_change(text, ids) {
        return Some(e);
    }
    LINES.iter().find_map(|(pattern, make)| {
        let c = scan(text, pattern, ids)?;
        Some(Event {
            node: id(&c[0]),
            what: make(&c, ids)?,
            why: None,
        })
    })
}

/// The line with its node ids rewritten from `from`'s base to `to`'s (the simulator's
/// decimal to etcd's hex), by the same table that reads it: every `{x}` field, a `newRaft`
/// peer list and a configuration's ids. None when the line is not one this reads.
pub fn rewrite_ids(text: &str, from: Ids, to: Ids) -> Option<String> {
    let text = text.trim();
    let event = parse(text, from)?;
    let write = |n: NodeId| match to {
        Ids::Hex => format!("{n:x}"),
        Ids::Decimal => n.to_string(),
    };
    if let What::SwitchedConfig { config } | What::AutoLeaveJoint { config } = &event.what {
        let (head, _) = text.split_at(text.find(' ')?);
        let rest = &text[head.len()..];
        let k = rest.find("voters=")?;
        return Some(format!(
            "{}{}{}",
            write(event.node),
            &rest[..k],
            describe_config(config, write)
        ));
    }
    if let What::IgnoredConfChange { .. } = &event.what {
        // Its change and configuration are free text: only the node is rewritten.
        let (_, rest) = text.split_once(' ')?;
        return Some(format!("{} {rest}", write(event.node)));
    }
    let caps = if let Some(head) = text.split_once(": lease is not expired").map(|(h, _)| h) {
        scan(head, VOTE_ANSWER, from)?
    } else {
        match scan(text, VOTE_ANSWER, from) {
            Some(c) => c,
            None => LINES.iter().find_map(|(p, make)| {
                let c = scan(text, p, from)?;
                make(&c, from).map(|_| c)
            })?,
        }
    };
    let mut out = String::with_capacity(text.len() + 8);
    let mut last = 0;
    for (cap, &(a, b)) in caps.iter().zip(&caps.at[..caps.n]) {
        out.push_str(&text[last..a]);
        match cap {
            Cap::Id(n) => out.push_str(&write(*n)),
            // newRaft's peers, comma-separated.
            Cap::Word(w) if text.starts_with("newRaft ") && !w.contains(' ') && !w.is_empty() => {
                let list: Option<Vec<String>> =
                    w.split(',').map(|p| read_id(p, from).map(write)).collect();
                out.push_str(&list?.join(","));
            }
            _ => out.push_str(&text[a..b]),
        }
        last = b;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// A configuration in etcd's words, its ids written by `write`.
pub(crate) fn describe_config(cfg: &Configuration, write: impl Fn(NodeId) -> String) -> String {
    let list = |ids: &mut dyn Iterator<Item = NodeId>| {
        let v: Vec<String> = ids.map(&write).collect();
        format!("({})", v.join(" "))
    };
    let mut s = format!("voters={}", list(&mut cfg.voters.incoming().ids()));
    if cfg.voters.is_joint() {
        s.push_str("&&");
        s.push_str(&list(&mut cfg.voters.outgoing().ids()));
    }
    if !cfg.learners.is_empty() {
        s.push_str(" learners=");
        s.push_str(&list(&mut cfg.learners.iter()));
    }
    if !cfg.learners_next.is_empty() {
        s.push_str(" learners_next=");
        s.push_str(&list(&mut cfg.learners_next.iter()));
    }
    if cfg.auto_leave {
        s.push_str(" autoleave");
    }
    s
}

/// etcd's configuration string, `voters=(1 2 3)&&(1 2) learners=(4) learners_next=(2)
/// autoleave`, whose ids etcd wrote in decimal until 2024 and in hex since (etcd-io/raft's
/// "Align formatting of node ID in MajorityConfig"). With `Ids::Hex` the base is the one in
/// which the configuration holds the logging node `me`, hex when both (or neither) do: the
/// two agree below 10, Fabric's ids.
fn configuration(text: &str, me: NodeId, ids: Ids) -> Option<Configuration> {
    let read = |base: Ids| config_in(text, base);
    match ids {
        Ids::Decimal => read(Ids::Decimal),
        Ids::Hex => match (read(Ids::Hex), read(Ids::Decimal)) {
            (Some(h), Some(d)) if !holds(&h, me) && holds(&d, me) => Some(d),
            (Some(h), _) => Some(h),
            (None, d) => d,
        },
    }
}

fn holds(cfg: &Configuration, n: NodeId) -> bool {
    cfg.voters.incoming().ids().any(|v| v == n)
        || cfg.voters.outgoing().ids().any(|v| v == n)
        || cfg.learners.iter().any(|v| v == n)
}

fn config_in(text: &str, ids: Ids) -> Option<Configuration> {
    let list = |s: &str| -> Option<Vec<NodeId>> {
        let inner = s.strip_prefix('(')?.strip_suffix(')')?;
        inner
            .split(' ')
            .filter(|p| !p.is_empty())
            .map(|p| read_id(p, ids))
            .collect()
    };
    let mut cs = ConfState::default();
    // Fields are separated by spaces outside the parentheses.
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0i32, 0);
    let text = text.trim();
    for (k, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ' ' if depth == 0 => {
                parts.push(&text[from..k]);
                from = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[from..]);
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        if let Some(v) = part.strip_prefix("voters=") {
            match v.split_once("&&") {
                Some((a, b)) => {
                    cs.voters = list(a)?;
                    cs.voters_outgoing = list(b)?;
                }
                None => cs.voters = list(v)?,
            }
        } else if let Some(v) = part.strip_prefix("learners=") {
            cs.learners = list(v)?;
        } else if let Some(v) = part.strip_prefix("learners_next=") {
            cs.learners_next = list(v)?;
        } else if part == "autoleave" {
            cs.auto_leave = true;
        } else {
            return None;
        }
    }
    Some(Configuration::from_conf_state(&cs))
}

/// `%x ignoring conf change %s at config %s: %s` (the change and the reason are free text;
/// the simulator writes the change in braces).
fn ignored_conf_change(text: &str, ids: Ids) -> Option<Event> {
    let (node, rest) = text.split_once(" ignoring conf change ")?;
    let node = read_id(node, ids)?;
    let (change, rest) = rest.split_once(" at config ")?;
    let (config, reason) = rest.split_once(": ")?;
    let change = change
        .strip_prefix('{')
        .and_then(|c| c.strip_suffix('}'))
        .unwrap_or(change);
    Some(Event {
        node,
        what: What::IgnoredConfChange {
            change: change.to_string(),
            config: configuration(config, node, ids)?,
            reason: reason.to_string(),
        },
        why: None,
    })
}

fn word<'a>(c: &Cap<'a>) -> &'a str {
    match *c {
        Cap::Word(w) => w,
        _ => "",
    }
}

/// A comma-separated list of node ids (`newRaft`'s peers), possibly empty.
fn ids_list(list: &str, ids: Ids) -> Option<Vec<NodeId>> {
    list.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| read_id(p, ids))
        .collect()
}

const VOTE_ANSWER: &str = "{x} [logterm: {d}, index: {d}, vote: {x}] {w} {k} {w} {x} [logterm: {d}, index: {d}] at term {d}";

/// `%x [logterm: %d, index: %d, vote: %x] cast|rejected|ignored %s for|from %x [logterm:
/// %d, index: %d] at term %d[: lease is not expired (remaining ticks: %d)]`.
fn vote_answer(text: &str, ids: Ids) -> Option<Event> {
    let (head, lease) = match text.split_once(": lease is not expired (remaining ticks: ") {
        Some((h, rest)) => (h, Some(rest.strip_suffix(')')?.parse::<u64>().ok()?)),
        None => (text, None),
    };
    let c = scan(head, VOTE_ANSWER, ids)?;
    let (Cap::Word(verb), Cap::Word(prep)) = (c[4], c[6]) else {
        return None;
    };
    let decision = match (verb, prep, lease) {
        ("cast", "for", None) => VoteDecision::Cast,
        ("rejected", "from", None) => VoteDecision::Rejected,
        ("ignored", "from", Some(remaining_ticks)) => {
            VoteDecision::IgnoredInLease { remaining_ticks }
        }
        _ => return None,
    };
    let what = What::VoteRequestAnswered {
        decision,
        log_term: num(&c[1]),
        index: num(&c[2]),
        vote: id(&c[3]),
        kind: kind(&c[5]),
        candidate: id(&c[7]),
        candidate_log_term: num(&c[8]),
        candidate_index: num(&c[9]),
        term: num(&c[10]),
    };
    let why = refusal(&what);
    Some(Event {
        node: id(&c[0]),
        what,
        why,
    })
}

/// The rule behind a refused vote, where the line tells it: the election restriction
/// (the candidate's log behind the voter's, both in the line) or a vote already cast in
/// the term. A vote ignored in a lease names no leader in etcd's line: no reason is made up.
/// Nor for a pre-vote refused with a log up to date: etcd refuses one asking about an older
/// term, and one asking about the voter's own term in which it voted or follows a leader,
/// and its line gives the voter's term, not the one asked about, so which it was is unknown.
fn refusal(what: &What) -> Option<Why> {
    let What::VoteRequestAnswered {
        decision: VoteDecision::Rejected,
        log_term,
        index,
        vote,
        kind,
        candidate,
        candidate_log_term,
        candidate_index,
        term,
    } = *what
    else {
        return None;
    };
    let pre = kind == MsgKind::PreVote;
    let mine = LogPos {
        term: log_term,
        index,
    };
    let theirs = LogPos {
        term: candidate_log_term,
        index: candidate_index,
    };
    if !theirs.at_least_as_up_to_date_as(mine) {
        Some(Why::LogBehind {
            candidate: theirs,
            mine,
            pre,
        })
    } else if !pre && vote != 0 && vote != candidate {
        Some(Why::AlreadyVoted {
            term,
            vote,
            pre: false,
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference file's real election, as etcd logged it (and the tally as etcd 3.4 and
    /// later write it, without the quorum).
    const ELECTION: &str = "3 is starting a new election at term 1
3 became pre-candidate at term 1
3 received MsgPreVoteResp from 3 at term 1
3 [logterm: 1, index: 5] sent MsgPreVote request to 1 at term 1
3 received MsgPreVoteResp from 5 at term 1
3 [quorum:3] has received 2 MsgPreVoteResp votes and 0 vote rejections
3 became candidate at term 2
3 received MsgVoteResp from 4 at term 2
3 has received 2 MsgVoteResp votes and 0 vote rejections
3 became leader at term 2
raft.node: 3 elected leader 3 at term 2
2 [logterm: 5, index: 13, vote: 0] rejected MsgPreVote from 3 [logterm: 4, index: 12] at term 5
2 [logterm: 2, index: 7, vote: 0] ignored MsgPreVote from 3 [logterm: 2, index: 7] at term 2: lease is not expired (remaining ticks: 10)
3 became follower at term 5
raft.node: 3 elected leader 1 at term 5";

    #[test]
    fn every_line_reads_back_to_the_same_words() {
        // The inverse of event.rs's Display: read, then written, each line is itself.
        for line in ELECTION.lines() {
            let e = parse(line, Ids::Hex).unwrap_or_else(|| panic!("not read: {line}"));
            assert_eq!(e.to_string(), line);
        }
    }

    #[test]
    fn ids_are_hex_in_etcd_and_decimal_in_the_simulator() {
        let e = parse("8e9e05c52164694d became leader at term 2", Ids::Hex).unwrap();
        assert_eq!(e.node, 0x8e9e_05c5_2164_694d);
        assert_eq!(
            parse("a became leader at term 2", Ids::Hex).unwrap().node,
            10
        );
        assert_eq!(
            parse("10 became leader at term 2", Ids::Decimal)
                .unwrap()
                .node,
            10
        );
        assert!(parse("a became leader at term 2", Ids::Decimal).is_none());
    }

    #[test]
    fn lines_it_does_not_know_are_none_never_a_panic() {
        for line in [
            "",
            "3 became emperor at term 2",
            "3 became leader at term two",
            "raft.node: 3 elected",
            "applying snapshot at index 5",
            "3 [logterm: 1, index: 5, vote: 0] cast MsgVote from 3 [logterm: 1, index: 5] at term 2",
            "x: lease is not expired (remaining ticks: )",
        ] {
            assert!(parse(line, Ids::Hex).is_none(), "{line}");
        }
        // Every prefix of every known line.
        for line in ELECTION.lines() {
            for k in 0..line.len() {
                let _ = parse(&line[..k], Ids::Hex);
            }
        }
    }

    #[test]
    fn configuration_lines_read_in_either_base_etcd_used() {
        let e = parse(
            "c switched to configuration voters=(a b c) learners=(d)",
            Ids::Hex,
        )
        .unwrap();
        let What::SwitchedConfig { config } = &e.what else {
            panic!("{e:?}")
        };
        assert_eq!(e.node, 12);
        assert_eq!(config.to_string(), "voters=(10 11 12) learners=(13)");
        // etcd before 2024 wrote a configuration's ids in decimal: read so when only that
        // reading holds the logging node.
        let big = "8e9e05c52164694d switched to configuration voters=(10276657743932975437)";
        let e = parse(big, Ids::Hex).unwrap();
        assert_eq!(e.node, 0x8e9e_05c5_2164_694d);
        let What::SwitchedConfig { config } = &e.what else {
            panic!("{e:?}")
        };
        assert_eq!(config.to_string(), "voters=(10276657743932975437)");
        let joint = "1 switched to configuration voters=(1 2 3)&&(1 2) learners_next=(4) autoleave";
        assert_eq!(parse(joint, Ids::Hex).unwrap().to_string(), joint);
        let ignored = "1 ignoring conf change {v4} at config voters=(1 2 3): possible unapplied conf change at index 7 (applied to 5)";
        assert_eq!(parse(ignored, Ids::Hex).unwrap().to_string(), ignored);
    }

    #[test]
    fn ids_are_rewritten_from_decimal_to_hex_by_the_same_table() {
        for (decimal, hex) in [
            ("12 became leader at term 3", "c became leader at term 3"),
            (
                "10 [logterm: 1, index: 5] sent MsgVote request to 11 at term 2",
                "a [logterm: 1, index: 5] sent MsgVote request to b at term 2",
            ),
            (
                "11 [logterm: 2, index: 7, vote: 10] ignored MsgPreVote from 12 [logterm: 2, index: 7] at term 2: lease is not expired (remaining ticks: 10)",
                "b [logterm: 2, index: 7, vote: a] ignored MsgPreVote from c [logterm: 2, index: 7] at term 2: lease is not expired (remaining ticks: 10)",
            ),
            (
                "newRaft 10 [peers: [9,10,11], term: 0, commit: 0, applied: 0, lastindex: 0, lastterm: 0]",
                "newRaft a [peers: [9,a,b], term: 0, commit: 0, applied: 0, lastindex: 0, lastterm: 0]",
            ),
            (
                "raft.node: 10 changed leader from 11 to 12 at term 4",
                "raft.node: a changed leader from b to c at term 4",
            ),
            (
                "10 switched to configuration voters=(10 11)&&(10) learners=(12)",
                "a switched to configuration voters=(a b)&&(a) learners=(c)",
            ),
        ] {
            assert_eq!(rewrite_ids(decimal, Ids::Decimal, Ids::Hex).as_deref(), Some(hex));
            assert_eq!(rewrite_ids(hex, Ids::Hex, Ids::Decimal).as_deref(), Some(decimal));
        }
        assert_eq!(rewrite_ids("no such line", Ids::Decimal, Ids::Hex), None);
    }

    #[test]
    fn a_refused_vote_carries_the_rule_its_line_tells() {
        let behind = "2 [logterm: 2, index: 5, vote: 1] rejected MsgPreVote from 3 [logterm: 1, index: 2] at term 2";
        let e = parse(behind, Ids::Hex).unwrap();
        let want = Why::LogBehind {
            candidate: LogPos { term: 1, index: 2 },
            mine: LogPos { term: 2, index: 5 },
            pre: true,
        };
        assert_eq!(e.why, Some(want));
        let voted = "2 [logterm: 1, index: 2, vote: 1] rejected MsgVote from 3 [logterm: 1, index: 2] at term 2";
        let e = parse(voted, Ids::Hex).unwrap();
        assert_eq!(
            e.why,
            Some(Why::AlreadyVoted {
                term: 2,
                vote: 1,
                pre: false
            })
        );
        // A pre-vote refused with a log up to date: an older term asked about, or a vote
        // cast in the voter's own; the line does not say which.
        let pre = "2 [logterm: 1, index: 2, vote: 1] rejected MsgPreVote from 3 [logterm: 1, index: 2] at term 2";
        assert_eq!(parse(pre, Ids::Hex).unwrap().why, None);
        let cast =
            "2 [logterm: 1, index: 2, vote: 0] cast MsgVote for 3 [logterm: 1, index: 2] at term 2";
        assert_eq!(parse(cast, Ids::Hex).unwrap().why, None);
    }
}
