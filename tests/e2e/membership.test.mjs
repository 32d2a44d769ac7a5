// Membership changes from the page: adding a node (it catches up, then counts in the
// quorum), removing the leader (a new leader in the new configuration; from the node menu
// and through the element's command API), and a joint change (both majorities while joint,
// then the new configuration alone). The Nodes field follows the nodes added and removed;
// the quorum warning counts the voters the leader can reach. Screenshots of a joint change
// in progress, on the page and in a controls="full" embed, and of the warning.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  sharedEnv,
  withPage,
  screenshot,
  settle,
  until,
  waitStableLeader,
  nodeAction,
  setPlaying,
  revealStrips,
  ARTIFACTS,
  T_LONG,
} from "./lib.mjs";
import { serveTestFiles, testPage } from "./pages.mjs";

const env = sharedEnv();

const confText = (h) => h.in(".rc-conf-text").textContent();

/** Runs `el.command(action)` in the page: {done, refused} (refused: the raft-refused
 *  event's detail, or null). */
async function command(h, action) {
  return h.page.evaluate(({ host, action }) => {
    const el = window.__e2e.el(host);
    let refused = null;
    const on = (e) => { refused = e.detail; };
    el.addEventListener("raft-refused", on);
    try {
      return { done: el.command(action), refused };
    } finally {
      el.removeEventListener("raft-refused", on);
    }
  }, { host: h.host, action });
}

/** Waits until the configuration line's warning reads `text` exactly (null: none shown). */
async function waitWarning(h, text) {
  await until(h, text === null ? "no quorum warning" : `the warning "${text}"`, (text, el) => {
    const w = window.__e2e.q(el, ".rc-conf-warn");
    return text === null ? w.hidden : !w.hidden && w.textContent === text;
  }, text);
}

/** Nothing in the element sticks out of it, and no two of its bars' controls overlap. */
async function assertLaidOut(h) {
  const bad = await h.page.evaluate((host) => {
    const el = window.__e2e.el(host);
    const root = el.shadowRoot;
    const box = root.querySelector(".rc").getBoundingClientRect();
    const out = [];
    const seen = [...root.querySelectorAll(".rc-bar button, .rc-bar .field, .rc-bar .check, .rc-bar .rc-range, .rc-conf > *")]
      .filter((e) => e.offsetParent !== null)
      .map((e) => [e, e.getBoundingClientRect()]);
    for (const [e, r] of seen) {
      if (r.left < box.left - 1 || r.right > box.right + 1) out.push(`${e.className} sticks out (${Math.round(r.left)}..${Math.round(r.right)} of ${Math.round(box.left)}..${Math.round(box.right)})`);
    }
    for (let i = 0; i < seen.length; i++) {
      for (let j = i + 1; j < seen.length; j++) {
        const [a, ra] = seen[i], [b, rb] = seen[j];
        if (a.contains(b) || b.contains(a)) continue;
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const hh = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > 1 && hh > 1) out.push(`${a.className} overlaps ${b.className}`);
      }
    }
    return out;
  }, h.host);
  assert.deepEqual(bad, []);
}

