// The page's URL parameters: a bad value shows a message in the element (.rc-notes) that
// names the parameter and what was expected, and the page runs with the default; themes;
// 51 nodes; the URL follows the run.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  sharedEnv,
  withPage,
  screenshot,
  summary,
  domNodes,
  until,
  waitSim,
  waitStableLeader,
  MS,
  T_LONG,
} from "./lib.mjs";

const env = sharedEnv();

/** Opens the page with `query`, checks the element's message names `param` (and each of
 *  `words`), and that the page runs. */
async function badParam(query, param, { shot, words = [] } = {}) {
  return withPage(env, query, async (h) => {
    const notes = h.in(".rc-notes");
    await notes.waitFor({ state: "visible", timeout: T_LONG });
    assert.equal(await notes.getAttribute("role"), "status", ".rc-notes has role=status");
    const text = (await notes.textContent()).trim();
    assert.match(text, new RegExp(`\\b${param}\\b`), `the message names ${param}: ${JSON.stringify(text)}`);
    for (const w of words) assert.ok(text.includes(w), `the message says ${JSON.stringify(w)}: ${JSON.stringify(text)}`);
    const s = await summary(h);
    const speedValue = Number(await h.in(".rc-speed").inputValue());
    // Still running, with defaults where the value was bad.
    await waitSim(h, 200 * MS, T_LONG * 2);
    const leader = await waitStableLeader(h, { timeout: T_LONG * 2 });
    assert.ok(leader.id >= 1);
    if (shot) await screenshot(h.page, shot);
    return { text, nodes: s.nodes.length, speedValue };
  });
}

test("nodes=0 shows a message naming nodes, and the page runs with the default", async () => {
  const { text, nodes } = await badParam("nodes=0&seed=1&speed=1", "nodes", {
    shot: "notice-nodes-0", words: ['URL parameter nodes="0"', "expected a whole number from 1 to 51"],
  });
  assert.equal(nodes, 5, `the default cluster size (${nodes})`);
  assert.match(text, new RegExp(`\\b${nodes}\\b`), `the message names the default used (${nodes})`);
});

test("nodes=abc shows a message naming nodes, and the page runs with the default", async () => {
  const { text, nodes } = await badParam("nodes=abc&seed=1&speed=1", "nodes", { shot: "notice-nodes-abc" });
  assert.match(text, new RegExp(`\\b${nodes}\\b`), `the message names the default used (${nodes})`);
});

test("nodes=52 (over the limit) shows a message naming nodes", async () => {
  await badParam("nodes=52&seed=1&speed=1", "nodes");
});

test("speed=-1 shows a message naming speed, and the page runs with the default", async () => {
  const { text, speedValue } = await badParam("speed=-1&seed=1", "speed", { shot: "notice-speed", words: ["expected a number from 0.01 to 1"] });
  // The speed slider is a log scale: its value is log10(speed); it shows the default named.
  const named = Number(text.match(/default[^\d]*(\d+(?:\.\d+)?)/)?.[1]);
  assert.ok(Number.isFinite(named) && named >= 0.01 && named <= 1, `the message names a default speed: ${JSON.stringify(text)}`);
  assert.ok(Math.abs(10 ** speedValue - named) < 1e-3 * named, `the speed slider (10^${speedValue}) is at the default ${named}`);
});

test("seed=zzz shows a message naming seed, and the page runs with a random seed", async () => {
  await badParam("seed=zzz&speed=1", "seed", { shot: "notice-seed", words: ["expected a whole number from 0 to 18446744073709551615"] });
});

test("an unknown parameter shows a message naming it", async () => {
  await badParam("seed=1&speed=1&bogus=1", "bogus", { words: ['Unknown URL parameter "bogus"'] });
});

test("a parameter given twice with different values is named, and the last value is used", async () => {
  const { nodes } = await badParam("nodes=5&seed=1&speed=1&nodes=3", "nodes", {
    words: ['URL parameter nodes is given 2 times ("5", "3"): using the last, "3"'],
  });
  assert.equal(nodes, 3, `the last value is used (${nodes} nodes)`);
});

// The defect 7: checkquorum=yes was taken silently while prevote=maybe was not.
for (const name of ["checkquorum", "prevote", "paused"]) {
  test(`${name}=yes shows a message naming ${name} and what was expected`, async () => {
    await badParam(`seed=1&speed=1&${name}=yes`, name, { words: [`${name}="yes"`, "expected", "on/off"] });
  });
}

