// The controller: one simulated cluster (a wasm `Sim`) and everything that drives it,
// with no DOM. It owns the clock (advance by wall time × speed), the draw schedule (what
// to fetch from the Sim on each display frame), the commands, the event-log cursor and
// the script state (a scenario's pauses, and whether the reader changed the scripted run).
// Views never call the Sim: they listen to the controller's events and read its frames.
//
// Events (CustomEvent, `detail` as noted):
//   frame     {frame, panels, sample, rows, reloaded}  one snapshot to draw; `panels`: time
//             for the slower views (status, event log), `sample`: time for a sample of the
//             metrics, `rows`: node ids whose log strips this frame carries, `reloaded`:
//             the event-log lines start over (after a jump)
//   reset     {nodes}        a new cluster was built (views lay themselves out again)
//   state     {}             playing, running, speed or settings changed
//   script    {…script}      the script state changed (step, waiting, finished, failures;
//                            lookingBack: the run was moved back before a pause it reached)
//   step      {step, steps, text, line}   a script pause was reached
//   offscript {}             the reader changed the scripted run
//   refused   {message, name, field, op}  the Sim refused a command (the run goes on);
//                                          op: the command's (command() only)
//   fatal     {message}      the wasm instance panicked: every controller of the page stops
//   command   {action}       a command was carried out (a comparison gives it to the other run)
//   seek      {t}            the run was moved to simulated time t (µs)
//
// One requestAnimationFrame loop serves every controller of the page: a page with three
// embeds asks the browser for one callback a frame, not three.

import initPlayground, * as playground from '../pkg/raft_web.js';

// Two builds of the simulator (web/Cargo.toml's features): the playground's (pkg/), and one
// that also reads scenario scripts and compares runs (pkg-scripts/, a quarter larger: the
// scenario parser). Each is fetched once for the page, when a cluster first needs it, so a
// page without a script never downloads the parser. A Sim lives in the build it was made
// in: the two runs of a comparison are both made in the scripts build.
const SCRIPTS_GLUE = '../pkg-scripts/raft_scripts.js';
let playgroundPromise = null;
let scriptsPromise = null;
let playgroundApi = null;
let scriptsApi = null;

/**
 * Fetches and instantiates a build of the wasm, once for the whole page: the playground's,
 * or with `{scripts: true}` the one that runs scripts and comparisons.
 */
export function loadWasm({ scripts = false } = {}) {
  // The same paths from src/ and from the bundles in dist/: both sit one level below www/.
  if (scripts) {
    scriptsPromise ??= (async () => {
      // Not bundled: the scripts build's bindings come with its wasm, on demand.
      const api = await import(new URL(SCRIPTS_GLUE, import.meta.url).href);
      await api.default({ module_or_path: new URL('../pkg-scripts/raft_scripts_bg.wasm', import.meta.url) });
      scriptsApi = api;
    })().catch(forget(() => { scriptsPromise = null; }));
    return scriptsPromise;
  }
  playgroundPromise ??= initPlayground({ module_or_path: new URL('../pkg/raft_web_bg.wasm', import.meta.url) })
    .then(() => { playgroundApi = playground; }, forget(() => { playgroundPromise = null; }));
  return playgroundPromise;
}

/** A failed load is not kept: the next cluster that needs the build asks again (a network
 *  that failed once may not fail twice). */
function forget(clear) {
  return (e) => {
    clear();
    throw e;
  };
}

/** The build a new Sim is made in: the scripts build when `scripts` (or when it is the only
 *  one the page has loaded), else the playground's. Throws when that build is not loaded. */
function wasmApi(scripts) {
  const api = scripts ? scriptsApi : playgroundApi ?? scriptsApi;
  if (!api) throw new Error(`the simulator${scripts ? "'s scripts build" : ''} is not loaded yet (loadWasm)`);
  return api;
}

// The errors the Sim throws when it refuses something (web/src/lib.rs names them); any
// other exception out of wasm is a panic, after which the shared instance is unusable.
const REFUSALS = new Set(['CommandError', 'OptionsError', 'ScenarioError', 'FrameError']);
export function isRefusal(e) {
  return e instanceof Error && REFUSALS.has(e.name);
}

/** Checks a comparison's change made during a run (Sim.applyChange) before any run makes
 *  it: throws a CommandError saying what cannot change while a cluster runs. */
export function checkRunChange(lines) {
  wasmApi(true).checkChange(lines);
}

