// The element's dialogs: partition the network, change the membership, export the
// session as a script, help.
// Each is a <dialog> in the element's shadow root, opened modal, built from the latest
// frame when it opens.

import { htmlEl } from '../dom.js';

function dialog(root, cls, heading) {
  const d = htmlEl('dialog', `rc-dialog ${cls}`, root);
  const form = htmlEl('form', '', d);
  form.method = 'dialog';
  const h = htmlEl('h2', '', form, heading);
  h.id = `${cls}-h-${Math.random().toString(36).slice(2, 8)}`;
  d.setAttribute('aria-labelledby', h.id);
  return { d, form };
}

/**
 * The line inside a dialog where what keeps it from being done is said (role="alert":
 * read out at once), just over its buttons. The dialog stays open and the focus stays
 * where it was (or goes to the field at fault). Returns {say(text, field), clear()}.
 */
function problemLine(form) {
  const p = htmlEl('p', 'dialog-error', form);
  p.setAttribute('role', 'alert');
  p.hidden = true;
  const clear = () => {
    if (p.hidden) return;
    p.hidden = true;
    p.textContent = '';
  };
  // Changing what the dialog says takes its problem away (a new one is said on the next try).
  form.addEventListener('input', clear);
  form.addEventListener('change', clear);
  return {
    element: p,
    say(text, field = null) {
      p.textContent = text;
      p.hidden = false;
      // Seen where it is said: a tall dialog on a phone scrolls.
      p.scrollIntoView?.({ block: 'nearest' });
      field?.focus();
    },
    clear,
  };
}

function actions(form, ...buttons) {
  const row = htmlEl('div', 'dialog-actions', form);
  for (const b of buttons) row.appendChild(b);
  return row;
}

function button(text, cls = '', value = null) {
  const b = document.createElement('button');
  b.textContent = text;
  if (cls) b.className = cls;
  if (value === null) b.type = 'button';
  else b.value = value;
  return b;
}

/** Copies `text` to the clipboard, or selects it in `textarea` for Ctrl+C when the page
 *  has no clipboard permission. Says which on `b`. */
export async function copyText(text, b, textarea = null) {
  try {
    await navigator.clipboard.writeText(text);
    b.textContent = 'Copied';
  } catch {
    if (textarea) {
      textarea.focus();
      textarea.select();
      b.textContent = 'Selected: press Ctrl+C';
    } else {
      b.textContent = 'Copy failed';
    }
  }
}

/** Partition: each node in group A or B. onApply([A, B], say) returns whether it was done
 *  (a refusal it meets is said in the dialog through `say(text)`); a partition that is no
 *  partition is said in the dialog. */
export function createPartitionDialog(root, { onApply }) {
  const { d, form } = dialog(root, 'partition-dialog', 'Partition the network');
  htmlEl('p', '', form, 'Put each node in group A or B. Messages between the groups are cut until you heal.');
  const box = htmlEl('div', 'partition-nodes', form);
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Nodes');
  const problem = problemLine(form);
  const apply = button('Partition', 'primary partition-apply');
  actions(form, apply, button('Cancel', '', 'cancel'));

  function open(f) {
    if (!f) return;
    problem.clear();
    box.replaceChildren();
    const n = f.nodes.length;
    // Default: the leader and a minority with it in A; the majority in B elects anew.
    const ids = f.nodes.map((v) => v.id);
    const order = f.leader ? [f.leader, ...ids.filter((i) => i !== f.leader)] : ids;
    const a = new Set(order.slice(0, Math.max(1, Math.floor((n - 1) / 2))));
    for (const v of f.nodes) {
      const row = htmlEl('div', 'pnode', box);
      htmlEl('span', '', row, `Node ${v.id}${v.id === f.leader ? ' (leader)' : ''}`);
      for (const g of ['A', 'B']) {
        const lab = htmlEl('label', '', row);
        const r = htmlEl('input', '', lab);
        r.type = 'radio';
        r.name = `grp-${v.id}`;
        r.value = g;
        r.checked = (g === 'A') === a.has(v.id);
        r.setAttribute('aria-label', `Node ${v.id} in group ${g}`);
        lab.append(` ${g}`);
      }
    }
    d.showModal();
  }

  apply.addEventListener('click', () => {
    const A = [], B = [];
    for (const r of box.querySelectorAll('input[type=radio]:checked')) (r.value === 'A' ? A : B).push(Number(r.name.slice(4)));
    if (A.length === 0 || B.length === 0) {
      problem.say('Put at least one node in each group to partition the network.');
      return;
    }
    problem.clear();
    if (onApply([A, B], (t) => problem.say(t))) d.close();
  });
  return { open, element: d };
}

