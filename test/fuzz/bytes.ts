/**
 * Byte-level mutation of real specs (specs/ and test/fixtures/): bit flips, stray bytes (NUL,
 * TAB, quotes, backslashes, Latin-1, broken UTF-8 lead bytes, a BOM), deleted, repeated and
 * swapped ranges, splices from other specs, truncation, and long runs of one token. Each mutant goes
 * through everything a `check` and an `fmt` do after reading: decoding, parse, resolve, check,
 * every variant and matrix combination, text/JSON/SARIF rendering, fmt and codegen.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkFile } from "../../src/cli/commands/common.js";
import { formatReports } from "../../src/views/formats/index.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { decodeText } from "../../src/syntax/read.js";
import { seeded } from "../../src/runtime/random.js";
import { robust } from "./properties.js";

/** Every .anet under the given folders, as bytes, in a stable order. */
export function corpus(roots: string[]): Array<{ name: string; bytes: Buffer }> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (entry.endsWith(".anet") && stat.size < 200_000) out.push({ name: path, bytes: readFileSync(path) });
    }
  };
  for (const r of roots) walk(r);
  return out;
}

/** The runtime's mulberry32: small, seedable, the same sequence on every machine. */
export const random = seeded;

const INTERESTING = [
  0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x22, 0x5c, 0x2f, 0x2a, 0x23, 0x7f, 0x80, 0xa0, 0xc0, 0xc3, 0xe2, 0xe9, 0xed, 0xf0, 0xf4, 0xff,
];
const TOKENS = [
  "(",
  ")",
  ",",
  ",,",
  "{",
  "}",
  "[",
  "]",
  "->",
  "x",
  "*",
  "**",
  "-",
  "/*",
  "*/",
  "//",
  '"',
  "\\",
  "\\u",
  "=",
  ":",
  ";",
  "e999999999",
  "e-999999999",
  "0.",
  "1_0",
  "\ufeff",
  "\u2028",
  "matrix",
  "variant v {",
  "block b {",
  "allow inexact",
  "input 224x224x3",
  "dense(",
  "conv(",
  "round(",
  "param p = ",
];

/** 1–8 random mutations of one corpus file, with bytes from another for splices. */
export function mutate(next: () => number, source: Buffer, other: Buffer): Buffer {
  const int = (n: number) => Math.floor(next() * n);
  let b = Buffer.from(source);
  const steps = 1 + int(8);
  for (let s = 0; s < steps; s++) {
    const at = int(b.length + 1);
    switch (int(11)) {
      case 0: // flip a bit
        if (b.length) b[Math.min(at, b.length - 1)]! ^= 1 << int(8);
        break;
      case 1: // set a byte to an interesting one
        if (b.length) b[Math.min(at, b.length - 1)] = INTERESTING[int(INTERESTING.length)]!;
        break;
      case 2: // insert random bytes
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(6) }, () => int(256))), b.subarray(at)]);
        break;
      case 3: // insert a token
        b = Buffer.concat([b.subarray(0, at), Buffer.from(TOKENS[int(TOKENS.length)]!), b.subarray(at)]);
        break;
      case 4: {
        // delete a range
        const len = int(Math.min(64, b.length - at + 1));
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
        break;
      }
      case 5: {
        // repeat a range
        const len = 1 + int(40);
        const piece = b.subarray(at, at + len);
        b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: 1 + int(20) }, () => piece), b.subarray(at)]);
        break;
      }
      case 6: {
        // swap two ranges
        const a2 = int(b.length + 1);
        const [lo, hi] = at < a2 ? [at, a2] : [a2, at];
        const len = Math.min(1 + int(30), hi - lo);
        b = Buffer.concat([
          b.subarray(0, lo),
          b.subarray(hi, hi + len),
          b.subarray(lo + len, hi),
          b.subarray(lo, lo + len),
          b.subarray(hi + len),
        ]);
        break;
      }
      case 7: {
        // splice in part of another spec
        const from = int(other.length + 1);
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + 1 + int(200)), b.subarray(at)]);
        break;
      }
      case 8: // truncate
        b = b.subarray(0, at);
        break;
      case 9: {
        // a long run of one token: deep nesting, long numbers, many commas
        const token = ["(", "9", ",", "[", "-", "relu\n", "x2", "\\"][int(8)]!;
        b = Buffer.concat([b.subarray(0, at), Buffer.from(token.repeat(50 + int(400))), b.subarray(at)]);
        break;
      }
      default: // invalid UTF-8 sequences
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from([[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xff]][int(5)]!),
          b.subarray(at),
        ]);
    }
  }
  return b;
}

/**
 * One mutant through the whole front half as the CLI runs it: a description of the failure, or
 * undefined. `budgetMs` bounds the whole case.
 */
export function robustBytes(bytes: Buffer, budgetMs = 2000): string | undefined {
  const started = performance.now();
  const text = decodeText(bytes);
  const failure = robust(text, budgetMs);
  if (failure) return failure;
  try {
    // checkFile reads from disk in the CLI; here the same steps run on the decoded text.
    const report = checkFile("fuzz.anet", [], () => text);
    for (const r of [...report.results, ...report.matrix.map((m) => m.result)]) {
      for (const d of r.diagnostics) {
        const shown = renderDiagnostic(d, r.file);
        if (shown.length > 20_000) return `${d.code} renders as ${shown.length} characters`;
      }
      if (r.diagnostics.length > 101) return `${r.diagnostics.length} diagnostics, more than the cap`;
    }
    for (const format of ["json", "sarif"] as const) JSON.parse(formatReports(format, [report], false));
  } catch (e) {
    return `threw ${(e as Error).stack ?? String(e)}`;
  }
  const elapsed = performance.now() - started;
  return elapsed > budgetMs ? `took ${elapsed.toFixed(0)} ms` : undefined;
}
