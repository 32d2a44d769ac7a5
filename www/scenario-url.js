// The playground (index.html) following a scenario named in its address:
//
//   index.html?scenario-src=scenarios/docs/partition.txt    a file on this origin
//   index.html#scenario=<the script, URL-encoded>            the text itself (e.g. an export)
//
// main.js imports this module only when the address names a scenario (so the usual page
// load keeps its six requests) and hands it a small `host` of its own functions. main
// builds its Sim with `makeSim` and calls `afterAdvance()` after each advance; this module
// shows the script's narration in a panel under the header and drives the script: the
// clock stops at each `pause`, Continue goes on, Back returns to the exact state of the
// previous pause (Sim.gotoStep), and "Back to the script" undoes the reader's changes.

const $ = (id) => document.getElementById(id);

/** Whether the address names a scenario. */
export function named(loc = location) {
  return /[?&]scenario-src=/.test(loc.search) || /^#scenario=/.test(loc.hash);
}

/**
 * Reads the scenario the address names. `host`: { notice(text, opts), sim(), setPlaying(b),
 * playing(), redraw(), settings }. Returns a controller, or null (after a notice saying why)
 * when there is none to follow.
 */
export async function load(host) {
  const q = new URLSearchParams(location.search);
  const src = q.get('scenario-src');
  let text = null;
  let label = '';
  let href = null;
  if (/^#scenario=/.test(location.hash)) {
    try {
      text = decodeURIComponent(location.hash.slice('#scenario='.length).replace(/\+/g, ' '));
      label = 'the address';
    } catch {
      host.notice('#scenario=…: expected a URL-encoded scenario script (encodeURIComponent); it is not. Running a cluster of your own instead.', { persist: true });
      return null;
    }
  } else if (src !== null) {
    let url = null;
    try {
      url = new URL(src, location.href);
    } catch { /* below */ }
    if (!url || url.origin !== location.origin || src.trim() === '') {
      host.notice(`URL parameter "scenario-src": expected a file on this site, e.g. scenarios/docs/partition.txt, got "${src}". Running a cluster of your own instead.`, { persist: true });
      return null;
    }
    try {
      const res = await fetch(url, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
      label = src;
      href = url.href;
    } catch (e) {
      host.notice(`URL parameter "scenario-src": could not load "${src}" (${e.message}). Running a cluster of your own instead.`, { persist: true });
      return null;
    }
  }
  if (text === null) return null;
  return new ScenarioUrl(host, text, { src, label, href });
}

class ScenarioUrl {
  constructor(host, text, { src, label, href }) {
    this.host = host;
    this.text = text;
    this.src = src;
    this.stoppedAt = 0;
    this.pauseHash = null;
    this.offScript = false;
    this.failed = false;
    this.panel = buildPanel(label, href);
    $('scenario-continue').addEventListener('click', () => this.continue());
    $('scenario-back').addEventListener('click', () => this.back());
    $('scenario-toscript').addEventListener('click', () => this.toScript());
    // The reader's actions go through main.js; a change of the run while the script waits
    // shows up in the trace hash.
    setInterval(() => this.watch(), 250);
  }

  /** The Sim for main.js's build(): the script's cluster, or null if it does not parse. */
  makeSim(Sim) {
    let sim;
    try {
      sim = Sim.fromScenario(this.text);
    } catch (e) {
      if (!(e instanceof Error) || e instanceof WebAssembly.RuntimeError) throw e;
      this.failed = true;
      this.host.notice(`The scenario from ${this.src !== null ? `"${this.src}"` : 'the address'} does not parse: ${e.message.trim().replace(/\s*\n\s*/g, ' · ')}. Running a cluster of your own instead.`, { persist: true });
      this.panel.hidden = true;
      return null;
    }
    // The controls show the scenario's cluster.
    const f = sim.frame(Number.MAX_SAFE_INTEGER);
    const s = this.host.settings;
    s.nodes = f.nodes.length;
    s.seed = sim.seed();
    s.prevote = f.prevote;
    s.checkquorum = f.checkquorum;
    this.stoppedAt = 0;
    this.offScript = false;
    this.pauseHash = null;
    queueMicrotask(() => this.afterAdvance());
    return sim;
  }

  /** Keeps the scenario in the address main.js rewrites. */
  keepInUrl(q) {
    if (this.src !== null && !this.failed) q.set('scenario-src', this.src);
  }

  script() {
    const sim = this.host.sim();
    if (!sim || this.failed) return null;
    try {
      return sim.script();
    } catch {
      return null;
    }
  }

  /** After each advance: stop the clock at a new pause, and show where the script is. */
  afterAdvance() {
    const s = this.script();
    if (!s) return;
    if (s.waiting && s.step > this.stoppedAt) {
      this.stoppedAt = s.step;
      this.host.setPlaying(false);
      this.pauseHash = this.host.sim().traceHash();
      this.offScript = false;
    }
    this.show(s);
  }

  watch() {
    const s = this.script();
    if (!s) return;
    if (s.waiting && !this.offScript && this.pauseHash && this.host.sim().traceHash() !== this.pauseHash) {
      this.offScript = true;
    }
    this.show(s);
  }

  continue() {
    const s = this.script();
    if (!s || s.finished) return;
    if (this.offScript && s.step >= 1) this.jump(s.step);
    this.host.sim().continueScript();
    this.offScript = false;
    this.pauseHash = null;
    this.host.setPlaying(true);
    this.show(this.script());
  }

  back() {
    const s = this.script();
    if (!s) return;
    const k = s.waiting && !this.offScript ? s.step - 1 : s.step;
    if (k >= 1) this.jump(k);
  }

  toScript() {
    const s = this.script();
    if (s && s.step >= 1) this.jump(s.step);
  }

  /** The exact state of pause k, clock stopped there. */
  jump(k) {
    const sim = this.host.sim();
    try {
      sim.gotoStep(k);
    } catch (e) {
      this.host.notice(e.message);
      return;
    }
    this.stoppedAt = k;
    this.offScript = false;
    this.pauseHash = sim.traceHash();
    this.host.setPlaying(false);
    this.host.redraw();
    this.show(this.script());
  }

  show(s) {
    if (!s) return;
    const key = `${s.step}|${s.waiting}|${s.finished}|${this.offScript}|${s.failures.length}|${s.error}`;
    if (key === this.shown) return;
    this.shown = key;
    let where;
    if (s.steps === 0) where = s.finished ? 'the script has run to its end' : 'the script is running';
    else if (s.finished) where = `end of the script (${s.steps} step${s.steps === 1 ? '' : 's'})`;
    else if (s.waiting) where = `step ${s.step} of ${s.steps}`;
    else where = `step ${Math.min(s.step + 1, s.steps)} of ${s.steps}: playing…`;
    if (this.offScript) where += ' · you changed the cluster';
    $('scenario-where').textContent = where;
    $('scenario-text').textContent = s.step > 0 ? s.text : 'Watch: the script plays up to its first stop.';
    const fails = [...s.failures, s.error].filter(Boolean);
    $('scenario-fail').hidden = fails.length === 0 || this.offScript;
    $('scenario-fail').textContent = fails.length ? `Expectation failed: ${fails.join('; ')}` : '';
    const back = s.waiting && !this.offScript ? s.step - 1 : s.step;
    $('scenario-back').disabled = back < 1;
    $('scenario-continue').disabled = s.finished || (!s.waiting && !this.offScript);
    $('scenario-toscript').hidden = !this.offScript;
    this.panel.classList.toggle('playing', !s.waiting && !s.finished);
  }
}

function buildPanel(label, href) {
  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const panel = el('section', { id: 'scenario-panel', 'aria-labelledby': 'scenario-h', 'aria-live': 'polite' });
  const head = el('p', { class: 'scenario-head' });
  head.append(el('strong', { id: 'scenario-h' }, 'Scenario'), ' ');
  if (href) head.append(el('a', { href }, label));
  else head.append(label);
  head.append(' · ', el('span', { id: 'scenario-where' }, ''), ' · ', el('a', { href: location.pathname }, 'leave it'));
  const text = el('p', { id: 'scenario-text' });
  const fail = el('p', { id: 'scenario-fail', role: 'alert', hidden: '' });
  const nav = el('div', { class: 'scenario-nav' });
  nav.append(
    el('button', { id: 'scenario-back', type: 'button', title: 'The previous stop, exactly as it was' }, 'Back'),
    el('button', { id: 'scenario-toscript', type: 'button', hidden: '', title: 'Undo your changes: this stop of the script' }, 'Back to the script'),
    el('button', { id: 'scenario-continue', type: 'button' }, 'Continue'),
  );
  panel.append(head, text, fail, nav);
  const anchor = $('violation') || $('notice');
  anchor.after(panel);
  return panel;
}
