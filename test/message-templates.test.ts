/**
 * The catalogue's message templates (issue #15): every headline comes from its code's template,
 * with typed holes; no call site writes message text of its own; no template is dead or shared.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { catalogue, formatMessage, holesOf, type Code } from "../src/diagnostics/catalogue.js";
import { diag, DiagnosticBag } from "../src/diagnostics/diagnostic.js";
import { explanations } from "../src/diagnostics/explanations.js";
import { exampleDiagnostics } from "../src/views/explain.js";
import { ROOT } from "./support.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

// The compiler's sources, comments and all: a code named in a call is what the scan looks for.
const sources = sourceFiles(join(ROOT, "src")).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));

/** A regex that matches exactly the messages a template can produce (each hole: any non-empty text). */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[a-z_]+\}/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+?")}$`, "s");
}

test("every code has a template; no two codes share one; holes are lower-case names", () => {
  const seen = new Map<string, string>();
  for (const e of catalogue.values()) {
    assert.ok(e.message.trim().length > 0, `${e.code} has no message`);
    assert.not.ok(seen.has(e.message), `${e.code} and ${seen.get(e.message)} share the template ${JSON.stringify(e.message)}`);
    seen.set(e.message, e.code);
    // Every brace in a template is a hole: a stray `{` or a `{Layer}` would print as text.
    const braces = e.message.match(/[{}]/g)?.length ?? 0;
    assert.is(braces, 2 * (e.message.match(/\{[a-z_]+\}/g)?.length ?? 0), `${e.code}: a brace that is not a {hole}: ${e.message}`);
  }
});

test("every code's example raises it with a headline its template produces, every hole filled", () => {
  for (const e of catalogue.values()) {
    const x = explanations[e.code as Code];
    const raised = exampleDiagnostics(x.example, x.lock, x.refusedAs).diagnostics.filter((d) => d.code === e.code);
    assert.ok(raised.length > 0, `${e.code}'s example does not raise it`);
    for (const d of raised) {
      assert.match(
        d.message,
        templatePattern(e.message),
        `${e.code}: ${JSON.stringify(d.message)} is not its template ${JSON.stringify(e.message)}`,
      );
      for (const hole of holesOf(e.message)) assert.not.ok(d.message.includes(`{${hole}}`), `${e.code}: {${hole}} left unfilled`);
    }
  }
});

test("every code is reported somewhere in src/ through its template (no dead entry, no hand-written headline)", () => {
  const reported = new Set<string>();
  for (const { text } of sources) for (const m of text.matchAll(/\b(?:add|diag)\(\s*"([EW]\d{4})",\s*\{/g)) reported.add(m[1]!);
  const dead = [...catalogue.keys()].filter((code) => !reported.has(code));
  assert.equal(dead, [], "catalogue codes no call site reports");
});

test("no call site writes a headline as text (tsc rejects a string too; this is the git grep of issue #15)", () => {
  const offenders = sources.flatMap(({ path, text }) =>
    [...text.matchAll(/\b(?:add|diag)\(\s*(?:"[EW]\d{4}"|[^,()]*\?\s*"[EW]\d{4}"[^,()]*),\s*(?=[`"'])/g)].map(
      (m) => `${path}:${text.slice(0, m.index).split("\n").length}: ${m[0].replace(/\s+/g, " ")}`,
    ),
  );
  assert.equal(offenders, []);
});

test("holes are filled once, values as `${}` writes them; a value holding braces is not read as a hole", () => {
  assert.is(
    formatMessage("E0201", { layer: "fc (dense)", declared: 9216n, actual: 6400 }),
    "fc (dense) declares 9216 in-features, but 6400 reach it",
  );
  assert.is(formatMessage("E0101", { name: "{name}" }), "unknown name '{name}'");
  const bag = new DiagnosticBag();
  const d = bag.add("E0210", { layer: "conv", groups: 2, counted: "3 input channels are" });
  assert.is(d.message, "conv has groups=2, but its 3 input channels are not divisible by 2");
  assert.is(bag.items[0], d);
  assert.is(diag("E0122", {}).message, "an `allow` needs a reason");
});

test("a missing, misspelt or extra hole fails tsc", () => {
  // The check is tsc's (the test sources are type-checked): @ts-expect-error fails the build if there is no error.
  // Never called: at run time formatMessage would throw on the missing hole.
  const typeErrors = (bag: DiagnosticBag): void => {
    // @ts-expect-error: "actual" is missing
    bag.add("E0201", { layer: "fc", declared: 1 });
    // @ts-expect-error: "layr" is not a hole of E0201's template
    bag.add("E0201", { layr: "fc", declared: 1, actual: 2 });
    // @ts-expect-error: E0122 has no holes
    diag("E0122", { reason: "x" });
    // @ts-expect-error: a headline as text is not accepted any more
    diag("E0122", "an `allow` needs a reason");
    // @ts-expect-error: values are strings, numbers or bigints, not objects with a toString
    diag("E0101", { name: { toString: () => "x" } });
  };
  assert.type(typeErrors, "function");
  assert.throws(() => formatMessage("E0201", { layer: "fc", declared: 1 } as never), /E0201: no value for \{actual\}/);
});

test.run();
