// Raft Live: boot, the animation loop, URL settings and the reader's controls.
//
// The page holds no protocol state and no randomness: one wasm `Sim` owns the cluster.
// Each animation frame advances it by the wall time elapsed (times the speed), asks for
// one snapshot (`frame`), and hands that snapshot to the views in render.js. Everything
// the reader does becomes a small command object given to the Sim; a command it refuses
// throws an Error whose message we show, and the run goes on.
//
// Every call into wasm goes through `wasm()` or `act()`: a panic (a RuntimeError from
// wasm) must end in a visible overlay with a reload button, never in a frozen page.

import init, { Sim, randomSeed } from './pkg/raft_web.js';
import { createClusterView, createLogStrips, createEventLog, createMetrics, fmtSeconds, validSeed, parseOnOff, liveText } from './render.js';

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------
// Errors and notices
// ---------------------------------------------------------------------------------------

let dead = false; // after a panic the wasm instance is unusable: stop touching it

function fatal(err) {
  if (dead) return;
  dead = true;
  stopLoop();
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  $('error-message').textContent = msg;
  $('error-overlay').hidden = false;
  $('error-reload').focus();
  console.error(err);
}

// A command the simulator refused is an Error with a readable message; a panic is a
// RuntimeError (or a poisoned instance, which then fails every call).
function isPanic(e) {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  if (!(e instanceof Error)) return true;
  return /unreachable|null pointer|recursive use|memory access out of bounds|already borrowed|closure invoked/i.test(e.message);
}

/** Runs a wasm call; any exception is a crash of the simulator. */
function wasm(fn) {
  if (dead) return undefined;
  try {
    return fn();
  } catch (e) {
    fatal(e);
    return undefined;
  }
}

const noticeEl = $('notice');

/** Shows a message in #notice; transient ones fade after a while. A repeat of a shown
 *  message counts up on it instead of stacking copies. */
function notice(text, { persist = false } = {}) {
  for (const old of noticeEl.children) {
    if (old.dataset.text === text) {
      old.dataset.count = String(Number(old.dataset.count) + 1);
      old.firstChild.textContent = `${text} (×${old.dataset.count})`;
      if (!persist) {
        clearTimeout(Number(old.dataset.timer));
        old.dataset.timer = String(setTimeout(() => dismiss(old), 8000));
      }
      return;
    }
  }
  const p = document.createElement('p');
  p.dataset.text = text;
  p.dataset.count = '1';
  const span = document.createElement('span');
  span.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'notice-close';
  close.setAttribute('aria-label', 'Dismiss this message');
  close.textContent = '×';
  close.addEventListener('click', () => dismiss(p));
  p.append(span, close);
  noticeEl.appendChild(p);
  noticeEl.hidden = false;
  while (noticeEl.childElementCount > 5) noticeEl.firstElementChild.remove();
  if (!persist) p.dataset.timer = String(setTimeout(() => dismiss(p), 8000));
}

function dismiss(p) {
  p.remove();
  if (noticeEl.childElementCount === 0) noticeEl.hidden = true;
}

window.addEventListener('error', (ev) => fatal(ev.error || new Error(ev.message)));
window.addEventListener('unhandledrejection', (ev) => fatal(ev.reason));
$('error-reload').addEventListener('click', () => location.reload());

// ---------------------------------------------------------------------------------------
// Settings: from the URL, into the URL
// ---------------------------------------------------------------------------------------

const DEFAULTS = { nodes: 5, speed: 0.1, prevote: true, checkquorum: true, latency: 30, loss: 0 };
const MAX_NODES = 51;      // what the simulator allows (through the URL)
const CONTROL_NODES = 9;   // what the controls offer

/** Reads the settings from the URL; each bad value gets a notice and its default. */
function readUrl() {
  const q = new URLSearchParams(location.search);
  const s = { ...DEFAULTS, seed: null, paused: false, theme: null, pausedInUrl: false };
  const bad = (name, value, expected, def) =>
    notice(`URL parameter "${name}": expected ${expected}, got "${value}"; using ${def}.`, { persist: true });
  const known = new Set(['nodes', 'seed', 'speed', 'prevote', 'checkquorum', 'paused', 'theme', 'latency', 'loss', 'scenario-src']);
  for (const [k, v] of q) {
    if (!known.has(k)) {
      notice(`Unknown URL parameter "${k}" ignored: expected one of ${[...known].join(', ')}.`, { persist: true });
      continue;
    }
    switch (k) {
      case 'nodes': {
        const n = Number(v);
        if (/^\s*\d+\s*$/.test(v) && n >= 1 && n <= MAX_NODES) s.nodes = n;
        else bad('nodes', v, `a whole number from 1 to ${MAX_NODES}`, `the default ${DEFAULTS.nodes}`);
        break;
      }
      case 'seed':
        if (validSeed(v)) s.seed = v.trim();
        else bad('seed', v, 'a whole number from 0 to 18446744073709551615 (or 0x-hex)', 'a random seed');
        break;
      case 'speed': {
        const x = Number(v);
        if (v.trim() !== '' && Number.isFinite(x) && x >= 0.01 && x <= 1) s.speed = x;
        else bad('speed', v, 'a number from 0.01 to 1 (simulated seconds per wall second)', `the default ${DEFAULTS.speed}`);
        break;
      }
      case 'prevote':
      case 'checkquorum':
      case 'paused': {
        const b = parseOnOff(v);
        if (b === null) bad(k, v, '1/0, on/off or true/false', `the default ${k === 'paused' ? 'off' : 'on'}`);
        else s[k] = b;
        if (k === 'paused') s.pausedInUrl = true;
        break;
      }
      case 'theme':
        if (v === 'dark' || v === 'light') s.theme = v;
        else bad('theme', v, '"dark" or "light"', 'the system theme');
        break;
      case 'latency': {
        const x = Number(v);
        if (v.trim() !== '' && Number.isFinite(x) && x >= 1 && x <= 300) s.latency = x;
        else bad('latency', v, 'a number of milliseconds from 1 to 300', `the default ${DEFAULTS.latency}`);
        break;
      }
      case 'loss': {
        const x = Number(v);
        if (v.trim() !== '' && Number.isFinite(x) && x >= 0 && x <= 0.5) s.loss = x;
        else bad('loss', v, 'a probability from 0 to 0.5', `the default ${DEFAULTS.loss}`);
        break;
      }
    }
  }
  return s;
}

