/**
 * Plans checked by executing them: a JS walk with the same index arithmetic
 * the CUDA kernels use (or cuBLAS' column-major definition) must reproduce
 * tfjs' cpu results exactly (integers) or to float rounding.
 */
import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import {
  broadcastPlan,
  coalesce,
  cudnnConvPadding,
  gemmPlan,
  reducePlan,
  transposePlan,
} from "./planning.ts";

/** Offset of linear output index `i` along coalesced `dims` for one operand's strides (the kernels' loop). */
function offsetOf(i: number, dims: number[], strides: number[]): number {
  let off = 0;
  for (let d = dims.length - 1; d >= 0; d--) {
    off += (i % dims[d]) * strides[d];
    i = Math.floor(i / dims[d]);
  }
  return off;
}

const iota = (shape: number[], start = 0) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => start + i);

Deno.test("coalesce() merges contiguous runs and drops size-1 dimensions", () => {
  assert.deepEqual(coalesce([2, 3, 4], [[12, 4, 1]]), { dims: [24], strides: [[1]] });
  assert.deepEqual(coalesce([2, 3, 4], [[12, 4, 1], [0, 0, 1]]), {
    dims: [6, 4],
    strides: [[4, 1], [0, 1]],
  });
  assert.deepEqual(coalesce([1, 1], [[1, 1]]), { dims: [1], strides: [[0]] });
});

const SHAPES: [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]],
  [[2, 3, 4], [4]],
  [[4, 1, 3], [5, 1]],
  [[1], [3, 2]],
  [[2, 1, 4, 1], [1, 3, 1, 5]],
  [[8, 6, 6, 16], [16]], // NHWC bias / BatchNorm scale
  [[8, 6, 6, 16], [8, 1, 1, 16]], // per-image, per-channel
  [[], [3]],
];

Deno.test("broadcastPlan(): the kernel's index walk reproduces tf.add on every edge shape", async () => {
  for (const [sa, sb] of SHAPES) {
    const a = iota(sa), b = iota(sb, 1000);
    const p = broadcastPlan(sa, sb);
    const n = p.outShape.reduce((x, y) => x * y, 1);
    const got = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      got[i] = a[offsetOf(i, p.dims, p.strides[0])] + b[offsetOf(i, p.dims, p.strides[1])];
    }
    const want = tf.add(tf.tensor(a, sa), tf.tensor(b, sb));
    assert.deepEqual(p.outShape, want.shape, `${sa} + ${sb}`);
    assert.deepEqual(Array.from(got), Array.from(await want.data()), `${sa} + ${sb}`);
    want.dispose();
  }
  assert.throws(() => broadcastPlan([2, 3], [4, 3]), /\[2,3\] and \[4,3\] cannot be broadcast/);
});

Deno.test("reducePlan() + transposePlan(): sums over any axes match tf.sum", async () => {
  const cases: [number[], number[], boolean][] = [
    [[2, 3, 4], [2], false],
    [[2, 3, 4], [0], false],
    [[2, 3, 4], [0, 2], true],
    [[4, 5, 5, 3], [1, 2], false], // global average pooling's sum
    [[4, 5, 5, 3], [0, 1, 2], false], // BatchNorm statistics
    [[6], [-1], false],
  ];
  for (const [shape, axes, keep] of cases) {
    const x = iota(shape);
    const p = reducePlan(shape, axes, keep);
    let rows = x;
    if (p.perm) {
      const t = transposePlan(shape, p.perm);
      rows = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) rows[i] = x[offsetOf(i, t.dims, [t.inStrides].flat())];
    }
    const got = new Float32Array(p.outer);
    for (let r = 0; r < p.outer; r++) {
      for (let j = 0; j < p.inner; j++) got[r] += rows[r * p.inner + j];
    }
    const want = tf.sum(tf.tensor(x, shape), axes, keep);
    assert.deepEqual(p.outShape, want.shape, `${shape} over ${axes}`);
    assert.deepEqual(Array.from(got), Array.from(await want.data()), `${shape} over ${axes}`);
  }
  assert.throws(() => reducePlan([2, 3], [2]), /axis 2 is out of range for rank 2/);
});

