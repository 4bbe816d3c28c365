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
        // conv 3×3 → 4 (relu), conv 3×3 stride 2 → 3, both adapted at rank 2
        const base = tf.sequential({
          layers: [
            tf.layers.conv2d({
              inputShape: [6, 6, 3],
              filters: 4,
              kernelSize: 3,
              padding: "same",
              activation: "relu",
            }),
            tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: "same" }),
          ],
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
      // Recompute peaks at the end of the backward pass, where autodiff holds 2,880 B more: both
      // layers' saved uv = [Ux | Vx] ([2, 6, 6, 4] = 1,152 B and [2, 3, 3, 4] = 288 B) and tfjs'
      // zero gradients for those unused outputs (as much again). Autodiff peaks earlier, at the
      // first layer's U|V filter gradient, while its d(uv) ([2, 6, 6, 4], 1,152 B) is alive and
      // before the U and V gradient slices (2 × 216 B) exist: 2,880 + 1,152 − 432 = 3,600 B.
      assert.equal(a - r, 3_600, `autodiff peak ${a} B, recompute ${r} B`);
    } finally {
      await tf.setBackend("cpu");
    }
  },
);
