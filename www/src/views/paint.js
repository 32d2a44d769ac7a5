// Painting the cluster's moving parts: messages (their looks, shared with the legend and
// the diagram) and timer rings, from a scene of plain numbers and look keys that the
// cluster view builds from a frame (views/cluster.js). No DOM here: what is drawn is apart
// from where things are, which the view keeps for the pointer and the keyboard.

/** A message's look: its colour (a palette key), shape and size; replies are hollow with a
 *  tick or a cross. The legend (views/legend.js) draws the same looks. One object per look
 *  (shared, never changed): the cluster groups the messages it paints by look. */
export function messageLook(m) {
  return lookByKey(lookKey(m));
}
const looks = new Map();

/** The key of a message's look (a scene names looks by key): its kind, followed for a
 *  MsgApp with entries by their number (1-6). */
export function lookKey(m) {
  const entries = m.kind === 'MsgApp' ? Math.min(m.entries, 6) : 0;
  return entries ? `${m.kind}${entries}` : m.kind;
}
/** The look a key (lookKey) names. */
function lookByKey(key) {
  let look = looks.get(key);
  if (!look) {
    const app = /^MsgApp([1-6])$/.exec(key);
    look = Object.freeze(app ? lookOf('MsgApp', Number(app[1])) : lookOf(key, 0));
    looks.set(key, look);
  }
  return look;
}

function lookOf(kind, entries) {
  switch (kind) {
    case 'MsgPreVote': return { k: 'prevote', shape: 'circle', size: 5, dashed: true };
    case 'MsgPreVoteResp': return { k: 'prevote', shape: 'circle', size: 5, resp: true };
    case 'MsgVote': return { k: 'vote', shape: 'circle', size: 6 };
    case 'MsgVoteResp': return { k: 'vote', shape: 'circle', size: 5, resp: true };
    case 'MsgApp':
      return entries > 0
        ? { k: 'app', shape: 'box', size: 5 + entries }
        : { k: 'app', shape: 'circle', size: 3.5, light: true };
    case 'MsgAppResp': return { k: 'app', shape: 'box', size: 5, resp: true };
    case 'MsgHeartbeat': return { k: 'heartbeat', shape: 'circle', size: 3.5 };
    case 'MsgHeartbeatResp': return { k: 'heartbeat', shape: 'circle', size: 3, resp: true, quiet: true };
    case 'MsgSnap': return { k: 'snap', shape: 'square', size: 8 };
    case 'MsgTimeoutNow': return { k: 'timeoutnow', shape: 'triangle', size: 7 };
    case 'MsgProp': return { k: 'prop', shape: 'diamond', size: 7 };
    default: return { k: 'other', shape: 'circle', size: 4 };
  }
}

/** Adds a message's shape centred on (x, y) at scale s to the current path, as a subpath
 *  of its own (the caller begins the path, and fills / strokes it). */
function addShape(ctx, look, s, x, y) {
  const z = look.size * s;
  switch (look.shape) {
    case 'box': {
      const w = z * 1.5, h = z;
      // A dense cluster's boxes are a few pixels wide: a rounded corner would not show,
      // and a plain rectangle costs the canvas far less (hundreds of them a draw).
      if (s < 1) ctx.rect(x - w / 2, y - h / 2, w, h);
      else ctx.roundRect(x - w / 2, y - h / 2, w, h, 1.5);
      break;
    }
    case 'square': ctx.rect(x - z, y - z, 2 * z, 2 * z); break;
    case 'triangle':
      ctx.moveTo(x, y - z); ctx.lineTo(x + z, y + z * 0.8); ctx.lineTo(x - z, y + z * 0.8); ctx.closePath();
      break;
    case 'diamond':
      ctx.moveTo(x, y - z); ctx.lineTo(x + z, y); ctx.lineTo(x, y + z); ctx.lineTo(x - z, y); ctx.closePath();
      break;
    default:
      ctx.moveTo(x + z, y);
      ctx.arc(x, y, z, 0, 2 * Math.PI);
  }
}

const NO_DASH = [];
const DASH_PREVOTE = [2, 1.5];
const DASH_LOST = [2, 2];

/** How messages of one look and state are painted (`flags`: 1 lost, 2 duplicate), from the
 *  palette `pal`; kept on the palette, so a theme change makes them anew. */
function paintStyle(pal, look, flags) {
  const cache = (pal._styles ??= new Map());
  let byFlags = cache.get(look);
  if (!byFlags) cache.set(look, (byFlags = []));
  let st = byFlags[flags];
  if (st) return st;
  const lost = (flags & 1) !== 0;
  const colour = pal[`k-${look.k}`] || pal.muted;
  st = {
    dash: look.dashed && !lost ? DASH_PREVOTE : lost ? DASH_LOST : NO_DASH,
    width: flags & 2 ? 3 : 1.5,
    alpha: lost ? 0.75 : 1,
    fill: lost ? null : look.resp ? pal.panel : look.dashed ? mix(colour, pal.panel, 0.35) : look.light ? mix(colour, pal.panel, 0.55) : colour,
    stroke: lost ? pal.bad : look.k === 'snap' ? pal.ink : colour,
  };
  byFlags[flags] = st;
  return st;
}

