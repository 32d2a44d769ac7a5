//! The log importer's browser face (built with the `import` feature, into the wasm the
//! import page's worker loads): a real cluster's logs go in chunk by chunk (raft-sim's
//! `import::reader`), and out come the same things `raftsim import` prints (the summary, the
//! lines not read, Fabric's metrics, a replay scenario, SVG and Mermaid) and the windows of
//! the space-time diagram the page draws, in the shape a simulated run's diagram has
//! (`diagram::DiagramView`), so one view draws both.

use crate::diagram::{self, DiagramView};
use crate::json_to_js;
use raft_core::types::NodeId;
use raft_sim::diagram::Window;
use raft_sim::import::diagram::Imported;
use raft_sim::import::raft_line::Ids;
use raft_sim::import::reader::Reader;
use raft_sim::import::story::Story;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// At most this many unread lines are listed one by one (all are counted).
const UNREAD_LISTED: usize = 500;

#[wasm_bindgen]
pub struct Importer {
    reader: Option<Reader>,
    inputs: Vec<String>,
    done: Option<Done>,
}

/// What the lines gave, kept for the windows and exports asked for afterwards.
struct Done {
    story: Story,
    imported: Imported,
}

/// What `finish` hands the page (one plain object).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Outcome {
    /// Lines read as raft messages, and lines not read (all of them; `unread` lists the
    /// first `UNREAD_LISTED`).
    read: usize,
    unread_count: usize,
    /// Lines of other components (another logger or module): counted, not listed.
    other_count: usize,
    /// Lines of a Fabric orderer's chain (blocks written, the leader followed): counted,
    /// not listed.
    chain_count: usize,
    /// [input name, line (1-based), why].
    unread: Vec<(String, usize, String)>,
    /// Inputs that are not text logs: [input name, why] (none of their lines counted).
    not_text: Vec<(String, String)>,
    /// Fabric channels seen, and the one kept.
    channels: Vec<String>,
    channel: Option<String>,
    /// The summary an operator pastes into a ticket.
    summary: String,
    /// Lanes in order: [lane, the node's name as the lines wrote it].
    lanes: Vec<(NodeId, String)>,
    /// The diagram's last time (µs from the first line) and whether the lines had times.
    end: f64,
    timed: bool,
    /// Arrows with both ends in the lines, and with one.
    matched: usize,
    one_ended: usize,
    /// Fabric's metrics per lane: is_leader, active_nodes (and committed_block) as [µs,
    /// value] steps.
    is_leader: Vec<(NodeId, Vec<(f64, u64)>)>,
    active_nodes: Vec<(NodeId, Vec<(f64, u64)>)>,
    leader_changes: Vec<(NodeId, u64)>,
    /// committed_block_number per lane, where the chain logs the blocks it writes.
    committed_block: Vec<(NodeId, Vec<(f64, u64)>)>,
    /// A scenario re-creating the story, or why there is none.
    scenario: Option<String>,
    no_scenario: Option<String>,
    /// Terms with more than one leader: Election Safety broken, or two clusters' logs.
    split_terms: Vec<u64>,
}

#[wasm_bindgen]
impl Importer {
    /// A reader of the lines of `channel` (Fabric; empty or absent: the channel with the most raft lines), with node
    /// ids in decimal (`decimal`: this simulator's own logs) or hex (etcd's).
    #[wasm_bindgen(constructor)]
    pub fn new(channel: Option<String>, decimal: bool) -> Importer {
        let channel = channel.filter(|c| !c.trim().is_empty());
        let ids = if decimal { Ids::Decimal } else { Ids::Hex };
        Importer {
            reader: Some(Reader::new(channel.as_deref(), ids)),
            inputs: Vec::new(),
            done: None,
        }
    }

    /// A new input (a file or a pasted block), by name; its number for `push`.
    #[wasm_bindgen(js_name = addInput)]
    pub fn add_input(&mut self, name: &str) -> Result<u32, JsValue> {
        let reader = self.reader.as_mut().ok_or_else(finished)?;
        self.inputs.push(name.to_string());
        Ok(reader.add_input(name) as u32)
    }

