/**
 * The whole pipeline as one call: source text → parse → resolve → check → IR → files. Pure: no
 * writes, no process state; the only files it reads are alexc's own templates. Every finding that
 * stops a compile is raised by the check (compile adds none of its own), so `alexc check` passes
 * exactly the specs `alexc compile` accepts (test/check-compile-agree.test.ts walks every spec).
 */
import type { CheckedModel } from "./check/check.js";
import { allFindings, checkSpec, errorCount, openWarningCount, type CheckResult, type SpecCheck } from "./check/check-spec.js";
import { emitModel, type Target } from "./emit/emit.js";
import type { Override } from "./resolve/resolve.js";
import { DiagnosticBag } from "./diagnostics/diagnostic.js";
import { matrixAxes } from "./check/variants.js";

export interface CompileOptions {
  overrides?: Override[];
  /** The models to compile: the base (the default), the named variants, or every model ("all"). */
  variants?: string[] | "all";
  /** Refuse to compile when a selected model has warnings no `allow` acknowledges. */
  denyWarnings?: boolean;
  /** tfjs (TensorFlow.js TypeScript, the default) or pytorch (model.py, train.py, …). */
  target?: Target;
}

/** One compiled model: its folder under the output root and its files there. */
export interface CompiledModel {
  dir: string;
  files: Map<string, string>;
  result: CheckResult & { checked: CheckedModel };
}

export interface CompileResult {
  /** Every configuration's check, as `alexc check` reports it (the base first). */
  spec: SpecCheck;
  /** The checks of the selected models. */
  selected: CheckResult[];
  /** Variants asked for that the spec does not declare (only known when the spec parsed). */
  unknownVariants: string[];
  /** Present exactly when every selected model checked without errors (and, with denyWarnings, without open warnings). */
  outputs?: CompiledModel[];
  /** Every output file, by its path relative to the output root (`alexnet/model.ts`); empty when `outputs` is absent. */
  files: Map<string, string>;
}

export function compile(path: string, text: string, options: CompileOptions = {}): CompileResult {
  const spec = checkSpec(path, text, { overrides: options.overrides ?? [] });
  // A malformed `matrix` section is an error of the spec, as `alexc check` reports it (on the base).
  if (spec.ast) {
    const bag = new DiagnosticBag();
    matrixAxes(spec.ast, spec.file, bag);
    spec.results[0]!.diagnostics.push(...bag.items);
  }
  const known = spec.ast?.variants.map((v) => v.name) ?? [];
  const wanted = options.variants;
  const unknownVariants = spec.ast && Array.isArray(wanted) ? wanted.filter((v) => !known.includes(v)) : [];
  const selected = spec.results.filter((r) =>
    wanted === "all" ? true : wanted?.length ? wanted.includes(r.variant ?? "") : r.variant === undefined,
  );
  const files = new Map<string, string>();
  if (unknownVariants.length > 0 || !compiles(selected, options.denyWarnings === true)) return { spec, selected, unknownVariants, files };
  const outputs = selected.map((result): CompiledModel => {
    const emitted = emitModel(result.checked!, result.file, options.target);
    for (const [name, content] of emitted.files) files.set(`${emitted.dir}/${name}`, content);
    return { dir: emitted.dir, files: emitted.files, result: result as CompiledModel["result"] };
  });
  return { spec, selected, unknownVariants, outputs, files };
}

/**
 * Whether models with these checks compile: no errors, every layer shaped, and no open warnings
 * when they are denied; a variant's findings that the base shares count against the variant too.
 */
function compiles(results: CheckResult[], denyWarnings: boolean): boolean {
  return results.every((r) => {
    const all = allFindings(r);
    return errorCount(all) === 0 && r.checked?.complete === true && (!denyWarnings || openWarningCount(all) === 0);
  });
}