let dead = false;
const all = new Set();     // every controller (a panic stops them all)
const active = new Set();  // controllers that want the next display frame
let rafId = 0;
let timerId = 0;
// The page's draw grid: a running cluster draws at epoch + k × its interval (see _onFrame),
// so that the clusters of a page (three embeds, a comparison's two runs) draw on the same
// display frames, and the frames between change nothing on screen.
let epoch = -1;
// Between two draws the loop asks for no display frame: a frame asked for costs the browser
// its work for a frame (style, commit, the compositor's) even when nothing is drawn, 40 of
// 60 a second at 0.1x, 50 at 1x. A timer wakes it this long before the draw's frame: after
// the browser has begun the frame before that one (its callbacks run a few ms after the
// frame's time stamp: 5 in headless Chromium), with room for a late timer. Woken early, it
// waits one more frame; woken late, it draws a frame late (the grid takes it back).
const WAKE_EARLY_MS = 8;
// A draw is due this long before its grid point: a frame's time stamp comes a little early.
const DUE_EARLY_MS = 4;

/** Asks for the next display frame (a draw asked for, a clock started). */
function schedule() {
  if (dead || !active.size) return;
  if (timerId) {
    clearTimeout(timerId);
    timerId = 0;
  }
  if (!rafId) rafId = requestAnimationFrame(loop);
}

function loop(ts) {
  rafId = 0;
  if (epoch < 0) epoch = ts;
  for (const c of active) c._onFrame(ts);
  if (dead || !active.size) return;
  let due = Infinity;
  for (const c of active) due = Math.min(due, c._dueAt());
  const wait = due + DUE_EARLY_MS - WAKE_EARLY_MS - performance.now();
  if (wait < FRAME_MS) schedule();
  else timerId = setTimeout(() => { timerId = 0; schedule(); }, wait);
}

const NO_LINES = Number.MAX_SAFE_INTEGER; // ask for no log lines
const LINES_PER_FRAME = 400;              // the most one frame carries (web/src/view.rs)
const PANELS_MS = 500;                    // status, event log: twice a second
// The metrics are sampled once a second (a scrape: Fabric's are read every few seconds),
// at once after a change and with a new leader or term. A sample changes some thirty texts
// and sparklines; at 0.1x with 5 nodes, sampled at every other panel update in alternate
// periods of one page: 2.6 ms/s less main thread (less in 16 of 16 pairs), 10 ms/s less CPU.
const SAMPLE_MS = 1000;
const STRIPS_MS = 500;                    // a large cluster's log strips (see _draw)
const FRAME_MS = 1000 / 60;               // a display frame
const MOTION_HEADER = 7;                  // web/src/motion.rs: values before the nodes'
const MOTION_NODE = 19;                   //   per node, before its votes,
const MOTION_MESSAGE = 9;                 //   and per message

/**
 * When a cluster that drew at `ts` draws next: the next point of the page's grid of
 * `every` ms (`every` is whole display frames). A draw off the grid (the strips scrolled
 * into view, a comparison's change) is followed by one on it, sooner than `every`. Each
 * page frame presented costs the browser as much again whatever changed in it
 * (compositing the window in software), so clusters that draw every other frame on
 * different frames would cost two of them.
 */
function nextOnGrid(ts, every) {
  // A frame's time stamp comes a little early or late: within a quarter of a period of a
  // grid point counts as on it; the next draw is due DUE_EARLY_MS before its point.
  const k = Math.floor((ts - epoch) / every + 0.25) + 1;
  return epoch + k * every - DUE_EARLY_MS;
}

export class Controller extends EventTarget {
  /**
   * options.wantLines: whether anyone shows the event log (else no lines are fetched).
   * options.planRows(maxRows): the node ids whose strips to redraw (null: no strips).
   */
  constructor({ wantLines = true, planRows = null } = {}) {
    super();
    this.sim = null;
    this.frame = null;
    this.settings = null;
    this.scenarioText = null;
    this.script = null;   // the script as the reader sees it at the run's moment (_scriptView)
    this._raw = null;     // the script's own state (Sim.script)
    this._seenStep = null; // the last earlier step read for looking back: {sim, v}
    this.offScript = false;
    this.playing = false;
    this.running = false;
    this.wantLines = wantLines;
    this.planRows = planRows;
    this._visible = true;
    this._held = false;
    this._lastTs = 0;
    this._nextDraw = 0;
    this._dirty = false;
    this._full = true;
    this._lastPanels = -1e9;
    this._lastSample = -1e9;
    this._lastStrips = -1e9;
    this._lastMessages = [];  // the last light frame's messages (see _motionFrame)
    this._news = '';
    this._nextLine = 0;
    this._linesStale = false;
    this._stoppedAt = 0;
    this._autoValue = 0;
    // Settings lines a scenario is built with in place of its own (the other side of a
    // comparison: Sim.fromScenarioWith).
    this.change = null;
    // Whether every Sim of this controller is made in the scripts build, a script or not
    // (a comparison's runs: Sim.firstDifference needs both in one build).
    this.scripts = false;
    // The controller whose clock drives this one (two runs in lockstep), or null.
    this._driver = null;
    all.add(this);
  }

