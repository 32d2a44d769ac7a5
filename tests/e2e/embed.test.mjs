// The <raft-cluster> element, its iframe form and the docs page: independent clusters,
// one wasm download, starting and pausing with visibility, readable messages for bad
// attributes, style isolation, the CSP, and a legible 360 px embed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, withPage, CSP, WWW, ARTIFACTS, T_LONG, setRange, until } from "./lib.mjs";
import { serveTestFiles, testPage, waitFor, embedState, scenarioSteps, checkExpectation } from "./pages.mjs";

let env;
before(async () => {
  env = await launch();
  await serveTestFiles(env, { "/__e2e-host.css": HOST_CSS });
});
after(async () => {
  await env?.close();
});

// A hostile page: its styles must not reach into the elements, and theirs must not leak out.
const RED = "rgb(255, 0, 0)";
const HOST_CSS = `
body { margin: 0; font-family: serif; color: ${RED}; }
.row { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; }
button { background: ${RED} !important; }
.node .shape { fill: ${RED} !important; }
p { color: ${RED}; }
.spacer { height: 4000px; }
.narrow { width: 360px; }
`;

/** Serves a test page with `body` and runs `fn(h)` on it (withPage: checked clean, closed). */
async function withTestPage(name, body, fn, opts = {}) {
  const p = `/__e2e-${name}.html`;
  await serveTestFiles(env, { [p]: testPage(name, body) });
  return withPage(env, {}, fn, { path: p.slice(1), waitReady: false, ...opts });
}

const wasmRequests = (h) => h.seen.requests.filter((u) => /raft_web_bg\.wasm/.test(u)).length;

test("three embeds on one page run three independent clusters from one wasm download", async () => {
  await withTestPage("three", `<div class="row">
    <raft-cluster id="a" seed="1" speed="1"></raft-cluster>
    <raft-cluster id="b" seed="2" speed="1"></raft-cluster>
    <raft-cluster id="c" seed="3" speed="1" controls="full"></raft-cluster>
  </div>
  <p class="rc-notes" id="outside-notes">outside</p><button id="outside-button" type="button">outside</button>`, async (h) => {
    const { page } = h;
    for (const id of ["a", "b", "c"]) {
      await waitFor(page, `#${id} elects a leader`, (id) => {
        const el = document.getElementById(id);
        const f = el.frame && el.frame();
        return f && f.leader > 0 && f.now > 400_000;
      }, id);
    }
    const s = {};
    for (const id of ["a", "b", "c"]) s[id] = await embedState(page, `#${id}`);
    assert.equal(new Set(Object.values(s).map((x) => x.hash)).size, 3, `three different runs: ${JSON.stringify(s)}`);
    assert.equal(new Set(Object.values(s).map((x) => x.leader)).size, 3, `seeds 1, 2, 3 elect different leaders: ${JSON.stringify(s)}`);
    for (const id of ["a", "b", "c"]) {
      assert.ok(s[id].running, `#${id} is running`);
      assert.equal(s[id].drawnNodes, 5, `#${id} draws its 5 nodes`);
    }
    assert.ok(await page.evaluate(() => {
      const [a, b, c] = ["a", "b", "c"].map((id) => document.getElementById(id).sim);
      return a !== b && b !== c && a !== c;
    }), "each element has its own Sim");
    assert.equal(wasmRequests(h), 1, "the wasm is fetched once for the three elements");
    assert.equal(h.seen.requests.filter((u) => /dist\/raft-cluster\.js/.test(u)).length, 1, "the element's script is loaded once");

    // Its own clock: pausing one leaves the others running.
    await page.locator("#a .rc-play").click();
    await waitFor(page, "#a paused", () => !document.getElementById("a").running);
    const aNow = (await embedState(page, "#a")).now;
    const bNow = (await embedState(page, "#b")).now;
    await waitFor(page, "#b and #c advance 300 ms", (t) =>
      document.getElementById("b").frame().now > t + 300_000 && document.getElementById("c").frame().now > t + 300_000, bNow);
    assert.equal((await embedState(page, "#a")).now, aNow, "#a stays where it was paused");
    // Its own cluster: crashing #c's leader through its menu leaves #a and #b alone.
    const cLeader = (await embedState(page, "#c")).leader;
    await page.locator(`#c .rc-cluster g.node[data-id="${cLeader}"] .hit`).click();
    await page.locator('#c .node-menu [data-action="crash"]').click();
    await waitFor(page, "#c's leader crashed", (id) => document.getElementById("c").frame().nodes[id - 1].role === "crashed", cLeader);
    for (const id of ["a", "b"]) {
      const f = await page.$eval(`#${id}`, (el) => el.frame().nodes.filter((n) => !n.up).length);
      assert.equal(f, 0, `#${id} has no crashed node`);
    }

    // Isolation: the page's styles do not reach in, the element's do not leak out.
    const inside = await page.$eval("#b", (el) => {
      const r = el.shadowRoot;
      const cs = (sel, prop) => getComputedStyle(r.querySelector(sel))[prop];
      return {
        button: cs(".rc-play", "backgroundColor"),
        radius: cs(".rc-play", "borderTopLeftRadius"),
        shape: cs(".rc-cluster g.node .shape", "fill"),
        font: cs(".rc-status", "fontFamily"),
        color: cs(".rc-status", "color"),
      };
    });
    assert.notEqual(inside.button, RED, "the page's button style does not reach the element's buttons");
    assert.notEqual(inside.shape, RED, "the page's .node .shape rule does not reach the cluster");
    assert.ok(!/^serif$/.test(inside.font), `the page's font does not leak in (${inside.font})`);
    assert.notEqual(inside.color, RED, "the page's text colour does not leak in");
    const outside = await page.evaluate(() => ({
      notesBg: getComputedStyle(document.getElementById("outside-notes")).backgroundColor,
      radius: getComputedStyle(document.getElementById("outside-button")).borderTopLeftRadius,
    }));
    assert.equal(outside.notesBg, "rgba(0, 0, 0, 0)", "the element's .rc-notes style does not leak out");
    assert.notEqual(outside.radius, inside.radius, `the element's button rule (radius ${inside.radius}) does not leak out`);
  });
});

