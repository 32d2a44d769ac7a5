// <raft-compare>: two runs side by side, the same seed and the same commands with one
// setting changed, on one clock, and the first moment their histories differ.
//
//   <raft-compare change="prevote off" scenario-src="scenarios/old-leader-returns.txt">
//   </raft-compare>
//   <raft-compare change="prevote off" change-at="1.9s" scenario-src="…"></raft-compare>
//
// The left run is a <raft-cluster> built from the attributes as given (every attribute of
// <raft-cluster> applies; `controls` is its own, `minimal` by default); the right run is the
// same cluster with `change` (scenario settings lines, `;` between them: "prevote off",
// "nodes 7; loss 0.1") in place of its own settings, built from the left's scenario (or,
// without one, from the left's settings as a scenario: Sim.exportScript). The right run has
// no clock of its own: the left's drives it (Controller.drive), so pausing, speed, the time
// slider and stepping act on both. Every command given to either run (a crash, a partition,
// a request) is given to the other; a message dropped by hand is not (its id belongs to one
// run). The banner says how far the runs agree, then where they part: each side's first
// differing line, with the rule behind it where the line is a node's decision (a vote, an
// append: Sim.firstDifference, raft-sim's compare.rs; a role change has none), and a
// button that takes both runs to that moment.
//
// With `change-at` (a simulated time: `1.9s`, `1900ms`), the two runs are one until then and
// the change is made there in the right run (only what may change while a cluster runs:
// prevote, checkquorum and the network's settings): they part where the change first matters
// ("without pre-vote, the returning node raises its term; with it, it asks first").
// `start-at` (the same form) starts both runs there at once, as a page comparing "from
// now" on a session's script does.
//
// Events: `raft-parted` {t, seq, left, right} when the runs part (left/right: {text, why} or
// null); `raft-refused` {message} when `change` is missing or cannot be applied (the changed
// run is then not run), and for a bad `change-at` or `start-at` (said on a line of the
// banner's own, which the scan's status does not overwrite; the runs go on).

import './raft-cluster.js';
import { OPTION_NAMES } from './settings.js';
import { fmtSeconds, upgradeProps } from './dom.js';
import { checkRunChange } from './controller.js';

const STYLE = new URL('../raft-cluster.css', import.meta.url).href;
// The right run shows the picture only; these attributes are about how it looks.
// (Its narration would repeat the left's, with buttons that cannot act: it has none.)
// `view` and `diagram-window` too: with view="both" each run shows its space-time diagram
// beside its cluster, over the same window of time. One chosen inside a run (its Window
// menu) becomes the element's, and so both runs'.
const LOOKS = ['theme', 'height', 'view', 'diagram-window'];

const TEMPLATE = `
<link rel="stylesheet" href="${STYLE}">
<div class="cmp" part="compare">
  <div class="cmp-banner" part="banner">
    <p class="cmp-status" role="status" aria-live="polite">Starting…</p>
    <p class="cmp-problem" role="status" hidden></p>
    <div class="cmp-parted" hidden>
      <p class="cmp-line cmp-line-a"><span class="cmp-tag">as set</span> <span class="cmp-text"></span> <span class="cmp-why"></span></p>
      <p class="cmp-line cmp-line-b"><span class="cmp-tag">changed</span> <span class="cmp-text"></span> <span class="cmp-why"></span></p>
      <button type="button" class="cmp-goto">Show that moment</button>
    </div>
  </div>
  <div class="cmp-runs">
    <section class="cmp-run" aria-label="The run as set">
      <h3 class="cmp-cap">As set</h3>
      <raft-cluster class="cmp-a" part="left" data-scripts></raft-cluster>
    </section>
    <section class="cmp-run cmp-run-b" aria-label="The run with the change">
      <h3 class="cmp-cap">With <code class="cmp-change"></code><span class="cmp-off"></span></h3>
      <raft-cluster class="cmp-b" part="right" data-scripts controls="none" narration="none" paused></raft-cluster>
    </section>
  </div>
</div>`;

export class RaftCompare extends HTMLElement {
  static get observedAttributes() { return [...OPTION_NAMES, 'change', 'change-at', 'start-at']; }

