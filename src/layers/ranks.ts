import type { CheckContext, Shape } from "./kind.js";
import { layerLabel } from "./kind.js";

/** Layers that slide windows need a C×H×W feature map; a flat vector is a rank error. */
export function needsFeatureMap(input: Shape, ctx: CheckContext, kind: string): { c: number; h: number; w: number } | undefined {
  if (input.rank === "chw") return input;
  ctx.bag.add(
    "E0203",
    { layer: layerLabel(ctx.name, kind), needed: "a C×H×W feature map", got: `a flat vector of ${input.n}` },
    {
      span: ctx.kindSpan,
      label: "needs C×H×W",
      ...(ctx.producer ? { notes: [`the input comes from ${ctx.producer}`] } : {}),
      help: `move ${kind} before the flatten`,
    },
  );
  return undefined;
}

/** Dense layers take a flat vector, as in the seed's `torch.flatten(x, 1)` before the classifier. */
export function needsVector(input: Shape, ctx: CheckContext, kind: string): number | undefined {
  if (input.rank === "flat") return input.n;
  ctx.bag.add(
    "E0203",
    { layer: layerLabel(ctx.name, kind), needed: "a flat vector", got: `a ${input.c}×${input.h}×${input.w} feature map` },
    {
      span: ctx.kindSpan,
      label: "needs a flat input",
      ...(ctx.producer ? { notes: [`the input comes from ${ctx.producer}`] } : {}),
      help: `insert \`flatten\` before this layer (it gives ${input.c}*${input.h}*${input.w} = ${input.c * input.h * input.w})`,
    },
  );
  return undefined;
}