test("an added node catches up, then counts in the quorum", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "3" }, async (h) => {
    const { id: leader } = await waitStableLeader(h);
    assert.match(await confText(h), /Voters \{1,2,3\}.*commit needs 2 of \{1,2,3\}/);
    await h.in(".rc-add-node").click();
    await until(h, "node 4 drawn in the cluster", (_, el) => !!window.__e2e.q(el, '.rc-cluster g.node[data-id="4"]'));
    await until(h, "node 4 a voter whose log reaches the leader's commit", (leader, el) => {
      const f = el.frame();
      const l = f.nodes.find((n) => n.id === f.leader);
      const n4 = f.nodes.find((n) => n.id === 4);
      return l && n4 && f.conf.voters.includes(4) && n4.member === "voter" && n4.commit >= l.commit && n4.lastIndex >= l.commit;
    }, leader, T_LONG);
    await until(h, "the configuration line counts node 4", (_, el) =>
      /Voters \{1,2,3,4\}.*commit needs 3 of \{1,2,3,4\}/.test(window.__e2e.q(el, ".rc-conf-text").textContent));
    assert.equal(await h.in('.rc-cluster g.node[data-id="4"]').getAttribute("data-member"), "voter");
    await revealStrips(h);
    await until(h, "node 4's log strip", (_, el) => window.__e2e.qa(el, '.log-strip[data-node="4"] .entry[data-index]').length > 0);
    // Four voters, three needed: with one down the cluster is one failure from losing quorum.
    const down = [1, 2, 3, 4].find((id) => id !== leader);
    await h.page.evaluate(({ host, down }) => window.__e2e.el(host).command({ op: "crash", node: down }), { host: h.host, down });
    await waitWarning(h, `One failure from losing quorum: 3 of {1,2,3,4} up and reachable from the leader, node ${leader}; 3 needed.`);
    await h.page.evaluate(({ host, down }) => window.__e2e.el(host).command({ op: "restart", node: down }), { host: h.host, down });
    await until(h, "the warning gone", (_, el) => window.__e2e.q(el, ".rc-conf-warn").hidden);
    // A learner: drawn as one, listed as one, not in the quorum.
    await h.in(".rc-add-learner").click();
    await until(h, "node 5 a learner", (_, el) => el.frame().conf.learners.includes(5) &&
      window.__e2e.q(el, '.rc-cluster g.node[data-id="5"]')?.getAttribute("data-member") === "learner", null, T_LONG);
    await until(h, "the configuration line lists the learner apart", (_, el) =>
      /Voters \{1,2,3,4\} · learners \{5\}.*commit needs 3 of \{1,2,3,4\}/.test(window.__e2e.q(el, ".rc-conf-text").textContent));
    // Fabric's active_nodes and cluster_size both count voters: the learner is in neither
    // (it once showed "5 / 4"), and is said apart.
    await until(h, "the active / cluster size tile counts voters and the learner apart", (_, el) => {
      const m = el.frame().metrics;
      const tile = window.__e2e.qa(el, ".rc-metrics .tile").find((t) => /active \/ cluster size/.test(t.textContent));
      const text = tile?.querySelector(".tile-value").textContent.trim() ?? "";
      return m.cluster_size === 4 && m.learners === 1 && m.active_nodes <= 4 && /^[0-4] \/ 4 \+ 1 learner$/.test(text);
    }, null, T_LONG);
  });
});

