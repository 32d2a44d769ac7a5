// The element's controls exist and are labelled; the event log carries etcd's lines and its
// filters work; the cluster settings rebuild the cluster (including the 51 -> 9
// crash); the network settings change the network.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  sharedEnv,
  withPage,
  summary,
  until,
  waitStableLeader,
  setPlaying,
  setRange,
  screenshot,
  settle,
  T_SHORT,
  T_LONG,
} from "./lib.mjs";

const env = sharedEnv();

// Class name inside the element's shadow root -> what it must be.
const CONTROLS = {
  ".rc-play": "button",
  ".rc-step": "button",
  ".rc-restart": "button",
  ".rc-speed": "range",
  ".rc-timeline": "range",
  ".rc-reset": "button",
  ".rc-seed": "input",
  ".rc-random": "button",
  ".rc-nodes": "input",
  ".f-prevote input": "checkbox",
  ".f-checkquorum input": "checkbox",
  ".rc-partition": "button",
  ".rc-heal": "button",
  ".rc-latency": "range",
  ".rc-loss": "range",
  ".rc-key": "input",
  ".rc-value": "input",
  ".rc-request": "button",
  ".rc-add-node": "button",
  ".rc-add-learner": "button",
  ".rc-change": "button",
  ".rc-export": "button",
  ".rc-help": "button",
  ".rc-prom": "button",
  ".log-filter-node": "select",
  ".log-filter-cat": "select",
  ".msg-nav": "button",
};

test("every control of the contract is there, is a <button>/<input>/<select>, and has a label", async () => {
  await withPage(env, { seed: "1", speed: "1" }, async (h) => {
    const found = await h.page.evaluate((sels) => {
      const el = window.raftLive.el;
      const root = el.shadowRoot;
      const out = {};
      for (const sel of sels) {
        const all = root.querySelectorAll(sel);
        const c = all[0];
        if (!c) {
          out[sel] = null;
          continue;
        }
        const labelled = Boolean(
          (c.labels && [...c.labels].some((l) => l.textContent.trim())) ||
            c.getAttribute("aria-label")?.trim() ||
            (c.getAttribute("aria-labelledby") && root.getElementById(c.getAttribute("aria-labelledby"))?.textContent.trim()) ||
            (c.tagName === "BUTTON" && c.textContent.trim()),
        );
        out[sel] = { count: all.length, tag: c.tagName.toLowerCase(), type: c.type, labelled };
      }
      return out;
    }, Object.keys(CONTROLS));
    const problems = [];
    for (const [sel, kind] of Object.entries(CONTROLS)) {
      const f = found[sel];
      if (!f) {
        problems.push(`${sel} missing`);
        continue;
      }
      if (f.count !== 1) problems.push(`${sel} found ${f.count} times`);
      if (kind === "button" && f.tag !== "button") problems.push(`${sel} is <${f.tag}>, not <button>`);
      if (kind === "range" && !(f.tag === "input" && f.type === "range")) problems.push(`${sel} is not <input type=range>`);
      if (kind === "checkbox" && !(f.tag === "input" && f.type === "checkbox")) problems.push(`${sel} is not a checkbox`);
      if (kind === "input" && f.tag !== "input") problems.push(`${sel} is <${f.tag}>, not <input>`);
      if (kind === "select" && f.tag !== "select") problems.push(`${sel} is <${f.tag}>, not <select>`);
      if (!f.labelled) problems.push(`${sel} has no label`);
    }
    assert.deepEqual(problems, [], "controls as CONTRACT.md lists them");
    for (const sel of [".rc-cluster svg", ".rc-canvas", ".node-menu", ".event-log", ".rc-metrics", ".prom-text", ".rc-fatal",
      ".rc-notes", ".st-leader", ".st-term", ".st-time", ".st-requests", ".st-safety", ".partition-dialog", ".partition-apply",
      ".help-dialog", ".export-dialog", ".change-dialog", ".rc-conf", ".rc-tip", ".legend-log"]) {
      assert.equal(await h.in(sel).count(), 1, `${sel} exists once in the element`);
    }
    assert.equal(await h.page.locator("#help").count(), 1, "the page's header has #help");
    assert.equal(await h.in(".node-menu").getAttribute("role"), "menu");
    assert.equal(await h.in(".rc-notes").getAttribute("role"), "status");
    assert.equal(await h.in(".rc-fatal").isVisible(), false, ".rc-fatal hidden");
    assert.equal(await h.in(".rc-canvas").getAttribute("aria-hidden"), "true", "the canvas is hidden from assistive technology");
    const actions = await h.in(".node-menu [data-action]").evaluateAll((bs) => bs.map((b) => b.dataset.action).sort());
    assert.deepEqual(actions, ["campaign", "crash", "isolate", "promote", "remove", "request", "restart", "transfer"], "the node menu's data-action buttons");
    // One control per node, a button with a name.
    const hits = await h.in(".rc-cluster g.node[data-id] .hit").evaluateAll((hs) => hs.map((x) => [x.getAttribute("role"), x.getAttribute("tabindex"), x.getAttribute("aria-label")]));
    assert.equal(hits.length, 5);
    for (const [role, tabindex, label] of hits) {
      assert.equal(role, "button");
      assert.equal(tabindex, "0");
      assert.match(label, /^Node \d+/);
    }
  });
});

