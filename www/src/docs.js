// docs.html: the live examples' snippets, built from the examples themselves (so the text
// to copy is exactly the markup that runs above it), and their Copy buttons. Snippet text
// is set with textContent only.
import './raft-cluster.js';
import './raft-compare.js';

/** The markup of an element as an author would write it (attributes in source order). */
export function snippetOf(el) {
  const tag = el.localName;
  const attrs = [...el.attributes].map((a) => {
    if (a.value === '' && tag === 'raft-cluster') return a.name;
    // A script's strings use double quotes: single-quote such a value.
    const q = a.value.includes('"') ? "'" : '"';
    const v = q === '"' ? a.value : a.value.replace(/'/g, '&#39;');
    return `${a.name}=${q}${v.replace(/&(?=\w+=)/g, '&amp;')}${q}`;
  });
  const open = `<${tag}${attrs.length ? ' ' + attrs.join(' ') : ''}>`;
  return `${open}</${tag}>`;
}

function snippetBox(text, label) {
  const box = document.createElement('div');
  box.className = 'snippet';
  fill(box, text, label);
  return box;
}

function fill(box, text, label = 'snippet') {
  const pre = document.createElement('pre');
  const code = document.createElement('code');
  code.textContent = text;
  pre.appendChild(code);
  pre.tabIndex = 0;
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = 'Copy';
  b.setAttribute('aria-label', `Copy the ${label}`);
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
    } catch {
      // No clipboard access (an insecure context, a denied permission): select it.
      const r = document.createRange();
      r.selectNodeContents(code);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(r);
      b.textContent = 'Selected: Ctrl+C';
    }
    setTimeout(() => { b.textContent = 'Copy'; }, 2500);
  });
  box.replaceChildren(pre, b);
}

for (const demo of document.querySelectorAll('.example .demo')) {
  const el = demo.querySelector('raft-compare, raft-cluster, iframe');
  if (!el) continue;
  demo.before(snippetBox(snippetOf(el), 'markup of this example'));
}

// Fixed snippets written in the page (data-text), and files shown as they are (data-src).
for (const box of document.querySelectorAll('.snippet[data-text]')) fill(box, box.dataset.text, box.dataset.label);
for (const box of document.querySelectorAll('.snippet[data-src]')) {
  fetch(box.dataset.src)
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((t) => fill(box, t.trimEnd(), box.dataset.src))
    .catch((e) => fill(box, `(could not load ${box.dataset.src}: ${e.message})`));
}
