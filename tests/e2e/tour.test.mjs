// The guided tour (tour.html: one <raft-cluster id="tour-cluster" narration="none"> and the
// tour's own narration): every step of every chapter shows the state its narration
// describes (the chapter's `expect` lines, checked against the frame here and by the core
// itself); walking the whole tour with Continue never shows a failed expectation, and
// while a step plays the narration is the last step reached, not the next one; Back
// restores the previous step exactly; the keys, the fixed buttons, playing with the
// cluster and returning to the script.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, withPage, screenshot, ARTIFACTS, T_LONG } from "./lib.mjs";
import { waitFor, tourChapters, checkExpectation, comparableFrame } from "./pages.mjs";

let env;
const chapters = tourChapters();
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

const TOUR = { path: "tour.html", host: "#tour-cluster", waitReady: false };

/** Waits until the tour shows `id`/`k`, paused at that step, with that step's frame drawn. */
async function atStep(page, id, k, { drawn = true } = {}) {
  await waitFor(page, `the tour at ${id}/${k}${drawn ? " (its frame drawn)" : ""}`, ({ id, k, drawn }) => {
    const t = window.raftTour;
    const el = t && t.element;
    if (!el || t.chapter !== id) return false;
    const s = el.script();
    const f = el.frame();
    return !!(s && f && s.waiting && s.step === k && t.step() === k && (!drawn || f.now === el.sim.now()));
  }, { id, k, drawn }).catch(async (err) => {
    const now = await page.evaluate(() => {
      const el = window.raftTour?.element;
      return el && { chapter: window.raftTour.chapter, step: window.raftTour.step(), script: el.script(), drawnNow: el.frame()?.now, simNow: el.sim.now(), playing: el.playing };
    }).catch(() => null);
    err.message += `\n  the tour: ${JSON.stringify(now)}`;
    throw err;
  });
}

async function state(page) {
  return page.evaluate(() => {
    const el = window.raftTour.element;
    return {
      hash: el.sim.traceHash(),
      frame: el.frame(),
      // The simulator's own state at this moment, whatever was drawn last.
      exact: el.sim.frame(Number.MAX_SAFE_INTEGER, true),
      script: el.script(),
      location: location.hash,
      text: document.getElementById("tour-text").textContent,
      where: document.getElementById("tour-where").textContent,
      offScript: !document.getElementById("tour-offscript").hidden,
      elementFail: el.shadowRoot.querySelector(".rc-fail")?.textContent ?? "",
    };
  });
}

/** Opens the tour at `#tour/id/k` and runs fn(h) once that step is shown (`opts`: openPage's,
 *  e.g. a viewport). */
async function deepLink(id, k, fn, opts = {}) {
  return withPage(env, {}, async (h) => {
    await atStep(h.page, id, k);
    return fn(h);
  }, { ...TOUR, hash: `#tour/${id}/${k}`, ...opts });
}

/** Goes to `#tour/id/k` in the open tour (a deep link followed in the same page). */
async function follow(page, id, k) {
  await page.evaluate((hash) => { location.hash = hash; }, `#tour/${id}/${k}`);
  await atStep(page, id, k);
}

function checkStep(c, k, s) {
  const step = c.steps[k - 1];
  const where = `#tour/${c.id}/${k}`;
  const failures = step.expects.map((e) => checkExpectation(e, s.exact)).filter(Boolean);
  assert.deepEqual(failures, [], `${where}: the simulator's state contradicts the chapter's expect lines`);
  assert.deepEqual(s.script.failures, [], `${where}: the core's own check of the expect lines`);
  assert.equal(s.script.error, null, `${where}: the script ran without an error`);
  assert.ok(s.text.includes(step.text), `${where} shows its narration: ${JSON.stringify(s.text.slice(0, 120))}`);
  assert.doesNotMatch(s.text, /The core disagrees|Expectation failed/, `${where}: the narration reports no failed expectation`);
  assert.doesNotMatch(s.elementFail, /Expectation failed|The script stopped/, `${where}: the element reports no failed expectation or line that could not run`);
  return step.expects.length;
}

