// Network partitions (the node menu's isolate and the #partition dialog) and pre-vote.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch,
  openPage,
  screenshot,
  summary,
  syncedStrip,
  maxCommitted,
  until,
  waitSim,
  waitStableLeader,
  nodeAction,
  requestAndWaitCommitted,
  partitionViaDialog,
  MS,
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

/**
 * With `minority` cut off from the leader's side: the majority commits new requests while
 * the minority's commit index and committed log entries stay where they were.
 */
async function assertMinorityStalls(page, minority, majority) {
  // Let messages that crossed the cut before it was made land (latency is 10-30 ms).
  await waitSim(page, 300 * MS);
  const s0 = await summary(page);
  const barrier = Math.max(...s0.nodes.map((n) => n.lastIndex));
  const before = {};
  for (const id of minority) {
    const entries = await syncedStrip(page, id);
    before[id] = { commit: (await summary(page)).nodes.find((n) => n.id === id).commit, strip: maxCommitted(entries) };
  }
  const indexes = [];
  for (let i = 0; i < 3; i++) indexes.push(await requestAndWaitCommitted(page, majority));
  assert.ok(indexes[0] > barrier, `new entries (${indexes}) after the barrier ${barrier}`);
  const s1 = await summary(page);
  for (const id of majority) {
    const n = s1.nodes.find((n) => n.id === id);
    assert.ok(n.commit >= indexes[2], `majority node ${id} commit ${n.commit} >= ${indexes[2]}`);
  }
  for (const id of minority) {
    const entries = await syncedStrip(page, id);
    const n = (await summary(page)).nodes.find((n) => n.id === id);
    assert.equal(n.commit, before[id].commit, `minority node ${id}'s commit index does not grow`);
    assert.equal(maxCommitted(entries), before[id].strip, `minority node ${id}'s log strip shows no new committed entry`);
    for (const i of indexes) {
      assert.ok(!entries.some((e) => e.index === i && e.committed), `minority node ${id} does not show ${i} committed`);
    }
    assert.notEqual(n.role, "leader", `minority node ${id} does not lead`);
  }
  return indexes;
}