/** Membership change: which nodes are voters after it (new nodes take the next ids, up to
 *  `maxNodes`), and whether the joint configuration is left automatically.
 *  onApply({add, remove, explicit}, say) returns whether it was done (a refusal it meets is
 *  said in the dialog through `say(text)`); a change that cannot be made (no voter left,
 *  nothing changed, too many nodes) is said in the dialog, which stays open. */
export function createChangeDialog(root, { onApply, maxNodes = Infinity }) {
  const { d, form } = dialog(root, 'change-dialog', 'Change the membership');
  htmlEl('p', '', form, 'Tick the voters of the new configuration. The cluster goes through joint consensus: while joint, a commit needs a majority of the old voters and a majority of the new.');
  const box = htmlEl('div', 'change-nodes', form);
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Voters after the change');
  const newL = htmlEl('label', 'change-new', form, 'New nodes to add as voters ');
  const more = htmlEl('input', 'change-more', newL);
  Object.assign(more, { type: 'number', min: '0', max: '4', step: '1', value: '0' });
  more.addEventListener('input', () => more.removeAttribute('aria-invalid'));
  const leaveBox = htmlEl('fieldset', 'change-leave', form);
  htmlEl('legend', '', leaveBox, 'Leaving joint consensus');
  const radio = (value, text, checked) => {
    const l = htmlEl('label', '', leaveBox);
    const r = htmlEl('input', '', l);
    Object.assign(r, { type: 'radio', name: 'leave', value, checked });
    l.append(` ${text}`);
    return r;
  };
  radio('auto', 'automatic (the leader leaves it once the change is applied)', true);
  const explicitR = radio('explicit', 'explicit (stay joint until Leave joint)', false);
  const problem = problemLine(form);
  const apply = button('Change', 'primary change-apply');
  actions(form, apply, button('Cancel', '', 'cancel'));
  let voters = [];
  let count = 0;

  function open(f) {
    if (!f) return;
    box.replaceChildren();
    count = f.nodes.length;
    voters = f.conf ? [...f.conf.voters] : [];
    for (const v of f.nodes) {
      if (v.member === 'removed' || v.member === 'joining') continue;
      const lab = htmlEl('label', 'cnode', box);
      const c = htmlEl('input', '', lab);
      c.type = 'checkbox';
      c.value = String(v.id);
      c.checked = voters.includes(v.id);
      lab.append(` Node ${v.id}${v.member === 'learner' ? ' (learner)' : ''}${v.id === f.leader ? ' (leader)' : ''}`);
    }
    more.value = '0';
    more.removeAttribute('aria-invalid');
    problem.clear();
    d.showModal();
  }

  apply.addEventListener('click', () => {
    const keep = [...box.querySelectorAll('input:checked')].map((c) => Number(c.value));
    // A count the field cannot take is said, not clamped into one it can (9 is not 4).
    const k = more.value === '' ? 0 : Number(more.value);
    if (!Number.isInteger(k) || k < 0 || k > 4) {
      more.setAttribute('aria-invalid', 'true');
      problem.say(`New nodes to add: expected a whole number from 0 to 4, got ${more.validity.badInput ? 'text that is not a number' : `"${more.value}"`}.`, more);
      return;
    }
    more.removeAttribute('aria-invalid');
    if (count + k > maxNodes) {
      // Said here, before the simulator is asked, in the dialog's own terms: the new nodes'
      // ids, and the field at fault marked.
      more.setAttribute('aria-invalid', 'true');
      const room = Math.max(0, maxNodes - count);
      problem.say(`A cluster has at most ${maxNodes} nodes: this one has ${count}, so ${room === 0 ? 'no new node can be added' : `at most ${room} new node${room === 1 ? '' : 's'} (node${room === 1 ? '' : 's'} ${ids(count + 1, room)})`}.`, more);
      return;
    }
    const add = [...keep.filter((id) => !voters.includes(id)), ...Array.from({ length: k }, (_, i) => count + 1 + i)];
    const remove = voters.filter((id) => !keep.includes(id));
    if (keep.length === 0 && k === 0) {
      // etcd refuses it ("removed all voters"): said here, before it reaches the leader.
      problem.say('Keep at least one voter: a configuration with no voters could never commit anything.');
      return;
    }
    if (add.length === 0 && remove.length === 0) {
      problem.say('Tick or untick a node, or add new ones: this change would change nothing.');
      return;
    }
    problem.clear();
    if (onApply({ add, remove, explicit: explicitR.checked }, (t) => problem.say(t))) d.close();
  });
  return { open, element: d };
}

