//! A standalone SVG picture of a window: a lane per node, time along the horizontal axis.
//!
//! Time runs left to right because a blog column is wider than it is tall for a handful of
//! nodes, and a reader reads a timeline that way; lanes stack downwards, node 1 on top.
//! Each lane is shaded by role and term, with commit advances as ticks and crashes,
//! restarts and joins as marks; each message is an arrow from its sender's lane at its send
//! to its receiver's lane at its end, coloured by kind. Every arrow is a `<g class="arrow">`
//! with the message's id in `data-id` and a `<title>` a browser shows on hover.
//!
//! Standalone: no external reference of any kind (no `href`, no `url(`, no web font); the
//! colours sit in an inline `<style>`, on a white ground, so the file reads the same
//! anywhere it is pasted.

use super::{seconds, state_label, Window};
use crate::history::{End, History, LaneState, MessageRecord, MomentKind};
use raft_core::message::MsgKind;
use raft_core::types::{NodeId, Role};
use raft_core::why::Why;
use std::fmt::Write;

// The page's light-theme colours, mirrored from the custom properties at the top of
// `www/raft-cluster.css` (the first value of each `light-dark(…)`): keep them in step.
const INK: &str = "#1c222b"; // --ink
const MUTED: &str = "#535b66"; // --muted
const LINE: &str = "#d6dae0"; // --line
const GOOD: &str = "#17754b"; // --good
const BAD: &str = "#c02b2b"; // --bad
const ACCENT: &str = "#2563b8"; // --accent
/// (class, stroke, fill) per lane state: --follower, --pre, --cand, --leader, --crashed
/// and their `-fill`s.
const ROLES: [(&str, &str, &str); 5] = [
    ("follower", "#5f7d99", "#e6edf4"),
    ("pre-candidate", "#b27c0a", "#fdf3d8"),
    ("candidate", "#c45f17", "#fbe1cc"),
    ("leader", "#1f8a5b", "#cfeedd"),
    ("down", "#7b8189", "#e2e3e5"),
];
/// (class, colour) per message kind, a request and its response alike, as the cluster
/// view colours them: --k-prevote, --k-vote, --k-app, --k-heartbeat, --k-snap,
/// --k-timeoutnow, --k-prop.
const KINDS: [(&str, &str); 7] = [
    ("k-prevote", "#a27bdc"),
    ("k-vote", "#6d3fc4"),
    ("k-app", "#2563b8"),
    ("k-heartbeat", "#2a9d8f"),
    ("k-snap", "#0b6e75"),
    ("k-timeoutnow", "#d13b3b"),
    ("k-prop", "#c98a10"),
];

/// The layout, in pixels.
const LABEL_W: f64 = 64.0;
const TOP: f64 = 36.0;
const LANE_H: f64 = 44.0;
const BAND_H: f64 = 12.0;
const BOTTOM: f64 = 12.0;
const RIGHT: f64 = 24.0;
/// The widest the plot gets: a long window is squeezed rather than made endless.
const MAX_PLOT_W: f64 = 20_000.0;

/// The picture as an SVG document.
pub fn render(history: &History, window: Window) -> String {
    let messages: Vec<&MessageRecord> = history.messages(window.from, window.to).collect();
    // The axis runs on to the last arrow's end, so that no arrow of the window is cut.
    let end = messages
        .iter()
        .map(|m| m.end.at().unwrap_or(m.due_at) + 1)
        .fold(window.to, u64::max)
        .max(window.from + 1);
    let lanes = history.lanes() as NodeId;
    let scale = Scale::new(window.from, end);
    let width = LABEL_W + scale.width + RIGHT;
    let height = TOP + lanes as f64 * LANE_H + BOTTOM;

    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"11\">\n\
         <title>Space-time diagram: messages sent from {} to {}</title>\n",
        seconds(window.from),
        seconds(window.to.saturating_sub(1)),
        w = px(width),
        h = px(height),
    );
    style(&mut out);
    let _ = writeln!(
        out,
        "<rect class=\"ground\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/>",
        px(width),
        px(height)
    );
    axis(&mut out, &scale, height);
    for node in 1..=lanes {
        lane(&mut out, history, &scale, node);
    }
    for m in messages {
        arrow(&mut out, &scale, m, history.why(m.id));
    }
    out.push_str("</svg>\n");
    out
}

