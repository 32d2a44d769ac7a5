// The guided tour: chapters of narration, each a scenario file (scenarios/tour/N-id.txt)
// that the real core plays in a <raft-cluster>. Every `pause "…"` line of a chapter is a
// step; the `expect` lines just before it state what that step shows, and the native test
// suite checks them (cargo test -p raft-sim --test scenarios).
//
// Deep links: tour.html#tour/<chapter>/<step>, e.g. #tour/election/3. Loading one goes
// straight to that step's exact state (Sim.gotoStep: the run rebuilt from the script and
// played instantly to that pause), and Back does the same for the step before, so the
// cluster is exactly what a reader who got there by Continue saw. Continue plays the next
// step's lines at the tour's speed and stops at its pause.
//
// Figures: a step may come with a drawing, shown under its narration. A comment line
// `# figure: NAME` before a step's `pause` (after the previous step's pause) names it, and
// tour.html holds the drawing as `<figure id="figure-NAME" class="tour-figure" hidden>` in
// #tour-figures (a static inline SVG with role="img" and a text alternative, and a
// caption). The scenario language ignores the comment; the tour shows the figure of the
// step whose narration is shown and hides every other one.

import './raft-cluster.js';
import { bringIntoView } from './raft-compare.js';

export const CHAPTERS = [
  { id: 'consensus', file: '1-consensus.txt', title: 'What consensus is' },
  { id: 'election', file: '2-election.txt', title: 'Leader election' },
  { id: 'split-votes', file: '3-split-votes.txt', title: 'Split votes and randomized timeouts' },
  { id: 'replication', file: '4-replication.txt', title: 'Log replication and commitment' },
  { id: 'recovery', file: '5-recovery.txt', title: 'A leader crashes: recovery' },
  { id: 'partitions', file: '6-partitions.txt', title: 'Network partitions' },
  { id: 'prevote', file: '7-prevote.txt', title: 'Pre-vote and check-quorum' },
  { id: 'snapshots', file: '8-snapshots.txt', title: 'Log compaction and snapshots' },
  { id: 'membership', file: '9-membership.txt', title: 'Membership changes' },
];
const TOUR_SPEED = '0.3';

const $ = (id) => document.getElementById(id);

/** The narration of each `pause "…"` line of a script, in order. */
export function pauseTexts(script) {
  const out = [];
  for (const line of script.split('\n')) {
    const m = /^\s*(?:at\s+\S+\s+)?pause\s+"((?:[^"\\]|\\.)*)"/.exec(line);
    if (m) out.push(m[1].replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', r: '' }[c] ?? c)));
  }
  return out;
}

const PAUSE = /^\s*(?:at\s+\S+\s+)?pause\s+"/;

/**
 * What each step names with `# KEY: VALUE` comments before its pause, or null, in order:
 * `# figure: NAME` (a drawing in tour.html) and `# compare: CHANGE at TIME` (the same run
 * with a setting changed from TIME on, side by side: a <raft-compare>).
 */
export function pauseNotes(script, key) {
  const out = [];
  let named = null;
  const re = new RegExp(`^\\s*#\\s*${key}:\\s*(.+?)\\s*$`, 'i');
  for (const line of script.split('\n')) {
    const f = re.exec(line);
    if (f) named = f[1];
    else if (PAUSE.test(line)) {
      out.push(named);
      named = null;
    }
  }
  return out;
}

/**
 * How the chapter shows its cluster, from `# KEY: VALUE` lines before its first pause:
 * `# view: both` (or `diagram`) and `# diagram-window: SECONDS`, read as the element's
 * attributes of those names. A chapter whose story is in the order of messages (split
 * votes, pre-vote) shows the space-time diagram beside the cluster. Returns
 * {view, 'diagram-window'}: the cluster alone and the element's default window when the
 * chapter names none.
 */
export function chapterLook(script) {
  const look = { view: 'cluster', 'diagram-window': null };
  for (const line of script.split('\n')) {
    if (PAUSE.test(line)) break;
    const m = /^\s*#\s*(view|diagram-window):\s*(\S+)/i.exec(line);
    if (m) look[m[1].toLowerCase()] = m[2];
  }
  return look;
}

/** The figure named for each step (the first word after `figure:`; a remark may follow),
 *  or null, in order. */
export function pauseFigures(script) {
  return pauseNotes(script, 'figure').map((n) => (n ? n.split(/\s+/)[0].toLowerCase() : null));
}

/** The comparison each step offers ({change, at}: `# compare: prevote off at 600ms`), or
 *  null, in order. */
