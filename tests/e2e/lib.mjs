// Shared helpers for the browser end-to-end tests (not a test file itself).
//
// The tests drive the pages through the hooks promised in CONTRACT.md: the <raft-cluster>
// element (its open shadow root's class names and data-* attributes, its methods and
// events), `window.raftLive` on index.html, `window.raftTour` on tour.html,
// `window.raftCluster` on embed.html, and URL parameters.
//
// One browser (a persistent context in a temporary profile) and one static server per test
// file; every test opens its own page through `withPage`, which watches it for console
// errors, uncaught exceptions, CSP violations and requests leaving the server's origin,
// and asserts none happened (`checkClean`) before closing it.
//
// Reaching into the element: Playwright's CSS locators pierce open shadow roots, so
// `page.locator("#cluster .rc-play")` finds the play button inside the page's element. In
// functions run in the page, `__e2e` (installed before the page's scripts) gives the
// element (`__e2e.el(host)`), queries inside its shadow root (`__e2e.q`, `__e2e.qa`), the
// focused element through shadow roots (`__e2e.deepActive()`) and a message's place on
// screen (`__e2e.messagePoint`).
import assert from "node:assert/strict";
import { before, after } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
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

// The page's element (index.html): <raft-cluster id="cluster" controls="full">.
export const PAGE_HOST = "#cluster";

// Installed before the page's own scripts (through the DevTools protocol, so the page's CSP
// does not apply to it), in every frame: records CSP violations and gives the tests a few
// helpers to use inside the page.
const INIT_SCRIPT = `(() => {
  window.__e2eCsp = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__e2eCsp.push({ directive: e.violatedDirective, blocked: e.blockedURI,
      source: e.sourceFile, line: e.lineNumber, sample: e.sample });
  });
  const VIEW = 600; // the cluster's SVG viewBox (views/cluster.js)
  window.__e2e = {
    /** The element: by selector, else the page's own (raftLive, raftTour, raftCluster). */
    el(host) {
      if (host) return document.querySelector(host);
      return (window.raftLive && window.raftLive.el) || (window.raftTour && window.raftTour.element) ||
        window.raftCluster || document.querySelector("raft-cluster");
    },
    q(el, sel) { return el && el.shadowRoot ? el.shadowRoot.querySelector(sel) : null; },
    qa(el, sel) { return el && el.shadowRoot ? [...el.shadowRoot.querySelectorAll(sel)] : []; },
    /** The focused element, through open shadow roots. */
    deepActive() {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return a;
    },
    /** A short description of an element, for messages. */
    describe(e) {
      if (!e) return "null";
      let s = e.tagName.toLowerCase();
      if (e.id) s += "#" + e.id;
      const cls = e.getAttribute && e.getAttribute("class");
      if (cls) s += "." + cls.trim().split(/\\s+/).join(".");
      const id = e.getAttribute && e.getAttribute("data-id");
      if (id) s += "[data-id=" + id + "]";
      const host = e.getRootNode && e.getRootNode().host;
      return host ? this.describe(host) + " >> " + s : s;
    },
    visible(e) { return !!e && e.checkVisibility({ visibilityProperty: true, opacityProperty: true }); },
    /**
     * Where message m is drawn (client px) at simulated time t (default: the frame's now):
     * on the edge between the two nodes' centres, from the rim of one (radius + 2) to the
     * rim of the other, (t - sent) / (deliver - sent) of the way (0.55 with reduced
     * motion), offset sideways by 5 viewBox units (2 in a dense cluster) by direction.
     */
    messagePoint(el, m, t) {
      const f = el.frame();
      const now = t === undefined ? f.now : t;
      const hit = (id) => el.shadowRoot.querySelector('.rc-cluster g.node[data-id="' + id + '"] .hit');
      const a = hit(m.from), b = hit(m.to);
      const svg = el.shadowRoot.querySelector(".rc-cluster svg");
      const dense = svg.classList.contains("dense");
      const ringR = Number(el.shadowRoot.querySelector(".rc-cluster g.node .ring-track").getAttribute("r"));
      const r = ringR - (dense ? 3 : 7);
      const x1 = Number(a.getAttribute("cx")), y1 = Number(a.getAttribute("cy"));
      const x2 = Number(b.getAttribute("cx")), y2 = Number(b.getAttribute("cy"));
      const len = Math.hypot(x2 - x1, y2 - y1) || 1;
      const ux = (x2 - x1) / len, uy = (y2 - y1) / len;
      const span = m.deliver - m.sent;
      const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
      let p = still ? 0.55 : span > 0 ? (now - m.sent) / span : 1;
      p = Math.max(0, Math.min(1, p));
      const inset = r + 2, travel = Math.max(0, len - 2 * inset);
      const off = dense ? 2 : 5, side = m.from < m.to ? off : -off;
      const x = x1 + ux * (inset + travel * p) - uy * side;
      const y = y1 + uy * (inset + travel * p) + ux * side;
      const box = el.shadowRoot.querySelector(".rc-canvas").getBoundingClientRect();
      const s = box.width / VIEW;
      return { x: box.left + x * s, y: box.top + y * s, p, pxPerUnit: s, travel, ux, uy };
    },
  };
})();`;

