/**
 * Stage 5: IR → file contents, through Handlebars used for code rather than HTML: an isolated
 * instance, no HTML escaping (values are made safe when the IR is built), strict mode so a missing
 * field is an error rather than an empty string, and only the helpers registered here.
 */
import Handlebars from "handlebars";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CheckedModel } from "../check/check.js";
import { buildIr } from "../lower/ir.js";
import { buildTorchIr } from "../lower/torch-ir.js";
import type { SourceFile } from "../diagnostics/source.js";
import { PACKAGE_ROOT } from "../util/package-root.js";

const hbs = Handlebars.create();
const helpers = {
  json: (v: unknown) => JSON.stringify(v),
  join: (items: string[]) => items.join(", "),
};
for (const [name, fn] of Object.entries(helpers)) hbs.registerHelper(name, fn);

const templateDir = join(PACKAGE_ROOT, "templates");
const compiled = new Map<string, Handlebars.TemplateDelegate>();
/**
 * Partials the output templates share: the header in TypeScript, Python and Markdown comments
 * (src/lower/generated-header.ts reads each back).
 */
const PARTIALS = { header: "header.hbs", pyheader: "pytorch/header.hbs", mdheader: "pytorch/header-md.hbs" };

function registerPartials(): void {
  for (const [name, file] of Object.entries(PARTIALS))
    if (!hbs.partials[name]) hbs.registerPartial(name, readFileSync(join(templateDir, file), "utf8"));
}

function template(name: string): Handlebars.TemplateDelegate {
  let t = compiled.get(name);
  if (!t) {
    registerPartials();
    const source = readFileSync(join(templateDir, `${name}.hbs`), "utf8");
    t = hbs.compile(source, {
      noEscape: true,
      strict: true,
      knownHelpersOnly: true,
      knownHelpers: Object.fromEntries(Object.keys(helpers).map((h) => [h, true])),
    });
    compiled.set(name, t);
  }
  return t;
}

const OUTPUT_FILES = ["model.ts", "train.ts", "predict.ts"] as const;
const TORCH_FILES = ["model.py", "train.py", "predict.py", "builtin.py", "requirements.txt", "README.md"] as const;

/** What `compile --target` writes: TensorFlow.js TypeScript (the default) or a PyTorch program. */
export type Target = "tfjs" | "pytorch";

export interface Emitted {
  /** Folder under the output root: the model's name. */
  dir: string;
  files: Map<string, string>;
}

/** Renders every output file of a model whose check found no errors (see compile.ts). `\n` line ends only and no dates or absolute paths: bytes are stable. */
export function emitModel(checked: CheckedModel, file: SourceFile, target: Target = "tfjs"): Emitted {
  const specPath = file.path.split("\\").join("/");
  const files = new Map<string, string>();
  if (target === "pytorch") {
    const ir = buildTorchIr(checked, specPath);
    const helpers = ir.helpers.map((h) => readFileSync(join(templateDir, "pytorch", "helpers", `${h}.py`), "utf8").trimEnd());
    for (const name of TORCH_FILES) files.set(name, template(`pytorch/${name}`)({ ...ir, helpers }).replace(/\r\n?/g, "\n"));
  } else {
    const { ir } = buildIr(checked, specPath);
    for (const name of OUTPUT_FILES) files.set(name, template(name)(ir).replace(/\r\n?/g, "\n"));
  }
  return { dir: outputDir(checked), files };
}

/** `<model>` for the base, `<model>-<variant>` for a variant: `-` cannot occur in model names. */
export function outputDir(checked: CheckedModel): string {
  return checked.model.variant === undefined ? checked.model.name : `${checked.model.name}-${checked.model.variant}`;
}
