/**
 * The properties the fuzzer checks, shared by `npm test` (a modest seeded run) and `npm run fuzz`
 * (10,000 of each). Each returns a description of the failure, or undefined.
 */
import * as tf from "@tensorflow/tfjs";
import ts from "typescript";
import { checkSpec } from "../../src/check/check-spec.js";
import { emitModel } from "../../src/emit/emit.js";
import { formatSource } from "../../src/syntax/printer.js";
import { shapeDims } from "../../src/layers/kind.js";
import { parse } from "../../src/syntax/parse.js";

/** Builds the model from the generated model.ts itself: transpiled, then run with tfjs injected. */
export function buildGenerated(modelTs: string): tf.LayersModel {
  const js = ts.transpileModule(modelTs, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const module = { exports: {} as { buildModel?: () => tf.LayersModel } };
  const require = (name: string): unknown => {
    if (name === "alexc/runtime/tf") return tf;
    throw new Error(`generated model.ts imports ${name}`);
  };
  new Function("require", "module", "exports", js)(require, module, module.exports);
  return module.exports.buildModel!();
}

export type Outcome = { kind: "checked" } | { kind: "rejected" } | { kind: "failed"; why: string };

/** A valid-looking spec: if it checks, tfjs must agree layer by layer; if not, it must say why. */
export function agreesWithTfjs(text: string): Outcome {
  const { file, results } = checkSpec("fuzz.anet", text);
  const base = results[0]!;
  const errors = base.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !base.checked?.complete)
    return errors.length > 0 ? { kind: "rejected" } : { kind: "failed", why: "incomplete check without an error" };
  // The check rejects everything compile would (E0204 included), so emitting cannot fail here.
  const emitted = emitModel(base.checked, file);
  const model = buildGenerated(emitted.files.get("model.ts")!);
  try {
    for (const layer of base.checked.layers) {
      const tfLayer = model.getLayer(layer.name);
      const shape = (tfLayer.outputShape as number[]).slice(1);
      const chw = shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : shape;
      if (chw.join("x") !== shapeDims(layer.output).join("x"))
        return { kind: "failed", why: `${layer.name}: checker ${shapeDims(layer.output).join("x")}, tfjs ${chw.join("x")}` };
      if (BigInt(tfLayer.countParams()) !== layer.params)
        return { kind: "failed", why: `${layer.name}: checker ${layer.params} params, tfjs ${tfLayer.countParams()}` };
    }
    return { kind: "checked" };
  } finally {
    model.dispose();
  }
}

/** Any text: no exception, every location inside the file, errors explained, all in bounded time. */
export function robust(text: string, budgetMs = 2000): string | undefined {
  const started = performance.now();
  try {
    const { results } = checkSpec("fuzz.anet", text);
    for (const r of results) {
      for (const d of r.diagnostics) {
        if (d.span && !(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length))
          return `${d.code} span ${JSON.stringify(d.span)} outside 0..${text.length}`;
        for (const rel of d.related) if (rel.span.end > text.length) return `${d.code} related span outside the file`;
        if (!d.message) return `${d.code} without a message`;
      }
      // A variant's errors that the base shares are reported once, on the base.
      const explained = [r, results[0]!].some((x) => x.diagnostics.some((d) => d.severity === "error"));
      if (r.checked === undefined && !explained) return "no model and no error";
    }
    const formatted = formatSource(text);
    if (formatted.text !== undefined) {
      if (formatSource(formatted.text).text !== formatted.text) return "fmt is not idempotent";
      if (parse(formatted.text).ast === undefined) return "fmt output does not parse";
    }
    for (const r of results) if (r.checked?.complete && !r.diagnostics.some((d) => d.severity === "error")) emitModel(r.checked, r.file);
  } catch (e) {
    return `threw ${(e as Error).stack ?? String(e)}`;
  }
  const elapsed = performance.now() - started;
  return elapsed > budgetMs ? `took ${elapsed.toFixed(0)} ms` : undefined;
}
