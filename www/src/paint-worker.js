// The page's paint worker (views/painter.js): paints the canvases the clusters of the page
// handed over, each from the scenes its cluster sends (views/paint.js `paintScene`), so
// that rastering them costs the page's main thread nothing.

import { paintScene } from './views/paint.js';

const canvases = new Map(); // id -> {canvas, ctx, pal, scene}

function repaint(c) {
  if (c.pal) paintScene(c.ctx, c.pal, c.canvas.width, c.canvas.height, c.scene);
}

self.addEventListener('message', (e) => {
  const d = e.data;
  if (d.op === 'add') {
    d.canvas.width = d.w;
    d.canvas.height = d.h;
    const ctx = d.canvas.getContext('2d', { desynchronized: true });
    canvases.set(d.id, { canvas: d.canvas, ctx, pal: null, scene: null });
    return;
  }
  const c = canvases.get(d.id);
  if (!c) return;
  switch (d.op) {
    case 'size':
      c.canvas.width = d.w;
      c.canvas.height = d.h;
      repaint(c);
      break;
    case 'palette':
      c.pal = d.pal;
      repaint(c);
      break;
    case 'draw':
      c.scene = d.scene;
      repaint(c);
      break;
    case 'pixels':
      self.postMessage({ req: d.req, data: c.ctx.getImageData(d.x, d.y, d.w, d.h).data });
      break;
    case 'remove':
      canvases.delete(d.id);
      break;
  }
});
