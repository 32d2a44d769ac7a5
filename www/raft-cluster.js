// <raft-cluster>: a live Raft cluster to put in any page, with one module script.
//
//   <script type="module" src="raft-cluster.js"></script>
//   <raft-cluster nodes="5" seed="42" speed="0.1" prevote checkquorum controls="minimal"></raft-cluster>
//   <raft-cluster scenario-src="scenarios/docs/partition.txt"></raft-cluster>
//
// The wasm is fetched and instantiated once per page (one module-level promise), however
// many elements the page holds. Each element owns its own `Sim` (cluster, clock, controls)
// and draws it with render.js's views inside a shadow root, so the page's styles do not
// reach in and the element's do not leak out. An element runs only while it is on screen
// and the tab is visible (IntersectionObserver + visibilitychange): ten embeds cost about
// what the ones in view cost.
//
// Attributes (see docs.html): nodes, seed, speed, prevote, checkquorum, controls
// (none | minimal | full), scenario (inline script), scenario-src (same-origin URL),
// height, theme (light | dark), narration (none: the page shows the script's narration
// itself, as the tour does). A bad value shows a message inside the element naming the
// attribute and what was expected, and the default is used.
//
// For tests and host pages: `el.sim` (the Sim), `el.frame()` (the latest frame),
// `el.running` (the clock is advancing), `el.ready` (a Promise: the first frame is drawn),
// `el.script()`, `el.gotoStep(k)`, `el.continueScript()`, `el.backToScript()`,
// `el.restart()`, `el.play()`, `el.pause()`, `el.setScenario(text)`, `el.addNote(text)`.
// Events (bubbling, composed): `raft-ready`, `raft-step` (a script pause was reached;
// detail {step, steps, text, line}), `raft-offscript` (the reader changed the scripted
// run), `raft-script` (any change of the script state).

import init, { Sim } from './pkg/raft_web.js';
import { createClusterView, createLogStrips, createEventLog, fmtSeconds, validSeed, parseOnOff } from './render.js';

const STYLES = ['style.css', 'raft-cluster.css'].map((f) => new URL(f, import.meta.url).href);

let wasmPromise = null;
/** Fetches and instantiates the wasm once for the whole page. */
export function loadWasm() {
  if (!wasmPromise) wasmPromise = init();
  return wasmPromise;
}

// ---------------------------------------------------------------------------------------
// Settings: attributes (or the iframe form's URL parameters) to checked values
// ---------------------------------------------------------------------------------------

export const DEFAULTS = Object.freeze({
  nodes: 5, seed: null, speed: 0.1, prevote: false, checkquorum: false, controls: 'minimal',
});
export const MAX_NODES = 51;
const CONTROLS = ['none', 'minimal', 'full'];
/** The names the element reads (the iframe form accepts the same as URL parameters). */
export const OPTION_NAMES = ['nodes', 'seed', 'speed', 'prevote', 'checkquorum', 'controls',
  'scenario', 'scenario-src', 'height', 'theme', 'narration'];

/**
 * Reads the settings through `get(name)` (the raw value, or null when absent). Returns
 * {settings, problems}: each problem is a readable sentence naming the attribute, the
 * value, what was expected and the default used instead.
 */
export function readSettings(get) {
  const s = {
    ...DEFAULTS, height: null, theme: null, narration: true, scenario: null, scenarioSrc: null,
  };
  const problems = [];
  const bad = (name, value, expected, fallback) =>
    problems.push(`${name}="${value}" is not valid: expected ${expected}. Using ${fallback}.`);
  const v = (name) => {
    const x = get(name);
    return x === null || x === undefined ? null : String(x);
  };
  let x;
  if ((x = v('nodes')) !== null) {
    const n = Number(x);
    if (/^\s*\d+\s*$/.test(x) && n >= 1 && n <= MAX_NODES) s.nodes = n;
    else bad('nodes', x, `a whole number from 1 to ${MAX_NODES}`, `the default, ${DEFAULTS.nodes}`);
  }
  if ((x = v('seed')) !== null) {
    if (validSeed(x)) s.seed = x.trim();
    else bad('seed', x, 'a whole number from 0 to 18446744073709551615 (or 0x-hex)', 'a random seed');
  }
  if ((x = v('speed')) !== null) {
    const n = Number(x);
    if (x.trim() !== '' && Number.isFinite(n) && n >= 0.01 && n <= 1) s.speed = n;
    else bad('speed', x, 'a number from 0.01 to 1 (simulated seconds per second)', `the default, ${DEFAULTS.speed}`);
  }
  for (const k of ['prevote', 'checkquorum']) {
    if ((x = v(k)) !== null) {
      const b = parseOnOff(x, { empty: true });
      if (b === null) bad(k, x, 'no value, or on/off, 1/0, true/false', 'off');
      else s[k] = b;
    }
  }
  if ((x = v('controls')) !== null) {
    const t = x.trim().toLowerCase();
    if (CONTROLS.includes(t)) s.controls = t;
    else bad('controls', x, 'none, minimal or full', `the default, ${DEFAULTS.controls}`);
  }
  if ((x = v('height')) !== null) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(px|em|rem|vh|svh|dvh)?\s*$/.exec(x);
    if (m && Number(m[1]) > 0) s.height = `${m[1]}${m[2] || 'px'}`;
    else bad('height', x, 'a length such as 420, 420px, 30em or 60vh', 'the natural height');
  }
  if ((x = v('theme')) !== null) {
    const t = x.trim().toLowerCase();
    if (t === 'light' || t === 'dark') s.theme = t;
    else bad('theme', x, 'light or dark', "the reader's system theme");
  }
  if ((x = v('narration')) !== null) {
    const t = x.trim().toLowerCase();
    if (t === 'none' || t === 'off') s.narration = false;
    else if (t === '' || t === 'show' || t === 'on') s.narration = true;
    else bad('narration', x, 'show or none', 'show');
  }
  if ((x = v('scenario')) !== null && x.trim() !== '') s.scenario = x;
  if ((x = v('scenario-src')) !== null) {
    let url = null;
    try {
      url = new URL(x.trim(), document.baseURI);
    } catch { /* reported below */ }
    if (url && url.origin === location.origin && x.trim() !== '') s.scenarioSrc = url.href;
    else bad('scenario-src', x, `a URL on this page's origin (${location.origin}), e.g. scenarios/docs/partition.txt`, 'no scenario');
  }
  if (s.scenario !== null && s.scenarioSrc !== null) {
    problems.push('Both scenario and scenario-src are set: using the inline scenario.');
    s.scenarioSrc = null;
  }
  if (s.scenario !== null || s.scenarioSrc !== null) {
    const ignored = ['nodes', 'seed', 'prevote', 'checkquorum'].filter((k) => v(k) !== null);
    if (ignored.length) {
      problems.push(`${ignored.join(', ')} ${ignored.length > 1 ? 'are' : 'is'} ignored with a scenario: the script's settings (nodes, seed, prevote, checkquorum lines) decide the cluster.`);
    }
  }
  return { settings: s, problems };
}