test("another #scenario= link opened in the same tab runs that script", async () => {
  const a = "nodes 3\nseed 1\n";
  const b = "nodes 7\nseed 2\n";
  await withPage(env, {}, async (h) => {
    assert.equal(await h.page.evaluate(() => window.raftLive.el.frame().nodes.length), 3);
    // Only the hash changes: the browser does not load the page again by itself.
    await h.page.evaluate((b) => { location.hash = `#scenario=${encodeURIComponent(b)}`; }, b);
    await h.page.waitForFunction((b) => window.raftLive?.el?.scenarioText === b && window.raftLive.el.frame()?.nodes.length === 7, b, { timeout: T_LONG });
  }, { hash: `#scenario=${encodeURIComponent(a)}` });
});

// A line the simulator refuses when it comes (no leader to crash at 0 s) stops the script:
// the narration says so and where, not that an expectation failed, and not "playing".
test("a script line that cannot run stops the script, and the narration says where", async () => {
  const script = 'nodes 3\nseed 4\ncrash leader\nrun 1s\ncrash 2\npause "after"\n';
  await withPage(env, {}, async (h) => {
    const said = await h.page.waitForFunction((host) => {
      const el = window.__e2e.el(host);
      const box = window.__e2e.q(el, ".rc-narration");
      const fail = window.__e2e.q(el, ".rc-fail");
      return fail && !fail.hidden && fail.textContent
        ? { head: window.__e2e.q(el, ".rc-stepno").textContent, fail: fail.textContent, playing: box.classList.contains("playing") }
        : null;
    }, h.host, { timeout: T_LONG }).then((r) => r.jsonValue());
    assert.equal(said.head, "The script stopped before step 1 of 1");
    assert.equal(said.fail, "The script stopped at line 3: `crash leader`: there is no leader at 0.000 s; the cluster runs on without it.");
    assert.equal(said.playing, false);
  }, { hash: `#scenario=${encodeURIComponent(script)}` });
});

// Moved back with the time slider before the pause the script waits at, the narration
// showed that later pause's text over an earlier moment, and a replay from there ran
// through the earlier pauses without stopping.
test("looking back before a pause reached: that moment's step is narrated, and a replay stops at each pause again", async () => {
  const script = 'nodes 3\nseed 4\ncampaign 1\nrun 300ms\npause "1 leads"\ncrash 1\nrun 1s\npause "someone else leads"\nrestart 1\nrun 1s\npause "1 follows"\n';
  await withPage(env, { speed: "1" }, async (h) => {
    const state = () => h.page.evaluate((host) => {
      const el = window.__e2e.el(host);
      const s = el.script();
      return {
        now: el.frame().now, step: s.step, waiting: s.waiting, lookingBack: s.lookingBack ?? 0, at: s.at,
        playing: el.playing, off: el.offScript,
        head: window.__e2e.q(el, ".rc-stepno").textContent, text: window.__e2e.q(el, ".rc-text").textContent,
      };
    }, h.host);
    await h.page.evaluate(() => window.raftLive.el.gotoStep(3));
    let s = await state();
    assert.deepEqual(s.at, [300_000, 1_300_000, 2_300_000], "the times each pause was reached");
    assert.equal(s.head, "Step 3 of 3");
    await h.page.evaluate(() => window.raftLive.el.seek(800_000));
    await h.page.waitForFunction(() => window.raftLive.el.frame().now === 800_000, null, { timeout: T_LONG });
    s = await state();
    assert.equal(s.text, "1 leads", "the narration of the moment looked at");
    assert.equal(s.head, "After step 1 of 3 · looking back (the script is at step 3)");
    assert.deepEqual([s.step, s.waiting, s.lookingBack, s.off], [1, false, 3, false]);
    // Both ways on are offered: Continue (the script's run, from here) and back to step 3.
    const offered = await h.page.evaluate((host) => {
      const el = window.__e2e.el(host);
      const b = (sel) => window.__e2e.q(el, sel);
      return { cont: b(".rc-continue").getAttribute("aria-disabled"), back: b(".rc-toscript").hidden ? null : b(".rc-toscript").textContent };
    }, h.host);
    assert.deepEqual(offered, { cont: null, back: "Back to step 3" });
    await h.in(".rc-toscript").click();
    await h.page.waitForFunction(() => window.raftLive.el.frame().now === 2_300_000, null, { timeout: T_LONG });
    s = await state();
    assert.deepEqual([s.head, s.playing, s.off], ["Step 3 of 3", false, false], "back where the script waits");
    await h.page.evaluate(() => window.raftLive.el.seek(800_000));
    await h.page.waitForFunction(() => window.raftLive.el.frame().now === 800_000, null, { timeout: T_LONG });
    await h.page.evaluate(() => window.raftLive.el.seek(300_000));
    await h.page.waitForFunction(() => window.raftLive.el.frame().now === 300_000, null, { timeout: T_LONG });
    s = await state();
    assert.equal(s.head, "Step 1 of 3 · looking back (the script is at step 3)", "at the first pause itself");
    assert.equal(s.waiting, true);
    // Continue replays the script's run to the next pause it reached, and stops there.
    await h.in(".rc-continue").click();
    await h.page.waitForFunction(() => { const el = window.raftLive.el; return !el.playing && el.frame().now > 300_000; }, null, { timeout: T_LONG });
    s = await state();
    assert.deepEqual([s.now, s.step, s.waiting, s.lookingBack, s.off], [1_300_000, 2, true, 3, false], JSON.stringify(s));
    assert.equal(s.text, "someone else leads");
    await h.in(".rc-continue").click();
    await h.page.waitForFunction(() => { const el = window.raftLive.el; return !el.playing && el.frame().now > 1_300_000; }, null, { timeout: T_LONG });
    s = await state();
    assert.deepEqual([s.now, s.step, s.waiting, s.lookingBack, s.off], [2_300_000, 3, true, 0, false], "back at the pause the script waits at, on the script");
    assert.equal(s.head, "Step 3 of 3");
    assert.equal(s.text, "1 follows");
  }, { hash: `#scenario=${encodeURIComponent(script)}` });
});