  static get dead() { return dead; }

  /** Frees the Sim and leaves the page's clock. */
  dispose() {
    active.delete(this);
    all.delete(this);
    this._free();
  }

  // --- building ----------------------------------------------------------------------------

  /**
   * Builds a cluster from `settings` (see settings.js), or from a scenario `text` when given
   * (its own settings lines decide the cluster). Returns an error message, or null.
   * A script that does not parse throws its ScenarioError when `throwOnError`, else the
   * cluster is built from the settings and the message returned.
   */
  build(settings, text = null, { throwOnError = false } = {}) {
    if (dead) return 'The simulator stopped.';
    this.settings = { ...settings };
    const hasText = text !== null && text !== undefined;
    const { Sim, randomSeed } = wasmApi(this.scripts || hasText);
    let sim = null;
    let problem = null;
    if (hasText) {
      try {
        sim = this.change ? Sim.fromScenarioWith(text, this.change) : Sim.fromScenario(text);
      } catch (e) {
        if (!isRefusal(e)) return this._fatal(e);
        if (throwOnError) throw e;
        problem = `The scenario does not parse (showing a cluster of its own instead):\n${e.message.trimEnd()}`;
        text = null;
      }
    }
    if (!sim) {
      const s = this.settings;
      // A rebuild keeps the seed the first build drew, so a restart replays the same run.
      s.seed ??= this.sim && !this.scenarioText ? this._call(() => this.sim.seed()) ?? null : null;
      s.seed ??= this._call(() => randomSeed()) ?? null;
      try {
        sim = new Sim({
          nodes: s.nodes, seed: s.seed, prevote: s.prevote, checkquorum: s.checkquorum,
          latencyMinMs: Math.max(1, Math.round(s.latency / 3)), latencyMaxMs: s.latency, loss: s.loss,
        });
      } catch (e) {
        if (!isRefusal(e)) return this._fatal(e);
        problem = `Cannot build that cluster: ${e.message}`;
        try { sim = new Sim({}); } catch (e2) { return this._fatal(e2); }
      }
    }
    this._free();
    this.sim = sim;
    this.scenarioText = text ?? null;
    this.offScript = false;
    this._stoppedAt = 0;
    this.frame = null;
    this._base = null;
    this._names = null;
    this._nextLine = 0;
    this._news = '';
    this._full = true;
    const hadScript = this.script !== null;
    this.script = null; // read afresh below: a restart's first pause is a new one
    this._raw = null;
    const f = this._call(() => sim.frame(NO_LINES, false));
    if (f) {
      this.settings.nodes = f.nodes.length;
      this.settings.prevote = f.prevote;
      this.settings.checkquorum = f.checkquorum;
      // The network in effect (a script's lines decide it): the slowest delay, the fastest.
      this.settings.latency = Math.round(f.latencyMaxMs);
      this.settings.latencyMin = Math.round(f.latencyMinMs);
      this.settings.loss = f.loss;
      this.settings.seed = this._call(() => sim.seed()) ?? this.settings.seed;
    }
    this._emit('reset', { nodes: this.settings.nodes });
    // A script that stops at time 0 shows its first narration at once, paused (_readScript
    // stops there and says the step, once).
    this._readScript();
    // The script gone (the scenario taken away, or one that could not be loaded or parsed
    // in its place): said once, as the null that script() now gives.
    if (hadScript && !this.script) this._emit('script', null);
    if (!(this.script && this.script.waiting)) this.playing = !this.settings.paused;
    this._update();
    this.requestDraw(true);
    return problem;
  }

  _free() {
    if (this.sim) {
      try { this.sim.free(); } catch { /* already freed */ }
      this.sim = null;
    }
  }

  // --- the clock ---------------------------------------------------------------------------

  play() { this._setPlaying(true); }
  pause() { this._setPlaying(false); }
  toggle() { this._setPlaying(!this.playing); }

  _setPlaying(b) {
    if (this.playing === b) return;
    this.playing = b;
    if (this.settings) this.settings.paused = !b;
    this._update();
    this.requestDraw(true);
  }

  setSpeed(s) {
    if (!this.settings) return;
    this.settings.speed = Math.min(1, Math.max(0.01, s));
    this._emit('state', {});
  }

  /** The host says whether the cluster is on screen (and the tab visible). */
  setVisible(b) {
    this._visible = b;
    this._update();
  }

  /** Holds the clock while the reader reads something (a message's tip), without pausing. */
  hold(b) {
    // A driven run holds the clock that drives it (both runs stop together).
    if (this._driver) return this._driver.hold(b);
    if (this._held === b) return;
    this._held = b;
    this._update();
    // Held for reading: the picture held is a full frame (every message's text, for a tip
    // or the keyboard's walk), not a light one.
    if (b) this.requestDraw(true);
  }
  get held() { return this._held; }

