/**
 * Saves a tfjs model to memory, checks its topology names the given layer classes, loads it back and
 * checks the loaded model gives exactly the same outputs: the round trip every runtime layer must survive.
 */
import * as tf from "@tensorflow/tfjs";
import * as assert from "uvu/assert";

export async function assertSavesAndLoads(model: tf.LayersModel, input: tf.Tensor, classes: string[]): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: "JSON" } };
    }),
  );
  const topology = JSON.stringify(artifacts!.modelTopology);
  for (const cls of classes) assert.ok(topology.includes(cls), cls);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  try {
    const [a, b] = [model.predict(input) as tf.Tensor, loaded.predict(input) as tf.Tensor];
    assert.equal(Array.from(await b.data()), Array.from(await a.data()));
    tf.dispose([a, b]);
  } finally {
    loaded.dispose();
  }
}