/**
 * Starts the server and the browser for one test file. `contextOptions` go to Playwright's
 * launchPersistentContext (e.g. {bypassCSP: true} for the accessibility audit).
 */
/**
 * One browser and one server for a test file: started before its first test, closed after
 * its last. Returns the handle `launch` gives, filled in once started.
 */
export function sharedEnv(options) {
  const env = {};
  before(async () => {
    Object.assign(env, await launch(options));
  });
  after(async () => {
    await env.close?.();
  });
  return env;
}

export async function launch({ contextOptions = {} } = {}) {
  if (!fs.existsSync(path.join(WWW, "index.html"))) {
    throw new Error(`${WWW}/index.html does not exist: the page is not there`);
  }
  if (!fs.existsSync(path.join(WWW, "dist", "page.js"))) {
    throw new Error(`${WWW}/dist/page.js does not exist: run bash scripts/build.sh (or build.sh --js) first`);
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
      ...contextOptions,
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
 * Opens a page and returns a handle {page, url, response, seen, env, host, checkClean(),
 * close()}. `params`: URL parameters (an object or a query string). Options:
 *  - path: the page ("" is index.html; "tour.html", "docs.html", "embed.html", a test page);
 *  - hash: appended to the URL ("#tour/election/3");
 *  - host: the CSS selector of the element the helpers act on (index.html: "#cluster";
 *    elsewhere the first <raft-cluster>);
 *  - waitReady: wait for the element's first frame (default true);
 *  - viewport: {width, height} for this page;
 *  - reducedMotion: "reduce" to emulate prefers-reduced-motion.
 */
export async function openPage(env, params = {}, opts = {}) {
  const { path: p = "", hash = "", waitReady = true, viewport = null, reducedMotion = null } = opts;
  const host = opts.host ?? (p === "" || p === "index.html" ? PAGE_HOST : "raft-cluster");
  const page = await env.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  if (reducedMotion) await page.emulateMedia({ reducedMotion });
  const qs = typeof params === "string" ? params : new URLSearchParams(params).toString();
  const url = `${env.origin}/${p}${qs ? `?${qs}` : ""}${hash}`;
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
  const h = {
    page,
    url,
    seen,
    env,
    host,
    response: null,
    /** A locator inside the element (Playwright's CSS pierces the shadow root). */
    in(sel) {
      return page.locator(`${host} ${sel}`);
    },
    /** Asserts nothing bad was seen on this page (withPage calls it at the end). */
    async checkClean() {
      await checkClean(h);
    },
    async close() {
      if (!page.isClosed()) await page.close();
    },
  };
  try {
    h.response = await page.goto(url, { waitUntil: "load" });
    if (waitReady) await waitReadyOn(h);
  } catch (err) {
    await page.close().catch(() => {});
    throw err;
  }
  return h;
}

/**
 * Opens a page (see openPage), waits for the element's first frame, runs `body(h)`, then
 * asserts the page stayed clean (no console errors, uncaught exceptions, CSP violations or
 * requests off the origin) and closes it, whatever happened. `opts.clean: false` skips
 * the check (for a test that expects an error and checks it itself).
 */
export async function withPage(env, params, body, opts = {}) {
  const h = await openPage(env, params, opts);
  try {
    const out = await body(h);
    if (opts.clean !== false) await h.checkClean();
    return out;
  } catch (err) {
    // Say what the page said: a failing assertion is often explained by a page error.
    const said = [...h.seen.pageErrors, ...h.seen.errors];
    if (said.length && !String(err.message).includes(said[0].slice(0, 60))) {
      err.message += `\n  the page reported: ${said.slice(0, 3).join("\n    ")}`;
    }
    throw err;
  } finally {
    await h.close();
  }
}

/** Waits until the element has drawn its first frame (and, on index.html, raftLive.ready). */
export async function waitReadyOn(h, timeout = T_LONG) {
  const { page, host } = h;
  await page.waitForFunction((host) => {
    const el = window.__e2e.el(host);
    try {
      return !!(el && typeof el.frame === "function" && el.frame());
    } catch {
      return false;
    }
  }, host, { timeout, polling: 50 });
  if (host === PAGE_HOST) {
    await page.waitForFunction(() => window.raftLive && window.raftLive.ready, null, { timeout });
    await page.evaluate(() => window.raftLive.ready);
  }
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
  const foreign = seen.requests.filter((u) => !u.startsWith(env.origin + "/") && !u.startsWith("data:"));
  assert.deepEqual(foreign, [], `requests that left the page's origin ${env.origin}`);
}

/** Two display frames: what a change asked for is painted. */
export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  // The whole page, as a window that tall would show it: the page does not render what is
  // out of view (CSS content-visibility), so a plain full-page capture would show those
  // parts blank. The window grows to the page's height for the shot, then shrinks back.
  const size = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const grow = size && height > size.height;
  if (grow) {
    await page.setViewportSize({ width: size.width, height: Math.min(height, 8000) });
    await settle(page);
    await page.waitForTimeout(150);
  }
  try {
    await page.screenshot({ path: file });
  } finally {
    if (grow) await page.setViewportSize(size);
  }
  return file;
}

// --- reading state -----------------------------------------------------------------------

/** A compact summary of the element's latest frame. */
export async function summary(h) {
  await h.page.waitForFunction((host) => window.__e2e.el(host)?.frame(), h.host, { timeout: T_SHORT, polling: 20 });
  return h.page.evaluate((host) => {
    const f = window.__e2e.el(host).frame();
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
        committedHeld: n.committedHeld,
        log: n.log,
      })),
    };
  }, h.host);
}

