// Correctness rules only: layout is prettier's (.prettierrc.json), imports are dependency-cruiser's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dist-test/", "tmp/", "generated/", "runs/", "node_modules/", "test/fixtures/", "docs/", "editors/**/out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.cjs", "**/*.cts"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { module: "writable", require: "readonly", __filename: "readonly", __dirname: "readonly", process: "readonly" },
    },
  },
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      // Control characters in patterns are deliberate: those patterns find and neutralise them.
      "no-control-regex": "off",
      // Tests match aligned table columns, where the spaces are the point.
      "no-regex-spaces": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
);
