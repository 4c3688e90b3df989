/**
 * fast-check generators for .anet specs: valid random networks (to compare the checker with the
 * tfjs model the generated code builds) and broken text (to prove the compiler never throws).
 */
import fc from "fast-check";

const window = fc.oneof(
  fc.integer({ min: 1, max: 5 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).map(([h, w]) => `${h}x${w}`),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).map(([h, w]) => `{h: ${h}, w: ${w}}`),
);
const stride = fc.oneof(
  fc.integer({ min: 1, max: 3 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).map(([h, w]) => `${h}x${w}`),
);
const side = fc.oneof(
  fc.integer({ min: 0, max: 2 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })).map(([a, b]) => `[${a}, ${b}]`),
);
const padding = fc.oneof(
  side,
  fc.tuple(side, side).map(([h, w]) => `{h: ${h}, w: ${w}}`),
);
/** A channel count, sometimes as an expression over the spec's `width` parameter. */
const channels = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map(String),
  fc.integer({ min: 1, max: 3 }).map((n) => `${n}*width`),
  fc.integer({ min: 2, max: 8 }).map((n) => `round(${n}*width/2)`),
);

const conv = fc.tuple(channels, window, stride, padding).map(([c, k, s, p]) => `conv(${c}, kernel=${k}, stride=${s}, padding=${p})`);
// Unpadded pooling: tfjs pools can only pad as 'same', which the generator cannot know in advance.
const pool = fc.tuple(window, fc.option(stride, { nil: undefined })).map(([k, s]) => `maxpool(kernel=${k}${s ? `, stride=${s}` : ""})`);
const featureLayer = fc.oneof(
  { weight: 3, arbitrary: conv },
  { weight: 2, arbitrary: pool },
  { weight: 2, arbitrary: fc.constant("relu") },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 0.9, noNaN: true }).map((p) => `dropout(${p.toFixed(2)})`) },
);
const denseLayer = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((n) => `dense(${n})`),
  fc.constant("relu"),
  fc.constant("dropout(0.5)"),
);

export interface ValidSpec {
  text: string;
  layers: number;
}

/** A random network that usually checks (small inputs keep tfjs fast); some have empty outputs. */
export const validSpec: fc.Arbitrary<ValidSpec> = fc
  .record({
    c: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: 6, max: 28 }),
    w: fc.integer({ min: 6, max: 28 }),
    width: fc.constantFrom("1", "2", "0.5"),
    features: fc.array(featureLayer, { minLength: 1, maxLength: 7 }),
    useBlock: fc.boolean(),
    head: fc.array(denseLayer, { minLength: 0, maxLength: 3 }),
    classes: fc.integer({ min: 2, max: 10 }),
  })
  .map((r) => {
    const indent = r.useBlock ? "    " : "  ";
    const features = r.features.map((l) => `${indent}${l}`).join("\n");
    const body = r.useBlock ? `  block features {\n${features}\n  }` : features;
    const text = [
      "model fuzz {",
      `  param width: float = ${r.width}`,
      `  param num_classes: int = ${r.classes}`,
      `  input ${r.c}x${r.h}x${r.w}`,
      body,
      "  flatten",
      ...r.head.map((l) => `  ${l}`),
      "  dense(num_classes)",
      "}",
      "",
    ].join("\n");
    return { text, layers: r.features.length + r.head.length + 2 };
  });

const seedTexts = [
  "model m {\n  input 3x32x32\n  conv(16, kernel=3, stride=2, padding=[1, 2])\n  relu\n  maxpool(kernel=2)\n  flatten\n  dense(16*8*8 -> 10)\n}\n",
  'model m {\n  param n: int = 10 where >= 2\n  input 3x8x8\n  block f {\n    c1: conv(4, kernel=3x3) allow inexact "x"\n  }\n  flatten\n  dense(n)\n  train { optimizer = adam(lr=1e-3); batch = 4 }\n  variant v { n = 3; input 3x9x9 }\n  matrix { n = [2, 3] }\n}\n',
];

const tokens = [
  "model",
  "input",
  "param",
  "block",
  "variant",
  "allow",
  "where",
  "conv",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ";",
  ":",
  "=",
  "->",
  "x",
  "*",
  "/",
  "**",
  "-",
  "+",
  "%",
  ">=",
  "<",
  "0",
  "1e308",
  "2**64",
  "-1",
  '"',
  '"s"',
  "//",
  "/*",
  "\n",
  " ",
  "3x224x224",
];

type Edit = (s: string) => string;

/** One random edit: delete, insert a token or noise, duplicate, replace, truncate. */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat({ max: 20 })).map(
    ([at, n]): Edit =>
      (s) =>
        s.slice(0, at % (s.length + 1)) + s.slice((at % (s.length + 1)) + n),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...tokens)).map(
    ([at, t]): Edit =>
      (s) =>
        s.slice(0, at % (s.length + 1)) + t + s.slice(at % (s.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.string({ unit: "binary", maxLength: 6 })).map(
    ([at, t]): Edit =>
      (s) =>
        s.slice(0, at % (s.length + 1)) + t + s.slice(at % (s.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.nat({ max: 30 })).map(([at, n]): Edit => (s) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + s.slice(i, i + n) + s.slice(i);
  }),
  fc.nat().map(
    (at): Edit =>
      (s) =>
        s.slice(0, at % (s.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0x10ffff })).map(([at, cp]): Edit => (s) => {
    const i = at % (s.length + 1);
    const ch = cp >= 0xd800 && cp <= 0xdfff ? "\ufffd" : String.fromCodePoint(cp);
    return s.slice(0, i) + ch + s.slice(i + 1);
  }),
);

/** Text near a valid spec: a generated network or a seed, with 1–6 random edits. */
export const brokenSpec: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      validSpec.map((v) => v.text),
      fc.constantFrom(...seedTexts),
    ),
    fc.array(edit, { minLength: 1, maxLength: 6 }),
  )
  .map(([text, edits]) => edits.reduce((s, e) => e(s), text));
