// The keyboard: Tab reaches every control of the page and never falls to <body> (messages
// are not Tab stops: they come and go); the page's shortcuts (a number selects a node and
// focuses it without scrolling, Enter opens its menu); the help dialog opens at its top.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sharedEnv, withPage, until, waitStableLeader, settle, nodeControl, menuDisabled, T_SHORT, T_LONG } from "./lib.mjs";

const env = sharedEnv();

/** Presses Tab `n` times from the top of the page; returns what had the focus after each. */
async function tabWalk(h, n) {
  await h.page.evaluate(() => {
    document.activeElement?.blur();
    scrollTo(0, 0);
  });
  const seen = [];
  for (let i = 0; i < n; i++) {
    await h.page.keyboard.press("Tab");
    seen.push(await h.page.evaluate(() => {
      const a = window.__e2e.deepActive();
      return {
        what: window.__e2e.describe(a),
        body: a === document.body || a === null,
        canvas: !!a && (a.tagName === "CANVAS" || !!a.closest?.(".rc-canvas")),
        connected: !!a && a.isConnected,
        visible: !!a && (a === document.body || a.getClientRects().length > 0),
      };
    }));
  }
  return seen;
}

// The defect 2: in-flight messages were Tab stops that vanished, so the focus fell
// to <body>. Going round the page, the focus may pass the browser's own UI (where
// document.activeElement is <body>) only between the last stop and the first.
test("Tab through the whole page never lands on <body>, reaches the cluster's controls, and no message is a Tab stop", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    const seen = await tabWalk(h, 80);
    const list = seen.map((s) => s.what);
    const first = seen[0].what;
    const bad = [];
    seen.forEach((s, i) => {
      if (s.body && !(i + 1 < seen.length && seen[i + 1].what === first) && i !== seen.length - 1) {
        bad.push(`press ${i + 1}: <body> (after ${seen[i - 1]?.what}), not a wrap to ${first}`);
      }
      if (s.canvas) bad.push(`press ${i + 1}: the canvas took the focus`);
      if (!s.body && (!s.connected || !s.visible)) bad.push(`press ${i + 1}: ${s.what} is not connected or not visible`);
    });
    assert.deepEqual(bad, [], `the focus sequence:\n    ${list.join("\n    ")}`);
    const stops = new Set(list.filter((w, i) => !seen[i].body));
    const need = [/\.rc-play\b/, /\.rc-step\b/, /\.rc-nodes\b/, /\.rc-seed\b/, /\.rc-request\b/, /\.msg-nav\b/,
      /circle\.hit\[data-id=1\]/, /circle\.hit\[data-id=5\]/, /\.log-filter-node\b/, /\.strip-label\b/];
    const missing = need.filter((re) => ![...stops].some((w) => re.test(w))).map(String);
    assert.deepEqual(missing, [], `Tab reaches the element's controls and nodes; the stops seen:\n    ${[...stops].join("\n    ")}`);
    // Within one round, the stops do not repeat (nothing traps the focus).
    const round = list.slice(0, list.indexOf(first, 1) > 0 ? list.indexOf(first, 1) : list.length);
    assert.ok(round.length >= 30, `a round of the page has the header's, the controls', the nodes' and the panels' stops (${round.length})`);
  });
});