test("looking back before a pause, a line that could not run after it is not said yet", async () => {
  const script = 'nodes 3\nseed 4\ncampaign 1\nrun 300ms\npause "one"\ncrash 1\ncrash 2\nrun 1s\ncrash leader\n';
  await withPage(env, { speed: "1" }, async (h) => {
    const said = () => h.page.evaluate((host) => {
      const el = window.__e2e.el(host);
      const fail = window.__e2e.q(el, ".rc-fail");
      return { head: window.__e2e.q(el, ".rc-stepno").textContent, fail: fail.hidden ? "" : fail.textContent };
    }, h.host);
    await h.page.evaluate(() => { window.raftLive.el.gotoStep(1); window.raftLive.el.continueScript(); });
    await h.page.waitForFunction(() => !!window.raftLive.el.script().error, null, { timeout: T_LONG });
    assert.match((await said()).fail, /^The script stopped at line 9: `crash leader`/);
    await h.page.evaluate(() => { window.raftLive.el.pause(); window.raftLive.el.seek(100_000); });
    await h.page.waitForFunction(() => window.raftLive.el.frame().now === 100_000, null, { timeout: T_LONG });
    assert.deepEqual(await said(), { head: "Before step 1 of 1 · looking back (the script is at step 1)", fail: "" });
  }, { hash: `#scenario=${encodeURIComponent(script)}` });
});

test("good parameters show no message", async () => {
  await withPage(env, "nodes=3&seed=0x2a&speed=0.5&prevote=off&checkquorum=true&theme=light", async (h) => {
    await waitStableLeader(h, { timeout: T_LONG });
    assert.equal(await h.in(".rc-notes").isVisible(), false, "no message for good parameters");
    const s = await summary(h);
    assert.equal(s.nodes.length, 3);
    const f = await h.page.evaluate(() => window.raftLive.frame());
    assert.equal(f.prevote, false, "prevote=off");
    assert.equal(f.checkquorum, true, "checkquorum=true");
    assert.equal(await h.page.evaluate(() => window.raftLive.el.settings.seed), "42", "seed=0x2a is seed 42");
  });
});

