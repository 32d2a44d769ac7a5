// Messages inside the element: problems with its attributes (or the page's URL), a script
// that does not parse, a command the simulator refused. Lasting notes stay until the next
// rebuild; passing ones fade after a few seconds; a repeat counts up instead of stacking,
// and a note about the same thing (`about`: a field) takes the place of the earlier one.
// More than fit are not dropped: the oldest are folded into one line that names each (the
// attribute, or the note's first words), with a button that shows them all.

import { htmlEl } from '../dom.js';

/** How long a passing note stays, and the last part of it over which it fades
 *  (raft-cluster.css, `.fading`: a transition started then, not an animation running the
 *  whole time, which had the browser produce every frame while any note was shown). */
const PASSING_MS = 8000;
const FADE_MS = 1500;
/** The most notes shown at once before the oldest are folded into one line. */
const MAX_SHOWN = 6;

/** A short name for a note in the folded line: the attribute (or URL parameter) it is
 *  about, else its first words. */
function shortName(text) {
  const m = /^(?:attribute|URL parameter) ([\w-]+)=/.exec(text);
  if (m) return m[1];
  const words = text.split(/\s+/).slice(0, 4).join(' ');
  return words.length < text.length ? `${words.replace(/[.,:;]$/, '')}…` : words;
}

/** box: where the notes go. focusAfter(): puts the focus on what follows the notes, for
 *  when the last note goes from under it (its × pressed, or it faded). */
export function createNotes(box, { focusAfter = null } = {}) {
  const shown = new Map(); // text -> {text, p, span, count, timer, fade, passing, about}, oldest first
  let expanded = false; // the reader asked to see every note
  const more = htmlEl('div', 'note-more', box);
  const moreText = htmlEl('span', '', more);
  const moreBtn = htmlEl('button', 'note-more-btn', more, 'Show all');
  moreBtn.type = 'button';
  more.hidden = true;
  moreBtn.addEventListener('click', () => {
    const first = [...shown.values()].find((e) => e.p.hidden);
    expanded = true;
    layout();
    first?.p.querySelector('.note-close').focus({ preventScroll: true });
  });

  /** Shows the newest notes, and folds the older ones into one line that names them. */
  function layout() {
    const all = [...shown.values()];
    const folded = expanded || all.length <= MAX_SHOWN ? 0 : all.length - (MAX_SHOWN - 1);
    all.forEach((e, i) => { e.p.hidden = i < folded; });
    more.hidden = folded === 0;
    if (folded) {
      const names = [...shown.keys()].slice(0, folded).map(shortName);
      moreText.textContent = `${folded} more message${folded === 1 ? '' : 's'}: ${names.join(', ')}.`;
      moreBtn.setAttribute('aria-label', `Show all ${all.length} messages`);
      box.insertBefore(more, box.firstChild);
    }
    box.hidden = shown.size === 0;
  }

  function add(text, { passing = false, about = null } = {}) {
    if (about !== null) {
      for (const [t, e] of shown) if (e.about === about && t !== text) remove(t);
    }
    const old = shown.get(text);
    if (old) {
      old.count++;
      old.span.textContent = `${text} (×${old.count})`;
      if (passing) {
        // Said again: it shows afresh, and fades again at its end.
        pass(old);
        // The newest again: shown, not folded away with the oldest.
        shown.delete(text);
        shown.set(text, old);
        if (box.lastElementChild !== old.p) box.appendChild(old.p);
        layout();
      }
      return;
    }
    const p = htmlEl('p', `${text.includes('\n') ? 'pre' : ''}${passing ? ' passing' : ''}`.trim(), box);
    const span = htmlEl('span', '', p, text);
    const close = htmlEl('button', 'note-close', p, '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Dismiss this message');
    close.addEventListener('click', () => remove(text));
    const e = { text, p, span, count: 1, timer: 0, fade: 0, passing, about };
    if (passing) pass(e);
    shown.set(text, e);
    layout();
  }

  /** (Re)starts a passing note's time: it fades over its last FADE_MS, then goes. */
  function pass(e) {
    clearTimeout(e.timer);
    clearTimeout(e.fade);
    e.p.classList.remove('fading');
    e.fade = setTimeout(() => e.p.classList.add('fading'), PASSING_MS - FADE_MS);
    e.timer = setTimeout(() => remove(e.text), PASSING_MS);
  }

  function remove(text) {
    const e = shown.get(text);
    if (!e) return;
    clearTimeout(e.timer);
    clearTimeout(e.fade);
    // The focus on this note's × (it was pressed, or the note faded under it) goes to the
    // next note's ×, else the one before, else to what follows the notes: never <body>.
    const active = box.getRootNode().activeElement;
    const had = !!active && e.p.contains(active);
    const list = [...shown.values()];
    const at = list.indexOf(e);
    e.p.remove();
    shown.delete(text);
    layout();
    if (had) {
      const shownNow = (x) => x && !x.p.hidden;
      const next = list.slice(at + 1).find(shownNow) ?? list.slice(0, at).reverse().find(shownNow);
      const b = next ? next.p.querySelector('.note-close') : (more.hidden ? null : moreBtn);
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