export function pauseCompares(script) {
  return pauseNotes(script, 'compare').map((n) => {
    const m = n && /^(.+?)(?:\s+at\s+(\S+))?$/.exec(n);
    return m ? { change: m[1], at: m[2] ?? null } : null;
  });
}

/** The chapter played straight through (its pauses left out), for a comparison. */
function withoutPauses(script) {
  return script.split('\n').filter((l) => !PAUSE.test(l)).join('\n');
}

/** Parses "#tour/<chapter>/<step>" into {ci, step} (step may be NaN); null if not a tour link. */
export function parseHash(hash) {
  const m = /^#tour\/([a-z0-9-]+)(?:\/(\d+))?\/?$/i.exec(hash || '');
  if (!m) return null;
  const ci = CHAPTERS.findIndex((c) => c.id === m[1].toLowerCase());
  return { ci, id: m[1], step: m[2] ? Number(m[2]) : 1 };
}

const texts = new Map();
function chapterText(ci) {
  if (!texts.has(ci)) {
    const p = fetch(`scenarios/tour/${CHAPTERS[ci].file}`).then((r) => {
      if (!r.ok) throw new Error(`scenarios/tour/${CHAPTERS[ci].file}: HTTP ${r.status}`);
      return r.text();
    });
    p.catch(() => texts.delete(ci));
    texts.set(ci, p);
  }
  return texts.get(ci);
}

// ---------------------------------------------------------------------------------------
// State: which chapter; everything else is read from the element's script state.
// ---------------------------------------------------------------------------------------

let el = null;        // the <raft-cluster>
let ci = -1;          // the chapter shown
let pauses = [];      // its narration, by step - 1
let figures = [];     // the figure of each step (a name, or null), by step - 1
let compares = [];    // the comparison each step offers ({change, at}, or null), by step - 1
let chapterScript = '';
let nav = 0;          // a token: a newer navigation wins over one still loading
let notice = '';      // a message about a bad link (a text, or {text, guess})
let lastHash = '';

async function ensureElement(text) {
  if (!el) {
    el = document.createElement('raft-cluster');
    el.id = 'tour-cluster';
    el.setAttribute('controls', 'full');
    el.setAttribute('narration', 'none');
    el.setAttribute('speed', TOUR_SPEED);
    el.setAttribute('scenario', text);
    showLook(text);
    $('tour-stage').appendChild(el);
    el.addEventListener('raft-script', render);
    el.addEventListener('raft-step', render);
    el.addEventListener('raft-offscript', render);
    await el.ready;
  } else {
    await el.setScenario(text);
  }
}

/** The element takes chapter `text`'s look (chapterLook): a new chapter shows its own view
 *  and window; the reader may change them within the chapter. */
function showLook(text) {
  for (const [name, value] of Object.entries(chapterLook(text))) {
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  }
}

/**
 * Shows chapter `c` at step `step` ('last' for its last step). `animate`: play the
 * chapter from its start up to step 1 instead of jumping there.
 */
async function go(c, step, { animate = false } = {}) {
  const token = ++nav;
  let text;
  try {
    text = await chapterText(c);
  } catch (e) {
    showError(`Could not load chapter "${CHAPTERS[c].id}": ${e.message}`);
    return;
  }
  if (token !== nav) return;
  const p = pauseTexts(text);
  const k = step === 'last' ? p.length : Math.max(1, Math.min(p.length, step));
  const fresh = c !== ci || !el;
  ci = c;
  pauses = p;
  figures = pauseFigures(text);
  compares = pauseCompares(text);
  chapterScript = text;
  if (fresh) {
    await ensureElement(text);
    if (token !== nav) return;
    showLook(text);
  }
  if (token !== nav) return;
  if (animate) {
    // From the chapter's start: it plays up to step 1 (a chapter whose first pause is at
    // time 0 is there at once, paused).
    if (!fresh) el.restart();
  } else {
    el.gotoStep(k);
  }
  renderChapters();
  render();
}

function showError(text) {
  $('tour-text').replaceChildren(paragraph(text, 'tour-error'));
}

/** What tells a control of the narration from the others, kept across a re-render. */
function controlKey(c) {
  return `${c.tagName}|${c.className}|${c.getAttribute('href') ?? ''}|${c.textContent}`;
}

/** A notice about the link: its text, and where it names a chapter it guessed, a link to
 *  it ({text, guess: {label, href}}). */
function noticeParagraph(n) {
  const p = paragraph(typeof n === 'string' ? n : n.text, 'tour-notice');
  if (n.guess) {
    const a = document.createElement('a');
    a.href = n.guess.href;
    a.textContent = n.guess.label;
    p.append(' Did you mean ', a, '?');
  }
  return p;
}

