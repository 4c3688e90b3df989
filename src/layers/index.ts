/**
 * The layer table: every layer kind the language knows, by the name used in specs. The resolver,
 * checker, reporter and emitter all read it; a new layer kind is a new entry here (see
 * docs/architecture.md).
 */
import type { LayerKind } from "./kind.js";
import { conv } from "./conv.js";
import { maxpool } from "./pool.js";
import { relu, dropout, flatten } from "./simple.js";
import { dense } from "./dense.js";
import { lrn } from "./lrn.js";

export const layerKinds: ReadonlyMap<string, LayerKind<any>> = new Map<string, LayerKind<any>>(
  [conv, relu, maxpool, dropout, flatten, dense, lrn].map((k) => [k.kind, k]),
);

export type { LayerKind, Shape } from "./kind.js";