test("paused=1 starts paused", async () => {
  await withPage(env, "seed=1&speed=1&paused=1", async (h) => {
    assert.equal(await h.in(".rc-play").getAttribute("aria-pressed"), "false");
    const t0 = (await summary(h)).now;
    await h.page.evaluate(() => new Promise((r) => {
      let n = 0;
      const tick = () => (++n >= 10 ? r() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    }));
    assert.equal((await summary(h)).now, t0, "no simulated time passes");
  });
});

test("the URL follows the run: a copied address reproduces it", async () => {
  await withPage(env, "seed=5&speed=1", async (h) => {
    await waitStableLeader(h);
    await h.in(".f-prevote input").uncheck();
    await until(h, "pre-vote off in the frame", (_, el) => el.frame().prevote === false);
    await until(h, "the URL to say prevote=0, seed=5 and speed=1", () => {
      const q = new URLSearchParams(location.search);
      return q.get("prevote") === "0" && q.get("seed") === "5" && q.get("speed") === "1";
    });
    const search = await h.page.evaluate(() => location.search);
    await withPage(env, search.slice(1), async (h2) => {
      const f = await h2.page.evaluate(() => window.raftLive.frame());
      assert.equal(f.prevote, false, `the copied address ${search} keeps pre-vote off`);
      assert.equal(await h2.page.evaluate(() => window.raftLive.el.settings.seed), "5");
    });
  });
});

// theme=blue, view=foo and diagram-window=3 stayed in the address bar (view as the element's
// attribute too) while nodes=0 left it, so a copied link repeated the message. Every refused
// value is said, not set, and leaves the URL; a good value beside it stays.
test("every refused value is named, is not set on the element, and leaves the URL", async () => {
  // Six: the notes show the newest six.
  const bad = { theme: "blue", view: "foo", "diagram-window": "3", nodes: "0", loss: "2", "scenario-src": "https://example.com/x.txt" };
  const query = new URLSearchParams({ seed: "3", speed: "1", ...bad }).toString();
  const search = await withPage(env, query, async (h) => {
    const notes = h.in(".rc-notes");
    await notes.waitFor({ state: "visible", timeout: T_LONG });
    const text = await notes.textContent();
    for (const [k, v] of Object.entries(bad)) {
      assert.ok(text.includes(`URL parameter ${k}="${v}" is not valid`), `the message names ${k}="${v}": ${JSON.stringify(text)}`);
    }
    await until(h, "the URL to keep only seed=3 and speed=1", () => location.search === "?seed=3&speed=1");
    const r = await h.page.evaluate((names) => ({
      attrs: names.filter((n) => window.raftLive.el.hasAttribute(n)),
      theme: document.documentElement.getAttribute("data-theme"),
      diagram: !window.raftLive.el.shadowRoot.querySelector(".rc-diagram").hidden,
    }), Object.keys(bad));
    assert.deepEqual(r.attrs, [], "no refused value is set as an attribute");
    assert.equal(r.theme, null, "the page follows the system theme");
    assert.equal(r.diagram, false, "the default view: the cluster alone");
    await waitSim(h, 200 * MS, T_LONG);
    assert.equal(await h.page.evaluate(() => location.search), "?seed=3&speed=1", "the URL still holds only the good values");
    const search = await h.page.evaluate(() => location.search);
    // Put right through the controls, a value's message goes (and does not come back at
    // the rebuild); the others stay.
    await h.in(".rc-nodes").fill("3");
    await h.in(".rc-nodes").press("Enter");
    await until(h, "3 nodes", (_, el) => el.frame().nodes.length === 3);
    const after = await notes.textContent();
    assert.ok(!after.includes('nodes="0"'), `the nodes message went: ${JSON.stringify(after)}`);
    assert.ok(after.includes('loss="2"'), "the loss message stays");
    return search;
  });
  // The copied link says nothing: it holds nothing refused.
  await withPage(env, search.slice(1), async (h) => {
    await waitStableLeader(h);
    assert.equal(await h.in(".rc-notes").isVisible(), false, `no message for the copied link ${search}`);
  });
  // Good values of the same parameters stay.
  await withPage(env, "seed=3&speed=1&theme=dark&view=both&diagram-window=2", async (h) => {
    await until(h, "the URL to keep them", () => location.search === "?seed=3&speed=1&theme=dark&view=both&diagram-window=2");
    assert.equal(await h.in(".rc-notes").isVisible(), false, "no message for good values");
  });
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
  await withPage(env, "theme=dark&seed=1&speed=1", async (h) => {
    await waitStableLeader(h);
    const lum = await background(h.page);
    assert.ok(lum < 0.2, `dark background (luminance ${lum.toFixed(3)})`);
    assert.equal(await h.page.locator("#theme-toggle").getAttribute("aria-pressed"), "true");
    await screenshot(h.page, "theme-dark");
  });
  await withPage(env, "theme=light&seed=1&speed=1", async (h) => {
    const lum = await background(h.page);
    assert.ok(lum > 0.5, `light background (luminance ${lum.toFixed(3)})`);
    // d toggles it, and the URL follows.
    await h.page.evaluate(() => document.activeElement?.blur());
    await h.page.keyboard.press("d");
    await until(h, "the URL to say theme=dark", () => new URLSearchParams(location.search).get("theme") === "dark");
    assert.ok((await background(h.page)) < 0.2, "d switched to the dark theme");
  });
});

test("nodes=51 draws 51 nodes and elects a leader", async () => {
  await withPage(env, "nodes=51&seed=1&speed=1", async (h) => {
    assert.equal((await domNodes(h)).length, 51, "51 g.node[data-id] elements");
    assert.equal((await summary(h)).nodes.length, 51);
    const leader = await waitStableLeader(h, { timeout: T_LONG * 2 });
    assert.ok(leader.id >= 1 && leader.id <= 51);
    await screenshot(h.page, "nodes-51");
  });
});
