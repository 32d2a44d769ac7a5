// Log strips: each node's log tail, aligned by index, coloured by term.

import { htmlEl, setText, textWidth, watchInView } from '../dom.js';

const STRIP_COLS = 30; // the frame carries each node's newest 30 entries (view.rs LOG_TAIL)
const TERM_COLOURS = 8;
// Indices are placed relative to a base (a multiple of this), so offsets stay small
// however long the run: the base moves, and everything is placed anew, once in a while.
const STRIP_BASE_STEP = 10000;

/**
 * The strips scroll: the newest index sits in the last column, and a new entry moves the
 * window on by one. Each row's entries lie on a track in index order, each at its index's
 * place (after a leading pad); the window moves by translating the track, so existing
 * entries never move on it and are not redrawn. An entry leaving on the left is reused
 * for the next one arriving on the right: while the cluster runs, no element is created
 * or removed, and an update writes only the entries that changed.
 */
export function createLogStrips(container, { onSelect, onReveal, commitStatus = null }) {
  let rows = []; // by id
  let count = 0;
  let lo = 1;
  let base = 0;
  let ruler = null;
  let selected = 0;
  let metaPx = 190; // the state column's width (set by the element as its box changes)
  const metaFont = {}; // its font, for measuring a text on a canvas (no layout read)
  const fitsMeta = (el, text) => textWidth(el, metaFont, text) <= metaPx - 1;
  // A large cluster's strips scroll inside their box: only the rows in view (and a row or
  // two around them) are kept up to date; a row that comes into view is brought up to
  // date first thing (onReveal asks for a draw at once).
  let io = null;
  // Whether the strips' box is in view at all (below the fold, the rows of a running
  // cluster are not redrawn: see plan). When it comes into view, every row is brought up
  // to date at once.
  const boxInView = watchInView(container, () => {
    for (let id = 1; id <= count; id++) if (rows[id]) rows[id].fresh = true;
    onReveal?.();
  }, '64px 0px');

  // "Why isn't index i committed?": pointing at an entry asks its node's leader (the node
  // itself when it leads: two may, one cut off in an older term), and the entry's title
  // says it (which voters hold it, its term, what would commit it; or that the leader
  // holds another entry there). Asked on demand, never per frame.
  container.addEventListener('pointerover', (ev) => {
    const cell = ev.target.closest?.('.entry[data-index]');
    const row = cell?.closest('[data-node]');
    if (!cell || !row || !commitStatus) return;
    const base = cell.title.split('\n')[0];
    const why = commitStatus(Number(cell.getAttribute('data-index')), Number(row.getAttribute('data-node')));
    cell.title = why ? `${base}\n${why}` : base;
  });

  function track(parent) {
    const t = htmlEl('div', 'strip-track', parent);
    t.setAttribute('role', 'none'); // the entries are the strip's list items
    const pad = htmlEl('div', 'strip-pad', t);
    pad.setAttribute('aria-hidden', 'true');
    return { t, pad, c: {}, items: [] };
  }

  function layout(n) {
    // A node's label with the focus (a node added, the cluster rebuilt) gives it to the
    // same node's new label (the last one's, when that node is gone): not to <body>.
    const active = container.getRootNode().activeElement;
    const focusedId = active && container.contains(active) && active.classList.contains('strip-label')
      ? Number(active.closest('[data-node-row]')?.getAttribute('data-node-row')) : 0;
    count = n;
    cursor = 0; // the round-robin over rows starts again: an old position may be past n
    io?.disconnect();
    container.replaceChildren();
    container.classList.toggle('dense', n > 9);
    rows = [];
    base = -1;
    io = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => {
        let revealed = false;
        if (entries.some((en) => en.isIntersecting)) requestAnimationFrame(showNewest);
        for (const en of entries) {
          const e = rows[Number(en.target.getAttribute('data-node-row'))];
          if (!e) continue;
          if (en.isIntersecting && !e.visible) {
            e.fresh = true;
            revealed = true;
          }
          e.visible = en.isIntersecting;
        }
        if (revealed) onReveal?.();
      }, { root: container, rootMargin: '64px 0px' })
      : null;
    const head = htmlEl('div', 'strip-row ruler-row', container);
    head.setAttribute('aria-hidden', 'true');
    htmlEl('span', 'strip-label', head, 'node');
    ruler = track(htmlEl('div', 'ruler', head));
    const headMeta = htmlEl('span', 'strip-meta', head);
    htmlEl('span', 'strip-kv', headMeta, 'store: key=value');
    // (Short: the column is narrow in a small box; each row's title says it in full.)
    htmlEl('span', 'strip-prog', headMeta, '▲match △next');
    for (let id = 1; id <= n; id++) {
      const row = htmlEl('div', 'strip-row', container);
      row.setAttribute('data-node-row', id);
      const label = htmlEl('button', 'strip-label', row);
      label.type = 'button';
      label.setAttribute('aria-label', `Select node ${id}`);
      const dot = htmlEl('span', 'role-dot', label);
      dot.setAttribute('aria-hidden', 'true');
      htmlEl('span', 'strip-id', label, String(id));
      // Outside the voters: the word the cluster writes over the node (views/cluster.js).
      label.append(' '); // "4 learner": two words, as the name has them
      const member = htmlEl('span', 'strip-member', label);
      member.hidden = true;
      label.addEventListener('click', () => onSelect(id));
      const strip = htmlEl('div', 'log-strip', row);
      strip.setAttribute('data-node', id);
      strip.setAttribute('role', 'list');
      strip.setAttribute('aria-label', `Log of node ${id}`);
      const tr = track(strip);
      const spacer = htmlEl('div', 'spacer', tr.t);
      spacer.setAttribute('aria-hidden', 'true');
      spacer.hidden = true;
      const mkMatch = htmlEl('span', 'mk match', tr.t, '▲');
      const mkNext = htmlEl('span', 'mk next', tr.t, '△');
      mkMatch.hidden = mkNext.hidden = true;
      mkMatch.setAttribute('aria-hidden', 'true');
      mkNext.setAttribute('aria-hidden', 'true');
      mkMatch.title = 'match index (leader\'s view)';
      mkNext.title = 'next index (leader\'s view)';
      const meta = htmlEl('span', 'strip-meta', row);
      const kv = htmlEl('span', 'strip-kv', meta);
      const prog = htmlEl('span', 'strip-prog', meta);
      // Visible until the observer says otherwise, so the first update fills every row.
      rows[id] = { row, label, member, strip, tr, spacer, mkMatch, mkNext, kv, prog, c: {}, sig: [], visible: true, fresh: false, mem: 'voter' };
      io?.observe(row);
    }
    setSelected(selected);
    sideways = null;
    if (focusedId) rows[Math.min(focusedId, n)]?.label.focus({ preventScroll: true });
  }

  /** Node `v`'s place in the configuration on its row: a learner's, a removed or a joining
   *  node's row says so in words (its label and its name), not by a colour alone. */
  function showMember(e, v) {
    const m = v.member && v.member !== 'voter' ? v.member : 'voter';
    if (e.mem === m) return;
    e.mem = m;
    const id = v.id;
    const tag = m === 'voter' ? '' : ` (${m})`;
    e.row.setAttribute('data-member', m);
    e.member.textContent = m === 'voter' ? '' : m;
    e.member.hidden = m === 'voter';
    // Its words as drawn, "4 learner", in the name (not in parentheses, which axe's
    // label-in-name check leaves out).
    e.label.setAttribute('aria-label', `Select node ${id}${m === 'voter' ? '' : `, ${m}`}`);
    e.label.title = m === 'voter' ? '' : `Node ${id} is ${m === 'learner' ? 'a learner: it gets the log but never votes or campaigns' : m === 'removed' ? 'removed from the configuration' : 'joining: it knows no configuration yet'}`;
    e.strip.setAttribute('aria-label', `Log of node ${id}${tag}`);
  }

  // In a box too narrow for a whole row (a phone), the strips show their newest columns,
  // not their oldest (the labels stay put: style.css makes them sticky), until the reader
  // scrolls sideways. Done when rows come into view: layout is fresh then, and the box
  // has its real width.
  let sideways = null; // the scrollLeft we set; 'reader' once the reader has scrolled
  container.addEventListener('scroll', () => {
    if (sideways !== 'reader' && sideways !== null && Math.abs(container.scrollLeft - sideways) > 1) sideways = 'reader';
  }, { passive: true });
  function showNewest() {
    const strip = rows[1]?.strip;
    if (sideways === 'reader' || !strip || container.scrollWidth <= container.clientWidth) return;
    const end = strip.getBoundingClientRect().right - container.getBoundingClientRect().left + container.scrollLeft;
    sideways = Math.round(Math.max(0, end + 8 - container.clientWidth));
    container.scrollLeft = sideways;
  }

  function setSelected(id) {
    selected = id;
    for (let i = 1; i <= count; i++) rows[i].row.classList.toggle('selected', i === id);
  }

  /** Shifts a track so that index `lo` is at the strip's left edge. */
  function placeTrack(tr) {
    if (tr.c.lo === lo && tr.c.base === base) return;
    tr.c.lo = lo;
    tr.c.base = base;
    tr.t.style.transform = `translateX(calc(var(--cell) * ${base - lo}))`;
  }

  /** Sets an absolutely placed marker (or the spacer) at index `idx` on the track. */
  function placeAt(el, c, key, idx) {
    const col = idx - base;
    if (c[key] === col) return;
    c[key] = col;
    el.style.left = `calc(var(--cell) * ${col})`;
  }

  /**
   * Makes a track hold one item per index in [a, b] (none when a > b), in index order
   * after its pad, reusing items that left the range; `make()` builds a new one, `assign`
   * (item, idx) gives a reused or new item its index. An item is `unit` columns wide.
   * Returns the items, in index order.
   */
  function slide(tr, a, b, make, assign, unit = 1) {
    const items = tr.items;
    const spare = [];
    if (a > b) {
      while (items.length) spare.push(items.pop());
    } else {
      while (items.length && (items[0].idx < a || items[0].idx > b)) spare.push(items.shift());
      while (items.length && items[items.length - 1].idx > b) spare.push(items.pop());
    }
    const first = items.length ? items[0].idx : b + 1;
    // New indices on the left (the window moved back: a rewind) go before the first item.
    for (let idx = Math.min(first - 1, b); idx >= a; idx--) {
      const it = spare.pop() || make();
      assign(it, idx);
      tr.t.insertBefore(it.el, items.length ? items[0].el : tr.pad.nextSibling);
      items.unshift(it);
    }
    // New indices on the right: the usual case, one or a few per update.
    const last = items.length ? items[items.length - 1].idx : a - 1;
    for (let idx = Math.max(last + 1, a); idx <= b; idx++) {
      const it = spare.pop() || make();
      assign(it, idx);
      tr.t.insertBefore(it.el, items.length ? items[items.length - 1].el.nextSibling : tr.pad.nextSibling);
      items.push(it);
    }
    for (const it of spare) it.el.remove();
    const pad = (items.length ? items[0].idx : a) * unit - base;
    if (tr.c.pad !== pad) {
      tr.c.pad = pad;
      tr.pad.style.width = `calc(var(--cell) * ${pad})`;
    }
    return items;
  }

  function updateRuler() {
    placeTrack(ruler);
    // A label every fifth index, each as wide as five columns.
    const a = Math.ceil(lo / 5), b = Math.floor((lo + STRIP_COLS - 1) / 5);
    const ticks = slide(ruler, a, b, () => ({ el: htmlEl('span', 'tick'), idx: 0, w: 5 }), (it, k) => {
      it.idx = k;
      it.el.textContent = String(k * 5);
    }, 5);
    // The last label's box ends with the strips' last column (one past the 30th), not
    // five columns on, past the element's edge on a narrow one: its text still shows.
    for (const it of ticks) {
      const w = Math.max(1, Math.min(5, lo + STRIP_COLS + 1 - it.idx * 5));
      if (it.w === w) continue;
      it.w = w;
      it.el.style.width = w < 5 ? `calc(var(--cell) * ${w})` : '';
    }
  }

  function updateRow(v, leader) {
    const e = rows[v.id];
    if (!e) return;
    showMember(e, v);
    const log = v.log;
    const first = log.length ? log[0][0] : v.lastIndex + 1;
    const lastTerm = log.length ? log[log.length - 1][1] : v.snapTerm;
    // A cheap signature: when none of these moved, the strip is unchanged.
    const s = e.sig;
    if (s[0] !== lo || s[1] !== first || s[2] !== v.lastIndex || s[3] !== lastTerm || s[4] !== v.commit ||
        s[5] !== v.snapIndex || s[6] !== v.up || s[7] !== v.applied || s[8] !== v.role || s[9] !== base) {
      s[0] = lo; s[1] = first; s[2] = v.lastIndex; s[3] = lastTerm; s[4] = v.commit;
      s[5] = v.snapIndex; s[6] = v.up; s[7] = v.applied; s[8] = v.role; s[9] = base;
      redrawRow(e, v, first);
    }
    // The leader's nextIndex / matchIndex for this follower.
    let pm = 0, pn = 0, pstate = '', pact = true;
    if (leader && leader.id !== v.id) {
      for (const p of leader.progress) {
        if (p[0] === v.id) { pm = p[1]; pn = p[2]; pstate = p[3]; pact = p[4]; break; }
      }
    }
    const c = e.c;
    placeMarker(e.mkMatch, c, 'm', pstate ? pm : -1);
    placeMarker(e.mkNext, c, 'n', pstate ? pn : -1);
    if (c.pm !== pm || c.pn !== pn || c.ps !== pstate || c.pa !== pact || c.rl !== v.role || c.cm !== v.commit || c.up !== v.up) {
      c.pm = pm; c.pn = pn; c.ps = pstate; c.pa = pact; c.rl = v.role; c.cm = v.commit; c.up = v.up;
      let text = '';
      let long = '';
      if (v.role === 'leader') {
        text = long = `leader · commit ${v.commit}`;
        if (!fitsMeta(e.prog, text)) text = `commit ${v.commit}`; // the dot says leader
      } else if (pstate) {
        const state = `${pstate}${pact ? '' : ' · inactive'}`;
        // Where the column is too narrow for the indexes too, the state goes alone: the
        // ▲ and △ under the strip show where they are, and the title says them.
        text = `▲${pm} △${pn} ${state}`;
        if (!fitsMeta(e.prog, text)) text = state;
        long = `the leader's view: match index ${pm}, next index ${pn}, ${pstate}${pact ? '' : ', not heard from lately'}`;
      } else if (!v.up) text = long = 'down';
      else text = long = `commit ${v.commit}`;
      setText(e.prog, c, 'prog', text);
      e.prog.title = long;
    }
  }

  function placeMarker(mk, c, key, idx) {
    const show = idx > 0 && idx >= lo && idx <= lo + STRIP_COLS;
    if (c[key + 'on'] !== show) {
      c[key + 'on'] = show;
      mk.hidden = !show;
    }
    if (show) placeAt(mk, c, key, idx);
  }

  const newCell = () => {
    const el = document.createElement('div');
    el.setAttribute('role', 'listitem');
    return { el, idx: 0, term: -1, cmd: null, c: '', snap: false };
  };

  const assignCell = (it, idx) => {
    it.idx = idx;
    it.term = -1; // (re)written by fillCell
    it.cmd = null;
    it.c = '';
    it.el.setAttribute('data-index', idx);
  };

  const COMMIT_WORDS = {
    true: 'committed',
    held: 'committed, though this node has not been told (its commit index is volatile)',
    false: 'not committed yet',
  };

  /** Writes what changed of entry [idx, term, cmd] into its cell. */
  function fillCell(it, term, cmd, committed, snap) {
    const el = it.el;
    if (it.term !== term || it.snap !== snap) {
      it.snap = snap;
      el.className = `entry tc${term % TERM_COLOURS}${snap ? ' after-snap' : ''}${term >= 100 ? ' wide' : ''}`;
      if (typeof it.cmd === 'string' && it.cmd.startsWith('conf ')) el.classList.add('conf');
    }
    if (it.term !== term) {
      it.term = term;
      el.setAttribute('data-term', term);
      el.textContent = String(term);
    }
    const cmdChanged = it.cmd !== cmd;
    if (cmdChanged) {
      const conf = typeof cmd === 'string' && cmd.startsWith('conf ');
      if (conf !== el.classList.contains('conf')) el.classList.toggle('conf', conf);
      it.cmd = cmd;
    }
    if (it.c !== committed) {
      it.c = committed;
      el.setAttribute('data-committed', committed);
    }
    if (cmdChanged || it.titled !== committed || it.titledTerm !== term) {
      // What the fill and the border show, said too (the name screen readers read).
      it.titled = committed;
      it.titledTerm = term;
      el.title = `index ${it.idx}, term ${term}: ${cmd || 'no-op (new leader\'s entry)'}; ${COMMIT_WORDS[committed]}`;
    }
  }

  function redrawRow(e, v, first) {
    const { row, spacer } = e;
    if (e.c.crashed !== !v.up) {
      e.c.crashed = !v.up;
      row.classList.toggle('crashed', !v.up);
    }
    if (e.c.role !== v.role) {
      e.c.role = v.role;
      row.setAttribute('data-role', v.role);
    }
    placeTrack(e.tr);
    // Leading gap: indices in the window this node no longer holds (compacted into its
    // snapshot) or never received (it is behind).
    const a = Math.max(lo, first);
    const b = Math.min(lo + STRIP_COLS - 1, v.lastIndex, first + v.log.length - 1);
    const gap = Math.min(STRIP_COLS, Math.max(0, a - lo));
    const compacted = v.snapIndex >= lo;
    const behind = gap > 0 && v.lastIndex < lo;
    const spacerKey = `${gap}|${compacted}|${behind ? v.lastIndex : -1}|${v.snapIndex}|${v.snapTerm}`;
    if (e.c.spacer !== spacerKey) {
      e.c.spacer = spacerKey;
      spacer.hidden = gap === 0;
      spacer.style.width = `calc(var(--cell) * ${gap})`;
      spacer.classList.toggle('compacted', compacted && gap > 0);
      spacer.classList.toggle('behind', behind);
      spacer.textContent = behind ? `behind · last index ${v.lastIndex}` : compacted && gap > 2 ? 'snapshot' : '';
      spacer.title = compacted ? `compacted into a snapshot up to index ${v.snapIndex} (term ${v.snapTerm})` : '';
    }
    if (gap > 0) placeAt(spacer, e.c, 'sp', lo);
    const cells = slide(e.tr, a, b, newCell, assignCell);
    for (const it of cells) {
      const [, term, cmd] = v.log[it.idx - first];
      // Committed and known so by this node; committed in the cluster but not known here
      // (a node's commit index is volatile: a crashed or restarted node has lost it); or not
      // committed (yet).
      const committed = v.up && it.idx <= v.commit ? 'true' : it.idx <= (v.committedHeld ?? 0) ? 'held' : 'false';
      fillCell(it, term, cmd, committed, it.idx === v.snapIndex + 1 && v.snapIndex > 0);
    }
    const kv = v.kv.map(([k, val]) => `${k}=${val}`).join(' ');
    const kvText = v.up ? kv || '—' : '(down: lost)';
    if (e.c.kv !== kvText) {
      e.c.kv = kvText;
      e.kv.textContent = kvText;
      e.kv.title = kvText;
    }
  }

  let cursor = 0;

  /**
   * The rows the next update will redraw, at most `maxRows` (a large cluster spreads its
   * rows over several draws): rows just come into view first, then the rows in view,
   * round-robin; none with `whenSeen` (the cluster runs) while the box is out of view.
   * A frame need carry the logs of these nodes only.
   */
  function plan(n, maxRows = Infinity, whenSeen = false) {
    if (n !== count) return Array.from({ length: n }, (_, i) => i + 1);
    if (whenSeen && !boxInView()) return [];
    const ids = [];
    for (let id = 1; id <= n; id++) {
      const e = rows[id];
      if (e.fresh && e.visible) {
        e.fresh = false;
        ids.push(id);
      }
    }
    let done = 0;
    for (let i = 0; i < n && done < maxRows; i++) {
      const id = cursor + 1;
      cursor = (cursor + 1) % n;
      if (!rows[id].visible || ids.includes(id)) continue;
      ids.push(id);
      done++;
    }
    return ids;
  }

  /** Redraws the rows `ids` (by default, as `plan` picks them) from frame `f`. */
  function update(f, ids = plan(f.nodes.length)) {
    if (f.nodes.length !== count) layout(f.nodes.length);
    let hi = 0;
    for (const v of f.nodes) if (v.lastIndex > hi) hi = v.lastIndex;
    lo = Math.max(1, hi - STRIP_COLS + 1);
    const b = lo - (lo % STRIP_BASE_STEP);
    if (b !== base) {
      // Everything is placed relative to the base: moving it places every row anew.
      base = b;
      for (let id = 1; id <= count; id++) {
        rows[id].sig = [];
        rows[id].c = {};
      }
    }
    updateRuler();
    let leader = f.leader ? f.nodes[f.leader - 1] : null;
    if (leader && leader.role !== 'leader') leader = null;
    for (const id of ids) {
      const v = f.nodes[id - 1];
      if (v) updateRow(v, leader);
    }
  }

  /** The state column is `px` wide: the leader's view is written anew to fit it. */
  function setMetaWidth(px) {
    if (px === metaPx) return;
    metaPx = px;
    for (let id = 1; id <= count; id++) rows[id].c.pm = undefined;
  }

  return { layout, plan, update, setSelected, setMetaWidth, rowElement: (id) => rows[id]?.row };
}