test("the chapters are the scenario files, in order, and each step states its leader, term and commit", () => {
  assert.deepEqual(chapters.map((c) => c.id), ["consensus", "election", "split-votes", "replication", "recovery", "partitions", "prevote", "snapshots", "membership"]);
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
    // A fresh page on the chapter's first step; the other steps by following their links.
    await deepLink(c.id, 1, async (h) => {
      for (let k = 1; k <= c.steps.length; k++) {
        if (k > 1) await follow(h.page, c.id, k);
        const s = await state(h.page);
        checked += checkStep(c, k, s);
        // A store's values travel in a detailed frame only (the exact frame above checks them).
        const drawnFailures = c.steps[k - 1].expects
          .filter((e) => e.what !== "value" || s.frame.detail)
          .map((e) => checkExpectation(e, s.frame)).filter(Boolean);
        assert.deepEqual(drawnFailures, [], `#tour/${c.id}/${k}: the drawn frame contradicts the expect lines`);
        assert.equal(s.location, `#tour/${c.id}/${k}`, "the address stays on the step");
        assert.match(s.where, new RegExp(`step ${k} of ${c.steps.length}`));
      }
    });
  }
  assert.ok(checked >= 100, `${checked} expectations checked`);
});

// The issue's defect 5: narration that did not match the state. Walked with Continue (at
// speed 1), every step's pause shows its own text and state; while a step plays, the
// narration is the step last reached (its state is still what the text says), never the
// next step's text ahead of its state.
test("walking the whole tour with Continue: every step's narration matches its state, and the playing narration is the last step reached", async () => {
  await withPage(env, {}, async (h) => {
    const { page } = h;
    await atStep(page, chapters[0].id, 1, { drawn: false });
    await page.evaluate(() => window.raftTour.element.setAttribute("speed", "1"));
    let checked = 0;
    for (const [ci, c] of chapters.entries()) {
      for (let k = 1; k <= c.steps.length; k++) {
        await atStep(page, c.id, k, { drawn: false });
        const s = await state(page);
        checked += checkStep(c, k, s);
        assert.equal(s.location, `#tour/${c.id}/${k}`);
        if (ci === chapters.length - 1 && k === c.steps.length) break;
        await page.locator("#tour-continue").click();
        if (k < c.steps.length) {
          // Playing towards step k + 1: the text is still step k's.
          const playing = await page.evaluate(() => ({
            text: document.getElementById("tour-text").textContent,
            where: document.getElementById("tour-where").textContent,
            s: window.raftTour.element.script(),
          }));
          if (!playing.s.waiting) {
            assert.ok(playing.text.includes(c.steps[k - 1].text),
              `${c.id}: playing from step ${k} to ${k + 1}, the narration is step ${k}'s: ${JSON.stringify(playing.text.slice(0, 100))}`);
            assert.ok(!playing.text.includes(c.steps[k].text),
              `${c.id}: playing from step ${k} to ${k + 1}, step ${k + 1}'s text waits for its state`);
          }
        }
      }
    }
    assert.ok(checked >= 100, `${checked} expectations checked`);
    const end = await page.locator("#tour-text").textContent();
    assert.match(end, /That is the end of the tour/);
  }, { ...TOUR, hash: "#tour/consensus/1" });
});