/** Nodes as the SVG shows them: [{id, role, term}] (the term read from the node's
 *  accessible name, "Node 3: leader, term 2, …"). */
export async function domNodes(h) {
  return h.page.evaluate((host) => window.__e2e.qa(window.__e2e.el(host), ".rc-cluster g.node[data-id]").map((g) => {
    const label = g.querySelector(".hit")?.getAttribute("aria-label") ?? "";
    const m = /term (\d+)/.exec(label);
    return { id: Number(g.dataset.id), role: g.dataset.role, term: m ? Number(m[1]) : null, label };
  }), h.host);
}

/** Brings the log strips into view, as a reader does to read them: out of view, a running
 *  cluster's strips are not redrawn (www/src/views/strips.js); in view they are at once. */
export async function revealStrips(h) {
  await h.page.evaluate(async (host) => {
    window.__e2e.q(window.__e2e.el(host), ".rc-strips")?.scrollIntoView({ block: "nearest" });
    for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
  }, h.host);
}

/** A node's log strip as shown: [{index, term, committed}] (committed: "true"|"false"|"held"). */
export async function strip(h, id) {
  await revealStrips(h);
  return h.page.evaluate(({ host, id }) =>
    window.__e2e.qa(window.__e2e.el(host), `.log-strip[data-node="${id}"] .entry[data-index]`).map((e) => ({
      index: Number(e.dataset.index),
      term: Number(e.dataset.term),
      committed: e.dataset.committed === "true",
      shown: e.dataset.committed,
    })), { host: h.host, id });
}

/**
 * Waits until node `id`'s log strip agrees with the latest frame (its newest index, and
 * which entries are committed) and returns the strip. The strips are redrawn on a slower
 * cadence than the SVG, so a strip read right after an action can be stale.
 */
