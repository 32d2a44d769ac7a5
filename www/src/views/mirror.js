// The cluster's SVG painted on a canvas: the picture under the moving parts.
//
// Why: on a machine without a GPU the browser's display compositor redraws, at each present
// of the cluster's canvas (20 a second at the default speed), every layer under the
// canvas's area (the page's tiles, the SVG), blending the canvas over them. An opaque canvas
// lets it skip them. So the cluster view (views/cluster.js) paints, under the timer rings
// and the messages, the backdrop's colour and a picture of its own SVG, and the canvas is
// opaque. Weighed inside one page (0.1x, the two ways in alternate periods): 20 ms/s less CPU
// over all the browser's processes at 5 nodes, 12 at 9, 27 at 51; the main thread the same.
//
// The SVG stays where it is, under the canvas, for what it does: the nodes' controls, their
// names, focus and pointing. The picture is made from its elements as the browser styled
// them (geometry from the attributes, paint from the computed style), so custom properties,
// themes and the focus ring show on the canvas as they would in the SVG. It is made again
// only when the SVG changes (views/cluster.js watches it), never at a draw.
//
// A computed style is read once for each kind of element: elements with the same tag and
// attributes (but their geometry and names), under ancestors alike, and focused or not, are
// styled alike, since the cluster's style sheet selects by nothing else (its SVG is in a
// shadow root: a page's own rules reach it only through inherited and custom properties,
// the same for the whole SVG). Read for every element, a picture of 51 nodes took up to
// 20 ms; the kinds are a handful, whatever the cluster's size. The caller forgets them when
// the styles may have changed (a theme, a size: the labels' size is a custom property).
//
// Where the picture cannot be exact, `paintSvg` says so and the canvas stays transparent
// over the SVG, as it was: an element or a paint it does not know (a transform, a filter, a
// gradient), a backdrop that is not one plain colour (`backdropOf`).

import { newCanvas, composedParent } from '../dom.js';
import { parseColour } from './paint.js';

/** The colour behind `el`, as a CSS colour, or null when it is not one plain colour: the
 *  first opaque background among its ancestors (out of shadow roots to their hosts), with
 *  any translucent ones on the way mixed over it. Null where an image or a gradient, a
 *  filter or a blend mode is on the way, or no ancestor is opaque (the page's own canvas). */
export function backdropOf(el) {
  const layers = []; // translucent backgrounds met on the way, nearest first: [r, g, b, a]
  for (let node = el; node; node = composedParent(node)) {
    const cs = getComputedStyle(node);
    if (cs.backgroundImage !== 'none' || cs.filter !== 'none' || cs.backdropFilter !== 'none' ||
      cs.mixBlendMode !== 'normal') return null;
    const c = parseColour(cs.backgroundColor);
    if (!c) return null;
    if (c[3] === 0) continue;
    if (c[3] < 1) {
      layers.push(c);
      continue;
    }
    // Opaque: mix the translucent ones over it, farthest first.
    let [r, g, b] = c;
    for (let i = layers.length - 1; i >= 0; i--) {
      const [lr, lg, lb, la] = layers[i];
      r = lr * la + r * (1 - la);
      g = lg * la + g * (1 - la);
      b = lb * la + b * (1 - la);
    }
    return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
  }
  return null;
}

const paths = new WeakMap(); // a path element -> {d, p}: its Path2D, made again when d changes

// Attributes that place or name an element but do not style it (the style key leaves them).
const GEOMETRY = new Set(['cx', 'cy', 'r', 'x', 'y', 'dx', 'dy', 'x1', 'y1', 'x2', 'y2', 'd', 'role', 'tabindex', 'data-id']);

// The picture's items: the elements two levels under the root (a node's group, an edge).
// When only some change (an election changes a few nodes' roles), only their places are
// painted again: each place cleared to the backdrop and every item that reaches into it
// painted there (clipped), from the boxes the items had when last painted. At 51 nodes a
// whole picture takes 4-7 ms, enough to make a display frame late beside the diagram.
const boxes = new WeakMap(); // an item -> its box when last painted, [x0, y0, x1, y1] in user units
const REACH = 4; // user units past an item's geometry that its paint may reach (strokes, halos)