// On a phone or a column the cluster's and the view's controls are drawn under the cluster
// (raft-cluster.css, `order`): Tab must meet them there too, not before the cluster; and
// the focus stays where it was when the window's width moves them.
for (const [viewport, under] of [[{ width: 390, height: 844 }, true], [{ width: 1366, height: 768 }, false]]) {
  test(`Tab meets the controls in the order they are drawn (${viewport.width} px: the second bar ${under ? "under" : "over"} the cluster)`, async () => {
    await withPage(env, { seed: "7", speed: "1" }, async (h) => {
      await waitStableLeader(h);
      const list = (await tabWalk(h, 60)).map((s) => s.what);
      const at = (re) => list.findIndex((w) => re.test(w));
      const nodes = at(/circle\.hit\[data-id=1\]/), bar2 = at(/\.rc-nodes\b/), play = at(/\.rc-play\b/);
      assert.ok(nodes >= 0 && bar2 >= 0 && play >= 0, `the stops seen:\n    ${list.join("\n    ")}`);
      assert.ok(play < nodes, "the playback bar comes before the cluster");
      if (under) assert.ok(nodes < bar2, `node 1 (press ${nodes + 1}) before the Nodes field (press ${bar2 + 1}):\n    ${list.join("\n    ")}`);
      else assert.ok(bar2 < nodes, `the Nodes field (press ${bar2 + 1}) before node 1 (press ${nodes + 1})`);
      // Where the bar is drawn: under the cluster's box, or over it.
      const [barTop, stageTop] = await h.page.evaluate((host) => [".rc-bar2", ".rc-stage"].map((c) => window.__e2e.q(window.__e2e.el(host), c).getBoundingClientRect().top), h.host);
      assert.equal(barTop > stageTop, under, `the second bar's top ${barTop}, the cluster's ${stageTop}`);
      // A width change that moves the bar keeps the focus on the field that had it.
      await h.page.evaluate((host) => window.__e2e.q(window.__e2e.el(host), ".rc-nodes").focus(), h.host);
      await h.page.setViewportSize(under ? { width: 1366, height: 768 } : { width: 390, height: 844 });
      await until(h, "the size class follows the width", (arg, el) => (window.__e2e.q(el, ".rc").dataset.size === "narrow") === (window.innerWidth < 440));
      const still = await h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive()));
      assert.match(still, /\.rc-nodes\b/);
    }, { viewport });
  });
}

test("pressing 3 selects node 3 and focuses it without scrolling the page; Enter opens its menu", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    await h.page.evaluate(() => {
      document.activeElement?.blur();
      scrollTo(0, 0);
    });
    await settle(h.page);
    const y0 = await h.page.evaluate(() => scrollY);
    await h.page.keyboard.press("3");
    await until(h, "node 3 selected", (_, el) => el.selected === 3);
    const after = await h.page.evaluate(() => ({
      y: scrollY,
      active: window.__e2e.describe(window.__e2e.deepActive()),
      selected: window.raftLive.el.shadowRoot.querySelector('.rc-cluster g.node[data-id="3"]').classList.contains("selected"),
    }));
    assert.equal(after.y, y0, "the page did not scroll (window.scrollY unchanged)");
    assert.match(after.active, /circle\.hit\[data-id=3\]/, `node 3's control has the focus: ${after.active}`);
    assert.equal(after.selected, true, "node 3 is drawn selected");
    await h.page.keyboard.press("Enter");
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    assert.match(await h.in(".node-menu-title").textContent(), /^Node 3 /, "the menu is node 3's");
    const focused = await h.page.evaluate(() => window.__e2e.deepActive()?.dataset?.action ?? null);
    assert.ok(focused, `opened from the keyboard, the menu's first action has the focus (${focused})`);
    await h.page.keyboard.press("Escape");
    await h.in(".node-menu").waitFor({ state: "hidden", timeout: T_SHORT });
    assert.match(await h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive())), /circle\.hit\[data-id=3\]/,
      "Escape returns the focus to node 3");
    // An action chosen from the keyboard gives the focus back to the node too (its button
    // goes with the menu: the focus fell to <body>).
    await h.page.keyboard.press("Enter");
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    await h.page.keyboard.press("Enter");
    await h.in(".node-menu").waitFor({ state: "hidden", timeout: T_SHORT });
    assert.match(await h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive())), /circle\.hit\[data-id=3\]/,
      "after an action the focus is on node 3");
    // That action was the first, Crash. Once it is drawn, the letter an action shows
    // chooses it in the menu too.
    await until(h, "node 3 crashed by the menu's first action", (_, el) => !el.frame().nodes[2].up);
    await h.page.keyboard.press("Enter");
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    await h.page.keyboard.press("s");
    await until(h, "node 3 restarted from the menu's letter", (_, el) => el.frame().nodes[2].up);
    // ] and [ move the selection.
    await h.page.keyboard.press("]");
    await until(h, "node 4 selected", (_, el) => el.selected === 4);
    await h.page.keyboard.press("[");
    await h.page.keyboard.press("[");
    await until(h, "node 2 selected", (_, el) => el.selected === 2);
    assert.equal(await h.page.evaluate(() => scrollY), y0, "still no scrolling");
  }, { viewport: { width: 1366, height: 500 } });
});