test("an off-screen embed does not advance until it is scrolled into view; a hidden tab pauses", async () => {
  await withTestPage("offscreen", `<div class="row">
    <raft-cluster id="a" seed="1" speed="1"></raft-cluster>
    <raft-cluster id="b" seed="2" speed="1"></raft-cluster>
  </div>
  <div class="spacer"></div>
  <raft-cluster id="c" seed="3" speed="1"></raft-cluster>`, async (h) => {
    const { page } = h;
    await waitFor(page, "#a and #b advance 600 ms", () =>
      ["a", "b"].every((id) => (document.getElementById(id).frame()?.now ?? 0) > 600_000));
    // #c is built and drawn (not a blank box when it scrolls in) but its clock has not moved.
    await waitFor(page, "#c drawn", () => document.getElementById("c").frame() !== null);
    let c = await embedState(page, "#c");
    assert.equal(c.running, false, "#c is not running off screen");
    assert.equal(c.now, 0, "#c's simulated time has not moved");
    const aBefore = (await embedState(page, "#a")).now;
    await waitFor(page, "#a advances 500 ms more", (t) => document.getElementById("a").frame().now > t + 500_000, aBefore);
    c = await embedState(page, "#c");
    assert.equal(c.now, 0, "#c still at time 0 while #a moved on");

    await page.locator("#c").scrollIntoViewIfNeeded();
    await waitFor(page, "#c starts once in view", () => {
      const el = document.getElementById("c");
      return el.running && el.frame().now > 300_000;
    });
    // Now #a and #b are out of view: they stop where they are.
    await waitFor(page, "#a and #b pause out of view", () => ["a", "b"].every((id) => !document.getElementById(id).running));
    const a1 = (await embedState(page, "#a")).now;
    const c1 = (await embedState(page, "#c")).now;
    await waitFor(page, "#c advances 400 ms", (t) => document.getElementById("c").frame().now > t + 400_000, c1);
    assert.equal((await embedState(page, "#a")).now, a1, "#a does not advance out of view");

    // A hidden tab: every element pauses; visible again, the ones in view go on.
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    assert.equal((await embedState(page, "#c")).running, false, "#c pauses when the tab is hidden");
    const c2 = (await embedState(page, "#c")).now;
    await page.waitForTimeout(400);
    assert.equal((await embedState(page, "#c")).now, c2, "#c's time stays put while the tab is hidden");
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await waitFor(page, "#c runs again when the tab is visible", (t) => {
      const el = document.getElementById("c");
      return el.running && el.frame().now > t;
    }, c2);
  });
});

