// Everything the page draws from a frame (web/src/view.rs `Frame`): the cluster SVG, the
// log strips, the event log pane and the metrics charts. Four views, one section each.
//
// They share one rule (RaftScope's, and d3's keyed joins): the DOM is built once and then
// updated by stable keys (node id, message id, log index). An element is created when
// its key appears, its attributes are written only when their value changed (each
// element caches what it last wrote), and it is removed when its key goes away. Nothing
// here reads layout, so a frame never forces the browser to lay out the page twice.
//
// (They live in one file rather than four to keep the page at a handful of requests.)

const SVGNS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, parent) {
  const el = document.createElementNS(SVGNS, tag);
  for (const k in attrs) el.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(el);
  return el;
}

function htmlEl(tag, cls, parent, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
}

// Writes an attribute only when it changed: DOM writes, not the comparisons, cost frames.
function setAttr(el, cache, key, value) {
  if (cache[key] !== value) {
    cache[key] = value;
    el.setAttribute(key, value);
  }
}

function setText(el, cache, key, value) {
  if (cache[key] !== value) {
    cache[key] = value;
    el.textContent = value;
  }
}

// Texts that change while the cluster runs (the status bar, the timeline's time, the
// metric values) sit in boxes of fixed size (CSS class `live`: contain: strict), so a new
// text is laid out inside its box and nowhere else: without that, every change of a
// number would lay out the page around it. The box is as wide as its text, measured on a
// canvas (no layout read); it grows with the text, and shrinks only when the text is
// clearly shorter, so a number ticking over resizes nothing.
let measureCtx = null;
export function liveText(el, cache, text) {
  if (cache.text === text) return;
  cache.text = text;
  el.textContent = text;
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  if (!cache.font) {
    const cs = getComputedStyle(el);
    cache.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  }
  measureCtx.font = cache.font;
  const w = Math.ceil(measureCtx.measureText(text).width) + 2;
  if (!(w <= cache.w && w > cache.w - 12)) {
    cache.w = w;
    el.style.width = `${w}px`;
  }
}

// ---------------------------------------------------------------------------------------
// Reading settings a reader or an author wrote (URL parameters, element attributes)
// ---------------------------------------------------------------------------------------

const U64_MAX = (1n << 64n) - 1n;

/** A seed the core accepts: decimal up to 2^64-1, or 0x and up to 16 hex digits. */
export function validSeed(s) {
  const t = s.trim();
  try {
    if (/^0x[0-9a-f]{1,16}$/i.test(t)) return true;
    return /^\d{1,20}$/.test(t) && BigInt(t) <= U64_MAX;
  } catch {
    return false;
  }
}

/** on/1/true/yes is true, off/0/false/no is false, anything else null. An empty value
 *  (a bare HTML attribute) counts as `empty`. */
export function parseOnOff(v, { empty = null } = {}) {
  const t = v.trim().toLowerCase();
  if (t === '') return empty;
  if (['1', 'on', 'true', 'yes'].includes(t)) return true;
  if (['0', 'off', 'false', 'no'].includes(t)) return false;
  return null;
}

/** Seconds with millisecond precision, from simulated microseconds. */
export function fmtSeconds(us) {
  return (us / 1e6).toFixed(3);
}

// ---------------------------------------------------------------------------------------
// The cluster: nodes on a circle, messages moving along the edges.
// ---------------------------------------------------------------------------------------

const VIEW = 600;
const CENTER = VIEW / 2;

// Role shapes, centred on (x, y) in absolute coordinates: a node's elements carry no
// transform, so the whole cluster paints as one chunk (fewer for the browser to layer).
function circlePath(r, x, y) {
  return `M${x},${y - r}A${r},${r} 0 1 1 ${x},${y + r}A${r},${r} 0 1 1 ${x},${y - r}Z`;
}
function hexPath(r, x, y) {
  const a = r * 1.08, b = a * 0.866, c = a / 2;
  return `M${x},${y - a}L${x + b},${y - c}L${x + b},${y + c}L${x},${y + a}L${x - b},${y + c}L${x - b},${y - c}Z`;
}
function squarePath(r, x, y) {
  const a = r * 0.9, q = r * 0.35;
  const L = x - a, R = x + a, T = y - a, B = y + a;
  return `M${L},${T + q}Q${L},${T} ${L + q},${T}L${R - q},${T}Q${R},${T} ${R},${T + q}` +
    `L${R},${B - q}Q${R},${B} ${R - q},${B}L${L + q},${B}Q${L},${B} ${L},${B - q}Z`;
}

// Message looks: a kind class (colour) and a shape. Heartbeats and empty appends are
// small; appends with entries are boxes; votes are discs; a snapshot is a big square.
function messageLook(m) {
  switch (m.kind) {
    case 'MsgPreVote': return { cls: 'k-prevote', shape: 'circle', size: 5 };
    case 'MsgPreVoteResp': return { cls: 'k-prevote resp', shape: 'circle', size: 5, mark: true };
    case 'MsgVote': return { cls: 'k-vote', shape: 'circle', size: 6 };
    case 'MsgVoteResp': return { cls: 'k-vote resp', shape: 'circle', size: 5, mark: true };
    case 'MsgApp':
      return m.entries > 0
        ? { cls: 'k-app', shape: 'box', size: 5 + Math.min(m.entries, 6) }
        : { cls: 'k-app empty', shape: 'circle', size: 3.5 };
    case 'MsgAppResp': return { cls: 'k-app resp', shape: 'box', size: 5, mark: true };
    case 'MsgHeartbeat': return { cls: 'k-heartbeat', shape: 'circle', size: 3.5 };
    case 'MsgHeartbeatResp': return { cls: 'k-heartbeat resp', shape: 'circle', size: 3 };
    case 'MsgSnap': return { cls: 'k-snap', shape: 'square', size: 8 };
    case 'MsgTimeoutNow': return { cls: 'k-timeoutnow', shape: 'triangle', size: 7 };
    case 'MsgProp': return { cls: 'k-prop', shape: 'diamond', size: 7 };
    default: return { cls: 'k-other', shape: 'circle', size: 4 };
  }
}

/**
 * A message is drawn as one shape (and, for a reply, a mark beside it in the tree) in the
 * SVG's own coordinates: moving it rewrites the geometry of one or two elements and
 * nothing else (no group, no transform, no opacity: the page's paint property tree and
 * its layering do not change as messages come, go and move).
 * Each part: { el, place(x, y) }.
 */
function shapePart(look, s, attrs, parent) {
  const z = look.size * s;
  const el = (tag) => svgEl(tag, attrs, parent);
  switch (look.shape) {
    case 'box':
    case 'square': {
      const w = look.shape === 'box' ? z * 1.5 : 2 * z;
      const h = look.shape === 'box' ? z : 2 * z;
      const r = el('rect');
      r.setAttribute('width', w);
      r.setAttribute('height', h);
      if (look.shape === 'box') r.setAttribute('rx', 1.5);
      return { el: r, place(x, y) { r.setAttribute('x', x - w / 2); r.setAttribute('y', y - h / 2); } };
    }
    case 'triangle': {
      const p = el('path');
      return { el: p, place(x, y) { p.setAttribute('d', `M${x},${y - z}L${x + z},${y + z * 0.8}L${x - z},${y + z * 0.8}Z`); } };
    }
    case 'diamond': {
      const p = el('path');
      return { el: p, place(x, y) { p.setAttribute('d', `M${x},${y - z}L${x + z},${y}L${x},${y + z}L${x - z},${y}Z`); } };
    }
    default: {
      const c = el('circle');
      c.setAttribute('r', z);
      return { el: c, place(x, y) { c.setAttribute('cx', x); c.setAttribute('cy', y); } };
    }
  }
}