function paragraph(text, cls) {
  const p = document.createElement('p');
  if (cls) p.className = cls;
  p.textContent = text;
  return p;
}

/** The step whose narration is shown: the pause reached, or the one being played towards. */
function shownStep(s) {
  if (!s) return 1;
  if (s.waiting || s.finished) return Math.max(1, s.step);
  return Math.min(s.steps, s.step + 1);
}

function render() {
  if (!el || ci < 0) return;
  const s = el.script();
  if (!s) return;
  const ch = CHAPTERS[ci];
  const k = shownStep(s);
  const playing = !s.waiting && !s.finished;
  $('chapter-title').textContent = `${ci + 1}. ${ch.title}`;
  const back = s.lookingBack ? ` · looking back (the chapter is at step ${s.lookingBack})` : '';
  $('tour-where').textContent = `Chapter ${ci + 1} of ${CHAPTERS.length} · step ${k} of ${s.steps}${playing ? ' · playing…' : ''}${back}`;
  const box = $('tour-text');
  const nodes = [];
  if (notice) nodes.push(noticeParagraph(notice));
  // While a step plays, its text waits for the state it describes: the last step reached
  // stays (dimmed) until the cluster gets there.
  const shownIdx = playing ? s.step : k;
  const shown = playing ? (s.step >= 1 ? pauses[s.step - 1] : 'Watch the cluster: the chapter plays up to its first stop.') : pauses[k - 1];
  nodes.push(narrationParagraph(shown ?? s.text ?? ''));
  showFigure(shownIdx >= 1 ? figures[shownIdx - 1] : null);
  const offer = shownIdx >= 1 ? compares[shownIdx - 1] : null;
  showCompare(offer);
  if (offer) nodes.push(compareOffer(offer));
  const lastOfAll = ci === CHAPTERS.length - 1 && k >= s.steps && !playing;
  if (lastOfAll) {
    const end = paragraph('That is the end of the tour. ');
    const a = document.createElement('a');
    a.href = 'index.html';
    a.textContent = 'Play with a cluster of your own';
    end.append(a, document.createTextNode(', or '));
    const d = document.createElement('a');
    d.href = 'docs.html';
    d.textContent = 'put one in your own page';
    end.append(d, document.createTextNode('.'));
    end.className = 'tour-end';
    nodes.push(end);
  }
  if (s.failures.length || s.error) {
    nodes.push(paragraph(`The core disagrees with this step's text: ${[...s.failures, s.error].filter(Boolean).join('; ')}`, 'tour-error'));
  }
  box.classList.toggle('playing', playing);
  // The narration is written anew: a link or button of it with the focus gives it to the
  // same one in the new text (not to <body>).
  const active = document.activeElement;
  const kept = active && active !== box && box.contains(active) ? controlKey(active) : null;
  box.replaceChildren(...nodes);
  if (kept) [...box.querySelectorAll('a, button')].find((c) => controlKey(c) === kept)?.focus({ preventScroll: true });
  // "Back to the script" goes once used: the focus on it goes to Continue.
  const off = $('tour-offscript');
  const offHad = off.contains(document.activeElement);
  off.hidden = !el.offScript;
  if (offHad && off.hidden) $('tour-continue').focus({ preventScroll: true });
  // Back on the first step of the tour, and Continue on its last, are disabled: the focus
  // on one of them goes on to the next thing to do, never to <body>: from Back to
  // Continue; from Continue to the end's "Play with a cluster of your own" (or to Back).
  const backB = $('tour-back'), contB = $('tour-continue');
  const was = document.activeElement;
  backB.disabled = ci === 0 && k <= 1;
  contB.disabled = lastOfAll;
  if (was === backB && backB.disabled) (contB.disabled ? null : contB)?.focus({ preventScroll: true });
  if (was === contB && contB.disabled) (box.querySelector('.tour-end a') ?? (backB.disabled ? null : backB))?.focus({ preventScroll: true });
  $('tour-continue').classList.toggle('next-chapter', !playing && k >= s.steps && !lastOfAll);
  $('tour-continue').title = !playing && k >= s.steps && !lastOfAll
    ? `Next chapter: ${CHAPTERS[ci + 1].title} (→)`
    : playing ? 'Skip to the end of this step (→)' : 'Play the next step (→)';
  const hash = `#tour/${ch.id}/${k}`;
  $('step-link').href = hash;
  $('chapter-src').href = `scenarios/tour/${ch.file}`;
  if (location.hash !== hash) {
    lastHash = hash;
    history.replaceState(null, '', hash);
  }
  document.title = `${ch.title} (${k}/${s.steps}) · Raft Live tour`;
  for (const a of document.querySelectorAll('#chapters a')) {
    if (Number(a.dataset.ci) === ci) a.setAttribute('aria-current', 'step');
    else a.removeAttribute('aria-current');
  }
  showCurrentChapter();
}