/** A message's state as paint sees it: 1 lost, 2 a duplicate, 4 a rejection. */
export function messageFlags(m) {
  return (m.lost ? 1 : 0) | (m.duplicate ? 2 : 0) | (m.reject ? 4 : 0);
}

/** Draws one message (shape, reply mark) with the palette `pal` (see readPalette). */
export function paintMessage(ctx, pal, m, look, s, x, y) {
  paintMessages(ctx, pal, [{ look, x, y, flags: messageFlags(m) }], s);
}

/**
 * Draws messages ({look, x, y, flags}) at scale s: those that look alike in one path, filled and
 * stroked once (a canvas call costs far more than a point of path, and a large cluster has
 * hundreds of messages in flight), then the reply marks, ticks and crosses, in one path each.
 */
function paintMessages(ctx, pal, items, s) {
  const groups = new Map();
  for (const it of items) {
    const st = paintStyle(pal, it.look, it.flags & 3);
    const g = groups.get(st);
    if (g) g.push(it); else groups.set(st, [it]);
  }
  for (const [st, list] of groups) {
    ctx.beginPath();
    for (const it of list) addShape(ctx, it.look, s, it.x, it.y);
    ctx.setLineDash(st.dash);
    ctx.lineWidth = st.width;
    ctx.globalAlpha = st.alpha;
    if (st.fill) {
      ctx.fillStyle = st.fill;
      ctx.fill();
    }
    ctx.strokeStyle = st.stroke;
    ctx.stroke();
  }
  ctx.setLineDash(NO_DASH);
  ctx.globalAlpha = 1;
  ctx.lineCap = 'round';
  const k = 2.6 * s;
  // Marks: [rejected?][lost?]
  for (const reject of [false, true]) {
    for (const lost of [false, true]) {
      let any = false;
      for (const it of items) {
        const rejected = (it.flags & 4) !== 0;
        if (!it.look.resp || !(rejected || !it.look.quiet) || rejected !== reject || ((it.flags & 1) !== 0) !== lost) continue;
        if (!any) {
          ctx.beginPath();
          any = true;
        }
        const { x, y } = it;
        if (reject) {
          ctx.moveTo(x - k, y - k); ctx.lineTo(x + k, y + k); ctx.moveTo(x + k, y - k); ctx.lineTo(x - k, y + k);
        } else {
          ctx.moveTo(x - k, y); ctx.lineTo(x - k * 0.25, y + k); ctx.lineTo(x + k * 1.1, y - k);
        }
      }
      if (!any) continue;
      ctx.strokeStyle = reject ? pal.bad : pal.good;
      ctx.lineWidth = reject ? 2.2 : 1.8;
      ctx.globalAlpha = lost ? 0.55 : 1;
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
}

// The cluster's messages are copied from sprites: a bitmap per look, state (messageFlags),
// scale and palette, painted once (paintMessages) and then copied with one drawImage a
// message. Painted as paths at every draw, grouped by look, each path cost the canvas's
// raster far more than its few pixels (stroked, dashed and anti-aliased anew). Weighed in
// one page with the two ways in alternate periods (0.1x, medians of 16 pairs a set): CPU
// 5 ms/s less at 5 nodes (five sets), 10 less at 9 (four), 40-55 less at 51 (two); the
// main thread the same at 5 nodes, about 1.5 ms/s more at 9 and 5 more at 51 (a drawImage
// call costs the script more than a shape added to a path). Where OffscreenCanvas is
// missing, messages are painted as paths.
const HAS_SPRITES = typeof OffscreenCanvas === 'function';

/** The sprite of a message of look `look` and state `flags` at scale s (scene units) and
 *  k device px per unit: {bmp, c}, c the device px from its corner to the message's centre.
 *  Kept on the palette, as paintStyle's are: each cluster of a page has its own palette
 *  and size, so one shared set would be made anew at every draw of a page of several. */
function spriteOf(pal, look, flags, s, k) {
  let sprites = pal._sprites;
  if (!sprites || sprites.s !== s || sprites.k !== k) {
    // A new size (the cluster resized, or moved to a screen of another density).
    if (sprites) for (const list of sprites.byLook.values()) for (const sp of list) sp?.bmp.close();
    sprites = pal._sprites = { s, k, byLook: new Map() };
  }
  let byFlags = sprites.byLook.get(look);
  if (!byFlags) sprites.byLook.set(look, (byFlags = []));
  let sp = byFlags[flags];
  if (!sp) {
    // Room for the widest shape (a box is 1.5 times its size wide), its outline and its mark.
    const c = Math.ceil((look.size * s * 1.5 + 4) * k);
    const canvas = new OffscreenCanvas(2 * c, 2 * c);
    const g = canvas.getContext('2d');
    g.setTransform(k, 0, 0, k, c, c);
    paintMessages(g, pal, [{ look, x: 0, y: 0, flags }], s);
    sp = { bmp: canvas.transferToImageBitmap(), c };
    byFlags[flags] = sp;
  }
  return sp;
}

const ROLE_COLOUR = ['ring', 'pre', 'cand', 'leader'];
/** Roles by their number in a scene's rings (ROLE_COLOUR's order). */
export const RING_ROLES = ['follower', 'pre-candidate', 'candidate', 'leader'];

/**
 * Paints a scene on `ctx` (whose canvas is `w` × `h` device pixels): the timer rings, the
 * tails of still messages (reduced motion), the messages and the ring around the one lit.
 * scene: {k: device px per unit, ringWidth, ringR, rings: [x, y, left, role]..., s: message
 * scale, msgs: [x, y, flags]..., keys: a look key per message, tails: [x1, y1, x2, y2]...
 * (a look key per tail in `tailKeys`), hi: [x, y, r] or null}. Null: the canvas bare.
 * `under`: an image of the canvas's size painted first (an opaque canvas's picture), or
 * null: the canvas is cleared.
 */
export function paintScene(ctx, pal, w, h, scene, under = null) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  if (under) ctx.drawImage(under, 0, 0);
  else ctx.clearRect(0, 0, w, h);
  if (!scene) return;
  ctx.setTransform(scene.k, 0, 0, scene.k, 0, 0);
  // Rings: one path per colour (role), stroked once.
  ctx.lineWidth = scene.ringWidth;
  ctx.lineCap = 'butt';
  const rings = scene.rings, R = scene.ringR;
  for (let role = 0; role < ROLE_COLOUR.length; role++) {
    let any = false;
    for (let i = 0; i < rings.length; i += 4) {
      if (rings[i + 3] !== role) continue;
      if (!any) {
        ctx.beginPath();
        any = true;
      }
      const x = rings[i], y = rings[i + 1];
      ctx.moveTo(x, y - R);
      ctx.arc(x, y, R, -Math.PI / 2, -Math.PI / 2 + 2 * Math.PI * rings[i + 2]);
    }
    if (!any) continue;
    ctx.strokeStyle = pal[ROLE_COLOUR[role]];
    ctx.stroke();
  }
  const tails = scene.tails;
  for (let i = 0, j = 0; i < tails.length; i += 4, j++) {
    ctx.beginPath();
    ctx.moveTo(tails[i], tails[i + 1]);
    ctx.lineTo(tails[i + 2], tails[i + 3]);
    ctx.strokeStyle = pal[`k-${lookByKey(scene.tailKeys[j]).k}`] || pal.muted;
    ctx.lineWidth = 2;
    ctx.stroke();
  }
  if (HAS_SPRITES) {
    // Each message a copy of its look's sprite, at a whole device pixel.
    const k = scene.k, msgs = scene.msgs;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (let i = 0; i < scene.keys.length; i++) {
      const sp = spriteOf(pal, lookByKey(scene.keys[i]), msgs[3 * i + 2], scene.s, k);
      ctx.drawImage(sp.bmp, Math.round(msgs[3 * i] * k) - sp.c, Math.round(msgs[3 * i + 1] * k) - sp.c);
    }
    ctx.setTransform(k, 0, 0, k, 0, 0);
  } else {
    const items = new Array(scene.keys.length);
    for (let i = 0; i < items.length; i++) {
      items[i] = { look: lookByKey(scene.keys[i]), x: scene.msgs[3 * i], y: scene.msgs[3 * i + 1], flags: scene.msgs[3 * i + 2] };
    }
    paintMessages(ctx, pal, items, scene.s);
  }
  if (scene.hi) {
    ctx.beginPath();
    ctx.arc(scene.hi[0], scene.hi[1], scene.hi[2], 0, 2 * Math.PI);
    ctx.strokeStyle = pal.focus;
    ctx.lineWidth = 2.5;
    ctx.stroke();
  }
}

/** `a` mixed with `b`, `t` of `a` (computed colours; see parseColour). */
function mix(a, b, t) {
  const pa = rgb(a), pb = rgb(b);
  if (!pa || !pb) return a;
  const c = (i) => Math.round(pa[i] * t + pb[i] * (1 - t));
  return `rgb(${c(0)},${c(1)},${c(2)})`;
}
const mixCache = new Map();
function rgb(s) {
  let v = mixCache.get(s);
  if (v === undefined) mixCache.set(s, (v = parseColour(s)));
  return v;
}

/** A colour as [r, g, b, a] (0-255, alpha 0-1), from the forms a computed style gives
 *  (rgb(…), rgba(…), color(srgb …)) or #rrggbb; null for any other. */
export function parseColour(s) {
  let m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  m = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)$/.exec(s);
  if (m) return [Number(m[1]) * 255, Number(m[2]) * 255, Number(m[3]) * 255, m[4] === undefined ? 1 : Number(m[4])];
  m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16)).concat(1);
  return null;
}