const settings = readUrl();
// A scenario named in the address (?scenario-src=… or #scenario=…): scenario-url.js, loaded only then.
const scenarioUrl = /[?&]scenario-src=|#scenario=/.test(location.search + location.hash) ? await import('./scenario-url.js').then((m) => m.load({ notice, settings, sim: () => sim, setPlaying: (b) => setPlaying(b), playing: () => playing, redraw: () => { logReload = true; metrics.reset(); requestDraw(true); } })) : null;
let urlTimer = 0;

/** Keeps the address bar in step with the settings, so the link reproduces the run. */
function writeUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const q = new URLSearchParams();
    q.set('nodes', String(settings.nodes));
    q.set('seed', settings.seed);
    q.set('speed', String(Number(settings.speed.toPrecision(3))));
    q.set('prevote', settings.prevote ? '1' : '0');
    q.set('checkquorum', settings.checkquorum ? '1' : '0');
    if (settings.latency !== DEFAULTS.latency) q.set('latency', String(settings.latency));
    if (settings.loss !== DEFAULTS.loss) q.set('loss', String(settings.loss));
    if (settings.pausedInUrl) q.set('paused', settings.paused ? '1' : '0');
    if (settings.theme) q.set('theme', settings.theme);
    scenarioUrl?.keepInUrl(q);
    history.replaceState(null, '', `${location.pathname}?${q}${location.hash}`);
  }, 250);
}

// ---------------------------------------------------------------------------------------
// Theme and motion preferences
// ---------------------------------------------------------------------------------------

const darkQuery = matchMedia('(prefers-color-scheme: dark)');
const motionQuery = matchMedia('(prefers-reduced-motion: reduce)');

function effectiveTheme() {
  return settings.theme || (darkQuery.matches ? 'dark' : 'light');
}

function applyTheme() {
  if (settings.theme) document.documentElement.setAttribute('data-theme', settings.theme);
  else document.documentElement.removeAttribute('data-theme');
  const dark = effectiveTheme() === 'dark';
  const t = $('theme-toggle');
  t.setAttribute('aria-pressed', String(dark));
  t.setAttribute('aria-label', dark ? 'Dark theme on: switch to light' : 'Light theme on: switch to dark');
}

function toggleTheme() {
  settings.theme = effectiveTheme() === 'dark' ? 'light' : 'dark';
  applyTheme();
  writeUrl();
}

darkQuery.addEventListener('change', applyTheme);
applyTheme();

// ---------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------

let sim = null;
let lastFrame = null;
let nextLine = 0;
let selected = 0;

const tip = $('msg-tip');
let tipId = -1;

const cluster = createClusterView($('cluster'), {
  onNode: (id, el, ev) => {
    select(id);
    openMenu(id, el, ev);
  },
  onMessage: (id) => {
    hideTip();
    act({ op: 'drop', id });
  },
  onTip: (m, el, ev) => (m ? showTip(m, el, ev) : hideTip()),
  onMessageGone: (id) => {
    if (id === tipId) hideTip();
  },
});
cluster.setStaticMessages(motionQuery.matches);
motionQuery.addEventListener('change', () => {
  cluster.setStaticMessages(motionQuery.matches);
  requestDraw();
});

const strips = createLogStrips($('log-strips'), {
  onSelect: (id) => select(id, true),
  // Rows scrolled into view are brought up to date at the next draw (paused: draw now).
  onReveal: () => { if (!playing) requestDraw(true); },
});
const eventLog = createEventLog($('event-log'), {
  max: 500,
  scroller: $('event-log').parentElement,
  anchor: $('event-log').parentElement.querySelector('.log-anchor'),
});
const metrics = createMetrics($('metrics'));

function showTip(m, el, ev) {
  tipId = m.id;
  tip.textContent = `${m.kind} ${m.from} → ${m.to} · term ${m.term}` +
    (m.text ? `\n${m.text}` : '') + (m.lost ? '\nlost: it will never arrive' : '') +
    (m.duplicate ? '\na duplicate' : '') + '\nclick to drop it';
  tip.hidden = false;
  // Measured on a pointer or focus event, never in the animation loop.
  let x, y;
  if (ev && (ev.type === 'pointermove' || ev.type === 'pointerover')) {
    x = ev.clientX; y = ev.clientY;
  } else {
    const b = el.getBoundingClientRect();
    x = b.right; y = b.bottom;
  }
  const w = tip.offsetWidth, h = tip.offsetHeight;
  tip.style.setProperty('left', `${Math.max(4, Math.min(innerWidth - w - 4, x + 12))}px`);
  tip.style.setProperty('top', `${Math.max(4, Math.min(innerHeight - h - 4, y + 12))}px`);
}

