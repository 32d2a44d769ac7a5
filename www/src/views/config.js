// The configuration line: who votes and who learns (the leader's view, or the newest
// node's without a leader), the quorum arithmetic a commit needs (both majorities during
// joint consensus), and a warning while the cluster is one failure from losing a quorum.
// It is rewritten only when what it says changes.
//
// A quorum is counted as an operator counts it: a voter helps only if it is up and the
// leader can reach it (a voter cut off by a partition acknowledges nothing, up or not);
// without a leader, within the largest group of up voters that can reach each other, the
// one that could elect one.

import { htmlEl } from '../dom.js';

/** A set of node ids as written: each id where there are a few, runs as ranges where there
 *  are many ({1–51} rather than fifty-one numbers over four lines). */
function set(ids) {
  if (ids.length <= 9) return `{${ids.join(',')}}`;
  const sorted = [...ids].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : j > i ? `${sorted[i]},${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return `{${parts.join(',')}}`;
}
const majority = (ids) => Math.floor(ids.length / 2) + 1;

/** Which node can reach which: a key per node, equal for nodes on the same side of the
 *  partition (f.partition; healed, all alike). A node in none of the groups, one added
 *  after the split, reaches only the others in none, as the simulator's network has it. */
function sideOf(f) {
  const side = new Map();
  f.partition.forEach((group, k) => { for (const id of group) side.set(id, k); });
  return (id) => side.get(id) ?? -1;
}

/** The voters (of `voters`) that count towards a quorum now, and how to say so. */
function counted(f, voters) {
  const side = sideOf(f);
  const up = f.nodes.filter((v) => v.up && voters.has(v.id)).map((v) => v.id);
  if (f.leader) {
    const at = side(f.leader);
    return { ids: new Set(up.filter((id) => side(id) === at)), how: `up and reachable from the leader, node ${f.leader}` };
  }
  const bySide = new Map();
  for (const id of up) bySide.set(side(id), [...(bySide.get(side(id)) ?? []), id]);
  const largest = [...bySide.values()].reduce((a, b) => (b.length > a.length ? b : a), []);
  return { ids: new Set(largest), how: 'up and connected to each other, with no leader', sides: [...bySide.values()] };
}

/** How many nodes the cluster has now: the members of the configuration (voters and
 *  learners, and nodes joining it); a removed node, still drawn, is not counted. Null
 *  while no live node knows the configuration (every node down). */
export function memberCount(f) {
  if (!f.conf || !f.conf.from) return null;
  return f.nodes.filter((v) => v.member !== 'removed').length;
}

/** What the line says about frame `f`: {text, warn, key}. */
export function describeConf(f) {
  const c = f.conf;
  if (!c || !c.from) return { text: '', warn: '', key: '' };
  const sets = c.joint ? [c.voters, c.outgoing] : [c.voters];
  const need = sets.map((ids) => `${majority(ids)} of ${set(ids)}`).join(' and ');
  let text = c.joint
    ? `Joint consensus: new voters ${set(c.voters)}, old voters ${set(c.outgoing)}`
    : `Voters ${set(c.voters)}`;
  const learners = [...c.learners, ...c.learnersNext];
  if (learners.length) text += ` · learners ${set(learners)}`;
  text += ` · commit needs ${need}`;
  if (c.joint) text += c.autoLeave ? ' · leaves joint by itself' : ' · leave joint explicitly';
  if (c.pending) text += ' · change pending';
  const { ids: live, how, sides } = counted(f, new Set(sets.flat()));
  let warn = '';
  // Joint and split with no leader: a group of connected nodes elects only with a majority
  // of both sets. When none has both, each group's shortfall is said (the largest group's
  // alone would read as if the others were not there).
  if (c.joint && sides && sides.length > 1) {
    const has = (group, ids) => ids.filter((id) => group.includes(id)).length;
    const able = sides.some((g) => sets.every((ids) => has(g, ids) >= majority(ids)));
    if (!able) {
      const each = sides.map((g) => `${set([...g].sort((a, b) => a - b))} has ${sets.map((ids) => `${has(g, ids)} of ${set(ids)}`).join(' and ')}`);
      warn = `Quorum lost: no group of connected nodes holds a majority of both ${set(c.voters)} and ${set(c.outgoing)}: ${each.join('; ')}.`;
      return { text, warn, key: `${text}|${warn}` };
    }
  }
  for (const ids of sets) {
    const n = ids.filter((id) => live.has(id)).length, m = majority(ids);
    if (n < m) { warn = `Quorum lost: ${n} of ${set(ids)} ${how}; ${m} needed.`; break; }
    if (n === m && !warn) warn = `One failure from losing quorum: ${n} of ${set(ids)} ${how}; ${m} needed.`;
  }
  return { text, warn, key: `${text}|${warn}` };
}

/** box: the line's element. onLeave(): the Leave joint button. focusAfter(): where the
 *  keyboard's focus goes when that button hides under it (the joint configuration left). */
export function createConfigLine(box, { onLeave, focusAfter }) {
  const text = htmlEl('span', 'rc-conf-text', box);
  const warn = htmlEl('span', 'rc-conf-warn', box);
  warn.hidden = true;
  const leave = htmlEl('button', 'rc-leave-joint rc-full', box, 'Leave joint');
  leave.type = 'button';
  leave.title = 'Leave the joint configuration (the new voters alone decide from then on)';
  leave.hidden = true;
  leave.addEventListener('click', () => onLeave());
  let key = null;
  let leaveKey = null;

  function update(f) {
    const d = describeConf(f);
    if (d.key !== key) {
      key = d.key;
      text.textContent = d.text;
      warn.textContent = d.warn;
      warn.hidden = !d.warn;
      box.hidden = !d.text;
    }
    const canLeave = !!(f.conf?.joint && !f.conf.autoLeave);
    if (canLeave !== leaveKey) {
      leaveKey = canLeave;
      const had = !canLeave && leave.getRootNode().activeElement === leave;
      leave.hidden = !canLeave;
      if (had) focusAfter?.();
    }
  }
  return { update, reset() { key = leaveKey = null; } };
}
