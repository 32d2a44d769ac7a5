// Pointing at things drawn on a canvas (the cluster's messages, the diagram's arrows):
// they are not elements, so the view says what is under the pointer (`pick`), and this
// keeps which one is pointed at, marks the element while there is one (class `over-msg`,
// a pointer cursor) and reports each change. A finger cannot hover: touch is the view's.

/**
 * el: the element the pointer moves over. pick(clientX, clientY): what is there, or null.
 * idOf(thing): its identity. onChange(thing|null, event): after each change.
 */
export function createHover(el, { pick, idOf, onChange }) {
  let current = null;
  function set(thing, ev) {
    const id = thing ? idOf(thing) : null;
    if (id === current) return;
    current = id;
    el.classList.toggle('over-msg', id !== null);
    onChange(thing, ev);
  }
  el.addEventListener('pointermove', (ev) => { if (ev.pointerType !== 'touch') set(pick(ev.clientX, ev.clientY), ev); });
  // (A finger lifted also "leaves": a tapped tip stays until the next tap elsewhere.)
  el.addEventListener('pointerleave', (ev) => { if (ev.pointerType !== 'touch') set(null, ev); });
  return {
    set,
    get id() { return current; },
    /** Forgets what was pointed at, without reporting it. */
    clear() { current = null; el.classList.remove('over-msg'); },
  };
}