  /**
   * Lets `driver`'s clock drive this run (two runs in lockstep, on one clock): this one no
   * longer advances by itself; it runs while the driver runs, and `advanceTo` moves it to
   * the driver's time. null: its own clock again.
   */
  drive(driver) {
    this._driver?.removeEventListener('state', this._onDriverState);
    this._driver = driver;
    this._onDriverState ??= () => this._update();
    driver?.addEventListener('state', this._onDriverState);
    this._update();
  }

  /** Makes a comparison's change in this run now (settings lines of what may change while
   *  it runs: `prevote off`, `loss 0.1`); throws a CommandError saying what cannot. */
  applyChange(lines) {
    if (!this.sim || dead) return;
    this._call(() => this.sim.applyChange(lines), true);
    this.requestDraw(!this.running);
  }

  /** Moves a driven run to simulated time `t` (µs): forward by running, back by seeking. */
  advanceTo(t) {
    if (!this.sim || dead) return;
    const now = this._call(() => this.sim.now());
    if (now === undefined) return;
    if (t > now) {
      this._call(() => this.sim.advance(t - now));
      if (this.scenarioText) this._readScript();
      this.requestDraw(!this.running);
    } else if (t < now) {
      this.seek(t);
    } else if (!this.running) {
      // Not moved, but the driver drew stopped (a pause, a command, a step): this run's
      // last draw was a running one, which the views take as a slide of the one before
      // (the diagram keeps its window and fetches it only now and then), so it draws the
      // standing picture too.
      this.requestDraw(true);
    }
  }

  _update() {
    const mine = this.playing && !this._held;
    const run = !!(this.sim && !dead && this._visible && (this._driver ? this._driver.running : mine));
    if (run !== this.running) {
      this.running = run;
      this._lastTs = performance.now();
    }
    if (run || this._dirty) {
      active.add(this);
      schedule();
    } else {
      active.delete(this);
    }
    this._emit('state', {});
  }

  /** When this cluster next needs a display frame (the frames' clock, ms): its next draw
   *  while it runs, at once for a draw asked for. */
  _dueAt() {
    return this.running && !this._dirty ? this._nextDraw : -Infinity;
  }

  /** Asks for a draw on the next display frame (`full`: every view, strips included). */
  requestDraw(full = false) {
    if (!this.sim || dead) return;
    this._dirty = true;
    if (full) this._full = true;
    active.add(this);
    schedule();
  }

  /** Draws everything now, not at the next display frame (the page is about to print). */
  drawNow() {
    if (!this.sim || dead) return;
    this._full = true;
    this._draw(performance.now());
  }

  _onFrame(ts) {
    if (!this.sim || dead) {
      active.delete(this);
      return;
    }
    // Between draws the clock waits: the time passes at the next draw (see _drawEvery).
    if (this.running && !this._dirty && ts < this._nextDraw) return;
    // After a gap (a hidden tab, a busy page) at most 120 ms of wall time is simulated.
    const dt = Math.min(120, Math.max(0, ts - this._lastTs));
    this._lastTs = ts;
    if (this.running && !this._driver) {
      const waiting = this._raw && this._raw.waiting;
      let us = dt * 1000 * this.settings.speed;
      // The run up to the last pause reached is the script's (waiting at a pause, the pause
      // is its horizon: nothing ran past it). Played from a moment before a pause it reached
      // (a seek back), it replays that history and stops at each such pause again; only
      // going on past the pause it waits at without Continue leaves the script.
      const ahead = this._pauseAhead();
      if (ahead > 0) us = Math.min(us, ahead);
      this._call(() => this.sim.advance(us));
      if (dead) return;
      if (this.scenarioText) {
        if (waiting && dt > 0 && !(ahead > 0)) this._markOffScript();
        this._readScript();
      }
      if (ahead > 0 && us === ahead) {
        this.playing = false;
        this._update();
        this.requestDraw(true);
        this._emitStep();
      }
    }
    if (this.running || this._dirty) {
      this._draw(ts);
      this._nextDraw = nextOnGrid(ts, this._drawEvery());
    }
    if (!this.running && !this._dirty) active.delete(this);
  }

