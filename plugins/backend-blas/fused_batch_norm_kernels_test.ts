import assert from "node:assert/strict";
import {
  batchNormInference,
  batchNormTraining,
  FUSED,
  fusedOpsInstalled,
  tf,
} from "@quadranet/core";
import { batchNormHandCase, checkBatchNormHandCase } from "@quadranet/core/testing";
import { blasTest, checkFiniteDifferences, fusedVsComposite, run } from "./fused_testing.ts";
import { BLAS_BACKEND } from "./mod.ts";

const SETTINGS = { epsilon: 1e-3, momentum: 0.9 };
// Batch 1 with odd spatial size, rank 2, and an odd 4-D shape.
const SHAPES = [[1, 3, 5, 7], [6, 5], [3, 4, 2, 3]];
const seeded = (shape: number[], s: number, mean = 0, std = 1) =>
  tf.randomNormal(shape, mean, std, "float32", s);

/** Inputs of one BatchNorm case: x (shifted, scaled), γ, β, moving μ, σ², and loss weights. */
function inputs(shape: number[]) {
  const c = shape[shape.length - 1];
  return {
    x: seeded(shape, 1, 0.5, 2),
    gamma: seeded([c], 2, 1, 0.3),
    beta: seeded([c], 3),
    mm: seeded([c], 4),
    mv: tf.abs(seeded([c], 5, 1)),
    w: seeded(shape, 6), // L = Σ w ⊙ y, so that dL/dx is not trivially 0
  };
}

for (const shape of SHAPES) {
  blasTest(
    `fused BatchNorm (training) equals its composite, forward and gradients, [${shape}]`,
    async () => {
      await fusedVsComposite(`bn train [${shape}]`, () => {
        const { x, gamma, beta, mm, mv, w } = inputs(shape);
        const r = batchNormTraining(x, gamma, beta, mm, mv, SETTINGS);
        const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(batchNormTraining(a, g, b, mm, mv, SETTINGS).y, w))
        )([x, gamma, beta]);
        return [r.y, r.mean, r.variance, r.movingMean, r.movingVariance, ...grads];
      }, 2e-5);
    },
  );

  blasTest(
    `fused BatchNorm (training) gradients match finite differences, [${shape}]`,
    async () => {
      await tf.setBackend(BLAS_BACKEND);
      const { x, gamma, beta, mm, mv, w } = inputs(shape);
      // Also through the batch mean and variance outputs (dμ, dσ² paths of the kernel).
      const loss = ([a, g, b]: tf.Tensor[]) => {
        const r = batchNormTraining(a, g, b, mm, mv, SETTINGS);
        return tf.addN([
          tf.sum(tf.mul(r.y, w)),
          tf.sum(tf.mul(r.mean, 0.7)),
          tf.sum(tf.mul(r.variance, 0.3)),
        ]) as tf.Scalar;
      };
      await checkFiniteDifferences(`bn train [${shape}]`, loss, [x, gamma, beta], 2e-2);
    },
  );

  blasTest(
    `fused BatchNorm (inference/frozen) equals its composite and finite differences, [${shape}]`,
    async () => {
      await fusedVsComposite(`bn infer [${shape}]`, () => {
        const { x, gamma, beta, mm, mv, w } = inputs(shape);
        const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(batchNormInference(a, m, v, g, b, 1e-3), w));
        return [
          batchNormInference(x, mm, mv, gamma, beta, 1e-3),
          ...tf.grads(f)([x, mm, mv, gamma, beta]),
        ];
      }, 2e-5);
      await tf.setBackend(BLAS_BACKEND);
      const { x, gamma, beta, mm, mv, w } = inputs(shape);
      await checkFiniteDifferences(
        `bn infer [${shape}]`,
        ([a, m, v, g, b]) =>
          tf.sum(tf.mul(batchNormInference(a, m, v, g, b, 1e-3), w)) as tf.Scalar,
        [x, mm, mv, gamma, beta],
        2e-2,
      );
    },
  );
}

blasTest("fused BatchNorm: hand-worked batch statistics and moving update", async () => {
  checkBatchNormHandCase(await run(BLAS_BACKEND, true, batchNormHandCase));
});

for (const training of [true, false]) {
  blasTest(
    `tfjs-layers BatchNormalization runs the fused op (training ${training}): same outputs, grads, moving stats`,
    async () => {
      await fusedVsComposite(`layer training=${training}`, () => {
        const layer = tf.layers.batchNormalization({ momentum: 0.8, epsilon: 1e-3 });
        const x = seeded([2, 3, 3, 5], 11, 1, 2);
        layer.apply(x); // builds
        layer.setWeights([
          seeded([5], 12, 1),
          seeded([5], 13),
          seeded([5], 14),
          tf.abs(seeded([5], 15, 1)),
        ]);
        const w = seeded([2, 3, 3, 5], 16);
        const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.mul(layer.apply(x, { training }) as tf.Tensor, w)) as tf.Scalar,
          vars,
        );
        const dx = tf.grad((a: tf.Tensor) =>
          tf.sum(tf.mul(layer.apply(a, { training }) as tf.Tensor, w))
        )(x);
        // after two training calls the moving statistics moved twice (eval: not at all)
        return [...vars.map((v) => grads[v.name]), dx, ...layer.getWeights().slice(2)];
      }, 2e-5);
    },
  );
}

blasTest(
  "ReLU's one-kernel gradient equals tfjs' (zero, negative, positive, NaN inputs)",
  async () => {
    const [fused] = await run(BLAS_BACKEND, true, () => [
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(x), tf.tensor1d([2, 3, 4, 5, 6]))))(
        tf.tensor1d([-1, 0, 0.5, NaN, 3]),
      ),
    ]);
    // d/dx Σ w·relu(x) = w where x > 0, 0 where x ≤ 0, NaN where x is NaN
    assert.deepEqual(Array.from(fused), [0, 0, 4, NaN, 6]);
    await fusedVsComposite("relu grad", () => {
      const x = seeded([3, 5, 7], 40), w = seeded([3, 5, 7], 41);
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), w)))(x)];
    }, 0);
  },
);

blasTest(
  "registering blas installs the fused ops: a BatchNormalization layer and ReLU's gradient run the fused kernels",
  async () => {
    assert.equal(fusedOpsInstalled(), true); // registerBlasBackend() (fused_testing.ts) installed them
    await tf.setBackend(BLAS_BACKEND);
    try {
      const layer = tf.layers.batchNormalization();
      const x = tf.tensor2d([[1], [3]]);
      const train = await tf.profile(() => layer.apply(x, { training: true }) as tf.Tensor);
      assert.ok(train.kernelNames.includes(FUSED.batchNormTrain), `${train.kernelNames}`);
      const infer = await tf.profile(() => layer.apply(x) as tf.Tensor);
      assert.ok(infer.kernelNames.includes(FUSED.batchNormInfer), `${infer.kernelNames}`);
      const grad = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(x));
      assert.ok(grad.kernelNames.includes(FUSED.reluGrad), `${grad.kernelNames}`);
    } finally {
      await tf.setBackend("cpu");
    }
  },
);
