//! The browser's handle on a simulated Raft cluster. JS holds one opaque `Sim` per cluster
//! and makes a few coarse calls per animation frame: `advance`, then `frame` for one
//! snapshot to draw. Commands go in as small plain objects. All protocol state and all
//! randomness stay on the Rust side.

pub mod options;
pub mod view;

use options::{Action, Options};
use raft_core::scenario::run::{config_for, Runner, Stop};
use raft_core::scenario::Scenario;
use raft_core::sim::{SimConfig, Timeline};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // A panic shows its message in the console; the page turns the thrown error into an
    // overlay instead of freezing.
    console_error_panic_hook::set_once();
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

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
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
}

#[wasm_bindgen]
impl Sim {
    /// A new cluster. `options` is a plain object (see `Options`); a bad value throws an
    /// Error whose message names it.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Sim, JsError> {
        let opts: Options = if options.is_undefined() || options.is_null() {
            Options::default()
        } else {
            serde_wasm_bindgen::from_value(options).map_err(js_err)?
        };
        Sim::from_options(&opts).map_err(js_err)
    }

    /// A cluster driven by a scenario script (the language of `raftsim run`). A script that
    /// does not parse throws an Error naming the line and column. `options` may override
    /// the script's settings for display (e.g. `logCapacity`); it may not change the cluster.
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(text: &str) -> Result<Sim, JsError> {
        Sim::from_script(text).map_err(js_err)
    }

    /// Advances simulated time by `dt_us` microseconds. A script runs its lines as they fall
    /// due and stops at a `pause` line (see `script()`); the cluster itself keeps running.
    pub fn advance(&mut self, dt_us: f64) {
        if dt_us.is_finite() && dt_us > 0.0 {
            self.advance_by(dt_us as u64);
        }
    }

    /// Where the script is: `{steps, step, text, line, waiting, finished, failures, error}`.
    pub fn script(&self) -> Result<JsValue, JsError> {
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        self.script.serialize(&ser).map_err(js_err)
    }

    /// Lets the script go on after a pause.
    #[wasm_bindgen(js_name = continueScript)]
    pub fn continue_script(&mut self) {
        self.script.waiting = false;
    }

    /// Puts the run in the exact state of the script's `step`-th pause (1-based): the state
    /// a reader sees when they get there by Continue, whatever they did meanwhile.
    #[wasm_bindgen(js_name = gotoStep)]
    pub fn goto_step(&mut self, step: usize) -> Result<(), JsError> {
        self.goto(step).map_err(js_err)
    }

    /// Advances to the next thing worth seeing: a message arriving, or a line in the log.
    /// Returns false when nothing more can happen.
    #[wasm_bindgen(js_name = stepEvent)]
    pub fn step_event(&mut self) -> bool {
        self.step_visible()
    }

    /// One snapshot of everything to draw, plus log lines numbered `since_line` and later.
    /// `detail` (default true): false leaves out logs, stores and message texts (cheaper);
    /// an array of node ids carries the logs and stores of those nodes only.
    pub fn frame(&self, since_line: f64, detail: JsValue) -> Result<JsValue, JsError> {
        let detail = if detail.is_undefined() || detail.is_null() {
            view::Detail::All
        } else if let Some(all) = detail.as_bool() {
            all.into()
        } else if js_sys::Array::is_array(&detail) {
            let ids = js_sys::Array::from(&detail)
                .iter()
                .map(|v| v.as_f64().filter(|x| *x >= 0.0).map(|x| x as u64))
                .collect::<Option<Vec<u64>>>()
                .ok_or_else(|| {
                    JsError::new("frame: detail must be true, false or an array of node ids")
                })?;
            view::Detail::Nodes(ids)
        } else {
            return Err(JsError::new(
                "frame: detail must be true, false or an array of node ids",
            ));
        };
        let f = view::frame(
            self.runner.engine.cluster(),
            self.runner.engine.horizon(),
            since_line.max(0.0) as u64,
            detail,
        );
        // One string across the boundary, parsed by the engine's native JSON parser: several
        // times cheaper than building the object property by property from wasm.
        let text = serde_json::to_string(&f).map_err(js_err)?;
        js_sys::JSON::parse(&text).map_err(|_| JsError::new("frame: JSON.parse failed"))
    }

    /// Carries out a reader's action, e.g. `{op: "crash", node: 3}`. Throws with a message
    /// when it cannot be done (the run is unchanged).
    pub fn command(&mut self, action: JsValue) -> Result<(), JsError> {
        let action: Action = serde_wasm_bindgen::from_value(action).map_err(js_err)?;
        self.act(&action).map_err(js_err)
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

    /// The metrics in Prometheus text format.
    pub fn prometheus(&self) -> String {
        self.runner.engine.cluster().metrics().prometheus("sim")
    }

    /// The reader's session (settings and actions) as a scenario script.
    #[wasm_bindgen(js_name = exportScript)]
    pub fn export_script(&self) -> String {
        raft_core::scenario::export::export(&self.cfg, self.runner.engine.commands())
    }
}

