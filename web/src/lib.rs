//! The browser's handle on a simulated Raft cluster. JS holds one opaque `Sim` per cluster
//! and makes a few coarse calls per animation frame: `advance`, then `frame` for one
//! snapshot to draw. Commands go in as small plain objects. All protocol state and all
//! randomness stay on the Rust side.

pub mod diagram;
pub mod error;
#[cfg(feature = "import")]
pub mod import;
pub mod motion;
pub mod options;
pub mod read;
pub mod view;

use error::{words, CommandError, FrameError, OptionsError, ScenarioError};
use options::{ActionFields, Options};
use raft_core::types::Role;
use raft_sim::scenario::run::{config_for, Runner, Stop};
use raft_sim::scenario::Action;
use raft_sim::scenario::Scenario;
use raft_sim::{Command, KvOp};
use raft_sim::{SimConfig, SimConfigError, Timeline};
use read::from_js;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // A panic shows its message in the console; the page turns the thrown error into an
    // overlay instead of freezing.
    console_error_panic_hook::set_once();
}

/// Checks the change of a comparison made during a run (settings lines, `;` or new lines
/// between them; see `Sim::apply_change`) without a run: throws a `CommandError` saying what
/// cannot be changed.
#[cfg(feature = "scripts")]
#[wasm_bindgen(js_name = checkChange)]
pub fn check_change(change: &str) -> Result<(), JsValue> {
    change_commands(change)?;
    Ok(())
}

/// The commands of a comparison's change, or the `CommandError` that says what cannot change.
#[cfg(feature = "scripts")]
fn change_commands(change: &str) -> Result<Vec<Command>, CommandError> {
    raft_sim::compare::change_commands(change).map_err(|e| CommandError {
        message: e.to_string(),
        field: None,
    })
}

/// A fresh random seed (as decimal text) for a run the reader did not seed.
#[wasm_bindgen(js_name = randomSeed)]
pub fn random_seed() -> String {
    fresh_seed().to_string()
}

fn fresh_seed() -> u64 {
    let mut b = [0u8; 8];
    // Without an entropy source, fall back to a fixed seed rather than failing the page.
    if getrandom::fill(&mut b).is_err() {
        return 1;
    }
    u64::from_le_bytes(b)
}

#[wasm_bindgen]
pub struct Sim {
    /// The run, driven by a scenario's lines (none for free play).
    runner: Runner<Timeline>,
    cfg: SimConfig,
    /// The script, kept to rebuild the run for a tour's Back and deep links.
    scenario: Scenario,
    script: ScriptState,
}

/// How far the script has got, for the page's narration panel.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScriptState {
    /// How many `pause` lines the script holds.
    pub steps: usize,
    /// How many have been reached (the current step, counting from 1; 0 before the first).
    pub step: usize,
    /// The narration of the current step.
    pub text: String,
    /// The line of the current pause.
    pub line: usize,
    /// At a pause, the script waits for `continueScript` (the cluster may still run).
    pub waiting: bool,
    pub finished: bool,
    /// Expectations that failed, and a line that could not run.
    pub failures: Vec<String>,
    pub error: Option<String>,
    /// The simulated time (µs) each pause reached so far was reached at, in order: a reader
    /// who moves the run back before one of them is looking back at an earlier step, and a
    /// replay from there stops at each again (`scriptStep` gives a step's text).
    pub at: Vec<f64>,
    /// The line and narration of each pause reached so far (read one at a time).
    #[serde(skip)]
    reached: Vec<(usize, String)>,
}

