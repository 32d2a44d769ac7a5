// Network partitions (the node menu's isolate and the partition dialog) and pre-vote.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  sharedEnv,
  withPage,
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

const env = sharedEnv();

/**
 * With `minority` cut off from the leader's side: the majority commits new requests while
 * the minority's commit index and committed log entries stay where they were.
 */
async function assertMinorityStalls(h, minority, majority) {
  // Let messages that crossed the cut before it was made land (latency is 10-30 ms).
  await waitSim(h, 300 * MS);
  const s0 = await summary(h);
  const barrier = Math.max(...s0.nodes.map((n) => n.lastIndex));
  const before = {};
  for (const id of minority) {
    const entries = await syncedStrip(h, id);
    before[id] = { commit: (await summary(h)).nodes.find((n) => n.id === id).commit, strip: maxCommitted(entries) };
  }
  const indexes = [];
  for (let i = 0; i < 3; i++) indexes.push(await requestAndWaitCommitted(h, majority));
  assert.ok(indexes[0] > barrier, `new entries (${indexes}) after the barrier ${barrier}`);
  const s1 = await summary(h);
  for (const id of majority) {
    const n = s1.nodes.find((n) => n.id === id);
    assert.ok(n.commit >= indexes[2], `majority node ${id} commit ${n.commit} >= ${indexes[2]}`);
  }
  for (const id of minority) {
    const entries = await syncedStrip(h, id);
    const n = (await summary(h)).nodes.find((n) => n.id === id);
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
  await withPage(env, { seed: "11", speed: "1", nodes: "5" }, async (h) => {
    const { page } = h;
    const leader = await waitStableLeader(h);
    const s = await summary(h);
    const lone = s.nodes.find((n) => n.id !== leader.id).id;
    await nodeAction(h, lone, "isolate");
    await until(h, `node ${lone} cut off in the frame's partition`, (id, el) =>
      el.frame().partition.some((g) => g.length === 1 && g[0] === id), lone);
    const majority = s.nodes.map((n) => n.id).filter((id) => id !== lone);
    await assertMinorityStalls(h, [lone], majority);
    await screenshot(page, "isolated-follower");
    // Healing lets it catch up.
    await h.in(".rc-heal").click();
    await until(h, `node ${lone} caught up after Heal`, (id, el) => {
      const f = el.frame();
      const n = f.nodes.find((n) => n.id === id);
      const l = f.nodes.find((n) => n.id === f.leader);
      return f.partition.length === 0 && l && n.commit === l.commit && n.role === "follower";
    }, lone, T_LONG);
  });
});

test("a two-node minority from the partition dialog makes no progress while the majority commits", async () => {
  await withPage(env, { seed: "12", speed: "1", nodes: "5" }, async (h) => {
    const { page } = h;
    const leader = await waitStableLeader(h);
    const ids = (await summary(h)).nodes.map((n) => n.id);
    const minority = ids.filter((id) => id !== leader.id).slice(0, 2);
    const majority = ids.filter((id) => !minority.includes(id));
    await partitionViaDialog(h, minority, majority);
    await until(h, `the frame's partition to be {${minority}} vs {${majority}}`, ({ minority, majority }, el) => {
      const groups = el.frame().partition.map((g) => [...g].sort((a, b) => a - b).join(","));
      return groups.includes(minority.join(",")) && groups.includes(majority.join(","));
    }, { minority, majority });
    // The leader is in the majority and keeps leading.
    await assertMinorityStalls(h, minority, majority);
    const s = await summary(h);
    assert.equal(s.leader, leader.id, "the leader in the majority keeps leading");
    await screenshot(page, "partition-minority");
  });
});

