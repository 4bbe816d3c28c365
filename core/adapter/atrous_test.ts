import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { alignedConv, effectiveSize, planAxis, planGrid } from "./atrous.ts";
import { maxAbsDiff } from "../testing/assert_close.ts";

// Direct-loop reference: output (i, j) reads x[s·i − before + d·k] (zero outside).
function naiveConv(
  x: tf.Tensor4D,
  f: tf.Tensor4D,
  depthwise: boolean,
  s: number[],
  d: number[],
  before: number[],
  out: number[],
): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const [kh, kw, , m] = f.shape;
  const xv = x.arraySync();
  const fv = f.arraySync();
  const co = depthwise ? C * m : m;
  const y = new Float32Array(B * out[0] * out[1] * co);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < out[0]; i++) {
      for (let j = 0; j < out[1]; j++) {
        for (let a = 0; a < kh; a++) {
          for (let c2 = 0; c2 < kw; c2++) {
            const r = s[0] * i - before[0] + d[0] * a;
            const q = s[1] * j - before[1] + d[1] * c2;
            if (r < 0 || r >= H || q < 0 || q >= W) continue;
            for (let c = 0; c < C; c++) {
              for (let o = 0; o < m; o++) {
                const oc = depthwise ? c * m + o : o;
                y[((b * out[0] + i) * out[1] + j) * co + oc] += xv[b][r][q][c] * fv[a][c2][c][o];
              }
            }
          }
        }
      }
    }
  }
  return tf.tensor4d(y, [B, out[0], out[1], co]);
}

Deno.test("planAxis: matches TensorFlow's same/valid output sizes and padding", () => {
  assert.deepEqual(planAxis(10, 2, 3, "same", 3), { out: 5, before: 0, after: 1 });
  assert.deepEqual(planAxis(9, 1, 7, "same", 7), { out: 9, before: 3, after: 3 });
  assert.deepEqual(planAxis(10, 1, 7, "valid", 7), { out: 4, before: 0, after: 0 });
  // a 3-wide window centred on a 7-wide one starts 2 later
  assert.deepEqual(planAxis(10, 1, 7, "valid", 3), { out: 4, before: -2, after: -2 });
  assert.throws(() => planAxis(4, 1, 7, "valid", 7), /smaller than the kernel extent 7/);
});

const cases: [number, number, number, number, "same" | "valid", number][] = [
  // [H, k, dilation, stride, padding, primary extent]
  [9, 3, 2, 1, "same", 5],
  [10, 3, 3, 1, "valid", 7],
  [11, 3, 2, 2, "same", 5],
  [12, 3, 3, 3, "same", 7],
  [8, 2, 3, 1, "same", 4],
  [7, 1, 1, 2, "valid", 3],
  [13, 3, 3, 2, "valid", 3], // wider than the primary window: padded
];

Deno.test("alignedConv: equals a direct-loop conv for every stride, dilation and padding", () => {
  for (const [H, k, d, s, pad, pe] of cases) {
    for (const depthwise of [false, true]) {
      tf.tidy(() => {
        const x = tf.randomNormal([2, H, H + 1, 3], 0, 1, "float32", H) as tf.Tensor4D;
        const f = tf.randomNormal([k, k, 3, depthwise ? 2 : 4], 0, 1, "float32", k) as tf.Tensor4D;
        const eff = effectiveSize(k, d);
        const plan = planGrid([H, H + 1], {
          strides: [s, s],
          padding: pad,
          primaryKernel: [pe, pe],
        }, [eff, eff]);
        const y = alignedConv(x, f, depthwise ? "depthwise" : "conv", plan, [d, d]);
        const ref = naiveConv(x, f, depthwise, [s, s], [d, d], [plan.h.before, plan.w.before], [
          plan.h.out,
          plan.w.out,
        ]);
        assert.deepEqual(y.shape, ref.shape);
        const diff = maxAbsDiff(y, ref);
        assert.ok(diff < 1e-4, `H=${H} k=${k} d=${d} s=${s} ${pad} dw=${depthwise}: ${diff}`);
      });
    }
  }
});

Deno.test("alignedConv: filter gradient equals the direct-loop conv's (stride 2, dilation 3)", () => {
  tf.tidy(() => {
    const x = tf.randomNormal([1, 12, 12, 2], 0, 1, "float32", 1) as tf.Tensor4D;
    const f = tf.randomNormal([3, 3, 2, 3], 0, 1, "float32", 2) as tf.Tensor4D;
    const w = tf.randomNormal([1, 6, 6, 3], 0, 1, "float32", 3);
    const plan = planGrid([12, 12], { strides: [2, 2], padding: "same", primaryKernel: [7, 7] }, [
      7,
      7,
    ]);
    const g = tf.grad((ff: tf.Tensor) =>
      tf.sum(tf.mul(alignedConv(x, ff as tf.Tensor4D, "conv", plan, [3, 3]), w))
    )(f);
    // d/df of Σ w·conv(x, f) is linear in f: probe it with unit filters on the reference
    const gv = g.dataSync();
    const fShape = f.shape;
    for (const idx of [0, 7, 20, 53]) {
      const unit = tf.oneHot(idx, 54).reshape(fShape) as tf.Tensor4D;
      const ref = tf.sum(
        tf.mul(
          naiveConv(x, unit, false, [2, 2], [3, 3], [plan.h.before, plan.w.before], [6, 6]),
          w,
        ),
      );
      assert.ok(Math.abs(ref.dataSync()[0] - gv[idx]) < 1e-4, `grad[${idx}]`);
    }
  });
});