#[wasm_bindgen]
impl Sim {
    /// A new cluster. `options` is a plain object (see `Options`); a bad value throws an
    /// `OptionsError` whose `field` names the option (see `error`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Sim, JsValue> {
        let opts: Options = if options.is_undefined() || options.is_null() {
            Options::default()
        } else {
            from_js(&options).map_err(|(field, message)| OptionsError { field, message })?
        };
        Ok(Sim::from_options(&opts)?)
    }

    /// A cluster driven by a scenario script (the language of `raftsim run`). A script that
    /// does not parse throws a `ScenarioError` with the `line` and `column` at fault and the
    /// parser's text (the line, with a caret under the column) as its message.
    #[cfg(feature = "scripts")]
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(text: &str) -> Result<Sim, JsValue> {
        Ok(Sim::from_script(text)?)
    }

    /// The other side of a comparison: the scenario with the settings lines of `change` in
    /// place of its own (e.g. `prevote off`; raft-sim's compare.rs). Throws a `ScenarioError`
    /// when either does not parse or `change` is not settings.
    #[cfg(feature = "scripts")]
    #[wasm_bindgen(js_name = fromScenarioWith)]
    pub fn from_scenario_with(text: &str, change: &str) -> Result<Sim, JsValue> {
        let scenario = raft_sim::scenario::parse(text).map_err(ScenarioError::from)?;
        let other =
            raft_sim::compare::with_change(&scenario, change).map_err(|e| ScenarioError {
                line: None,
                column: None,
                message: e.to_string(),
            })?;
        Ok(Sim::from_scenario_parsed(other)?)
    }

    /// Advances simulated time by `dt_us` microseconds. A script runs its lines as they fall
    /// due and stops at a `pause` line (see `script()`); the cluster itself keeps running.
    pub fn advance(&mut self, dt_us: f64) {
        if dt_us.is_finite() && dt_us > 0.0 {
            self.advance_by(dt_us as u64);
        }
    }

    /// Where the script is: `{steps, step, text, line, waiting, finished, failures, error}`.
    pub fn script(&self) -> JsValue {
        json_to_js(serde_json::to_string(&self.script))
    }

    /// A pause reached so far (1-based), as `{step, text, line, at}` for a reader looking back
    /// at it; `null` for a step not reached yet (or none).
    #[wasm_bindgen(js_name = scriptStep)]
    pub fn script_step(&self, step: usize) -> JsValue {
        let reached = step
            .checked_sub(1)
            .and_then(|i| Some((i, self.script.reached.get(i)?)));
        let Some((i, (line, text))) = reached else {
            return JsValue::NULL;
        };
        let view = view::ReachedStep {
            step,
            text,
            line: *line,
            at: self.script.at[i],
        };
        json_to_js(serde_json::to_string(&view))
    }

    /// Lets the script go on after a pause.
    #[wasm_bindgen(js_name = continueScript)]
    pub fn continue_script(&mut self) {
        self.script.waiting = false;
    }

    /// Puts the run in the exact state of the script's `step`-th pause (1-based): the state
    /// a reader sees when they get there by Continue, whatever they did meanwhile. Throws a
    /// `CommandError` (`field` "step" for a step the script does not have).
    #[wasm_bindgen(js_name = gotoStep)]
    pub fn goto_step(&mut self, step: usize) -> Result<(), JsValue> {
        Ok(self.goto(step)?)
    }

    /// Advances to the next thing worth seeing: a message arriving, or a line in the log.
    /// Returns false when nothing more can happen.
    #[wasm_bindgen(js_name = stepEvent)]
    pub fn step_event(&mut self) -> bool {
        self.step_visible()
    }

    /// The nodes `ids` as a detailed frame shows them (logs, stores, progress), as a JSON
    /// array in the cluster's order: what the strips redraw between two full frames, without
    /// writing out the frame's messages and every other node (at 51 nodes, most of a frame).
    /// An id that is not a number of 0 or more throws a `FrameError`.
    pub fn rows(&self, ids: &[f64]) -> Result<JsValue, JsValue> {
        let ids = node_ids(ids.iter().map(|x| Some(*x))).ok_or_else(|| FrameError {
            message: "rows: ids must be node ids (numbers of 0 or more)".into(),
        })?;
        let rows = view::rows(self.runner.engine.cluster(), &ids);
        Ok(json_to_js(serde_json::to_string(&rows)))
    }

    /// One snapshot of everything to draw, plus log lines numbered `since_line` and later.
    /// `detail` (default true): false leaves out logs, stores and message texts (cheaper);
    /// an array of node ids carries the logs and stores of those nodes only (and no message
    /// texts). Any other `detail` throws a `FrameError`.
    pub fn frame(&self, since_line: f64, detail: JsValue) -> Result<JsValue, JsValue> {
        let bad_detail = || FrameError {
            message: "frame: detail must be true, false or an array of node ids".into(),
        };
        let detail = if detail.is_undefined() || detail.is_null() {
            view::Detail::All
        } else if let Some(all) = detail.as_bool() {
            all.into()
        } else if js_sys::Array::is_array(&detail) {
            let ids = node_ids(js_sys::Array::from(&detail).iter().map(|v| v.as_f64()))
                .ok_or_else(bad_detail)?;
            view::Detail::Nodes(ids)
        } else {
            return Err(bad_detail().into());
        };
        let f = view::frame(
            self.runner.engine.cluster(),
            self.runner.engine.horizon(),
            since_line.max(0.0) as u64,
            detail,
        );
        Ok(json_to_js(serde_json::to_string(&f)))
    }

    /// The moving parts of a light frame (time, roles, terms, timers, the messages in
    /// flight) as numbers, with the key of what changes seldom (see `motion.rs` for the
    /// layout): between full frames the page draws from these and its last full frame.
    pub fn motion(&self) -> Vec<f64> {
        motion::motion(self.runner.engine.cluster(), self.runner.engine.horizon())
    }

    /// The names behind `motion`'s role and message kind numbers: `{roles, kinds}`.
    #[wasm_bindgen(js_name = motionNames)]
    pub fn motion_names(&self) -> JsValue {
        #[derive(Serialize)]
        struct Names {
            roles: [&'static str; 5],
            kinds: Vec<&'static str>,
        }
        json_to_js(serde_json::to_string(&Names {
            roles: motion::ROLES,
            kinds: motion::kinds(),
        }))
    }

    /// The space-time diagram of simulated time `[from_us, to_us)`: each node's lane (its
    /// roles and terms, commit advances, crashes and restarts) and every message sent in
    /// the window, with how it ended and, for an answer, the rule behind it (see
    /// `diagram::DiagramView`). Times outside the run are clamped to it.
    pub fn diagram(&self, from_us: f64, to_us: f64) -> JsValue {
        let window = self.window(from_us, to_us);
        let d = diagram::diagram(self.runner.engine.cluster(), window);
        json_to_js(serde_json::to_string(&d))
    }

    /// Compares this run's log with `other`'s from lines `from_left` and `from_right` on
    /// (the lines before them are known to be the same; both runs at the same simulated
    /// time): `{same: [left, right]}` while they agree (where to resume), or where they part:
    /// `{at: [left, right], t, left, right}`, each side `{text, why}` or null (that run logged
    /// nothing more by then). See raft-sim's compare.rs.
    #[cfg(feature = "scripts")]
    #[wasm_bindgen(js_name = firstDifference)]
    pub fn first_difference(&self, other: &Sim, from_left: f64, from_right: f64) -> JsValue {
        use raft_sim::compare::{scan, Cursor, Scan};
        let (a, b) = (
            self.runner.engine.cluster().trace(),
            other.runner.engine.cluster().trace(),
        );
        let side = |l: &Option<raft_sim::LogLine>| {
            l.as_ref().map(|l| view::LineText {
                text: l.to_string(),
                why: l.why().map(|w| w.to_string()).unwrap_or_default(),
            })
        };
        let pair = |c: Cursor| (c.left as f64, c.right as f64);
        let from = Cursor {
            left: from_left.max(0.0) as u64,
            right: from_right.max(0.0) as u64,
        };
        let text = match scan(a, b, from) {
            Scan::Same { next } => serde_json::to_string(&view::Same { same: pair(next) }),
            Scan::Parted(d) => serde_json::to_string(&view::Parted {
                at: pair(d.at),
                t: d.time as f64,
                left: side(&d.left),
                right: side(&d.right),
            }),
        };
        json_to_js(text)
    }

    /// Makes the change of a comparison in this run, now: settings lines (`prevote off`,
    /// `loss 0.1`; `;` or new lines between them) of what may change during a run (raft-sim's
    /// `compare::change_commands`). Throws a `CommandError` saying what cannot be changed.
    #[cfg(feature = "scripts")]
    #[wasm_bindgen(js_name = applyChange)]
    pub fn apply_change(&mut self, change: &str) -> Result<(), JsValue> {
        for c in change_commands(change)? {
            self.act(c)?;
        }
        Ok(())
    }

    /// The same window as a standalone SVG picture (what `raftsim run FILE --svg` prints).
    #[wasm_bindgen(js_name = diagramSvg)]
    pub fn diagram_svg(&self, from_us: f64, to_us: f64) -> String {
        let window = self.window(from_us, to_us);
        raft_sim::diagram::svg::render(self.runner.engine.cluster().history(), window)
    }

    /// The same window as Mermaid `sequenceDiagram` text (`raftsim run FILE --mermaid`).
    #[wasm_bindgen(js_name = diagramMermaid)]
    pub fn diagram_mermaid(&self, from_us: f64, to_us: f64) -> String {
        let window = self.window(from_us, to_us);
        raft_sim::diagram::mermaid::render(self.runner.engine.cluster().history(), window)
    }

    /// Carries out a reader's action, e.g. `{op: "crash", node: 3}` or
    /// `{op: "remove", node: "leader"}` (see `options::ActionFields`). Throws a `CommandError`
    /// when it cannot be done (the run is unchanged); its `field` names the action's property
    /// at fault, when one was.
    pub fn command(&mut self, action: JsValue) -> Result<(), JsValue> {
        let fields: ActionFields =
            from_js(&action).map_err(|(field, message)| CommandError { field, message })?;
        let command = fields.into_command(&self.runner.engine.cluster().network().default_link)?;
        Ok(self.act(command)?)
    }

    /// Jumps to simulated time `t_us` in this history (rewind or fast-forward).
    pub fn seek(&mut self, t_us: f64) {
        if t_us.is_finite() && t_us >= 0.0 {
            self.runner.engine.seek(t_us as u64);
        }
    }

    pub fn now(&self) -> f64 {
        self.runner.engine.now() as f64
    }

    pub fn horizon(&self) -> f64 {
        self.runner.engine.horizon() as f64
    }

    /// The seed, as decimal text (a u64 does not fit a JS number).
    pub fn seed(&self) -> String {
        self.cfg.seed.to_string()
    }

    /// The hash of everything that happened, as 16 hex digits.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.runner.engine.cluster().trace_hash())
    }

    /// "Why isn't index i committed?" of node `node`'s entry (or the cluster's, without a
    /// node), answered by a leader (its view: which voters hold the entry, its term, what
    /// would commit it): the node itself when it leads (two may think they do, one cut off
    /// in an older term), else the leader it follows, else the cluster's. When that leader
    /// holds another entry at that index, says so: this one will be replaced. Undefined
    /// without a leader or when the leader holds no entry there.
    #[wasm_bindgen(js_name = commitStatus)]
    pub fn commit_status(&self, index: f64, node: Option<f64>) -> Option<String> {
        let cluster = self.runner.engine.cluster();
        let index = index as u64;
        let own = node.and_then(|n| cluster.node(n as u64));
        let leads = |id: u64| cluster.node(id).filter(|n| n.role() == Role::Leader);
        let leader = match own {
            Some(n) if n.role() == Role::Leader => n,
            _ => own
                .and_then(|n| leads(n.leader()))
                .or_else(|| leads(cluster.leader()?))?,
        };
        if let Some(n) = own.filter(|n| n.id() != leader.id()) {
            let (mine, theirs) = (n.log().term(index), leader.log().term(index));
            // (No term at the leader below its snapshot: compacted, so committed.)
            let differs = match theirs {
                Some(t) => mine != Some(t),
                None => index > leader.log().last_index(),
            };
            if mine.is_some() && differs {
                let there =
                    theirs.map_or("no entry".to_string(), |t| format!("an entry of term {t}"));
                return Some(format!(
                    "leader {} holds {there} at index {index}, not this one (term {}): it will not commit, and {} replaces it once it hears from {}",
                    leader.id(),
                    mine.unwrap_or(0),
                    n.id(),
                    leader.id()
                ));
            }
        }
        Some(leader.commit_status(index)?.to_string())
    }

    /// The metrics in Prometheus text format.
    pub fn prometheus(&self) -> String {
        self.runner.engine.cluster().metrics().prometheus("sim")
    }

    /// The reader's session (settings and actions) as a scenario script.
    #[wasm_bindgen(js_name = exportScript)]
    pub fn export_script(&self) -> String {
        raft_sim::scenario::export::export(&self.cfg, self.runner.engine.commands())
    }
}