/** Isolates a follower for ~1.5 s simulated (5+ election timeouts), heals, and reports. */
async function isolateAndReturn(h) {
  const { page } = h;
  const leader = await waitStableLeader(h);
  const lone = (await summary(h)).nodes.find((n) => n.id !== leader.id).id;
  await nodeAction(h, lone, "isolate");
  await until(h, `node ${lone} isolated`, (id, el) =>
    el.frame().partition.some((g) => g.length === 1 && g[0] === id), lone);
  const roles = new Set();
  const domRoles = new Set();
  let loneTerm = 0;
  // Election timeouts are 150-300 ms: 1.5 s is at least five of them.
  const t0 = (await summary(h)).now;
  for (;;) {
    const s = await summary(h);
    const n = s.nodes.find((n) => n.id === lone);
    roles.add(n.role);
    domRoles.add(await h.in(`.rc-cluster g.node[data-id="${lone}"]`).getAttribute("data-role"));
    loneTerm = Math.max(loneTerm, n.term);
    if (s.now >= t0 + 1.5 * SEC) break;
    await page.waitForTimeout(50); // sampling the lone node's role, not an assertion
  }
  await h.in(".rc-heal").click();
  await until(h, "the partition healed", (_, el) => el.frame().partition.length === 0);
  return { leader, lone, roles, domRoles, loneTerm };
}

test("with pre-vote on, an isolated follower that returns does not raise the cluster's term", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "5", prevote: "1", checkquorum: "1" }, async (h) => {
    const { page } = h;
    assert.equal((await summary(h)).nodes.length, 5);
    assert.equal(await page.evaluate(() => window.raftLive.frame().prevote), true, "prevote=1 turns pre-vote on");
    const { leader, lone, roles, domRoles, loneTerm } = await isolateAndReturn(h);
    assert.equal(loneTerm, leader.term, `the isolated node stayed at term ${leader.term} (saw ${loneTerm})`);
    assert.ok(roles.has("pre-candidate"), `the isolated node campaigned as a pre-candidate (roles seen: ${[...roles]})`);
    assert.ok(domRoles.has("pre-candidate"), `g.node[data-role=pre-candidate] shown (seen: ${[...domRoles]})`);
    // It rejoins under the same leader, at the same term.
    await until(h, `node ${lone} following leader ${leader.id} again`, ({ lone, leader }, el) => {
      const f = el.frame();
      const n = f.nodes.find((n) => n.id === lone);
      return n.role === "follower" && n.lead === leader;
    }, { lone, leader: leader.id }, T_LONG);
    await waitSim(h, 500 * MS);
    const s = await summary(h);
    assert.equal(s.leader, leader.id, "the leader is unchanged");
    assert.equal(s.term, leader.term, "the cluster's term is unchanged");
    for (const n of s.nodes) assert.equal(n.term, leader.term, `node ${n.id} at term ${leader.term}`);
    const g = h.in(`.rc-cluster g.node[data-id="${lone}"]`);
    assert.equal(await g.getAttribute("data-role"), "follower");
    assert.match(await g.locator(".hit").getAttribute("aria-label"), new RegExp(`term ${leader.term}(\\D|$)`));
    await screenshot(page, "prevote-on-returned");
  });
});

test("with pre-vote off, the returning follower's higher term disrupts the cluster", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "5", prevote: "0", checkquorum: "1" }, async (h) => {
    const { page } = h;
    assert.equal(await page.evaluate(() => window.raftLive.frame().prevote), false, "prevote=0 turns pre-vote off");
    const { leader, loneTerm, roles, domRoles } = await isolateAndReturn(h);
    assert.ok(loneTerm > leader.term + 2, `the isolated node's term rose (${leader.term} -> ${loneTerm})`);
    assert.ok(roles.has("candidate") && !roles.has("pre-candidate"), `roles seen: ${[...roles]}`);
    assert.ok(domRoles.has("candidate"), `g.node[data-role=candidate] shown (seen: ${[...domRoles]})`);
    // The leader hears the higher term and steps down; the cluster settles at a higher term.
    const after = await waitStableLeader(h, { timeout: T_LONG });
    assert.ok(after.term > leader.term, `the cluster's term rose: ${leader.term} -> ${after.term}`);
    await screenshot(page, "prevote-off-returned");
  });
});
