// The message tip: what a message carries, beside it, for as long as the reader points at
// it (the element holds the clock meanwhile). On a touch screen or from the keyboard, with
// full controls, it offers to drop the message.

import { htmlEl } from '../dom.js';

export function createTip(box, { onDrop }) {
  const tip = htmlEl('div', 'rc-tip', box);
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  const head = htmlEl('strong', 'tip-head', tip);
  const body = htmlEl('span', 'tip-body', tip);
  // For an answer: the rule behind it (a vote granted or refused, an append accepted or
  // rejected), with the paper's section.
  const why = htmlEl('span', 'tip-why', tip);
  const foot = htmlEl('span', 'tip-foot hint', tip);
  const drop = htmlEl('button', 'tip-drop', tip, 'Drop it');
  drop.type = 'button';
  drop.hidden = true;
  let id = null;
  drop.addEventListener('click', () => { if (id !== null) onDrop(id); });

  /** Shows message `m` at client point `pt`. canDrop: full controls; offerDrop: show the
   *  button (touch, keyboard) rather than "click to drop"; note: the foot's text instead
   *  of the clock's (a message of imported logs: no clock to hold). */
  function show(m, pt, { canDrop = false, offerDrop = false, note = null } = {}) {
    id = m.id;
    head.textContent = `${m.kind} ${m.from} → ${m.to} · term ${m.term}`;
    const lines = [];
    if (m.text) lines.push(m.text);
    if (m.lost) lines.push('lost: it will never arrive');
    if (m.duplicate) lines.push('a duplicate');
    body.textContent = lines.join('\n');
    body.hidden = lines.length === 0;
    setWhy(m);
    foot.textContent = note ?? (canDrop && !offerDrop ? 'the clock holds while you point · click to drop it' : 'the clock holds while you read');
    foot.hidden = !foot.textContent;
    drop.hidden = !(canDrop && offerDrop);
    tip.hidden = false;
    place(pt);
  }

  function place(pt) {
    if (!pt) return;
    const b = box.getBoundingClientRect();
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let x = pt.x - b.left + 14, y = pt.y - b.top + 14;
    if (x + w > b.width - 2) x = pt.x - b.left - w - 14;
    if (y + h > b.height - 2) y = pt.y - b.top - h - 14;
    tip.style.setProperty('left', `${Math.round(Math.max(2, x))}px`);
    tip.style.setProperty('top', `${Math.round(Math.max(2, y))}px`);
  }

  function setWhy(m) {
    why.textContent = m.why ? `why: ${m.why}` : '';
    why.hidden = !m.why;
  }

  /** The shown message's text arrived (a detailed frame): fill it in. */
  function refresh(m) {
    if (id === null || !m || m.id !== id) return;
    if (m.why && why.hidden) setWhy(m);
    if (!m.text || body.textContent.startsWith(m.text)) return;
    body.hidden = false;
    body.textContent = [m.text, body.textContent].filter(Boolean).join('\n');
  }

  function hide() {
    id = null;
    tip.hidden = true;
  }
  return { show, hide, refresh, get id() { return id; }, element: tip };
}