function markPart(reject, k, parent) {
  const p = svgEl('path', { class: reject ? 'mark no' : 'mark ok', 'aria-hidden': 'true' }, parent);
  const d = reject
    ? (x, y) => `M${x - k},${y - k}L${x + k},${y + k}M${x + k},${y - k}L${x - k},${y + k}`
    : (x, y) => `M${x - k},${y}L${x - k * 0.25},${y + k}L${x + k * 1.1},${y - k}`;
  return { el: p, place(x, y) { p.setAttribute('d', d(x, y)); } };
}

/** A message's shape (and a rejected reply's cross) as path data at (x, y), for drawing a
 *  large cluster's messages together, one path per look. */
function shapeData(look, s, x, y) {
  const z = look.size * s;
  switch (look.shape) {
    case 'box':
    case 'square': {
      const w = look.shape === 'box' ? z * 1.5 : 2 * z;
      const h = look.shape === 'box' ? z : 2 * z;
      return `M${x - w / 2},${y - h / 2}h${w}v${h}h${-w}z`;
    }
    case 'triangle': return `M${x},${y - z}L${x + z},${y + z * 0.8}L${x - z},${y + z * 0.8}Z`;
    case 'diamond': return `M${x},${y - z}L${x + z},${y}L${x},${y + z}L${x - z},${y}Z`;
    default: return `M${x - z},${y}a${z},${z} 0 1 0 ${2 * z},0a${z},${z} 0 1 0 ${-2 * z},0`;
  }
}

function crossData(k, x, y) {
  return `M${x - k},${y - k}L${x + k},${y + k}M${x + k},${y - k}L${x - k},${y + k}`;
}

const ROLE_WORD = {
  follower: 'follower', 'pre-candidate': 'pre-candidate', candidate: 'candidate',
  leader: 'leader', crashed: 'crashed',
};

/**
 * The cluster view.
 * handlers: onNode(id, element, event), onMessage(id), onTip(text|null, element, event)
 */
