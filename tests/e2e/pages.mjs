// Helpers for the embed and tour tests (not a test file itself): opening pages other than
// index.html with lib.mjs's watchers, test pages served by the browser itself (under the
// server's origin and with its CSP header), and reading the expectations of a scenario
// file to check them against a frame.
import fs from "node:fs";
import path from "node:path";
import { openPage, CSP, WWW, T_LONG } from "./lib.mjs";

/**
 * Opens `pathAndHash` (e.g. "tour.html#tour/election/3") on the test server, watched like
 * lib.mjs's openPage (console errors, CSP violations, foreign requests: checkClean()).
 */
export async function openPath(env, pathAndHash) {
  return openPage({ ...env, url: `${env.origin}/${pathAndHash}` }, "", { waitReady: false });
}

const routed = new WeakMap();

/**
 * Serves `files` ({"/__e2e-x.html": text, "/__e2e-x.css": text}) at the server's origin,
 * with the server's CSP header on HTML, so a test page is held to the same policy as the
 * real pages. Routed once per browser context.
 */
export async function serveTestFiles(env, files) {
  let done = routed.get(env.context);
  if (!done) routed.set(env.context, (done = new Set()));
  for (const [p, body] of Object.entries(files)) {
    if (done.has(p)) continue;
    done.add(p);
    const type = p.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
    await env.context.route(`${env.origin}${p}`, (route) =>
      route.fulfill({
        status: 200,
        headers: { "content-type": type, ...(type.startsWith("text/html") ? { "content-security-policy": CSP } : {}) },
        body,
      }),
    );
  }
}

