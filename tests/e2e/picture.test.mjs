// The cluster's opaque canvas (views/mirror.js): it paints the backdrop and a picture of the
// cluster's SVG under the rings and the messages. The picture must be what the SVG shows
// (roles, a crashed node's cross, partition halos and cut edges, the keyboard's focus ring,
// labels), follow the page's own restyling at run time, and give way to the SVG itself
// where it cannot be exact (a backdrop that is not one plain colour).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, withPage, settle, waitStableLeader, T_LONG } from "./lib.mjs";
import { serveTestFiles, testPage, waitFor } from "./pages.mjs";

let env;
before(async () => {
  env = await launch();
  await serveTestFiles(env, { "/__e2e-picture.css": PICTURE_CSS });
});
after(async () => {
  await env?.close();
});

// A page with its own dark mode (a class on <html>, as many blogs do it) and a cluster on a
// gradient backdrop (a ::part rule).
const PICTURE_CSS = `
body { margin: 0; background: #ffffff; }
html.dark raft-cluster { --rc-panel: rgb(32, 40, 56); }
raft-cluster.fancy::part(root) { background: linear-gradient(90deg, #fde68a, #bfdbfe); }
`;

/** Compares two PNG screenshots of the same box inside the page, leaving out the disks
 *  `mask` ([x, y, r] in the image's px): the share of other pixels that differ by more than
 *  48 in some channel, how many were compared, and how many differ inside the disks. */
function compareShots(page, a, b, mask) {
  return page.evaluate(async ([a, b, mask]) => {
    const load = (s) => new Promise((res, rej) => {
      const i = new Image();
      i.onload = () => res(i);
      i.onerror = rej;
      i.src = `data:image/png;base64,${s}`;
    });
    const [ia, ib] = await Promise.all([load(a), load(b)]);
    const w = ia.width, h = ia.height;
    const c = document.createElement("canvas");
    c.width = w;
    c.height = h;
    const g = c.getContext("2d", { willReadFrequently: true });
    g.drawImage(ia, 0, 0);
    const da = g.getImageData(0, 0, w, h).data;
    g.drawImage(ib, 0, 0);
    const db = g.getImageData(0, 0, w, h).data;
    let compared = 0, differ = 0, maskedDiffer = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = 4 * (y * w + x);
        const d = Math.max(Math.abs(da[i] - db[i]), Math.abs(da[i + 1] - db[i + 1]), Math.abs(da[i + 2] - db[i + 2])) > 48;
        if (mask.some(([mx, my, r]) => (x - mx) ** 2 + (y - my) ** 2 <= r * r)) {
          if (d) maskedDiffer++;
          continue;
        }
        compared++;
        if (d) differ++;
      }
    }
    return { compared, share: differ / compared, maskedDiffer };
  }, [a.toString("base64"), b.toString("base64"), mask]);
}

/** The cluster's canvas and SVG, as the tests read them: the canvas's box (client px),
 *  whether it is opaque (and how many of its pixels are not), and the disks to leave out
 *  of a comparison with the SVG: the timer rings and the messages, which the canvas alone
 *  draws. */
const pictureState = (page) => page.evaluate(() => {
  const el = window.__e2e.el();
  const canvas = window.__e2e.q(el, ".rc-canvas");
  const box = canvas.getBoundingClientRect();
  const k = box.width / 600;
  const svg = window.__e2e.q(el, ".rc-cluster svg");
  const dense = svg.classList.contains("dense");
  const mask = [];
  for (const hit of window.__e2e.qa(el, ".nodes .hit")) {
    const ringR = Number(hit.parentElement.querySelector(".ring-track").getAttribute("r"));
    const x = Number(hit.getAttribute("cx")) * k, y = Number(hit.getAttribute("cy")) * k;
    // An annulus as disks along it: the ring's width (5 units) and a pixel each side.
    const band = ((dense ? 2.5 : 5) / 2 + 1.5) * k;
    const n = Math.ceil((2 * Math.PI * ringR * k) / band);
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      mask.push([x + ringR * k * Math.cos(a), y + ringR * k * Math.sin(a), band + 1]);
    }
  }
  for (const m of el.frame().messages) {
    const p = window.__e2e.messagePoint(el, m);
    mask.push([p.x - box.left, p.y - box.top, 14]);
  }
  // The canvas's own pixels: opaque everywhere.
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let clear = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] < 255) clear++;
  const sb = svg.getBoundingClientRect();
  const sameBox = Math.abs(sb.x - box.x) < 0.5 && Math.abs(sb.y - box.y) < 0.5 && Math.abs(sb.width - box.width) < 0.5;
  return {
    opaque: canvas.classList.contains("opaque"), clear, sameBox,
    box: { x: box.x, y: box.y, width: box.width, height: box.height }, mask,
  };
});