export async function syncedStrip(h, id) {
  await revealStrips(h);
  await until(h, `node ${id}'s log strip to match the frame`, (id, el) => {
    const n = el.frame().nodes.find((n) => n.id === id);
    const es = window.__e2e.qa(el, `.log-strip[data-node="${id}"] .entry[data-index]`);
    const max = es.reduce((m, e) => Math.max(m, Number(e.dataset.index)), 0);
    if (max !== n.lastIndex && !(n.lastIndex === n.snapIndex && max === 0)) return false;
    // (A crashed node's frame has commit 0; its old entries are shown "held" or "false".)
    return !n.up || es.every((e) => (e.dataset.committed === "true") === (Number(e.dataset.index) <= n.commit));
  }, id);
  return strip(h, id);
}

export function maxCommitted(entries) {
  return entries.filter((e) => e.committed).reduce((m, e) => Math.max(m, e.index), 0);
}

// --- waiting -----------------------------------------------------------------------------

/**
 * Waits until `fn(arg, el)` (run in the page; `el` is the element, so `el.frame()` and
 * `__e2e.q(el, sel)` are at hand) returns a truthy value, and returns that value. On a
 * time-out the error says what was awaited, shows a summary of the last frame and saves a
 * screenshot.
 */
export async function until(h, what, fn, arg, timeout = T_SHORT) {
  // Not yet while there is no frame (between a rebuild and its next draw).
  // (Built here in Node: Playwright sends a function's source, and runs it with `arg`.)
  const guarded = new Function(
    `return (arg) => { const el = window.__e2e.el(${JSON.stringify(h.host)}); ` +
      `return el && el.frame() ? (${fn.toString()})(arg, el) : false; };`,
  )();
  try {
    const handle = await h.page.waitForFunction(guarded, arg, { timeout, polling: 50 });
    return await handle.jsonValue();
  } catch (err) {
    let state = "";
    try {
      const s = await summary(h);
      state = JSON.stringify({
        now: s.now,
        leader: s.leader,
        term: s.term,
        partition: s.partition,
        requests: s.requests,
        nodes: s.nodes.map(({ id, role, term, lead, commit, lastIndex }) => ({ id, role, term, lead, commit, lastIndex })),
      });
    } catch {
      /* no frame */
    }
    const slug = what.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").slice(0, 60);
    const shot = h.page.screenshot ? await screenshot(h.page, `FAIL-${slug}`).catch(() => null) : null;
    err.message = `waiting for ${what}: ${err.message.split("\n")[0]}\n  last frame: ${state}` +
      (shot ? `\n  screenshot: ${shot}` : "");
    throw err;
  }
}

/** Waits for simulated time to pass `dtUs` from now (the element must be playing). */
export async function waitSim(h, dtUs, timeout) {
  const t0 = (await summary(h)).now;
  const wall = timeout ?? Math.max(T_SHORT, (dtUs / SEC) * 1000 * 4 + 5000);
  await until(h, `simulated time ${t0 + dtUs}us`, (t, el) => el.frame().now >= t, t0 + dtUs, wall);
  return t0 + dtUs;
}

/**
 * Waits for a leader drawn in the SVG (`g.node[data-role=leader]`) that the frame agrees
 * on and the status line names, with every live node it can reach following it at its
 * term and its first entry of the term committed. Returns {id, term}.
 */
export async function waitStableLeader(h, { timeout = T_LONG, exclude = [] } = {}) {
  return until(
    h,
    "a stable leader (g.node[data-role=leader], .st-leader, all live nodes follow it)",
    (exclude, el) => {
      const leaders = window.__e2e.qa(el, ".rc-cluster g.node[data-id][data-role=leader]");
      if (leaders.length !== 1) return false;
      const id = Number(leaders[0].dataset.id);
      if (exclude.includes(id)) return false;
      const f = el.frame();
      if (f.leader !== id) return false;
      const status = window.__e2e.q(el, ".st-leader .rc-st-v")?.textContent ?? "";
      if (status.trim() !== String(id)) return false;
      const leader = f.nodes.find((n) => n.id === id);
      const term = leader.term;
      const label = leaders[0].querySelector(".hit")?.getAttribute("aria-label") ?? "";
      if (!label.includes(`term ${term}`)) return false;
      const live = f.nodes.filter((n) => n.up);
      const cut = new Set(f.partition.find((g) => g.includes(id)) ?? f.nodes.map((n) => n.id));
      const reach = live.filter((n) => cut.has(n.id));
      if (!reach.every((n) => n.term === term && (n.id === id ? n.role === "leader" : n.lead === id))) return false;
      // The leader's first entry of its term (its no-op) is committed.
      if (leader.commit < leader.lastIndex) return false;
      return { id, term };
    },
    exclude,
    timeout,
  );
}