test("Back restores the exact state of the previous step, in every chapter", async () => {
  for (const c of chapters) {
    await deepLink(c.id, 1, async (h) => {
      // The deep link's state of each step, for reference.
      const ref = [];
      for (let k = 1; k <= c.steps.length; k++) {
        if (k > 1) await follow(h.page, c.id, k);
        const s = await state(h.page);
        ref[k] = { hash: s.hash, frame: comparableFrame(s.frame), exact: comparableFrame(s.exact) };
      }
      // From the last step, Back all the way to step 1.
      for (let k = c.steps.length - 1; k >= 1; k--) {
        await h.page.locator("#tour-back").click();
        await atStep(h.page, c.id, k);
        const s = await state(h.page);
        assert.equal(s.hash, ref[k].hash, `${c.id}: Back to step ${k} gives the deep link's trace hash`);
        assert.deepEqual(comparableFrame(s.frame), ref[k].frame, `${c.id}: Back to step ${k} gives the deep link's frame`);
        assert.deepEqual(comparableFrame(s.exact), ref[k].exact, `${c.id}: Back to step ${k} gives the deep link's logs and messages`);
        assert.equal(s.location, `#tour/${c.id}/${k}`);
      }
    });
  }
});

test("Continue plays the next step to the same state, and Back after it returns exactly", async () => {
  const ref3 = await deepLink("election", 3, async (h) => state(h.page));
  await deepLink("election", 2, async (h) => {
    const { page } = h;
    // election: steps 2 -> 3 are a short run; speed up the tour's clock for the test.
    await page.evaluate(() => window.raftTour.element.setAttribute("speed", "1"));
    const at2 = await state(page);
    await page.locator("#tour-continue").click();
    await atStep(page, "election", 3);
    const via = await state(page);
    assert.equal(via.hash, ref3.hash, "Continue reaches the same state as the deep link");
    assert.deepEqual(comparableFrame(via.frame), comparableFrame(ref3.frame), "and draws the same frame");
    assert.deepEqual(comparableFrame(via.exact), comparableFrame(ref3.exact), "with the same logs and messages");
    assert.equal(via.location, "#tour/election/3");
    await page.locator("#tour-back").click();
    await atStep(page, "election", 2);
    const back = await state(page);
    assert.equal(back.hash, at2.hash, "Back after Continue is exactly step 2 again");
    assert.deepEqual(comparableFrame(back.frame), comparableFrame(at2.frame));
    assert.deepEqual(comparableFrame(back.exact), comparableFrame(at2.exact));
    // The keys do the same.
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press("ArrowRight");
    await atStep(page, "election", 3);
    assert.equal((await state(page)).hash, ref3.hash, "→ plays on to step 3");
    await page.keyboard.press("ArrowLeft");
    await atStep(page, "election", 2);
    assert.equal((await state(page)).hash, at2.hash, "← goes back to step 2");
  });
});

test("Back and Continue stay in the same place on every step", async () => {
  await deepLink("consensus", 1, async (h) => {
    const { page } = h;
    const boxes = async () => page.evaluate(() => ["tour-back", "tour-continue"].map((id) => {
      const b = document.getElementById(id).getBoundingClientRect();
      return [Math.round(b.x), Math.round(b.y), Math.round(b.width), Math.round(b.height)];
    }));
    const first = await boxes();
    for (const [id, k] of [["consensus", 2], ["consensus", 3], ["replication", 4], ["prevote", 4], ["snapshots", 1]]) {
      await follow(page, id, k);
      assert.deepEqual(await boxes(), first, `the buttons did not move at ${id}/${k}`);
    }
  });
});

test("the reader may play with the cluster at a step and return to the script", async () => {
  await deepLink("replication", 3, async (h) => {
    const { page } = h;
    const scripted = await state(page);
    assert.equal(scripted.offScript, false);
    // Crash the leader through the cluster's node menu.
    const leader = scripted.frame.leader;
    await page.locator(`#tour-cluster .rc-cluster g.node[data-id="${leader}"] .hit`).click();
    await page.locator('#tour-cluster .node-menu [data-action="crash"]').click();
    await waitFor(page, "the leader crashed", (id) => window.raftTour.element.frame().nodes[id - 1].role === "crashed", leader);
    await waitFor(page, "the tour says the cluster left the script", () => !document.getElementById("tour-offscript").hidden);
    assert.notEqual((await state(page)).hash, scripted.hash);
    // Back to the script: the same step at the same time, so wait for a frame drawn after it.
    await page.evaluate(() => { window.__e2eBefore = window.raftTour.element.frame(); });
    await page.locator("#tour-toscript").click();
    await waitFor(page, "a frame drawn after Back to the script", () => window.raftTour.element.frame() !== window.__e2eBefore);
    await atStep(page, "replication", 3);
    const back = await state(page);
    assert.equal(back.hash, scripted.hash, "Back to the script restores the step exactly");
    assert.deepEqual(comparableFrame(back.frame), comparableFrame(scripted.frame));
    assert.deepEqual(comparableFrame(back.exact), comparableFrame(scripted.exact));
    assert.equal(back.offScript, false);
    await screenshot(page, "tour-step");
    await page.locator("#narration").screenshot({ path: path.join(ARTIFACTS, "tour-narration.png") });
  });
});

