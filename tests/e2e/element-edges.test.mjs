// The element at its edges: a script that goes (its narration with it), the comparison's
// captions on a page of another theme, properties a page sets before the element's script
// loads, the network sliders following the attributes, more bad attributes than the notes
// show at once, the log strips at 360 px, the boolean properties read right after a set,
// and raft-ready before the first raft-frame.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, withPage, T_LONG } from "./lib.mjs";
import { serveTestFiles, testPage, waitFor } from "./pages.mjs";

let env;
before(async () => {
  env = await launch();
  await serveTestFiles(env, { "/__e2e-edges.css": EDGES_CSS });
  // A classic script the page runs before the element's module (deferred) is evaluated.
  for (const [p, body] of Object.entries(PRE_SCRIPTS)) {
    await env.context.route(`${env.origin}${p}`, (route) =>
      route.fulfill({ status: 200, headers: { "content-type": "text/javascript; charset=utf-8" }, body }));
  }
});
after(async () => {
  await env?.close();
});

const EDGES_CSS = `
body { margin: 0; background: #fff; color: #000; font-family: serif; }
.narrow { width: 360px; }
.col { max-width: 760px; }
.dark-page { background: #111; color: #eee; padding: 8px; }
`;

const PRE_SCRIPTS = {
  "/__e2e-pre.js": `
    window.__order = [];
    for (const t of ["raft-ready", "raft-frame"]) document.addEventListener(t, (e) => window.__order.push(e.type + ":" + e.target.id));
    const el = document.getElementById("pre");
    el.seed = "99"; el.nodes = 3; el.controls = "full"; el.theme = "dark";
    el.sessionLinkBase = "/index.html";
    window.__ownBefore = Object.keys(el);
  `,
  "/__e2e-pre-compare.js": `
    const c = document.getElementById("cmp");
    c.change = "prevote off";
  `,
};

/** Serves a test page with `body` (the element's module script in its head). */
async function withTestPage(name, body, fn, opts = {}) {
  const p = `/__e2e-${name}.html`;
  const script = opts.script ?? "dist/raft-cluster.js";
  await serveTestFiles(env, { [p]: testPage(name, body, "/__e2e-edges.css").replace("dist/raft-cluster.js", script) });
  return withPage(env, {}, fn, { path: p.slice(1), waitReady: false, ...opts });
}

const SCRIPT = `nodes 3
seed 4
campaign 1
run 300ms
pause "Node 1 leads."`;

/** The narration as the reader sees it: null when hidden. */
function narration(page, id) {
  return page.$eval(`#${id}`, (el) => {
    const n = el.shadowRoot.querySelector(".rc-narration");
    return n.hidden || !n.getClientRects().length ? null : n.innerText.replace(/\s+/g, " ").trim();
  });
}

async function waitStep1(page, id) {
  await waitFor(page, `#${id} at step 1`, (id) => document.getElementById(id).script()?.waiting === true, id);
  assert.match(await narration(page, id) ?? "", /Node 1 leads\./, `#${id} narrates step 1`);
}

/** Records the raft-script events of element `id` (their detail). */
const recordScript = (page, id) => page.$eval(`#${id}`, (el) => {
  el.__scripts = [];
  el.addEventListener("raft-script", (e) => el.__scripts.push(e.detail));
});