/// Rust-side helpers (also used by native tests).
impl Sim {
    pub fn from_options(opts: &Options) -> Result<Sim, String> {
        let cfg = opts.to_config(fresh_seed)?;
        Sim::build(Scenario::default(), cfg)
    }

    pub fn from_script(text: &str) -> Result<Sim, String> {
        let scenario = raft_core::scenario::parse(text).map_err(|e| e.to_string())?;
        let mut cfg = config_for(&scenario)?;
        cfg.log_capacity = 2_000;
        Sim::build(scenario, cfg)
    }

    fn build(scenario: Scenario, cfg: SimConfig) -> Result<Sim, String> {
        let runner = Runner::on(Timeline::new(cfg.clone())?, &scenario);
        let steps = scenario
            .steps
            .iter()
            .filter(|s| matches!(s.command, raft_core::scenario::Command::Pause(_)))
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
    fn goto(&mut self, step: usize) -> Result<(), String> {
        if step == 0 || step > self.script.steps {
            return Err(format!(
                "step {step} does not exist: this script has steps 1..={}",
                self.script.steps
            ));
        }
        let mut fresh = Sim::build(self.scenario.clone(), self.cfg.clone())?;
        while fresh.script.step < step {
            if let Some(e) = fresh.script.error.take() {
                return Err(e);
            }
            if fresh.script.finished {
                return Err(format!("the script ended before step {step}"));
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

    pub fn act(&mut self, action: &Action) -> Result<(), String> {
        let cmd = action.to_command(&self.runner.engine.cluster().network().default_link)?;
        self.runner.engine.apply(cmd)
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
                Some(raft_core::sim::Happened::Delivered { .. }) => return true,
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
        Action::Request {
            via: None,
            key: "x".into(),
            value: Some("1".into()),
        },
        Action::Crash { node: leader },
        Action::Partition {
            groups: vec![vec![1, 2]],
        },
        Action::Heal,
        Action::Restart { node: leader },
        Action::Request {
            via: Some(2),
            key: "y".into(),
            value: None,
        },
    ];
    for a in &steps {
        sim.runner.engine.advance(700_000);
        let _ = sim.act(a);
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
    fn bad_options_say_what_is_wrong() {
        let bad = [
            (
                Options {
                    nodes: Some(0),
                    ..Options::default()
                },
                "nodes must be between 1 and 51, got 0",
            ),
            (
                Options {
                    nodes: Some(52),
                    ..Options::default()
                },
                "got 52",
            ),
            (
                Options {
                    seed: Some("zzz".into()),
                    ..Options::default()
                },
                "seed must be a whole number",
            ),
            (
                Options {
                    loss: Some(2.0),
                    ..Options::default()
                },
                "loss must be a probability",
            ),
            (
                Options {
                    election_ms: Some(1.0),
                    ..Options::default()
                },
                "electionMs must be between",
            ),
        ];
        for (o, want) in bad {
            let e = Sim::from_options(&o).err().expect("rejected");
            assert!(e.contains(want), "{e:?} should contain {want:?}");
        }
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

    #[test]
    fn going_back_a_step_restores_that_state_exactly() {
        let mut a = Sim::from_script(SCRIPT).unwrap();
        a.goto(2).unwrap();
        let at_two = a.runner.engine.cluster().trace_hash();
        a.continue_script();
        a.advance_by(3_000_000);
        a.act(&Action::Crash { node: 2 }).unwrap();
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
        assert!(a.goto(4).unwrap_err().contains("steps 1..=3"));
    }

    #[test]
    fn a_bad_script_names_line_and_column() {
        let e = Sim::from_script("nodes 3\ncrsh 2\n").err().unwrap();
        assert!(e.contains("line 2, column 1"), "{e}");
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
        sim.act(&Action::Request {
            via: None,
            key: "k".into(),
            value: Some("v w".into()),
        })
        .unwrap();
        sim.runner.engine.run_until(2_000_000);
        sim.act(&Action::Isolate { node: 1 }).unwrap();
        sim.runner.engine.run_until(3_000_000);
        let script = sim.export_script();
        let parsed = raft_core::scenario::parse(&script).expect("the export parses");
        let mut runner = raft_core::scenario::run::Runner::new(&parsed).unwrap();
        runner.run().unwrap();
        runner.engine.run_until(3_000_000);
        assert_eq!(
            runner.engine.trace_hash(),
            sim.runner.engine.cluster().trace_hash(),
            "{script}"
        );
    }
}
