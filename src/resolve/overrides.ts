/** `--set name=value`: parsed here, applied (and type-checked against the spec) by the resolver. */
import { UserError } from "../util/user-error.js";
import type { Override } from "./resolve.js";
import { decimalProblem, Rational } from "./rational.js";

export class OverrideSyntaxError extends UserError {}

export function parseOverride(text: string): Override {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$/.exec(text);
  if (!m) throw new OverrideSyntaxError(`--set ${text}: expected name=value, e.g. --set num_classes=5`);
  const value = Rational.parseDecimal(m[2]!);
  if (!(value instanceof Rational)) throw new OverrideSyntaxError(`--set ${text}: '${m[2]}' ${decimalProblem(value)}`);
  return { name: m[1]!, value, origin: `--set ${m[1]}=${m[2]}` };
}