  /**
   * How often the running cluster is drawn (ms of wall time). Each draw costs the browser a
   * present of the page whatever moved (without a GPU, about 2.5 ms of CPU), so the cluster
   * is drawn as often as its messages need to be seen moving, no more: every message whose
   * flight lasts three display frames or more is drawn at two places at least (its
   * shortest flight / 2, in whole display frames), and while flights can be seen at all
   * the cluster moves at 20 draws a second at least (every third display frame: the
   * default 0.1x, where the shortest flight is 100 ms; 30 draws a second drew it at three
   * places and cost about 40 ms/s more CPU). Where no flight lasts three frames (towards
   * 1x, a flight is 10-30 ms of wall time), a message cannot be seen travelling at any
   * rate: 10 draws a second show it and the timers.
   */
  _drawEvery() {
    const f = this.frame;
    const speed = this.settings?.speed ?? 1;
    if (!f) return FRAME_MS;
    const shortest = Math.max(1, f.latencyMinMs) / speed; // wall ms
    const longest = Math.max(1, f.latencyMaxMs) / speed;
    if (longest < 3 * FRAME_MS) return 100;
    const frames = Math.floor(Math.max(shortest, 3 * FRAME_MS) / 2 / FRAME_MS + 0.01);
    return Math.min(3, Math.max(1, frames)) * FRAME_MS;
  }

  _draw(ts) {
    const full = this._full || !this.running;
    // Panels: a few times a second, at once for a full draw, and on news (a new leader or
    // term reaches the status and the event log on the next display frame).
    const news = this._news !== this._newsKey();
    const panels = full || ts - this._lastPanels >= PANELS_MS || (news && ts - this._lastPanels >= 50);
    const sample = panels && (full || news || ts - this._lastSample >= SAMPLE_MS - DUE_EARLY_MS);
    let rows = null;
    if (this.planRows) {
      const n = this.nodeCount();
      if (full) rows = this.planRows(Infinity);
      // A large cluster spreads its rows: a sixth of them every sixth of STRIPS_MS, so that
      // each row is redrawn as often as in a small cluster, and the draws between take the
      // light frame (the motion) instead of a detailed one.
      else if (n > 9 && !panels && ts - this._lastStrips >= STRIPS_MS / 6) rows = this.planRows(Math.ceil(n / 6));
      // A small cluster's strips are redrawn with the panels: the page then restyles and
      // lays out once for both (measured at 0.1x with 5 nodes, six alternating runs: about
      // 4 ms/s of main thread less than strips drawn between two panel draws).
      else if (n <= 9 && panels) rows = this.planRows(Infinity);
      if (rows && rows.length === 0) rows = null;
      if (rows) this._lastStrips = ts;
    }
    let reloaded = false;
    let f;
    if (this._linesStale && panels && this.wantLines) {
      f = this._reloadLines(rows);
      reloaded = true;
    } else {
      const lines = panels && this.wantLines && !this._linesStale;
      const detail = this._detail(rows);
      // Between full frames: the motion, and the rows to redraw (if any) in detail.
      if (!lines && !full) {
        f = this._motionFrame();
        if (f && detail !== false) f = this._withRows(f, detail === true ? f.nodes.map((v) => v.id) : detail);
      }
      if (!f) {
        f = this._call(() => this.sim.frame(lines ? this._nextLine : NO_LINES, detail));
        if (f && lines) this._nextLine = f.nextLine;
        if (f && !lines) f.lines = [];
        this._base = f;
      }
    }
    if (!f) return;
    this.frame = f;
    if (panels) {
      this._lastPanels = ts;
      this._news = this._newsKey();
    }
    if (sample) this._lastSample = ts;
    this._dirty = false;
    this._full = false;
    this._emit('frame', { frame: f, panels, sample, rows, reloaded });
  }