test("the event log shows etcd's lines per node and category, and its filters work", async () => {
  await withPage(env, { seed: "6", speed: "1", nodes: "5" }, async (h) => {
    const leader = await waitStableLeader(h);
    // Read where a reader reads it: out of view, a running cluster's pane is not written.
    await h.in(".log-scroll").scrollIntoViewIfNeeded();
    await until(h, "an election line in the event log", (_, el) =>
      window.__e2e.q(el, '.event-log li[data-node][data-cat="election"]'));
    // Paused, the pane holds every line it keeps (running, only the newest few are drawn).
    await setPlaying(h, false);
    await until(h, "the whole kept log in the pane", (_, el) => {
      const f = el.frame();
      return window.__e2e.qa(el, ".event-log li").length >= Math.min(500, f.totalLines - f.firstLine);
    });
    const lines = await h.in(".event-log li[data-node][data-cat]").evaluateAll((ls) =>
      ls.map((l) => ({ node: l.dataset.node, cat: l.dataset.cat, text: l.textContent })));
    assert.ok(lines.some((l) => / became leader at term /.test(l.text) && l.node === String(leader.id)),
      `"${leader.id} became leader at term N" is logged under node ${leader.id}`);
    const visible = () => h.in(".event-log li").evaluateAll((ls) =>
      ls.filter((l) => l.checkVisibility()).map((l) => ({ node: l.dataset.node, cat: l.dataset.cat })));
    await h.in(".log-filter-node").selectOption(String(leader.id));
    const byNode = await visible();
    assert.ok(byNode.length > 0, "lines of the leader remain");
    assert.ok(byNode.every((l) => l.node === String(leader.id)), "only the chosen node's lines are shown");
    await h.in(".log-filter-node").selectOption("");
    await h.in(".log-filter-cat").selectOption("election");
    const byCat = await visible();
    assert.ok(byCat.length > 0 && byCat.every((l) => l.cat === "election"), "only election lines are shown");
    // A category with no line yet says so, not a blank pane.
    const emptyText = () => h.page.evaluate(() => {
      const log = window.__e2e.q(window.raftLive.el, ".event-log");
      return log.childElementCount ? "" : getComputedStyle(log, "::before").content;
    });
    await h.in(".log-filter-cat").selectOption("safety");
    assert.match(await emptyText(), /No line matches this filter/);
    await h.in(".log-filter-cat").selectOption("");
    assert.equal(await emptyText(), "");
    assert.ok((await visible()).length >= byCat.length, "clearing the filter shows everything again");
    await screenshot(h.page, "event-log");
  });
});

