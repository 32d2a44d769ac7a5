// The log importer's worker: reads the files and pasted blocks piece by piece into the
// importer (raft-web built with its `import` feature, www/pkg-import/), off the page's
// thread, telling the page how far it is; then answers the page's asks for windows of the
// space-time diagram and for exports. A 50 MB log is read without the page missing a frame.
//
// Messages in: {type: 'import', inputs: [{name, file} | {name, text}], channel, decimal},
// {type: 'diagram' | 'svg' | 'mermaid', id, from, to} (µs from the first line).
// Messages out: {type: 'progress', done, total} (bytes), {type: 'done', outcome, skipped}
// (skipped: [[name, why]], the files this browser cannot read), {type: 'reply', id, value},
// {type: 'error', id?, message}.
//
// A gzip file (a rotated log, `docker logs … | gzip`) is read through the browser's
// DecompressionStream, every member of it; a damaged one is skipped and named, the other
// files read. (A file that is not text at all is told apart by the importer:
// raft-sim's import/reader.rs, the outcome's `notText`.)

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
  const skipped = [];
  for (const input of inputs) {
    if (input.file) {
      const before = done;
      const why = await readFile(im, input, (n) => { done += n; tell(false); });
      if (why) {
        skipped.push([input.name, why]);
        done = before + input.file.size; // the rest of it is not read: counted as gone by
      }
      continue;
    }
    const k = im.addInput(input.name);
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
  done = total;
  tell(true);
  const outcome = im.finish();
  importer = im;
  self.postMessage({ type: 'done', outcome, skipped });
}

const GZIP = [0x1f, 0x8b];

/**
 * Reads a file into the importer as one input; `counted(n)` is told of each n bytes read
 * (before decompression: the bar's total is the files' sizes). Returns why the file was
 * skipped (a gzip this browser cannot decompress, or whose data is damaged: none of its
 * lines are read), or null.
 */
async function readFile(im, input, counted) {
  const file = input.file;
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const gz = head.length === 2 && head[0] === GZIP[0] && head[1] === GZIP[1];
  if (gz) {
    if (typeof DecompressionStream === 'undefined') return 'gzip-compressed, and this browser cannot decompress it: gunzip it first';
    let texts;
    try {
      texts = await gunzip(new Uint8Array(await file.arrayBuffer()), counted);
    } catch (e) {
      return `its gzip data is damaged (${e && e.message ? e.message : e})`;
    }
    const k = im.addInput(input.name);
    for (const t of texts) im.push(k, t);
    return null;
  }
  const count = new TransformStream({ transform(chunk, c) { counted(chunk.byteLength); c.enqueue(chunk); } });
  // The decoder keeps a character cut between two pieces whole.
  const r = file.stream().pipeThrough(count).pipeThrough(new TextDecoderStream()).getReader();
  const k = im.addInput(input.name);
  try {
    for (;;) {
      const { value, done } = await r.read();
      if (done) break;
      im.push(k, value);
    }
  } catch (e) {
    return `it could not be read (${e && e.message ? e.message : e})`;
  }
  return null;
}

/** The bytes of one whole gzip stream, decompressed; throws where they are damaged. */
async function inflate(bytes) {
  const r = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const out = [];
  for (;;) {
    const { value, done } = await r.read();
    if (done) return out;
    out.push(value);
  }
}

/**
 * A gzip file's text, every member of it (`gzip -c more >> log.gz` appends one; the
 * browser's DecompressionStream reads one and calls the rest junk). A member ends where
 * the next one's header (1f 8b 08) starts and the bytes before it decompress whole: each
 * such place is tried in turn. Throws when the data is damaged.
 */
async function gunzip(bytes, counted) {
  const dec = new TextDecoder();
  const texts = [];
  let start = 0;
  while (start < bytes.length) {
    let err = null, end = -1;
    for (let e = start + 18; e <= bytes.length && end < 0; e++) {
      const header = e + 2 < bytes.length && bytes[e] === 0x1f && bytes[e + 1] === 0x8b && bytes[e + 2] === 8;
      if (!header && e < bytes.length) continue;
      try {
        const chunks = await inflate(bytes.subarray(start, e));
        for (const c of chunks) texts.push(dec.decode(c, { stream: true }));
        end = e;
      } catch (x) {
        err ??= x;
      }
    }
    if (end < 0) throw err ?? new Error('it ends inside a gzip header');
    counted(end - start);
    start = end;
  }
  texts.push(dec.decode());
  return texts;
}
