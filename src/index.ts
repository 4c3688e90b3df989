/**
 * The alexc API: the same pipeline the CLI runs. compile() is pure (it writes nothing); the CLI
 * reads the spec, calls it, and writes what it returns. This example is type-checked and run by
 * test/api-example.test.ts, which holds the same lines:
 *
 *   import { readFileSync } from "node:fs";
 *   import { compile, parseOverride, renderDiagnostic, writeOutputs } from "alexc";
 *
 *   const text = readFileSync("specs/alexnet.anet", "utf8");
 *   const result = compile("specs/alexnet.anet", text, { overrides: [parseOverride("num_classes=5")] });
 *   for (const r of result.spec.results) for (const d of r.diagnostics) console.error(renderDiagnostic(d, r.file));
 *   if (result.outputs) for (const out of result.outputs) writeOutputs("generated", out.dir, out.files);
 */
export { compile, type CompileOptions, type CompileResult, type CompiledModel } from "./compile.js";
export { parseOverride } from "./resolve/overrides.js";
export { checkSource, errorCount, openWarningCount, type CheckResult, type CheckOptions } from "./check/check-spec.js";
export type { CheckedModel, CheckedLayer } from "./check/check.js";
export type { ResolvedModel, ResolvedLayer, Override } from "./resolve/resolve.js";
export type { Diagnostic } from "./diagnostics/diagnostic.js";
export { catalogue, type CatalogueEntry } from "./diagnostics/catalogue.js";
export { renderDiagnostic, styleFor } from "./diagnostics/render.js";
export { layerKinds } from "./layers/index.js";
export type { LayerKind, Shape } from "./layers/kind.js";
export { jsonDocument, layerTable } from "./views/check-report.js";
export { emitModel, type Emitted } from "./emit/emit.js";
export { writeOutputs } from "./emit/write.js";
export { scanInputs, verdictAt, type InputScan, type SizeVerdict } from "./check/valid-inputs.js";
export { details, type ModelDetails, type LayerDetails } from "./views/analysis/details.js";
export { receptiveFields, type FieldAt } from "./views/analysis/receptive-field.js";
export { trainingMemory, type TrainingMemory } from "./views/analysis/memory.js";
export { buildGraph, type Graph } from "./views/graph/model.js";
export { toDot } from "./views/graph/dot.js";
export { toMermaid } from "./views/graph/mermaid.js";
export { buildReport, type ReportEntry } from "./views/html/page.js";
export { VERSION } from "./util/version.js";
