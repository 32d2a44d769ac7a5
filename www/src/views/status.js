// The status line: term, leader, simulated time, client requests, the network, and the
// safety checker's verdict (always visible), plus the violation's details when there is one.

import { htmlEl, fmtSeconds, liveText } from '../dom.js';

/**
 * The term to show beside the leader: the leader's own term when there is one (a frame's
 * `term` is the highest any live node holds, which a node cut off or removed may have
 * raised far past the leader's), else that highest term. `highest`: the frame's, for a
 * tooltip when it differs. Frames carry every node's term (`nodes[id - 1].term`).
 */
export function termOf(f) {
  // (Node i is at i - 1 in every frame; looked up by id should that ever change.)
  const at = f.leader ? f.nodes?.[f.leader - 1] : null;
  const leader = at && at.id === f.leader ? at : f.leader ? f.nodes?.find((n) => n.id === f.leader) : null;
  if (leader && leader.term !== undefined) return { term: leader.term, ofLeader: true, highest: f.term };
  return { term: f.term, ofLeader: false, highest: f.term };
}

export function createStatus(box, violationBox) {
  const item = (cls, label) => {
    const d = htmlEl('span', `rc-st ${cls}`, box);
    const l = htmlEl('span', 'rc-st-l', d, label);
    // The value sits in a box of its own: a flex item (.rc-st is a flex box) is laid out
    // with its flex line, so a live text must not be one (see liveText).
    const v = htmlEl('span', 'rc-st-v live', htmlEl('span', 'rc-st-box', d));
    return { d, l, v, c: {} };
  };
  // The term comes first: its label reads "term" or "highest term" as leaders come and go,
  // and where the status ends its row, what is left of it (the leader on) keeps its place
  // either way (raft-cluster.css, .rc-status::before).
  const term = item('st-term', 'term');
  const leader = item('st-leader', 'leader');
  const time = item('st-time', 'time');
  const requests = item('st-requests rc-full', 'requests');
  const network = item('st-network rc-full', 'network');
  const safety = item('st-safety', 'safety');
  safety.v.title = 'The checker tests the five safety properties of the Raft paper after every step';
  const vTitle = htmlEl('strong', '', violationBox);
  const vText = htmlEl('p', '', violationBox);
  violationBox.hidden = true;
  let shown = null;

  const set = (it, text) => liveText(it.v, it.c, text);

  /** Cheap parts on every draw (leader, term, network, safety); the rest with the panels. */
  function update(f, panels) {
    set(leader, f.leader ? String(f.leader) : 'none');
    // The leader's term beside the leader; with none, the highest term, labelled so.
    const t = termOf(f);
    set(term, String(t.term));
    const label = t.ofLeader ? 'term' : 'highest term';
    const tip = t.ofLeader
      ? `The leader's term: node ${f.leader} leads in term ${t.term}` +
        (t.highest > t.term ? ` (a node that does not lead it has reached term ${t.highest})` : '')
      : 'No leader: the highest term any live node has reached';
    if (term.label !== label) { term.label = label; term.l.textContent = label; box.dataset.leader = String(t.ofLeader); }
    if (term.tip !== tip) { term.tip = tip; term.d.title = tip; }
    const cut = f.partition.length > 0;
    set(network, cut ? `cut ${f.partition.map((g) => `{${g.join(',')}}`).join(' ')}` : 'connected');
    if (network.cut !== cut) { network.cut = cut; network.v.dataset.cut = String(cut); }
    if (panels) {
      set(time, `${fmtSeconds(f.now)} s`);
      const r = f.requests;
      set(requests, `${r.committed} committed${r.pending ? ` · ${r.pending} pending` : ''}${r.rejected ? ` · ${r.rejected} failed${r.timedOut ? ` (${r.timedOut} timed out)` : ''}` : ''}`);
    }
    const v = f.violation;
    const key = v ? `${v.property}|${v.term}|${v.index}|${v.text}` : null;
    if (key === shown) return v;
    shown = key;
    set(safety, v ? `VIOLATED: ${v.property}` : 'OK');
    safety.v.dataset.ok = String(!v);
    violationBox.hidden = !v;
    if (v) {
      vTitle.textContent = `Safety violation: ${v.property} · nodes ${v.nodes.join(', ')} · term ${v.term} · index ${v.index}`;
      vText.textContent = v.text;
    }
    return v;
  }
  return { update, reset() { shown = undefined; } };
}