export function createClusterView(svg, handlers) {
  const gEdges = svg.querySelector('.edges');
  const gNodes = svg.querySelector('.nodes');
  const gMsgs = svg.querySelector('.msgs');
  // What changes on every draw (the timer rings, the messages) lies in groups of its own,
  // each a layer of its own (style.css): a draw repaints and re-rasterizes those, not the
  // nodes' shapes and labels under them.
  let gRings = svg.querySelector('.rings');
  if (!gRings) {
    gRings = document.createElementNS(SVGNS, 'g');
    gRings.setAttribute('class', 'rings');
    gRings.setAttribute('aria-hidden', 'true');
    svg.insertBefore(gRings, gMsgs);
  }
  let count = 0;
  let r = 36;          // node radius in viewBox units
  let msgScale = 1;
  let dense = false;   // true when per-node text would not fit
  let xs = [], ys = []; // node centres, by id
  let nodes = [];      // by id: { g, shape, ring, id, info, votes, c: cache }
  let edges = [];      // { a, b, el, c }
  const msgs = new Map(); // message id -> { el, parts, x, y, m, key, stamp }
  let tipped = null;      // the message under the pointer
  let stamp = 0;
  let staticMessages = false; // prefers-reduced-motion: messages sit mid-edge
  let selected = 0;

  function layout(n) {
    count = n;
    gEdges.replaceChildren();
    gNodes.replaceChildren();
    gRings.replaceChildren();
    gMsgs.replaceChildren();
    msgs.clear();
    spare.clear();
    released = [];
    msgGroups.clear();
    nodes = [];
    edges = [];
    lastPartitionKey = '';
    xs = new Float64Array(n + 1);
    ys = new Float64Array(n + 1);
    const R = n <= 9 ? 210 : 250;
    const chord = n > 1 ? 2 * R * Math.sin(Math.PI / n) : VIEW;
    r = n === 1 ? 44 : Math.max(9, Math.min(n <= 5 ? 40 : 36, chord * 0.3));
    dense = r < 22;
    msgScale = dense ? 0.7 : 1;
    svg.classList.toggle('dense', dense);
    svg.classList.toggle('huge', n > 25);
    for (let id = 1; id <= n; id++) {
      const a = -Math.PI / 2 + (2 * Math.PI * (id - 1)) / n;
      xs[id] = n === 1 ? CENTER : CENTER + R * Math.cos(a);
      ys[id] = n === 1 ? CENTER : CENTER + R * Math.sin(a);
    }
    // Faint edges show where messages travel; at large sizes they would be a hairball.
    if (n <= 12) {
      for (let a = 1; a <= n; a++) {
        for (let b = a + 1; b <= n; b++) {
          const el = svgEl('line', { class: 'edge', x1: xs[a].toFixed(1), y1: ys[a].toFixed(1), x2: xs[b].toFixed(1), y2: ys[b].toFixed(1) }, gEdges);
          edges.push({ a, b, el, c: {} });
        }
      }
    }
    const ringR = r + (dense ? 3 : 7);
    const hitR = Math.max(r + 4, Math.min(r + 16, chord / 2));
    const f1 = (v) => Math.round(v * 10) / 10;
    for (let id = 1; id <= n; id++) {
      const X = f1(xs[id]), Y = f1(ys[id]);
      const g = svgEl('g', {
        class: 'node', 'data-id': id, 'data-role': 'follower', 'data-term': 0,
        tabindex: 0, role: 'button', 'aria-haspopup': 'menu',
      }, gNodes);
      svgEl('circle', { class: 'hit', cx: X, cy: Y, r: f1(hitR) }, g);
      svgEl('circle', { class: 'halo', cx: X, cy: Y, r: f1(ringR + (dense ? 3 : 6)) }, g);
      svgEl('circle', { class: 'ring-track', cx: X, cy: Y, r: ringR }, g);
      // The ring is a path that starts at the top and runs clockwise: its dash shows what
      // is left of the timer, with no rotate() transform.
      const ring = svgEl('path', { class: 'ring', 'data-role': 'follower', d: circlePath(ringR, X, Y), pathLength: 100, 'stroke-dasharray': '100 100' }, gRings);
      const shape = svgEl('path', { class: 'shape', d: circlePath(r, X, Y) }, g);
      const k = r * 0.45;
      svgEl('path', { class: 'cross', d: `M${f1(X - k)},${f1(Y - k)}L${f1(X + k)},${f1(Y + k)}M${f1(X + k)},${f1(Y - k)}L${f1(X - k)},${f1(Y + k)}` }, g);
      const idText = svgEl('text', { class: 'nid', x: X, y: Y, dy: '0.35em', 'font-size': Math.round(r * (dense ? 0.95 : 0.62)) }, g);
      idText.textContent = String(id);
      // Below the node: term and vote; above it: votes received or a transfer.
      const info = svgEl('text', { class: 'ninfo', x: X, y: f1(Y + ringR + 16) }, g);
      const votes = svgEl('text', { class: 'nvotes', x: X, y: f1(Y - ringR - 8) }, g);
      nodes[id] = { g, shape, ring, info, votes, c: {}, role: '', X, Y };
    }
    setSelected(selected);
  }

  function setSelected(id) {
    selected = id;
    for (let i = 1; i <= count; i++) nodes[i].g.classList.toggle('selected', i === id);
  }

  function groupOf(partition) {
    if (!partition || partition.length === 0) return null;
    const g = new Array(count + 1).fill('');
    partition.forEach((grp, k) => { for (const id of grp) if (id <= count) g[id] = 'abcdefgh'[k % 8]; });
    return g;
  }

  let lastPartitionKey = '';
  let groups = null;
  let groupsChanged = false;

  function updateNodes(f) {
    const now = f.now;
    const tickUs = f.tickUs || 10000;
    for (let i = 0; i < f.nodes.length; i++) {
      const v = f.nodes[i];
      const el = nodes[v.id];
      if (!el) continue;
      const c = el.c;
      if (el.role !== v.role) {
        el.role = v.role;
        el.g.setAttribute('data-role', v.role);
        el.ring.setAttribute('data-role', v.role);
        const shapeOf = v.role === 'leader' ? squarePath : v.role === 'candidate' ? hexPath : circlePath;
        el.shape.setAttribute('d', shapeOf(r, el.X, el.Y));
      }
      setAttr(el.g, c, 'data-term', v.term);
      // The timer ring: what is left of the election timeout (a leader: of its heartbeat
      // interval), interpolated between ticks so it drains smoothly.
      let left = 0;
      if (v.up) {
        const frac = Math.min(1, Math.max(0, 1 - (v.nextTick - now) / tickUs));
        if (v.role === 'leader') {
          const hb = v.heartbeatTick || 1;
          left = 1 - Math.min(hb, v.heartbeatElapsed + frac) / hb;
        } else {
          const to = v.electionTimeout || 1;
          left = 1 - Math.min(to, v.electionElapsed + frac) / to;
        }
      }
      const dash = Math.round(left * 100); // whole-percent steps: fewer writes
      if (c.dash !== dash) {
        c.dash = dash;
        el.ring.setAttribute('stroke-dasharray', `${dash} 100`);
      }
      // Texts change only with role, term, vote, leader or votes: compare numbers first,
      // build strings only then.
      const nv = v.votes.length;
      if (c.term === v.term && c.vote === v.vote && c.lead === v.lead && c.up === v.up &&
          c.rl === v.role && c.nv === nv && c.tr === v.transferee) continue;
      c.term = v.term; c.vote = v.vote; c.lead = v.lead; c.up = v.up; c.rl = v.role; c.nv = nv; c.tr = v.transferee;
      if (!dense) {
        const info = v.up
          ? `term ${v.term}${v.vote ? ` · voted ${v.vote}` : ''}`
          : `term ${v.term} · down`;
        setText(el.info, c, 'info', info);
        let above = '';
        if (v.role === 'candidate' || v.role === 'pre-candidate') {
          let yes = 0, no = 0;
          for (const [, g] of v.votes) g ? yes++ : no++;
          above = `votes ✓${yes}${no ? ` ✗${no}` : ''} of ${Math.floor(count / 2) + 1}`;
        } else if (v.transferee) {
          above = `transfer → ${v.transferee}`;
        } else if (v.role === 'leader') {
          above = 'leader';
        }
        setText(el.votes, c, 'above', above);
      }
      const label = `Node ${v.id}: ${ROLE_WORD[v.role] || v.role}, term ${v.term}` +
        (v.vote ? `, voted for ${v.vote}` : '') + (v.lead && v.role !== 'leader' ? `, leader ${v.lead}` : '');
      setAttr(el.g, c, 'aria-label', label);
    }
    if (groupsChanged) {
      groupsChanged = false;
      for (let id = 1; id <= count; id++) {
        const grp = groups ? groups[id] : '';
        if (grp) nodes[id].g.setAttribute('data-group', grp); else nodes[id].g.removeAttribute('data-group');
      }
    }
  }

  function updateEdges(f) {
    const key = f.partition.length ? JSON.stringify(f.partition) : "";
    if (key === lastPartitionKey) return;
    lastPartitionKey = key;
    groups = groupOf(f.partition);
    groupsChanged = true;
    for (const e of edges) {
      const cut = groups !== null && groups[e.a] !== groups[e.b];
      if (e.c.cut !== cut) {
        e.c.cut = cut;
        e.el.classList.toggle('cut', cut);
      }
    }
  }

  // A message is one element with a class and a kind (and a reply's mark, a sibling drawn
  // over it). Its hit area is not an element: messages are small and move, so a press or
  // a hover is matched to the nearest message by distance (see messageAt).
  //
  // Elements of delivered messages wait here, hidden, to draw later messages of the same
  // look: towards 1x nearly every message lives for one draw, and reusing an element
  // (moving it, showing it) costs the browser far less than building and dropping one.
  const spare = new Map(); // look key -> [entry]
  const SPARE_PER_LOOK = 48;

  function isMarked(m, look) {
    return look.mark && (m.reject || (!dense && m.kind !== 'MsgHeartbeatResp'));
  }

  function lookKey(m, look) {
    const marked = isMarked(m, look);
    return `${m.kind}|${look.cls}|${look.size}|${marked ? (m.reject ? 'no' : 'ok') : ''}|${m.lost ? 1 : 0}|${m.duplicate ? 1 : 0}`;
  }

  // A message gone since the last draw gives its element back (still shown); a new one
  // takes an element of its look, the ones given back in this draw first, so that most
  // elements just move on to their next message; only those left over are hidden.
  let released = [];

  function releaseMessage(e) {
    const list = spare.get(e.key);
    if (!list || list.length >= SPARE_PER_LOOK) {
      for (const p of e.parts) p.el.remove();
      if (!list) spare.set(e.key, []);
      return;
    }
    e.el.removeAttribute('data-id');
    if (e.el.hasAttribute('aria-label')) e.el.removeAttribute('aria-label');
    e.free = true;
    list.push(e);
    released.push(e);
  }

  /** Hides the elements given back in this draw and not taken again. */
  function hideReleased() {
    for (const e of released) {
      if (!e.free || e.hidden) continue;
      // Hidden, it is neither drawn nor focusable; without its data-id it is no message as
      // far as selectors go.
      e.hidden = true;
      for (const p of e.parts) p.el.setAttribute('visibility', 'hidden');
    }
    released = [];
  }

  function showMessage(m, x, y) {
    const look = messageLook(m);
    const key = lookKey(m, look);
    const e = spare.get(key)?.pop();
    if (!e) return createMessage(m, look, key, x, y);
    e.free = false;
    e.el.setAttribute('data-id', m.id);
    if (e.hidden) {
      e.hidden = false;
      for (const p of e.parts) p.el.removeAttribute('visibility');
    }
    e.m = null;
    moveMessage(e, x, y);
    return e;
  }

  function createMessage(m, look, key, x, y) {
    const cls = `msg m-shape ${look.cls}${m.lost ? ' lost' : ''}${m.duplicate ? ' dup' : ''}`;
    // Its accessible name is written when it gets focus (most messages never do).
    const attrs = { class: cls, 'data-id': m.id, 'data-kind': m.kind, tabindex: 0, role: 'button' };
    // Built detached and inserted once: one insertion for the browser to process.
    const frag = document.createDocumentFragment();
    const parts = [shapePart(look, msgScale, attrs, frag)];
    if (isMarked(m, look)) {
      const mark = markPart(m.reject, 2.6 * msgScale, frag);
      if (m.lost) mark.el.classList.add('lost');
      parts.push(mark);
    }
    const e = { el: parts[0].el, parts, x: NaN, y: NaN, m, key, stamp: 0, free: false, hidden: false };
    moveMessage(e, x, y);
    gMsgs.appendChild(frag);
    return e;
  }

  function moveMessage(e, x, y) {
    e.x = x;
    e.y = y;
    for (const p of e.parts) p.place(x, y);
  }

  /** The message nearest to a point on screen, within reach of a finger (or null). */
  function messageAt(clientX, clientY) {
    if (msgs.size === 0) return null;
    const ctm = svg.getScreenCTM();
    if (!ctm) return null;
    const inv = ctm.inverse();
    const x = inv.a * clientX + inv.c * clientY + inv.e;
    const y = inv.b * clientX + inv.d * clientY + inv.f;
    // 12 units around a message in a small cluster (about a fingertip at the usual size);
    // a large cluster's messages are too many and too small to aim at from afar.
    const reach = dense ? 6 : 12;
    let best = null;
    let bd = reach * reach;
    for (const e of msgs.values()) {
      const d = (e.x - x) * (e.x - x) + (e.y - y) * (e.y - y);
      if (d <= bd) {
        bd = d;
        best = e;
      }
    }
    return best;
  }

  /** Where message `m` is at time `now`: on its edge, `off` units to its side (requests
   *  and replies on one edge travel side by side), between the two nodes' rims. */
  function messagePoint(m, now, off) {
    const x1 = xs[m.from], y1 = ys[m.from], x2 = xs[m.to], y2 = ys[m.to];
    const dx = x2 - x1, dy = y2 - y1;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len, uy = dy / len;
    const span = m.deliver - m.sent;
    let p = staticMessages ? 0.5 : span > 0 ? (now - m.sent) / span : 1;
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    const inset = r + 2;
    const travel = Math.max(0, len - 2 * inset);
    const side = m.from < m.to ? off : -off;
    // Whole units: sub-pixel steps would repaint without visibly moving anything.
    return [Math.round(x1 + ux * (inset + travel * p) - uy * side), Math.round(y1 + uy * (inset + travel * p) + ux * side)];
  }

  function updateMessages(f) {
    stamp++;
    const now = f.now;
    const off = 5;
    // Messages gone since the last draw first: their elements serve the new ones.
    for (let i = 0; i < f.messages.length; i++) {
      const e = msgs.get(f.messages[i].id);
      if (e) e.stamp = stamp;
    }
    for (const [id, e] of msgs) {
      if (e.stamp !== stamp) {
        if (e === tipped) tipped = null;
        releaseMessage(e);
        msgs.delete(id);
        handlers.onMessageGone?.(id);
      }
    }
    for (let i = 0; i < f.messages.length; i++) {
      const m = f.messages[i];
      if (m.from > count || m.to > count) continue;
      const [x, y] = messagePoint(m, now, off);
      let e = msgs.get(m.id);
      if (!e) {
        e = showMessage(m, x, y);
        msgs.set(m.id, e);
      } else if (e.x !== x || e.y !== y) {
        moveMessage(e, x, y);
      }
      e.stamp = stamp;
      // A light frame carries no message texts: keep the last one seen (for the tip).
      if (!m.text && e.m && e.m.text) m.text = e.m.text;
      e.m = m;
    }
    hideReleased();
  }

  // A large cluster has hundreds of messages in flight, each for a few tens of
  // milliseconds: they are drawn together, one path per look (kind, reply, lost,
  // duplicate), so a draw rewrites a dozen elements, not hundreds. They are still tracked
  // one by one (msgs: positions and contents) for the tooltip and for dropping one.
  const msgGroups = new Map(); // look key -> { el, mark, d, md }

  function updateMessageGroups(f) {
    stamp++;
    const now = f.now;
    const paths = new Map(); // look key -> [d parts, mark parts]
    for (let i = 0; i < f.messages.length; i++) {
      const m = f.messages[i];
      if (m.from > count || m.to > count) continue;
      const [x, y] = messagePoint(m, now, 2);
      const look = messageLook(m);
      const key = lookKey(m, look);
      let g = paths.get(key);
      if (!g) {
        g = { look, m, d: [], md: [] };
        paths.set(key, g);
      }
      g.d.push(shapeData(look, msgScale, x, y));
      if (m.reject) g.md.push(crossData(2.6 * msgScale, x, y));
      let e = msgs.get(m.id);
      if (!e) {
        e = { x, y, m, stamp };
        msgs.set(m.id, e);
      }
      e.x = x;
      e.y = y;
      e.stamp = stamp;
      if (!m.text && e.m && e.m.text) m.text = e.m.text;
      e.m = m;
    }
    for (const [id, e] of msgs) {
      if (e.stamp !== stamp) {
        if (e === tipped) tipped = null;
        msgs.delete(id);
        handlers.onMessageGone?.(id);
      }
    }
    for (const [key, g] of paths) {
      let el = msgGroups.get(key);
      if (!el) {
        const m = g.m;
        const shape = svgEl('path', { class: `msg-group m-shape ${g.look.cls}${m.lost ? ' lost' : ''}${m.duplicate ? ' dup' : ''}`, 'data-kind': m.kind, 'aria-hidden': 'true' }, gMsgs);
        const mark = svgEl('path', { class: `mark no${m.lost ? ' lost' : ''}`, 'aria-hidden': 'true' }, gMsgs);
        el = { el: shape, mark, d: '', md: '' };
        msgGroups.set(key, el);
      }
      const d = g.d.join('');
      const md = g.md.join('');
      if (el.d !== d) { el.d = d; el.el.setAttribute('d', d); }
      if (el.md !== md) { el.md = md; el.mark.setAttribute('d', md); }
    }
    for (const [key, el] of msgGroups) {
      if (!paths.has(key) && el.d !== '') {
        el.d = el.md = '';
        el.el.setAttribute('d', '');
        el.mark.setAttribute('d', '');
      }
    }
  }

  function update(f) {
    if (f.nodes.length !== count) layout(f.nodes.length);
    updateEdges(f);
    updateNodes(f);
    if (dense) updateMessageGroups(f);
    else updateMessages(f);
  }

  function message(id) {
    const e = msgs.get(id);
    return e ? e.m : null;
  }

  // One set of listeners for the whole SVG (event delegation): nothing to rebind when
  // nodes or messages come and go.
  svg.addEventListener('pointerdown', (ev) => {
    // Messages move: a click (down and up on the same element) could miss, so a press drops.
    if (ev.button !== 0) return;
    const e = messageAt(ev.clientX, ev.clientY);
    if (e) {
      ev.preventDefault();
      tipped = null;
      handlers.onMessage(e.m.id);
    }
  });
  svg.addEventListener('click', (ev) => {
    const ng = ev.target.closest?.('.node');
    if (ng) handlers.onNode(Number(ng.getAttribute('data-id')), ng, ev);
  });
  svg.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    const t = ev.target;
    if (t.classList?.contains('node')) {
      ev.preventDefault();
      ev.stopPropagation();
      handlers.onNode(Number(t.getAttribute('data-id')), t, ev);
    } else if (t.classList?.contains('msg')) {
      ev.preventDefault();
      ev.stopPropagation();
      handlers.onMessage(Number(t.getAttribute('data-id')));
    }
  });
  function tip(e, ev) {
    const m = e.m;
    // (A large cluster's messages have no element each: the tip is placed at the pointer.)
    if (e.el && !e.el.hasAttribute('aria-label')) {
      e.el.setAttribute('aria-label', `${m.kind} from ${m.from} to ${m.to}, term ${m.term}${m.text ? `: ${m.text}` : ''}${m.lost ? ' (will be lost)' : ''}. Activate to drop it.`);
    }
    handlers.onTip(m, e.el || svg, ev);
  }
  // Hover: the message nearest the pointer (looked up when the pointer moves, not when
  // messages do). Focus: the focused message.
  svg.addEventListener('pointermove', (ev) => {
    if (ev.pointerType === 'touch') return;
    const e = messageAt(ev.clientX, ev.clientY);
    if (e === tipped) return;
    tipped = e;
    svg.classList.toggle('over-msg', !!e);
    if (e) tip(e, ev);
    else handlers.onTip(null);
  });
  svg.addEventListener('pointerleave', () => {
    if (tipped) handlers.onTip(null);
    tipped = null;
    svg.classList.remove('over-msg');
  });
  svg.addEventListener('focusin', (ev) => {
    const e = ev.target.classList?.contains('msg') && msgs.get(Number(ev.target.getAttribute('data-id')));
    if (e) tip(e, ev);
  });
  svg.addEventListener('focusout', (ev) => {
    if (ev.target.classList?.contains('msg')) handlers.onTip(null);
  });

  /** Marks the nodes a safety violation names (none: clears the marks). */
  function setViolation(ids) {
    for (let i = 1; i <= count; i++) nodes[i].g.classList.toggle('violating', ids.includes(i));
  }

  return {
    layout,
    update,
    setSelected,
    setViolation,
    message,
    setStaticMessages(b) { staticMessages = b; },
    nodeElement: (id) => nodes[id]?.g,
  };
}