/** Shoots the cluster's box with its canvas and with the SVG alone (the canvas hidden) and
 *  compares the two (compareShots), leaving out what the canvas alone draws. */
async function compareWithSvg(h, state) {
  const clip = state.box;
  const withCanvas = await h.page.screenshot({ clip });
  await h.in(".rc-canvas").evaluate((c) => { c.style.visibility = "hidden"; });
  await settle(h.page);
  const svgAlone = await h.page.screenshot({ clip });
  await h.in(".rc-canvas").evaluate((c) => { c.style.visibility = ""; });
  await settle(h.page);
  return compareShots(h.page, withCanvas, svgAlone, state.mask);
}

/** The checks every comparison makes: the canvas is opaque over the SVG's box, its picture
 *  matches the SVG's, and what the shot shows is the canvas (the rings only it draws). */
function assertSamePicture(state, r, what) {
  assert.ok(state.opaque, `${what}: the cluster's canvas is opaque`);
  assert.equal(state.clear, 0, `${what}: no pixel of the opaque canvas is see-through`);
  assert.ok(state.sameBox, `${what}: the canvas covers the SVG's box`);
  assert.ok(r.compared > 0.5 * state.box.width * state.box.height, `${what}: most of the picture compared (${r.compared} px)`);
  assert.ok(r.share < 0.001, `${what}: the canvas's picture matches the SVG's: ${(100 * r.share).toFixed(2)} % of pixels differ`);
  assert.ok(r.maskedDiffer > 300, `${what}: the canvas's rings show in the shot (${r.maskedDiffer} px)`);
}

test("the cluster's opaque canvas shows what its SVG shows: roles, a removed node, a crash, a partition, the focus ring, labels", async () => {
  await withPage(env, { nodes: 7, seed: 2, speed: 1 }, async (h) => {
    const { page } = h;
    await waitStableLeader(h);
    // Node 7 removed from the configuration (drawn faded: a group's opacity).
    await page.evaluate(() => window.__e2e.el().controller.command({ op: "remove", node: 7 }));
    await waitFor(page, "node 7 removed", () =>
      window.__e2e.q(window.__e2e.el(), '.node[data-id="7"]')?.getAttribute("data-member") === "removed");
    await page.evaluate(() => {
      const c = window.__e2e.el().controller;
      c.command({ op: "crash", node: 3 });
      c.command({ op: "partition", groups: [[1, 2, 3, 4], [5, 6, 7]] });
    });
    await page.waitForTimeout(400);
    await page.evaluate(() => window.__e2e.el().pause());
    // The keyboard's focus on node 2 (its ring is drawn by the SVG's style).
    await page.evaluate(() => window.__e2e.q(window.__e2e.el(), '.hit[data-id="1"]').focus());
    await page.keyboard.press("Tab");
    await settle(page);
    const scene = await page.evaluate(() => {
      const el = window.__e2e.el();
      const svg = window.__e2e.q(el, ".rc-cluster svg");
      return {
        focused: el.shadowRoot.activeElement?.getAttribute("data-id"),
        cross: getComputedStyle(svg.querySelector('.node[data-id="3"] .cross')).display !== "none",
        cut: svg.querySelectorAll(".edge.cut").length, groups: svg.querySelectorAll(".node[data-group]").length,
      };
    });
    assert.equal(scene.focused, "2", "node 2's control has the focus");
    assert.ok(scene.cross && scene.cut > 0 && scene.groups === 7, `a crashed node, cut edges, groups: ${JSON.stringify(scene)}`);
    const state = await pictureState(page);
    assertSamePicture(state, await compareWithSvg(h, state), "focus on node 2");
    // The focus moves back to node 1: its ring on the canvas moves with it.
    await page.keyboard.press("Shift+Tab");
    await settle(page);
    assert.equal(await page.evaluate(() => window.__e2e.el().shadowRoot.activeElement?.getAttribute("data-id")), "1");
    const again = await pictureState(page);
    assertSamePicture(again, await compareWithSvg(h, again), "focus on node 1");
  });
});

