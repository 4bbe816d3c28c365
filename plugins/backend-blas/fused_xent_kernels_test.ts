import assert from "node:assert/strict";
import { softmaxCrossEntropy, tf } from "@quadranet/core";
import { blasTest, checkFiniteDifferences, fusedVsComposite, run } from "./fused_testing.ts";
import { BLAS_BACKEND } from "./mod.ts";

const onehot = (labels: number[], c: number) =>
  tf.oneHot(tf.tensor1d(labels, "int32"), c).toFloat();

for (const [b, c] of [[1, 3], [5, 7]]) {
  for (const ls of [0, 0.1]) {
    blasTest(
      `fused softmax cross-entropy equals tf.losses', batch ${b}, ${c} classes, smoothing ${ls}`,
      async () => {
        await fusedVsComposite(`xent ${b}x${c} ls=${ls}`, () => {
          const y = onehot(Array.from({ length: b }, (_, i) => (3 * i) % c), c);
          const z = tf.mul(tf.randomNormal([b, c], 0, 1, "float32", b + c), 3);
          const loss = softmaxCrossEntropy(y, z, ls);
          const dz = tf.grad((t: tf.Tensor) => softmaxCrossEntropy(y, t, ls))(z);
          return [loss, dz];
        }, 1e-5);
        await tf.setBackend(BLAS_BACKEND);
        const y = onehot(Array.from({ length: b }, (_, i) => (3 * i) % c), c);
        await checkFiniteDifferences(
          `xent ${b}x${c}`,
          ([z]) => softmaxCrossEntropy(y, z, ls),
          [tf.randomNormal([b, c], 0, 1, "float32", 3)],
          1e-2,
          c,
        );
        // w.r.t. the labels too (tf.losses' own label gradient is not −log softmax, so no parity)
        const z = tf.randomNormal([b, c], 0, 1, "float32", 4);
        await checkFiniteDifferences(
          `xent labels ${b}x${c}`,
          ([t]) => softmaxCrossEntropy(t, z, ls),
          [
            tf.softmax(tf.randomNormal([b, c], 0, 1, "float32", 5)),
          ],
          1e-2,
          c,
        );
      },
    );
  }
}

blasTest("fused softmax cross-entropy: hand-worked values", async () => {
  // equal logits over 2 classes: −log ½ = ln 2, with or without smoothing;
  // logits [0, ln 3], label 1: p = [¼, ¾]; ls = 0.2 → t = [0.1, 0.9]:
  // 0.1·ln 4 + 0.9·ln(4/3) = 0.39754; d/dz = p − t = [0.15, −0.15]
  const [a, b, db] = await run(BLAS_BACKEND, true, () => {
    const z = tf.tensor2d([[0, Math.log(3)]]), y = tf.tensor2d([[0, 1]]);
    return [
      softmaxCrossEntropy(tf.tensor2d([[1, 0]]), tf.zeros([1, 2])),
      softmaxCrossEntropy(y, z, 0.2),
      tf.grad((t: tf.Tensor) => softmaxCrossEntropy(y, t, 0.2))(z),
    ];
  });
  assert.ok(Math.abs(a[0] - Math.LN2) < 1e-6, `${a[0]}`);
  assert.ok(Math.abs(b[0] - (0.1 * Math.log(4) + 0.9 * Math.log(4 / 3))) < 1e-6, `${b[0]}`);
  assert.ok(Math.abs(db[0] - 0.15) < 1e-6 && Math.abs(db[1] + 0.15) < 1e-6, `${db}`);
});
