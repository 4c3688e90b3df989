/**
 * The spec hash is of the spec's meaning: comments, formatting, how a number is written and the
 * compiler's version leave it unchanged; any layer, argument, setting, variant or --set value that
 * changes the model changes it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSource, type CheckOptions } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";
import { specHash } from "../src/lower/spec-hash.js";
import { Rational } from "../src/resolve/rational.js";
import { readHeader } from "../src/lower/generated-header.js";
import { VERSION } from "../src/util/version.js";

const SPEC = `model tiny {
  param width: int = 8
  input 1x8x8
  conv(width, kernel=3, padding=1)
  relu
  maxpool(kernel=2)
  flatten
  dense(4)
  train { optimizer = sgd(lr=0.1) }
  variant wide { width = 16 }
}
`;

function hashOf(text: string, options: CheckOptions = {}): string {
  const r = checkSource("tiny.anet", text, options);
  assert.equal(r.diagnostics, [], text);
  return specHash(r.checked!);
}

const base = hashOf(SPEC);

test("the same spec reformatted, commented or with numbers written otherwise has the same hash", () => {
  const same = [
    `// a comment before the model\n${SPEC}`,
    SPEC.replace("  relu\n", "  relu  // the activation\n"),
    SPEC.replace(/\n {2}/g, "\n      ").replace("conv(width, kernel=3, padding=1)", "conv( width ,kernel = 3,padding= 1 )"),
    SPEC.replace("dense(4)", "dense(2 * 2)"),
    SPEC.replace("kernel=3,", "kernel=3x3,"),
    // Spelling out a default changes nothing: the meaning has every default filled in.
    SPEC.replace("sgd(lr=0.1)", "sgd(lr=0.1, momentum=0)"),
    SPEC.replace("train { optimizer = sgd(lr=0.1) }", "train {\n    optimizer = sgd(lr=0.1)\n    epochs = 10\n  }"),
  ];
  for (const text of same) assert.is(hashOf(text), base, text);
});

test("a changed layer, argument or setting changes the hash", () => {
  const other = [
    SPEC.replace("dense(4)", "dense(5)"),
    SPEC.replace("  relu\n", ""),
    SPEC.replace("kernel=3, padding=1", "kernel=5, padding=2"),
    SPEC.replace("maxpool(kernel=2)", "maxpool(kernel=2, stride=1)"),
    SPEC.replace("param width: int = 8", "param width: int = 9"),
    SPEC.replace("input 1x8x8", "input 1x10x10"),
    SPEC.replace("model tiny", "model small"),
    SPEC.replace("sgd(lr=0.1)", "sgd(lr=0.2)"),
    SPEC.replace("sgd(lr=0.1)", "adam(lr=0.1)"),
    SPEC.replace("train { optimizer = sgd(lr=0.1) }", "train { optimizer = sgd(lr=0.1)\n batch = 64 }"),
    SPEC.replace("train {", "data { mean = 0.4 }\n  train {"),
    SPEC.replace("train {", "init { dense = zeros }\n  train {"),
  ];
  const hashes = other.map((text) => hashOf(text));
  for (const [i, h] of hashes.entries()) assert.is.not(h, base, other[i]);
  assert.is(new Set(hashes).size, hashes.length, "each change gives its own hash");
});

test("a variant or a --set value that changes the model changes the hash; one that does not, does not", () => {
  assert.is.not(hashOf(SPEC, { variant: "wide" }), base);
  assert.is(hashOf(SPEC, { variant: "wide" }), hashOf(SPEC.replace("param width: int = 8", "param width: int = 16")));
  assert.is.not(hashOf(SPEC, { overrides: [{ name: "width", value: Rational.int(4), origin: "--set width=4" }] }), base);
  assert.is(hashOf(SPEC, { overrides: [{ name: "width", value: Rational.int(8), origin: "--set width=8" }] }), base);
});

test("the hash does not depend on the compiler's version: pinned for a spec, it changes only with the meaning's format", () => {
  // If this fails, the hash of every spec changed and every checkpoint users have is refused by
  // --resume and predict: do it on purpose, bumping MEANING_FORMAT in src/lower/spec-hash.ts.
  assert.is(base, PINNED);
  const r = checkSource("tiny.anet", SPEC);
  const files = emitModel(r.checked!, r.file).files;
  for (const [name, text] of files) {
    const header = readHeader(text);
    assert.equal(header, { version: VERSION, spec: "tiny.anet", variant: null, overrides: [], specHash: base }, name);
  }
  assert.ok(files.get("model.ts")!.includes(`export const SPEC_HASH = "${base}";`));
});

const PINNED = "c5c0e2acb256837b5e62ae54dc480135fd5a1c102509b198e080ea0b9a85c249";

test.run();
