// A stand-in for a canvas's 2D context that records the calls a view makes, and the replay
// of such a record on a real context. A view draws with the canvas API as ever; the record
// is painted where the painter paints (views/painter.js: the page's paint worker, or the
// page). Only what the views use is here: calls, and properties that are set, never read.

const SET = ['strokeStyle', 'fillStyle', 'lineWidth', 'globalAlpha', 'font', 'textAlign', 'textBaseline', 'lineCap'];

/** A path to stroke or fill on a recorder (a Path2D cannot be sent to a worker): the calls
 *  the views make on paths. */
export function createPath() {
  const o = [];
  return {
    o,
    moveTo(x, y) { o.push(1, x, y); },
    lineTo(x, y) { o.push(2, x, y); },
    arc(x, y, r, a, b) { o.push(6, x, y, r, a, b); },
    rect(x, y, w, h) { o.push(14, x, y, w, h); },
  };
}

/** A recorder: the context's calls and setters; `take()` hands over what was recorded. */
export function createRecorder() {
  let o = [];
  const r = {
    take() {
      const ops = o;
      o = [];
      return ops;
    },
    beginPath() { o.push(0); },
    moveTo(x, y) { o.push(1, x, y); },
    lineTo(x, y) { o.push(2, x, y); },
    stroke(path) { if (path) o.push(15, path.o); else o.push(3); },
    fill(path) { if (path) o.push(16, path.o); else o.push(4); },
    closePath() { o.push(5); },
    arc(x, y, r, a, b) { o.push(6, x, y, r, a, b); },
    fillRect(x, y, w, h) { o.push(7, x, y, w, h); },
    clearRect(x, y, w, h) { o.push(8, x, y, w, h); },
    fillText(t, x, y) { o.push(9, t, x, y); },
    setTransform(a, b, c, d, e, f) { o.push(10, a, b, c, d, e, f); },
    setLineDash(d) { o.push(11, d); },
    save() { o.push(12); },
    restore() { o.push(13); },
  };
  SET.forEach((name, i) => Object.defineProperty(r, name, { set(v) { o.push(100 + i, v); } }));
  return r;
}

/** Paints record `o` (from a recorder's `take`) on context `ctx`. */
export function replayOps(ctx, o) {
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
      case 9: ctx.fillText(o[i], o[i + 1], o[i + 2]); i += 3; break;
      case 10: ctx.setTransform(o[i], o[i + 1], o[i + 2], o[i + 3], o[i + 4], o[i + 5]); i += 6; break;
      case 11: ctx.setLineDash(o[i]); i += 1; break;
      case 12: ctx.save(); break;
      case 13: ctx.restore(); break;
      case 14: ctx.rect(o[i], o[i + 1], o[i + 2], o[i + 3]); i += 4; break;
      case 15: ctx.stroke(pathOf(o[i])); i += 1; break;
      case 16: ctx.fill(pathOf(o[i])); i += 1; break;
      default: ctx[SET[op - 100]] = o[i]; i += 1;
    }
  }
}

/** The Path2D a path record (createPath) describes. */
function pathOf(o) {
  const p = new Path2D();
  replayOps(p, o);
  return p;
}
