import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tf } from "../tf.ts";
import { adapt, adapterLayers, adapterMetadata } from "../adapter/adapt.ts";
import { loadModel, saveModel } from "./model_io.ts";
import { CheckpointError } from "../errors.ts";
import { quadraticTerms } from "../testing/terms.ts";
import { mobileNetV2Shaped, randomizeWeights, resnetShaped } from "../testing/models.ts";
import { maxAbsDiff } from "../testing/assert_close.ts";

Deno.test("saveModel/loadModel: an adapted model round-trips with identical outputs", async () => {
  const dir = await Deno.makeTempDir();
  const adapted = adapt(randomizeWeights(resnetShaped(), 1), { rank: 3, modulesToSave: ["head"] });
  for (const t of quadraticTerms(adapted)) {
    t.p.write(tf.randomNormal(t.p.shape as number[], 0, 0.5, "float32", 2));
  }
  const x = tf.randomNormal([2, 16, 16, 3], 0, 1, "float32", 3);
  await saveModel(adapted, dir);
  const again = await loadModel(dir);
  assert.equal(maxAbsDiff(again.predict(x) as tf.Tensor, adapted.predict(x) as tf.Tensor), 0);
  assert.deepEqual(adapterMetadata(again), adapterMetadata(adapted));
  assert.equal(again.trainableWeights.length, adapted.trainableWeights.length);
  // saving again replaces the weights file; the folder holds one model
  await saveModel(again, dir);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.equal(files.length, 2);
  assert.ok(files.includes("model.json"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a Keras-format model.json loaded with tf.loadLayersModel can be adapted", async () => {
  const dir = await Deno.makeTempDir();
  const base = randomizeWeights(mobileNetV2Shaped(), 8);
  await saveModel(base, dir); // tfjs-layers format, as the tfjs converter writes it
  const loaded = await tf.loadLayersModel(pathToFileURL(join(dir, "model.json")).href);
  const adapted = adapt(loaded, {
    rank: 2,
    targets: /_dw$|_expand$/,
    modulesToSave: ["predictions"],
  });
  const x = tf.randomNormal([2, 16, 16, 3], 0, 1, "float32", 9);
  assert.ok(maxAbsDiff(adapted.predict(x) as tf.Tensor, base.predict(x) as tf.Tensor) <= 1e-6);
  assert.equal(adapterLayers(adapted).length, 6);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadModel: a missing folder fails saying what is expected", async () => {
  await assert.rejects(() => loadModel("/nonexistent/quadranet"), (e: unknown) => {
    assert.ok(e instanceof CheckpointError);
    assert.match(
      e.message,
      /No model at "\/nonexistent\/quadranet": expected a folder with model.json/,
    );
    return true;
  });
});
