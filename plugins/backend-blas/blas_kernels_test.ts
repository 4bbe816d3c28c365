import assert from "node:assert/strict";
import { adapt, adapterLayers, tf } from "@quadranet/core";
import { randomizeWeights, sequentialCnn } from "@quadranet/core/testing";
import { blasTest } from "./fused_testing.ts";
import { BLAS_BACKEND } from "./mod.ts";

const test = blasTest;

const TOL = 1e-4; // relative to the largest magnitude of the cpu result (float32)

/** Runs `f` (or `reference`) on cpu and `f` on blas and compares every output. */
async function parity(
  what: string,
  f: () => tf.Tensor[],
  reference: () => tf.Tensor[] = f,
): Promise<void> {
  await tf.setBackend("cpu");
  const ref = tf.tidy(reference);
  const refData = ref.map((t) => ({ shape: t.shape, data: t.dataSync().slice() }));
  tf.dispose(ref);
  await tf.setBackend(BLAS_BACKEND);
  const got = tf.tidy(f);
  try {
    got.forEach((t, i) => {
      assert.deepEqual(t.shape, refData[i].shape, `${what}: output ${i} shape`);
      const d = t.dataSync(), r = refData[i].data;
      const scale = Math.max(1, ...r.map(Math.abs));
      let worst = 0;
      for (let j = 0; j < r.length; j++) worst = Math.max(worst, Math.abs(d[j] - r[j]));
      assert.ok(worst <= TOL * scale, `${what}: output ${i} differs by ${worst} (scale ${scale})`);
    });
  } finally {
    tf.dispose(got);
    await tf.setBackend("cpu");
  }
}

let seed = 1;
const rnd = (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", seed++);

test("blas BatchMatMul equals cpu: plain, transposed, batched and broadcast", async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[1, 1], [1, 1], false, false],
    [[3, 5], [5, 7], false, false],
    [[5, 3], [5, 7], true, false],
    [[3, 5], [7, 5], false, true],
    [[5, 3], [7, 5], true, true],
    [[4, 3, 5], [5, 2], false, false], // batch folded into M
    [[3, 5], [2, 5, 6], false, false],
    [[2, 5, 3], [2, 6, 5], true, true],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const a = rnd(sa), b = rnd(sb);
    await parity(`matMul ${sa}x${sb} tA=${ta} tB=${tb}`, () => [tf.matMul(a, b, ta, tb)]);
  }
});

test("blas BatchMatMul broadcasts batch dims like NumPy ([2,1]×[3] → [2,3])", async () => {
  // tfjs' cpu kernel indexes broadcast batches modulo their size, which is
  // wrong for [2,1]×[3]; the reference broadcasts the operands explicitly.
  const a = rnd([2, 1, 4, 3]), b = rnd([3, 3, 5]);
  await parity("matMul broadcast", () => [tf.matMul(a, b)], () => [
    tf.matMul(tf.broadcastTo(a, [2, 3, 4, 3]), tf.broadcastTo(b, [2, 3, 3, 5])),
  ]);
});

test("blas _FusedMatMul equals cpu with bias and activations", async () => {
  const a = rnd([6, 4]), b = rnd([4, 5]), bias = rnd([5]), alpha = rnd([5]);
  for (const activation of ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const) {
    await parity(`fused matMul ${activation}`, () => [
      tf.fused.matMul({ a, b, bias, activation, leakyreluAlpha: 0.3 }),
    ]);
  }
  await parity("fused matMul prelu", () => [
    tf.fused.matMul({ a, b, bias, activation: "prelu", preluActivationWeights: alpha }),
  ]);
  await parity("fused matMul scalar bias, transposed", () => [
    tf.fused.matMul({ a: b, b: a, transposeA: true, transposeB: true, bias: tf.scalar(0.5) }),
  ]);
});

