// <raft-compare>: two runs side by side on one clock, the same commands given to both, and
// the first event where their logs differ, as raft-sim's compare (run here natively, by
// `raftsim compare`) finds it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sharedEnv, withPage, ROOT, screenshot, axeSerious, formatViolations, T_LONG } from "./lib.mjs";
import { serveTestFiles } from "./pages.mjs";

const env = sharedEnv();
// axe-core goes into the page as a script: its context bypasses the CSP.
const axeEnv = sharedEnv({ contextOptions: { bypassCSP: true } });

/** A test page holding `body`, with the compare element's script. */
async function comparePage(name, body, on = env) {
  const p = `/__e2e-${name}.html`;
  await serveTestFiles(on, {
    [p]: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Compare</title><link rel="icon" href="data:,">
<script type="module" src="dist/raft-compare.js"></script></head>
<body><main><h1>Compare</h1>${body}</main></body></html>`,
  });
  return p.slice(1);
}

/** Waits until the element has found where its runs part (or fails after `timeout`). */
async function parted(h, timeout = T_LONG) {
  const handle = await h.page.waitForFunction(() => document.querySelector("raft-compare")?.parted ?? null, null, { timeout, polling: 50 });
  return handle.jsonValue();
}

/** `raftsim compare FILE --set CHANGE`: the native divergence, as its two lines. */
function nativeDivergence(file, change, atMs = null) {
  const bin = path.join(ROOT, "target", "debug", "raftsim");
  if (!fs.existsSync(bin)) execFileSync("cargo", ["build", "-q", "-p", "raftsim"], { cwd: ROOT, stdio: "inherit" });
  const args = ["compare", file, "--set", change, ...(atMs === null ? [] : ["--at", String(atMs)])];
  const out = execFileSync(bin, args, { cwd: ROOT, encoding: "utf8" });
  const m = /the runs part at (\d+)\.(\d+) s \(log line (\d+)\):\n {2}left: {2}(.*)\n {2}right: (.*)\n$/.exec(out);
  assert.ok(m, out);
  const strip = (l) => l.replace(/ — .*$/, "");
  return { t: Number(m[1]) * 1e6 + Number(m[2]), seq: Number(m[3]) - 1, left: strip(m[4]), right: strip(m[5]) };
}

for (const [file, change] of [
  ["old-leader-returns.txt", "prevote off"],
  ["old-leader-returns-without-prevote.txt", "prevote on"],
]) {
  test(`${file} with \`${change}\`: the element finds the first differing event, as raftsim compare does`, async () => {
    // The page serves www/: the scenario goes in as text.
    const text = fs.readFileSync(path.join(ROOT, "tests", "scenarios", file), "utf8").split("\n----")[0];
    const attr = text.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
    const page = await comparePage(`compare-${file.replace(/\W+/g, "-")}`, `<raft-compare speed="1" change="${change}" scenario="${attr}"></raft-compare>`);
    await withPage(env, {}, async (h) => {
      const d = await parted(h);
      const want = nativeDivergence(path.join("tests", "scenarios", file), change);
      assert.equal(d.at[0], want.seq, "the same line");
      assert.equal(d.t, want.t, "at the same time");
      assert.equal(d.left.text, want.left);
      assert.equal(d.right.text, want.right);
      // The banner says it, and the runs keep one clock.
      const shown = await h.page.evaluate(() => {
        const c = document.querySelector("raft-compare");
        const r = c.shadowRoot;
        return {
          status: r.querySelector(".cmp-status").textContent,
          a: r.querySelector(".cmp-line-a .cmp-text").textContent,
          b: r.querySelector(".cmp-line-b .cmp-text").textContent,
          nowA: c.left.sim.now(),
          nowB: c.right.sim.now(),
        };
      });
      assert.match(shown.status, /^The runs part at \d+\.\d+ s:$/);
      assert.equal(shown.a, want.left);
      assert.equal(shown.b, want.right);
      assert.ok(Math.abs(shown.nowA - shown.nowB) <= 200_000, `one clock: ${shown.nowA} vs ${shown.nowB}`);
    }, { path: page, host: "raft-compare", waitReady: false });
  });
}

test("change-at: the runs are one until then, and part where pre-vote first matters, as raftsim compare --at says", async () => {
  const file = "old-leader-returns.txt";
  const text = fs.readFileSync(path.join(ROOT, "tests", "scenarios", file), "utf8").split("\n----")[0];
  const attr = text.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  const page = await comparePage("compare-at", `<raft-compare speed="1" change="prevote off" change-at="1.9s" view="both" scenario="${attr}"></raft-compare>`);
  await withPage(env, {}, async (h) => {
    const d = await parted(h);
    const want = nativeDivergence(path.join("tests", "scenarios", file), "prevote off", 1900);
    assert.ok(d.t > 1_900_000, `after the change: ${d.t}`);
    assert.equal(d.t, want.t);
    assert.equal(d.left.text, want.left);
    assert.equal(d.right.text, want.right);
    assert.equal(d.left.text, "3 became pre-candidate at term 1");
    assert.equal(d.right.text, "3 became candidate at term 2");
    const caption = await h.page.evaluate(() => document.querySelector("raft-compare").shadowRoot.querySelector(".cmp-run-b .cmp-cap").textContent);
    assert.equal(caption, "With prevote off from 1.900 s");
    // Both runs' diagrams mark the moment.
    const marks = await h.page.evaluate(() => {
      const c = document.querySelector("raft-compare");
      return [c.left.diagramShown().mark, c.right.diagramShown().mark];
    });
    assert.deepEqual(marks, [{ t: d.t, label: "runs part" }, { t: d.t, label: "runs part" }]);
    await screenshot(h.page, "compare-change-at");
  }, { path: page, host: "raft-compare", waitReady: false });
});

test("commands go to both runs, the clock holds for both, and a run with no change never parts", async () => {
  const page = await comparePage("compare-same", `<raft-compare nodes="3" seed="11" speed="1" change="loss 0"></raft-compare>`);
  await withPage(env, {}, async (h) => {
    await h.page.waitForFunction(() => {
      const c = document.querySelector("raft-compare");
      return c?.right?.controller?._driver && c.left.frame()?.leader;
    }, null, { timeout: T_LONG, polling: 50 });
    // A crash of the leader, given in the left run, reaches the right one.
    const leader = await h.page.evaluate(() => {
      const c = document.querySelector("raft-compare");
      const id = c.left.frame().leader;
      c.left.command({ op: "crash", node: id });
      return id;
    });
    await h.page.waitForFunction((id) => {
      const c = document.querySelector("raft-compare");
      const down = (el) => el.frame()?.nodes.find((n) => n.id === id)?.up === false;
      return down(c.left) && down(c.right);
    }, leader, { timeout: T_LONG, polling: 50 });
    // Pausing the left pauses both.
    await h.page.evaluate(() => document.querySelector("raft-compare").left.pause());
    await h.page.waitForTimeout(300);
    const t = await h.page.evaluate(() => {
      const c = document.querySelector("raft-compare");
      return [c.left.sim.now(), c.right.sim.now(), c.right.running];
    });
    assert.equal(t[0], t[1], "paused at one time");
    assert.equal(t[2], false, "the right run stops with the left");
    // Identical runs (loss was 0 already): the same traces, and never parted.
    const same = await h.page.evaluate(() => {
      const c = document.querySelector("raft-compare");
      return { parted: c.parted, a: c.left.sim.traceHash(), b: c.right.sim.traceHash(), status: c.shadowRoot.querySelector(".cmp-status").textContent };
    });
    assert.equal(same.parted, null);
    assert.equal(same.a, same.b);
    assert.match(same.status, /^The runs agree so far/);
    await screenshot(h.page, "compare-same");
  }, { path: page, host: "raft-compare", waitReady: false });
});

test("a change that is not settings says what is wrong, and the page stays usable", async () => {
  const page = await comparePage("compare-bad", `<raft-compare nodes="3" seed="2" change="crash 1"></raft-compare>`);
  await withPage(env, {}, async (h) => {
    const status = await h.page.waitForFunction(() => {
      const s = document.querySelector("raft-compare")?.shadowRoot.querySelector(".cmp-status")?.textContent ?? "";
      return s.startsWith('change="crash 1"') ? s : null;
    }, null, { timeout: T_LONG, polling: 50 });
    assert.match(await status.jsonValue(), /^change="crash 1": line 1: "crash" is not a setting; a change is settings lines/);
    // The changed run is not run: not left looking like one.
    assert.equal(await h.page.evaluate(() => document.querySelector("raft-compare").shadowRoot.querySelector(".cmp-run-b").dataset.off), "true");
    assert.match(await h.page.evaluate(() => document.querySelector("raft-compare").shadowRoot.querySelector(".cmp-run-b .cmp-cap").textContent), /not run/);
    // The left run still runs.
    await h.page.waitForFunction(() => document.querySelector("raft-compare").left.frame()?.leader > 0, null, { timeout: T_LONG });
  }, { path: page, host: "raft-compare", waitReady: false });
});

test("the compare element passes an axe-core audit (0 serious or critical) at 1366 and 390 px", async () => {
  const page = await comparePage("compare-axe", `<raft-compare speed="1" change="prevote off" scenario-src="scenarios/docs/prevote.txt"></raft-compare>`, axeEnv);
  for (const width of [1366, 390]) {
    await withPage(axeEnv, {}, async (h) => {
      await parted(h);
      const vs = await axeSerious(h.page);
      assert.deepEqual(vs, [], formatViolations(vs));
      await screenshot(h.page, `compare-${width}`);
    }, { path: page, host: "raft-compare", waitReady: false, viewport: { width, height: 900 } });
  }
});

test("the tour's pre-vote chapter offers the same run with pre-vote off from 700 ms, parting where raftsim compare --at says", async () => {
  // The chapter played straight through (its pauses left out), as the tour plays it.
  const chapter = fs.readFileSync(path.join(ROOT, "www", "scenarios", "tour", "7-prevote.txt"), "utf8");
  const straight = chapter.split("\n").filter((l) => !/^\s*(?:at\s+\S+\s+)?pause\s+"/.test(l)).join("\n");
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "raft-compare-")), "ch7.txt");
  fs.writeFileSync(tmp, straight);
  const want = nativeDivergence(tmp, "prevote off", 700);
  await withPage(env, {}, async (h) => {
    const box = h.page.locator("#tour-compare");
    await h.page.waitForFunction(() => !document.getElementById("tour-compare").hidden, null, { timeout: T_LONG });
    assert.equal(await h.page.locator("#tour-compare-what").textContent(), "prevote off, from 700ms on");
    await box.locator("summary").click();
    await box.scrollIntoViewIfNeeded();
    const d = await parted(h);
    assert.equal(d.t, want.t);
    assert.equal(d.left.text, "5 became pre-candidate at term 1");
    assert.equal(d.right.text, "5 became candidate at term 2");
    assert.equal(d.right.text, want.right);
    await screenshot(h.page, "tour-compare");
    // Another step offers none: the box goes.
    await h.page.locator("#tour-continue").click();
    await h.page.waitForFunction(() => document.getElementById("tour-compare").hidden, null, { timeout: T_LONG });
  }, { path: "tour.html", hash: "#tour/prevote/3" });
});

