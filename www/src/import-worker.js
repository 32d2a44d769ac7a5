// The log importer's worker: reads the files and pasted blocks piece by piece into the
// importer (raft-web built with its `import` feature, www/pkg-import/), off the page's
// thread, telling the page how far it is; then answers the page's asks for windows of the
// space-time diagram and for exports. A 50 MB log is read without the page missing a frame.
//
// Messages in: {type: 'import', inputs: [{name, file} | {name, text}], channel, decimal},
// {type: 'diagram' | 'svg' | 'mermaid', id, from, to} (µs from the first line).
// Messages out: {type: 'progress', done, total} (bytes), {type: 'done', outcome},
// {type: 'reply', id, value}, {type: 'error', id?, message}.

import init, { Importer } from '../pkg-import/raft_import.js';

const PIECE = 1 << 20;      // a pasted block goes in by pieces of about 1 MiB, cut at a line's end
const PROGRESS_MS = 80;     // the progress bar is told at most this often

const ready = init({ module_or_path: new URL('../pkg-import/raft_import_bg.wasm', import.meta.url) });
let importer = null;

self.onmessage = async (ev) => {
  const m = ev.data;
  try {
    await ready;
    if (m.type === 'import') await read(m);
    else if (!importer) throw new Error('nothing imported yet');
    else if (m.type === 'diagram') reply(m, importer.diagram(m.from, m.to));
    else if (m.type === 'svg') reply(m, importer.diagramSvg(m.from, m.to));
    else if (m.type === 'mermaid') reply(m, importer.diagramMermaid(m.from, m.to));
  } catch (e) {
    self.postMessage({ type: 'error', id: m.id, message: e && e.message ? e.message : String(e) });
  }
};

function reply(m, value) {
  self.postMessage({ type: 'reply', id: m.id, value });
}

async function read({ inputs, channel, decimal }) {
  importer?.free();
  importer = null;
  const im = new Importer(channel || undefined, !!decimal);
  const total = inputs.reduce((n, i) => n + (i.file ? i.file.size : i.text.length), 0);
  let done = 0;
  let told = 0;
  const tell = (force) => {
    const now = performance.now();
    if (!force && now - told < PROGRESS_MS) return;
    told = now;
    self.postMessage({ type: 'progress', done, total });
  };
  tell(true);
  for (const input of inputs) {
    const k = im.addInput(input.name);
    if (input.file) {
      // Bytes are counted before decoding (the bar's total is the files' sizes); the
      // decoder keeps a character cut between two pieces whole.
      const count = new TransformStream({ transform(chunk, c) { done += chunk.byteLength; c.enqueue(chunk); } });
      const text = input.file.stream().pipeThrough(count).pipeThrough(new TextDecoderStream());
      const r = text.getReader();
      for (;;) {
        const { value, done: end } = await r.read();
        if (end) break;
        im.push(k, value);
        tell(false);
      }
    } else {
      const s = input.text;
      for (let i = 0; i < s.length;) {
        let j = Math.min(s.length, i + PIECE);
        if (j < s.length) {
          const nl = s.lastIndexOf('\n', j);
          if (nl > i) j = nl + 1;
        }
        im.push(k, s.slice(i, j));
        done += j - i;
        i = j;
        tell(false);
      }
    }
  }
  done = total;
  tell(true);
  const outcome = im.finish();
  importer = im;
  self.postMessage({ type: 'done', outcome });
}