test("a scenario taken away, or replaced by one that does not parse: the narration goes, script() is null and raft-script says null", async () => {
  const attr = SCRIPT.replace(/"/g, "&quot;");
  await withTestPage("script-gone", `<div class="col">
    <raft-cluster id="a" speed="1" scenario="${attr}"></raft-cluster>
    <raft-cluster id="c" speed="1" scenario="${attr}"></raft-cluster></div>`, async (h) => {
    const { page } = h;
    for (const id of ["a", "c"]) {
      await page.locator(`#${id}`).scrollIntoViewIfNeeded();
      await waitStep1(page, id);
      await recordScript(page, id);
    }
    await page.locator("#a").scrollIntoViewIfNeeded();
    await page.$eval("#a", (el) => el.removeAttribute("scenario"));
    await waitFor(page, "#a rebuilt as a cluster of its own", () => document.getElementById("a").frame()?.nodes.length === 5);
    assert.equal(await narration(page, "a"), null, "no narration without a script");
    assert.equal(await page.$eval("#a", (el) => el.script()), null);
    assert.deepEqual(await page.$eval("#a", (el) => el.__scripts), [null], "raft-script fires once, with null");

    await page.locator("#c").scrollIntoViewIfNeeded();
    await page.$eval("#c", (el) => el.setAttribute("scenario", "nodes 3\ncrsh 1"));
    await waitFor(page, "#c says the script does not parse", () =>
      document.getElementById("c").shadowRoot.querySelector(".rc-notes").textContent.includes("does not parse"));
    await waitFor(page, "#c rebuilt", () => document.getElementById("c").frame()?.nodes.length === 5);
    assert.equal(await narration(page, "c"), null, "the old script's narration goes with it");
    assert.equal(await page.$eval("#c", (el) => el.script()), null);
    assert.deepEqual(await page.$eval("#c", (el) => el.__scripts), [null]);
  });
});

test("a scenario-src that cannot be loaded in place of a script: the narration goes and raft-script says null", async () => {
  await withTestPage("script-404", `<div class="col">
    <raft-cluster id="b" speed="1" scenario-src="/scenarios/docs/crash-the-leader.txt"></raft-cluster></div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "#b at a step", () => document.getElementById("b").script()?.waiting === true);
    assert.ok(await narration(page, "b"), "#b narrates");
    await recordScript(page, "b");
    await page.$eval("#b", (el) => el.setAttribute("scenario-src", "/scenarios/no-such-file.txt"));
    await waitFor(page, "#b says it could not load it", () =>
      document.getElementById("b").shadowRoot.querySelector(".rc-notes").textContent.includes("could not load it (HTTP 404)"));
    await waitFor(page, "#b's raft-script", () => document.getElementById("b").__scripts.length > 0);
    assert.equal(await narration(page, "b"), null, "no narration");
    assert.equal(await page.$eval("#b", (el) => el.script()), null);
    assert.deepEqual(await page.$eval("#b", (el) => el.__scripts), [null]);
    // The 404 is the one console error (the browser's own line for the failed fetch).
    assert.deepEqual(h.seen.pageErrors, []);
    assert.deepEqual(h.seen.errors.filter((e) => !/404/.test(e)), [], "no other console error");
  }, { clean: false });
});

/** WCAG contrast of two rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test("<raft-compare>'s captions read in every theme on a light page and on a dark one (4.5:1 at least)", async () => {
  const body = `
    <div class="col"><raft-compare id="light-dark" theme="dark" seed="3" change="prevote off"></raft-compare></div>
    <div class="col"><raft-compare id="light-system" seed="3" change="prevote off"></raft-compare></div>
    <div class="col dark-page"><raft-compare id="dark-light" theme="light" seed="3" change="prevote off"></raft-compare></div>
    <div class="col dark-page"><raft-compare id="dark-system" seed="3" change="prevote off"></raft-compare></div>`;
  await withTestPage("compare-captions", body, async (h) => {
    const { page } = h;
    await waitFor(page, "the comparisons drawn", () =>
      [...document.querySelectorAll("raft-compare")].every((c) => c.left.frame() !== null));
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const seen = await page.evaluate(() => [...document.querySelectorAll("raft-compare")].flatMap((c) =>
        [...c.shadowRoot.querySelectorAll(".cmp-cap")].map((cap) => {
          // The colour under the caption: the first box up the tree (through the shadow
          // root) with a background, else the page's canvas (white).
          let bg = "rgb(255, 255, 255)";
          for (let n = cap; n; n = n.parentElement ?? n.getRootNode().host) {
            const b = getComputedStyle(n).backgroundColor;
            if (b !== "rgba(0, 0, 0, 0)" && b !== "transparent") { bg = b; break; }
          }
          return { id: c.id, cap: cap.textContent.trim(), color: getComputedStyle(cap).color, bg };
        })));
      assert.equal(seen.length, 8);
      for (const s of seen) {
        const r = contrast(s.color, s.bg);
        assert.ok(r >= 4.5, `system ${scheme}, #${s.id}, "${s.cap}": ${s.color} on ${s.bg} is ${r.toFixed(2)}:1`);
      }
    }
  }, { script: "dist/raft-compare.js" });
});