// ---------------------------------------------------------------------------------------
// Log strips: each node's log tail, aligned by index, coloured by term.
// ---------------------------------------------------------------------------------------

const STRIP_COLS = 30; // the frame carries each node's newest 30 entries (view.rs LOG_TAIL)
const TERM_COLOURS = 8;
// Indices are placed relative to a base (a multiple of this), so offsets stay small
// however long the run: the base moves, and everything is placed anew, once in a while.
const STRIP_BASE_STEP = 10000;

/**
 * The strips scroll: the newest index sits in the last column, and a new entry moves the
 * window on by one. Each row's entries lie on a track in index order, each at its index's
 * place (after a leading pad); the window moves by translating the track, so existing
 * entries never move on it and are not redrawn. An entry leaving on the left is reused
 * for the next one arriving on the right: while the cluster runs, no element is created
 * or removed, and an update writes only the entries that changed.
 */
export function createLogStrips(container, { onSelect, onReveal }) {
  let rows = []; // by id
  let count = 0;
  let lo = 1;
  let base = 0;
  let ruler = null;
  let selected = 0;
  // A large cluster's strips scroll inside their box: only the rows in view (and a row or
  // two around them) are kept up to date; a row that comes into view is brought up to
  // date first thing (onReveal asks for a draw, for when the cluster is paused).
  let io = null;

  function track(parent) {
    const t = htmlEl('div', 'strip-track', parent);
    const pad = htmlEl('div', 'strip-pad', t);
    return { t, pad, c: {}, items: [] };
  }

  function layout(n) {
    count = n;
    io?.disconnect();
    container.replaceChildren();
    container.classList.toggle('dense', n > 9);
    rows = [];
    base = -1;
    io = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => {
        let revealed = false;
        if (entries.some((en) => en.isIntersecting)) requestAnimationFrame(showNewest);
        for (const en of entries) {
          const e = rows[Number(en.target.getAttribute('data-node-row'))];
          if (!e) continue;
          if (en.isIntersecting && !e.visible) {
            e.fresh = true;
            revealed = true;
          }
          e.visible = en.isIntersecting;
        }
        if (revealed) onReveal?.();
      }, { root: container, rootMargin: '64px 0px' })
      : null;
    const head = htmlEl('div', 'strip-row ruler-row', container);
    head.setAttribute('aria-hidden', 'true');
    htmlEl('span', 'strip-label', head, 'node');
    ruler = track(htmlEl('div', 'ruler', head));
    const headMeta = htmlEl('span', 'strip-meta', head);
    htmlEl('span', 'strip-kv', headMeta, 'state: key=value');
    htmlEl('span', 'strip-prog', headMeta, "leader's view: match · next");
    for (let id = 1; id <= n; id++) {
      const row = htmlEl('div', 'strip-row', container);
      row.setAttribute('data-node-row', id);
      const label = htmlEl('button', 'strip-label', row);
      label.type = 'button';
      label.setAttribute('aria-label', `Select node ${id}`);
      const dot = htmlEl('span', 'role-dot', label);
      dot.setAttribute('aria-hidden', 'true');
      htmlEl('span', 'strip-id', label, String(id));
      label.addEventListener('click', () => onSelect(id));
      const strip = htmlEl('div', 'log-strip', row);
      strip.setAttribute('data-node', id);
      strip.setAttribute('role', 'list');
      strip.setAttribute('aria-label', `Log of node ${id}`);
      const tr = track(strip);
      const spacer = htmlEl('div', 'spacer', tr.t);
      spacer.setAttribute('aria-hidden', 'true');
      spacer.hidden = true;
      const mkMatch = htmlEl('span', 'mk match', tr.t, '▲');
      const mkNext = htmlEl('span', 'mk next', tr.t, '△');
      mkMatch.hidden = mkNext.hidden = true;
      mkMatch.title = 'match index (leader\'s view)';
      mkNext.title = 'next index (leader\'s view)';
      const meta = htmlEl('span', 'strip-meta', row);
      const kv = htmlEl('span', 'strip-kv', meta);
      const prog = htmlEl('span', 'strip-prog', meta);
      // Visible until the observer says otherwise, so the first update fills every row.
      rows[id] = { row, label, strip, tr, spacer, mkMatch, mkNext, kv, prog, c: {}, sig: [], visible: true, fresh: false };
      io?.observe(row);
    }
    setSelected(selected);
    sideways = null;
  }

  // In a box too narrow for a whole row (a phone), the strips show their newest columns,
  // not their oldest (the labels stay put: style.css makes them sticky), until the reader
  // scrolls sideways. Done when rows come into view: layout is fresh then, and the box
  // has its real width.
  let sideways = null; // the scrollLeft we set; 'reader' once the reader has scrolled
  container.addEventListener('scroll', () => {
    if (sideways !== 'reader' && sideways !== null && Math.abs(container.scrollLeft - sideways) > 1) sideways = 'reader';
  }, { passive: true });
  function showNewest() {
    const strip = rows[1]?.strip;
    if (sideways === 'reader' || !strip || container.scrollWidth <= container.clientWidth) return;
    const end = strip.getBoundingClientRect().right - container.getBoundingClientRect().left + container.scrollLeft;
    sideways = Math.round(Math.max(0, end + 8 - container.clientWidth));
    container.scrollLeft = sideways;
  }

  function setSelected(id) {
    selected = id;
    for (let i = 1; i <= count; i++) rows[i].row.classList.toggle('selected', i === id);
  }

  /** Shifts a track so that index `lo` is at the strip's left edge. */
  function placeTrack(tr) {
    if (tr.c.lo === lo && tr.c.base === base) return;
    tr.c.lo = lo;
    tr.c.base = base;
    tr.t.style.transform = `translateX(calc(var(--cell) * ${base - lo}))`;
  }

  /** Sets an absolutely placed marker (or the spacer) at index `idx` on the track. */
  function placeAt(el, c, key, idx) {
    const col = idx - base;
    if (c[key] === col) return;
    c[key] = col;
    el.style.left = `calc(var(--cell) * ${col})`;
  }

  /**
   * Makes a track hold one item per index in [a, b] (none when a > b), in index order
   * after its pad, reusing items that left the range; `make()` builds a new one, `assign`
   * (item, idx) gives a reused or new item its index. An item is `unit` columns wide.
   * Returns the items, in index order.
   */
  function slide(tr, a, b, make, assign, unit = 1) {
    const items = tr.items;
    const spare = [];
    if (a > b) {
      while (items.length) spare.push(items.pop());
    } else {
      while (items.length && (items[0].idx < a || items[0].idx > b)) spare.push(items.shift());
      while (items.length && items[items.length - 1].idx > b) spare.push(items.pop());
    }
    const first = items.length ? items[0].idx : b + 1;
    // New indices on the left (the window moved back: a rewind) go before the first item.
    for (let idx = Math.min(first - 1, b); idx >= a; idx--) {
      const it = spare.pop() || make();
      assign(it, idx);
      tr.t.insertBefore(it.el, items.length ? items[0].el : tr.pad.nextSibling);
      items.unshift(it);
    }
    // New indices on the right: the usual case, one or a few per update.
    const last = items.length ? items[items.length - 1].idx : a - 1;
    for (let idx = Math.max(last + 1, a); idx <= b; idx++) {
      const it = spare.pop() || make();
      assign(it, idx);
      tr.t.insertBefore(it.el, items.length ? items[items.length - 1].el.nextSibling : tr.pad.nextSibling);
      items.push(it);
    }
    for (const it of spare) it.el.remove();
    const pad = (items.length ? items[0].idx : a) * unit - base;
    if (tr.c.pad !== pad) {
      tr.c.pad = pad;
      tr.pad.style.width = `calc(var(--cell) * ${pad})`;
    }
    return items;
  }

  function updateRuler() {
    placeTrack(ruler);
    // A label every fifth index, each as wide as five columns.
    const a = Math.ceil(lo / 5), b = Math.floor((lo + STRIP_COLS - 1) / 5);
    slide(ruler, a, b, () => ({ el: htmlEl('span', 'tick'), idx: 0 }), (it, k) => {
      it.idx = k;
      it.el.textContent = String(k * 5);
    }, 5);
  }

  function updateRow(v, leader) {
    const e = rows[v.id];
    if (!e) return;
    const log = v.log;
    const first = log.length ? log[0][0] : v.lastIndex + 1;
    const lastTerm = log.length ? log[log.length - 1][1] : v.snapTerm;
    // A cheap signature: when none of these moved, the strip is unchanged.
    const s = e.sig;
    if (s[0] !== lo || s[1] !== first || s[2] !== v.lastIndex || s[3] !== lastTerm || s[4] !== v.commit ||
        s[5] !== v.snapIndex || s[6] !== v.up || s[7] !== v.applied || s[8] !== v.role || s[9] !== base) {
      s[0] = lo; s[1] = first; s[2] = v.lastIndex; s[3] = lastTerm; s[4] = v.commit;
      s[5] = v.snapIndex; s[6] = v.up; s[7] = v.applied; s[8] = v.role; s[9] = base;
      redrawRow(e, v, first);
    }
    // The leader's nextIndex / matchIndex for this follower.
    let pm = 0, pn = 0, pstate = '', pact = true;
    if (leader && leader.id !== v.id) {
      for (const p of leader.progress) {
        if (p[0] === v.id) { pm = p[1]; pn = p[2]; pstate = p[3]; pact = p[4]; break; }
      }
    }
    const c = e.c;
    placeMarker(e.mkMatch, c, 'm', pstate ? pm : -1);
    placeMarker(e.mkNext, c, 'n', pstate ? pn : -1);
    if (c.pm !== pm || c.pn !== pn || c.ps !== pstate || c.pa !== pact || c.rl !== v.role || c.cm !== v.commit || c.up !== v.up) {
      c.pm = pm; c.pn = pn; c.ps = pstate; c.pa = pact; c.rl = v.role; c.cm = v.commit; c.up = v.up;
      let text = '';
      if (v.role === 'leader') text = `leader · commit ${v.commit}`;
      else if (pstate) text = `match ${pm} · next ${pn} · ${pstate}${pact ? '' : ' · inactive'}`;
      else if (!v.up) text = 'down';
      else text = `commit ${v.commit}`;
      setText(e.prog, c, 'prog', text);
    }
  }

  function placeMarker(mk, c, key, idx) {
    const show = idx > 0 && idx >= lo && idx <= lo + STRIP_COLS;
    if (c[key + 'on'] !== show) {
      c[key + 'on'] = show;
      mk.hidden = !show;
    }
    if (show) placeAt(mk, c, key, idx);
  }

  const newCell = () => {
    const el = document.createElement('div');
    el.setAttribute('role', 'listitem');
    return { el, idx: 0, term: -1, cmd: null, c: '', snap: false };
  };

  const assignCell = (it, idx) => {
    it.idx = idx;
    it.term = -1; // (re)written by fillCell
    it.cmd = null;
    it.c = '';
    it.el.setAttribute('data-index', idx);
  };

  /** Writes what changed of entry [idx, term, cmd] into its cell. */
  function fillCell(it, term, cmd, committed, snap) {
    const el = it.el;
    if (it.term !== term || it.snap !== snap) {
      it.snap = snap;
      el.className = `entry tc${term % TERM_COLOURS}${snap ? ' after-snap' : ''}${term >= 100 ? ' wide' : ''}`;
    }
    if (it.term !== term) {
      it.term = term;
      el.setAttribute('data-term', term);
      el.textContent = String(term);
    }
    if (it.cmd !== cmd) {
      it.cmd = cmd;
      el.title = `index ${it.idx}, term ${term}: ${cmd || 'no-op (new leader\'s entry)'}`;
    }
    if (it.c !== committed) {
      it.c = committed;
      el.setAttribute('data-committed', committed);
    }
  }

  function redrawRow(e, v, first) {
    const { row, spacer } = e;
    if (e.c.crashed !== !v.up) {
      e.c.crashed = !v.up;
      row.classList.toggle('crashed', !v.up);
    }
    if (e.c.role !== v.role) {
      e.c.role = v.role;
      row.setAttribute('data-role', v.role);
    }
    placeTrack(e.tr);
    // Leading gap: indices in the window this node no longer holds (compacted into its
    // snapshot) or never received (it is behind).
    const a = Math.max(lo, first);
    const b = Math.min(lo + STRIP_COLS - 1, v.lastIndex, first + v.log.length - 1);
    const gap = Math.min(STRIP_COLS, Math.max(0, a - lo));
    const compacted = v.snapIndex >= lo;
    const behind = gap > 0 && v.lastIndex < lo;
    const spacerKey = `${gap}|${compacted}|${behind ? v.lastIndex : -1}|${v.snapIndex}|${v.snapTerm}`;
    if (e.c.spacer !== spacerKey) {
      e.c.spacer = spacerKey;
      spacer.hidden = gap === 0;
      spacer.style.width = `calc(var(--cell) * ${gap})`;
      spacer.classList.toggle('compacted', compacted && gap > 0);
      spacer.classList.toggle('behind', behind);
      spacer.textContent = behind ? `behind · last index ${v.lastIndex}` : compacted && gap > 2 ? 'snapshot' : '';
      spacer.title = compacted ? `compacted into a snapshot up to index ${v.snapIndex} (term ${v.snapTerm})` : '';
    }
    if (gap > 0) placeAt(spacer, e.c, 'sp', lo);
    const cells = slide(e.tr, a, b, newCell, assignCell);
    for (const it of cells) {
      const [, term, cmd] = v.log[it.idx - first];
      const committed = v.up && it.idx <= v.commit ? 'true' : 'false';
      fillCell(it, term, cmd, committed, it.idx === v.snapIndex + 1 && v.snapIndex > 0);
    }
    const kv = v.kv.map(([k, val]) => `${k}=${val}`).join(' ');
    const kvText = v.up ? kv || '—' : '(lost until restart)';
    if (e.c.kv !== kvText) {
      e.c.kv = kvText;
      e.kv.textContent = kvText;
      e.kv.title = kvText;
    }
  }

  let cursor = 0;

  /**
   * The rows the next update will redraw, at most `maxRows` (a large cluster spreads its
   * rows over several draws): rows just come into view first, then the rows in view,
   * round-robin. A frame need carry the logs of these nodes only.
   */
  function plan(n, maxRows = Infinity) {
    if (n !== count) return Array.from({ length: n }, (_, i) => i + 1);
    const ids = [];
    for (let id = 1; id <= n; id++) {
      const e = rows[id];
      if (e.fresh && e.visible) {
        e.fresh = false;
        ids.push(id);
      }
    }
    let done = 0;
    for (let i = 0; i < n && done < maxRows; i++) {
      const id = cursor + 1;
      cursor = (cursor + 1) % n;
      if (!rows[id].visible || ids.includes(id)) continue;
      ids.push(id);
      done++;
    }
    return ids;
  }

  /** Redraws the rows `ids` (by default, as `plan` picks them) from frame `f`. */
  function update(f, ids = plan(f.nodes.length)) {
    if (f.nodes.length !== count) layout(f.nodes.length);
    let hi = 0;
    for (const v of f.nodes) if (v.lastIndex > hi) hi = v.lastIndex;
    lo = Math.max(1, hi - STRIP_COLS + 1);
    const b = lo - (lo % STRIP_BASE_STEP);
    if (b !== base) {
      // Everything is placed relative to the base: moving it places every row anew.
      base = b;
      for (let id = 1; id <= count; id++) {
        rows[id].sig = [];
        rows[id].c = {};
      }
    }
    updateRuler();
    let leader = f.leader ? f.nodes[f.leader - 1] : null;
    if (leader && leader.role !== 'leader') leader = null;
    for (const id of ids) {
      const v = f.nodes[id - 1];
      if (v) updateRow(v, leader);
    }
  }

  return { layout, plan, update, setSelected, rowElement: (id) => rows[id]?.row };
}