  constructor() {
    super();
    this._root = this.attachShadow({ mode: 'open' });
    this._root.innerHTML = TEMPLATE;
    // The two runs are built now, so their controllers exist before anything is wired.
    customElements.upgrade(this._root);
    this.left = this._root.querySelector('.cmp-a');
    this.right = this._root.querySelector('.cmp-b');
    this._generation = 0;
    this._cursor = [0, 0];  // the log lines before these (left, right) are the same in both runs
    this._changeAt = null;  // µs: when the right run changes (null: from the start)
    this._pending = false;  // the change at _changeAt is still to be made
    this._parted = null;    // where the runs part, once found
    this._relaying = false; // a command being given to the other run
    this._wired = false;
    this._problems = [];    // what is wrong with change-at / start-at (the runs go on)
  }

  /** Where the runs part ({t, seq, left, right}), or null while they agree. */
  get parted() { return this._parted; }
  get change() { return this.getAttribute('change') ?? ''; }
  set change(v) { this.setAttribute('change', v); }
  get changeAt() { return this.getAttribute('change-at'); }
  set changeAt(v) { if (v === null) this.removeAttribute('change-at'); else this.setAttribute('change-at', v); }

  connectedCallback() {
    // Properties the page set before this script defined the element: through the
    // accessors now (they hide them as the element's own properties), as <raft-cluster>'s.
    upgradeProps(this, ['change', 'changeAt']);
    for (const name of OPTION_NAMES) this._forward(name, this.getAttribute(name));
    if (!this.left.hasAttribute('controls')) this.left.setAttribute('controls', 'minimal');
    this._caption();
    if (!this._wired) this._wire();
    // The left run may already be built (upgraded late): build the right one from it.
    if (this.left.controller?.sim) this._rebuild();
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.isConnected) return;
    if (name === 'change' || name === 'change-at' || name === 'start-at') {
      this._caption();
      this._rebuild();
    } else {
      this._forward(name, value);
    }
  }

  _forward(name, value) {
    const to = name === 'controls' ? [this.left] : LOOKS.includes(name) ? [this.left, this.right] : [this.left];
    for (const el of to) {
      if (value === null) el.removeAttribute(name);
      else el.setAttribute(name, value);
    }
  }

  _wire() {
    this._wired = true;
    // Every build of the left run (its settings, a restart, a scenario) rebuilds the right;
    // a change of its look, pace or network (relayed as a command) does not.
    this.left.addEventListener('raft-settings', (e) => { if (e.detail.rebuilt) this._rebuild(); });
    // The look is one for both runs: a window or a view chosen inside one run (it sets its
    // own attribute) is made the element's, which gives it to both (_forward).
    for (const el of [this.left, this.right]) {
      el.addEventListener('raft-settings', () => {
        for (const name of LOOKS) {
          const v = el.getAttribute(name);
          if (v === this.getAttribute(name)) continue;
          if (v === null) this.removeAttribute(name);
          else this.setAttribute(name, v);
        }
      });
    }
    const a = () => this.left.controller;
    const b = () => this.right.controller;
    a().addEventListener('frame', () => this._follow());
    // Commands go to both runs; a drop names a message of one run only.
    const relay = (to) => (e) => {
      const { action } = e.detail;
      if (this._relaying || action.op === 'drop') return;
      this._relaying = true;
      try { to().command(action); } finally { this._relaying = false; }
      this._rescan();
    };
    a().addEventListener('command', relay(b));
    b().addEventListener('command', relay(a));
    a().addEventListener('seek', () => this._rescan());
    this._root.querySelector('.cmp-goto').addEventListener('click', () => {
      if (!this._parted) return;
      this.left.pause();
      this.left.seek(this._parted.t);
    });
  }

  _caption() {
    const at = this._readChangeAt();
    const text = this.change.trim() || '(nothing)';
    this._root.querySelector('.cmp-change').textContent = at.us === null ? text : `${text} from ${fmtSeconds(at.us)} s`;
  }

  /** `change-at` in µs (null: from the start), and what is wrong with it, if anything. */
  _readChangeAt() {
    return this._readTime('change-at', 'the change is made from the start instead');
  }

  /** A time attribute (`1.9s`, `1900ms`) in µs (null: absent), or what is wrong with it. */
  _readTime(name, otherwise) {
    const v = this.getAttribute(name);
    if (v === null || v.trim() === '') return { us: null, problem: null };
    const m = /^\s*(\d+(?:\.\d+)?)\s*(s|ms)?\s*$/.exec(v);
    if (!m) return { us: null, problem: `${name}="${v}": expected a time such as 1.9s or 1900ms; ${otherwise}.` };
    return { us: Math.round(Number(m[1]) * (m[2] === 'ms' ? 1000 : 1e6)), problem: null };
  }

  /** Builds the right run: the left's scenario with `change` (or the same scenario, changed
   *  at `change-at`), driven by the left's clock. */
  async _rebuild() {
    const gen = ++this._generation;
    // The right run builds a cluster of its own first (from its attributes, paused): this
    // one replaces it once that is done.
    await this.right.ready;
    const ctl = this.left.controller;
    if (gen !== this._generation || !ctl?.sim) return;
    const text = ctl.scenarioText ?? ctl.exportScript();
    const change = this.change;
    const at = this._readChangeAt();
    this._changeAt = at.us;
    this._pending = at.us !== null;
    this.right.controller.change = at.us === null ? change : null;
    this._parted = null;
    for (const el of [this.left, this.right]) el.markDiagram(null);
    this._cursor = [0, 0];
    this._root.querySelector('.cmp-parted').hidden = true;
    this._problems = [];
    this._showProblems();
    if (!this.change.trim()) {
      // Without a change the right run would be the left one again, agreeing for ever.
      const named = this.hasAttribute('change') ? `change="${this.change}": empty` : 'change: missing';
      this._refuse(`${named}; expected what the other run changes, as scenario settings lines: "prevote off", "nodes 7", "loss 0.1" (";" between them).`, true, 'no change given');
      return;
    }
    try {
      await this.right.setScenario(text);
      if (gen !== this._generation) return;
      if (at.us !== null) checkRunChange(change);
    } catch (e) {
      this._refuse(`change="${this.change}": ${e.message.replace(/^the change: /, '')}`);
      return;
    }
    this._running(true);
    if (at.problem) this._refuse(at.problem, false);
    this.right.controller.drive(ctl);
    const start = this._readTime('start-at', 'both runs start at the beginning instead');
    if (start.problem) this._refuse(start.problem, false);
    // Both runs there at once (the right one follows the left's time).
    if (start.us !== null) ctl.advanceTo(start.us);
    this._follow();
  }

  /** Says what is wrong. `stop`: the changed run is not run (`why`, in its caption), and the
   *  status says it (nothing scans to overwrite it); else the runs go on, and the message
   *  has a line of its own (the status is the scan's). */
  _refuse(message, stop = true, why = 'the change was refused') {
    if (stop) {
      this._status(message);
      this._running(false, why);
    } else {
      this._problems.push(message);
      this._showProblems();
    }
    this.dispatchEvent(new CustomEvent('raft-refused', { detail: { message }, bubbles: true, composed: true }));
    return stop;
  }

  /** After each of the left run's draws: the right run to the same time (making the change
   *  on the way when it falls due), then compare. */
  _follow() {
    const a = this.left.controller, b = this.right.controller;
    if (!a?.sim || !b?.sim || b._driver !== a) return;
    const now = a.sim.now();
    if (this._pending && now >= this._changeAt) {
      this._pending = false;
      b.advanceTo(this._changeAt);
      try {
        b.applyChange(this.change);
      } catch (e) {
        this._refuse(`change="${this.change}": ${e.message.replace(/^the change: /, '')}`);
        return;
      }
    }
    b.advanceTo(now);
    this._scan();
  }

  /** A command or a seek may change where the runs part (or undo it): scan again from the
   *  oldest line both runs still hold. */
  _rescan() {
    const a = this.left.controller, b = this.right.controller;
    if (!a?.sim || !b?.sim) return;
    b.advanceTo(a.sim.now());
    if (this._parted && a.sim.now() >= this._parted.t) return;
    this._parted = null;
    for (const el of [this.left, this.right]) el.markDiagram(null);
    // From the oldest lines both still hold (a seek reloads them), or where it was.
    const held = [a.frame?.firstLine ?? 0, b.frame?.firstLine ?? 0];
    this._cursor = [Math.min(this._cursor[0], held[0]), Math.min(this._cursor[1], held[1])];
    this._scan();
  }

  _scan() {
    if (this._parted) return;
    const a = this.left.controller, b = this.right.controller;
    let d;
    try {
      d = a.sim.firstDifference(b.sim, this._cursor[0], this._cursor[1]);
    } catch {
      return; // a panic is told by the clusters themselves
    }
    if ('same' in d) {
      // Lines the bounded logs let go (a long run, or a start far in): the runs are one
      // before the change, so the scan goes on from the oldest lines still held.
      const held = [a.frame?.firstLine ?? 0, b.frame?.firstLine ?? 0];
      const stuck = d.same[0] === this._cursor[0] && d.same[1] === this._cursor[1];
      this._cursor = stuck && held[0] > d.same[0] && held[1] > d.same[1] ? held : d.same;
      this._status(`The runs agree so far (to ${fmtSeconds(a.sim.now())} s).`);
      this._root.querySelector('.cmp-parted').hidden = true;
      return;
    }
    this._parted = d;
    this._status(`The runs part at ${fmtSeconds(d.t)} s:`);
    const show = (cls, side) => {
      const p = this._root.querySelector(cls);
      p.querySelector('.cmp-text').textContent = side ? side.text : '(nothing more)';
      p.querySelector('.cmp-why').textContent = side?.why ? `— ${side.why}` : '';
    };
    show('.cmp-line-a', d.left);
    show('.cmp-line-b', d.right);
    this._root.querySelector('.cmp-parted').hidden = false;
    // The moment on both diagrams (shown with view="both").
    for (const el of [this.left, this.right]) el.markDiagram(d.t, 'runs part');
    this.dispatchEvent(new CustomEvent('raft-parted', { detail: d, bubbles: true, composed: true }));
  }

  /** The changed run shown as running, or as not run (a change refused): greyed, said so
   *  in its caption, and not driven by the left's clock. */
  _running(on, why = '') {
    const run = this._root.querySelector('.cmp-run-b');
    this._root.querySelector('.cmp-off').textContent = on ? '' : `: not run, ${why}`;
    if (run.dataset.off === String(!on)) return;
    run.dataset.off = String(!on);
    if (!on) {
      this.right.controller.drive(null);
      this.right.pause();
    }
  }

  _showProblems() {
    const p = this._root.querySelector('.cmp-problem');
    p.textContent = this._problems.join(' ');
    p.hidden = this._problems.length === 0;
  }

  _status(text) {
    const s = this._root.querySelector('.cmp-status');
    if (s.textContent !== text) s.textContent = text;
  }
}

