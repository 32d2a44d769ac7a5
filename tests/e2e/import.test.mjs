// The import page (import.html): three nodes' Fabric logs pasted in give the summary and
// the space-time diagram (arrows with their tips); a 50 MB file is read in the worker with a
// progress bar while the page keeps drawing; lines that are not raft lines are listed with
// where they are, and an input with none says so; the replay opens in the playground; and
// the page passes an axe-core audit.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { sharedEnv, withPage, ROOT, CSP, axeSource, axeSerious, formatViolations, T_LONG, T_SHORT } from "./lib.mjs";

axeSource();
const env = sharedEnv();
// axe's script is injected: this context alone bypasses the CSP (the others check it holds).
const axeEnv = sharedEnv({ contextOptions: { bypassCSP: true } });

const LOGS = path.join(ROOT, "www", "examples", "logs", "old-leader-returns");
const log = (n) => fs.readFileSync(path.join(LOGS, `node-${n}.log`), "utf8");
const OPEN = { path: "import.html", waitReady: false };

async function paste(page, text) {
  await page.fill("#imp-paste", text);
  await page.click("#imp-add-paste");
}

async function readAndWait(page) {
  await page.click("#imp-read");
  await page.waitForSelector("#imp-out:not([hidden])", { timeout: T_LONG });
  await page.waitForFunction(() => document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
}

test("three nodes' Fabric logs pasted in: the summary names the election and the diagram draws its votes", async () => {
  await withPage(env, {}, async ({ page }) => {
    // The candidate that wins term 1 (3) and two of its voters (1, 5).
    for (const n of [3, 1, 5]) await paste(page, log(n));
    assert.equal(await page.locator("#imp-list li").count(), 3);
    await readAndWait(page);
    const summary = await page.textContent("#imp-summary");
    assert.match(summary, /term 1: leader 3/);
    assert.match(summary, /3 asked for a vote in term 1 \(quorum 3\): granted by [^\n]*1/);
    assert.match(await page.textContent("#imp-status"), /lines read from 3 inputs/);
    // The diagram: lanes drawn, and arrows for the vote requests and answers of the window.
    await page.waitForFunction(() => /\d+ arrows/.test(document.querySelector(".dg-nav-count")?.textContent ?? ""), null, { timeout: T_LONG });
    const arrows = Number((await page.textContent(".dg-nav-count")).match(/(\d+) arrows/)[1]);
    assert.ok(arrows > 0, "the diagram draws the window's arrows");
    assert.match(await page.textContent(".dg-summary"), /MsgVote|MsgPreVote/);
    // Walking the arrows from the keyboard shows each one's tip, with the rule behind an answer.
    await page.focus(".dg-nav");
    await page.keyboard.press("ArrowRight");
    assert.match(await page.textContent(".rc-tip .tip-head"), /^Msg(Pre)?Vote(Resp)? \d → \d · term \d$/);
    assert.match(await page.textContent(".rc-tip .tip-body"), /^sent at \d+\.\d{3} s · delivered at/);
    // Later (3.9 s), node 3 returns and asks for pre-votes its log does not earn: the
    // refusals' arrows carry the rule behind them.
    await page.evaluate(() => {
      const r = document.getElementById("imp-time");
      r.value = "4200"; // ms: the window of node 3's return (3.9 s)
      r.dispatchEvent(new Event("input"));
    });
    await page.waitForFunction(() => /Mermaid/.test(document.body.textContent) && /[1-9]\d* arrows/.test(document.querySelector(".dg-nav-count").textContent), null, { timeout: T_LONG });
    await page.focus(".dg-nav");
    let why = "";
    const n = Number((await page.textContent(".dg-nav-count")).match(/(\d+) arrows/)[1]);
    for (let i = 0; i < n && !why; i++) {
      await page.keyboard.press("ArrowRight");
      if (await page.isVisible(".rc-tip .tip-why")) why = await page.textContent(".rc-tip .tip-why");
    }
    assert.match(why, /^why: .*log/, "a refusal's tip gives the rule behind it");
    // The elections menu lists each leader's start; choosing one moves the diagram there.
    const options = await page.locator("#imp-elections option").allTextContents();
    assert.match(options[0], /^3 leads from 0\.\d{3} s$/);
    assert.ok(options.length >= 2, options.join(" | "));
    const [, at] = options[1].match(/from (\d+\.\d{3}) s/);
    await page.selectOption("#imp-elections", { index: 1 });
    await page.waitForFunction((at) => {
      const [from, to] = document.querySelector(".dg-summary").textContent.split(" s")[0].split("–").map(Number);
      return from <= at && at <= to;
    }, Number(at), { timeout: T_LONG });
    // Metrics: one is_leader row per node; node 3 led.
    assert.equal(await page.locator(".imp-metric").count(), 3);
    assert.match(await page.getAttribute(".imp-metric:has-text('node 3') svg", "aria-label"), /leader [1-9]/);
    // The replay opens in the playground as a scenario.
    const href = await page.getAttribute("#imp-replay", "href");
    assert.match(href, /^index\.html#scenario=/);
  }, OPEN);
});

// A whole orderer log is mostly its chain's own lines, under the raft module's name
// (blocks written): counted, not listed as lines not read; the blocks give Fabric's
// committed_block_number.
test("a Fabric orderer's chain lines are counted, not listed; its blocks written give committed_block_number", async () => {
  await withPage(env, {}, async ({ page }) => {
    const chain = (ms, seq, text) =>
      `2024-01-01 00:00:0${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")} UTC [orderer.consensus.etcdraft] writeBlock -> INFO ${seq} ${text} channel=sim node=3\n`;
    const extra = chain(2000, "f01", "Raft leader changed: 0 -> 3") + chain(2100, "f02", "Writing block [1] (Raft index: 4) to ledger") +
      chain(2200, "f03", "Writing block [2] (Raft index: 5) to ledger");
    await paste(page, log(3) + extra);
    await paste(page, log(1));
    await readAndWait(page);
    assert.match(await page.textContent("#imp-status"), /, 3 of Fabric's chain \(blocks written, the leader followed: counted, not listed\)\./);
    const summary = await page.textContent("#imp-summary");
    assert.match(summary, /Fabric chain lines: 3 \(not listed\)/);
    assert.match(summary, /blocks written: node 3 \[1\]–\[2\] \(Raft index 4–5, 2 written\)/);
    assert.match(await page.textContent(".imp-metric:has-text('node 3') .imp-metric-v"), /committed block 2$/);
    assert.doesNotMatch(await page.textContent(".imp-metric:has-text('node 1') .imp-metric-v"), /committed block/);
    assert.doesNotMatch(await page.textContent("#imp-unread"), /Writing block|Raft leader changed/);
  }, OPEN);
});

test("the page runs under the strict CSP; its worker loads the importer's own wasm, which the playground never asks for", async () => {
  await withPage(env, {}, async ({ page, response, seen }) => {
    assert.equal(response.headers()["content-security-policy"], CSP);
    await page.click("#imp-example");
    await page.waitForSelector("#imp-out:not([hidden])", { timeout: T_LONG });
    assert.ok(seen.requests.some((u) => u.endsWith("/pkg-import/raft_import_bg.wasm")), "the importer's wasm is loaded");
    assert.ok(!seen.requests.some((u) => u.endsWith("/pkg/raft_web_bg.wasm")), "not the playground's");
    for (const u of seen.requests) assert.ok(u.startsWith(env.origin + "/"), `${u} is on the page's origin`);
    // The diagram's summary names the leader of the moment shown, and its term (node 5
    // leads term 2 at 0.7 s in the example).
    await page.$eval("#imp-time", (r) => { r.value = "700"; r.dispatchEvent(new Event("input", { bubbles: true })); });
    await page.waitForFunction(() => /leader 5, term 2/.test(document.querySelector(".dg-summary")?.textContent ?? ""), null, { timeout: T_LONG });
  }, OPEN);
  await withPage(env, {}, async ({ seen }) => {
    assert.ok(!seen.requests.some((u) => u.includes("pkg-import")), "the playground does not load the importer");
  });
});

test("the replay of the example's logs runs in the playground", async () => {
  let href = "";
  await withPage(env, {}, async ({ page }) => {
    await page.click("#imp-example");
    await page.waitForSelector("#imp-out:not([hidden])", { timeout: T_LONG });
    href = await page.getAttribute("#imp-replay", "href");
  }, OPEN);
  await withPage(env, {}, async ({ page }) => {
    assert.match(await page.evaluate(() => document.querySelector("#cluster").scenarioText ?? ""), /^nodes 5/m);
    await page.waitForFunction(() => (document.querySelector("#cluster")?.frame?.()?.leader ?? 0) > 0, null, { timeout: T_LONG });
    assert.equal(await page.locator("#cluster .rc-notes:not([hidden])").count(), 0, "the scenario reads without a note");
  }, { hash: href.slice("index.html".length) });
});

test("a 50 MB log is read in the worker with a progress bar, the page drawing all along", async () => {
  // Elections of a five-node cluster, one after another, each about 150 bytes a line.
  const lines = [];
  let bytes = 0;
  for (let term = 1; bytes < 50e6; term++) {
    const t = new Date(Date.UTC(2024, 0, 1) + term * 1500);
    const ts = t.toISOString().replace("T", " ").replace("Z", "");
    const c = 1 + (term % 5);
    const at = (n, text) => `${ts} UTC [orderer.consensus.etcdraft] Step -> INFO 0${term % 90 + 10} ${text} channel=big node=${n}`;
    const batch = [
      at(c, `${c} is starting a new election at term ${term - 1}`),
      at(c, `${c} became candidate at term ${term}`),
      at(c, `${c} [logterm: ${term - 1}, index: ${term}] sent MsgVote request to ${1 + (c % 5)} at term ${term}`),
      at(1 + (c % 5), `${1 + (c % 5)} [logterm: ${term - 1}, index: ${term}, vote: 0] cast MsgVote for ${c} [logterm: ${term - 1}, index: ${term}] at term ${term}`),
      at(c, `${c} received MsgVoteResp from ${1 + (c % 5)} at term ${term}`),
      at(c, `${c} became leader at term ${term}`),
    ];
    for (const l of batch) bytes += l.length + 1;
    lines.push(...batch);
  }
  const buffer = Buffer.from(lines.join("\n") + "\n");
  assert.ok(buffer.length >= 50e6);
  await withPage(env, {}, async ({ page }) => {
    await page.setInputFiles("#imp-files", { name: "orderer.log", mimeType: "text/plain", buffer });
    // Frames: the longest gap between two animation frames while the file is read.
    await page.evaluate(() => {
      window.__gaps = { max: 0, last: performance.now(), on: true, progress: [] };
      const tick = (t) => {
        const g = window.__gaps;
        g.max = Math.max(g.max, t - g.last);
        g.last = t;
        const p = document.getElementById("imp-progress");
        if (!p.hidden && p.value > 0 && p.value < p.max) g.progress.push(p.value / p.max);
        if (g.on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await readAndWait(page);
    const g = await page.evaluate(() => { window.__gaps.on = false; return window.__gaps; });
    console.log(`# 50 MB: longest frame gap ${g.max.toFixed(1)} ms, progress seen at ${g.progress.length} frames`);
    assert.ok(g.progress.length >= 3, "the progress bar moved while the file was read");
    // The main thread only draws while the worker reads: a gap of a quarter second would
    // mean the reading came back to it.
    assert.ok(g.max < 250, `the page kept drawing (longest gap ${g.max.toFixed(1)} ms)`);
    assert.match(await page.textContent("#imp-status"), /lines read from 1 input, 5 nodes/);
    assert.match(await page.textContent("#imp-summary"), /term 2: leader 3/);
  }, OPEN);
});

test("lines that are not raft lines are listed with where they are; an input with none says so", async () => {
  await withPage(env, {}, async ({ page }) => {
    await page.click("#imp-read");
    assert.match(await page.textContent("#imp-error"), /Nothing to read/);
    await paste(page, "hello\nworld: 3 became emperor at term 2\n");
    await readAndWait(page);
    assert.match(await page.textContent("#imp-error"), /No raft line was read: 2 lines were not recognised/);
    assert.equal(await page.locator("#imp-unread li").count(), 2);
    assert.match(await page.textContent("#imp-unread li:nth-child(2)"), /^pasted block 1:2: /);
    // A good block added to it: read again, the bad lines still listed.
    await paste(page, log(3));
    await readAndWait(page);
    assert.equal(await page.isHidden("#imp-error"), true);
    assert.match(await page.textContent("#imp-unread-s"), /^2 lines not read/);
  }, { ...OPEN, });
});

test("gzip files are read as the same lines; an empty file is refused as it is added; a binary is skipped and named", async () => {
  const zlib = await import("node:zlib");
  await withPage(env, {}, async ({ page }) => {
    const bin = Buffer.alloc(4096);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) & 255;
    await page.setInputFiles("#imp-files", [
      { name: "empty.log", mimeType: "text/plain", buffer: Buffer.alloc(0) },
      ...[1, 2, 3, 4, 5].map((n) => ({ name: `node-${n}.log.gz`, mimeType: "application/gzip", buffer: zlib.gzipSync(Buffer.from(log(n))) })),
      { name: "blob.bin", mimeType: "application/octet-stream", buffer: bin },
    ]);
    assert.match(await page.textContent("#imp-error"), /^empty\.log is empty: nothing to read there \(the other files are added\)\.$/);
    assert.equal(await page.locator("#imp-list li").count(), 6, "the five gzip files and the binary are listed, the empty file is not");
    await readAndWait(page);
    // The same as the plain files: 203 lines, five nodes, none left unread.
    assert.match(await page.textContent("#imp-status"), /^203 lines read from 5 inputs, 5 nodes\.$/);
    assert.match(await page.textContent("#imp-summary"), /^nodes: 1, 2, 3, 4, 5 · lines read: 203 · not read: 0/);
    assert.match(await page.textContent("#imp-error"), /^blob\.bin was skipped: not a text log: it holds NUL bytes/);
    assert.equal(await page.isHidden("#imp-unread-d"), true, "the binary's bytes are not listed as lines");
  }, OPEN);
});

test("a damaged gzip file is named; only lines that are not raft lines show only what was not read", async () => {
  await withPage(env, {}, async ({ page }) => {
    await page.setInputFiles("#imp-files", [{ name: "bad.gz", mimeType: "application/gzip", buffer: Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]) }]);
    await page.click("#imp-read");
    await page.waitForFunction(() => !document.getElementById("imp-error").hidden && document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
    assert.match(await page.textContent("#imp-error"), /bad\.gz was skipped: its gzip data is damaged/);
    // Nothing read: the summary, diagram and metrics are not shown empty.
    await page.click('#imp-list button');
    await paste(page, "hello\nworld\n");
    await readAndWait(page);
    assert.equal(await page.isVisible("#imp-unread li"), true, "the lines not read are shown");
    for (const id of ["imp-summary", "imp-dg", "imp-metrics"]) assert.equal(await page.isVisible(`#${id}`), false, `#${id} is not shown`);
  }, OPEN);
});

test("a damaged gzip is named and skipped, the others read (a gzip of several members whole); nothing stale is left", async () => {
  const zlib = await import("node:zlib");
  await withPage(env, {}, async ({ page }) => {
    // The example read first: its results must not outlive the next read.
    await page.click("#imp-example");
    await page.waitForSelector("#imp-out:not([hidden])", { timeout: T_LONG });
    await page.waitForFunction(() => document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
    // Node 1 as two gzip members (`gzip -c b >> a.gz`); nodes 2 to 5 plain; a damaged gzip.
    const one = log(1);
    const cut = one.indexOf("\n", one.length >> 1) + 1;
    const multi = Buffer.concat([zlib.gzipSync(Buffer.from(one.slice(0, cut))), zlib.gzipSync(Buffer.from(one.slice(cut)))]);
    const whole = zlib.gzipSync(Buffer.from(log(2)));
    assert.equal(await page.isHidden("#imp-restore"), true, "no own inputs were set aside");
    while (await page.locator("#imp-list .imp-rm").count()) await page.click("#imp-list .imp-rm");
    await page.setInputFiles("#imp-files", [
      { name: "trunc.log.gz", mimeType: "application/gzip", buffer: whole.subarray(0, whole.length >> 1) },
      { name: "node-1.log.gz", mimeType: "application/gzip", buffer: multi },
      ...[2, 3, 4, 5].map((n) => ({ name: `node-${n}.log`, mimeType: "text/plain", buffer: Buffer.from(log(n)) })),
    ]);
    await readAndWait(page);
    assert.match(await page.textContent("#imp-error"), /^trunc\.log\.gz was skipped: its gzip data is damaged/);
    assert.match(await page.textContent("#imp-status"), /^203 lines read from 5 inputs, 5 nodes\.$/);
    assert.match(await page.textContent("#imp-summary"), /^nodes: 1, 2, 3, 4, 5 · lines read: 203 · not read: 0/);
    // The slider and the SVG button work on what was read.
    await page.$eval("#imp-time", (r) => { r.value = "700"; r.dispatchEvent(new Event("input", { bubbles: true })); });
    await page.waitForFunction(() => /leader 5, term 2/.test(document.querySelector(".dg-summary")?.textContent ?? ""), null, { timeout: T_LONG });
    const download = page.waitForEvent("download", { timeout: T_LONG });
    await page.click(".dg-svg");
    assert.match((await download).suggestedFilename(), /\.svg$/);
    // Only the damaged file: nothing read, and the earlier results are gone, not left stale.
    while (await page.locator("#imp-list .imp-rm").count()) await page.click("#imp-list .imp-rm");
    await page.setInputFiles("#imp-files", [{ name: "trunc.log.gz", mimeType: "application/gzip", buffer: whole.subarray(0, whole.length >> 1) }]);
    await page.click("#imp-read");
    await page.waitForFunction(() => document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
    assert.match(await page.textContent("#imp-error"), /trunc\.log\.gz was skipped: its gzip data is damaged/);
    for (const id of ["imp-summary", "imp-dg", "imp-metrics"]) assert.equal(await page.isVisible(`#${id}`), false, `#${id} is not shown`);
  }, OPEN);
});

test("pasted blocks are numbered anew; the example sets the operator's inputs aside; the time slider speaks seconds and steps 10 ms", async () => {
  await withPage(env, {}, async ({ page }) => {
    await paste(page, log(1));
    await paste(page, log(2));
    await page.click("#imp-list li:nth-child(1) .imp-rm");
    await paste(page, log(3));
    const names = await page.locator("#imp-list .imp-name").allTextContents();
    assert.deepEqual(names, ["pasted block 2", "pasted block 3"]);
    // The example does not lose them: a button brings them back.
    await page.click("#imp-example");
    await page.waitForSelector("#imp-out:not([hidden])", { timeout: T_LONG });
    await page.waitForFunction(() => document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
    assert.match(await page.textContent("#imp-restore"), /^Back to your 2 inputs/);
    // The slider: its value said in seconds; an arrow key steps 10 ms, PageUp 100 ms.
    await page.$eval("#imp-time", (r) => { r.value = "700"; r.dispatchEvent(new Event("input", { bubbles: true })); });
    assert.equal(await page.getAttribute("#imp-time", "aria-valuetext"), "0.700 s");
    await page.focus("#imp-time");
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.getElementById("imp-time").getAttribute("aria-valuetext") === "0.710 s", null, { timeout: T_SHORT });
    await page.keyboard.press("PageUp");
    await page.waitForFunction(() => document.getElementById("imp-time").getAttribute("aria-valuetext") === "0.810 s", null, { timeout: T_SHORT });
    await page.click("#imp-restore");
    assert.deepEqual(await page.locator("#imp-list .imp-name").allTextContents(), ["pasted block 2", "pasted block 3"]);
    assert.equal(await page.isHidden("#imp-restore"), true);
    assert.equal(await page.isHidden("#imp-out"), true, "the example's results go with it");
  }, OPEN);
});

test("every member's etcd.log is read, named apart; the example twice keeps all set aside; a read in progress is not undone; the focus stays put", async () => {
  await withPage(env, {}, async ({ page }) => {
    // Three members' logs, each called etcd.log (a browser gives no folder): all three read.
    await page.setInputFiles("#imp-files", [1, 3, 5].map((n) => ({ name: "etcd.log", mimeType: "text/plain", buffer: Buffer.from(log(n)) })));
    assert.deepEqual(await page.locator("#imp-list .imp-name").allTextContents(), ["etcd.log", "etcd.log (2)", "etcd.log (3)"]);
    // Read from the keyboard: the button keeps the focus while it reads and after.
    await page.focus("#imp-read");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#imp-out:not([hidden])", { timeout: T_LONG });
    await page.waitForFunction(() => document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
    assert.equal(await page.evaluate(() => document.activeElement?.id), "imp-read");
    assert.match(await page.textContent("#imp-status"), /lines read from 3 inputs, 5 nodes/);
    assert.doesNotMatch(await page.textContent("#imp-summary"), /repeats/);
    // Remove from the keyboard: the focus moves to the Remove that took its place.
    await page.focus("#imp-list li:nth-child(2) .imp-rm");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Remove etcd.log (3)");
    // An empty paste, or the example, while a read is under way: said; the read goes on.
    const during = await page.evaluate(() => {
      document.getElementById("imp-read").click();
      document.getElementById("imp-paste").value = "  ";
      document.getElementById("imp-add-paste").click();
      const paste = [document.getElementById("imp-read").getAttribute("aria-disabled"), document.getElementById("imp-progress").hidden, document.getElementById("imp-error").textContent];
      document.getElementById("imp-example").click();
      return { paste, example: document.getElementById("imp-error").textContent };
    });
    assert.deepEqual(during.paste, ["true", false, "The paste box is empty: paste one node's log lines first."]);
    assert.equal(during.example, "A read is under way: the example can be tried once it is done.");
    await page.waitForFunction(() => document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
    assert.deepEqual(await page.locator("#imp-list .imp-name").allTextContents(), ["etcd.log", "etcd.log (3)"]);
    assert.match(await page.textContent("#imp-status"), /lines read from 2 inputs, 5 nodes/);
    // The example twice, with a block pasted between: both the files and the block come back.
    await page.click("#imp-example");
    await page.waitForFunction(() => !document.getElementById("imp-restore").hidden, null, { timeout: T_LONG });
    await page.waitForFunction(() => document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
    await paste(page, log(2));
    await page.click("#imp-example");
    await page.waitForFunction(() => /^Back to your 3 inputs/.test(document.getElementById("imp-restore").textContent), null, { timeout: T_LONG });
    await page.waitForFunction(() => document.getElementById("imp-read").getAttribute("aria-disabled") !== "true", null, { timeout: T_LONG });
    await page.click("#imp-restore");
    assert.deepEqual(await page.locator("#imp-list .imp-name").allTextContents(), ["etcd.log", "etcd.log (3)", "pasted block 1"]);
  }, OPEN);
});

test("the import page passes an axe-core audit (0 serious or critical) at 1366 and 390 px", async () => {
  for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
    await withPage(axeEnv, {}, async ({ page }) => {
      await page.click("#imp-example");
      await page.waitForSelector("#imp-out:not([hidden])", { timeout: T_LONG });
      await page.waitForTimeout(500);
      const v = await axeSerious(page);
      assert.equal(v.length, 0, `axe at ${viewport.width}px:\n${formatViolations(v)}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `nothing wider than the screen at ${viewport.width}px (${overflow} px over)`);
    }, { ...OPEN, viewport, clean: false });
  }
});

// Lines without times get made-up ones on the diagram: said, not shown as real. A binary
// alone leaves nothing to show under its message. "Back to your inputs" hands the focus
// on. Sizes under a kilobyte read in bytes.
test("untimed lines say their times are made up; a binary alone shows no empty box; a tiny file's size reads in bytes", async () => {
  const etcd = fs.readFileSync(path.join(ROOT, "tests", "data", "etcd-election-node3.log"), "utf8");
  await withPage(env, {}, async ({ page }) => {
    await paste(page, etcd);
    await readAndWait(page);
    assert.match(await page.textContent("#imp-status"), /These lines carry no times: the diagram and the figures place them a millisecond apart, in their order \(their times are not real\)\.$/);
    await page.reload();
    const bin = Buffer.alloc(4096);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) & 255;
    await page.setInputFiles("#imp-files", [
      { name: "blob.bin", mimeType: "application/octet-stream", buffer: bin },
      { name: "tiny.log", mimeType: "text/plain", buffer: Buffer.from("1 became leader at term 1\n") },
    ]);
    assert.match(await page.textContent("#imp-list"), /tiny\.log[^]*26 B/);
    await page.locator("#imp-list li", { hasText: "tiny.log" }).locator("button").click();
    await page.click("#imp-read");
    await page.waitForFunction(() => !document.getElementById("imp-error").hidden, null, { timeout: T_LONG });
    assert.match(await page.textContent("#imp-error"), /blob\.bin was skipped: not a text log/);
    assert.equal(await page.isHidden("#imp-out"), true, "no empty 'What happened' box");
  }, OPEN);
});

// A summary too long to show whole kept its head and cut its end, where the findings are
// (quorum lost, time without a leader): now the findings are shown after the head.
test("a summary too long to show whole keeps its findings in view", async () => {
  const at = (ms) => `2024-01-01 ${String(Math.floor(ms / 3600000)).padStart(2, "0")}:${String(Math.floor(ms / 60000) % 60).padStart(2, "0")}:${String(Math.floor(ms / 1000) % 60).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")} UTC`;
  const line = (ms, text) => `${at(ms)} [orderer.consensus.etcdraft] Step -> INFO 001 ${text} channel=c node=1\n`;
  let text = "";
  for (let t = 1; t <= 450; t++) {
    const ms = t * 2000;
    text += line(ms, `1 became candidate at term ${t}`) + line(ms + 10, `1 became leader at term ${t}`) +
      line(ms + 1500, "1 stepped down to follower since quorum is not active") + line(ms + 1501, `1 became follower at term ${t}`);
  }
  await withPage(env, {}, async ({ page }) => {
    await paste(page, text);
    await readAndWait(page);
    const shown = await page.textContent("#imp-summary");
    assert.match(shown, /^nodes: 1 /);
    assert.match(shown, /more lines of the terms' campaigns: Copy takes the whole summary\. What stands out:/);
    assert.match(shown, /\ntime without a leader, from the first sign in the lines: /, "the findings at the end are shown");
    assert.match(shown, /lost quorum: leader 1 of term 1 stepped down/);
    assert.match(shown, /\n… \d+ more: Copy takes them\.$/, "findings past 200 lines are left to Copy, said");
    assert.ok(shown.split("\n").length <= 402, "no longer than before");
  }, OPEN);
});

// Two clusters' logs (each its own node 1, 2, …) read together: every claim mixes them.
// The one sign, a term with two leaders, was deep in the summary.
test("a term with two leaders is said at the top: Election Safety broken, or two clusters' logs", async () => {
  await withPage(env, {}, async ({ page }) => {
    await paste(page, "1 became candidate at term 1\n1 became leader at term 1\n");
    await paste(page, "2 became candidate at term 1\n2 became leader at term 1\n");
    await readAndWait(page);
    assert.match(await page.textContent("#imp-error"), /^Term 1 had two leaders: Election Safety broken, or these are the logs of two clusters/);
    assert.equal(await page.isVisible("#imp-error"), true);
  }, OPEN);
});