test("properties a page sets before the element's script loads are kept, and raft-ready comes before the first raft-frame", async () => {
  await withTestPage("pre-props", `<div class="col"><raft-cluster id="pre"></raft-cluster></div>
    <script src="/__e2e-pre.js"></script>`, async (h) => {
    const { page } = h;
    await waitFor(page, "#pre drawn", () => document.getElementById("pre").frame() !== null);
    const r = await page.evaluate(() => {
      const el = document.getElementById("pre");
      return {
        ownBefore: window.__ownBefore,
        own: ["seed", "nodes", "controls", "theme", "sessionLinkBase"].filter((k) => Object.keys(el).includes(k)),
        attrs: ["seed", "nodes", "controls", "theme"].map((n) => el.getAttribute(n)),
        seed: el.seed,
        nodes: el.frame().nodes.length,
        settingsSeed: el.settings.seed,
        theme: el.shadowRoot.querySelector(".rc").dataset.theme,
        controls: el.shadowRoot.querySelector(".rc").dataset.controls,
        fullShown: !!el.shadowRoot.querySelector(".rc-reset")?.getClientRects().length,
        link: el.sessionLinkBase,
        order: window.__order.slice(0, 2),
      };
    });
    assert.deepEqual(r.ownBefore, ["seed", "nodes", "controls", "theme", "sessionLinkBase"], "the page's script ran first");
    assert.deepEqual(r.own.filter((k) => k !== "sessionLinkBase"), [], "no own property hides an accessor");
    assert.deepEqual(r.attrs, ["99", "3", "full", "dark"], "each became its attribute");
    assert.equal(r.seed, "99");
    assert.equal(r.nodes, 3);
    assert.equal(r.settingsSeed, "99");
    assert.equal(r.theme, "dark");
    assert.equal(r.controls, "full");
    assert.ok(r.fullShown, "the full controls are shown");
    assert.equal(r.link, "/index.html", "a plain property the page set is kept");
    assert.deepEqual(r.order, ["raft-ready:pre", "raft-frame:pre"], "raft-ready first");
  });
});

test("<raft-compare>: a change property set before its script loads is kept", async () => {
  await withTestPage("pre-compare", `<div class="col"><raft-compare id="cmp" seed="3"></raft-compare></div>
    <script src="/__e2e-pre-compare.js"></script>`, async (h) => {
    const { page } = h;
    await waitFor(page, "the runs drawn", () => document.getElementById("cmp").left.frame() !== null);
    const r = await page.$eval("#cmp", (c) => ({
      own: Object.keys(c).includes("change"),
      attr: c.getAttribute("change"),
      caption: c.shadowRoot.querySelector(".cmp-change").textContent,
    }));
    assert.equal(r.own, false, "no own property hides the accessor");
    assert.equal(r.attr, "prevote off");
    assert.equal(r.caption, "prevote off");
  }, { script: "dist/raft-compare.js" });
});

