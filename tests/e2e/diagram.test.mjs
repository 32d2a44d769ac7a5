// The space-time diagram: it draws exactly the messages the simulator recorded in its
// window; an arrow pointed at shows its tip (with the rule behind an answer) and lights its
// event-log lines, a line pointed at lights its arrow; a click moves the timeline there;
// the `view` attribute (and ?view=) chooses what the element shows, a bad value is named;
// the SVG and Mermaid exports hold one arrow per message of the window; the picture it adds
// to as the run goes is the one it draws whole; and the page with the diagram passes an
// axe-core audit.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { sharedEnv, withPage, settle, until, axeSource, axeSerious, formatViolations, SEC, T_SHORT, T_LONG, ARTIFACTS } from "./lib.mjs";
import { lineTellsOf } from "../../www/src/views/diagram.js";

axeSource();
const env = sharedEnv();
// axe's script is injected: this context alone bypasses the CSP (the others check it holds).
const axeEnv = sharedEnv({ contextOptions: { bypassCSP: true } });

/** Runs until a leader was elected at least `t` µs ago, then pauses (and lets it redraw). */
async function runThenPause(h, t = 0.4 * SEC) {
  await until(h, "a leader", (_, el) => {
    const f = el.frame();
    return !!f.leader && f.now > 0.6e6;
  }, null, T_LONG);
  await h.page.waitForTimeout(Math.max(0, t / 1000));
  await h.page.evaluate((host) => window.__e2e.el(host).pause(), h.host);
  await settle(h.page);
  await settle(h.page);
}

/** Picks the window (seconds) from the diagram's Window menu. */
async function setWindow(h, s) {
  await h.in(".dg-window").selectOption(String(s));
  await settle(h.page);
}

/** The ids of the messages the simulator recorded as sent in the diagram's window. */
async function simIds(h) {
  return h.page.evaluate((host) => {
    const el = window.__e2e.el(host);
    const s = el.diagramShown();
    return { shown: s.ids, sim: el.sim.diagram(s.from, s.now + 1).messages.map((m) => m[0]) };
  }, h.host);
}

test("the diagram draws exactly the messages the simulator recorded in its window", async () => {
  await withPage(env, { seed: "42", speed: "1", view: "both" }, async (h) => {
    assert.equal(await h.in(".rc-diagram").isVisible(), true, "index.html shows the diagram");
    assert.equal(await h.in(".rc-cluster").isVisible(), true, "index.html shows the cluster too");
    await runThenPause(h);
    for (const w of ["1", "5", "0.25"]) {
      await setWindow(h, w);
      const { shown, sim } = await simIds(h);
      assert.ok(sim.length > 0, `window ${w} s: the simulator recorded messages`);
      assert.deepEqual(shown, sim, `window ${w} s: the arrows drawn are the messages sent in the window`);
    }
    // Running, the arrows drawn are the recorded ones plus those sent since the last fetch,
    // none sent before the window (it slides between two fetches: paused at a few moments).
    for (const ms of [700, 350, 520, 410, 630, 300]) {
      await h.page.evaluate((host) => window.__e2e.el(host).play(), h.host);
      await h.page.waitForTimeout(ms);
      const live = await h.page.evaluate((host) => {
        const el = window.__e2e.el(host);
        el.pause();
        const s = el.diagramShown();
        const sim = el.sim.diagram(s.from, s.now + 1).messages.map((m) => m[0]);
        return { shown: s.ids, sim };
      }, h.host);
      const simSet = new Set(live.sim);
      const extra = live.shown.filter((id) => !simSet.has(id));
      assert.deepEqual(extra, [], `paused after ${ms} ms: every arrow drawn while running is a recorded message of the window`);
    }
  });
});

