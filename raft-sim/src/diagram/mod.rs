//! A space-time (Lamport) diagram of a recorded run, as text for a blog post: Mermaid
//! `sequenceDiagram` (`mermaid`) and a standalone SVG picture (`svg`). Both draw a window of
//! the cluster's `History`: the messages *sent* in it (see `history`'s note on windows)
//! and the lanes' changes that fall in it.
//!
//! Times are written from integer microseconds, without float formatting (see `float` for
//! what that costs the browser's wasm).

pub mod mermaid;
pub mod svg;

use crate::history::{History, LaneState};
use raft_core::types::Role;

/// The part of a run a diagram shows: `[from, to)` in microseconds of simulated time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: u64,
    pub to: u64,
}

impl Window {
    /// Everything the history holds up to `now` (the cluster's clock), inclusive.
    pub fn whole(history: &History, now: u64) -> Window {
        Window {
            from: history.complete_from(),
            to: now.saturating_add(1),
        }
    }
}

/// `us` as seconds with millisecond digits: "1.204 s".
pub fn seconds(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1000) % 1000)
}

/// A lane state as a label names it: "leader t2", "down".
pub fn state_label(state: LaneState) -> String {
    match state {
        LaneState::Up { role, term } => format!("{} t{term}", role.as_str()),
        LaneState::Down => "down".to_string(),
    }
}

/// Whether a new span in `state` after `before` is worth a note: a node that stands for
/// election or leads, and one that steps down from that. A follower that only moves to a
/// newer term, or comes back up as one, is the common case and would bury the rest.
pub fn is_role_change(before: Option<LaneState>, state: LaneState) -> bool {
    let role = |s: Option<LaneState>| match s {
        Some(LaneState::Up { role, .. }) => Some(role),
        _ => None,
    };
    match role(Some(state)) {
        Some(Role::Follower) => role(before).is_some_and(|r| r != Role::Follower),
        Some(_) => true,
        None => false,
    }
}