test("running, the event log draws only its newest lines; scrolling up brings back the rest", async () => {
  await withPage(env, { seed: "2", speed: "1", nodes: "5" }, async (h) => {
    await waitStableLeader(h);
    await h.in(".log-scroll").scrollIntoViewIfNeeded();
    // Steady client traffic: many more lines than the pane shows.
    await h.page.evaluate(() => {
      const b = window.raftLive.el.shadowRoot.querySelector(".rc-request");
      window.__traffic = setInterval(() => b.click(), 50);
    });
    await until(h, "more than 200 lines logged", (_, el) => el.frame().totalLines > 200, null, T_LONG);
    const drawn = await h.in(".event-log li").count();
    assert.ok(drawn > 0 && drawn <= 100, `following, the pane draws the newest lines only (${drawn})`);
    const newest = await h.page.evaluate(() => {
      const ls = window.raftLive.el.shadowRoot.querySelectorAll(".event-log li");
      return ls[ls.length - 1].textContent;
    });
    assert.match(newest, /^\d+\.\d{3} /, "the newest line starts with its time");
    // The reader scrolls up to read: every kept line is there, the view does not jump to the end.
    await h.in(".log-scroll").evaluate((el) => { el.scrollTop = el.scrollHeight - el.clientHeight - 120; });
    await until(h, "the kept history in the pane", (_, el) => window.__e2e.qa(el, ".event-log li").length > 200);
    const away = await h.in(".log-scroll").evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    assert.ok(away > 60, `the view stays where the reader put it (${away} px from the bottom)`);
    await h.page.evaluate(() => clearInterval(window.__traffic));
  });
});

// Below the fold, a running cluster's event log and strips are not written (they wait for
// the reader's eyes); printed, they show the run as it is.
test("printed while it runs, the event log and the strips below the fold show the run as it is", async () => {
  await withPage(env, { seed: "2", speed: "0.1", nodes: "5", view: "cluster" }, async (h) => {
    await waitStableLeader(h, { timeout: 60_000 });
    const read = () => h.page.evaluate(() => {
      const el = window.raftLive.el;
      return {
        lines: window.__e2e.qa(el, ".event-log li").map((li) => li.textContent),
        entries: window.__e2e.qa(el, ".log-strip[data-node] .entry[data-index]").length,
        leader: el.frame().leader,
      };
    });
    const before = await read();
    const elected = (r) => r.lines.some((l) => l.includes(`${r.leader} became leader`));
    assert.equal(before.entries, 0, "out of view, the strips wait");
    assert.ok(!elected(before), `out of view, the event log's new lines wait: ${before.lines.slice(-2).join(" | ")}`);
    await h.page.pdf();
    const after = await read();
    assert.ok(after.entries >= 5, `printed, every strip shows its entries (${after.entries})`);
    assert.ok(elected(after), `printed, the event log tells of the election: ${after.lines.slice(-3).join(" | ")}`);
  }, { viewport: { width: 1280, height: 860 } });
});

test("Nodes and Seed with Reset rebuild the cluster", async () => {
  await withPage(env, { seed: "1", speed: "1", nodes: "5" }, async (h) => {
    await waitStableLeader(h);
    await h.in(".rc-nodes").fill("3");
    await h.in(".rc-seed").fill("42");
    await h.in(".rc-reset").click();
    await until(h, "a 3-node cluster after Reset", (_, el) =>
      el.frame().nodes.length === 3 && window.__e2e.qa(el, ".rc-cluster g.node[data-id]").length === 3);
    const s = await summary(h);
    assert.ok(s.now < 2_000_000, `the new cluster starts from the beginning (now ${s.now}us)`);
    assert.equal(await h.page.evaluate(() => window.raftLive.el.settings.seed), "42");
    await waitStableLeader(h);
    assert.equal(await h.in(".log-strip[data-node]").count(), 3, "one log strip per node");
    // The address follows, so a copied link reproduces the run.
    await until(h, "the URL to carry nodes=3 and seed=42", () => /[?&]nodes=3(&|$)/.test(location.search) && /[?&]seed=42(&|$)/.test(location.search));
  });
});

