/**
 * Exact rational numbers on BigInt. Spec arithmetic uses them so that `96 * 0.35` is exactly
 * 33.6 (an error: not a whole number) and `100 * 0.07` is exactly 7 (not 7.000000000000001), and so
 * that sizes beyond 2^53 are still exact. Always normalised: gcd(num, den) = 1, den > 0.
 */
/** Decimal literals with more digits (or a larger exponent) than this are refused. */
const MAX_DIGITS = 4096;

/** Why a decimal literal was refused, in words that follow the literal ("1e999999999 is too large …"). */
export function decimalProblem(reason: "not-a-number" | "too-large" | "too-small" | "too-many-digits"): string {
  switch (reason) {
    case "not-a-number":
      return "is not a number";
    case "too-large":
      return `is too large (alexc computes exactly, up to 10^${MAX_DIGITS})`;
    case "too-small":
      return `is too small (alexc computes exactly, down to 10^-${MAX_DIGITS}); write 0 if that is meant`;
    case "too-many-digits":
      return `has more than ${MAX_DIGITS} digits`;
  }
}

export class Rational {
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static of(num: bigint, den = 1n): Rational {
    if (den === 0n) throw new RangeError("zero denominator");
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num < 0n ? -num : num, den);
    return new Rational(num / g, den / g);
  }

  static int(n: number | bigint): Rational {
    return Rational.of(BigInt(n));
  }

  /** Parses a decimal literal exactly: "0.35" is 7/20, "2e-4" is 1/5000, "1_000" is 1000. */
  static parse(text: string): Rational | undefined {
    const r = Rational.parseDecimal(text);
    return r instanceof Rational ? r : undefined;
  }

  /**
   * Like `parse`, but says why a text is refused: not a decimal number at all, or one whose exact
   * value would need more than 4,096 digits (`1e999999999`, `1e-999999999`): those only come from
   * noise or attacks, and are refused rather than allocated.
   */
  static parseDecimal(text: string): Rational | "not-a-number" | "too-large" | "too-small" | "too-many-digits" {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.replace(/_/g, ""));
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) return "not-a-number";
    const digits = `${m[2]}${m[3] ?? ""}`.replace(/^0+(?=\d)/, "") || "0";
    if (digits.length > MAX_DIGITS) return "too-many-digits";
    const exponent = Number(m[4] ?? "0") - (m[3]?.length ?? 0);
    if (exponent > MAX_DIGITS) return /^0+$/.test(digits) ? Rational.of(0n) : "too-large";
    if (exponent < -MAX_DIGITS) return /^0+$/.test(digits) ? Rational.of(0n) : "too-small";
    const sign = m[1] === "-" ? -1n : 1n;
    const value = sign * BigInt(digits);
    return exponent >= 0 ? Rational.of(value * 10n ** BigInt(exponent)) : Rational.of(value, 10n ** BigInt(-exponent));
  }

  /** The exact value of a finite double. */
  static fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`${x} is not finite`);
    if (Number.isInteger(x)) return Rational.of(BigInt(x));
    return Rational.parse(x.toString()) ?? Rational.of(BigInt(Math.round(x * 1e9)), 1_000_000_000n);
  }

  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  /** Floored modulo, like Python's %: the result has the sign of the divisor. */
  mod(o: Rational): Rational {
    return this.sub(o.mul(this.div(o).floor()));
  }
  /** Integer exponents only; the caller bounds their size. */
  pow(exponent: bigint): Rational {
    if (exponent >= 0n) return Rational.of(this.num ** exponent, this.den ** exponent);
    return Rational.of(this.den ** -exponent, this.num ** -exponent);
  }
  neg(): Rational {
    return Rational.of(-this.num, this.den);
  }

  floor(): Rational {
    const q = this.num / this.den;
    return Rational.of(this.num < 0n && q * this.den !== this.num ? q - 1n : q);
  }
  ceil(): Rational {
    return this.neg().floor().neg();
  }
  /** Half away from zero, as Python's round() is not (banker's) but people expect. */
  round(): Rational {
    const half = Rational.of(1n, 2n);
    return this.num < 0n ? this.neg().add(half).floor().neg() : this.add(half).floor();
  }

  cmp(o: Rational): number {
    const d = this.num * o.den - o.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  get isInteger(): boolean {
    return this.den === 1n;
  }
  get isZero(): boolean {
    return this.num === 0n;
  }
  /** Size in bits, to bound the cost of further arithmetic. */
  get bits(): number {
    return (this.num < 0n ? -this.num : this.num).toString(2).length + this.den.toString(2).length;
  }

  toNumber(): number {
    if (this.isInteger) return Number(this.num);
    // Scale so both parts fit a double without losing the ratio's leading digits.
    const shift = Math.max(0, Math.max(this.num.toString(2).length, this.den.toString(2).length) - 1000);
    return Number(this.num >> BigInt(shift)) / Number(this.den >> BigInt(shift));
  }

  /** Exact decimal when short, else 6 significant digits: for messages. */
  toString(): string {
    if (this.isInteger) {
      const digits = this.num.toString();
      // Astronomically large values (from noise or attacks) are shown, not printed in full.
      const body = digits.replace("-", "");
      return body.length <= 24 ? digits : `${digits.startsWith("-") ? "-" : ""}${body[0]}.${body.slice(1, 4)}e+${body.length - 1}`;
    }
    let den = this.den;
    let twos = 0;
    let fives = 0;
    for (; den % 2n === 0n; twos++) den /= 2n;
    for (; den % 5n === 0n; fives++) den /= 5n;
    if (den === 1n && Math.max(twos, fives) <= 12) return `${+this.toNumber().toFixed(Math.max(twos, fives))}`;
    return `${+this.toNumber().toPrecision(6)}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
