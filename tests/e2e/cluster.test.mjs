// Elections, crashes, restarts and client requests, driven through the page's element
// (index.html's <raft-cluster id="cluster" controls="full">), and how its picture reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  sharedEnv,
  withPage,
  screenshot,
  summary,
  domNodes,
  strip,
  syncedStrip,
  revealStrips,
  until,
  waitStableLeader,
  nodeAction,
  menuDisabled,
  requestAndWaitCommitted,
  partitionViaDialog,
  T_LONG,
} from "./lib.mjs";

const env = sharedEnv();

const PARAMS = { seed: "7", speed: "1", nodes: "5" };

test("a leader is elected and the status line shows it", async () => {
  await withPage(env, PARAMS, async (h) => {
    assert.equal((await domNodes(h)).length, 5, "5 g.node[data-id] for nodes=5");
    const leader = await waitStableLeader(h);
    assert.ok(leader.term >= 1, `leader term ${leader.term} >= 1`);
    assert.equal((await h.in(".st-leader .rc-st-v").textContent()).trim(), String(leader.id), "the status names the leader");
    assert.equal((await h.in(".st-term .rc-st-v").textContent()).trim(), String(leader.term), "the status shows the leader's term");
    const nodes = await domNodes(h);
    assert.equal(nodes.filter((n) => n.role === "leader").length, 1);
    assert.ok(nodes.every((n) => n.role === "leader" || n.role === "follower"), `roles: ${nodes.map((n) => n.role)}`);
    assert.ok(nodes.every((n) => n.term === leader.term), `every node's name gives the term: ${nodes.map((n) => n.label)}`);
    assert.equal(await h.in(".st-safety .rc-st-v").getAttribute("data-ok"), "true");
    // Every live text (sized from a measure of its font, not by layout) shows whole.
    const cut = await h.page.evaluate(() => [...window.raftLive.el.shadowRoot.querySelectorAll(".live")]
      .filter((b) => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
      .map((b) => `"${b.textContent}" ${b.scrollWidth} > ${b.clientWidth}`));
    assert.deepEqual(cut, [], "no live text is cut");
    await screenshot(h.page, "leader-elected");
    // With no leader the label says "highest term". The status sits at the right end of its
    // row: the leader and the time keep their places (an election lays out nothing anew), and
    // with a leader, the leader follows the term at the line's usual gap, not after a hole.
    const look = () => h.page.evaluate(() => {
      const q = (s) => window.raftLive.el.shadowRoot.querySelector(s);
      const box = (s) => q(s).getBoundingClientRect();
      return {
        size: q(".rc").dataset.size,
        label: q(".st-term .rc-st-l").textContent.trim().toLowerCase(),
        leaderX: box(".st-leader").x, timeX: box(".st-time").x,
        // (From the text as drawn: a box may hold more than its text.)
        gap: (() => {
          const text = (s) => { const r = document.createRange(); r.selectNodeContents(q(s)); return r.getBoundingClientRect(); };
          return text(".st-leader .rc-st-l").x - text(".st-term .rc-st-v").right;
        })(),
      };
    });
    const withLeader = await look();
    await h.page.evaluate((id) => { const el = window.raftLive.el; el.pause(); el.command({ op: "crash", node: id }); }, leader.id);
    await until(h, "no leader", (_, el) => !el.frame().leader);
    const without = await look();
    assert.ok(["wide", "huge"].includes(withLeader.size), `the status sits at the right of the controls at 1280 px (${withLeader.size})`);
    assert.deepEqual([withLeader.label, without.label], ["term", "highest term"]);
    assert.ok(Math.abs(without.leaderX - withLeader.leaderX) <= 1, `the leader's box stays: ${withLeader.leaderX} → ${without.leaderX}`);
    assert.equal(without.timeX, withLeader.timeX, "the time's box stays where it was");
    assert.ok(withLeader.gap <= 16, `the leader follows the term at the usual gap (${withLeader.gap} px)`);
  });
});

test("crashing the leader from the node menu elects a new leader at a higher term", async () => {
  await withPage(env, PARAMS, async (h) => {
    const old = await waitStableLeader(h);
    // For a live leader, restart makes no sense and must be disabled; crash must not.
    const disabled = await menuDisabled(h, old.id, ["crash", "restart"]);
    assert.equal(disabled.crash, false, "crash enabled for a live node");
    assert.equal(disabled.restart, true, "restart disabled for a live node");
    await nodeAction(h, old.id, "crash");
    await until(h, `node ${old.id} shown crashed`, (id, el) =>
      window.__e2e.q(el, `.rc-cluster g.node[data-id="${id}"]`)?.dataset.role === "crashed", old.id);
    const next = await waitStableLeader(h, { exclude: [old.id] });
    assert.notEqual(next.id, old.id);
    assert.ok(next.term > old.term, `new term ${next.term} > old term ${old.term}`);
    const shown = (await domNodes(h)).find((n) => n.id === old.id);
    assert.equal(shown.role, "crashed");
    assert.match(shown.label, /down \(crashed\)/, "the crashed node's name says it is down");
    await screenshot(h.page, "after-crash");
  });
});

test("a restarted old leader rejoins as a follower and catches up on the term", async () => {
  await withPage(env, PARAMS, async (h) => {
    const old = await waitStableLeader(h);
    await nodeAction(h, old.id, "crash");
    const next = await waitStableLeader(h, { exclude: [old.id] });
    const disabled = await menuDisabled(h, old.id, ["crash", "restart"]);
    assert.equal(disabled.restart, false, "restart enabled for a crashed node");
    assert.equal(disabled.crash, true, "crash disabled for a crashed node");
    await nodeAction(h, old.id, "restart");
    const back = await until(
      h,
      `node ${old.id} a follower at the cluster's term again`,
      (id, el) => {
        const g = window.__e2e.q(el, `.rc-cluster g.node[data-id="${id}"]`);
        const f = el.frame();
        const n = f.nodes.find((n) => n.id === id);
        const label = g.querySelector(".hit").getAttribute("aria-label");
        return g.dataset.role === "follower" && label.includes(`term ${f.term}`) && n.lead === f.leader && f.leader !== 0
          ? { term: n.term, leader: f.leader }
          : false;
      },
      old.id,
      T_LONG,
    );
    assert.ok(back.term >= next.term, `rejoined at term ${back.term} >= ${next.term}`);
    // It is brought up to date: its log reaches the leader's commit.
    await until(h, `node ${old.id} caught up with the leader's log`, (id, el) => {
      const f = el.frame();
      const n = f.nodes.find((n) => n.id === id);
      const l = f.nodes.find((n) => n.id === f.leader);
      return l && n.commit === l.commit && n.lastIndex === l.lastIndex;
    }, old.id, T_LONG);
    await screenshot(h.page, "after-restart");
  });
});

test("a client request from the Request button is committed in every live node's log strip", async () => {
  await withPage(env, PARAMS, async (h) => {
    await waitStableLeader(h);
    const before = await summary(h);
    const index = await requestAndWaitCommitted(h);
    const after = await summary(h);
    for (const n of after.nodes) {
      const entries = await strip(h, n.id);
      const e = entries.find((e) => e.index === index);
      assert.ok(e, `node ${n.id}'s log strip shows index ${index}`);
      assert.equal(e.committed, true, `node ${n.id}: entry ${index} committed`);
    }
    // Same index, same term everywhere.
    const terms = new Set();
    for (const n of after.nodes) terms.add((await strip(h, n.id)).find((e) => e.index === index).term);
    assert.equal(terms.size, 1, "the entry has one term on every node");
    // The counts are the panels' (refreshed twice a second), the strips' rows are fresher.
    await until(h, "the frame counts a committed request",
      (was, el) => el.frame().requests.committed > was, before.requests.committed);
    // And a second one goes to the next index.
    const index2 = await requestAndWaitCommitted(h);
    assert.ok(index2 > index, `second request at ${index2} > ${index}`);
    await screenshot(h.page, "request-committed");
  });
});

test("requests keep committing with a crashed follower, and only on the live nodes", async () => {
  await withPage(env, PARAMS, async (h) => {
    const leader = await waitStableLeader(h);
    const follower = (await domNodes(h)).find((n) => n.id !== leader.id).id;
    await nodeAction(h, follower, "crash");
    await until(h, `node ${follower} crashed`, (id, el) =>
      window.__e2e.q(el, `.rc-cluster g.node[data-id="${id}"]`)?.dataset.role === "crashed", follower);
    const before = maxIndexOf(await syncedStrip(h, follower));
    const live = (await domNodes(h)).filter((n) => n.role !== "crashed").map((n) => n.id);
    assert.equal(live.length, 4);
    const index = await requestAndWaitCommitted(h, live);
    const crashed = await syncedStrip(h, follower);
    assert.ok(!crashed.some((e) => e.index === index && e.committed), "a crashed node commits nothing new");
    assert.ok(maxIndexOf(crashed) <= before,
      `a crashed node's log strip does not grow (max index ${before} -> ${maxIndexOf(crashed)}: ${JSON.stringify(crashed)})`);
  });
});

// The issue: a crashed node's committed entries looked uncommitted. The frame tells, for
// each node, up to which index its entries are known committed in the cluster
// (`committedHeld`); the strip draws those data-committed="held", not "false".
test("a crashed node's committed entries are drawn data-committed=held", async () => {
  await withPage(env, PARAMS, async (h) => {
    const leader = await waitStableLeader(h);
    const index = await requestAndWaitCommitted(h);
    const follower = (await domNodes(h)).find((n) => n.id !== leader.id).id;
    await nodeAction(h, follower, "crash");
    await until(h, `node ${follower} crashed`, (id, el) => el.frame().nodes[id - 1].up === false, follower);
    const s = await summary(h);
    const n = s.nodes.find((n) => n.id === follower);
    assert.ok(typeof n.committedHeld === "number" && n.committedHeld >= index,
      `the frame gives the crashed node's committedHeld (>= ${index}): ${JSON.stringify(n.committedHeld)}`);
    await revealStrips(h);
    const shown = await until(h, `node ${follower}'s committed entries drawn held`, ({ id, index }, el) => {
      const es = window.__e2e.qa(el, `.log-strip[data-node="${id}"] .entry[data-index]`);
      const e = es.find((e) => Number(e.dataset.index) === index);
      return e && e.dataset.committed === "held" ? es.map((e) => `${e.dataset.index}:${e.dataset.committed}`) : false;
    }, { id: follower, index });
    assert.ok(!shown.some((x) => x === `${index}:false`), `entry ${index} is not drawn uncommitted: ${shown}`);
    // Its name says it too, not the look alone.
    const title = await h.in(`.log-strip[data-node="${follower}"] .entry[data-index="${index}"]`).getAttribute("title");
    assert.match(title, /; committed, though this node has not been told/, title);
    // The legend names all three looks.
    const legend = await h.in(".legend-log").textContent();
    assert.match(legend, /uncommitted/, "the legend names uncommitted entries");
    assert.match(legend, /committed, this node not yet told/, "the legend names held entries");
  });
});

test("the requests count forgets no request: '1 pending' goes away after a partition is healed", async () => {
  // Check-quorum off: the cut-off leader keeps leading (it does not step down before the
  // request reaches it), so the request is surely appended there and left pending.
  await withPage(env, { seed: "12", speed: "1", nodes: "5", checkquorum: "0" }, async (h) => {
    const leader = await waitStableLeader(h);
    const ids = (await summary(h)).nodes.map((n) => n.id);
    const minority = [leader.id, ids.find((id) => id !== leader.id)];
    const majority = ids.filter((id) => !minority.includes(id));
    await partitionViaDialog(h, minority, majority);
    await until(h, "the partition in the frame", (_, el) => el.frame().partition.length > 0);
    // A request through the old leader, cut off from the majority: it cannot commit.
    await nodeAction(h, leader.id, "request");
    await until(h, "the request pending", (_, el) => el.frame().requests.pending > 0);
    await h.in(".rc-heal").click();
    await until(h, "the partition healed", (_, el) => el.frame().partition.length === 0);
    const end = await until(h, "no request pending a few seconds after healing", (_, el) => {
      const r = el.frame().requests;
      const text = window.__e2e.q(el, ".st-requests .rc-st-v").textContent;
      return r.pending === 0 && !/pending/.test(text) ? { ...r, text } : false;
    }, null, T_LONG).catch(async (err) => {
      const s = await summary(h);
      err.message += `\n  requests: ${JSON.stringify(s.requests)}, status: ${await h.in(".st-requests .rc-st-v").textContent()}`;
      throw err;
    });
    assert.equal(end.pending, 0);
  });
});

function maxIndexOf(entries) {
  return entries.reduce((m, e) => Math.max(m, e.index), 0);
}

test("nine nodes on a 360 px phone: each node's label takes two lines, and no two labels (nor a label and the leader's tag) overlap", async () => {
  for (const [width, height, lines] of [[360, 740, 2], [1366, 768, 1]]) {
    await withPage(env, { seed: "1", speed: "1", nodes: "9" }, async (h) => {
      await waitStableLeader(h);
      const r = await h.page.evaluate(() => {
        const root = window.raftLive.el.shadowRoot;
        const svg = root.querySelector(".rc-cluster svg").getBoundingClientRect();
        return {
          svg: { left: svg.left, right: svg.right },
          nodes: [...root.querySelectorAll(".rc-cluster g.node")].map((g) => {
            const texts = [...g.querySelectorAll(".ninfo")].filter((t) => t.textContent);
            const bs = texts.map((t) => t.getBoundingClientRect());
            return {
              id: g.dataset.id, lines: texts.length, text: texts.map((t) => t.textContent).join(" / "),
              left: Math.min(...bs.map((b) => b.left)), right: Math.max(...bs.map((b) => b.right)),
              top: Math.min(...bs.map((b) => b.top)), bottom: Math.max(...bs.map((b) => b.bottom)),
            };
          }),
          tags: [...root.querySelectorAll(".rc-cluster g.node .nvotes")].filter((t) => t.textContent).map((t) => {
            const b = t.getBoundingClientRect();
            return { id: t.closest("g.node").dataset.id, text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom };
          }),
        };
      });
      assert.ok(r.tags.some((t) => t.text === "leader"), `${width} px: the leader's tag is shown: ${JSON.stringify(r.tags)}`);
      for (const t of r.tags) for (const n of r.nodes) {
        if (t.id === n.id) continue;
        const apart = t.right <= n.left || n.right <= t.left || t.bottom <= n.top || n.bottom <= t.top;
        assert.ok(apart, `${width} px: node ${t.id}'s tag "${t.text}" clear of node ${n.id}'s label ("${n.text}")`);
      }
      for (const n of r.nodes) {
        assert.equal(n.lines, lines, `${width} px: node ${n.id}'s label on ${lines} line(s): "${n.text}"`);
        assert.ok(n.left >= r.svg.left - 0.5 && n.right <= r.svg.right + 0.5, `${width} px: node ${n.id}'s label inside the picture`);
      }
      for (const a of r.nodes) for (const b of r.nodes) {
        if (a.id >= b.id) continue;
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        assert.ok(apart, `${width} px: the labels of nodes ${a.id} ("${a.text}") and ${b.id} ("${b.text}") do not overlap`);
      }
    }, { viewport: { width, height } });
  }
});

// The legend's message icons are one canvas down the list's icon column (a canvas per icon
// was a compositor layer each). Each icon must sit level with its row, also after the rows
// move: a narrower legend wraps its texts and the canvas is painted again.
test("the legend paints each message icon in its row's spot, and again when the rows wrap", async () => {
  await withPage(env, PARAMS, async (h) => {
    await h.in(".rc-legend-box").evaluate((d) => { d.open = true; });
    // For each row's spot, the canvas's ink inside it, centred on it (the middle of its
    // ink's rows and columns within 2 device px of the spot's centre); no ink outside every
    // spot. With `base` (row heights before), only once some row has grown (the texts wrapped).
    const check = (base, el) => {
      const root = el.shadowRoot;
      const canvas = root.querySelector(".legend-msgs canvas");
      const spots = [...root.querySelectorAll(".legend-msgs .lg-spot")];
      if (!canvas || spots.length === 0 || canvas.height === 0) return false;
      const rowHeights = spots.map((s) => s.parentElement.getBoundingClientRect().height);
      if (base && !rowHeights.some((v, i) => v > base[i] + 4)) return false;
      const cb = canvas.getBoundingClientRect();
      const k = canvas.width / cb.width;
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      const boxes = spots.map((s) => {
        const b = s.getBoundingClientRect();
        return [(b.left - cb.left) * k - 1, (b.top - cb.top) * k - 1, (b.right - cb.left) * k + 1, (b.bottom - cb.top) * k + 1];
      });
      const ink = boxes.map(() => 0);
      const extent = boxes.map(() => [Infinity, Infinity, -Infinity, -Infinity]);
      let stray = 0;
      for (let y = 0; y < canvas.height; y++) {
        for (let x = 0; x < canvas.width; x++) {
          if (data[4 * (y * canvas.width + x) + 3] < 40) continue;
          const i = boxes.findIndex(([l, t, r, b]) => x >= l && x < r && y >= t && y < b);
          if (i < 0) {
            stray++;
            continue;
          }
          ink[i]++;
          const e = extent[i];
          e[0] = Math.min(e[0], x); e[1] = Math.min(e[1], y); e[2] = Math.max(e[2], x); e[3] = Math.max(e[3], y);
        }
      }
      const centred = extent.every(([l, t, r, b], i) => {
        const [L, T, R, B] = boxes[i];
        return Math.abs((l + r) / 2 - (L + R) / 2) <= 2 && Math.abs((t + b) / 2 - (T + B) / 2) <= 2;
      });
      return ink.every((n) => n > 0) && stray === 0 && centred ? { ink, rowHeights } : false;
    };
    const wide = await until(h, "every message icon painted in its row's spot", check, null);
    assert.equal(wide.ink.length, 11, "eleven message looks in the legend");
    // Narrow the legend so that its texts wrap: rows grow, and the icons follow them.
    await h.in(".rc-legend-box").evaluate((d) => {
      d.style.setProperty("flex", "0 0 120px");
      d.style.setProperty("min-width", "120px");
    });
    const narrow = await until(h, "the icons follow their wrapped rows", check, wide.rowHeights);
    assert.ok(narrow.rowHeights.some((v) => v > 30), `some rows wrap: ${narrow.rowHeights}`);
  });
});
