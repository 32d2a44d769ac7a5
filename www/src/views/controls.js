// The element's controls: playback (play, step, restart, speed, timeline), the cluster's
// settings (nodes, seed, pre-vote, check-quorum), the network (partition, heal, latency,
// loss), the membership (add a node or a learner, a joint change) and the client
// (request, export), in two bars. `controls="minimal"` shows play,
// restart and speed; "full" shows everything. Intents go out through `on`; the bars show
// the frames and the controller's state they are given.

import { htmlEl, fmtSeconds, liveText } from '../dom.js';
import { validSeed, SEED_EXPECTED, CONTROL_NODES, MAX_NODES } from '../settings.js';

function btn(parent, cls, text, title = '') {
  const b = htmlEl('button', cls, parent, text);
  b.type = 'button';
  if (title) b.title = title;
  return b;
}

function field(parent, cls, label, input) {
  const l = htmlEl('label', `field ${cls}`, parent);
  htmlEl('span', 'field-l', l, label);
  l.appendChild(input);
  return l;
}

function range(cls, min, max, step, value) {
  const r = document.createElement('input');
  r.type = 'range';
  r.className = cls;
  r.min = String(min);
  r.max = String(max);
  r.step = String(step);
  r.value = String(value);
  return r;
}

export function fmtSpeed(s) {
  return s >= 0.1 ? s.toFixed(2) : s.toFixed(3);
}

/**
 * bar1, bar2: the two bar elements. on: { toggle, step, restart, speed(s), seek(t),
 * rebuild({nodes, seed, prevote, checkquorum}), randomSeed(), partition(), heal(),
 * network({latency, loss}), addNode(learner), change(), request(key, value), export(),
 * help(), view(cluster|diagram|both), problem(text, about) (about: the field it is about, "nodes" or "seed") }. The Nodes field shows the count `showNodes` is given.
 */
