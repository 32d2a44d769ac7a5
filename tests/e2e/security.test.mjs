// The page under its strict CSP, staying on its origin, and without console errors while
// the controls are used. (Every other test also checks its own page for console errors,
// CSP violations and foreign requests through checkClean().)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch,
  openPage,
  CSP,
  summary,
  until,
  waitStableLeader,
  nodeAction,
  requestAndWaitCommitted,
  T_SHORT,
} from "./lib.mjs";

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

test("the page is served with the strict CSP and boots under it without violations", async () => {
  const h = await openPage(env, { seed: "1", speed: "1" });
  const { page, response } = h;
  try {
    assert.equal(response.status(), 200);
    const header = response.headers()["content-security-policy"];
    assert.equal(header, CSP, "the Content-Security-Policy header is the strict one");
    assert.match(header, /default-src 'self'/);
    assert.match(header, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.doesNotMatch(header, /'unsafe-inline'|'unsafe-eval'|\*/);
    await waitStableLeader(page);
    // No inline <script> or <style> text and no inline event handlers that the CSP would block.
    const inline = await page.evaluate(() => ({
      scripts: [...document.querySelectorAll("script:not([src])")].filter((s) => s.textContent.trim()).length,
      handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    }));
    assert.deepEqual(inline, { scripts: 0, handlers: 0 }, "no inline scripts or handlers");
    await h.checkClean(); // no securitypolicyviolation events, no CSP console messages
  } finally {
    await h.close();
  }
});

test("no request leaves the page's origin", async () => {
  const h = await openPage(env, { seed: "1", speed: "1" });
  const { page } = h;
  try {
    await waitStableLeader(page);
    await requestAndWaitCommitted(page);
    const { requests } = h.seen;
    assert.ok(requests.length >= 2, `the page made its requests (${requests.length})`);
    assert.ok(requests.some((u) => u.endsWith(".wasm")), "the wasm is loaded from the server");
    for (const u of requests) assert.ok(u.startsWith(env.origin + "/"), `${u} is on ${env.origin}`);
    assert.deepEqual(h.seen.failed, [], "no failed requests");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("no console errors while the controls are used", async () => {
  const h = await openPage(env, { seed: "2", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    const leader = await waitStableLeader(page);
    // Help overlay by button and by key.
    await page.locator("#help").click();
    await page.locator("#help-overlay").waitFor({ state: "visible", timeout: T_SHORT });
    await page.keyboard.press("Escape");
    await page.locator("#help-overlay").waitFor({ state: "hidden", timeout: T_SHORT });
    await page.locator("body").press("?");
    await page.locator("#help-overlay").waitFor({ state: "visible", timeout: T_SHORT });
    await page.keyboard.press("Escape");
    await page.locator("#help-overlay").waitFor({ state: "hidden", timeout: T_SHORT });
    // Prometheus text.
    await page.locator("#prometheus").click();
    await until(page, "#prometheus-text filled", () =>
      /consensus_etcdraft_/.test(document.querySelector("#prometheus-text")?.textContent ?? ""));
    // Export (a dialog with the session as a script); Escape closes it.
    await page.locator("#export").click();
    await page.keyboard.press("Escape");
    // Node menu actions that must be harmless: campaign a follower, transfer, request via.
    const follower = (await summary(page)).nodes.find((n) => n.id !== leader.id).id;
    await nodeAction(page, follower, "request");
    await nodeAction(page, follower, "campaign");
    await waitStableLeader(page);
    // Drop a message in flight by clicking it (if one is on screen long enough).
    const msg = page.locator("#cluster .msg[data-kind]").first();
    if (await msg.count()) await msg.click({ timeout: 2000 }).catch(() => {});
    // Event log filters.
    const cat = page.locator("#log-filter-cat");
    const opts = await cat.locator("option").evaluateAll((os) => os.map((o) => o.value));
    if (opts.length > 1) await cat.selectOption(opts[1]);
    const nodeFilter = page.locator("#log-filter-node");
    const nopts = await nodeFilter.locator("option").evaluateAll((os) => os.map((o) => o.value));
    if (nopts.length > 1) await nodeFilter.selectOption(nopts[1]);
    await requestAndWaitCommitted(page);
    assert.equal(await page.locator("#error-overlay").isVisible(), false, "#error-overlay stays hidden");
    assert.equal(await page.locator("#checker-status").getAttribute("data-ok"), "true", "the safety checker is happy");
    await h.checkClean();
  } finally {
    await h.close();
  }
});
