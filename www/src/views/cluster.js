// The cluster view: nodes on a circle, messages moving along the edges.
//
// What changes rarely is SVG: edges, node shapes, ids, term and vote labels, written by
// stable key (node id) and only when a value changed; each node has one focusable control
// with an accessible name. What moves on every display frame (the timer rings and the
// messages in flight) is drawn on one canvas over the SVG: a frame is a scene of numbers
// (views/paint.js) and no style, layout or DOM work. The canvas is opaque: under the moving
// parts it copies a picture of the SVG, made again only when the SVG changes
// (views/mirror.js says why and when it cannot be; then it is transparent over the SVG).
// It is painted on the page: painted in
// the page's paint worker (views/painter.js, as the diagram's canvases are) it measured no
// lighter on the main thread of a 2-core machine (0.1x, 5 nodes: 74 against 73 ms/s, four
// alternating runs) and cost about 35 ms/s more CPU; measured again once the worker painted
// a few ms after each frame came (four alternating runs: about 2 ms/s less main thread,
// within the noise, and 35-40 ms/s more CPU). Desynchronized matters: without it the page's
// main thread measured about 40 ms/s more. A message's place is a pure function of the
// frame's time: (now - sent) / (deliver - sent) along its edge (RaftScope's rule), so any
// frame can be drawn from any time.
//
// Messages are not elements, so they are reached by distance (a hit area of 12 CSS px
// around each, at least 24 px across) and from the keyboard through one control that
// never goes away (the "messages in flight" chip: arrow keys walk them, Enter drops one).
//
// handlers: onNode(id, control, event), onHover(message|null, point, event),
//           onPress(message, event), onKeyMessage(message|null) (the keyboard's choice)

import { svgEl, setAttr, setText, liveText, newCanvas } from '../dom.js';
import { createHover } from './pointer.js';
import { keyWalk } from './key-walk.js';
import { messageLook, lookKey, messageFlags, paintScene, RING_ROLES } from './paint.js';
import { backdropOf, paintSvg, itemOf } from './mirror.js';


const VIEW = 600;
const CENTER = VIEW / 2;
const REACH_PX = 12; // hit radius in CSS pixels

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

// --- colours: the canvas reads the element's CSS custom properties once per theme ---------

const PALETTE_KEYS = ['panel', 'ink', 'muted', 'good', 'bad', 'focus', 'accent', 'ring', 'pre', 'cand', 'leader',
  'k-prevote', 'k-vote', 'k-app', 'k-heartbeat', 'k-snap', 'k-timeoutnow', 'k-prop'];

/** The colours the canvas needs, resolved in `el`'s context (a custom property may hold
 *  light-dark(…) or another var(): a probe's computed colour is the used value). `extra`:
 *  more custom property names a view needs. */
export function readPalette(el, extra = []) {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  el.appendChild(probe);
  const pal = {};
  for (const k of [...PALETTE_KEYS, ...extra]) {
    probe.style.color = `var(--${k})`;
    pal[k] = getComputedStyle(probe).color || '#888';
  }
  probe.remove();
  pal['k-other'] = pal.muted;
  return pal;
}

const ROLE_WORD = {
  follower: 'follower', 'pre-candidate': 'pre-candidate', candidate: 'candidate',
  leader: 'leader', crashed: 'down (crashed)',
};

/** One line describing a message, for its tip and for screen readers. */
export function describeMessage(m) {
  return `${m.kind} ${m.from} → ${m.to} · term ${m.term}` + (m.text ? ` · ${m.text}` : '') +
    (m.lost ? ' · lost: it will never arrive' : '') + (m.duplicate ? ' · a duplicate' : '');
}