if (!customElements.get('raft-compare')) customElements.define('raft-compare', RaftCompare);

/**
 * Scrolls `box` (which holds the comparison `cmp`) to the top of the window once both runs
 * have drawn, and again as it grows while they lay themselves out: at their first draw the
 * box may not have its height yet, and a scroll then stops short at the foot of a page
 * still too short for it, leaving the runs below the fold (where, out of view, their clock
 * does not run). It stops following when the reader scrolls or acts, after a few seconds,
 * or when the returned function is called (the box closed, another comparison opened).
 */
export function bringIntoView(box, cmp) {
  const user = ['wheel', 'touchstart', 'pointerdown', 'keydown'];
  let done = false;
  const ro = new ResizeObserver(() => {
    if (!done && cmp.isConnected) box.scrollIntoView({ block: 'start' });
  });
  const stop = () => {
    if (done) return;
    done = true;
    ro.disconnect();
    clearTimeout(timer);
    for (const t of user) removeEventListener(t, stop, true);
  };
  const timer = setTimeout(stop, 3000);
  for (const t of user) addEventListener(t, stop, { capture: true, passive: true });
  Promise.all([cmp.left.ready, cmp.right.ready]).then(() => {
    if (!done && cmp.isConnected) ro.observe(box);
  });
  return stop;
}
