// Elections, crashes, restarts and client requests, driven through the page's DOM.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch,
  openPage,
  screenshot,
  summary,
  domNodes,
  strip,
  syncedStrip,
  until,
  waitStableLeader,
  nodeAction,
  menuDisabled,
  requestAndWaitCommitted,
  T_LONG,
} from "./lib.mjs";

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

const PARAMS = { seed: "7", speed: "1", nodes: "5" };

test("a leader is elected and #status-leader shows it", async () => {
  const h = await openPage(env, PARAMS);
  const { page } = h;
  try {
    assert.equal((await domNodes(page)).length, 5, "5 g.node elements for nodes=5");
    const leader = await waitStableLeader(page);
    assert.ok(leader.term >= 1, `leader term ${leader.term} >= 1`);
    const status = await page.locator("#status-leader").textContent();
    assert.match(status, new RegExp(`(^|\\D)${leader.id}(\\D|$)`), "#status-leader names the leader");
    const termText = await page.locator("#status-term").textContent();
    assert.match(termText, new RegExp(`(^|\\D)${leader.term}(\\D|$)`), "#status-term shows the leader's term");
    const roles = (await domNodes(page)).map((n) => n.role);
    assert.deepEqual(roles.filter((r) => r === "leader").length, 1);
    assert.ok(roles.every((r) => r === "leader" || r === "follower"), `roles: ${roles}`);
    assert.equal(await page.locator("#checker-status").getAttribute("data-ok"), "true");
    await screenshot(page, "leader-elected");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("crashing the leader from #node-menu elects a new leader at a higher term", async () => {
  const h = await openPage(env, PARAMS);
  const { page } = h;
  try {
    const old = await waitStableLeader(page);
    // For a live leader, restart makes no sense and must be disabled; crash must not.
    const disabled = await menuDisabled(page, old.id, ["crash", "restart"]);
    assert.equal(disabled.crash, false, "crash enabled for a live node");
    assert.equal(disabled.restart, true, "restart disabled for a live node");
    await nodeAction(page, old.id, "crash");
    await until(page, `node ${old.id} shown crashed`, (id) =>
      document.querySelector(`#cluster g.node[data-id="${id}"]`)?.dataset.role === "crashed", old.id);
    const next = await waitStableLeader(page, { exclude: [old.id] });
    assert.notEqual(next.id, old.id);
    assert.ok(next.term > old.term, `new term ${next.term} > old term ${old.term}`);
    const shown = (await domNodes(page)).find((n) => n.id === old.id);
    assert.equal(shown.role, "crashed");
    await screenshot(page, "after-crash");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("a restarted old leader rejoins as a follower and catches up on the term", async () => {
  const h = await openPage(env, PARAMS);
  const { page } = h;
  try {
    const old = await waitStableLeader(page);
    await nodeAction(page, old.id, "crash");
    const next = await waitStableLeader(page, { exclude: [old.id] });
    const disabled = await menuDisabled(page, old.id, ["crash", "restart"]);
    assert.equal(disabled.restart, false, "restart enabled for a crashed node");
    assert.equal(disabled.crash, true, "crash disabled for a crashed node");
    await nodeAction(page, old.id, "restart");
    const back = await until(
      page,
      `node ${old.id} a follower at the cluster's term again`,
      (id) => {
        const g = document.querySelector(`#cluster g.node[data-id="${id}"]`);
        const f = window.raftLive.frame();
        const n = f.nodes.find((n) => n.id === id);
        return g && g.dataset.role === "follower" && Number(g.dataset.term) === f.term && n.lead === f.leader && f.leader !== 0
          ? { term: Number(g.dataset.term), leader: f.leader }
          : false;
      },
      old.id,
      T_LONG,
    );
    assert.ok(back.term >= next.term, `rejoined at term ${back.term} >= ${next.term}`);
    // It is brought up to date: its log strip reaches the leader's commit.
    await until(page, `node ${old.id} caught up with the leader's log`, (id) => {
      const f = window.raftLive.frame();
      const n = f.nodes.find((n) => n.id === id);
      const l = f.nodes.find((n) => n.id === f.leader);
      return l && n.commit === l.commit && n.lastIndex === l.lastIndex;
    }, old.id, T_LONG);
    await screenshot(page, "after-restart");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("a client request from #request is committed in every live node's log strip", async () => {
  const h = await openPage(env, PARAMS);
  const { page } = h;
  try {
    await waitStableLeader(page);
    const before = await summary(page);
    const index = await requestAndWaitCommitted(page);
    const after = await summary(page);
    for (const n of after.nodes) {
      const entries = await strip(page, n.id);
      const e = entries.find((e) => e.index === index);
      assert.ok(e, `node ${n.id}'s log strip shows index ${index}`);
      assert.equal(e.committed, true, `node ${n.id}: entry ${index} committed`);
    }
    // Same index, same term everywhere.
    const terms = new Set();
    for (const n of after.nodes) terms.add((await strip(page, n.id)).find((e) => e.index === index).term);
    assert.equal(terms.size, 1, "the entry has one term on every node");
    assert.ok(after.requests.committed > before.requests.committed, "the frame counts a committed request");
    // And a second one goes to the next index.
    const index2 = await requestAndWaitCommitted(page);
    assert.ok(index2 > index, `second request at ${index2} > ${index}`);
    await screenshot(page, "request-committed");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("requests keep committing with a crashed follower, and only on the live nodes", async () => {
  const h = await openPage(env, PARAMS);
  const { page } = h;
  try {
    const leader = await waitStableLeader(page);
    const follower = (await domNodes(page)).find((n) => n.id !== leader.id).id;
    await nodeAction(page, follower, "crash");
    await until(page, `node ${follower} crashed`, (id) =>
      document.querySelector(`#cluster g.node[data-id="${id}"]`)?.dataset.role === "crashed", follower);
    const before = maxIndexOf(await syncedStrip(page, follower));
    const live = (await domNodes(page)).filter((n) => n.role !== "crashed").map((n) => n.id);
    assert.equal(live.length, 4);
    const index = await requestAndWaitCommitted(page, live);
    const crashed = await syncedStrip(page, follower);
    assert.ok(!crashed.some((e) => e.index === index && e.committed), "a crashed node commits nothing new");
    assert.ok(maxIndexOf(crashed) <= before,
      `a crashed node's log strip does not grow (max index ${before} -> ${maxIndexOf(crashed)}: ${JSON.stringify(crashed)})`);
    await h.checkClean();
  } finally {
    await h.close();
  }
});

function maxIndexOf(entries) {
  return entries.reduce((m, e) => Math.max(m, e.index), 0);
}
