// The pages under their strict CSP, staying on their origin, and without console errors
// while the controls are used. (Every test also checks its own page for console errors,
// CSP violations and foreign requests: withPage does, through checkClean().)
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  sharedEnv,
  withPage,
  CSP,
  summary,
  until,
  waitStableLeader,
  nodeAction,
  requestAndWaitCommitted,
  setPlaying,
  settle,
  T_SHORT,
} from "./lib.mjs";

const env = sharedEnv();

for (const path of ["", "tour.html", "docs.html", "embed.html"]) {
  test(`${path || "index.html"} is served with the strict CSP and boots under it without violations`, async () => {
    await withPage(env, {}, async (h) => {
      const { response } = h;
      assert.equal(response.status(), 200);
      const header = response.headers()["content-security-policy"];
      assert.equal(header, CSP, "the Content-Security-Policy header is the strict one");
      assert.match(header, /default-src 'self'/);
      assert.match(header, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      assert.doesNotMatch(header, /'unsafe-inline'|'unsafe-eval'|\*/);
      // No inline <script> or <style> text and no inline event handlers that the CSP would block.
      const inline = await h.page.evaluate(() => ({
        scripts: [...document.querySelectorAll("script:not([src])")].filter((s) => s.textContent.trim()).length,
        styles: [...document.querySelectorAll("style")].filter((s) => s.textContent.trim()).length,
        handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
        meta: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null,
      }));
      assert.deepEqual({ ...inline, meta: undefined }, { scripts: 0, styles: 0, handlers: 0, meta: undefined }, "no inline scripts, styles or handlers");
      assert.ok(inline.meta && /default-src 'self'/.test(inline.meta), "the page carries the policy in a meta tag too");
      // Running, or (the tour) stopped at a script's first pause.
      await until(h, "the element running or at its script's first stop", (_, el) => el.frame().now > 0 || el.script()?.waiting);
    }, { path });
  });
}

test("no request leaves the page's origin", async () => {
  await withPage(env, { seed: "1", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    await requestAndWaitCommitted(h);
    const { requests } = h.seen;
    assert.ok(requests.length >= 2, `the page made its requests (${requests.length})`);
    assert.ok(requests.some((u) => u.endsWith(".wasm")), "the wasm is loaded from the server");
    for (const u of requests) assert.ok(u.startsWith(env.origin + "/"), `${u} is on ${env.origin}`);
    assert.deepEqual(h.seen.failed, [], "no failed requests");
  });
});

test("a page fetches the simulator's scripts build only for a script: the playground its own build, a scenario link and the tour the scripts build, each once", async () => {
  const wasm = (h) => h.seen.requests.filter((u) => u.endsWith(".wasm") || u.includes("/pkg")).map((u) => u.slice(env.origin.length)).sort();
  await withPage(env, { seed: "1" }, async (h) => {
    await until(h, "the run started", (_, el) => el.frame().now > 0);
    assert.deepEqual(wasm(h), ["/pkg/raft_web_bg.wasm"]);
  });
  await withPage(env, {}, async (h) => {
    await until(h, "the script's cluster running", (_, el) => el.scenarioText !== null && el.frame().nodes.length === 3);
    // The page's preload asks for its own build before the script is read; the script then
    // fetches the scripts build and its bindings.
    assert.deepEqual(wasm(h), ["/pkg-scripts/raft_scripts.js", "/pkg-scripts/raft_scripts_bg.wasm", "/pkg/raft_web_bg.wasm"]);
  }, { hash: `#scenario=${encodeURIComponent("nodes 3\nrun 1s\n")}` });
  await withPage(env, {}, async (h) => {
    await until(h, "the tour's first step", (_, el) => el.script()?.waiting);
    assert.deepEqual(wasm(h), ["/pkg-scripts/raft_scripts.js", "/pkg-scripts/raft_scripts_bg.wasm"]);
  }, { path: "tour.html" });
});

test("a scenario link on a site without the scripts build says which folder is missing and runs a cluster of its own", async () => {
  await env.context.route("**/pkg-scripts/**", (r) => r.fulfill({ status: 404, body: "" }));
  try {
    await withPage(env, {}, async (h) => {
      const notes = h.in(".rc-notes");
      await notes.waitFor({ state: "visible", timeout: T_SHORT });
      assert.match(await notes.textContent(), /Could not load the simulator's scripts build \(pkg-scripts\/ beside the dist\/ folder\).*Showing a cluster of its own instead\./s);
      await until(h, "the cluster of its own running", (_, el) => el.scenarioText === null && el.frame().now > 0);
      // A failed load is not kept: once the folder is there, a script loads it.
      await env.context.unroute("**/pkg-scripts/**");
      await h.page.evaluate(() => window.raftLive.el.setScenario("nodes 3\nrun 1s\n"));
      await until(h, "the script's cluster", (_, el) => el.scenarioText !== null && el.frame().nodes.length === 3);
    }, { hash: `#scenario=${encodeURIComponent("nodes 3\nrun 1s\n")}`, clean: false });
  } finally {
    await env.context.unroute("**/pkg-scripts/**");
  }
});

test("the diagram's canvases are painted by the page's worker, and on the page by itself where dist/paint-worker.js is missing", async () => {
  // Handed over or not, and what is painted: whether the page can still draw on the plot's
  // canvas itself (not once it is handed to the worker), and its painted pixels.
  const look = (h) => h.page.evaluate(() => {
    const c = window.raftLive.el.shadowRoot.querySelector(".dg-canvas");
    let onPage = true;
    try { c.getContext("2d"); } catch { onPage = false; }
    let painted = null;
    if (onPage) {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      painted = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]) painted++;
    }
    return { onPage, painted };
  });
  await withPage(env, { seed: "1", view: "both" }, async (h) => {
    await until(h, "the run started", (_, el) => el.frame().now > 0);
    assert.ok(h.seen.requests.some((u) => u.endsWith("/dist/paint-worker.js")), "the page loads its paint worker");
    assert.equal((await look(h)).onPage, false, "the plot's canvas was handed to the worker");
  });
  await env.context.route("**/dist/paint-worker.js", (r) => r.fulfill({ status: 404, body: "" }));
  try {
    await withPage(env, { seed: "1", view: "both" }, async (h) => {
      await until(h, "the run started", (_, el) => el.frame().now > 0.3e6);
      let seen = null;
      for (let i = 0; i < 50; i++) {
        seen = await look(h);
        if (seen.onPage && seen.painted > 0) break;
        await h.page.waitForTimeout(100);
      }
      assert.equal(seen.onPage, true, "without its worker the page paints the diagram itself");
      assert.ok(seen.painted > 0, `and the track is painted (lanes, arrows): ${JSON.stringify(seen)}`);
    }, { clean: false });
  } finally {
    await env.context.unroute("**/dist/paint-worker.js");
  }
});