// A panic poisons the one wasm instance the page shares: every element stops.
let dead = false;
function isPanic(e) {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  if (!(e instanceof Error)) return true;
  return /unreachable|null pointer|recursive use|memory access out of bounds|already borrowed|closure invoked/i.test(e.message);
}

// ---------------------------------------------------------------------------------------
// One animation loop for all the elements of the page
// ---------------------------------------------------------------------------------------

const running = new Set();   // elements whose clock advances
const redraw = new Set();    // elements to draw once (paused after a change)
const connected = new Set();
let rafId = 0;

function schedule() {
  if (!rafId && (running.size || redraw.size)) rafId = requestAnimationFrame(loop);
}

function loop(ts) {
  rafId = 0;
  for (const el of running) el._tick(ts);
  for (const el of redraw) {
    redraw.delete(el);
    if (!running.has(el)) el._draw(ts, true);
  }
  schedule();
}

document.addEventListener('visibilitychange', () => {
  for (const el of connected) el._updateRunning();
});

// ---------------------------------------------------------------------------------------
// The element
// ---------------------------------------------------------------------------------------

const TEMPLATE = document.createElement('template');
// Static markup only (nothing from attributes or the script goes through innerHTML).
TEMPLATE.innerHTML = `
<div class="rc" part="root" hidden>
  <div class="rc-notes" role="alert" hidden></div>
  <div class="rc-bar rc-bar1" part="controls">
    <button class="rc-play" type="button" aria-pressed="false"><span class="rc-play-icon" aria-hidden="true"></span><span class="rc-play-label">Play</span></button>
    <button class="rc-restart" type="button" title="Start again from the beginning">Restart</button>
    <button class="rc-stepev rc-full" type="button" title="Step to the next event (pauses)">Step</button>
    <span class="rc-speed-box"><label class="rc-speed-l">Speed <output class="rc-speed-out">0.10×</output></label><input class="rc-speed" type="range" min="-2" max="0" step="0.01" value="-1" aria-label="Speed"></span>
    <span class="rc-status"><span class="rc-st-leader">leader none</span><span class="rc-st-term">term 0</span><span class="rc-st-time">0.000 s</span></span>
  </div>
  <div class="rc-bar rc-bar2 rc-full">
    <button class="rc-partition" type="button" aria-expanded="false">Partition…</button>
    <button class="rc-heal" type="button">Heal</button>
    <button class="rc-request" type="button" title="A client request (set x=…) through the leader">Request</button>
    <button class="rc-export" type="button" aria-expanded="false" title="This session as a scenario script">Export</button>
    <span class="rc-timeline-box"><label class="rc-timeline-l">Time <output class="rc-timeline-out">0.000 s</output></label><input class="rc-timeline" type="range" min="0" max="1" step="any" value="0" aria-label="Timeline: scrub back through the run"></span>
  </div>
  <div class="rc-panel rc-partition-panel" hidden>
    <p>Tick the nodes of group A; the others form group B. Messages between the groups are cut until you heal.</p>
    <div class="rc-pnodes" role="group" aria-label="Nodes in group A"></div>
    <div class="rc-panel-actions"><button class="rc-papply" type="button">Partition</button><button class="rc-pcancel" type="button">Cancel</button></div>
  </div>
  <div class="rc-panel rc-export-panel" hidden>
    <label class="rc-export-l">This session as a scenario script (replay it with <code>raftsim run</code>, or paste it into a post)</label>
    <textarea class="rc-export-text" readonly rows="8" spellcheck="false"></textarea>
    <div class="rc-panel-actions"><button class="rc-ecopy" type="button">Copy</button><button class="rc-eclose" type="button">Close</button></div>
  </div>
  <section class="rc-narration" part="narration" hidden aria-live="polite">
    <p class="rc-stepno"></p>
    <p class="rc-text"></p>
    <p class="rc-fail" hidden></p>
    <div class="rc-nav">
      <button class="rc-back" type="button">Back</button>
      <button class="rc-toscript" type="button" hidden title="Undo your changes: return to this step of the script">Back to the script</button>
      <button class="rc-continue" type="button">Continue</button>
    </div>
  </section>
  <div class="rc-main">
    <div class="rc-stage">
      <svg class="rc-cluster" viewBox="0 0 600 600" role="group" aria-label="A Raft cluster: nodes on a circle, messages in flight between them" focusable="false">
        <g class="edges" aria-hidden="true"></g>
        <g class="nodes"></g>
        <g class="msgs"></g>
      </svg>
      <p class="rc-loading">Loading the cluster…</p>
      <div class="rc-menu" role="menu" hidden>
        <p class="rc-menu-title">Node</p>
        <button type="button" role="menuitem" data-action="crash">Crash</button>
        <button type="button" role="menuitem" data-action="restart">Restart</button>
        <button type="button" role="menuitem" data-action="campaign">Force election timeout</button>
        <button type="button" role="menuitem" data-action="transfer">Transfer leadership here</button>
        <button type="button" role="menuitem" data-action="isolate">Isolate</button>
        <button type="button" role="menuitem" data-action="request">Client request via this node</button>
      </div>
      <div class="rc-tip" role="tooltip" hidden></div>
    </div>
    <div class="rc-side rc-full">
      <div class="rc-strips-box"><div id="log-strips" class="rc-strips"></div></div>
      <div class="log-scroll rc-log" tabindex="0" role="region" aria-label="Event log, newest at the bottom"><div id="event-log"></div></div>
    </div>
  </div>
</div>`;