test("removing the leader: a new leader is elected in the new configuration", async () => {
  await withPage(env, { seed: "7", speed: "1", nodes: "5" }, async (h) => {
    const { id: old } = await waitStableLeader(h);
    await nodeAction(h, old, "remove");
    const next = await until(h, "a new leader among the remaining voters", (old, el) => {
      const f = el.frame();
      if (!f.leader || f.leader === old || f.conf.voters.includes(old) || f.conf.from !== f.leader) return false;
      return f.conf.voters.length === 4 && f.nodes[old - 1].member === "removed" ? f.leader : false;
    }, old, T_LONG);
    assert.ok(next !== old);
    assert.equal(await h.in(`.rc-cluster g.node[data-id="${old}"]`).getAttribute("data-member"), "removed");
    assert.match(await confText(h), /commit needs 3 of \{/);
    // Removing a second node right away is fine once the first change is applied; a node
    // that is not a member has no Remove.
    await h.in(`.rc-cluster g.node[data-id="${old}"] .hit`).click();
    assert.ok(await h.in('.node-menu [data-action="remove"]').isDisabled());
    await h.page.keyboard.press("Escape");
  });
});

test("the element's command API removes the leader, and names what is wrong with a bad target", async () => {
  await withPage(env, { seed: "7", speed: "1", nodes: "5" }, async (h) => {
    const { id: old } = await waitStableLeader(h);
    assert.deepEqual(await command(h, { op: "remove", node: "leader" }), { done: true, refused: null });
    await until(h, "a new leader among the remaining voters", (old, el) => {
      const f = el.frame();
      return f.leader && f.leader !== old && f.conf.from === f.leader && !f.conf.voters.includes(old) &&
        f.conf.voters.length === 4 && f.nodes[old - 1].member === "removed";
    }, old, T_LONG);
    await setPlaying(h, false);
    const refusals = [
      [{ op: "remove", node: "lead" }, 'node: expected a node id (a whole number) or "leader", got the text "lead"'],
      [{ op: "remove", node: 9 }, "node 9 is not in the cluster (nodes are 1..=5)"],
      [{ op: "restart", node: "leader" }, 'restart needs a node id, not "leader": a crashed node is never the leader'],
      [{ op: "transfer", node: "leader" }, 'transfer needs a node id, not "leader": it would hand leadership to the node that has it'],
      [{ op: "promote", node: "leader" }, 'promote needs a node id, not "leader": the leader is a voter already; promote makes a learner one'],
    ];
    for (const [action, message] of refusals) {
      const r = await command(h, action);
      assert.equal(r.done, false, JSON.stringify(action));
      assert.deepEqual({ name: r.refused?.name, field: r.refused?.field, message: r.refused?.message },
        { name: "CommandError", field: "node", message }, JSON.stringify(action));
    }
    // With no leader, "leader" names nobody: crash it (by that name), then ask again.
    assert.equal((await command(h, { op: "crash", node: "leader" })).done, true);
    await until(h, "no leader", (_, el) => el.frame().leader === 0);
    const r = await command(h, { op: "remove", node: "leader" });
    assert.equal(r.done, false);
    assert.match(r.refused?.message ?? "", /there is no leader to propose a membership change to/);
    await until(h, "the refusal in the notes", (_, el) =>
      /no leader to propose a membership change/.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
  });
});

test("the Nodes field follows the nodes added and removed; typing a count there rebuilds", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "3" }, async (h) => {
    const field = h.in(".rc-nodes");
    const { id: leader } = await waitStableLeader(h);
    assert.equal(await field.inputValue(), "3");
    const nodesShown = (count) => until(h, `the Nodes field at ${count}`, (count, el) =>
      window.__e2e.q(el, ".rc-nodes").value === String(count), count, T_LONG);
    await h.in(".rc-add-node").click();
    await nodesShown(4);
    await until(h, "node 4 a voter", (_, el) => el.frame().conf.voters.includes(4) && !el.frame().conf.pending, null, T_LONG);
    await h.in(".rc-add-learner").click();
    await nodesShown(5);
    await until(h, "node 5 a learner", (_, el) => el.frame().conf.learners.includes(5) && !el.frame().conf.pending, null, T_LONG);
    // A removed node is still drawn, faded, but no longer counted.
    const out = [1, 2, 3, 4].find((id) => id !== leader);
    await nodeAction(h, out, "remove");
    await until(h, `node ${out} removed`, (out, el) => el.frame().nodes[out - 1].member === "removed", out, T_LONG);
    await nodesShown(4);
    assert.equal(await h.in(`.rc-cluster g.node[data-id="${out}"]`).getAttribute("data-member"), "removed");
    // The count the cluster was built with, typed in: a fresh cluster of that many.
    await field.fill("3");
    await field.press("Enter");
    await until(h, "a fresh 3-node cluster", (_, el) => el.frame().nodes.length === 3 &&
      window.__e2e.qa(el, ".rc-cluster g.node[data-id]").length === 3 && el.frame().conf.learners.length === 0, null, T_LONG);
    await nodesShown(3);
  });
});

