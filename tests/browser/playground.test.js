// The operator playground (`promokit serve`) in a real headless Chromium, driven by Playwright.
//
// A copy of examples/fresh-market is served (saving must not touch the repository). The page
// loads clean; an error typed into the rule file shows its diagnostic at the right line; fixing
// it clears it; a sample cart prices; an edited rule changes the total; a broken file is not
// saved and a clean one is. The screenshot is kept in tests/browser/artifacts/ (git-ignored).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const net = require("node:net");
const { spawn } = require("node:child_process");
const { chromium } = require("playwright-core");

const ROOT = path.resolve(__dirname, "..", "..");
const PYTHON = process.env.PROMOKIT_PYTHON || path.join(ROOT, ".venv", "bin", "python");
const CHROMIUM = process.env.PROMOKIT_CHROMIUM || "/usr/bin/chromium";
const ARTIFACTS = path.join(__dirname, "artifacts");
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startServer(rules, port) {
  const child = spawn(PYTHON, ["-m", "promokit", "serve", rules, "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  // readiness, not timing: poll until the port answers (or the process dies)
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`promokit serve exited ${child.exitCode}: ${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/files`);
      if (response.ok) return { child, output: () => output };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`promokit serve did not answer: ${output}`);
}

test("edit, see diagnostics, price and save in the playground", async (t) => {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "promokit-playground-"));
  const rules = path.join(work, "fresh-market");
  fs.cpSync(path.join(ROOT, "examples", "fresh-market"), rules, { recursive: true });
  const port = await freePort();
  const server = await startServer(rules, port);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "promokit-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 },
  });
  t.after(async () => {
    await context.close();
    server.child.kill();
    fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on("pageerror", (error) => problems.push(String(error)));

  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector("body[data-ready='1']");
  const file = await page.inputValue("#file");
  assert.equal(file, "campaigns.promo");
  await page.waitForSelector("#diagnostics li.clean");
  assert.ok(await page.locator("#highlight .kd").count() > 0, "the rule file is highlighted");
  const original = await page.inputValue("#editor");

  // an error on the flash-sale line (`秒杀 9.90 ...` loses its price): the diagnostic names that line
  const lines = original.split("\n");
  const flash = lines.findIndex((l) => l.trim().startsWith("秒杀"));
  assert.ok(flash >= 0);
  lines[flash] = "  秒杀 每人限2件 库存500";
  await page.fill("#editor", lines.join("\n"));
  const error = page.locator("#diagnostics li.error").first();
  await error.waitFor();
  assert.equal(await error.getAttribute("data-line"), String(flash + 1));
  assert.match(await error.textContent(), /^\d+:\d+ error\[S001\]/);
  const marked = await page.locator("#highlight .hll").allTextContents();
  assert.deepEqual(marked.map((s) => s.trim()), [lines[flash].trim()], "the error line is marked");

  // saving a broken file is refused, and the file on disk is unchanged
  await page.click("#save");
  await page.waitForSelector("#save-status.bad");
  assert.equal(fs.readFileSync(path.join(rules, file), "utf8"), original);

  // fix it: clean again
  await page.fill("#editor", original);
  await page.waitForSelector("#diagnostics li.clean");

  // price a sample cart (a new customer's first order: 满39减20 applies)
  await page.selectOption("#sample", "new-customer-first-order.json");
  await page.waitForFunction(() => document.getElementById("request").value.includes("lines"));
  await page.click("#price");
  await page.waitForSelector("#total");
  const before = await page.textContent("#total");

  // a bigger first-order discount lowers the total by the difference
  const edited = original.replace("满39减20", "满39减30");
  assert.notEqual(edited, original);
  await page.fill("#editor", edited);
  await page.waitForSelector("#diagnostics li.clean");
  await page.click("#price");
  await page.waitForFunction((old) => document.getElementById("total").textContent !== old, before);
  const after = await page.textContent("#total");
  const amount = (s) => Number(s.replace(/[^0-9.]/g, ""));
  assert.equal(Math.round((amount(before) - amount(after)) * 100), 1000, `${before} -> ${after}`);

  // a clean file is saved
  await page.click("#save");
  await page.waitForSelector("#save-status.ok");
  assert.ok(fs.readFileSync(path.join(rules, file), "utf8").includes("满39减30"));

  // 中文: labels, reasons and hints switch language
  await page.selectOption("#lang", "zh");
  await page.waitForFunction(() => document.getElementById("total").textContent.startsWith("应付"));
  assert.equal(await page.textContent("#save-status"), "已保存");
  assert.equal(await page.textContent("#diagnostics li.clean"), "没有问题");
  await page.evaluate(() => { const e = document.getElementById("editor"); e.setSelectionRange(0, 0); e.scrollTop = 0; e.dispatchEvent(new Event("scroll")); });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, "playground.png"), fullPage: true });
  assert.deepEqual(problems, []);
});