const BIG = Number.MAX_SAFE_INTEGER;

export class RaftCluster extends HTMLElement {
  static get observedAttributes() { return OPTION_NAMES; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    let pendingCss = STYLES.length;
    for (const href of STYLES) {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      const done = () => { if (--pendingCss === 0) this._q('.rc').hidden = false; };
      link.addEventListener('load', done, { once: true });
      link.addEventListener('error', done, { once: true });
      root.appendChild(link);
    }
    root.appendChild(TEMPLATE.content.cloneNode(true));
    this._root = root;
    this._sim = null;
    this._frame = null;
    this._settings = null;
    this._notes = [];          // messages about attributes, scenario and errors
    this._hostNotes = [];      // messages from the host page (addNote): kept across rebuilds
    this._want = false;        // the reader (or autoplay) wants the clock to run
    this._inView = false;
    this._running = false;
    this._started = false;
    this._rebuildQueued = false;
    this._generation = 0;
    this._lastTs = 0;
    this._lastStrips = -1e9;
    this._lastPanels = -1e9;
    this._nextLine = 0;
    this._scenarioText = null; // the script this run follows (null: free play)
    this._script = null;       // the latest sim.script()
    this._stoppedAt = 0;       // the last pause at which the clock was stopped
    this._offScript = false;
    this._menuNode = 0;
    this._autoValue = 0;
    this._readyResolve = null;
    this.ready = new Promise((res) => { this._readyResolve = res; });
    this._wire();
  }

  // --- public API ------------------------------------------------------------------------

  get sim() { return this._sim; }
  frame() { return this._frame; }
  get running() { return this._running; }
  get playing() { return this._want; }
  get offScript() { return this._offScript; }
  get settings() { return this._settings ? { ...this._settings } : null; }
  get scenarioText() { return this._scenarioText; }
  script() { return this._script; }

  play() { this._setWant(true); }
  pause() { this._setWant(false); }

  /** Rebuilds the run from its start (same seed, same script). */
  restart() {
    if (!this._started) return;
    this._build(this._scenarioText);
  }

  /** Follows a new script (text), replacing the run. Throws the parser's error. */
  setScenario(text) {
    this._build(text, { throwOnError: true });
  }

  /** Shows a message inside the element (e.g. a bad URL parameter of the iframe form). */
  addNote(text) {
    this._hostNotes.push(text);
    this._notes.push(text);
    this._showNotes();
  }

  /** A message until the next rebuild. */
  _note(text) {
    this._notes.push(text);
    this._showNotes();
  }

  /** A passing message (a refused command): shown for a few seconds. */
  _flash(text) {
    this._notes.push(text);
    this._showNotes();
    setTimeout(() => {
      const i = this._notes.indexOf(text);
      if (i >= 0) this._notes.splice(i, 1);
      this._showNotes();
    }, 8000);
  }

  /** Jumps to the exact state of the script's k-th pause (1-based). */
  gotoStep(k) {
    if (!this._sim || !this._scenarioText) throw new Error('gotoStep: this element runs no scenario');
    this._call(() => this._sim.gotoStep(k), true);
    this._afterJump();
    this._stoppedAt = this._script ? this._script.step : k;
    this._setWant(false);
    this._emitStep();
  }

  /** Goes on after a pause (back on the script first if the reader changed the run). */
  continueScript() {
    if (!this._sim || !this._scenarioText) return;
    const s = this._script;
    if (s && s.finished) return;
    if (this._offScript && s && s.step >= 1) {
      this.gotoStep(s.step);
    } else if (this._offScript) {
      this._build(this._scenarioText);
      return;
    }
    this._call(() => this._sim.continueScript());
    this._readScript();
    this._setWant(true);
  }