  /**
   * A light frame made of the Sim's motion (web/src/motion.rs: time, roles, terms, timers,
   * log indexes and the messages in flight, as numbers) and the last full frame, which
   * holds the rest;
   * null when the rest has changed since (the motion's key of it differs), so that the
   * caller asks for a full frame. At 51 nodes this spares writing and parsing ~29 KB of
   * JSON at every display frame.
   */
  _motionFrame() {
    const base = this._base;
    if (!base || base.slowKey === undefined) return null;
    const m = this._call(() => this.sim.motion());
    if (!m || m[4] !== base.slowKey || m[5] !== base.nodes.length) return null;
    const names = (this._names ??= this._call(() => this.sim.motionNames()));
    if (!names) return null;
    const nodes = new Array(m[5]);
    let at = MOTION_HEADER;
    for (let i = 0; i < nodes.length; i++) {
      const b = base.nodes[i];
      if (b.id !== m[at]) return null;
      const nv = m[at + MOTION_NODE - 1];
      const votes = new Array(nv);
      for (let k = 0; k < nv; k++) votes[k] = [m[at + MOTION_NODE + 2 * k], m[at + MOTION_NODE + 1 + 2 * k]];
      nodes[i] = {
        ...b, up: m[at + 1] === 1, role: names.roles[m[at + 2]], term: m[at + 3], vote: m[at + 4],
        lead: m[at + 5], electionElapsed: m[at + 6], electionTimeout: m[at + 7],
        heartbeatElapsed: m[at + 8], heartbeatTick: m[at + 9], nextTick: m[at + 10],
        transferee: m[at + 11], commit: m[at + 12], committedHeld: m[at + 13],
        applied: m[at + 14], lastIndex: m[at + 15], snapIndex: m[at + 16], snapTerm: m[at + 17],
        votes,
      };
      at += MOTION_NODE + 2 * nv;
    }
    // A message in flight stays so for many draws: the last light frame's object is kept
    // when nothing in it changed (both lists go by id; at 51 nodes ~300 messages, whose
    // new objects were most of this function's cost).
    const messages = new Array(m[6]);
    const prev = this._lastMessages;
    let j = 0;
    for (let i = 0; i < messages.length; i++, at += MOTION_MESSAGE) {
      const id = m[at], flags = m[at + 7];
      while (j < prev.length && prev[j].id < id) j++;
      const p = prev[j];
      if (p && p.id === id && p.from === m[at + 1] && p.to === m[at + 2] && p.term === m[at + 4] &&
        p.sent === m[at + 5] && p.deliver === m[at + 6] && p.entries === m[at + 8] &&
        p.kind === names.kinds[m[at + 3]] && p.lost === ((flags & 1) !== 0) &&
        p.duplicate === ((flags & 2) !== 0) && p.reject === ((flags & 4) !== 0)) {
        messages[i] = p;
        continue;
      }
      messages[i] = {
        id, from: m[at + 1], to: m[at + 2], kind: names.kinds[m[at + 3]], term: m[at + 4],
        sent: m[at + 5], deliver: m[at + 6], entries: m[at + 8],
        lost: (flags & 1) !== 0, duplicate: (flags & 2) !== 0, reject: (flags & 4) !== 0,
      };
    }
    this._lastMessages = messages;
    return {
      ...base, now: m[0], horizon: m[1], leader: m[2], term: m[3], nodes, messages,
      lines: [], detail: false,
    };
  }

  /**
   * Light frame `f` with the nodes `ids` in detail, and its leader (whose view of each
   * follower the strips show), from `Sim.rows`: the strips between two full frames (at 51
   * nodes a sixth of them a dozen times a second) cost a frame with every message and node
   * in it several times what these rows do. Null when the Sim fails.
   */
  _withRows(f, ids) {
    const want = f.leader && !ids.includes(f.leader) ? [...ids, f.leader] : ids;
    const rows = this._call(() => this.sim.rows(want));
    if (!rows) return null;
    for (const v of rows) f.nodes[v.id - 1] = v;
    return f;
  }

  /** What a frame carries for the strips: nothing (false), every node's log (true), or
   *  the logs of the nodes `rows` names. */
  _detail(rows) {
    return rows === null ? false : rows.length >= this.nodeCount() ? true : rows;
  }

  _newsKey() {
    const f = this.frame;
    return f ? `${f.leader}|${f.term}` : '';
  }

  /** After a jump in time the trace is restored with the cluster: the lines start over. */
  _reloadLines(rows) {
    this._linesStale = false;
    this._nextLine = 0;
    const detail = this._detail(rows);
    let lines = [];
    let f = null;
    for (let k = 0; k < 20; k++) {
      f = this._call(() => this.sim.frame(this._nextLine, detail));
      if (!f) return null;
      lines = lines.concat(f.lines);
      this._nextLine = f.nextLine;
      if (f.lines.length < LINES_PER_FRAME) break;
    }
    f.lines = lines;
    this._base = f;
    return f;
  }

  /** "Why isn't index i committed?" of node `node`'s entry, as its leader sees it (the
   *  node itself when it leads; null without a leader). */
  commitStatus(index, node) {
    if (!this.sim || dead) return null;
    return this._call(() => this.sim.commitStatus(index, node)) ?? null;
  }

  /** The number of nodes now (the settings' count, plus nodes added at run time). */
  nodeCount() { return this.frame?.nodes.length ?? this.settings?.nodes ?? 0; }

  // --- commands ----------------------------------------------------------------------------

  /** Gives the Sim a command object (web/src/options.rs `ActionFields`). Returns whether it
   *  was done; a refusal is emitted as `refused`. */
  command(action) {
    if (!this.sim || dead) return false;
    if (action === null || typeof action !== 'object' || Array.isArray(action)) {
      this._emit('refused', { name: 'CommandError', field: null, op: '', message: `a command is an object with an op, such as {op: 'crash', node: 1}; got ${Array.isArray(action) ? 'an array' : String(action)}` });
      return false;
    }
    const ok = this._call(() => { this.sim.command(action); return true; }, false, String(action?.op ?? ''));
    if (!ok) return false;
    this._markOffScript();
    // Paused, everything is drawn now. Running, the next draw of the cadence shows it (at
    // most 100 ms later, 50 at 0.1x: it looks immediate): a draw off the page's grid would
    // be one more display frame to present (a request every 100 ms: 10 more a second).
    if (!this.running) this.requestDraw(true);
    this._emit('command', { action });
    return true;
  }

