// Metrics: Fabric's etcdraft gauges and counters as small live charts.

import { htmlEl, svgEl, liveText, writeText } from '../dom.js';

const HISTORY = 60; // samples kept per chart (a minute of wall time: controller.js SAMPLE_MS)

function sparkPath(vals, lo, hi, w, h) {
  if (vals.length === 0) return '';
  const span = hi - lo || 1;
  const dx = w / (HISTORY - 1);
  const x0 = w - dx * (vals.length - 1);
  let d = '';
  for (let i = 0; i < vals.length; i++) {
    const y = h - 1 - ((vals[i] - lo) / span) * (h - 2);
    d += `${i ? 'L' : 'M'}${(x0 + dx * i).toFixed(1)},${y.toFixed(1)}`;
  }
  return d;
}

export function createMetrics(root) {
  const tilesEl = root.querySelector('.tiles');
  const tbody = root.querySelector('.by-kind tbody');
  const W = 120, H = 28;

  function tile(label, prom, series) {
    const t = htmlEl('div', 'tile', tilesEl);
    const top = htmlEl('div', 'tile-top', t);
    htmlEl('span', 'tile-label', top, label);
    const value = htmlEl('span', 'live', htmlEl('span', 'tile-value', top), '—');
    const chart = svgEl('svg', { class: 'spark', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', 'aria-hidden': 'true' }, t);
    const paths = series.map((cls) => svgEl('path', { class: cls }, chart));
    const name = htmlEl('code', 'tile-prom', t);
    // A long name breaks after an underscore, not mid-word.
    prom.split(/(?<=_)/).forEach((part, i) => {
      if (i) name.append(document.createElement('wbr'));
      name.append(part);
    });
    name.title = prom;
    return { t, value, paths, hist: series.map(() => []), c: {}, live: {} };
  }

  const T = {
    leader: tile('leader', 'consensus_etcdraft_is_leader', ['s-main']),
    size: tile('active / cluster size', 'consensus_etcdraft_active_nodes · cluster_size', ['s-main', 's-ref']),
    changes: tile('leader changes, per node', 'consensus_etcdraft_leader_changes', ['s-main', 's-ref']),
    commit: tile('committed block (raft index)', 'consensus_etcdraft_committed_block_number · raftsim_committed_index', ['s-main', 's-ref']),
    proposals: tile('proposals received', 'consensus_etcdraft_normal_proposals_received · config_proposals_received', ['s-main', 's-ref']),
    failures: tile('proposal failures', 'consensus_etcdraft_proposal_failures', ['s-bad']),
    // The values are the counters (as the table and the Prometheus text give them); the
    // line, how many each sample added.
    msgs: tile('messages sent · delivered · dropped', 'raftsim_messages_{sent,delivered,dropped} (the line: per sample)', ['s-sent', 's-main', 's-bad']),
  };
  // The seventh tile takes its row whole (it would sit alone in it): its three counts grow
  // past a half row's width in a long run.
  T.msgs.t.classList.add('tile-wide');
  const leaderBoxes = htmlEl('div', 'is-leader', T.leader.t);
  leaderBoxes.setAttribute('aria-hidden', 'true');
  T.leader.t.insertBefore(leaderBoxes, T.leader.t.querySelector('.spark'));
  T.commit.value.title = 'The latest block written, as Fabric numbers blocks: one for each client command ' +
    '(a leader\'s empty entry and a membership change are none); in brackets the raft log index committed; ' +
    'snap: the block of the newest snapshot (the grey line)';
  T.changes.value.title = 'Each node counts every change of the leader it knows, to none included, as each ' +
    'Fabric orderer does (an election a follower sees counts twice: leader lost, new leader): the fewest ' +
    'and the most any node counted (the fewest in grey)';
  T.size.value.title = 'active: the leader and the voters it heard from lately; cluster size: the voters ' +
    '(both halves while joint). Learners vote in no quorum: they are in neither, and counted apart';
  let boxes = [];
  let kindRows = new Map();
  let prevMsgs = null;
  let short = 0; // samples in a row where the leader hears from less than a quorum

  function push(tileObj, k, v) {
    const h = tileObj.hist[k];
    h.push(v);
    if (h.length > HISTORY) h.shift();
  }

  function draw(tileObj, lo, hi) {
    for (let k = 0; k < tileObj.paths.length; k++) {
      const d = sparkPath(tileObj.hist[k], lo, hi, W, H);
      if (tileObj.c[k] !== d) {
        tileObj.c[k] = d;
        tileObj.paths[k].setAttribute('d', d);
      }
    }
  }

  const maxOf = (arrs) => { let m = 0; for (const a of arrs) for (const v of a) if (v > m) m = v; return m; };
  const minOf = (a) => { let m = Infinity; for (const v of a) if (v < m) m = v; return m === Infinity ? 0 : m; };
  const val = (t, text) => liveText(t.value, t.live, text);

  function sample(f) {
    const m = f.metrics;
    // Who is leader: one box per node, lit for the node with is_leader = 1.
    if (boxes.length !== m.is_leader.length) {
      leaderBoxes.replaceChildren();
      boxes = m.is_leader.map(([id]) => {
        const b = htmlEl('span', 'box', leaderBoxes);
        b.title = `node ${id}`;
        return b;
      });
    }
    let leaderId = 0;
    m.is_leader.forEach(([id, on], i) => {
      if (on) leaderId = id;
      if (boxes[i].c !== on) { boxes[i].c = on; boxes[i].classList.toggle('on', on === 1); }
    });
    val(T.leader, leaderId ? `node ${leaderId}` : 'none');
    push(T.leader, 0, leaderId);
    draw(T.leader, 0, m.cluster_size);

    // Fabric reports 0 active nodes while there is no leader: that is an election under
    // way, shown as such; a warning is a leader that hears from less than a quorum.
    // Both numbers count voters only (Fabric's consenters all vote); learners, in neither,
    // are said apart.
    const quorum = Math.floor(m.cluster_size / 2) + 1;
    const learners = m.learners ? ` + ${m.learners} learner${m.learners === 1 ? '' : 's'}` : '';
    val(T.size, `${leaderId ? `${m.active_nodes} / ` : 'no leader · '}${m.cluster_size}${learners}`);
    // (A leader just elected has not heard from every follower yet: only a shortfall seen at
    // two samples in a row, a second apart while the cluster runs, is a warning.)
    short = leaderId !== 0 && m.active_nodes < quorum ? short + 1 : 0;
    T.size.t.classList.toggle('warn', short >= 2);
    push(T.size, 0, m.active_nodes);
    push(T.size, 1, Math.floor(m.cluster_size / 2) + 1);
    draw(T.size, 0, m.cluster_size);

    // One count per node: the range over the nodes (a node that joined late or was down
    // through elections counts fewer).
    let fewest = Infinity, most = 0;
    for (const [, k] of m.leader_changes) { if (k < fewest) fewest = k; if (k > most) most = k; }
    if (fewest === Infinity) fewest = 0;
    val(T.changes, fewest === most ? `${most} each` : `${fewest}–${most}`);
    push(T.changes, 0, most);
    push(T.changes, 1, fewest);
    draw(T.changes, minOf(T.changes.hist[1]), maxOf(T.changes.hist));

    val(T.commit, `${m.committed_block} (index ${m.committed_index})${m.snapshot_index ? ` · snap ${m.snapshot_block}` : ''}`);
    push(T.commit, 0, m.committed_block);
    push(T.commit, 1, m.snapshot_block);
    const cmin = Math.min(minOf(T.commit.hist[0]), minOf(T.commit.hist[1]));
    draw(T.commit, cmin, maxOf(T.commit.hist));

    // Client commands, and membership changes proposed to a leader.
    val(T.proposals, m.config_proposals_received
      ? `${m.normal_proposals_received} · ${m.config_proposals_received} config`
      : String(m.normal_proposals_received));
    push(T.proposals, 0, m.normal_proposals_received);
    push(T.proposals, 1, m.config_proposals_received);
    draw(T.proposals, Math.min(minOf(T.proposals.hist[0]), minOf(T.proposals.hist[1])), maxOf(T.proposals.hist));

    val(T.failures, String(m.proposal_failures));
    T.failures.t.classList.toggle('warn', m.proposal_failures > 0);
    push(T.failures, 0, m.proposal_failures);
    draw(T.failures, minOf(T.failures.hist[0]), maxOf(T.failures.hist));

    // Messages: the totals, what each sample added, and the per-kind table.
    let s = 0, d = 0, x = 0;
    for (const [kind, sent, delivered, dropped] of m.messages) {
      s += sent; d += delivered; x += dropped;
      let row = kindRows.get(kind);
      if (!row) {
        const tr = htmlEl('tr', '', tbody);
        const th = htmlEl('th', '', tr, kind);
        th.scope = 'row';
        row = { cells: [htmlEl('td', '', tr), htmlEl('td', '', tr), htmlEl('td', '', tr)], c: [] };
        kindRows.set(kind, row);
      }
      const vs = [sent, delivered, dropped];
      for (let k = 0; k < 3; k++) {
        if (row.c[k] !== vs[k]) { row.c[k] = vs[k]; writeText(row.cells[k], String(vs[k])); }
      }
    }
    const prev = prevMsgs || [s, d, x];
    prevMsgs = [s, d, x];
    val(T.msgs, `${s} · ${d} · ${x}`);
    push(T.msgs, 0, Math.max(0, s - prev[0]));
    push(T.msgs, 1, Math.max(0, d - prev[1]));
    push(T.msgs, 2, Math.max(0, x - prev[2]));
    draw(T.msgs, 0, Math.max(4, maxOf(T.msgs.hist)));
  }

  function reset() {
    for (const t of Object.values(T)) {
      t.hist = t.hist.map(() => []);
      t.c = {};
    }
    prevMsgs = null;
    short = 0;
    kindRows = new Map();
    tbody.replaceChildren();
  }

  return { sample, reset };
}
