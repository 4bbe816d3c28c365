import assert from "node:assert/strict";
import { adapt, adaptedConv2d, type AdaptedConvSettings, tf } from "@quadranet/core";
import {
  blasTest,
  checkFiniteDifferences,
  fusedVsComposite,
  relErr,
  run,
} from "./fused_testing.ts";
import { BLAS_BACKEND } from "./mod.ts";

const seeded = (shape: number[], s: number) => tf.randomNormal(shape, 0, 1, "float32", s);

// [input, filter k, c, r, settings]: batch 1 odd size; stride 2 with odd size; valid 1×1 and 2×2.
const CASES: [number[], number, number, number, AdaptedConvSettings][] = [
  [[1, 5, 5, 3], 3, 4, 2, { scale: 0.5, strides: [1, 1], pad: "same" }],
  [[2, 7, 6, 3], 3, 5, 3, { scale: 1, strides: [2, 2], pad: "same" }],
  [[2, 4, 4, 2], 1, 3, 1, { scale: 2, strides: [2, 2], pad: "valid" }],
  [[3, 5, 4, 2], 2, 3, 2, { scale: 0.25, strides: [1, 1], pad: "valid" }],
];

for (const [xs, k, c, r, s] of CASES) {
  for (const withBias of [false, true]) {
    const what = `adaptedConv2d x [${xs}] ${k}×${k} c ${c} r ${r} ${s.pad} stride ${s.strides[0]}` +
      (withBias ? " + bias" : "");
    const make = () => {
      const cin = xs[3];
      return [
        seeded(xs, 1),
        seeded([k, k, cin, c], 2),
        seeded([k, k, cin, r], 3),
        seeded([k, k, cin, r], 4),
        seeded([r, c], 5),
        seeded([c], 6),
      ];
    };
    const loss = (t: tf.Tensor[], w: tf.Tensor) =>
      tf.sum(
        tf.mul(adaptedConv2d(t[0], t[1], t[2], t[3], t[4], s, withBias ? t[5] : undefined), w),
      ) as tf.Scalar;
    const n = withBias ? 6 : 5;
    blasTest(`${what}: fused equals composite, output and all gradients`, async () => {
      await fusedVsComposite(what, () => {
        const t = make();
        const y = adaptedConv2d(t[0], t[1], t[2], t[3], t[4], s, withBias ? t[5] : undefined);
        const w = seeded(y.shape, 7);
        return [y, ...tf.grads((...a: tf.Tensor[]) => loss(a, w))(t.slice(0, n))];
      }, 1e-5);
    });
    blasTest(`${what}: gradients match finite differences`, async () => {
      await tf.setBackend(BLAS_BACKEND);
      const t = make();
      const y = adaptedConv2d(t[0], t[1], t[2], t[3], t[4], s);
      const w = seeded(y.shape, 7);
      await checkFiniteDifferences(what, (a) => loss(a, w), t.slice(0, n), 1e-2);
    });
  }
}

blasTest(
  "an adapted ResNet-style training step uses QnAdaptedConv2D (W|U|V in one GEMM) for its 3×3 convs",
  async () => {
    await tf.setBackend(BLAS_BACKEND);
    try {
      const input = tf.input({ shape: [8, 8, 3] });
      const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same" }).apply(input);
      const base = tf.model({ inputs: input, outputs: conv as tf.SymbolicTensor });
      const m = adapt(base, { rank: 2 });
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      const x = seeded([2, 8, 8, 3], 8);
      const info = await tf.profile(() =>
        tf.dispose(
          tf.variableGrads(
            () => tf.sum(m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
            vars,
          ).grads,
        )
      );
      const names = info.kernels.map((k) => k.name);
      assert.ok(names.includes("QnAdaptedConv2D"), `kernels: ${names.join(", ")}`);
      assert.ok(
        !names.includes("SplitV"),
        `no split of the weight gradient expected: ${names.join(", ")}`,
      );
    } finally {
      await tf.setBackend("cpu");
    }
  },
);

blasTest(
  "adaptedConv2d with recompute (uv recomputed in the backward pass) equals the composite",
  async () => {
    const [xs, k, c, r, s] = CASES[1];
    await fusedVsComposite("adaptedConv2d recompute", () => {
      const t = [seeded(xs, 1), seeded([k, k, xs[3], c], 2), seeded([k, k, xs[3], r], 3)];
      t.push(seeded([k, k, xs[3], r], 4), seeded([r, c], 5));
      const rs = { ...s, recompute: true };
      const y = adaptedConv2d(t[0], t[1], t[2], t[3], t[4], rs);
      const w = seeded(y.shape, 7);
      const f = (...a: tf.Tensor[]) =>
        tf.sum(tf.mul(adaptedConv2d(a[0], a[1], a[2], a[3], a[4], rs), w));
      return [y, ...tf.grads(f)(t)];
    }, 1e-5);
  },
);

blasTest(
  "adapted model with backprop recompute on the fused path equals autodiff's composite",
  async () => {
    await import("@quadranet/memory-efficient");
    const step = (backprop: string) => () => {
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
      for (const w of m.weights) w.write(seeded(w.shape as number[], 30 + w.name.length));
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      const x = seeded([2, 6, 6, 3], 9);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
        vars,
      );
      return [value, ...vars.map((v) => grads[v.name])];
    };
    const fused = await run(BLAS_BACKEND, true, step("recompute"));
    const composite = await run("cpu", false, step("autodiff"));
    fused.forEach((d, i) => assert.ok(relErr(d, composite[i]) < 1e-4, `output ${i}`));
  },
);