test("the Latency and Loss sliders follow the latency and loss attributes changed while it runs", async () => {
  await withTestPage("net-sliders", `<div class="col"><raft-cluster id="n" controls="full" seed="3" speed="0.5"></raft-cluster></div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "#n drawn", () => document.getElementById("n").frame() !== null);
    await page.$eval("#n", (el) => { el.setAttribute("latency", "200"); el.setAttribute("loss", "0.3"); });
    await waitFor(page, "the network at 200 ms, 0.3", () => {
      const f = document.getElementById("n").frame();
      return f.latencyMaxMs === 200 && f.loss === 0.3;
    });
    const ui = await page.$eval("#n", (el) => {
      const q = (s) => el.shadowRoot.querySelector(s);
      return {
        latency: q(".rc-latency").value, latencyText: q(".rc-latency").getAttribute("aria-valuetext"), latencyOut: q(".rc-latency-out").textContent,
        loss: q(".rc-loss").value, lossText: q(".rc-loss").getAttribute("aria-valuetext"), lossOut: q(".rc-loss-out").textContent,
      };
    });
    assert.deepEqual(ui, {
      latency: "200", latencyText: "67 to 200 milliseconds", latencyOut: "67–200 ms",
      loss: "30", lossText: "30 percent", lossOut: "30 %",
    });
  });
});

test("more bad attributes than the notes show at once: each is named, and Show all shows every message", async () => {
  const bad = { nodes: "52", seed: "-1", latency: "0", paused: "maybe", checkquorum: "2", loss: "0.9", theme: "blue", view: "graph", "diagram-window": "3", height: "tall", narration: "hide" };
  const attrs = Object.entries(bad).map(([k, v]) => `${k}="${v}"`).join(" ");
  await withTestPage("many-bad", `<div class="col"><raft-cluster id="m" speed="1" ${attrs}></raft-cluster></div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "#m drawn", () => document.getElementById("m").frame() !== null);
    const seen = () => page.$eval("#m", (el) => {
      const n = el.shadowRoot.querySelector(".rc-notes");
      return { text: n.innerText, notes: [...n.querySelectorAll("p")].filter((p) => p.getClientRects().length).length };
    });
    const s = await seen();
    for (const [k, v] of Object.entries(bad)) {
      assert.ok(s.text.includes(`${k}="${v}"`) || new RegExp(`more messages?: [^\\n]*\\b${k}\\b`).test(s.text),
        `${k} is named where the reader sees it: ${JSON.stringify(s.text)}`);
    }
    assert.ok(s.notes <= 6, `the notes take a few lines (${s.notes} shown)`);
    await page.locator("#m .note-more-btn").click();
    const all = await seen();
    assert.equal(all.notes, Object.keys(bad).length, "every message shown");
    for (const [k, v] of Object.entries(bad)) assert.ok(all.text.includes(`${k}="${v}"`), `${k}="${v}" said in full`);
    assert.equal(await page.evaluate(() => window.__e2e.deepActive()?.className), "note-close", "the focus on the first message shown");
  });
});

test("at 360 px with full controls no part of the log strips reaches past the element", async () => {
  await withTestPage("strips-360", `<div class="narrow"><raft-cluster id="n" controls="full" seed="8" speed="0.5"></raft-cluster></div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "a leader", () => document.getElementById("n").frame()?.leader > 0);
    // The strips are drawn while in view.
    await page.locator("#n .rc-logs").scrollIntoViewIfNeeded();
    await waitFor(page, "entries in the strips", () =>
      document.getElementById("n").shadowRoot.querySelectorAll(".log-strip .entry").length >= 5);
    await page.waitForTimeout(300);
    const r = await page.$eval("#n", (el) => {
      const right = el.getBoundingClientRect().right;
      const over = [...el.shadowRoot.querySelectorAll(".rc-logs *")].map((n) => [n, n.getBoundingClientRect()])
        .filter(([, b]) => b.width > 0 && b.right > right + 0.5)
        .map(([n, b]) => `${n.className?.baseVal ?? n.className} ${n.textContent.slice(0, 10)} ${Math.round(b.left)}..${Math.round(b.right)}`);
      return { right, over, ticks: [...el.shadowRoot.querySelectorAll(".ruler .tick")].map((t) => t.textContent) };
    });
    assert.ok(r.right <= 360.5, `the element fits 360 px (${r.right})`);
    assert.deepEqual(r.over, [], "nothing of the strips past the element's right edge");
    assert.ok(r.ticks.includes("30"), `the ruler still labels 30: ${r.ticks}`);
  }, { viewport: { width: 360, height: 900 } });
});

test("prevote, checkquorum and paused read back the value just set, before the rebuild", async () => {
  await withTestPage("bool-props", `<div class="col"><raft-cluster id="a" seed="1" prevote="off" paused></raft-cluster></div>`, async (h) => {
    const { page } = h;
    await waitFor(page, "#a drawn", () => document.getElementById("a").frame() !== null);
    const r = await page.$eval("#a", (el) => {
      const out = { start: [el.prevote, el.checkquorum, el.paused] };
      el.prevote = null; // the default: on
      el.checkquorum = false;
      out.set = [el.prevote, el.checkquorum];
      el.paused = false;
      out.paused = el.paused;
      return out;
    });
    assert.deepEqual(r.start, [false, true, true]);
    assert.deepEqual(r.set, [true, false], "read back at once");
    assert.equal(r.paused, false);
    await waitFor(page, "rebuilt with pre-vote on, check-quorum off", () => {
      const f = document.getElementById("a").frame(); // null between the rebuild and its first draw
      return !!f && f.prevote === true && f.checkquorum === false;
    });
    assert.deepEqual(await page.$eval("#a", (el) => [el.prevote, el.checkquorum]), [true, false]);
  });
});
