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

/** Seconds with millisecond precision, from simulated microseconds. */
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

function shapeEl(look, s, parent) {
  const z = look.size * s;
  switch (look.shape) {
    case 'box': return svgEl('rect', { class: 'm-shape', x: -z * 0.75, y: -z * 0.5, width: z * 1.5, height: z, rx: 1.5 }, parent);
    case 'square': return svgEl('rect', { class: 'm-shape', x: -z, y: -z, width: 2 * z, height: 2 * z }, parent);
    case 'triangle': return svgEl('path', { class: 'm-shape', d: `M0,${-z}L${z},${z * 0.8}L${-z},${z * 0.8}Z` }, parent);
    case 'diamond': return svgEl('path', { class: 'm-shape', d: `M0,${-z}L${z},0L0,${z}L${-z},0Z` }, parent);
    default: return svgEl('circle', { class: 'm-shape', r: z }, parent);
  }
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
  let count = 0;
  let r = 36;          // node radius in viewBox units
  let msgScale = 1;
  let dense = false;   // true when per-node text would not fit
  let xs = [], ys = []; // node centres, by id
  let nodes = [];      // by id: { g, shape, ring, id, info, votes, c: cache }
  let edges = [];      // { a, b, el, c }
  const msgs = new Map(); // message id -> { g, c, from, to, sent, deliver }
  let stamp = 0;
  let staticMessages = false; // prefers-reduced-motion: messages sit mid-edge
  let selected = 0;

  function layout(n) {
    count = n;
    gEdges.replaceChildren();
    gNodes.replaceChildren();
    gMsgs.replaceChildren();
    msgs.clear();
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
      const ring = svgEl('path', { class: 'ring', d: circlePath(ringR, X, Y), pathLength: 100, 'stroke-dasharray': '100 100' }, g);
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

  // A message is one element with a class, a kind and a position. In a small cluster it
  // is a group (shape, hit area, reply mark) moved by one transform attribute. In a large
  // one, with hundreds in flight, it is a single circle or box moved by its own x/y: no
  // transform, so no separate paint chunk per message for the browser to layer.
  const POS_G = 0, POS_CIRCLE = 1, POS_BOX = 2;

  function createMessage(m, x, y) {
    const look = messageLook(m);
    const cls = `msg ${look.cls}${m.lost ? ' lost' : ''}${m.duplicate ? ' dup' : ''}`;
    // Its accessible name is written when it gets focus (most messages never do).
    const base = { class: cls, 'data-id': m.id, 'data-kind': m.kind, tabindex: 0, role: 'button' };
    const marked = look.mark && (m.reject || (!dense && m.kind !== 'MsgHeartbeatResp'));
    let g, pos = POS_G, w = 0, h = 0;
    if (dense && !marked && look.shape === 'circle') {
      base.class += ' m-shape';
      base.cx = x; base.cy = y; base.r = look.size * msgScale;
      g = svgEl('circle', base);
      pos = POS_CIRCLE;
    } else if (dense && !marked && (look.shape === 'box' || look.shape === 'square')) {
      const z = look.size * msgScale;
      w = look.shape === 'box' ? z * 1.5 : 2 * z;
      h = look.shape === 'box' ? z : 2 * z;
      base.class += ' m-shape';
      base.x = x - w / 2; base.y = y - h / 2; base.width = w; base.height = h;
      g = svgEl('rect', base);
      pos = POS_BOX;
    } else {
      base.transform = `translate(${x} ${y})`;
      g = svgEl('g', base);
      // A small cluster's messages get a generous hit area; a large one's are too many
      // and too small to aim at.
      if (!dense) svgEl('circle', { class: 'hit', r: 12 }, g);
      shapeEl(look, msgScale, g);
      if (marked) {
        const k = 2.6 * msgScale;
        svgEl('path', {
          class: m.reject ? 'mark no' : 'mark ok',
          d: m.reject ? `M${-k},${-k}L${k},${k}M${k},${-k}L${-k},${k}` : `M${-k},0L${-k * 0.25},${k}L${k * 1.1},${-k}`,
        }, g);
      }
    }
    // Built detached and inserted once: one insertion for the browser to process.
    gMsgs.appendChild(g);
    return { g, pos, w, h, x, y, m, stamp: 0 };
  }

  function moveMessage(e, x, y) {
    e.x = x;
    e.y = y;
    if (e.pos === POS_G) {
      e.g.setAttribute('transform', `translate(${x} ${y})`);
    } else if (e.pos === POS_CIRCLE) {
      e.g.setAttribute('cx', x);
      e.g.setAttribute('cy', y);
    } else {
      e.g.setAttribute('x', x - e.w / 2);
      e.g.setAttribute('y', y - e.h / 2);
    }
  }

  function updateMessages(f) {
    stamp++;
    const now = f.now;
    const off = dense ? 2 : 5; // requests and replies on one edge travel side by side
    for (let i = 0; i < f.messages.length; i++) {
      const m = f.messages[i];
      if (m.from > count || m.to > count) continue;
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
      const x = Math.round(x1 + ux * (inset + travel * p) - uy * side);
      const y = Math.round(y1 + uy * (inset + travel * p) + ux * side);
      let e = msgs.get(m.id);
      if (!e) {
        e = createMessage(m, x, y);
        msgs.set(m.id, e);
      } else if (e.x !== x || e.y !== y) {
        moveMessage(e, x, y);
      }
      e.stamp = stamp;
      // A light frame carries no message texts: keep the last one seen (for the tip).
      if (!m.text && e.m && e.m.text) m.text = e.m.text;
      e.m = m;
    }
    for (const [id, e] of msgs) {
      if (e.stamp !== stamp) {
        e.g.remove();
        msgs.delete(id);
        handlers.onMessageGone?.(id);
      }
    }
  }

  function update(f) {
    if (f.nodes.length !== count) layout(f.nodes.length);
    updateEdges(f);
    updateNodes(f);
    updateMessages(f);
  }

  function message(id) {
    const e = msgs.get(id);
    return e ? e.m : null;
  }

  // One set of listeners for the whole SVG (event delegation): nothing to rebind when
  // nodes or messages come and go.
  svg.addEventListener('pointerdown', (ev) => {
    // Messages move: a click (down and up on the same element) could miss, so a press drops.
    const mg = ev.target.closest?.('.msg');
    if (mg && ev.button === 0) {
      ev.preventDefault();
      handlers.onMessage(Number(mg.getAttribute('data-id')));
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
  const tipFor = (ev) => {
    const mg = ev.target.closest?.('.msg');
    if (!mg) return;
    const e = msgs.get(Number(mg.getAttribute('data-id')));
    if (!e) return;
    const m = e.m;
    if (!mg.hasAttribute('aria-label')) {
      mg.setAttribute('aria-label', `${m.kind} from ${m.from} to ${m.to}, term ${m.term}${m.text ? `: ${m.text}` : ''}${m.lost ? ' (will be lost)' : ''}. Activate to drop it.`);
    }
    handlers.onTip(m, mg, ev);
  };
  svg.addEventListener('pointerover', tipFor);
  svg.addEventListener('focusin', tipFor);
  const untip = (ev) => {
    if (ev.target.closest?.('.msg')) handlers.onTip(null);
  };
  svg.addEventListener('pointerout', untip);
  svg.addEventListener('focusout', untip);

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

export function createLogStrips(container, { onSelect }) {
  let rows = []; // by id
  let count = 0;
  let lo = 1;
  let ruler = null;
  let rulerLo = -1;
  let selected = 0;

  function layout(n) {
    count = n;
    container.replaceChildren();
    container.classList.toggle('dense', n > 9);
    rows = [];
    const head = htmlEl('div', 'strip-row ruler-row', container);
    head.setAttribute('aria-hidden', 'true');
    htmlEl('span', 'strip-label', head, 'node');
    ruler = htmlEl('div', 'ruler', head);
    const headMeta = htmlEl('span', 'strip-meta', head);
    htmlEl('span', 'strip-kv', headMeta, 'state: key=value');
    htmlEl('span', 'strip-prog', headMeta, "leader's view: match · next");
    rulerLo = -1;
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
      const spacer = htmlEl('div', 'spacer', strip);
      spacer.setAttribute('aria-hidden', 'true');
      const mkMatch = htmlEl('span', 'mk match', strip, '▲');
      const mkNext = htmlEl('span', 'mk next', strip, '△');
      mkMatch.hidden = mkNext.hidden = true;
      mkMatch.title = 'match index (leader\'s view)';
      mkNext.title = 'next index (leader\'s view)';
      const meta = htmlEl('span', 'strip-meta', row);
      const kv = htmlEl('span', 'strip-kv', meta);
      const prog = htmlEl('span', 'strip-prog', meta);
      rows[id] = { row, label, strip, spacer, mkMatch, mkNext, kv, prog, cells: new Map(), c: {}, sig: [] };
    }
    setSelected(selected);
  }

  function setSelected(id) {
    selected = id;
    for (let i = 1; i <= count; i++) rows[i].row.classList.toggle('selected', i === id);
  }

  function updateRuler() {
    if (rulerLo === lo) return;
    rulerLo = lo;
    ruler.replaceChildren();
    for (let k = 0; k < STRIP_COLS; k++) {
      const idx = lo + k;
      if (idx % 5 === 0 || k === 0) {
        const s = htmlEl('span', '', ruler, String(idx));
        s.style.setProperty('--col', k);
      }
    }
  }

  function makeCell(idx, term, cmd) {
    const d = document.createElement('div');
    d.className = `entry tc${term % TERM_COLOURS}`;
    d.setAttribute('role', 'listitem');
    d.setAttribute('data-index', idx);
    d.setAttribute('data-term', term);
    d.textContent = String(term);
    d.title = `index ${idx}, term ${term}: ${cmd || 'no-op (new leader\'s entry)'}`;
    return d;
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
        s[5] !== v.snapIndex || s[6] !== v.up || s[7] !== v.applied || s[8] !== v.role) {
      s[0] = lo; s[1] = first; s[2] = v.lastIndex; s[3] = lastTerm; s[4] = v.commit;
      s[5] = v.snapIndex; s[6] = v.up; s[7] = v.applied; s[8] = v.role;
      redrawRow(e, v, first);
    }
    // The leader's nextIndex / matchIndex for this follower.
    let pm = 0, pn = 0, pstate = '', pact = true;
    if (leader && leader.id !== v.id) {
      for (const p of leader.progress) {
        if (p[0] === v.id) { pm = p[1]; pn = p[2]; pstate = p[3]; pact = p[4]; break; }
      }
    }
    const pk = `${lo}|${pm}|${pn}|${pstate}|${pact}|${leader ? leader.id : 0}|${v.role}|${v.commit}`;
    if (e.c.pk !== pk) {
      e.c.pk = pk;
      placeMarker(e.mkMatch, e.c, 'm', pstate ? pm : -1);
      placeMarker(e.mkNext, e.c, 'n', pstate ? pn : -1);
      let text = '';
      if (v.role === 'leader') text = `leader · commit ${v.commit}`;
      else if (pstate) text = `match ${pm} · next ${pn} · ${pstate}${pact ? '' : ' · inactive'}`;
      else if (!v.up) text = 'down';
      else text = `commit ${v.commit}`;
      setText(e.prog, e.c, 'prog', text);
    }
  }

  function placeMarker(mk, c, key, idx) {
    const col = idx <= 0 || idx - lo < 0 || idx - lo > STRIP_COLS ? -1 : idx - lo;
    if (c[key] === col) return;
    c[key] = col;
    mk.hidden = col < 0;
    if (col >= 0) mk.style.setProperty('--col', col);
  }

  function redrawRow(e, v, first) {
    const { row, strip, spacer, cells } = e;
    row.classList.toggle('crashed', !v.up);
    if (e.c.role !== v.role) {
      e.c.role = v.role;
      row.setAttribute('data-role', v.role);
    }
    // Leading gap: indices in the window this node no longer holds (compacted into its
    // snapshot) or never received (it is behind).
    const startIdx = Math.max(lo, first);
    const gap = Math.min(STRIP_COLS, Math.max(0, startIdx - lo));
    const compacted = v.snapIndex >= lo;
    const spacerKey = `${gap}|${compacted}|${v.lastIndex < lo ? v.lastIndex : -1}|${v.snapIndex}|${v.snapTerm}`;
    if (e.c.spacer !== spacerKey) {
      e.c.spacer = spacerKey;
      spacer.style.setProperty('--w', gap);
      spacer.classList.toggle('compacted', compacted && gap > 0);
      const behind = gap > 0 && v.lastIndex < lo;
      spacer.classList.toggle('behind', behind);
      spacer.textContent = behind ? `behind · last index ${v.lastIndex}` : compacted && gap > 2 ? 'snapshot' : '';
      spacer.title = compacted ? `compacted into a snapshot up to index ${v.snapIndex} (term ${v.snapTerm})` : '';
    }
    // Keyed by index: drop cells outside the window or past the log's end.
    for (const [idx, cell] of cells) {
      if (idx < startIdx || idx > v.lastIndex) {
        cell.remove();
        cells.delete(idx);
      }
    }
    let before = null; // new cells below the existing range go before it
    for (const [idx, cell] of cells) { if (!before || idx < Number(before.getAttribute('data-index'))) before = cell; }
    const beforeIdx = before ? Number(before.getAttribute('data-index')) : Infinity;
    for (let k = 0; k < v.log.length; k++) {
      const [idx, term, cmd] = v.log[k];
      if (idx < startIdx) continue;
      let cell = cells.get(idx);
      if (!cell) {
        cell = makeCell(idx, term, cmd);
        cells.set(idx, cell);
        strip.insertBefore(cell, before && idx < beforeIdx ? before : e.mkMatch);
      } else if (Number(cell.getAttribute('data-term')) !== term) {
        // The same index with another term: a conflicting entry was overwritten.
        cell.className = `entry tc${term % TERM_COLOURS}`;
        cell.setAttribute('data-term', term);
        cell.textContent = String(term);
        cell.title = `index ${idx}, term ${term}: ${cmd || 'no-op (new leader\'s entry)'}`;
        cell.removeAttribute('data-c');
      }
      const committed = v.up && idx <= v.commit ? 'true' : 'false';
      if (cell.getAttribute('data-c') !== committed) {
        cell.setAttribute('data-c', committed);
        cell.setAttribute('data-committed', committed);
      }
      const afterSnap = idx === v.snapIndex + 1 && v.snapIndex > 0;
      if (cell.classList.contains('after-snap') !== afterSnap) cell.classList.toggle('after-snap', afterSnap);
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

  /** Updates up to `maxRows` rows, round-robin: a large cluster spreads its rows over frames. */
  function update(f, maxRows = Infinity) {
    if (f.nodes.length !== count) layout(f.nodes.length);
    let hi = 0;
    for (const v of f.nodes) if (v.lastIndex > hi) hi = v.lastIndex;
    lo = Math.max(1, hi - STRIP_COLS + 1);
    updateRuler();
    let leader = f.leader ? f.nodes[f.leader - 1] : null;
    if (leader && leader.role !== 'leader') leader = null;
    const n = f.nodes.length;
    const k = Math.min(n, maxRows);
    for (let i = 0; i < k; i++) {
      updateRow(f.nodes[cursor % n], leader);
      cursor = (cursor + 1) % n;
    }
  }

  return { layout, update, setSelected, rowElement: (id) => rows[id]?.row };
}

// ---------------------------------------------------------------------------------------
// The event log pane: etcd's words, filtered, bounded.
// ---------------------------------------------------------------------------------------

/**
 * Lines arrive every frame but reach the DOM in batches (flush, a few times a second):
 * one fragment appended per batch, the oldest lines trimmed in batches (`max` kept, up to
 * a fifth more in the DOM between trims).
 * The newest line stays in view without a layout read or a scroll per batch: the list
 * sits in a scroller whose only scroll anchor (CSS overflow-anchor) is an empty element
 * after it. While the reader is at the bottom, the browser keeps that anchor, and so the
 * newest line, in view; once they scroll up to read, nothing moves under them. One
 * scroll to the bottom is needed when the list first overflows (a scroller at the very
 * top does not anchor): that is the only scroll we ever write. Where the reader is, is
 * read in the scroll event, when layout is clean, never in the animation loop.
 */
export function createEventLog(ul, { max = 500, scroller = ul, anchor = null } = {}) {
  const TRIM = Math.max(1, Math.round(max / 5)); // up to max + TRIM lines in the DOM
  let lines = [];        // the last `max` lines, oldest first
  let pending = [];
  let fNode = '', fCat = '';
  let shown = 0;         // li elements in the DOM
  let stick = true;      // the reader is at the bottom: follow the newest line
  let anchored = false;  // the scroller is at the bottom and the anchor holds it there

  scroller.addEventListener('scroll', () => {
    const top = scroller.scrollTop;
    stick = top + scroller.clientHeight >= scroller.scrollHeight - 24;
    anchored = anchor !== null && stick && top > 0;
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

  function push(batch) {
    if (!batch || batch.length === 0) return;
    for (let i = 0; i < batch.length; i++) pending.push(batch[i]);
    if (pending.length > max * 2) pending = pending.slice(-max);
  }

  /** Moves up to `limit` pending lines into the DOM; returns whether some are left. */
  function flush(limit = Infinity) {
    if (pending.length === 0) return false;
    if (pending.length > max) pending = pending.slice(-max);
    let batch = pending;
    if (batch.length > limit) {
      batch = pending.slice(0, limit);
      pending = pending.slice(limit);
    } else {
      pending = [];
    }
    lines = lines.length + batch.length > max * 1.5 ? lines.concat(batch).slice(-max) : lines.concat(batch);
    if (lines.length > max) lines = lines.slice(-max);
    const frag = document.createDocumentFragment();
    let added = 0;
    for (let i = 0; i < batch.length; i++) {
      if (matches(batch[i])) {
        frag.appendChild(li(batch[i]));
        added++;
      }
    }
    if (added > 0) {
      ul.appendChild(frag);
      shown += added;
      // The oldest lines go in batches: removing lines from the top moves every line below
      // them (layout and paint for the whole list), so that happens every ~100 lines, not
      // on every flush.
      if (shown > max + TRIM) {
        while (shown > max) {
          ul.firstChild.remove();
          shown--;
        }
      }
      follow();
    }
    return pending.length > 0;
  }

  function rebuild() {
    while (flush());
    const frag = document.createDocumentFragment();
    shown = 0;
    for (let i = 0; i < lines.length; i++) {
      if (matches(lines[i])) {
        frag.appendChild(li(lines[i]));
        shown++;
      }
    }
    ul.replaceChildren(frag);
    stick = true;
    anchored = false;
    follow();
  }

  return {
    push,
    flush,
    setFilter(node, cat) { fNode = node; fCat = cat; rebuild(); },
    clear() { lines = []; pending = []; shown = 0; ul.replaceChildren(); stick = true; anchored = false; },
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
    const value = htmlEl('span', 'tile-value', top, '—');
    const chart = svgEl('svg', { class: 'spark', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', 'aria-hidden': 'true' }, t);
    const paths = series.map((cls) => svgEl('path', { class: cls }, chart));
    const name = htmlEl('code', 'tile-prom', t, prom);
    name.title = prom;
    return { t, value, paths, hist: series.map(() => []), c: {} };
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
  const val = (t, text) => { if (t.c.v !== text) { t.c.v = text; t.value.textContent = text; } };

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
