import assert from "node:assert/strict";
import { adapt, adapterLayers, adapterSummary, merge, tf } from "@quadranet/core";
import { maxAbsDiff } from "@quadranet/core/testing";
import { randomizeWeights, sequentialCnn } from "@quadranet/core/testing";
import { LoraDelta } from "./mod.ts";

Deno.test("adapt(method: 'lora') keeps outputs equal at init and adds r·(d_in·k² + d_out) params", () => {
  const base = randomizeWeights(sequentialCnn(), 3);
  const adapted = adapt(base, { method: "lora", rank: 2 });
  const x = tf.randomNormal([2, 12, 12, 2], 0, 1, "float32", 5);
  assert.ok(maxAbsDiff(adapted.predict(x) as tf.Tensor, base.predict(x) as tf.Tensor) <= 1e-6);
  const layers = adapterLayers(adapted);
  assert.deepEqual(layers.map((l) => l.getClassName()), [
    "LoraConv2D",
    "LoraConv2D",
    "LoraConv2D",
    "LoraConv2D",
    "LoraDense",
    "LoraDense",
  ]);
  assert.deepEqual(layers[0].adapterWeights().map((w) => w.shape), [[5, 5, 2, 2], [2, 6]]);
  // A + B per layer: conv1 100+12, conv2 108+16, conv3 784+12, conv4 48+8, fc1 32+20, head 20+10.
  assert.equal(adapterSummary(adapted).adapterParams, 1170);
});

Deno.test("LoRA conv term equals s·B·conv(x, A) with the primary's geometry (dilated conv2)", () => {
  const base = randomizeWeights(sequentialCnn(), 4);
  const adapted = adapt(base, { method: "lora", rank: 3, alpha: 6, targets: ["conv2"] });
  const layer = adapterLayers(adapted)[0];
  const lora = layer.delta as LoraDelta;
  lora.b.write(tf.randomNormal([3, 8], 0, 1, "float32", 9));
  const x = tf.randomNormal([2, 6, 6, 6], 0, 1, "float32", 8) as tf.Tensor4D;
  const a = lora.a.read() as tf.Tensor4D;
  const want = tf.relu(
    tf.conv2d(x, layer.primaryKernel.read() as tf.Tensor4D, 1, "same", "NHWC", 2)
      .add(layer.primaryBias!.read())
      .add(
        tf.conv2d(x, a, 1, "same", "NHWC", 2).reshape([-1, 3]).matMul(lora.b.read())
          .mul(2).reshape([2, 6, 6, 8]),
      ),
  );
  assert.ok(maxAbsDiff(layer.apply(x) as tf.Tensor, want) <= 1e-4);
});

Deno.test("merge() folds trained LoRA into the weights: the plain model computes the same", () => {
  const base = randomizeWeights(sequentialCnn(), 5);
  const adapted = adapt(base, { method: "lora", rank: 2, alpha: 3 });
  for (const l of adapterLayers(adapted)) {
    for (const w of l.adapterWeights()) {
      w.write(tf.randomNormal(w.shape as number[], 0, 0.2, "float32", w.shape.length + 11));
    }
  }
  const merged = merge(adapted);
  assert.equal(adapterLayers(merged).length, 0);
  assert.deepEqual(
    merged.layers.map((l) => l.getClassName()),
    base.layers.map((l) => l.getClassName()),
  );
  const x = tf.randomNormal([3, 12, 12, 2], 0, 1, "float32", 6);
  const got = merged.predict(x) as tf.Tensor, want = adapted.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(got, want) <= 1e-5, `differs by ${maxAbsDiff(got, want)}`);
  assert.ok(
    maxAbsDiff(want, base.predict(x) as tf.Tensor) > 1e-3,
    "the adapter did change the outputs",
  );
});

Deno.test("LoRA refuses the quadratic method's options, naming method and option", () => {
  const base = sequentialCnn();
  assert.throws(
    () => adapt(base, { method: "lora", kernel: "quadratic" }),
    /Adapter method "lora" does not support option "kernel"; remove it \(it applies to method quadratic\)/,
  );
  assert.throws(
    () => adapt(base, { method: "lora", backprop: "autodiff" }),
    /method "lora" does not support option "backprop"/,
  );
  assert.throws(() => adapt(base, { method: "lora", dilation: 2 }), /option "dilation"/);
  const layer = adapterLayers(adapt(base, { method: "lora", rank: 2 }))[0];
  assert.ok(layer.delta instanceof LoraDelta);
  assert.deepEqual(layer.delta.summary(), {});
});
