// Messages inside the element: problems with its attributes (or the page's URL), a script
// that does not parse, a command the simulator refused. Lasting notes stay until the next
// rebuild; passing ones fade after a few seconds; a repeat counts up instead of stacking,
// and a note about the same thing (`about`: a field) takes the place of the earlier one.

import { htmlEl } from '../dom.js';

export function createNotes(box) {
  const shown = new Map(); // text -> {p, span, count, timer, passing, about}

  function add(text, { passing = false, about = null } = {}) {
    if (about !== null) {
      for (const [t, e] of shown) if (e.about === about && t !== text) remove(t);
    }
    const old = shown.get(text);
    if (old) {
      old.count++;
      old.span.textContent = `${text} (×${old.count})`;
      if (passing) {
        clearTimeout(old.timer);
        old.timer = setTimeout(() => remove(text), 8000);
      }
      return;
    }
    const p = htmlEl('p', text.includes('\n') ? 'pre' : '', box);
    const span = htmlEl('span', '', p, text);
    const close = htmlEl('button', 'note-close', p, '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Dismiss this message');
    close.addEventListener('click', () => remove(text));
    const e = { p, span, count: 1, timer: passing ? setTimeout(() => remove(text), 8000) : 0, passing, about };
    shown.set(text, e);
    while (shown.size > 6) remove(shown.keys().next().value);
    box.hidden = false;
  }

  function remove(text) {
    const e = shown.get(text);
    if (!e) return;
    clearTimeout(e.timer);
    e.p.remove();
    shown.delete(text);
    box.hidden = shown.size === 0;
  }

  /** Removes every lasting note (a rebuild) and keeps `keep`. */
  function reset(keep = []) {
    for (const t of [...shown.keys()]) remove(t);
    for (const t of keep) add(t);
  }

  return { add, remove, reset, get texts() { return [...shown.keys()]; } };
}
