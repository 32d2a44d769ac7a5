// The guided tour: every step of every chapter reached by its deep link shows the state its
// narration describes (the chapter's own `expect` lines, checked against the frame); Back
// restores the previous step exactly; Continue, the keys, the fixed buttons, playing with
// the cluster and returning to the script.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { launch, screenshot, ARTIFACTS, T_LONG } from "./lib.mjs";
import { openPath, waitFor, tourChapters, checkExpectation, comparableFrame } from "./pages.mjs";

let env;
const chapters = tourChapters();
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** Waits until the tour shows `id`/`k`, paused at that step, with that step's frame drawn. */
async function atStep(page, id, k) {
  await waitFor(page, `the tour at ${id}/${k}`, ({ id, k }) => {
    const t = window.raftTour;
    const el = t && t.element;
    if (!el || t.chapter !== id) return false;
    const s = el.script();
    const f = el.frame();
    return !!(s && f && s.waiting && s.step === k && f.now === el.sim.now() && t.step() === k);
  }, { id, k });
}

async function state(page) {
  return page.evaluate(() => {
    const el = window.raftTour.element;
    return {
      hash: el.sim.traceHash(),
      frame: el.frame(),
      location: location.hash,
      text: document.getElementById("tour-text").textContent,
      where: document.getElementById("tour-where").textContent,
      offScript: !document.getElementById("tour-offscript").hidden,
    };
  });
}

async function deepLink(id, k) {
  const h = await openPath(env, `tour.html#tour/${id}/${k}`);
  await atStep(h.page, id, k);
  return h;
}

test("the chapters are the scenario files, in order", () => {
  assert.deepEqual(chapters.map((c) => c.id), ["consensus", "election", "split-votes", "replication", "recovery", "partitions", "prevote", "snapshots"]);
  for (const c of chapters) {
    assert.ok(c.steps.length >= 2, `${c.id} has steps`);
    for (const [i, s] of c.steps.entries()) {
      const kinds = new Set(s.expects.map((e) => e.what));
      for (const k of ["leader", "term", "commit"]) {
        assert.ok(kinds.has(k), `${c.id} step ${i + 1} states its ${k} with an expect line right before its pause`);
      }
    }
  }
});

test("every tour step reached by its deep link shows the state its narration describes", async () => {
  let checked = 0;
  for (const c of chapters) {
    for (const [i, step] of c.steps.entries()) {
      const k = i + 1;
      const h = await deepLink(c.id, k);
      const s = await state(h.page);
      const failures = step.expects.map((e) => checkExpectation(e, s.frame)).filter(Boolean);
      assert.deepEqual(failures, [], `#tour/${c.id}/${k}: the frame contradicts the chapter's expect lines`);
      checked += step.expects.length;
      assert.equal(s.location, `#tour/${c.id}/${k}`, "the address stays on the step");
      assert.ok(s.text.includes(step.text), `#tour/${c.id}/${k} shows its narration`);
      assert.match(s.where, new RegExp(`step ${k} of ${c.steps.length}`));
      const script = await h.page.evaluate(() => window.raftTour.element.script());
      assert.deepEqual(script.failures, [], `the core's own check of ${c.id} up to step ${k}`);
      await h.checkClean();
      await h.close();
    }
  }
  assert.ok(checked >= 100, `${checked} expectations checked`);
});

test("Back restores the exact state of the previous step, in every chapter", async () => {
  for (const c of chapters) {
    // Direct deep links to each step, for reference.
    const ref = [];
    for (let k = 1; k <= c.steps.length; k++) {
      const h = await deepLink(c.id, k);
      const s = await state(h.page);
      ref[k] = { hash: s.hash, frame: comparableFrame(s.frame) };
      await h.close();
    }
    // From the last step, Back all the way to step 1.
    const h = await deepLink(c.id, c.steps.length);
    for (let k = c.steps.length - 1; k >= 1; k--) {
      await h.page.locator("#tour-back").click();
      await atStep(h.page, c.id, k);
      const s = await state(h.page);
      assert.equal(s.hash, ref[k].hash, `${c.id}: Back to step ${k} gives the deep link's trace hash`);
      assert.deepEqual(comparableFrame(s.frame), ref[k].frame, `${c.id}: Back to step ${k} gives the deep link's frame`);
      assert.equal(s.location, `#tour/${c.id}/${k}`);
    }
    await h.checkClean();
    await h.close();
  }
});

