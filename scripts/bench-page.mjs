#!/usr/bin/env node
// Page benchmark: loads www/ in headless Chromium (Debian's, through playwright-core) from
// the in-process static server and measures the page while it runs a cluster with steady
// client traffic. Prints figures next to the targets; never asserts timing (exit 0 unless
// the page cannot be measured at all).
//
//   node scripts/bench-page.mjs [--nodes 5,9,51] [--seconds 20] [--warmup 3] [--interval 100]
//                               [--runs 1] [--viewport 1280x860] [--breakdown] [--json]
//
// For each cluster size, `--runs` times, each in a fresh browser profile (with several runs
// the main-thread figures are printed as median (min-max), the rest from the median run):
//   - page load: requests and bytes until `raftLive.ready` (Network.loadingFinished's
//     encodedDataLength: bytes on the wire, compressed when the server compresses); the raw
//     and the gzip -9 sizes of the same files are printed too;
//   - URL `?nodes=N&seed=1&speed=1`; then a warm-up (default 3 s) with traffic running;
//   - client traffic: an in-page setInterval clicks the page's own #request button every
//     100 ms of wall time (the button a reader uses; no private handle needed);
//   - window 1, the page alone (default 20 s):
//       main thread: Performance.getMetrics TaskDuration / ScriptDuration / LayoutDuration /
//         RecalcStyleDuration deltas, in ms per wall second (wall = the metrics' Timestamp);
//       JS heap: JSHeapUsedSize after HeapProfiler.collectGarbage at both ends;
//       wasm memory: the byteLength of the module's WebAssembly.Memory at both ends (the
//         benchmark captures it with an init script that wraps WebAssembly.instantiate and
//         instantiateStreaming; it grows in 64 KiB pages and never shrinks);
//   - window 2, frames (as long again): a requestAnimationFrame loop in the page records
//       every frame's timestamp: interval p50 / p95 / p99 / max and how many are over
//       20 ms. That loop makes the browser run a main-thread frame 60 times a second
//       whatever the page does (the page itself asks for none towards 1x: it draws from
//       a timer), so it is not running in window 1; the main thread is measured here too
//       and printed as "with the frame recorder";
//   - once per run, the same recorder on a blank page: what the recorder costs by itself;
//   - with --breakdown: after the window, a 5 s DevTools trace of the renderer's main thread,
//     summed by event name (Paint, Commit, Layout, FireAnimationFrame, ...) in ms per second,
//     to show where the main thread's time goes. Not part of the figures above.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./serve.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WWW = process.env.BENCH_WWW ? path.resolve(process.env.BENCH_WWW) : path.join(ROOT, "www");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const TARGETS = {
  mainThreadMsPerS: 40, // at 5 nodes
  frameMs: 20, // no frame interval over this (60 fps), at every size
  heapGrowthMiB: 0.5, // in 20 s
  loadKiB: 250,
  loadRequests: 6,
};

function parseArgs(argv) {
  const o = { nodes: [5, 9, 51], seconds: 20, warmup: 3, json: false, interval: 100, breakdown: false, runs: 1, viewport: { width: 1280, height: 860 } };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i]);
    if (a === "--json") o.json = true;
    else if (a === "--breakdown") o.breakdown = true;
    else if (a.startsWith("--nodes")) o.nodes = String(val()).split(",").map((s) => Number(s.trim()));
    else if (a.startsWith("--seconds")) o.seconds = Number(val());
    else if (a.startsWith("--warmup")) o.warmup = Number(val());
    else if (a.startsWith("--interval")) o.interval = Number(val());
    else if (a.startsWith("--runs")) o.runs = Number(val());
    else if (a.startsWith("--viewport")) {
      const m = /^(\d+)x(\d+)$/.exec(String(val()));
      if (!m) {
        console.error("bench-page: --viewport takes WIDTHxHEIGHT in CSS pixels, e.g. 1280x860");
        process.exit(2);
      }
      o.viewport = { width: Number(m[1]), height: Number(m[2]) };
    }
    else if (a === "-h" || a === "--help") {
      console.log("usage: node scripts/bench-page.mjs [--nodes 5,9,51] [--seconds 20] [--warmup 3] [--interval 100] [--runs 1] [--viewport 1280x860] [--breakdown] [--json]");
      process.exit(0);
    } else {
      console.error(`bench-page: unknown argument ${a}`);
      process.exit(2);
    }
  }
  for (const n of o.nodes) {
    if (!Number.isInteger(n) || n < 1 || n > 51) {
      console.error(`bench-page: --nodes takes sizes from 1 to 51, got ${n}`);
      process.exit(2);
    }
  }
  if (!(o.seconds > 0) || !(o.warmup >= 0) || !(o.interval > 0) || !(Number.isInteger(o.runs) && o.runs >= 1)) {
    console.error("bench-page: --seconds and --interval must be > 0, --warmup >= 0, --runs a whole number >= 1");
    process.exit(2);
  }
  return o;
}