/** The figures the chapters name: [{id, k, name}] for each `# figure: NAME` before step k's pause. */
function chapterFigures() {
  const out = [];
  for (const c of chapters) {
    let k = 0;
    let named = null;
    for (const line of fs.readFileSync(c.file, "utf8").split("\n")) {
      if (line.startsWith("----")) break;
      const f = /^\s*#\s*figure:\s*([a-z0-9-]+)/i.exec(line);
      if (f) named = f[1].toLowerCase();
      else if (/^\s*(?:at\s+\S+\s+)?pause\s+"/.test(line)) {
        k++;
        if (named) out.push({ id: c.id, k, name: named });
        named = null;
      }
    }
  }
  return out;
}

test("a step's figure is shown under its narration on that step only, and is named for assistive technology", async () => {
  const figures = chapterFigures();
  assert.ok(figures.some((f) => f.id === "membership" && f.k === 1), "membership's step 1 has its drawing");
  for (const viewport of [{ width: 390, height: 844 }, { width: 1366, height: 768 }]) {
    for (const { id, k, name } of figures) {
      await deepLink(id, k, async (h) => {
        const { page } = h;
        const shown = await page.evaluate((name) => {
          const fig = document.getElementById(`figure-${name}`);
          const visible = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
          const others = [...document.querySelectorAll("#tour-figures > .tour-figure")].filter((f) => f !== fig && visible(f)).map((f) => f.id);
          const svg = fig?.querySelector("svg");
          const names = (svg?.getAttribute("aria-labelledby") ?? "").split(/\s+/).filter(Boolean).map((i) => document.getElementById(i)?.textContent.trim() ?? "");
          const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
          return {
            exists: !!fig, visible: visible(fig), others,
            role: svg?.getAttribute("role"), name: names.join(" "), caption: fig?.querySelector("figcaption")?.textContent.trim() ?? "",
            fig: fig && box(fig), panel: box(document.getElementById("narration")), text: box(document.getElementById("tour-text")),
            pageWidth: document.documentElement.scrollWidth, viewport: innerWidth,
          };
        }, name);
        const where = `#tour/${id}/${k} at ${viewport.width}px`;
        assert.ok(shown.exists, `${where}: tour.html has #figure-${name}`);
        assert.ok(shown.visible, `${where}: the figure is shown`);
        assert.deepEqual(shown.others, [], `${where}: no other figure is shown`);
        assert.equal(shown.role, "img", `${where}: the drawing is an image to assistive technology`);
        assert.ok(shown.name.length > 10, `${where}: the drawing has a text alternative`);
        assert.ok(shown.caption.length > 10, `${where}: the figure has a caption`);
        assert.ok(shown.fig.left >= shown.panel.left && shown.fig.right <= shown.panel.right, `${where}: the figure stays inside the narration panel`);
        assert.ok(shown.fig.top >= shown.text.bottom, `${where}: the figure is under the narration, not over it`);
        assert.ok(shown.pageWidth <= shown.viewport, `${where}: the page does not scroll sideways`);
        // The next step (or the one before) shows no figure of this one.
        const other = k > 1 ? k - 1 : k + 1;
        await follow(page, id, other);
        const after = await page.evaluate((name) => ({
          visible: document.getElementById(`figure-${name}`).checkVisibility(),
          box: !document.getElementById("tour-figures").hidden,
        }), name);
        assert.equal(after.visible, false, `#tour/${id}/${other}: the figure of step ${k} is hidden`);
      }, { viewport });
    }
  }
});