test("the playground's Compare runs the session so far twice, changed from now, and passes an axe audit", async () => {
  await withPage(axeEnv, { seed: "8", speed: "1", nodes: "5" }, async (h) => {
    await h.page.waitForFunction(() => window.raftLive.frame()?.leader > 0, null, { timeout: T_LONG });
    // Cut a follower off, then ask what pre-vote off would do from here.
    const cut = await h.page.evaluate(() => {
      const f = window.raftLive.frame();
      const id = f.nodes.find((n) => n.id !== f.leader).id;
      window.raftLive.el.command({ op: "isolate", node: id });
      return id;
    });
    await h.page.waitForTimeout(300);
    const wasm = () => h.seen.requests.filter((u) => u.endsWith(".wasm")).map((u) => u.slice(axeEnv.origin.length));
    assert.deepEqual(wasm(), ["/pkg/raft_web_bg.wasm"], "the playground alone loads its own build");
    await h.page.click("#compare-open");
    const now = await h.page.evaluate(() => window.raftLive.frame().now);
    assert.equal(await h.page.evaluate(() => window.raftLive.el.running), false, "the run waits while the dialog is open");
    let vs = await axeSerious(h.page);
    assert.deepEqual(vs, [], formatViolations(vs));
    await h.page.selectOption("#compare-change", "prevote off");
    await h.page.click("#compare-go");
    const d = await h.page.waitForFunction(() => window.raftLive.compare()?.parted ?? null, null, { timeout: T_LONG, polling: 50 }).then((x) => x.jsonValue());
    // One run until now: they part after it, at the cut-off node's first campaign.
    assert.ok(d.t >= now, `${d.t} >= ${now}`);
    assert.equal(d.left.text, `${cut} became pre-candidate at term 1`);
    assert.equal(d.right.text, `${cut} became candidate at term 2`);
    assert.deepEqual(wasm(), ["/pkg/raft_web_bg.wasm", "/pkg-scripts/raft_scripts_bg.wasm"], "Compare fetches the scripts build, once");
    const what = await h.page.locator("#compare-what").textContent();
    assert.match(what, /^prevote off, from \d+\.\d{3} s on$/);
    assert.equal(await h.page.evaluate(() => document.activeElement?.id), "compare-h", "the focus went to the comparison's heading, not back to the header");
    vs = await axeSerious(h.page);
    assert.deepEqual(vs, [], formatViolations(vs));
    await screenshot(h.page, "page-compare");
    await h.page.click("#compare-close");
    assert.equal(await h.page.locator("#compare").isHidden(), true);
    assert.equal(await h.page.evaluate(() => window.raftLive.compare()), null);
  });
});

