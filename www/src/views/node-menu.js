// The node menu: what the reader can do to one node (crash, restart, force an election
// timeout, transfer leadership to it, isolate it, send a client request through it,
// promote it from learner to voter, remove it from the configuration).
// It is a pure consumer of frames: which actions are possible comes from the latest one.

import { htmlEl } from '../dom.js';

const ACTIONS = [
  ['crash', 'Crash', 'c'],
  ['restart', 'Restart', 's'],
  ['campaign', 'Force election timeout', 'e'],
  ['transfer', 'Transfer leadership here', 't'],
  ['isolate', 'Isolate', 'i'],
  ['request', 'Client request via this node', 'q'],
  ['promote', 'Promote to voter', ''],
  ['remove', 'Remove from the cluster', ''],
];

/** A node outside the voters: learners, removed nodes and joining ones never campaign
 *  and can not take leadership (the core refuses: "N is unpromotable and can not
 *  campaign"). The words are those the cluster writes over the node (views/cluster.js). */
const NOT_VOTER = {
  learner: 'a learner: it never votes or campaigns (promote it first)',
  removed: 'removed from the configuration: it never campaigns',
  joining: 'joining: it knows no configuration yet and never campaigns',
};

/** Which actions make no sense for node `v` in frame `f` (disabled in the menu), and why,
 *  where it is not plain from the node (its membership): {off, why}. */
function disabledActions(f, v) {
  const isolated = f.partition.some((g) => g.length === 1 && g[0] === v.id);
  const outside = NOT_VOTER[v.member] ?? null;
  const off = {
    crash: !v.up,
    restart: v.up,
    campaign: !v.up || v.role === 'leader' || !!outside,
    transfer: !v.up || !f.leader || f.leader === v.id || !!outside,
    isolate: isolated || f.nodes.length < 2,
    request: !v.up,
    promote: !f.leader || v.member !== 'learner',
    remove: !f.leader || v.member === 'removed' || v.member === 'joining',
  };
  const why = {};
  if (outside) why.campaign = why.transfer = `Node ${v.id} is ${outside}`;
  // Every greyed action says why (the menu's tooltips); `why` alone is what the page's
  // shortcuts say in place of a command (the others the core refuses in its own words).
  const n = `Node ${v.id}`;
  const noLeader = 'No leader to propose the change to';
  const tip = {
    crash: `${n} is down already`,
    restart: `${n} is up`,
    campaign: !v.up ? `${n} is down` : v.role === 'leader' ? `${n} leads already` : why.campaign,
    transfer: !v.up ? `${n} is down` : !f.leader ? 'No leader to transfer leadership from'
      : f.leader === v.id ? `${n} leads already` : why.transfer,
    isolate: f.nodes.length < 2 ? 'A single node has no one to be cut off from' : `${n} is isolated already`,
    request: `${n} is down`,
    promote: v.member !== 'learner' ? `${n} is not a learner` : noLeader,
    remove: !f.leader ? noLeader : v.member === 'removed' ? `${n} is removed already`
      : `${n} is joining: it is in no configuration yet`,
  };
  return { off, why, tip };
}

/** Why action `action` makes no sense for node `id` now (the menu's reason for leaving it
 *  disabled), or null: for the page's shortcuts, which act without the menu. */
export function actionRefused(f, id, action) {
  const v = f?.nodes.find((n) => n.id === id);
  return v ? disabledActions(f, v).why[action] ?? null : null;
}

/**
 * box: the element the menu is placed in (absolute positions are relative to it).
 * onAction(action, id); onClose(id, returnFocus).
 */
