import assert from "node:assert/strict";
import { adapt, FUSED, tf } from "@quadranet/core";
import { blasTest } from "./fused_testing.ts";
import { BLAS_BACKEND } from "./mod.ts";

const seeded = (shape: number[], s: number) => tf.randomNormal(shape, 0, 1, "float32", s);

blasTest("QnAdaptedConv2DRecompute returns QnAdaptedConv2D's y alone", async () => {
  await tf.setBackend(BLAS_BACKEND);
  try {
    const inputs = {
      x: seeded([2, 5, 5, 3], 1),
      w: seeded([3, 3, 3, 4], 2),
      u: seeded([3, 3, 3, 2], 3),
      v: seeded([3, 3, 3, 2], 4),
      p: seeded([2, 4], 5),
    };
    const attrs = { scale: 0.5, strides: [1, 1], pad: "same" };
    const run = (name: string) =>
      tf.engine().runKernel(name, inputs as never, attrs as never) as tf.Tensor | tf.Tensor[];
    const both = run(FUSED.adaptedConv2d) as tf.Tensor[];
    const alone = run(FUSED.adaptedConv2dRecompute);
    assert.ok(!Array.isArray(alone), "one output");
    assert.deepEqual(alone.shape, [2, 5, 5, 4]);
    assert.deepEqual(Array.from(alone.dataSync()), Array.from(both[0].dataSync()));
  } finally {
    await tf.setBackend("cpu");
  }
});

blasTest(
  "recompute's adapted Conv2D step peaks below autodiff's by the uv tensors it does not keep",
  async () => {
    await import("@quadranet/memory-efficient");
    await tf.setBackend(BLAS_BACKEND);
    try {
      const peak = async (backprop: string) => {
        const input = tf.input({ shape: [6, 6, 3] });
        const c1 = tf.layers.conv2d({
          filters: 4,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
        });
        const c2 = tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: "same" });
        const base = tf.model({
          inputs: input,
          outputs: c2.apply(c1.apply(input)) as tf.SymbolicTensor,
        });
        const m = adapt(base, { rank: 2, backprop });
        const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
        const x = seeded([2, 6, 6, 3], 9);
        const before = tf.memory().numBytes;
        const info = await tf.profile(() =>
          tf.dispose(
            tf.variableGrads(
              () => tf.sum(m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
              vars,
            ).grads,
          )
        );
        tf.dispose(x);
        return info.peakBytes - before;
      };
      const a = await peak("autodiff"), r = await peak("recompute");
      // At the first layer's epilogue backward (the last layer processed) autodiff holds both
      // layers' saved uv = [Ux | Vx] ([2, 6, 6, 4] = 1,152 B and [2, 3, 3, 4] = 288 B) and tfjs'
      // zero gradients for those unused outputs (as much again): 2,880 B; recompute holds its
      // recomputed uv (1,152 B) and the U|V filter it was computed with ([3, 3, 3, 4], 432 B):
      // 1,296 B less. Autodiff peaks one kernel later, at the U|V filter gradient (+432 B);
      // recompute peaks at the epilogue (it frees uv before that GEMM): 1,296 + 432 = 1,728 B.
      assert.equal(a - r, 1_728, `autodiff peak ${a} B, recompute ${r} B`);
    } finally {
      await tf.setBackend("cpu");
    }
  },
);
