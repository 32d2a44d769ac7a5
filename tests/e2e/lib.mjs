// Shared helpers for the browser end-to-end tests (not a test file itself).
//
// The tests drive www/index.html only through the hooks promised in CONTRACT.md: DOM ids,
// classes and data-* attributes, URL parameters, and `window.raftLive.frame()` /
// `raftLive.ready` for reading state while waiting for a condition.
//
// One browser (a persistent context in a temporary profile) and one static server per test
// file; every test opens its own page, so tests do not depend on each other. Every page is
// watched for console errors, uncaught exceptions, CSP violations and requests leaving the
// server's origin; `checkClean()` asserts none happened.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer, CSP } from "../../scripts/serve.mjs";

export { CSP };
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// E2E_WWW serves another directory (for trying the tests against a stand-in page).
export const WWW = process.env.E2E_WWW ? path.resolve(process.env.E2E_WWW) : path.join(ROOT, "www");
export const ARTIFACTS = path.join(ROOT, "tests", "artifacts");

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Simulated time is in microseconds in a frame.
export const MS = 1_000;
export const SEC = 1_000_000;

// Generous wall-clock limits: CI is a 2-core machine running Chromium and the wasm cluster.
export const T_SHORT = 10_000;
export const T_LONG = 30_000;

// Records CSP violations from the first script on; runs before the page's own scripts and
// is not subject to the page's CSP (it is injected through the DevTools protocol).
const INIT_SCRIPT = `(() => {
  window.__e2eCsp = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__e2eCsp.push({ directive: e.violatedDirective, blocked: e.blockedURI,
      source: e.sourceFile, line: e.lineNumber, sample: e.sample });
  });
})();`;

