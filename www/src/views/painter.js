// Where the cluster's canvas is painted. Rastering a canvas that changes on every display
// frame is most of what a frame costs without a GPU (in Chromium's traces:
// CanvasRenderingContext2D::FinalizeFrame, then making and sending the frame's resource), so
// where the browser can hand a canvas to a worker (transferControlToOffscreen) the canvas is
// painted by one worker shared by every cluster of the page (www/src/paint-worker.js), from
// a scene of plain numbers (views/paint.js `paintScene`); the main thread only builds the
// scene. Where it cannot, or when the worker fails to load (a site that left out
// dist/paint-worker.js), the same code paints on the page.

import { paintScene } from './paint.js';

let worker = null;          // the page's paint worker; false: none can be had
let nextId = 1;
let nextReq = 1;
const waiting = new Map();  // pixel requests by number
const clients = new Set();  // painters on the worker, told when it fails

function sharedWorker(url) {
  if (worker !== null) return worker;
  const can = url && typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined' &&
    typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function';
  if (!can) return (worker = false);
  try {
    worker = new Worker(url, { type: 'module' });
  } catch {
    return (worker = false);
  }
  worker.addEventListener('message', (e) => {
    const done = waiting.get(e.data.req);
    if (done) {
      waiting.delete(e.data.req);
      done(e.data.data);
    }
  });
  // A worker that cannot load (or breaks) is given up: every canvas goes back to the page.
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    worker.terminate();
    worker = false;
    for (const c of clients) c.fallBack();
    clients.clear();
    for (const done of waiting.values()) done(null);
    waiting.clear();
  });
  return worker;
}

/**
 * A painter for `canvas`: `size(w, h)` (device pixels), `palette(pal)`, `draw(scene)`
 * (see paintScene), `pixels(x, y, w, h)` (a Promise of the RGBA bytes there, as painted);
 * `canvas` is the element shown (a new one after a fall back to the page).
 * `workerUrl`: the paint worker's script (none: paint on the page).
 */
export function createPainter(canvas, workerUrl) {
  let w = canvas.width, h = canvas.height;
  let pal = null;
  let scene = null;
  let ctx = null;
  let id = 0;
  let wk = sharedWorker(workerUrl);

  function onPage() {
    ctx = canvas.getContext('2d', { desynchronized: true });
    canvas.width = w;
    canvas.height = h;
    if (pal) paintScene(ctx, pal, w, h, scene);
  }

  const painter = {
    get canvas() { return canvas; },
    size(nw, nh) {
      if (nw === w && nh === h) return;
      w = nw;
      h = nh;
      if (ctx) {
        canvas.width = w;
        canvas.height = h;
        if (pal) paintScene(ctx, pal, w, h, scene);
      } else wk.postMessage({ op: 'size', id, w, h });
    },
    palette(p) {
      pal = p;
      if (!ctx) wk.postMessage({ op: 'palette', id, pal });
    },
    draw(s) {
      scene = s;
      if (ctx) paintScene(ctx, pal, w, h, s);
      else wk.postMessage({ op: 'draw', id, scene: s });
    },
    pixels(x, y, pw, ph) {
      if (ctx) return Promise.resolve(ctx.getImageData(x, y, pw, ph).data);
      const req = nextReq++;
      return new Promise((resolve) => {
        waiting.set(req, resolve);
        wk.postMessage({ op: 'pixels', id, req, x, y, w: pw, h: ph });
      });
    },
    /** The worker is gone: a fresh canvas in the old one's place, painted on the page (a
     *  canvas handed to a worker cannot be painted here again). */
    fallBack() {
      const fresh = canvas.cloneNode(false);
      canvas.replaceWith(fresh);
      canvas = fresh;
      wk = false;
      onPage();
    },
  };
  if (wk) {
    id = nextId++;
    const off = canvas.transferControlToOffscreen();
    wk.postMessage({ op: 'add', id, canvas: off, w, h }, [off]);
    clients.add(painter);
  } else onPage();
  return painter;
}
