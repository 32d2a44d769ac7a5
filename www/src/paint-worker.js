// The page's paint worker (views/painter.js): paints the canvases the views of the page
// handed over (the space-time diagrams'), each from the records of canvas calls its view
// sends (views/record.js), so that rastering them costs the page's main thread nothing.

import { replayOps } from './views/record.js';

const canvases = new Map(); // id -> {canvas, ctx}

self.addEventListener('message', (e) => {
  const d = e.data;
  if (d.canvas) {
    canvases.set(d.id, { canvas: d.canvas, ctx: d.canvas.getContext('2d', { desynchronized: true }) });
    return;
  }
  const c = canvases.get(d.id);
  if (!c) return;
  if (c.canvas.width !== d.w || c.canvas.height !== d.h) {
    c.canvas.width = d.w;
    c.canvas.height = d.h;
  }
  replayOps(c.ctx, d.ops);
});