test("an isolated follower (node menu) makes no progress while the majority commits", async () => {
  const h = await openPage(env, { seed: "11", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    const leader = await waitStableLeader(page);
    const s = await summary(page);
    const lone = s.nodes.find((n) => n.id !== leader.id).id;
    await nodeAction(page, lone, "isolate");
    await until(page, `node ${lone} cut off in the frame's partition`, (id) =>
      window.raftLive.frame().partition.some((g) => g.length === 1 && g[0] === id), lone);
    const majority = s.nodes.map((n) => n.id).filter((id) => id !== lone);
    await assertMinorityStalls(page, [lone], majority);
    await screenshot(page, "isolated-follower");
    // Healing lets it catch up.
    await page.locator("#heal").click();
    await until(page, `node ${lone} caught up after #heal`, (id) => {
      const f = window.raftLive.frame();
      const n = f.nodes.find((n) => n.id === id);
      const l = f.nodes.find((n) => n.id === f.leader);
      return f.partition.length === 0 && l && n.commit === l.commit && n.role === "follower";
    }, lone, T_LONG);
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("a two-node minority from the #partition dialog makes no progress while the majority commits", async () => {
  const h = await openPage(env, { seed: "12", speed: "1", nodes: "5" });
  const { page } = h;
  try {
    const leader = await waitStableLeader(page);
    const ids = (await summary(page)).nodes.map((n) => n.id);
    const minority = ids.filter((id) => id !== leader.id).slice(0, 2);
    const majority = ids.filter((id) => !minority.includes(id));
    await partitionViaDialog(page, minority, majority);
    await until(page, `the frame's partition to be {${minority}} vs {${majority}}`, ({ minority, majority }) => {
      const groups = window.raftLive.frame().partition.map((g) => [...g].sort((a, b) => a - b).join(","));
      return groups.includes(minority.join(",")) && groups.includes(majority.join(","));
    }, { minority, majority });
    // The leader is in the majority and keeps leading.
    await assertMinorityStalls(page, minority, majority);
    const s = await summary(page);
    assert.equal(s.leader, leader.id, "the leader in the majority keeps leading");
    await screenshot(page, "partition-minority");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

/** Isolates a follower for ~1.5 s simulated (5+ election timeouts), heals, and reports. */
async function isolateAndReturn(page) {
  const leader = await waitStableLeader(page);
  const lone = (await summary(page)).nodes.find((n) => n.id !== leader.id).id;
  await nodeAction(page, lone, "isolate");
  await until(page, `node ${lone} isolated`, (id) =>
    window.raftLive.frame().partition.some((g) => g.length === 1 && g[0] === id), lone);
  const roles = new Set();
  const domRoles = new Set();
  let loneTerm = 0;
  // Election timeouts are 150-300 ms: 1.5 s is at least five of them.
  const t0 = (await summary(page)).now;
  for (;;) {
    const s = await summary(page);
    const n = s.nodes.find((n) => n.id === lone);
    roles.add(n.role);
    domRoles.add(await page.locator(`#cluster g.node[data-id="${lone}"]`).getAttribute("data-role"));
    loneTerm = Math.max(loneTerm, n.term);
    if (s.now >= t0 + 1.5 * SEC) break;
    await page.waitForTimeout(50); // sampling the lone node's role, not an assertion
  }
  await page.locator("#heal").click();
  await until(page, "the partition healed", () => window.raftLive.frame().partition.length === 0);
  return { leader, lone, roles, domRoles, loneTerm };
}

test("with pre-vote on, an isolated follower that returns does not raise the cluster's term", async () => {
  const h = await openPage(env, { seed: "5", speed: "1", nodes: "5", prevote: "1", checkquorum: "1" });
  const { page } = h;
  try {
    assert.equal((await summary(page)).nodes.length, 5);
    assert.equal(await page.evaluate(() => window.raftLive.frame().prevote), true, "prevote=1 turns pre-vote on");
    const { leader, lone, roles, domRoles, loneTerm } = await isolateAndReturn(page);
    assert.equal(loneTerm, leader.term, `the isolated node stayed at term ${leader.term} (saw ${loneTerm})`);
    assert.ok(roles.has("pre-candidate"), `the isolated node campaigned as a pre-candidate (roles seen: ${[...roles]})`);
    assert.ok(domRoles.has("pre-candidate"), `g.node[data-role=pre-candidate] shown (seen: ${[...domRoles]})`);
    // It rejoins under the same leader, at the same term.
    await until(page, `node ${lone} following leader ${leader.id} again`, ({ lone, leader }) => {
      const f = window.raftLive.frame();
      const n = f.nodes.find((n) => n.id === lone);
      return n.role === "follower" && n.lead === leader;
    }, { lone, leader: leader.id }, T_LONG);
    await waitSim(page, 500 * MS);
    const s = await summary(page);
    assert.equal(s.leader, leader.id, "the leader is unchanged");
    assert.equal(s.term, leader.term, "the cluster's term is unchanged");
    for (const n of s.nodes) assert.equal(n.term, leader.term, `node ${n.id} at term ${leader.term}`);
    const g = page.locator(`#cluster g.node[data-id="${lone}"]`);
    assert.equal(await g.getAttribute("data-role"), "follower");
    assert.equal(Number(await g.getAttribute("data-term")), leader.term);
    await screenshot(page, "prevote-on-returned");
    await h.checkClean();
  } finally {
    await h.close();
  }
});

test("with pre-vote off, the returning follower's higher term disrupts the cluster", async () => {
  const h = await openPage(env, { seed: "5", speed: "1", nodes: "5", prevote: "0", checkquorum: "1" });
  const { page } = h;
  try {
    assert.equal(await page.evaluate(() => window.raftLive.frame().prevote), false, "prevote=0 turns pre-vote off");
    const { leader, loneTerm, roles, domRoles } = await isolateAndReturn(page);
    assert.ok(loneTerm > leader.term + 2, `the isolated node's term rose (${leader.term} -> ${loneTerm})`);
    assert.ok(roles.has("candidate") && !roles.has("pre-candidate"), `roles seen: ${[...roles]}`);
    assert.ok(domRoles.has("candidate"), `g.node[data-role=candidate] shown (seen: ${[...domRoles]})`);
    // The leader hears the higher term and steps down; the cluster settles at a higher term.
    const after = await waitStableLeader(page, { timeout: T_LONG });
    assert.ok(after.term > leader.term, `the cluster's term rose: ${leader.term} -> ${after.term}`);
    await screenshot(page, "prevote-off-returned");
    await h.checkClean();
  } finally {
    await h.close();
  }
});
