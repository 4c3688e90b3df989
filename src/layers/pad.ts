import type { LayerKind, Padding, PaddingArg } from "./kind.js";
import { layerLabel, NO_PARAMS } from "./kind.js";
import { formatPadding } from "./window.js";
import { needsFeatureMap } from "./ranks.js";
import { noTorchParams } from "./torch-params.js";
import { padLrtb } from "./torch.js";

export type PadArgs = {
  padding: PaddingArg;
  left: number;
  right: number;
  top: number;
  bottom: number;
  mode: "zero" | "reflect" | "replicate";
};

const NONE: Padding = [
  [0, 0],
  [0, 0],
];

/** [[top, bottom], [left, right]]: `padding` and the four sides add (the check refuses both written). */
function padAmounts(a: PadArgs): Padding {
  const p = a.padding === "same" ? NONE : a.padding;
  return [
    [p[0][0] + a.top, p[0][1] + a.bottom],
    [p[1][0] + a.left, p[1][1] + a.right],
  ];
}

/**
 * Stand-alone padding, PyTorch's nn.ZeroPad2d / ReflectionPad2d / ReplicationPad2d. Zeros lower to
 * tfjs's zeroPadding2d. Reflect and replicate lower to alexc's edgePadding2d, built from slices,
 * reversals and a concatenation: tf.mirrorPad computes reflect, but its gradient in tfjs 4.22 only
 * slices the centre out (MirrorPad_grad.ts), dropping what the reflected cells pass back, so training
 * through it would be wrong; tfjs has no replicate padding at all.
 */
export const pad: LayerKind<PadArgs> = {
  kind: "pad",
  pytorch: "ZeroPad2d",
  doc: "padding: pad(P, mode=zero) with P, [P1, P2] or {h, w}, or pad(left=…, right=…, top=…, bottom=…); mode zero, reflect or replicate",
  docs: {
    pytorch:
      "`nn.ZeroPad2d((left, right, top, bottom))`, `nn.ReflectionPad2d`, `nn.ReplicationPad2d`; reflect needs padding < the input size, as PyTorch",
    example: "input 3x5x5\n  pad(left=1, right=2, top=0, bottom=1, mode=reflect)",
  },
  role: "reshape",
  args: [
    {
      name: "padding",
      type: "padding",
      position: 0,
      default: NONE,
      doc: "P, [P1, P2] (top/left, bottom/right) or {h, w}",
    },
    { name: "left", type: "amount", default: 0, doc: "columns added on the left" },
    { name: "right", type: "amount", default: 0, doc: "columns added on the right" },
    { name: "top", type: "amount", default: 0, doc: "rows added on top" },
    { name: "bottom", type: "amount", default: 0, doc: "rows added at the bottom" },
    { name: "mode", type: "word", words: ["zero", "reflect", "replicate"], default: "zero", doc: "zero, reflect or replicate" },
  ],
  infer(a, input, ctx) {
    const map = needsFeatureMap(input, ctx, "pad");
    if (!map) return undefined;
    const label = layerLabel(ctx.name, "pad");
    if (a.padding === "same") {
      ctx.bag.add(
        "E0131",
        { layer: label },
        {
          span: ctx.sources["padding"]?.span ?? ctx.span,
          label: "same",
          help: "give the amounts: pad(P), pad([P1, P2]), pad({h: …, w: …}) or pad(left=…, right=…, top=…, bottom=…)",
        },
      );
      return undefined;
    }
    const sides = (["left", "right", "top", "bottom"] as const).filter((s) => ctx.sources[s]);
    if (ctx.sources["padding"] && sides.length > 0) {
      ctx.bag.add(
        "E0130",
        { layer: label, sides: sides.join(", ") },
        {
          span: ctx.sources[sides[0]!]!.span,
          related: [{ span: ctx.sources["padding"].span, message: "padding given here" }],
          help: "write either pad(P) with P, [P1, P2] or {h, w}, or the four sides by name (PyTorch's (left, right, top, bottom))",
        },
      );
      return undefined;
    }
    const p = padAmounts(a);
    if (a.mode === "reflect") {
      const sizes = [map.h, map.w];
      const bad = [0, 1].find((i) => p[i]!.some((n) => n >= sizes[i]!));
      if (bad !== undefined) {
        const axis = bad === 0 ? "height" : "width";
        ctx.bag.add(
          "E0220",
          { layer: label, padding: formatPadding(p), axis, size: sizes[bad]! },
          {
            span: ctx.sources["mode"]?.span ?? ctx.span,
            label: `padding ${Math.max(...p[bad]!)} ≥ ${axis} ${sizes[bad]}`,
            notes: [
              "a reflection repeats the input without its edge row, so it can add at most size − 1 rows; PyTorch refuses it too (Padding size should be less than the corresponding input dimension)",
              `input ${map.h}×${map.w}${ctx.producer ? `, from ${ctx.producer}` : ""}`,
            ],
            help: `pad at most ${sizes[bad]! - 1} on the ${axis}, or use mode=replicate, which has no limit`,
          },
        );
        return undefined;
      }
    }
    return { rank: "chw", c: map.c, h: map.h + p[0][0] + p[0][1], w: map.w + p[1][0] + p[1][1] };
  },
  params: () => NO_PARAMS,
  macs: () => 0n,
  // A 1×1 window with the padding: the size rule, the input scan and the receptive field then need nothing new.
  window: (a) => ({ kernel: [1, 1], stride: [1, 1], padding: padAmounts(a) }),
  minInput(a) {
    if (a.mode !== "reflect") return [1, 1];
    const p = padAmounts(a);
    return [Math.max(1, ...p[0].map((n) => n + 1)), Math.max(1, ...p[1].map((n) => n + 1))];
  },
  describe: (a) => `${formatPadding(padAmounts(a))}${a.mode === "zero" ? "" : `, ${a.mode}`}`,
  lower(a) {
    const padding = padAmounts(a);
    if (a.mode === "zero") return [{ factory: "zeroPadding2d", suffix: "", config: { padding } }];
    return [{ factory: "edgePadding2d", runtime: true, suffix: "", config: { padding, mode: a.mode } }];
  },
  torchParams: noTorchParams,
  torch: (a) => `nn.${TORCH_PAD[a.mode]}(${padLrtb(padAmounts(a))})`,
};

const TORCH_PAD = { zero: "ZeroPad2d", reflect: "ReflectionPad2d", replicate: "ReplicationPad2d" } as const;
