// The import page (import.html): a real cluster's logs, pasted or dropped, read in a worker
// (import-worker.js) and shown in the views the playground has: the space-time diagram of
// its messages (the same view, fed from the imported history instead of a running
// simulator), the summary an operator pastes into a ticket, Fabric's metrics from the
// lines, the lines not read with where they are, and a replay of the story in the
// playground.

import { createDiagramView, describeArrow } from './views/diagram.js';
import { createTip } from './views/tip.js';
import { htmlEl, saveText, svgEl } from './dom.js';

const $ = (id) => document.getElementById(id);
const EXAMPLE = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'].map((n) => `examples/logs/old-leader-returns/${n}.log`);

/** What is to be read: [{name, file} | {name, text}]. */
let inputs = [];
let pasted = 0;      // pasted blocks so far: each is numbered anew, never reusing a number
const TIP_NOTE = 'as the logs tell it: times of the lines';
const SUMMARY_SHOWN = 400;
const ELECTIONS_LISTED = 500; // elections offered in the menu (days of flapping have thousands) // lines of the summary shown (all are copied)
let outcome = null;
let busy = false;
let readDecimal = false; // the last read's "node ids in decimal"

const worker = new Worker(new URL('./import-worker.js', import.meta.url), { type: 'module' });
let asked = 0;
const waiting = new Map();
/** Asks the worker for a diagram window or an export; resolves with its answer. */
function ask(type, from, to) {
  const id = ++asked;
  worker.postMessage({ type, id, from, to });
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

worker.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'progress') {
    const p = $('imp-progress');
    p.max = Math.max(1, m.total);
    p.value = m.done;
    $('imp-status').textContent = `${mb(m.done)} of ${mb(m.total)} read…`;
  } else if (m.type === 'done') {
    finished(m.outcome, m.skipped ?? []);
  } else if (m.type === 'reply' || (m.type === 'error' && waiting.has(m.id))) {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.type === 'reply') w?.resolve(m.value); else w?.reject(new Error(m.message));
  } else if (m.type === 'error') {
    clearOut();
    fail(`The logs could not be read: ${m.message}`);
  }
};
worker.onerror = (e) => fail(`The log reader stopped: ${e.message || 'it could not start'}`);