export function createNodeMenu(box, { onAction, onClose }) {
  const menu = htmlEl('div', 'node-menu', box);
  menu.setAttribute('role', 'menu');
  menu.hidden = true;
  const title = htmlEl('p', 'node-menu-title', menu, 'Node');
  title.id = `node-menu-title-${Math.random().toString(36).slice(2, 8)}`;
  menu.setAttribute('aria-labelledby', title.id);
  const buttons = ACTIONS.map(([action, label, key]) => {
    const b = htmlEl('button', '', menu);
    b.type = 'button';
    b.setAttribute('role', 'menuitem');
    b.dataset.action = action;
    b.append(label, ' ');
    if (key) htmlEl('kbd', '', b, key).setAttribute('aria-hidden', 'true');
    return b;
  });
  const keyed = new Map(ACTIONS.map(([, , key], i) => [key, buttons[i]]).filter(([key]) => key));
  let node = 0;
  let frame = null;

  function refresh(f = frame) {
    frame = f;
    if (!node) return;
    const v = f && f.nodes[node - 1];
    if (!v) return close();
    const { off, tip } = disabledActions(f, v);
    const focused = menu.hidden ? null : buttons.find((b) => b === menu.getRootNode().activeElement);
    for (const b of buttons) {
      const d = off[b.dataset.action];
      if (b.disabled !== d) b.disabled = d;
      const t = d ? tip[b.dataset.action] ?? '' : '';
      if (b.title !== t) b.title = t;
    }
    // A change drawn while the menu is open (the node crashed, a leader was elected) can
    // take away the action the keyboard is on: a disabled button gets no keys, so the
    // menu would go deaf. The focus moves to the nearest action still offered.
    if (focused?.disabled) nearestEnabled(focused)?.focus({ preventScroll: true });
    const text = `Node ${v.id} · ${v.role}${v.member && v.member !== 'voter' ? ` · ${v.member}` : ''} · term ${v.term}`;
    if (title.textContent !== text) title.textContent = text;
  }

  /** Opens the menu for node `id`, beside `anchor` (its control), as of frame `f` (the
   *  newest: the panels' frame it keeps may be a few hundred ms old, from before a change
   *  the reader just saw land). From the keyboard the first action takes the focus. */
  function open(id, anchor, ev, f = frame) {
    node = id;
    refresh(f);
    if (!node) return;
    menu.hidden = false;
    const stage = box.getBoundingClientRect();
    const b = anchor.getBoundingClientRect();
    const w = menu.offsetWidth, h = menu.offsetHeight;
    let x = b.right - stage.left + 4;
    let y = b.top - stage.top;
    if (x + w > stage.width) x = b.left - stage.left - w - 4;
    x = Math.max(2, Math.min(stage.width - w - 2, x));
    y = Math.max(2, Math.min(Math.max(2, stage.height - h - 2), y));
    menu.style.setProperty('left', `${Math.round(x)}px`);
    menu.style.setProperty('top', `${Math.round(y)}px`);
    document.addEventListener('pointerdown', onOutside, true);
    document.addEventListener('keydown', onEscape, true);
    if (!ev || ev.type !== 'click' || ev.detail === 0) menu.querySelector('button:not(:disabled)')?.focus({ preventScroll: true });
  }

  function nearestEnabled(b) {
    const i = buttons.indexOf(b);
    return buttons.slice(i + 1).find((x) => !x.disabled) ?? buttons.slice(0, i).reverse().find((x) => !x.disabled);
  }

  function close(returnFocus = false) {
    if (!node) return;
    const id = node;
    node = 0;
    menu.hidden = true;
    document.removeEventListener('pointerdown', onOutside, true);
    document.removeEventListener('keydown', onEscape, true);
    onClose?.(id, returnFocus);
  }

  // A press anywhere outside the menu closes it, doing nothing else: in the page around the
  // element too (the header of a phone, where the menu covers the cluster), not only in
  // the shadow root, so a tap meant for what lies under it never lands on one of its
  // actions. (A node's own control opens its menu: that press is the node's.)
  function onOutside(ev) {
    const path = ev.composedPath();
    if (!node || path.includes(menu)) return;
    if (path.some((t) => t.classList?.contains('hit'))) return;
    close();
  }
  // Escape closes it wherever the focus is (a menu opened by a click or a tap leaves the
  // focus on the node). On the node, or on nothing, that is all Escape does (the page's
  // Escape, which clears the selection, waits for the next press); a control elsewhere
  // keeps its own Escape too. A dialog over it keeps Escape to itself.
  function onEscape(ev) {
    if (!node || ev.key !== 'Escape' || ev.defaultPrevented) return;
    const path = ev.composedPath();
    if (path.includes(menu)) return; // the menu's own keys
    if (path.some((t) => t.tagName === 'DIALOG')) return;
    const t = path[0];
    const onNode = t?.classList?.contains('hit') && Number(t.getAttribute('data-id')) === node;
    if (onNode || t === document.body || t === document.documentElement || t === document) {
      ev.preventDefault();
      ev.stopPropagation();
    }
    close(false);
  }

  menu.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-action]');
    if (!b || b.disabled) return;
    const id = node;
    // The focus goes back to the node: the menu's button it was on is gone.
    close(true);
    onAction(b.dataset.action, id);
  });
  menu.addEventListener('keydown', (ev) => {
    const items = buttons.filter((b) => !b.disabled);
    const i = items.indexOf(menu.getRootNode().activeElement);
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const j = ev.key === 'ArrowDown' ? (i + 1) % items.length : (i - 1 + items.length) % items.length;
      items[j]?.focus();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      close(true);
    } else if (keyed.has(ev.key) && !keyed.get(ev.key).disabled) {
      // The letter an action shows (the page's shortcut) chooses it here too.
      ev.preventDefault();
      keyed.get(ev.key).click();
    } else if (ev.key === 'Tab') {
      // The menu sits late in the document: Tab from it would skip the nodes after its
      // own. It goes back to its node first; Tab then goes on from there (the browser
      // moves from where the focus is now: the next node), Shift+Tab stays on the node.
      close(true);
      if (ev.shiftKey) ev.preventDefault();
    }
    ev.stopPropagation(); // menu keys are not shortcuts
  });

  return { open, close, refresh, get node() { return node; }, element: menu };
}