function hideTip() {
  tipId = -1;
  tip.hidden = true;
}

function select(id, scroll = false) {
  selected = id;
  cluster.setSelected(id);
  strips.setSelected(id);
  if (scroll && id) strips.rowElement(id)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

// ---------------------------------------------------------------------------------------
// The simulator's life: build, draw, loop
// ---------------------------------------------------------------------------------------

function simOptions() {
  return {
    nodes: settings.nodes,
    seed: settings.seed,
    prevote: settings.prevote,
    checkquorum: settings.checkquorum,
    latencyMinMs: Math.round(settings.latency / 3),
    latencyMaxMs: settings.latency,
    loss: settings.loss,
  };
}

/** Builds a fresh Sim from the settings. Returns false (and says why) if it refuses them. */
function build() {
  let next;
  try {
    next = scenarioUrl?.makeSim(Sim) || new Sim(simOptions());
  } catch (e) {
    if (isPanic(e)) fatal(e);
    else notice(`Cannot build the cluster: ${e.message}`, { persist: true });
    return false;
  }
  if (sim) {
    try { sim.free(); } catch { /* already gone */ }
  }
  sim = next;
  nextLine = 0;
  lastFrame = null;
  hideTip();
  closeMenu();
  eventLog.clear();
  metrics.reset();
  cluster.layout(settings.nodes);
  strips.layout(settings.nodes);
  shownViolation = undefined; // the new layout has no marks yet
  fillNodeFilter();
  if (selected > settings.nodes) select(0);
  syncControls();
  writeUrl();
  requestDraw(true);
  return true;
}

let playing = !settings.paused;
let rafId = 0;
let lastTs = 0;
let lastPanels = -1e9;
let panelsSaw = ''; // leader|term of the last panel draw
let lastStrips = -1e9;
let dirty = true;
let fullPending = true;
let logReload = false;
let readyResolve;
const ready = new Promise((res) => { readyResolve = res; });

let timerId = 0;

function stopLoop() {
  if (rafId) cancelAnimationFrame(rafId);
  clearTimeout(timerId);
  rafId = 0;
  timerId = 0;
}

/** Asks for a redraw (paused, the loop sleeps: a command or a step wakes it once). */
function requestDraw(full = false) {
  dirty = true;
  if (full) fullPending = true;
  if (timerId) {
    clearTimeout(timerId);
    timerId = 0;
  }
  if (!rafId && !dead) rafId = requestAnimationFrame(loop);
}

/**
 * How often the running cluster is redrawn (ms); 0: every display frame.
 *
 * Slow, every display frame: the reader follows each message along its edge. Towards 1x
 * a message's whole flight (10-30 ms) lasts one or two display frames, so drawing 60
 * times a second shows flicker, not motion, and costs more CPU than anything else on the
 * page: there the cluster is advanced and redrawn from a timer (5 times a second at 1x),
 * and the page asks the browser for no animation frames at all (a draw's DOM changes are
 * painted on the next display frame; between draws nothing changes, so the browser has
 * nothing to paint). A large cluster goes the same way from half speed (10 draws a
 * second there, 5 at 1x): its draws are bigger, so fewer of them.
 */
function drawInterval() {
  const s = settings.speed;
  if (settings.nodes > 9) return s < 0.5 ? 0 : speedRamp(0.5, 100, 200); // 100 ms at 0.5x, 200 ms at 1x
  return s <= 0.2 ? 0 : speedRamp(0.2, 25, 200); // 25 ms at 0.2x, 200 ms at 1x
}

/** `from` at speed `low`, `to` at 1x, on a log scale of the speed (as the slider is), held
 *  at the ends outside that range. */
function speedRamp(low, from, to) {
  const k = Math.log10(settings.speed / low) / Math.log10(1 / low);
  return from + (to - from) * Math.min(1, Math.max(0, k));
}

function scheduleNext() {
  // A hidden tab gets no animation frames, and no timer draws either: the loop sleeps
  // until the tab is shown again (see the visibilitychange listener).
  if (document.hidden) return;
  const iv = drawInterval();
  if (iv === 0) {
    rafId = requestAnimationFrame(loop);
  } else {
    timerId = setTimeout(() => {
      timerId = 0;
      if (!rafId && !dead) loop(performance.now());
    }, Math.max(4, lastTs + iv - performance.now()));
  }
}

// How often the heavier parts are refreshed while running (ms of wall time). Drawn from
// display frames (slow speeds), never two of them on one frame (unless paused): no frame
// carries all the work at once. Drawn from the timer (towards 1x), the side panels and the
// log strips go together on every third to seventh draw instead: each draw that changes the page
// costs a fixed amount of style, paint and compositing work besides its own, so fewer,
// fuller draws cost less (a small cluster's fullest draw takes a few milliseconds).
const PANELS_MS = 250;  // status time and requests, metrics, timeline, event log
const STRIPS_MS = 200;  // the log strips (a detailed frame: logs and stores)

/** How often the side panels and strips are redrawn from the timer (ms): about twice a
 *  second at 0.2x, once a second at 1x. The faster the run, the more each redraw carries
 *  (log lines, entries), so it comes less often. */
function timedPanelsInterval() {
  return speedRamp(0.2, 450, 1000);
}

function loop(ts) {
  rafId = 0;
  if (dead || !sim) return;
  // A hidden tab gets no frames; on return, at most 100 ms of wall time (or two draw
  // intervals, when the timer draws) is simulated, so there is no burst of catch-up work.
  const dt = Math.min(Math.max(100, 2 * drawInterval()), Math.max(0, ts - lastTs));
  lastTs = ts;
  if (playing) {
    wasm(() => sim.advance(dt * 1000 * settings.speed));
    scenarioUrl?.afterAdvance();
    if (dead) return;
  }
  if (playing || dirty) {
    const full = fullPending || !playing;
    const timed = drawInterval() > 0;
    // (A timer's draws come a few ms early or late: a little slack keeps the rhythm.)
    const panels = full || hasNews(ts) || (timed ? ts - lastPanels >= timedPanelsInterval() - 30 : ts - lastPanels >= PANELS_MS);
    let rows = 0;
    if (full) rows = Infinity;
    else if (settings.nodes > 9) {
      // A large cluster's strips are updated a few rows at a time, between panels: from
      // the timer, every row once per panel interval; from display frames, a quarter of
      // the rows every STRIPS_MS / 4.
      if (panels) rows = 0;
      else if (timed) rows = Math.ceil((settings.nodes * drawInterval()) / timedPanelsInterval());
      else if (ts - lastStrips >= STRIPS_MS / 4) rows = Math.ceil(settings.nodes / 4);
    } else if (timed) {
      if (panels) rows = Infinity;
    } else if (!panels && ts - lastStrips >= STRIPS_MS) {
      rows = Infinity;
    }
    if (panels) lastPanels = ts;
    if (rows > 0) lastStrips = ts;
    draw(panels, rows);
    dirty = false;
    fullPending = false;
  }
  if (playing && !dead) {
    if (hasNews(ts)) requestDraw(); // on the next display frame
    else scheduleNext();
  }
}

/** Whether the last frame drawn shows a leader or term the panels have not: news they
 *  should carry at once (the metrics' leader, the event log's election lines), not up to
 *  a second later. At most every PANELS_MS, so an election storm cannot flood the page. */
function hasNews(ts) {
  return !!lastFrame && panelsSaw !== `${lastFrame.leader}|${lastFrame.term}` && ts - lastPanels >= PANELS_MS;
}

document.addEventListener('visibilitychange', () => {
  lastTs = performance.now();
  if (!document.hidden && playing) requestDraw();
});

/** Reloads the event log after a jump in time (the trace is restored with the cluster). */
function reloadLines() {
  eventLog.clear();
  let since = 0;
  let f = null;
  for (let k = 0; k < 20; k++) {
    f = wasm(() => sim.frame(since));
    if (!f) return null;
    eventLog.push(f.lines);
    if (f.lines.length < LINES_PER_FRAME) break;
    since = f.nextLine;
  }
  return f;
}

const statusCache = {};
function setStatus(id, text) {
  const c = (statusCache[id] ??= {});
  const el = $(id);
  if (el.classList.contains('live')) liveText(el, c, text);
  else if (c.text !== text) {
    c.text = text;
    el.textContent = text;
  }
}

let rowIds = []; // the strip rows this draw redraws

function draw(panels, stripRows = Infinity) {
  let f;
  rowIds = stripRows > 0 ? strips.plan(settings.nodes, stripRows) : [];
  if (logReload && panels) {
    logReload = false;
    f = reloadLines();
    if (f) nextLine = f.nextLine;
  } else if (logReload) {
    // Scrubbing: skip the log lines for now (a huge index asks for none).
    f = wasm(() => sim.frame(Number.MAX_SAFE_INTEGER));
    if (f) f.nextLine = nextLine;
  } else {
    // Logs, stores and message texts only when strips are drawn (the logs of those rows
    // only), and new log lines only when the pane is (or lines are still coming): most
    // draws need neither.
    const lines = panels || logBacklog || linesBehind;
    const detail = rowIds.length === 0 ? false : rowIds.length >= settings.nodes ? true : rowIds;
    f = wasm(() => sim.frame(lines ? nextLine : Number.MAX_SAFE_INTEGER, detail));
    if (f && lines) {
      eventLog.push(f.lines);
      nextLine = f.nextLine;
      linesBehind = f.lines.length >= LINES_PER_FRAME;
    } else if (f) {
      f.nextLine = nextLine;
    }
  }
  if (!f) return;
  lastFrame = f;
  cluster.update(f);
  setStatus('status-leader', f.leader ? String(f.leader) : 'none');
  setStatus('status-term', String(f.term));
  const cut = f.partition.length > 0;
  setStatus('status-network', cut ? `cut ${f.partition.map((g) => `{${g.join(',')}}`).join(' ')}` : 'connected');
  if (statusCache.cut !== cut) {
    statusCache.cut = cut;
    $('status-network').setAttribute('data-cut', String(cut));
  }
  showChecker(f.violation);
  if (rowIds.length > 0) strips.update(f, rowIds);
  if (panels) {
    setStatus('status-time', fmtSeconds(f.now));
    const r = f.requests;
    setStatus('status-requests', `${r.committed} committed${r.pending ? ` · ${r.pending} pending` : ''}${r.rejected ? ` · ${r.rejected} rejected` : ''}`);
    panelsSaw = `${f.leader}|${f.term}`;
    metrics.sample(f);
    updateTimeline(f);
    if (menuNode) refreshMenu();
    logBacklog = eventLog.flush(playing ? LOG_LINES_PER_FLUSH : Infinity);
    if (!playing) eventLog.expand(); // paused, the pane is read: every kept line
  } else if (logBacklog) {
    // A burst (an election in a large cluster) reaches the pane over a few frames.
    logBacklog = eventLog.flush(LOG_LINES_PER_FLUSH);
  }
  if (readyResolve) {
    readyResolve();
    readyResolve = null;
  }
}

const LOG_LINES_PER_FLUSH = 80;
const LINES_PER_FRAME = 400; // the most a frame carries (view.rs LINES_PER_FRAME)
let logBacklog = false;
let linesBehind = false;
let shownViolation = null;
function showChecker(v) {
  const key = v ? `${v.property}|${v.term}|${v.index}|${v.text}` : null;
  if (key === shownViolation) return;
  shownViolation = key;
  const st = $('checker-status');
  st.setAttribute('data-ok', v ? 'false' : 'true');
  st.textContent = v ? `VIOLATED: ${v.property}` : 'OK';
  document.body.classList.toggle('violated', !!v);
  cluster.setViolation(v ? v.nodes : []);
  $('violation').hidden = !v;
  if (v) {
    $('violation-property').textContent = v.property;
    $('violation-detail').textContent = ` · nodes ${v.nodes.join(', ')} · term ${v.term} · index ${v.index}`;
    $('violation-text').textContent = v.text;
  }
}

// ---------------------------------------------------------------------------------------
// Playback controls
// ---------------------------------------------------------------------------------------

const speedEl = $('speed');
const timelineEl = $('timeline');

function fmtSpeed(s) {
  return s >= 0.1 ? s.toFixed(2) : s.toFixed(3);
}

function setSpeed(s, fromSlider = false) {
  settings.speed = Math.min(1, Math.max(0.01, s));
  if (!fromSlider) speedEl.value = String(Math.log10(settings.speed));
  $('speed-out').textContent = `${fmtSpeed(settings.speed)}×`;
  speedEl.setAttribute('aria-valuetext', `${fmtSpeed(settings.speed)} times real time`);
  writeUrl();
}

function setPlaying(b) {
  playing = b;
  settings.paused = !b;
  const btn = $('play');
  btn.setAttribute('aria-pressed', String(b));
  btn.querySelector('.play-label').textContent = b ? 'Pause' : 'Play';
  btn.setAttribute('aria-label', b ? 'Pause (running)' : 'Play (paused)');
  $('paused-badge').hidden = b;
  document.body.classList.toggle('paused', !b);
  lastTs = performance.now();
  requestDraw(true);
}

function step() {
  if (playing) setPlaying(false);
  const more = wasm(() => sim.stepEvent());
  if (more === false) notice('Nothing more can happen: every node is down and no message is in flight.');
  requestDraw(true);
}

function seekTo(t) {
  if (!sim || dead) return;
  const h = wasm(() => sim.horizon());
  if (h === undefined) return;
  const target = Math.max(0, Math.min(h, t));
  wasm(() => sim.seek(target));
  logReload = true;
  metrics.reset();
  requestDraw();
}

let tlCache = { max: -1, value: -1, out: {} };
function updateTimeline(f) {
  if (tlCache.max !== f.horizon) {
    tlCache.max = f.horizon;
    timelineEl.max = String(Math.max(1, f.horizon));
  }
  if (tlCache.value !== f.now && !scrubbing) {
    tlCache.value = f.now;
    timelineEl.value = String(f.now);
  }
  const text = `${fmtSeconds(f.now)} s of ${fmtSeconds(f.horizon)} s`;
  if (tlCache.text !== text) {
    tlCache.text = text;
    liveText($('timeline-out'), tlCache.out, `${fmtSeconds(f.now)} s`);
    timelineEl.setAttribute('aria-valuetext', text);
  }
  const rewound = f.now < f.horizon;
  if (tlCache.rewound !== rewound) {
    tlCache.rewound = rewound;
    $('fork-note').hidden = !rewound;
  }
}

let scrubbing = false;
$('play').addEventListener('click', () => setPlaying(!playing));
$('step').addEventListener('click', step);
speedEl.addEventListener('input', () => setSpeed(10 ** Number(speedEl.value), true));
timelineEl.addEventListener('pointerdown', () => { scrubbing = true; });
timelineEl.addEventListener('input', () => {
  if (playing) setPlaying(false);
  seekTo(Number(timelineEl.value));
});
timelineEl.addEventListener('change', () => {
  scrubbing = false;
  seekTo(Number(timelineEl.value));
  requestDraw(true);
});
window.addEventListener('pointerup', () => { scrubbing = false; });

// ---------------------------------------------------------------------------------------
// Cluster settings: nodes, seed, pre-vote, check-quorum, reset
// ---------------------------------------------------------------------------------------

const nodesEl = $('nodes');
const seedEl = $('seed');

function syncControls() {
  nodesEl.max = String(Math.max(CONTROL_NODES, settings.nodes));
  nodesEl.value = String(settings.nodes);
  seedEl.value = settings.seed;
  $('prevote').checked = settings.prevote;
  $('checkquorum').checked = settings.checkquorum;
  $('latency').value = String(settings.latency);
  $('loss').value = String(Math.round(settings.loss * 100));
  showNetwork(settings.latency, settings.loss);
}

/** Reads the cluster fields into the settings; false (with a notice) if one is bad. */
function readFields() {
  const n = Number(nodesEl.value);
  const maxN = Math.max(CONTROL_NODES, settings.nodes);
  if (!Number.isInteger(n) || n < 1 || n > maxN) {
    notice(`Nodes: expected a whole number from 1 to ${maxN}, got "${nodesEl.value}"; keeping ${settings.nodes}.`);
    nodesEl.value = String(settings.nodes);
    return false;
  }
  const seed = seedEl.value.trim();
  if (!validSeed(seed)) {
    notice(`Seed: expected a whole number from 0 to 18446744073709551615 (or 0x-hex), got "${seedEl.value}"; keeping ${settings.seed}.`);
    seedEl.value = settings.seed;
    return false;
  }
  settings.nodes = n;
  settings.seed = seed;
  settings.prevote = $('prevote').checked;
  settings.checkquorum = $('checkquorum').checked;
  return true;
}

function reset() {
  clearTimeout(nodesTimer);
  if (readFields()) build();
}

let nodesTimer = 0;
$('reset').addEventListener('click', reset);
nodesEl.addEventListener('change', () => {
  clearTimeout(nodesTimer);
  if (Number(nodesEl.value) !== settings.nodes) reset();
});
nodesEl.addEventListener('input', () => {
  // Typing "1" on the way to "12" should not rebuild at once: wait for a pause.
  clearTimeout(nodesTimer);
  nodesTimer = setTimeout(() => {
    if (Number(nodesEl.value) !== settings.nodes && nodesEl.value !== '') reset();
  }, 700);
});
seedEl.addEventListener('change', () => { if (seedEl.value.trim() !== settings.seed) reset(); });
seedEl.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') reset(); });
$('prevote').addEventListener('change', reset);
$('checkquorum').addEventListener('change', reset);
$('new-seed').addEventListener('click', () => {
  const s = wasm(() => randomSeed());
  if (s === undefined) return;
  seedEl.value = s;
  reset();
});

// ---------------------------------------------------------------------------------------
// Network and client
// ---------------------------------------------------------------------------------------

function showNetwork(latency, loss) {
  const lo = Math.round(latency / 3);
  $('latency-out').textContent = `${lo}–${latency} ms`;
  $('latency').setAttribute('aria-valuetext', `${lo} to ${latency} milliseconds`);
  $('loss-out').textContent = `${Math.round(loss * 100)} %`;
  $('loss').setAttribute('aria-valuetext', `${Math.round(loss * 100)} percent`);
}

function readNetwork() {
  return { latency: Number($('latency').value), loss: Number($('loss').value) / 100 };
}

for (const id of ['latency', 'loss']) {
  $(id).addEventListener('input', () => {
    const n = readNetwork();
    showNetwork(n.latency, n.loss);
  });
  $(id).addEventListener('change', () => {
    const n = readNetwork();
    if (act({ op: 'network', latencyMinMs: Math.round(n.latency / 3), latencyMaxMs: n.latency, loss: n.loss })) {
      settings.latency = n.latency;
      settings.loss = n.loss;
      writeUrl();
    }
  });
}

/** Gives the Sim a command; a refusal becomes a notice. Returns whether it was done. */
function act(action) {
  if (!sim || dead) return false;
  try {
    sim.command(action);
  } catch (e) {
    if (isPanic(e)) fatal(e);
    else notice(e.message);
    return false;
  }
  // Running, the next scheduled draw shows it; paused, draw it all now.
  if (!playing) requestDraw(true);
  return true;
}

let autoValue = 0;
function clientRequest(via) {
  const key = $('req-key').value.trim();
  let value = $('req-value').value;
  if (value === '') value = String(++autoValue);
  const action = { op: 'request', key, value };
  if (via) action.via = via;
  act(action);
}

$('request').addEventListener('click', () => clientRequest(0));
$('heal').addEventListener('click', () => act({ op: 'heal' }));

// ---------------------------------------------------------------------------------------
// The node menu
// ---------------------------------------------------------------------------------------

const menu = $('node-menu');
let menuNode = 0;
let menuReturn = null;

function nodeView(id) {
  return lastFrame ? lastFrame.nodes[id - 1] : null;
}

function refreshMenu() {
  const v = nodeView(menuNode);
  if (!v) return closeMenu();
  const f = lastFrame;
  const isolated = f.partition.some((g) => g.length === 1 && g[0] === v.id);
  const off = {
    crash: !v.up,
    restart: v.up,
    campaign: !v.up || v.role === 'leader',
    transfer: !v.up || !f.leader || f.leader === v.id,
    isolate: isolated || f.nodes.length < 2,
    request: !v.up,
  };
  for (const b of menu.querySelectorAll('button[data-action]')) {
    const d = off[b.dataset.action];
    if (b.disabled !== d) b.disabled = d;
  }
  $('node-menu-title').textContent = `Node ${v.id} · ${v.role} · term ${v.term}`;
}

function openMenu(id, el, ev) {
  menuNode = id;
  menuReturn = el;
  refreshMenu();
  menu.hidden = false;
  // Placed next to the pointer (or the node, from the keyboard), kept on screen.
  let x, y;
  if (ev && ev.type === 'click' && ev.detail > 0) {
    x = ev.clientX; y = ev.clientY;
  } else {
    const b = el.getBoundingClientRect();
    x = b.left + b.width / 2; y = b.top + b.height / 2;
  }
  const w = menu.offsetWidth, h = menu.offsetHeight;
  menu.style.setProperty('left', `${Math.max(4, Math.min(innerWidth - w - 4, x + 8))}px`);
  menu.style.setProperty('top', `${Math.max(4, Math.min(innerHeight - h - 4, y + 8))}px`);
  const first = menu.querySelector('button:not(:disabled)');
  if (first && (!ev || ev.type !== 'click' || ev.detail === 0)) first.focus();
  else menu.focus?.();
}

function closeMenu(returnFocus = false) {
  if (!menuNode) return;
  menuNode = 0;
  menu.hidden = true;
  if (returnFocus && menuReturn) menuReturn.focus();
  menuReturn = null;
}

menu.addEventListener('click', (ev) => {
  const b = ev.target.closest('button[data-action]');
  if (!b || b.disabled) return;
  const id = menuNode;
  closeMenu();
  nodeAction(b.dataset.action, id);
});
menu.addEventListener('keydown', (ev) => {
  const items = [...menu.querySelectorAll('button:not(:disabled)')];
  const i = items.indexOf(document.activeElement);
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    const j = ev.key === 'ArrowDown' ? (i + 1) % items.length : (i - 1 + items.length) % items.length;
    items[j]?.focus();
  } else if (ev.key === 'Escape') {
    ev.preventDefault();
    ev.stopPropagation();
    closeMenu(true);
  } else if (ev.key === 'Tab') {
    closeMenu();
  }
  ev.stopPropagation(); // menu keys are not page shortcuts
});
document.addEventListener('pointerdown', (ev) => {
  if (menuNode && !menu.contains(ev.target) && !ev.target.closest?.('.node')) closeMenu();
});