test("the Nodes field at the 51-node limit", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "50" }, async (h) => {
    const field = h.in(".rc-nodes");
    await waitStableLeader(h);
    assert.deepEqual([await field.inputValue(), await field.getAttribute("max")], ["50", "50"]);
    await h.in(".rc-add-node").click();
    await until(h, "the Nodes field at 51, within its range", (_, el) => {
      const input = window.__e2e.q(el, ".rc-nodes");
      return input.value === "51" && input.max === "51" && input.validity.valid;
    }, null, T_LONG);
    // No 52nd node: refused, said, and the field still counts 51.
    await until(h, "node 51 a voter", (_, el) => el.frame().conf.voters.includes(51) && !el.frame().conf.pending, null, T_LONG);
    await h.in(".rc-add-node").click();
    await until(h, "the refusal in the notes", (_, el) =>
      /the cluster already has the most nodes there are, 51/.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    assert.equal(await field.inputValue(), "51");
    await field.fill("52");
    await field.press("Enter");
    await until(h, "the Nodes field's problem in the notes", (_, el) =>
      /Nodes: expected a whole number from 1 to 51, got "52"; the cluster keeps its 51 nodes\./.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    // What was typed stays, marked invalid; the cluster keeps its 51.
    assert.equal(await field.inputValue(), "52");
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    assert.equal(await h.page.evaluate(() => window.raftLive.el.frame().nodes.length), 51);
    // 51 typed in: a fresh cluster of 51 voters (it was built with 50).
    await field.fill("51");
    await field.press("Enter");
    await until(h, "a fresh cluster of 51 voters", (_, el) => el.settings.nodes === 51 && el.frame().nodes.length === 51 &&
      el.frame().conf.voters.length === 51, null, T_LONG);
    assert.equal(await field.inputValue(), "51");
  });
});

/** Splits the cluster while paused, so that the warning reads this very state. */
async function partitionPaused(h, groups) {
  assert.deepEqual(await command(h, { op: "partition", groups }), { done: true, refused: null });
}

test("the quorum warning counts the voters that are up and reachable, not those up", async () => {
  await withPage(env, { seed: "7", speed: "1", nodes: "5" }, async (h) => {
    const { id: leader } = await waitStableLeader(h);
    await waitWarning(h, null);
    await setPlaying(h, false);
    const others = [1, 2, 3, 4, 5].filter((id) => id !== leader);
    // Two of five voters cut off, every node up: the leader reaches three.
    await partitionPaused(h, [[leader, others[0], others[1]], [others[2], others[3]]]);
    await waitWarning(h, `One failure from losing quorum: 3 of {1,2,3,4,5} up and reachable from the leader, node ${leader}; 3 needed.`);
    // Three cut off: the leader reaches two.
    await partitionPaused(h, [[leader, others[0]], others.slice(1)]);
    await waitWarning(h, `Quorum lost: 2 of {1,2,3,4,5} up and reachable from the leader, node ${leader}; 3 needed.`);
    // No leader: the largest group of up voters that reach each other is the one counted.
    assert.equal((await command(h, { op: "crash", node: leader })).done, true);
    await waitWarning(h, "One failure from losing quorum: 3 of {1,2,3,4,5} up and connected to each other, with no leader; 3 needed.");
    await command(h, { op: "heal" });
    await waitWarning(h, null);
  });
});

test("screenshots: the quorum warning of a partition, at 390, 1366 and 1920 px", async () => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1366, height: 768 }, { width: 1920, height: 1080 }]) {
    await withPage(env, { seed: "7", speed: "0.3", nodes: "5" }, async (h) => {
      const { id: leader } = await waitStableLeader(h);
      await setPlaying(h, false);
      const others = [1, 2, 3, 4, 5].filter((id) => id !== leader);
      await partitionPaused(h, [[leader, others[0], others[1]], [others[2], others[3]]]);
      await waitWarning(h, `One failure from losing quorum: 3 of {1,2,3,4,5} up and reachable from the leader, node ${leader}; 3 needed.`);
      await settle(h.page);
      await assertLaidOut(h);
      await screenshot(h.page, `membership-quorum-warning-${viewport.width}`);
      await h.in(".rc-conf").screenshot({ path: `${ARTIFACTS}/membership-quorum-warning-line-${viewport.width}.png` });
    }, { viewport });
  }
});