/** "51", "51 and 52", "51 to 53": `n` ids from `first`. */
function ids(first, n) {
  return n === 1 ? String(first) : n === 2 ? `${first} and ${first + 1}` : `${first} to ${first + n - 1}`;
}

/** Export: the session as a scenario script, with its trace hash. */
export function createExportDialog(root) {
  const { d, form } = dialog(root, 'export-dialog', 'This session as a scenario script');
  const p = htmlEl('p', '', form, 'Replay it with ');
  htmlEl('code', '', p, 'raftsim run');
  p.append(', keep it as a golden test, or paste it into a post. ');
  const hash = htmlEl('span', 'hint export-hash', p);
  const ta = htmlEl('textarea', 'export-text', form);
  ta.readOnly = true;
  ta.rows = 14;
  ta.spellcheck = false;
  ta.setAttribute('aria-label', 'Scenario script');
  // A link that replays the session (where the host has a page that runs `#scenario=`).
  const linkRow = htmlEl('p', 'export-link-row', form);
  const link = htmlEl('a', 'export-link', linkRow, 'Open this session in a new tab');
  link.target = '_blank';
  link.rel = 'noopener';
  const linkNote = htmlEl('span', 'hint', linkRow);
  const copyLink = button('Copy link', 'export-copy-link');
  const copy = button('Copy', 'primary');
  actions(form, copy, copyLink, button('Close', '', 'close'));
  copy.addEventListener('click', () => copyText(ta.value, copy, ta));
  copyLink.addEventListener('click', () => copyText(link.href, copyLink));

  /** `url`: a link that replays it, or null (none: no page for it, or the script is too
   *  long for an address; `why` says which, shown). */
  function open(text, hashText, url = null, why = '') {
    ta.value = text;
    hash.textContent = hashText || '';
    copy.textContent = 'Copy';
    copyLink.textContent = 'Copy link';
    link.hidden = copyLink.hidden = !url;
    if (url) link.href = url;
    else link.removeAttribute('href');
    linkNote.textContent = url ? ' (the script rides in the address: the same seed and actions)' : why;
    linkRow.hidden = !url && !why;
    d.showModal();
  }
  return { open, element: d };
}

const KEYS = [
  ['Space', 'play / pause'], ['n →', 'step to the next event'], ['←', 'back 50 ms of simulated time'],
  ['Home End', 'start / end of the recorded run'], ['+ −', 'faster / slower'],
  ['1…9 [ ]', 'select a node (previous / next)'], ['Enter', 'actions of the focused node'],
  ['c', 'crash the selected node (else the leader)'], ['s', 'restart the selected node (else a crashed one)'],
  ['e', 'force an election timeout on the selected node'], ['t', 'transfer leadership to the selected node'],
  ['i', 'isolate the selected node'], ['p h', 'partition… / heal'],
  ['a l', 'add a node as a voter / as a learner'], ['m', 'membership change… (joint consensus)'],
  ['q', 'client request (via the selected node, else the leader)'], ['r', 'restart from the beginning (same seed)'],
  ['x', 'export the session as a script'], ['k', 'compare this run with a setting changed'], ['d', 'dark / light theme'], ['? Esc', 'this help / close'],
];