/// Where a time and a lane are drawn.
struct Scale {
    t0: u64,
    t1: u64,
    /// Pixels per microsecond.
    per_us: f64,
    width: f64,
}

impl Scale {
    fn new(t0: u64, t1: u64) -> Scale {
        let ms = (t1 - t0) as f64 / 1000.0;
        // About a second across a page's width; short windows spread out, long ones squeeze.
        let per_ms = (1000.0 / ms).clamp(0.25, 8.0).min(MAX_PLOT_W / ms);
        Scale {
            t0,
            t1,
            per_us: per_ms / 1000.0,
            width: (ms * per_ms).max(1.0),
        }
    }
    fn x(&self, t: u64) -> f64 {
        LABEL_W + t.clamp(self.t0, self.t1).saturating_sub(self.t0) as f64 * self.per_us
    }
    fn y(node: NodeId) -> f64 {
        TOP + (node - 1) as f64 * LANE_H + LANE_H / 2.0
    }
}

/// A coordinate to a tenth of a pixel, written without float formatting.
fn px(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", t / 10, t % 10)
}

/// Text for an element or attribute: the five characters XML reserves, escaped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn style(out: &mut String) {
    out.push_str("<style>\n");
    let _ = writeln!(out, ".ground{{fill:#ffffff}}");
    let _ = writeln!(out, "text{{fill:{INK}}} .tick text{{fill:{MUTED}}}");
    let _ = writeln!(out, ".grid{{stroke:{LINE};stroke-width:1}}");
    let _ = writeln!(out, ".lane-line{{stroke:{LINE};stroke-width:1}}");
    for (class, stroke, fill) in ROLES {
        let _ = writeln!(
            out,
            ".{class}{{fill:{fill};stroke:{stroke};stroke-width:1}}"
        );
    }
    for (class, colour) in KINDS {
        let _ = writeln!(out, ".{class}{{stroke:{colour};fill:{colour}}}");
    }
    let _ = writeln!(out, ".arrow line{{stroke-width:1.3;fill:none}}");
    let _ = writeln!(out, ".arrow.resp line{{stroke-width:0.9;opacity:0.75}}");
    let _ = writeln!(out, ".arrow.in-flight line{{stroke-dasharray:4 3}}");
    // Imported logs: an end the lines do not show is dotted.
    let _ = writeln!(out, ".arrow.unlogged line{{stroke-dasharray:1 3}}");
    let _ = writeln!(out, ".open{{fill:#ffffff;stroke-width:1.2}}");
    let _ = writeln!(out, ".lost{{stroke:{BAD};stroke-width:1.6;fill:none}}");
    let _ = writeln!(out, ".cut{{stroke:{MUTED};stroke-width:1.6;fill:none}}");
    let _ = writeln!(
        out,
        ".dropped{{stroke:{BAD};stroke-width:1.4;fill:#ffffff}}"
    );
    let _ = writeln!(out, ".commit{{stroke:{GOOD};stroke-width:1.5}}");
    let _ = writeln!(out, ".crash{{stroke:{BAD};stroke-width:2.2;fill:none}}");
    let _ = writeln!(out, ".restart{{fill:{GOOD};stroke:none}}");
    let _ = writeln!(out, ".join{{fill:{ACCENT};stroke:none}}");
    out.push_str("</style>\n");
}

/// The time axis along the top, in milliseconds, with a grid line at each tick.
fn axis(out: &mut String, scale: &Scale, height: f64) {
    let span_ms = (scale.t1 - scale.t0) / 1000;
    // About ten ticks at 1, 2 or 5 times a power of ten milliseconds.
    let mut step = 1u64;
    'find: for magnitude in [1u64, 10, 100, 1_000, 10_000, 100_000, 1_000_000] {
        for m in [1, 2, 5] {
            step = m * magnitude;
            if span_ms / step <= 10 {
                break 'find;
            }
        }
    }
    let step_us = step * 1000;
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"14\">ms</text>\n<g class=\"tick\">",
        px(8.0)
    );
    let mut t = scale.t0.div_ceil(step_us) * step_us;
    while t <= scale.t1 {
        let x = px(scale.x(t));
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>\
             <text x=\"{x}\" y=\"14\" text-anchor=\"middle\">{}</text>",
            px(TOP - 14.0),
            px(height - BOTTOM),
            t / 1000
        );
        t += step_us;
    }
    out.push_str("</g>\n");
}

