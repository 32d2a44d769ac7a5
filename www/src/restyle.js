// Tells an element when the page around it may have restyled it.
//
// What reaches into a shadow root from outside (custom properties, ::part() rules) comes
// from the page's own rules, and a page changes them at run time: a dark-mode class or a
// style on an ancestor, a style sheet added. Most of the element follows by itself, but
// what it paints on canvases is read from styles once and kept (the colours of messages,
// the cluster's picture of its SVG, views/mirror.js): those must be read again. Changes
// come at most once a display frame.

import { composedParent } from './dom.js';

/** Calls `onRestyle()` (at the next display frame) after any change that may restyle `el`:
 *  an attribute of an ancestor (out of shadow roots to their hosts), `el`'s own class or
 *  style (its other attributes are its settings), the document's head (style sheets), a
 *  font loaded. Returns the function that stops watching. */
export function watchRestyle(el, onRestyle) {
  let queued = false;
  const changed = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      onRestyle();
    });
  };
  const mo = new MutationObserver(changed);
  mo.observe(el, { attributes: true, attributeFilter: ['class', 'style'] });
  for (let n = composedParent(el); n; n = composedParent(n)) mo.observe(n, { attributes: true });
  if (document.head) mo.observe(document.head, { childList: true, subtree: true, characterData: true });
  document.fonts?.addEventListener('loadingdone', changed);
  return () => {
    mo.disconnect();
    document.fonts?.removeEventListener('loadingdone', changed);
  };
}