// The defect 1: from 51 nodes (the URL allows more than the field offers) down to
// 9 through the Nodes field, the log strips read a row that no longer existed and the
// page stopped ("Cannot read properties of undefined (reading 'visible')"). Whether it
// happens depends on where the strips' round-robin over the rows stood, so after the
// issue's own steps the test goes back up (through the attribute, as the URL does) and
// down again a few times.
for (const [from, rounds] of [[51, 3], [20, 5]]) {
  test(`from nodes=${from}, setting Nodes to 9 and pressing Enter rebuilds 9 nodes without an error (${rounds} rounds)`, async () => {
    await withPage(env, { nodes: String(from), seed: "1" }, async (h) => {
      assert.equal(await h.in(".rc-cluster g.node[data-id]").count(), from, `${from} nodes drawn first`);
      for (let round = 1; round <= rounds; round++) {
        if (round > 1) {
          await h.page.evaluate((n) => window.raftLive.el.setAttribute("nodes", String(n)), from);
          await until(h, `${from} nodes again`, (n, el) => el.frame().nodes.length === n, from, T_LONG);
        }
        await h.page.waitForTimeout(round === 1 ? 3000 : 700 + 400 * round);
        // After the issue's own steps: the reader has scrolled the log strips to their last
        // rows (the rows the strips keep up to date are the ones in view).
        if (round > 1) await h.in(".rc-strips").evaluate((e) => { e.scrollTop = e.scrollHeight; });
        if (round > 1) await h.page.waitForTimeout(600);
        await h.in(".rc-nodes").fill("9");
        await h.in(".rc-nodes").press("Enter");
        await until(h, `a 9-node cluster drawn (round ${round})`, (_, el) =>
          el.frame().nodes.length === 9 && window.__e2e.qa(el, ".rc-cluster g.node[data-id]").length === 9, null, T_SHORT);
        // A few more draws: the crash came on the next draw of the strips.
        await h.page.waitForTimeout(600);
        await settle(h.page);
        assert.deepEqual(h.seen.pageErrors, [], `round ${round}: no uncaught exception`);
        assert.equal(await h.in(".rc-fatal").isVisible(), false, `round ${round}: "The simulator stopped" is not shown: ${await h.in(".rc-fatal-msg").textContent()}`);
        assert.equal(await h.page.locator("#page-error").isVisible(), false, `round ${round}: the page's error box is not shown`);
        assert.equal(await h.in(".rc-cluster g.node[data-id]").count(), 9, "9 nodes drawn");
        assert.equal(await h.in(".log-strip[data-node]").count(), 9, "9 log strips");
        const t = (await summary(h)).now;
        await until(h, "the 9-node cluster runs on", (t, el) => el.frame().now > t, t);
      }
    });
  });
}