/** A test page: one module script (the element), a stylesheet, and `body`. */
export function testPage(title, body, css = "/__e2e-host.css") {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${css}">
<script type="module" src="raft-cluster.js"></script></head>
<body>${body}</body></html>`;
}

/** Waits until `fn(arg)` holds in the page; the error names what was awaited. */
export async function waitFor(page, what, fn, arg, timeout = T_LONG) {
  try {
    const h = await page.waitForFunction(fn, arg, { timeout, polling: 50 });
    return await h.jsonValue();
  } catch (err) {
    err.message = `waiting for ${what}: ${err.message.split("\n")[0]}`;
    throw err;
  }
}

/** The state of a <raft-cluster> (by CSS selector) as plain data. */
export async function embedState(page, selector) {
  return page.$eval(selector, (el) => {
    const f = el.frame();
    return {
      running: el.running,
      now: f ? f.now : null,
      leader: f ? f.leader : null,
      term: f ? f.term : null,
      nodes: f ? f.nodes.length : null,
      hash: el.sim ? el.sim.traceHash() : null,
      notes: el.shadowRoot.querySelector(".rc-notes").textContent,
      notesShown: !el.shadowRoot.querySelector(".rc-notes").hidden,
      drawnNodes: el.shadowRoot.querySelectorAll("svg.rc-cluster g.node").length,
    };
  });
}

// --- scenario files: steps and their expectations ------------------------------------------

const EXPECT = /^expect\s+(leader|term|role|commit|applied|value|violations|messages)\s+(?:(\S+)\s+)?(==|!=|<=|>=|<|>)\s+(\S+)\s*$/;

/**
 * The steps of a scenario file: for each `pause "…"` line, its text and the `expect` lines
 * that hold at that pause (those after the last line that changed the cluster or let time
 * pass before it: the expectations that state what that step shows).
 */
export function scenarioSteps(file) {
  const text = fs.readFileSync(file, "utf8");
  const steps = [];
  let pending = [];
  for (const raw of text.split("\n")) {
    if (raw.startsWith("----")) break;
    const line = raw.trim();
    const pause = /^pause\s+"((?:[^"\\]|\\.)*)"/.exec(line);
    if (pause) {
      steps.push({ text: pause[1].replace(/\\(.)/g, (_, c) => ({ n: "\n", t: "\t", r: "" }[c] ?? c)), expects: pending });
      pending = [];
      continue;
    }
    const code = line.replace(/\s+#.*$/, "").replace(/^#.*$/, "");
    if (!code) continue;
    const word = code.split(/\s+/)[0];
    if (word === "expect") {
      const m = EXPECT.exec(code);
      if (!m) throw new Error(`${file}: cannot read "${code}"`);
      pending.push({ line: code, what: m[1], arg: m[2] ?? null, op: m[3], value: m[4] });
    } else if (!["nodes", "seed", "prevote", "checkquorum", "election-timeout", "heartbeat", "tick", "snapshot-every", "init"].includes(word)) {
      // A command (or a network change among commands): the state may have changed.
      pending = [];
    }
  }
  return steps;
}

export function tourChapters() {
  const dir = path.join(WWW, "scenarios", "tour");
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+-[a-z0-9-]+\.txt$/.test(f))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .map((f) => ({ id: f.replace(/^\d+-/, "").replace(/\.txt$/, ""), file: path.join(dir, f), steps: scenarioSteps(path.join(dir, f)) }));
}

function cmp(op, a, b) {
  switch (op) {
    case "==": return a === b;
    case "!=": return a !== b;
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    case ">=": return a >= b;
  }
  throw new Error(`unknown comparison ${op}`);
}

/**
 * Checks one expectation against a frame (web/src/view.rs Frame) with the native runner's
 * meaning (raft-core/src/scenario/run.rs `check`). Returns null when it holds, else what
 * was found.
 */
export function checkExpectation(e, f) {
  const node = (id) => f.nodes[id - 1];
  const up = (id) => {
    const n = node(id);
    return n && n.up ? n : null;
  };
  const live = f.nodes.filter((n) => n.up);
  const num = (x) => Number(x);
  const fail = (found) => `${e.line}: found ${found}`;
  switch (e.what) {
    case "leader": {
      const want = e.value === "none" ? 0 : num(e.value);
      const ok = e.op === "!=" ? f.leader !== want : f.leader === want;
      return ok ? null : fail(`leader ${f.leader || "none"}`);
    }
    case "term": {
      let t;
      if (e.arg) {
        const n = up(num(e.arg));
        if (!n) return fail(`node ${e.arg} down`);
        t = n.term;
      } else {
        if (!f.leader) return fail("no leader to read the term from");
        t = node(f.leader).term;
      }
      return cmp(e.op, t, num(e.value)) ? null : fail(`term ${t}`);
    }
    case "role": {
      const n = node(num(e.arg));
      const role = n.up ? n.role : "crashed";
      const ok = e.op === "!=" ? role !== e.value : role === e.value;
      return ok ? null : fail(`role ${role}`);
    }
    case "commit":
    case "applied": {
      const key = e.what;
      let v;
      if (e.arg) {
        const n = up(num(e.arg));
        if (!n) return fail(`node ${e.arg} down`);
        v = n[key];
      } else {
        v = live.length ? Math.min(...live.map((n) => n[key])) : 0;
      }
      return cmp(e.op, v, num(e.value)) ? null : fail(`${key} ${v}`);
    }
    case "value": {
      if (!f.leader) return fail("no leader to read the value from");
      const kv = node(f.leader).kv.find(([k]) => k === e.arg);
      const actual = kv ? kv[1] : null;
      const want = e.value === "none" ? null : e.value;
      const ok = e.op === "!=" ? actual !== want : actual === want;
      return ok ? null : fail(`value ${actual ?? "none"}`);
    }
    case "violations": {
      const v = f.violation ? 1 : 0;
      return cmp(e.op, v, num(e.value)) ? null : fail(`violations ${v}`);
    }
    case "messages": {
      const v = f.messages.length;
      return cmp(e.op, v, num(e.value)) ? null : fail(`messages ${v}`);
    }
  }
  return fail(`an expectation this test cannot read`);
}

/** A frame without its log lines (which depend on what the page asked for). */
export function comparableFrame(f) {
  const { lines, nextLine, ...rest } = f;
  return rest;
}
