// The space-time diagram: one lane per node (time left to right), every message an arrow
// from its send on the sender's lane to its end on the receiver's, each lane showing the
// node's role and term over time, its commit-index advances, crashes and restarts. It shows
// a sliding window of simulated time with the current time as a line at 85% of the width
// (the rest shows where the messages in flight are heading).
//
// Where the data comes from: the cluster's history, one coarse `diagram(from, to)` call
// through the host (the controller) a few times a second, not per display frame; between
// two fetches the messages sent since come from the frame (it carries every message in
// flight), so an arrow appears on the display frame its message is sent, and a lane's last
// span grows with the clock. A role change asks for a fetch at once (the frame says who
// leads and campaigns). What is kept is the last fetch only: memory stays bounded however
// long the run.
//
// How it is drawn: on canvases (see below where the painters are made): what has happened is
// drawn once, on a layer kept off screen (the track) that each fetch adds to, and each draw
// slides that layer and draws on it only what moved since; arrows of one colour go in one
// path, one stroke per colour. Nothing moving
// is in the DOM; the header (window, exports) and the screen-reader text are, and change at
// the panels' pace.
//
// Large clusters: beyond 9 nodes the lanes collapse. Full lanes (labels, role bands, commit
// marks) go to the nodes that did something in the window besides following (led,
// campaigned, were down), and to the selected node, at most 9; the others are thin lines
// that still receive their arrows. A leader's heartbeats to 50 followers stay visible as a
// fan without drowning the few lanes where the story is.
//
// Arrows are not elements: the pointer reaches the nearest one within 12 CSS px (a hit
// area 24 px across), and the keyboard walks them from one control that never goes away
// (the "arrows" chip, as the cluster view's in-flight chip).
//
// handlers: fetch(from, to) → DiagramView | null, onHover(arrow|null, point, event),
//           onSeek(t), onKeyArrow(arrow|null, point), onChipFocus(on), onWindow(seconds),
//           exportSvg(), exportMermaid(); paintWorker: the URL of www/src/paint-worker.js
//           (none: the page paints)

import { htmlEl } from '../dom.js';
import { DIAGRAM_WINDOWS as WINDOWS } from '../settings.js';
import { readPalette } from './cluster.js';
import { messageLook } from './paint.js';
import { createHover } from './pointer.js';
import { keyWalk } from './key-walk.js';
import { createPainter } from './painter.js';
import { createPath, createRecorder } from './record.js';
import { termOf } from './status.js';

const FETCH_MS = 500;       // while running: a fetch every 500 ms of wall time (the frames fill in)
const DRAW_MS = 60;         // while running: a redraw at most every 60 ms of wall time
const NOW_AT = 0.85;        // where the current time sits across the window
const REACH_PX = 12;
const GUTTER = 58;          // lane labels, CSS px
const END_PAD = 16;         // right of the window's end: room for half its tick's label ("1.0 s")
const AXIS = 22;            // the time axis on top
const FULL_LANES = 9;       // lanes drawn in full, at most (beyond: thin lanes)
const THIN = 7;             // a thin lane's height, CSS px (up to THIN_MAX where there is room)
const THIN_MAX = 12;

const ROLE_SHORT = { leader: 'leader', candidate: 'cand.', 'pre-candidate': 'pre', follower: '', down: 'down' };
const ENDED = { delivered: 'delivered', lost: 'lost by the network', cut: 'cut by a partition', down: 'its destination was down', dropped: 'dropped by hand', flight: 'in flight',
  // Imported logs: one end of the message is not in the lines.
  unlogged: 'its receipt is not in the lines, due', unsent: 'its send is not in the lines; received' };

const peerPattern = new Map();
function namesPeer(text, id) {
  let re = peerPattern.get(id);
  if (!re) {
    re = new RegExp(`\\b(?:to|from|for) ${id}\\b`);
    peerPattern.set(id, re);
  }
  return re.test(text);
}

/**
 * Whether event-log line `l` ({node, t, text}) tells of arrow `a`: a line logged by the
 * sender at the instant of the send, or by the receiver at the instant of the delivery,
 * that names the message's kind and the other end ("to 3", "from 3", "for 3"). The trace
 * and the history share the simulated clock, so node and instant are exact; the kind and
 * the peer tell apart the several messages a node handles in one instant. An answer is
 * sent by the line that decides it, which names its request ("cast MsgVote for 5" sends
 * 5 a MsgVoteResp), and received by one that names it ("received MsgVoteResp from 3"):
 * so at a delivery a request's line never names the answer and an answer's always does
 * (a node that answers 5's pre-vote in the instant it receives 5's answer to its own logs
 * both). Heartbeats and most appends log no line, so they light none.
 */
export function lineTellsOf(a, l) {
  const answer = a.kind.endsWith('Resp');
  const stem = answer ? a.kind.slice(0, -4) : a.kind;
  if (!l.text.includes(stem)) return false;
  const namesAnswer = l.text.includes(`${stem}Resp`);
  if (l.node === a.from && l.t === a.sent) return !namesAnswer && namesPeer(l.text, a.to);
  if (l.node === a.to && a.end === 'delivered' && l.t === a.endedAt) return namesAnswer === answer && namesPeer(l.text, a.from);
  return false;
}

const fmt = (us) => (us / 1e6).toFixed(3);

/** One line describing an arrow, for its tip and for screen readers. */
export function describeArrow(a) {
  const ended = a.end === 'flight' ? 'in flight' : `${ENDED[a.end] || a.end} at ${fmt(a.endedAt)} s`;
  return `sent at ${fmt(a.sent)} s · ${ended} (${((Math.max(a.endedAt, a.sent) - a.sent) / 1000).toFixed(1)} ms)`;
}

// An arrow's stroke: its kind's colour (a palette key) and weight (an answer is thinner),
// as one number, worked out once per arrow (an arrow in flight is drawn at each draw).
const STROKE_KINDS = [];
function strokeOf(a) {
  if (a.look < 0) {
    const k = messageLook(a).k;
    let i = STROKE_KINDS.indexOf(k);
    if (i < 0) i = STROKE_KINDS.push(k) - 1;
    a.look = 2 * i + (a.kind.endsWith('Resp') ? 1 : 0);
  }
  return a.look;
}

/** A message as the diagram draws it (its text is written when a tip asks for it). */
class Arrow {
  constructor(id, kind, from, to, term, sent, due, end, endedAt, why, lost, reject = false) {
    Object.assign(this, { id, kind, from, to, term, sent, due, end, endedAt, why, lost, reject });
    this.look = -1; // its colour and weight, as a number (strokeOf), once drawn
  }
  get text() { return this.end === 'flight' ? `sent at ${fmt(this.sent)} s · in flight` : describeArrow(this); }
}

