/**
 * Stage 3: the shape check. Walks the resolved layers from the input, applying each kind's shape
 * rule, counting params and MACs, and attaching the arithmetic to every finding. Warnings a layer
 * acknowledges with `allow` are marked as such; allows that match nothing are reported.
 */
import { diag, DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import { allowableByName } from "../diagnostics/catalogue.js";
import { declaredInFeatures, formatShape, isLastInValue, layerLabel, type CheckContext, type Shape } from "../layers/kind.js";
import type { ResolvedLayer, ResolvedModel } from "../resolve/resolve.js";
import { declaredSize, formatRanges, nearestValid, scanInputs, sizeLabel, suggestionAxes } from "./valid-inputs.js";
import { inputSizeWarning } from "./input-size.js";

export interface CheckedLayer {
  name: string;
  kind: string;
  block?: string;
  input: Shape;
  output: Shape;
  /** All parameters, trainable or not (what the tables count). */
  params: bigint;
  /** Of those, the ones the optimiser does not update (running statistics). */
  nonTrainableParams: bigint;
  macs: bigint;
  settings: string;
  resolved: ResolvedLayer;
}

export interface CheckedModel {
  model: ResolvedModel;
  /** Layers checked so far: all of them unless a shape error stopped the walk. */
  layers: CheckedLayer[];
  complete: boolean;
  input: Shape;
  output?: Shape;
  /** params counts every parameter; nonTrainableParams those of them the optimiser does not update. */
  totals: { params: bigint; nonTrainableParams: bigint; macs: bigint };
}

export function check(model: ResolvedModel, bag: DiagnosticBag): CheckedModel {
  const input: Shape = { rank: "chw", c: model.input.c, h: model.input.h, w: model.input.w };
  const layers: CheckedLayer[] = [];
  let shape: Shape | undefined = input;
  let producer: string | undefined;
  let producerExpression: string | undefined;
  let seenSpatial = false;
  const shapeErrors: Diagnostic[] = [];
  // Found on the whole model, reported on its first window layer so that layer's `allow` can acknowledge it.
  const inputSize = inputSizeWarning(model);

  const kinds = model.layers.map((l) => l.kind);
  for (const [i, layer] of model.layers.entries()) {
    const local = new DiagnosticBag();
    const node = layer.node;
    const ctx: CheckContext = {
      name: layer.name,
      sources: layer.sources,
      span: node.headSpan,
      kindSpan: node.layerKindSpan,
      bag: local,
      isFirstSpatial: !seenSpatial,
      ...(producer ? { producer } : {}),
      ...(producerExpression ? { producerExpression } : {}),
    };
    const output: Shape | undefined = shape && layer.kind.infer(layer.args, shape, ctx);
    if (inputSize?.layer === layer) local.push(inputSize.diagnostic);
    if (output && layer.kind.probabilities && !isLastInValue(kinds, i)) local.push(probabilitiesInside(model, i));
    acknowledge(layer, local.items, bag);
    shapeErrors.push(...local.items.filter((d) => d.severity === "error"));
    if (!shape || !output) {
      shape = undefined;
      break;
    }
    if (layer.kind.window || layer.kind.fixedSize) seenSpatial = true;
    const params = layer.kind.params(layer.args, shape, output);
    layers.push({
      name: layer.name,
      kind: layer.kind.kind,
      ...(layer.block ? { block: layer.block } : {}),
      input: shape,
      output,
      params: params.trainable + params.nonTrainable,
      nonTrainableParams: params.nonTrainable,
      macs: layer.kind.macs(layer.args, shape, output),
      settings: layer.kind.describe(layer.args, shape),
      resolved: layer,
    });
    if (layer.kind.flattens && shape.rank === "chw") {
      producer = `flatten of ${producer ?? "the input"}`;
      producerExpression = `${shape.c}*${shape.h}*${shape.w}`;
    } else if (output.rank !== shape.rank || output.rank === "chw" || layer.kind.features) {
      producer = `${layer.name === layer.kind.kind ? layer.name : `${layer.name} (${layer.kind.kind}`}${layer.name === layer.kind.kind ? " (" : ", "}output ${formatShape(output)})`;
      producerExpression = undefined;
    }
    shape = output;
  }
  explainInputSizes(model, shapeErrors);
  const order = channelsLastHint(model);
  if (order && shapeErrors.length > 0) bag.push(order);
  const totals = layers.reduce(
    (t, l) => ({ params: t.params + l.params, nonTrainableParams: t.nonTrainableParams + l.nonTrainableParams, macs: t.macs + l.macs }),
    { params: 0n, nonTrainableParams: 0n, macs: 0n },
  );
  return { model, layers, complete: shape !== undefined, input, ...(shape ? { output: shape } : {}), totals };
}

/** W0330: a softmax with layers after it that change values; the loss expects logits at the end. */
function probabilitiesInside(model: ResolvedModel, i: number): Diagnostic {
  const layer = model.layers[i]!;
  const next = model.layers.slice(i + 1).find((l) => !l.kind.flattens)!;
  return diag(
    "W0330",
    { layer: layerLabel(layer.name, layer.kind.kind), next: layerLabel(next.name, next.kind.kind) },
    {
      span: layer.node.headSpan,
      label: "probabilities here are only an intermediate value",
      notes: [
        "the trainer's loss (cross-entropy on logits, as nn.CrossEntropyLoss) and predict apply softmax to the model's output themselves",
        "as the last layer it documents that the scores are probabilities and lowers to an identity, so it is never applied twice; here it is applied as written",
      ],
      help: `move it to the end or remove it; if it is meant here (an attention-like weighting), acknowledge it with \`allow softmax_not_last "reason"\``,
    },
  );
}

/** Moves a layer's warnings into the bag, marking those its `allow` clauses acknowledge. */
function acknowledge(layer: ResolvedLayer, found: Diagnostic[], bag: DiagnosticBag): void {
  const used = new Set<string>();
  for (const d of found) {
    const allow = layer.allows.find((a) => allowableByName.get(a.code)?.code === d.code);
    if (allow && d.severity === "warning") {
      d.acknowledged = allow.reason;
      used.add(allow.code);
    }
    bag.push(d);
  }
  for (const a of layer.allows) {
    if (!used.has(a.code) && allowableByName.has(a.code)) {
      bag.add(
        "W0302",
        { layer: layer.name, warning: a.code },
        {
          span: a.span,
          label: `this layer raises no ${a.code} warning`,
          help: "remove the clause",
        },
      );
    }
  }
}

/**
 * `input 224x224x3` is the H×W×C order of NumPy, PIL and TensorFlow; alexc reads C×H×W. When the
 * model fails its shape check and the input reads naturally the other way round (a last dimension
 * of 1 to 4 channels, the first two a plausible image), the first problem is the order itself, not
 * a 224-channel convolution: said once, at the input.
 */
function channelsLastHint(model: ResolvedModel): Diagnostic | undefined {
  const { c, h, w, span } = model.input;
  if (!(w <= 4 && c > 4 && h > 4 && c / h <= 4 && h / c <= 4)) return undefined;
  return diag(
    "E0164",
    { c, h, w },
    {
      span,
      label: `read as ${c} channels of ${h}×${w}`,
      help: `write input ${w}x${c}x${h} (C×H×W: ${w} channel${w === 1 ? "" : "s"}, ${c}×${h} pixels)`,
    },
  );
}

/** Input-size findings get the sizes that would work, found by scanning candidate inputs. */
function explainInputSizes(model: ResolvedModel, errors: Diagnostic[]): void {
  const target = errors.find((d) => d.code === "E0202" || d.code === "E0201");
  if (!target) return;
  for (const axis of suggestionAxes(model)) {
    const scan = scanInputs(model, axis);
    const what = axis === "both" ? "input" : axis === "h" ? "input height" : "input width";
    if (scan.smallestFit === undefined) {
      target.notes.push(`no ${what} up to ${scan.limit} gives every layer a non-empty output`);
      continue;
    }
    const fitsAll = `the smallest ${what} for which every layer's output is non-empty is ${scan.smallestFit} (${sizeLabel(model, axis, scan.smallestFit)})`;
    const declared = model.layers.find((l) => declaredInFeatures(l) !== undefined);
    if (!declared) {
      target.notes.push(fitsAll);
      continue;
    }
    const expr = declaredInFeatures(declared)!.text;
    const nearest = nearestValid(scan.validRanges, declaredSize(model, axis));
    const single = scan.validRanges.length === 1 && scan.validRanges[0]![0] === scan.validRanges[0]![1];
    const ranges =
      nearest !== undefined
        ? `${what}${single ? "" : "s"} ${formatRanges(scan.validRanges)} match${single ? "es" : ""} the declared ${expr} of ${declared.name}` +
          (single ? "" : `; the nearest to ${declaredSize(model, axis)} is ${nearest} (${sizeLabel(model, axis, nearest)})`)
        : `no ${what} up to ${scan.limit} matches the declared ${expr} of ${declared.name}; change the in-features`;
    if (target.code === "E0202") {
      target.notes.push(fitsAll);
      target.help = ranges;
    } else target.notes.push(ranges);
  }
}
