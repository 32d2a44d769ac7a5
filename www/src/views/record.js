// A stand-in for a canvas's 2D context that records the calls a view makes, and the replay
// of such a record on a real context. A view draws with the canvas API as ever; the record
// is painted where the painter paints (views/painter.js: the page's paint worker, or the
// page). Only what the views use is here: calls, and properties that are set, never read.
//
// A record is numbers in one Float64Array (an operation's code, then its arguments) and the
// strings, dash lists and paths it names in a side list, by position: handed to a worker,
// the array is copied as one block of memory, not value by value.

const SET = ['strokeStyle', 'fillStyle', 'lineWidth', 'globalAlpha', 'font', 'textAlign', 'textBaseline', 'lineCap'];
const BY_NAME = 200;   // a property set to a value in the side list (a colour, a font, …)
const BY_NUMBER = 100; // a property set to a number

/** Growable numbers, written by operation: `op(code, a, b, …)` (up to six arguments; no
 *  list is made per call), `done()` hands over a copy of what was written. */
function numbers() {
  let f = NONE; // (memory on the first write: a view makes paths it may leave empty)
  let n = 0;
  function room(k) {
    if (n + k <= f.length) return;
    const g = new Float64Array(Math.max(f.length * 2, n + k, 64));
    g.set(f.subarray(0, n));
    f = g;
  }
  return {
    op(argc, code, a, b, c, d, e, g) {
      room(1 + argc);
      f[n++] = code;
      if (argc > 0) f[n++] = a;
      if (argc > 1) f[n++] = b;
      if (argc > 2) f[n++] = c;
      if (argc > 3) f[n++] = d;
      if (argc > 4) f[n++] = e;
      if (argc > 5) f[n++] = g;
    },
    done() {
      const out = f.slice(0, n);
      n = 0;
      return out;
    },
    get size() { return n; },
  };
}
const NONE = new Float64Array(0);

/** A path to stroke or fill on a recorder (a Path2D cannot be sent to a worker): the calls
 *  the views make on paths. */
export function createPath() {
  const b = numbers();
  return {
    numbers: b,
    get empty() { return b.size === 0; },
    moveTo(x, y) { b.op(2, 1, x, y); },
    lineTo(x, y) { b.op(2, 2, x, y); },
    arc(x, y, r, a, c) { b.op(5, 6, x, y, r, a, c); },
    rect(x, y, w, h) { b.op(4, 14, x, y, w, h); },
  };
}

/** A recorder: the context's calls and setters; `take()` hands over what was recorded,
 *  `{f, s}` (see the top of this file). */
export function createRecorder() {
  const b = numbers();
  let s = [];
  const named = (v) => s.push(v) - 1;
  const r = {
    get empty() { return b.size === 0; },
    take() {
      const rec = { f: b.done(), s };
      s = [];
      return rec;
    },
    beginPath() { b.op(0, 0); },
    moveTo(x, y) { b.op(2, 1, x, y); },
    lineTo(x, y) { b.op(2, 2, x, y); },
    stroke(path) { if (path) b.op(1, 15, named(path.numbers.done())); else b.op(0, 3); },
    fill(path) { if (path) b.op(1, 16, named(path.numbers.done())); else b.op(0, 4); },
    closePath() { b.op(0, 5); },
    arc(x, y, rad, a, c) { b.op(5, 6, x, y, rad, a, c); },
    fillRect(x, y, w, h) { b.op(4, 7, x, y, w, h); },
    clearRect(x, y, w, h) { b.op(4, 8, x, y, w, h); },
    fillText(t, x, y) { b.op(3, 9, named(t), x, y); },
    setTransform(a, bb, c, d, e, f) { b.op(6, 10, a, bb, c, d, e, f); },
    setLineDash(d) { b.op(1, 11, named(d)); },
    save() { b.op(0, 12); },
    restore() { b.op(0, 13); },
  };
  SET.forEach((name, i) => Object.defineProperty(r, name, {
    set(v) { if (typeof v === 'number') b.op(1, BY_NUMBER + i, v); else b.op(1, BY_NAME + i, named(v)); },
  }));
  return r;
}

