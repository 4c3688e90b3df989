/**
 * The checkpoint format's literals (its format tag and the names in a run folder) are spelled once,
 * in src/runtime/checkpoint.ts and files.ts: every reader and writer uses the constants, so a
 * change of the format is made in one place.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CHECKPOINT_FORMAT, CLASS_INDEX_FILE, RUN_FOLDER } from "../src/runtime/checkpoint.js";
import { MODEL_FILE, WEIGHTS_FILE } from "../src/runtime/files.js";
import { ROOT } from "./support.js";

const runtime = join(ROOT, "src", "runtime");
const sources = readdirSync(runtime)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => ({ file: f, text: readFileSync(join(runtime, f), "utf8") }));

test("each checkpoint-format literal appears once in the runtime's sources, as its constant", () => {
  for (const value of [CHECKPOINT_FORMAT, CLASS_INDEX_FILE, MODEL_FILE, WEIGHTS_FILE, ...Object.values(RUN_FOLDER)]) {
    // Quoted as code quotes strings (comments name them in backticks). state.json has a field called
    // best too: its key (s['best']) and its label in checkpoint-check.ts's messages are not folder names.
    const quoted = new RegExp(`(?<!\\[|\\), )['"]${value.replace(/\./g, "\\.")}['"](?!\\])`, "g");
    const at = sources.flatMap(({ file, text }) => (text.match(quoted) ?? []).map(() => file));
    assert.is(at.length, 1, `'${value}' is spelled in ${at.join(", ")}`);
  }
});

test.run();
