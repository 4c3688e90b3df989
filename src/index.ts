/**
 * The alexc API: the same pipeline the CLI runs.
 *
 *   const result = checkSource("specs/alexnet.anet", text, { overrides: [{ name: "num_classes", value: 5, origin: "api" }] });
 *   if (result.checked?.complete) {
 *     const out = emitModel(result.checked, result.file);
 *     writeOutputs("generated", out.dir, out.files);
 *   }
 */
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
