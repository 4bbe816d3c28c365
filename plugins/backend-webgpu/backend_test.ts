/**
 * tfjs-backend-webgpu against tfjs' cpu backend on the same inputs: a handful
 * of ops, then one training step (loss and every gradient) of a small adapted
 * CNN. Everything is read back with `await data()` (Deno cannot dataSync a
 * GPU tensor). Skipped, with one line, where there is no adapter.
 *
 * Every test that touches WebGPU (adapter or device) lives in this one
 * module: with WebGPU used from two test modules in one `deno test`
 * process, Deno 2.5.6 on Mesa llvmpipe intermittently crashed (segfault /
 * "corrupted size vs. prev_size"; 4 runs in 15).
 *
 * Tolerances: float32 on both sides, different summation orders (tiled GPU
 * matmul vs the cpu's loops). Op outputs agree to 2e-4 of their largest
 * magnitude; the training step's loss to 1e-4 absolute and each gradient to
 * 1e-3 of its largest entry (gradients pass through ~10 layers of products).
 */
import assert from "node:assert/strict";
import { adapt, selectBackend, tf, trainLoop } from "@quadranet/core";
import {
  adaptedCnnStep,
  assertMatchesCpu,
  assertStepMatchesCpu,
  availableForTests,
  seededTensor as seeded,
  tinyCnn,
  tinyData,
  tinyTrainOptions,
} from "@quadranet/core/testing";
import { probeWebGpu } from "./adapter.ts";
import "./mod.ts";

const gpu = await availableForTests("webgpu", "QUADRANET_REQUIRE_WEBGPU", probeWebGpu);

Deno.test({
  name: "probeWebGpu() finds an adapter and names it",
  ignore: !gpu.ok,
  fn() {
    if (!gpu.ok) return;
    assert.ok(gpu.value.description.length > 0);
    // The adapter takes real limits (tfjs-backend-webgpu requests these maxima).
    assert.ok(gpu.value.adapter.limits.maxStorageBufferBindingSize >= 1 << 27);
  },
});

const OPS: Record<string, () => tf.Tensor[]> = {
  "matMul 37×53·53×29 (odd sizes)": () => [tf.matMul(seeded([37, 53], 1), seeded([53, 29], 2))],
  "conv2d 3×3 same, stride 2, dilation 1 and 2": () => {
    const x = seeded([2, 9, 9, 5], 3) as tf.Tensor4D, w = seeded([3, 3, 5, 7], 4) as tf.Tensor4D;
    return [tf.conv2d(x, w, 2, "same"), tf.conv2d(x, w, 1, "same", "NHWC", 2)];
  },
  "depthwiseConv2d 3×3 multiplier 2": () => [
    tf.depthwiseConv2d(
      seeded([2, 8, 8, 3], 5) as tf.Tensor4D,
      seeded([3, 3, 3, 2], 6) as tf.Tensor4D,
      1,
      "same",
    ),
  ],
  "conv2d gradients (input and filter)": () => {
    const x = seeded([2, 7, 7, 4], 7) as tf.Tensor4D, w = seeded([3, 3, 4, 6], 8) as tf.Tensor4D;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same")))
    );
    return g([x, w]);
  },
  "batchNorm, relu, maxPool, avgPool, mean, softmax": () => {
    const x = seeded([2, 6, 6, 4], 9) as tf.Tensor4D;
    const bn = tf.batchNorm(
      x,
      seeded([4], 10).abs(),
      seeded([4], 11).abs().add(0.5),
      seeded([4], 12),
      seeded([4], 13),
      1e-3,
    );
    return [
      tf.relu(bn),
      tf.maxPool(x, 2, 2, "valid"),
      tf.avgPool(x, 3, 1, "same"),
      tf.mean(x, [1, 2]),
      tf.softmax(seeded([5, 10], 14)),
    ];
  },
};

for (const [name, f] of Object.entries(OPS)) {
  Deno.test({
    name: `webgpu matches cpu: ${name}`,
    ignore: !gpu.ok,
    fn: () => assertMatchesCpu("webgpu", f, 2e-4, name),
  });
}

Deno.test({
  name: "webgpu matches cpu: one training step of an adapted CNN (loss and every gradient)",
  ignore: !gpu.ok,
  async fn() {
    const step = await adaptedCnnStep(seeded);
    assert.ok(step.vars.length >= 10, `${step.vars.length} trainable variables`);
    await assertStepMatchesCpu("webgpu", step, { lossTol: 1e-4, gradTol: 1e-3 });
  },
});

Deno.test({
  name: "trainLoop on webgpu (reads, evaluation, checkpoint) follows the cpu run's losses",
  ignore: !gpu.ok,
  async fn() {
    const run = async (backend: string) => {
      await tf.setBackend("cpu");
      const { train, test } = tinyData(48, 1);
      const model = adapt(tinyCnn(1), { rank: 2, seed: 1 });
      const losses: number[] = [];
      const dir = await Deno.makeTempDir();
      await selectBackend(backend, { quiet: true });
      const r = await trainLoop(tinyTrainOptions(model, train, test, 2, {
        logEvery: 1,
        // clipNorm sums 10 squared-gradient norms with addN: the case that was silently
        // wrong before the chunked AddN (losses drifted 1% from the second step on).
        clipNorm: 1,
        checkpointDir: dir,
        stages: [{ name: "q", train: ["quadratic", "head", "norm"], epochs: 2 }],
        hooks: { onLog: (e) => void (!e.eval && losses.push(e.loss)) },
      }));
      const saved = [...Deno.readDirSync(dir)].length;
      await Deno.remove(dir, { recursive: true });
      await tf.setBackend("cpu");
      return { losses, final: r.final!, saved };
    };
    const want = await run("cpu");
    const got = await run("webgpu");
    assert.equal(got.losses.length, 6); // 48 examples / batch 16 × 2 epochs
    got.losses.forEach((l, i) => assert.ok(Math.abs(l - want.losses[i]) < 1e-3, `step ${i}: ${l}`));
    assert.ok(Math.abs(got.final.loss - want.final.loss) < 1e-3, `eval loss ${got.final.loss}`);
    assert.ok(got.saved > 0, "a checkpoint was written from GPU tensors");
  },
});

Deno.test({
  name: "addN on webgpu is right beyond the storage-buffer limit (8, 33 and 70 inputs)",
  ignore: !gpu.ok,
  async fn() {
    await selectBackend("webgpu", { quiet: true });
    try {
      for (const n of [8, 33, 70]) {
        // inputs i+1 (shape [3]); the sum of each entry is n(n+1)/2
        const xs = Array.from({ length: n }, (_, i) => tf.fill([3], i + 1));
        const before = tf.memory().numTensors;
        const sum = tf.addN(xs);
        assert.deepEqual(Array.from(await sum.data()), new Array(3).fill((n * (n + 1)) / 2));
        assert.equal(tf.memory().numTensors, before + 1, "partial sums are freed");
        tf.dispose([sum, ...xs]);
      }
    } finally {
      await tf.setBackend("cpu");
    }
  },
});

Deno.test({
  name: "automatic selection declines a software adapter and says why",
  ignore: !gpu.ok || (gpu.ok && !gpu.value.software),
  async fn() {
    const chosen = await selectBackend("auto", { quiet: true });
    assert.equal(chosen.name, "cpu");
    const why = chosen.skipped.find((s) => s.name === "webgpu")?.reason ?? "";
    assert.match(why, /only a software adapter \(llvmpipe|software adapter/);
  },
});
