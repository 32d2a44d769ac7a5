// One reader for the settings a reader or an author writes: the page's URL parameters,
// <raft-cluster>'s attributes and the iframe form's URL parameters all go through
// `readSettings`, with one vocabulary, one set of defaults and one wording for problems.
//
// Defaults are the way etcd and Hyperledger Fabric run Raft: pre-vote and check-quorum on.

export const MAX_NODES = 51;     // what the simulator allows
export const CONTROL_NODES = 9;  // what the Nodes field offers (more through the URL/attribute)

export const DEFAULTS = Object.freeze({
  nodes: 5,
  seed: null,        // null: a random seed, drawn when the cluster is built
  speed: 0.1,        // simulated seconds per wall second
  prevote: true,
  checkquorum: true,
  latency: 30,       // ms, the slowest one-way delay; the fastest is a third of it
  loss: 0,           // probability a message is lost
  paused: false,
  theme: null,       // null: the reader's system theme
  controls: 'minimal',
  view: 'cluster',   // cluster, diagram (the space-time diagram) or both
  diagramWindow: 1,  // the seconds of simulated time the diagram shows (DIAGRAM_WINDOWS)
  height: null,
  narration: true,
  scenario: null,    // an inline script
  scenarioSrc: null, // a same-origin URL of a script
});

const CONTROLS = ['none', 'minimal', 'full'];
export const VIEWS = ['cluster', 'diagram', 'both'];
/** The windows the diagram offers, seconds of simulated time. */
export const DIAGRAM_WINDOWS = [0.25, 0.5, 1, 2, 5];

/** Every name the reader understands, attribute and URL parameter alike. */
export const OPTION_NAMES = ['nodes', 'seed', 'speed', 'prevote', 'checkquorum', 'latency', 'loss',
  'paused', 'theme', 'controls', 'view', 'diagram-window', 'height', 'narration', 'scenario', 'scenario-src'];

/** The names that decide the cluster itself (a change rebuilds it); the others change how
 *  it is shown or driven. */
export const CLUSTER_NAMES = ['nodes', 'seed', 'prevote', 'checkquorum', 'scenario', 'scenario-src'];

const U64_MAX = (1n << 64n) - 1n;

/** A seed the core accepts: decimal up to 2^64-1, or 0x and up to 16 hex digits. */
export function validSeed(s) {
  const t = String(s).trim();
  try {
    if (/^0x[0-9a-f]{1,16}$/i.test(t)) return true;
    return /^\d{1,20}$/.test(t) && BigInt(t) <= U64_MAX;
  } catch {
    return false;
  }
}

export const SEED_EXPECTED = 'a whole number from 0 to 18446744073709551615 (or 0x and up to 16 hex digits)';

/** on/1/true is true, off/0/false is false, anything else null. An empty value (a bare
 *  HTML attribute, `?prevote`) counts as on. */
export function parseOnOff(v) {
  const t = String(v).trim().toLowerCase();
  if (t === '' || t === '1' || t === 'on' || t === 'true') return true;
  if (t === '0' || t === 'off' || t === 'false') return false;
  return null;
}

/** A number in [lo, hi] (not an empty string), else null. */
function numberIn(x, lo, hi) {
  if (String(x).trim() === '') return null;
  const n = Number(x);
  return Number.isFinite(n) && n >= lo && n <= hi ? n : null;
}

/**
 * Reads the settings through `get(name)` (the raw string, or null when absent).
 * `source` names where they come from in messages: 'attribute' or 'URL parameter'.
 * `base` (a page's own origin for scenario-src) defaults to the document's.
 * Returns {settings, problems}: each problem a sentence naming the setting, the value, what
 * was expected and what is used instead. Unknown names are the caller's to report (it
 * knows which names it was given).
 */