test("embeds started at different moments draw on the same display frames; a command waits for the next draw", async () => {
  // At 0.1x a cluster draws every third display frame. Two embeds a frame apart (one
  // scrolled into view later, or paused and played) would otherwise have the page change
  // on more frames, and each frame presented costs the browser again.
  await withTestPage("grid", `<div class="row">
    <raft-cluster id="a" seed="1"></raft-cluster>
    <raft-cluster id="b" seed="2"></raft-cluster>
    <raft-cluster id="c" seed="3"></raft-cluster>
  </div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "the three run", () => ["a", "b", "c"].every((id) => {
      const el = document.getElementById(id);
      return el.running && (el.frame()?.now ?? 0) > 20_000;
    }));
    const frames = await page.evaluate(async () => {
      const els = ["a", "b", "c"].map((id) => document.getElementById(id));
      // Each draw begins by clearing the cluster's canvas, or (an opaque canvas) by copying
      // the picture of the SVG over the whole of it: count those (window.__drew, read again
      // below).
      const drew = (window.__drew = [0, 0, 0]);
      const nextFrame = (window.__nextFrame = () => new Promise((r) => requestAnimationFrame(r)));
      els.forEach((el, i) => {
        const canvas = el.shadowRoot.querySelector(".rc-canvas");
        const ctx = canvas.getContext("2d");
        const clear = ctx.clearRect.bind(ctx);
        ctx.clearRect = (...a) => { drew[i]++; clear(...a); };
        const copy = ctx.drawImage.bind(ctx);
        ctx.drawImage = (img, ...a) => {
          if (img.width === canvas.width && img.height === canvas.height) drew[i]++;
          copy(img, ...a);
        };
      });
      // b and c start again on a frame where a does not draw (the one after a draw).
      for (let k = 0; k < 2; k++) {
        drew.fill(0);
        for (let n = 0; n < 30 && drew[0] === 0; n++) await nextFrame();
        els[k + 1].pause();
        els[k + 1].play();
        await nextFrame();
      }
      for (let k = 0; k < 6; k++) await nextFrame(); // the restarts' own draws are done
      const seen = [];
      for (let k = 0; k < 60; k++) {
        drew.fill(0);
        await nextFrame();
        seen.push(drew.map((n) => (n > 0 ? 1 : 0)).join(""));
      }
      return seen;
    });
    const drawing = frames.filter((f) => f !== "000");
    assert.ok(drawing.length >= 15, `the clusters draw (frames: ${frames.join(" ")})`);
    assert.ok(drawing.every((f) => f === "111"), `every frame with a draw has all three (frames: ${frames.join(" ")})`);

    // A request given on the frame after a draw (off the grid) shows at the next draw of the
    // cadence: no draw on the frame between. (Only frames that come within 25 ms of the
    // draw are judged: on a busy machine a late frame is due for the cadence's draw.)
    await waitFor(page, "#a has a leader", () => document.getElementById("a").frame().leader > 0);
    const after = await page.evaluate(async () => {
      const el = document.getElementById("a");
      const drew = window.__drew, nextFrame = window.__nextFrame;
      const seen = [];
      let taken = 0;
      for (let k = 0; k < 40 && seen.length < 6; k++) {
        drew[0] = 0;
        let t0 = 0;
        for (let n = 0; n < 30 && drew[0] === 0; n++) t0 = await nextFrame();
        if (el.request(0, "k", String(k))) taken++;
        drew[0] = 0;
        const t1 = await nextFrame();
        if (t1 - t0 < 25) seen.push(drew[0]);
      }
      return { seen, taken };
    });
    assert.deepEqual(after.seen, [0, 0, 0, 0, 0, 0], `no draw on the frame after a request given off the grid: ${JSON.stringify(after)}`);
    assert.ok(after.taken >= 6, `the requests were taken: ${JSON.stringify(after)}`);
  });
});

test("between two draws the page asks the browser for no display frame", async () => {
  // A display frame asked for costs the browser its work for a frame even when nothing is
  // drawn; at 1x the cluster draws 10 times a second, and a timer wakes the loop before each.
  await withTestPage("sleep", `<raft-cluster id="a" seed="1" speed="1"></raft-cluster>`, async (h) => {
    const { page } = h;
    await waitFor(page, "it runs", () => {
      const el = document.getElementById("a");
      return el.running && (el.frame()?.now ?? 0) > 300_000;
    });
    const r = await page.evaluate(async () => {
      const el = document.getElementById("a");
      let asked = 0, draws = 0;
      const raf = window.requestAnimationFrame;
      window.requestAnimationFrame = (cb) => { asked++; return raf.call(window, cb); };
      const drew = () => draws++;
      el.controller.addEventListener("frame", drew);
      const t0 = performance.now(), n0 = el.frame().now;
      await new Promise((done) => setTimeout(done, 2000));
      window.requestAnimationFrame = raf;
      el.controller.removeEventListener("frame", drew);
      const s = (performance.now() - t0) / 1000;
      return { asked: asked / s, draws: draws / s, simPerWall: (el.frame().now - n0) / 1e6 / s };
    });
    const said = JSON.stringify(r);
    assert.ok(r.draws >= 6 && r.draws <= 13, `about 10 draws a second: ${said}`);
    // Asked for after a pause, a frame may come at once stamped with the display's last
    // tick, a frame early for the draw: then one more is asked for (two a draw, 20 a second).
    assert.ok(r.asked <= 2.5 * r.draws + 2, `at most about two display frames asked for a draw, not 60 a second: ${said}`);
    assert.ok(r.simPerWall > 0.8, `the clock keeps its speed: ${said}`);
  });
});

test("bad attributes show a message naming the attribute and what was expected, and still render a cluster", async () => {
  const cases = [
    { attrs: 'nodes="0"', names: ['nodes="0"', "expected a whole number from 1 to 51", "default, 5"], nodes: 5 },
    { attrs: 'nodes="abc"', names: ['nodes="abc"', "expected a whole number"], nodes: 5 },
    { attrs: 'speed="fast"', names: ['speed="fast"', "expected a number from 0.01 to 1"], nodes: 5 },
    { attrs: 'seed="zzz"', names: ['seed="zzz"', "expected a whole number from 0 to 18446744073709551615"], nodes: 5 },
    { attrs: 'controls="all"', names: ['controls="all"', "expected none, minimal or full"], nodes: 5 },
    { attrs: 'prevote="maybe"', names: ['prevote="maybe"', "expected no value, on/off"], nodes: 5 },
    // The defect 7: checkquorum="yes" was taken silently.
    { attrs: 'checkquorum="yes"', names: ['checkquorum="yes"', "expected no value, on/off"], nodes: 5 },
    { attrs: 'paused="yes"', names: ['paused="yes"', "expected no value, on/off"], nodes: 5 },
    { attrs: 'height="tall"', names: ['height="tall"', "expected a length"], nodes: 5 },
    { attrs: 'latency="fast"', names: ['latency="fast"', "expected a number of milliseconds"], nodes: 5 },
    { attrs: 'loss="0.9"', names: ['loss="0.9"', "expected a probability from 0 to 0.5"], nodes: 5 },
    { attrs: 'theme="blue"', names: ['theme="blue"', "expected light or dark"], nodes: 5 },
    { attrs: 'narration="loud"', names: ['narration="loud"', "expected show or none"], nodes: 5 },
    { attrs: 'scenario-src="https://example.com/x.txt"', names: ["scenario-src=", "expected a URL on this page's origin"], nodes: 5 },
    { attrs: `scenario='nodes 3\ncrsh 2'`, names: ["The scenario does not parse", "line 2, column 1", 'unknown command "crsh"'], nodes: 5 },
  ];
  const body = cases.map((c, i) => `<div class="narrow"><raft-cluster id="e${i}" ${c.attrs.startsWith("speed") ? "" : 'speed="1" '}${c.attrs}></raft-cluster></div>`).join("\n");
  await withTestPage("bad", body, async (h) => {
    const { page } = h;
    for (let i = 0; i < cases.length; i++) {
      await page.locator(`#e${i}`).scrollIntoViewIfNeeded();
      await waitFor(page, `#e${i} (${cases[i].attrs}) drawn`, (id) => document.getElementById(id).frame() !== null, `e${i}`);
      const s = await embedState(page, `#e${i}`);
      assert.ok(s.notesShown, `#e${i} (${cases[i].attrs}) shows its message`);
      for (const n of cases[i].names) assert.ok(s.notes.includes(n), `#e${i} (${cases[i].attrs}): "${s.notes}" should contain ${JSON.stringify(n)}`);
      assert.equal(s.drawnNodes, cases[i].nodes, `#e${i} still draws a cluster of ${cases[i].nodes}`);
    }
    // And they run: the first one elects a leader with the default cluster.
    await page.locator("#e0").scrollIntoViewIfNeeded();
    await waitFor(page, "#e0 elects a leader", () => document.getElementById("e0").frame().leader > 0);
    // The scenario error keeps the caret under the column.
    const last = cases.length - 1;
    const pre = await page.$eval(`#e${last}`, (el) => el.shadowRoot.querySelector(".rc-notes p.pre")?.textContent);
    assert.match(pre ?? "", /crsh 2\n\s*\^/, "the parser's caret line is shown");
  });
});