function arrowOf(row, why) {
  const [id, kind, from, to, term, sent, due, end, endedAt] = row;
  return new Arrow(id, kind, from, to, term, sent, due, end, endedAt, why.get(id) || '', end === 'lost');
}

export function createDiagramView(box, handlers) {
  const head = htmlEl('div', 'dg-head', box);
  const title = htmlEl('h2', 'dg-title', head, 'Space-time diagram');
  title.id = 'dg-title';
  const winLabel = htmlEl('label', 'field dg-window-f', head);
  htmlEl('span', 'field-l', winLabel, 'Window');
  const win = htmlEl('select', 'dg-window', winLabel);
  for (const s of WINDOWS) {
    const o = htmlEl('option', '', win, `${s} s`);
    o.value = String(s);
  }
  win.value = '1';
  const svgBtn = htmlEl('button', 'dg-svg rc-full', head, 'SVG');
  svgBtn.type = 'button';
  svgBtn.title = 'Download the shown window as a standalone SVG picture';
  svgBtn.setAttribute('aria-label', 'Download the diagram as SVG');
  const mmdBtn = htmlEl('button', 'dg-mermaid rc-full', head, 'Mermaid');
  mmdBtn.type = 'button';
  mmdBtn.title = 'Download the shown window as Mermaid sequenceDiagram text';
  mmdBtn.setAttribute('aria-label', 'Download the diagram as Mermaid text');
  const summary = htmlEl('p', 'dg-summary hint', box);
  summary.id = 'dg-summary';
  const plot = htmlEl('div', 'dg-plot', box);
  plot.style.setProperty('--dg-gutter', `${GUTTER}px`);
  // Two canvases: the lane labels (still), and the plot.
  const gutter = htmlEl('canvas', 'dg-gutter', plot);
  const canvas = htmlEl('canvas', 'dg-canvas', plot);
  for (const c of [gutter, canvas]) c.setAttribute('aria-hidden', 'true');
  const chip = htmlEl('button', 'dg-nav', head);
  chip.type = 'button';
  chip.setAttribute('aria-describedby', 'dg-nav-help');
  const chipText = htmlEl('span', 'dg-nav-count', chip, '0 arrows');
  const help = htmlEl('span', 'sr', head, 'Arrows of the diagram: the arrow keys walk them (the clock holds); Enter moves the timeline to the chosen arrow\'s send; Escape lets the clock go.');
  help.id = 'dg-nav-help';
  const live = htmlEl('p', 'dg-live sr', plot);
  live.setAttribute('aria-live', 'polite');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-labelledby', 'dg-title');
  box.setAttribute('aria-describedby', 'dg-summary');
  // What has happened is drawn once, on a layer kept off screen (the track): drawn whole at
  // one window, half a window wider than the plot, and added to at each fetch (the arrows that
  // arrived or were lost since, the lanes' new stretch, commits and crashes), so that it is
  // drawn whole again only when the run has slid half a window (or the window, the size, the
  // lit arrows change). Each draw paints the plot as that layer slid left by the time passed,
  // and on it only what moved since (messages in flight or new, the lanes' last stretch, the
  // now line). Measured (page bench, 0.1x, 5 nodes): redrawing the whole plot on each frame
  // cost about 48 ms/s of script, this about 11. The drawing functions draw on recorders
  // (views/record.js), and the canvases are painted from the records by the page's paint
  // worker (views/painter.js): rastering the track (at 51 nodes, tens of ms for its arrows)
  // and sliding it leave the main thread. (Slid by a CSS transform on a canvas of its own,
  // the track cost the page a restyle and a new layer tree at each draw: ~10 ms/s more.)
  // Painted on the page instead, a 2D canvas costs a copy at every commit, changed or not.
  const repaint = () => { cacheStale = true; draw(); };
  const plotPainter = createPainter(canvas, handlers.paintWorker, repaint);
  const gutterPainter = createPainter(gutter, handlers.paintWorker, repaint);
  const screen = createRecorder();
  const arrowPaths = [];     // drawArrows' paths, by stroke (see pathFor)
  const bad = createPath();  // the crosses of lost arrows
  const dropped = createPath(); // the marks of arrows dropped by hand
  const cacheCtx = createRecorder();
  const gctx = createRecorder();
  let cacheW = 1, cacheH = 1, gutterW = 1; // the plot's, the gutter's size (device px)
  let trackW = 1;          // the track's width (device px): half a window more than the plot
  let ctx = screen;        // where the drawing functions draw (the track or the screen)
  let cacheStale = true;
  let cacheT0 = 0, cacheNow = 0, cacheN = 0;
  let trackEnd = 0;        // the time at the track's right edge (µs)
  let drawnUpTo = 0;       // the time up to which the lanes are on the track (µs)
  let onTrack = new Set(); // the ids of the arrows on the track (as they ended)
  let labelled = new Set(); // the lane stretches whose label is on the track ("node:from")
  let commitX = new Map(); // node -> where its last commit index was written on the track (CSS px)
  let fullKey = '';        // which lanes were drawn in full on the track
  let gutterKey = -1;      // the roles the gutter names (update's roleKey)
  let fetched = false;     // a fetch came since the track was last added to
  let shift = 0;           // CSS px the track is slid left by

  let span = 1e6;          // the window, µs of simulated time
  let data = null;         // the last fetch: {from, to, now, lanes, …}
  let arrows = [];         // what the window holds: fetched, then those seen in frames since
  let known = new Set();   // their ids
  let moving = [];         // those of them in flight when fetched or seen since: what a draw redraws
  let news = [];           // those the last fetch brought
  let laneSpans = new Map(); // node -> the lane's stretches in the window, as the fetches tell them
  let arrived = [];        // those put on the track as delivered before a fetch told how they ended
  let maxFetched = 0;
  let fetchedAt = -1e9;    // wall ms
  let fetchCost = 0;       // ms the last fetch and the drawing of what it brought took
  let fetchTimer = 0;      // a fetch asked for after the frame (fetchSoon)
  let drawnAt = -1e9;      // wall ms of the last draw
  let roleKey = -1;        // keyOf the last frame
  const rolesSeen = [];    // keyOf's: the leader, then each node's role and term
  let rolesVersion = 0;
  let last = null;         // the last frame
  let shown = false;
  let selected = 0;
  let linked = new Set();  // ids lit from elsewhere (the cluster, the event log)
  let keyed = null;
  let pal = null;
  let W = 0, H = 0, dpr = 1;
  let t0 = 0, t1 = 1;
  let lanes = [];          // [{node, y, h, full}] by node id
  let placed = [];         // the arrows drawn (their places follow the window: segOf)
  let mark = null;         // {t, label}: a moment marked on the plot (two runs parting)

  function reset() {
    clearTimeout(fetchTimer);
    fetchTimer = 0;
    data = null;
    arrows = [];
    known = new Set();
    moving = [];
    news = [];
    arrived = [];
    laneSpans = new Map();
    maxFetched = 0;
    fetchedAt = -1e9;
    roleKey = -1;
    linked = new Set();
    hover.clear();
    keyed = null;
    placed = [];
    cacheStale = true;
  }

  function windowOf(now) {
    const from = Math.max(0, now - span * NOW_AT);
    return [from, from + span];
  }

  /**
   * Asks the host for the history. `whole`: the whole window (the track is then drawn whole
   * from it); otherwise only from the oldest message in flight at the last fetch (or its
   * time): everything before has ended and is on the track, and the arrows kept from the
   * last fetch stand for it. At 51 nodes and 0.1x, a window holds ~20,000 messages and a
   * second of wall time ~2,000: the part is a tenth of the whole.
   */
  function fetchNow(f, whole = true) {
    const [w0] = windowOf(f.now);
    let from = w0;
    if (!whole) {
      let since = data.now;
      for (let i = 0; i < moving.length; i++) if (moving[i].sent < since) since = moving[i].sent;
      for (let i = 0; i < arrived.length; i++) if (arrived[i].sent < since) since = arrived[i].sent;
      from = Math.max(w0, since);
    }
    const started = performance.now();
    const d = handlers.fetch(from, f.now + 1);
    fetchCost = performance.now() - started;
    fetchedAt = started;
    if (!d) return;
    d.whole = whole;
    data = d;
    // A part tells the stretches from the one it begins in: those before are kept.
    for (const l of d.lanes) {
      const first = l.spans[0];
      const had = laneSpans.get(l.node);
      if (whole || !had || !first) laneSpans.set(l.node, l.spans);
      else laneSpans.set(l.node, had.filter((sp) => sp[0] < first[0]).concat(l.spans));
    }
    fetched = true;
    const texts = d.whyTexts;
    const why = new Map(d.why.map(([id, k]) => [id, texts[k]]));
    const got = d.messages.map((row) => arrowOf(row, why));
    // Arrows go by id, which is the order they were sent in.
    arrows = whole ? got : arrows.slice(sentFrom(arrows, w0), sentFrom(arrows, from)).concat(got);
    news = got;
    known = new Set();
    moving = got.filter((a) => a.end === 'flight');
    maxFetched = got.length ? got[got.length - 1].id : maxFetched;
  }

  /**
   * A fetch due only by the pace (the window's part since the last one) is made in a task of
   * its own, right after the frame, instead of in it: the frame then draws what it has (the
   * arrows in flight come from the frames), and the next draw adds what the fetch brought. At
   * 51 nodes a fetch takes 4-6 ms on a slow host, which made the frames that fetched late
   * (over 20 ms). A jump, a stop or a new role still fetches at once.
   */
  function fetchSoon() {
    if (fetchTimer) return;
    const at = fetchedAt;
    fetchTimer = setTimeout(() => {
      fetchTimer = 0;
      // A fetch came meanwhile, or there is nothing to add to.
      if (fetchedAt === at && shown && data && last) fetchNow(last, false);
    }, 0);
  }

  /** The first place in `list` (arrows in the order they were sent) sent at `t` or later. */
  function sentFrom(list, t) {
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].sent < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Messages in the frame that the last fetch did not have (sent since). */
  function addFromFrame(f) {
    for (let i = 0; i < f.messages.length; i++) {
      const m = f.messages[i];
      if (m.id <= maxFetched || known.has(m.id)) continue;
      known.add(m.id);
      const a = new Arrow(m.id, m.kind, m.from, m.to, m.term, m.sent, m.deliver, 'flight', -1, m.why || '', !!m.lost, !!m.reject);
      arrows.push(a);
      moving.push(a);
      placed.push(a);
    }
  }

  /** Who leads, and each node's role and term (or down), as a number that changes when
   *  any of them does (compared with the last frame's, at each frame: no string built). */
  function keyOf(f) {
    const n = f.nodes.length;
    let same = rolesSeen.length === 2 * n + 1 && rolesSeen[0] === f.leader;
    rolesSeen.length = 2 * n + 1;
    rolesSeen[0] = f.leader;
    for (let i = 0; i < n; i++) {
      const v = f.nodes[i];
      const role = v.up ? v.role : 'down', term = v.up ? v.term : -1;
      if (rolesSeen[2 * i + 1] !== role || rolesSeen[2 * i + 2] !== term) {
        same = false;
        rolesSeen[2 * i + 1] = role;
        rolesSeen[2 * i + 2] = term;
      }
    }
    if (!same) rolesVersion++;
    return rolesVersion;
  }

  /** A frame to draw. `fresh`: the run jumped or stopped (fetch now, whatever the pace). */
  function update(f, { fresh = false } = {}) {
    last = f;
    if (!shown) return;
    const k = keyOf(f);
    const roleChanged = k !== roleKey;
    const now = performance.now();
    const every = Math.max(FETCH_MS, fetchCost * 40); // a costly fetch (51 nodes) comes less often
    // Also when the clock ran 5% of the window since (towards 1x, where messages come and
    // go between two frames and the frame cannot tell of them), but not every frame.
    const stale = !data || fresh || f.now < data.now || f.now - data.now > span / 2 ||
      now - fetchedAt >= every || (f.now - data.now >= span * 0.05 && now - fetchedAt >= Math.max(90, fetchCost * 40)) || (roleChanged && now - fetchedAt >= Math.max(50, fetchCost * 10));
    // A part is enough while the track is only added to (a large cluster's lanes in full
    // follow who campaigns: a new role there asks for the whole).
    const whole = !data || fresh || cacheStale || f.now < data.now || f.now - data.now > span / 2 ||
      windowOf(f.now)[1] > trackEnd || (roleChanged && f.nodes.length > FULL_LANES);
    roleKey = k;
    if (stale && !whole && !roleChanged) fetchSoon(); // (whole covers fresh)
    else if (stale) fetchNow(f, whole);
    addFromFrame(f);
    // Running, at most DRAW_MS apart: the cluster may be drawn 20 to 60 times a second, but
    // a chart reads well at 10 to 15 (at 0.1x a 1 s window slides about 60 px a second).
    if (!stale && !fresh && now - drawnAt < DRAW_MS) return;
    drawnAt = now;
    draw();
  }

  // --- geometry ------------------------------------------------------------------------

  function layoutLanes(n) {
    let full = null;
    if (n > FULL_LANES) {
      // Who gets a full lane: the selected node, the leader now, then whoever led, stood
      // as a candidate, crashed or restarted, or asked for pre-votes in the window (in that
      // order: a 51-node election has many pre-candidates, few candidates), up to FULL_LANES.
      const busy = [];
      if (selected) busy.push(selected);
      if (last?.leader) busy.push(last.leader);
      const lanesIn = data?.lanes ?? [];
      const had = (l, st) => l.spans.some((s) => s[2] === st);
      for (const test of [(l) => had(l, 'leader'), (l) => had(l, 'candidate'), (l) => had(l, 'down') || l.moments.length, (l) => had(l, 'pre-candidate')]) {
        for (const l of lanesIn) if (test(l)) busy.push(l.node);
      }
      full = new Set(busy.slice(0, 64).filter((id, i, all) => all.indexOf(id) === i).slice(0, FULL_LANES));
    }
    const nFull = full ? full.size : n, nThin = n - nFull;
    const room = Math.max(0, H - AXIS - 6 - nThin * THIN);
    const lh = Math.max(18, Math.min(60, nFull ? room / nFull : 0));
    // The plot is as tall as nine full lanes (its height does not jump as lanes open and
    // close): with fewer busy nodes, the thin lanes share the room the full ones leave.
    const thin = nThin ? Math.min(THIN_MAX, THIN + Math.max(0, room - lh * nFull) / nThin) : THIN;
    lanes = [];
    let y = AXIS + 2;
    for (let id = 1; id <= n; id++) {
      const isFull = !full || full.has(id);
      const h = isFull ? lh : thin;
      lanes[id] = { node: id, y: y + h / 2, h, full: isFull };
      y += h;
    }
    return full ? [...full].join(',') : '';
  }

  /** The time axis's width (CSS px): between the lane labels and the end's padding. */
  const axisW = () => W - GUTTER - END_PAD;
  const xOf = (t) => GUTTER + ((t - t0) / (t1 - t0)) * axisW();

  // --- drawing -------------------------------------------------------------------------

  /** Draws what the last fetch holds, up to its time, on the cache canvas. */
  function renderCache(now) {
    const started = performance.now();
    renderTrack(now);
    // Counted with the fetch: drawing 10,000 arrows (51 nodes) costs more than fetching them.
    fetchCost += performance.now() - started;
  }

  function renderTrack(now) {
    if (data && !data.whole) fetchNow(last, true);
    cacheStale = false;
    fetched = false;
    ctx = cacheCtx;
    cacheW = Math.round(W * dpr);
    cacheH = Math.round(H * dpr);
    gutterW = Math.round(GUTTER * dpr);
    shift = 0;
    cacheNow = data ? Math.min(data.now, now) : now;
    [t0, t1] = windowOf(cacheNow);
    cacheT0 = t0;
    trackEnd = t1 + span / 2;
    trackW = Math.round((W + axisW() / 2) * dpr);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, trackW, cacheH);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    cacheN = last.nodes.length;
    fullKey = layoutLanes(cacheN);
    drawAxis(trackEnd);
    onTrack = new Set();
    arrived = [];
    labelled = new Set();
    commitX = new Map();
    drawnUpTo = -1;
    drawHistory(cacheNow);
    placed = [];
    drawArrows(cacheNow, arrows, true);
    drawMark();
    ctx = screen;
    drawGutter();
    // The summary and the arrows' count say what is drawn now: drawn whole after a jump,
    // or once shown (the plot has no size while hidden), the host's next panels may be far off.
    describe(last);
  }

  /** Adds to the track what the last fetch tells since the track was drawn or added to: the
   *  lanes' new stretch, and the arrows that ended (each once). False when it cannot (the
   *  lanes drawn in full are others now): the caller draws the track whole. */
  function addToTrack(now) {
    fetched = false;
    if (data.whole && layoutLanes(last.nodes.length) !== fullKey) return false;
    // An arrow put on the track as delivered that ended otherwise: the track is drawn anew.
    if (arrived.length) {
      const ended = new Map(news.map((a) => [a.id, a.end]));
      const wrong = arrived.some((a) => ended.has(a.id) && ended.get(a.id) !== 'delivered');
      arrived = [];
      if (wrong) return false;
    }
    // The arrows of the window, where the pointer reaches them; those the fetch brought that
    // ended and are not on the track go on it, as they ended.
    const w0 = windowOf(now)[0];
    placed = arrows.slice(sentFrom(arrows, w0)).filter((a) => a.sent <= now && lanes[a.from] && lanes[a.to]);
    onTheTrack(() => {
      drawHistory(Math.min(data.now, now));
      drawArrows(now, news.filter((a) => a.end !== 'flight' && !onTrack.has(a.id)), false);
    });
    return true;
  }

  /** Runs `paint` with the drawing functions drawing on the track, at its window. */
  function onTheTrack(paint) {
    const saved = [t0, t1];
    [t0, t1] = [cacheT0, cacheT0 + span];
    ctx = cacheCtx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    try {
      paint();
    } finally {
      ctx = screen;
      [t0, t1] = saved;
    }
  }

  /**
   * The arrows that arrived since the last fetch (their flight over by `now`, not lost,
   * their receiver up and on the sender's side of any partition) go on the track now, as
   * delivered, instead of being redrawn at each draw until the next fetch tells how they
   * ended: at 0.1x, half of the ~90 arrows a draw redrew. The next fetch checks them (see
   * addToTrack): one that ended otherwise (its receiver crashed at that instant) has the
   * track drawn anew.
   */
  function putArrived(now, f) {
    const sides = f.partition?.length ? new Map(f.partition.flatMap((g, k) => g.map((id) => [id, k]))) : null;
    const list = [];
    let k = 0;
    for (let i = 0; i < moving.length; i++) {
      const a = moving[i];
      const to = f.nodes[a.to - 1];
      if (a.due <= now && !a.lost && a.sent >= cacheT0 && a.due <= trackEnd && to && to.up &&
          (!sides || sides.get(a.from) === sides.get(a.to))) list.push(a);
      else moving[k++] = a;
    }
    moving.length = k;
    if (list.length === 0) return;
    for (const a of list) {
      arrived.push(a);
      onTrack.add(a.id);
    }
    onTheTrack(() => drawArrows(now, list, false));
  }

  /** The lanes from where the track has them up to `upTo`: their stretches as the fetches
   *  tell them (a part's alone lacks the stretch before its first, which decides whether
   *  that one's term is news and gets a label), commits and moments as the last one does. */
  function drawHistory(upTo) {
    if (!data) return;
    for (const l of data.lanes) if (lanes[l.node]) drawLane(l, laneSpans.get(l.node) ?? l.spans, drawnUpTo, upTo);
    drawnUpTo = Math.max(drawnUpTo, upTo);
  }

  /** The marked moment, a dashed line across the lanes with its label at the top (on the
   *  track). */
  function drawMark() {
    if (!mark || mark.t < t0 || mark.t > t1) return;
    const x = xOf(mark.t);
    ctx.save();
    ctx.beginPath();
    ctx.moveTo(x, AXIS - 4);
    ctx.lineTo(x, H);
    ctx.strokeStyle = pal.bad ?? pal.focus;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    ctx.stroke();
    ctx.fillStyle = pal.bad ?? pal.focus;
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = x > W - 80 ? 'right' : 'left';
    ctx.fillText(mark.label, x + (x > W - 80 ? -4 : 4), AXIS + 6);
    ctx.restore();
  }

  /** Draws what moved (and the track when it is stale, or added to after a fetch), and hands
   *  the records to the plot's painter: the track slid by `shift`, what moved on top. */
  function draw() {
    drawMoved();
    const dx = Math.round(shift * dpr);
    const track = cacheCtx.empty ? null : cacheCtx.take();
    plotPainter.replay(screen.take(), cacheW, cacheH, { ops: track, w: trackW, h: cacheH, dx, clip: gutterW });
  }

  function drawMoved() {
    if (!pal) pal = readPalette(box, ['follower', 'crashed', 'line', 'bad']);
    ctx = screen;
    const f = last;
    if (!f || !(W > 0) || !shown) {
      if (!shown || !f) {
        cacheCtx.setTransform(1, 0, 0, 1, 0, 0);
        cacheCtx.clearRect(0, 0, trackW, cacheH);
        gctx.setTransform(1, 0, 0, 1, 0, 0);
        gctx.clearRect(0, 0, gutterW, cacheH);
        gutterPainter.replay(gctx.take(), gutterW, cacheH);
        cacheStale = true;
      }
      return;
    }
    const now = f.now;
    const [w0, w1] = windowOf(now);
    if (cacheStale || cacheN !== f.nodes.length || w0 < cacheT0 || w1 > trackEnd || !data || now < drawnUpTo) renderCache(now);
    else if (fetched && !addToTrack(now)) renderCache(now);
    else if (gutterKey !== roleKey) drawGutter();
    [t0, t1] = [w0, w1];
    // The track slides left by the time passed since it was drawn (whole device pixels: a
    // fractional shift would blur it).
    shift = Math.round((t0 - cacheT0) * (axisW() / (t1 - t0)) * dpr) / dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    extendLanes(now);
    pinLabels(now);
    putArrived(now, f);
    drawArrows(now, moving, false);
    // The current time.
    const xn = xOf(now);
    ctx.beginPath();
    ctx.moveTo(xn, AXIS - 4);
    ctx.lineTo(xn, H);
    ctx.strokeStyle = pal.focus;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([]);
    ctx.stroke();
  }

  /** The lanes' last stretch, from where the track has them to now (a change of role or
   *  term fetches afresh, so the state is the fetched last one). */
  function extendLanes(now) {
    if (!data || now <= drawnUpTo) return;
    // It begins on the device pixel where the track's stretch ends, as slid: the two
    // translucent pieces neither overlap nor leave a gap.
    const onTrackAt = Math.round((GUTTER + (drawnUpTo - cacheT0) * (axisW() / span)) * dpr) / dpr;
    const from = Math.max(onTrackAt - shift, GUTTER);
    for (const l of data.lanes) {
      const L = lanes[l.node];
      const s = l.spans[l.spans.length - 1];
      if (!L || !s || s[1] >= 0) continue;
      drawSpan(L, drawnUpTo, now, s[2], now, 0, from);
    }
  }

  /** The time axis, its ticks up to `until` (the track's end). */
  function drawAxis(until) {
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = pal.muted;
    ctx.strokeStyle = pal.line;
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    // Ticks every 1, 2 or 5 × 10^k µs, about 90 px apart.
    const per = ((t1 - t0) / Math.max(1, W - GUTTER)) * 90;
    const p10 = 10 ** Math.floor(Math.log10(per));
    const step = [1, 2, 5, 10].map((k) => k * p10).find((s) => s >= per) || per;
    const digits = Math.max(0, Math.min(3, 6 - Math.floor(Math.log10(step) + 1e-9)));
    ctx.beginPath();
    ctx.textAlign = 'center';
    for (let t = Math.ceil(t0 / step) * step; t <= until; t += step) {
      const x = xOf(t);
      ctx.moveTo(x, AXIS - 5);
      ctx.lineTo(x, H);
      // A label ends at its tick: a tick that slides in at the plot's right edge comes
      // with its whole label (centred, it would show cut: "4." for "4.2 s"). One the lane
      // names would cover (the window's start, "0 s") is written to the tick's right.
      const label = `${(t / 1e6).toFixed(digits)} s`;
      const right = x - 3 - label.length * 6.6 < GUTTER; // (11 px digits: about 6.6 px each)
      ctx.textAlign = right ? 'left' : 'right';
      ctx.fillText(label, right ? x + 3 : x - 3, 8);
    }
    ctx.globalAlpha = 0.5;
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.textAlign = 'left';
  }

  /** The lanes' names and their nodes' roles now, on the gutter (drawn with the track, and
   *  again when a role changes: the track is only added to then). */
  function drawGutter() {
    gutterKey = roleKey;
    gctx.setTransform(1, 0, 0, 1, 0, 0);
    gctx.clearRect(0, 0, gutterW, cacheH);
    gctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    gctx.font = '11px system-ui, sans-serif';
    gctx.textBaseline = 'middle';
    for (let id = 1; id < lanes.length; id++) {
      const L = lanes[id];
      if (!L.full) continue;
      gctx.fillStyle = id === selected ? pal.focus : pal.ink;
      const v = last.nodes[id - 1];
      const role = v ? (v.up ? ROLE_SHORT[v.role] : 'down') : '';
      gctx.fillText(`n${id}`, 4, L.y);
      if (role) {
        gctx.fillStyle = pal.muted;
        gctx.fillText(role, 24, L.y);
      }
    }
    gutterPainter.replay(gctx.take(), gutterW, cacheH);
  }

  /** One stretch of a lane in one state, at least `least` CSS px wide (from `ax` CSS px,
   *  when given). Its ends are on whole device pixels: a stretch drawn in pieces (the track
   *  is added to at each fetch) shows no seams where the translucent pieces meet. */
  function drawSpan(L, from, until, state, now, least = 1, ax = null) {
    const y = L.y;
    const a = ax ?? Math.round(xOf(Math.max(from, t0)) * dpr) / dpr;
    const b = Math.round(xOf(Math.min(until < 0 ? now : until, now)) * dpr) / dpr;
    if (b < a || (b === a && !least)) return;
    const band = BAND[state];
    if (band) {
      const h = Math.max(3, L.h * band[1]);
      ctx.fillStyle = pal[band[0]];
      ctx.globalAlpha = L.full ? 0.6 : 1;
      ctx.fillRect(a, y - h / 2, Math.max(least, b - a), h);
      ctx.globalAlpha = 1;
    } else {
      ctx.beginPath();
      ctx.moveTo(a, y);
      ctx.lineTo(b, y);
      ctx.strokeStyle = state === 'down' ? pal.crashed : pal.follower;
      ctx.lineWidth = state === 'down' ? 1 : L.full ? 2 : 1;
      ctx.setLineDash(state === 'down' ? [3, 3] : []);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  const BAND = { leader: ['leader', 0.42], candidate: ['cand', 0.34], 'pre-candidate': ['pre', 0.28] };

  /** A lane stretch's label: its role and term where the term or the role is news ('' for
   *  a follower's stretch in the term before it). */
  function labelOf(state, term, prevTerm) {
    const band = BAND[state];
    if (state === 'down') return 'down';
    if (term === prevTerm && !band) return '';
    return `${band ? `${ROLE_SHORT[state]} ` : ''}t${term}`;
  }

  /** The labels of the stretches the plot's left edge cuts, written there (on the screen,
   *  at each draw: the track slides its own labels away), once the label at the stretch's
   *  start has left the plot. */
  function pinLabels(now) {
    ctx.textBaseline = 'bottom';
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = pal.muted;
    for (const [node, spans] of laneSpans) {
      const L = lanes[node];
      if (!L || !L.full) continue;
      let prevTerm = -1;
      for (const [from, until, state, term] of spans) {
        if (from < t0 && (until < 0 || until > t0)) {
          const label = labelOf(state, term, prevTerm);
          const w = label.length * 6 + 4;
          const b = xOf(Math.min(until < 0 ? now : until, now));
          if (label && xOf(from) + w < GUTTER && b - GUTTER > w) ctx.fillText(label, GUTTER + 2, L.y - Math.max(5, L.h * 0.22));
          break;
        }
        prevTerm = term;
      }
    }
  }

  /** Lane `l` (a fetch's: its commits, crashes and restarts) with its stretches `spans`,
   *  in the time (after, upTo]: the track has it up to `after` already. A stretch's label
   *  is written once, when the stretch is wide enough for it. */
  function drawLane(l, spans, after, upTo) {
    const L = lanes[l.node];
    const y = L.y;
    ctx.textBaseline = 'bottom';
    ctx.font = '10px system-ui, sans-serif';
    let prevTerm = -1;
    for (const [from, until, state, term] of spans) {
      const ends = until < 0 ? upTo : Math.min(until, upTo);
      if (ends <= after || from > upTo) {
        prevTerm = term;
        continue;
      }
      // (A stretch that begins here is drawn 1 px wide at least, to be seen; a piece of one
      // that goes on is not: it would overlap the next piece.)
      drawSpan(L, Math.max(from, after), ends, state, upTo, from > after ? 1 : 0);
      // The label at the stretch's start (one that began before the track's window is
      // written at the plot's left edge at each draw: see pinLabels).
      const label = L.full && from >= t0 ? labelOf(state, term, prevTerm) : '';
      const key = `${l.node}:${from}`;
      if (label && !labelled.has(key)) {
        const a = xOf(from), b = xOf(Math.min(ends, upTo));
        if (b - a > label.length * 6 + 4) {
          ctx.fillStyle = pal.muted;
          ctx.fillText(label, a + 2, y - Math.max(5, L.h * 0.22));
          labelled.add(key);
        }
      }
      prevTerm = term;
    }
    if (!L.full) return;
    // Commit advances: a tick under the lane, with the index when there is room.
    ctx.textBaseline = 'top';
    let lastX = commitX.get(l.node) ?? -1e9;
    ctx.beginPath();
    for (const [at, index] of l.commits) {
      if (at < t0 || at <= after || at > upTo) continue;
      const x = xOf(at);
      ctx.moveTo(x, y + 3);
      ctx.lineTo(x, y + 9);
      if (x - lastX > 48) {
        ctx.fillStyle = pal.good;
        ctx.fillText(`c${index}`, x + 1, y + 4);
        lastX = x;
      }
    }
    commitX.set(l.node, lastX);
    ctx.strokeStyle = pal.good;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    for (const [at, what] of l.moments) {
      if (at < t0 || at <= after || at > upTo) continue;
      const x = xOf(at);
      ctx.beginPath();
      if (what === 'crashed') {
        ctx.moveTo(x - 5, y - 5); ctx.lineTo(x + 5, y + 5); ctx.moveTo(x + 5, y - 5); ctx.lineTo(x - 5, y + 5);
        ctx.strokeStyle = pal.bad;
        ctx.lineWidth = 2.5;
        ctx.stroke();
      } else {
        // Restarted: a triangle pointing on; joined: a dot.
        if (what === 'restarted') { ctx.moveTo(x - 3, y - 6); ctx.lineTo(x + 6, y); ctx.lineTo(x - 3, y + 6); ctx.closePath(); } else ctx.arc(x, y, 4.5, 0, 2 * Math.PI);
        ctx.fillStyle = what === 'restarted' ? pal.good : pal.accent;
        ctx.fill();
      }
    }
  }

  /** The arrows: into the cache every arrow of the window (`all`), drawn up to `now`; on
   *  the screen only those that moved since (in flight at the fetch, or new). */
  function drawArrows(now, list, all) {
    // One path per colour and weight: a few strokes for hundreds of arrows. (The paths are
    // kept from one draw to the next, empty: stroking one hands its record over.)
    const used = [];
    const pathFor = (look, faint, dotted) => {
      const key = 4 * look + (faint ? 2 : 0) + (dotted ? 1 : 0);
      let p = arrowPaths[key];
      if (!p) {
        p = { k: STROKE_KINDS[look >> 1], w: look & 1 ? 1 : 1.6, faint, dotted, path: createPath() };
        arrowPaths[key] = p;
      }
      if (p.path.empty) used.push(p);
      return p.path;
    };
    const lit = [];
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      if (a.sent < t0 || a.sent > now) continue;
      const isLit = a.id === hover.id || a.id === keyed || linked.has(a.id);
      const A = lanes[a.from], B = lanes[a.to];
      if (!A || !B) continue;
      if (all) placed.push(a);
      // The track holds the arrows that ended; those in flight are redrawn at each draw.
      if (ctx === cacheCtx) {
        if (a.end === 'flight' && !onTrack.has(a.id)) continue;
        onTrack.add(a.id);
      }
      const endT = a.end === 'flight' ? Math.min(now, a.due) : Math.min(now, a.endedAt);
      const p = a.due > a.sent ? Math.max(0, Math.min(1, (endT - a.sent) / (a.due - a.sent))) : 1;
      const x1 = xOf(a.sent), y1 = A.y;
      const xd = xOf(a.due), yd = B.y;
      const x2 = x1 + (xd - x1) * p, y2 = y1 + (yd - y1) * p;
      const look = strokeOf(a);
      // Between two thin lanes (a large cluster's followers) an arrow is faint: the fan
      // stays visible without hiding the lanes where the story is.
      // Imported logs: an arrow one of whose ends is not in the lines is dotted.
      const oneEnded = a.end === 'unlogged' || a.end === 'unsent';
      const path = pathFor(look, !A.full && !B.full, oneEnded);
      path.moveTo(x1, y1);
      path.lineTo(x2, y2);
      if (!A.full && !B.full) {
        // (A faint arrow between thin lanes has no head: at 51 nodes there are thousands.)
      } else if (a.end === 'delivered' || a.end === 'unsent' || (a.end === 'flight' && p >= 1 && !a.lost)) {
        // An open arrowhead at the receiver.
        const ang = Math.atan2(y2 - y1, x2 - x1);
        path.moveTo(x2 - 6 * Math.cos(ang - 0.45), y2 - 6 * Math.sin(ang - 0.45));
        path.lineTo(x2, y2);
        path.lineTo(x2 - 6 * Math.cos(ang + 0.45), y2 - 6 * Math.sin(ang + 0.45));
      } else if (a.end === 'lost' || a.end === 'cut' || a.end === 'down') {
        bad.moveTo(x2 - 4, y2 - 4); bad.lineTo(x2 + 4, y2 + 4); bad.moveTo(x2 + 4, y2 - 4); bad.lineTo(x2 - 4, y2 + 4);
      } else if (a.end === 'dropped') {
        dropped.rect(x2 - 3.5, y2 - 3.5, 7, 7);
      } else if (a.end === 'unlogged') {
        // (Its receipt is not in the lines: no mark where it was due.)
      } else {
        // Still on its way: a dot where it is now.
        path.moveTo(x2 + 2, y2);
        path.arc(x2, y2, 2, 0, 2 * Math.PI);
      }
      if (isLit) lit.push({ a, x1, y1, x2, y2, k: STROKE_KINDS[look >> 1] });
    }
    ctx.setLineDash([]);
    ctx.lineCap = 'round';
    for (const { k, w, faint, dotted, path } of used) {
      ctx.strokeStyle = pal[`k-${k}`] || pal.muted;
      ctx.lineWidth = w;
      ctx.globalAlpha = faint ? 0.2 : 1;
      ctx.setLineDash(dotted ? [2, 4] : []);
      ctx.stroke(path);
    }
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    if (!bad.empty) {
      ctx.strokeStyle = pal.bad;
      ctx.lineWidth = 2;
      ctx.stroke(bad);
    }
    if (!dropped.empty) {
      ctx.fillStyle = pal.bad;
      ctx.fill(dropped);
    }
    for (const h of lit) {
      ctx.beginPath();
      ctx.moveTo(h.x1, h.y1);
      ctx.lineTo(h.x2, h.y2);
      ctx.strokeStyle = pal.focus;
      ctx.lineWidth = 6;
      ctx.globalAlpha = 0.45;
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.strokeStyle = pal[`k-${h.k}`] || pal.muted;
      ctx.lineWidth = 2.5;
      ctx.stroke();
    }
  }

  // --- reaching arrows -----------------------------------------------------------------

  /** Whether arrow `a` belongs to the window [from, now]: the one test of "in the window"
   *  for what is drawn (segOf) and what is said (describe). */
  const sentIn = (a, from, now) => a.sent >= from && a.sent <= now;

  /** Where arrow `a` is drawn now (CSS px in the canvas), or null off the window. */
  function segOf(a) {
    const A = lanes[a.from], B = lanes[a.to];
    const now = last?.now ?? 0;
    if (!A || !B || !sentIn(a, t0, now)) return null;
    const endT = a.end === 'flight' ? Math.min(now, a.due) : Math.min(now, a.endedAt);
    const p = a.due > a.sent ? Math.max(0, Math.min(1, (endT - a.sent) / (a.due - a.sent))) : 1;
    const x1 = xOf(a.sent), xd = xOf(a.due);
    return { a, x1, y1: A.y, x2: x1 + (xd - x1) * p, y2: A.y + (B.y - A.y) * p };
  }

  function arrowAt(clientX, clientY) {
    const b = plot.getBoundingClientRect();
    const x = clientX - b.left, y = clientY - b.top;
    let best = null;
    let bd = REACH_PX * REACH_PX;
    for (const a of placed) {
      const p = segOf(a);
      if (!p) continue;
      const dx = p.x2 - p.x1, dy = p.y2 - p.y1;
      const len2 = dx * dx + dy * dy;
      const u = len2 > 0 ? Math.max(0, Math.min(1, ((x - p.x1) * dx + (y - p.y1) * dy) / len2)) : 0;
      const ex = p.x1 + u * dx - x, ey = p.y1 + u * dy - y;
      const d = ex * ex + ey * ey;
      if (d <= bd) { bd = d; best = p; }
    }
    return best;
  }

  function screenPoint(p) {
    const b = plot.getBoundingClientRect();
    return { x: b.left + (p.x1 + p.x2) / 2, y: b.top + (p.y1 + p.y2) / 2 };
  }

  const hover = createHover(plot, {
    pick: arrowAt,
    idOf: (p) => p.a.id,
    onChange(p, ev) {
      cacheStale = true; // lit arrows are drawn with the fetched ones
      draw();
      handlers.onHover?.(p ? p.a : null, p ? screenPoint(p) : null, ev);
    },
  });
  // A click anywhere on the time axis moves the timeline there. A finger cannot hover: a
  // tap on an arrow reads it (its tip, as pointing does), a tap elsewhere moves the timeline.
  plot.addEventListener('click', (ev) => {
    if (ev.pointerType === 'touch') {
      const p = arrowAt(ev.clientX, ev.clientY);
      hover.set(p, ev);
      if (p) return;
    }
    const b = plot.getBoundingClientRect();
    const x = ev.clientX - b.left;
    if (x < GUTTER || !(W > GUTTER)) return;
    const t = t0 + ((x - GUTTER) / axisW()) * (t1 - t0);
    handlers.onSeek?.(Math.max(0, Math.round(t)));
  });

  function keyMove(step) {
    const list = placed.map(segOf).filter(Boolean);
    if (list.length === 0) {
      keyed = null;
      live.textContent = 'No arrow in the window.';
      handlers.onKeyArrow?.(null, null);
      cacheStale = true;
      draw();
      return;
    }
    let i = list.findIndex((p) => p.a.id === keyed);
    i = i < 0 ? (step > 0 ? 0 : list.length - 1) : (i + step + list.length) % list.length;
    const p = list[i];
    keyed = p.a.id;
    cacheStale = true;
    draw();
    live.textContent = `Arrow ${i + 1} of ${list.length}: ${p.a.kind} ${p.a.from} → ${p.a.to}, term ${p.a.term}, ${describeArrow(p.a)}${p.a.why ? `; why: ${p.a.why}` : ''}`;
    handlers.onKeyArrow?.(p.a, screenPoint(p));
  }
  keyWalk(chip, {
    move: keyMove,
    act: (ev) => {
      if (ev.key !== 'Enter' || keyed === null) return false;
      const a = placed.find((q) => q.id === keyed);
      if (a) handlers.onSeek?.(a.sent);
      return true;
    },
    end: () => {
      keyed = null;
      cacheStale = true;
      draw();
      handlers.onKeyArrow?.(null, null);
    },
    hold: (on) => handlers.onChipFocus?.(on),
  });

  win.addEventListener('change', () => {
    span = Number(win.value) * 1e6;
    cacheStale = true;
    fetchedAt = -1e9;
    if (last) update(last, { fresh: true });
    handlers.onWindow?.(Number(win.value));
  });
  svgBtn.addEventListener('click', () => handlers.exportSvg?.());
  mmdBtn.addEventListener('click', () => handlers.exportMermaid?.());

  /** The screen readers' account of the window, and the chip's count (panels' pace). */
  function describe(f) {
    if (!shown || !f) return;
    const [a] = windowOf(f.now);
    const counts = new Map();
    // (Running, `placed` may still hold arrows the window has slid past: see shown().)
    const inWindow = placed.filter((x) => sentIn(x, a, f.now));
    for (const x of inWindow) counts.set(x.kind, (counts.get(x.kind) || 0) + 1);
    const kinds = [...counts].sort((p, q) => q[1] - p[1]).slice(0, 4).map(([k, c]) => `${c} ${k}`).join(', ');
    // The leader's own term, as the status shows it (status.js termOf).
    const t = termOf(f);
    const lead = t.ofLeader ? `leader ${f.leader}, term ${t.term}` : `no leader, highest term ${t.term}`;
    const text = `${fmt(a)}–${fmt(f.now)} s · ${inWindow.length} messages${kinds ? ` (${kinds})` : ''} · ${lead}`;
    if (summary.textContent !== text) summary.textContent = text;
    const c = `${inWindow.length} arrows`;
    if (chipText.textContent !== c) chipText.textContent = c;
  }

  return {
    update,
    describe,
    reset() { reset(); draw(); },
    /** Sizes the canvas to the plot (CSS px); called on resize. */
    resize(w, h) {
      if (!(w > 0) || !(h > 0)) return;
      dpr = Math.min(3, window.devicePixelRatio || 1);
      W = w;
      H = h;
      cacheStale = true;
      draw();
    },
    /** The plot's height for `n` lanes (CSS px): what the host gives it. */
    heightFor(n) {
      const full = Math.min(n, FULL_LANES);
      return AXIS + 8 + full * (n <= 5 ? 56 : n <= 9 ? 40 : 34) + (n - full) * THIN;
    },
    setShown(b) {
      shown = b;
      if (b) { fetchedAt = -1e9; if (last) update(last, { fresh: true }); } else reset();
    },
    setSelected(id) { selected = id; cacheStale = true; draw(); },
    /** Lights the arrows of these message ids (from the cluster or the event log). */
    setLinked(ids) {
      if (ids.length === 0 && linked.size === 0) return;
      linked = new Set(ids);
      cacheStale = true;
      draw();
    },
    /** The arrows an event-log line tells of. */
    arrowsOfLine(l) { return arrows.filter((a) => lineTellsOf(a, l)); },
    arrow: (id) => arrows.find((a) => a.id === id) ?? null,
    refreshPalette() { pal = null; cacheStale = true; draw(); },
    /** Marks moment `t` (µs) with `label` (null: no mark), e.g. where two runs part. */
    setMark(t, label) {
      mark = t === null ? null : { t, label };
      cacheStale = true;
      draw();
    },
    clearHover() { hover.clear(); cacheStale = true; draw(); },
    /** The window shown and the ids of the arrows drawn (a test hook). */
    shown() {
      const b = plot.getBoundingClientRect();
      // The arrows in the window now: `placed` is made again at each fetch, and while the
      // window slides between two it still holds those sent before the window's start.
      const segs = placed.map(segOf).filter(Boolean);
      return {
        from: t0, to: t1, now: last?.now ?? 0, ids: segs.map((p) => p.a.id), lit: [...linked], mark,
        // Where things are on screen (client px): the time axis's ends, each arrow drawn.
        left: b.left + xOf(t0), right: b.left + xOf(t1), top: b.top, bottom: b.bottom,
        arrows: segs.map((p) => ({ id: p.a.id, kind: p.a.kind, x1: b.left + p.x1, y1: b.top + p.y1, x2: b.left + p.x2, y2: b.top + p.y2 })),
      };
    },
    /** The window up to now, [from, to) in µs: what the exports draw. */
    window: () => {
      const now = last?.now ?? 0;
      return [windowOf(now)[0], now + 1];
    },
    get seconds() { return span / 1e6; },
    set seconds(s) {
      if (span === s * 1e6) return;
      span = s * 1e6;
      win.value = String(s);
      fetchedAt = -1e9;
      cacheStale = true;
      if (last && shown) update(last, { fresh: true });
    },
    plot,
  };
}