/** Opens the membership dialog and asks for node `out` to leave and `more` new voters. */
async function jointChange(h, out, more, explicit) {
  await h.in(".rc-change").click();
  const d = h.in(".change-dialog");
  await d.waitFor({ state: "visible" });
  for (const id of out) await d.locator(`.cnode input[value="${id}"]`).uncheck();
  await d.locator(".change-more").fill(String(more));
  if (explicit) await d.locator('input[name="leave"][value="explicit"]').check();
  await d.locator(".change-apply").click();
  await d.waitFor({ state: "hidden" });
}

test("a joint change shows both majorities while joint, then leaves it", async () => {
  await withPage(env, { seed: "3", speed: "1", nodes: "3" }, async (h) => {
    await waitStableLeader(h);
    await jointChange(h, [1], 1, true);
    await until(h, "joint consensus on the configuration line", (_, el) =>
      el.frame().conf.joint &&
      /commit needs 2 of \{2,3,4\} and 2 of \{1,2,3\}/.test(window.__e2e.q(el, ".rc-conf-text").textContent), null, T_LONG);
    // A second change is refused while this one is pending: the refusal is shown.
    await h.in(".rc-add-node").click();
    await until(h, "the refusal in the notes", (_, el) => /joint|pending|change/i.test(window.__e2e.q(el, ".rc-notes")?.textContent ?? ""));
    // From the keyboard: when the button hides under the focus, the focus goes to Change….
    await h.in(".rc-leave-joint").focus();
    await h.page.keyboard.press("Enter");
    await until(h, "the joint configuration left", (_, el) => {
      const c = el.frame().conf;
      return !c.joint && c.voters.join() === "2,3,4" &&
        /Voters \{2,3,4\}.*commit needs 2 of \{2,3,4\}$/.test(window.__e2e.q(el, ".rc-conf-text").textContent);
    }, null, T_LONG);
    assert.ok(await h.in(".rc-leave-joint").isHidden());
    assert.match(await h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive())), /rc-change/, "the focus is on Change…, not <body>");
  });
});

/** The problem the open dialog `cls` says (its role="alert" line), or null when none is
 *  shown; and whether the notes (behind the dialog's backdrop) said it too. */
async function dialogProblem(h, cls) {
  return h.page.evaluate(({ host, cls }) => {
    const el = window.__e2e.el(host);
    const p = window.__e2e.q(el, `${cls} .dialog-error`);
    const shown = p && !p.hidden && window.__e2e.visible(p) ? p.textContent : null;
    return { text: shown, role: p?.getAttribute("role") ?? null, inNotes: !!shown && (window.__e2e.q(el, ".rc-notes")?.textContent ?? "").includes(shown) };
  }, { host: h.host, cls });
}

/** Waits until dialog `cls` says a problem matching `re`, in the dialog (announced), not
 *  in the notes; returns its text. */
async function waitDialogProblem(h, cls, re) {
  await until(h, `the dialog saying ${re}`, ({ cls, src }, el) => {
    const p = window.__e2e.q(el, `${cls} .dialog-error`);
    return !!p && !p.hidden && new RegExp(src).test(p.textContent);
  }, { cls, src: re.source });
  const p = await dialogProblem(h, cls);
  assert.equal(p.role, "alert", "the dialog's problem is announced");
  assert.equal(p.inNotes, false, "not sent to the notes behind the dialog");
  assert.equal(await h.in(cls).isVisible(), true, "the dialog stays open");
  return p.text;
}

