// The element's side panels for full controls: metrics (Fabric's names, the Prometheus
// text on demand) and the event log (etcd's words, with filters). Markup only; the
// metrics and event-log views fill it.

import { htmlEl } from '../dom.js';

const CATEGORIES = ['election', 'leader', 'replication', 'snapshot', 'transfer', 'config', 'proposal', 'fault', 'safety'];

export function buildMetricsPanel(box) {
  const h = htmlEl('h2', '', box, 'Metrics ');
  htmlEl('span', 'hint', h, 'Fabric etcdraft');
  htmlEl('div', 'tiles', box);
  const tableBox = htmlEl('div', 'by-kind-box', box);
  const table = htmlEl('table', 'by-kind', tableBox);
  const cap = htmlEl('caption', 'sr', table, 'Messages by kind (simulator counters, not Fabric metrics)');
  cap.id = '';
  const tr = htmlEl('tr', '', htmlEl('thead', '', table));
  // A narrow panel (a tablet's column) writes the long headings short (raft-cluster.css);
  // the long word stays for screen readers.
  for (const [t, short] of [['kind'], ['sent'], ['delivered', 'deliv.'], ['dropped', 'drop.']]) {
    const th = htmlEl('th', '', tr);
    th.scope = 'col';
    htmlEl('span', 'th-long', th, t);
    if (short) th.setAttribute('data-short', short);
  }
  htmlEl('tbody', '', table);
  const actions = htmlEl('div', 'prom-actions', box);
  const show = htmlEl('button', 'rc-prom', actions, 'Prometheus text');
  show.type = 'button';
  show.setAttribute('aria-expanded', 'false');
  const copy = htmlEl('button', 'rc-prom-copy', actions, 'Copy');
  copy.type = 'button';
  copy.hidden = true;
  const pre = htmlEl('pre', 'prom-text', box);
  pre.tabIndex = 0;
  pre.hidden = true;
  pre.setAttribute('aria-label', 'Prometheus text');
  return { show, copy, pre };
}

export function buildEventLogPanel(box, onFilter) {
  const h = htmlEl('h2', '', box, 'Event log ');
  htmlEl('span', 'hint', h, "etcd raft's words");
  const filters = htmlEl('div', 'filters', box);
  const sel = (label, cls, options) => {
    const l = htmlEl('label', 'field', filters);
    htmlEl('span', 'field-l', l, label);
    const s = htmlEl('select', cls, l);
    for (const [v, t] of options) s.add(new Option(t, v));
    s.addEventListener('change', () => onFilter(node.value, cat.value));
    return s;
  };
  const node = sel('Node', 'log-filter-node', [['', 'all'], ['0', 'cluster (sim)']]);
  const cat = sel('Category', 'log-filter-cat', [['', 'all'], ...CATEGORIES.map((c) => [c, c])]);
  const whyBox = htmlEl('label', 'field log-why', filters);
  const why = htmlEl('input', '', whyBox);
  why.type = 'checkbox';
  why.checked = true;
  htmlEl('span', 'field-l', whyBox, 'why');
  whyBox.title = 'Show the rule behind each decision under its line';
  why.addEventListener('change', () => scroller.classList.toggle('no-why', !why.checked));
  const scroller = htmlEl('div', 'log-scroll', box);
  scroller.tabIndex = 0;
  scroller.setAttribute('role', 'group');
  scroller.setAttribute('aria-label', 'Event log lines, newest at the bottom');
  const list = htmlEl('div', 'event-log', scroller);
  const anchor = htmlEl('div', 'log-anchor', scroller);
  anchor.setAttribute('aria-hidden', 'true');

  /** The node filter lists the cluster's nodes. */
  function setNodes(n) {
    const keep = node.value;
    while (node.options.length > 2) node.remove(2);
    for (let id = 1; id <= n; id++) node.add(new Option(`node ${id}`, String(id)));
    node.value = Number(keep) <= n ? keep : '';
    onFilter(node.value, cat.value);
  }
  return { list, scroller, anchor, setNodes };
}
