import assert from "node:assert/strict";
import { adapt, ConfigError, loadModel, loadPlugins, saveModel, tf } from "@quadranet/core";
import { mobileNetV2Shaped, quadraticTerms, randomizeWeights } from "@quadranet/core/testing";
import { maxAbsDiff } from "@quadranet/core/testing";
import { gelu } from "./gelu.ts";
import { polyKernel } from "./poly.ts";
import "./mod.ts";

const x = () => tf.randomNormal([2, 16, 16, 3], 0, 1, "float32", 3);

for (
  const [kernel, kernelOptions] of [
    ["rbf", {}],
    ["rbf", { sigma: 2, inputProjection: true }],
    ["poly", { degree: 3 }],
  ] as const
) {
  Deno.test(`kernel ${kernel} ${JSON.stringify(kernelOptions)}: the adapted model equals its base at init`, () => {
    const base = randomizeWeights(mobileNetV2Shaped(), 5);
    const adapted = adapt(base, { rank: 2, kernel, kernelOptions });
    const xs = x();
    assert.ok(maxAbsDiff(adapted.predict(xs) as tf.Tensor, base.predict(xs) as tf.Tensor) <= 1e-6);
  });
}

Deno.test("poly degree 12 on large inputs: no NaN at init, the adapted model still equals its base", () => {
  const base = tf.sequential({
    layers: [tf.layers.dense({ units: 4, inputShape: [8], name: "fc" })],
  });
  const adapted = adapt(base, { rank: 2, kernel: "poly", kernelOptions: { degree: 12 } });
  const xs = tf.fill([3, 8], 1000); // (u·v + 1)^12 overflows float32 here
  const y = adapted.predict(xs) as tf.Tensor;
  assert.ok([...y.dataSync()].every(Number.isFinite), "finite outputs");
  assert.ok(maxAbsDiff(y, base.predict(xs) as tf.Tensor) <= 1e-3);
  // the kernel saturates instead of overflowing: (2e19 + 1)^2 > F32_MAX
  const big = tf.tensor1d([2e19]);
  const k = polyKernel.apply(big, tf.tensor1d([1]), {
    weights: {},
    options: { degree: 2, c: 1 },
    training: false,
  });
  assert.equal(k.dataSync()[0], 3.4028234663852886e38);
});

Deno.test("gelu: matches hand-computed values", () => {
  const y = gelu(tf.tensor1d([-1, 0, 1, 2])).dataSync();
  [-0.158655, 0, 0.841345, 1.954500].forEach((v, i) =>
    assert.ok(Math.abs(y[i] - v) < 1e-5, `${i}: ${y[i]}`)
  );
});

Deno.test("poly kernel: values and partials by hand", () => {
  const u = tf.tensor1d([1, 2]);
  const v = tf.tensor1d([3, -1]);
  const ctx = { weights: {}, options: { degree: 3, c: 1 }, training: false };
  // (uv + 1)^3: 4^3 = 64, (−1)^3 = −1; ∂/∂u = 3(uv+1)²·v: 48·3 = 144, 3·1·(−1) = −3
  assert.deepEqual([...polyKernel.apply(u, v, ctx).dataSync()], [64, -1]);
  const { du, dv } = polyKernel.partials!(u, v, ctx);
  assert.deepEqual([...du.dataSync()], [144, -3]);
  assert.deepEqual([...dv.dataSync()], [48, 6]);
});

Deno.test("rbf kernel: BatchNorm statistics move in training; bad options fail naming them", async () => {
  const base = randomizeWeights(mobileNetV2Shaped(), 6);
  const adapted = adapt(base, { rank: 2, kernel: "rbf", targets: ["block1_dw"] });
  const layer = quadraticTerms(adapted)[0];
  assert.deepEqual(Object.keys(layer.kernelWeights).sort(), [
    "bn_beta",
    "bn_gamma",
    "bn_moving_mean",
    "bn_moving_variance",
  ]);
  const before = layer.kernelWeights.bn_moving_mean.read().clone();
  adapted.apply(x(), { training: true });
  assert.ok(maxAbsDiff(layer.kernelWeights.bn_moving_mean.read(), before) > 0);
  // round trip keeps kernel and options
  const dir = await Deno.makeTempDir();
  await saveModel(adapted, dir);
  const again = await loadModel(dir);
  const xs = x();
  assert.equal(maxAbsDiff(again.predict(xs) as tf.Tensor, adapted.predict(xs) as tf.Tensor), 0);
  await Deno.remove(dir, { recursive: true });
  assert.throws(() => adapt(base, { kernel: "rbf", kernelOptions: { sigma: 0 } }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /kernelOptions for kernel "rbf": sigma 0 must be > 0/);
    return true;
  });
  assert.throws(
    () => adapt(base, { kernel: "poly", kernelOptions: { degree: 1 } }),
    /degree 1 must be an integer >= 2/,
  );
  assert.throws(
    () => adapt(base, { kernel: "poly", kernelOptions: { degre: 3 } }),
    /unknown option "degre"/,
  );
});

Deno.test("a user's kernel plugin file registers a kernel that then trains", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/cubic_kernel.ts`;
  await Deno.writeTextFile(
    file,
    `import { register, tf } from "${new URL("../../core/mod.ts", import.meta.url).href}";\n` +
      `register("kernel", "cubic_test", {\n  name: "cubic_test",\n` +
      `  apply: (u, v) => tf.mul(tf.mul(u, v), tf.add(u, v)),\n});\n`,
  );
  await loadPlugins([file]);
  // no BatchNorm: tfjs runs it on batch statistics in training, which would blur the comparison
  const base = randomizeWeights(
    tf.sequential({
      layers: [
        tf.layers.conv2d({
          filters: 4,
          kernelSize: 3,
          inputShape: [16, 16, 3],
          activation: "relu",
        }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 5, activation: "softmax" }),
      ],
    }),
    7,
  );
  const adapted = adapt(base, { rank: 2, kernel: "cubic_test" });
  const xs = x();
  const ys = tf.oneHot(tf.tensor1d([1, 3], "int32"), 5);
  adapted.compile({ optimizer: tf.train.adam(0.02), loss: "categoricalCrossentropy" });
  const l0 = (adapted.evaluate(xs, ys, { batchSize: 2 }) as tf.Scalar).dataSync()[0];
  for (let i = 0; i < 5; i++) await adapted.trainOnBatch(xs, ys);
  const l1 = (adapted.evaluate(xs, ys, { batchSize: 2 }) as tf.Scalar).dataSync()[0];
  assert.ok(l1 < l0, `loss ${l0} -> ${l1}`);
  await Deno.remove(dir, { recursive: true });
});
