// Messages inside the element: problems with its attributes (or the page's URL), a script
// that does not parse, a command the simulator refused. Lasting notes stay until the next
// rebuild; passing ones fade after a few seconds; a repeat counts up instead of stacking,
// and a note about the same thing (`about`: a field) takes the place of the earlier one.

import { htmlEl } from '../dom.js';

/** How long a passing note stays (raft-cluster.css fades it over its last seconds). */
const PASSING_MS = 8000;

/** box: where the notes go. focusAfter(): puts the focus on what follows the notes, for
 *  when the last note goes from under it (its × pressed, or it faded). */
export function createNotes(box, { focusAfter = null } = {}) {
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
        old.timer = setTimeout(() => remove(text), PASSING_MS);
        // Said again: it shows afresh, and fades again from the start.
        old.p.classList.remove('passing');
        void old.p.offsetWidth;
        old.p.classList.add('passing');
      }
      return;
    }
    const p = htmlEl('p', `${text.includes('\n') ? 'pre' : ''}${passing ? ' passing' : ''}`.trim(), box);
    const span = htmlEl('span', '', p, text);
    const close = htmlEl('button', 'note-close', p, '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Dismiss this message');
    close.addEventListener('click', () => remove(text));
    const e = { p, span, count: 1, timer: passing ? setTimeout(() => remove(text), PASSING_MS) : 0, passing, about };
    shown.set(text, e);
    while (shown.size > 6) remove(shown.keys().next().value);
    box.hidden = false;
  }

  function remove(text) {
    const e = shown.get(text);
    if (!e) return;
    clearTimeout(e.timer);
    // The focus on this note's × (it was pressed, or the note faded under it) goes to the
    // next note's ×, else the one before, else to what follows the notes: never <body>.
    const active = box.getRootNode().activeElement;
    const had = !!active && e.p.contains(active);
    const next = had ? (e.p.nextElementSibling ?? e.p.previousElementSibling) : null;
    e.p.remove();
    shown.delete(text);
    box.hidden = shown.size === 0;
    if (had) {
      const b = next?.querySelector('.note-close');
      if (b) b.focus({ preventScroll: true });
      else focusAfter?.();
    }
  }

  /** Removes every lasting note (a rebuild) and keeps `keep`. */
  function reset(keep = []) {
    for (const t of [...shown.keys()]) remove(t);
    for (const t of keep) add(t);
  }

  return { add, remove, reset, get texts() { return [...shown.keys()]; } };
}
