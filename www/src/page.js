// The playground page (index.html): <raft-cluster controls="full"> plus what is the
// page's alone: the URL (read into the element's attributes, written back as the settings
// change, so a copied link starts the same run; the actions taken are Export's), the
// keyboard shortcuts, the header (theme, help, Compare), the Compare mode (the session so
// far run twice in a <raft-compare>) and an overlay for a bug in the page's own script.
// Everything else is the element.

import { bringIntoView } from './raft-compare.js';
import { actionRefused } from './raft-cluster.js';
import { DEFAULTS, OPTION_NAMES, readQuery, readSettings, writeSettings } from './settings.js';

const el = document.getElementById('cluster');
const $ = (id) => document.getElementById(id);

// --- the URL: read once into the element, then kept up to date ------------------------

const PAGE_ONLY = new Set(['controls', 'height', 'narration']); // the page decides these
el.settingsSource = 'URL parameter';
el.keyboardHelp = true;
const read = readQuery(location.search, OPTION_NAMES.filter((n) => !PAGE_ONLY.has(n)));
// A value refused is said (the element's own words for it) and not set: the element runs
// with the default, and the URL, written from what the element took, no longer holds it
// (a copied link does not repeat the message).
const taken = new Map();
const refused = []; // [message, name]: the message goes when the reader sets that setting
for (const [k, v] of read.values) {
  const { problems } = readSettings((n) => (n === k ? v : null), { source: el.settingsSource });
  if (problems.length) refused.push(...problems.map((p) => [p, k]));
  else taken.set(k, v);
}
for (const [k, v] of taken) el.setAttribute(k, v);
let hashProblem = null;
if (location.hash.startsWith('#scenario=')) {
  try {
    el.setAttribute('scenario', decodeURIComponent(location.hash.slice('#scenario='.length).replace(/\+/g, ' ')));
  } catch {
    hashProblem = '#scenario=…: expected a URL-encoded scenario script (encodeURIComponent); it is not. Running a cluster of its own instead.';
  }
}
el.setAttribute('controls', 'full');
// The cluster alone by default (?view=both, or the View control, puts the space-time
// diagram beside it): the diagram costs a busy page as much again, measured in
// scripts/bench-page.mjs.
for (const p of read.problems) el.addNote(p);
for (const [p, k] of refused) el.addNote(p, { about: k });
if (hashProblem) el.addNote(hashProblem);
// Export links to this page: it runs a `#scenario=` link.
el.sessionLinkBase = `${location.origin}${location.pathname}`;
// Another `#scenario=` link opened in this tab (pasted, or Back) changes only the hash: the
// page is loaded again to run it, as a link opened afresh would.
const loadedHash = location.hash;
window.addEventListener('hashchange', () => {
  if (location.hash !== loadedHash && (location.hash.startsWith('#scenario=') || loadedHash.startsWith('#scenario='))) location.reload();
});

