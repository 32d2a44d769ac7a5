// Pausing, stepping one event at a time, and rewinding with the timeline (.rc-timeline).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  sharedEnv,
  withPage,
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

const env = sharedEnv();

// What a step can change: time, messages sent/delivered/dropped, log lines.
const signature = (s) => `${s.now}/${s.sent}/${s.delivered}/${s.dropped}/${s.nextLine}`;

test("Play pauses, Step advances one event at a time", async () => {
  await withPage(env, { seed: "3", speed: "1", nodes: "5" }, async (h) => {
    const { page } = h;
    assert.equal(await playing(h), true, "the page starts playing (.rc-play aria-pressed=true)");
    await waitStableLeader(h);
    await setPlaying(h, false);
    // Paused: time stands still across several animation frames.
    const p0 = await summary(h);
    await page.evaluate(() => new Promise((r) => {
      let n = 0;
      const tick = () => (++n >= 10 ? r() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    }));
    const p1 = await summary(h);
    assert.equal(p1.now, p0.now, "simulated time does not move while paused");

    let prev = p1;
    let changedTime = 0;
    for (let i = 0; i < 8; i++) {
      await h.in(".rc-step").click();
      const next = await until(
        h,
        `step ${i + 1} to show`,
        (sig, el) => {
          const f = el.frame();
          const sum = (k) => f.metrics.messages.reduce((a, m) => a + m[k], 0);
          return `${f.now}/${sum(1)}/${sum(2)}/${sum(3)}/${f.nextLine}` !== sig;
        },
        signature(prev),
      );
      assert.ok(next, "the step changed something");
      const s = await summary(h);
      assert.ok(s.now >= prev.now, `time does not go back on a step (${prev.now} -> ${s.now})`);
      assert.ok(s.delivered - prev.delivered <= 1, `at most one message delivered per step (${prev.delivered} -> ${s.delivered})`);
      // A step of a quiet cluster waits for the next heartbeat round: well under a second.
      assert.ok(s.now - prev.now < 1 * SEC, `one step moves time by less than a second (${s.now - prev.now}us)`);
      if (s.now > prev.now) changedTime++;
      assert.equal(await playing(h), false, "Step leaves the element paused");
      prev = s;
    }
    assert.ok(changedTime >= 1, "time advanced over the steps");
    const timeText = await h.in(".st-time .rc-st-v").textContent();
    const statusTime = Number(timeText.match(/\d+(?:\.\d+)?/)?.[0]);
    assert.ok(Math.abs(statusTime - prev.now / SEC) < 0.05,
      `the status time (${JSON.stringify(timeText)}) shows the simulated seconds (${prev.now / SEC})`);
    await screenshot(page, "stepped");
    // Step while playing pauses too.
    await setPlaying(h, true);
    await h.in(".rc-step").click();
    await until(h, "Step to pause a running element (.rc-play aria-pressed=false)", (_, el) =>
      window.__e2e.q(el, ".rc-play").getAttribute("aria-pressed") === "false");
  });
});

test("dragging the timeline back rewinds (a crashed node is alive before its crash); play resumes", async () => {
  await withPage(env, { seed: "3", speed: "1", nodes: "5" }, async (h) => {
    const { page } = h;
    const leader = await waitStableLeader(h);
    const victim = (await summary(h)).nodes.find((n) => n.id !== leader.id).id;
    const beforeCrash = (await summary(h)).now;
    await nodeAction(h, victim, "crash");
    await until(h, `node ${victim} crashed`, (id, el) =>
      window.__e2e.q(el, `.rc-cluster g.node[data-id="${id}"]`)?.dataset.role === "crashed", victim);
    await waitSim(h, 1 * SEC);
    await setPlaying(h, false);
    const end = await summary(h);
    assert.ok(end.horizon >= end.now, "the frame's horizon is the end of the history");

    // The range's value maps linearly onto [0, horizon] of simulated time.
    const range = await h.in(".rc-timeline").evaluate((el) => ({
      min: Number(el.min || 0),
      max: Number(el.max || 100),
      value: Number(el.value),
      type: el.type,
    }));
    assert.equal(range.type, "range", ".rc-timeline is a range input");
    const target = beforeCrash / 2;
    const value = range.min + ((range.max - range.min) * target) / end.horizon;
    await setRange(h.in(".rc-timeline"), value);
    const back = await until(h, `time to go back before ${beforeCrash}us`, (t, el) => {
      const f = el.frame();
      return f.now < t ? f.now : false;
    }, beforeCrash);
    assert.ok(back < end.now, `time went back (${end.now} -> ${back})`);
    await until(h, `node ${victim} alive again before its crash`, (id, el) =>
      window.__e2e.q(el, `.rc-cluster g.node[data-id="${id}"]`)?.dataset.role !== "crashed", victim);
    const s = await summary(h);
    assert.equal(s.nodes.find((n) => n.id === victim).up, true, "the frame agrees: the node is up");
    assert.ok(Math.abs(s.now - target) < 0.5 * SEC, `landed near the requested time (${s.now} vs ${target})`);
    await screenshot(page, "rewound");

    // Play again: time moves forward from the rewound point.
    await setPlaying(h, true);
    await until(h, "time to move on after play", (t, el) => el.frame().now > t + 100_000, s.now, T_LONG);
  });
});

test("the same seed and the same steps give the same run", async () => {
  const runs = [];
  for (let r = 0; r < 2; r++) {
    const seen = await withPage(env, { seed: "9", speed: "1", nodes: "5", paused: "1" }, async (h) => {
      assert.equal(await playing(h), false, "paused=1 starts paused");
      const seen = [];
      for (let i = 0; i < 40; i++) {
        const prev = signature(await summary(h));
        await h.in(".rc-step").click();
        await until(h, `step ${i + 1}`, (sig, el) => {
          const f = el.frame();
          const sum = (k) => f.metrics.messages.reduce((a, m) => a + m[k], 0);
          return `${f.now}/${sum(1)}/${sum(2)}/${sum(3)}/${f.nextLine}` !== sig;
        }, prev);
        const s = await summary(h);
        seen.push(`${s.now} ${s.sent}/${s.delivered} ${s.nodes.map((n) => `${n.role[0]}${n.term}`).join(",")}`);
      }
      return seen;
    });
    runs.push(seen);
  }
  assert.deepEqual(runs[1], runs[0], "two loads with seed=9 step through the same states");
});

test("a hidden tab stops the clock; shown again, it goes on without catching up", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "5" }, async (h) => {
    const { page } = h;
    const setHidden = (hidden) => page.evaluate((hidden) => {
      Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
      Object.defineProperty(document, "visibilityState", { value: hidden ? "hidden" : "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
    await waitStableLeader(h);
    await setHidden(true);
    // A draw already scheduled may still come; after it the clock stands still.
    await page.waitForTimeout(600);
    const t0 = (await summary(h)).now;
    await page.waitForTimeout(1500);
    const t1 = (await summary(h)).now;
    assert.equal(t1, t0, "no simulated time passes while the tab is hidden");
    await setHidden(false);
    await until(h, "the clock going again", (t, el) => el.frame().now > t, t1);
    const t2 = (await summary(h)).now;
    // Shown again, it resumes from where it stood: at most two draw intervals (0.4 s at
    // 1x) of wall time are simulated at once, not the 1.5 s the tab was hidden.
    assert.ok(t2 - t1 <= 0.5 * SEC, `no burst of catch-up (${(t2 - t1) / SEC} s at once)`);
  });
});