export function createControls(bar1, bar2, on) {
  const play = btn(bar1, 'rc-play', '', 'Play / pause');
  play.setAttribute('aria-pressed', 'false');
  htmlEl('span', 'rc-play-icon', play).setAttribute('aria-hidden', 'true');
  const playLabel = htmlEl('span', 'rc-play-label', play, 'Play');
  const step = btn(bar1, 'rc-step rc-full', 'Step', 'Step to the next event (pauses)');
  const restart = btn(bar1, 'rc-restart', 'Restart', 'Start again from the beginning (same seed)');
  const speedBox = htmlEl('span', 'rc-range rc-speed-box', bar1);
  const speed = range('rc-speed', -2, 0, 0.01, -1);
  const speedL = htmlEl('label', 'rc-range-l', speedBox, 'Speed ');
  speedL.appendChild(speed);
  const speedOut = htmlEl('output', 'rc-speed-out', speedBox, '0.10×');
  const tlBox = htmlEl('span', 'rc-range rc-timeline-box rc-full', bar1);
  const timeline = range('rc-timeline', 0, 1, 'any', 0);
  const tlL = htmlEl('label', 'rc-range-l', tlBox, 'Time ');
  // The slider and its time sit in boxes of their own, not as flex items: a flex item is
  // laid out with its flex line, so a new value would lay out the page (see liveText).
  htmlEl('span', 'rc-timeline-wrap', tlL).appendChild(timeline);
  const tlOutBox = htmlEl('output', 'rc-timeline-out', tlBox);
  // An output is a polite live region: the running clock would be read out twice a second.
  tlOutBox.setAttribute('aria-live', 'off');
  const tlOut = htmlEl('span', 'live', tlOutBox, '0.000 s');
  const fork = htmlEl('span', 'rc-fork hint', tlBox, 'rewound: acting now forks the run');
  fork.hidden = true;

  // Bar 2: the cluster, the network, the client.
  const g1 = htmlEl('span', 'rc-group rc-group-cluster', bar2);
  g1.setAttribute('role', 'group');
  g1.setAttribute('aria-label', 'Cluster');
  const nodes = document.createElement('input');
  Object.assign(nodes, { type: 'number', min: '1', max: String(CONTROL_NODES), step: '1', className: 'rc-nodes' });
  nodes.inputMode = 'numeric';
  field(g1, 'f-nodes', 'Nodes', nodes);
  const seed = document.createElement('input');
  Object.assign(seed, { type: 'text', className: 'rc-seed', spellcheck: false, autocomplete: 'off' });
  seed.inputMode = 'numeric';
  field(g1, 'f-seed', 'Seed', seed);
  const random = btn(g1, 'rc-random', 'Random', 'A fresh random seed, then reset');
  const check = (cls, text) => {
    const l = htmlEl('label', `check ${cls}`, g1);
    const c = htmlEl('input', '', l);
    c.type = 'checkbox';
    l.append(` ${text}`);
    return c;
  };
  const prevote = check('f-prevote', 'pre-vote');
  const checkquorum = check('f-checkquorum', 'check-quorum');
  const reset = btn(g1, 'rc-reset', 'Reset', 'Rebuild the cluster with these settings');

  const g2 = htmlEl('span', 'rc-group', bar2);
  g2.setAttribute('role', 'group');
  g2.setAttribute('aria-label', 'Network');
  const partition = btn(g2, 'rc-partition', 'Partition…', 'Split the nodes into two groups');
  partition.setAttribute('aria-haspopup', 'dialog');
  const heal = btn(g2, 'rc-heal', 'Heal', 'Heal every partition');
  const latBox = htmlEl('span', 'rc-range', g2);
  const latency = range('rc-latency', 1, 300, 1, 30);
  const latL = htmlEl('label', 'rc-range-l', latBox, 'Latency ');
  latL.appendChild(latency);
  const latOut = htmlEl('output', 'rc-latency-out', latBox, '10–30 ms');
  const lossBox = htmlEl('span', 'rc-range', g2);
  const loss = range('rc-loss', 0, 50, 1, 0);
  const lossL = htmlEl('label', 'rc-range-l', lossBox, 'Loss ');
  lossL.appendChild(loss);
  const lossOut = htmlEl('output', 'rc-loss-out', lossBox, '0 %');

  const gm = htmlEl('span', 'rc-group rc-group-member', bar2);
  gm.setAttribute('role', 'group');
  gm.setAttribute('aria-label', 'Membership');
  const addNode = btn(gm, 'rc-add-node', 'Add node', 'Start a new node and add it as a voter');
  const addLearner = btn(gm, 'rc-add-learner', 'Add learner', 'Start a new node and add it as a learner (no vote)');
  const change = btn(gm, 'rc-change', 'Change…', 'Replace voters through joint consensus');
  change.setAttribute('aria-haspopup', 'dialog');

  const g3 = htmlEl('span', 'rc-group', bar2);
  g3.setAttribute('role', 'group');
  g3.setAttribute('aria-label', 'Client');
  const key = document.createElement('input');
  Object.assign(key, { type: 'text', className: 'rc-key', value: 'x', size: 3, spellcheck: false, autocomplete: 'off' });
  field(g3, 'f-key', 'Key', key);
  const value = document.createElement('input');
  Object.assign(value, { type: 'text', className: 'rc-value', value: '', size: 3, placeholder: 'auto', spellcheck: false, autocomplete: 'off' });
  field(g3, 'f-value', 'Value', value);
  const request = btn(g3, 'rc-request', 'Request', 'Send “set key=value” to the leader');
  const exp = btn(g3, 'rc-export', 'Export', 'This session as a scenario script');
  exp.setAttribute('aria-haspopup', 'dialog');
  // What the element shows: the cluster, the space-time diagram, or both.
  const view = document.createElement('select');
  view.className = 'rc-view';
  for (const [v, text] of [['cluster', 'Cluster'], ['diagram', 'Diagram'], ['both', 'Both']]) {
    const o = htmlEl('option', '', view, text);
    o.value = v;
  }
  field(bar2, 'f-view', 'View', view).title = 'Show the cluster, the space-time diagram, or both';
  const help = btn(bar2, 'rc-help', '?', 'How to read and drive the cluster');
  help.setAttribute('aria-label', 'Help');
  help.setAttribute('aria-haspopup', 'dialog');

  let settings = null;
  // The node count the Nodes field shows: the cluster's now (see showNodes), which nodes
  // added or removed at run time change; typing another count rebuilds.
  let shownNodes = 0;
  let scrubbing = false;

  play.addEventListener('click', () => on.toggle());
  step.addEventListener('click', () => on.step());
  restart.addEventListener('click', () => on.restart());
  speed.addEventListener('input', () => {
    const s = 10 ** Number(speed.value);
    showSpeed(s, true);
    on.speed(s);
  });
  // The slider's own step (a hundredth of a decade, fine for a drag) moves the speed 2 % a
  // key press, which the readout does not show: the arrow keys move a tenth of a decade
  // (×1.26, on the tenths' grid: 0.10× → 0.13× → 0.16× …).
  speed.addEventListener('keydown', (ev) => {
    const k = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[ev.key];
    if (!k || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    ev.preventDefault();
    const v = Number(speed.value);
    const next = Math.max(-2, Math.min(0, (k > 0 ? Math.floor(v * 10 + 1e-6) + 1 : Math.ceil(v * 10 - 1e-6) - 1) / 10));
    if (next === v) return;
    speed.value = String(next);
    speed.dispatchEvent(new Event('input', { bubbles: true }));
    speed.dispatchEvent(new Event('change', { bubbles: true }));
  });
  timeline.addEventListener('pointerdown', () => { scrubbing = true; });
  timeline.addEventListener('input', () => on.seek(Number(timeline.value)));
  timeline.addEventListener('change', () => { scrubbing = false; on.seek(Number(timeline.value)); });
  window.addEventListener('pointerup', () => { scrubbing = false; });

  const refusedAt = new Map(); // field -> {at, text}: when its value was last refused, and what was said
  /**
   * Reads the cluster fields; null (with a problem said) when one is bad. A bad field keeps
   * what the reader typed, marked invalid until it is edited: set back to the cluster's
   * value, the Reset click that moved focus from it (its change event read it first) would
   * read that value and rebuild the cluster, restarting the run and wiping the message.
   */
  function readFields(after = '') {
    const bad = (field, text, about) => {
      text += after;
      // One gesture reads a field twice (a click on Reset: the field's change event, then
      // the click): said once, not counted up as a repeat. A toggle's read says more (what
      // stays as it was), so it is said, in the first one's place (notes' `about`).
      const last = refusedAt.get(field);
      const again = field.getAttribute('aria-invalid') === 'true' && last?.text === text && performance.now() - last.at < 1000;
      field.setAttribute('aria-invalid', 'true');
      refusedAt.set(field, { at: performance.now(), text });
      if (!again) on.problem(text, about);
      return null;
    };
    const n = Number(nodes.value);
    const maxN = maxNodes();
    if (nodes.value === '' || !Number.isInteger(n) || n < 1 || n > maxN) {
      // A number field holds "" for text that is not a number: say which it was.
      const got = nodes.value !== '' ? `"${nodes.value}"` : nodes.validity.badInput ? 'text that is not a number' : 'nothing';
      const more = Number.isInteger(n) && n > maxN && n <= MAX_NODES ? ` (up to ${MAX_NODES} through the nodes attribute or URL parameter)` : '';
      return bad(nodes, `Nodes: expected a whole number from 1 to ${maxN}${more}, got ${got}; the cluster keeps its ${shownNodes} node${shownNodes === 1 ? '' : 's'}.`, 'nodes');
    }
    const s = seed.value.trim();
    if (!validSeed(s)) {
      return bad(seed, `Seed: expected ${SEED_EXPECTED}, got ${s === '' ? 'nothing' : `"${seed.value}"`}; the cluster keeps seed ${settings.seed} (Random picks a new one).`, 'seed');
    }
    nodes.removeAttribute('aria-invalid');
    seed.removeAttribute('aria-invalid');
    return { nodes: n, seed: s, prevote: prevote.checked, checkquorum: checkquorum.checked };
  }
  let nodesTimer = 0;
  /** Rebuilds from the fields; false when one is bad (said, nothing rebuilt). */
  function rebuild(after) {
    clearTimeout(nodesTimer);
    const s = readFields(after);
    if (s) on.rebuild(s);
    return s !== null;
  }
  reset.addEventListener('click', () => rebuild());
  nodes.addEventListener('change', () => { if (Number(nodes.value) !== shownNodes) rebuild(); });
  nodes.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') rebuild(); });
  for (const f of [nodes, seed]) f.addEventListener('input', () => f.removeAttribute('aria-invalid'));
  nodes.addEventListener('input', () => {
    // Typing "1" on the way to "12" should not rebuild at once: wait for a pause.
    clearTimeout(nodesTimer);
    nodesTimer = setTimeout(() => {
      if (nodes.value !== '' && Number(nodes.value) !== shownNodes) rebuild();
    }, 700);
  });
  seed.addEventListener('change', () => { if (seed.value.trim() !== settings.seed) rebuild(); });
  seed.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') rebuild(); });
  for (const [box, name, text] of [[prevote, 'prevote', 'pre-vote'], [checkquorum, 'checkquorum', 'check-quorum']]) {
    box.addEventListener('change', () => {
      // A toggle rebuilds from every field. With one bad, nothing is rebuilt, so the box
      // goes back to what the cluster runs rather than showing a state it does not have.
      const was = settings?.[name];
      if (!rebuild(` ${text} stays ${was ? 'on' : 'off'}.`) && settings) box.checked = was;
    });
  }
  random.addEventListener('click', () => {
    const s = on.randomSeed();
    if (s === undefined) return;
    seed.value = s;
    rebuild();
  });

  partition.addEventListener('click', () => on.partition());
  heal.addEventListener('click', () => on.heal());
  /** The network's outputs: `lo` is the fastest delay (the slider sets the slowest, `lat`,
   *  and a third of it; a script may set any range). */
  function showNetwork(lat, ls, lo = Math.max(1, Math.round(lat / 3))) {
    // A fixed delay (a script's `latency 30ms`) is one number.
    latOut.textContent = lo === lat ? `${lat} ms` : `${lo}–${lat} ms`;
    latency.setAttribute('aria-valuetext', lo === lat ? `${lat} milliseconds` : `${lo} to ${lat} milliseconds`);
    lossOut.textContent = `${Math.round(ls * 100)} %`;
    loss.setAttribute('aria-valuetext', `${Math.round(ls * 100)} percent`);
  }
  const readNetwork = () => ({ latency: Number(latency.value), loss: Number(loss.value) / 100 });
  for (const r of [latency, loss]) {
    r.addEventListener('input', () => { const n = readNetwork(); showNetwork(n.latency, n.loss); });
    r.addEventListener('change', () => on.network(readNetwork()));
  }
  addNode.addEventListener('click', () => on.addNode(false));
  addLearner.addEventListener('click', () => on.addNode(true));
  change.addEventListener('click', () => on.change());
  request.addEventListener('click', () => on.request(key.value.trim(), value.value));
  exp.addEventListener('click', () => on.export());
  help.addEventListener('click', () => on.help());
  view.addEventListener('change', () => on.view(view.value));

  function showSpeed(s, fromSlider = false) {
    const t = fmtSpeed(s);
    speedOut.textContent = `${t}×`;
    if (!fromSlider) speed.value = String(Math.log10(s));
    speed.setAttribute('aria-valuetext', `${t} times real time`);
  }

  /** Shows the controller's state: playing, speed, the settings the cluster was built with. */
  function showState(ctl, inView) {
    const on_ = ctl.playing;
    play.setAttribute('aria-pressed', String(on_));
    play.classList.toggle('on', on_);
    if (playLabel.textContent !== (on_ ? 'Pause' : 'Play')) playLabel.textContent = on_ ? 'Pause' : 'Play';
    play.title = on_ ? (inView ? 'Pause (space)' : 'Paused while out of view') : 'Play (space)';
    const s = ctl.settings;
    if (!s) return;
    showSpeed(s.speed);
    if (settings !== s) {
      settings = s;
      shownNodes = s.nodes;
      nodes.max = String(maxNodes());
      nodes.value = String(s.nodes);
      seed.value = s.seed ?? '';
      nodes.removeAttribute('aria-invalid');
      seed.removeAttribute('aria-invalid');
      // As wide as the seed it holds: a 20-digit seed is not cut.
      seed.style.setProperty('width', `${Math.max(8, (s.seed ?? '').length + 2)}ch`);
      prevote.checked = s.prevote;
      checkquorum.checked = s.checkquorum;
      latency.value = String(s.latency);
      loss.value = String(Math.round(s.loss * 100));
      showNetwork(s.latency, s.loss, s.latencyMin);
    }
  }

  /** The most the Nodes field takes: what it offers, or more when the cluster was built
   *  (through the URL or the attribute) or has grown beyond that, so its count can be
   *  entered again. */
  function maxNodes() {
    return Math.max(CONTROL_NODES, settings?.nodes ?? 0, shownNodes);
  }

  /** The cluster's node count now (null: not known, keep the last). The field follows it
   *  unless the reader is typing another count there. */
  function showNodes(count) {
    if (count === null || count === shownNodes || !settings) return;
    const typing = nodes.value !== String(shownNodes);
    shownNodes = count;
    nodes.max = String(maxNodes());
    if (!typing) nodes.value = String(count);
  }

  let tl = {};
  /** The timeline from a frame (at the panels' pace). */
  function showTime(f) {
    if (tl.max !== f.horizon) {
      tl.max = f.horizon;
      timeline.max = String(Math.max(1, f.horizon));
    }
    if (tl.now !== f.now && !scrubbing) {
      tl.now = f.now;
      timeline.value = String(f.now);
    }
    const text = `${fmtSeconds(f.now)} s`;
    if (tl.text !== text) {
      tl.text = text;
      liveText(tlOut, tl.out ??= {}, text);
      timeline.setAttribute('aria-valuetext', `${fmtSeconds(f.now)} s of ${fmtSeconds(f.horizon)} s`);
    }
    const rewound = f.now < f.horizon;
    if (tl.rewound !== rewound) {
      tl.rewound = rewound;
      fork.hidden = !rewound;
    }
  }

  /** The network in effect (a script's lines, a command, a rewind may change it). */
  function followNetwork(lo, hi, ls) {
    latency.value = String(hi);
    loss.value = String(Math.round(ls * 100));
    showNetwork(hi, ls, lo);
  }

  return { showState, showTime, showNodes, followNetwork, showView(v) { view.value = v; }, reset() { tl = {}; settings = null; }, focusPlay: () => play.focus() };
}