/** Paints record `rec` ({f, s}, from a recorder's `take`) on context `ctx`. */
export function replayOps(ctx, rec) {
  const o = rec.f, s = rec.s;
  for (let i = 0; i < o.length;) {
    const op = o[i++];
    switch (op) {
      case 0: ctx.beginPath(); break;
      case 1: ctx.moveTo(o[i], o[i + 1]); i += 2; break;
      case 2: ctx.lineTo(o[i], o[i + 1]); i += 2; break;
      case 3: ctx.stroke(); break;
      case 4: ctx.fill(); break;
      case 5: ctx.closePath(); break;
      case 6: ctx.arc(o[i], o[i + 1], o[i + 2], o[i + 3], o[i + 4]); i += 5; break;
      case 7: ctx.fillRect(o[i], o[i + 1], o[i + 2], o[i + 3]); i += 4; break;
      case 8: ctx.clearRect(o[i], o[i + 1], o[i + 2], o[i + 3]); i += 4; break;
      case 9: ctx.fillText(s[o[i]], o[i + 1], o[i + 2]); i += 3; break;
      case 10: ctx.setTransform(o[i], o[i + 1], o[i + 2], o[i + 3], o[i + 4], o[i + 5]); i += 6; break;
      case 11: ctx.setLineDash(s[o[i]]); i += 1; break;
      case 12: ctx.save(); break;
      case 13: ctx.restore(); break;
      case 14: ctx.rect(o[i], o[i + 1], o[i + 2], o[i + 3]); i += 4; break;
      case 15: ctx.stroke(pathOf(s[o[i]])); i += 1; break;
      case 16: ctx.fill(pathOf(s[o[i]])); i += 1; break;
      default:
        if (op >= BY_NAME) ctx[SET[op - BY_NAME]] = s[o[i]];
        else ctx[SET[op - BY_NUMBER]] = o[i];
        i += 1;
    }
  }
}

/**
 * Paints one frame on `slot` ({canvas, ctx}, a canvas shown and its 2D context), from a
 * painter's message `d`: {w, h, ops, under}. `under` (optional): a layer kept between
 * frames ({ops, w, h, dx, clip}: its new record, or no ops to keep what it holds) drawn
 * first, slid left by `dx` device pixels and clipped to the right of `clip`; then `ops` on
 * top. Sliding a kept layer here, not with a CSS transform on its own canvas, spares the
 * page a restyle and a new layer tree at every frame (measured: ~10 ms/s of main thread
 * at 0.1x, 5 nodes). `newCanvas(w, h)`: where the kept layer lives (an OffscreenCanvas).
 */
export function paintFrame(slot, d, newCanvas) {
  const { canvas, ctx } = slot;
  if (canvas.width !== d.w || canvas.height !== d.h) {
    canvas.width = d.w;
    canvas.height = d.h;
  }
  const u = d.under;
  if (u) {
    if (u.ops) {
      if (!slot.under) {
        slot.under = newCanvas(u.w, u.h);
        slot.underCtx = slot.under.getContext('2d');
      }
      if (slot.under.width !== u.w || slot.under.height !== u.h) {
        slot.under.width = u.w;
        slot.under.height = u.h;
      }
      replayOps(slot.underCtx, u.ops);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    // The layer's part in view is copied over what was there (no clearing it first and
    // no blending onto it: at 2 device px per CSS px the plot is four times the pixels),
    // and only the rest is cleared.
    const sx = u.clip + u.dx;
    const w = slot.under ? Math.max(0, Math.min(d.w - u.clip, slot.under.width - sx)) : 0;
    ctx.clearRect(0, 0, u.clip, d.h);
    if (w > 0) {
      ctx.globalCompositeOperation = 'copy';
      ctx.drawImage(slot.under, sx, 0, w, d.h, u.clip, 0, w, d.h);
      ctx.globalCompositeOperation = 'source-over';
    }
    if (u.clip + w < d.w) ctx.clearRect(u.clip + w, 0, d.w - u.clip - w, d.h);
  }
  replayOps(ctx, d.ops);
}

/** The Path2D a path's numbers (createPath) describe. */
function pathOf(f) {
  const p = new Path2D();
  replayOps(p, { f, s: [] });
  return p;
}
