/**
 * The HTML report: self-contained and escaped (checked on the text), then loaded in a real headless
 * chromium (Debian's, driven by playwright-core): no console errors, no request leaves the file,
 * the layer table, the diagram, the charts and the variant comparison are on screen. The SVG that
 * `alexc graph` writes is rendered by the same browser. Skipped, loudly, where chromium is absent.
 */
import { Rational } from "../src/resolve/rational.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import sharp from "sharp";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { checkSource } from "../src/check/check-spec.js";
import { details } from "../src/views/analysis/details.js";
import { buildReport } from "../src/views/html/page.js";
import { buildGraph } from "../src/views/graph/model.js";
import { ROOT, runCli, specText } from "./support.js";

const CHROMIUM = process.env["ALEXC_CHROMIUM"] ?? "/usr/bin/chromium";
const SCREENSHOT = join(ROOT, "docs", "report-screenshot.png");

test("the page is self-contained: no script, no external reference, a CSP that forbids fetching", () => {
  const r = checkSource("specs/alexnet.anet", specText("alexnet.anet"));
  const html = buildReport([{ label: "", result: r, details: details(r.checked!) }], { version: "test" });
  assert.not.match(html, /<script/i);
  assert.not.match(html, /\b(src|href)="(?!#)/);
  assert.not.match(html, /url\(/);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/);
  assert.is(buildReport([{ label: "", result: r, details: details(r.checked!) }], { version: "test" }), html, "deterministic");
  assert.not.match(html, /20\d\d-\d\d-\d\d/);
});

test("text from the spec is escaped", () => {
  const r = checkSource("<img src=x onerror=alert(1)>.anet", "model m { input 3x8x8\n conv(4, kernel=9) }\n");
  const html = buildReport([{ label: "a<b>=1", result: r, ...(r.checked ? { details: details(r.checked) } : {}) }], { version: "test" });
  assert.not.match(html, /<img/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;\.anet/);
  // The E0202 diagnostic is in the page, escaped inside its <pre>.
  assert.match(html, /<pre class="diagnostic error">error\[E0202\]/);
});

test("a variant that does not resolve is compared by its diagnostics, and shown with them", () => {
  const ok = checkSource("specs/alexnet.anet", specText("alexnet.anet"));
  const bad = checkSource("specs/alexnet.anet", specText("alexnet.anet"), {
    overrides: [{ name: "num_classes", value: Rational.parse("5.5")!, origin: "--variant num_classes=5.5" }],
  });
  assert.is(bad.checked, undefined);
  const html = buildReport(
    [
      { label: "", result: ok, details: details(ok.checked!) },
      { label: "num_classes=5.5", result: bad },
    ],
    { version: "test" },
  );
  assert.match(html, /<tr><th>errors \/ warnings<\/th><td class="num">0 \/ 1<\/td><td class="num">1 \/ 0<\/td><\/tr>/);
  assert.not.match(html, /Layers that differ/);
  assert.match(html, /error\[E0110\]: --variant num_classes=5\.5/);
});

test("alexc report: a malformed --compare is a usage error naming --compare", () => {
  const r = runCli(["report", "specs/alexnet.anet", "--compare", "num_classes"]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--compare num_classes: expected name=value/);
});

test("alexc report: --variant means a variant of the spec, as in compile; overrides there are pointed to --compare", () => {
  const old = runCli(["report", "specs/alexnet.anet", "--variant", "num_classes=5"]);
  assert.is(old.status, 2);
  assert.match(
    old.stderr,
    /^alexc: --variant takes the name of a variant in the spec \(as in compile\); to compare with overrides, use --compare num_classes=5\n/,
  );
  const named = runCli(["report", "specs/alexnet-table.anet", "--variant", "flowers"]);
  assert.is(named.status, 0, named.stderr);
  assert.match(named.stderr, /^variant flowers: 0 errors/m);
  assert.match(named.stdout, /alexnet_table · variant flowers/);
  const unknown = runCli(["report", "specs/alexnet.anet", "--variant", "tulips"]);
  assert.is(unknown.status, 2, "an unknown variant is a command-line mistake, as in compile");
  assert.match(unknown.stderr, /error\[E0114\]: model '[^']*': unknown variant 'tulips'/);
});

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n  SKIPPED browser tests: no chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (as .ci/run does) or set ALEXC_CHROMIUM.\n`,
  );
}
const browserTest = hasChromium ? test : test.skip;

let profile: string | undefined;
let context: BrowserContext | undefined;

// One browser for the whole suite, each test in a fresh page; a fresh profile keeps runs apart.
test.before(async () => {
  if (!hasChromium) return;
  profile = mkdtempSync(join(tmpdir(), "alexc-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1400, height: 1000 },
  });
});

test.after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function withPage(fn: (page: Page, problems: string[]) => Promise<void>): Promise<void> {
  const page = await context!.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (req) => {
    if (!req.url().startsWith("file:")) problems.push(`request to ${req.url()}`);
  });
  page.on("requestfailed", (req) => problems.push(`failed request ${req.url()}`));
  try {
    await fn(page, problems);
  } finally {
    await page.close();
  }
}

browserTest("alexc report opens in chromium with no console errors and shows the table, the diagram and the charts", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-report-"));
  try {
    const out = join(dir, "r.html");
    const r = runCli(["report", "specs/alexnet.anet", "-o", out]);
    assert.is(r.status, 0, r.stderr);
    const checked = checkSource("specs/alexnet.anet", specText("alexnet.anet")).checked!;
    await withPage(async (page, problems) => {
      await page.goto(pathToFileURL(out).href);
      assert.equal(problems, []);
      assert.is(await page.title(), "alexnet · alexc report");
      // The layer table: the input row and one row per layer, visible.
      const rows = page.locator("table.layers tbody tr");
      assert.is(await rows.count(), checked.layers.length + 1);
      assert.ok(await page.locator("table.layers").isVisible());
      assert.is((await rows.nth(1).locator("td").allInnerTexts())[0], "features.0");
      // The diagram: rendered with a real size, one drawn node per graph node.
      const diagram = page.locator("figure.diagram svg");
      assert.ok(await diagram.isVisible());
      const box = (await diagram.boundingBox())!;
      assert.ok(box.width > 150 && box.height > 600, `diagram box ${JSON.stringify(box)}`);
      assert.is(await page.locator("figure.diagram svg g.node").count(), buildGraph(checked).nodes.length);
      // Bar charts, the input strip (with the declared size marked), the memory table, the warning.
      assert.is(await page.locator("svg.chart").count(), 4);
      assert.ok(await page.locator("svg.input-strip").isVisible());
      assert.match(await page.locator("main").innerText(), /valid: 223–254/);
      assert.match(await page.locator("table.memory").innerText(), /total\s+397\.6 MiB/);
      assert.match(await page.locator("pre.diagnostic.warning").innerText(), /W0301/);
      await page.screenshot({ path: join(dir, "shot.png"), fullPage: true });
      // Palette PNG: a third of the size, and it ships in the package (the README shows it).
      if (process.env["UPDATE"] === "1" || (!existsSync(SCREENSHOT) && process.env["CI"] !== "true"))
        await sharp(join(dir, "shot.png")).png({ palette: true, quality: 80, compressionLevel: 9, effort: 10 }).toFile(SCREENSHOT);
      assert.equal(problems, [], "no errors while inspecting");
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

browserTest("alexc report with two variants shows the comparison, and each variant in full", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-report-"));
  try {
    const out = join(dir, "v.html");
    const r = runCli(["report", "specs/alexnet.anet", "-o", out, "--compare", "num_classes=5", "--compare", "num_classes=100"]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stderr, /with num_classes=5: 0 errors, 1 warning/);
    await withPage(async (page, problems) => {
      await page.goto(pathToFileURL(out).href);
      const compare = page.locator("section.comparison table.compare").first();
      assert.ok(await compare.isVisible());
      assert.equal(await compare.locator("thead th").allInnerTexts(), ["", "as written", "num_classes=5", "num_classes=100"]);
      const params = await compare.locator("tr", { hasText: "params" }).first().locator("td").allInnerTexts();
      assert.equal(params, ["16,630,440", "14,591,685", "14,786,340"]);
      // Only the last layer differs between the variants.
      const differing = page.locator("section.comparison table.compare").nth(1).locator("tbody th");
      assert.equal(await differing.allInnerTexts(), ["classifier.6"]);
      assert.is(await page.locator("section.model").count(), 3);
      assert.is(await page.locator("figure.diagram svg").count(), 3);
      assert.equal(problems, []);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

browserTest("the SVG alexc graph writes renders in chromium, every node drawn", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-svg-"));
  try {
    const out = join(dir, "a.svg");
    assert.is(runCli(["graph", "specs/alexnet.anet", "--format", "svg", "-o", out]).status, 0);
    const checked = checkSource("specs/alexnet.anet", specText("alexnet.anet")).checked!;
    await withPage(async (page, problems) => {
      await page.goto(pathToFileURL(out).href);
      const size = await page.evaluate(() => {
        const b = document.querySelector("svg")!.getBoundingClientRect();
        return [b.width, b.height];
      });
      assert.ok(size[0]! > 150 && size[1]! > 1000, `rendered ${size}`);
      assert.is(await page.locator("g.node").count(), buildGraph(checked).nodes.length);
      assert.ok(await page.locator("g.node", { hasText: "features.12" }).isVisible());
      assert.equal(problems, []);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the committed screenshot exists", () => {
  assert.ok(existsSync(SCREENSHOT) || !hasChromium, `${SCREENSHOT} is missing: run UPDATE=1 npm test where chromium is installed`);
  if (existsSync(SCREENSHOT)) assert.equal([...readFileSync(SCREENSHOT).subarray(1, 4)], [0x50, 0x4e, 0x47]);
});

test.run();