test("a node added (a, l) or the cluster rebuilt (r) keeps the focus on the selected node, not on <body>", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    const active = () => h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive()));
    await h.page.keyboard.press("3");
    await until(h, "node 3 selected", (_, el) => el.selected === 3);
    for (const [key, what] of [["a", "a node added"], ["l", "a learner added"], ["r", "the cluster rebuilt"]]) {
      const n = await h.page.evaluate(() => window.raftLive.el.frame().nodes.length);
      await h.page.keyboard.press(key);
      if (key !== "r") await until(h, what, (n, el) => el.frame().nodes.length > n, n);
      else await h.page.waitForTimeout(300);
      assert.match(await active(), /circle\.hit\[data-id=3\]/, `after ${what}, node 3's control has the focus`);
    }
  });
});

test("a change drawn while the node menu is open moves the focus off an action it took away", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    await h.page.evaluate(() => window.raftLive.el.pause());
    await h.page.keyboard.press("3");
    await until(h, "node 3 selected", (_, el) => el.selected === 3);
    await h.page.keyboard.press("Enter");
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    assert.equal(await h.page.evaluate(() => window.__e2e.deepActive()?.dataset?.action), "crash", "the menu opens on Crash");
    // Paused, a command is drawn at once, and the menu is refreshed with it: Crash goes.
    await h.page.evaluate(() => window.raftLive.el.command({ op: "crash", node: 3 }));
    await until(h, "node 3 down", (_, el) => !el.frame().nodes[2].up);
    assert.equal(await h.page.evaluate(() => window.__e2e.deepActive()?.dataset?.action), "restart",
      "the focus moved from the disabled Crash to Restart, the nearest action offered");
    await h.page.keyboard.press("s");
    await until(h, "node 3 restarted from the menu's letter", (_, el) => el.frame().nodes[2].up);
  }, { viewport: { width: 1366, height: 500 } });
});

test("the page's shortcuts: space pauses and plays, c crashes the selected node, s restarts it", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    const leader = await waitStableLeader(h);
    await h.page.evaluate(() => document.activeElement?.blur());
    await h.page.keyboard.press(" ");
    await until(h, "paused by space", (_, el) => !el.playing);
    await h.page.keyboard.press(" ");
    await until(h, "playing again", (_, el) => el.playing);
    const other = leader.id === 1 ? 2 : 1;
    await h.page.keyboard.press(String(other));
    await h.page.evaluate(() => document.activeElement?.blur());
    await h.page.keyboard.press("c");
    await until(h, `node ${other} crashed by c`, (id, el) => !el.frame().nodes[id - 1].up, other);
    await h.page.keyboard.press("s");
    await until(h, `node ${other} restarted by s`, (id, el) => el.frame().nodes[id - 1].up, other);
  });
});

// A number key focuses its node; Space then still plays and pauses (the page's help), and
// opens no menu: a second Space acted in it, on its first action (crash).
test("with a node focused by its number, space pauses and plays and opens no menu", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    await h.page.keyboard.press("2");
    assert.match(await h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive())), /circle\.hit\[data-id=2\]/);
    await h.page.keyboard.press(" ");
    await until(h, "paused by space", (_, el) => !el.playing);
    await h.page.keyboard.press(" ");
    await until(h, "playing again", (_, el) => el.playing);
    const state = await h.page.evaluate((host) => {
      const el = window.__e2e.el(host);
      const menu = window.__e2e.q(el, ".node-menu");
      return { menu: !!menu && !menu.hidden, up: el.frame().nodes[1].up };
    }, h.host);
    assert.deepEqual(state, { menu: false, up: true });
    // Enter opens the focused node's menu.
    await h.page.keyboard.press("Enter");
    await until(h, "the menu opened by Enter", (_, el) => { const m = window.__e2e.q(el, ".node-menu"); return m && !m.hidden; });
  });
});