    /// The next piece of input `input`'s text (a line may be cut between two pieces).
    pub fn push(&mut self, input: u32, chunk: &str) -> Result<(), JsValue> {
        let reader = self.reader.as_mut().ok_or_else(finished)?;
        reader
            .push(input as usize, chunk)
            .map_err(|e| JsError::new(&e.to_string()).into())
    }

    /// Lines taken so far.
    pub fn lines(&self) -> f64 {
        self.reader.as_ref().map_or(0, |r| r.lines()) as f64
    }

    /// Ends the reading and tells what the lines say (see `Outcome`).
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let reader = self.reader.take().ok_or_else(finished)?;
        let story = reader.finish();
        let imported = story.history();
        let metrics = story.metrics();
        let lane_of = |n: NodeId| imported.lanes.get(&n).copied().unwrap_or(n);
        let steps = |s: &[(u64, u64)]| thin(s, imported.end);
        let mut lanes: Vec<(NodeId, String)> = imported
            .lanes
            .iter()
            .map(|(&node, &lane)| (lane, story.name(node)))
            .collect();
        lanes.sort();
        let (scenario, no_scenario) = match story.scenario() {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let outcome = Outcome {
            read: story.read.len(),
            unread_count: story.skipped.len(),
            other_count: story.other_lines,
            chain_count: story.chain_lines,
            unread: story
                .skipped
                .iter()
                .take(UNREAD_LISTED)
                .map(|k| {
                    let name = self.inputs.get(k.input).cloned().unwrap_or_default();
                    (name, k.line, k.why.clone())
                })
                .collect(),
            not_text: story
                .not_text
                .iter()
                .map(|(k, why)| {
                    (
                        self.inputs.get(*k).cloned().unwrap_or_default(),
                        why.clone(),
                    )
                })
                .collect(),
            channels: story.channels.iter().map(|c| c.to_string()).collect(),
            channel: story
                .read
                .iter()
                .find_map(|r| r.channel.as_deref().map(str::to_string)),
            summary: story.summary(),
            split_terms: raft_sim::import::findings::split_terms(&story)
                .into_keys()
                .collect(),
            lanes,
            end: imported.end as f64,
            timed: metrics.timed,
            matched: imported.matched,
            one_ended: imported.one_ended,
            is_leader: metrics
                .is_leader
                .iter()
                .map(|(&n, s)| (lane_of(n), steps(s)))
                .collect(),
            active_nodes: metrics
                .active_nodes
                .iter()
                .map(|(&n, s)| (lane_of(n), steps(s)))
                .collect(),
            leader_changes: metrics
                .leader_changes
                .iter()
                .map(|(&n, &k)| (lane_of(n), k))
                .collect(),
            // (An orderer with no raft line has no lane.)
            committed_block: metrics
                .committed_block
                .iter()
                .filter(|(n, _)| imported.lanes.contains_key(n))
                .map(|(&n, s)| (lane_of(n), steps(s)))
                .collect(),
            scenario,
            no_scenario,
        };
        self.done = Some(Done { story, imported });
        Ok(json_to_js(serde_json::to_string(&outcome)))
    }

    /// The diagram of `[from_us, to_us)` (µs from the first line), as `Sim.diagram` gives a
    /// run's.
    pub fn diagram(&self, from_us: f64, to_us: f64) -> Result<JsValue, JsValue> {
        let d = self.done.as_ref().ok_or_else(not_finished)?;
        let v: DiagramView = diagram::view(
            &d.imported.history,
            d.imported.end,
            window(d, from_us, to_us),
        );
        Ok(json_to_js(serde_json::to_string(&v)))
    }

    /// The window as a standalone SVG picture (as `raftsim import --svg` draws it).
    #[wasm_bindgen(js_name = diagramSvg)]
    pub fn diagram_svg(&self, from_us: f64, to_us: f64) -> Result<String, JsValue> {
        let d = self.done.as_ref().ok_or_else(not_finished)?;
        Ok(raft_sim::diagram::svg::render(
            &d.imported.history,
            window(d, from_us, to_us),
        ))
    }