const mb = (n) => (n < 1e3 ? `${n} B` : n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`);

/** Hides what an earlier read showed (the worker no longer holds it). */
function clearOut() {
  outcome = null;
  cache = null;
  shows++;
  $('imp-out').hidden = true;
}

function fail(text) {
  busy = false;
  $('imp-read').removeAttribute('aria-disabled');
  $('imp-progress').hidden = true;
  $('imp-status').textContent = '';
  say(text);
}

/** Shows `text` as the page's error (a read under way goes on). */
function say(text) {
  const e = $('imp-error');
  e.textContent = text;
  e.hidden = false;
}

// --- the inputs ------------------------------------------------------------------------

function renderList() {
  const list = $('imp-list');
  list.replaceChildren();
  if (inputs.length === 0) htmlEl('li', 'hint', list, 'Nothing yet: add a file or paste a block.');
  inputs.forEach((inp, i) => {
    const li = htmlEl('li', '', list);
    htmlEl('span', 'imp-name', li, inp.name);
    const size = inp.file ? inp.file.size : new TextEncoder().encode(inp.text).length;
    htmlEl('span', 'hint', li, ` ${mb(size)}`);
    const rm = htmlEl('button', 'imp-rm', li, 'Remove');
    rm.type = 'button';
    rm.setAttribute('aria-label', `Remove ${inp.name}`);
    rm.addEventListener('click', () => {
      inputs.splice(i, 1);
      renderList();
      // The focus stays in the list: on the Remove that took this one's place, or the last.
      const rms = $('imp-list').querySelectorAll('.imp-rm');
      (rms[Math.min(i, rms.length - 1)] ?? $('imp-files')).focus();
    });
  });
}

/** `name`, or with a number after it when an input has it already: a browser gives a file's
 *  name without its folder, and every member's log may be called `etcd.log`. */
function uniqueName(name) {
  const taken = new Set(inputs.map((i) => i.name));
  if (!taken.has(name)) return name;
  let k = 2;
  while (taken.has(`${name} (${k})`)) k++;
  return `${name} (${k})`;
}

function addFiles(files) {
  const empty = [];
  for (const file of files) {
    if (file.size === 0) empty.push(file.name);
    // A folder dropped or chosen names each file by its path in it.
    else inputs.push({ name: uniqueName(file.webkitRelativePath || file.name), file });
  }
  $('imp-error').hidden = true;
  renderList();
  // An empty file is not added (there is nothing in it to read); the others are.
  if (empty.length) say(`${empty.join(', ')} ${empty.length === 1 ? 'is' : 'are'} empty: nothing to read there${empty.length < files.length ? ' (the other files are added)' : ''}.`);
}

$('imp-files').addEventListener('change', (ev) => { addFiles(ev.target.files); ev.target.value = ''; });
const drop = $('imp-drop');
drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  if (ev.dataTransfer?.files?.length) addFiles(ev.dataTransfer.files);
});
$('imp-add-paste').addEventListener('click', () => {
  const box = $('imp-paste');
  const text = box.value;
  if (!text.trim()) {
    // (A read under way goes on.)
    say('The paste box is empty: paste one node\'s log lines first.');
    box.focus();
    return;
  }
  inputs.push({ name: `pasted block ${++pasted}`, text });
  box.value = '';
  $('imp-error').hidden = true;
  renderList();
});
$('imp-example').addEventListener('click', async () => {
  if (busy) {
    say('A read is under way: the example can be tried once it is done.');
    return;
  }
  try {
    const texts = await Promise.all(EXAMPLE.map(async (u) => {
      const r = await fetch(u);
      if (!r.ok) throw new Error(`${u}: ${r.status}`);
      return r.text();
    }));
    // The operator's own inputs are kept aside, not lost: Remove the example's to read them.
    if (busy) return; // a read began while the example was fetched
    // Set aside with what an earlier example set aside.
    const own = [...(kept ?? []), ...inputs.filter((i) => !i.example)];
    inputs = texts.map((text, i) => ({ name: EXAMPLE[i].split('/').pop(), text, example: true }));
    renderList();
    read();
    if (own.length) {
      kept = own;
      $('imp-restore').hidden = false;
      $('imp-restore').textContent = `Back to your ${own.length} input${own.length === 1 ? '' : 's'} (set aside for the example)`;
    }
  } catch (e) {
    fail(`The example could not be loaded (${e.message}).`);
  }
});
$('imp-read').addEventListener('click', () => read());
let kept = null;     // the operator's own inputs, set aside while the example is shown
$('imp-restore').addEventListener('click', () => {
  if (busy || !kept) return;
  inputs = kept;
  kept = null;
  $('imp-restore').hidden = true;
  clearOut();
  renderList();
  $('imp-status').textContent = 'Your inputs are back: read them with Read the logs.';
  // The button is gone: the focus goes to the next thing to do, not to the page.
  $('imp-read').focus();
});

function read() {
  if (busy) return;
  if (inputs.length === 0) {
    fail('Nothing to read: drop or choose log files, or paste a node\'s lines and add them.');
    return;
  }
  busy = true;
  clearOut();
  $('imp-error').hidden = true;
  // Marked, not disabled: a disabled button would drop the keyboard's focus to the page.
  $('imp-read').setAttribute('aria-disabled', 'true');
  $('imp-progress').hidden = false;
  $('imp-progress').value = 0;
  $('imp-status').textContent = 'Reading…';
  readDecimal = $('imp-decimal').checked;
  worker.postMessage({ type: 'import', inputs, channel: $('imp-channel').value, decimal: readDecimal });
}

// --- what the lines say -----------------------------------------------------------------

/** A summary too long to show whole: its head, and its findings (time without a leader,
 *  quorum lost, restarts, configurations, disruptive nodes), which follow the terms'
 *  campaigns at its end; the terms between are left to Copy. */
function shortSummary(lines) {
  let k = lines.length;
  while (k > 0 && !/^(term \d|\s)/.test(lines[k - 1])) k--;
  let tail = lines.slice(k).filter((l) => l !== '');
  if (tail.length > SUMMARY_SHOWN / 2) tail = [...tail.slice(0, SUMMARY_SHOWN / 2), `… ${tail.length - SUMMARY_SHOWN / 2} more: Copy takes them.`];
  const head = lines.slice(0, SUMMARY_SHOWN - tail.length);
  const left = k - head.length;
  if (left <= 0) return lines.slice(0, SUMMARY_SHOWN).join('\n');
  return [...head, `… ${left} more lines of the terms' campaigns: Copy takes the whole summary. What stands out:`, ...tail].join('\n');
}

/** The worker's outcome; `skipped`: [[name, why]], the files it could not read (and the
 *  outcome's `notText`, those that are not text logs, are added to them). */
