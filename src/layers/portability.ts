/**
 * Portability warnings: places where one spec means different shapes or numbers in PyTorch, Caffe
 * and TensorFlow. alexc's own semantics are PyTorch's (and its generated tfjs code reproduces them);
 * these warnings name the layer, the frameworks and both results, so a port does not drift silently.
 */
import type { CheckContext, Padding } from "./kind.js";
import { layerLabel } from "./kind.js";
import { caffePoolAxis, formatPadding, isAsymmetric, windowAxis } from "./window.js";

const AXES = ["height", "width"] as const;

const dims = (v: number[]): string => v.join("×");

/** What a kind's W0311 says about PyTorch: its module, and how it treats `same` and padding. */
export interface SamePort {
  /** The PyTorch module, e.g. "MaxPool2d". */
  module: string;
  /** How PyTorch handles padding='same' for this layer. */
  pytorchSame: string;
  /** PyTorch code that pads explicitly (left, right, top, bottom) before a padding-0 module. */
  torchPad(l: number, r: number, t: number, b: number): string;
}

/** W0311: `padding=same` came out asymmetric (TensorFlow puts the odd row/column at the bottom/right). */
export function samePaddingWarning(
  kind: string,
  port: SamePort,
  input: { h: number; w: number },
  a: { kernel: [number, number]; stride: [number, number] },
  padding: Padding,
  out: { h: number; w: number },
  ctx: CheckContext,
): void {
  if (!isAsymmetric(padding)) return;
  const sizes = [input.h, input.w];
  const uneven = [0, 1].filter((i) => padding[i]![0] !== padding[i]![1]);
  const symmetric = padding.map((p) => [p[0], p[0]]) as Padding;
  const symOut = [0, 1].map((i) => windowAxis(sizes[i]!, a.kernel[i]!, symmetric[i]![0], symmetric[i]![1], a.stride[i]!).out);
  const tfOut = [out.h, out.w];
  const sameSize = symOut[0] === tfOut[0] && symOut[1] === tfOut[1];
  const ruleText = (i: number): string => {
    const total = padding[i]![0] + padding[i]![1];
    return `TensorFlow's rule pads (ceil(${sizes[i]} / ${a.stride[i]}) − 1) × ${a.stride[i]} + ${a.kernel[i]} − ${sizes[i]} = ${total}, split [${padding[i]![0]}, ${padding[i]![1]}] with the odd one at the end`;
  };
  const rule =
    uneven.length === 2 && ruleText(0) === ruleText(1)
      ? [`height and width: ${ruleText(0)} (bottom and right)`]
      : uneven.map((i) => `${AXES[i]}: ${ruleText(i)} (${i === 0 ? "bottom" : "right"})`);
  const pytorch = port.pytorchSame;
  const [l, r, t, b] = [padding[1][0], padding[1][1], padding[0][0], padding[0][1]];
  const torchPad = port.torchPad(l, r, t, b);
  ctx.bag.add(
    "W0311",
    {
      layer: layerLabel(ctx.name, kind),
      padding: formatPadding(padding),
      tf_output: dims(tfOut),
      symmetric_output: dims(symOut),
      symmetric: formatPadding(symmetric),
    },
    {
      span: ctx.sources["padding"]?.span ?? ctx.span,
      label: `same = ${formatPadding(padding)}`,
      notes: [
        ...rule,
        `${pytorch}; Caffe pads symmetrically only${sameSize ? `: padding ${formatPadding(symmetric)} gives the same ${dims(symOut)}, with every window shifted by one ${uneven.length === 2 ? "row and column" : uneven[0] === 0 ? "row" : "column"}` : ""}`,
        `alexc resolves same with TensorFlow's rule, so the generated tfjs code gives ${dims(tfOut)}`,
      ],
      help: `write padding=${formatPadding(padding)} to make the asymmetry explicit (in PyTorch: ${torchPad} before a padding-0 ${port.module}), or acknowledge it with \`allow same_padding "reason"\``,
    },
  );
}

/**
 * W0310: a ceil-mode pool whose size is not the same everywhere: PyTorch (ceil_mode=True),
 * Caffe (always ceil, but its last-window rule only with padding) and floor mode (TensorFlow, which
 * has no ceil mode, and PyTorch's default). `lowering` says how the generated code gets PyTorch's size.
 */