// --- acting through the DOM ----------------------------------------------------------------

/** The control (the `.hit` circle, role=button) of node `id`. */
export function nodeControl(h, id) {
  return h.in(`.rc-cluster g.node[data-id="${id}"] .hit`);
}

/** Clicks node `id` in the SVG and picks `action` in the node menu (.node-menu). */
export async function nodeAction(h, id, action) {
  const menu = h.in(".node-menu");
  await nodeControl(h, id).click({ timeout: T_SHORT });
  await menu.waitFor({ state: "visible", timeout: T_SHORT });
  await menu.locator(`[data-action="${action}"]`).click({ timeout: T_SHORT });
  await menu.waitFor({ state: "hidden", timeout: T_SHORT });
}

/** Whether the node menu's buttons for `actions` are disabled for node `id` (closes it). */
export async function menuDisabled(h, id, actions) {
  await nodeControl(h, id).click({ timeout: T_SHORT });
  const menu = h.in(".node-menu");
  await menu.waitFor({ state: "visible", timeout: T_SHORT });
  const out = {};
  for (const a of actions) out[a] = await menu.locator(`[data-action="${a}"]`).isDisabled();
  await menu.locator("button:not(:disabled)").first().focus();
  await h.page.keyboard.press("Escape");
  await menu.waitFor({ state: "hidden", timeout: T_SHORT });
  return out;
}