test("the playground's Compare of a scripted run the reader changed runs the session, and offers no change the run already has", async () => {
  const script = "nodes 5\nseed 1\nprevote on\ncheckquorum on\nat 1s crash 3\n";
  await withPage(env, { speed: "1" }, async (h) => {
    await h.page.waitForFunction(() => window.raftLive.frame()?.now > 1.2e6, null, { timeout: T_LONG });
    await h.page.evaluate(() => window.raftLive.el.command({ op: "partition", groups: [[1, 2], [3, 4, 5]] }));
    await h.page.waitForFunction(() => window.raftLive.el.offScript, null, { timeout: T_LONG });
    await h.page.click("#compare-open");
    // Pre-vote and check-quorum are on: "on" would compare the run with itself.
    const menu = await h.page.$$eval("#compare-change option", (os) => os.map((o) => [o.value, o.disabled]));
    assert.deepEqual(menu.filter(([, off]) => off).map(([v]) => v), ["prevote on", "checkquorum on"]);
    assert.equal(await h.page.$eval("#compare-change", (s) => s.selectedOptions[0].disabled), false, "a change offered is chosen");
    await h.page.selectOption("#compare-change", "prevote off");
    await h.page.click("#compare-go");
    await h.page.waitForFunction(() => window.raftLive.compare(), null, { timeout: T_LONG });
    const scenario = await h.page.evaluate(() => window.raftLive.compare().getAttribute("scenario"));
    assert.match(scenario, /partition \{1,2\} \{3,4,5\}/, `the session, with the partition the reader made: ${scenario}`);
  }, { hash: `#scenario=${encodeURIComponent(script)}` });
});