function nodeAction(action, id) {
  if (action === 'request') clientRequest(id);
  else act({ op: action, node: id });
}

// ---------------------------------------------------------------------------------------
// Dialogs: partition, export, Prometheus text, help
// ---------------------------------------------------------------------------------------

const partitionDialog = $('partition-dialog');
const exportDialog = $('export-dialog');
const helpDialog = $('help-overlay');

function openPartition() {
  const f = lastFrame;
  if (!f) return;
  const box = $('partition-nodes');
  box.replaceChildren();
  const n = f.nodes.length;
  // Default: the leader and a minority with it in A; the majority in B elects anew.
  const a = new Set();
  const order = f.leader ? [f.leader, ...f.nodes.map((v) => v.id).filter((i) => i !== f.leader)] : f.nodes.map((v) => v.id);
  for (const id of order.slice(0, Math.max(1, Math.floor((n - 1) / 2)))) a.add(id);
  for (const v of f.nodes) {
    const row = document.createElement('div');
    row.className = 'pnode';
    const name = document.createElement('span');
    name.textContent = `Node ${v.id}${v.id === f.leader ? ' (leader)' : ''}`;
    row.appendChild(name);
    for (const g of ['A', 'B']) {
      const lab = document.createElement('label');
      const r = document.createElement('input');
      r.type = 'radio';
      r.name = `grp-${v.id}`;
      r.value = g;
      r.id = `part-${v.id}-${g.toLowerCase()}`;
      r.checked = (g === 'A') === a.has(v.id);
      r.setAttribute('aria-label', `Node ${v.id} in group ${g}`);
      lab.append(r, document.createTextNode(` ${g}`));
      row.appendChild(lab);
    }
    box.appendChild(row);
  }
  partitionDialog.showModal();
}

