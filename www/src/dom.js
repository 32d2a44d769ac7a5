// Small DOM helpers shared by the views: elements, cached writes, live texts, times.

const SVGNS = 'http://www.w3.org/2000/svg';

export function svgEl(tag, attrs, parent) {
  const el = document.createElementNS(SVGNS, tag);
  for (const k in attrs) el.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(el);
  return el;
}

export function htmlEl(tag, cls, parent, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
}

// Writes an attribute only when it changed: DOM writes, not the comparisons, cost frames.
export function setAttr(el, cache, key, value) {
  if (cache[key] !== value) {
    cache[key] = value;
    el.setAttribute(key, value);
  }
}

export function setText(el, cache, key, value) {
  if (cache[key] !== value) {
    cache[key] = value;
    writeText(el, value);
  }
}

/** Sets an element's text. An element holding one text node keeps it and changes its
 *  data: replacing the node (textContent) restyles it and lays out its parent anew. */
export function writeText(el, text) {
  const t = el.firstChild;
  if (t && t.nodeType === 3 && !t.nextSibling) t.data = text;
  else el.textContent = text;
}

// Texts that change while the cluster runs (the status bar, the timeline's time, the
// metric values) sit in boxes of fixed size (CSS class `live`: contain: strict), so a new
// text is laid out inside its box and nowhere else: without that, every change of a
// number would lay out the page around it. The box must not be a flex or grid item, which
// the browser lays out only with its whole line (wrap it in a span). The box is as wide as
// its text, measured on a canvas (no layout read); it grows with the text, and shrinks
// only when the text has been clearly shorter three times in a row, so a number ticking
// over or a part that comes and goes ("· 1 pending") resizes nothing: a new width lays out
// the whole line around it.
let measureCtx = null;
const liveCaches = new WeakMap(); // a live box → its cache (refitLiveTexts)
export function liveText(el, cache, text) {
  if (cache.text === text) return;
  cache.text = text;
  writeText(el, text);
  liveCaches.set(el, cache);
  fitLive(el, cache, text);
}

function fitLive(el, cache, text) {
  const w = Math.ceil(textWidth(el, cache, text)) + 2;
  const shorter = w <= cache.w - 12;
  cache.shorter = shorter ? (cache.shorter || 0) + 1 : 0;
  if (!(w <= cache.w) || cache.shorter >= 3) {
    cache.w = w;
    cache.shorter = 0;
    el.style.width = `${w}px`;
  }
}

/** Measures the live texts under `root` again in the font they have now, and sizes their
 *  boxes to fit: the font is read once and kept, and the first texts can be written before
 *  the element's stylesheet is in (in the page's font, narrower or wider), or before a web
 *  font has loaded; a text that does not change would keep a box of the wrong width. */
export function refitLiveTexts(root) {
  for (const el of root.querySelectorAll('.live')) {
    const cache = liveCaches.get(el);
    if (!cache || cache.text === undefined) continue;
    cache.font = null;
    cache.w = 0;
    cache.shorter = 0;
    fitLive(el, cache, cache.text);
  }
}

/** How wide `text` is in `el`'s font, measured on a canvas: no layout read. The font is
 *  read once and kept in `cache.font`. */
export function textWidth(el, cache, text) {
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  if (!cache.font) {
    const cs = getComputedStyle(el);
    cache.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  }
  measureCtx.font = cache.font;
  return measureCtx.measureText(text).width;
}

// While the page prints, every part counts as in view: what waits for the reader's eyes
// (the event log's newest lines, the strips' rows) is written for the paper too.
let printing = false;
export function setPrinting(on) { printing = on; }

/** Watches whether `el` is in view (within `rootMargin` of the viewport); `onSeen` runs
 *  each time it comes into view. Returns `() => inView` (true where the browser cannot
 *  tell, and while the page prints: nothing is then held back). */
export function watchInView(el, onSeen, rootMargin = '0px') {
  let inView = true;
  if (typeof IntersectionObserver === 'function') {
    new IntersectionObserver((entries) => {
      const was = inView;
      inView = entries[entries.length - 1].isIntersecting;
      if (inView && !was) onSeen();
    }, { rootMargin }).observe(el);
  }
  return () => inView || printing;
}

/** Seconds with millisecond precision, from simulated microseconds. */
export function fmtSeconds(us) {
  return (us / 1e6).toFixed(3);
}

/** Saves `text` as file `name`: an <a download> on a data: URL (the pages' policy allows
 *  data: URLs; a blob: URL would need one more source in it), put in `parent` a moment. */
export function saveText(name, text, type, parent = document.body) {
  const a = document.createElement('a');
  a.href = `data:${type};charset=utf-8,${encodeURIComponent(text)}`;
  a.download = name;
  a.hidden = true;
  parent.appendChild(a);
  a.click();
  a.remove();
}

/** A canvas off screen (an OffscreenCanvas where there is one), `w` × `h` pixels: a kept
 *  layer or picture. */
export function newCanvas(w, h) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

/** `n`'s parent element, out of a shadow root to its host (null at the top). */
export function composedParent(n) {
  return n.parentElement ?? (n.parentNode instanceof ShadowRoot ? n.parentNode.host : null);
}

/** Properties a page set on a custom element before its script defined it are own
 *  properties of the element, hiding the class's accessors: each of `props` is taken away
 *  and set again through its accessor (the "upgrade" of Lit and Shoelace), so that it
 *  becomes the attribute it stands for. */
export function upgradeProps(el, props) {
  for (const prop of props) {
    if (!Object.prototype.hasOwnProperty.call(el, prop)) continue;
    const v = el[prop];
    delete el[prop];
    el[prop] = v;
  }
}
