/**
 * W0313, the 224-vs-227 finding: the declared dense in-features do not fit this input, the input does
 * not tile the first window layer, and the nearest input that does tile it fits them. Convolutions in
 * PyTorch, Caffe and TensorFlow all floor the leftover rows away without a word, so ports of one
 * architecture that start from different input sizes disagree on every later shape. AlexNet is the
 * classic case: the paper gives 224×224 inputs, but its 11×11 stride-4 conv1 tiles 227×227, which is
 * what Caffe's model (and its 256·6·6 classifier) takes. Without declared in-features nothing says
 * which size was meant, and W0301 on the first layer already names the sizes that tile.
 */
import { diag, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { ResolvedLayer, ResolvedModel } from "../resolve/resolve.js";
import { verdictAt, type SizeVerdict } from "./valid-inputs.js";
import { derivation, formatPadding, windowAxis } from "../layers/window.js";
import { layerLabel, type Padding, type WindowGeometry } from "../layers/kind.js";

interface Candidate {
  h: number;
  w: number;
  verdict: SizeVerdict;
}

/** The W0313 warning for `model`, attached to its first window layer, or undefined when there is none. */
export function inputSizeWarning(model: ResolvedModel): { layer: ResolvedLayer; diagnostic: Diagnostic } | undefined {
  const first = model.layers.find((l) => l.kind.window);
  if (!first) return undefined;
  const { c, h, w } = model.input;
  const geometry = first.kind.window!(first.args, [h, w]);
  const sizes = [h, w];
  const axes = [0, 1].map((i) =>
    windowAxis(sizes[i]!, geometry.kernel[i]!, geometry.padding[i]![0], geometry.padding[i]![1], geometry.stride[i]!, geometry.ceil),
  );
  if (axes.every((a) => a.dropped === 0)) return undefined;
  const here = verdictAt(model, h, w);
  if (!here.fits || here.valid || here.features === undefined) return undefined;

  // The nearest sizes the first layer tiles exactly, on each axis that it does not: one below, one above.
  const options = [0, 1].map((i) => {
    const d = axes[i]!.dropped;
    return d === 0 ? [sizes[i]!] : [sizes[i]! - d, sizes[i]! - d + geometry.stride[i]!].filter((s) => s >= 1);
  });
  const candidates: Candidate[] = [];
  for (const ch of options[0]!)
    for (const cw of options[1]!) {
      const verdict = verdictAt(model, ch, cw);
      if (verdict.valid && verdict.features !== undefined) candidates.push({ h: ch, w: cw, verdict });
    }
  // The nearest, then the larger.
  candidates.sort((a, b) => distance(a) - distance(b) || b.h + b.w - (a.h + a.w));
  const best = candidates[0];
  if (!best) return undefined;

  const at = (hh: number, ww: number): string => `${hh}×${ww}`;
  const kind = first.kind.kind;
  const explain = (hh: number, ww: number, v: SizeVerdict): string => {
    const d = [0, 1].map((i) =>
      derivation([hh, ww][i]!, geometry.kernel[i]!, geometry.padding[i]![0], geometry.padding[i]![1], geometry.stride[i]!, geometry.ceil),
    );
    const steps = d[0] === d[1] ? d[0] : `height ${d[0]}, width ${d[1]}`;
    const last = v.trace.at(-1)!;
    const channels = v.features! / (last[0] * last[1]);
    return `at ${at(hh, ww)}: ${first.name} gives ${steps}; the feature maps go ${trace(hh, ww, v)}, and the flatten gives ${channels}×${last[0]}×${last[1]} = ${v.features}`;
  };
  const help = [`input ${c}x${best.h}x${best.w}`];
  const padded = paddingFix(first, geometry, best.h - h, best.w - w);
  if (padded)
    help.push(
      `keep ${at(h, w)} and pad ${first.name} with padding=${formatPadding(padded)}, which gives the same ${best.verdict.features} features`,
    );
  return {
    layer: first,
    diagnostic: diag(
      "W0313",
      {
        layer: layerLabel(first.name, kind),
        exact_size: at(best.h, best.w),
        size: at(h, w),
        features: here.features!,
        exact_features: best.verdict.features!,
      },
      {
        span: first.node.headSpan,
        label: `tiles ${at(best.h, best.w)}, the size the declared in-features expect; ${at(h, w)} is floored`,
        notes: [
          explain(h, w, here),
          explain(best.h, best.w, best.verdict),
          "convolutions in PyTorch, Caffe and TensorFlow alike floor the leftover rows and columns away without a word (Caffe's pooling rounds up instead), so ports of one architecture that start from different input sizes disagree on later shapes; AlexNet is the classic case: the paper gives 224×224 inputs, Caffe's bvlc_alexnet takes 227×227, torchvision pads conv1 by 2",
        ],
        help: `${help.join("; or ")}; or acknowledge it with \`allow input_size "reason"\` after ${first.name}`,
      },
    ),
  };

  function distance(x: Candidate): number {
    return Math.abs(x.h - h) + Math.abs(x.w - w);
  }
}

/** Input sizes through the window layers, repeats left out: `227 → 55 → 27 → 13 → 6`. */
function trace(h: number, w: number, v: SizeVerdict): string {
  const show = (s: [number, number]): string => (s[0] === s[1] ? `${s[0]}` : `${s[0]}×${s[1]}`);
  const steps = [show([h, w])];
  for (const s of v.trace) if (show(s) !== steps.at(-1)) steps.push(show(s));
  return steps.join(" → ");
}

/**
 * Padding that gives a larger input's result without resizing: the extra rows split as evenly as
 * possible, the odd one at the bottom/right (the seed's [1, 2]). None when the input would shrink,
 * for `same`, or when a max-pool could then pad more than half its kernel.
 */
function paddingFix(layer: ResolvedLayer, geometry: WindowGeometry, dh: number, dw: number): Padding | undefined {
  if (dh < 0 || dw < 0 || geometry.same) return undefined;
  const padding = geometry.padding;
  const fixed = [dh, dw].map((d, i) => [padding[i]![0] + Math.floor(d / 2), padding[i]![1] + d - Math.floor(d / 2)]) as Padding;
  const max = layer.kind.maxPadding?.(layer.args);
  if (max && fixed.some((p, i) => p.some((x) => x > max[i]!))) return undefined;
  return fixed;
}