let urlTimer = 0;
function writeUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const s = el.settings;
    if (!s) return;
    const q = new URLSearchParams();
    // Settings a script decides are not repeated: the script is the run.
    const w = writeSettings({ ...s, theme: theme() === 'system' ? null : theme() });
    if (el.scenarioText) for (const k of ['nodes', 'seed', 'prevote', 'checkquorum']) delete w[k];
    for (const [k, v] of Object.entries(w)) q.set(k, v);
    if (!s.paused) q.delete('paused');
    if (taken.has('scenario-src')) q.set('scenario-src', taken.get('scenario-src'));
    const view = el.getAttribute('view');
    if (view && view !== 'cluster') q.set('view', view);
    const win = el.getAttribute('diagram-window');
    if (win && Number(win) !== DEFAULTS.diagramWindow) q.set('diagram-window', win);
    const search = q.toString();
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}${location.hash}`);
  }, 250);
}
el.addEventListener('raft-settings', writeUrl);

// --- theme --------------------------------------------------------------------------------

const darkQuery = matchMedia('(prefers-color-scheme: dark)');
const theme = () => el.getAttribute('theme') || 'system';
function effectiveTheme() {
  const t = theme();
  return t === 'system' ? (darkQuery.matches ? 'dark' : 'light') : t;
}
function applyTheme() {
  const t = theme();
  if (t === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', t);
  const dark = effectiveTheme() === 'dark';
  const b = $('theme-toggle');
  b.setAttribute('aria-pressed', String(dark));
  b.setAttribute('aria-label', 'Dark theme');
  b.title = dark ? 'Dark theme is on: switch to light (d)' : 'Light theme is on: switch to dark (d)';
}
function toggleTheme() {
  el.setAttribute('theme', effectiveTheme() === 'dark' ? 'light' : 'dark');
  applyTheme();
  writeUrl();
}
darkQuery.addEventListener('change', applyTheme);
$('theme-toggle').addEventListener('click', toggleTheme);
$('help').addEventListener('click', () => el.showHelp());
applyTheme();

// --- Compare: this session, run again twice, one of them changed -------------------------

const cmpDialog = $('compare-dialog');
const fmt = (us) => `${(us / 1e6).toFixed(3)} s`;

let resumeAfterDialog = false;
function openCompare() {
  // "Now" is the moment the dialog opened: the run waits there (and goes on if cancelled).
  resumeAfterDialog = el.playing;
  el.pause();
  const f = el.frame();
  $('compare-now').textContent = fmt(f?.now ?? 0);
  // A change to what the run already has would compare a run with itself: not offered.
  const s = el.settings ?? {};
  const same = {
    'prevote off': s.prevote === false, 'prevote on': s.prevote === true,
    'checkquorum off': s.checkquorum === false, 'checkquorum on': s.checkquorum === true,
    'loss 0.1': s.loss === 0.1, 'nodes 7': s.nodes === 7,
    'latency 50ms..150ms': s.latency === 150 && (s.latencyMin ?? Math.max(1, Math.round(s.latency / 3))) === 50,
  };
  const menu = $('compare-change');
  for (const o of menu.options) {
    o.disabled = !!same[o.value];
    o.textContent = o.textContent.replace(/ \(as the run is\)$/, '') + (o.disabled ? ' (as the run is)' : '');
  }
  if (menu.selectedOptions[0]?.disabled) menu.value = [...menu.options].find((o) => !o.disabled)?.value ?? menu.value;
  cmpDialog.showModal();
}

/** Whether a change can be made during a run (only the extensions and the network). */
const duringRun = (change) => /^(prevote|checkquorum|latency|loss|duplicate|reorder)\b/.test(change);

// Following the comparison into view until it has its height (raft-compare.js).
let stopFollowing = () => {};

cmpDialog.addEventListener('close', () => {
  if (cmpDialog.returnValue !== 'go') {
    if (resumeAfterDialog) el.play();
    return;
  }
  const change = $('compare-change').value;
  const fromNow = cmpDialog.querySelector('input[name="compare-when"]:checked').value === 'now';
  const now = el.frame()?.now ?? 0;
  const at = fromNow && duringRun(change) && now > 0 ? `${Math.round(now / 1000)}ms` : null;
  const cmp = document.createElement('raft-compare');
  // The session so far: a script's text while the run follows it, else (no script, or the
  // reader changed the scripted run) everything done, as Export gives it.
  cmp.setAttribute('scenario', el.scenarioText && !el.offScript ? el.scenarioText : el.exportScript());
  cmp.setAttribute('change', change);
  cmp.setAttribute('speed', String(el.settings?.speed ?? 0.1));
  cmp.setAttribute('narration', 'none');
  // The page's look: its theme, and the space-time diagram beside each run if it shows one.
  for (const name of ['theme', 'view', 'diagram-window']) {
    if (el.getAttribute(name)) cmp.setAttribute(name, el.getAttribute(name));
  }
  if (at) {
    cmp.setAttribute('change-at', at);
    cmp.setAttribute('start-at', at);
  }
  $('compare-what').textContent = at ? `${change}, from ${fmt(now)} on` : `${change}, from the start`;
  $('compare-body').replaceChildren(cmp);
  $('compare').hidden = false;
  stopFollowing();
  stopFollowing = bringIntoView($('compare'), cmp);
  // The dialog gave the focus back to Compare, in the header: it goes to the comparison
  // brought into view, where the next Tab reaches its runs.
  const heading = $('compare-h');
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
  if (fromNow && !at && !duringRun(change)) el.addNote(`"${change}" can only differ from the start: the comparison runs both from the start.`, { passing: true });
});

$('compare-open').addEventListener('click', openCompare);
$('compare-close').addEventListener('click', () => {
  stopFollowing();
  $('compare-body').replaceChildren();
  $('compare').hidden = true;
  $('compare-open').focus();
});

// --- keyboard shortcuts (the help dialog lists them) --------------------------------------

const SPEED_STEP = Math.log10(2);

/** The keys an input of these types acts on itself (the rest are the page's shortcuts). */
const ARROWS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'];
const OWN_KEYS = {
  range: new Set([...ARROWS, 'Home', 'End', 'PageUp', 'PageDown']),
  checkbox: new Set([' ', 'Enter']),
  radio: new Set([...ARROWS, ' ', 'Enter']),
};

/** The node a key acts on: the selected one, else `fallback` (the leader, a crashed one). */
function target(fallback) {
  if (el.selected) return el.selected;
  const f = el.frame();
  if (!f) return 0;
  if (fallback === 'leader') return f.leader;
  if (fallback === 'crashed') return f.nodes.find((v) => !v.up)?.id || 0;
  return 0;
}

function onNode(fallback, what, fn) {
  const id = target(fallback);
  if (!id) el.addNote(`Select a node first (click it, or press 1–9) to ${what}.`, { passing: true });
  else fn(id);
}

/** A node's action from a shortcut, refused with the node menu's reason where the menu
 *  offers none (a learner never campaigns). */
function actOn(op, id) {
  const why = actionRefused(el.frame(), id, op);
  if (why) el.addNote(`${why}.`, { passing: true });
  else el.command({ op, node: id });
}

function speedBy(k) {
  const s = el.settings?.speed ?? 0.1;
  el.setSpeed(10 ** (Math.log10(s) + k * SPEED_STEP));
}

// Space plays and pauses on this page, as its help says, even with a node focused (the
// number keys focus one): the element, alone in a post, opens a focused node's menu on
// Space as a button does; here Enter does. Taken before the element sees it (capture), or
// a second Space would act in the menu it opened (its first action: crash).
document.addEventListener('keydown', (ev) => {
  if (ev.key !== ' ' || ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (el.dialogOpen || cmpDialog.open) return;
  if (!ev.composedPath()[0]?.matches?.('circle.hit')) return;
  ev.preventDefault();
  ev.stopPropagation();
  el.toggle();
}, true);

document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  // Typing in a field, or a dialog open: keys are theirs. A slider, a checkbox or a radio
  // button takes only the keys it uses; the others stay the page's shortcuts.
  const t = ev.composedPath()[0];
  const tag = t.tagName;
  if (tag === 'INPUT' && OWN_KEYS[t.type]) {
    if (OWN_KEYS[t.type].has(ev.key)) return;
  } else if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable) return;
  if (el.dialogOpen || cmpDialog.open) return;
  // Space and Enter on a button (or a node, a message chip) activate it.
  if ((ev.key === ' ' || ev.key === 'Enter') && (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY' || t.getAttribute?.('role') === 'button')) return;
  const f = el.frame();
  const n = f?.nodes.length ?? el.settings?.nodes ?? 0;
  let handled = true;
  switch (ev.key) {
    case ' ': el.toggle(); break;
    case 'n': case 'N': case 'ArrowRight': el.step(); break;
    case 'ArrowLeft': el.pause(); el.seek((f?.now || 0) - 50000); break;
    case 'Home': el.pause(); el.seek(0); break;
    case 'End': el.seek(f?.horizon || 0); break;
    case '+': case '=': speedBy(1); break;
    case '-': case '_': speedBy(-1); break;
    case 'r': case 'R': el.restart(); break;
    case 'c': onNode('leader', 'crash it', (id) => el.command({ op: 'crash', node: id })); break;
    case 's': onNode('crashed', 'restart it', (id) => el.command({ op: 'restart', node: id })); break;
    case 'e': onNode(null, 'force its election timeout', (id) => actOn('campaign', id)); break;
    case 't': onNode(null, 'transfer leadership to it', (id) => actOn('transfer', id)); break;
    case 'i': onNode(null, 'isolate it', (id) => el.command({ op: 'isolate', node: id })); break;
    case 'h': el.command({ op: 'heal' }); break;
    case 'p': el.openPartition(); break;
    case 'a': el.addNode(false); break;
    case 'l': el.addNode(true); break;
    case 'm': el.openChange(); break;
    case 'q': el.request(el.selected); break;
    case 'x': el.openExport(); break;
    case 'k': openCompare(); break;
    case 'd': toggleTheme(); break;
    case '?': el.showHelp(); break;
    case '[': el.selectNode(el.selected > 1 ? el.selected - 1 : n, { focus: true }); break;
    case ']': el.selectNode(el.selected < n ? el.selected + 1 : 1, { focus: true }); break;
    case 'Escape': if (el.selected) el.selectNode(0); else handled = false; break;
    default:
      // A number selects that node and puts the focus on it (Enter then opens its menu),
      // without scrolling the page away.
      if (/^[1-9]$/.test(ev.key) && Number(ev.key) <= n) el.selectNode(Number(ev.key), { focus: true });
      else handled = false;
  }
  if (handled) ev.preventDefault();
});

// --- a bug in the page's own script: say so (it is not the simulator) ----------------------

function pageError(err) {
  // Chromium reports a ResizeObserver that had more to say in the same frame as an error
  // event; it is a notice, not a failure.
  if (/ResizeObserver loop/.test(err?.message ?? '')) return;
  const box = $('page-error');
  if (!box.hidden) return;
  $('page-error-message').textContent = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  box.hidden = false;
  $('page-error-reload').focus();
}
window.addEventListener('error', (ev) => pageError(ev.error || new Error(ev.message)));
window.addEventListener('unhandledrejection', (ev) => pageError(ev.reason));
$('page-error-reload').addEventListener('click', () => location.reload());

// For tests and the benchmark: the element and its latest frame.
window.raftLive = { el, frame: () => el.frame(), ready: el.ready, compare: () => document.querySelector('#compare-body raft-compare') };
