/**
 * The layer table: every layer kind the language knows, by the name used in specs. The resolver,
 * checker, reporter and emitter all read it; a new layer kind is a new entry here (see
 * docs/architecture.md).
 */
import { defineKind, type LayerKind } from "./kind.js";
import { conv } from "./conv.js";
import { avgpool, maxpool } from "./pool.js";
import { relu, dropout, flatten } from "./simple.js";
import { dense } from "./dense.js";
import { lrn } from "./lrn.js";
import { elu, gelu, leakyRelu, sigmoid, softmax, tanh } from "./activations.js";
import { batchnorm } from "./norm.js";
import { adaptiveAvgpool, adaptiveMaxpool } from "./adaptive.js";
import { pad } from "./pad.js";

/**
 * Each entry is typed by its own arguments (LayerKind<ConvArgs>, …); the table holds them by their
 * common shape, which the resolver fills from the entry's own argument list.
 */
const kinds: LayerKind[] = [
  defineKind(conv),
  defineKind(relu),
  defineKind(maxpool),
  defineKind(avgpool),
  defineKind(dropout),
  defineKind(flatten),
  defineKind(dense),
  defineKind(lrn),
  // Normalisation and activations beyond relu (issue 16).
  defineKind(batchnorm),
  defineKind(tanh),
  defineKind(sigmoid),
  defineKind(leakyRelu),
  defineKind(elu),
  defineKind(gelu),
  defineKind(softmax),
  // Issue 16, geometry: adaptive pooling and stand-alone padding.
  defineKind(adaptiveAvgpool),
  defineKind(adaptiveMaxpool),
  defineKind(pad),
];

export const layerKinds: ReadonlyMap<string, LayerKind> = new Map(kinds.map((k) => [k.kind, k]));

/** The activation tfjs can fuse into the kernel before it (conv2d, dense): relu's. */
export const fusedActivation: string = relu.activation!;

export type { LayerKind } from "./kind.js";