// The issue: the help dialog opened scrolled to its bottom (its Close button's focus
// scrolled it), so the first thing to read was out of view.
for (const [how, viewport] of [["the header's ? button", { width: 1280, height: 860 }], ["the ? key", { width: 390, height: 640 }]]) {
  test(`the help dialog opens scrolled to its top (by ${how}, ${viewport.width}x${viewport.height})`, async () => {
    await withPage(env, { seed: "1", speed: "1" }, async (h) => {
      if (how.includes("button")) await h.page.locator("#help").click();
      else {
        await h.page.evaluate(() => document.activeElement?.blur());
        await h.page.keyboard.press("?");
      }
      const d = h.in(".help-dialog");
      await d.waitFor({ state: "visible", timeout: T_SHORT });
      await settle(h.page);
      await h.page.waitForTimeout(200);
      const m = await d.evaluate((d) => {
        const heading = d.querySelector("h2").getBoundingClientRect();
        const box = d.getBoundingClientRect();
        const scrollers = [d, ...d.querySelectorAll("*")].filter((e) => e.scrollHeight > e.clientHeight + 1 && getComputedStyle(e).overflowY !== "visible");
        return {
          scrolled: scrollers.map((e) => [e.tagName, e.className, e.scrollTop]).filter((x) => x[2] > 0),
          headingTop: heading.top,
          boxTop: box.top,
          text: d.querySelector("h2").textContent,
          keys: !d.querySelector(".help-keys").hidden,
        };
      });
      assert.deepEqual(m.scrolled, [], "nothing in the dialog is scrolled down");
      assert.ok(m.headingTop >= m.boxTop - 1 && m.headingTop < innerHeightOf(viewport), `the heading "${m.text}" is in view (top ${m.headingTop}, dialog top ${m.boxTop})`);
      assert.equal(m.keys, true, "on the page, the help lists the keyboard shortcuts");
      assert.equal(await h.page.evaluate(() => window.__e2e.deepActive()?.tagName), "H2", "the focus is on the heading, in view");
      await h.page.keyboard.press("Escape");
      await d.waitFor({ state: "hidden", timeout: T_SHORT });
    }, { viewport });
  });
}

function innerHeightOf(v) {
  return v.height;
}

// After a slider was touched the page's shortcuts stopped: the page left every key to an
// input with the focus. A slider keeps only its own keys (arrows, Home, End, PageUp,
// PageDown); a text or number field keeps them all.
test("with a slider focused, the shortcuts work and the slider keeps its own keys; a number field keeps every key", async () => {
  await withPage(env, { seed: "7", speed: "0.5" }, async (h) => {
    await waitStableLeader(h);
    const active = () => h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive()));
    for (const sel of [".rc-speed", ".rc-latency", ".rc-loss", ".rc-timeline"]) {
      await h.in(sel).focus();
      assert.match(await active(), new RegExp(sel.replace(".", "\\.")), `${sel} has the focus`);
      // Space pauses and plays from the slider.
      await h.page.keyboard.press(" ");
      await until(h, `paused by space on ${sel}`, (_, el) => !el.playing);
      await h.page.keyboard.press(" ");
      await until(h, `playing again by space on ${sel}`, (_, el) => el.playing);
      // x opens the export dialog; Escape closes it.
      await h.in(sel).focus();
      await h.page.keyboard.press("x");
      await h.in(".export-dialog").waitFor({ state: "visible", timeout: T_SHORT });
      await h.page.keyboard.press("Escape");
      await h.in(".export-dialog").waitFor({ state: "hidden", timeout: T_SHORT });
    }
    // The slider's own keys stay its own: ArrowRight moves the speed, it does not step the run.
    await h.in(".rc-speed").focus();
    await h.page.keyboard.press(" ");
    await until(h, "paused", (_, el) => !el.playing);
    const before = await h.page.evaluate(() => ({ now: window.raftLive.frame().now, speed: window.raftLive.el.settings.speed }));
    await h.page.keyboard.press("ArrowRight");
    await settle(h.page);
    // An arrow press moves the speed a tenth of a decade, which the readout shows.
    const stepped = await h.page.evaluate(() => ({ speed: window.raftLive.el.settings.speed, out: window.__e2e.q(window.raftLive.el, ".rc-speed-out").textContent }));
    assert.ok(Math.abs(Math.log10(stepped.speed / before.speed) - 0.1) < 0.011, `ArrowRight: ${before.speed} → ${stepped.speed}`);
    assert.notEqual(stepped.out, "0.10×", `the readout moved: ${stepped.out}`);
    await h.page.keyboard.press("Home");
    await settle(h.page);
    const after = await h.page.evaluate(() => ({ now: window.raftLive.frame().now, speed: window.raftLive.el.settings.speed }));
    assert.equal(after.now, before.now, "ArrowRight and Home on the speed slider neither step nor seek the run");
    assert.ok(Math.abs(after.speed - 0.01) < 1e-9, `Home took the speed slider to its least, 0.01 (${after.speed}; was ${before.speed})`);
    // A number field keeps every key: a digit typed there selects no node.
    await h.in(".rc-nodes").focus();
    await h.page.keyboard.press("3");
    await h.page.keyboard.press("c");
    await settle(h.page);
    assert.equal(await h.page.evaluate(() => window.raftLive.el.selected), 0, "3 typed in the Nodes field selects no node");
    assert.ok(await h.page.evaluate(() => window.raftLive.frame().nodes.every((n) => n.up)), "c typed there crashes nothing");
  });
});