// ---------------------------------------------------------------------------------------
// The event log pane: etcd's words, filtered, bounded.
// ---------------------------------------------------------------------------------------

/**
 * Lines arrive every frame but reach the DOM in batches (flush, a few times a second).
 *
 * A busy cluster logs about a hundred lines a second, far more than anyone reads while it
 * runs, and each new line costs the browser style, layout and paint. So while the reader
 * follows the newest line, the pane holds only the newest lines (`followKeep`, enough to
 * fill it twice) and a batch brings at most that many; the rest are kept in memory. The
 * moment the reader leaves the bottom (scrolls up), or the run pauses, the pane is filled
 * with everything kept (`max` lines), and nothing is trimmed under them while they read.
 *
 * The newest line stays in view without a layout read or a scroll per batch: the lines
 * sit in a scroller whose only scroll anchor (CSS overflow-anchor) is an empty element
 * after them. While the reader is at the bottom, the browser keeps that anchor, and so the
 * newest line, in view; once they scroll up to read, nothing moves under them. A scroll to
 * the bottom is needed when the list first overflows (a scroller at the very top does not
 * anchor). Where the reader is, is read in the scroll event, when layout is clean, never
 * in the animation loop.
 */
export function createEventLog(root, { max = 500, followKeep = 40, scroller = root, anchor = null } = {}) {
  const CHUNK = 50;      // lines per ul.log-chunk: old lines go a whole chunk at a time
  let lines = [];        // the last `max` lines, oldest first
  let pending = [];
  let fNode = '', fCat = '';
  let chunks = [];       // ul.log-chunk elements in the DOM, oldest first
  let shown = 0;         // li elements in the DOM
  let partial = false;   // the DOM lacks some older kept lines (only while following)
  let stick = true;      // the reader is at the bottom: follow the newest line
  let anchored = false;  // the scroller is at the bottom and the anchor holds it there

  // Out of view the pane is not rendered (CSS content-visibility), so a scroll to the
  // bottom written meanwhile may not hold: follow again when it comes into view.
  scroller.addEventListener('contentvisibilityautostatechange', (ev) => {
    if (!ev.skipped) {
      anchored = false;
      follow();
    }
  });
  scroller.addEventListener('scroll', () => {
    const top = scroller.scrollTop;
    const fromBottom = scroller.scrollHeight - top - scroller.clientHeight;
    stick = fromBottom <= 24;
    anchored = anchor !== null && stick && top > 0;
    if (!stick && partial) {
      // The reader wants the past: show all of it, the view where it was.
      rebuild(false);
      scroller.scrollTop = scroller.scrollHeight - scroller.clientHeight - fromBottom;
    }
  }, { passive: true });

  function follow() {
    if (stick && !anchored) scroller.scrollTop = 1e9;
  }

  const matches = (l) => (fNode === '' || String(l.node) === fNode) && (fCat === '' || l.cat === fCat);

  function li(l) {
    const el = document.createElement('li');
    el.setAttribute('data-node', l.node);
    el.setAttribute('data-cat', l.cat);
    const t = document.createElement('span');
    t.className = 't';
    t.textContent = fmtSeconds(l.t);
    el.appendChild(t);
    el.appendChild(document.createTextNode(` ${l.text}`));
    return el;
  }

  function clearDom() {
    root.replaceChildren();
    chunks = [];
    shown = 0;
  }

  /** Appends lines (already filtered) to the newest chunks, then trims whole old chunks
   *  down to `keep` lines. */
  function show(batch, keep) {
    let i = 0;
    while (i < batch.length) {
      let tail = chunks[chunks.length - 1];
      if (!tail || tail.childElementCount >= CHUNK) {
        tail = document.createElement('ul');
        tail.className = 'log-chunk';
        root.appendChild(tail);
        chunks.push(tail);
      }
      const frag = document.createDocumentFragment();
      const n = Math.min(batch.length - i, CHUNK - tail.childElementCount);
      for (let k = 0; k < n; k++) frag.appendChild(li(batch[i + k]));
      tail.appendChild(frag);
      i += n;
      shown += n;
    }
    while (chunks.length > 1 && shown - chunks[0].childElementCount >= keep) {
      shown -= chunks[0].childElementCount;
      chunks.shift().remove();
      if (keep < max) partial = true;
    }
  }

  function push(batch) {
    if (!batch || batch.length === 0) return;
    for (let i = 0; i < batch.length; i++) pending.push(batch[i]);
    if (pending.length > max * 2) pending = pending.slice(-max);
  }

  /** Moves up to `limit` pending lines into the DOM; returns whether some are left. */
  function flush(limit = Infinity) {
    if (pending.length === 0) return false;
    if (pending.length > max) pending = pending.slice(-max);
    // Following, a batch is taken whole (at most followKeep of its lines reach the DOM);
    // reading the past, a big one is spread over a few flushes.
    let batch = pending;
    if (!stick && batch.length > limit) {
      batch = pending.slice(0, limit);
      pending = pending.slice(limit);
    } else {
      pending = [];
    }
    lines = lines.length + batch.length > max * 1.5 ? lines.concat(batch).slice(-max) : lines.concat(batch);
    if (lines.length > max) lines = lines.slice(-max);
    let visible = fNode === '' && fCat === '' ? batch : batch.filter(matches);
    if (visible.length === 0) return pending.length > 0;
    if (stick) {
      // Following: lines that would scroll out of view at once are not drawn at all.
      if (visible.length >= followKeep) {
        visible = visible.slice(-followKeep);
        clearDom();
        partial = true;
      }
      show(visible, followKeep);
      follow();
    } else {
      // Reading the past: nothing above the reader is trimmed until the DOM is far over
      // `max` (then a chunk goes, and the view may move).
      show(visible, max * 2);
    }
    return pending.length > 0;
  }

  /** Rebuilds the pane from the kept lines (all of them). */
  function rebuild(toBottom = true) {
    while (flush());
    clearDom();
    show(lines.filter(matches), Infinity);
    partial = false;
    if (toBottom) {
      stick = true;
      anchored = false;
      follow();
    }
  }

  return {
    push,
    flush,
    /** Shows every kept line (when the run pauses: the pane is then read, not watched). */
    expand() { if (partial || pending.length) { const s = stick; rebuild(s); } },
    setFilter(node, cat) { fNode = node; fCat = cat; rebuild(); },
    clear() { lines = []; pending = []; clearDom(); partial = false; stick = true; anchored = false; },
  };
}