/// Plain data as a JS value: one string across the boundary, parsed by the engine's native
/// JSON parser, several times cheaper than building the object property by property from
/// wasm. Neither step can fail on plain data; the panics say so without formatting the error
/// (which would bring its `Debug` into the wasm).
/// Node ids from JavaScript values (None for a value that is not a number): None when any
/// is not a number of 0 or more.
fn node_ids(values: impl Iterator<Item = Option<f64>>) -> Option<Vec<u64>> {
    values
        .map(|v| v.filter(|x| *x >= 0.0).map(|x| x as u64))
        .collect()
}

fn json_to_js(text: serde_json::Result<String>) -> JsValue {
    let text = text.unwrap_or_else(|_| panic!("plain data serializes"));
    js_sys::JSON::parse(&text).unwrap_or_else(|_| panic!("JSON.parse reads serde_json's text"))
}

/// Rust-side helpers (also used by native tests).
impl Sim {
    /// `[from_us, to_us)` clamped to the run so far (NaN and negative times read as 0).
    pub fn window(&self, from_us: f64, to_us: f64) -> raft_sim::diagram::Window {
        let now = self.runner.engine.cluster().now().saturating_add(1);
        let at = |t: f64| if t > 0.0 { (t as u64).min(now) } else { 0 };
        let (from, to) = (at(from_us), at(to_us));
        raft_sim::diagram::Window {
            from,
            to: to.max(from),
        }
    }

    pub fn from_options(opts: &Options) -> Result<Sim, OptionsError> {
        let cfg = opts.to_config(fresh_seed)?;
        Sim::build(Scenario::default(), cfg).map_err(|e| OptionsError::new(None, words(&e)))
    }

    pub fn from_script(text: &str) -> Result<Sim, ScenarioError> {
        Sim::from_scenario_parsed(raft_sim::scenario::parse(text)?)
    }

    fn from_scenario_parsed(scenario: Scenario) -> Result<Sim, ScenarioError> {
        // Settings that parse but do not make a valid cluster: the parser has no position
        // for these.
        let whole = |e: SimConfigError| ScenarioError {
            line: None,
            column: None,
            message: words(&e),
        };
        let mut cfg = config_for(&scenario).map_err(whole)?;
        cfg.log_capacity = 2_000;
        Sim::build(scenario, cfg).map_err(whole)
    }

    fn build(scenario: Scenario, cfg: SimConfig) -> Result<Sim, SimConfigError> {
        let runner = Runner::on(Timeline::new(cfg.clone())?, &scenario);
        let steps = scenario
            .steps
            .iter()
            .filter(|s| matches!(s.action, Action::Pause(_)))
            .count();
        let script = ScriptState {
            steps,
            ..ScriptState::default()
        };
        let mut sim = Sim {
            runner,
            cfg,
            scenario,
            script,
        };
        // Lines due at time 0 run at once.
        sim.advance_by(0);
        Ok(sim)
    }

    fn advance_by(&mut self, dt: u64) {
        let target = self.runner.engine.now().saturating_add(dt);
        if self.script.waiting || self.script.finished || self.script.error.is_some() {
            self.runner.engine.run_until(target);
            return;
        }
        match self.runner.advance_to(target) {
            Ok(Some(Stop::Pause { line, text })) => {
                self.script.step += 1;
                self.script.at.push(self.runner.engine.now() as f64);
                self.script.reached.push((line, text.clone()));
                self.script.text = text;
                self.script.line = line;
                self.script.waiting = true;
            }
            Ok(Some(Stop::Finished)) => self.script.finished = !self.scenario.steps.is_empty(),
            Ok(None) => {}
            Err(e) => self.script.error = Some(e.to_string()),
        }
        self.script.failures = self
            .runner
            .failures()
            .iter()
            .map(|f| f.to_string())
            .collect();
    }

    /// Rebuilds the run from the script and plays it (instantly) to the `step`-th pause.
    fn goto(&mut self, step: usize) -> Result<(), CommandError> {
        if step == 0 || step > self.script.steps {
            return Err(CommandError::new(
                Some("step"),
                format!(
                    "step {step} does not exist: this script has steps 1..={}",
                    self.script.steps
                ),
            ));
        }
        let mut fresh = Sim::build(self.scenario.clone(), self.cfg.clone())
            .map_err(|e| CommandError::new(None, words(&e)))?;
        while fresh.script.step < step {
            if let Some(e) = fresh.script.error.take() {
                return Err(CommandError::new(None, e));
            }
            if fresh.script.finished {
                return Err(CommandError::new(
                    None,
                    format!("the script ended before step {step}"),
                ));
            }
            fresh.script.waiting = false;
            fresh.advance_by(u64::MAX / 4);
        }
        *self = fresh;
        Ok(())
    }

    pub fn script_state(&self) -> &ScriptState {
        &self.script
    }

    /// Carries out a command; a refusal names the action's property at fault.
    pub fn act(&mut self, command: Command) -> Result<(), CommandError> {
        self.runner.engine.apply(command).map_err(options::refused)
    }

    pub fn timeline_mut(&mut self) -> &mut Timeline {
        &mut self.runner.engine
    }

    pub fn timeline(&self) -> &Timeline {
        &self.runner.engine
    }

    fn step_visible(&mut self) -> bool {
        let lines = self.runner.engine.cluster().trace().total();
        // A bounded number of ticks: a quiet cluster may tick for long before anything shows.
        for _ in 0..100_000 {
            match self.runner.engine.step() {
                None => return false,
                Some(raft_sim::Happened::Delivered { .. }) => return true,
                Some(_) if self.runner.engine.cluster().trace().total() > lines => return true,
                Some(_) => {}
            }
        }
        true
    }
}

/// A fixed run used to check that wasm and native builds agree bit for bit: the same seed
/// and actions must give the same trace hash everywhere.
pub fn reference_run() -> (String, String) {
    let opts = Options {
        nodes: Some(5),
        seed: Some("42".into()),
        ..Options::default()
    };
    let mut sim = Sim::from_options(&opts).expect("valid options");
    sim.runner.engine.run_until(1_500_000);
    let leader = sim.runner.engine.cluster().leader().unwrap_or(1);
    let steps = [
        Command::Request {
            via: None,
            op: KvOp::Set {
                key: "x".into(),
                value: "1".into(),
            },
        },
        Command::Crash(leader.into()),
        Command::Partition(vec![vec![1, 2]]),
        Command::Heal,
        Command::Restart(leader.into()),
        Command::Request {
            via: Some(2.into()),
            op: KvOp::Del { key: "y".into() },
        },
    ];
    for c in steps {
        sim.runner.engine.advance(700_000);
        let _ = sim.act(c);
    }
    sim.runner.engine.advance(3_000_000);
    (
        sim.trace_hash(),
        format!(
            "{} lines, leader {:?}",
            sim.runner.engine.cluster().trace().total(),
            sim.runner.engine.cluster().leader()
        ),
    )
}

