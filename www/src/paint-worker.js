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
  const c = canvases.get(d.id);
  if (c) paintFrame(c, d, (w, h) => new OffscreenCanvas(w, h));
});