Deno.test("transposePlan() walks the input like tf.transpose (HWIO → OHWI filters for cuDNN)", async () => {
  for (
    const [shape, perm] of [[[3, 3, 4, 8], [3, 0, 1, 2]], [[2, 3], [1, 0]], [[2, 3, 4], [
      0,
      2,
      1,
    ]]] as const
  ) {
    const x = iota([...shape]);
    const t = transposePlan(shape, perm);
    const got = Float32Array.from(
      { length: x.length },
      (_, i) => x[offsetOf(i, t.dims, t.inStrides)],
    );
    const want = tf.transpose(tf.tensor(x, [...shape]), [...perm]);
    assert.deepEqual(t.outShape, want.shape);
    assert.deepEqual(Array.from(got), Array.from(await want.data()));
  }
  assert.throws(() => transposePlan([2, 3], [0, 0]), /not a permutation/);
});

/** cuBLAS' definition: column-major C = alpha·op(A)·op(B) + beta·C, strided batches. */
function sgemmStridedBatchedRef(
  c: ReturnType<typeof gemmPlan>,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
) {
  for (let b = 0; b < c.batch; b++) {
    const a0 = b * c.strideA, b0 = b * c.strideB, c0 = b * c.strideC;
    for (let i = 0; i < c.m; i++) {
      for (let j = 0; j < c.n; j++) {
        let s = 0;
        for (let l = 0; l < c.k; l++) {
          const av = c.transa ? A[a0 + l + i * c.lda] : A[a0 + i + l * c.lda];
          const bv = c.transb ? B[b0 + j + l * c.ldb] : B[b0 + l + j * c.ldb];
          s += av * bv;
        }
        C[c0 + i + j * c.ldc] = s;
      }
    }
  }
}

Deno.test("gemmPlan(): cuBLAS' column-major call with swapped operands equals tf.matMul (all transposes, broadcast batch)", async () => {
  const M = 3, N = 5, K = 4;
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const [batchA, batchB] of [[1, 1], [3, 3], [1, 3], [3, 1]]) {
      const sa = ta ? [batchA, K, M] : [batchA, M, K], sb = tb ? [batchB, N, K] : [batchB, K, N];
      const a = iota(sa).map((v) => (v % 7) - 3), b = iota(sb).map((v) => (v % 5) - 2);
      const plan = gemmPlan({ batchA, batchB, m: M, n: N, k: K, transposeA: ta, transposeB: tb });
      const out = new Float32Array(plan.batch * M * N);
      sgemmStridedBatchedRef(plan, b, a, out); // first = "b": our B is cuBLAS' A
      const want = tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb);
      assert.deepEqual(
        Array.from(out),
        Array.from(await want.data()),
        `ta=${ta} tb=${tb} ${batchA}/${batchB}`,
      );
    }
  }
});

Deno.test("cudnnConvPadding(): explicit extra + symmetric pad equals tfjs' asymmetric 'same' (stride 2, even input)", async () => {
  const x = tf.randomNormal([2, 8, 6, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 2) as tf.Tensor4D;
  for (const [stride, dil] of [[2, 1], [1, 1], [1, 2], [2, 1]]) {
    const info = tf.backend_util.computeConv2DInfo(x.shape, w.shape, stride, dil, "same");
    const p = cudnnConvPadding(info.padInfo);
    if (stride === 2) assert.deepEqual([p.extraBottom, p.extraRight], [1, 1]);
    const padded = tf.pad(x, [[0, 0], [0, p.extraBottom], [0, p.extraRight], [0, 0]]);
    const got = tf.conv2d(
      padded,
      w,
      stride,
      [[0, 0], [p.padH, p.padH], [p.padW, p.padW], [0, 0]],
      "NHWC",
      dil,
    );
    const want = tf.conv2d(x, w, stride, "same", "NHWC", dil);
    assert.deepEqual(got.shape, want.shape);
    const diff = (await tf.max(tf.abs(tf.sub(got, want))).data())[0];
    assert.ok(diff < 1e-5, `stride ${stride} dilation ${dil}: max |Δ| ${diff}`);
  }
});