/** The item `el` belongs to (see above) under `root`, or null for the root or its groups
 *  (a change to those is a change to the whole picture). */
export function itemOf(root, el) {
  for (let n = el; n && n !== root; n = n.parentElement) if (n.parentElement?.parentElement === root) return n;
  return null;
}

/**
 * Paints the SVG element `root`'s children on `ctx` over the colour `backdrop`; `ctx`'s
 * transform maps the SVG's user units to the canvas (the caller sets it). `styles`: a Map
 * the caller keeps, of the styles read (see the header; clear it when styles may have
 * changed). `only`: the items (itemOf) to paint again where the canvas holds this root's
 * last picture, or null for the whole. Returns false, having painted part of it, where the
 * picture would not be the SVG's (see the header): the caller then shows the SVG itself.
 */
export function paintSvg(ctx, root, styles, backdrop, only = null) {
  const env = { styles, focused: root.getRootNode().activeElement ?? null, font: '', fontOn: null };
  const key = styleKey(root, '', env); // the root's classes style its children too
  const groups = [...root.children].map((g) => ({ g, key: styleKey(g, key, env) }));
  if (!only) {
    const t = ctx.getTransform();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = backdrop;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.setTransform(t);
    for (const { g } of groups) if (!paintElement(ctx, env, g, key)) return false;
    for (const { g } of groups) for (const item of g.children) boxes.set(item, boxOf(item));
    return true;
  }
  // The groups themselves are painted through: one with a look of its own (an opacity)
  // is painted whole. So is a picture of which many items changed (each place costs its
  // neighbours' paint too).
  let items = 0;
  for (const { g, key: gk } of groups) {
    const st = styleOf(g, gk, env);
    if (st.unknown || st.opacity < 1) return paintSvg(ctx, root, styles, backdrop, null);
    items += g.children.length;
  }
  if (only.size * 4 > items) return paintSvg(ctx, root, styles, backdrop, null);
  const places = [];
  for (const item of only) {
    const was = boxes.get(item);
    if (was) places.push(was);
    if (item.isConnected) {
      const box = boxOf(item);
      boxes.set(item, box);
      places.push(box);
    }
  }
  for (const [x0, y0, x1, y1] of places) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, x1 - x0, y1 - y0);
    ctx.clip();
    ctx.fillStyle = backdrop;
    ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    for (const { g, key: gk } of groups) {
      if (!styleOf(g, gk, env).display) continue;
      for (const item of g.children) {
        const b = boxes.get(item);
        if (b && b[0] < x1 && x0 < b[2] && b[1] < y1 && y0 < b[3] && !paintElement(ctx, env, item, gk)) {
          ctx.restore();
          return false;
        }
      }
    }
    ctx.restore();
    env.fontOn = null; // restore() put back the font of before
  }
  return true;
}

/** An item's box in user units, with the reach of its paint. */
function boxOf(item) {
  const b = item.getBBox();
  return [b.x - REACH, b.y - REACH, b.x + b.width + REACH, b.y + b.height + REACH];
}

/** An element's style key: its tag and styling attributes, after its parent's key. */
function styleKey(el, parentKey, env) {
  let k = `${parentKey}>${el.localName}`;
  for (const a of el.attributes) if (!GEOMETRY.has(a.name) && !a.name.startsWith('aria-')) k += ` ${a.name}=${a.value}`;
  return el === env.focused ? `${k}:focus` : k;
}