// --- the node menu: closed by Escape and by a press outside; Tab from it; non-voters ------

const activeWhat = (h) => h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive()));
const menuOpen = (h) => h.page.evaluate((host) => {
  const m = window.__e2e.q(window.__e2e.el(host), ".node-menu");
  return !!m && !m.hidden;
}, h.host);

// A menu opened by a click (or a tap) left the focus on the node, where Escape did nothing
// to it; and only a press inside the element's shadow root closed it.
test("a node menu opened by a click closes on Escape from the node, and on a press anywhere outside it", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    await nodeControl(h, 1).click();
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    assert.match(await activeWhat(h), /circle\.hit\[data-id=1\]/, "the click left the focus on node 1");
    await h.page.keyboard.press("Escape");
    await h.in(".node-menu").waitFor({ state: "hidden", timeout: T_SHORT });
    assert.match(await activeWhat(h), /circle\.hit\[data-id=1\]/, "Escape keeps the focus on node 1");
    assert.equal(await h.page.evaluate(() => window.raftLive.el.selected), 1, "that Escape closed the menu only (node 1 still selected)");
    // A press in the page's header, outside the element, closes it too.
    await nodeControl(h, 1).click();
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    await h.page.locator("header h1").click();
    await h.in(".node-menu").waitFor({ state: "hidden", timeout: T_SHORT });
  });
});

// On a phone with 9 nodes node 1's menu covers the cluster: a tap in the header left it
// open, and the next tap, on node 2's place, crashed node 1.
test("on a 360 px phone a tap outside node 1's menu closes it, and a tap on node 2's place then acts on node 2", async () => {
  await withPage(env, { seed: "7", speed: "1", nodes: "9" }, async (h) => {
    await waitStableLeader(h);
    await h.page.evaluate(() => window.raftLive.el.pause());
    await nodeControl(h, 1).scrollIntoViewIfNeeded();
    const p2 = await nodeControl(h, 2).boundingBox();
    await nodeControl(h, 1).click();
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    const covered = await h.page.evaluate(({ x, y }) => {
      let e = document.elementFromPoint(x, y);
      while (e && e.shadowRoot && e.shadowRoot.elementFromPoint(x, y) && e.shadowRoot.elementFromPoint(x, y) !== e) e = e.shadowRoot.elementFromPoint(x, y);
      return !!e?.closest?.(".node-menu");
    }, { x: p2.x + p2.width / 2, y: p2.y + p2.height / 2 });
    assert.ok(covered, "node 1's menu covers node 2's place (the case of the report)");
    await h.page.locator("header h1").click();
    await h.in(".node-menu").waitFor({ state: "hidden", timeout: T_SHORT });
    const q2 = await nodeControl(h, 2).boundingBox();
    await h.page.mouse.click(q2.x + q2.width / 2, q2.y + q2.height / 2);
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    assert.match(await h.in(".node-menu-title").textContent(), /^Node 2 /, "the tap opened node 2's menu");
    const up = await h.page.evaluate(() => window.raftLive.el.frame().nodes.map((v) => v.up));
    assert.deepEqual(up, up.map(() => true), "no node was crashed by a tap meant for another place");
  }, { viewport: { width: 360, height: 800 } });
});

