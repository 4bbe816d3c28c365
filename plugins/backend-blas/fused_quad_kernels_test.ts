import { adapt, quadEpilogue, quadResidual, tf } from "@quadranet/core";
import { randomizeWeights, resnetShaped, sequentialCnn } from "../../core/testing/models.ts";
import { blasTest, checkFiniteDifferences, fusedVsComposite, run } from "./fused_testing.ts";
import assert from "node:assert/strict";
import { BLAS_BACKEND } from "./mod.ts";

const seeded = (shape: number[], s: number) => tf.randomNormal(shape, 0, 1, "float32", s);

// [rows..., 2r] with P [r, c]: one row, odd sizes, a 4-D conv output.
const CASES: [number[], number, number][] = [[[1, 2], 1, 1], [[7, 6], 3, 5], [[2, 3, 5, 8], 4, 9]];

for (const [lead, r, c] of CASES) {
  const uvShape = [...lead.slice(0, -1), 2 * r];
  blasTest(
    `fused quadratic epilogue equals its composite, uv [${uvShape}], P [${r}, ${c}]`,
    async () => {
      await fusedVsComposite(`epilogue [${uvShape}]`, () => {
        const uv = seeded(uvShape, 1), p = seeded([r, c], 2);
        const w = seeded([...uvShape.slice(0, -1), c], 3);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(quadEpilogue(a, b, 0.75), w));
        return [quadEpilogue(uv, p, 0.75), ...tf.grads(f)([uv, p])];
      }, 1e-5);
    },
  );

  blasTest(
    `fused quadratic epilogue gradients match finite differences, uv [${uvShape}]`,
    async () => {
      await tf.setBackend(BLAS_BACKEND);
      const w = seeded([...uvShape.slice(0, -1), c], 3);
      await checkFiniteDifferences(
        `epilogue [${uvShape}]`,
        ([a, b]) => tf.sum(tf.mul(quadEpilogue(a, b, 0.75), w)) as tf.Scalar,
        [seeded(uvShape, 1), seeded([r, c], 2)],
        1e-2,
      );
    },
  );
}

blasTest("fused quadratic epilogue: hand-worked value", async () => {
  // u = [1, 2], v = [3, 4]: u ⊙ v = [3, 8]; P = [[1], [1]]: 11; s = 0.5 → 5.5
  const [y] = await run(BLAS_BACKEND, true, () => [
    quadEpilogue(tf.tensor2d([[1, 2, 3, 4]]), tf.tensor2d([[1], [1]]), 0.5),
  ]);
  assert.equal(y[0], 5.5);
});

/** Outputs and every trainable gradient of an adapted model with random (non-zero) P. */
function adaptedStep(base: () => tf.LayersModel, batch: number, training: boolean) {
  return () => {
    const m = randomizeWeights(adapt(base(), { rank: 3 }), 7);
    // small enough that the softmax head does not saturate (its gradients would vanish)
    for (const w of m.weights) w.write(tf.mul(w.read(), 0.2));
    const shape = [batch, ...(m.inputs[0].shape.slice(1) as number[])];
    const x = seeded(shape, 8);
    const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
    const out = m.apply(x, { training }) as tf.Tensor;
    const w = seeded(out.shape, 9);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(m.apply(x, { training }) as tf.Tensor, w)) as tf.Scalar,
      vars,
    );
    return [out, ...vars.map((v) => grads[v.name])];
  };
}

for (const batch of [1, 3]) {
  blasTest(
    `adapted CNN (dilated, strided, valid convs, dense), batch ${batch}: fused U|V projection + epilogue equals the composite`,
    async () => {
      await fusedVsComposite(`seq cnn b${batch}`, adaptedStep(sequentialCnn, batch, false), 1e-4);
    },
  );
}

for (const training of [true, false]) {
  blasTest(
    `adapted ResNet-shaped model with BatchNorm (training ${training}): fused equals composite`,
    async () => {
      await fusedVsComposite(
        `resnet training=${training}`,
        adaptedStep(resnetShaped, 2, training),
        1e-4,
      );
    },
  );
}

for (const bias of [false, true]) {
  blasTest(
    `fused residual epilogue (inference) equals its composite and finite differences, bias ${bias}`,
    async () => {
      const make = () => ({
        y: seeded([2, 3, 5, 7 + 2 * 3], 21),
        p: seeded([3, 7], 22),
        b: seeded([7], 23),
        w: seeded([2, 3, 5, 7], 24),
      });
      await fusedVsComposite(`residual bias=${bias}`, () => {
        const { y, p, b, w } = make();
        const f = (a: tf.Tensor, q: tf.Tensor, c?: tf.Tensor) =>
          tf.sum(tf.mul(quadResidual(a, q, 0.5, c), w));
        return [
          quadResidual(y, p, 0.5, bias ? b : undefined),
          ...tf.grads(f)(bias ? [y, p, b] : [y, p]),
        ];
      }, 1e-5);
      await tf.setBackend(BLAS_BACKEND);
      const { y, p, b, w } = make();
      await checkFiniteDifferences(
        `residual bias=${bias}`,
        ([a, q, c]) => tf.sum(tf.mul(quadResidual(a, q, 0.5, c), w)) as tf.Scalar,
        bias ? [y, p, b] : [y, p],
        1e-2,
      );
    },
  );
}

for (
  const [name, base] of [["sequential CNN", sequentialCnn], [
    "ResNet-shaped",
    resnetShaped,
  ]] as const
) {
  blasTest(
    `adapted ${name} inference through the fused path (W|U|V in one GEMM) equals the composite`,
    async () => {
      const f = () => {
        const m = randomizeWeights(adapt(base(), { rank: 3 }), 7);
        for (const w of m.weights) w.write(tf.mul(w.read(), 0.2));
        const x = seeded([3, ...(m.inputs[0].shape.slice(1) as number[])], 8);
        return [m.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor]; // second call: cached filter
      };
      await fusedVsComposite(`${name} predict`, f, 1e-4);
      // and the fused path was taken for some layers
      await tf.setBackend(BLAS_BACKEND);
      const m = adapt(base(), { rank: 3 });
      const x = seeded([1, ...(m.inputs[0].shape.slice(1) as number[])], 8);
      const info = await tf.profile(() => (m.predict(x) as tf.Tensor).dispose());
      assert.ok(
        info.kernels.some((k) => k.name === "QnQuadResidual"),
        "no QnQuadResidual kernel ran",
      );
      await tf.setBackend("cpu");
    },
  );
}