test("the tour's cluster has a legend", async () => {
  await deepLink("replication", 2, async (h) => {
    const legend = h.page.locator("#tour-cluster .rc-legend-box");
    assert.equal(await legend.count(), 1);
    assert.equal(await legend.isVisible(), true, "the legend box is shown with the tour's cluster");
    assert.match(await h.page.locator("#tour-cluster .legend-log").textContent(), /uncommitted/);
  });
});

test("the chapter list links every chapter; a bad link says so and starts the tour", async () => {
  await withPage(env, {}, async (h) => {
    const { page } = h;
    await atStep(page, "consensus", 1);
    assert.match(await page.locator("#tour-text").textContent(), /no chapter "nonsense"/);
    const links = await page.$$eval("#chapters a", (as) => as.map((a) => a.getAttribute("href")));
    assert.deepEqual(links, chapters.map((c) => `#tour/${c.id}/1`));
    // Clicking a chapter plays it from its start to its first step.
    await page.evaluate(() => window.raftTour.element.setAttribute("speed", "1"));
    await page.locator('#chapters a[href="#tour/replication/1"]').click();
    await atStep(page, "replication", 1, { drawn: false });
    const s = await state(page);
    checkStep(chapters[3], 1, s);
  }, { ...TOUR, hash: "#tour/nonsense/4" });
}, { timeout: T_LONG * 4 });

test("the split-vote and pre-vote chapters show the space-time diagram beside the cluster; the others the cluster alone", async () => {
  await deepLink("split-votes", 3, async (h) => {
    const d = await h.page.evaluate(() => {
      const el = window.raftTour.element;
      const dg = el.shadowRoot.querySelector(".rc-diagram");
      return {
        view: el.getAttribute("view"),
        shown: !dg.hidden && dg.getBoundingClientRect().height > 0,
        s: el.diagramShown(),
        kinds: el.sim.diagram(0, el.frame().now + 1).messages.map((m) => m[1]),
        summary: dg.querySelector(".dg-summary").textContent,
      };
    });
    assert.equal(d.view, "both");
    assert.ok(d.shown, "the diagram is on the page");
    assert.equal(d.s.to - d.s.from, 250000, "a quarter-second window: the split vote is over in 60 ms");
    // The two candidates' votes and their answers, every one an arrow.
    assert.equal(d.kinds.filter((k) => k === "MsgVote").length, 6);
    assert.equal(d.kinds.filter((k) => k === "MsgVoteResp").length, 6);
    assert.equal(d.s.ids.length, 12, "the 12 messages of the split vote are drawn");
    assert.match(d.summary, /12 messages \(6 MsgVote, 6 MsgVoteResp\)/, "the summary counts what is drawn, though the run is paused");
    await follow(h.page, "replication", 1);
    const r = await h.page.evaluate(() => ({ view: window.raftTour.element.getAttribute("view"), win: window.raftTour.element.getAttribute("diagram-window") }));
    assert.deepEqual(r, { view: "cluster", win: null }, "a chapter that names no view shows the cluster alone");
    await follow(h.page, "prevote", 1);
    assert.equal(await h.page.evaluate(() => window.raftTour.element.getAttribute("view")), "both");
  });
});