// The menu sits late in the document: Tab from it went to the panels' controls, past the
// other nodes.
test("Tab from an open node menu closes it and goes on to the next node; Shift+Tab goes back to its node", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    await h.page.keyboard.press("2");
    await until(h, "node 2 selected", (_, el) => el.selected === 2);
    await h.page.keyboard.press("Enter");
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    await h.page.keyboard.press("Tab");
    await h.in(".node-menu").waitFor({ state: "hidden", timeout: T_SHORT });
    assert.match(await activeWhat(h), /circle\.hit\[data-id=3\]/, "Tab went from node 2's menu to node 3");
    await h.page.keyboard.press("Enter");
    await h.in(".node-menu").waitFor({ state: "visible", timeout: T_SHORT });
    assert.match(await h.in(".node-menu-title").textContent(), /^Node 3 /);
    await h.page.keyboard.press("Shift+Tab");
    await h.in(".node-menu").waitFor({ state: "hidden", timeout: T_SHORT });
    assert.match(await activeWhat(h), /circle\.hit\[data-id=3\]/, "Shift+Tab went from node 3's menu back to node 3");
  });
});

// A learner (or a removed node) never campaigns: the menu offered Force election timeout
// and Transfer leadership here, which did nothing but log "4 is unpromotable".
test("the node menu offers no election timeout or transfer to a learner or a removed node, and says why", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "3" }, async (h) => {
    await waitStableLeader(h);
    await h.page.evaluate(() => document.activeElement?.blur());
    await h.page.keyboard.press("l");
    await until(h, "node 4 a learner", (_, el) => el.frame().nodes[3]?.member === "learner", null, T_LONG);
    await h.page.keyboard.press("4");
    await h.page.keyboard.press("Enter");
    const menu = h.in(".node-menu");
    await menu.waitFor({ state: "visible", timeout: T_SHORT });
    for (const a of ["campaign", "transfer"]) {
      const b = menu.locator(`[data-action="${a}"]`);
      assert.equal(await b.isDisabled(), true, `${a} is disabled for a learner`);
      assert.match(await b.getAttribute("title"), /Node 4 is a learner/, `${a}: its title says why`);
    }
    assert.equal(await menu.locator('[data-action="promote"]').isDisabled(), false, "a learner may be promoted");
    // Every greyed action says why: the leader's own menu.
    const leaderMenu = await h.page.evaluate(() => {
      const el = window.raftLive.el;
      el.openNodeMenu(el.frame().leader);
      return window.__e2e.qa(el, ".node-menu button").map((b) => ({ action: b.dataset.action, off: b.disabled, title: b.title }));
    });
    const said = Object.fromEntries(leaderMenu.filter((b) => b.off).map((b) => [b.action, b.title]));
    const lead = await h.page.evaluate(() => window.raftLive.el.frame().leader);
    assert.deepEqual(said, {
      restart: `Node ${lead} is up`, campaign: `Node ${lead} leads already`, transfer: `Node ${lead} leads already`,
      promote: `Node ${lead} is not a learner`,
    });
    assert.ok(leaderMenu.filter((b) => !b.off).every((b) => b.title === ""), "an action offered carries no reason");
    await h.page.keyboard.press("Escape");
    await h.page.keyboard.press("4");
    await h.page.keyboard.press("Enter");
    await menu.waitFor({ state: "visible", timeout: T_SHORT });
    await h.page.keyboard.press("e");
    await h.page.waitForTimeout(300);
    assert.equal(await menuOpen(h), true, "e chose nothing (its action is off)");
    await h.page.keyboard.press("Escape");
    await menu.waitFor({ state: "hidden", timeout: T_SHORT });
    // Removed, the same.
    await h.page.evaluate(() => window.raftLive.el.command({ op: "remove", node: 4 }));
    await until(h, "node 4 removed", (_, el) => el.frame().nodes[3].member === "removed", null, T_LONG);
    const off = await menuDisabled(h, 4, ["campaign", "transfer"]);
    assert.deepEqual(off, { campaign: true, transfer: true });
    // A voter that is up and not the leader keeps them.
    const f = await h.page.evaluate(() => window.raftLive.el.frame());
    const voter = f.nodes.find((v) => v.member === "voter" && v.id !== f.leader && v.up).id;
    assert.deepEqual(await menuDisabled(h, voter, ["campaign", "transfer"]), { campaign: false, transfer: false });
  });
});

// --- the focus never falls to <body> when what had it goes or is turned off ---------------

const SCRIPT = `nodes 3
seed 2
pause "one"
run 1500ms
pause "two"
run 1500ms
pause "three"
`;