test("the membership dialog says a count of new nodes it cannot take, and stays open with nothing changed", async () => {
  await withPage(env, { seed: "3", speed: "1", nodes: "3" }, async (h) => {
    await waitStableLeader(h);
    await h.in(".rc-change").click();
    const d = h.in(".change-dialog");
    await d.waitFor({ state: "visible" });
    for (const bad of ["9", "-1", "1.5"]) {
      await d.locator(".change-more").fill(bad);
      await d.locator(".change-apply").click();
      const said = await waitDialogProblem(h, ".change-dialog", /New nodes to add/);
      assert.equal(said, `New nodes to add: expected a whole number from 0 to 4, got "${bad}".`);
      assert.equal(await d.locator(".change-more").getAttribute("aria-invalid"), "true");
      assert.match(await h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive())), /\.change-more\b/, "the focus is on the field at fault");
    }
    const f = await h.page.evaluate(() => window.raftLive.el.frame());
    assert.equal(f.nodes.length, 3, "no node added (9 was once taken as 4)");
    assert.equal(f.conf.pending, false, "no change proposed");
    // Every node unticked and none added: no voter would be left; said here, not sent.
    await d.locator(".change-more").fill("0");
    for (const box of await d.locator('input[type="checkbox"]').all()) await box.uncheck();
    await d.locator(".change-apply").click();
    await waitDialogProblem(h, ".change-dialog", /^Keep at least one voter/);
    assert.match(await h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive())), /\.change-apply\b/, "the focus stays on Change");
    assert.equal((await h.page.evaluate(() => window.raftLive.el.frame())).conf.pending, false, "no change proposed");
    for (const box of await d.locator('input[type="checkbox"]').all()) await box.check();
    await d.locator(".change-more").fill("1");
    assert.equal(await d.locator(".change-more").getAttribute("aria-invalid"), null, "editing clears the mark");
    await d.locator(".change-apply").click();
    await d.waitFor({ state: "hidden" });
    await until(h, "a fourth node", (_, el) => el.frame().nodes.length === 4, null, T_LONG);
  });
});

/** Makes a joint change (1 and 2 out, one node in, left explicitly), holds it joint, checks
 * the layout and takes screenshot `name`. */
async function jointShot(h, name) {
  await waitStableLeader(h);
  await jointChange(h, [1, 2], 1, true);
  await until(h, "joint", (_, el) => el.frame().conf.joint, null, T_LONG);
  await h.in(".rc-play").click();
  await settle(h.page);
  await assertLaidOut(h);
  await screenshot(h.page, name);
}

test("screenshots: a joint change in progress, page and embed, wide and narrow", async () => {
  for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
    await withPage(env, { seed: "3", speed: "0.3", nodes: "5" }, (h) => jointShot(h, `membership-joint-page-${viewport.width}`), { viewport });
    const p = "/__e2e-membership.html";
    await serveTestFiles(env, {
      "/__e2e-membership.css": "body { margin: 8px; font-family: sans-serif; }",
      [p]: testPage("membership", `<raft-cluster id="m" seed="3" speed="0.3" nodes="5" controls="full"></raft-cluster>`, "/__e2e-membership.css"),
    });
    await withPage(env, {}, (h) => jointShot(h, `membership-joint-embed-${viewport.width}`), { path: p.slice(1), viewport, host: "raft-cluster" });
  }
});

test("a large configuration is written as ranges: 51 voters read {1–51}, not fifty-one numbers", async () => {
  await withPage(env, { seed: "1", speed: "1", nodes: "51" }, async (h) => {
    await waitStableLeader(h);
    assert.match(await confText(h), /^Voters \{1–51\} · commit needs 26 of \{1–51\}/);
  });
});