test("on a 1366 x 768 laptop the split-vote chapter's cluster and diagram are side by side, both on the first screen", async () => {
  await deepLink("split-votes", 2, async (h) => {
    const b = await h.page.evaluate(() => {
      const r = window.raftTour.element.shadowRoot;
      const box = (s) => { const x = r.querySelector(s).getBoundingClientRect(); return { left: x.left, right: x.right, top: x.top, bottom: x.bottom }; };
      return { cluster: box(".rc-cluster"), plot: box(".dg-plot"), vh: innerHeight, scrollY };
    });
    assert.equal(b.scrollY, 0);
    assert.ok(b.plot.left >= b.cluster.right, `the diagram is beside the cluster (cluster ${JSON.stringify(b.cluster)}, plot ${JSON.stringify(b.plot)})`);
    assert.ok(b.cluster.bottom <= b.vh && b.plot.bottom <= b.vh, `both end above the fold (${b.vh} px): cluster ${b.cluster.bottom}, plot ${b.plot.bottom}`);
    assert.ok(b.cluster.right - b.cluster.left >= 260, "the cluster stays large enough to read");
  }, { viewport: { width: 1366, height: 768 } });
});

test("a cluster drawn small (the tour's at 1024 x 768, beside its diagram) keeps every node label whole inside the picture", async () => {
  await deepLink("split-votes", 2, async (h) => {
    const r = await h.page.evaluate(() => {
      const root = window.raftTour.element.shadowRoot;
      const box = root.querySelector(".rc-cluster svg").getBoundingClientRect();
      const labels = [...root.querySelectorAll(".ninfo, .nvotes")].filter((t) => t.textContent).map((t) => {
        const b = t.getBoundingClientRect();
        return { text: t.textContent, left: b.left, right: b.right };
      });
      return { width: box.width, left: box.left, right: box.right, labels };
    });
    assert.ok(r.width < 320, `the cluster is drawn small here (${r.width} px), where long labels met the edge`);
    assert.ok(r.labels.length >= 4);
    for (const l of r.labels) {
      assert.ok(l.left >= r.left - 0.5 && l.right <= r.right + 0.5, `"${l.text}" (${l.left}-${l.right}) lies within the picture (${r.left}-${r.right})`);
    }
  }, { viewport: { width: 1024, height: 768 } });
});