fn role_class(state: LaneState) -> &'static str {
    let i = match state {
        LaneState::Up { role, .. } => match role {
            Role::Follower => 0,
            Role::PreCandidate => 1,
            Role::Candidate => 2,
            Role::Leader => 3,
        },
        LaneState::Down => 4,
    };
    ROLES[i].0
}

/// One node's lane: its label, its spans shaded by role, commit ticks and moments.
fn lane(out: &mut String, history: &History, scale: &Scale, node: NodeId) {
    let y = Scale::y(node);
    let label = match history.name(node) {
        Some(name) => esc(name),
        None => format!("node {node}"),
    };
    let _ = writeln!(
        out,
        "<g class=\"lane\" data-node=\"{node}\">\
         <text x=\"8\" y=\"{}\">{label}</text>\
         <line class=\"lane-line\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        px(y + 4.0),
        px(LABEL_W),
        px(y),
        px(scale.x(scale.t1)),
        px(y)
    );
    for s in history.spans(node, scale.t0, scale.t1) {
        let until = s.until.unwrap_or(scale.t1);
        let (x1, x2) = (scale.x(s.from), scale.x(until));
        let label = state_label(s.state);
        let _ = writeln!(
            out,
            "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">\
             <title>node {node} {label}, {} to {}</title></rect>",
            role_class(s.state),
            px(x1),
            px(y - BAND_H / 2.0),
            px((x2 - x1).max(0.5)),
            px(BAND_H),
            seconds(s.from),
            s.until.map_or("now".to_string(), seconds),
        );
        // Its role and term in words where the span has room for them.
        if x2 - x1 > 70.0 {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"9\">{label}</text>",
                px(x1 + 3.0),
                px(y - BAND_H / 2.0 - 2.0)
            );
        }
    }
    for c in history.commits(node, scale.t0, scale.t1) {
        let x = px(scale.x(c.at));
        let _ = writeln!(
            out,
            "<line class=\"commit\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\">\
             <title>node {node} commit index {} at {}</title></line>",
            px(y + BAND_H / 2.0),
            px(y + BAND_H / 2.0 + 5.0),
            c.index,
            seconds(c.at)
        );
    }
    for m in history.moments(node, scale.t0, scale.t1) {
        let (x, title) = (scale.x(m.at), seconds(m.at));
        let (class, shape, what) = match m.what {
            MomentKind::Crashed => {
                let d = 5.0;
                let path = format!(
                    "<path d=\"M{} {}L{} {}M{} {}L{} {}\"",
                    px(x - d),
                    px(y - d),
                    px(x + d),
                    px(y + d),
                    px(x - d),
                    px(y + d),
                    px(x + d),
                    px(y - d)
                );
                ("crash", path, "crashed")
            }
            MomentKind::Restarted => {
                let path = format!(
                    "<path d=\"M{} {}L{} {}L{} {}Z\"",
                    px(x),
                    px(y - 6.0),
                    px(x + 5.0),
                    px(y + 4.0),
                    px(x - 5.0),
                    px(y + 4.0)
                );
                ("restart", path, "restarted")
            }
            MomentKind::Joined => {
                let circle = format!("<circle cx=\"{}\" cy=\"{}\" r=\"4\"", px(x), px(y));
                ("join", circle, "joined")
            }
        };
        let tag = if class == "join" { "circle" } else { "path" };
        let _ = writeln!(
            out,
            "{shape} class=\"{class}\"><title>node {node} {what} at {title}</title></{tag}>"
        );
    }
    out.push_str("</g>\n");
}

