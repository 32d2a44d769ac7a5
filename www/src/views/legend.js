// The legend: what each shape and colour means (roles, timers, partitions, message kinds,
// replies, lost messages) and how to read a log strip. Message looks are painted with the
// cluster view's own painter, so the legend cannot drift from the picture: all of them on
// one canvas down the list's icon column, each level with its row. (A canvas is a layer of
// its own for the compositor, and one per icon made 22 layers of the page's 35: at 0.1x with
// 5 nodes, eight alternating pairs of runs, one canvas measured 3.7 ms/s less main thread
// and 11 ms/s less CPU.)

import { htmlEl, svgEl } from '../dom.js';
import { readPalette } from './cluster.js';
import { messageLook, paintMessage } from './paint.js';

const ROLES = [
  ['follower', 'M0,-8A8,8 0 1 1 0,8A8,8 0 1 1 0,-8Z', 'follower'],
  ['pre-candidate', 'M0,-8A8,8 0 1 1 0,8A8,8 0 1 1 0,-8Z', 'pre-candidate'],
  ['candidate', 'M0,-9L7.8,-4.5L7.8,4.5L0,9L-7.8,4.5L-7.8,-4.5Z', 'candidate'],
  ['leader', 'M-8,-5Q-8,-8 -5,-8L5,-8Q8,-8 8,-5L8,5Q8,8 5,8L-5,8Q-8,8 -8,5Z', 'leader'],
  ['crashed', 'M0,-8A8,8 0 1 1 0,8A8,8 0 1 1 0,-8Z', 'down (crashed)'],
];

const MESSAGES = [
  [{ kind: 'MsgPreVote' }, 'MsgPreVote'],
  [{ kind: 'MsgVote' }, 'MsgVote'],
  [{ kind: 'MsgApp', entries: 2 }, 'MsgApp (entries)'],
  [{ kind: 'MsgApp', entries: 0 }, 'empty MsgApp (commit)'],
  [{ kind: 'MsgHeartbeat' }, 'MsgHeartbeat'],
  [{ kind: 'MsgSnap' }, 'MsgSnap'],
  [{ kind: 'MsgTimeoutNow' }, 'MsgTimeoutNow'],
  [{ kind: 'MsgProp' }, 'MsgProp (forwarded request)'],
  [{ kind: 'MsgVoteResp' }, 'reply: granted'],
  [{ kind: 'MsgVoteResp', reject: true }, 'reply: rejected'],
  [{ kind: 'MsgVote', lost: true }, 'lost (never arrives)'],
];

function icon(li) {
  const s = svgEl('svg', { viewBox: '-10 -10 20 20', 'aria-hidden': 'true', class: 'lg-icon' }, li);
  return s;
}

/** box: the legend's container. */
export function createLegend(box) {
  box.replaceChildren();
  const roles = htmlEl('ul', 'legend-list legend-roles', box);
  roles.setAttribute('aria-label', 'Node roles');
  for (const [role, d, text] of ROLES) {
    const li = htmlEl('li', '', roles);
    const s = icon(li);
    const g = svgEl('g', { class: 'node', 'data-role': role }, s);
    svgEl('path', { class: 'shape', d }, g);
    if (role === 'crashed') svgEl('path', { class: 'cross', d: 'M-4,-4L4,4M4,-4L-4,4' }, g);
    li.append(text);
  }
  const CIRCLE = ROLES[0][1];
  for (const [member, text] of [['learner', 'learner (gets the log, no vote)'], ['removed', 'removed from the configuration']]) {
    const li = htmlEl('li', '', roles);
    const g = svgEl('g', { class: 'node', 'data-role': 'follower', 'data-member': member }, icon(li));
    svgEl('path', { class: 'shape', d: CIRCLE }, g);
    li.append(text);
  }
  const extra = htmlEl('ul', 'legend-list legend-roles', box);
  let li = htmlEl('li', '', extra);
  let s = icon(li);
  svgEl('circle', { class: 'lg-track', r: 7 }, s);
  svgEl('path', { class: 'lg-ring', d: 'M0,-7A7,7 0 1 1 -6.06,3.5' }, s);
  li.append('timer: election (heartbeat for a leader)');
  li = htmlEl('li', '', extra);
  s = icon(li);
  svgEl('circle', { class: 'lg-grp-a', cx: -4, r: 5 }, s);
  svgEl('circle', { class: 'lg-grp-b', cx: 5, r: 5 }, s);
  li.append('partition groups');
  li = htmlEl('li', '', extra);
  s = icon(li);
  svgEl('path', { class: 'lg-cut', d: 'M-9,0L9,0' }, s);
  li.append('link cut');

  const msgs = htmlEl('ul', 'legend-list legend-msgs', box);
  msgs.setAttribute('aria-label', 'Messages');
  const spots = [];
  for (const [m, text] of MESSAGES) {
    const item = htmlEl('li', '', msgs);
    spots.push([htmlEl('span', 'lg-spot', item), m]);
    item.append(text);
  }
  const canvas = htmlEl('canvas', 'lg-msgs', msgs);
  canvas.setAttribute('aria-hidden', 'true');

  const log = htmlEl('ul', 'legend-list legend-log', box);
  log.setAttribute('aria-label', 'Log strips');
  const cell = (cls, attrs, text) => {
    const item = htmlEl('li', '', log);
    const e = htmlEl('span', `entry tc1 ${cls}`, item, '2');
    e.setAttribute('aria-hidden', 'true');
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    item.append(text);
  };
  cell('', { 'data-committed': 'true' }, 'committed (the number is its term)');
  cell('', { 'data-committed': 'held' }, 'committed, this node not yet told (its commit index is volatile)');
  cell('', { 'data-committed': 'false' }, 'uncommitted');
  cell('conf', { 'data-committed': 'true' }, 'a configuration change (membership)');
  const snap = htmlEl('li', '', log);
  htmlEl('span', 'lg-snap', snap).setAttribute('aria-hidden', 'true');
  snap.append('compacted into a snapshot');
  const mk = htmlEl('li', '', log);
  htmlEl('span', 'lg-mk', mk, '▲ △').setAttribute('aria-hidden', 'true');
  mk.append("match / next index (leader's view)");

  /** Paints the message icons, each level with its row's spot (again after a theme
   *  change). Nothing while the list is not laid out (a closed legend). */
  let painted = 0; // the list's height at the last paint (0: not painted)
  function paint() {
    const h = msgs.offsetHeight;
    painted = h;
    if (!(h > 0)) return;
    const pal = readPalette(box);
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    canvas.style.setProperty('height', `${h}px`);
    canvas.width = Math.round(20 * dpr);
    canvas.height = Math.round(h * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    for (const [spot, m] of spots) {
      paintMessage(ctx, pal, m, messageLook(m), 1, spot.offsetLeft + 10, spot.offsetTop + 10);
    }
  }
  // The rows move when the list's height changes (a narrower list wraps its texts), and
  // the list is laid out when a closed legend opens: paint again then.
  new ResizeObserver(() => {
    if (msgs.offsetHeight !== painted) paint();
  }).observe(msgs);
  return { paint };
}
