/**
 * The shape lock, like a package lock for model sizes: `alexc lock` records each spec's and
 * variant's input, output, params and MACs in anet.lock.json; `alexc check --locked` fails (E0401)
 * when a change alters any of them, showing old and new, so a pull request that silently changes a
 * model's size is caught in review.
 */
import type { CheckResult } from "../check/check-spec.js";
import { diag, type Diagnostic } from "../diagnostics/diagnostic.js";
import { shapeDims } from "../layers/kind.js";
import { groupThousands } from "../util/numbers.js";
import type { SpecNode } from "../syntax/ast.js";

export const LOCK_FILE = "anet.lock.json";
const LOCK_VERSION = 1;

export interface LockEntry {
  input: number[];
  output: number[];
  params: string;
  macs: string;
}

/** spec path → configuration ("base" or the variant's name) → figures. */
export type Lock = Record<string, Record<string, LockEntry>>;

function configurationName(r: CheckResult): string {
  return r.variant ?? "base";
}

function lockEntry(r: CheckResult): LockEntry | undefined {
  const c = r.checked;
  if (!c?.complete || !c.output) return undefined;
  // Counts as decimal strings: exact at any size, and diffs in review read naturally.
  return { input: shapeDims(c.input), output: shapeDims(c.output), params: c.totals.params.toString(), macs: c.totals.macs.toString() };
}

export function lockFor(results: CheckResult[]): Record<string, LockEntry> {
  // fromEntries defines own properties, so a variant named `__proto__` stays a plain key.
  return Object.fromEntries(
    results.flatMap((r) => {
      const e = lockEntry(r);
      return e ? [[configurationName(r), e] as const] : [];
    }),
  );
}

export function serializeLock(lock: Lock): string {
  const sorted: Lock = Object.fromEntries(
    Object.keys(lock)
      .sort()
      .map((spec) => [spec, lock[spec]!]),
  );
  const text = JSON.stringify({ version: LOCK_VERSION, specs: sorted }, null, 2);
  // Shapes on one line each: [3, 224, 224] reads better in review than one number per line.
  return text.replace(/\[\s+([\d,\s]+?)\s+\]/g, (_m, nums: string) => `[${nums.split(/,\s*/).join(", ")}]`) + "\n";
}

export function parseLock(text: string): Lock {
  const doc = JSON.parse(text) as { version?: number; specs?: Lock };
  if (doc.version !== LOCK_VERSION || typeof doc.specs !== "object" || doc.specs === null)
    throw new Error(`not an alexc lock file of version ${LOCK_VERSION}`);
  return doc.specs;
}

/**
 * What is wrong with a lock entry read from disk, or undefined. The lock is committed text that
 * anyone can edit (or a merge can mangle); `check --locked` must report that, never crash on it.
 */
function entryProblem(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null || Array.isArray(e)) return "not an object";
  const o = e as Record<string, unknown>;
  const dims = (v: unknown) => Array.isArray(v) && v.length <= 8 && v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
  const count = (v: unknown) => typeof v === "string" && /^\d{1,40}$/.test(v);
  if (!dims(o["input"])) return "input is not a list of sizes";
  if (!dims(o["output"])) return "output is not a list of sizes";
  if (!count(o["params"])) return "params is not a whole number in a string";
  if (!count(o["macs"])) return "macs is not a whole number in a string";
  return undefined;
}

function signedDelta(before: bigint, after: bigint): string {
  const d = after - before;
  return `${d >= 0n ? "+" : "−"}${groupThousands(d >= 0n ? d : -d)}`;
}

/** Differences between the lock and a spec's fresh results, as E0401 diagnostics. */
export function compareWithLock(
  specPath: string,
  ast: SpecNode | undefined,
  results: CheckResult[],
  lock: Lock,
  lockPath: string,
): Diagnostic[] {
  const locked = Object.hasOwn(lock, specPath) ? lock[specPath] : undefined;
  const out: Diagnostic[] = [];
  const where = (r: CheckResult) => (r.variant === undefined ? ast?.nameSpan : ast?.variants.find((v) => v.name === r.variant)?.nameSpan);
  if (!locked) {
    return [
      diag(
        "E0401",
        { configuration: specPath, difference: `is not in ${lockPath}` },
        {
          span: ast?.nameSpan,
          help: `run alexc lock ${specPath} and commit ${lockPath}`,
        },
      ),
    ];
  }
  if (typeof locked !== "object" || locked === null || Array.isArray(locked)) {
    return [
      diag(
        "E0402",
        { entry: specPath, lock: lockPath, problem: "not an object of configurations" },
        {
          span: ast?.nameSpan,
          help: `run alexc lock ${specPath} to rewrite it`,
        },
      ),
    ];
  }
  for (const r of results) {
    const name = configurationName(r);
    const now = lockEntry(r);
    const before = Object.hasOwn(locked, name) ? locked[name] : undefined;
    if (!now) continue; // it does not check: its own errors say why
    const malformed = before === undefined ? undefined : entryProblem(before);
    if (malformed) {
      out.push(
        diag(
          "E0402",
          {
            entry: `${name === "base" ? "the base model" : `variant ${name}`} of ${specPath}`,
            lock: lockPath,
            problem: `malformed: ${malformed}`,
          },
          { span: where(r), help: `run alexc lock ${specPath} to rewrite it` },
        ),
      );
      continue;
    }
    if (!before) {
      out.push(
        diag(
          "E0401",
          { configuration: name === "base" ? "the base model" : `variant ${name}`, difference: `is not in ${lockPath}` },
          {
            span: where(r),
            help: `run alexc lock ${specPath}`,
          },
        ),
      );
      continue;
    }
    const changes: string[] = [];
    if (before.input.join("x") !== now.input.join("x")) changes.push(`input ${before.input.join("×")} → ${now.input.join("×")}`);
    if (before.output.join("x") !== now.output.join("x")) changes.push(`output ${before.output.join("×")} → ${now.output.join("×")}`);
    if (before.params !== now.params)
      changes.push(
        `params ${groupThousands(BigInt(before.params))} → ${groupThousands(BigInt(now.params))} (${signedDelta(BigInt(before.params), BigInt(now.params))})`,
      );
    if (before.macs !== now.macs)
      changes.push(
        `MACs ${groupThousands(BigInt(before.macs))} → ${groupThousands(BigInt(now.macs))} (${signedDelta(BigInt(before.macs), BigInt(now.macs))})`,
      );
    if (changes.length) {
      out.push(
        diag(
          "E0401",
          {
            configuration: name === "base" ? specPath.replace(/^.*\//, "") : `variant ${name}`,
            difference: `changed from the lock: ${changes.map((c) => c.split(" ")[0]).join(", ")}`,
          },
          {
            span: where(r),
            notes: changes,
            help: `if the change is intended, run alexc lock ${specPath} and commit ${lockPath}`,
          },
        ),
      );
    }
  }
  for (const name of Object.keys(locked).sort()) {
    if (!results.some((r) => configurationName(r) === name))
      out.push(
        diag(
          "E0401",
          {
            configuration: name === "base" ? "the base model" : `variant ${name}`,
            difference: `is in ${lockPath} but no longer in the spec`,
          },
          {
            span: ast?.nameSpan,
            help: `run alexc lock ${specPath}`,
          },
        ),
      );
  }
  return out;
}
