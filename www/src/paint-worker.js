// The page's paint worker (views/painter.js): paints the canvases the views of the page
// handed over (the space-time diagrams'), each from the records of canvas calls its view
// sends (views/record.js), so that rastering them costs the page's main thread nothing.

import { paintFrame } from './views/record.js';

const canvases = new Map(); // id -> {canvas, ctx, under?}

self.addEventListener('message', (e) => {
  const d = e.data;
  if (d.canvas) {
    // Not desynchronized: a low-latency canvas here is woken at every display frame (measured,
    // 0.1x, 5 nodes, the diagram shown: ~110 wake-ups a second; without, three alternating
    // runs: 7-13 ms/s less on the page's main thread, which shares two cores with it, and
    // ~20-30 ms/s less CPU).
    canvases.set(d.id, { canvas: d.canvas, ctx: d.canvas.getContext('2d') });
    return;
  }
  queued.push(d);
  if (!timer) timer = setTimeout(paintQueued, PAINT_AFTER_MS);
});

// A frame is painted a few ms after it comes, not at once: the page posts it in the middle
// of its own frame's work, and on two cores a worker woken to paint then took the page's
// core from it until it had painted (instrumented at 0.1x, 5 nodes: a post took 0.35 ms
// on average, one in five over 1 ms; painted 7 ms later, 0.11-0.14 ms, p90 0.2-0.3). By
// then the page's frame is done; the frame still shows at the next display frame.
const PAINT_AFTER_MS = 7;
const queued = [];
let timer = 0;

function paintQueued() {
  timer = 0;
  // In the order sent: a kept layer is added to by each.
  for (const d of queued.splice(0)) {
    const c = canvases.get(d.id);
    if (c) paintFrame(c, d, newCanvas);
  }
}

const newCanvas = (w, h) => new OffscreenCanvas(w, h);