/** An answer's arrow (with a reason) standing clear of the others, in client px. */
async function clearAnswer(h) {
  return h.page.evaluate((host) => {
    const el = window.__e2e.el(host);
    const s = el.diagramShown();
    const d = el.sim.diagram(s.from, s.now + 1);
    const why = new Map(d.why.map(([id, k]) => [id, d.whyTexts[k]]));
    const segDist = (x, y, a) => {
      const dx = a.x2 - a.x1, dy = a.y2 - a.y1, l2 = dx * dx + dy * dy;
      const u = l2 > 0 ? Math.max(0, Math.min(1, ((x - a.x1) * dx + (y - a.y1) * dy) / l2)) : 0;
      return Math.hypot(a.x1 + u * dx - x, a.y1 + u * dy - y);
    };
    for (const a of s.arrows) {
      if (!why.has(a.id) || !/VoteResp$/.test(a.kind)) continue;
      for (const u of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
        const x = a.x1 + (a.x2 - a.x1) * u, y = a.y1 + (a.y2 - a.y1) * u;
        const others = s.arrows.filter((b) => b.id !== a.id).map((b) => segDist(x, y, b));
        if (others.every((d) => d > 3)) return { id: a.id, kind: a.kind, x, y, why: why.get(a.id) };
      }
    }
    return null;
  }, h.host);
}

test("an arrow pointed at shows its tip with the rule behind it and lights its event-log lines; a line lights its arrow", async () => {
  await withPage(env, { seed: "42", speed: "1", view: "both" }, async (h) => {
    // Paused soon after the first election (about 0.2 s in): a window of 0.5 s holds it.
    await until(h, "a leader", (_, el) => !!el.frame().leader, null, T_LONG);
    await h.page.evaluate(() => window.__e2e.el("#cluster").pause());
    await settle(h.page);
    await setWindow(h, 0.5);
    const a = await clearAnswer(h);
    assert.ok(a, "an answer's arrow stands clear of the others in the window");
    await h.page.mouse.move(a.x, a.y);
    await h.in(".rc-tip").waitFor({ state: "visible" });
    const m = await h.page.evaluate((id) => {
      const el = window.__e2e.el("#cluster");
      const row = el.sim.diagram(0, el.frame().now + 1).messages.find((r) => r[0] === id);
      return { kind: row[1], from: row[2], to: row[3], term: row[4] };
    }, a.id);
    assert.equal(await h.in(".rc-tip .tip-head").textContent(), `${m.kind} ${m.from} → ${m.to} · term ${m.term}`);
    const why = await h.in(".rc-tip .tip-why").textContent();
    assert.ok(a.why, "the simulator gives the answer's reason");
    assert.equal(why, `why: ${a.why}`, "the tip says the answer's reason");
    const lines = await h.page.evaluate(() => window.__e2e.qa(window.__e2e.el("#cluster"), ".event-log li.linked")
      .map((li) => ({ node: Number(li.dataset.node), t: Number(li.dataset.t), text: li.textContent })));
    assert.ok(lines.length >= 1, "the answer's event-log line is lit");
    for (const l of lines) {
      assert.ok(l.node === m.from || l.node === m.to, `a lit line is the sender's or the receiver's: ${JSON.stringify(l)}`);
      assert.ok(l.text.includes(m.kind.replace(/Resp$/, "")), `a lit line names the message: ${l.text}`);
    }
    // Away from the arrow: the tip goes, the lines go dark.
    await h.page.mouse.move(5, 5);
    await h.in(".rc-tip").waitFor({ state: "hidden" });
    assert.equal(await h.in(".event-log li.linked").count(), 0);

    // The other way: a vote's event-log line lights its arrows.
    const line = h.in(".event-log li").filter({ hasText: / cast MsgVote for \d+/ }).first();
    await line.hover();
    await settle(h.page);
    const lit = await h.page.evaluate(() => window.__e2e.el("#cluster").diagramShown().lit);
    assert.ok(lit.length >= 1, "the line lights the vote's arrows");
    const kinds = await h.page.evaluate((ids) => {
      const el = window.__e2e.el("#cluster");
      const rows = el.sim.diagram(0, el.frame().now + 1).messages;
      return ids.map((id) => rows.find((r) => r[0] === id)[1]);
    }, lit);
    assert.ok(kinds.every((k) => k === "MsgVote" || k === "MsgVoteResp"), `lit arrows: ${kinds}`);
  });
});

