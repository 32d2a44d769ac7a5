// Accessibility: an axe-core audit of every page (index, tour, docs and the iframe form),
// and of the playground partitioned with its quorum warning shown (both themes), finds no
// serious or critical violation. axe audits open shadow roots, so the element's
// insides are audited too. The pages' strict CSP would refuse the injected axe script, so
// this file's browser context bypasses the CSP (the other files check the CSP holds).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, withPage, axeSerious, axeSource, formatViolations, settle } from "./lib.mjs";

let env;
before(async () => {
  axeSource(); // fails early, saying how, when axe-core is not installed
  env = await launch({ contextOptions: { bypassCSP: true } });
});
after(async () => {
  await env?.close();
});

/** Pauses every element of the page (an element mid-change could be audited half-drawn). */
async function pauseAll(page) {
  await page.evaluate(() => {
    for (const el of document.querySelectorAll("raft-cluster")) el.pause?.();
  });
  await settle(page);
  await page.waitForTimeout(300);
}

const PAGES = [
  ["index.html", "", { seed: "7", speed: "1" }, {}],
  ["tour.html", "tour.html", {}, { hash: "#tour/replication/3", host: "#tour-cluster" }],
  ["tour.html (a step with a figure)", "tour.html", {}, { hash: "#tour/membership/1", host: "#tour-cluster" }],
  ["tour.html (a joint configuration)", "tour.html", {}, { hash: "#tour/membership/7", host: "#tour-cluster" }],
  ["docs.html", "docs.html", {}, { waitReady: false }],
  ["embed.html", "embed.html", { seed: "7", controls: "full" }, { viewport: { width: 480, height: 600 } }],
  ["embed.html (minimal)", "embed.html", { seed: "7" }, { viewport: { width: 480, height: 600 } }],
];

for (const [name, path, params, opts] of PAGES) {
  test(`axe-core finds no serious or critical violation on ${name}`, async () => {
    await withPage(env, params, async (h) => {
      if (path === "docs.html") {
        await h.page.waitForFunction(() => [...document.querySelectorAll("raft-cluster")].some((el) => el.frame?.()), null, { timeout: 30_000 });
      } else {
        // Let it run a little: a leader, messages, log entries.
        await h.page.waitForTimeout(1500);
      }
      await pauseAll(h.page);
      const serious = await axeSerious(h.page);
      assert.equal(serious.length, 0, `${name}: ${serious.length} serious or critical axe violation(s):\n    ${formatViolations(serious)}`);
    }, { path, ...opts });
  });
}

test("axe-core finds no serious or critical violation in the open dialogs and the node menu (index.html)", async () => {
  await withPage(env, { seed: "7", speed: "1" }, async (h) => {
    await h.page.waitForTimeout(1000);
    await pauseAll(h.page);
    const found = [];
    await h.in('.rc-cluster g.node[data-id="1"] .hit').click();
    await h.in(".node-menu").waitFor({ state: "visible" });
    found.push(...(await axeSerious(h.page)).map((v) => ({ ...v, id: `node menu: ${v.id}` })));
    await h.page.keyboard.press("Escape");
    for (const [open, sel] of [[".rc-help", ".help-dialog"], [".rc-partition", ".partition-dialog"], [".rc-export", ".export-dialog"]]) {
      await h.in(open).click();
      await h.in(sel).waitFor({ state: "visible" });
      found.push(...(await axeSerious(h.page)).map((v) => ({ ...v, id: `${sel}: ${v.id}` })));
      await h.page.keyboard.press("Escape");
      await h.in(sel).waitFor({ state: "hidden" });
    }
    assert.equal(found.length, 0, `${found.length} serious or critical axe violation(s):\n    ${formatViolations(found)}`);
  });
});

test("axe-core finds no serious or critical violation on tour.html in a dark system theme (it follows the system)", async () => {
  await withPage(env, {}, async (h) => {
    await h.page.emulateMedia({ colorScheme: "dark" });
    await h.page.waitForTimeout(1500);
    await pauseAll(h.page);
    const serious = await axeSerious(h.page);
    assert.equal(serious.length, 0, `${serious.length} serious or critical axe violation(s):\n    ${formatViolations(serious)}`);
  }, { path: "tour.html", hash: "#tour/replication/3", host: "#tour-cluster" });
});

for (const theme of ["light", "dark"]) {
  test(`axe-core finds no serious or critical violation with the quorum warning shown (${theme})`, async () => {
    await withPage(env, { seed: "7", speed: "1", theme }, async (h) => {
      await h.page.waitForFunction((host) => window.__e2e.el(host).frame()?.leader > 0, h.host, { timeout: 30_000 });
      await pauseAll(h.page);
      // Two of five voters cut off from the leader: one failure from losing quorum.
      await h.page.evaluate((host) => {
        const el = window.__e2e.el(host);
        const leader = el.frame().leader;
        const others = [1, 2, 3, 4, 5].filter((id) => id !== leader);
        el.command({ op: "partition", groups: [[leader, others[0], others[1]], [others[2], others[3]]] });
      }, h.host);
      await h.in(".rc-conf-warn").waitFor({ state: "visible" });
      await settle(h.page);
      const serious = await axeSerious(h.page);
      assert.equal(serious.length, 0, `${serious.length} serious or critical axe violation(s):\n    ${formatViolations(serious)}`);
    });
  });
}

// axe checks a label around a control by itself; the browser's accessibility tree is what
// a screen reader gets. (A <label> holding an <output> before its range labels the output,
// not the range: HTML gives a label to its first labelable descendant.)
for (const [name, path, params, opts] of PAGES.filter(([n]) => !n.startsWith("docs"))) {
  test(`every control on ${name} has a name in the browser's accessibility tree`, async () => {
    await withPage(env, params, async (h) => {
      await pauseAll(h.page);
      const tree = await h.page.locator("body").ariaSnapshot();
      const ROLES = "button|slider|spinbutton|textbox|checkbox|combobox|radio|menuitem|link|switch";
      const unnamed = tree.split("\n").filter((l) => new RegExp(`^\\s*- (${ROLES})(:|$| \\[)`).test(l));
      assert.deepEqual(unnamed, [], `controls without an accessible name on ${name}; the tree:\n${tree.split("\n").filter((l) => new RegExp(`- (${ROLES})\\b`).test(l)).join("\n")}`);
    }, { path, ...opts });
  });
}
