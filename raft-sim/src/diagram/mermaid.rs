//! Mermaid `sequenceDiagram` text of a window: a participant per node, one arrow line per
//! message sent in the window, and notes where a node changes role, crashes, restarts or
//! joins, all in time order.
//!
//! Mermaid has no time axis, so order is all it shows: each line sits at its moment (an
//! arrow at its send), and at one instant in the order the simulator acted (a role change
//! comes after the messages sent before it: a node that becomes candidate does so before it
//! sends its votes, and leader only after the answers). Arrows: `->>` delivered, `-x` lost, cut, sent to a down node or dropped by hand
//! (the label says which), `-)` still in flight at the window's end (or, read from logs, an
//! arrow whose receipt is not in the lines).

use super::{is_role_change, seconds, state_label, Window};
use crate::history::{End, History, MessageRecord, MomentKind};
use std::fmt::Write;

/// Where a line goes: its time, then the id of the last message sent before it (a message's
/// own id), then the message before a lane's moment before its new role.
type Order = (u64, u64, u8);

/// The diagram's text, ending in a newline.
pub fn render(history: &History, window: Window) -> String {
    let Window { from: t0, to: t1 } = window;
    let mut lines: Vec<(Order, String)> = Vec::new();
    let lanes = history.lanes() as u64;
    for node in 1..=lanes {
        let mut before = None;
        for span in history.spans(node, 0, t1) {
            if span.from >= t0 && is_role_change(before, span.state) {
                let text = format!("Note over N{node}: {}", state_label(span.state));
                lines.push(((span.from, span.after_message, 2), text));
            }
            before = Some(span.state);
        }
        for m in history.moments(node, t0, t1) {
            let what = match m.what {
                MomentKind::Crashed => "down",
                MomentKind::Restarted => "restarted",
                MomentKind::Joined => "joined",
            };
            let text = format!("Note over N{node}: {what}");
            lines.push(((m.at, m.after_message, 1), text));
        }
    }
    for m in history.messages(t0, t1) {
        lines.push(((m.sent_at, m.id, 0), arrow(m)));
    }
    // A stable sort: lines in one place keep the lanes' order.
    lines.sort_by_key(|l| l.0);

    let mut out = String::from("sequenceDiagram\n");
    let end = seconds(t1.saturating_sub(1));
    let _ = writeln!(out, "    %% messages sent from {} to {end}", seconds(t0));
    for node in 1..=lanes {
        match history.name(node) {
            // An imported node's own id (etcd's are 64-bit).
            Some(name) => {
                let _ = writeln!(out, "    participant N{node} as {name}");
            }
            None => {
                let _ = writeln!(out, "    participant N{node}");
            }
        }
    }
    for (_, text) in lines {
        let _ = writeln!(out, "    {text}");
    }
    out
}

/// One message's line: `N3->>N1: MsgVote t2`.
fn arrow(m: &MessageRecord) -> String {
    let (head, note) = match m.end {
        End::Delivered { .. } => ("->>", ""),
        End::InFlight => ("-)", " (in flight)"),
        End::Lost { .. } => ("-x", " (lost)"),
        End::Cut { .. } => ("-x", " (cut)"),
        End::DestinationDown { .. } => ("-x", " (node down)"),
        End::DroppedByHand { .. } => ("-x", " (dropped)"),
        End::Unlogged => ("-)", " (receipt not logged)"),
        End::SendUnlogged { .. } => ("->>", " (send not logged)"),
    };
    format!(
        "N{}{head}N{}: {} t{}{note}",
        m.from,
        m.to,
        m.kind.name(),
        m.term
    )
}