type Pad = "valid" | "same" | [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];
const convCases: { x: number[]; w: number[]; s: number | [number, number]; p: Pad; d: number }[] = [
  { x: [1, 5, 5, 1], w: [1, 1, 1, 1], s: 1, p: "valid", d: 1 }, // batch 1, 1×1
  { x: [2, 7, 6, 3], w: [1, 1, 3, 4], s: 1, p: "same", d: 1 }, // pointwise fast path
  { x: [2, 9, 7, 5], w: [3, 3, 5, 6], s: [2, 1], p: "same", d: 1 },
  { x: [3, 11, 10, 4], w: [2, 2, 4, 3], s: 3, p: "valid", d: 1 }, // stride > kernel
  { x: [2, 8, 9, 17], w: [3, 3, 17, 5], s: 2, p: "same", d: 1 }, // odd, copy path
  { x: [1, 9, 9, 2], w: [3, 3, 2, 3], s: 1, p: [[0, 0], [1, 2], [2, 0], [0, 0]], d: 1 },
  { x: [1, 4, 4, 2], w: [1, 1, 2, 2], s: 2, p: "valid", d: 1 }, // strided 1×1
];

test("blas Conv2D and both gradients equal cpu across strides and paddings", async () => {
  for (const c of convCases) {
    const x = rnd(c.x) as tf.Tensor4D, w = rnd(c.w) as tf.Tensor4D;
    const dyShape = tf.conv2d(x, w, c.s, c.p).shape;
    const dy = rnd(dyShape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.p).mul(dy).sum()
    );
    await parity(`conv2d ${JSON.stringify(c)}`, () => [tf.conv2d(x, w, c.s, c.p), ...g([x, w])]);
  }
});

test("blas dilated Conv2D (dilation 2 and 3) equals cpu", async () => {
  for (const d of [2, 3]) {
    for (const p of ["valid", "same"] as const) {
      const x = rnd([2, 13, 12, 3]) as tf.Tensor4D, w = rnd([3, 3, 3, 4]) as tf.Tensor4D;
      await parity(`dilated conv d=${d} ${p}`, () => [tf.conv2d(x, w, 1, p, "NHWC", d)]);
    }
  }
});

test("blas FusedConv2D equals cpu with bias and activation", async () => {
  const x = rnd([2, 8, 8, 3]) as tf.Tensor4D, w = rnd([3, 3, 3, 4]) as tf.Tensor4D;
  const bias = rnd([4]);
  for (const activation of ["linear", "relu", "relu6", "sigmoid"] as const) {
    await parity(`fused conv ${activation}`, () => [
      tf.fused.conv2d({ x, filter: w, strides: 1, pad: "same", bias, activation, dilations: 2 }),
    ]);
  }
});

test("blas training step of a quadratic-adapted CNN equals cpu (loss and gradients)", async () => {
  await tf.setBackend("cpu");
  const adapted = adapt(randomizeWeights(sequentialCnn(), 7), { rank: 2 });
  for (const l of adapterLayers(adapted)) {
    for (const v of l.adapterWeights()) {
      v.write(tf.randomNormal(v.shape as number[], 0, 0.1, "float32", seed++));
    }
  }
  const [h, w, c] = adapted.inputs[0].shape.slice(1) as number[];
  const x = rnd([3, h, w, c]);
  const classes = adapted.outputs[0].shape[1] as number;
  const y = tf.oneHot(tf.tensor1d([0, 1, 2], "int32"), classes);
  const vars = adapted.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
  const step = () => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, adapted.apply(x, { training: true }) as tf.Tensor),
      vars,
    );
    return [value, ...vars.map((v) => grads[v.name])];
  };
  await parity("adapted CNN step", step);
  adapted.dispose();
});

test("blas broadcasting Add/Sub/Multiply/RealDiv equal cpu", async () => {
  const pairs: [number[], number[]][] = [
    [[2, 3, 4, 5], [2, 3, 4, 5]],
    [[2, 3, 4, 5], [5]],
    [[5], [2, 3, 4, 5]],
    [[1, 1, 1, 5], [2, 3, 4, 5]],
    [[2, 1, 4, 1], [2, 3, 4, 5]], // falls back (3 strided levels)
    [[2, 3, 1, 1], [1, 1, 4, 5]],
    [[2, 3, 4, 5], []],
    [[3, 1], [1, 4]],
  ];
  for (const [sa, sb] of pairs) {
    const a = rnd(sa), b = tf.add(tf.abs(rnd(sb)), 0.5);
    await parity(`binary ${sa} ∘ ${sb}`, () => [
      tf.add(a, b),
      tf.sub(a, b),
      tf.mul(a, b),
      tf.div(a, b),
    ]);
  }
});