/** What painting needs of an element's computed style, read once per style key. */
function styleOf(el, key, env) {
  let st = env.styles.get(key);
  if (st) return st;
  const cs = getComputedStyle(el);
  st = {
    display: cs.display !== 'none',
    visible: cs.visibility === 'visible',
    opacity: Number(cs.opacity),
    // What the picture cannot show as the browser would.
    unknown: cs.transform !== 'none' || cs.filter !== 'none' || cs.clipPath !== 'none' ||
      cs.maskImage !== 'none' || cs.mixBlendMode !== 'normal' || cs.vectorEffect !== 'none',
    fill: paintOf(cs.fill),
    stroke: paintOf(cs.stroke),
  };
  if (st.fill === undefined || st.stroke === undefined) st.unknown = true;
  if (st.stroke) {
    st.width = px(cs.strokeWidth);
    st.dash = cs.strokeDasharray === 'none' ? [] : cs.strokeDasharray.split(',').map((v) => px(v.trim()));
    if (!(st.width >= 0) || st.dash.some((n) => !(n >= 0))) st.unknown = true;
    st.dashOffset = px(cs.strokeDashoffset) || 0;
    st.cap = cs.strokeLinecap;
    st.join = cs.strokeLinejoin === 'miter-clip' || cs.strokeLinejoin === 'arcs' ? 'miter' : cs.strokeLinejoin;
    st.miter = Number(cs.strokeMiterlimit) || 4;
  }
  st.fillAlpha = Number(cs.fillOpacity);
  st.strokeAlpha = Number(cs.strokeOpacity);
  st.strokeFirst = cs.paintOrder.startsWith('stroke');
  st.fillRule = cs.fillRule === 'evenodd' ? 'evenodd' : 'nonzero';
  if (el.localName === 'text') {
    if (cs.dominantBaseline !== 'auto' || cs.writingMode !== 'horizontal-tb') st.unknown = true;
    st.fontSize = px(cs.fontSize);
    st.fontRest = cs.fontFamily;
    st.fontLead = `${cs.fontStyle} ${cs.fontWeight}`;
    st.letterSpacing = cs.letterSpacing === 'normal' ? 0 : px(cs.letterSpacing);
    st.rtl = cs.direction === 'rtl';
    st.align = cs.textAnchor === 'middle' ? 'center' : cs.textAnchor === 'end' ? 'end' : 'start';
  }
  env.styles.set(key, st);
  return st;
}

function paintElement(ctx, env, el, parentKey) {
  const tag = el.localName;
  if (tag === 'title' || tag === 'desc' || tag === 'defs' || tag === 'metadata') return true;
  const key = styleKey(el, parentKey, env);
  const st = styleOf(el, key, env);
  if (!st.display) return true;
  if (st.unknown || el.hasAttribute('transform') || el.hasAttribute('pathLength')) return false;
  if (tag === 'g') {
    const paintKids = (g) => {
      for (const child of el.children) if (!paintElement(g, env, child, key)) return false;
      return true;
    };
    if (st.opacity >= 1) return paintKids(ctx);
    // A group's opacity applies to its picture as a whole (shapes over one another do not
    // show through): painted on a layer of its own, then copied at that opacity.
    return throughLayer(ctx, st.opacity, paintKids);
  }
  if (st.opacity <= 0 || !st.visible) return true;
  if (st.opacity < 1 && st.fill && st.stroke) return throughLayer(ctx, st.opacity, (g) => paintShape(g, env, el, st, 1));
  return paintShape(ctx, env, el, st, st.opacity);
}

/** A computed fill or stroke: a colour, null for none (or fully transparent), undefined for
 *  a paint the canvas cannot take here (a gradient or pattern, context-fill). */
function paintOf(v) {
  if (v === 'none') return null;
  if (v.includes('url(') || v.startsWith('context-')) return undefined;
  const c = parseColour(v);
  if (c && c[3] === 0) return null;
  return v;
}

/** Paints with `paint(ctx)` on a layer the canvas's size, then copies it at `alpha`. */
function throughLayer(ctx, alpha, paint) {
  const layer = newCanvas(ctx.canvas.width, ctx.canvas.height);
  const g = layer.getContext('2d');
  g.setTransform(ctx.getTransform());
  if (!paint(g)) return false;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha *= alpha;
  ctx.drawImage(layer, 0, 0);
  ctx.restore();
  return true;
}

function px(v) {
  return v.endsWith('px') ? Number.parseFloat(v) : NaN;
}