export function ceilModeWarning(
  kind: string,
  lowering: string,
  input: { h: number; w: number },
  a: { kernel: [number, number]; stride: [number, number] },
  padding: Padding,
  ctx: CheckContext,
): void {
  const sizes = [input.h, input.w];
  const axis = (i: number) => {
    const [before, after] = padding[i]!;
    return {
      pytorch: windowAxis(sizes[i]!, a.kernel[i]!, before, after, a.stride[i]!, true).out,
      floor: windowAxis(sizes[i]!, a.kernel[i]!, before, after, a.stride[i]!).out,
      caffe: caffePoolAxis(sizes[i]!, a.kernel[i]!, before, after, a.stride[i]!),
    };
  };
  const r = [axis(0), axis(1)];
  const pytorch = r.map((x) => x.pytorch);
  const floor = r.map((x) => x.floor);
  const caffe = r.map((x) => x.caffe);
  const same = (u: number[], v: number[]): boolean => u[0] === v[0] && u[1] === v[1];
  if (same(pytorch, floor) && same(pytorch, caffe)) return;
  const notes: string[] = [];
  if (!same(pytorch, floor)) {
    notes.push(
      `ceil mode keeps the last, partial window: PyTorch with ceil_mode=True gives ${dims(pytorch)}; floor mode (TensorFlow/Keras, which have no ceil mode, and PyTorch's default) gives ${dims(floor)}`,
    );
  }
  if (!same(pytorch, caffe)) {
    notes.push(
      `Caffe gives ${dims(caffe)}: it drops a last window that starts past the input only when the layer has padding, and PyTorch always does (pytorch#57178), so PyTorch gives ${dims(pytorch)}`,
    );
  } else notes.push(`Caffe (ceil mode by default) agrees with PyTorch: ${dims(caffe)}`);
  notes.push(`alexc follows PyTorch; the generated tfjs code ${lowering}, which gives ${dims(pytorch)}`);
  const [ours, theirs] = !same(pytorch, floor)
    ? [`${dims(pytorch)} in ceil mode`, `${dims(floor)} in TensorFlow's floor mode`]
    : [`${dims(pytorch)} in PyTorch`, `${dims(caffe)} in Caffe`];
  ctx.bag.add(
    "W0310",
    { layer: layerLabel(ctx.name, kind), ours, theirs },
    {
      span: ctx.sources["ceil_mode"]?.span ?? ctx.span,
      label: `output ${dims(pytorch)}`,
      notes,
      help: `acknowledge it with \`allow ceil_mode "reason"\` once the model is meant for PyTorch's rule; or drop ceil_mode for ${dims(floor)} in PyTorch and TensorFlow (Caffe: round_mode: FLOOR)`,
    },
  );
}

/** For W0301 on a floor-mode pool: Caffe, which always pools in ceil mode, would keep the partial window. */
export function caffeCeilNote(
  input: { h: number; w: number },
  a: { kernel: [number, number]; stride: [number, number] },
  padding: Padding,
): { notes: string[]; fixes: string[] } {
  const sizes = [input.h, input.w];
  const caffe = [0, 1].map((i) => caffePoolAxis(sizes[i]!, a.kernel[i]!, padding[i]![0], padding[i]![1], a.stride[i]!));
  const floor = [0, 1].map((i) => windowAxis(sizes[i]!, a.kernel[i]!, padding[i]![0], padding[i]![1], a.stride[i]!).out);
  if (caffe[0] === floor[0] && caffe[1] === floor[1]) return { notes: [], fixes: [] };
  const pytorch = [0, 1].map((i) => windowAxis(sizes[i]!, a.kernel[i]!, padding[i]![0], padding[i]![1], a.stride[i]!, true).out);
  return {
    notes: [`Caffe always pools in ceil mode and gives ${dims(caffe)} here, where PyTorch's default and TensorFlow give ${dims(floor)}`],
    fixes: [
      `ceil_mode=true covers them as Caffe does (${dims(pytorch)}${pytorch[0] === caffe[0] && pytorch[1] === caffe[1] ? "" : " by PyTorch's rule"})`,
    ],
  };
}

/**
 * W0312: PyTorch and Caffe divide LRN's alpha by the size; the AlexNet paper's formula and
 * TensorFlow's local_response_normalization do not. Also notes an even size, which only PyTorch takes.
 */
export function lrnAlphaWarning(a: { size: number; alpha: number; beta: number; k: number }, ctx: CheckContext): void {
  const perTerm = a.alpha / a.size;
  const notes = [
    `PyTorch's nn.LocalResponseNorm and Caffe's LRN: b = a / (k + alpha/size · Σ a²)^beta, so each squared neighbour weighs ${num(a.alpha)}/${a.size} = ${num(perTerm)}`,
    `the paper (Krizhevsky et al. 2012) and TensorFlow's tf.nn.local_response_normalization: b = a / (k + alpha · Σ a²)^beta, so the same alpha weighs ${num(a.alpha)}, ${a.size}× more`,
    `alexc follows PyTorch: the generated tfjs code calls localResponseNormalization with depthRadius ${Math.floor((a.size - 1) / 2)}, alpha ${num(perTerm)}, bias ${num(a.k)}, beta ${num(a.beta)}`,
  ];
  if (a.size % 2 === 0) {
    notes.push(
      `size ${a.size} is even: PyTorch sums ${a.size / 2} channels before and ${a.size / 2 - 1} after each channel; Caffe and TensorFlow accept only odd sizes`,
    );
  }
  ctx.bag.add(
    "W0312",
    { layer: layerLabel(ctx.name, "lrn"), alpha: num(a.alpha), size: a.size },
    {
      span: ctx.sources["alpha"]?.span ?? ctx.span,
      label: `${num(perTerm)} per squared neighbour here; ${num(a.alpha)} in TensorFlow`,
      notes,
      help: `if alpha comes from the paper or TensorFlow code, write alpha=${num(a.alpha * a.size)}; if it comes from PyTorch or Caffe, acknowledge this with \`allow lrn_alpha "reason"\``,
    },
  );
}

/** Numbers as a person would write them: 0.0001, 2e-05 → 0.00002. */
export function num(x: number): string {
  return `${+x.toPrecision(6)}`;
}