/** Starts the server and the browser for one test file. */
export async function launch() {
  if (!fs.existsSync(path.join(WWW, "index.html"))) {
    throw new Error(`${WWW}/index.html does not exist: the page is not there`);
  }
  const server = await startServer({ root: WWW, port: 0 });
  const origin = new URL(server.url).origin;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "raft-live-e2e-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
    });
  } catch (err) {
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  await context.addInitScript(INIT_SCRIPT);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    server,
    origin,
    url: server.url,
    context,
    async close() {
      try {
        await context.close();
      } finally {
        await server.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Opens the page with URL parameters (an object or a query string) and waits for
 * `raftLive.ready`. Returns a handle with the page and what was observed on it.
 */
export async function openPage(env, params = {}, { waitReady = true } = {}) {
  const page = await env.context.newPage();
  const qs = typeof params === "string" ? params : new URLSearchParams(params).toString();
  const url = env.url + (qs ? `?${qs}` : "");
  const seen = { console: [], errors: [], pageErrors: [], csp: [], requests: [], failed: [] };
  page.on("console", (msg) => {
    const where = msg.location()?.url;
    const entry = `${msg.type()}: ${msg.text()}${where ? ` (${where})` : ""}`;
    seen.console.push(entry);
    if (msg.type() === "error") seen.errors.push(entry);
    if (/content[- ]security[- ]policy/i.test(msg.text())) seen.csp.push(entry);
  });
  page.on("pageerror", (err) => seen.pageErrors.push(String(err?.stack ?? err)));
  page.on("request", (req) => seen.requests.push(req.url()));
  page.on("requestfailed", (req) => seen.failed.push(`${req.url()}: ${req.failure()?.errorText}`));
  const response = await page.goto(url, { waitUntil: "load" });
  const handle = {
    page,
    url,
    response,
    seen,
    env,
    /** Asserts nothing bad was seen on this page (call at the end of every test). */
    async checkClean() {
      await checkClean(handle);
    },
    async close() {
      await page.close();
    },
  };
  if (waitReady) await waitReadyOn(page);
  return handle;
}

export async function waitReadyOn(page, timeout = T_LONG) {
  await page.waitForFunction(() => window.raftLive && window.raftLive.ready, null, { timeout });
  await page.evaluate(() => window.raftLive.ready);
}

export async function checkClean(h) {
  const { seen, env } = h;
  let violations = [];
  try {
    violations = await h.page.evaluate(() => window.__e2eCsp ?? []);
  } catch {
    /* page closed */
  }
  assert.deepEqual(seen.pageErrors, [], "uncaught exceptions in the page");
  assert.deepEqual(seen.errors, [], "console errors");
  assert.deepEqual(violations, [], "securitypolicyviolation events");
  assert.deepEqual(seen.csp, [], "console messages about the Content Security Policy");
  const foreign = seen.requests.filter((u) => !u.startsWith(env.origin + "/"));
  assert.deepEqual(foreign, [], `requests that left the page's origin ${env.origin}`);
}

export async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  // The whole page, as a window that tall would show it: the page does not render what is
  // out of view (CSS content-visibility), so a plain full-page capture would show those
  // parts blank. The window grows to the page's height for the shot, then shrinks back.
  const size = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (size && height > size.height) {
    await page.setViewportSize({ width: size.width, height: Math.min(height, 8000) });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  try {
    await page.screenshot({ path: file });
  } finally {
    if (size && height > size.height) await page.setViewportSize(size);
  }
  return file;
}

// --- reading state -----------------------------------------------------------------------

/** A compact summary of the latest frame (read through the test handle). */
export async function summary(page) {
  await page.waitForFunction(() => window.raftLive && window.raftLive.frame(), null, { timeout: T_SHORT, polling: 20 });
  return page.evaluate(() => {
    const f = window.raftLive.frame();
    const sum = (i) => f.metrics.messages.reduce((a, m) => a + m[i], 0);
    return {
      now: f.now,
      horizon: f.horizon,
      leader: f.leader,
      term: f.term,
      partition: f.partition,
      requests: f.requests,
      violation: f.violation,
      sent: sum(1),
      delivered: sum(2),
      dropped: sum(3),
      nextLine: f.nextLine,
      inFlight: f.messages.length,
      nodes: f.nodes.map((n) => ({
        id: n.id,
        up: n.up,
        role: n.role,
        term: n.term,
        lead: n.lead,
        commit: n.commit,
        lastIndex: n.lastIndex,
        snapIndex: n.snapIndex,
        log: n.log,
      })),
    };
  });
}

/** Nodes as the SVG shows them: [{id, role, term}]. */
export async function domNodes(page) {
  return page.$$eval("#cluster g.node", (gs) =>
    gs.map((g) => ({ id: Number(g.dataset.id), role: g.dataset.role, term: Number(g.dataset.term) })),
  );
}

/** A node's log strip as shown: [{index, term, committed}]. */
export async function strip(page, id) {
  return page.$$eval(`.log-strip[data-node="${id}"] .entry`, (es) =>
    es.map((e) => ({
      index: Number(e.dataset.index),
      term: Number(e.dataset.term),
      committed: e.dataset.committed === "true",
    })),
  );
}

/**
 * Waits until node `id`'s log strip agrees with the latest frame (its newest index, and
 * which entries are committed) and returns the strip. The page may redraw the strips on a
 * slower cadence than the SVG, so a strip read right after an action can be stale.
 */
export async function syncedStrip(page, id) {
  await until(page, `node ${id}'s log strip to match the frame`, (id) => {
    const n = window.raftLive.frame().nodes.find((n) => n.id === id);
    const es = [...document.querySelectorAll(`.log-strip[data-node="${id}"] .entry`)];
    const max = es.reduce((m, e) => Math.max(m, Number(e.dataset.index)), 0);
    if (max !== n.lastIndex && !(n.lastIndex === n.snapIndex && max === 0)) return false;
    // (A crashed node's frame has commit 0; how its old entries are shown is the page's call.)
    return !n.up || es.every((e) => (e.dataset.committed === "true") === (Number(e.dataset.index) <= n.commit));
  }, id);
  return strip(page, id);
}

export function maxCommitted(entries) {
  return entries.filter((e) => e.committed).reduce((m, e) => Math.max(m, e.index), 0);
}

// --- waiting -----------------------------------------------------------------------------

/**
 * Waits until `fn(arg)` (run in the page, where `window.raftLive.frame()` and the DOM are
 * available) returns a truthy value, and returns that value. On a time-out the error says
 * what was awaited and shows a summary of the last frame.
 */
export async function until(page, what, fn, arg, timeout = T_SHORT) {
  // Not yet while there is no frame: the page has none between a #reset and its next draw.
  // (Built here in Node: Playwright sends a function's source, and runs it with `arg`.)
  const guarded = new Function(
    `return (arg) => (window.raftLive && window.raftLive.frame() ? (${fn.toString()})(arg) : false);`,
  )();
  try {
    const handle = await page.waitForFunction(guarded, arg, { timeout, polling: 50 });
    return await handle.jsonValue();
  } catch (err) {
    let state = "";
    try {
      const s = await summary(page);
      state = JSON.stringify({
        now: s.now,
        leader: s.leader,
        term: s.term,
        partition: s.partition,
        nodes: s.nodes.map(({ id, role, term, lead, commit, lastIndex }) => ({ id, role, term, lead, commit, lastIndex })),
      });
    } catch {
      /* no frame */
    }
    // A picture of the page as it was when the wait gave up, for the CI artefacts.
    const slug = what.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").slice(0, 60);
    const shot = await screenshot(page, `FAIL-${slug}`).catch(() => null);
    err.message = `waiting for ${what}: ${err.message.split("\n")[0]}\n  last frame: ${state}` +
      (shot ? `\n  screenshot: ${shot}` : "");
    throw err;
  }
}

/** Waits for simulated time to pass `dtUs` from now (the page must be playing). */
export async function waitSim(page, dtUs, timeout) {
  const t0 = await page.evaluate(() => window.raftLive.frame().now);
  const wall = timeout ?? Math.max(T_SHORT, (dtUs / SEC) * 1000 * 4 + 5000);
  await until(page, `simulated time ${t0 + dtUs}us`, (t) => window.raftLive.frame().now >= t, t0 + dtUs, wall);
  return t0 + dtUs;
}

/**
 * Waits for a leader shown in the SVG (`g.node[data-role=leader]`) that the frame agrees
 * on and `#status-leader` names, with every live node following it at its term. Returns
 * {id, term}.
 */
export async function waitStableLeader(page, { timeout = T_LONG, exclude = [] } = {}) {
  return until(
    page,
    "a stable leader (g.node[data-role=leader], #status-leader, all live nodes follow it)",
    (exclude) => {
      const leaders = [...document.querySelectorAll("#cluster g.node[data-role=leader]")];
      if (leaders.length !== 1) return false;
      const id = Number(leaders[0].dataset.id);
      const term = Number(leaders[0].dataset.term);
      if (exclude.includes(id)) return false;
      const f = window.raftLive.frame();
      if (f.leader !== id) return false;
      const status = document.querySelector("#status-leader")?.textContent ?? "";
      if (!new RegExp(`(^|\\D)${id}(\\D|$)`).test(status)) return false;
      const live = f.nodes.filter((n) => n.up);
      const cut = new Set((f.partition.find((g) => g.includes(id)) ?? f.nodes.map((n) => n.id)));
      const reach = live.filter((n) => cut.has(n.id));
      if (!reach.every((n) => n.term === term && (n.id === id ? n.role === "leader" : n.lead === id))) return false;
      const leader = f.nodes.find((n) => n.id === id);
      // The leader's first entry of its term (its no-op) is committed.
      if (leader.commit < leader.lastIndex) return false;
      return { id, term };
    },
    exclude,
    timeout,
  );
}

// --- acting through the DOM ----------------------------------------------------------------

/** Clicks node `id` in the SVG and picks `action` in #node-menu. */
export async function nodeAction(page, id, action) {
  const node = page.locator(`#cluster g.node[data-id="${id}"]`);
  const menu = page.locator("#node-menu");
  // A message passing over the node may sit under the pointer (clicking it would drop
  // it); Playwright's hit-target check waits until the node itself is hit.
  await node.click({ timeout: T_SHORT });
  await menu.waitFor({ state: "visible", timeout: T_SHORT });
  const button = menu.locator(`[data-action="${action}"]`);
  await button.click({ timeout: T_SHORT });
}

/** Whether the #node-menu button for `action` is disabled for node `id` (closes the menu). */
export async function menuDisabled(page, id, actions) {
  await page.locator(`#cluster g.node[data-id="${id}"]`).click({ timeout: T_SHORT });
  const menu = page.locator("#node-menu");
  await menu.waitFor({ state: "visible", timeout: T_SHORT });
  const out = {};
  for (const a of actions) out[a] = await menu.locator(`[data-action="${a}"]`).isDisabled();
  await page.keyboard.press("Escape");
  return out;
}

/** Sets a range input to `value` and fires `input` and `change`, as a drag would. */
export async function setRange(page, selector, value) {
  await page.locator(selector).evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

/** Whether the simulation is running according to #play's aria-pressed. */
export async function playing(page) {
  return (await page.locator("#play").getAttribute("aria-pressed")) === "true";
}

export async function setPlaying(page, on) {
  if ((await playing(page)) !== on) await page.locator("#play").click();
  await until(page, `#play aria-pressed=${on}`, (on) => (document.querySelector("#play").getAttribute("aria-pressed") === "true") === on, on);
}

/**
 * Clicks #request and waits until a new request entry (index > every index the live nodes
 * had before) is committed in the log strip of every node in `nodes` (default: all live
 * nodes). Returns that index.
 */
export async function requestAndWaitCommitted(page, nodes) {
  const before = await summary(page);
  const ids = nodes ?? before.nodes.filter((n) => n.up).map((n) => n.id);
  const floor = Math.max(...before.nodes.map((n) => n.lastIndex));
  await page.locator("#request").click();
  return until(
    page,
    `a request entry after index ${floor} committed in the log strips of nodes ${ids}`,
    ({ ids, floor, committed }) => {
      const f = window.raftLive.frame();
      const leader = f.nodes.find((n) => n.id === f.leader);
      if (!leader) return false;
      const shown = (i) => ids.every((id) =>
        document.querySelector(`.log-strip[data-node="${id}"] .entry[data-index="${i}"][data-committed="true"]`));
      if (leader.log.length > 0) {
        // The request's entry: the leader's first non-empty command after `floor`.
        const entry = leader.log.find((e) => e[0] > floor && e[2] !== "");
        return entry && shown(entry[0]) ? entry[0] : false;
      }
      // A light frame (no logs; see Frame::detail): the request is committed once the frame
      // counts it, and then it lies at or below the leader's commit index.
      if (f.requests.committed <= committed || leader.commit <= floor) return false;
      return shown(leader.commit) ? leader.commit : false;
    },
    { ids, floor, committed: before.requests.committed },
    T_LONG,
  );
}

/**
 * Splits the cluster into `groupA` and `groupB` through #partition, #partition-dialog and
 * #partition-apply. CONTRACT.md does not say how the dialog assigns a node to a group; this
 * goes by the controls' accessible names, as a reader would: one radio button per node and
 * group, labelled "Node N in group A" / "Node N in group B".
 */
export async function partitionViaDialog(page, groupA, groupB) {
  await page.locator("#partition").click();
  const dialog = page.locator("#partition-dialog");
  await dialog.waitFor({ state: "visible", timeout: T_SHORT });
  for (const [ids, g] of [[groupA, "A"], [groupB, "B"]]) {
    for (const id of ids) {
      await dialog.getByRole("radio", { name: `Node ${id} in group ${g}`, exact: true }).check();
    }
  }
  await page.locator("#partition-apply").click();
  await dialog.waitFor({ state: "hidden", timeout: T_SHORT });
}
