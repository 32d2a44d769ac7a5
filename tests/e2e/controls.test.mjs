// The contract's controls exist and are labelled; messages can be dropped by clicking them;
// the event log carries etcd's lines and its filters work.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch,
  openPage,
  summary,
  until,
  waitStableLeader,
  setPlaying,
  setRange,
  screenshot,
  T_SHORT,
} from "./lib.mjs";

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

const CONTROLS = {
  play: "button",
  step: "button",
  speed: "range",
  timeline: "range",
  reset: "button",
  seed: "input",
  nodes: "input",
  prevote: "input",
  checkquorum: "input",
  partition: "button",
  heal: "button",
  latency: "range",
  loss: "range",
  request: "button",
  export: "button",
  help: "button",
  prometheus: "button",
};

test("every control of the contract is there, is a <button>/<input>, and has a label", async () => {
  const h = await openPage(env, { seed: "1", speed: "1" });
  const { page } = h;
  try {
    const found = await page.evaluate((ids) => {
      const out = {};
      for (const id of ids) {
        const el = document.getElementById(id);
        if (!el) {
          out[id] = null;
          continue;
        }
        const labelled = Boolean(
          (el.labels && [...el.labels].some((l) => l.textContent.trim())) ||
            el.getAttribute("aria-label")?.trim() ||
            (el.getAttribute("aria-labelledby") &&
              document.getElementById(el.getAttribute("aria-labelledby"))?.textContent.trim()) ||
            (el.tagName === "BUTTON" && el.textContent.trim()),
        );
        out[id] = { tag: el.tagName.toLowerCase(), type: el.type, labelled };
      }
      return out;
    }, Object.keys(CONTROLS));
    const problems = [];
    for (const [id, kind] of Object.entries(CONTROLS)) {
      const f = found[id];
      if (!f) problems.push(`#${id} missing`);
      else {
        if (kind === "button" && f.tag !== "button") problems.push(`#${id} is <${f.tag}>, not <button>`);
        if (kind === "range" && !(f.tag === "input" && f.type === "range")) problems.push(`#${id} is not <input type=range>`);
        if (kind === "input" && f.tag !== "input") problems.push(`#${id} is <${f.tag}>, not <input>`);
        if (!f.labelled) problems.push(`#${id} has no label`);
      }
    }
    assert.deepEqual(problems, [], "controls as CONTRACT.md lists them");
    for (const id of ["cluster", "node-menu", "event-log", "log-filter-node", "log-filter-cat", "metrics",
      "prometheus-text", "error-overlay", "notice", "status-leader", "status-term", "status-time", "checker-status",
      "partition-dialog", "partition-apply", "help-overlay"]) {
      assert.equal(await page.locator(`#${id}`).count(), 1, `#${id} exists once`);
    }
    assert.equal(await page.locator("#node-menu").getAttribute("role"), "menu");
    assert.equal(await page.locator("#notice").getAttribute("role"), "alert");
    assert.equal(await page.locator("#error-overlay").isVisible(), false, "#error-overlay hidden");
    const actions = await page.locator("#node-menu [data-action]").evaluateAll((bs) => bs.map((b) => b.dataset.action).sort());
    assert.deepEqual(actions, ["campaign", "crash", "isolate", "request", "restart", "transfer"], "#node-menu's data-action buttons");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("clicking a message in flight drops it", async () => {
  const h = await openPage(env, { seed: "4", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    await waitStableLeader(page);
    await setPlaying(page, false);
    // Step until a message is on screen (paused, so it stays put).
    for (let i = 0; i < 50 && (await page.locator("#cluster .msg[data-id][data-kind]").count()) === 0; i++) {
      await page.locator("#step").click();
    }
    const msgs = page.locator("#cluster .msg[data-id][data-kind]");
    assert.ok((await msgs.count()) > 0, "a message is in flight after stepping");
    const before = await summary(page);
    const target = msgs.first();
    const id = Number(await target.getAttribute("data-id"));
    const kind = await target.getAttribute("data-kind");
    assert.match(kind, /^Msg[A-Za-z]+$/, "data-kind is an etcd message name");
    const inFrame = await page.evaluate((id) => window.raftLive.frame().messages.find((m) => m.id === id)?.kind, id);
    assert.equal(inFrame, kind, "the DOM message matches the frame's");
    await target.click({ timeout: T_SHORT });
    await until(page, `message ${id} gone from the frame and the SVG`, (id) =>
      !window.raftLive.frame().messages.some((m) => m.id === id) &&
      !document.querySelector(`#cluster .msg[data-id="${id}"]`), id);
    const after = await summary(page);
    assert.equal(after.dropped, before.dropped + 1, "the drop is counted");
    assert.equal(after.now, before.now, "dropping does not move time while paused");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("the event log shows etcd's lines per node and category, and its filters work", async () => {
  const h = await openPage(env, { seed: "6", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    const leader = await waitStableLeader(page);
    await until(page, "an election line in #event-log", () =>
      document.querySelector('#event-log li[data-node][data-cat="election"]'));
    // Paused, the pane holds every line it keeps (running, only the newest few are drawn).
    await setPlaying(page, false);
    await until(page, "the whole kept log in the pane", () => {
      const f = window.raftLive.frame();
      return document.querySelectorAll("#event-log li").length >= Math.min(500, f.totalLines - f.firstLine);
    });
    const lines = await page.locator("#event-log li[data-node][data-cat]").evaluateAll((ls) =>
      ls.map((l) => ({ node: l.dataset.node, cat: l.dataset.cat, text: l.textContent })));
    assert.ok(lines.some((l) => / became leader at term /.test(l.text) && l.node === String(leader.id)),
      `"${leader.id} became leader at term N" is logged under node ${leader.id}`);
    const visible = () => page.locator("#event-log li").evaluateAll((ls) =>
      ls.filter((l) => l.checkVisibility()).map((l) => ({ node: l.dataset.node, cat: l.dataset.cat })));
    await page.locator("#log-filter-node").selectOption(String(leader.id));
    const byNode = await visible();
    assert.ok(byNode.length > 0, "lines of the leader remain");
    assert.ok(byNode.every((l) => l.node === String(leader.id)), "only the chosen node's lines are shown");
    await page.locator("#log-filter-node").selectOption("");
    await page.locator("#log-filter-cat").selectOption("election");
    const byCat = await visible();
    assert.ok(byCat.length > 0 && byCat.every((l) => l.cat === "election"), "only election lines are shown");
    await page.locator("#log-filter-cat").selectOption("");
    assert.ok((await visible()).length >= byCat.length, "clearing the filter shows everything again");
    await screenshot(page, "event-log");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("running, the event log draws only its newest lines; scrolling up brings back the rest", async () => {
  const h = await openPage(env, { seed: "2", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    await waitStableLeader(page);
    // Steady client traffic: many more lines than the pane shows.
    await page.evaluate(() => {
      const b = document.querySelector("#request");
      window.__traffic = setInterval(() => b.click(), 50);
    });
    await until(page, "more than 200 lines logged", () => window.raftLive.frame().totalLines > 200);
    const drawn = await page.locator("#event-log li").count();
    assert.ok(drawn > 0 && drawn <= 100, `following, the pane draws the newest lines only (${drawn})`);
    const newest = await page.evaluate(() => {
      const ls = document.querySelectorAll("#event-log li");
      return ls[ls.length - 1].textContent;
    });
    assert.match(newest, /^\d+\.\d{3} /, "the newest line starts with its time");
    // The reader scrolls up to read: every kept line is there, the view does not jump to the end.
    await page.locator(".log-scroll").evaluate((el) => { el.scrollTop = el.scrollHeight - el.clientHeight - 120; });
    await until(page, "the kept history in the pane", () => document.querySelectorAll("#event-log li").length > 200);
    const away = await page.locator(".log-scroll").evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    assert.ok(away > 60, `the view stays where the reader put it (${away} px from the bottom)`);
    await page.evaluate(() => clearInterval(window.__traffic));
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("#nodes and #seed with #reset rebuild the cluster", async () => {
  const h = await openPage(env, { seed: "1", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    await waitStableLeader(page);
    await page.locator("#nodes").fill("3");
    await page.locator("#seed").fill("42");
    await page.locator("#reset").click();
    await until(page, "a 3-node cluster after #reset", () =>
      window.raftLive.frame().nodes.length === 3 && document.querySelectorAll("#cluster g.node").length === 3);
    const s = await summary(page);
    assert.ok(s.now < 2_000_000, `the new cluster starts from the beginning (now ${s.now}us)`);
    await waitStableLeader(page);
    assert.equal(await page.locator(".log-strip[data-node]").count(), 3, "one log strip per node");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("#loss and #latency change the simulated network", async () => {
  const h = await openPage(env, { seed: "1", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    await waitStableLeader(page);
    const before = await page.evaluate(() => {
      const f = window.raftLive.frame();
      return { loss: f.loss, max: f.latencyMaxMs };
    });
    for (const id of ["#loss", "#latency"]) {
      const max = await page.locator(id).getAttribute("max");
      await setRange(page, id, max);
    }
    const after = await until(page, "the frame's loss and latency to change", (b) => {
      const f = window.raftLive.frame();
      return f.loss > b.loss && f.latencyMaxMs > b.max ? { loss: f.loss, max: f.latencyMaxMs } : false;
    }, before);
    assert.ok(after.loss > 0 && after.loss <= 1, `loss is a probability (${after.loss})`);
    await h.checkClean();
  } finally {
    await h.close();
  }
});