/** Help: what the picture means and how to drive it; the keys when the host has them. */
export function createHelpDialog(root) {
  const { d, form } = dialog(root, 'help-dialog', 'How to read and drive the cluster');
  const t = (tag, text) => htmlEl(tag, '', form, text);
  t('p', 'A whole Raft cluster runs in this page (Rust compiled to WebAssembly). Every node, timer and message you see is the simulator\'s state at that instant; the same seed and the same actions replay the same run.');
  t('p', 'The ring around a node is its election timer draining; a heartbeat from the leader resets it. When it runs out the node starts an election (first a pre-vote if pre-vote is on). A leader\'s ring is its heartbeat timer.');
  t('h3', 'Mouse and touch');
  t('p', 'Click or tap a node for its actions. Point at a message to read it: the clock holds while you do. Click a message to drop it (on a touch screen, tap it, then Drop). Drag the timeline back to rewind: acting in the past forks a new history from there.');
  t('h3', 'The space-time diagram');
  t('p', 'One lane per node, time running left to right; the upright line is now. A lane is a thin line while its node follows, a band while it is a pre-candidate (yellow), a candidate (orange) or the leader (green), dashed while it is down; "t3" marks its term, "c5" its commit index rising, a cross a crash, a triangle a restart. Every message is an arrow from its send to its delivery, coloured as in the cluster: a split vote shows as two candidates\' fans of vote requests in the same term, then a new term. An arrow that ends in a cross was lost (or cut, or its node was down); a square, dropped by hand.');
  t('p', 'Point at an arrow to read it, with the rule behind an answer (why:); its message is ringed in the cluster and its lines lit in the event log, and pointing at a message or a log line lights its arrow. Click the diagram to move the timeline there. Window widens or narrows it; SVG and Mermaid download what it shows. View chooses the cluster, the diagram or both.');
  t('h3', 'Membership');
  t('p', 'Add node and Add learner start a new node and propose it to the leader; a node\'s menu has Promote (a learner becomes a voter) and Remove. Change… replaces several voters at once through joint consensus. The configuration line shows the voters, the learners and how many acknowledgements a commit needs, with a warning when one more failure would lose the quorum: it counts the voters that are up and that the leader can reach (a voter cut off by a partition counts for nothing). A learner is drawn with a dotted outline, a removed node faded; the Nodes field counts the nodes added, not those removed.');
  t('h3', 'Keyboard');
  t('p', 'Tab reaches every control and node; on "in flight", the arrow keys walk the messages (the clock holds), Enter drops one and Escape lets the clock go.');
  const keysBox = htmlEl('div', 'help-keys', form);
  const table = htmlEl('table', 'keys', keysBox);
  const tb = htmlEl('tbody', '', table);
  for (const [k, what] of KEYS) {
    const tr = htmlEl('tr', '', tb);
    const th = htmlEl('th', '', tr);
    th.scope = 'row';
    k.split(' ').forEach((key, i) => { if (i) th.append(' '); htmlEl('kbd', '', th, key); });
    htmlEl('td', '', tr, what);
  }
  const close = button('Close', '', 'close');
  actions(form, close);

  /** keys: whether this host has the shortcuts (the page has; an embed has not). */
  function open(keys) {
    keysBox.hidden = !keys;
    d.showModal();
    // Open at the top: the first thing to read, not the button at the bottom.
    form.scrollTop = 0;
    d.scrollTop = 0;
    // The focus where the reading starts, and seen there: the heading (Close is at the
    // bottom, out of view; Tab reaches it).
    const h = form.querySelector('h2');
    h.tabIndex = -1;
    h.focus({ preventScroll: true });
    d.scrollTop = 0;
  }
  function toggle(keys) {
    if (d.open) d.close(); else open(keys);
  }
  return { open, toggle, element: d };
}
