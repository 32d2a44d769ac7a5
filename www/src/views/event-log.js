// The event log pane: etcd's words, filtered, bounded.

import { fmtSeconds, watchInView } from '../dom.js';

/**
 * Lines arrive every frame but reach the DOM in batches (flush, a few times a second).
 *
 * A busy cluster logs about a hundred lines a second, far more than anyone reads while it
 * runs, and each new line costs the browser style, layout and paint. So while the reader
 * follows the newest line, the pane holds only the newest lines (`followKeep`, enough to
 * fill it twice) and a batch brings at most that many; the rest are kept in memory. The
 * moment the reader leaves the bottom (scrolls up), or the run pauses, the pane is filled
 * with everything kept (`max` lines), and nothing is trimmed under them while they read.
 *
 * The newest line stays in view without a layout read or a scroll per batch: the lines
 * sit in a scroller whose only scroll anchor (CSS overflow-anchor) is an empty element
 * after them. While the reader is at the bottom, the browser keeps that anchor, and so the
 * newest line, in view; once they scroll up to read, nothing moves under them. A scroll to
 * the bottom is needed when the list first overflows (a scroller at the very top does not
 * anchor). Where the reader is, is read in the scroll event, when layout is clean, never
 * in the animation loop.
 */
export function createEventLog(root, { max = 500, followKeep = 40, scroller = root, anchor = null, onHover = null } = {}) {
  const CHUNK = 50;      // lines per ul.log-chunk: old lines go a whole chunk at a time
  let lines = [];        // the last `max` lines, oldest first
  let pending = [];
  let fNode = '', fCat = '';
  let chunks = [];       // ul.log-chunk elements in the DOM, oldest first
  let shown = 0;         // li elements in the DOM
  let partial = false;   // the DOM lacks some older kept lines (only while following)
  let stick = true;      // the reader is at the bottom: follow the newest line
  let anchored = false;  // the scroller is at the bottom and the anchor holds it there

  // Out of view (below the fold, or scrolled away), a running cluster's lines are not
  // written to the pane at all: they wait in `pending`, and the pane is brought up to date
  // the moment it comes into view (the newest `followKeep` lines: what it would show).
  // The browser would lay out lines written there: the pane is within the margin it
  // renders around the view, CSS content-visibility notwithstanding.
  const inView = watchInView(scroller, () => flush());

  // Out of view the pane is not rendered (CSS content-visibility), so a scroll to the
  // bottom written meanwhile may not hold: follow again when it comes into view.
  scroller.addEventListener('contentvisibilityautostatechange', (ev) => {
    if (!ev.skipped) {
      anchored = false;
      follow();
    }
  });
  scroller.addEventListener('scroll', () => {
    const top = scroller.scrollTop;
    const fromBottom = scroller.scrollHeight - top - scroller.clientHeight;
    stick = fromBottom <= 24;
    anchored = anchor !== null && stick && top > 0;
    if (!stick && partial) {
      // The reader wants the past: show all of it, the view where it was.
      rebuild(false);
      scroller.scrollTop = scroller.scrollHeight - scroller.clientHeight - fromBottom;
    }
  }, { passive: true });

  function follow() {
    if (stick && !anchored) scroller.scrollTop = 1e9;
  }

  // Each line element's line ({seq, node, t, text}): the diagram links lines and arrows by
  // node, instant and words (views/diagram.js, lineTellsOf).
  const lineOf = new WeakMap();
  let lit = [];          // line elements lit for an arrow under the pointer
  let litTest = null;    // what lights a line (kept for lines that arrive meanwhile)
  if (onHover) {
    let over = null;
    root.addEventListener('pointerover', (ev) => {
      const el = ev.target.closest?.('li');
      if (el === over) return;
      over = el;
      onHover(el ? lineOf.get(el) ?? null : null);
    });
    root.addEventListener('pointerleave', () => { over = null; onHover(null); });
  }

  const matches = (l) => (fNode === '' || String(l.node) === fNode) && (fCat === '' || l.cat === fCat);

  function li(l) {
    const el = document.createElement('li');
    el.setAttribute('data-node', l.node);
    el.setAttribute('data-cat', l.cat);
    el.setAttribute('data-t', l.t);
    lineOf.set(el, l);
    if (litTest && litTest(l)) { el.classList.add('linked'); lit.push(el); }
    const t = document.createElement('span');
    t.className = 't';
    t.textContent = fmtSeconds(l.t);
    el.appendChild(t);
    el.appendChild(document.createTextNode(` ${l.text}`));
    if (l.why) {
      // The rule behind the decision, under its line (hidden with the pane's "why" box).
      const w = document.createElement('span');
      w.className = 'why';
      w.textContent = l.why;
      el.appendChild(w);
    }
    return el;
  }

  function clearDom() {
    root.replaceChildren();
    chunks = [];
    shown = 0;
  }

  /** Appends lines (already filtered) to the newest chunks, then trims whole old chunks
   *  down to `keep` lines. */
  function show(batch, keep) {
    let i = 0;
    while (i < batch.length) {
      let tail = chunks[chunks.length - 1];
      if (!tail || tail.childElementCount >= CHUNK) {
        tail = document.createElement('ul');
        tail.className = 'log-chunk';
        root.appendChild(tail);
        chunks.push(tail);
      }
      const frag = document.createDocumentFragment();
      const n = Math.min(batch.length - i, CHUNK - tail.childElementCount);
      for (let k = 0; k < n; k++) frag.appendChild(li(batch[i + k]));
      tail.appendChild(frag);
      i += n;
      shown += n;
    }
    while (chunks.length > 1 && shown - chunks[0].childElementCount >= keep) {
      shown -= chunks[0].childElementCount;
      chunks.shift().remove();
      if (keep < max) partial = true;
    }
  }

  function push(batch) {
    if (!batch || batch.length === 0) return;
    for (let i = 0; i < batch.length; i++) pending.push(batch[i]);
    if (pending.length > max * 2) pending = pending.slice(-max);
  }

  /** Moves up to `limit` pending lines into the DOM; returns whether some are left. With
   *  `whenSeen` (the cluster runs), a pane out of view and following is left as it is. */
  function flush(limit = Infinity, whenSeen = false) {
    if (pending.length === 0) return false;
    if (whenSeen && !inView() && stick) return true;
    if (pending.length > max) pending = pending.slice(-max);
    // Following, a batch is taken whole (at most followKeep of its lines reach the DOM);
    // reading the past, a big one is spread over a few flushes.
    let batch = pending;
    if (!stick && batch.length > limit) {
      batch = pending.slice(0, limit);
      pending = pending.slice(limit);
    } else {
      pending = [];
    }
    lines = lines.length + batch.length > max * 1.5 ? lines.concat(batch).slice(-max) : lines.concat(batch);
    if (lines.length > max) lines = lines.slice(-max);
    let visible = fNode === '' && fCat === '' ? batch : batch.filter(matches);
    if (visible.length === 0) return pending.length > 0;
    if (stick) {
      // Following: lines that would scroll out of view at once are not drawn at all.
      if (visible.length >= followKeep) {
        visible = visible.slice(-followKeep);
        clearDom();
        partial = true;
      }
      show(visible, followKeep);
      follow();
    } else {
      // Reading the past: nothing above the reader is trimmed until the DOM is far over
      // `max` (then a chunk goes, and the view may move).
      show(visible, max * 2);
    }
    return pending.length > 0;
  }

  /** Rebuilds the pane from the kept lines (all of them). */
  function rebuild(toBottom = true) {
    while (flush());
    clearDom();
    show(lines.filter(matches), Infinity);
    partial = false;
    if (toBottom) {
      stick = true;
      anchored = false;
      follow();
    }
  }

  return {
    push,
    flush,
    /** Shows every kept line (when the run pauses: the pane is then read, not watched). */
    expand() { if (partial || pending.length) { const s = stick; rebuild(s); } },
    setFilter(node, cat) {
      fNode = node; fCat = cat;
      // A filter that matches no line says so (raft-cluster.css), not a blank pane.
      if (fNode === '' && fCat === '') delete root.dataset.filtered;
      else root.dataset.filtered = '';
      rebuild();
    },
    /** Lights the shown lines for which `test(line)` holds (null: none); returns them. */
    highlight(test) {
      for (const el of lit) el.classList.remove('linked');
      lit = [];
      litTest = test;
      if (!test) return lit;
      for (const el of root.querySelectorAll('li')) {
        const l = lineOf.get(el);
        if (l && test(l)) { el.classList.add('linked'); lit.push(el); }
      }
      return lit;
    },
    clear() { lines = []; pending = []; clearDom(); partial = false; stick = true; anchored = false; },
  };
}