// Captures every WebAssembly.Memory the page's modules export, and records rAF timestamps
// on demand. Injected through the DevTools protocol: not subject to the page's CSP.
const INIT = `(() => {
  const mems = (window.__benchWasmMemories = []);
  const grab = (r) => {
    const inst = r && (r.instance || r);
    const ex = inst && inst.exports;
    if (ex) for (const v of Object.values(ex)) if (v instanceof WebAssembly.Memory) mems.push(v);
    return r;
  };
  const wrap = (name) => {
    const orig = WebAssembly[name];
    if (typeof orig !== "function") return;
    WebAssembly[name] = function (...args) { return orig.apply(this, args).then(grab); };
  };
  wrap("instantiate");
  wrap("instantiateStreaming");
  // The frame recorder runs only while measuring frames (window 2): see the header.
  const bf = (window.__benchFrames = { on: false, ts: [] });
  const rec = (t) => {
    if (!bf.on) return;
    bf.ts.push(t);
    requestAnimationFrame(rec);
  };
  bf.start = () => { bf.ts = []; if (!bf.on) { bf.on = true; requestAnimationFrame(rec); } };
  bf.stop = () => { bf.on = false; return bf.ts; };
})();`;

function pct(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const metricMap = (m) => Object.fromEntries(m.metrics.map((x) => [x.name, x.value]));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A headless Chromium in a fresh profile; `close` shuts it and removes the profile. */
async function launch(opts) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "raft-live-bench-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: opts.viewport,
  });
  const close = async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