test("the iframe form renders a cluster with the same options and messages", async () => {
  await withTestPage("iframe", `<iframe id="f1" src="embed.html?nodes=3&amp;seed=9&amp;speed=1&amp;prevote=1&amp;checkquorum=on&amp;controls=minimal" title="cluster" width="480" height="560"></iframe>
  <iframe id="f2" src="embed.html?nodes=0&amp;speed=0.5&amp;speed=1&amp;bogus=1&amp;checkquorum=yes" title="bad" width="400" height="560"></iframe>
  <iframe id="f3" src="embed.html?scenario-src=scenarios/docs/transfer.txt&amp;speed=1" title="scenario" width="400" height="600"></iframe>`, async (h) => {
    const { page } = h;
    const frame = async (id) => {
      const el = await page.$(`#${id}`);
      const f = await el.contentFrame();
      await f.waitForFunction(() => window.raftCluster && window.raftCluster.frame(), null, { timeout: T_LONG });
      return f;
    };
    const f1 = await frame("f1");
    await f1.waitForFunction(() => window.raftCluster.frame().leader > 0, null, { timeout: T_LONG, polling: 50 });
    const s1 = await f1.evaluate(() => {
      const el = window.raftCluster;
      const f = el.frame();
      return { nodes: f.nodes.length, leader: f.leader, prevote: f.prevote, checkquorum: f.checkquorum, seed: el.sim.seed(), h: el.getBoundingClientRect().height, vh: innerHeight, notes: el.shadowRoot.querySelector(".rc-notes").hidden };
    });
    assert.equal(s1.nodes, 3);
    assert.ok(s1.leader >= 1 && s1.leader <= 3, `a leader: ${s1.leader}`);
    assert.equal(s1.seed, "9");
    assert.equal(s1.prevote, true);
    assert.equal(s1.checkquorum, true);
    assert.ok(s1.notes, "no message for good parameters");
    assert.ok(Math.abs(s1.h - s1.vh) <= 2, `the element fills the frame (${s1.h} of ${s1.vh})`);

    const f2 = await frame("f2");
    const notes = await f2.evaluate(() => window.raftCluster.shadowRoot.querySelector(".rc-notes").textContent);
    assert.ok(notes.includes('parameter nodes="0" is not valid: expected a whole number from 1 to 51'), notes);
    assert.ok(notes.includes('checkquorum="yes" is not valid: expected no value, on/off'), notes);
    assert.ok(notes.includes('Unknown parameter "bogus"'), notes);
    assert.ok(notes.includes('Parameter speed is given 2 times ("0.5", "1"): using the last, "1"'), notes);
    assert.equal(await f2.evaluate(() => window.raftCluster.frame().nodes.length), 5, "falls back to 5 nodes");

    const f3 = await frame("f3");
    await f3.waitForFunction(() => {
      const s = window.raftCluster.script();
      return s && s.waiting && s.step === 1;
    }, null, { timeout: T_LONG, polling: 50 });
    const s3 = await f3.evaluate(() => ({
      leader: window.raftCluster.frame().leader,
      text: window.raftCluster.shadowRoot.querySelector(".rc-text").textContent,
      narration: !window.raftCluster.shadowRoot.querySelector(".rc-narration").hidden,
    }));
    assert.equal(s3.leader, 3, "transfer.txt: node 3 leads at its pause");
    assert.ok(s3.narration && s3.text.includes("MsgTimeoutNow"), `the narration is shown: ${s3.text}`);
  });
});

test("the docs page works under the CSP with all its embeds, and its examples are the scenario files", async () => {
  await withPage(env, {}, async (h) => {
    const { page, response } = h;
    assert.equal(response.headers()["content-security-policy"], CSP, "served with the strict CSP");
    const count = await page.$$eval("raft-cluster", (els) => els.length);
    assert.ok(count >= 14, `many live examples (${count})`);
    // Scroll through: each example starts when it comes into view.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0; y < height; y += 700) {
      await page.evaluate((y) => scrollTo(0, y), y);
      await page.waitForTimeout(120);
    }
    await waitFor(page, "every example drawn", () => [...document.querySelectorAll("raft-cluster")].every((el) => el.frame()));
    const states = await page.$$eval("raft-cluster", (els) => els.map((el) => ({
      attrs: [...el.attributes].map((a) => a.name).join(","),
      notes: el.shadowRoot.querySelector(".rc-notes").hidden ? "" : el.shadowRoot.querySelector(".rc-notes").textContent,
      failures: el.script() ? el.script().failures.length : 0,
      nodes: el.shadowRoot.querySelectorAll(".rc-cluster g.node[data-id]").length,
    })));
    for (const s of states) {
      assert.ok(s.nodes > 0, `an example draws a cluster: ${JSON.stringify(s)}`);
      assert.equal(s.failures, 0, `no failed expectation: ${JSON.stringify(s)}`);
    }
    const withNotes = states.filter((s) => s.notes);
    assert.equal(withNotes.length, 2, `only the two deliberately bad examples show a message: ${JSON.stringify(withNotes)}`);
    // The page's own document (the iframe example is another document, with its own copy).
    const wasmInPage = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => /raft_web_bg\.wasm/.test(e.name)).length);
    assert.equal(wasmInPage, 1, "the wasm is fetched once for the whole page");

    // Every docs scenario file has a live example, and the inline one is a file too.
    const docsDir = path.join(WWW, "scenarios", "docs");
    const files = fs.readdirSync(docsDir).filter((f) => f.endsWith(".txt"));
    const srcs = await page.$$eval("raft-cluster[scenario-src]", (els) => els.map((el) => el.getAttribute("scenario-src")));
    for (const f of files.filter((f) => f !== "inline.txt")) {
      assert.ok(srcs.includes(`scenarios/docs/${f}`), `docs.html shows scenarios/docs/${f}`);
    }
    const inline = await page.$$eval("raft-cluster[scenario]", (els) => els.map((el) => el.getAttribute("scenario")));
    const file = fs.readFileSync(path.join(docsDir, "inline.txt"), "utf8").split("\n").filter((l) => !l.startsWith("#")).join("\n").trim();
    assert.ok(inline.some((t) => t.trim() === file), "the inline example is scenarios/docs/inline.txt, word for word");
    // Each example's snippet is its markup.
    const snippets = await page.$$eval(".example", (exs) => exs.map((ex) => {
      const el = ex.querySelector(".demo raft-cluster, .demo iframe");
      const code = ex.querySelector(".snippet code");
      return el && code ? { code: code.textContent, tag: el.localName, attrs: [...el.attributes].map((a) => [a.name, a.value]) } : null;
    }).filter(Boolean));
    assert.ok(snippets.length >= 14);
    for (const s of snippets) {
      assert.ok(s.code.startsWith(`<${s.tag}`) && s.code.endsWith(`</${s.tag}>`), s.code);
      for (const [name, value] of s.attrs) {
        assert.ok(s.code.includes(name), `${s.code} names ${name}`);
        if (name !== "src") assert.ok(s.code.includes(value), `${s.code} has ${name}=${value}`);
      }
    }
    await page.evaluate(() => scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, "docs-page.png") });
    await page.locator("#ex-partition").scrollIntoViewIfNeeded();
    await page.waitForTimeout(800);
    await page.locator("#ex-partition").screenshot({ path: path.join(ARTIFACTS, "docs-scenario-example.png") });
  }, { path: "docs.html", waitReady: false });
});