  /** A client request `set key=value` (value: an automatic counter when empty). */
  request(via = 0, key = 'x', value = '') {
    const action = { op: 'request', key, value: value === '' ? String(++this._autoValue) : value };
    if (via) action.via = via;
    return this.command(action);
  }

  /** Steps to the next event worth seeing (pauses first). */
  step() {
    if (!this.sim) return;
    this.pause();
    // Waiting at a pause, a step past it leaves the script; from before it (a seek back)
    // a step replays the script's own run (see _onFrame).
    const pauseAt = this.scenarioText && this._raw && this._raw.waiting ? this._call(() => this.sim.horizon()) : undefined;
    const more = this._call(() => this.sim.stepEvent());
    if (pauseAt !== undefined && this._call(() => this.sim.now()) > pauseAt) this._markOffScript();
    if (more === false) this._emit('refused', { name: 'Nothing', message: 'Nothing more can happen: every node is down and no message is in flight.' });
    if (this.scenarioText) this._readScript();
    this.requestDraw(true);
  }

  /** Moves the run to simulated time `t` (µs), within what was recorded. */
  seek(t) {
    if (!this.sim) return;
    const h = this._call(() => this.sim.horizon());
    if (h === undefined) return;
    const to = Math.max(0, Math.min(h, t));
    this._call(() => this.sim.seek(to));
    this._linesStale = true;
    // Not off the script: a seek looks at a moment of the run as it was recorded (the
    // script's, if the reader changed nothing), it changes nothing in it. Playing on from
    // there replays that history (see _onFrame for a script waiting at a pause).
    if (this.scenarioText) this._readScript();
    this.requestDraw(true);
    this._emit('seek', { t: to });
  }

  /**
   * The space-time diagram of simulated time [from, to) (µs): lanes and messages in one
   * call (web/src/diagram.rs `DiagramView`). The diagram view asks a few times a second at
   * most, not on every display frame: the frame carries what is new in between.
   */
  diagram(from, to) {
    if (!this.sim || dead) return null;
    return this._call(() => this.sim.diagram(from, to)) ?? null;
  }
  /** The same window as a standalone SVG picture, and as Mermaid sequenceDiagram text. */
  diagramSvg(from, to) { return this._call(() => this.sim.diagramSvg(from, to)); }
  diagramMermaid(from, to) { return this._call(() => this.sim.diagramMermaid(from, to)); }
  exportScript() { return this._call(() => this.sim.exportScript()); }
  prometheus() { return this._call(() => this.sim.prometheus()); }
  traceHash() { return this._call(() => this.sim.traceHash()); }
  randomSeed() { return this._call(() => wasmApi(this.scripts).randomSeed()); }

  // --- the script --------------------------------------------------------------------------

  /** Jumps to the exact state of the script's k-th pause (1-based). */
  gotoStep(k) {
    if (!this.sim || !this.scenarioText) {
      throw Object.assign(new Error('gotoStep: this cluster runs no scenario'), { name: 'CommandError', field: null });
    }
    if (!Number.isInteger(k) || k < 1 || k > 0xffffffff) {
      // (The Sim takes a u32: -1 would wrap to 4294967295, 2**33 to 0.)
      throw Object.assign(new Error(`gotoStep: expected a step number from 1, got ${String(k)}`), { name: 'CommandError', field: 'step' });
    }
    this._call(() => this.sim.gotoStep(k), true);
    this.offScript = false;
    this._seenStep = null;
    this._linesStale = true;
    // Said once: the script state (read afresh, not as a pause reached while playing),
    // then the step.
    this.script = null;
    this._stoppedAt = Infinity;
    this._readScript();
    this._stoppedAt = this._raw ? this._raw.step : k;
    this.playing = false;
    this._update();
    this._emitStep();
    this.requestDraw(true);
  }

  /** Goes on after a pause (back on the script first if the reader changed the run).
   *  Returns false when there is nothing to continue. */
  continueScript() {
    if (!this.sim || !this.scenarioText) return false;
    const s = this.script;
    if (s && s.lookingBack) {
      // Looking back at an earlier step: the script's own run plays on from here, to the
      // next pause it reached (see _onFrame); the script itself still waits where it was.
      this._setPlaying(true);
      return true;
    }
    if (s && s.finished) return false;
    if (this.offScript && s && s.step >= 1) this.gotoStep(s.step);
    else if (this.offScript) return this.build(this.settings, this.scenarioText) === null;
    this._call(() => this.sim.continueScript());
    this._readScript();
    this._setPlaying(true);
    return true;
  }