async function measure(opts, nodes) {
  const server = await startServer({ root: WWW, port: 0 });
  const origin = new URL(server.url).origin;
  const { context, close } = await launch(opts);
  const consoleErrors = [];
  try {
    await context.addInitScript(INIT);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Performance.enable", { timeDomain: "timeTicks" });

    // --- page load --------------------------------------------------------------------
    const reqs = new Map(); // requestId -> {url, bytes}
    let loading = true;
    const late = [];
    cdp.on("Network.requestWillBeSent", (e) => {
      if (!/^https?:/.test(e.request.url)) return;
      if (loading) reqs.set(e.requestId, { url: e.request.url, bytes: 0 });
      else late.push(e.request.url);
    });
    cdp.on("Network.loadingFinished", (e) => {
      const r = reqs.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    const url = `${server.url}?nodes=${nodes}&seed=1&speed=1`;
    const t0 = Date.now();
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => window.raftLive && window.raftLive.ready, null, { timeout: 30_000 });
    await page.evaluate(() => window.raftLive.ready);
    const readyMs = Date.now() - t0;
    // Anything still in flight (e.g. a late module) belongs to the load too.
    await page.waitForLoadState("networkidle").catch(() => {});
    loading = false;
    const loaded = [...reqs.values()];
    const loadBytes = loaded.reduce((a, r) => a + r.bytes, 0);
    let gzipBytes = 0;
    let rawBytes = 0;
    for (const r of loaded) {
      const u = new URL(r.url);
      let file = path.join(WWW, decodeURIComponent(u.pathname));
      if (u.pathname.endsWith("/")) file = path.join(file, "index.html");
      if (u.origin === origin && fs.existsSync(file) && fs.statSync(file).isFile()) {
        const raw = fs.readFileSync(file);
        rawBytes += raw.length;
        gzipBytes += zlib.gzipSync(raw, { level: 9 }).length;
      }
    }

    // --- steady traffic, warm-up ---------------------------------------------------------
    await page.evaluate((ms) => {
      const b = document.querySelector("#request");
      window.__benchTraffic = setInterval(() => b && !b.disabled && b.click(), ms);
    }, opts.interval);
    const committed0 = await page.evaluate(() => window.raftLive.frame().requests.committed);
    await page.waitForTimeout(opts.warmup * 1000);

    // --- window 1: the page alone --------------------------------------------------------
    await cdp.send("HeapProfiler.enable");
    await cdp.send("HeapProfiler.collectGarbage");
    const m0 = metricMap(await cdp.send("Performance.getMetrics"));
    const w0 = await page.evaluate(() => window.__benchWasmMemories.map((m) => m.buffer.byteLength));
    const s0 = await page.evaluate(() => {
      const f = window.raftLive.frame();
      return { now: f.now, committed: f.requests.committed };
    });
    await page.waitForTimeout(opts.seconds * 1000);
    const s1 = await page.evaluate(() => {
      const f = window.raftLive.frame();
      return { now: f.now, committed: f.requests.committed, leader: f.leader, term: f.term };
    });
    const m1 = metricMap(await cdp.send("Performance.getMetrics"));
    await cdp.send("HeapProfiler.collectGarbage");
    const m1gc = metricMap(await cdp.send("Performance.getMetrics"));
    const w1 = await page.evaluate(() => window.__benchWasmMemories.map((m) => m.buffer.byteLength));

    // --- window 2: frames, with the recorder ------------------------------------------------
    const r0 = metricMap(await cdp.send("Performance.getMetrics"));
    await page.evaluate(() => window.__benchFrames.start());
    await page.waitForTimeout(opts.seconds * 1000);
    const ts = await page.evaluate(() => window.__benchFrames.stop());
    const r1 = metricMap(await cdp.send("Performance.getMetrics"));
    const breakdown = opts.breakdown ? await traceBreakdown(cdp, page, 5) : null;
    await page.evaluate(() => clearInterval(window.__benchTraffic));

    const wall = m1.Timestamp - m0.Timestamp;
    const per = (k) => ((m1[k] - m0[k]) * 1000) / wall;
    const perRec = (k) => ((r1[k] - r0[k]) * 1000) / (r1.Timestamp - r0.Timestamp);
    const ivals = [];
    for (let i = 1; i < ts.length; i++) ivals.push(ts[i] - ts[i - 1]);
    const sorted = [...ivals].sort((a, b) => a - b);
    const wasmSum = (w) => (w.length ? w.reduce((a, b) => a + b, 0) : null);
    return {
      nodes,
      url,
      wallSeconds: wall,
      simSecondsPerWallSecond: (s1.now - s0.now) / 1e6 / wall,
      requestsCommitted: s1.committed - s0.committed,
      requestsCommittedDuringWarmup: s0.committed - committed0,
      mainThreadMsPerS: {
        task: per("TaskDuration"),
        script: per("ScriptDuration"),
        layout: per("LayoutDuration"),
        recalcStyle: per("RecalcStyleDuration"),
      },
      withRecorderMsPerS: {
        task: perRec("TaskDuration"),
        script: perRec("ScriptDuration"),
        layout: perRec("LayoutDuration"),
        recalcStyle: perRec("RecalcStyleDuration"),
      },
      frames: {
        count: ivals.length,
        fps: ivals.length / (r1.Timestamp - r0.Timestamp),
        p50: pct(sorted, 50),
        p95: pct(sorted, 95),
        p99: pct(sorted, 99),
        max: sorted.length ? sorted[sorted.length - 1] : NaN,
        over20ms: ivals.filter((x) => x > 20).length,
      },
      heap: {
        startBytes: m0.JSHeapUsedSize,
        endBytes: m1gc.JSHeapUsedSize,
        growthBytes: m1gc.JSHeapUsedSize - m0.JSHeapUsedSize,
      },
      wasm: {
        available: w0.length > 0,
        startBytes: wasmSum(w0),
        endBytes: wasmSum(w1),
        growthBytes: w0.length ? wasmSum(w1) - wasmSum(w0) : null,
      },
      load: {
        requests: loaded.length,
        bytes: loadBytes,
        rawBytes,
        gzip9Bytes: gzipBytes,
        readyMs,
        files: loaded.map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes })),
        requestsAfterLoad: late.length,
        foreignRequests: [...loaded.map((r) => r.url), ...late].filter((u) => !u.startsWith(origin + "/")),
      },
      consoleErrors,
      breakdown,
    };
  } finally {
    await close();
    await server.close();
  }
}

