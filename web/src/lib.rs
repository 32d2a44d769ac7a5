//! The browser's handle on a simulated Raft cluster. JS holds one opaque `Sim` per cluster
//! and makes a few coarse calls per animation frame: `advance`, then `frame` for one
//! snapshot to draw. Commands go in as small plain objects. All protocol state and all
//! randomness stay on the Rust side.

pub mod options;
pub mod view;

use options::{Action, Options};
use raft_core::sim::{SimConfig, Timeline};
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
    timeline: Timeline,
    cfg: SimConfig,
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

    /// Advances simulated time by `dt_us` microseconds.
    pub fn advance(&mut self, dt_us: f64) {
        if dt_us.is_finite() && dt_us > 0.0 {
            self.timeline.advance(dt_us as u64);
        }
    }

    /// Advances to the next thing worth seeing: a message arriving, or a line in the log.
    /// Returns false when nothing more can happen.
    #[wasm_bindgen(js_name = stepEvent)]
    pub fn step_event(&mut self) -> bool {
        self.step_visible()
    }

    /// One snapshot of everything to draw, plus log lines numbered `since_line` and later.
    pub fn frame(&self, since_line: f64) -> Result<JsValue, JsError> {
        let f = view::frame(
            self.timeline.cluster(),
            self.timeline.horizon(),
            since_line.max(0.0) as u64,
        );
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        serde::Serialize::serialize(&f, &ser).map_err(js_err)
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
            self.timeline.seek(t_us as u64);
        }
    }

    pub fn now(&self) -> f64 {
        self.timeline.now() as f64
    }

    pub fn horizon(&self) -> f64 {
        self.timeline.horizon() as f64
    }

    /// The seed, as decimal text (a u64 does not fit a JS number).
    pub fn seed(&self) -> String {
        self.cfg.seed.to_string()
    }

    /// The hash of everything that happened, as 16 hex digits.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.timeline.cluster().trace_hash())
    }

    /// The metrics in Prometheus text format.
    pub fn prometheus(&self) -> String {
        self.timeline.cluster().metrics().prometheus("sim")
    }

    /// The reader's session (settings and actions) as a scenario script.
    #[wasm_bindgen(js_name = exportScript)]
    pub fn export_script(&self) -> String {
        raft_core::scenario::export::export(&self.cfg, self.timeline.commands())
    }
}

/// Rust-side helpers (also used by native tests).
impl Sim {
    pub fn from_options(opts: &Options) -> Result<Sim, String> {
        let cfg = opts.to_config(fresh_seed)?;
        Ok(Sim {
            timeline: Timeline::new(cfg.clone())?,
            cfg,
        })
    }

    pub fn act(&mut self, action: &Action) -> Result<(), String> {
        let cmd = action.to_command(&self.timeline.cluster().network().default_link)?;
        self.timeline.apply(cmd)
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    fn step_visible(&mut self) -> bool {
        let lines = self.timeline.cluster().trace().total();
        // A bounded number of ticks: a quiet cluster may tick for long before anything shows.
        for _ in 0..100_000 {
            match self.timeline.step() {
                None => return false,
                Some(raft_core::sim::Happened::Delivered { .. }) => return true,
                Some(_) if self.timeline.cluster().trace().total() > lines => return true,
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
    sim.timeline.run_until(1_500_000);
    let leader = sim.timeline.cluster().leader().unwrap_or(1);
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
        sim.timeline.advance(700_000);
        let _ = sim.act(a);
    }
    sim.timeline.advance(3_000_000);
    (
        sim.trace_hash(),
        format!(
            "{} lines, leader {:?}",
            sim.timeline.cluster().trace().total(),
            sim.timeline.cluster().leader()
        ),
    )
}

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

    #[test]
    fn exported_script_replays_the_session() {
        let opts = Options {
            nodes: Some(3),
            seed: Some("9".into()),
            ..Options::default()
        };
        let mut sim = Sim::from_options(&opts).unwrap();
        sim.timeline.run_until(1_000_000);
        sim.act(&Action::Request {
            via: None,
            key: "k".into(),
            value: Some("v w".into()),
        })
        .unwrap();
        sim.timeline.run_until(2_000_000);
        sim.act(&Action::Isolate { node: 1 }).unwrap();
        sim.timeline.run_until(3_000_000);
        let script = sim.export_script();
        let parsed = raft_core::scenario::parse(&script).expect("the export parses");
        let mut runner = raft_core::scenario::run::Runner::new(&parsed).unwrap();
        runner.run().unwrap();
        runner.cluster.run_until(3_000_000);
        assert_eq!(
            runner.cluster.trace_hash(),
            sim.timeline.cluster().trace_hash(),
            "{script}"
        );
    }
}

/// The trace hash of `reference_run`, computed natively; the wasm test asserts the same.
pub const REFERENCE_HASH: &str = "afe02a81bd8a71f9";