fn kind_class(kind: MsgKind) -> &'static str {
    let i = match kind {
        MsgKind::PreVote | MsgKind::PreVoteResp => 0,
        MsgKind::Vote | MsgKind::VoteResp => 1,
        MsgKind::App | MsgKind::AppResp => 2,
        MsgKind::Heartbeat | MsgKind::HeartbeatResp => 3,
        MsgKind::Snap => 4,
        MsgKind::TimeoutNow => 5,
        MsgKind::Prop => 6,
    };
    KINDS[i].0
}

fn is_response(kind: MsgKind) -> bool {
    matches!(
        kind,
        MsgKind::PreVoteResp | MsgKind::VoteResp | MsgKind::AppResp | MsgKind::HeartbeatResp
    )
}

/// One message: a line from (send, sender's lane) to (end, receiver's lane), and at its end
/// an arrowhead (delivered), a cross (lost: red; cut or to a down node: grey), a ring
/// (dropped by hand) or nothing (in flight: the line is dashed, up to when it is due).
fn arrow(out: &mut String, scale: &Scale, m: &MessageRecord, why: Option<&Why>) {
    let end_at = m.end.at().unwrap_or(m.due_at);
    let (x1, y1) = (scale.x(m.sent_at), Scale::y(m.from));
    let (x2, y2) = (scale.x(end_at), Scale::y(m.to));
    let mut class = format!("arrow {}", kind_class(m.kind));
    if is_response(m.kind) {
        class.push_str(" resp");
    }
    if m.end == End::InFlight {
        class.push_str(" in-flight");
    }
    if matches!(m.end, End::Unlogged | End::SendUnlogged { .. }) {
        class.push_str(" unlogged");
    }
    let ended = match m.end {
        End::InFlight => format!("due {}, in flight", seconds(m.due_at)),
        End::Unlogged => "its receipt is not in the lines".to_string(),
        e => format!("{} {}", e.word(), seconds(end_at)),
    };
    let mut title = format!(
        "{} {}\u{2192}{} term {}, sent {}, {ended}",
        m.kind.name(),
        m.from,
        m.to,
        m.term,
        seconds(m.sent_at)
    );
    if let End::SendUnlogged { .. } = m.end {
        title = format!(
            "{} {}\u{2192}{} term {}, its send not in the lines, received {}",
            m.kind.name(),
            m.from,
            m.to,
            m.term,
            seconds(end_at)
        );
    }
    if let Some(why) = why {
        let _ = write!(title, "\nwhy: {why}");
    }
    let _ = write!(
        out,
        "<g class=\"{class}\" data-id=\"{}\"><title>{}</title>\
         <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        m.id,
        esc(&title),
        px(x1),
        px(y1),
        px(x2),
        px(y2)
    );
    // The unit vector along the arrow and across it, for the marks at its end.
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (nx, ny) = (-uy, ux);
    let d = 4.0;
    let cross = |class: &str| {
        format!(
            "<path class=\"{class}\" d=\"M{} {}L{} {}M{} {}L{} {}\"/>",
            px(x2 - d),
            px(y2 - d),
            px(x2 + d),
            px(y2 + d),
            px(x2 - d),
            px(y2 + d),
            px(x2 + d),
            px(y2 - d)
        )
    };
    let mark = match m.end {
        End::Delivered { .. } | End::SendUnlogged { .. } => {
            let (bx, by) = (x2 - 7.0 * ux, y2 - 7.0 * uy);
            format!(
                "<path d=\"M{} {}L{} {}L{} {}Z\"/>",
                px(x2),
                px(y2),
                px(bx + 3.0 * nx),
                px(by + 3.0 * ny),
                px(bx - 3.0 * nx),
                px(by - 3.0 * ny)
            )
        }
        End::Lost { .. } => cross("lost"),
        End::Cut { .. } | End::DestinationDown { .. } => cross("cut"),
        End::DroppedByHand { .. } => format!(
            "<circle class=\"dropped\" cx=\"{}\" cy=\"{}\" r=\"3.5\"/>",
            px(x2),
            px(y2)
        ),
        End::InFlight => String::new(),
        // An open ring: where the receipt would be, were it logged.
        End::Unlogged => format!(
            "<circle class=\"open\" cx=\"{}\" cy=\"{}\" r=\"2.5\"/>",
            px(x2),
            px(y2)
        ),
    };
    let _ = writeln!(out, "{mark}</g>");
}