function finished(o, skipped) {
  busy = false;
  outcome = o;
  $('imp-read').removeAttribute('aria-disabled');
  $('imp-progress').hidden = true;
  const lanes = o.lanes.length;
  skipped = [...skipped, ...o.notText];
  const took = inputs.length - skipped.length;
  $('imp-status').textContent = `${o.read} line${o.read === 1 ? '' : 's'} read from ${took} input${took === 1 ? '' : 's'}, ${lanes} node${lanes === 1 ? '' : 's'}${o.unreadCount ? `, ${o.unreadCount} not read (listed below)` : ''}${o.otherCount ? `, ${o.otherCount} of other components (not raft's: counted, not listed)` : ''}${o.chainCount ? `, ${o.chainCount} of Fabric's chain (blocks written, the leader followed: counted, not listed)` : ''}.`;
  const skip = skipped.map(([name, why]) => `${name} was skipped: ${why.replace(/[.\s]+$/, '')}.`).join(' ');
  // Several channels: the reader picks one (the lines of each are a cluster of its own).
  const sel = $('imp-channel');
  if (o.channels.length > 1 || sel.options.length > 1) {
    const keep = sel.value;
    sel.replaceChildren();
    // Channels are never merged (each is its own raft group): without a choice the
    // importer reads the one with the most raft lines.
    const all = htmlEl('option', '', sel, 'the busiest channel');
    all.value = '';
    for (const c of o.channels) htmlEl('option', '', sel, c).value = c;
    sel.value = o.channels.includes(keep) ? keep : '';
    sel.disabled = false;
    if (!keep && o.channels.length > 1) $('imp-status').textContent += ` The logs hold ${o.channels.length} channels; ${o.channel ?? 'the busiest'} was read, the one with the most raft lines: pick another above and read again.`;
  }
  if (o.read === 0) {
    const status = $('imp-status').textContent;
    const lines = o.unreadCount === 1 ? '1 line was' : `${o.unreadCount} lines were`;
    // Hex ids read as decimal fail on every line that names a node.
    const decimal = readDecimal && o.unreadCount
      ? ' "Node ids in decimal" is checked: etcd writes node ids in hex; uncheck it and read again.'
      : ' Are these the logs of an etcd member or a Fabric orderer?';
    const other = (o.otherCount ? ` ${o.otherCount} line${o.otherCount === 1 ? ' is' : 's are'} other components' (not raft's).` : '')
      + (o.chainCount ? ` ${o.chainCount} line${o.chainCount === 1 ? ' is' : 's are'} Fabric's chain's (blocks written), not raft's.` : '');
    fail(`No raft line was read${o.unreadCount ? `: ${lines} not recognised (listed below)` : ''}.${other}${decimal}${skip ? ` ${skip}` : ''}`);
    $('imp-status').textContent = status;
  } else if (skip) {
    say(skip);
  }
  if (o.splitTerms.length) {
    // Said where it is seen first, not only deep in the summary: every claim below rests
    // on the lines being one cluster's.
    const terms = o.splitTerms.length > 3 ? `${o.splitTerms.slice(0, 3).join(', ')} and ${o.splitTerms.length - 3} more` : o.splitTerms.join(', ');
    say(`${skip ? `${skip} ` : ''}Term${o.splitTerms.length === 1 ? '' : 's'} ${terms} had two leaders: Election Safety broken, or these are the logs of two clusters (each with its own nodes 1, 2, …): read one cluster's logs at a time, or everything below mixes them.`);
  }
  if (o.read > 0 && readDecimal && o.unreadCount * 4 >= o.read) {
    // Hex ids read as decimal: the lines that name a node past 9 (a, b, …) are not read.
    $('imp-status').textContent += ' Many lines were not read: "Node ids in decimal" is checked, and etcd writes node ids in hex (a, b, … past 9): uncheck it and read again.';
  }
  if (o.read > 0 && !o.timed) {
    $('imp-status').textContent += ' These lines carry no times: the diagram and the figures place them a millisecond apart, in their order (their times are not real).';
  }
  // A binary, a damaged gzip: nothing read and no line to list, so nothing to show below.
  $('imp-out').hidden = o.read === 0 && o.unreadCount === 0;
  // Nothing read: no summary, diagram or metrics to show, only the lines that were not read.
  const nothing = o.read === 0 || lanes === 0;
  $('imp-out').classList.toggle('nothing', nothing);
  if (nothing) $('imp-unread-d').open = true;
  // A summary of days of flapping runs to megabytes: the page shows its head, Copy takes it all.
  const lines = o.summary.split('\n');
  $('imp-summary').textContent = lines.length > SUMMARY_SHOWN ? shortSummary(lines) : o.summary;
  const replay = $('imp-replay');
  replay.hidden = !o.scenario;
  $('imp-scenario').hidden = !o.scenario;
  if (o.scenario) replay.href = `index.html#scenario=${encodeURIComponent(o.scenario)}`;
  $('imp-no-replay').hidden = !!o.scenario;
  $('imp-no-replay').textContent = o.scenario ? '' : `No replay: ${o.noScenario}.`;
  $('imp-lanes').textContent = o.lanes.some(([lane, name]) => `${lane}` !== name)
    ? `Lanes: ${o.lanes.map(([lane, name]) => `n${lane} is ${name}`).join(', ')}.`
    : '';
  renderUnread(o);
  renderMetrics(o);
  showDiagram(o);
}

function renderUnread(o) {
  $('imp-unread-d').hidden = o.unreadCount === 0;
  $('imp-unread-s').textContent = `${o.unreadCount} line${o.unreadCount === 1 ? '' : 's'} not read${o.unreadCount > o.unread.length ? ` (the first ${o.unread.length} listed)` : ''}`;
  const ol = $('imp-unread');
  ol.replaceChildren();
  for (const [name, line, why] of o.unread) htmlEl('li', '', ol, `${name}:${line}: ${why}`);
}

/** Fabric's metrics as step lines, one row a node, on the diagram's time axis. */
function renderMetrics(o) {
  const box = $('imp-metrics');
  box.replaceChildren();
  const end = Math.max(1, o.end);
  const changes = new Map(o.leaderChanges);
  const active = new Map(o.activeNodes);
  const blocks = new Map(o.committedBlock);
  const W = 600, H = 26;
  for (const [lane, series] of o.isLeader) {
    const row = htmlEl('div', 'imp-metric', box);
    const name = o.lanes.find(([l]) => l === lane)?.[1] ?? `${lane}`;
    htmlEl('span', 'imp-metric-name', row, `node ${name}`);
    const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'imp-spark', role: 'img' }, row);
    const x = (t) => ((t / end) * W).toFixed(1);
    let d = `M0 ${H - 3}`;
    for (const [t, v] of series) d += `H${x(t)}V${v ? 3 : H - 3}`;
    d += `H${W}`;
    svgEl('path', { d, class: 'imp-spark-line' }, svg);
    const led = series.filter(([, v]) => v).length;
    svg.setAttribute('aria-label', `node ${name}: leader ${led} time${led === 1 ? '' : 's'}`);
    const last = (active.get(lane) ?? []).filter(([, v]) => v).pop();
    const block = (blocks.get(lane) ?? []).at(-1);
    // Each figure kept whole on its line ("active nodes 5", not the number alone below).
    const v = htmlEl('span', 'imp-metric-v', row);
    const parts = [`leader changes ${changes.get(lane) ?? 0}`];
    if (last) parts.push(`active nodes ${last[1]}`);
    if (block) parts.push(`committed block ${block[1]}`);
    parts.forEach((p, i) => { if (i) v.append(' · '); htmlEl('span', '', v, p); });
  }
}