test("a bad Nodes or Seed says what was wrong once, keeps what was typed (marked), and neither rebuilds nor restarts the run, nor leaves a toggle showing what the cluster does not run", async () => {
  await withPage(env, { seed: "1", speed: "1", nodes: "5" }, async (h) => {
    await waitStableLeader(h);
    const notes = () => h.in(".rc-notes").textContent();
    const now = () => h.page.evaluate(() => window.raftLive.el.frame().now);
    const before = await now();
    // Typed, then Reset clicked: the field's change event reads it first, then the click.
    // (It used to be set back to 5 by the first read, and the click rebuilt 5 nodes from it:
    // the run restarted and the message went with it.)
    await h.in(".rc-nodes").fill("12");
    await h.in(".rc-reset").click();
    await until(h, "a message about 12 nodes", (_, el) => /got "12"/.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    await h.page.waitForTimeout(400);
    assert.match(await notes(), /Nodes: expected a whole number from 1 to 9 \(up to 51 through the nodes attribute or URL parameter\), got "12"; the cluster keeps its 5 nodes\./);
    assert.doesNotMatch(await notes(), /×2/, "said once for one click");
    assert.equal(await h.in(".rc-nodes").inputValue(), "12", "what was typed is kept");
    assert.equal(await h.in(".rc-nodes").getAttribute("aria-invalid"), "true", "and marked invalid");
    assert.ok(await now() > before, "the run went on: not rebuilt, not restarted");
    // A toggle rebuilds from every field: with Nodes bad, nothing is rebuilt, and the box
    // goes back to what the cluster runs (it stayed ticked, a state the cluster did not have).
    const prevoteOn = await h.page.evaluate(() => window.raftLive.el.settings.prevote);
    await h.in(".f-prevote input").click();
    await until(h, "a message saying pre-vote stays as it was", (_, el) => /got "12"; the cluster keeps its 5 nodes\. pre-vote stays (on|off)\./.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    assert.match(await notes(), new RegExp(`pre-vote stays ${prevoteOn ? "on" : "off"}\\.`));
    assert.equal(await h.in(".f-prevote input").isChecked(), prevoteOn, "the box shows what the cluster runs");
    assert.equal(await h.page.evaluate(() => window.raftLive.el.settings.prevote), prevoteOn, "not rebuilt");
    assert.equal((await notes()).match(/got "12"/g).length, 1, "the longer message takes the first one's place");
    assert.ok(await now() > before, "the run still went on");
    await h.in(".rc-nodes").fill("");
    assert.equal(await h.in(".rc-nodes").getAttribute("aria-invalid"), null, "editing the field clears the mark");
    await h.in(".rc-reset").click();
    await until(h, "a message about an empty Nodes", (_, el) => /got nothing/.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    assert.doesNotMatch(await notes(), /got "12"/, "the newer message about Nodes takes the older one's place");
    await h.in(".rc-nodes").fill("5");
    await h.in(".rc-seed").fill(" ");
    await h.in(".rc-reset").click();
    await until(h, "a message about an empty Seed", (_, el) => /Seed: expected [^;]*, got nothing; the cluster keeps seed 1 \(Random picks a new one\)/.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    assert.equal(await h.page.evaluate(() => window.raftLive.el.settings.seed), "1", "still seed 1");
    assert.ok(await now() > before, "still the same run");
    // Put right, Reset rebuilds.
    await h.in(".rc-seed").fill("7");
    await h.in(".rc-nodes").fill("3");
    await h.in(".rc-reset").click();
    await until(h, "3 nodes with seed 7", (_, el) => el.frame().nodes.length === 3 && el.settings.seed === "7");
    assert.equal(await h.in(".rc-seed").getAttribute("aria-invalid"), null);
  });
});

test("a refused command's message names the action, and raft-refused carries its op", async () => {
  await withPage(env, { seed: "1", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    await h.page.evaluate(() => {
      window.__refused = [];
      window.raftLive.el.addEventListener("raft-refused", (e) => window.__refused.push(e.detail));
    });
    await h.in(".rc-key").fill("a b");
    await h.in(".rc-request").click();
    await until(h, "the refusal in the notes", (_, el) =>
      /Request refused: a key is a letter or _ followed by letters, digits, _ \. or -; got "a b"/.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    const d = await h.page.evaluate(() => window.__refused);
    assert.equal(d.length, 1);
    assert.equal(d[0].op, "request");
    assert.equal(d[0].field, "key");
    assert.match(d[0].message, /^a key is a letter/, "the event's message is the simulator's, as before");
  });
});

test("the seed field shows a 19-digit seed whole", async () => {
  const seed = "1234567890123456789";
  await withPage(env, { seed, speed: "1" }, async (h) => {
    const seedField = h.in(".rc-seed");
    assert.equal(await seedField.inputValue(), seed);
    const m = await seedField.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(m.scroll <= m.client, `the field is wide enough for ${seed} (scrollWidth ${m.scroll} <= clientWidth ${m.client})`);
    // And the largest seed (20 digits) typed in and applied.
    await seedField.fill("18446744073709551615");
    await seedField.press("Enter");
    await until(h, "the cluster rebuilt with the 20-digit seed", (_, el) => el.settings.seed === "18446744073709551615");
    await settle(h.page);
    const m2 = await seedField.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(m2.scroll <= m2.client, `a 20-digit seed is shown whole (scrollWidth ${m2.scroll} <= clientWidth ${m2.client})`);
  });
});

test("Loss and Latency change the simulated network", async () => {
  await withPage(env, { seed: "1", speed: "1", nodes: "5" }, async (h) => {
    await waitStableLeader(h);
    const before = await h.page.evaluate(() => {
      const f = window.raftLive.frame();
      return { loss: f.loss, max: f.latencyMaxMs };
    });
    for (const sel of [".rc-loss", ".rc-latency"]) {
      const max = await h.in(sel).getAttribute("max");
      await setRange(h.in(sel), max);
    }
    const after = await until(h, "the frame's loss and latency to change", (b, el) => {
      const f = el.frame();
      return f.loss > b.loss && f.latencyMaxMs > b.max ? { loss: f.loss, max: f.latencyMaxMs } : false;
    }, before);
    assert.ok(after.loss > 0 && after.loss <= 1, `loss is a probability (${after.loss})`);
    assert.match(await h.in(".rc-loss-out").textContent(), /50 %/);
  });
});

test("speed: the slider sets the element's speed and its output says it", async () => {
  await withPage(env, { seed: "1", speed: "1" }, async (h) => {
    await setRange(h.in(".rc-speed"), "-1");
    await until(h, "speed 0.1", (_, el) => Math.abs(el.settings.speed - 0.1) < 1e-9);
    assert.equal((await h.in(".rc-speed-out").textContent()).trim(), "0.10×");
    await until(h, "the URL to carry the speed", () => !/[?&]speed=1(&|$)/.test(location.search));
  });
});

test("metrics: the Prometheus text marks the simulator's own counters as not Fabric's; clipped metric names have a tooltip", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    await h.in(".rc-prom").click();
    await until(h, ".prom-text filled", (_, el) => /consensus_etcdraft_/.test(window.__e2e.q(el, ".prom-text")?.textContent ?? ""));
    const text = await h.in(".prom-text").textContent();
    const helps = text.split("\n").filter((l) => l.startsWith("# HELP "));
    const fabric = helps.filter((l) => /^# HELP consensus_etcdraft_/.test(l));
    const other = helps.filter((l) => !/^# HELP consensus_etcdraft_/.test(l));
    assert.ok(fabric.length >= 6, `Fabric's etcdraft metrics: ${fabric.length}`);
    assert.ok(other.length >= 1, "the simulator's message counters are there");
    for (const l of other) assert.match(l, /not a Fabric metric/i, `a simulator-only metric says so: ${l}`);
    const names = await h.in(".tile-prom").evaluateAll((es) => es.map((e) => ({
      text: e.textContent, clipped: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1, title: e.title,
    })));
    const bad = names.filter((n) => n.clipped && n.title !== n.text);
    assert.deepEqual(bad, [], "a metric name cut short carries its whole name as a tooltip");
  });
});

// The issue: "active / cluster size" showed 0 / 5 in red whenever there was no leader (at
// the start, during an election), though every node was up.
test("metrics: with every node up and no leader yet, active / cluster size is not marked as a warning", async () => {
  await withPage(env, { seed: "7", speed: "1", paused: "1" }, async (h) => {
    const f = await h.page.evaluate(() => window.raftLive.frame());
    assert.equal(f.leader, 0, "no leader at the start");
    assert.ok(f.nodes.every((n) => n.up), "every node up");
    const tile = h.in(".rc-metrics .tile").filter({ hasText: "active / cluster size" });
    assert.equal(await tile.count(), 1);
    const t = await tile.evaluate((e) => ({ cls: e.className, text: e.textContent }));
    assert.doesNotMatch(t.cls, /\bwarn\b/, `no warning for a healthy cluster between leaders: ${t.text}`);
  });
});

// Fabric's leader_changes is each orderer's own count (every change of the leader it
// knows, to none included); it was one count for the cluster.
test("metrics: leader changes are counted per node, as each Fabric orderer counts them", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    const leader = await waitStableLeader(h);
    await h.page.evaluate((id) => window.raftLive.el.command({ op: "crash", node: id }), leader.id);
    await waitStableLeader(h, { exclude: [leader.id] });
    await h.page.evaluate(() => window.raftLive.el.pause());
    await h.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const got = await h.page.evaluate(() => {
      const el = window.raftLive.el;
      const tile = window.__e2e.qa(el, ".rc-metrics .tile").find((t) => /leader changes/.test(t.textContent));
      return { text: tile.querySelector(".tile-value").textContent.trim(), per: el.frame().metrics.leader_changes };
    });
    const counts = got.per.map(([, k]) => k);
    assert.equal(got.per.length, 5, `one count per node: ${JSON.stringify(got.per)}`);
    // A follower that saw both elections counted the first leader, losing it and the next.
    assert.ok(Math.max(...counts) >= 3, `a follower counts the lost leader and the new one: ${counts}`);
    const lo = Math.min(...counts), hi = Math.max(...counts);
    assert.equal(got.text, lo === hi ? `${hi} each` : `${lo}–${hi}`, "the tile shows the fewest and the most");
    await h.in(".rc-prom").click();
    await until(h, ".prom-text filled", (_, el) => /consensus_etcdraft_/.test(window.__e2e.q(el, ".prom-text")?.textContent ?? ""));
    const text = await h.in(".prom-text").textContent();
    for (const [id, k] of got.per) {
      assert.match(text, new RegExp(`consensus_etcdraft_leader_changes\\{channel="[^"]*",node="${id}"\\} ${k}\\n`), `node ${id}'s line`);
    }
  });
});

// A sample of the metrics changes some thirty texts and sparklines: the controller takes one
// a second while the cluster runs (controller.js SAMPLE_MS), and at once after a change.
test("metrics: sampled once a second while the cluster runs, and at once when it pauses", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    // The leader tile's sparkline moves at every sample while its history fills (a minute).
    const changes = await h.page.evaluate(async () => {
      const path = window.__e2e.q(window.raftLive.el, ".rc-metrics .tile .spark path");
      let n = 0;
      const mo = new MutationObserver((ms) => { n += ms.filter((m) => m.attributeName === "d").length; });
      mo.observe(path, { attributes: true });
      await new Promise((r) => setTimeout(r, 4000));
      mo.disconnect();
      return n;
    });
    // Twice a second (the status's pace) would be 8.
    assert.ok(changes >= 2 && changes <= 5, `samples in 4 s of running: ${changes}`);
    await h.page.evaluate(() => window.raftLive.el.pause());
    await h.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const shown = await h.page.evaluate(() => {
      const el = window.raftLive.el;
      const tile = window.__e2e.qa(el, ".rc-metrics .tile").find((t) => /committed block/.test(t.textContent));
      const m = el.frame().metrics;
      return { text: tile.querySelector(".tile-value").textContent, block: m.committed_block, index: m.committed_index };
    });
    assert.ok(shown.text.startsWith(`${shown.block} (index ${shown.index})`), `paused, the committed block tile shows the frame's: ${JSON.stringify(shown)}`);
    // Fabric numbers blocks: the leader's empty entry is none.
    assert.ok(shown.block < shown.index, `blocks below the raft index: ${JSON.stringify(shown)}`);
  });
});