test("blas Sum and Mean equal cpu over leading, trailing, middle and scattered axes", async () => {
  const x = rnd([3, 4, 5, 6]);
  for (const axis of [[0, 1, 2], [3], [1, 2], [0], [0, 2], [0, 1, 2, 3]]) {
    for (const keepDims of [false, true]) {
      await parity(`reduce ${axis} keepDims=${keepDims}`, () => [
        tf.sum(x, axis, keepDims),
        tf.mean(x, axis, keepDims),
      ]);
    }
  }
});

test("blas Slice, PadV2 and Tile equal cpu", async () => {
  const x = rnd([3, 5, 4, 2]);
  await parity("slice", () => [
    tf.slice(x, [1, 1, 0, 0], [2, 3, -1, 2]),
    tf.slice(x, [0, 2, 1, 1], [-1, 1, 2, 1]),
    tf.slice(x, [0, 0, 0, 0], [0, 5, 4, 2]),
  ]);
  await parity("pad", () => [
    tf.pad(x, [[0, 0], [1, 2], [3, 0], [0, 0]]),
    tf.pad(x, [[1, 0], [0, 0], [0, 0], [2, 1]], 1.5),
  ]);
  await parity("tile", () => [tf.tile(x, [1, 2, 1, 3]), tf.tile(x, [2, 1, 1, 1])]);
});

test("blas MaxPool and its gradient, Relu and Step equal cpu", async () => {
  for (
    const [shape, size, stride, pad] of [
      [[2, 8, 8, 3], 2, 2, "valid"],
      [[1, 7, 9, 2], 3, 2, "same"],
      [[2, 5, 5, 4], 3, 1, "same"],
    ] as const
  ) {
    const x = rnd([...shape]) as tf.Tensor4D;
    const dyShape = tf.maxPool(x, size, stride, pad).shape;
    const dy = rnd(dyShape);
    const g = tf.grad((a: tf.Tensor) =>
      tf.maxPool(a as tf.Tensor4D, size, stride, pad).mul(dy).sum()
    );
    await parity(
      `maxPool ${shape} ${size}/${stride} ${pad}`,
      () => [tf.maxPool(x, size, stride, pad), g(x)],
    );
  }
  const x = tf.tensor1d([-2, -0, 0, 0.5, 3, NaN]);
  const r = rnd([4, 5]);
  await parity("relu/step", () => [tf.relu(r), tf.step(r, 0.3)]);
  await tf.setBackend(BLAS_BACKEND);
  assert.deepEqual(Array.from(tf.relu(x).dataSync()), [0, -0, 0, 0.5, 3, NaN]); // as tfjs cpu
  assert.deepEqual(Array.from(tf.step(x, 0.25).dataSync()), [0.25, 0.25, 0.25, 1, 1, NaN]);
  await tf.setBackend("cpu");
});

test("blas depthwise conv and both gradients equal cpu (multiplier 1 and 2, strides, padding)", async () => {
  for (
    const [xs, ws, s, p] of [
      [[2, 9, 8, 3], [3, 3, 3, 1], 1, "same"],
      [[1, 10, 11, 4], [5, 5, 4, 2], 2, "same"],
      [[2, 7, 7, 2], [2, 2, 2, 3], 3, "valid"],
    ] as const
  ) {
    const x = rnd([...xs]) as tf.Tensor4D, w = rnd([...ws]) as tf.Tensor4D;
    const dy = rnd(tf.depthwiseConv2d(x, w, s, p).shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, p).mul(dy).sum()
    );
    await parity(
      `depthwise ${xs} ${ws} s${s} ${p}`,
      () => [tf.depthwiseConv2d(x, w, s, p), ...g([x, w])],
    );
  }
  const x = rnd([1, 11, 11, 2]) as tf.Tensor4D, w = rnd([3, 3, 2, 1]) as tf.Tensor4D;
  await parity("depthwise dilation 3", () => [tf.depthwiseConv2d(x, w, 1, "same", "NHWC", 3)]);
});