// --- the diagram ------------------------------------------------------------------------

let view = null;
let cache = null;    // {from, to, data}: the last window the worker gave
let frameAt = 0;     // the time shown (µs from the first line)
const tipBox = $('imp-tip-box');
const tip = createTip(tipBox, { onDrop() {} });

/** A frame as the running element gives the view: the time, and each lane's state then. */
function frameOf(t) {
  const nodes = [];
  let leader = 0, term = 0;
  for (const l of cache?.data?.lanes ?? []) {
    let st = null;
    for (const s of l.spans) if (s[0] <= t && (s[1] < 0 || s[1] > t)) st = s;
    const role = st ? st[2] : 'follower';
    nodes[l.node - 1] = { id: l.node, up: role !== 'down', role: role === 'down' ? 'follower' : role, term: st ? st[3] : 0 };
    if (role === 'leader') leader = l.node;
    term = Math.max(term, st ? st[3] : 0);
  }
  for (let i = 0; i < (outcome?.lanes.length ?? 0); i++) nodes[i] ??= { id: i + 1, up: true, role: 'follower', term: 0 };
  return { now: t, leader, term, nodes, messages: [] };
}

let shows = 0;        // the latest ask: an answer to an older one is dropped

async function show(t) {
  if (!outcome) return;
  const mine = ++shows;
  frameAt = Math.max(0, Math.min(outcome.end, t));
  $('imp-time').value = String(Math.round(frameAt / 1000));
  $('imp-time-out').textContent = `${(frameAt / 1e6).toFixed(3)} s`;
  $('imp-time').setAttribute('aria-valuetext', `${(frameAt / 1e6).toFixed(3)} s`);
  const span = view.seconds * 1e6;
  const from = Math.max(0, frameAt - span), to = frameAt + 1;
  try {
    const data = await ask('diagram', from, to);
    if (mine !== shows) return; // the slider moved on meanwhile
    cache = { from, to, data };
    const f = frameOf(frameAt);
    view.update(f, { fresh: true });
    view.describe(f);
  } catch (e) {
    if (mine !== shows) return; // a new read began: this window is not wanted
    fail(`The diagram could not be drawn: ${e.message}`);
  }
}