test("a 51-node cluster's opaque canvas shows what its SVG shows", async () => {
  await withPage(env, { nodes: 51, seed: 1, speed: 1 }, async (h) => {
    await waitStableLeader(h);
    await h.page.evaluate(() => window.__e2e.el().pause());
    await settle(h.page);
    const state = await pictureState(h.page);
    assertSamePicture(state, await compareWithSvg(h, state), "51 nodes");
  });
});

/** The colour of the cluster canvas's pixel at (x, y) (device px), as [r, g, b, a]. */
const canvasPixel = (page, host, x, y) =>
  page.evaluate(([host, x, y]) => {
    const c = document.querySelector(host).shadowRoot.querySelector(".rc-canvas");
    return [...c.getContext("2d").getImageData(x, y, 1, 1).data];
  }, [host, x, y]);

test("the picture follows the page's own restyling at run time, and a theme", async () => {
  await serveTestFiles(env, { "/__e2e-restyle.html": testPage("restyle", `<raft-cluster id="a" seed="4" speed="1"></raft-cluster>`, "/__e2e-picture.css") });
  await withPage(env, {}, async (h) => {
    const { page } = h;
    await waitFor(page, "#a drawn", () => document.getElementById("a").frame()?.now > 100_000, null, T_LONG);
    const light = await canvasPixel(page, "#a", 2, 2);
    assert.deepEqual(light, [255, 255, 255, 255], "the backdrop is the light panel's white");
    // The page's dark mode: a class on <html> that sets the element's --rc-panel.
    await page.evaluate(() => document.documentElement.classList.add("dark"));
    await waitFor(page, "the canvas's backdrop is the new panel colour", () => {
      const c = document.getElementById("a").shadowRoot.querySelector(".rc-canvas");
      const [r, g, b] = c.getContext("2d").getImageData(2, 2, 1, 1).data;
      return r === 32 && g === 40 && b === 56;
    });
    await page.evaluate(() => document.documentElement.classList.remove("dark"));
    await page.evaluate(() => document.getElementById("a").setAttribute("theme", "dark"));
    await settle(page);
    const dark = await canvasPixel(page, "#a", 2, 2);
    assert.deepEqual(dark, [0x1b, 0x20, 0x27, 255], "theme=\"dark\": the dark panel's colour");
  }, { path: "__e2e-restyle.html", waitReady: false });
});

test("on a backdrop that is not one plain colour the canvas stays transparent over the SVG", async () => {
  await serveTestFiles(env, { "/__e2e-fancy.html": testPage("fancy", `<raft-cluster id="a" class="fancy" seed="4" speed="1"></raft-cluster>`, "/__e2e-picture.css") });
  await withPage(env, {}, async (h) => {
    const { page } = h;
    await waitFor(page, "#a drawn with messages in flight", () => {
      const el = document.getElementById("a");
      return el.frame()?.now > 100_000 && el.frame().messages.length > 0;
    }, null, T_LONG);
    const r = await page.evaluate(() => {
      const c = document.getElementById("a").shadowRoot.querySelector(".rc-canvas");
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let clear = 0, ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] === 0) clear++; else ink++;
      return { opaque: c.classList.contains("opaque"), clear, ink };
    });
    assert.equal(r.opaque, false, "the canvas is not opaque");
    assert.ok(r.clear > 10 * r.ink && r.ink > 0, `mostly see-through, with the rings and messages on it: ${JSON.stringify(r)}`);
  }, { path: "__e2e-fancy.html", waitReady: false });
});