/**
 * Where the chapters are one line that scrolls sideways (a narrow screen), scrolls that
 * line (and only it, not the page) so the current chapter is in the middle of it; once per
 * chapter, so a reader scrolling the line is not fought.
 */
let chapterShown = -1;
function showCurrentChapter() {
  if (chapterShown === ci) return;
  const ol = $('chapters');
  const a = ol.querySelector(`a[data-ci="${ci}"]`);
  if (!a) return;
  chapterShown = ci;
  if (ol.scrollWidth <= ol.clientWidth) return;
  const box = ol.getBoundingClientRect();
  const item = a.getBoundingClientRect();
  ol.scrollTo({ left: ol.scrollLeft + item.left - box.left - (ol.clientWidth - item.width) / 2 });
}

/**
 * The parts of the cluster the narration names, far below it on most screens: the first
 * mention of each becomes a button that scrolls it into view.
 */
const PANELS = [
  { re: /\bstrips?\b/i, name: 'logs', what: 'the log strips' },
  { re: /\bevent log\b/i, name: 'events', what: 'the event log' },
];

/** A step's narration, with each panel it names a button that shows it. */
function narrationParagraph(text) {
  const p = paragraph('');
  const found = [];
  for (const panel of PANELS) {
    const m = panel.re.exec(text);
    if (m) found.push({ at: m.index, word: m[0], panel });
  }
  found.sort((x, y) => x.at - y.at);
  let from = 0;
  for (const { at, word, panel } of found) {
    if (at < from) continue;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'tour-link';
    b.textContent = word;
    b.title = `Show ${panel.what}`;
    b.addEventListener('click', () => el?.showPanel(panel.name));
    p.append(text.slice(from, at), b);
    from = at + word.length;
  }
  p.append(text.slice(from));
  return p;
}

/** Under the narration of a step that offers a comparison: a button that opens it and
 *  brings it into view (it sits under the cluster, far below on most screens). */
function compareOffer(c) {
  const p = paragraph('', 'tour-offer');
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'tour-offer-go';
  const code = document.createElement('code');
  code.textContent = c.at ? `${c.change} from ${c.at}` : c.change;
  const arrow = document.createElement('span');
  arrow.setAttribute('aria-hidden', 'true');
  arrow.textContent = ' ↓';
  b.append('Compare this run with ', code, arrow);
  b.addEventListener('click', goToCompare);
  p.append(b);
  return p;
}

let stopFollowing = () => {};
/** Opens the step's comparison and scrolls to it, following it while its runs lay out. */
function goToCompare() {
  const box = $('tour-compare');
  box.open = true;
  openCompare();
  const cmp = $('tour-compare-body').querySelector('raft-compare');
  box.querySelector('summary').focus({ preventScroll: true });
  stopFollowing();
  if (cmp) stopFollowing = bringIntoView(box, cmp);
  else box.scrollIntoView({ block: 'start' });
}

/**
 * Offers the step's comparison (null: none) as a closed box; opened, it runs the chapter
 * straight through twice, the second run changed from the given time on, side by side.
 * Nothing runs until the reader opens it.
 */
function showCompare(c) {
  const box = $('tour-compare');
  const key = c ? `${ci}|${c.change}|${c.at}` : '';
  box.hidden = !c;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.open = false;
  stopFollowing();
  $('tour-compare-body').replaceChildren();
  if (!c) return;
  $('tour-compare-what').textContent = c.at ? `${c.change}, from ${c.at} on` : c.change;
}

function openCompare() {
  const box = $('tour-compare');
  const body = $('tour-compare-body');
  if (!box.open || body.firstChild) return;
  const [, change, at] = box.dataset.key.split('|');
  const cmp = document.createElement('raft-compare');
  cmp.setAttribute('scenario', withoutPauses(chapterScript));
  cmp.setAttribute('change', change);
  if (at !== 'null') cmp.setAttribute('change-at', at);
  cmp.setAttribute('narration', 'none');
  // The chapter's look: with the diagram, each run's marks where the two part.
  for (const name of ['view', 'diagram-window']) {
    const v = el.getAttribute(name);
    if (v !== null) cmp.setAttribute(name, v);
  }
  // Twice the tour's pace: the runs part within a few seconds of opening.
  cmp.setAttribute('speed', '0.2');
  body.appendChild(cmp);
}