function paintShape(ctx, env, el, st, alpha) {
  if (!st.fill && !st.stroke) return true; // a control's hit area, a halo not lit
  const tag = el.localName;
  if (st.stroke) {
    ctx.lineWidth = st.width;
    ctx.setLineDash(st.dash);
    ctx.lineDashOffset = st.dashOffset;
    ctx.lineCap = st.cap;
    ctx.lineJoin = st.join;
    ctx.miterLimit = st.miter;
    ctx.strokeStyle = st.stroke;
  }
  if (st.fill) ctx.fillStyle = st.fill;
  const fillAlpha = alpha * st.fillAlpha, strokeAlpha = alpha * st.strokeAlpha;
  if (tag === 'text') {
    if (el.children.length) return false;
    const text = el.textContent;
    if (text) paintText(ctx, env, el, st, text, fillAlpha, strokeAlpha);
    ctx.setLineDash([]);
    return true;
  }
  let shape;
  if (tag === 'circle') {
    shape = new Path2D();
    shape.arc(el.cx.baseVal.value, el.cy.baseVal.value, el.r.baseVal.value, 0, 2 * Math.PI);
  } else if (tag === 'line') {
    shape = new Path2D();
    shape.moveTo(el.x1.baseVal.value, el.y1.baseVal.value);
    shape.lineTo(el.x2.baseVal.value, el.y2.baseVal.value);
  } else if (tag === 'path') {
    const d = el.getAttribute('d') || '';
    let p = paths.get(el);
    if (!p || p.d !== d) paths.set(el, (p = { d, p: new Path2D(d) }));
    shape = p.p;
  } else {
    return false;
  }
  const doFill = () => { if (st.fill) { ctx.globalAlpha = fillAlpha; ctx.fill(shape, st.fillRule); } };
  const doStroke = () => { if (st.stroke) { ctx.globalAlpha = strokeAlpha; ctx.stroke(shape); } };
  if (st.strokeFirst) { doStroke(); doFill(); } else { doFill(); doStroke(); }
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  return true;
}

/** A text element's one line. It is laid out at the size it has on the canvas, as the
 *  browser lays out SVG text: the same font laid out at 13 px and scaled to 12 is wider. */
function paintText(ctx, env, el, st, text, fillAlpha, strokeAlpha) {
  const t = ctx.getTransform();
  const k = t.a;
  // An em length (the node's number is centred with dy="0.35em") is resolved here from the
  // text's computed size: SVGLength.value throws for one while the SVG is not rendered (a
  // cluster being laid out or hidden, as a comparison opens).
  const len = (l) => (l.unitType === SVGLength.SVG_LENGTHTYPE_EMS ? l.valueInSpecifiedUnits * st.fontSize : l.value);
  const at = (list) => (list.baseVal.numberOfItems ? len(list.baseVal.getItem(0)) : 0);
  const x = (at(el.x) + at(el.dx)) * k, y = (at(el.y) + at(el.dy)) * k;
  ctx.setTransform(1, 0, 0, 1, t.e, t.f);
  const font = `${st.fontLead} ${st.fontSize * k}px ${st.fontRest}`;
  if (env.font !== font || env.fontOn !== ctx) {
    // Setting a font parses it: costly, so only when it changes.
    ctx.font = font;
    env.font = font;
    env.fontOn = ctx;
  }
  ctx.letterSpacing = `${st.letterSpacing * k}px`;
  ctx.direction = st.rtl ? 'rtl' : 'ltr';
  ctx.textAlign = st.align;
  ctx.textBaseline = 'alphabetic';
  if (st.stroke) ctx.lineWidth = st.width * k;
  const doFill = () => { if (st.fill) { ctx.globalAlpha = fillAlpha; ctx.fillText(text, x, y); } };
  const doStroke = () => { if (st.stroke) { ctx.globalAlpha = strokeAlpha; ctx.strokeText(text, x, y); } };
  if (st.strokeFirst) { doStroke(); doFill(); } else { doFill(); doStroke(); }
  ctx.globalAlpha = 1;
  ctx.setTransform(t);
}
