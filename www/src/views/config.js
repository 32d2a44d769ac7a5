// The configuration line: who votes and who learns (the leader's view, or the newest
// node's without a leader), the quorum arithmetic a commit needs (both majorities during
// joint consensus), and a warning while the cluster is one failure from losing a quorum.
// It is rewritten only when what it says changes.

import { htmlEl } from '../dom.js';

const set = (ids) => `{${ids.join(',')}}`;
const majority = (ids) => Math.floor(ids.length / 2) + 1;

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
  const up = new Set(f.nodes.filter((v) => v.up).map((v) => v.id));
  const live = (ids) => ids.filter((id) => up.has(id)).length;
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
  let warn = '';
  for (const ids of sets) {
    const n = live(ids), m = majority(ids);
    if (n < m) { warn = `Quorum lost: ${n} of ${set(ids)} up, ${m} needed.`; break; }
    if (n === m && !warn) warn = `One failure from losing quorum: ${n} of ${set(ids)} up, ${m} needed.`;
  }
  return { text, warn, key: `${text}|${warn}` };
}

/** box: the line's element. onLeave(): the Leave joint button. */
export function createConfigLine(box, { onLeave }) {
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
      leave.hidden = !canLeave;
    }
  }
  return { update, reset() { key = leaveKey = null; } };
}