$('partition').addEventListener('click', openPartition);
$('partition-apply').addEventListener('click', () => {
  const A = [], B = [];
  for (const r of $('partition-nodes').querySelectorAll('input[type=radio]:checked')) {
    const id = Number(r.name.slice(4));
    (r.value === 'A' ? A : B).push(id);
  }
  if (A.length === 0 || B.length === 0) {
    notice('Put at least one node in each group to partition the network.');
    return;
  }
  if (act({ op: 'partition', groups: [A, B] })) partitionDialog.close();
});

function openExport() {
  const text = wasm(() => sim.exportScript());
  if (text === undefined) return;
  $('export-text').value = text;
  const hash = wasm(() => sim.traceHash());
  const f = lastFrame;
  $('export-hash').textContent = hash && f ? `Trace hash at ${fmtSeconds(f.now)} s: ${hash} (replaying the script to that time gives the same hash).` : '';
  $('export-copy').textContent = 'Copy';
  exportDialog.showModal();
}

async function copyText(text, button, textarea) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    // No clipboard permission (or not a secure context): select it for Ctrl+C instead.
    if (textarea) {
      textarea.focus();
      textarea.select();
      button.textContent = 'Selected: press Ctrl+C';
    } else {
      button.textContent = 'Copy failed';
    }
  }
}