export function createClusterView(wrap, handlers) {
  const svg = wrap.querySelector('svg');
  let canvas = wrap.querySelector('canvas');
  // Desynchronized: the canvas is shown without waiting for the page's own paint and commit
  // (measured here: a draw then costs the main thread a third of what it cost without).
  let ctx = canvas.getContext('2d', { desynchronized: true });
  let opaque = false;     // the canvas paints the SVG's picture (views/mirror.js) under the rest
  let picture = null;     // that picture: the backdrop and the SVG, at the canvas's size
  let pictureStale = true; // the whole picture is to be made again
  const changed = new Set(); // the SVG's items (mirror.js itemOf) changed since the picture was made
  let backdrop;           // the colour behind the cluster (null: not one plain colour); undefined: to read
  const styles = new Map(); // the SVG's styles, read once per kind of element (views/mirror.js)
  const gEdges = svg.querySelector('.edges');
  const gNodes = svg.querySelector('.nodes');
  const chip = wrap.querySelector('.msg-nav');
  const chipText = chip.querySelector('.msg-nav-count');
  const chipCache = {};
  const live = wrap.querySelector('.msg-live');

  let count = 0;
  let r = 36;
  let ringR = 43;
  let chord = VIEW;  // the distance between two neighbours on the circle (viewBox units)
  let msgScale = 1;
  let dense = false;
  let xs = [], ys = [];
  let nodes = [];
  let edges = [];
  let selected = 0;
  let staticMessages = false; // prefers-reduced-motion: messages wait mid-edge, an arrow shows their way
  let pal = null;
  let scale = 1;     // CSS px per viewBox unit
  let dpr = 1;
  let last = null;   // the last frame drawn
  let placed = [];   // messages drawn in the last frame: {m, x, y}
  let keyed = null;   // message id chosen from the keyboard
  let linked = null;  // message id lit from elsewhere (the diagram's arrow under the pointer)
  let groups = null;
  let partitionKey = '';
  let labelUnits = 13; // the labels' font size, in viewBox units (see fitLabels)
  let twoLines = false; // "term 1" over "voted 4" under each node, where one line would run into the next node's

  function layout(n) {
    count = n;
    // A node's control with the keyboard's focus is replaced: the focus goes to the same
    // node's new one (or the last node), not to the page's body.
    const active = svg.getRootNode().activeElement;
    const focused = active?.classList?.contains('hit') && svg.contains(active) ? Number(active.dataset.id) : 0;
    gEdges.replaceChildren();
    gNodes.replaceChildren();
    nodes = [];
    edges = [];
    partitionKey = '';
    groups = null;
    placed = [];
    hover.clear();
    keyed = null;
    xs = new Float64Array(n + 1);
    ys = new Float64Array(n + 1);
    const R = n <= 9 ? 210 : 250;
    chord = n > 1 ? 2 * R * Math.sin(Math.PI / n) : VIEW;
    r = n === 1 ? 44 : Math.max(9, Math.min(n <= 5 ? 40 : 36, chord * 0.3));
    dense = r < 22;
    msgScale = dense ? 0.7 : 1;
    ringR = r + (dense ? 3 : 7);
    svg.classList.toggle('dense', dense);
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
          edges.push({ a, b, el, cut: false });
        }
      }
    }
    const hitR = Math.max(r + 4, Math.min(r + 16, chord / 2));
    const f1 = (v) => Math.round(v * 10) / 10;
    for (let id = 1; id <= n; id++) {
      const X = f1(xs[id]), Y = f1(ys[id]);
      const g = svgEl('g', { class: 'node', 'data-id': id, 'data-role': 'follower' }, gNodes);
      svgEl('circle', { class: 'halo', cx: X, cy: Y, r: f1(ringR + (dense ? 3 : 6)) }, g);
      svgEl('circle', { class: 'ring-track', cx: X, cy: Y, r: ringR }, g);
      const shape = svgEl('path', { class: 'shape', d: circlePath(r, X, Y) }, g);
      const k = r * 0.5;
      svgEl('path', { class: 'cross', d: `M${f1(X - k)},${f1(Y - k)}L${f1(X + k)},${f1(Y + k)}M${f1(X + k)},${f1(Y - k)}L${f1(X - k)},${f1(Y + k)}` }, g);
      const idText = svgEl('text', { class: 'nid', x: X, y: Y, dy: '0.35em', 'font-size': Math.round(r * (dense ? 0.95 : 0.62)) }, g);
      idText.textContent = String(id);
      const info = svgEl('text', { class: 'ninfo', x: X, y: f1(Y + ringR + 16) }, g);
      const info2 = svgEl('text', { class: 'ninfo', x: X, y: f1(Y + ringR + 16), dy: '1.1em' }, g);
      const votes = svgEl('text', { class: 'nvotes', x: X, y: f1(Y - ringR - 8) }, g);
      // The node's control: a shape with a name and no text inside (its visible texts are
      // siblings), so the name is the whole description, not a mismatch of its labels.
      const hit = svgEl('circle', {
        class: 'hit', cx: X, cy: Y, r: f1(hitR), tabindex: 0, role: 'button',
        'aria-haspopup': 'menu', 'data-id': id, 'aria-label': `Node ${id}`,
      }, g);
      nodes[id] = { g, shape, info, info2, votes, hit, c: {}, role: '', X, Y };
    }
    setSelected(selected);
    fitLabels(true);
    chip.hidden = false;
    draw(null);
    if (focused) nodes[Math.min(focused, n)].hit.focus({ preventScroll: true });
  }

  function setSelected(id) {
    selected = id;
    for (let i = 1; i <= count; i++) nodes[i].g.classList.toggle('selected', i === id);
  }

  function updatePartition(f) {
    const key = f.partition.length ? JSON.stringify(f.partition) : '';
    if (key === partitionKey) return;
    partitionKey = key;
    groups = null;
    if (f.partition.length) {
      groups = new Array(count + 1).fill('');
      f.partition.forEach((grp, k) => { for (const id of grp) if (id <= count) groups[id] = 'abcdefgh'[k % 8]; });
    }
    for (const e of edges) {
      const cut = groups !== null && groups[e.a] !== groups[e.b];
      if (e.cut !== cut) {
        e.cut = cut;
        e.el.classList.toggle('cut', cut);
      }
    }
    for (let id = 1; id <= count; id++) {
      const grp = groups ? groups[id] : '';
      if (grp) nodes[id].g.setAttribute('data-group', grp); else nodes[id].g.removeAttribute('data-group');
    }
  }

  function updateNodes(f) {
    const voters = f.conf?.voters.length || count;
    const quorum = Math.floor(voters / 2) + 1;
    // While joint, an election needs a majority of the new voters and of the old: the tag
    // counts both (a candidate with every new voter's vote but short of the old majority
    // does not win).
    const joint = f.conf?.outgoing?.length ? [f.conf.voters, f.conf.outgoing] : null;
    const confKey = joint ? `${joint[0]}|${joint[1]}` : String(voters);
    let relabelled = false;
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
      if (c.mem !== v.member) {
        c.mem = v.member;
        el.g.setAttribute('data-member', v.member || 'voter');
      }
      const nv = v.votes.length;
      if (c.term === v.term && c.vote === v.vote && c.lead === v.lead && c.up === v.up &&
          c.rl === v.role && c.nv === nv && c.tr === v.transferee && c.m2 === v.member && c.ck === confKey) continue;
      c.m2 = v.member;
      c.ck = confKey;
      c.term = v.term; c.vote = v.vote; c.lead = v.lead; c.up = v.up; c.rl = v.role; c.nv = nv; c.tr = v.transferee;
      let yes = 0, no = 0;
      for (const [, g] of v.votes) g ? yes++ : no++;
      if (!dense) {
        c.p1 = `term ${v.term}`;
        c.p2 = v.up ? (v.vote ? `voted ${v.vote}` : '') : 'down';
        writeInfo(el);
        let above = '';
        if (v.member === 'removed' || v.member === 'joining' || v.member === 'learner') above = v.member;
        else if ((v.role === 'candidate' || v.role === 'pre-candidate') && joint) {
          const of = (set) => `✓${v.votes.filter(([id, g]) => g && set.includes(id)).length} of ${Math.floor(set.length / 2) + 1}`;
          above = `votes ${of(joint[0])} new · ${of(joint[1])} old`;
        } else if (v.role === 'candidate' || v.role === 'pre-candidate') above = `votes ✓${yes}${no ? ` ✗${no}` : ''} of ${quorum}`;
        else if (v.transferee) above = `transfer → ${v.transferee}`;
        else if (v.role === 'leader') above = 'leader';
        setText(el.votes, c, 'above', above);
        placeLabels(el);
        relabelled = true;
      }
      const label = `Node ${v.id}: ${ROLE_WORD[v.role] || v.role}${v.member && v.member !== 'voter' ? ` (${v.member})` : ''}, term ${v.term}` +
        (v.vote ? `, voted for ${v.vote}` : '') + (v.lead && v.role !== 'leader' ? `, leader ${v.lead}` : '') +
        (v.role === 'candidate' || v.role === 'pre-candidate' ? `, ${yes} of ${quorum} votes` : '');
      setAttr(el.hit, c, 'aria-label', label);
    }
    if (relabelled) placeTags();
  }

  /** Sizes the labels for the cluster's size on screen and its number of nodes. */
  function fitLabels(force = false) {
    // The labels under and over the nodes keep about 11 px on screen when the cluster is
    // drawn small (in viewBox units, 13 to 24).
    const units = Math.round(Math.min(24, Math.max(13, 11 / scale)));
    // On one line, "term 12 · voted 4" (about 0.58 of the font size a character) must fit
    // between two neighbours side by side (the bottom pair: their distance on the circle);
    // where it does not (8 or 9 nodes on a phone), it takes two lines.
    const lines2 = count > 1 && 0.58 * units * 17 > chord - 8;
    if (!force && units === labelUnits && lines2 === twoLines) return;
    labelUnits = units;
    twoLines = lines2;
    wrap.style.setProperty('--rc-label', `${units}px`);
    restyled(); // the labels' size is the wrap's custom property, not the SVG's
    for (let id = 1; id <= count; id++) {
      writeInfo(nodes[id]);
      placeLabels(nodes[id]);
    }
    placeTags();
  }

  /** The label under a node: its term and vote on one line, or on two. */
  function writeInfo(el) {
    const { p1 = '', p2 = '' } = el.c;
    setText(el.info, el.c, 'info', twoLines || !p2 ? p1 : `${p1} · ${p2}`);
    setText(el.info2, el.c, 'info2', twoLines ? p2 : '');
  }

  /** Keeps a node's labels inside the picture: centred under (over) the node, moved in
   *  from the side where a long one would be cut at the edge (a small cluster's labels are
   *  large in viewBox units). The width is estimated from the text (no layout read). */
  function placeLabels(el) {
    for (const [t, key] of [[el.info, 'ix'], [el.info2, 'i2x'], [el.votes, 'vx']]) {
      const half = halfWidth(t) + 2;
      const x = Math.round(Math.min(VIEW - half, Math.max(half, el.X)) * 10) / 10;
      if (el.c[key] !== x) {
        el.c[key] = x;
        t.setAttribute('x', String(x));
      }
    }
  }

  /** Half a label's width in viewBox units, estimated from its length (no layout read). */
  function halfWidth(t) {
    return 0.3 * labelUnits * t.textContent.length;
  }

  /** A label's box in viewBox units, from its place and length. */
  function textBox(t, x, y) {
    const half = halfWidth(t);
    return [x - half, y - 0.8 * labelUnits, x + half, y + 0.25 * labelUnits];
  }

  /** The tag over a node ("leader", "votes ✓2 of 3") goes over it unless it would run into
   *  a neighbour's labels under that one (two-line labels on a phone, the node below on the
   *  circle): then it goes under the node's own labels, as one more line. */
  function placeTags() {
    if (dense) return;
    const under = [];
    const infoY = (el) => el.Y + ringR + 16; // the labels' first line (as laid out)
    for (let id = 1; id <= count; id++) {
      const el = nodes[id];
      const y = infoY(el);
      under[id] = [textBox(el.info, el.c.ix ?? el.X, y)];
      if (el.info2.textContent) under[id].push(textBox(el.info2, el.c.i2x ?? el.X, y + 1.1 * labelUnits));
    }
    const hits = (a, b) => a[0] < b[2] + 2 && b[0] < a[2] + 2 && a[1] < b[3] + 2 && b[1] < a[3] + 2;
    for (let id = 1; id <= count; id++) {
      const el = nodes[id];
      let y = el.Y - ringR - 8;
      if (el.votes.textContent) {
        const box = textBox(el.votes, el.c.vx ?? el.X, y);
        let clash = false;
        for (let o = 1; o <= count && !clash; o++) if (o !== id) clash = under[o].some((b) => hits(box, b));
        if (clash) y = infoY(el) + under[id].length * 1.1 * labelUnits;
      }
      y = Math.round(y * 10) / 10;
      if (el.c.vy !== y) {
        el.c.vy = y;
        el.votes.setAttribute('y', String(y));
      }
    }
  }

  // --- the canvas ------------------------------------------------------------------------

  /** Sizes the canvas to the wrap (CSS px × device pixels); called on resize. */
  function resize(cssSize) {
    if (!(cssSize > 0)) return;
    dpr = Math.min(3, window.devicePixelRatio || 1);
    scale = cssSize / VIEW;
    fitLabels();
    const px = Math.round(cssSize * dpr);
    if (canvas.width !== px) {
      canvas.width = px;
      canvas.height = px;
      restyled();
    }
    draw(last);
  }

  function messagePoint(m, now, off) {
    const x1 = xs[m.from], y1 = ys[m.from], x2 = xs[m.to], y2 = ys[m.to];
    const dx = x2 - x1, dy = y2 - y1;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len, uy = dy / len;
    const span = m.deliver - m.sent;
    let p = staticMessages ? 0.55 : span > 0 ? (now - m.sent) / span : 1;
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    const inset = r + 2;
    const travel = Math.max(0, len - 2 * inset);
    const side = m.from < m.to ? off : -off;
    const x = x1 + ux * (inset + travel * p) - uy * side;
    const y = y1 + uy * (inset + travel * p) + ux * side;
    return [x, y, ux, uy];
  }

  /** What is left of node `v`'s timer (0..1) at time `now`, or 0 for a node that is down. */
  function ringLeft(v, now, tickUs) {
    if (!nodes[v.id] || !v.up) return 0;
    const frac = Math.min(1, Math.max(0, 1 - (v.nextTick - now) / tickUs));
    if (v.role === 'leader') {
      const hb = v.heartbeatTick || 1;
      return 1 - Math.min(hb, v.heartbeatElapsed + frac) / hb;
    }
    const to = v.electionTimeout || 1;
    return 1 - Math.min(to, v.electionElapsed + frac) / to;
  }

  /** Paints the rings and messages of frame `f` (null: clears): builds the scene
   *  (views/paint.js `paintScene`) and keeps where each message went. */
  function draw(f) {
    last = f;
    if (!pal) {
      pal = readPalette(wrap);
    }
    placed = [];
    noteChanges(watch.takeRecords());
    if (pictureStale || changed.size) paintPicture();
    const under = opaque ? picture : null;
    if (!f || f.nodes.length !== count) {
      paintScene(ctx, pal, canvas.width, canvas.height, null, under);
      return;
    }
    const now = f.now;
    const tickUs = f.tickUs || 10000;
    const rings = [];
    for (let i = 0; i < f.nodes.length; i++) {
      const v = f.nodes[i];
      const role = RING_ROLES.indexOf(v.role);
      const left = role < 0 ? 0 : ringLeft(v, now, tickUs);
      if (left > 0) rings.push(nodes[v.id].X, nodes[v.id].Y, left, role);
    }
    const off = dense ? 2 : 5;
    const msgs = [], keys = [], tails = [], tailKeys = [];
    let hi = null;
    for (let i = 0; i < f.messages.length; i++) {
      const m = f.messages[i];
      if (m.from > count || m.to > count) continue;
      const [x, y, ux, uy] = messagePoint(m, now, off);
      const key = lookKey(m);
      if (staticMessages) {
        // No motion: a short tail behind the message shows which way it goes.
        tails.push(x - ux * 16, y - uy * 16, x - ux * 6, y - uy * 6);
        tailKeys.push(key);
      }
      msgs.push(x, y, messageFlags(m));
      keys.push(key);
      placed.push({ m, x, y });
      if (m.id === hover.id || m.id === keyed || m.id === linked) hi = [x, y, messageLook(m).size * msgScale + 5];
    }
    paintScene(ctx, pal, canvas.width, canvas.height, {
      k: dpr * scale, ringWidth: dense ? 2.5 : 5, ringR, rings, s: msgScale, msgs, keys, tails, tailKeys, hi,
    }, under);
  }

  // --- the SVG's picture under the canvas (views/mirror.js) ----------------------------------

  /** Makes the picture of the backdrop and the SVG at the canvas's size, and makes the
   *  canvas opaque where the picture is exact (transparent over the SVG where it is not). */
  function paintPicture() {
    let whole = pictureStale || !opaque || !picture;
    pictureStale = false;
    const w = canvas.width, h = canvas.height;
    if (backdrop === undefined) backdrop = forcedColours.matches ? null : backdropOf(wrap);
    let exact = backdrop !== null && w > 0;
    if (exact) {
      if (!picture) {
        picture = newCanvas(w, h);
      } else if (picture.width !== w || picture.height !== h) {
        picture.width = w;
        picture.height = h;
        whole = true;
      }
      const g = picture.getContext('2d');
      g.setTransform(w / VIEW, 0, 0, w / VIEW, 0, 0);
      exact = paintSvg(g, svg, styles, backdrop, whole ? null : changed);
    }
    changed.clear();
    setOpaque(exact);
  }

  /** Notes that `target` (an SVG element) changed: its item, or (the root, a group) the whole. */
  function noteChange(target) {
    const item = itemOf(svg, target);
    if (item) changed.add(item);
    else pictureStale = true;
  }
  function noteChanges(records) {
    for (const r of records) noteChange(r.target);
  }

  /** A canvas's opacity is fixed when its context is made: a change of mode puts a new
   *  canvas element in its place. */
  function setOpaque(b) {
    if (b === opaque) return;
    opaque = b;
    const next = canvas.cloneNode(false);
    next.width = canvas.width;
    next.height = canvas.height;
    next.classList.toggle('opaque', b);
    ctx = next.getContext('2d', { alpha: !b, desynchronized: true });
    canvas.replaceWith(next);
    canvas = next;
  }

  // The picture is made again when the SVG changes: a mutation (one made in an update is
  // taken at the draw that follows it; one made otherwise, a node selected or marked, draws
  // anew), the focus moving on or off a node (its ring), a new theme, size or forced colours.
  const watch = new MutationObserver((records) => {
    noteChanges(records);
    draw(last);
  });
  watch.observe(svg, {
    subtree: true, childList: true, characterData: true,
    attributeFilter: ['class', 'style', 'd', 'x', 'y', 'dx', 'dy', 'cx', 'cy', 'r', 'x1', 'y1', 'x2', 'y2',
      'font-size', 'transform', 'data-role', 'data-member', 'data-group'],
  });
  /** The styles may have changed (a theme, a size, forced colours): read them again. */
  function restyled() {
    pictureStale = true;
    backdrop = undefined;
    styles.clear();
  }
  const refocused = (ev) => {
    noteChange(ev.target);
    draw(last);
  };
  svg.addEventListener('focusin', refocused);
  svg.addEventListener('focusout', refocused);
  const forcedColours = matchMedia('(forced-colors: active)');
  forcedColours.addEventListener('change', () => {
    restyled();
    draw(last);
  });

  function update(f) {
    if (f.nodes.length !== count) layout(f.nodes.length);
    updatePartition(f);
    updateNodes(f);
    draw(f);
  }

  /** The message nearest to a point on screen within REACH_PX, or null. */
  function messageAt(clientX, clientY) {
    if (placed.length === 0) return null;
    const b = canvas.getBoundingClientRect();
    if (!(b.width > 0)) return null;
    const s = b.width / VIEW;
    const x = (clientX - b.left) / s, y = (clientY - b.top) / s;
    const reach = REACH_PX / s;
    let best = null;
    let bd = reach * reach;
    for (const p of placed) {
      const d = (p.x - x) * (p.x - x) + (p.y - y) * (p.y - y);
      if (d <= bd) {
        bd = d;
        best = p;
      }
    }
    return best;
  }

  /** Where a drawn message is on screen (client px), for placing its tip. */
  function screenPoint(p) {
    const b = canvas.getBoundingClientRect();
    const s = b.width / VIEW;
    return { x: b.left + p.x * s, y: b.top + p.y * s };
  }

  // One set of listeners for the whole view (delegation): nothing to rebind as nodes and
  // messages come and go.
  const hover = createHover(wrap, {
    pick: messageAt,
    idOf: (p) => p.m.id,
    onChange(p, ev) {
      draw(last);
      handlers.onHover?.(p ? p.m : null, p ? screenPoint(p) : null, ev);
    },
  });
  wrap.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    const p = messageAt(ev.clientX, ev.clientY);
    if (!p) {
      if (ev.pointerType === 'touch') hover.set(null, ev);
      return;
    }
    ev.preventDefault();
    if (ev.pointerType === 'touch') {
      // A finger cannot hover: a tap holds the clock and shows the tip (with its actions).
      hover.clear();
      hover.set(p, ev);
    } else {
      handlers.onPress?.(p.m, ev);
    }
  });
  svg.addEventListener('click', (ev) => {
    const hit = ev.target.closest?.('.hit');
    if (hit) handlers.onNode(Number(hit.getAttribute('data-id')), hit, ev);
  });
  svg.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    const hit = ev.target.closest?.('.hit');
    if (!hit) return;
    ev.preventDefault();
    ev.stopPropagation();
    handlers.onNode(Number(hit.getAttribute('data-id')), hit, ev);
  });

  // The keyboard's way to the messages: the chip holds the clock while focused; arrows
  // walk the messages in flight, the tip and a live region say which one.
  function keyMove(step) {
    const list = placed;
    if (list.length === 0) {
      keyed = null;
      live.textContent = 'No message in flight.';
      handlers.onKeyMessage?.(null, null);
      draw(last);
      return;
    }
    let i = list.findIndex((p) => p.m.id === keyed);
    i = i < 0 ? (step > 0 ? 0 : list.length - 1) : (i + step + list.length) % list.length;
    const p = list[i];
    keyed = p.m.id;
    draw(last);
    live.textContent = `Message ${i + 1} of ${list.length}: ${describeMessage(p.m)}`;
    handlers.onKeyMessage?.(p.m, screenPoint(p));
  }
  keyWalk(chip, {
    move: keyMove,
    act: (ev) => {
      if (keyed === null) return false;
      const p = placed.find((q) => q.m.id === keyed);
      // Said, as the walk said which message it was (the chip's count follows later).
      if (p && handlers.onPress?.(p.m, ev)) live.textContent = `Dropped: ${describeMessage(p.m)}.`;
      keyed = null;
      return true;
    },
    end: () => {
      keyed = null;
      draw(last);
      handlers.onKeyMessage?.(null, null);
    },
    hold: (on) => handlers.onChipFocus?.(on),
  });

  /** Updates the chip's count (at the panels' pace, not every frame). */
  function updateChip(f) {
    const n = f.messages.length;
    const text = `${n} in flight`;
    liveText(chipText, chipCache, text);
  }

  /** Marks the nodes a safety violation names (none: clears the marks). */
  function setViolation(ids) {
    for (let i = 1; i <= count; i++) nodes[i].g.classList.toggle('violating', ids.includes(i));
  }

  return {
    layout,
    update,
    updateChip,
    resize,
    redraw: () => draw(last),
    setSelected,
    setViolation,
    setStaticMessages(b) { staticMessages = b; draw(last); },

    refreshPalette() { pal = null; restyled(); draw(last); },
    /** Frees the SVG's picture (made again at the next draw): the cluster is out of view. */
    release() {
      if (picture) picture.width = picture.height = 0;
      picture = null;
      pictureStale = true;
    },
    message: (id) => placed.find((p) => p.m.id === id)?.m ?? null,
    nodeControl: (id) => nodes[id]?.hit,
    get hovered() { return hover.id; },
    /** Rings message `id` (null: none) while its arrow in the diagram is pointed at. */
    setLinked(id) { if (linked !== id) { linked = id; draw(last); } },
    clearHover() { hover.clear(); draw(last); },
  };
}
