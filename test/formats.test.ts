/**
 * Report formats for CI: GitHub annotations, SARIF (validated against the committed 2.1.0 schema),
 * JUnit, JSON — golden output on a spec with errors, warnings and acknowledgements.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ajvDraft04 from "ajv-draft-04";

// A CommonJS module: its class is module.exports.default under Node's ESM interop.
const Ajv = ajvDraft04.default.default;
import { FIXTURES, golden, runCli } from "./support.js";

const MIXED = "test/fixtures/formats/mixed.anet";
const formats = ["github", "sarif", "junit", "json"] as const;

for (const format of formats) {
  test(`--format ${format}: golden output, exit 1 for the errors`, () => {
    const r = runCli(["check", MIXED, "--format", format]);
    assert.is(r.status, 1, r.stderr);
    golden(join(FIXTURES, "formats", `mixed.${format}`), r.stdout);
  });
}

test("--format github: one ::error line at the 128*5*5 expression", () => {
  const r = runCli(["check", "test/fixtures/diagnostics/dense-in-mismatch.anet", "--format", "github"]);
  assert.is(r.status, 1);
  const errors = r.stdout.split("\n").filter((l) => l.startsWith("::error "));
  assert.is(errors.length, 1);
  assert.match(
    errors[0]!,
    /^::error file=test\/fixtures\/diagnostics\/dense-in-mismatch\.anet,line=28,col=11,endLine=28,endColumn=17,title=E0201::/,
  );
  assert.ok(!errors[0]!.slice(2).includes("\n"));
});

test("--format github escapes what would break a workflow command", () => {
  const r = runCli(["check", MIXED, "--format", "github"]);
  for (const line of r.stdout.trimEnd().split("\n")) {
    assert.match(line, /^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^,:]+::/);
  }
  assert.match(r.stdout, /%0Anote: /);
});

test("--format sarif validates against the SARIF 2.1.0 schema; acknowledged warnings are suppressed in source", () => {
  const schema = JSON.parse(readFileSync(join(FIXTURES, "sarif", "sarif-schema-2.1.0.json"), "utf8"));
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);
  for (const spec of [MIXED, "test/fixtures/diagnostics/dense-in-mismatch.anet", "specs/alexnet.anet"]) {
    const log = JSON.parse(runCli(["check", spec, "--format", "sarif"]).stdout);
    assert.ok(validate(log), `${spec}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  const log = JSON.parse(runCli(["check", MIXED, "--format", "sarif"]).stdout);
  const results = log.runs[0].results as Array<{
    ruleId: string;
    suppressions?: Array<{ justification: string }>;
    locations: Array<{ physicalLocation: { region: { startLine: number } } }>;
  }>;
  const acknowledged = results.filter((r) => r.suppressions);
  assert.is(acknowledged.length, 1);
  assert.is(acknowledged[0]!.suppressions![0]!.justification, "matches the reference model");
  const rules = log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
  for (const r of results) assert.ok(rules.includes(r.ruleId));
});

test("--format junit: one test case per spec and variant; warnings fail only with --deny-warnings", () => {
  const plain = runCli(["check", "specs/alexnet.anet", "--format", "junit"]);
  assert.is(plain.status, 0);
  assert.match(plain.stdout, /<testsuites name="alexc" tests="2" failures="0"/);
  assert.match(plain.stdout, /<testcase classname="specs\/alexnet\.anet" name="alexnet \(base\)">/);
  assert.match(plain.stdout, /<testcase classname="specs\/alexnet\.anet" name="variant flowers">/);
  const strict = runCli(["check", "specs/alexnet.anet", "--format", "junit", "--deny-warnings"]);
  assert.is(strict.status, 1);
  assert.match(strict.stdout, /tests="2" failures="1"/);
  assert.match(strict.stdout, /<failure type="W0301"/);
});

test.run();