/// The trace hash of `reference_run`, computed natively; the wasm test asserts the same.
pub const REFERENCE_HASH: &str = "509ba61c68bc12cc";

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::command::MemberChange;
    use raft_sim::Target;

    /// The term of leader `id`'s entry at index 2.
    fn c_term(sim: &Sim, id: u64) -> u64 {
        let c = sim.runner.engine.cluster();
        c.node(id).unwrap().log().term(2).unwrap()
    }

    /// Two leaders, one cut off in an older term: "why isn't index 2 committed?" of node
    /// 3's entry is answered by 3 (its own term-1 entry, held by 3 and 4), not by the
    /// cluster's leader, whose entry 2 is another.
    #[test]
    fn why_not_committed_is_answered_by_the_rows_own_leader() {
        let script = "nodes 5\nseed 7\ncheckquorum off\ncampaign 3\nrun 300ms\npartition {3,4} {1,2,5}\nrequest set a=1 via 3\nrun 1500ms\nrequest set b=2 via leader\nrun 300ms\n";
        let mut sim = Sim::from_script(script).unwrap();
        sim.advance_by(2_100_000);
        let c = sim.runner.engine.cluster();
        let new = c.leader().unwrap();
        assert!(
            new != 3 && c.node(3).unwrap().role() == Role::Leader,
            "two leaders"
        );
        let own = sim.commit_status(2.0, Some(3.0)).unwrap();
        assert!(
            own.contains("3") && own.contains("4") && !own.contains("is committed"),
            "{own}"
        );
        assert_eq!(
            sim.commit_status(2.0, Some(4.0)),
            Some(own.clone()),
            "4 follows 3"
        );
        let cluster = sim.commit_status(2.0, None).unwrap();
        assert!(cluster.contains("is committed"), "{cluster}");
        // Healed: 3 and 4 hear of the new term before their term-1 entry is replaced; the
        // answer for it then says it will be.
        sim.act(Command::Heal).unwrap();
        let mut told = None;
        for _ in 0..200 {
            sim.advance_by(500);
            if let Some(t) = sim
                .commit_status(2.0, Some(4.0))
                .filter(|t| t.contains("replaces"))
            {
                told = Some(t);
                break;
            }
        }
        let told = told.expect("a moment where 4 follows the new leader with its old entry");
        let term = c_term(&sim, new);
        assert_eq!(
            told,
            format!("leader {new} holds an entry of term {term} at index 2, not this one (term 1): it will not commit, and 4 replaces it once it hears from {new}")
        );
    }

    /// The tour's membership chapter to its eighth stop (node 2, replaced while down, back
    /// and campaigning at term 10), then its leader crashed: no leader, and the configuration
    /// shown is the cluster's ({3,4,5,6}), not the removed node's old one.
    #[test]
    fn with_no_leader_the_configuration_shown_is_the_newest_applied() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../www/scenarios/tour/9-membership.txt");
        let text = std::fs::read_to_string(path).unwrap();
        let mut script = String::new();
        let mut pauses = 0;
        for line in text.lines() {
            // (Its expectations count lines since the last pause: left out with them.)
            if line.starts_with("pause ") {
                pauses += 1;
                if pauses == 8 {
                    break;
                }
                continue;
            }
            if line.starts_with("expect ") {
                continue;
            }
            script.push_str(line);
            script.push('\n');
        }
        script.push_str("crash leader\nrun 1ms\n");
        let report = raft_sim::scenario::cli::run_source(&script, false);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let c = report.cluster.as_ref().expect("ran");
        assert_eq!(c.leader(), None);
        let removed = c.server(2).unwrap().node().unwrap();
        assert!(
            removed.term() > c.server(4).unwrap().node().unwrap().term(),
            "node 2 campaigned on"
        );
        let conf = view::conf_view(c, 0);
        assert_eq!(conf.voters, [3, 4, 5, 6]);
        assert_eq!(view::member_of(&conf, c.server(2).unwrap()), "removed");
    }

    #[test]
    fn reference_run_is_stable() {
        let (a, _) = reference_run();
        let (b, _) = reference_run();
        assert_eq!(a, b);
        assert_eq!(
            a, REFERENCE_HASH,
            "the reference run changed: update REFERENCE_HASH if on purpose"
        );
    }

    #[test]
    fn bad_options_name_the_option_at_fault() {
        let bad = [
            (
                Options {
                    nodes: Some(0),
                    ..Options::default()
                },
                "nodes",
                "nodes must be between 1 and 51, got 0",
            ),
            (
                Options {
                    nodes: Some(52),
                    ..Options::default()
                },
                "nodes",
                "nodes must be between 1 and 51, got 52",
            ),
            (
                Options {
                    seed: Some("zzz".into()),
                    ..Options::default()
                },
                "seed",
                "seed must be a whole number from 0 to 18446744073709551615 (or 0x-hex), got \"zzz\"",
            ),
            (
                Options {
                    loss: Some(2.0),
                    ..Options::default()
                },
                "loss",
                "loss must be a probability between 0 and 1, got 2",
            ),
            (
                Options {
                    election_ms: Some(1.0),
                    ..Options::default()
                },
                "electionMs",
                "electionMs must be between 10 and 60000 ms, got 1",
            ),
            (
                Options {
                    election_ms: Some(100.0),
                    heartbeat_ms: Some(100.0),
                    ..Options::default()
                },
                "heartbeatMs",
                "the heartbeat interval (100 ms) must be shorter than the election timeout (100 ms)",
            ),
            (
                Options {
                    election_ms: Some(10.0),
                    ..Options::default()
                },
                "electionMs",
                "the heartbeat interval (10 ms) must be shorter than the election timeout (10 ms)",
            ),
            (
                Options {
                    latency_min_ms: Some(50.0),
                    ..Options::default()
                },
                "latencyMinMs",
                "latencyMinMs (50 ms) must not be above latencyMaxMs (30 ms)",
            ),
            (
                Options {
                    latency_max_ms: Some(20_000.0),
                    ..Options::default()
                },
                "latencyMaxMs",
                "latencyMaxMs must be between 0 and 10000 ms, got 20000",
            ),
        ];
        for (o, field, want) in bad {
            let e = Sim::from_options(&o).err().expect("rejected");
            assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
            assert_eq!(e.message, want, "the message, word for word");
            assert_eq!(error::Error::from(e).name(), "OptionsError");
        }
        assert!(Sim::from_options(&Options::default()).is_ok());
    }

    #[test]
    fn the_property_names_are_those_the_page_sends() {
        use read::Fields;
        let names = "nodes seed prevote checkquorum electionMs heartbeatMs latencyMinMs latencyMaxMs loss snapshotEvery logCapacity";
        assert_eq!(Options::NAMES.join(" "), names);
        let names = "op node groups via key value id latencyMinMs latencyMaxMs loss learner add remove explicit";
        assert_eq!(ActionFields::NAMES.join(" "), names);
    }

    fn fields(op: &str) -> ActionFields {
        ActionFields {
            op: Some(op.into()),
            ..ActionFields::default()
        }
    }

    #[test]
    fn a_malformed_action_names_the_property_at_fault() {
        let cases = [
            (ActionFields::default(), "op", "needs an op"),
            (fields("explode"), "op", "unknown op \"explode\""),
            (fields("crash"), "node", "crash needs node"),
            (fields("partition"), "groups", "partition needs groups"),
            (fields("request"), "key", "request needs key"),
            (
                ActionFields {
                    node: Some(2.into()),
                    ..fields("heal")
                },
                "node",
                "heal takes no node",
            ),
            (
                ActionFields {
                    latency_min_ms: Some(1.0),
                    latency_max_ms: Some(2.0),
                    ..fields("network")
                },
                "loss",
                "network needs loss",
            ),
            (
                ActionFields {
                    key: Some("1x".into()),
                    ..fields("request")
                },
                "key",
                "a key is a letter",
            ),
            (
                ActionFields {
                    latency_min_ms: Some(5.0),
                    latency_max_ms: Some(1.0),
                    loss: Some(0.0),
                    ..fields("network")
                },
                "latencyMinMs",
                "must not be above latencyMaxMs",
            ),
            (
                ActionFields {
                    latency_min_ms: Some(1.0),
                    latency_max_ms: Some(5.0),
                    loss: Some(1.5),
                    ..fields("network")
                },
                "loss",
                "loss",
            ),
            // "leader" names no node these could act on; each says why.
            (
                ActionFields {
                    node: Some(Target::Leader),
                    ..fields("restart")
                },
                "node",
                "restart needs a node id, not \"leader\": a crashed node is never the leader",
            ),
            (
                ActionFields {
                    node: Some(Target::Leader),
                    ..fields("transfer")
                },
                "node",
                "transfer needs a node id, not \"leader\"",
            ),
            (
                ActionFields {
                    node: Some(Target::Leader),
                    ..fields("promote")
                },
                "node",
                "promote needs a node id, not \"leader\"",
            ),
            (
                ActionFields {
                    node: Some(Target::Leader),
                    ..fields("add")
                },
                "node",
                "add needs a node id, not \"leader\": a new node takes the next id",
            ),
        ];
        let link = raft_sim::LinkConfig::default();
        for (f, field, want) in cases {
            let e = f.into_command(&link).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
            assert!(e.message.contains(want), "{e:?} should contain {want:?}");
        }
        let ok = ActionFields {
            node: Some(3.into()),
            ..fields("crash")
        };
        assert_eq!(ok.into_command(&link).unwrap(), Command::Crash(3.into()));
        // The ops whose command takes a target take the leader, as the scenario language's
        // `crash leader` and `remove leader` do.
        let leader = |op: &str| ActionFields {
            node: Some(Target::Leader),
            ..fields(op)
        };
        for (op, want) in [
            ("crash", Command::Crash(Target::Leader)),
            ("campaign", Command::Campaign(Target::Leader)),
            ("isolate", Command::Isolate(Target::Leader)),
            (
                "remove",
                Command::Member(MemberChange::Remove(Target::Leader)),
            ),
        ] {
            assert_eq!(leader(op).into_command(&link).unwrap(), want, "{op}");
        }
        let request = ActionFields {
            via: Some(2.into()),
            key: Some("x".into()),
            ..fields("request")
        };
        assert_eq!(
            request.into_command(&link).unwrap(),
            Command::Request {
                via: Some(2.into()),
                op: KvOp::Del { key: "x".into() }
            }
        );
    }

    #[test]
    fn a_refused_command_names_the_argument_at_fault() {
        let mut sim = three_nodes_after_a_second();
        let field = |sim: &mut Sim, c: Command| {
            let e = sim.act(c).unwrap_err();
            assert_eq!(error::Error::from(e.clone()).name(), "CommandError");
            e.field
        };
        let f = field(&mut sim, Command::Crash(9.into()));
        assert_eq!(f.as_deref(), Some("node"));
        sim.act(Command::Crash(2.into())).unwrap();
        assert_eq!(
            field(&mut sim, Command::Crash(2.into())).as_deref(),
            Some("node")
        );
        assert_eq!(
            field(&mut sim, Command::Campaign(2.into())).as_deref(),
            Some("node")
        );
        let del = || KvOp::Del { key: "x".into() };
        let via_down = Command::Request {
            via: Some(2.into()),
            op: del(),
        };
        assert_eq!(field(&mut sim, via_down).as_deref(), Some("via"));
        let groups = Command::Partition(vec![vec![1], vec![1]]);
        assert_eq!(field(&mut sim, groups).as_deref(), Some("groups"));
        assert_eq!(
            field(&mut sim, Command::DropMessage(1 << 40)).as_deref(),
            Some("id")
        );
        // With no leader, nothing the reader gave was wrong: no field.
        sim.act(Command::Crash(1.into())).ok();
        sim.act(Command::Crash(3.into())).ok();
        let no_leader = Command::Request {
            via: None,
            op: del(),
        };
        assert_eq!(field(&mut sim, no_leader), None);
        assert_eq!(field(&mut sim, Command::Transfer(2.into())), None);
    }

    /// Three nodes (seed 4) one simulated second in: a leader is elected by then.
    fn three_nodes_after_a_second() -> Sim {
        let opts = Options {
            nodes: Some(3),
            seed: Some("4".into()),
            ..Options::default()
        };
        let mut sim = Sim::from_options(&opts).unwrap();
        sim.runner.engine.run_until(1_000_000);
        sim
    }

    fn frame_json(sim: &Sim) -> serde_json::Value {
        let f = view::frame(sim.timeline().cluster(), 0, u64::MAX, true);
        serde_json::to_value(&f).unwrap()
    }

    /// The motion (motion.rs) read back, field by field, as the page reads it.
    fn decode_motion(m: &[f64]) -> serde_json::Value {
        use serde_json::json;
        let names_kinds = motion::kinds();
        let (n, k) = (m[5] as usize, m[6] as usize);
        let mut at = motion::HEADER;
        let mut nodes = Vec::new();
        for _ in 0..n {
            let v = &m[at..];
            let stride = motion::NODE_STRIDE;
            let votes: Vec<serde_json::Value> = (0..v[stride - 1] as usize)
                .map(|i| json!([v[stride + 2 * i] as u64, v[stride + 1 + 2 * i] as u64]))
                .collect();
            nodes.push(json!({
                "id": v[0] as u64, "up": v[1] == 1.0, "role": motion::ROLES[v[2] as usize],
                "term": v[3] as u64, "vote": v[4] as u64, "lead": v[5] as u64,
                "electionElapsed": v[6] as u64, "electionTimeout": v[7] as u64,
                "heartbeatElapsed": v[8] as u64, "heartbeatTick": v[9] as u64,
                "nextTick": v[10], "transferee": v[11] as u64, "commit": v[12] as u64,
                "committedHeld": v[13] as u64, "applied": v[14] as u64,
                "lastIndex": v[15] as u64, "snapIndex": v[16] as u64, "snapTerm": v[17] as u64,
                "votes": votes,
            }));
            at += stride + 2 * v[stride - 1] as usize;
        }
        let mut messages = Vec::new();
        for _ in 0..k {
            let v = &m[at..at + motion::MESSAGE_STRIDE];
            let flags = v[7] as u8;
            messages.push(json!({
                "id": v[0], "from": v[1] as u64, "to": v[2] as u64,
                "kind": names_kinds[v[3] as usize], "term": v[4] as u64, "sent": v[5],
                "deliver": v[6], "lost": flags & 1 != 0, "duplicate": flags & 2 != 0,
                "reject": flags & 4 != 0, "entries": v[8] as u64,
            }));
            at += motion::MESSAGE_STRIDE;
        }
        assert_eq!(at, m.len(), "the motion holds nothing more");
        json!({"now": m[0], "horizon": m[1], "leader": m[2] as u64, "term": m[3] as u64,
               "slowKey": m[4], "nodes": nodes, "messages": messages})
    }

    #[test]
    fn the_motion_says_what_a_light_frame_says() {
        let opts = Options {
            nodes: Some(5),
            seed: Some("7".into()),
            loss: Some(0.1),
            ..Options::default()
        };
        let mut sim = Sim::from_options(&opts).unwrap();
        let mut saw_lost = false;
        let mut saw_votes = false;
        let mut saw_crashed = false;
        for step in 0..400u64 {
            if step == 200 {
                sim.act(Command::Crash(Target::Leader)).unwrap();
            }
            sim.runner.engine.run_until(step * 5_000);
            let (c, horizon) = (sim.timeline().cluster(), sim.runner.engine.horizon());
            let full = serde_json::to_value(view::frame(c, horizon, u64::MAX, false)).unwrap();
            let moved = decode_motion(&sim.motion());
            for key in ["now", "horizon", "leader", "term", "slowKey"] {
                assert_eq!(moved[key], full[key], "{key} at step {step}");
            }
            let nodes = full["nodes"].as_array().unwrap();
            assert_eq!(moved["nodes"].as_array().unwrap().len(), nodes.len());
            for (m, f) in moved["nodes"].as_array().unwrap().iter().zip(nodes) {
                for (key, value) in m.as_object().unwrap() {
                    assert_eq!(value, &f[key], "node {} {key} at step {step}", f["id"]);
                }
                saw_votes |= !f["votes"].as_array().unwrap().is_empty();
                saw_crashed |= f["role"] == "crashed";
            }
            let messages = full["messages"].as_array().unwrap();
            assert_eq!(moved["messages"].as_array().unwrap().len(), messages.len());
            for (m, f) in moved["messages"].as_array().unwrap().iter().zip(messages) {
                for (key, value) in m.as_object().unwrap() {
                    // A JSON message leaves its flags out when false.
                    let want = if f[key].is_null() {
                        &serde_json::Value::Bool(false)
                    } else {
                        &f[key]
                    };
                    assert_eq!(value, want, "message {} {key} at step {step}", f["id"]);
                }
                saw_lost |= m["lost"] == true;
            }
        }
        assert!(
            saw_votes && saw_crashed && saw_lost,
            "the run shows votes, a crashed node and a lost message"
        );
    }

    #[test]
    fn rows_are_the_nodes_a_detailed_frame_shows() {
        let mut sim = three_nodes_after_a_second();
        for i in 0..5 {
            sim.act(Command::Request {
                via: None,
                op: KvOp::Set {
                    key: format!("k{i}"),
                    value: i.to_string(),
                },
            })
            .unwrap();
        }
        sim.runner.engine.run_until(1_300_000);
        let leader = sim.timeline().cluster().leader().unwrap();
        let follower = if leader == 1 { 2 } else { 1 };
        sim.act(Command::Crash(follower.into())).unwrap();
        let c = sim.timeline().cluster();
        let full = serde_json::to_value(view::frame(c, 0, u64::MAX, true)).unwrap();
        let nodes = full["nodes"].as_array().unwrap();
        // Asked in any order, with an unknown id: the nodes known, in the cluster's order.
        let rows = serde_json::to_value(view::rows(c, &[3, 9, 1, 2])).unwrap();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 3);
        for (row, node) in rows.iter().zip(nodes) {
            assert_eq!(row, node, "node {}", node["id"]);
        }
        let leader_row = &rows[(leader - 1) as usize];
        assert!(
            !leader_row["log"].as_array().unwrap().is_empty(),
            "the log is in"
        );
        assert!(
            !leader_row["kv"].as_array().unwrap().is_empty(),
            "the store is in"
        );
        assert!(
            !leader_row["progress"].as_array().unwrap().is_empty(),
            "the progress is in"
        );
        assert_eq!(rows[(follower - 1) as usize]["role"], "crashed");
    }

    #[test]
    fn the_slow_key_changes_with_what_the_motion_leaves_out() {
        let mut sim = three_nodes_after_a_second();
        let key = |sim: &Sim| sim.motion()[4];
        let before = key(&sim);
        sim.runner.engine.run_until(1_200_000);
        assert_eq!(key(&sim), before, "time passing alone keeps the key");
        let leader = sim.timeline().cluster().leader().unwrap();
        sim.act(Command::Isolate(leader.into())).unwrap();
        let cut = key(&sim);
        assert_ne!(cut, before, "a partition changes it");
        sim.act(Command::Heal).unwrap();
        assert_eq!(key(&sim), before, "healed, the key is the one before");
    }

    #[test]
    fn a_frames_metrics_keep_fabrics_names() {
        // The metrics view reads `frame.metrics.cluster_size` and the like.
        let sim = Sim::from_options(&Options::default()).unwrap();
        let json = frame_json(&sim);
        let mut keys: Vec<&str> = json["metrics"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "active_nodes",
                "cluster_size",
                "committed_block",
                "committed_index",
                "config_proposals_received",
                "is_leader",
                "leader_changes",
                "learners",
                "messages",
                "normal_proposals_received",
                "proposal_failures",
                "snapshot_block",
                "snapshot_index"
            ]
        );
        assert_eq!(json["metrics"]["cluster_size"], 5);
    }

    #[test]
    fn a_request_lost_in_a_partition_stops_being_pending() {
        let opts = Options {
            seed: Some("11".into()),
            ..Options::default()
        };
        let mut sim = Sim::from_options(&opts).unwrap();
        sim.timeline_mut().run_until(1_500_000);
        let leader = sim.timeline().cluster().leader().unwrap();
        sim.act(Command::Isolate(leader.into())).unwrap();
        sim.act(Command::Request {
            via: None,
            op: KvOp::Set {
                key: "x".into(),
                value: "1".into(),
            },
        })
        .unwrap();
        let requests = |sim: &Sim| frame_json(sim)["requests"].clone();
        assert_eq!(requests(&sim)["pending"], 1);
        sim.timeline_mut().advance(400_000);
        sim.act(Command::Heal).unwrap();
        sim.timeline_mut().advance(2_000_000);
        assert_eq!(
            requests(&sim),
            serde_json::json!({"pending": 0, "committed": 0, "rejected": 1, "timedOut": 1})
        );
    }

    #[test]
    fn a_restarted_node_still_holds_what_the_cluster_committed() {
        let opts = Options {
            seed: Some("12".into()),
            ..Options::default()
        };
        let mut sim = Sim::from_options(&opts).unwrap();
        sim.timeline_mut().run_until(1_500_000);
        for i in 0..3 {
            sim.act(Command::Request {
                via: None,
                op: KvOp::Set {
                    key: "k".into(),
                    value: i.to_string(),
                },
            })
            .unwrap();
            sim.timeline_mut().advance(100_000);
        }
        let c = sim.timeline().cluster();
        let leader = c.leader().unwrap();
        let committed = c.node(leader).unwrap().commit();
        assert!(committed >= 4, "{committed}");
        let follower = (1..=5).find(|&n| n != leader).unwrap();
        let node = |sim: &Sim, id: u64| frame_json(sim)["nodes"][(id - 1) as usize].clone();
        let n = node(&sim, leader);
        assert_eq!(
            (n["commit"].clone(), n["committedHeld"].clone()),
            (committed.into(), committed.into())
        );
        sim.act(Command::Crash(follower.into())).unwrap();
        let n = node(&sim, follower);
        assert_eq!(
            (n["up"].clone(), n["commit"].clone()),
            (false.into(), 0.into())
        );
        assert_eq!(n["committedHeld"], committed);
        sim.act(Command::Restart(follower.into())).unwrap();
        let n = node(&sim, follower);
        assert_eq!(
            (n["up"].clone(), n["commit"].clone()),
            (true.into(), 0.into())
        );
        assert_eq!(n["committedHeld"], committed);
    }

    const SCRIPT: &str = "nodes 3\nseed 4\ncampaign 1\nrun 300ms\npause \"1 leads\"\nexpect leader == 1\ncrash 1\nrun 1s\npause \"someone else leads\"\nexpect leader != 1\nrestart 1\nrun 1s\npause \"1 follows\"\nexpect role 1 == follower\n";

    #[test]
    fn a_script_stops_at_each_pause_until_continued() {
        let mut sim = Sim::from_script(SCRIPT).unwrap();
        assert_eq!(sim.script.steps, 3);
        sim.advance_by(1_000_000);
        assert_eq!((sim.script.step, sim.script.waiting), (1, true));
        assert_eq!(sim.script.text, "1 leads");
        // While waiting, time passes but the script does not move on.
        sim.advance_by(2_000_000);
        assert_eq!(sim.script.step, 1);
        assert!(sim.runner.engine.cluster().server(1).unwrap().is_up());
        sim.continue_script();
        sim.advance_by(2_000_000);
        assert_eq!(sim.script.step, 2);
        assert!(!sim.runner.engine.cluster().server(1).unwrap().is_up());
        sim.continue_script();
        sim.advance_by(5_000_000);
        sim.continue_script();
        sim.advance_by(1_000);
        assert!(sim.script.finished);
        assert!(sim.script.failures.is_empty(), "{:?}", sim.script.failures);
    }

    /// The translations of etcd raft's tests drive nodes by hand (ticks, deliveries, messages
    /// made by hand, starting states): the page runs them as `raftsim run` does, to the same
    /// trace.
    #[test]
    fn etcd_translations_run_in_the_page_as_natively() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios/etcd");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(files.len() >= 30, "{files:?}");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let mut sim = Sim::from_script(&text).unwrap_or_else(|e| panic!("{f:?}: {e:?}"));
            sim.advance_by(10_000_000);
            let s = &sim.script;
            assert!(s.finished && s.error.is_none(), "{f:?}: {:?}", s.error);
            assert!(s.failures.is_empty(), "{f:?}: {:?}", s.failures);
            let native = raft_sim::scenario::cli::run_source(&text, false);
            let native = native.cluster.expect("ran").trace_hash();
            assert_eq!(sim.runner.engine.cluster().trace_hash(), native, "{f:?}");
        }
    }

    #[test]
    fn going_back_a_step_restores_that_state_exactly() {
        let mut a = Sim::from_script(SCRIPT).unwrap();
        a.goto(2).unwrap();
        let at_two = a.runner.engine.cluster().trace_hash();
        a.continue_script();
        a.advance_by(3_000_000);
        a.act(Command::Crash(2.into())).unwrap();
        a.goto(2).unwrap();
        assert_eq!(a.runner.engine.cluster().trace_hash(), at_two);
        // The same state as a reader who played through frame by frame, pressing Continue
        // at each pause (the page stops the clock at a pause).
        let mut b = Sim::from_script(SCRIPT).unwrap();
        while b.script.step < 1 {
            b.advance_by(16_667);
        }
        b.continue_script();
        while b.script.step < 2 {
            b.advance_by(16_667);
        }
        assert_eq!(b.runner.engine.cluster().trace_hash(), at_two);
        let e = a.goto(4).unwrap_err();
        assert!(e.message.contains("steps 1..=3"), "{e:?}");
        assert_eq!(e.field.as_deref(), Some("step"));
    }

    #[test]
    fn each_pause_reached_keeps_its_time_line_and_text() {
        let mut a = Sim::from_script(SCRIPT).unwrap();
        a.goto(3).unwrap();
        let s = &a.script;
        assert_eq!(s.at, [300_000.0, 1_300_000.0, 2_300_000.0]);
        let texts: Vec<&str> = s.reached.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["1 leads", "someone else leads", "1 follows"]);
        assert_eq!(s.reached[0].0, 5, "the first pause's line");
        // A step back rebuilds the run: only the pauses reached again are kept.
        a.goto(1).unwrap();
        assert_eq!(a.script.at, [300_000.0]);
        assert_eq!(a.script.reached.len(), 1);
    }

    #[test]
    fn a_bad_script_names_line_and_column() {
        let e = Sim::from_script("nodes 3\ncrsh 2\n").err().unwrap();
        assert!(e.message.contains("line 2, column 1"), "{e}");
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        assert_eq!(error::Error::from(e).name(), "ScenarioError");
        // The parser checks the settings too, with their position.
        let e = Sim::from_script("election-timeout 5\nheartbeat 5\n")
            .err()
            .unwrap();
        assert_eq!((e.line, e.column), (Some(2), Some(11)), "{e:?}");
        // And the lines that drive the cluster by hand.
        let e = Sim::from_script("nodes 3\nmanual on\nsend MsgApp 1->2 commit 1\n")
            .err()
            .unwrap();
        assert_eq!((e.line, e.column), (Some(3), Some(26)), "{e:?}");
        assert!(e.message.contains("expected \"term\""), "{e:?}");
        let e = Sim::from_script("nodes 3\nexpect progress 1->2 mach == 1\n")
            .err()
            .unwrap();
        assert_eq!((e.line, e.column), (Some(2), Some(22)), "{e:?}");
    }

    #[test]
    fn exported_script_replays_the_session() {
        let opts = Options {
            nodes: Some(3),
            seed: Some("9".into()),
            ..Options::default()
        };
        let mut sim = Sim::from_options(&opts).unwrap();
        sim.runner.engine.run_until(1_000_000);
        sim.act(Command::Request {
            via: None,
            op: KvOp::Set {
                key: "k".into(),
                value: "v w".into(),
            },
        })
        .unwrap();
        sim.runner.engine.run_until(2_000_000);
        sim.act(Command::Isolate(1.into())).unwrap();
        sim.runner.engine.run_until(3_000_000);
        let script = sim.export_script();
        let parsed = raft_sim::scenario::parse(&script).expect("the export parses");
        let mut runner = raft_sim::scenario::run::Runner::new(&parsed).unwrap();
        runner.run().unwrap();
        runner.engine.run_until(3_000_000);
        assert_eq!(
            runner.engine.trace_hash(),
            sim.runner.engine.cluster().trace_hash(),
            "{script}"
        );
    }

    #[test]
    fn membership_actions_change_the_configuration_a_frame_shows() {
        let link = raft_sim::LinkConfig::default();
        let add = ActionFields {
            node: Some(4.into()),
            learner: Some(true),
            ..fields("add")
        };
        assert_eq!(
            add.into_command(&link).unwrap(),
            Command::Member(MemberChange::Add {
                node: 4,
                learner: true
            })
        );
        let change = ActionFields {
            add: Some(vec![4]),
            remove: Some(vec![1]),
            explicit: Some(true),
            ..fields("change")
        };
        assert_eq!(
            change.into_command(&link).unwrap(),
            Command::Member(MemberChange::Joint {
                add: vec![4],
                remove: vec![1],
                explicit: true
            })
        );
        let e = fields("change").into_command(&link).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("add"));
        let e = ActionFields {
            node: Some(2.into()),
            ..fields("leave-joint")
        }
        .into_command(&link)
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("node"));

        let mut sim = three_nodes_after_a_second();
        let json = frame_json(&sim);
        assert_eq!(json["conf"]["voters"], serde_json::json!([1, 2, 3]));
        assert_eq!(json["conf"]["joint"], false);
        assert_eq!(json["nodes"][0]["member"], "voter");
        let cmd = |f: ActionFields| f.into_command(&link).unwrap();
        sim.act(cmd(ActionFields {
            node: Some(4.into()),
            learner: Some(true),
            ..fields("add")
        }))
        .unwrap();
        assert_eq!(frame_json(&sim)["nodes"][3]["member"], "joining");
        sim.runner.engine.run_until(2_000_000);
        let json = frame_json(&sim);
        assert_eq!(json["conf"]["learners"], serde_json::json!([4]));
        assert_eq!(json["nodes"][3]["member"], "learner");
        let conf_entry = json["nodes"][0]["log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e[2].as_str().unwrap().starts_with("conf "));
        assert!(conf_entry, "{}", json["nodes"][0]["log"]);
        sim.act(cmd(ActionFields {
            add: Some(vec![4]),
            remove: Some(vec![1]),
            explicit: Some(true),
            ..fields("change")
        }))
        .unwrap();
        sim.runner.engine.run_until(3_000_000);
        let json = frame_json(&sim);
        assert_eq!(json["conf"]["joint"], true, "{}", json["conf"]);
        assert_eq!(json["conf"]["voters"], serde_json::json!([2, 3, 4]));
        assert_eq!(json["conf"]["outgoing"], serde_json::json!([1, 2, 3]));
        // A second change waits for the joint configuration to be left.
        let refused = sim.act(cmd(ActionFields {
            node: Some(2.into()),
            ..fields("remove")
        }));
        assert!(refused.is_err());
        sim.act(cmd(fields("leave-joint"))).unwrap();
        sim.runner.engine.run_until(5_000_000);
        let json = frame_json(&sim);
        assert_eq!(json["conf"]["joint"], false, "{}", json["conf"]);
        assert_eq!(json["conf"]["voters"], serde_json::json!([2, 3, 4]));
        assert_eq!(json["nodes"][0]["member"], "removed");
    }

    /// A reader's session as the page drives it: frames of 1/60 s, with each action given
    /// between two frames once simulated time has reached its moment.
    fn play(sim: &mut Sim, actions: &[(u64, ActionFields)], until: u64) -> Vec<bool> {
        let mut done = Vec::new();
        let mut next = actions.iter().peekable();
        while sim.runner.engine.now() < until {
            while let Some((_, a)) = next.next_if(|(t, _)| *t <= sim.runner.engine.now()) {
                let link = sim.runner.engine.cluster().network().default_link.clone();
                let command = a.clone().into_command(&link).unwrap();
                done.push(sim.act(command).is_ok());
            }
            let dt = 16_667.min(until - sim.runner.engine.now());
            sim.advance_by(dt);
        }
        done
    }

    /// The exported script, replayed to the time of the export, has the session's trace hash
    /// (what the Export dialog says): in the page's build and natively.
    fn assert_export_replays(sim: &Sim) {
        let script = sim.export_script();
        let now = sim.runner.engine.now();
        let hash = sim.runner.engine.cluster().trace_hash();
        let mut replay = Sim::from_script(&script).expect("the export parses");
        while replay.runner.engine.now() < now {
            replay.continue_script();
            let dt = 16_667.min(now - replay.runner.engine.now());
            replay.advance_by(dt);
        }
        assert!(
            replay.script.error.is_none(),
            "{:?}\n{script}",
            replay.script.error
        );
        assert_eq!(
            replay.runner.engine.cluster().trace_hash(),
            hash,
            "{script}"
        );
        let parsed = raft_sim::scenario::parse(&script).expect("the export parses");
        let mut runner = raft_sim::scenario::run::Runner::new(&parsed).unwrap();
        runner.run().unwrap();
        runner.engine.run_until(now);
        assert_eq!(runner.engine.trace_hash(), hash, "{script}");
    }

    fn seven() -> Sim {
        let opts = Options {
            seed: Some("7".into()),
            ..Options::default()
        };
        Sim::from_options(&opts).unwrap()
    }

    #[test]
    fn an_export_after_a_refused_membership_change_replays_the_session() {
        let mut sim = seven();
        let change = ActionFields {
            add: Some(vec![]),
            remove: Some(vec![1]),
            explicit: Some(true),
            ..fields("change")
        };
        let add = ActionFields {
            node: Some(6.into()),
            ..fields("add")
        };
        let done = play(&mut sim, &[(800_000, change), (1_000_000, add)], 2_100_000);
        assert_eq!(done, [true, false], "the add is refused while joint");
        assert_export_replays(&sim);
    }

    #[test]
    fn an_export_after_network_changes_replays_the_session() {
        let mut sim = seven();
        let network = |latency: f64, loss: f64| ActionFields {
            latency_min_ms: Some(latency),
            latency_max_ms: Some(latency),
            loss: Some(loss),
            ..fields("network")
        };
        let actions = [
            (900_000, network(120.0, 0.0)),
            (1_200_000, network(120.0, 0.2)),
            // Two settings at once, and a loss finer than a scenario writes.
            (2_000_000, network(45.0, 7.0 * 0.01)),
            (2_500_000, network(45.0, 0.123_456_789)),
        ];
        let done = play(&mut sim, &actions, 3_500_000);
        assert_eq!(done, [true, true, true, true]);
        assert_export_replays(&sim);
    }

    /// The reader drops, by clicking it, the later of two messages of one kind in flight on
    /// one link: the export names that one (`nth 2`), not the first, and replays the session.
    #[test]
    fn an_export_after_dropping_a_later_message_on_a_link_replays_the_session() {
        let mut sim = seven();
        // Slow links, so that messages of one kind pile up on a link.
        let slow = ActionFields {
            latency_min_ms: Some(40.0),
            latency_max_ms: Some(160.0),
            loss: Some(0.0),
            ..fields("network")
        };
        assert_eq!(play(&mut sim, &[(0, slow)], 1_200_000), [true]);
        // Frame by frame until two of a kind are in flight on one link; the later one.
        let later = loop {
            let c = sim.runner.engine.cluster();
            let mut v: Vec<&raft_sim::InFlight> = c.in_flight().collect();
            raft_sim::network::arrival_order(&mut v);
            let same = |a: &raft_sim::InFlight, b: &raft_sim::InFlight| {
                (a.msg.from, a.msg.to, a.msg.kind()) == (b.msg.from, b.msg.to, b.msg.kind())
            };
            let later = v
                .iter()
                .enumerate()
                .find(|(i, f)| v[..*i].iter().any(|g| same(g, f)))
                .map(|(_, f)| f.id);
            if let Some(id) = later {
                break id;
            }
            assert!(sim.runner.engine.now() < 5_000_000, "never two on a link");
            sim.advance_by(16_667);
        };
        let now = sim.runner.engine.now();
        let drop = ActionFields {
            id: Some(later),
            ..fields("drop")
        };
        let until = now + 1_500_000;
        assert_eq!(play(&mut sim, &[(now, drop)], until), [true]);
        let script = sim.export_script();
        assert!(
            script
                .lines()
                .any(|l| l.contains(" drop Msg") && l.ends_with(" nth 2")),
            "{script}"
        );
        assert_export_replays(&sim);
    }

    /// Every other action the page gives, refused ones among them, replays from the export.
    #[test]
    fn an_export_after_every_kind_of_action_replays_the_session() {
        let mut sim = seven();
        let node = |op: &str, n: u64| ActionFields {
            node: Some(n.into()),
            ..fields(op)
        };
        let leader = |op: &str| ActionFields {
            node: Some(Target::Leader),
            ..fields(op)
        };
        let request = |via: Option<u64>| ActionFields {
            key: Some("x".into()),
            value: Some("1".into()),
            via: via.map(Target::from),
            ..fields("request")
        };
        let add_learner = ActionFields {
            learner: Some(true),
            ..node("add", 6)
        };
        let partition = ActionFields {
            groups: Some(vec![vec![1, 2], vec![3, 4, 5, 6]]),
            ..fields("partition")
        };
        let actions = [
            (500_000, request(None)),
            (600_000, request(Some(2))),
            (700_000, add_learner),
            // Refused by the leader: the first change is not applied yet.
            (700_000, node("promote", 6)),
            (1_200_000, node("promote", 6)),
            (1_300_000, node("transfer", 3)),
            (1_800_000, node("crash", 2)),
            (1_800_000, node("crash", 2)),
            (2_000_000, node("isolate", 4)),
            (2_300_000, fields("heal")),
            (2_400_000, node("restart", 2)),
            (2_500_000, partition),
            (2_900_000, fields("heal")),
            (3_000_000, leader("remove")),
            (3_000_000, node("remove", 5)),
            (3_100_000, node("campaign", 5)),
        ];
        let done = play(&mut sim, &actions, 4_000_000);
        let refused = [3, 7, 14];
        let expected: Vec<bool> = (0..actions.len()).map(|i| !refused.contains(&i)).collect();
        assert_eq!(done, expected);
        assert_export_replays(&sim);
    }
}
