import type { LayerKind } from "./kind.js";
import { layerLabel, trainable, weightInitializers } from "./kind.js";
import { needsVector } from "./ranks.js";
import { torchDense } from "./torch-params.js";

export type DenseArgs = {
  out: number;
  /** Declared in-features (`dense(128*6*6 -> 2048)`); checked against what reaches the layer. */
  in?: number;
  bias: boolean;
};

/** Fully connected layer, PyTorch's nn.Linear (bias unless bias=false: then out × in params). */
export const dense: LayerKind<DenseArgs> = {
  kind: "dense",
  pytorch: "Linear",
  doc: "fully connected layer: dense(out) or dense(in -> out), in-features checked; bias=false drops the bias",
  docs: { pytorch: "`nn.Linear(in, out, bias=bias)`", example: "input 2x3x3\n  flatten\n  dense(2*3*3 -> 4, bias=false)" },
  role: "dense",
  fusesActivation: true,
  features: (a) => a.out,
  declaresInFeatures: "in",
  args: [
    { name: "out", type: "count", position: 0, doc: "output features; `in -> out` also declares the in-features" },
    { name: "in", type: "count", doc: "declared input features, checked against the flattened size" },
    { name: "bias", addedLater: true, type: "flag", default: true, doc: "false: no bias" },
  ],
  infer(a, input, ctx) {
    const n = needsVector(input, ctx, "dense");
    if (n === undefined) return undefined;
    if (a.in !== undefined && a.in !== n) {
      const written = ctx.sources["in"];
      const declared = written && written.text !== String(a.in) ? `${written.text} = ${a.in}` : `${a.in}`;
      ctx.bag.add(
        "E0201",
        { layer: layerLabel(ctx.name, "dense"), declared: a.in, actual: n },
        {
          span: written?.span ?? ctx.span,
          label: `declared ${declared}`,
          notes: [
            ctx.producer
              ? `${ctx.producer} gives ${ctx.producerExpression ? `${ctx.producerExpression.replace(/\*/g, " × ")} = ` : ""}${n}`
              : `the input has ${n} features`,
          ],
          help: `write ${ctx.producerExpression ?? n} as the in-features, or leave them out (\`dense(${a.out})\`) to take whatever arrives`,
          ...(written
            ? {
                fixes: [
                  {
                    title: `write ${ctx.producerExpression ?? n}`,
                    edits: [{ span: written.span, text: ctx.producerExpression ?? String(n) }],
                  },
                ],
              }
            : {}),
        },
      );
    }
    return { rank: "flat", n: a.out };
  },
  // The model as written: with declared in-features that do not match (E0201), the table counts
  // the declared layer, not the one the arriving size would make.
  params: (a, input) => trainable(BigInt(a.in ?? (input.rank === "flat" ? input.n : 0)) * BigInt(a.out) + (a.bias ? BigInt(a.out) : 0n)),
  macs: (a, input) => BigInt(a.in ?? (input.rank === "flat" ? input.n : 0)) * BigInt(a.out),
  describe: (a) => (a.in !== undefined ? `${a.in} -> ${a.out}` : `${a.out}`) + (a.bias ? "" : ", no bias"),
  lower(a, input, _output, ctx) {
    const n = input.rank === "flat" ? input.n : 0;
    const init = ctx.init("dense", n, a.out);
    return [
      {
        factory: "dense",
        suffix: "",
        config: { units: a.out, useBias: a.bias },
        initializers: weightInitializers(a.bias, init),
      },
    ];
  },
  torchParams: (a, input) => torchDense(input.rank === "flat" ? input.n : 0, a.out, a.bias),
  torch: (a, input) => `nn.Linear(${input.rank === "flat" ? input.n : 0}, ${a.out}${a.bias ? "" : ", bias=False"})`,
};