  /** Undoes the reader's changes: the exact state of the current step (or the start). */
  backToScript() {
    const s = this.script;
    if (s && s.lookingBack) {
      // Looking back: to the run's last moment, where the script is (nothing was changed);
      // a script waiting at a pause waits there, stopped.
      if (this._raw?.waiting) this.pause();
      this.seek(this._call(() => this.sim.horizon()) ?? 0);
      return;
    }
    if (s && s.step >= 1 && !s.finished) this.gotoStep(s.step);
    else this.build(this.settings, this.scenarioText);
  }

  /** The step Back goes to: the previous pause, or the last one seen while playing on. */
  backTarget() {
    const s = this.script;
    if (!s) return 0;
    return s.waiting && !this.offScript ? s.step - 1 : s.step;
  }

  _readScript() {
    if (!this.sim || !this.scenarioText) {
      this.script = null;
      this._raw = null;
      return;
    }
    const raw = this._call(() => this.sim.script());
    if (!raw) return;
    this._raw = raw;
    const s = this._scriptView(raw);
    const prev = this.script;
    this.script = s;
    const changed = !prev || prev.step !== s.step || prev.waiting !== s.waiting || prev.finished !== s.finished ||
      prev.failures.length !== s.failures.length || prev.error !== s.error || prev.lookingBack !== s.lookingBack;
    if (!changed) return;
    // Reached a new pause: stop the clock there, so the cluster shows what the step says.
    if (raw.waiting && raw.step > this._stoppedAt) {
      this._stoppedAt = raw.step;
      this.playing = false;
      this._update();
      this.requestDraw(true); // the state at the pause, which the step's text describes
      this._emitStep();
    }
    this._emit('script', { ...s });
  }

  /**
   * The script as the reader sees it: its own state, unless the run was moved back before
   * the last pause it reached (a seek, or a replay from there). Then it is the step of that
   * moment, the narration the reader read there (`waiting` when the run stands exactly at
   * that pause), and `lookingBack` the step the script is at. Changed by the reader, the
   * run is no longer the script's: its own state, as it is.
   */
  _scriptView(raw) {
    if (this.offScript || raw.step < 1) return raw;
    const now = this._call(() => this.sim.now());
    if (now === undefined || now >= raw.at[raw.step - 1]) return raw;
    let j = 0;
    while (j < raw.at.length && raw.at[j] <= now) j++;
    let seen = null;
    if (j >= 1) {
      if (this._seenStep?.sim !== this.sim || this._seenStep.v?.step !== j) {
        this._seenStep = { sim: this.sim, v: this._call(() => this.sim.scriptStep(j)) };
      }
      seen = this._seenStep.v;
    }
    return {
      ...raw,
      step: j,
      text: seen?.text ?? '',
      line: seen?.line ?? 0,
      waiting: j >= 1 && now === raw.at[j - 1],
      finished: false,
      // A line that could not run came after the last pause reached: not yet, here.
      error: null,
      lookingBack: raw.step,
    };
  }

  /** µs from now to the next pause the script reached earlier (0: none ahead). */
  _pauseAhead() {
    const raw = this._raw;
    if (!this.scenarioText || this.offScript || !raw || !raw.at.length) return 0;
    const now = this._call(() => this.sim.now());
    const next = raw.at.find((t) => t > now);
    return next === undefined ? 0 : next - now;
  }

  _emitStep() {
    const s = this.script;
    if (s) this._emit('step', { step: s.step, steps: s.steps, text: s.text, line: s.line });
  }

  _markOffScript() {
    if (!this.scenarioText || this.offScript) return;
    this.offScript = true;
    this._emit('offscript', {});
    if (this.script) this._emit('script', { ...this.script });
  }

  // --- errors ------------------------------------------------------------------------------

  /** Runs a call into the Sim: a refusal is emitted as `refused` (with `op`, the command
   *  refused, when given) or rethrown; any other exception is a panic, which stops every
   *  controller (`_fatal`). */
  _call(fn, rethrow = false, op = undefined) {
    if (dead) return undefined;
    try {
      return fn();
    } catch (e) {
      if (!isRefusal(e)) {
        this._fatal(e);
        return undefined;
      }
      if (rethrow) throw e;
      this._emit('refused', { name: e.name, message: e.message, field: e.field, ...(op ? { op } : {}) });
      return undefined;
    }
  }

  _fatal(e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (!dead) console.error(e);
    dead = true;
    for (const c of all) {
      c.running = false;
      active.delete(c);
      c._emit('fatal', { message });
    }
    return message;
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
