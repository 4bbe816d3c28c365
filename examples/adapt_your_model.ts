/**
 * Adapt a tfjs-layers model you have, see what was adapted, train a step and
 * save the adapter.
 *
 *     deno task example:adapt [path/to/model.json] [out_dir]
 *
 * Without a path it uses a small MobileNetV2-shaped model.
 * @module
 */
import { adapt, adapterSummary, formatAdapterSummary, saveAdapter, tf } from "@quadranet/core";
import { mobileNetV2Shaped } from "@quadranet/core/testing";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [modelPath, outDir = "runs/example_adapter"] = Deno.args;
const base = modelPath
  ? await tf.loadLayersModel(pathToFileURL(resolve(modelPath)).href)
  : mobileNetV2Shaped();

// 1. adapt: quadratic terms on the convs, the classifier trained in full
const head = base.layers[base.layers.length - 1].name;
const adapted = adapt(base, {
  rank: 4,
  targets: ["Conv2D", "DepthwiseConv2D"],
  modulesToSave: [head],
});
console.log(formatAdapterSummary(adapterSummary(adapted)));

// 2. one training step on a batch (random here; your data in practice)
const [h, w, c] = base.inputs[0].shape.slice(1) as number[];
const classes = (base.outputs[0].shape as number[])[1];
const x = tf.randomNormal([8, h, w, c], 0, 1, "float32", 1);
const y = tf.oneHot(
  tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2].map((i) => i % classes), "int32"),
  classes,
);
adapted.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
const loss = await adapted.trainOnBatch(x, y);
console.log(`loss after one step: ${Number(loss).toFixed(4)}`);

// 3. save the adapter (adapter_config.json + weights); load it with loadAdapter(base, dir)
await saveAdapter(adapted, outDir);
console.log(`adapter saved to ${outDir}`);
