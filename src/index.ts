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
export { parseOverride } from "./overrides.js";
export { checkSource, errorCount, openWarningCount, type CheckResult, type CheckOptions } from "./compiler.js";
export type { CheckedModel, CheckedLayer } from "./check.js";
export type { ResolvedModel, ResolvedLayer, Override } from "./resolve.js";
export type { Diagnostic } from "./diagnostics/diagnostic.js";
export { catalogue, type CatalogueEntry } from "./diagnostics/catalogue.js";
export { renderDiagnostic, styleFor } from "./diagnostics/render.js";
export { layerKinds } from "./layers/index.js";
export type { LayerKind, Shape } from "./layers/kind.js";
export { jsonDocument, layerTable } from "./report.js";
export { emitModel, type Emitted } from "./emit.js";
export { writeOutputs } from "./write.js";
export { scanInputs, verdictAt, type InputScan, type SizeVerdict } from "./inputs.js";
export { details, type ModelDetails, type LayerDetails } from "./analysis/details.js";
export { receptiveFields, type FieldAt } from "./analysis/receptive-field.js";
export { trainingMemory, type TrainingMemory } from "./analysis/memory.js";
export { buildGraph, type Graph } from "./graph/model.js";
export { toDot } from "./graph/dot.js";
export { toMermaid } from "./graph/mermaid.js";
export { buildReport, type ReportEntry } from "./html/report.js";
export { VERSION } from "./version.js";