// ---------------------------------------------------------------------------------------
// Metrics: Fabric's etcdraft gauges and counters as small live charts.
// ---------------------------------------------------------------------------------------

const HISTORY = 120; // samples kept per chart (30 s of wall time at 4 per second)

function sparkPath(vals, lo, hi, w, h) {
  if (vals.length === 0) return '';
  const span = hi - lo || 1;
  const dx = w / (HISTORY - 1);
  const x0 = w - dx * (vals.length - 1);
  let d = '';
  for (let i = 0; i < vals.length; i++) {
    const y = h - 1 - ((vals[i] - lo) / span) * (h - 2);
    d += `${i ? 'L' : 'M'}${(x0 + dx * i).toFixed(1)},${y.toFixed(1)}`;
  }
  return d;
}

export function createMetrics(root) {
  const tilesEl = root.querySelector('.tiles');
  const tbody = root.querySelector('.by-kind tbody');
  const W = 120, H = 28;

  function tile(label, prom, series) {
    const t = htmlEl('div', 'tile', tilesEl);
    const top = htmlEl('div', 'tile-top', t);
    htmlEl('span', 'tile-label', top, label);
    const value = htmlEl('span', 'live', htmlEl('span', 'tile-value', top), '—');
    const chart = svgEl('svg', { class: 'spark', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', 'aria-hidden': 'true' }, t);
    const paths = series.map((cls) => svgEl('path', { class: cls }, chart));
    const name = htmlEl('code', 'tile-prom', t, prom);
    name.title = prom;
    return { t, value, paths, hist: series.map(() => []), c: {}, live: {} };
  }

  const T = {
    leader: tile('leader', 'consensus_etcdraft_is_leader', ['s-main']),
    size: tile('active / cluster size', 'consensus_etcdraft_active_nodes · cluster_size', ['s-main', 's-ref']),
    changes: tile('leader changes', 'consensus_etcdraft_leader_changes', ['s-main']),
    commit: tile('committed index', 'consensus_etcdraft_committed_block_number', ['s-main', 's-ref']),
    proposals: tile('proposals received', 'consensus_etcdraft_normal_proposals_received', ['s-main']),
    failures: tile('proposal failures', 'consensus_etcdraft_proposal_failures', ['s-bad']),
    msgs: tile('messages / sample', 'sent · delivered · dropped', ['s-sent', 's-main', 's-bad']),
  };
  const leaderBoxes = htmlEl('div', 'is-leader', T.leader.t);
  leaderBoxes.setAttribute('aria-hidden', 'true');
  T.leader.t.insertBefore(leaderBoxes, T.leader.t.querySelector('.spark'));
  T.commit.value.title = 'committed index (snapshot index in grey)';
  let boxes = [];
  let kindRows = new Map();
  let prevMsgs = null;

  function push(tileObj, k, v) {
    const h = tileObj.hist[k];
    h.push(v);
    if (h.length > HISTORY) h.shift();
  }

  function draw(tileObj, lo, hi) {
    for (let k = 0; k < tileObj.paths.length; k++) {
      const d = sparkPath(tileObj.hist[k], lo, hi, W, H);
      if (tileObj.c[k] !== d) {
        tileObj.c[k] = d;
        tileObj.paths[k].setAttribute('d', d);
      }
    }
  }

  const maxOf = (arrs) => { let m = 0; for (const a of arrs) for (const v of a) if (v > m) m = v; return m; };
  const minOf = (a) => { let m = Infinity; for (const v of a) if (v < m) m = v; return m === Infinity ? 0 : m; };
  const val = (t, text) => liveText(t.value, t.live, text);

  function sample(f) {
    const m = f.metrics;
    // Who is leader: one box per node, lit for the node with is_leader = 1.
    if (boxes.length !== m.is_leader.length) {
      leaderBoxes.replaceChildren();
      boxes = m.is_leader.map(([id]) => {
        const b = htmlEl('span', 'box', leaderBoxes);
        b.title = `node ${id}`;
        return b;
      });
    }
    let leaderId = 0;
    m.is_leader.forEach(([id, on], i) => {
      if (on) leaderId = id;
      if (boxes[i].c !== on) { boxes[i].c = on; boxes[i].classList.toggle('on', on === 1); }
    });
    val(T.leader, leaderId ? `node ${leaderId}` : 'none');
    push(T.leader, 0, leaderId);
    draw(T.leader, 0, m.cluster_size);

    val(T.size, `${m.active_nodes} / ${m.cluster_size}`);
    T.size.t.classList.toggle('warn', m.active_nodes <= m.cluster_size / 2);
    push(T.size, 0, m.active_nodes);
    push(T.size, 1, Math.floor(m.cluster_size / 2) + 1);
    draw(T.size, 0, m.cluster_size);

    val(T.changes, String(m.leader_changes));
    push(T.changes, 0, m.leader_changes);
    draw(T.changes, minOf(T.changes.hist[0]), maxOf(T.changes.hist));

    val(T.commit, `${m.committed_index}${m.snapshot_index ? ` (snap ${m.snapshot_index})` : ''}`);
    push(T.commit, 0, m.committed_index);
    push(T.commit, 1, m.snapshot_index);
    const cmin = Math.min(minOf(T.commit.hist[0]), minOf(T.commit.hist[1]));
    draw(T.commit, cmin, maxOf(T.commit.hist));

    val(T.proposals, String(m.normal_proposals_received));
    push(T.proposals, 0, m.normal_proposals_received);
    draw(T.proposals, minOf(T.proposals.hist[0]), maxOf(T.proposals.hist));

    val(T.failures, String(m.proposal_failures));
    T.failures.t.classList.toggle('warn', m.proposal_failures > 0);
    push(T.failures, 0, m.proposal_failures);
    draw(T.failures, minOf(T.failures.hist[0]), maxOf(T.failures.hist));

    // Messages: totals per sample interval, and the per-kind table.
    let s = 0, d = 0, x = 0;
    for (const [kind, sent, delivered, dropped] of m.messages) {
      s += sent; d += delivered; x += dropped;
      let row = kindRows.get(kind);
      if (!row) {
        const tr = htmlEl('tr', '', tbody);
        const th = htmlEl('th', '', tr, kind);
        th.scope = 'row';
        row = { cells: [htmlEl('td', '', tr), htmlEl('td', '', tr), htmlEl('td', '', tr)], c: [] };
        kindRows.set(kind, row);
      }
      const vs = [sent, delivered, dropped];
      for (let k = 0; k < 3; k++) {
        if (row.c[k] !== vs[k]) { row.c[k] = vs[k]; row.cells[k].textContent = String(vs[k]); }
      }
    }
    const prev = prevMsgs || [s, d, x];
    prevMsgs = [s, d, x];
    val(T.msgs, `${s} · ${d} · ${x}`);
    push(T.msgs, 0, Math.max(0, s - prev[0]));
    push(T.msgs, 1, Math.max(0, d - prev[1]));
    push(T.msgs, 2, Math.max(0, x - prev[2]));
    draw(T.msgs, 0, Math.max(4, maxOf(T.msgs.hist)));
  }

  function reset() {
    for (const t of Object.values(T)) {
      t.hist = t.hist.map(() => []);
      t.c = {};
    }
    prevMsgs = null;
    kindRows = new Map();
    tbody.replaceChildren();
  }

  return { sample, reset };
}
