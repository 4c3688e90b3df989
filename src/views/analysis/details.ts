/**
 * Everything the fuller reports show about a checked model, as plain data: per layer the output,
 * params, MACs, FLOPs, activations per image and receptive field; for the model the totals, the
 * training-memory estimate and the input sizes it accepts. `alexc summary`, its JSON document and
 * the HTML report all render this one structure.
 */
import type { CheckedLayer, CheckedModel } from "../../check/check.js";
import { receptiveFields, type FieldAt } from "./receptive-field.js";
import { BYTES_PER_VALUE, elements, trainingMemory, type TrainingMemory } from "./memory.js";
import { scanInputs, suggestionAxes, type InputScan } from "../../check/valid-inputs.js";

/** The convention every report states: one multiply-add is two floating-point operations. */
const FLOPS_PER_MAC = 2n;

export interface LayerDetails {
  layer: CheckedLayer;
  flops: bigint;
  /** Values in this layer's output, per image. */
  activations: bigint;
  field: FieldAt;
}

export interface ModelDetails {
  checked: CheckedModel;
  layers: LayerDetails[];
  inputActivations: bigint;
  totals: { params: bigint; macs: bigint; flops: bigint; parameterBytes: bigint; activationsPerImage: bigint };
  /** The last layer that still has a feature map: where the receptive field is quoted for the model. */
  lastSpatial?: LayerDetails;
  memory: TrainingMemory;
  /** One scan per varied axis: both for a square input, else height and width on their own. */
  inputs: InputScan[];
}

export function details(checked: CheckedModel, batch = checked.model.train.batch): ModelDetails {
  const fields = receptiveFields(checked);
  const layers = checked.layers.map((layer, i) => ({
    layer,
    flops: layer.macs * FLOPS_PER_MAC,
    activations: elements(layer.output),
    field: fields[i]!,
  }));
  const inputActivations = elements(checked.input);
  const lastSpatial = [...layers].reverse().find((l) => !l.field.global && l.layer.output.rank === "chw");
  const memory = trainingMemory(checked, batch);
  return {
    checked,
    layers,
    inputActivations,
    totals: {
      params: checked.totals.params,
      macs: checked.totals.macs,
      flops: checked.totals.macs * FLOPS_PER_MAC,
      parameterBytes: checked.totals.params * BYTES_PER_VALUE,
      activationsPerImage: memory.activationValues,
    },
    ...(lastSpatial ? { lastSpatial } : {}),
    memory,
    inputs: suggestionAxes(checked.model).map((axis) => scanInputs(checked.model, axis)),
  };
}