    /// The window as Mermaid sequenceDiagram text.
    #[wasm_bindgen(js_name = diagramMermaid)]
    pub fn diagram_mermaid(&self, from_us: f64, to_us: f64) -> Result<String, JsValue> {
        let d = self.done.as_ref().ok_or_else(not_finished)?;
        Ok(raft_sim::diagram::mermaid::render(
            &d.imported.history,
            window(d, from_us, to_us),
        ))
    }

    /// Fabric's metrics as `raftsim import --metrics` writes them.
    #[wasm_bindgen(js_name = metricsText)]
    pub fn metrics_text(&self) -> Result<String, JsValue> {
        let d = self.done.as_ref().ok_or_else(not_finished)?;
        Ok(d.story.metrics().text())
    }
}

/// The most steps a metric's series has on the page: a few per pixel of its drawing.
const STEPS_SHOWN: u64 = 1200;

/// A step series with at most about 2 × `STEPS_SHOWN` steps over `[0, end]`: within each of
/// `STEPS_SHOWN` stretches of time, the stretch's highest value from its first step, then
/// its last value. A node that led for a moment in a stretch still shows as leader there;
/// days of flapping do not cost the page seconds.
fn thin(series: &[(u64, u64)], end: u64) -> Vec<(f64, u64)> {
    if series.len() as u64 <= 2 * STEPS_SHOWN {
        return series.iter().map(|&(t, v)| (t as f64, v)).collect();
    }
    let width = end / STEPS_SHOWN + 1;
    let mut out = Vec::new();
    let mut k = 0;
    while k < series.len() {
        let bucket = series[k].0 / width;
        let mut j = k;
        let mut high = 0;
        while j < series.len() && series[j].0 / width == bucket {
            high = high.max(series[j].1);
            j += 1;
        }
        out.push((series[k].0 as f64, high));
        let (t, last) = series[j - 1];
        if last != high {
            out.push((t as f64, last));
        }
        k = j;
    }
    out
}

/// `[from_us, to_us)` clamped to the lines' time (NaN and negative times read as 0).
fn window(d: &Done, from_us: f64, to_us: f64) -> Window {
    let end = d.imported.end.saturating_add(1);
    let at = |t: f64| if t > 0.0 { (t as u64).min(end) } else { 0 };
    let (from, to) = (at(from_us), at(to_us));
    Window {
        from,
        to: to.max(from),
    }
}

fn finished() -> JsValue {
    JsError::new("the reading is finished: start a new import").into()
}

fn not_finished() -> JsValue {
    JsError::new("the lines are still being read: call finish first").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_series_is_thinned_keeping_every_stretch_where_the_node_led() {
        // 10,000 terms of 1 ms each: the node leads every third one.
        let series: Vec<(u64, u64)> = (0..10_000u64)
            .map(|k| (k * 1000, (k % 3 == 0) as u64))
            .collect();
        let end = 10_000 * 1000;
        let thin = thin(&series, end);
        assert!(thin.len() as u64 <= 2 * STEPS_SHOWN, "{} steps", thin.len());
        // Every stretch of the drawing shows the leadership it holds.
        let width = (end / STEPS_SHOWN + 1) as f64;
        for b in 0..STEPS_SHOWN {
            let led = thin
                .iter()
                .any(|&(t, v)| (t / width).floor() as u64 == b && v == 1);
            let had = series
                .iter()
                .any(|&(t, v)| t / (end / STEPS_SHOWN + 1) == b && v == 1);
            assert_eq!(led, had, "stretch {b}");
        }
        // A short series is kept as it is.
        let short = [(0, 1), (5, 0)];
        assert_eq!(thin_of(&short), vec![(0.0, 1), (5.0, 0)]);
    }

    fn thin_of(s: &[(u64, u64)]) -> Vec<(f64, u64)> {
        thin(s, 10)
    }
}