// The dialogs' problems went to the element's notes, behind the modal's backdrop (on a
// phone far above the dialog, out of view) and fading: the reader saw nothing happen.
test("the membership and partition dialogs say in the dialog what keeps a change from being made (a refusal while joint too)", async () => {
  await withPage(env, { seed: "3", speed: "1", nodes: "3" }, async (h) => {
    await waitStableLeader(h);
    const d = h.in(".change-dialog");
    // Nothing changed.
    await h.in(".rc-change").click();
    await d.waitFor({ state: "visible" });
    await d.locator(".change-apply").click();
    await waitDialogProblem(h, ".change-dialog", /this change would change nothing/);
    // A change of the ticks takes the problem away.
    await d.locator('.cnode input[value="1"]').uncheck();
    assert.equal((await dialogProblem(h, ".change-dialog")).text, null, "the problem goes once the reader changes the dialog");
    await d.locator(".change-more").fill("1");
    await d.locator('input[name="leave"][value="explicit"]').check();
    await d.locator(".change-apply").click();
    await d.waitFor({ state: "hidden" });
    await until(h, "joint", (_, el) => el.frame().conf.joint, null, T_LONG);
    // While joint the leader refuses another change: said in the dialog, which stays open.
    await h.in(".rc-change").click();
    await d.waitFor({ state: "visible" });
    assert.equal((await dialogProblem(h, ".change-dialog")).text, null, "opened afresh, the dialog says no old problem");
    await d.locator(".change-more").fill("1");
    await d.locator(".change-apply").click();
    const said = await waitDialogProblem(h, ".change-dialog", /^Change refused/);
    assert.match(said, /^Change refused: the cluster is in joint consensus, which it must leave first \(etcd: must transition out of joint config first\)$/);
    assert.match(await h.page.evaluate(() => window.__e2e.describe(window.__e2e.deepActive())), /\.change-apply\b/, "the focus stays on Change");
    await h.page.keyboard.press("Escape");
    await d.waitFor({ state: "hidden" });
    // The partition dialog: every node in one group.
    await h.in(".rc-partition").click();
    const p = h.in(".partition-dialog");
    await p.waitFor({ state: "visible" });
    const n = await h.page.evaluate(() => window.raftLive.el.frame().nodes.length);
    for (let id = 1; id <= n; id++) await p.getByRole("radio", { name: `Node ${id} in group A`, exact: true }).check();
    await h.in(".partition-apply").click();
    await waitDialogProblem(h, ".partition-dialog", /^Put at least one node in each group/);
    assert.equal((await h.page.evaluate(() => window.raftLive.el.frame().partition)).length <= 1, true, "no partition made");
  }, { viewport: { width: 390, height: 844 } });
});

// With 50 nodes, 3 new ones: the simulator's refusal named "52 (at most 51)", though the
// next id is 51. The dialog says what it can take before it asks.
test("the membership dialog says how many new nodes fit under the 51-node limit", async () => {
  await withPage(env, { seed: "1", speed: "1", nodes: "50" }, async (h) => {
    await waitStableLeader(h);
    await h.in(".rc-change").click();
    const d = h.in(".change-dialog");
    await d.waitFor({ state: "visible" });
    await d.locator(".change-more").fill("3");
    await d.locator(".change-apply").click();
    const said = await waitDialogProblem(h, ".change-dialog", /at most 51 nodes/);
    assert.equal(said, "A cluster has at most 51 nodes: this one has 50, so at most 1 new node (node 51).");
    assert.equal(await d.locator(".change-more").getAttribute("aria-invalid"), "true");
    assert.equal((await h.page.evaluate(() => window.raftLive.el.frame())).nodes.length, 50, "nothing added");
  });
});

// A membership refusal stayed in etcd's words ("possible unapplied conf change at index 2
// (applied to 1)"): now it says what that means first, and passes like the other passing
// notes.
test("a membership refusal says in plain words why, keeps etcd's words, and passes", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "3" }, async (h) => {
    await waitStableLeader(h);
    const done = await h.page.evaluate(() => [window.raftLive.el.addNode(false), window.raftLive.el.addNode(false)]);
    assert.deepEqual(done, [true, false], "the second add is refused: the first is not applied yet");
    const text = await h.in(".rc-notes").textContent();
    assert.match(text, /Add refused: the previous membership change is not applied yet \(etcd: possible unapplied conf change at index \d+ \(applied to \d+\)\)/);
    assert.equal(await h.page.evaluate(() => window.raftLive.el.shadowRoot.querySelector(".rc-notes p").classList.contains("passing")), true,
      "a passing note (it fades)");
    await until(h, "the note gone", (_, el) => !(window.__e2e.q(el, ".rc-notes")?.textContent ?? "").includes("Add refused"), null, T_LONG);
  });
});