test("the playground's Compare keeps the page's look: with the diagram shown, each run shows its own", async () => {
  await withPage(axeEnv, { seed: "8", speed: "1", nodes: "5", view: "both", "diagram-window": "2" }, async (h) => {
    await h.page.waitForFunction(() => window.raftLive.frame()?.leader > 0, null, { timeout: T_LONG });
    await h.page.click("#compare-open");
    await h.page.selectOption("#compare-change", "prevote off");
    await h.page.click("#compare-go");
    await h.page.waitForFunction(() => window.raftLive.compare()?.left?.frame()?.now > 0, null, { timeout: T_LONG });
    const r = await h.page.evaluate(() => {
      const c = window.raftLive.compare();
      return [c.left, c.right].map((el) => {
        const dg = el.shadowRoot.querySelector(".rc-diagram");
        return { view: el.getAttribute("view"), win: el.getAttribute("diagram-window"), shown: !dg.hidden && dg.getBoundingClientRect().height > 0 };
      });
    });
    assert.deepEqual(r, [{ view: "both", win: "2", shown: true }, { view: "both", win: "2", shown: true }]);
  });
});

// A second comparison opened out of view: it was scrolled to before it had its height (the
// page too short then, the scroll stopped at its foot), so its runs sat below the fold and,
// out of view, did not run. Every comparison's runs are brought into view and run.
for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
  test(`every comparison the playground opens is scrolled into view and runs (${viewport.width}x${viewport.height})`, async () => {
    await withPage(env, { seed: "7", speed: "1" }, async (h) => {
      await h.page.waitForTimeout(1000);
      for (const [change, when] of [["nodes 7", "now"], ["nodes 7", "now"], ["prevote off", "start"]]) {
        await h.page.evaluate(() => document.activeElement?.blur());
        await h.page.keyboard.press("k");
        await h.page.selectOption("#compare-change", change);
        await h.page.check(`input[name="compare-when"][value="${when}"]`);
        await h.page.click("#compare-go");
        // Both runs advance (their clock runs only while they are in view)...
        await h.page.waitForFunction(() => {
          const c = window.raftLive.compare();
          return c && c.left.frame()?.now > 300_000 && c.right.frame()?.now > 300_000;
        }, null, { timeout: T_LONG, polling: 50 });
        await h.page.waitForTimeout(300);
        // ... the heading and the runs' tops are in the window.
        const r = await h.page.evaluate(() => {
          const c = window.raftLive.compare();
          const top = (e) => Math.round(e.getBoundingClientRect().top);
          return { heading: top(document.getElementById("compare-h")), left: top(c.left), right: top(c.right), h: innerHeight, running: c.left.running };
        });
        const where = `${change} from ${when}: ${JSON.stringify(r)}`;
        assert.ok(r.heading >= -2 && r.heading < r.h / 2, `the heading is at the top of the window (${where})`);
        assert.ok(r.left >= 0 && r.left < r.h - 100, `the left run is in view (${where})`);
        if (viewport.width > 900) assert.ok(r.right >= 0 && r.right < r.h - 100, `the right run is in view (${where})`);
        assert.equal(r.running, true, `the runs are running (${where})`);
        await screenshot(h.page, `page-compare-again-${viewport.width}`);
        await h.page.click("#compare-close");
        await h.page.waitForFunction(() => document.getElementById("compare").hidden);
      }
    }, { viewport });
  });
}

