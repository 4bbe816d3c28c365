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

// Inputs wide enough that the patch matrix is cut into several cache-sized
// row chunks (CHUNK_FLOATS / (k·k·cin) rows each), with chunk boundaries
// inside an image and inside an output row: the fused kernel and the plain
// conv kernels (forward, both gradients) against the composite on cpu.
const CHUNKED: [number[], number, number, AdaptedConvSettings][] = [
  [[1, 17, 15, 256], 3, 5, { scale: 0.5, strides: [1, 1], pad: "same" }], // 255 rows, 227 a chunk
  [[1, 43, 50, 256], 1, 4, { scale: 1, strides: [1, 1], pad: "valid" }], // pointwise: views of x
  [[2, 33, 31, 128], 3, 3, { scale: 2, strides: [2, 2], pad: "same" }],
];
for (const [xs, k, c, s] of CHUNKED) {
  const what = `chunked x [${xs}] ${k}×${k} stride ${s.strides[0]}`;
  blasTest(
    `${what}: adapted conv and plain conv (with gradients) equal the composite`,
    async () => {
      await fusedVsComposite(what, () => {
        const cin = xs[3], r = 2;
        const t = [
          seeded(xs, 11),
          seeded([k, k, cin, c], 12),
          seeded([k, k, cin, r], 13),
          seeded([k, k, cin, r], 14),
          seeded([r, c], 15),
        ];
        const inference = adaptedConv2d(t[0], t[1], t[2], t[3], t[4], s, seeded([c], 16));
        const w = seeded(inference.shape, 17);
        const adaptedGrads = tf.grads((...a: tf.Tensor[]) =>
          tf.sum(tf.mul(adaptedConv2d(a[0], a[1], a[2], a[3], a[4], s), w)) as tf.Scalar
        )(t);
        const convGrads = tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s.strides, s.pad), w))
        )([t[0], t[1]]);
        return [inference, ...adaptedGrads, ...convGrads];
      }, 1e-4);
    },
  );
}

blasTest(
  "the kernel's cached [W | U | V] follows U and V when they change (no stale filter)",
  async () => {
    const s: AdaptedConvSettings = { scale: 1, strides: [1, 1], pad: "same" };
    await fusedVsComposite("changing U, V", () => {
      const x = seeded([2, 6, 6, 3], 21), w = seeded([3, 3, 3, 4], 22), p = seeded([2, 4], 23);
      const u = tf.variable(seeded([3, 3, 3, 2], 24)), v = tf.variable(seeded([3, 3, 3, 2], 25));
      const first = adaptedConv2d(x, w, u, v, p, s);
      u.assign(seeded([3, 3, 3, 2], 26)); // W keeps its data id; U gets a new one
      const second = adaptedConv2d(x, w, u, v, p, s);
      v.assign(tf.neg(v));
      const third = adaptedConv2d(x, w, u, v, p, s);
      tf.dispose([u, v]);
      return [first, second, third];
    }, 1e-5);
  },
);