test("the narration's Continue and Back keep the focus when they are turned off (a step playing, the first step)", async () => {
  await withPage(env, { speed: "1" }, async (h) => {
    const step = (k) => until(h, `step ${k} reached`, (k, el) => { const s = el.script(); return s && s.waiting && s.step === k; }, k, T_LONG);
    await step(1);
    await h.in(".rc-continue").focus();
    await h.page.keyboard.press("Enter");
    await until(h, "step 2 playing", (_, el) => !el.script().waiting);
    assert.match(await activeWhat(h), /\.rc-continue\b/, "while the step plays, Continue keeps the focus");
    await step(2);
    assert.match(await activeWhat(h), /\.rc-continue\b/);
    await h.page.keyboard.press("Enter");
    await step(3);
    await h.in(".rc-back").focus();
    await h.page.keyboard.press("Enter");
    await step(2);
    await h.page.keyboard.press("Enter");
    await step(1);
    assert.match(await activeWhat(h), /\.rc-back\b/, "Back to step 1 keeps the focus on Back");
    assert.equal(await h.in(".rc-back").getAttribute("aria-disabled"), "true", "Back is off on step 1 (said so)");
    // Off, it does nothing.
    await h.page.keyboard.press("Enter");
    await h.page.waitForTimeout(200);
    assert.equal(await h.page.evaluate(() => window.raftLive.el.script().step), 1);
  }, { hash: `#scenario=${encodeURIComponent(SCRIPT)}` });
});

test("dismissing a note with its × gives the focus to the next note, then to the element's first control", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await h.page.evaluate(() => {
      window.raftLive.el.addNote("First note");
      window.raftLive.el.addNote("Second note");
    });
    await h.in(".rc-notes .note-close").first().focus();
    await h.page.keyboard.press("Enter");
    const after1 = await h.page.evaluate(() => {
      const a = window.__e2e.deepActive();
      return { cls: a?.className ?? "", text: a?.closest?.("p")?.textContent ?? "" };
    });
    assert.equal(after1.cls, "note-close", "the focus went to the other note's ×");
    assert.match(after1.text, /Second note/);
    await h.page.keyboard.press("Enter");
    const after2 = await activeWhat(h);
    assert.doesNotMatch(after2, /^body/, `the focus did not fall to <body>: ${after2}`);
    assert.match(after2, /#cluster >> /, `it stays in the element: ${after2}`);
    assert.equal(await h.in(".rc-notes").isHidden(), true);
  });
});

test("a strip label with the focus keeps it when the strips are rebuilt (a, l, r)", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await waitStableLeader(h);
    const label = h.in('.strip-label[aria-label="Select node 1"]');
    await label.focus();
    for (const [key, what] of [["a", "a node added"], ["l", "a learner added"], ["r", "the cluster rebuilt"]]) {
      const n = await h.page.evaluate(() => window.raftLive.el.frame().nodes.length);
      await h.page.keyboard.press(key);
      if (key !== "r") await until(h, what, (n, el) => el.frame().nodes.length > n, n, T_LONG);
      else await h.page.waitForTimeout(400);
      const a = await h.page.evaluate(() => { const e = window.__e2e.deepActive(); return e?.getAttribute?.("aria-label") ?? e?.tagName; });
      assert.equal(a, "Select node 1", `after ${what}, node 1's strip label has the focus`);
    }
  });
});

// The shortcuts e and t on a learner did what its menu refuses (the core logged
// "unpromotable and can not campaign"): they say the menu's reason instead.
test("e and t on a learner say why not, as its menu does, and send nothing", async () => {
  await withPage(env, { seed: "7", speed: "1", nodes: "3" }, async (h) => {
    await waitStableLeader(h);
    await h.page.evaluate(() => document.activeElement?.blur());
    await h.page.keyboard.press("l");
    await until(h, "node 4 a learner", (_, el) => el.frame().nodes[3]?.member === "learner", null, T_LONG);
    await h.page.keyboard.press("4");
    await h.page.evaluate(() => document.activeElement?.blur());
    const lines = await h.page.evaluate(() => window.raftLive.el.frame().nodes.length);
    assert.equal(lines, 4);
    for (const key of ["e", "t"]) {
      await h.page.keyboard.press(key);
      await until(h, `the note for ${key}`, (_, el) => /Node 4 is a learner: it never votes or campaigns \(promote it first\)\./.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    }
    const log = await h.page.evaluate(() => window.__e2e.q(window.raftLive.el, ".rc-events")?.textContent ?? "");
    assert.doesNotMatch(log, /unpromotable|Transfer refused/);
  });
});
