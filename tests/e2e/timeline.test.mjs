// Pausing, stepping one event at a time, and rewinding with #timeline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch,
  openPage,
  screenshot,
  summary,
  until,
  waitSim,
  waitStableLeader,
  nodeAction,
  setPlaying,
  playing,
  setRange,
  SEC,
  T_LONG,
} from "./lib.mjs";

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

// What a step can change: time, messages sent/delivered/dropped, log lines.
const signature = (s) => `${s.now}/${s.sent}/${s.delivered}/${s.dropped}/${s.nextLine}`;

test("#play pauses, #step advances one event at a time", async () => {
  const h = await openPage(env, { seed: "3", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    assert.equal(await playing(page), true, "the page starts playing (#play aria-pressed=true)");
    await waitStableLeader(page);
    await setPlaying(page, false);
    // Paused: time stands still across several animation frames.
    const p0 = await summary(page);
    await page.evaluate(() => new Promise((r) => {
      let n = 0;
      const tick = () => (++n >= 10 ? r() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    }));
    const p1 = await summary(page);
    assert.equal(p1.now, p0.now, "simulated time does not move while paused");

    let prev = p1;
    let changedTime = 0;
    for (let i = 0; i < 8; i++) {
      await page.locator("#step").click();
      const next = await until(
        page,
        `step ${i + 1} to show`,
        (sig) => {
          const f = window.raftLive.frame();
          const sum = (k) => f.metrics.messages.reduce((a, m) => a + m[k], 0);
          return `${f.now}/${sum(1)}/${sum(2)}/${sum(3)}/${f.nextLine}` !== sig;
        },
        signature(prev),
      );
      assert.ok(next, "the step changed something");
      const s = await summary(page);
      assert.ok(s.now >= prev.now, `time does not go back on a step (${prev.now} -> ${s.now})`);
      assert.ok(s.delivered - prev.delivered <= 1, `at most one message delivered per step (${prev.delivered} -> ${s.delivered})`);
      // A step of a quiet cluster waits for the next heartbeat round: well under a second.
      assert.ok(s.now - prev.now < 1 * SEC, `one step moves time by less than a second (${s.now - prev.now}us)`);
      if (s.now > prev.now) changedTime++;
      assert.equal(await playing(page), false, "#step leaves the page paused");
      prev = s;
    }
    assert.ok(changedTime >= 1, "time advanced over the steps");
    const timeText = await page.locator("#status-time").textContent();
    const statusTime = Number(timeText.match(/\d+(?:\.\d+)?/)?.[0]);
    assert.ok(Math.abs(statusTime - prev.now / SEC) < 0.05,
      `#status-time (${JSON.stringify(timeText)}) shows the simulated seconds (${prev.now / SEC})`);
    await screenshot(page, "stepped");
    // #step while playing pauses too.
    await setPlaying(page, true);
    await page.locator("#step").click();
    await until(page, "#step to pause a running page (#play aria-pressed=false)", () =>
      document.querySelector("#play").getAttribute("aria-pressed") === "false");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("dragging #timeline back rewinds (a crashed node is alive before its crash); play resumes", async () => {
  const h = await openPage(env, { seed: "3", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    const leader = await waitStableLeader(page);
    const victim = (await summary(page)).nodes.find((n) => n.id !== leader.id).id;
    const beforeCrash = (await summary(page)).now;
    await nodeAction(page, victim, "crash");
    await until(page, `node ${victim} crashed`, (id) =>
      document.querySelector(`#cluster g.node[data-id="${id}"]`)?.dataset.role === "crashed", victim);
    await waitSim(page, 1 * SEC);
    await setPlaying(page, false);
    const end = await summary(page);
    assert.ok(end.horizon >= end.now, "the frame's horizon is the end of the history");

    // The range's value maps linearly onto [0, horizon] of simulated time.
    const range = await page.locator("#timeline").evaluate((el) => ({
      min: Number(el.min || 0),
      max: Number(el.max || 100),
      value: Number(el.value),
      type: el.type,
    }));
    assert.equal(range.type, "range", "#timeline is a range input");
    const target = beforeCrash / 2;
    const value = range.min + ((range.max - range.min) * target) / end.horizon;
    await setRange(page, "#timeline", value);
    const back = await until(page, `time to go back before ${beforeCrash}us`, (t) => {
      const f = window.raftLive.frame();
      return f.now < t ? f.now : false;
    }, beforeCrash);
    assert.ok(back < end.now, `time went back (${end.now} -> ${back})`);
    await until(page, `node ${victim} alive again before its crash`, (id) =>
      document.querySelector(`#cluster g.node[data-id="${id}"]`)?.dataset.role !== "crashed", victim);
    const s = await summary(page);
    assert.equal(s.nodes.find((n) => n.id === victim).up, true, "the frame agrees: the node is up");
    assert.ok(Math.abs(s.now - target) < 0.5 * SEC, `landed near the requested time (${s.now} vs ${target})`);
    await screenshot(page, "rewound");

    // Play again: time moves forward from the rewound point.
    await setPlaying(page, true);
    await until(page, "time to move on after play", (t) => window.raftLive.frame().now > t + 100_000, s.now, T_LONG);
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("the same seed and the same steps give the same run", async () => {
  const runs = [];
  for (let r = 0; r < 2; r++) {
    const h = await openPage(env, { seed: "9", speed: "1", nodes: "5", paused: "1" });
    const { page } = h;
    try {
      assert.equal(await playing(page), false, "paused=1 starts paused");
      const seen = [];
      for (let i = 0; i < 40; i++) {
        const prev = signature(await summary(page));
        await page.locator("#step").click();
        await until(page, `step ${i + 1}`, (sig) => {
          const f = window.raftLive.frame();
          const sum = (k) => f.metrics.messages.reduce((a, m) => a + m[k], 0);
          return `${f.now}/${sum(1)}/${sum(2)}/${sum(3)}/${f.nextLine}` !== sig;
        }, prev);
        const s = await summary(page);
        seen.push(`${s.now} ${s.sent}/${s.delivered} ${s.nodes.map((n) => `${n.role[0]}${n.term}`).join(",")}`);
      }
      runs.push(seen);
      await h.checkClean();
    } finally {
      await h.close();
    }
  }
  assert.deepEqual(runs[1], runs[0], "two loads with seed=9 step through the same states");
});

test("a hidden tab stops the clock; shown again, it goes on without catching up", async () => {
  const h = await openPage(env, { seed: "5", speed: "1", nodes: "5" });
  const { page } = h;
  const setHidden = (hidden) => page.evaluate((hidden) => {
    Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
    Object.defineProperty(document, "visibilityState", { value: hidden ? "hidden" : "visible", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
  try {
    await waitStableLeader(page);
    await setHidden(true);
    // A draw already scheduled may still come; after it the clock stands still.
    await page.waitForTimeout(600);
    const t0 = (await summary(page)).now;
    await page.waitForTimeout(1500);
    const t1 = (await summary(page)).now;
    assert.equal(t1, t0, "no simulated time passes while the tab is hidden");
    await setHidden(false);
    await until(page, "the clock going again", (t) => window.raftLive.frame().now > t, t1);
    const t2 = (await summary(page)).now;
    // Shown again, it resumes from where it stood: at most two draw intervals (0.4 s at
    // 1x) of wall time are simulated at once, not the 1.5 s the tab was hidden.
    assert.ok(t2 - t1 <= 0.5 * SEC, `no burst of catch-up (${(t2 - t1) / SEC} s at once)`);
    await h.checkClean();
  } finally {
    await h.close();
  }
});