export function readSettings(get, { source = 'attribute' } = {}) {
  const s = { ...DEFAULTS };
  const problems = [];
  const bad = (name, value, expected, fallback) =>
    problems.push(`${source} ${name}="${value}" is not valid: expected ${expected}. Using ${fallback}.`);
  const v = (name) => {
    const x = get(name);
    return x === null || x === undefined ? null : String(x);
  };
  let x;
  if ((x = v('nodes')) !== null) {
    const n = /^\s*\d+\s*$/.test(x) ? numberIn(x, 1, MAX_NODES) : null;
    if (n !== null) s.nodes = n;
    else bad('nodes', x, `a whole number from 1 to ${MAX_NODES}`, `the default, ${DEFAULTS.nodes}`);
  }
  if ((x = v('seed')) !== null) {
    if (validSeed(x)) s.seed = x.trim();
    else bad('seed', x, SEED_EXPECTED, 'a random seed');
  }
  if ((x = v('speed')) !== null) {
    const n = numberIn(x, 0.01, 1);
    if (n !== null) s.speed = n;
    else bad('speed', x, 'a number from 0.01 to 1 (simulated seconds per second)', `the default, ${DEFAULTS.speed}`);
  }
  for (const k of ['prevote', 'checkquorum', 'paused']) {
    if ((x = v(k)) !== null) {
      const b = parseOnOff(x);
      if (b === null) bad(k, x, 'no value, on/off, 1/0 or true/false', `the default, ${DEFAULTS[k] ? 'on' : 'off'}`);
      else s[k] = b;
    }
  }
  if ((x = v('latency')) !== null) {
    const n = numberIn(x, 1, 300);
    if (n !== null) s.latency = Math.round(n);
    else bad('latency', x, 'a number of milliseconds from 1 to 300', `the default, ${DEFAULTS.latency}`);
  }
  if ((x = v('loss')) !== null) {
    const n = numberIn(x, 0, 0.5);
    if (n !== null) s.loss = n;
    else bad('loss', x, 'a probability from 0 to 0.5', `the default, ${DEFAULTS.loss}`);
  }
  if ((x = v('theme')) !== null) {
    const t = x.trim().toLowerCase();
    if (t === 'light' || t === 'dark') s.theme = t;
    else bad('theme', x, 'light or dark', "the reader's system theme");
  }
  if ((x = v('controls')) !== null) {
    const t = x.trim().toLowerCase();
    if (CONTROLS.includes(t)) s.controls = t;
    else bad('controls', x, 'none, minimal or full', `the default, ${DEFAULTS.controls}`);
  }
  if ((x = v('view')) !== null) {
    const t = x.trim().toLowerCase();
    if (VIEWS.includes(t)) s.view = t;
    else bad('view', x, 'cluster, diagram or both', `the default, ${DEFAULTS.view}`);
  }
  if ((x = v('diagram-window')) !== null) {
    const n = numberIn(x.trim().replace(/\s*s$/i, ''), 0, 60);
    if (DIAGRAM_WINDOWS.includes(n)) s.diagramWindow = n;
    else bad('diagram-window', x, `one of ${DIAGRAM_WINDOWS.join(', ')} (seconds)`, `the default, ${DEFAULTS.diagramWindow}`);
  }
  if ((x = v('height')) !== null) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(px|em|rem|vh|svh|dvh)?\s*$/i.exec(x);
    if (m && Number(m[1]) > 0) s.height = `${m[1]}${(m[2] || 'px').toLowerCase()}`;
    else bad('height', x, 'a length such as 420, 420px, 30em or 60vh', 'the natural height');
  }
  if ((x = v('narration')) !== null) {
    const t = x.trim().toLowerCase();
    if (t === 'none' || t === 'off') s.narration = false;
    else if (t === '' || t === 'show' || t === 'on') s.narration = true;
    else bad('narration', x, 'show or none (or on/off)', 'show');
  }
  if ((x = v('scenario')) !== null && x.trim() !== '') s.scenario = x;
  if ((x = v('scenario-src')) !== null) {
    let url = null;
    try {
      url = new URL(x.trim(), document.baseURI);
    } catch { /* reported below */ }
    if (url && url.origin === location.origin && x.trim() !== '') s.scenarioSrc = url.href;
    else bad('scenario-src', x, `a URL on this page's origin (${location.origin}), e.g. scenarios/docs/partition.txt`, 'no scenario');
  }
  if (s.scenario !== null && s.scenarioSrc !== null) {
    problems.push('Both scenario and scenario-src are set: using the inline scenario.');
    s.scenarioSrc = null;
  }
  if (s.scenario !== null || s.scenarioSrc !== null) {
    const ignored = ['nodes', 'seed', 'prevote', 'checkquorum'].filter((k) => v(k) !== null);
    if (ignored.length) {
      problems.push(`${ignored.join(', ')} ${ignored.length > 1 ? 'are' : 'is'} ignored with a scenario: the script's settings (nodes, seed, prevote, checkquorum lines) decide the cluster.`);
    }
  }
  return { settings: s, problems };
}

/**
 * A page's query string read as the element's attributes (the playground and the iframe
 * form): `allowed` names pass, each once. `problems` says in the reader's words what was
 * left out: a name not understood (`noun`: what the page calls its parameters) and a name
 * given more than once with different values (the last is used, as URLSearchParams would
 * leave it to chance which one a reader takes).
 */
export function readQuery(search, allowed, noun = 'URL parameter') {
  const values = new Map();
  const seen = new Map(); // name -> every value given
  const unknown = [];
  for (const [k, v] of new URLSearchParams(search)) {
    if (!allowed.includes(k)) {
      if (!unknown.includes(k)) unknown.push(k);
      continue;
    }
    values.set(k, v);
    if (seen.has(k)) seen.get(k).push(v);
    else seen.set(k, [v]);
  }
  const problems = unknown.map((k) => `Unknown ${noun} "${k}" ignored: expected one of ${allowed.join(', ')}.`);
  for (const [k, vs] of seen) {
    if (new Set(vs).size > 1) {
      problems.push(`${noun[0].toUpperCase()}${noun.slice(1)} ${k} is given ${vs.length} times (${vs.map((v) => `"${v}"`).join(', ')}): using the last, "${vs[vs.length - 1]}".`);
    }
  }
  return { values, problems };
}

/** The settings as attribute (or URL parameter) values: what `readSettings` reads back to
 *  the same settings. Defaults are left out, except the seed, which makes a run. */
export function writeSettings(s) {
  const out = {};
  const onOff = (b) => (b ? '1' : '0');
  if (s.nodes !== DEFAULTS.nodes) out.nodes = String(s.nodes);
  if (s.seed !== null) out.seed = s.seed;
  if (s.speed !== DEFAULTS.speed) out.speed = String(Number(s.speed.toPrecision(3)));
  if (s.prevote !== DEFAULTS.prevote) out.prevote = onOff(s.prevote);
  if (s.checkquorum !== DEFAULTS.checkquorum) out.checkquorum = onOff(s.checkquorum);
  if (s.latency !== DEFAULTS.latency) out.latency = String(s.latency);
  if (s.loss !== DEFAULTS.loss) out.loss = String(s.loss);
  if (s.paused) out.paused = '1';
  if (s.theme) out.theme = s.theme;
  return out;
}