test("Continue plays the next step to the same state, and Back after it returns exactly", async () => {
  // election: steps 2 -> 3 -> 4 are short runs; speed up the tour's clock for the test.
  const h = await deepLink("election", 2);
  const { page } = h;
  await page.evaluate(() => window.raftTour.element.setAttribute("speed", "1"));
  const at2 = await state(page);
  await page.locator("#tour-continue").click();
  await atStep(page, "election", 3);
  const via = await state(page);
  const direct = await deepLink("election", 3);
  const ref3 = await state(direct.page);
  await direct.close();
  assert.equal(via.hash, ref3.hash, "Continue reaches the same state as the deep link");
  assert.equal(via.location, "#tour/election/3");
  await page.locator("#tour-back").click();
  await atStep(page, "election", 2);
  const back = await state(page);
  assert.equal(back.hash, at2.hash, "Back after Continue is exactly step 2 again");
  assert.deepEqual(comparableFrame(back.frame), comparableFrame(at2.frame));
  // The keys do the same.
  await page.keyboard.press("ArrowRight");
  await atStep(page, "election", 3);
  assert.equal((await state(page)).hash, ref3.hash, "→ plays on to step 3");
  await page.keyboard.press("ArrowLeft");
  await atStep(page, "election", 2);
  assert.equal((await state(page)).hash, at2.hash, "← goes back to step 2");
  await h.checkClean();
  await h.close();
});

test("Back and Continue stay in the same place on every step", async () => {
  const h = await deepLink("consensus", 1);
  const { page } = h;
  const boxes = async () => page.evaluate(() => ["tour-back", "tour-continue"].map((id) => {
    const b = document.getElementById(id).getBoundingClientRect();
    return [Math.round(b.x), Math.round(b.y), Math.round(b.width), Math.round(b.height)];
  }));
  const first = await boxes();
  for (const [id, k] of [["consensus", 2], ["consensus", 3], ["replication", 4], ["prevote", 4], ["snapshots", 1]]) {
    await page.evaluate((hash) => { location.hash = hash; }, `#tour/${id}/${k}`);
    await atStep(page, id, k);
    assert.deepEqual(await boxes(), first, `the buttons did not move at ${id}/${k}`);
  }
  await h.checkClean();
  await h.close();
});

test("the reader may play with the cluster at a step and return to the script", async () => {
  const h = await deepLink("replication", 3);
  const { page } = h;
  const scripted = await state(page);
  assert.equal(scripted.offScript, false);
  // Crash the leader through the cluster's node menu.
  const leader = scripted.frame.leader;
  await page.locator(`#tour-cluster g.node[data-id="${leader}"]`).click();
  await page.locator('#tour-cluster .rc-menu [data-action="crash"]').click();
  await waitFor(page, "the leader crashed", (id) => window.raftTour.element.frame().nodes[id - 1].role === "crashed", leader);
  await waitFor(page, "the tour says the cluster left the script", () => !document.getElementById("tour-offscript").hidden);
  assert.notEqual((await state(page)).hash, scripted.hash);
  await page.locator("#tour-toscript").click();
  await atStep(page, "replication", 3);
  const back = await state(page);
  assert.equal(back.hash, scripted.hash, "Back to the script restores the step exactly");
  assert.deepEqual(comparableFrame(back.frame), comparableFrame(scripted.frame));
  assert.equal(back.offScript, false);
  await screenshot(page, "tour-step");
  await page.locator("#narration").screenshot({ path: path.join(ARTIFACTS, "tour-narration.png") });
  await h.checkClean();
  await h.close();
});

test("the chapter list links every chapter; a bad link says so and starts the tour", async () => {
  const h = await openPath(env, "tour.html#tour/nonsense/4");
  const { page } = h;
  await atStep(page, "consensus", 1);
  assert.match(await page.locator("#tour-text").textContent(), /no chapter "nonsense"/);
  const links = await page.$$eval("#chapters a", (as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(links, chapters.map((c) => `#tour/${c.id}/1`));
  // Clicking a chapter plays it from its start to its first step.
  await page.evaluate(() => window.raftTour.element.setAttribute("speed", "1"));
  await page.locator('#chapters a[href="#tour/replication/1"]').click();
  await atStep(page, "replication", 1);
  const s = await state(page);
  const failures = chapters[3].steps[0].expects.map((e) => checkExpectation(e, s.frame)).filter(Boolean);
  assert.deepEqual(failures, []);
  await h.checkClean();
  await h.close();
}, { timeout: T_LONG * 2 });