test("out of view, a running cluster's event log and strips are not written; in view, they are up to date at once", async () => {
  await withPage(env, { seed: "2", speed: "1", nodes: "5" }, async (h) => {
    await waitStableLeader(h);
    // The page at its top: the event log and the strips are below the fold.
    await h.page.evaluate(() => window.scrollTo(0, 0));
    const state = () => h.page.evaluate(() => {
      const el = window.raftLive.el;
      const r = (sel) => el.shadowRoot.querySelector(sel).getBoundingClientRect();
      const ls = window.__e2e.qa(el, ".event-log li");
      const last = ls[ls.length - 1];
      const f = el.frame();
      const leader = f.nodes.find((n) => n.id === f.leader);
      const es = window.__e2e.qa(el, `.log-strip[data-node="${f.leader}"] .entry[data-index]`);
      return {
        below: r(".log-scroll").top > innerHeight && r(".rc-strips").top > innerHeight,
        newestLine: last ? last.textContent : "", lines: f.totalLines,
        stripMax: es.reduce((m, e) => Math.max(m, Number(e.dataset.index)), 0), lastIndex: leader?.lastIndex ?? 0,
      };
    });
    const a = await state();
    assert.ok(a.below, "both below the fold at this size");
    for (let i = 0; i < 3; i++) await h.in(".rc-request").click();
    await until(h, "the three requests committed", (_, el) => el.frame().requests.committed >= 3);
    await h.page.waitForTimeout(800);
    const b = await state();
    assert.equal(b.newestLine, a.newestLine, "out of view, no line was written to the pane");
    assert.equal(b.stripMax, a.stripMax, "out of view, the leader's strip was not redrawn");
    assert.ok(b.lastIndex >= a.lastIndex + 3 && b.lines > a.lines, "though the run went on");
    // The reader scrolls down: both are brought up to date at once.
    await h.in(".rc-strips").scrollIntoViewIfNeeded();
    await h.in(".log-scroll").scrollIntoViewIfNeeded();
    await until(h, "the strips and the event log up to date", (_, el) => {
      const f = el.frame();
      const leader = f.nodes.find((n) => n.id === f.leader);
      const es = window.__e2e.qa(el, `.log-strip[data-node="${f.leader}"] .entry[data-index]`);
      const max = es.reduce((m, e) => Math.max(m, Number(e.dataset.index)), 0);
      const ls = window.__e2e.qa(el, ".event-log li");
      return max >= leader.lastIndex - 1 && ls.length > 0 && Number(ls[ls.length - 1].dataset.t) > 0;
    }, null, 3000);
    const c = await state();
    assert.notEqual(c.newestLine, a.newestLine, "the pane shows the newest lines");
  }, { viewport: { width: 1280, height: 800 } });
});

// The playground's Compare offers no change the run already has: with latency=150 the
// network is 50–150 ms already, and comparing it with itself would "agree so far" for ever.
test("the playground's Compare does not offer the latency the run already has", async () => {
  await withPage(env, { seed: "7", latency: "150" }, async (h) => {
    await h.page.click("#compare-open");
    const offered = await h.page.$$eval("#compare-change option", (os) => os.map((o) => [o.value, o.disabled, o.textContent]));
    const latency = offered.find(([v]) => v.startsWith("latency"));
    assert.deepEqual(latency, ["latency 50ms..150ms", true, "latency 50–150 ms (as the run is)"]);
  });
  await withPage(env, { seed: "7" }, async (h) => {
    await h.page.click("#compare-open");
    assert.equal(await h.page.$eval("#compare-change option[value^=latency]", (o) => o.disabled), false);
  });
});