$('export').addEventListener('click', openExport);
$('export-copy').addEventListener('click', () => copyText($('export-text').value, $('export-copy'), $('export-text')));

$('prometheus').addEventListener('click', () => {
  const text = wasm(() => sim.prometheus());
  if (text === undefined) return;
  const pre = $('prometheus-text');
  pre.textContent = text;
  pre.hidden = false;
  $('prometheus').setAttribute('aria-expanded', 'true');
  $('prometheus').textContent = 'Refresh Prometheus text';
  $('prometheus-copy').hidden = false;
  $('prometheus-copy').textContent = 'Copy';
});
$('prometheus-copy').addEventListener('click', () => copyText($('prometheus-text').textContent, $('prometheus-copy')));

function toggleHelp() {
  if (helpDialog.open) helpDialog.close();
  else helpDialog.showModal();
}
$('help').addEventListener('click', toggleHelp);
$('theme-toggle').addEventListener('click', toggleTheme);

// ---------------------------------------------------------------------------------------
// Event log filters
// ---------------------------------------------------------------------------------------

const filterNode = $('log-filter-node');
const filterCat = $('log-filter-cat');

function fillNodeFilter() {
  const keep = filterNode.value;
  while (filterNode.options.length > 2) filterNode.remove(2);
  for (let id = 1; id <= settings.nodes; id++) filterNode.add(new Option(`node ${id}`, String(id)));
  filterNode.value = Number(keep) <= settings.nodes ? keep : '';
  eventLog.setFilter(filterNode.value, filterCat.value);
}