/** Sets a range input to `value` and fires `input` and `change`, as a drag would. */
export async function setRange(locator, value) {
  await locator.evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

/** Whether the element is playing according to its play button's aria-pressed. */
export async function playing(h) {
  return (await h.in(".rc-play").getAttribute("aria-pressed")) === "true";
}

export async function setPlaying(h, on) {
  if ((await playing(h)) !== on) await h.in(".rc-play").click();
  await until(h, `.rc-play aria-pressed=${on}`, (on, el) =>
    (window.__e2e.q(el, ".rc-play").getAttribute("aria-pressed") === "true") === on && el.playing === on, on);
}

/**
 * Clicks the Request button and waits until a new request entry (index > every index the
 * live nodes had before) is committed in the log strip of every node in `nodes` (default:
 * all live nodes). Returns that index.
 */
export async function requestAndWaitCommitted(h, nodes) {
  const before = await summary(h);
  const ids = nodes ?? before.nodes.filter((n) => n.up).map((n) => n.id);
  const floor = Math.max(...before.nodes.map((n) => n.lastIndex));
  await h.in(".rc-request").click();
  // (The click scrolls the button into view; the strips are read where a reader reads them.)
  await revealStrips(h);
  return until(
    h,
    `a request entry after index ${floor} committed in the log strips of nodes ${ids}`,
    ({ ids, floor, committed }, el) => {
      const f = el.frame();
      const leader = f.nodes.find((n) => n.id === f.leader);
      if (!leader) return false;
      const shown = (i) => ids.every((id) =>
        window.__e2e.q(el, `.log-strip[data-node="${id}"] .entry[data-index="${i}"][data-committed="true"]`));
      if (leader.log.length > 0) {
        // The request's entry: the leader's first non-empty command after `floor`.
        const entry = leader.log.find((e) => e[0] > floor && e[2] !== "");
        return entry && shown(entry[0]) ? entry[0] : false;
      }
      // A light frame (no logs): the request is committed once the frame counts it, and
      // then it lies at or below the leader's commit index.
      if (f.requests.committed <= committed || leader.commit <= floor) return false;
      return shown(leader.commit) ? leader.commit : false;
    },
    { ids, floor, committed: before.requests.committed },
    T_LONG,
  );
}

/**
 * Splits the cluster into `groupA` and `groupB` through the Partition… button and the
 * partition dialog: one radio button per node and group, named "Node N in group A" /
 * "Node N in group B", confirmed by `.partition-apply`.
 */
export async function partitionViaDialog(h, groupA, groupB) {
  await h.in(".rc-partition").click();
  const dialog = h.in(".partition-dialog");
  await dialog.waitFor({ state: "visible", timeout: T_SHORT });
  for (const [ids, g] of [[groupA, "A"], [groupB, "B"]]) {
    for (const id of ids) {
      await dialog.getByRole("radio", { name: `Node ${id} in group ${g}`, exact: true }).check();
    }
  }
  await h.in(".partition-apply").click();
  await dialog.waitFor({ state: "hidden", timeout: T_SHORT });
}

// --- messages on the canvas ----------------------------------------------------------------

/**
 * Points the mouse at a message in flight while the element plays, and waits until its tip
 * shows (the element then holds the clock). Messages are drawn on a canvas, so the place
 * is computed from the frame (`__e2e.messagePoint`): the pointer waits, moving by a pixel
 * back and forth, at a point a little ahead of the slowest message in flight until the
 * message reaches it. Returns {id, kind, x, y} of the message under the pointer, or throws.
 */
export async function hoverMessage(h, { timeout = T_LONG } = {}) {
  const { page, host } = h;
  const deadline = Date.now() + timeout;
  const tipShown = () => page.evaluate((host) => {
    const el = window.__e2e.el(host);
    const tip = window.__e2e.q(el, ".rc-tip");
    return tip && !tip.hidden ? tip.querySelector(".tip-head").textContent : null;
  }, host);
  let tries = 0;
  while (Date.now() < deadline) {
    tries++;
    const aim = await page.evaluate((host) => {
      const el = window.__e2e.el(host);
      const f = el.frame();
      if (!f || !el.running) return null;
      const speed = el.settings.speed;
      // Wall time to the aimed point: long enough to get the pointer there first.
      const leadUs = 120 * 1000 * speed; // 120 ms of wall time, in simulated µs
      let best = null;
      for (const m of f.messages) {
        const span = m.deliver - m.sent;
        if (!(span > 0) || m.from === m.to) continue;
        const t = f.now + leadUs;
        const p = (t - m.sent) / span;
        if (p < 0.15 || p > 0.8) continue;
        const pt = window.__e2e.messagePoint(el, m, t);
        // Slow on screen (CSS px per wall ms): easy to meet.
        const pxPerMs = (pt.travel * pt.pxPerUnit) / (span / 1000 / speed);
        if (!best || pxPerMs < best.pxPerMs) best = { id: m.id, kind: m.kind, x: pt.x, y: pt.y, pxPerMs, waitMs: (m.sent + span * 0.95 - f.now) / 1000 / speed };
      }
      return best;
    }, host);
    if (!aim) {
      await page.waitForTimeout(30);
      continue;
    }
    const until_ = Date.now() + Math.min(1500, Math.max(250, aim.waitMs + 100));
    let dx = 1;
    await page.mouse.move(aim.x, aim.y);
    while (Date.now() < until_) {
      const head = await tipShown();
      if (head) return { ...aim, head, tries };
      dx = -dx;
      await page.mouse.move(aim.x + dx, aim.y);
    }
    const head = await tipShown();
    if (head) return { ...aim, head, tries };
  }
  throw new Error(`no message could be hovered within ${timeout} ms (${tries} tries)`);
}

// --- accessibility -------------------------------------------------------------------------

const require_ = createRequire(import.meta.url);

/** The text of axe-core's axe.min.js (node_modules/axe-core), or throws saying how to get it. */
export function axeSource() {
  let file;
  try {
    file = require_.resolve("axe-core/axe.min.js");
  } catch {
    throw new Error("axe-core is not installed (node_modules/axe-core/axe.min.js): it must be a devDependency in package.json");
  }
  return fs.readFileSync(file, "utf8");
}

/**
 * Runs axe-core in `frame` (a page or a frame; its context must bypass the CSP to take the
 * script) and returns the violations of impact serious or critical, each as
 * {id, impact, help, nodes: [target and summary]}.
 */
export async function axeSerious(frame) {
  await frame.addScriptTag({ content: axeSource() });
  const violations = await frame.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 6).map((n) => `${JSON.stringify(n.target)}: ${(n.failureSummary || "").replace(/\s+/g, " ").slice(0, 200)}`),
      count: v.nodes.length,
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** The violations as readable lines for an assertion message. */
export function formatViolations(vs) {
  return vs.map((v) => `${v.id} (${v.impact}, ${v.count} node${v.count === 1 ? "" : "s"}): ${v.help}\n      ${v.nodes.join("\n      ")}`).join("\n    ");
}