// An arrow's lines: a request's and its answer's told apart where one node, in one instant,
// receives 5's answer to its own pre-vote and answers 5's (the seed-7 start at 0.264 s).
test("an arrow lights the lines of its own message, a request's not its answer's", () => {
  const at = 264000;
  const line = (node, text) => ({ node, t: at, text });
  const cast = line(3, "3 [logterm: 1, index: 2, vote: 0] cast MsgPreVote for 5 [logterm: 1, index: 2] at term 1");
  const got = line(3, "3 received MsgPreVoteResp from 5 at term 1");
  const arrow = (kind, from, to, sent, endedAt) => ({ kind, from, to, sent, endedAt, end: "delivered" });
  // 5 -> 3: 5's pre-vote request, delivered now; 3 answers it (cast), and that line sends 3 -> 5.
  const request = arrow("MsgPreVote", 5, 3, at - 9000, at);
  const answerTo5 = arrow("MsgPreVoteResp", 3, 5, at, at + 12000);
  // 5 -> 3: 5's answer to 3's own pre-vote, delivered in the same instant.
  const answerFrom5 = arrow("MsgPreVoteResp", 5, 3, at - 11000, at);
  assert.deepEqual([cast, got].map((l) => lineTellsOf(request, l)), [true, false]);
  assert.deepEqual([cast, got].map((l) => lineTellsOf(answerTo5, l)), [true, false]);
  assert.deepEqual([cast, got].map((l) => lineTellsOf(answerFrom5, l)), [false, true]);
  // An append's rejection and its answer.
  const rejected = line(2, "2 [logterm: 1, index: 3] rejected MsgApp [logterm: 2, index: 4] from 1");
  const heard = { node: 1, t: at + 5000, text: "1 received MsgAppResp(rejected, hint: (index 3, term 1)) from 2 for index 4" };
  const app = arrow("MsgApp", 1, 2, at - 10000, at);
  const appResp = arrow("MsgAppResp", 2, 1, at, at + 5000);
  assert.deepEqual([rejected, heard].map((l) => lineTellsOf(app, l)), [true, false]);
  assert.deepEqual([rejected, heard].map((l) => lineTellsOf(appResp, l)), [true, true]);
});

test("from the keyboard: the arrows chip walks the arrows (the clock holds); Escape lets the clock go and keeps the focus", async () => {
  await withPage(env, { seed: "42", speed: "1", view: "both" }, async (h) => {
    await until(h, "a leader", (_, el) => !!el.frame().leader, null, T_LONG);
    const chip = h.in(".dg-nav");
    await chip.focus();
    await until(h, "the clock held while the chip has the focus", (_, el) => el.controller.held && !el.running);
    await h.page.keyboard.press("ArrowRight");
    await h.in(".rc-tip").waitFor({ state: "visible", timeout: T_SHORT });
    assert.match(await h.in(".rc-tip .tip-head").textContent(), /^Msg\w+ \d+ → \d+ · term \d+$/, "the tip names the chosen arrow");
    await h.page.keyboard.press("Escape");
    await until(h, "the clock running again after Escape", (_, el) => el.running && !el.controller.held);
    await h.in(".rc-tip").waitFor({ state: "hidden", timeout: T_SHORT });
    assert.equal(await chip.evaluate((c) => c.getRootNode().activeElement === c), true, "Escape leaves the focus on the chip");
    await h.page.keyboard.press("ArrowLeft");
    await until(h, "the clock held again by an arrow key", (_, el) => el.controller.held && !el.running);
    await h.in(".rc-tip").waitFor({ state: "visible", timeout: T_SHORT });
    // Tab away: the walk ends too.
    await h.page.keyboard.press("Tab");
    await until(h, "the clock running after Tab left the chip", (_, el) => el.running && !el.controller.held);
  });
});

test("clicking the diagram moves the timeline to the time clicked", async () => {
  await withPage(env, { seed: "42", speed: "1", view: "both" }, async (h) => {
    await runThenPause(h);
    const at = await h.page.evaluate(() => {
      const s = window.__e2e.el("#cluster").diagramShown();
      const t = s.from + (s.now - s.from) * 0.4;
      const x = s.left + ((t - s.from) / (s.to - s.from)) * (s.right - s.left);
      return { t, x, y: s.top + (s.bottom - s.top) * 0.5, usPerPx: (s.to - s.from) / (s.right - s.left) };
    });
    await h.page.mouse.click(at.x, at.y);
    await until(h, "the seek", (t, el) => Math.abs(el.frame().now - t) < 100_000, at.t);
    const now = await h.page.evaluate(() => window.__e2e.el("#cluster").frame().now);
    assert.ok(Math.abs(now - at.t) <= 2 * at.usPerPx, `clicked ${at.t} µs, the timeline is at ${now} µs`);
    // Paused, the diagram follows the timeline: its now line is where the run is.
    await settle(h.page);
    const s = await h.page.evaluate(() => window.__e2e.el("#cluster").diagramShown());
    assert.equal(s.now, now);
    const { shown, sim } = await simIds(h);
    assert.deepEqual(shown, sim, "after the seek the arrows are the recorded ones up to the new time");
  });
});

