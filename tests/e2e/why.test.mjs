// The rule behind every decision, in the page: under the event log's decision lines (a box
// hides them), in an answer's message tip, and on demand on the leader's log entries ("why
// isn't index i committed?").
import { test } from "node:test";
import assert from "node:assert/strict";
import { sharedEnv, withPage, until, waitStableLeader, setPlaying, settle, screenshot, T_LONG } from "./lib.mjs";

const env = sharedEnv();

/** Polls `fn` (in Node) until it returns something truthy, or fails saying `what`. */
async function poll(what, fn, timeout = T_LONG) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("the event log shows the rule under each decision line, and the why box hides them", async () => {
  await withPage(env, { seed: "2", speed: "1", nodes: "5" }, async (h) => {
    await waitStableLeader(h);
    await setPlaying(h, false);
    await settle(h.page);
    const lines = await h.page.evaluate(() => {
      const el = window.raftLive.el;
      return window.__e2e.qa(el, ".event-log li").map((li) => ({
        text: li.firstChild?.nextSibling?.textContent ?? "",
        why: li.querySelector(".why")?.textContent ?? null,
      }));
    });
    const votes = lines.filter((l) => / cast MsgVote for /.test(l.text));
    assert.ok(votes.length > 0, "the election's votes are in the log");
    for (const v of votes) {
      assert.match(v.why ?? "", /^one vote per term: .* \(§5\.2, §5\.4\.1\)$/, `a vote's reason: ${v.text}`);
    }
    const commits = lines.filter((l) => /committed up to index/.test(l.text));
    assert.ok(commits.some((c) => /^commitment: index \d+ is on a quorum/.test(c.why ?? "")), "a commit's reason");
    // Lines that are not decisions carry none.
    assert.ok(lines.some((l) => / became follower at term /.test(l.text) && l.why === null));

    const shown = () => h.page.evaluate(() => {
      const w = window.__e2e.q(window.raftLive.el, ".event-log li .why");
      return w ? getComputedStyle(w).display !== "none" : null;
    });
    assert.equal(await shown(), true);
    await h.in(".log-why input").uncheck();
    assert.equal(await shown(), false, "the why box hides the reasons");
    await h.in(".log-why input").check();
    assert.equal(await shown(), true);
  });
});

test("an answer's tip says why: a follower's MsgAppResp names the log-matching rule", async () => {
  await withPage(env, { seed: "2", speed: "1", nodes: "3" }, async (h) => {
    await waitStableLeader(h);
    await setPlaying(h, false);
    // A request, then steps until an append's answer is on the wire.
    await h.page.evaluate(() => window.raftLive.el.request(0, "k", "v"));
    let found = false;
    for (let i = 0; i < 80 && !found; i++) {
      await h.in(".rc-step").click();
      await settle(h.page);
      found = await h.page.evaluate(() => window.raftLive.frame().messages.some((m) => m.kind === "MsgAppResp" && m.why));
    }
    assert.ok(found, "an MsgAppResp with its reason is in flight");
    // The keyboard walk over the messages shows each one's tip.
    await h.in("button.msg-nav").focus();
    let why = null;
    for (let i = 0; i < 20 && why === null; i++) {
      await h.page.keyboard.press("ArrowRight");
      await settle(h.page);
      why = await h.page.evaluate(() => {
        const tip = window.__e2e.q(window.raftLive.el, ".rc-tip");
        if (!tip || tip.hidden || !tip.querySelector(".tip-head").textContent.startsWith("MsgAppResp")) return null;
        const w = tip.querySelector(".tip-why");
        return w.hidden ? "" : w.textContent;
      });
    }
    assert.match(why ?? "", /^why: log matching: my entry at index \d+ has term \d+, as the leader's \(§5\.3\)$/);
    await screenshot(h.page, "why-tip");
    await h.page.keyboard.press("Escape");
  });
});

test("pointing at a leader's uncommitted entry says why it is not committed", async () => {
  await withPage(env, { seed: "2", speed: "1", nodes: "5" }, async (h) => {
    await waitStableLeader(h);
    await setPlaying(h, false);
    const leader = await h.page.evaluate(() => window.raftLive.frame().leader);
    // The leader appends the request; nothing has acknowledged it yet.
    await h.page.evaluate(() => window.raftLive.el.request(0, "k", "v"));
    let index = 0;
    for (let i = 0; i < 40 && !index; i++) {
      index = await h.page.evaluate((leader) => {
        const n = window.raftLive.frame().nodes.find((n) => n.id === leader);
        return n.lastIndex > n.commit ? n.lastIndex : 0;
      }, leader);
      if (!index) {
        await h.in(".rc-step").click();
        await settle(h.page);
      }
    }
    assert.ok(index > 0, "the leader holds an uncommitted entry");
    const cell = h.in(`.log-strip[data-node="${leader}"] .entry[data-index="${index}"]`);
    await cell.hover();
    const title = await poll("the entry's title explains it", async () => {
      const t = await cell.getAttribute("title");
      return t && t.includes("\n") ? t : null;
    });
    assert.match(title, new RegExp(`^index ${index}, term \\d+: set k=v; not committed yet\\ncommitment: index ${index} is not on a quorum yet: held by [\\d, ]+; \\d more of [\\d, ]+ would commit it \\(§5\\.3\\)$`));
    // Once committed, the same place says so.
    await setPlaying(h, true);
    await until(h, "the entry commits", ([leader, index], el) =>
      el.frame().nodes.find((n) => n.id === leader).commit >= index, [leader, index], T_LONG);
    await setPlaying(h, false);
    await cell.dispatchEvent("pointerover");
    const after = await cell.getAttribute("title");
    assert.match(after, new RegExp(`\\ncommitment: index ${index} is committed \\(the commit index is \\d+\\) \\(§5\\.3\\)$`));
  });
});

// Two leaders, the old one cut off in term 1 with a request it cannot commit: pointing at
// its entry asks it (held by 3 and 4), not the cluster's new leader, whose entry 2 is
// another; a follower's entry is answered by the leader it follows.
test("an entry's 'why not committed' is its own node's leader's answer, with two leaders", async () => {
  const script = "nodes 5\nseed 7\ncheckquorum off\ncampaign 3\nrun 300ms\npartition {3,4} {1,2,5}\nrequest set a=1 via 3\nrun 1500ms\nrequest set b=2 via leader\nrun 300ms\n";
  await withPage(env, {}, async (h) => {
    await until(h, "the script ran", (_, el) => el.frame().now >= 2.1e6, undefined, T_LONG);
    await setPlaying(h, false);
    const title = async (node) => {
      const cell = h.in(`.log-strip[data-node="${node}"] .entry[data-index="2"]`);
      await cell.dispatchEvent("pointerover");
      return cell.getAttribute("title");
    };
    assert.match(await title(3), /\ncommitment: index 2 is not on a quorum yet: held by 3, 4; 1 more of 1, 2, 5 would commit it \(§5\.3\)$/);
    assert.match(await title(4), /held by 3, 4/);
    const leader = await h.page.evaluate(() => window.raftLive.frame().leader);
    assert.notEqual(leader, 3);
    assert.match(await title(leader), /\ncommitment: index 2 is committed/);
  }, { hash: `#scenario=${encodeURIComponent(script)}` });
});