test("a 360 px wide embed stays legible", async () => {
  await withTestPage("narrow", `<div class="narrow"><raft-cluster id="n" seed="8" speed="0.5" controls="full"></raft-cluster></div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "a leader", () => document.getElementById("n").frame()?.leader > 0);
    await page.waitForTimeout(300);
    const m = await page.$eval("#n", (el) => {
      const r = el.shadowRoot;
      const box = el.getBoundingClientRect();
      const label = r.querySelector(".rc-cluster g.node .ninfo").getBoundingClientRect();
      const id = r.querySelector(".rc-cluster g.node .nid").getBoundingClientRect();
      const over = [...r.querySelectorAll(".rc-bar button, .rc-bar input, .rc-status")].filter((e) => {
        const b = e.getBoundingClientRect();
        return b.width > 0 && (b.right > box.right + 1 || b.left < box.left - 1);
      }).map((e) => e.className);
      return { width: box.width, pageOverflow: document.documentElement.scrollWidth > innerWidth, label: label.height, id: id.height, over };
    });
    assert.ok(m.width <= 360, `fits 360 px (${m.width})`);
    assert.equal(m.pageOverflow, false, "no horizontal scrolling");
    assert.deepEqual(m.over, [], "every control inside the element");
    assert.ok(m.label >= 9, `node labels at least 9 px tall on screen (${m.label})`);
    assert.ok(m.id >= 12, `node ids at least 12 px tall (${m.id})`);
    await page.locator("#n").screenshot({ path: path.join(ARTIFACTS, "embed-360.png") });
  }, { viewport: { width: 360, height: 900 } });
});

test("the playground loads a scenario from its address and shows its narration", async () => {
  // The usual load fetches no scenario: the page, its two stylesheets, its one script (and
  // the paint worker's), and the wasm.
  await withPage(env, "", async (plain) => {
    const paths = plain.seen.requests.map((u) => new URL(u).pathname);
    assert.ok(!paths.some((p) => p.includes("scenarios/")), `no scenario fetched: ${paths.join(", ")}`);
    assert.deepEqual(paths.filter((p) => p.endsWith(".js")).sort(), ["/dist/page.js", "/dist/paint-worker.js"], `one script and the paint worker: ${paths.join(", ")}`);
    assert.ok(plain.seen.requests.length <= 7, `index.html loads in a few requests: ${paths.join(", ")}`);
  });

  await withPage(env, "scenario-src=scenarios/docs/partition.txt&speed=1", async (h) => {
    const { page } = h;
    await waitFor(page, "the script's first stop", () => {
      const el = window.raftLive.el;
      return el.script()?.waiting && el.frame().now === el.sim.now();
    });
    const [step] = scenarioSteps(path.join(WWW, "scenarios", "docs", "partition.txt"));
    const f = await page.evaluate(() => window.raftLive.frame());
    assert.deepEqual(step.expects.map((e) => checkExpectation(e, f)).filter(Boolean), [], "the stop shows what partition.txt expects there");
    assert.equal(await h.in(".rc-text").textContent(), step.text);
    assert.equal(await h.in(".rc-play").getAttribute("aria-pressed"), "false", "the clock stops at the pause");
    assert.match(page.url(), /scenario-src=scenarios(%2F|\/)docs(%2F|\/)partition\.txt/, "the address keeps the scenario");
  });

  // The script itself in the address; Continue, then Back to the exact first stop.
  const text = fs.readFileSync(path.join(WWW, "scenarios", "docs", "inline.txt"), "utf8");
  await withPage(env, "", async (h2) => {
    const p2 = h2.page;
    const at = (k) => waitFor(p2, `stop ${k}`, (k) => {
      const el = window.raftLive.el;
      const s = el.script();
      return s && s.waiting && s.step === k && el.frame().now === el.sim.now();
    }, k);
    await at(1);
    const first = await p2.evaluate(() => window.raftLive.el.sim.traceHash());
    await h2.in(".rc-speed").evaluate((el) => { el.value = "0"; el.dispatchEvent(new Event("input", { bubbles: true })); });
    await h2.in(".rc-continue").click();
    await at(2);
    const steps = scenarioSteps(path.join(WWW, "scenarios", "docs", "inline.txt"));
    const f2 = await p2.evaluate(() => window.raftLive.frame());
    assert.deepEqual(steps[1].expects.map((e) => checkExpectation(e, f2)).filter(Boolean), []);
    assert.equal(await h2.in(".rc-fail").isVisible(), false, "no failed expectation shown");
    await h2.in(".rc-back").click();
    await at(1);
    assert.equal(await p2.evaluate(() => window.raftLive.el.sim.traceHash()), first, "Back restores the first stop exactly");
  }, { hash: `#scenario=${encodeURIComponent(text)}` });
});

test("a host page themes the element through its custom properties: node fills and message colours too", async () => {
  // A stylesheet of the host page's own (the CSP refuses inline style attributes).
  const css = "#t { --rc-leader-fill: rgb(1, 2, 3); --rc-follower-fill: rgb(7, 8, 9); --rc-msg-heartbeat: rgb(4, 5, 6); --rc-mono-family: Courier; }";
  await serveTestFiles(env, { "/__e2e-themed.css": css, "/__e2e-themed.html": testPage("themed", `<raft-cluster id="t" seed="3" speed="1"></raft-cluster>`, "/__e2e-themed.css") });
  await withPage(env, {}, async (h) => {
    const { page } = h;
    await waitFor(page, "a leader", () => document.getElementById("t").frame()?.leader > 0);
    await page.waitForTimeout(200);
    const m = await page.$eval("#t", (el) => {
      const r = el.shadowRoot;
      const fill = (role) => getComputedStyle(r.querySelector(`.rc-cluster g.node[data-role="${role}"] .shape`)).fill;
      const rc = getComputedStyle(r.querySelector(".rc"));
      return { leader: fill("leader"), follower: fill("follower"), heartbeat: rc.getPropertyValue("--k-heartbeat").trim(), mono: rc.getPropertyValue("--rc-mono").trim() };
    });
    assert.equal(m.leader, "rgb(1, 2, 3)", "the leader's fill");
    assert.equal(m.follower, "rgb(7, 8, 9)", "a follower's fill");
    assert.equal(m.heartbeat, "rgb(4, 5, 6)", "the colour the canvas reads for heartbeats");
    assert.match(m.mono, /^Courier/, "the monospace font");
  }, { path: "__e2e-themed.html", waitReady: false });
});

test("a fixed height: the cluster takes the room under the bars (whole in the first view), and never less than 240 px", async () => {
  await withTestPage("fixed-height", `<raft-cluster id="a" seed="3" controls="full" height="500"></raft-cluster>
  <raft-cluster id="b" seed="3" height="300"></raft-cluster>`, async (h) => {
    await waitFor(h.page, "both clusters drawn", () => ["a", "b"].every((id) => document.getElementById(id).frame?.()?.nodes?.length === 5));
    await h.page.waitForTimeout(400);
    const r = await h.page.evaluate(() => Object.fromEntries(["a", "b"].map((id) => {
      const root = document.getElementById(id).shadowRoot;
      const rc = root.querySelector(".rc").getBoundingClientRect();
      const c = root.querySelector(".rc-cluster").getBoundingClientRect();
      const notes = [...root.querySelectorAll(".rc-notes p")].map((li) => li.textContent).join(" | ");
      return [id, { rcBottom: rc.bottom, rcH: rc.height, top: c.top, bottom: c.bottom, size: c.width, notes }];
    })));
    assert.equal(Math.round(r.a.rcH), 500);
    // Full controls at 1366 px leave about 270 px under the bars: the cluster fits in them
    // (it used to be 380 px, cut at the bottom of the box).
    assert.ok(r.a.bottom <= r.a.rcBottom, `the whole cluster inside the 500 px box: ${JSON.stringify(r.a)}`);
    assert.ok(r.a.size >= 240, `no smaller than 240 px: ${JSON.stringify(r.a)}`);
    // 300 px with the playback bar leaves less than 240: the cluster keeps 240 and the box scrolls.
    assert.ok(Math.abs(r.b.size - 240) < 1, `a 300 px box: 240 px cluster: ${JSON.stringify(r.b)}`);
    // ... and the author is told why, and what to do; the box with room says nothing.
    assert.match(r.b.notes, /height="300": under its controls the cluster has less than the 240 px it needs, so it scrolls inside the box; make the element taller/);
    assert.doesNotMatch(r.a.notes, /240 px it needs/);
    // Made taller, the note goes.
    await h.page.evaluate(() => document.getElementById("b").setAttribute("height", "600"));
    await h.page.waitForFunction(() => ![...document.getElementById("b").shadowRoot.querySelectorAll(".rc-notes p")].some((li) => /240 px it needs/.test(li.textContent)), null, { timeout: 5000 });
  }, { viewport: { width: 1366, height: 768 } });
});

test("a small cluster (7 nodes, 440 px tall, on a 360 px phone): the 'in flight' chip is clear of every label", async () => {
  await withTestPage("small-chip", `<raft-cluster id="a" nodes="7" seed="3" height="440"></raft-cluster>`, async (h) => {
    await waitFor(h.page, "the cluster drawn", () => document.getElementById("a").frame?.()?.nodes?.length === 7);
    await h.page.waitForTimeout(600);
    const r = await h.page.evaluate(() => {
      const root = document.getElementById("a").shadowRoot;
      const box = (e) => { const b = e.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; };
      return {
        cluster: root.querySelector(".rc-cluster").getBoundingClientRect().width,
        chip: box(root.querySelector(".msg-nav")),
        labels: [...root.querySelectorAll(".rc-cluster .ninfo, .rc-cluster .nvotes")].filter((t) => t.textContent)
          .map((t) => ({ text: t.textContent, ...box(t) })),
      };
    });
    assert.ok(r.cluster <= 330, `a small cluster: ${r.cluster} px`);
    const hit = r.labels.filter((l) => !(l.right <= r.chip.left || r.chip.right <= l.left || l.bottom <= r.chip.top || r.chip.bottom <= l.top));
    assert.deepEqual(hit, [], `labels under the chip ${JSON.stringify(r.chip)}`);
    assert.ok(r.chip.bottom - r.chip.top >= 24, "the chip is still a 24 px target");
  }, { viewport: { width: 360, height: 800 } });
});

test("attributes changed while it runs: a bad value is said at once and goes when put right; only the attribute changed acts", async () => {
  await withTestPage("later", `<raft-cluster id="x" seed="1" speed="1" controls="full"></raft-cluster>`, async (h) => {
    const { page } = h;
    await waitFor(page, "a frame", () => document.getElementById("x").frame()?.now > 0);
    await page.evaluate(() => {
      const el = document.getElementById("x");
      window.__settings = [];
      el.addEventListener("raft-settings", (e) => window.__settings.push(e.detail));
    });
    const notes = () => page.$eval("#x", (el) => el.shadowRoot.querySelector(".rc-notes").textContent);
    const settings = () => page.evaluate(() => document.getElementById("x").settings);
    await page.evaluate(() => document.getElementById("x").setAttribute("speed", "fast"));
    assert.match(await notes(), /speed="fast" is not valid: expected a number from 0\.01 to 1/, "said at once, not at the next rebuild");
    await page.evaluate(() => document.getElementById("x").setAttribute("speed", "0.5"));
    assert.doesNotMatch(await notes(), /speed="fast"/, "put right, the message goes");
    assert.equal((await settings()).speed, 0.5);
    // The reader pauses; a theme set later leaves the clock as the reader left it.
    await page.evaluate(() => { const el = document.getElementById("x"); el.setAttribute("paused", ""); el.play(); });
    await page.evaluate(() => document.getElementById("x").setAttribute("theme", "dark"));
    assert.equal(await page.evaluate(() => document.getElementById("x").playing), true, "a theme does not apply paused again");
    await page.evaluate(() => document.getElementById("x").pause());
    await page.evaluate(() => document.getElementById("x").setAttribute("theme", "light"));
    assert.equal(await page.evaluate(() => document.getElementById("x").playing), false, "nor does it play");
    // The Speed slider writes the attribute: a later View change keeps the reader's speed.
    await setRange(h.in(".rc-speed"), -0.5); // 10^-0.5: 0.316
    await until(h, "speed 0.316 from the slider", (_, el) => el.settings.speed === 0.316);
    assert.equal(await page.evaluate(() => document.getElementById("x").speed), "0.316", "the property says the slider's speed");
    await h.in(".rc-view").selectOption("both");
    await page.waitForTimeout(100);
    const s = await settings();
    assert.equal(s.speed, 0.316, "the View menu kept the slider's speed");
    assert.equal(s.view, "both", "settings say the view now");
    const last = await page.evaluate(() => window.__settings.at(-1));
    assert.equal(last.settings.view, "both", "raft-settings for a view change carries the new view");
    assert.equal(last.rebuilt, false);
    // A network command: the settings, the event and the Latency control follow it.
    await page.evaluate(() => document.getElementById("x").command({ op: "network", latencyMinMs: 50, latencyMaxMs: 150, loss: 0.1 }));
    await until(h, "the settings to follow the network", (_, el) => el.settings.latency === 150);
    const n = await settings();
    assert.deepEqual([n.latencyMin, n.latency, n.loss], [50, 150, 0.1]);
    assert.ok(await page.evaluate(() => window.__settings.some((d) => d.settings.latency === 150)), "raft-settings said it");
    assert.equal(await h.in(".rc-latency-out").textContent(), "50–150 ms", "the Latency control shows what runs");
    assert.equal(await h.in(".rc-loss-out").textContent(), "10 %");
    // A theme in capitals applies.
    await page.evaluate(() => document.getElementById("x").setAttribute("theme", "DARK"));
    assert.equal(await page.$eval("#x", (el) => getComputedStyle(el.shadowRoot.querySelector(".rc")).colorScheme), "dark");
  });
});

test("the element's methods refuse what they cannot do, with a clear error; events fire once and never without settings", async () => {
  await withTestPage("methods", `<div id="box"></div>`, async (h) => {
    const { page } = h;
    // Made by script; a script set before its first build stands (that build is not made).
    const r = await page.evaluate(async () => {
      await customElements.whenDefined("raft-cluster");
      const el = document.createElement("raft-cluster");
      const events = { settings: [], steps: [] };
      el.addEventListener("raft-settings", (e) => events.settings.push(e.detail.settings));
      el.addEventListener("raft-step", (e) => events.steps.push(e.detail.step));
      document.getElementById("box").appendChild(el);
      await el.setScenario('nodes 3\nseed 4\npause "hi"\nrun 1s\npause "later"');
      await el.ready;
      await new Promise((res) => setTimeout(res, 500));
      return { nodes: el.frame().nodes.length, text: el.scenarioText, events, hasNull: events.settings.includes(null) };
    });
    assert.equal(r.nodes, 3, "the script's cluster, not the start-up one");
    assert.match(r.text ?? "", /pause "hi"/);
    assert.equal(r.hasNull, false, "no raft-settings without settings");
    assert.deepEqual(r.events.steps, [1], "a script that stops at time 0 says step 1 once");
    const e = await page.evaluate(() => {
      const el = document.querySelector("raft-cluster");
      const err = (fn) => { try { fn(); return null; } catch (x) { return { name: x.name, message: x.message, field: x.field }; } };
      const refused = [];
      el.addEventListener("raft-refused", (ev) => refused.push(ev.detail.message));
      const said = [];
      el.addEventListener("raft-step", (ev) => said.push(`step ${ev.detail.step}`));
      el.addEventListener("raft-script", (ev) => said.push(`script ${ev.detail?.step}`));
      el.gotoStep(2);
      const bare = document.createElement("raft-cluster");
      return {
        said,
        bare: err(() => bare.gotoStep(1)),
        minus: err(() => el.gotoStep(-1)),
        huge: err(() => el.gotoStep(2 ** 33)),
        speed: err(() => el.setSpeed("x")),
        speedAttr: el.getAttribute("speed"),
        select: el.selectNode(99),
        selected: el.selected,
        commandNull: el.command(null),
        refused,
      };
    });
    assert.deepEqual(e.said, ["script 2", "step 2"], "gotoStep says the script state and the step once each");
    assert.deepEqual(e.bare, { name: "CommandError", field: null, message: "gotoStep: this cluster runs no scenario" });
    assert.equal(e.minus?.name, "CommandError");
    assert.equal(e.minus?.field, "step");
    assert.match(e.minus?.message ?? "", /expected a step number from 1, got -1/);
    assert.match(e.huge?.message ?? "", /got 8589934592/);
    assert.equal(e.speed?.name, "TypeError");
    assert.match(e.speed?.message ?? "", /setSpeed: expected a number from 0\.01 to 1, got x/);
    assert.equal(e.speedAttr, null, "no speed=\"NaN\" written");
    assert.equal(e.select, false, "no node 99");
    assert.equal(e.selected, 0);
    assert.equal(e.commandNull, false);
    assert.match(e.refused.join(" | "), /a command is an object with an op/);
  });
});

test("a page's rules do not reach inside: its dark system setting does, and an element made after the wasm loaded draws in its own colours", async () => {
  // A page whose rule matches the element itself, and whose text is red.
  const css = "* { font-family: cursive; letter-spacing: 3px; } body { color: rgb(255, 0, 0); }";
  await serveTestFiles(env, { "/__e2e-star.css": css, "/__e2e-star.html": testPage("star", `<raft-cluster id="a" seed="2" speed="1"></raft-cluster><div id="box"></div>`, "/__e2e-star.css") });
  await withPage(env, {}, async (h) => {
    const { page } = h;
    await waitFor(page, "a frame", () => document.getElementById("a").frame()?.now > 0);
    const look = await page.$eval("#a", (el) => {
      const st = getComputedStyle(el.shadowRoot.querySelector(".rc-status"));
      return { font: st.fontFamily, spacing: st.letterSpacing };
    });
    assert.doesNotMatch(look.font, /cursive/, "the page's * rule does not set the element's font");
    assert.equal(look.spacing, "normal");
    // The reader's system is dark, and the element has no theme: it is dark.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.waitForTimeout(100);
    const bg = await page.$eval("#a", (el) => getComputedStyle(el.shadowRoot.querySelector(".rc")).backgroundColor);
    assert.notEqual(bg, "rgb(255, 255, 255)", "a dark background under a dark system setting");
    await page.emulateMedia({ colorScheme: "light" });
    // A second element, made once the wasm is in: its canvases are not in the page's red.
    await page.evaluate(async () => {
      const el = document.createElement("raft-cluster");
      el.id = "b";
      el.setAttribute("seed", "3");
      el.setAttribute("speed", "1");
      document.getElementById("box").appendChild(el);
      await el.ready;
    });
    await page.waitForTimeout(600);
    const red = await page.$eval("#b", (el) => {
      const c = el.shadowRoot.querySelector(".rc-canvas");
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 40 && d[i + 2] < 40) n++;
      return n;
    });
    assert.equal(red, 0, "no pixel of the cluster's canvas in the page's text colour");
  }, { path: "__e2e-star.html", waitReady: false });
});