// The log strips drew a learner's and a removed node's rows as a voter's, named "Select
// node N".
test("the log strips say which nodes are learners and which are removed, in words and in their names", async () => {
  await withPage(env, { seed: "5", speed: "1", nodes: "3" }, async (h) => {
    await waitStableLeader(h);
    await revealStrips(h);
    await h.page.evaluate(() => window.raftLive.el.addNode(true));
    const row = (id) => h.page.evaluate((id) => {
      const r = window.raftLive.el.shadowRoot.querySelector(`.strip-row[data-node-row="${id}"]`);
      const l = r?.querySelector(".strip-label");
      const m = l?.querySelector(".strip-member");
      return r && { name: l.getAttribute("aria-label"), mark: m && window.__e2e.visible(m) ? m.textContent : "", log: r.querySelector(".log-strip").getAttribute("aria-label") };
    }, id);
    await until(h, "node 4's strip marked learner", (_, el) => {
      const r = window.__e2e.q(el, '.strip-row[data-node-row="4"] .strip-label');
      return r?.getAttribute("aria-label") === "Select node 4, learner";
    }, null, T_LONG);
    assert.deepEqual(await row(4), { name: "Select node 4, learner", mark: "learner", log: "Log of node 4 (learner)" });
    assert.deepEqual(await row(1), { name: "Select node 1", mark: "", log: "Log of node 1" });
    const label = await h.in('.strip-row[data-node-row="4"] .strip-label').boundingBox();
    const mark = await h.in('.strip-row[data-node-row="4"] .strip-member').boundingBox();
    assert.ok(mark.x >= label.x - 0.5 && mark.x + mark.width <= label.x + label.width + 0.5, `the word fits in the label (${JSON.stringify({ label, mark })})`);
    await h.page.evaluate(() => window.raftLive.el.command({ op: "remove", node: 4 }));
    await until(h, "node 4's strip marked removed", (_, el) =>
      window.__e2e.q(el, '.strip-row[data-node-row="4"] .strip-label')?.getAttribute("aria-label") === "Select node 4, removed", null, T_LONG);
    assert.equal((await row(4)).mark, "removed");
  });
});

// Joint consensus split with no leader: {1,2,3} has the old majority, {4,5} the new one,
// neither both. The line named only the largest group's shortfall ("1 of {3,4,5} up and
// connected to each other", though 4 and 5 were), and a pre-candidate's tag counted the
// new voters alone ("votes ✓2 of 2", and no election).
test("joint consensus split both ways: the line says no group holds both majorities, and a candidate's tag counts both", async () => {
  const script = "nodes 5\nseed 33\ncampaign 1\nrun 300ms\nchange remove 1 2 explicit\nrun 100ms\npartition {1,2,3} {4,5}\nrun 2s\npause \"split\"\n";
  await withPage(env, { speed: "1" }, async (h) => {
    await h.page.waitForFunction(() => window.raftLive.el.script()?.waiting, null, { timeout: T_LONG });
    await h.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const got = await h.page.evaluate(() => {
      const el = window.raftLive.el;
      return {
        warn: window.__e2e.q(el, ".rc-conf-warn").textContent,
        tags: window.__e2e.qa(el, ".rc-cluster g.node[data-role=pre-candidate] .nvotes, .rc-cluster g.node[data-role=candidate] .nvotes").map((t) => t.textContent),
        leader: el.frame().leader,
      };
    });
    assert.equal(got.leader, 0);
    assert.equal(got.warn, "Quorum lost: no group of connected nodes holds a majority of both {3,4,5} and {1,2,3,4,5}: {1,2,3} has 1 of {3,4,5} and 3 of {1,2,3,4,5}; {4,5} has 2 of {3,4,5} and 2 of {1,2,3,4,5}.");
    assert.ok(got.tags.length > 0, "a campaign is drawn");
    for (const t of got.tags) assert.match(t, /^votes ✓\d of 2 new · ✓\d of 3 old$/, t);
  }, { hash: `#scenario=${encodeURIComponent(script)}` });
});
