// URL parameters: bad values show #notice and fall back to defaults; themes; 51 nodes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch,
  openPage,
  screenshot,
  summary,
  domNodes,
  waitSim,
  waitStableLeader,
  MS,
  T_LONG,
} from "./lib.mjs";

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** Opens the page with `query`, checks #notice names `param`, and that the page runs. */
async function badParam(query, param, shot) {
  const h = await openPage(env, query);
  const { page } = h;
  try {
    const notice = page.locator("#notice");
    await notice.waitFor({ state: "visible", timeout: T_LONG });
    assert.equal(await notice.getAttribute("role"), "alert", "#notice has role=alert");
    const text = (await notice.textContent()).trim();
    assert.match(text, new RegExp(`\\b${param}\\b`), `#notice names ${param}: ${JSON.stringify(text)}`);
    const s = await summary(page);
    const speedValue = Number(await page.locator("#speed").inputValue());
    // Still running, with defaults where the value was bad.
    await waitSim(page, 200 * MS);
    const leader = await waitStableLeader(page);
    assert.ok(leader.id >= 1);
    if (shot) await screenshot(page, shot);
    await h.checkClean();
    return { text, nodes: s.nodes.length, speedValue };
  } finally {
    await h.close();
  }
}

test("nodes=0 shows a notice naming nodes, and the page runs with the default", async () => {
  const { text, nodes } = await badParam("nodes=0&seed=1&speed=1", "nodes", "notice-nodes-0");
  assert.ok(nodes >= 1 && nodes <= 9, `a default cluster size (${nodes})`);
  assert.match(text, new RegExp(`\\b${nodes}\\b`), `the notice names the default used (${nodes})`);
});

test("nodes=abc shows a notice naming nodes, and the page runs with the default", async () => {
  const { text, nodes } = await badParam("nodes=abc&seed=1&speed=1", "nodes", "notice-nodes-abc");
  assert.match(text, new RegExp(`\\b${nodes}\\b`), `the notice names the default used (${nodes})`);
});

test("nodes=52 (over the limit) shows a notice naming nodes", async () => {
  await badParam("nodes=52&seed=1&speed=1", "nodes");
});

test("speed=-1 shows a notice naming speed, and the page runs with the default", async () => {
  const { text, speedValue } = await badParam("speed=-1&seed=1", "speed", "notice-speed");
  // #speed is a log-scale range: its value is log10(speed); it shows the default named.
  const named = Number(text.match(/default[^\d]*(\d+(?:\.\d+)?)/)?.[1]);
  assert.ok(Number.isFinite(named) && named >= 0.01 && named <= 1, `the notice names a default speed: ${JSON.stringify(text)}`);
  assert.ok(Math.abs(10 ** speedValue - named) < 1e-3 * named, `#speed (10^${speedValue}) is at the default ${named}`);
});

test("seed=zzz shows a notice naming seed, and the page runs with the default", async () => {
  await badParam("seed=zzz&speed=1", "seed", "notice-seed");
});

test("an unknown parameter shows a notice naming it", async () => {
  await badParam("seed=1&speed=1&bogus=1", "bogus");
});

test("good parameters show no notice", async () => {
  const h = await openPage(env, "nodes=3&seed=0x2a&speed=0.5&prevote=off&checkquorum=true&theme=light");
  const { page } = h;
  try {
    await waitStableLeader(page, { timeout: T_LONG });
    assert.equal(await page.locator("#notice").isVisible(), false, "no #notice for good parameters");
    const s = await summary(page);
    assert.equal(s.nodes.length, 3);
    const f = await page.evaluate(() => window.raftLive.frame());
    assert.equal(f.prevote, false, "prevote=off");
    assert.equal(f.checkquorum, true, "checkquorum=true");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("paused=1 starts paused", async () => {
  const h = await openPage(env, "seed=1&speed=1&paused=1");
  const { page } = h;
  try {
    assert.equal(await page.locator("#play").getAttribute("aria-pressed"), "false");
    const t0 = (await summary(page)).now;
    await page.evaluate(() => new Promise((r) => {
      let n = 0;
      const tick = () => (++n >= 10 ? r() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    }));
    assert.equal((await summary(page)).now, t0, "no simulated time passes");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

// Relative luminance (0 black .. 1 white) of the page's background colour.
async function background(page) {
  return page.evaluate(() => {
    const parse = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
    for (const el of [document.body, document.documentElement]) {
      const [r, g, b, a = 1] = parse(getComputedStyle(el).backgroundColor);
      if (a > 0 && r !== undefined) {
        const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      }
    }
    return 1; // the canvas default is white
  });
}

test("theme=dark shows a dark page, theme=light a light one", async () => {
  const dark = await openPage(env, "theme=dark&seed=1&speed=1");
  try {
    await waitStableLeader(dark.page);
    const lum = await background(dark.page);
    assert.ok(lum < 0.2, `dark background (luminance ${lum.toFixed(3)})`);
    await screenshot(dark.page, "theme-dark");
    await dark.checkClean();
  } finally {
    await dark.close();
  }
  const light = await openPage(env, "theme=light&seed=1&speed=1");
  try {
    const lum = await background(light.page);
    assert.ok(lum > 0.5, `light background (luminance ${lum.toFixed(3)})`);
    await light.checkClean();
  } finally {
    await light.close();
  }
});

test("nodes=51 draws 51 nodes and elects a leader", async () => {
  const h = await openPage(env, "nodes=51&seed=1&speed=1");
  const { page } = h;
  try {
    assert.equal((await domNodes(page)).length, 51, "51 g.node elements");
    assert.equal((await summary(page)).nodes.length, 51);
    const leader = await waitStableLeader(page, { timeout: T_LONG });
    assert.ok(leader.id >= 1 && leader.id <= 51);
    await screenshot(page, "nodes-51");
    await h.checkClean();
  } finally {
    await h.close();
  }
});