test("diagram-window chooses the diagram's window; the Window menu sets it; a bad value is named", async () => {
  await withPage(env, { seed: "7", view: "diagram", "diagram-window": "0.25", paused: "1" }, async (h) => {
    await until(h, "the diagram drawn", (_, el) => el.diagramShown().to > 0);
    const s = await h.page.evaluate(() => window.raftCluster.diagramShown());
    assert.equal(s.to - s.from, 250000, "a quarter of a second of simulated time");
    assert.equal(await h.in(".dg-window").inputValue(), "0.25", "the menu shows it");
    await h.in(".dg-window").selectOption("2");
    await settle(h.page);
    const after = await h.page.evaluate(() => ({ attr: window.raftCluster.getAttribute("diagram-window"), prop: window.raftCluster.diagramWindow, s: window.raftCluster.diagramShown() }));
    assert.equal(after.attr, "2", "the menu sets the attribute");
    assert.equal(after.prop, "2", "reflected to the diagramWindow property");
    assert.equal(after.s.to - after.s.from, 2000000);
  }, { path: "embed.html" });
  await withPage(env, { seed: "7", view: "both", "diagram-window": "3" }, async (h) => {
    const note = await h.in(".rc-notes").textContent();
    assert.match(note, /diagram-window="3" is not valid: expected one of 0\.25, 0\.5, 1, 2, 5 \(seconds\)\. Using the default, 1\./);
    assert.equal(await h.in(".dg-window").inputValue(), "1");
  });
});

test("the view attribute chooses the cluster, the diagram or both; a bad value is named", async () => {
  await withPage(env, { seed: "7", view: "diagram" }, async (h) => {
    assert.equal(await h.in(".rc-diagram").isVisible(), true);
    assert.equal(await h.in(".rc-cluster").isVisible(), false);
    const prop = await h.page.evaluate(() => {
      const el = window.raftCluster;
      const was = el.view;
      el.view = "both";
      return was;
    });
    assert.equal(prop, "diagram", "the attribute is reflected to the view property");
    await settle(h.page);
    assert.equal(await h.in(".rc-cluster").isVisible(), true);
    assert.equal(await h.in(".rc-diagram").isVisible(), true);
  }, { path: "embed.html" });
  await withPage(env, { seed: "7" }, async (h) => {
    assert.equal(await h.in(".rc-diagram").isVisible(), false, "an embed shows the cluster alone by default");
    assert.equal(await h.in(".rc-cluster").isVisible(), true);
  }, { path: "embed.html" });
  await withPage(env, { seed: "7", view: "sideways" }, async (h) => {
    const note = await h.in(".rc-notes").textContent();
    assert.match(note, /view="sideways" is not valid: expected cluster, diagram or both\. Using the default, cluster\./);
    assert.equal(await h.in(".rc-diagram").isVisible(), false);
  }, { path: "embed.html" });
  await withPage(env, { seed: "7", view: "sideways" }, async (h) => {
    const note = await h.in(".rc-notes").textContent();
    assert.match(note, /URL parameter view="sideways" is not valid/);
  });
  await withPage(env, { seed: "7", view: "diagram" }, async (h) => {
    assert.equal(await h.in(".rc-cluster").isVisible(), false, "?view=diagram works on index.html");
    assert.equal(await h.in(".rc-view").inputValue(), "diagram");
    await h.in(".rc-view").selectOption("both");
    await settle(h.page);
    assert.equal(await h.in(".rc-cluster").isVisible(), true, "the View control shows both");
  });
});