/** Saves the diagram's window as `type` (svg, mermaid); a failure is said, never thrown. */
async function exported(type, name, mime) {
  try {
    if (!outcome) throw new Error('nothing imported yet');
    saveText(name, await ask(type, ...view.window()), mime);
  } catch (e) {
    say(`The diagram could not be saved: ${e.message}`);
  }
}

function showDiagram(o) {
  const box = $('imp-dg');
  if (!view) {
    view = createDiagramView(box, {
      paintWorker: new URL('./paint-worker.js', import.meta.url).href,
      fetch: () => cache?.data ?? null,
      onHover: (a, pt) => (a ? tip.show(describe(a), pt, { note: TIP_NOTE }) : tip.hide()),
      onKeyArrow: (a, pt) => (a ? tip.show(describe(a), pt, { note: TIP_NOTE }) : tip.hide()),
      onSeek: (t) => show(t),
      onWindow: () => show(frameAt),
      exportSvg: () => exported('svg', 'raft-logs.svg', 'image/svg+xml'),
      exportMermaid: () => exported('mermaid', 'raft-logs.mmd', 'text/plain'),
    });
    new ResizeObserver(() => sizeView()).observe(view.plot);
    $('imp-time').addEventListener('input', (ev) => show(Number(ev.target.value) * 1000));
    // Arrows step 10 ms (the slider's step); PageUp and PageDown 100 ms.
    $('imp-time').addEventListener('keydown', (ev) => {
      if (!outcome || (ev.key !== 'PageUp' && ev.key !== 'PageDown')) return;
      ev.preventDefault();
      show(frameAt + (ev.key === 'PageUp' ? 100e3 : -100e3));
    });
  }
  view.reset();
  view.setShown(true);
  $('imp-time').max = String(Math.ceil(o.end / 10e3) * 10);
  sizeView();
  const won = elections(o);
  const sel = $('imp-elections');
  sel.replaceChildren();
  for (const [t, lane] of won.slice(0, ELECTIONS_LISTED)) {
    const name = o.lanes.find(([l]) => l === lane)?.[1] ?? `${lane}`;
    htmlEl('option', '', sel, `${name} leads from ${(t / 1e6).toFixed(3)} s`).value = String(t);
  }
  if (won.length > ELECTIONS_LISTED) htmlEl('option', '', sel, `(the first ${ELECTIONS_LISTED} of ${won.length})`).disabled = true;
  if (won.length === 0) htmlEl('option', '', sel, 'no leader in these lines');
  sel.disabled = won.length === 0;
  // Open on the first election won: the window ends a little after the first leader.
  show(Math.min(o.end, (won[0]?.[0] ?? 0) + view.seconds * 1e6 * 0.3));
}

/** Every time a node became leader, [µs, lane], in time order (from Fabric's is_leader
 *  steps, which the worker thinned: a long log lists one per stretch of its drawing). */
function elections(o) {
  const won = [];
  for (const [lane, s] of o.isLeader) for (const [t, v] of s) if (v) won.push([t, lane]);
  return won.sort((a, b) => a[0] - b[0]);
}

$('imp-elections').addEventListener('change', (ev) => show(Number(ev.target.value) + view.seconds * 1e6 * 0.3));

function sizeView() {
  if (!view || !outcome) return;
  const n = outcome.lanes.length;
  const h = view.heightFor(n);
  view.plot.style.setProperty('height', `${h}px`);
  view.resize(view.plot.clientWidth, h);
}

/** A message as the tip shows it. */
function describe(a) {
  return { id: a.id, kind: a.kind, from: a.from, to: a.to, term: a.term, text: describeArrow(a), why: a.why };
}

$('imp-copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(outcome?.summary ?? '');
    $('imp-status').textContent = 'The summary is on the clipboard.';
  } catch {
    const r = document.createRange();
    r.selectNodeContents($('imp-summary'));
    getSelection().removeAllRanges();
    getSelection().addRange(r);
    $('imp-status').textContent = 'Selected: copy it with Ctrl+C.';
  }
});
$('imp-scenario').addEventListener('click', () => outcome?.scenario && saveText('replay.txt', outcome.scenario, 'text/plain'));

renderList();
