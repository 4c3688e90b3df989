/**
 * The editor screenshot (docs/editor-screenshot.png, shown in docs/editors.md and the README): the
 * real language server's answers (the built CLI's `lsp --stdio`) for the seed spec with `128*5*5`, drawn by test/editor-page.ts and
 * rendered in Debian's chromium as test/report.test.ts does. Skipped, loudly, where chromium is absent.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import sharp from "sharp";
import { editorPage, type PageInput } from "./editor-page.js";
import { LspClient, positionAt } from "./lsp-client.js";

const CHROMIUM = process.env["ALEXC_CHROMIUM"] ?? "/usr/bin/chromium";
const SCREENSHOT = join("docs", "editor-screenshot.png");
const URI = "file:///project/specs/alexnet.anet";
const TEXT = readFileSync("specs/alexnet.anet", "utf8").replace("dense(128*6*6 -> 2048)", "dense(128*5*5 -> 2048)");

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `\n  SKIPPED editor screenshot: no chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` or set ALEXC_CHROMIUM.\n`,
  );
const browserTest = hasChromium ? test : test.skip;

/** What an editor would show: everything the server answers for the open document. */
async function serverView(): Promise<PageInput> {
  const lsp = new LspClient();
  try {
    const init = await lsp.initialize({ debounceMs: 0 });
    const legend = (init.capabilities["semanticTokensProvider"] as { legend: { tokenTypes: string[] } }).legend;
    const published = lsp.waitFor<{ diagnostics: PageInput["diagnostics"] }>("textDocument/publishDiagnostics");
    lsp.notify("textDocument/didOpen", { textDocument: { uri: URI, languageId: "anet", version: 1, text: TEXT } });
    const { diagnostics } = await published;
    const end = positionAt(TEXT, TEXT.length);
    const hints = await lsp.request<PageInput["hints"]>("textDocument/inlayHint", {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end },
    });
    const tokens = await lsp.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri: URI } });
    const conv1 = positionAt(TEXT, TEXT.indexOf("conv(48") + 1);
    const hover = await lsp.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: URI }, position: conv1 });
    await lsp.close();
    return {
      title: "specs/alexnet.anet — alexc lsp",
      text: TEXT,
      tokenTypes: legend.tokenTypes,
      tokens: tokens.data,
      hints,
      diagnostics,
      hover: { line: conv1.line, markdown: hover.contents.value },
    };
  } finally {
    lsp.child.kill();
  }
}

browserTest("the seed spec with the server's hints, diagnostics and hover, rendered in chromium", async () => {
  const view = await serverView();
  const dir = mkdtempSync(join(tmpdir(), "alexc-editor-"));
  const profile = mkdtempSync(join(tmpdir(), "alexc-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
    ],
    viewport: { width: 1250, height: 900 },
  });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    writeFileSync(join(dir, "editor.html"), editorPage(view));
    await page.goto(`file://${join(dir, "editor.html")}`);
    const shown = await page.locator("main").innerText();
    assert.match(shown, /→ 48×55×55/);
    assert.match(shown, /E0201: .*3200.*4608|E0201: .*declares 3200 in-features, but 4608 reach it/);
    assert.match(shown, /17,472/);
    assert.ok(await page.locator(".hint").first().isVisible());
    assert.ok((await page.locator(".error").count()) > 0, "the squiggle under 128*5*5");
    await page.screenshot({ path: join(dir, "shot.png"), fullPage: true });
    if (process.env["UPDATE"] === "1" || (!existsSync(SCREENSHOT) && process.env["CI"] !== "true"))
      await sharp(join(dir, "shot.png")).png({ palette: true, quality: 80, compressionLevel: 9, effort: 10 }).toFile(SCREENSHOT);
    assert.equal(problems, []);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
});

test("the committed editor screenshot exists", () => {
  assert.ok(existsSync(SCREENSHOT) || !hasChromium, `${SCREENSHOT} is missing: run UPDATE=1 on this suite where chromium is installed`);
});

test.run();
