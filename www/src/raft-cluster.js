// <raft-cluster>: a live Raft cluster to put in any page, with one module script.
//
//   <script type="module" src="dist/raft-cluster.js"></script>
//   <raft-cluster nodes="5" seed="42" controls="minimal"></raft-cluster>
//   <raft-cluster scenario-src="scenarios/docs/partition.txt"></raft-cluster>
//
// It is the one front end of the project: the playground page is
// <raft-cluster controls="full"> plus the page's own glue (page.js), and the tour, the docs
// and the iframe form use it too. Inside: a Controller (controller.js: the Sim, the clock,
// the commands, the script) and views that draw its frames (views/). Everything lives in
// a shadow root, so the host page's styles do not reach in; the host themes it through
// CSS custom properties and ::part() names (docs.html lists them).
//
// Attributes (settings.js reads them; each is reflected as a property of the same name,
// camelCase for scenario-src): nodes, seed, speed, prevote, checkquorum, latency, loss,
// paused, theme, controls (none | minimal | full), view (cluster | diagram | both: the
// cluster, the space-time diagram, or both side by side), height, narration (show | none),
// scenario (an inline script), scenario-src (a same-origin URL). A bad value shows a
// message inside the element naming the attribute and what was expected; the default is
// used.
//
// Methods: play(), pause(), restart(), step(), seek(us), command(action), request(via),
// setScenario(text), gotoStep(k), continueScript(), backToScript(), addNote(text),
// showHelp(), openPartition(), openChange(), addNode(learner), openExport(),
// selectNode(id), frame(), script(), diagramSvg(), diagramMermaid() (the diagram's window
// as an SVG picture / Mermaid text), diagramShown() ({from, to, now, ids}: the window and
// the messages the diagram draws),
// exportScript(). Read-only: ready (a Promise: the first frame is drawn, before its
// raft-frame), running,
// playing, offScript, settings, scenarioText, controller, sim.
//
// Events (bubbling, composed): raft-ready; raft-frame (at the panels' pace, detail
// {frame}); raft-settings (the cluster was rebuilt or a setting changed; detail {settings});
// raft-step (a script pause: {step, steps, text, line}); raft-script (any change of the
// script state); raft-offscript (the reader changed the scripted run); raft-refused (a
// command the simulator refused: {message, field}); raft-error (the simulator stopped:
// {message}).

import { Controller, loadWasm } from './controller.js';
import { readSettings, OPTION_NAMES, CLUSTER_NAMES, MAX_NODES } from './settings.js';
import { htmlEl, saveText, setPrinting, refitLiveTexts, upgradeProps } from './dom.js';
import { watchRestyle } from './restyle.js';
import { createClusterView } from './views/cluster.js';
import { createLogStrips } from './views/strips.js';
import { createEventLog } from './views/event-log.js';
import { createMetrics } from './views/metrics.js';
import { createNodeMenu } from './views/node-menu.js';
import { createPartitionDialog, createChangeDialog, createExportDialog, createHelpDialog, copyText } from './views/dialogs.js';
import { createConfigLine, memberCount } from './views/config.js';
import { createTip } from './views/tip.js';
import { createLegend } from './views/legend.js';
import { createControls } from './views/controls.js';
import { createStatus } from './views/status.js';
import { createNarration } from './views/narration.js';
import { createNotes } from './views/notes.js';
import { createDiagramView, lineTellsOf } from './views/diagram.js';
import { buildMetricsPanel, buildEventLogPanel } from './views/side.js';

export { OPTION_NAMES, readSettings } from './settings.js';
export { loadWasm } from './controller.js';
export { actionRefused } from './views/node-menu.js';

const STYLE = new URL('../raft-cluster.css', import.meta.url).href;

const TEMPLATE = document.createElement('template');
// Static markup only: nothing from attributes or scripts goes through innerHTML.
TEMPLATE.innerHTML = `
<link rel="stylesheet" href="${STYLE}">
<div class="rc" part="root" hidden>
  <div class="rc-notes" part="notes" role="status" hidden></div>
  <div class="rc-bar rc-bar1" part="controls"></div>
  <div class="rc-bar rc-bar2 rc-full" part="controls"></div>
  <div class="rc-status" part="status" role="group" aria-label="Cluster status"></div>
  <div class="rc-violation" part="violation" role="alert" hidden></div>
  <div class="rc-conf" part="config" role="group" aria-label="Configuration" hidden></div>
  <section class="rc-narration" part="narration" hidden aria-live="polite"></section>
  <div class="rc-main">
    <div class="rc-stage" part="stage">
      <div class="rc-cluster" part="cluster">
        <svg viewBox="0 0 600 600" tabindex="-1" role="group" aria-label="The cluster: nodes on a circle; messages in flight are drawn between them">
          <g class="edges" aria-hidden="true"></g>
          <g class="nodes"></g>
        </svg>
        <canvas class="rc-canvas" aria-hidden="true"></canvas>
        <button class="msg-nav" type="button" hidden aria-describedby="msg-nav-help"><span class="msg-nav-in"><span class="msg-nav-count live">0 in flight</span></span></button>
        <span id="msg-nav-help" class="sr">Messages in flight: the arrow keys walk them and hold the clock; Enter drops the chosen one; Escape lets the clock go.</span>
        <p class="msg-live sr" aria-live="polite"></p>
        <p class="rc-loading">Loading the cluster…</p>
      </div>
      <section class="rc-diagram" part="diagram" hidden></section>
      <details class="rc-legend-box" part="legend">
        <summary>Legend</summary>
        <div class="rc-legend"></div>
      </details>
    </div>
    <div class="rc-side rc-full" part="side">
      <div class="rc-metrics" role="group" aria-label="Metrics"></div>
      <div class="rc-events" role="group" aria-label="Event log"></div>
    </div>
  </div>
  <div class="rc-logs rc-full" part="logs" role="group" aria-label="Logs">
    <h2>Logs <span class="hint">one row per node, newest index on the right</span></h2>
    <div class="rc-strips"></div>
  </div>
  <div class="rc-fatal" role="alertdialog" aria-labelledby="rc-fatal-h" hidden>
    <div class="rc-fatal-box">
      <h2 id="rc-fatal-h">The simulator stopped</h2>
      <p>The WebAssembly cluster hit a bug and cannot go on.</p>
      <pre class="rc-fatal-msg"></pre>
      <button class="rc-reload" type="button">Reload the page</button>
    </div>
  </div>
</div>`;