/** Each run's diagram as shown, and the messages its simulator recorded in that window. */
async function bothDiagrams(h) {
  return h.page.evaluate(() => {
    const c = window.raftLive?.compare() ?? document.querySelector("raft-compare");
    return [c.left, c.right].map((el) => {
      const s = el.diagramShown();
      return {
        from: s.from, to: s.to, now: s.now, sim: el.sim.now(), win: el.getAttribute("diagram-window"),
        view: el.getAttribute("view"), shown: s.ids, recorded: el.sim.diagram(s.from, s.now + 1).messages.map((m) => m[0]),
      };
    });
  });
}

test("paused, both runs' diagrams are complete and at the same moment", async () => {
  await withPage(env, { seed: "7", view: "both", speed: "1" }, async (h) => {
    await h.page.waitForFunction(() => window.raftLive.frame()?.leader > 0, null, { timeout: T_LONG });
    await h.page.keyboard.press("k");
    await h.page.selectOption("#compare-change", "prevote off");
    await h.page.check('input[name="compare-when"][value="start"]');
    await h.page.click("#compare-go");
    await h.page.waitForFunction(() => window.raftLive.compare()?.left.frame()?.now > 5e6, null, { timeout: T_LONG, polling: 50 });
    // The left run's own Pause button (it drives both).
    await h.page.locator("#compare-body raft-compare .cmp-a .rc-play").click();
    await h.page.waitForTimeout(400);
    const [a, b] = await bothDiagrams(h);
    assert.equal(a.sim, b.sim, "one clock");
    assert.equal(a.now, a.sim, "the left diagram is at its run's moment");
    assert.equal(b.now, b.sim, "the right diagram is at its run's moment");
    assert.deepEqual([b.from, b.to], [a.from, a.to], "the same window of time");
    assert.deepEqual(a.shown, a.recorded, "the left diagram draws every message of its window");
    assert.deepEqual(b.shown, b.recorded, "the right diagram draws every message of its window");
  });
});