/** Shows the figure called `name` (null: none) and hides the others. */
function showFigure(name) {
  let any = false;
  for (const f of document.querySelectorAll('#tour-figures > .tour-figure')) {
    f.hidden = f.id !== `figure-${name}`;
    any ||= !f.hidden;
  }
  $('tour-figures').hidden = !any;
}

function renderChapters() {
  const ol = $('chapters');
  if (ol.childElementCount) return;
  CHAPTERS.forEach((ch, i) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#tour/${ch.id}/1`;
    a.dataset.ci = String(i);
    a.textContent = ch.title;
    a.addEventListener('click', (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      notice = '';
      go(i, 1, { animate: true });
    });
    li.appendChild(a);
    ol.appendChild(li);
  });
}

// ---------------------------------------------------------------------------------------
// Back, Continue, keys, links
// ---------------------------------------------------------------------------------------

function next() {
  if (!el) return;
  const s = el.script();
  if (!s) return;
  notice = '';
  const k = shownStep(s);
  const playing = !s.waiting && !s.finished;
  if (playing) {
    // Impatient: the end of this step at once.
    el.gotoStep(k);
  } else if (k >= s.steps) {
    if (ci < CHAPTERS.length - 1) go(ci + 1, 1, { animate: true });
  } else {
    el.continueScript();
    showStage();
  }
  render();
}

/** Brings the cluster into view when it is out of it (the reader went down to the
 *  comparison): out of view it does not run, and the step would wait there unseen. */
function showStage() {
  stopFollowing(); // the comparison, brought into view, no longer pulls the page back
  const r = el.getBoundingClientRect();
  if (r.bottom < 40 || r.top > innerHeight - 40) el.scrollIntoView({ block: 'start' });
}

function back() {
  if (!el) return;
  const s = el.script();
  if (!s) return;
  notice = '';
  const k = shownStep(s);
  if (k > 1) el.gotoStep(k - 1);
  else if (ci > 0) go(ci - 1, 'last');
  render();
}

$('tour-continue').addEventListener('click', next);
$('tour-compare').addEventListener('toggle', openCompare);
$('tour-back').addEventListener('click', back);
$('tour-toscript').addEventListener('click', () => {
  el?.backToScript();
  render();
});

document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || ev.shiftKey) return;
  if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
  // The real target, inside the element's shadow root too: a slider or a text field
  // keeps its arrow keys.
  const t = ev.composedPath()[0];
  const tag = t && t.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t?.isContentEditable) return;
  // A dialog of the cluster's (help, partition, export) is open: the step stays.
  if (el?.dialogOpen) return;
  ev.preventDefault();
  if (ev.key === 'ArrowRight') next();
  else back();
});

function fromHash({ initial = false } = {}) {
  const h = location.hash;
  if (!initial && h === lastHash) return;
  lastHash = h;
  const link = parseHash(h);
  if (!link) {
    if (initial) {
      notice = h && h !== '#' ? `"${h}" is not a step of the tour; starting at the beginning.` : '';
      go(0, 1, { animate: true });
    }
    return;
  }
  if (link.ci < 0) {
    // The chapter named as its file is (7-prevote) or by its number (7): offered, not
    // taken, so the link's author sees the link is wrong.
    const m = /^(\d+)(?:-(.*))?$/.exec(link.id);
    const gi = m ? (m[2] ? CHAPTERS.findIndex((c) => c.id === m[2].toLowerCase()) : Number(m[1]) - 1) : -1;
    const guess = CHAPTERS[gi] ? { label: `#tour/${CHAPTERS[gi].id}/${link.step}`, href: `#tour/${CHAPTERS[gi].id}/${link.step}` } : null;
    notice = {
      text: `There is no chapter "${link.id}" (in the link "${h}"): the chapters are ${CHAPTERS.map((c) => c.id).join(', ')}. Starting at the beginning.`,
      guess,
    };
    go(0, 1, { animate: true });
    return;
  }
  notice = '';
  chapterText(link.ci).then((text) => {
    const n = pauseTexts(text).length;
    if (!(link.step >= 1 && link.step <= n)) {
      notice = `Chapter "${link.id}" has steps 1 to ${n}; showing step ${Math.max(1, Math.min(n, link.step || 1))}.`;
    }
  }).catch(() => {});
  go(link.ci, link.step);
}

window.addEventListener('hashchange', () => fromHash());
renderChapters();
fromHash({ initial: true });

// For tests: the element and where the tour is.
window.raftTour = {
  get element() { return el; },
  get chapter() { return ci >= 0 ? CHAPTERS[ci].id : null; },
  step() { return el && el.script() ? shownStep(el.script()) : 0; },
};