/** etcd's words for a membership change it refused (raft-core's ProposeError and
 *  ConfChangeError, as etcd writes them), each with what it means in plain words. */
const ETCD_REFUSALS = [
  [/^possible unapplied conf change/, 'the previous membership change is not applied yet'],
  [/^must transition out of joint config first/, 'the cluster is in joint consensus, which it must leave first'],
  [/^not in joint state; refusing empty conf change/, 'the cluster is not in joint consensus, so there is none to leave'],
  [/^config is already joint/, 'the cluster is already in joint consensus'],
  [/^can't leave a non-joint config/, 'the cluster is not in joint consensus, so there is none to leave'],
  [/^more than one voter changed without entering joint config/, 'more than one voter changes, which takes joint consensus'],
  [/^removed all voters/, 'no voter would be left'],
  [/^can't make a zero-voter config joint/, 'no voter would be left'],
];

/** The note for a command the simulator refused: which action, and why (etcd's own words
 *  kept, after their meaning). */
function refusalText(op, message) {
  const plain = ETCD_REFUSALS.find(([re]) => re.test(message));
  const why = plain ? `${plain[1]} (etcd: ${message})` : message;
  return op ? `${op[0].toUpperCase()}${op.slice(1)} refused: ${why}` : why;
}

const BOOLEAN_ATTRS = new Set(['prevote', 'checkquorum', 'paused']);
/** The panels showPanel brings into view. */
const PANELS = { logs: '.rc-logs', events: '.rc-events', metrics: '.rc-metrics', diagram: '.rc-diagram', cluster: '.rc-cluster' };
/** The longest link Export offers: addresses much longer are cut by chat and mail clients. */
const MAX_LINK = 8000;
const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

/** The attributes that set the run's pace and network, not the element's look. */
const RUN_SETTINGS = new Set(['speed', 'paused', 'latency', 'loss']);

export class RaftCluster extends HTMLElement {
  static get observedAttributes() { return OPTION_NAMES; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.appendChild(TEMPLATE.content.cloneNode(true));
    this._root = root;
    const rc = this._q('.rc');
    // Shown once the stylesheet is in: no flash of unstyled controls.
    // The canvases' colours are read from the styles: again once the stylesheet is in (an
    // element made after the wasm loaded can draw before it).
    root.querySelector('link').addEventListener('load', () => { rc.hidden = false; this._resizeAll(); this._refreshPalette(); }, { once: true });
    root.querySelector('link').addEventListener('error', () => { rc.hidden = false; }, { once: true });
    this._settings = readSettings(() => null).settings;
    this._problems = [];
    this._hostNotes = []; // {text, about}: the host page's notes (addNote)
    this._inView = false;
    this._started = false;
    this._rebuildQueued = false;
    this._generation = 0;
    this._selected = 0;
    this._tipFrom = null; // 'pointer' | 'touch' | 'key': who holds the clock for the tip
    this._chipFocused = false; // the keyboard is on the in-flight chip (the clock holds)
    this._readyResolve = null;
    this.ready = new Promise((res) => { this._readyResolve = res; });
    // (A value the page gave one of these before this script loaded is kept.)
    const own = (name, v) => { if (!Object.prototype.hasOwnProperty.call(this, name)) this[name] = v; };
    own('keyboardHelp', false); // the host page has shortcuts (the help lists them)
    own('settingsSource', 'attribute'); // how messages name a setting ('URL parameter' on the page)
    own('sessionLinkBase', null); // a page that runs `#scenario=` links: Export links to it
    this._wire();
  }

  // --- public API --------------------------------------------------------------------------

  get controller() { return this._ctl; }
  get sim() { return this._ctl.sim; }
  frame() { return this._ctl.frame; }
  script() { return this._ctl.script; }
  get running() { return this._ctl.running; }
  get playing() { return this._ctl.playing; }
  get offScript() { return this._ctl.offScript; }
  /** The settings in effect: the cluster's (as built, and what changed since: speed,
   *  paused, the network) and the look's (as the attributes say now). */
  get settings() {
    const c = this._ctl.settings;
    if (!c) return null;
    const s = this._settings;
    return { ...c, theme: s.theme, controls: s.controls, view: s.view, diagramWindow: s.diagramWindow, height: s.height, narration: s.narration };
  }
  get scenarioText() { return this._ctl.scenarioText; }
  get selected() { return this._selected; }

  play() { this._ctl.play(); }
  pause() { this._ctl.pause(); }
  toggle() { this._ctl.toggle(); }
  step() { this._ctl.step(); }
  seek(t) { this._ctl.seek(t); }
  /** Sets the speed (simulated seconds per second), held to 0.01–1: the speed attribute. */
  setSpeed(s) {
    const n = typeof s === 'string' && s.trim() === '' ? NaN : Number(s);
    if (!Number.isFinite(n)) throw new TypeError(`setSpeed: expected a number from 0.01 to 1, got ${String(s)}`);
    this.setAttribute('speed', String(Number(Math.min(1, Math.max(0.01, n)).toPrecision(3))));
  }
  command(action) { return this._ctl.command(action); }
  request(via = 0, key = 'x', value = '') { return this._ctl.request(via, key, value); }
  exportScript() { return this._ctl.exportScript(); }
  restart() { if (this._started) this._build(this._ctl.scenarioText); }
  gotoStep(k) { this._ctl.gotoStep(k); }
  continueScript() { return this._ctl.continueScript(); }
  backToScript() { this._ctl.backToScript(); }
  /** Follows a new script (text), replacing the run, once the simulator's scripts build is
   *  in (it is fetched the first time). A Promise: rejects with the parser's ScenarioError. */
  async setScenario(text) {
    await loadWasm({ scripts: true });
    this._generation++; // a build from the attributes still on its way is dropped
    this._build(text, { throwOnError: true });
    // Called before the element's first build, the script stands: that build is not made.
    this._scriptSet = true;
  }
  showHelp() { this._help.toggle(this.keyboardHelp); }
  openPartition() { this._partition.open(this._ctl.frame); }
  /** Opens the membership change dialog (joint consensus). */
  openChange() { this._change.open(this._ctl.frame); }
  /** Starts a new node (the next id) and proposes it as a voter, or a learner. */
  addNode(learner = false) {
    const n = this._ctl.frame?.nodes.length ?? this._ctl.settings?.nodes ?? 0;
    return this._ctl.command({ op: 'add', node: n + 1, learner });
  }
  openExport() {
    const text = this._ctl.exportScript();
    if (text === undefined) return;
    const f = this._ctl.frame;
    const hash = this._ctl.traceHash();
    // A link where the host names a page that runs `#scenario=` (the playground does).
    let url = null, why = '';
    if (this.sessionLinkBase) {
      const u = `${String(this.sessionLinkBase).split('#')[0]}#scenario=${encodeURIComponent(text)}`;
      if (u.length <= MAX_LINK) url = u;
      else why = `This session is too long for a link (${u.length.toLocaleString('en')} characters): share the script.`;
    }
    this._export.open(text, hash && f ? `Trace hash at ${(f.now / 1e6).toFixed(3)} s: ${hash} (replaying the script to that time gives the same hash).` : '', url, why);
  }
  /** The diagram's window as a standalone SVG picture, and as Mermaid text. */
  diagramSvg() { return this._ctl.diagramSvg(...this._diagram.window()); }
  diagramMermaid() { return this._ctl.diagramMermaid(...this._diagram.window()); }
  /** What the diagram draws: its window (µs) and the ids of the messages drawn. */
  diagramShown() { return this._diagram.shown(); }
  /** Marks moment `t` (µs) on the space-time diagram with `label` (null: clears it). */
  markDiagram(t, label = '') { this._diagram.setMark(t, label); }

  get dialogOpen() { return [...this._root.querySelectorAll('dialog')].some((d) => d.open); }

  /** Selects node `id` (0: none): its strip and its node are marked; keys act on it.
   *  Returns false (and selects nothing new) for an id the cluster does not have. */
  selectNode(id, { focus = false } = {}) {
    if (id !== 0 && !(this._ctl.frame?.nodes ?? []).some((n) => n.id === id)) return false;
    this._selected = id;
    this._cluster.setSelected(id);
    this._diagram.setSelected(id);
    this._strips.setSelected(id);
    if (focus && id) this._cluster.nodeControl(id)?.focus({ preventScroll: true });
    return true;
  }
  openNodeMenu(id) {
    const c = this._cluster.nodeControl(id);
    if (c) this._menu.open(id, c, null, this._ctl.frame);
  }

  /** Brings one of the element's panels to the top of the window and the keyboard focus
   *  to it: 'logs' (the log strips), 'events' (the event log), 'metrics', 'diagram' or
   *  'cluster'. False when it is not shown (controls other than full, another view). */
  showPanel(name) {
    const target = this._q(PANELS[name] ?? '.none');
    if (!target || !target.getClientRects().length) return false;
    target.scrollIntoView({ block: 'start' });
    if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus({ preventScroll: true });
    return true;
  }

  /** A message from the host page, shown inside the element: kept across rebuilds, or,
   *  `passing`, one that fades after a few seconds (a hint about a key just pressed).
   *  `about`: an attribute's name: the note goes when that attribute is next set (a URL
   *  value the page refused, put right through the controls). */
  addNote(text, { passing = false, about = null } = {}) {
    if (!passing) this._hostNotes.push({ text, about });
    this._notes.add(text, { passing });
  }

  // Attributes reflected to properties.
  static _defineProps() {
    for (const name of OPTION_NAMES) {
      const prop = camel(name);
      if (Object.prototype.hasOwnProperty.call(this.prototype, prop)) continue;
      Object.defineProperty(this.prototype, prop, {
        configurable: true,
        get() {
          if (BOOLEAN_ATTRS.has(name)) return this._effective(name);
          return this.getAttribute(name);
        },
        set(v) {
          if (v === false && BOOLEAN_ATTRS.has(name)) this.setAttribute(name, 'off'); // absent means the default
          else if (v === null || v === undefined || v === false) this.removeAttribute(name);
          else if (v === true) this.setAttribute(name, BOOLEAN_ATTRS.has(name) ? '' : 'true');
          else this.setAttribute(name, String(v));
        },
      });
    }
  }

  /** A boolean setting in effect: as the cluster was built, or, when a change of it waits
   *  for the rebuild queued (or the first build), as it will be built (a scenario's own
   *  lines decide prevote and checkquorum: the built cluster's stand). */
  _effective(name) {
    const a = this._settings;
    const built = this._ctl?.settings;
    const scripted = a.scenario !== null || !!a.scenarioSrc;
    const s = !built || (this._rebuildQueued && (name === 'paused' || !scripted)) ? a : built;
    return s ? !!s[name] : false;
  }

  // --- lifecycle ---------------------------------------------------------------------------

  connectedCallback() {
    // Set by the page before this script defined the element: through the accessors now.
    upgradeProps(this, OPTION_NAMES.map(camel));
    if (!this._io) {
      this._io = new IntersectionObserver((entries) => {
        for (const e of entries) this._inView = e.isIntersecting;
        this._updateVisible();
      }, { threshold: 0 });
      // Sizes are applied on the next frame, not inside the observer's callback: a style
      // written there that changes an observed size would loop.
      this._ro = new ResizeObserver((entries) => {
        const sizes = entries.map((e) => [e.target, e.contentRect]);
        requestAnimationFrame(() => { for (const [t, r] of sizes) this._resized(t, r); });
      });
      this._onVisibility = () => this._updateVisible();
      // Printed, the event log and the strips show the run as it is, though they were
      // not written while out of view (see watchInView).
      this._onPrint = (ev) => {
        setPrinting(ev.type === 'beforeprint');
        if (ev.type === 'beforeprint') this._ctl.drawNow();
      };
    }
    document.addEventListener('visibilitychange', this._onVisibility);
    this._unwatchRestyle = watchRestyle(this, () => this._refreshPalette());
    addEventListener('beforeprint', this._onPrint);
    addEventListener('afterprint', this._onPrint);
    this._io.observe(this);
    this._ro.observe(this);
    this._ro.observe(this._q('.rc-cluster'));
    this._ro.observe(this._q('.rc-strips'));
    this._ro.observe(this._diagram.plot);
    // What sits over the cluster: with a fixed height, the cluster takes the room under it.
    this._overStage = ['.rc-notes', '.rc-bar1', '.rc-status', '.rc-violation', '.rc-conf', '.rc-narration'].map((c) => this._q(c));
    for (const el of this._overStage) this._ro.observe(el);
    if (!this._started) {
      this._started = true;
      this._start();
    } else {
      this._updateVisible();
    }
  }

  disconnectedCallback() {
    document.removeEventListener('visibilitychange', this._onVisibility);
    this._unwatchRestyle?.();
    removeEventListener('beforeprint', this._onPrint);
    removeEventListener('afterprint', this._onPrint);
    this._io?.disconnect();
    this._ro?.disconnect();
    this._inView = false;
    this._updateVisible();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value) return;
    for (const n of this._hostNotes.filter((x) => x.about === name)) this._notes.remove(n.text);
    this._hostNotes = this._hostNotes.filter((x) => x.about !== name);
    if (!this._started) return;
    if (CLUSTER_NAMES.includes(name)) {
      // The seed taken away: a new random one (a restart or another change keeps the seed).
      if (name === 'seed' && value === null) this._freshSeed = true;
      this._showProblems(); // said now; the rebuild keeps them
      this._queueRebuild();
    } else {
      this._applySettings(name);
    }
  }

  async _start() {
    this._applySettings();
    // A script (or a comparison's run, `data-scripts`) needs the simulator's scripts build;
    // a cluster of its own, the playground's.
    const s = this._settings;
    this._ctl.scripts = this.hasAttribute('data-scripts');
    const scripts = this._ctl.scripts || s.scenario !== null || !!s.scenarioSrc;
    try {
      await loadWasm({ scripts });
    } catch (e) {
      const file = scripts ? 'pkg-scripts/raft_scripts_bg.wasm' : 'pkg/raft_web_bg.wasm';
      const msg = `Could not load the simulator (${file} beside the dist/ folder): ${e && e.message ? e.message : e}`;
      this._q('.rc-loading').textContent = msg;
      this._notes.add(msg);
      return;
    }
    this._wasmReady = true;
    this._applySettings(); // attributes set while the wasm loaded
    if (!this._scriptSet) await this._buildFromSettings();
  }

  _queueRebuild() {
    // Before the wasm is in, _start builds from whatever the attributes are by then.
    if (!this._wasmReady) return;
    if (this._rebuildQueued) return;
    this._rebuildQueued = true;
    queueMicrotask(() => {
      this._rebuildQueued = false;
      this._applySettings();
      this._buildFromSettings();
    });
  }

  /** Reads the attributes into settings and says what is wrong with them at once: a
   *  problem that went away goes, a new one is added (a rebuild shows them all again). */
  _showProblems() {
    const before = this._problems;
    const { settings, problems } = readSettings((n) => this.getAttribute(n), { source: this.settingsSource });
    this._settings = settings;
    this._problems = problems;
    if (!this._ctl.settings) return; // the first build says them
    for (const t of before) if (!problems.includes(t)) this._notes.remove(t);
    for (const t of problems) if (!before.includes(t)) this._notes.add(t);
  }

  /** Applies the attributes: the look at once; the pace and the network when `changed`
   *  names them (null: the first reading, before the cluster is built); the cluster's own
   *  settings at the next build. Only the attribute that changed acts: a theme set while
   *  the reader has paused, sped up or changed the network through the controls leaves
   *  those as the reader left them. */
  _applySettings(changed = null) {
    this._showProblems();
    const settings = this._settings;
    // The run's pace and network change nothing of the look: a Speed slider dragged writes
    // `speed` at every step, and the look's part reads the layout (the fitted height).
    if (!RUN_SETTINGS.has(changed)) {
      const rc = this._q('.rc');
      rc.dataset.controls = settings.controls;
      this._openLegend();
      rc.classList.toggle('fixed-height', !!settings.height);
      if (settings.height) rc.style.setProperty('--rc-height', settings.height);
      else rc.style.removeProperty('--rc-height');
      this._fitHeight();
      if (settings.theme) rc.dataset.theme = settings.theme; else delete rc.dataset.theme;
      this._showView(settings.view);
      if (this._diagram.seconds !== settings.diagramWindow) this._diagram.seconds = settings.diagramWindow;
      if (changed === null || changed === 'theme') this._refreshPalette();
      rc.classList.toggle('has-keys', !!this.keyboardHelp);
    }
    const ctl = this._ctl;
    if (ctl.settings) {
      if (changed === 'speed') ctl.setSpeed(settings.speed);
      if (changed === 'paused') (settings.paused ? ctl.pause() : ctl.play());
      // Latency and loss change the running network.
      if (changed === 'latency' || changed === 'loss') {
        const cur = ctl.settings;
        if (cur.latency !== settings.latency || cur.loss !== settings.loss) this._network(settings);
      }
      this._showScript();
    }
    if (changed !== null) this._settingsChanged();
  }

  /** raft-settings, once there is a cluster whose settings it can carry. */
  _settingsChanged(rebuilt = false) {
    if (this._ctl.settings) this._emit('raft-settings', { settings: this.settings, rebuilt });
  }

  async _buildFromSettings() {
    const gen = ++this._generation;
    const s = this._settings;
    let text = s.scenario;
    const extra = [];
    if (text === null && s.scenarioSrc) {
      this._q('.rc-loading').textContent = 'Loading the scenario…';
      try {
        const res = await fetch(s.scenarioSrc, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        text = await res.text();
      } catch (e) {
        extra.push(`scenario-src="${this.getAttribute('scenario-src')}": could not load it (${e.message}). Showing a cluster of its own instead.`);
        text = null;
      }
      if (gen !== this._generation) return;
    }
    if (text !== null) {
      try {
        await loadWasm({ scripts: true });
      } catch (e) {
        extra.push(`Could not load the simulator's scripts build (pkg-scripts/ beside the dist/ folder): ${e.message}. Showing a cluster of its own instead.`);
        text = null;
      }
      if (gen !== this._generation) return;
    }
    this._build(text, { extra });
  }

  /** Builds the cluster from a script (or from the settings when null). */
  _build(text, { throwOnError = false, extra = [] } = {}) {
    this._notes.reset([...this._problems, ...this._hostNotes.map((n) => n.text), ...(this._shortNote ? [this._shortNote] : []), ...extra]);
    // (Without a seed attribute, a restart keeps the seed the first build drew: the
    // controller reads it back from its Sim.)
    const settings = { ...this._settings };
    if (this._freshSeed && settings.seed === null) settings.seed = this._ctl.randomSeed() ?? null;
    this._freshSeed = false;
    const problem = this._ctl.build(settings, text, { throwOnError });
    if (problem) this._notes.add(problem);
    this._q('.rc-loading').hidden = true;
    this._q('.rc').classList.toggle('has-script', !!this._ctl.scenarioText);
    // The narration is the new run's: none without a script.
    this._showScript();
    this._updateVisible();
    this._settingsChanged(true);
  }

  _updateVisible() {
    const visible = this._inView && this.isConnected && document.visibilityState === 'visible';
    this._ctl.setVisible(visible);
    // Out of view, nothing is drawn: the cluster's picture need not be kept (a page of many).
    if (!visible) this._cluster?.release();
  }

  // --- wiring ------------------------------------------------------------------------------

  _q(sel) { return this._root.querySelector(sel); }

  /** Puts the focus on the first control after `el` in the element that can take it (shown,
   *  enabled): where Tab from `el` would go. */
  _focusAfter(el) {
    const all = this._root.querySelectorAll('button, input, select, textarea, a[href], summary, [tabindex="0"]');
    for (const c of all) {
      if (!(el.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING) || el.contains(c)) continue;
      if (c.disabled || c.closest('[hidden], dialog:not([open])') || !c.getClientRects().length) continue;
      c.focus({ preventScroll: true });
      if (this._root.activeElement === c) return true;
    }
    return false;
  }

  _emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
  }

  _wire() {
    const q = (s) => this._q(s);
    const full = () => this._settings.controls === 'full';
    this._notes = createNotes(q('.rc-notes'), { focusAfter: () => this._focusAfter(q('.rc-notes')) });
    const metricsBox = buildMetricsPanel(q('.rc-metrics'));
    const logBox = buildEventLogPanel(q('.rc-events'), (node, cat) => this._eventLog.setFilter(node, cat));
    this._logBox = logBox;
    this._strips = createLogStrips(q('.rc-strips'), {
      onSelect: (id) => this.selectNode(id),
      onReveal: () => this._ctl.requestDraw(true),
      commitStatus: (index, node) => this._ctl.commitStatus(index, node),
    });
    this._ctl = new Controller({
      wantLines: true,
      planRows: (max) => (full() ? this._strips.plan(this._ctl.nodeCount(), max, this._ctl.running) : []),
    });
    const ctl = this._ctl;
    this._eventLog = createEventLog(logBox.list, {
      max: 500, scroller: logBox.scroller, anchor: logBox.anchor,
      // A line pointed at lights the arrows it tells of.
      onHover: (l) => this._diagram.setLinked(l ? this._diagram.arrowsOfLine(l).map((a) => a.id) : []),
    });
    this._metrics = createMetrics(q('.rc-metrics'));
    const stage = q('.rc-stage');
    this._tip = createTip(stage, { onDrop: (id) => this._drop(id) });
    this._menu = createNodeMenu(stage, {
      onAction: (action, id) => (action === 'request' ? ctl.request(id) : ctl.command({ op: action, node: id })),
      onClose: (id, back) => { if (back) this._cluster.nodeControl(id)?.focus({ preventScroll: true }); },
    });
    this._cluster = createClusterView(q('.rc-cluster'), {
      onNode: (id, control, ev) => {
        this.selectNode(id);
        if (full()) this._menu.open(id, control, ev, this._ctl.frame);
      },
      onHover: (m, pt, ev) => {
        this._showTip(m, pt, ev?.pointerType === 'touch' ? 'touch' : 'pointer');
        this._link(m ? this._diagram.arrow(m.id) ?? m : null, 'cluster');
      },
      // Whether the message was dropped (with full controls), not shown in a tip.
      onPress: (m) => {
        if (full()) return this._drop(m.id);
        this._showTip(m, null, 'touch');
        return false;
      },
      onKeyMessage: (m, pt) => this._showTip(m, pt, 'key'),
      onChipFocus: (on) => {
        this._chipFocused = on;
        if (on) ctl.hold(true); else this._releaseTip('key');
      },
    });
    this._diagram = createDiagramView(q('.rc-diagram'), {
      // Beside this script: www/src/ as modules, dist/ as bundles.
      paintWorker: new URL('./paint-worker.js', import.meta.url).href,
      fetch: (from, to) => ctl.diagram(from, to),
      onHover: (a, pt, ev) => {
        this._showTip(a, pt, ev?.pointerType === 'touch' ? 'touch' : 'pointer', { canDrop: false });
        this._link(a, 'diagram');
      },
      onKeyArrow: (a, pt) => {
        this._showTip(a, pt, 'key', { canDrop: false });
        this._link(a, 'diagram');
      },
      onChipFocus: (on) => {
        this._chipFocused = on;
        if (on) ctl.hold(true); else this._releaseTip('key');
      },
      onSeek: (t) => { ctl.pause(); ctl.seek(t); },
      onWindow: (s) => this.setAttribute('diagram-window', String(s)),
      exportSvg: () => this._download('svg'),
      exportMermaid: () => this._download('mermaid'),
    });
    this._legend = createLegend(q('.rc-legend'));
    // A refusal met while a dialog applies its change is said in the dialog (it stays
    // open); the notes sit behind its backdrop.
    this._partition = createPartitionDialog(this._root.querySelector('.rc'), {
      onApply: (groups, say) => this._commandFrom(say, { op: 'partition', groups }),
    });
    this._change = createChangeDialog(this._root.querySelector('.rc'), {
      onApply: (c, say) => this._commandFrom(say, { op: 'change', ...c }),
      maxNodes: MAX_NODES,
    });
    this._conf = createConfigLine(q('.rc-conf'), {
      onLeave: () => ctl.command({ op: 'leave-joint' }),
      focusAfter: () => q('.rc-change')?.focus({ preventScroll: true }),
    });
    this._export = createExportDialog(this._root.querySelector('.rc'));
    this._help = createHelpDialog(this._root.querySelector('.rc'));
    this._status = createStatus(q('.rc-status'), q('.rc-violation'));
    this._narration = createNarration(q('.rc-narration'), {
      back: () => { const k = ctl.backTarget(); if (k >= 1) this.gotoStep(k); },
      continue: () => this.continueScript(),
      toScript: () => this.backToScript(),
    });
    this._controls = createControls(q('.rc-bar1'), q('.rc-bar2'), {
      toggle: () => ctl.toggle(),
      step: () => ctl.step(),
      restart: () => this.restart(),
      // Through the attribute, as latency and loss are: a later change of another
      // attribute then keeps the reader's speed, and the property says it.
      speed: (s) => this.setAttribute('speed', String(Number(s.toPrecision(3)))),
      seek: (t) => { ctl.pause(); ctl.seek(t); },
      rebuild: (patch) => {
        // Through the attributes, so the element, its properties and the page's URL agree.
        this.setAttribute('nodes', String(patch.nodes));
        this.setAttribute('seed', patch.seed);
        this.setAttribute('prevote', patch.prevote ? 'on' : 'off');
        this.setAttribute('checkquorum', patch.checkquorum ? 'on' : 'off');
        this._queueRebuild();
      },
      randomSeed: () => ctl.randomSeed(),
      partition: () => this.openPartition(),
      heal: () => ctl.command({ op: 'heal' }),
      network: (n) => {
        this.setAttribute('latency', String(n.latency));
        this.setAttribute('loss', String(n.loss));
      },
      request: (key, value) => ctl.request(0, key || 'x', value),
      addNode: (learner) => this.addNode(learner),
      change: () => this.openChange(),
      export: () => this.openExport(),
      help: () => this.showHelp(),
      view: (v) => this.setAttribute('view', v),
      problem: (t, about) => this._notes.add(t, { passing: true, about }),
    });
    // The status sits at the end of the first bar (when there is room, on its right).
    q('.rc-bar1').appendChild(q('.rc-status'));
    metricsBox.show.addEventListener('click', () => {
      const text = ctl.prometheus();
      if (text === undefined) return;
      metricsBox.pre.textContent = text;
      metricsBox.pre.hidden = false;
      metricsBox.show.setAttribute('aria-expanded', 'true');
      metricsBox.show.textContent = 'Refresh Prometheus text';
      metricsBox.copy.hidden = false;
      metricsBox.copy.textContent = 'Copy';
    });
    metricsBox.copy.addEventListener('click', () => copyText(metricsBox.pre.textContent, metricsBox.copy));
    q('.rc-reload').addEventListener('click', () => location.reload());
    const motion = matchMedia('(prefers-reduced-motion: reduce)');
    this._cluster.setStaticMessages(motion.matches);
    motion.addEventListener('change', () => this._cluster.setStaticMessages(motion.matches));
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this._refreshPalette());

    // The controller's events.
    ctl.addEventListener('reset', (e) => {
      const n = e.detail.nodes;
      this._menu.close();
      this._releaseTip(this._tipFrom);
      this._eventLog.clear();
      this._metrics.reset();
      this._status.reset();
      this._conf.reset();
      this._count = n;
      this._controls.reset();
      this._cluster.layout(n);
      this._diagram.reset();
      this._layoutDiagram(n);
      this._strips.layout(n);
      this._logBox.setNodes(n);
      if (this._selected > n) this.selectNode(0);
    });
    ctl.addEventListener('frame', (e) => this._onFrame(e.detail));
    ctl.addEventListener('state', () => this._controls.showState(ctl, this._inView));
    ctl.addEventListener('script', (e) => { this._showScript(); this._emit('raft-script', e.detail); });
    ctl.addEventListener('step', (e) => this._emit('raft-step', e.detail));
    ctl.addEventListener('offscript', () => this._emit('raft-offscript'));
    ctl.addEventListener('refused', (e) => {
      // The web crate's words say what was wrong; the note says which action it was, and
      // what etcd's words mean where they are etcd's. A passing note: the situation passes.
      const { op, message } = e.detail;
      const text = refusalText(op, message);
      if (this._sayRefusal) this._sayRefusal(text);
      else this._notes.add(text, { passing: true });
      this._emit('raft-refused', e.detail);
    });
    ctl.addEventListener('fatal', (e) => {
      q('.rc-fatal-msg').textContent = e.detail.message;
      q('.rc-fatal').hidden = false;
      q('.rc-loading').hidden = true;
      this._emit('raft-error', e.detail);
    });
  }

  /** Gives the controller `action` from a dialog: a refusal is said through `say` (in the
   *  dialog), not in the notes. Returns whether it was done. */
  _commandFrom(say, action) {
    this._sayRefusal = say;
    try {
      return this._ctl.command(action);
    } finally {
      this._sayRefusal = null;
    }
  }

  _onFrame({ frame: f, panels, sample, rows, reloaded }) {
    if (f.nodes.length !== this._count) {
      // Nodes added at run time: the cluster view and the strips lay themselves out again
      // from the frame; the event log's node filter follows.
      this._count = f.nodes.length;
      this._logBox.setNodes(this._count);
      this._layoutDiagram(this._count);
    }
    this._cluster.update(f);
    // The diagram fetches afresh when the clock stands (a seek, a step, a command while
    // paused): what it shows is then the run's state, not a slide of the last one.
    this._diagram.update(f, { fresh: !this._ctl.running });
    const v = this._status.update(f, panels);
    if (rows) this._strips.update(f, rows);
    if (this._tip.id !== null) this._tip.refresh(f.messages.find((m) => m.id === this._tip.id));
    // Every frame, not with the panels: the menu offers what the cluster drawn beside it
    // shows (a node seen crashed offers Restart), and the keys it takes follow.
    this._menu.refresh(f);
    if (panels) {
      this._followNetwork(f);
      this._cluster.setViolation(v ? v.nodes : []);
      this._q('.rc').classList.toggle('violated', !!v);
      this._cluster.updateChip(f);
      this._diagram.describe(f);
      this._controls.showTime(f);
      this._controls.showNodes(memberCount(f));
      this._conf.update(f);
      if (this._settings.controls === 'full') {
        if (reloaded) this._eventLog.clear();
        this._eventLog.push(f.lines);
        this._eventLog.flush(this._ctl.running ? 80 : Infinity, this._ctl.running);
        if (!this._ctl.running) this._eventLog.expand();
        if (sample) this._metrics.sample(f);
      }
      // raft-ready before the first raft-frame: a listener for raft-ready meets every frame.
      this._markReady();
      this._emit('raft-frame', { frame: f });
    }
    this._markReady();
  }

  /** The first frame is drawn: `ready` resolves and raft-ready fires, once. */
  _markReady() {
    if (!this._readyResolve) return;
    this._readyResolve();
    this._readyResolve = null;
    this._emit('raft-ready');
  }

  _showScript() {
    const ctl = this._ctl;
    this._narration.update(ctl.script, {
      off: ctl.offScript, show: !!ctl.scenarioText && this._settings.narration, backTarget: ctl.backTarget(),
    });
  }

  // --- message tips: the clock holds while the reader reads one --------------------------

  _showTip(m, pt, from, { canDrop = this._settings.controls === 'full' } = {}) {
    if (!m) return this._releaseTip(from);
    this._tipFrom = from;
    this._ctl.hold(true);
    this._tip.show(m, pt, { canDrop, offerDrop: from !== 'pointer' });
    // A light frame carries no message texts: one detailed draw fills the tip in.
    if (!m.text) this._ctl.requestDraw(true);
  }

  /** Hides the tip shown for `from` (unless another source shows one now) and lets the
   *  clock go, unless the keyboard is still on the in-flight chip. */
  _releaseTip(from) {
    if (from && this._tipFrom && from !== this._tipFrom) return;
    if (this._tipFrom) {
      this._tipFrom = null;
      this._tip.hide();
    }
    this._ctl.hold(!!this._chipFocused);
  }

  /** Links a message across the views: its arrow in the diagram, its place in the cluster
   *  (while in flight), its event-log lines. `from`: the view pointed at (not lit again). */
  _link(a, from) {
    if (from !== 'diagram') this._diagram.setLinked(a ? [a.id] : []);
    if (from !== 'cluster') this._cluster.setLinked(a ? a.id : null);
    this._eventLog.highlight(a && a.sent !== undefined ? (l) => lineTellsOf(a, l) : null);
  }

  /** The diagram's cluster / diagram / both choice. */
  _showView(view) {
    const rc = this._q('.rc');
    if (rc.dataset.view === view) return;
    rc.dataset.view = view;
    this._q('.rc-cluster').hidden = view === 'diagram';
    this._q('.rc-diagram').hidden = view === 'cluster';
    this._diagram.setShown(view !== 'cluster');
    this._controls?.showView(view);
  }

  /** The diagram's plot is as tall as its lanes need. */
  _layoutDiagram(n) {
    this._diagram.plot.style.setProperty('height', `${this._diagram.heightFor(n)}px`);
  }

  /** Saves the diagram's window as a file. */
  _download(what) {
    const text = what === 'svg' ? this.diagramSvg() : this.diagramMermaid();
    if (text === undefined || text === null) return;
    const [from, to] = this._diagram.window();
    const name = `raft-${this._ctl.settings?.seed ?? 'run'}-${(from / 1e6).toFixed(3)}-${(to / 1e6).toFixed(3)}s.${what === 'svg' ? 'svg' : 'mmd'}`;
    saveText(name, text, what === 'svg' ? 'image/svg+xml' : 'text/plain', this._q('.rc-diagram'));
  }

  _drop(id) {
    this._tip.hide();
    this._cluster.clearHover();
    this._tipFrom = null;
    this._ctl.hold(!!this._chipFocused);
    return this._ctl.command({ op: 'drop', id });
  }

  /** The settings and the controls follow the network the cluster runs: a script's latency
   *  and loss lines, a `network` command, a rewind past a change. */
  _followNetwork(f) {
    const s = this._ctl.settings;
    if (!s || f.latencyMaxMs === undefined) return;
    const lo = Math.round(f.latencyMinMs), hi = Math.round(f.latencyMaxMs);
    if (s.latency === hi && s.latencyMin === lo && s.loss === f.loss) return;
    s.latency = hi;
    s.latencyMin = lo;
    s.loss = f.loss;
    this._controls.followNetwork(lo, hi, f.loss);
    this._settingsChanged();
  }

  _network(s) {
    const lo = Math.max(1, Math.round(s.latency / 3));
    if (!this._ctl.command({ op: 'network', latencyMinMs: lo, latencyMaxMs: s.latency, loss: s.loss })) return;
    this._ctl.settings.latencyMin = lo;
    this._ctl.settings.latency = s.latency;
    this._ctl.settings.loss = s.loss;
    // The sliders follow (the frame will carry the same network: _followNetwork then sees
    // nothing new).
    this._controls.followNetwork(lo, s.latency, s.loss);
  }

  /** What was read from the styles and kept: the canvases' colours, the live texts' font. */
  _refreshPalette() {
    refitLiveTexts(this._root);
    this._cluster?.refreshPalette();
    this._diagram?.refreshPalette();
    if (this._q('.rc-legend-box').open) this._legend.paint();
  }

  // --- sizes -------------------------------------------------------------------------------

  _resizeAll() {
    const c = this._q('.rc-cluster');
    this._cluster.resize(c.getBoundingClientRect().width);
  }

  /** The legend starts open where there is room for it beside the cluster (full controls,
   *  a wide element); the reader's own choice is kept until the size class changes. */
  _openLegend() {
    const rc = this._q('.rc');
    const key = `${this._settings.controls}|${rc.dataset.size}`;
    if (this._legendFor === key) return;
    this._legendFor = key;
    this._q('.rc-legend-box').open = this._settings.controls === 'full' && (rc.dataset.size === 'wide' || rc.dataset.size === 'huge');
  }

  _resized(target, rect) {
    if (target === this || this._overStage.includes(target)) this._fitHeight();
    if (target === this) {
      const w = rect.width;
      const size = w < 440 ? 'narrow' : w < 820 ? 'medium' : w < 1180 ? 'wide' : 'huge';
      const rc = this._q('.rc');
      if (rc.dataset.size !== size) {
        rc.dataset.size = size;
        this._placeBar2(size);
      }
      // Room for the space-time diagram beside the cluster (raft-cluster.css): from 560 px.
      const beside = w >= 560;
      if ((rc.dataset.beside === 'true') !== beside) rc.dataset.beside = String(beside);
      this._openLegend();
    } else if (target.classList.contains('rc-cluster')) {
      this._cluster.resize(Math.min(rect.width, rect.height || rect.width));
    } else if (target === this._diagram.plot) {
      this._diagram.resize(rect.width, rect.height);
    } else if (target.classList.contains('rc-strips')) {
      this._stripsResized(rect.width);
    }
  }

  /** The second bar (the cluster's and the view's controls) goes where it is seen, so that
   *  Tab meets it there: over the cluster on a wide element, and on a phone or a column
   *  (raft-cluster.css, `order`) under the cluster, before the metrics. Moving a node takes
   *  focus from what is in it: that focus is given back. */
  _placeBar2(size) {
    const bar2 = this._q('.rc-bar2');
    const under = size === 'narrow' || size === 'medium';
    const [parent, before] = under ? [this._q('.rc-main'), this._q('.rc-side')] : [this._q('.rc'), this._q('.rc-violation')];
    if (bar2.parentNode === parent && bar2.nextElementSibling === before) return;
    const active = this.shadowRoot.activeElement;
    parent.insertBefore(bar2, before);
    if (active && bar2.contains(active) && this.shadowRoot.activeElement !== active) active.focus({ preventScroll: true });
  }

  /** With a fixed height (the `height` attribute), the cluster is no taller than the room
   *  left under what comes over it (the bars, the status, the narration) and, where the
   *  legend goes under it, the legend's line: the whole cluster shows in the first view.
   *  Never under 240 px (smaller, its labels and the "in flight" chip would crowd it): in
   *  less room than that, the box scrolls. Read after layout (resize observer). */
  _fitHeight() {
    const rc = this._q('.rc');
    if (!rc.classList.contains('fixed-height') || !this.isConnected) {
      if (this._fitPx !== undefined) rc.style.removeProperty('--rc-fit-height');
      this._fitPx = undefined;
      if (this._shortNote) this._notes.remove(this._shortNote);
      this._shortNote = null;
      return;
    }
    const stage = this._q('.rc-stage');
    const top = stage.getBoundingClientRect().top - rc.getBoundingClientRect().top + rc.scrollTop;
    let room = rc.clientHeight - top - parseFloat(getComputedStyle(rc).paddingBottom);
    // The legend sits beside the cluster where the stage has 200 px more (its least width).
    if (stage.clientWidth - Math.min(room, stage.clientWidth) - 14 < 200) room -= 36;
    const least = 240; // the cluster's least height (raft-cluster.css: --rc-cluster-max)
    const px = Math.max(least, Math.floor(room));
    // A box too short for its controls and the cluster's least height scrolls inside: the
    // author who set the height is told why, and what to do (the words do not depend on
    // the room, which the note itself takes some of).
    const note = room < least
      ? `height="${this.getAttribute('height')}": under its controls the cluster has less than the ${least} px it needs, so it scrolls inside the box; make the element taller, or give it fewer controls (controls="none").`
      : null;
    if (note !== this._shortNote) {
      if (this._shortNote) this._notes.remove(this._shortNote);
      if (note) this._notes.add(note);
      this._shortNote = note;
    }
    if (px === this._fitPx) return;
    this._fitPx = px;
    rc.style.setProperty('--rc-fit-height', `${px}px`);
  }

  /** The log strips show 30 entries: their cells shrink to the room there is; the state
   *  column (key=value, the leader's view) shows when the cells stay readable with it. */
  _stripsResized(w) {
    if (!(w > 0)) return;
    const fit = (meta) => Math.floor((w - 46 - meta - 24) / 31);
    // The state column as wide as the cells allow: 150 px holds "▲3 △4 replicate · inactive"
    // (the tour's column on a laptop); where the indexes do not fit, the strips write the
    // state alone ("replicate · inactive", views/strips.js), the whole text in its title.
    const meta = fit(190) >= 14 ? 190 : fit(150) >= 14 ? 150 : fit(120) >= 12 ? 120 : 0;
    const cell = Math.max(9, Math.min(20, fit(meta)));
    if (cell === this._cell && meta === this._meta) return;
    this._cell = cell;
    this._meta = meta;
    const strips = this._q('.rc-strips');
    strips.style.setProperty('--cell', `${cell}px`);
    strips.style.setProperty('--meta', `${meta}px`);
    this._strips.setMetaWidth(meta);
    if (this._ctl && !this._ctl.running) this._ctl.requestDraw(true);
    this._q('.rc').classList.toggle('strips-nometa', meta === 0);
  }
}

RaftCluster._defineProps();
if (!customElements.get('raft-cluster')) customElements.define('raft-cluster', RaftCluster);