// The status's term is the leader's, not the highest any node holds: in the membership
// chapter's last step the replaced server 2 has campaigned up to term 10 while leader 3 and
// its voters are in term 2 (the status once said "LEADER 3 TERM 10").
test("the status and the diagram summary give the leader's term, not a lone node's higher one", async () => {
  await deepLink("membership", 8, async (h) => {
    const r = await h.page.evaluate(() => {
      const el = window.raftTour.element;
      const f = el.frame();
      const st = el.shadowRoot.querySelector(".st-term");
      return {
        leader: f.leader, highest: f.term, leaderTerm: f.nodes[f.leader - 1].term,
        shown: st.querySelector(".rc-st-v").textContent.trim(),
        label: st.querySelector(".rc-st-l").textContent.trim(),
        title: st.title,
      };
    });
    assert.deepEqual([r.leader, r.leaderTerm, r.highest], [3, 2, 10], "the chapter's state");
    assert.equal(r.shown, "2", "the status shows the leader's term");
    assert.equal(r.label, "term");
    assert.match(r.title, /leader's term.*node 3 leads in term 2.*term 10/, "its tooltip says whose term, and the higher one");
    // The space-time diagram's summary (shown here on demand) says the same.
    await h.page.evaluate(() => window.raftTour.element.setAttribute("view", "both"));
    const summary = await waitFor(h.page, "the diagram's summary", () => {
      const t = window.raftTour.element.shadowRoot.querySelector(".dg-summary")?.textContent ?? "";
      return /leader 3/.test(t) && t;
    });
    assert.match(summary, /leader 3, term 2$/, `the summary: ${summary}`);
  });
});

test("on a 360 px phone a long status value goes under its label, not past the edge (the recovery chapter's failed request)", async () => {
  await deepLink("recovery", 3, async (h) => {
    const r = await h.page.evaluate(() => {
      const el = window.raftTour.element;
      const box = el.shadowRoot.querySelector(".rc").getBoundingClientRect();
      return {
        right: box.right,
        values: [...el.shadowRoot.querySelectorAll(".rc-status .rc-st-v")].map((v) => {
          const b = v.getBoundingClientRect();
          return { text: v.textContent, right: b.right, width: b.width, scroll: v.scrollWidth, client: v.clientWidth };
        }),
      };
    });
    const req = r.values.find((v) => /failed/.test(v.text));
    assert.ok(req, `the requests value names the failed request: ${JSON.stringify(r.values.map((v) => v.text))}`);
    for (const v of r.values) {
      assert.ok(v.right <= r.right + 0.5, `"${v.text}" ends inside the element (${v.right} > ${r.right})`);
      assert.ok(v.scroll <= v.client + 1, `"${v.text}" is shown whole (${v.scroll} > ${v.client})`);
    }
  }, { viewport: { width: 360, height: 740 } });
});

// On a phone the chapter strip stayed at chapters 1-3 whatever the chapter; a step's
// comparison sat under the metrics, the event log and the strips with nothing near the
// narration pointing to it; the strips a step talks about were a screen or more below it.
test("on a 390 px phone the chapter strip shows the current chapter, and the page stays at its top", async () => {
  for (const [id, k] of [["prevote", 3], ["membership", 1], ["consensus", 1]]) {
    await deepLink(id, k, async (h) => {
      await h.page.waitForTimeout(200);
      const r = await h.page.evaluate(() => {
        const ol = document.getElementById("chapters");
        const a = ol.querySelector("a[aria-current]").getBoundingClientRect();
        const box = ol.getBoundingClientRect();
        return { left: a.left, right: a.right, boxLeft: box.left, boxRight: box.right, scrollY, ci: ol.querySelector("a[aria-current]").dataset.ci };
      });
      assert.ok(r.left >= r.boxLeft - 1 && r.right <= r.boxRight + 1, `${id}: the current chapter is in the strip's box: ${JSON.stringify(r)}`);
      assert.equal(r.scrollY, 0, `${id}: the page did not scroll`);
      if (id === "prevote") await screenshot(h.page, "tour-chapters-390");
    }, { viewport: { width: 390, height: 844 } });
  }
});

for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
  test(`the pre-vote chapter's offer under its narration opens the comparison and brings it into view, running (${viewport.width}x${viewport.height})`, async () => {
    await deepLink("prevote", 3, async (h) => {
      const offer = h.page.locator("#tour-text .tour-offer-go");
      assert.match(await offer.textContent(), /prevote off from 700ms/);
      const o = await offer.boundingBox();
      assert.ok(o.y + o.height <= viewport.height, `the offer is on the first screen (${JSON.stringify(o)})`);
      await offer.click();
      await h.page.waitForFunction(() => {
        const c = document.querySelector("#tour-compare-body raft-compare");
        return document.getElementById("tour-compare").open && c && c.left.frame()?.now > 200_000 && c.right.frame()?.now > 200_000;
      }, null, { timeout: T_LONG, polling: 50 });
      await h.page.waitForTimeout(300);
      const r = await h.page.evaluate(() => {
        const box = document.getElementById("tour-compare").getBoundingClientRect();
        const left = document.querySelector("#tour-compare-body raft-compare").left.getBoundingClientRect();
        return { box: Math.round(box.top), left: Math.round(left.top), h: innerHeight };
      });
      assert.ok(r.box >= -2 && r.box < 40, `the comparison's box is at the top of the window: ${JSON.stringify(r)}`);
      assert.ok(r.left > 0 && r.left < r.h - 200, `its first run is in view: ${JSON.stringify(r)}`);
      await screenshot(h.page, `tour-offer-${viewport.width}`);
      // Continue from down there: the tour's cluster comes back into view and plays the
      // next step (out of view, it would wait there unseen, "playing…").
      await h.page.evaluate(() => document.getElementById("tour-continue").click());
      await h.page.waitForFunction(() => {
        const t = window.raftTour;
        const s = t.element.script();
        const b = t.element.getBoundingClientRect();
        return t.step() === 4 && s.waiting && b.bottom > 40 && b.top < innerHeight - 40;
      }, null, { timeout: T_LONG, polling: 100 }).catch(async (err) => {
        err.message += `\n  ${await h.page.evaluate(() => { const t = window.raftTour; const b = t.element.getBoundingClientRect(); return JSON.stringify({ step: t.step(), waiting: t.element.script().waiting, top: b.top, bottom: b.bottom, h: innerHeight, where: document.getElementById("tour-where").textContent }); })}`;
        throw err;
      });
    }, { viewport });
  });
}