test("a bad change-at or start-at is said in the banner, and stays said while the runs go on", async () => {
  for (const [name, v] of [["change-at", "1,5s"], ["change-at", "soon"], ["change-at", "-1s"], ["start-at", "1 minute"]]) {
    const page = await comparePage(`compare-bad-${name}-${v.replace(/\W+/g, "")}`, `<raft-compare seed="3" nodes="3" speed="1" change="prevote off" ${name}="${v}"></raft-compare>`);
    await withPage(env, {}, async (h) => {
      // Once the runs have gone on a while (the scan has written its status many times).
      await h.page.waitForFunction(() => document.querySelector("raft-compare").left.frame()?.now > 1e6, null, { timeout: T_LONG, polling: 50 });
      const said = await h.page.evaluate(() => {
        const r = document.querySelector("raft-compare").shadowRoot;
        const p = r.querySelector(".cmp-problem");
        return { text: p?.textContent ?? "", visible: !!p && !p.hidden && p.getClientRects().length > 0, status: r.querySelector(".cmp-status").textContent };
      });
      assert.ok(said.visible, `${name}="${v}": the message is shown (${JSON.stringify(said)})`);
      assert.ok(said.text.startsWith(`${name}="${v}": expected a time such as 1.9s or 1900ms`), `${name}="${v}": ${said.text}`);
      assert.match(said.status, /^The runs (agree|part)/, "the runs go on");
    }, { path: page, host: "raft-compare", waitReady: false });
  }
});

test("a comparison with no change says so, and does not run the same run twice", async () => {
  const page = await comparePage("compare-no-change", `<raft-compare seed="3" nodes="3" speed="1"></raft-compare>`);
  await withPage(env, {}, async (h) => {
    await h.page.waitForFunction(() => document.querySelector("raft-compare").left.frame()?.now > 1e6, null, { timeout: T_LONG, polling: 50 });
    const r = await h.page.evaluate(() => {
      const root = document.querySelector("raft-compare").shadowRoot;
      return { status: root.querySelector(".cmp-status").textContent, off: root.querySelector(".cmp-run-b").dataset.off, cap: root.querySelector(".cmp-run-b .cmp-cap").textContent };
    });
    assert.match(r.status, /^change: missing; expected what the other run changes, as scenario settings lines: "prevote off"/);
    assert.equal(r.off, "true");
    assert.match(r.cap, /not run/);
  }, { path: page, host: "raft-compare", waitReady: false });
});