test("no console errors while the controls are used", async () => {
  await withPage(env, { seed: "2", speed: "1", nodes: "5" }, async (h) => {
    const { page } = h;
    const leader = await waitStableLeader(h);
    const help = h.in(".help-dialog");
    // Help by the header's button, the element's button and the key.
    await page.locator("#help").click();
    await help.waitFor({ state: "visible", timeout: T_SHORT });
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "hidden", timeout: T_SHORT });
    await h.in(".rc-help").click();
    await help.waitFor({ state: "visible", timeout: T_SHORT });
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "hidden", timeout: T_SHORT });
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press("?");
    await help.waitFor({ state: "visible", timeout: T_SHORT });
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "hidden", timeout: T_SHORT });
    // Prometheus text.
    await h.in(".rc-prom").click();
    await until(h, ".prom-text filled", (_, el) => /consensus_etcdraft_/.test(window.__e2e.q(el, ".prom-text")?.textContent ?? ""));
    // Export (a dialog with the session as a script); Escape closes it.
    await h.in(".rc-export").click();
    await h.in(".export-dialog").waitFor({ state: "visible", timeout: T_SHORT });
    assert.match(await h.in(".export-text").inputValue(), /^nodes 5$/m, "the export is a scenario script");
    await page.keyboard.press("Escape");
    await h.in(".export-dialog").waitFor({ state: "hidden", timeout: T_SHORT });
    // Node menu actions that must be harmless: request via a follower, campaign.
    const follower = (await summary(h)).nodes.find((n) => n.id !== leader.id).id;
    await nodeAction(h, follower, "request");
    await nodeAction(h, follower, "campaign");
    await waitStableLeader(h);
    // (The in-flight chip and message tips have their own tests: messages.test.mjs.)
    // Event log filters.
    const cat = h.in(".log-filter-cat");
    const opts = await cat.locator("option").evaluateAll((os) => os.map((o) => o.value));
    if (opts.length > 1) await cat.selectOption(opts[1]);
    const nodeFilter = h.in(".log-filter-node");
    const nopts = await nodeFilter.locator("option").evaluateAll((os) => os.map((o) => o.value));
    if (nopts.length > 1) await nodeFilter.selectOption(nopts[1]);
    // Step, rewind, play.
    await setPlaying(h, false);
    await h.in(".rc-step").click();
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press("ArrowLeft");
    await settle(page);
    await setPlaying(h, true);
    await requestAndWaitCommitted(h);
    assert.equal(await h.in(".rc-fatal").isVisible(), false, ".rc-fatal stays hidden");
    assert.equal(await page.locator("#page-error").isVisible(), false, "#page-error stays hidden");
    assert.equal(await h.in(".st-safety .rc-st-v").getAttribute("data-ok"), "true", "the safety checker is happy");
  });
});
