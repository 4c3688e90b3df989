/**
 * PyTorch weights into a generated model. PyTorch's Conv2d weight is [Cout, Cin/groups, kh, kw] and
 * tfjs wants [kh, kw, Cin/groups, Cout]. A grouped conv is generated as one conv per group
 * (`<name>.g0`, `<name>.g1`, …): each takes its slice of the output channels, in order.
 */
import * as tf from "./tf.js";

/** The tfjs conv layers that make up spec layer `name`: itself, or its groups' branches. */
function convLayers(model: tf.LayersModel, name: string): tf.layers.Layer[] {
  const branches: tf.layers.Layer[] = [];
  for (let g = 0; ; g++) {
    const branch = model.layers.find((l) => l.name === `${name}.g${g}`);
    if (!branch) break;
    branches.push(branch);
  }
  return branches.length > 0 ? branches : [model.getLayer(name)];
}

/**
 * Sets conv layer `name` of a generated model from a PyTorch Conv2d's `weight` ([Cout, Cin/groups,
 * kh, kw]) and `bias` ([Cout]), grouped or not. Throws if the shapes do not fit the layer.
 */
export function setTorchConv2dWeights(model: tf.LayersModel, name: string, weight: tf.Tensor4D, bias?: tf.Tensor1D): void {
  const layers = convLayers(model, name);
  const cout = weight.shape[0];
  if (cout % layers.length !== 0) {
    throw new Error(`alexc: ${name} has ${layers.length} groups, but the weight has ${cout} output channels`);
  }
  const per = cout / layers.length;
  tf.tidy(() => {
    layers.forEach((layer, g) => {
      const kernel = tf.transpose(tf.slice(weight, [g * per, 0, 0, 0], [per, -1, -1, -1]), [2, 3, 1, 0]);
      layer.setWeights(bias ? [kernel, tf.slice(bias, [g * per], [per])] : [kernel]);
    });
  });
}