test("Export offers a link that replays the session where the host names a page for it, and the playground runs it", async () => {
  await withTestPage("link", `<div class="row"><raft-cluster id="x" seed="5" speed="1" controls="full"></raft-cluster><raft-cluster id="y" seed="5" speed="1" controls="full"></raft-cluster></div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "a leader in both", () => ["x", "y"].every((id) => document.getElementById(id).frame()?.leader > 0));
    const base = `${h.env.origin}/index.html`;
    const got = await page.evaluate((base) => {
      const x = document.getElementById("x");
      x.sessionLinkBase = base;
      x.command({ op: "crash", node: x.frame().leader });
      x.pause();
      x.openExport();
      document.getElementById("y").openExport();
      const q = (el, s) => el.shadowRoot.querySelector(s);
      const y = document.getElementById("y");
      return {
        href: q(x, ".export-link").href, shown: !q(x, ".export-link-row").hidden, script: q(x, ".export-text").value,
        yShown: !q(y, ".export-link-row").hidden,
      };
    }, base);
    assert.ok(got.shown, "the link is offered");
    assert.ok(got.href.startsWith(`${base}#scenario=`), got.href);
    assert.equal(decodeURIComponent(got.href.split("#scenario=")[1]), got.script, "the link holds the script");
    assert.match(got.script, /crash/);
    assert.equal(got.yShown, false, "no link without a page for it");
    await page.keyboard.press("Escape");
    // The playground runs the link: the same script.
    await page.goto(got.href);
    await waitFor(page, "the playground to run the script", (s) => document.getElementById("cluster")?.scenarioText === s, got.script);
  });
});

test("showPanel brings a panel into view with the keyboard focus, and says false for one not shown", async () => {
  await withTestPage("panel", `<div class="spacer"></div><raft-cluster id="f" seed="2" speed="1" controls="full"></raft-cluster><div class="spacer"></div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "a frame", () => document.getElementById("f").frame() !== null);
    const r = await page.evaluate(() => {
      const el = document.getElementById("f");
      const shown = el.showPanel("events");
      const box = el.shadowRoot.querySelector(".rc-events").getBoundingClientRect();
      const focused = el.shadowRoot.activeElement?.classList.contains("rc-events") ?? false;
      el.setAttribute("controls", "minimal");
      return { shown, top: box.top, focused, hidden: el.showPanel("logs"), unknown: el.showPanel("nope") };
    });
    assert.equal(r.shown, true);
    assert.ok(Math.abs(r.top) < 2, `the event log at the top of the window: ${r.top}`);
    assert.equal(r.focused, true, "the focus is on it");
    assert.equal(r.hidden, false, "no log strips with minimal controls");
    assert.equal(r.unknown, false);
  });
});