test("the SVG and Mermaid exports hold one arrow per message of the window, standalone", async () => {
  await withPage(env, { seed: "42", speed: "1", loss: "0.1", view: "both" }, async (h) => {
    await runThenPause(h);
    await setWindow(h, 2);
    const out = await h.page.evaluate(() => {
      const el = window.__e2e.el("#cluster");
      const s = el.diagramShown();
      return { n: el.sim.diagram(s.from, s.now + 1).messages.length, svg: el.diagramSvg(), mermaid: el.diagramMermaid() };
    });
    // Parsed in a blank page: a document parsed in the playground inherits its policy, which
    // (rightly) refuses the picture's own <style> and says so on the console.
    const blank = await env.context.newPage();
    const r = await blank.evaluate(({ n, svg, mermaid }) => {
      const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
      return {
        n,
        parserError: doc.getElementsByTagName("parsererror").length,
        root: doc.documentElement.localName,
        hrefs: [...doc.querySelectorAll("*")].filter((e) => e.hasAttribute("href") || e.hasAttributeNS("http://www.w3.org/1999/xlink", "href")).length,
        externalUrl: /url\(\s*['"]?(?!#)/.test(svg),
        arrows: doc.querySelectorAll('g[class^="arrow"]').length,
        mermaidHead: mermaid.split("\n")[0],
        mermaidArrows: mermaid.split("\n").filter((l) => /^\s*N\d+[-x>)]+N\d+: Msg\w+/.test(l)).length,
      };
    }, out);
    await blank.close();
    assert.ok(r.n > 0);
    assert.equal(r.parserError, 0, "the SVG parses");
    assert.equal(r.root, "svg");
    assert.equal(r.hrefs, 0, "no href: nothing to fetch");
    assert.equal(r.externalUrl, false, "no external url(…)");
    assert.equal(r.arrows, r.n, "one arrow group per message of the window");
    assert.equal(r.mermaidHead, "sequenceDiagram");
    assert.equal(r.mermaidArrows, r.n, "one Mermaid arrow line per message of the window");

    // The buttons download the same texts (a data: URL, which the page's policy allows).
    for (const [sel, ext, fn] of [[".dg-svg", ".svg", "diagramSvg"], [".dg-mermaid", ".mmd", "diagramMermaid"]]) {
      const [dl] = await Promise.all([h.page.waitForEvent("download"), h.in(sel).click()]);
      assert.ok(dl.suggestedFilename().endsWith(ext), dl.suggestedFilename());
      const file = await dl.path();
      const text = (await import("node:fs")).readFileSync(file, "utf8");
      const want = await h.page.evaluate((fn) => window.__e2e.el("#cluster")[fn](), fn);
      assert.equal(text, want, `${sel} downloads the window`);
    }
  });
});

test("axe-core finds no serious or critical violation on index.html with the diagram shown", async () => {
  await withPage(axeEnv, { seed: "7", speed: "1", view: "both" }, async (h) => {
    await h.page.waitForTimeout(1500);
    await h.page.evaluate(() => window.__e2e.el("#cluster").pause());
    await settle(h.page);
    await h.page.waitForTimeout(300);
    assert.equal(await h.in(".rc-diagram").isVisible(), true);
    const serious = await axeSerious(h.page);
    assert.equal(serious.length, 0, `${serious.length} serious or critical axe violation(s):\n    ${formatViolations(serious)}`);
  });
});

test("docs.html's diagram example draws the diagram beside its cluster, with no message", async () => {
  await withPage(env, {}, async (h) => {
    const host = '.example .demo raft-cluster[view="both"]';
    // An element runs while it is on screen.
    await h.page.locator(host).scrollIntoViewIfNeeded();
    await h.page.waitForFunction((host) => {
      const el = document.querySelector(host);
      return el && el.frame && el.frame() && el.diagramShown().ids.length > 0;
    }, host, { timeout: T_LONG });
    const r = await h.page.evaluate((host) => {
      const el = document.querySelector(host);
      const q = (s) => el.shadowRoot.querySelector(s);
      return { diagram: window.__e2e.visible(q(".rc-diagram")), cluster: window.__e2e.visible(q(".rc-cluster")), notes: q(".rc-notes").hidden };
    }, host);
    assert.deepEqual(r, { diagram: true, cluster: true, notes: true });
  }, { path: "docs.html", waitReady: false });
});

test("a tap on an arrow shows its tip (a finger cannot hover) and leaves the timeline where it is", async () => {
  await withPage(env, { seed: "42", speed: "1", view: "both" }, async (h) => {
    await runThenPause(h);
    const target = await h.page.evaluate((host) => {
      const s = window.__e2e.el(host).diagramShown();
      // A long arrow, tapped at its middle.
      const a = s.arrows.reduce((b, x) => (Math.hypot(x.x2 - x.x1, x.y2 - x.y1) > Math.hypot(b.x2 - b.x1, b.y2 - b.y1) ? x : b));
      return { id: a.id, kind: a.kind, x: (a.x1 + a.x2) / 2, y: (a.y1 + a.y2) / 2, now: window.__e2e.el(host).frame().now };
    }, h.host);
    const tip = await h.page.evaluate(([host, t]) => {
      const el = window.__e2e.el(host);
      const plot = window.__e2e.q(el, ".dg-plot");
      plot.dispatchEvent(new PointerEvent("click", { clientX: t.x, clientY: t.y, pointerType: "touch", bubbles: true, composed: true }));
      const tip = window.__e2e.q(el, ".rc-tip");
      return { hidden: tip.hidden, head: tip.querySelector(".tip-head").textContent, now: el.frame().now };
    }, [h.host, target]);
    assert.equal(tip.hidden, false, "the tapped arrow's tip is shown");
    assert.ok(tip.head.startsWith(target.kind), `${tip.head} is the tapped ${target.kind}`);
    assert.equal(tip.now, target.now, "a tap on an arrow does not move the timeline");
  });
});

test("the track added to as the run goes is the picture the diagram draws whole", async () => {
  // The diagram keeps what has happened on a layer it adds to at each fetch (and puts arrived
  // arrows on at once); drawn whole at the same moment, the plot must look the same. Painted
  // on the page (its worker's script answering 404) so that its pixels can be read. The run
  // has a crash, a new election and a restart, at 0.3x: several fetches add to the track.
  const script = "nodes 5\nseed 8\ncampaign 3\nstabilize\nrun 200ms\ncrash 3\nrun 1s\nrestart 3\nrun 2s\n";
  const pixels = (h) => h.page.evaluate((host) => {
    const c = window.__e2e.el(host).shadowRoot.querySelector(".dg-canvas");
    return { data: Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data), png: c.toDataURL(), width: c.width, k: c.width / c.getBoundingClientRect().width };
  }, h.host);
  await env.context.route("**/dist/paint-worker.js", (r) => r.fulfill({ status: 404, body: "" }));
  try {
    await withPage(env, { view: "both", speed: "0.3" }, async (h) => {
      await until(h, "the restart", (_, el) => el.frame().now > 1.5e6, null, T_LONG);
      await h.page.evaluate((host) => window.__e2e.el(host).pause(), h.host);
      await settle(h.page);
      const a = await pixels(h);
      // Another window and back: the track is drawn whole, at the same moment.
      await setWindow(h, "2");
      await setWindow(h, "1");
      const w = await pixels(h);
      // (Both pictures go to the artifacts, to be looked at.)
      for (const [name, p] of [["added", a], ["whole", w]]) {
        fs.writeFileSync(path.join(ARTIFACTS, `diagram-track-${name}.png`), Buffer.from(p.png.split(",")[1], "base64"));
      }
      const added = a.data, whole = w.data;
      assert.equal(added.length, whole.length);
      // The label of a stretch that began before the window: a whole drawing writes it at the
      // plot's left edge; on a track added to it stays where the stretch began, partly slid
      // out, until it has left (then it is written at the edge too): the first 130 px (the
      // gutter, 58, and such a label) are left out. The track slides
      // by whole device pixels, so what it holds may sit up to half a pixel off where a whole
      // drawing puts it: pixels are compared by the ink (alpha) around each, 3 × 3, which such
      // a shift keeps within ~400 and an arrow drawn twice or left out changes by ~1,000.
      const W = w.width, Hh = whole.length / 4 / W;
      const left = Math.round(130 * w.k);
      const ink = (px, x, y) => {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += px[((y + dy) * W + x + dx) * 4 + 3];
        return sum;
      };
      let painted = 0, differ = 0;
      for (let y = 1; y < Hh - 1; y++) {
        for (let x = Math.max(1, left); x < W - 1; x++) {
          const i = (y * W + x) * 4;
          if (!whole[i + 3] && !added[i + 3]) continue;
          painted++;
          if (Math.abs(ink(whole, x, y) - ink(added, x, y)) > 600) differ++;
        }
      }
      assert.ok(painted > 5000, `the plot is painted (${painted} pixels)`);
      assert.ok(differ / painted < 0.01, `${differ} of ${painted} painted pixels differ`);
    }, { hash: `#scenario=${encodeURIComponent(script)}`, clean: false });
  } finally {
    await env.context.unroute("**/dist/paint-worker.js");
  }
});
