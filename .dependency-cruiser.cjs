/**
 * The architecture's import rules, checked in CI (`npm run lint`). docs/architecture.md explains them.
 * Stages may import only earlier stages: a later stage's needs never reach back into an earlier one.
 *   util < diagnostics < syntax < layers < resolve < check < lower < emit < views < src/*.ts < cli
 * lsp/ (the language server) is a top-level consumer like cli/: it may import any stage, and only cli/ imports it.
 * runtime/ is what generated programs import: it stands alone and imports nothing else of alexc.
 * grammar/ (tokens and parser) is below syntax/ and imports nothing from src/.
 */
const ORDER = ["util", "diagnostics", "syntax", "layers", "resolve", "check", "lower", "emit", "views"];
const later = (i) => [...ORDER.slice(i + 1), "cli", "lsp", "runtime-never-matches"].filter((f) => f !== "runtime-never-matches");

const stageRules = ORDER.map((stage, i) => ({
  name: `${stage}-imports-only-earlier-stages`,
  comment: `src/${stage}/ may import only ${ORDER.slice(0, i).join(", ") || "nothing of alexc but itself"} (and runtime/'s tables)`,
  severity: "error",
  from: { path: `^src/${stage}/` },
  to: { path: [`^src/(${later(i).join("|")})/`, "^src/[^/]+\\.ts$"] },
}));

module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    {
      name: "runtime-stands-alone",
      comment: "generated programs import alexc/runtime; it must not pull in the compiler",
      severity: "error",
      from: { path: "^src/runtime/" },
      to: { path: "^(src/(?!runtime/)|grammar/)" },
    },
    {
      name: "grammar-below-src",
      severity: "error",
      from: { path: "^grammar/" },
      to: { path: "^src/" },
    },
    {
      name: "only-the-cli-imports-the-cli",
      severity: "error",
      from: { path: "^src/(?!cli/)" },
      to: { path: "^src/cli/" },
    },
    {
      name: "only-the-cli-imports-the-lsp",
      severity: "error",
      from: { path: "^src/(?!cli/|lsp/)" },
      to: { path: "^src/lsp/" },
    },
    {
      name: "not-to-tests-or-tools",
      comment: "shipped code never imports tests, benchmarks or scripts",
      severity: "error",
      from: { path: "^(src|grammar)/" },
      to: { path: "^(test|bench|scripts)/" },
    },
    ...stageRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules|generated)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      extensions: [".ts", ".cts", ".js"],
    },
  },
};
