//! What the page's space-time diagram draws for a window of time: one plain value per call,
//! built from the cluster's `History` (raft-sim's history.rs), so the diagram view reads
//! the same records the native SVG and Mermaid exports do.

use raft_core::types::NodeId;
use raft_core::why::Why;
use raft_sim::diagram::Window;
use raft_sim::history::{End, History, LaneState, MomentKind};
use raft_sim::Cluster;
use serde::Serialize;

/// A window of the run: lanes and the messages sent in it. Times and ids are whole numbers
/// (microseconds; -1 for "not yet"), written as integers: as floats, formatting them was a
/// quarter of the view's cost.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagramView {
    /// The window, in microseconds of simulated time: `[from, to)`.
    pub from: f64,
    pub to: f64,
    /// The cluster's clock.
    pub now: f64,
    /// The earliest time the history still holds everything from (older records were
    /// dropped to keep its memory bounded).
    pub complete_from: f64,
    pub lanes: Vec<LaneView>,
    /// [id, kind, from, to, term, sent, due, end, ended at (-1: in flight)], send order.
    /// `end`: delivered, lost, cut, down (its destination), dropped (by hand), flight.
    pub messages: Vec<MessageRow>,
    /// [message id, the rule behind that answer (its position in `why_texts`)] for the
    /// answers among `messages`.
    pub why: Vec<(u64, u32)>,
    /// The rules' texts, each once: a window holds hundreds of answers and a few dozen
    /// different reasons ("one vote per term: already voted for 4 in term 1 …"), and
    /// written out each time they were two fifths of the view's text.
    pub why_texts: Vec<String>,
}

/// [id, kind, from, to, term, sent, due, end, ended at] (see `DiagramView::messages`).
pub type MessageRow = (
    u64,
    &'static str,
    u64,
    u64,
    u64,
    u64,
    u64,
    &'static str,
    i64,
);

#[derive(Serialize)]
pub struct LaneView {
    pub node: u64,
    /// [from, until (-1: still so), state, term]: state follower, pre-candidate,
    /// candidate, leader or down (term 0).
    pub spans: Vec<(u64, i64, &'static str, u64)>,
    /// [at, commit index].
    pub commits: Vec<(u64, u64)>,
    /// [at, crashed | restarted | joined].
    pub moments: Vec<(u64, &'static str)>,
}

fn moment_word(m: MomentKind) -> &'static str {
    match m {
        MomentKind::Crashed => "crashed",
        MomentKind::Restarted => "restarted",
        MomentKind::Joined => "joined",
    }
}

/// The diagram of `window` of `c`'s history.
pub fn diagram(c: &Cluster, window: Window) -> DiagramView {
    view(c.history(), c.now(), window)
}

/// The diagram of `window` of history `h` whose clock reads `now` (a run's, or imported
/// logs' last time).
pub fn view(h: &History, now: u64, window: Window) -> DiagramView {
    let (t0, t1) = (window.from, window.to);
    let lanes = (1..=h.lanes() as NodeId)
        .map(|node| LaneView {
            node,
            spans: h
                .spans(node, t0, t1)
                .map(|s| {
                    let (state, term) = match s.state {
                        LaneState::Up { role, term } => (role.as_str(), term),
                        LaneState::Down => ("down", 0),
                    };
                    let until = s.until.map_or(-1, |u| u as i64);
                    (s.from, until, state, term)
                })
                .collect(),
            commits: h.commits(node, t0, t1).map(|a| (a.at, a.index)).collect(),
            moments: h
                .moments(node, t0, t1)
                .map(|m| (m.at, moment_word(m.what)))
                .collect(),
        })
        .collect();
    let mut why = Vec::new();
    let mut reasons: Vec<&Why> = Vec::new();
    let messages = h
        .messages(t0, t1)
        .map(|m| {
            if let Some(w) = h.why(m.id) {
                // A window has a few dozen different reasons: a search among them is enough
                // (a map cost the page's wasm 14 KiB), and each is written out once.
                let at = match reasons.iter().rposition(|r| *r == w) {
                    Some(at) => at,
                    None => {
                        reasons.push(w);
                        reasons.len() - 1
                    }
                };
                why.push((m.id, at as u32));
            }
            // A receipt not in imported lines: drawn to when it was due.
            let ended = match m.end {
                End::Unlogged => m.due_at as i64,
                end => end.at().map_or(-1, |t| t as i64),
            };
            (
                m.id,
                m.kind.name(),
                m.from,
                m.to,
                m.term,
                m.sent_at,
                m.due_at,
                m.end.key(),
                ended,
            )
        })
        .collect();
    DiagramView {
        from: t0 as f64,
        to: t1 as f64,
        now: now as f64,
        complete_from: h.complete_from() as f64,
        lanes,
        messages,
        why,
        why_texts: reasons.iter().map(|r| r.to_string()).collect(),
    }
}