function applyFilters() {
  eventLog.setFilter(filterNode.value, filterCat.value);
}
filterNode.addEventListener('change', applyFilters);
filterCat.addEventListener('change', applyFilters);

// ---------------------------------------------------------------------------------------
// Keyboard shortcuts (listed in the help overlay)
// ---------------------------------------------------------------------------------------

// A button clicked with the mouse or a finger keeps no focus: Space then means play /
// pause, not "click the last button again". (From the keyboard, focus stays put.)
document.addEventListener('click', (ev) => {
  const b = ev.target.closest?.('.controls button, .top-actions button, .prom-actions button');
  if (b && ev.detail > 0 && document.activeElement === b) b.blur();
});

const SPEED_STEP = Math.log10(2);

function target(fallback) {
  if (selected) return selected;
  const f = lastFrame;
  if (!f) return 0;
  if (fallback === 'leader') return f.leader;
  if (fallback === 'crashed') return f.nodes.find((v) => !v.up)?.id || 0;
  return 0;
}

function needNode(id, what) {
  if (!id) notice(`Select a node first (click it, or press 1–9) to ${what}.`);
  return id;
}

document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  const tag = t.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable) return;
  if (helpDialog.open || partitionDialog.open || exportDialog.open) {
    if (ev.key === '?' && helpDialog.open) { ev.preventDefault(); helpDialog.close(); }
    return;
  }
  // Space and Enter on a button activate that button.
  if ((ev.key === ' ' || ev.key === 'Enter') && (tag === 'BUTTON' || t.getAttribute?.('role') === 'button')) return;
  const k = ev.key;
  let handled = true;
  switch (k) {
    case ' ': setPlaying(!playing); break;
    case 'n': case 'N': case 'ArrowRight': step(); break;
    case 'ArrowLeft': if (playing) setPlaying(false); seekTo((lastFrame?.now || 0) - 50000); break;
    case 'Home': if (playing) setPlaying(false); seekTo(0); break;
    case 'End': seekTo(lastFrame?.horizon || 0); break;
    case '+': case '=': setSpeed(10 ** (Math.log10(settings.speed) + SPEED_STEP)); break;
    case '-': case '_': setSpeed(10 ** (Math.log10(settings.speed) - SPEED_STEP)); break;
    case 'r': case 'R': reset(); break;
    case 'c': { const id = needNode(target('leader'), 'crash it'); if (id) act({ op: 'crash', node: id }); break; }
    case 's': { const id = needNode(target('crashed'), 'restart it'); if (id) act({ op: 'restart', node: id }); break; }
    case 'e': { const id = needNode(target(), 'force its election timeout'); if (id) act({ op: 'campaign', node: id }); break; }
    case 't': { const id = needNode(target(), 'transfer leadership to it'); if (id) act({ op: 'transfer', node: id }); break; }
    case 'i': { const id = needNode(target(), 'isolate it'); if (id) act({ op: 'isolate', node: id }); break; }
    case 'h': act({ op: 'heal' }); break;
    case 'p': openPartition(); break;
    case 'q': clientRequest(selected); break;
    case 'x': openExport(); break;
    case 'd': toggleTheme(); break;
    case '?': toggleHelp(); break;
    case '[': select(selected > 1 ? selected - 1 : settings.nodes, true); break;
    case ']': select(selected < settings.nodes ? selected + 1 : 1, true); break;
    case 'Escape':
      if (menuNode) closeMenu(true);
      else if (selected) select(0);
      else handled = false;
      break;
    default:
      if (/^[1-9]$/.test(k) && Number(k) <= settings.nodes) select(Number(k), true);
      else handled = false;
  }
  if (handled) ev.preventDefault();
});

// ---------------------------------------------------------------------------------------
// Boot
// ---------------------------------------------------------------------------------------

window.raftLive = {
  frame: () => lastFrame,
  ready,
  get sim() { return sim; },
};
ready.catch(() => {});

async function boot() {
  try {
    await init();
  } catch (e) {
    fatal(e);
    return;
  }
  if (!settings.seed) {
    const s = wasm(() => randomSeed());
    if (s === undefined) return;
    settings.seed = s;
  }
  setSpeed(settings.speed);
  setPlaying(playing);
  if (!build()) {
    // Should not happen (the URL values were checked), but never leave a blank page.
    Object.assign(settings, DEFAULTS);
    if (!build()) return;
  }
  lastTs = performance.now();
}

boot();
