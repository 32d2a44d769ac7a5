// <raft-compare>: two runs side by side, the same seed and the same commands with one
// setting changed, on one clock, and the first moment their histories differ.
//
//   <raft-compare change="prevote off" scenario-src="scenarios/old-leader-returns.txt">
//   </raft-compare>
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
// differing line with the rule behind it (Sim.firstDifference, raft-sim's compare.rs), and a
// button that takes both runs to that moment.
//
// Events: `raft-parted` {t, seq, left, right} when the runs part (left/right: {text, why} or
// null); `raft-refused` {message} when `change` cannot be applied.

import './raft-cluster.js';
import { OPTION_NAMES } from './settings.js';
import { fmtSeconds } from './dom.js';

const STYLE = new URL('../raft-cluster.css', import.meta.url).href;
// The right run shows the picture only; these attributes are about how it looks.
// (Its narration would repeat the left's, with buttons that cannot act: it has none.)
const LOOKS = ['theme', 'height'];

const TEMPLATE = `
<link rel="stylesheet" href="${STYLE}">
<div class="cmp" part="compare">
  <div class="cmp-banner" part="banner">
    <p class="cmp-status" role="status" aria-live="polite">Starting…</p>
    <div class="cmp-parted" hidden>
      <p class="cmp-line cmp-line-a"><span class="cmp-tag">as set</span> <span class="cmp-text"></span> <span class="cmp-why"></span></p>
      <p class="cmp-line cmp-line-b"><span class="cmp-tag">changed</span> <span class="cmp-text"></span> <span class="cmp-why"></span></p>
      <button type="button" class="cmp-goto">Show that moment</button>
    </div>
  </div>
  <div class="cmp-runs">
    <section class="cmp-run" aria-label="The run as set">
      <h3 class="cmp-cap">As set</h3>
      <raft-cluster class="cmp-a" part="left"></raft-cluster>
    </section>
    <section class="cmp-run cmp-run-b" aria-label="The run with the change">
      <h3 class="cmp-cap">With <code class="cmp-change"></code></h3>
      <raft-cluster class="cmp-b" part="right" controls="none" narration="none" paused></raft-cluster>
    </section>
  </div>
</div>`;

export class RaftCompare extends HTMLElement {
  static get observedAttributes() { return [...OPTION_NAMES, 'change']; }

  constructor() {
    super();
    this._root = this.attachShadow({ mode: 'open' });
    this._root.innerHTML = TEMPLATE;
    // The two runs are built now, so their controllers exist before anything is wired.
    customElements.upgrade(this._root);
    this.left = this._root.querySelector('.cmp-a');
    this.right = this._root.querySelector('.cmp-b');
    this._generation = 0;
    this._cursor = 0;       // log lines before it are the same in both runs
    this._parted = null;    // where the runs part, once found
    this._relaying = false; // a command being given to the other run
    this._wired = false;
  }

  /** Where the runs part ({t, seq, left, right}), or null while they agree. */
  get parted() { return this._parted; }
  get change() { return this.getAttribute('change') ?? ''; }
  set change(v) { this.setAttribute('change', v); }

  connectedCallback() {
    for (const name of OPTION_NAMES) this._forward(name, this.getAttribute(name));
    if (!this.left.hasAttribute('controls')) this.left.setAttribute('controls', 'minimal');
    this._root.querySelector('.cmp-change').textContent = this.change.trim() || '(nothing)';
    if (!this._wired) this._wire();
    // The left run may already be built (upgraded late): build the right one from it.
    if (this.left.controller?.sim) this._rebuild();
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.isConnected) return;
    if (name === 'change') {
      this._root.querySelector('.cmp-change').textContent = (value ?? '').trim() || '(nothing)';
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
    // Every build of the left run (its settings, a restart, a scenario) rebuilds the right.
    this.left.addEventListener('raft-settings', () => this._rebuild());
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

  /** Builds the right run: the left's scenario with `change`, driven by the left's clock. */
  async _rebuild() {
    const gen = ++this._generation;
    // The right run builds a cluster of its own first (from its attributes, paused): this
    // one replaces it once that is done.
    await this.right.ready;
    const ctl = this.left.controller;
    if (gen !== this._generation || !ctl?.sim) return;
    const text = ctl.scenarioText ?? ctl.exportScript();
    const change = this.change.split(';').map((l) => l.trim()).filter(Boolean).join('\n');
    this.right.controller.change = change;
    this._parted = null;
    this._cursor = 0;
    try {
      this.right.setScenario(text);
    } catch (e) {
      const message = `change="${this.change}": ${e.message}`;
      this._status(message);
      this.dispatchEvent(new CustomEvent('raft-refused', { detail: { message }, bubbles: true, composed: true }));
      return;
    }
    this.right.controller.drive(ctl);
    this._follow();
  }

  /** After each of the left run's draws: the right run to the same time, then compare. */
  _follow() {
    const a = this.left.controller, b = this.right.controller;
    if (!a?.sim || !b?.sim || b._driver !== a) return;
    b.advanceTo(a.sim.now());
    this._scan();
  }

  /** A command or a seek may change where the runs part (or undo it): scan again from the
   *  oldest line both runs still hold. */
  _rescan() {
    const a = this.left.controller, b = this.right.controller;
    if (!a?.sim || !b?.sim) return;
    b.advanceTo(a.sim.now());
    const held = Math.max(a.frame?.firstLine ?? 0, b.frame?.firstLine ?? 0);
    if (this._parted && a.sim.now() >= this._parted.t) return;
    this._parted = null;
    this._cursor = Math.min(this._cursor, held);
    this._scan();
  }

  _scan() {
    if (this._parted) return;
    const a = this.left.controller, b = this.right.controller;
    let d;
    try {
      d = a.sim.firstDifference(b.sim, this._cursor);
    } catch {
      return; // a panic is told by the clusters themselves
    }
    if ('same' in d) {
      this._cursor = d.same;
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
    this.dispatchEvent(new CustomEvent('raft-parted', { detail: d, bubbles: true, composed: true }));
  }

  _status(text) {
    const s = this._root.querySelector('.cmp-status');
    if (s.textContent !== text) s.textContent = text;
  }
}

if (!customElements.get('raft-compare')) customElements.define('raft-compare', RaftCompare);