/** The frame recorder by itself: the same loop on a blank page, main-thread ms per second. */
async function measureFloor(opts) {
  const { context, close } = await launch(opts);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
    await page.setContent("<!doctype html><title>blank</title>");
    await page.evaluate(INIT);
    await page.evaluate(() => window.__benchFrames.start());
    await page.waitForTimeout(opts.warmup * 1000);
    const m0 = metricMap(await cdp.send("Performance.getMetrics"));
    await page.waitForTimeout(opts.seconds * 1000);
    const m1 = metricMap(await cdp.send("Performance.getMetrics"));
    return ((m1.TaskDuration - m0.TaskDuration) * 1000) / (m1.Timestamp - m0.Timestamp);
  } finally {
    await close();
  }
}

/** Traces the main thread for `seconds` (traffic still running); ms per second by event name. */
async function traceBreakdown(cdp, page, seconds) {
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on("Tracing.dataCollected", onData);
  const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
  await cdp.send("Tracing.start", {
    categories: "devtools.timeline,disabled-by-default-devtools.timeline,toplevel,v8",
    transferMode: "ReportEvents",
  });
  await page.waitForTimeout(seconds * 1000);
  await cdp.send("Tracing.end");
  await done;
  cdp.off("Tracing.dataCollected", onData);
  const main = new Set(
    events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`),
  );
  const ms = {};
  for (const e of events) {
    if (e.ph !== "X" || !e.dur || !main.has(`${e.pid}:${e.tid}`)) continue;
    ms[e.name] = (ms[e.name] ?? 0) + e.dur / 1000 / seconds;
  }
  // Nested events overlap (RunTask contains the others): these are totals per name, not a partition.
  return Object.fromEntries(Object.entries(ms).sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => [k, Number(v.toFixed(1))]));
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "n/a");
const kib = (b) => (b == null ? "n/a" : (b / 1024).toFixed(1));
const mib = (b) => (b == null ? "n/a" : (b / 1048576).toFixed(3));
const mark = (ok) => (ok ? "ok" : "MISS");

function printTable(results, opts, floor) {
  const cols = results.map((r) => `${r.nodes} nodes`);
  const rows = [];
  const row = (label, vals, target = "") => rows.push([label, ...vals, target]);
  row("sim s per wall s", results.map((r) => r.simSecondsPerWallSecond.toFixed(2)));
  row("requests committed (window)", results.map((r) => String(r.requestsCommitted)));
  const spread = (r, get) => (r.runs.length > 1 ? ` (${f1(Math.min(...r.runs.map(get)))}-${f1(Math.max(...r.runs.map(get)))})` : "");
  const task = (r) => r.mainThreadMsPerS.task;
  row("main thread: task ms/s", results.map((r) => `${f1(r.taskMedian)}${spread(r, task)} ${r.nodes === 5 ? mark(r.taskMedian <= TARGETS.mainThreadMsPerS) : ""}`.trim()), `<= ${TARGETS.mainThreadMsPerS} at 5 nodes`);
  row("  script ms/s", results.map((r) => f1(r.mainThreadMsPerS.script)));
  row("  layout ms/s", results.map((r) => f1(r.mainThreadMsPerS.layout)));
  row("  recalc style ms/s", results.map((r) => f1(r.mainThreadMsPerS.recalcStyle)));
  const rec = (r) => r.withRecorderMsPerS.task;
  row("with the frame recorder: task ms/s", results.map((r) => `${f1(median(r.runs.map(rec)))}${spread(r, rec)}`));
  row("frames (count / fps)", results.map((r) => `${r.frames.count} / ${f1(r.frames.fps)}`), "60 fps");
  row("frame interval p50 ms", results.map((r) => f1(r.frames.p50)));
  row("frame interval p95 ms", results.map((r) => f1(r.frames.p95)));
  row("frame interval p99 ms", results.map((r) => f1(r.frames.p99)));
  row("frame interval max ms", results.map((r) => f1(r.frames.max)));
  row("frames over 20 ms", results.map((r) => `${r.frames.over20ms} ${mark(r.frames.over20ms === 0)}`), "0");
  row("JS heap growth MiB (after GC)", results.map((r) => `${mib(r.heap.growthBytes)} ${mark(r.heap.growthBytes < TARGETS.heapGrowthMiB * 1048576 * (opts.seconds / 20 || 1))}`), `< ${TARGETS.heapGrowthMiB} in 20 s`);
  row("JS heap at end MiB", results.map((r) => mib(r.heap.endBytes)));
  row("wasm memory growth MiB", results.map((r) => (r.wasm.available ? mib(r.wasm.growthBytes) : "n/a")));
  row("wasm memory at end MiB", results.map((r) => (r.wasm.available ? mib(r.wasm.endBytes) : "n/a")));
  row("page load requests", results.map((r) => `${r.load.requests} ${mark(r.load.requests <= TARGETS.loadRequests)}`), `<= ${TARGETS.loadRequests}`);
  row("page load KiB (on the wire)", results.map((r) => `${kib(r.load.bytes)} ${mark(r.load.bytes <= TARGETS.loadKiB * 1024)}`), `<= ${TARGETS.loadKiB} KiB`);
  row("  same files raw KiB", results.map((r) => kib(r.load.rawBytes)));
  row("  same files gzip -9 KiB", results.map((r) => kib(r.load.gzip9Bytes)));
  row("load to raftLive.ready ms", results.map((r) => String(r.load.readyMs)));
  row("requests after load / foreign", results.map((r) => `${r.load.requestsAfterLoad} / ${r.load.foreignRequests.length}`));
  row("console errors", results.map((r) => String(r.consoleErrors.length)));
  const header = ["", ...cols, "target"];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
  console.log();
  console.log(`viewport ${opts.viewport.width}x${opts.viewport.height}; windows of ${opts.seconds} s (the page alone, then frames with the recorder) after a ${opts.warmup} s warm-up; ${opts.runs} run(s) per size; traffic: #request clicked by an in-page setInterval every ${opts.interval} ms (wall).`);
  if (floor != null) console.log(`the frame recorder alone, on a blank page: ${f1(floor)} ms/s of main thread.`);
  console.log("Figures only: nothing here is asserted. \"MISS\" marks a figure outside its target.");
  const r0 = results[0];
  if (r0) console.log(`page load files (${r0.nodes} nodes): ${r0.load.files.map((f) => `${f.path} ${kib(f.bytes)} KiB`).join(", ")}`);
  for (const r of results) {
    if (r.consoleErrors.length) console.log(`console errors at ${r.nodes} nodes: ${r.consoleErrors.slice(0, 5).join(" | ")}`);
    if (r.breakdown) {
      console.log(`main thread by trace event at ${r.nodes} nodes (ms/s; nested events overlap):`);
      console.log("  " + Object.entries(r.breakdown).map(([k, v]) => `${k} ${v}`).join(", "));
    }
    if (!r.wasm.available) console.log(`wasm memory at ${r.nodes} nodes: not available (no WebAssembly.Memory export seen)`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(WWW, "index.html"))) {
    console.error(`bench-page: ${WWW}/index.html is missing (build the page first: bash scripts/build.sh)`);
    process.exit(1);
  }
  const results = [];
  for (const n of opts.nodes) {
    const runs = [];
    for (let k = 0; k < opts.runs; k++) {
      if (!opts.json) console.error(`bench-page: ${n} nodes, run ${k + 1}/${opts.runs}: ${opts.warmup} s warm-up + 2 x ${opts.seconds} s...`);
      runs.push(await measure(opts, n));
    }
    // The run with the median main-thread time stands for the size; all runs are kept.
    const order = [...runs].sort((a, b) => a.mainThreadMsPerS.task - b.mainThreadMsPerS.task);
    const mid = order[Math.floor((order.length - 1) / 2)];
    results.push({ ...mid, taskMedian: median(runs.map((r) => r.mainThreadMsPerS.task)), runs });
  }
  if (!opts.json) console.error("bench-page: the frame recorder on a blank page...");
  const floor = await measureFloor(opts);
  if (opts.json) console.log(JSON.stringify({ targets: TARGETS, options: opts, recorderAloneMsPerS: floor, results }, null, 2));
  else printTable(results, opts, floor);
}

main().catch((err) => {
  console.error(`bench-page: ${err.stack ?? err}`);
  process.exit(1);
});
