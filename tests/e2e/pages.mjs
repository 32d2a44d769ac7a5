// Helpers for the embed, tour and docs tests (not a test file itself): test pages served by
// the browser itself (under the server's origin and with its CSP header), the state of a
// <raft-cluster> as plain data, and reading the expectations of a scenario file to check
// them against a frame.
import fs from "node:fs";
import path from "node:path";
import { CSP, WWW, T_LONG } from "./lib.mjs";

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

/** A test page: one module script (the element, as docs.html tells authors), a stylesheet,
 *  and `body`. */
export function testPage(title, body, css = "/__e2e-host.css") {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${css}">
<script type="module" src="dist/raft-cluster.js"></script></head>
<body>${body}</body></html>`;
}

/** Waits until `fn(arg)` holds in the page (or frame); the error names what was awaited. */
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
    const notes = el.shadowRoot.querySelector(".rc-notes");
    return {
      running: el.running,
      now: f ? f.now : null,
      leader: f ? f.leader : null,
      term: f ? f.term : null,
      nodes: f ? f.nodes.length : null,
      hash: el.sim ? el.sim.traceHash() : null,
      notes: notes.textContent,
      notesShown: !notes.hidden,
      drawnNodes: el.shadowRoot.querySelectorAll(".rc-cluster g.node[data-id]").length,
    };
  });
}

// --- scenario files: steps and their expectations ------------------------------------------

/**
 * The steps of a scenario file: for each `pause "…"` line, its text and the `expect` lines
 * that hold at that pause (those after the last line that changed the cluster or let time
 * pass before it: the expectations that state what that step shows). Each expectation is
 * {line, what, arg, op, value}; forms that need more than a frame (the event log, an
 * entry's term) have `what` "core" and are left to the core's own check (script().failures).
 */
export function scenarioSteps(file) {
  const text = fs.readFileSync(file, "utf8");
  const steps = [];
  let pending = [];
  for (const raw of text.split("\n")) {
    if (raw.startsWith("----")) break;
    const line = raw.trim();
    const pause = /^(?:at\s+\S+\s+)?pause\s+"((?:[^"\\]|\\.)*)"/.exec(line);
    if (pause) {
      steps.push({ text: pause[1].replace(/\\(.)/g, (_, c) => ({ n: "\n", t: "\t", r: "" }[c] ?? c)), expects: pending });
      pending = [];
      continue;
    }
    const code = line.replace(/\s+#.*$/, "").replace(/^#.*$/, "");
    if (!code) continue;
    const word = code.split(/\s+/)[0];
    if (word === "expect") {
      pending.push(parseExpect(code, file));
    } else if (!["nodes", "seed", "prevote", "checkquorum", "election-timeout", "heartbeat", "tick", "snapshot-every", "init", "latency"].includes(word)) {
      // A command (or a network change among commands): the state may have changed.
      pending = [];
    }
  }
  return steps;
}

const SETS = ["followers", "candidates", "pre-candidates", "leaders", "crashed"];

function parseExpect(code, file) {
  let m;
  if ((m = /^expect\s+(leader|term|role|commit|applied|value|violations|messages|vote|snapshot|lastindex)\s+(?:(\S+)\s+)?(==|!=|<=|>=|<|>)\s+(\S+)$/.exec(code))) {
    return { line: code, what: m[1], arg: m[2] ?? null, op: m[3], value: m[4] };
  }
  if ((m = /^expect\s+(\S+)\s+(==|!=)\s+(\{[\d,\s]*\})$/.exec(code)) && SETS.includes(m[1])) {
    return { line: code, what: "set", arg: m[1], op: m[2], value: m[3] };
  }
  if ((m = /^expect\s+(voters|learners)\s+(?:(\d+)\s+)?(==|!=)\s+(\{[\d,\s]*\})$/.exec(code))) {
    return { line: code, what: m[1], arg: m[2] ?? null, op: m[3], value: m[4] };
  }
  if ((m = /^expect\s+joint\s+(?:(\d+)\s+)?(==|!=)\s+(yes|no)$/.exec(code))) {
    return { line: code, what: "joint", arg: m[1] ?? null, op: m[2], value: m[3] };
  }
  if ((m = /^expect\s+partition\s+(==|!=)\s+(.+)$/.exec(code))) {
    return { line: code, what: "partition", arg: null, op: m[1], value: m[2].trim() };
  }
  if (/^expect\s+(log\s+(contains|count)|logterm)\b/.test(code)) return { line: code, what: "core" };
  throw new Error(`${file}: cannot read "${code}"`);
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

const setOf = (text) => [...text.matchAll(/\d+/g)].map((x) => Number(x[0])).sort((a, b) => a - b).join(",");

/**
 * Checks one expectation against a frame (web/src/view.rs Frame) with the native runner's
 * meaning (raft-sim/src/scenario/expect.rs). Returns null when it holds (or is left to
 * the core), else what was found.
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
  const roleOf = (n) => (n.up ? n.role : "crashed");
  switch (e.what) {
    case "core":
      return null;
    case "leader": {
      const want = e.value === "none" ? 0 : num(e.value);
      const ok = e.op === "!=" ? f.leader !== want : f.leader === want;
      return ok ? null : fail(`leader ${f.leader || "none"}`);
    }
    case "term": {
      let t;
      if (e.arg) {
        const n = node(num(e.arg));
        if (!n) return fail(`no node ${e.arg}`);
        t = n.term;
      } else {
        if (!f.leader) return fail("no leader to read the term from");
        t = node(f.leader).term;
      }
      return cmp(e.op, t, num(e.value)) ? null : fail(`term ${t}`);
    }
    case "role": {
      const role = roleOf(node(num(e.arg)));
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
    case "snapshot":
    case "lastindex": {
      const key = e.what === "snapshot" ? "snapIndex" : "lastIndex";
      const v = e.arg ? node(num(e.arg))[key] : Math.min(...f.nodes.map((n) => n[key]));
      return cmp(e.op, v, num(e.value)) ? null : fail(`${e.what} ${v}`);
    }
    case "vote": {
      const n = node(num(e.arg));
      const want = e.value === "none" ? 0 : num(e.value);
      const ok = e.op === "!=" ? n.vote !== want : n.vote === want;
      return ok ? null : fail(`vote ${n.vote || "none"}`);
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
      const v = e.arg ? f.messages.filter((m) => m.kind === e.arg).length : f.messages.length;
      return cmp(e.op, v, num(e.value)) ? null : fail(`messages ${v}`);
    }
    case "set": {
      const role = { followers: "follower", candidates: "candidate", "pre-candidates": "pre-candidate", leaders: "leader", crashed: "crashed" }[e.arg];
      const actual = f.nodes.filter((n) => roleOf(n) === role).map((n) => n.id).join(",");
      const ok = (actual === setOf(e.value)) === (e.op === "==");
      return ok ? null : fail(`${e.arg} {${actual}}`);
    }
    case "voters":
    case "learners":
    case "joint": {
      // The configuration of the leader (no node named) or of one node, as the core reads
      // it: the voters of both halves while joint; the learners and the learners to be. The
      // frame holds one configuration (f.conf: the leader's, or with no leader the highest
      // term's, f.conf.from); a node's own that is not that one is left to the core.
      let whose;
      if (e.arg) {
        const id = num(e.arg);
        if (!up(id)) return fail(`node ${e.arg} down`);
        if (f.conf.from !== id) return null;
        whose = `of ${id} `;
      } else {
        if (!f.leader) return fail("no leader to read the configuration from");
        if (f.conf.from !== f.leader) return fail(`the configuration of ${f.conf.from}, not of leader ${f.leader}`);
        whose = "";
      }
      const c = f.conf;
      if (e.what === "joint") {
        const actual = c.joint ? "yes" : "no";
        const ok = (actual === e.value) === (e.op === "==");
        return ok ? null : fail(`joint ${whose}${actual}`);
      }
      const ids = e.what === "voters" ? [...c.voters, ...c.outgoing] : [...c.learners, ...c.learnersNext];
      const actual = [...new Set(ids)].sort((a, b) => a - b).join(",");
      const ok = (actual === setOf(e.value)) === (e.op === "==");
      return ok ? null : fail(`${e.what} ${whose}{${actual}}`);
    }
    case "partition": {
      const norm = (groups) => groups.map((g) => [...g].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]).map((g) => g.join(",")).join(" ");
      let want = "";
      if (e.value !== "none") {
        const groups = [...e.value.matchAll(/\{([^}]*)\}/g)].map((x) => [...x[1].matchAll(/\d+/g)].map((d) => Number(d[0])));
        const listed = new Set(groups.flat());
        const rest = f.nodes.map((n) => n.id).filter((id) => !listed.has(id));
        if (rest.length) groups.push(rest);
        want = norm(groups);
      }
      const actual = f.partition.length ? norm(f.partition) : "";
      const ok = (actual === want) === (e.op === "==");
      return ok ? null : fail(`partition ${actual || "none"}`);
    }
  }
  return fail(`an expectation this test cannot read`);
}

/**
 * A frame without what depends on how the page last asked for it rather than on the
 * cluster: the log lines, and the detail a draw asked for (the per-node logs and stores and
 * the messages' texts, present in a detailed frame only; which draw was the last one is a
 * matter of timing). Compare the simulator's own detailed frame (`state().exact`) for those.
 */
export function comparableFrame(f) {
  const { lines, nextLine, detail, nodes, messages, ...rest } = f;
  return {
    ...rest,
    nodes: nodes.map(({ log, kv, ...n }) => n),
    messages: messages.map(({ text, why, ...m }) => m),
  };
}