  /** Undoes the reader's changes: the exact state of the current step (or the start). */
  backToScript() {
    const s = this._script;
    if (s && s.step >= 1 && !s.finished) this.gotoStep(s.step);
    else this._build(this._scenarioText);
  }

  /** The step Back goes to: the previous pause, or the last one seen while playing on. */
  _backTarget() {
    const s = this._script;
    if (!s) return 0;
    return s.waiting && !this._offScript ? s.step - 1 : s.step;
  }

  // --- lifecycle ---------------------------------------------------------------------------

  connectedCallback() {
    connected.add(this);
    if (!this._io) {
      this._io = new IntersectionObserver((entries) => {
        for (const e of entries) this._inView = e.isIntersecting;
        this._updateRunning();
      }, { threshold: 0 });
      this._ro = new ResizeObserver((entries) => {
        for (const e of entries) {
          if (e.target === this) this._resized(e.contentRect.width);
          else if (e.target.classList.contains('rc-strips-box')) this._stripsResized(e.contentRect.width);
          else this._svgResized(e.contentRect.width, e.contentRect.height);
        }
      });
    }
    this._io.observe(this);
    this._ro.observe(this);
    this._ro.observe(this._q('.rc-cluster'));
    this._ro.observe(this._q('.rc-strips-box'));
    if (!this._started) {
      this._started = true;
      this._start();
    } else {
      this._updateRunning();
    }
  }

  disconnectedCallback() {
    connected.delete(this);
    this._io?.disconnect();
    this._ro?.disconnect();
    this._inView = false;
    this._updateRunning();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (!this._sim || oldValue === value) return;
    if (name === 'speed' || name === 'controls' || name === 'height' || name === 'theme' || name === 'narration') {
      this._applySettings(false);
    } else {
      this._queueRebuild();
    }
  }

  async _start() {
    this._applySettings(true);
    try {
      await loadWasm();
    } catch (e) {
      this._fatal(`Could not load the simulator (pkg/raft_web.js and pkg/raft_web_bg.wasm next to raft-cluster.js): ${e && e.message ? e.message : e}`);
      return;
    }
    await this._buildFromSettings();
  }

  _queueRebuild() {
    if (this._rebuildQueued) return;
    this._rebuildQueued = true;
    queueMicrotask(() => {
      this._rebuildQueued = false;
      this._applySettings(true);
      this._buildFromSettings();
    });
  }

  /** Reads the attributes; `all` also refreshes the notes (a rebuild follows). */
  _applySettings(all) {
    const { settings, problems } = readSettings((n) => this.getAttribute(n));
    this._settings = settings;
    if (all) this._attrProblems = problems;
    const rc = this._q('.rc');
    rc.dataset.controls = settings.controls;
    rc.classList.toggle('fixed-height', !!settings.height);
    // On the inner box, not the host: the author's markup keeps its own attributes.
    if (settings.height) rc.style.setProperty('--rc-height', settings.height);
    else rc.style.removeProperty('--rc-height');
    if (settings.theme) rc.dataset.theme = settings.theme; else delete rc.dataset.theme;
    this._showSpeed();
    if (this._sim) {
      this._showNarration();
      this._requestDraw(true);
    }
  }