test("the Window menu and the view of one run apply to both runs", async () => {
  const page = await comparePage("compare-window", `<raft-compare seed="3" nodes="3" speed="1" change="prevote off" view="both"></raft-compare>`);
  await withPage(env, {}, async (h) => {
    await h.page.waitForFunction(() => document.querySelector("raft-compare").right.frame()?.now > 5e5, null, { timeout: T_LONG, polling: 50 });
    // The right run's menu: both follow; then the left run's.
    for (const [side, w] of [["cmp-b", "0.25"], ["cmp-a", "2"]]) {
      await h.page.locator(`raft-compare .${side} .dg-window`).selectOption(w);
      await h.page.evaluate(() => document.querySelector("raft-compare").left.pause());
      await h.page.waitForTimeout(300);
      const [a, b] = await bothDiagrams(h);
      assert.deepEqual([a.win, b.win], [w, w], `the window chosen in ${side}`);
      assert.deepEqual([b.from, b.to], [a.from, a.to], `the same window of time (${side})`);
      await h.page.evaluate(() => document.querySelector("raft-compare").left.play());
    }
    assert.equal(await h.page.evaluate(() => document.querySelector("raft-compare").getAttribute("diagram-window")), "2", "the element says the window in use");
    // The view, set on one run, is both runs' view.
    await h.page.evaluate(() => document.querySelector("raft-compare").left.setAttribute("view", "cluster"));
    await h.page.waitForTimeout(100);
    const [a, b] = await bothDiagrams(h);
    assert.deepEqual([a.view, b.view], ["cluster", "cluster"]);
  }, { path: page, host: "raft-compare", waitReady: false });
});

test("docs' compare example: Show that moment moves both runs there without leaving the script", async () => {
  await withPage(env, {}, async (h) => {
    const cmp = h.page.locator("#ex-compare raft-compare");
    await cmp.scrollIntoViewIfNeeded();
    // The script played to its stop (the runs part on the way).
    await h.page.waitForFunction(() => {
      const c = document.querySelector("#ex-compare raft-compare");
      return c?.parted && c.left.script()?.waiting;
    }, null, { timeout: 60_000, polling: 100 });
    await cmp.locator(".cmp-goto").click();
    const t = await h.page.evaluate(() => document.querySelector("#ex-compare raft-compare").parted.t);
    await h.page.waitForFunction((t) => {
      const c = document.querySelector("#ex-compare raft-compare");
      return c.left.sim.now() === t && c.right.sim.now() === t;
    }, t, { timeout: T_LONG, polling: 50 });
    await h.page.waitForTimeout(200);
    const r = await h.page.evaluate(() => {
      const c = document.querySelector("#ex-compare raft-compare");
      const n = c.left.shadowRoot;
      const b = n.querySelector(".rc-toscript");
      return { off: c.left.offScript, head: n.querySelector(".rc-narration").textContent, toScript: b && !b.hidden ? b.textContent : null };
    });
    assert.equal(r.off, false, "a look at a moment is not a change of the run");
    assert.doesNotMatch(r.head, /you changed the cluster/i);
    // Looking back at a moment before the script's stop: the way back to it is offered, not
    // "Back to the script" (which undoes changes: there are none).
    assert.match(r.toScript ?? "Back to step", /^Back to step \d+$/, "no Back to the script");
    // Played on from there, the run replays its own history and stops at the script's stop again.
    await h.page.evaluate(() => document.querySelector("#ex-compare raft-compare").left.play());
    await h.page.waitForFunction(() => {
      const c = document.querySelector("#ex-compare raft-compare");
      return !c.left.playing && c.left.sim.now() === c.left.sim.horizon();
    }, null, { timeout: 60_000, polling: 100 });
    assert.equal(await h.page.evaluate(() => document.querySelector("#ex-compare raft-compare").left.offScript), false);
  }, { path: "docs.html", host: "#ex-compare raft-compare", waitReady: false });
});