test("a step's narration that names the strips scrolls them into view from a button in the text", async () => {
  await deepLink("replication", 1, async (h) => {
    const link = h.page.locator("#tour-text .tour-link");
    assert.equal(await link.count(), 1);
    assert.equal(await link.textContent(), "strips");
    assert.ok((await h.page.locator("#tour-text").textContent()).includes(chapters[3].steps[0].text), "the narration reads as written");
    await link.click();
    await h.page.waitForTimeout(200);
    const r = await h.page.evaluate(() => {
      const logs = window.raftTour.element.shadowRoot.querySelector(".rc-logs").getBoundingClientRect();
      return { top: logs.top, bottom: logs.bottom, h: innerHeight, y: scrollY };
    });
    assert.ok(r.y > 0 && r.top >= -1 && r.top < r.h - 150, `the strips are in view: ${JSON.stringify(r)}`);
  }, { viewport: { width: 1366, height: 768 } });
});

// Back to the tour's first step, and Continue to its last, turn the button pressed off: the
// focus fell to <body>.
test("Back to the tour's first step and Continue to its last step leave the focus on the next thing to do, not on <body>", async () => {
  const active = (page) => page.evaluate(() => {
    const a = document.activeElement;
    return a === document.body || !a ? "body" : `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ""}${a.closest("#tour-text") ? " in #tour-text" : ""}: ${a.textContent.trim().slice(0, 40)}`;
  });
  await deepLink("consensus", 2, async (h) => {
    await h.page.locator("#tour-back").focus();
    await h.page.keyboard.press("Enter");
    await atStep(h.page, "consensus", 1);
    assert.equal(await h.page.locator("#tour-back").isDisabled(), true);
    assert.match(await active(h.page), /^button#tour-continue/, "from Back, off on the first step, the focus goes to Continue");
  });
  const last = chapters[chapters.length - 1];
  const n = last.steps.length;
  await deepLink(last.id, n - 1, async (h) => {
    await h.page.evaluate(() => window.raftTour.element.setAttribute("speed", "1"));
    await h.page.locator("#tour-continue").focus();
    await h.page.keyboard.press("Enter");
    await atStep(h.page, last.id, n, { drawn: false });
    assert.equal(await h.page.locator("#tour-continue").isDisabled(), true);
    assert.match(await active(h.page), /^a in #tour-text: Play with a cluster of your own/, "from Continue, off at the end, the focus goes to the end's first link");
  });
}, { timeout: T_LONG * 4 });

// A link written with the chapter's file name (7-prevote) opened chapter 1 with a message
// that did not say which part of the link was wrong, nor offer the chapter it meant.
test("a link naming a chapter by its file name says which part is wrong, lists the chapters and offers the one meant", async () => {
  await withPage(env, {}, async (h) => {
    const { page } = h;
    await atStep(page, "consensus", 1, { drawn: false });
    const notice = page.locator("#tour-text .tour-notice");
    await notice.waitFor({ state: "visible" });
    const text = await notice.textContent();
    assert.match(text, /no chapter "7-prevote"/, "the wrong part is named");
    assert.match(text, /#tour\/7-prevote\/3/, "in the link given");
    for (const c of chapters) assert.ok(text.includes(c.id), `the chapters are listed: ${c.id}`);
    const guess = notice.locator("a");
    assert.equal(await guess.getAttribute("href"), "#tour/prevote/3", "the chapter meant is offered");
    await guess.click();
    await atStep(page, "prevote", 3, { drawn: false });
  }, { ...TOUR, hash: "#tour/7-prevote/3" });
}, { timeout: T_LONG * 4 });