  async _buildFromSettings() {
    const gen = ++this._generation;
    const s = this._settings;
    this._notes = [...(this._attrProblems || []), ...this._hostNotes];
    let text = s.scenario;
    if (text === null && s.scenarioSrc) {
      this._q('.rc-loading').textContent = 'Loading the scenario…';
      try {
        const res = await fetch(s.scenarioSrc, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        text = await res.text();
      } catch (e) {
        this._notes.push(`scenario-src="${this.getAttribute('scenario-src')}": could not load it (${e.message}). Showing a default cluster instead.`);
        text = null;
      }
      if (gen !== this._generation) return;
    }
    this._build(text);
  }

  /** Builds the Sim from a script (or from the settings when null); never leaves it empty. */
  _build(text, { throwOnError = false } = {}) {
    if (dead) return;
    const s = this._settings;
    let sim = null;
    let scenario = null;
    if (text !== null && text !== undefined) {
      try {
        sim = Sim.fromScenario(text);
        scenario = text;
      } catch (e) {
        if (isPanic(e)) return this._fatal(e);
        if (throwOnError) throw e;
        this._notes.push(`The scenario does not parse (showing a default cluster instead):\n${e.message.trimEnd()}`);
      }
    }
    if (!sim) {
      const opts = { nodes: s.nodes, prevote: s.prevote, checkquorum: s.checkquorum };
      // A restart keeps the seed the first build drew, so it replays the same run.
      const seed = s.seed ?? (this._sim && !this._scenarioText ? this._call(() => this._sim.seed()) : null);
      if (seed) opts.seed = seed;
      try {
        sim = new Sim(opts);
      } catch (e) {
        if (isPanic(e)) return this._fatal(e);
        this._notes.push(`Cannot build that cluster: ${e.message}. Showing the default cluster.`);
        try { sim = new Sim({}); } catch (e2) { return this._fatal(e2); }
      }
    }
    if (this._sim) {
      try { this._sim.free(); } catch { /* already freed */ }
    }
    this._sim = sim;
    this._scenarioText = scenario;
    this._offScript = false;
    this._stoppedAt = 0;
    this._frame = null;
    this._nextLine = 0;
    this._closeMenu();
    this._hideTip();
    this._eventLog.clear();
    this._q('.rc-loading').hidden = true;
    this._q('.rc').classList.toggle('has-script', !!scenario);
    this._showNotes();
    this._readScript();
    // A script that stops at time 0 shows its first narration at once, paused.
    if (this._script && this._script.waiting) {
      this._stoppedAt = this._script.step;
      this._want = false;
      this._emitStep();
    } else {
      this._want = true;
    }
    this._showNarration();
    this._updateRunning();
    this._requestDraw(true);
  }

  // --- the clock ---------------------------------------------------------------------------

  _setWant(b) {
    this._want = b;
    this._updateRunning();
    this._requestDraw(true);
  }

  _updateRunning() {
    const run = !!(this._sim && !dead && this._want && this._inView && this.isConnected &&
      document.visibilityState === 'visible');
    if (run !== this._running) {
      this._running = run;
      if (run) {
        this._lastTs = performance.now();
        running.add(this);
      } else {
        running.delete(this);
      }
      schedule();
    }
    this._showPlay();
  }

  _requestDraw(full) {
    if (!this._sim) return;
    if (full) this._fullPending = true;
    redraw.add(this);
    schedule();
  }

  _tick(ts) {
    // A frame after a long gap (a hidden tab, a busy page) simulates at most 100 ms.
    const dt = Math.min(100, Math.max(0, ts - this._lastTs));
    this._lastTs = ts;
    if (!this._sim || dead) return;
    const waiting = this._script && this._script.waiting;
    this._call(() => this._sim.advance(dt * 1000 * this._settings.speed));
    if (dead) return;
    if (this._scenarioText) {
      if (waiting && dt > 0) this._markOffScript();
      this._readScript();
    }
    this._draw(ts, false);
  }

  _readScript() {
    if (!this._sim || !this._scenarioText) {
      this._script = null;
      return;
    }
    const s = this._call(() => this._sim.script());
    if (!s) return;
    const prev = this._script;
    this._script = s;
    const changed = !prev || prev.step !== s.step || prev.waiting !== s.waiting || prev.finished !== s.finished ||
      prev.failures.length !== s.failures.length || prev.error !== s.error;
    if (!changed) return;
    // Reached a new pause: stop the clock there, so the cluster shows what the step says.
    if (s.waiting && s.step > this._stoppedAt) {
      this._stoppedAt = s.step;
      this._want = false;
      this._updateRunning();
      this._emitStep();
    }
    this._showNarration();
    this.dispatchEvent(new CustomEvent('raft-script', { bubbles: true, composed: true, detail: { ...s } }));
  }

  _emitStep() {
    const s = this._script;
    if (!s) return;
    this.dispatchEvent(new CustomEvent('raft-step', {
      bubbles: true, composed: true, detail: { step: s.step, steps: s.steps, text: s.text, line: s.line },
    }));
  }

  _markOffScript() {
    if (!this._scenarioText || this._offScript) return;
    this._offScript = true;
    this._showNarration();
    this.dispatchEvent(new CustomEvent('raft-offscript', { bubbles: true, composed: true }));
  }

  // --- drawing -----------------------------------------------------------------------------

  _draw(ts, full) {
    if (!this._sim || dead) return;
    full = full || this._fullPending;
    this._fullPending = false;
    const wantLines = this._settings.controls === 'full';
    const f = this._call(() => this._sim.frame(wantLines ? this._nextLine : BIG));
    if (!f) return;
    this._frame = f;
    if (wantLines) {
      this._eventLog.push(f.lines);
      this._nextLine = f.nextLine;
    }
    this._cluster.update(f);
    const panels = full || ts - this._lastPanels >= 250;
    if (panels) {
      this._lastPanels = ts;
      this._setText('.rc-st-leader', f.leader ? `leader ${f.leader}` : 'leader none');
      this._setText('.rc-st-term', `term ${f.term}`);
      this._setText('.rc-st-time', `${fmtSeconds(f.now)} s`);
      this._q('.rc').classList.toggle('violated', !!f.violation);
      if (this._settings.controls === 'full') {
        const tl = this._q('.rc-timeline');
        if (this._root.activeElement !== tl) {
          tl.max = String(Math.max(1, f.horizon));
          tl.value = String(f.now);
        }
        this._setText('.rc-timeline-out', `${fmtSeconds(f.now)} s`);
        this._eventLog.flush();
        if (!this._running) this._eventLog.expand();
      }
      if (this._menuNode) this._refreshMenu();
      if (f.violation) this._showViolation(f.violation);
    }
    if (this._settings.controls === 'full' && (full || ts - this._lastStrips >= 140)) {
      this._lastStrips = ts;
      this._strips.update(f);
    }
    if (this._readyResolve) {
      this._readyResolve();
      this._readyResolve = null;
      this.dispatchEvent(new CustomEvent('raft-ready', { bubbles: true, composed: true }));
    }
  }

  /** After a jump (gotoStep), the event log starts over from the restored trace. */
  _afterJump() {
    this._offScript = false;
    this._select(0);
    this._reloadLines();
    this._closeMenu();
    this._hideTip();
    this._readScript();
    this._showNarration();
    this._draw(performance.now(), true);
  }

  /** The trace is restored with the cluster (a jump or a seek): reload the event log. */
  _reloadLines() {
    this._eventLog.clear();
    this._nextLine = 0;
    if (this._settings.controls !== 'full') return;
    for (let k = 0; k < 20; k++) {
      const f = this._call(() => this._sim.frame(this._nextLine));
      if (!f) break;
      this._eventLog.push(f.lines);
      this._nextLine = f.nextLine;
      if (f.lines.length < 400) break;
    }
  }

  _showViolation(v) {
    const key = `${v.property}|${v.term}|${v.index}`;
    if (this._violationKey === key) return;
    this._violationKey = key;
    this._note(`Safety violation: ${v.property}. ${v.text}`);
  }

  // --- the element's own controls -------------------------------------------------------------

  _q(sel) { return this._root.querySelector(sel); }

  _setText(sel, text) {
    const el = this._q(sel);
    if (el.textContent !== text) el.textContent = text;
  }

  _wire() {
    const q = (s) => this._q(s);
    this._cluster = createClusterView(q('.rc-cluster'), {
      onNode: (id, el, ev) => {
        if (this._settings?.controls === 'full') this._openMenu(id, el, ev);
      },
      onMessage: (id) => {
        if (this._settings?.controls !== 'full') return;
        this._hideTip();
        this._act({ op: 'drop', id });
      },
      onTip: (m, el) => (m ? this._showTip(m, el) : this._hideTip()),
      onMessageGone: (id) => { if (id === this._tipId) this._hideTip(); },
    });
    const motion = matchMedia('(prefers-reduced-motion: reduce)');
    this._cluster.setStaticMessages(motion.matches);
    this._strips = createLogStrips(q('.rc-strips'), {
      onSelect: (id) => this._select(id),
      onReveal: () => { if (!this._running) this._requestDraw(true); },
    });
    this._eventLog = createEventLog(q('#event-log'), { max: 300, scroller: q('.rc-log') });

    // At a pause the narration's Continue moves the script on; Play lets the cluster run
    // off the script (the reader returns with "Back to the script").
    q('.rc-play').addEventListener('click', () => this._setWant(!this._want));
    q('.rc-restart').addEventListener('click', () => this.restart());
    q('.rc-stepev').addEventListener('click', () => {
      if (!this._sim) return;
      this._setWant(false);
      this._call(() => this._sim.stepEvent());
      if (this._scenarioText) {
        if (this._script && this._script.waiting) this._markOffScript();
        this._readScript();
      }
      this._requestDraw(true);
    });
    q('.rc-speed').addEventListener('input', () => {
      const sp = 10 ** Number(q('.rc-speed').value);
      this._settings.speed = Math.min(1, Math.max(0.01, sp));
      this._showSpeed(true);
    });
    q('.rc-heal').addEventListener('click', () => this._act({ op: 'heal' }));
    q('.rc-request').addEventListener('click', () => this._request(0));
    q('.rc-partition').addEventListener('click', () => this._togglePartition());
    q('.rc-pcancel').addEventListener('click', () => this._togglePartition(false));
    q('.rc-papply').addEventListener('click', () => {
      const A = [], B = [];
      for (const c of q('.rc-pnodes').querySelectorAll('input')) (c.checked ? A : B).push(Number(c.value));
      if (!A.length || !B.length) {
        this._flash('Partition: tick at least one node for group A and leave at least one for group B.');
        return;
      }
      if (this._act({ op: 'partition', groups: [A, B] })) this._togglePartition(false);
    });
    q('.rc-export').addEventListener('click', () => this._toggleExport());
    q('.rc-eclose').addEventListener('click', () => this._toggleExport(false));
    q('.rc-ecopy').addEventListener('click', async () => {
      const ta = q('.rc-export-text');
      const b = q('.rc-ecopy');
      try {
        await navigator.clipboard.writeText(ta.value);
        b.textContent = 'Copied';
      } catch {
        ta.focus();
        ta.select();
        b.textContent = 'Selected: press Ctrl+C';
      }
    });
    const tl = q('.rc-timeline');
    tl.addEventListener('input', () => {
      if (!this._sim) return;
      this._setWant(false);
      this._call(() => this._sim.seek(Number(tl.value)));
      this._markOffScript();
      this._afterSeek();
    });
    q('.rc-back').addEventListener('click', () => {
      const k = this._backTarget();
      if (k >= 1) this.gotoStep(k);
    });
    q('.rc-continue').addEventListener('click', () => this.continueScript());
    q('.rc-toscript').addEventListener('click', () => this.backToScript());

    const menu = q('.rc-menu');
    menu.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-action]');
      if (!b || b.disabled) return;
      const id = this._menuNode;
      this._closeMenu();
      if (b.dataset.action === 'request') this._request(id);
      else this._act({ op: b.dataset.action, node: id });
    });
    menu.addEventListener('keydown', (ev) => {
      const items = [...menu.querySelectorAll('button:not(:disabled)')];
      const i = items.indexOf(this._root.activeElement);
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const j = ev.key === 'ArrowDown' ? (i + 1) % items.length : (i - 1 + items.length) % items.length;
        items[j]?.focus();
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        this._closeMenu(true);
      }
      ev.stopPropagation();
    });
    this._root.addEventListener('pointerdown', (ev) => {
      if (this._menuNode && !menu.contains(ev.target) && !ev.target.closest?.('.node')) this._closeMenu();
    });
  }

  _afterSeek() {
    this._reloadLines();
    this._readScript();
    this._requestDraw(true);
  }

  _showSpeed(fromSlider = false) {
    const sp = this._settings.speed;
    const txt = sp >= 0.1 ? sp.toFixed(2) : sp.toFixed(3);
    this._setText('.rc-speed-out', `${txt}×`);
    const r = this._q('.rc-speed');
    if (!fromSlider) r.value = String(Math.log10(sp));
    r.setAttribute('aria-valuetext', `${txt} times real time`);
  }

  _showPlay() {
    const b = this._q('.rc-play');
    const on = this._want;
    b.setAttribute('aria-pressed', String(on));
    b.classList.toggle('on', on);
    this._q('.rc-play-label').textContent = on ? 'Pause' : 'Play';
    b.title = on ? (this._inView ? 'Pause' : 'Paused while out of view') : 'Play';
    this._q('.rc').classList.toggle('is-running', this._running);
  }

  _showNotes() {
    const box = this._q('.rc-notes');
    box.replaceChildren();
    for (const t of this._notes) {
      const p = document.createElement('p');
      p.textContent = t;
      // A parser message points at the column with a caret line: keep its layout.
      if (t.includes('\n')) p.className = 'pre';
      box.appendChild(p);
    }
    box.hidden = this._notes.length === 0;
  }

  _showNarration() {
    const box = this._q('.rc-narration');
    const s = this._script;
    const show = !!(s && this._settings && this._settings.narration && this._scenarioText);
    box.hidden = !show;
    if (!show) return;
    const ended = s.finished;
    const many = (n) => `${n} step${n === 1 ? '' : 's'}`;
    let stepNo, text;
    if (s.steps === 0) {
      stepNo = ended ? 'The script has run to its end' : 'The script is running';
      text = '';
    } else if (ended) {
      stepNo = `End of the script (${many(s.steps)})`;
      text = s.text;
    } else if (s.waiting) {
      stepNo = `Step ${s.step} of ${s.steps}`;
      text = s.text;
    } else {
      stepNo = `Step ${Math.min(s.step + 1, s.steps)} of ${s.steps}: playing…`;
      text = s.step > 0 ? s.text : 'Watch: the script plays up to its first stop.';
    }
    if (this._offScript) stepNo += ' · you changed the cluster';
    this._setText('.rc-stepno', stepNo);
    this._setText('.rc-text', text);
    const fails = [...s.failures];
    if (s.error) fails.push(s.error);
    const fail = this._q('.rc-fail');
    fail.hidden = fails.length === 0 || this._offScript;
    fail.textContent = fails.length ? `Expectation failed: ${fails.join('; ')}` : '';
    box.classList.toggle('playing', !s.waiting && !ended);
    box.classList.toggle('off-script', this._offScript);
    this._q('.rc-back').disabled = this._backTarget() < 1;
    const cont = this._q('.rc-continue');
    cont.disabled = ended || (!s.waiting && !this._offScript);
    cont.textContent = s.waiting && s.step >= s.steps ? 'Continue to the end' : 'Continue';
    this._q('.rc-toscript').hidden = !this._offScript;
  }

  _call(fn, rethrow = false) {
    if (dead) return undefined;
    try {
      return fn();
    } catch (e) {
      if (isPanic(e)) {
        this._fatal(e);
        return undefined;
      }
      if (rethrow) throw e;
      this._flash(e.message);
      return undefined;
    }
  }

  _fatal(e) {
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (e instanceof Error && isPanic(e)) {
      dead = true;
      for (const el of connected) el._stopForPanic(msg);
      console.error(e);
      return;
    }
    this._q('.rc-loading').textContent = msg;
    this._q('.rc-loading').hidden = false;
    this._note(msg);
  }

  _stopForPanic(msg) {
    running.delete(this);
    this._running = false;
    this._note(`The simulator stopped (a bug in the WebAssembly cluster): ${msg}. Reload the page to start again.`);
  }

  /** A reader's command. Returns whether the simulator did it. */
  _act(action) {
    if (!this._sim || dead) return false;
    try {
      this._sim.command(action);
    } catch (e) {
      if (isPanic(e)) this._fatal(e);
      else this._flash(e.message);
      return false;
    }
    this._markOffScript();
    this._requestDraw(true);
    return true;
  }

  _request(via) {
    const action = { op: 'request', key: 'x', value: String(++this._autoValue) };
    if (via) action.via = via;
    this._act(action);
  }

  _select(id) {
    this._cluster.setSelected(id);
    this._strips.setSelected(id);
  }

  _togglePartition(open) {
    const panel = this._q('.rc-partition-panel');
    const show = open ?? panel.hidden;
    panel.hidden = !show;
    this._q('.rc-partition').setAttribute('aria-expanded', String(show));
    if (!show || !this._frame) return;
    const f = this._frame;
    const box = this._q('.rc-pnodes');
    box.replaceChildren();
    const n = f.nodes.length;
    const order = f.leader ? [f.leader, ...f.nodes.map((v) => v.id).filter((i) => i !== f.leader)] : f.nodes.map((v) => v.id);
    const a = new Set(order.slice(0, Math.max(1, Math.floor((n - 1) / 2))));
    for (const v of f.nodes) {
      const lab = document.createElement('label');
      const c = document.createElement('input');
      c.type = 'checkbox';
      c.value = String(v.id);
      c.checked = a.has(v.id);
      lab.append(c, document.createTextNode(` ${v.id}${v.id === f.leader ? ' (leader)' : ''}`));
      box.appendChild(lab);
    }
  }

  _toggleExport(open) {
    const panel = this._q('.rc-export-panel');
    const show = open ?? panel.hidden;
    panel.hidden = !show;
    this._q('.rc-export').setAttribute('aria-expanded', String(show));
    if (!show || !this._sim) return;
    const text = this._call(() => this._sim.exportScript());
    if (text !== undefined) this._q('.rc-export-text').value = text;
    this._q('.rc-ecopy').textContent = 'Copy';
  }

  _refreshMenu() {
    const f = this._frame;
    const v = f && f.nodes[this._menuNode - 1];
    if (!v) return this._closeMenu();
    const isolated = f.partition.some((g) => g.length === 1 && g[0] === v.id);
    const off = {
      crash: !v.up,
      restart: v.up,
      campaign: !v.up || v.role === 'leader',
      transfer: !v.up || !f.leader || f.leader === v.id,
      isolate: isolated || f.nodes.length < 2,
      request: !v.up,
    };
    for (const b of this._q('.rc-menu').querySelectorAll('button[data-action]')) {
      const d = off[b.dataset.action];
      if (b.disabled !== d) b.disabled = d;
    }
    this._setText('.rc-menu-title', `Node ${v.id} · ${v.role} · term ${v.term}`);
  }

  _openMenu(id, el, ev) {
    this._menuNode = id;
    this._select(id);
    this._refreshMenu();
    const menu = this._q('.rc-menu');
    menu.hidden = false;
    // Placed by the node, inside the stage, kept within it.
    const stage = this._q('.rc-stage').getBoundingClientRect();
    const b = el.getBoundingClientRect();
    const w = menu.offsetWidth, h = menu.offsetHeight;
    let x = b.right - stage.left + 4;
    let y = b.top - stage.top;
    if (x + w > stage.width) x = b.left - stage.left - w - 4;
    x = Math.max(2, Math.min(stage.width - w - 2, x));
    y = Math.max(2, Math.min(Math.max(2, stage.height - h - 2), y));
    menu.style.setProperty('left', `${Math.round(x)}px`);
    menu.style.setProperty('top', `${Math.round(y)}px`);
    if (!ev || ev.type !== 'click' || ev.detail === 0) menu.querySelector('button:not(:disabled)')?.focus();
  }

  _closeMenu(returnFocus = false) {
    if (!this._menuNode) return;
    const id = this._menuNode;
    this._menuNode = 0;
    this._q('.rc-menu').hidden = true;
    if (returnFocus) this._cluster.nodeElement(id)?.focus();
  }

  _showTip(m, el) {
    const tip = this._q('.rc-tip');
    this._tipId = m.id;
    tip.textContent = `${m.kind} ${m.from} → ${m.to} · term ${m.term}${m.text ? `\n${m.text}` : ''}${m.lost ? '\nlost: it will never arrive' : ''}`;
    tip.hidden = false;
    const stage = this._q('.rc-stage').getBoundingClientRect();
    const b = el.getBoundingClientRect();
    const w = tip.offsetWidth;
    tip.style.setProperty('left', `${Math.round(Math.max(2, Math.min(stage.width - w - 2, b.right - stage.left + 6)))}px`);
    tip.style.setProperty('top', `${Math.round(Math.max(2, b.bottom - stage.top + 6))}px`);
  }

  _hideTip() {
    this._tipId = -1;
    const tip = this._q('.rc-tip');
    if (tip) tip.hidden = true;
  }

  /**
   * The SVG is drawn at width/600 of its size: the labels under the nodes get a size in
   * viewBox units that stays about 11 px on screen when it is drawn small.
   */
  _svgResized(w, h) {
    const px = Math.min(w, h || w);
    if (!(px > 0)) return;
    const units = Math.round(Math.min(24, Math.max(13, (11 * 600) / px)));
    if (units !== this._labelUnits) {
      this._labelUnits = units;
      this._q('.rc').style.setProperty('--rc-label', `${units}px`);
    }
  }

  /** The log strips show 30 entries: their cells shrink to the room there is. */
  _stripsResized(w) {
    if (!(w > 0)) return;
    // The state column (key=value, the leader's view) when the cells stay readable with it.
    const fit = (meta) => Math.floor((w - 34 - meta - 18) / 30);
    const meta = fit(130) >= 12 ? 130 : 0;
    const cell = Math.max(6, Math.min(20, fit(meta)));
    if (cell === this._cell && meta === this._meta) return;
    this._cell = cell;
    this._meta = meta;
    this._q('.rc-strips').style.setProperty('--cell', `${cell}px`);
    const rc = this._q('.rc');
    rc.classList.toggle('strips-nometa', meta === 0);
    rc.classList.toggle('strips-tiny', cell < 13);
  }

  _resized(width) {
    const size = width < 440 ? 'narrow' : width < 820 ? 'medium' : 'wide';
    const rc = this._q('.rc');
    if (rc.dataset.size !== size) rc.dataset.size = size;
  }
}

if (!customElements.get('raft-cluster')) customElements.define('raft-cluster', RaftCluster);
