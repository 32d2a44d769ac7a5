// Where a view's canvas is painted. Rastering a canvas without a GPU is paid on the thread
// that paints it, and the space-time diagram's track is costly to raster (at 51 nodes tens
// of ms at once, each time it is fetched: dropped frames when the page paints it). Where
// the browser can hand a canvas to a worker (transferControlToOffscreen), the diagram's
// canvases are painted by one worker for the whole page (www/src/paint-worker.js) from
// records of canvas calls (views/record.js); the main thread only records them. Where it
// cannot, or when the worker fails to load (a site that left out dist/paint-worker.js), the
// records are replayed on the page. (The cluster's canvas is painted on the page: see
// views/cluster.js.)

import { paintFrame } from './record.js';
import { newCanvas } from '../dom.js';

let worker = null;          // the page's paint worker; false: none can be had
let nextId = 1;
const clients = new Set();  // painters on the worker, told when it fails

function sharedWorker(url) {
  if (!url) return false;
  if (worker !== null) return worker;
  const can = typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined' &&
    typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function';
  if (!can) return (worker = false);
  try {
    worker = new Worker(url, { type: 'module' });
  } catch {
    return (worker = false);
  }
  // A worker that cannot load (or breaks) is given up: every canvas goes back to the page.
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    worker.terminate();
    worker = false;
    for (const c of clients) c.fallBack();
    clients.clear();
  });
  return worker;
}

/**
 * A painter for `canvas`: `replay(ops, w, h, under)` paints a record of canvas calls on it
 * at `w` × `h` device pixels, over a kept layer when `under` is given ({ops, w, h, dx,
 * clip}: see views/record.js `paintFrame`); `canvas` is the element shown (a new one after
 * a fall back to the page). `workerUrl`: the paint worker's script (none: paint on the page).
 * `onLost()`: the worker failed, and what it had painted is lost: the owner paints it all
 * again (records are not kept here: a kept layer is built of many).
 */
export function createPainter(canvas, workerUrl, onLost = () => {}) {
  let slot = null;      // painting on the page: {canvas, ctx, under?}
  let id = 0;
  let wk = sharedWorker(workerUrl);

  function onPage() {
    slot = { canvas, ctx: canvas.getContext('2d', { desynchronized: true }) };
  }

  const painter = {
    get canvas() { return canvas; },
    replay(ops, w, h, under = null) {
      const d = { id, w, h, ops, under };
      if (slot) paintFrame(slot, d, newCanvas);
      else wk.postMessage(d);
    },
    /** The worker is gone: a fresh canvas in the old one's place, painted on the page (a
     *  canvas handed to a worker cannot be painted here again). */
    fallBack() {
      const fresh = canvas.cloneNode(false);
      canvas.replaceWith(fresh);
      canvas = fresh;
      wk = false;
      onPage();
      onLost();
    },
  };
  if (wk) {
    id = nextId++;
    const off = canvas.transferControlToOffscreen();
    wk.postMessage({ id, canvas: off }, [off]);
    clients.add(painter);
  } else onPage();
  return painter;
}

