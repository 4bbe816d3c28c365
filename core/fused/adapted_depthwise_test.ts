import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { setFusedOps } from "./fused_ops.ts";
import { adaptedDepthwiseConv2d } from "./adapted_depthwise.ts";

// x = 1..9 on a 3×3 grid, one channel; W = 3×3 ones; U = [[2]], V = [[3]] (1×1, centred on
// W's window), P = [[[1]]], s = 0.5, "same" padding:
//   centre: lin = 1+…+9 = 45, s·(2·5)(3·5) = 75  → 120
//   corner (0,0): lin = 1+2+4+5 = 12, s·(2·1)(3·1) = 3 → 15
//   edge (0,1): lin = 1+2+3+4+5+6 = 21, s·(2·2)(3·2) = 12 → 33
// and for L = Σ y: dL/dP = s·Σ (2x)(3x) = 0.5·6·(1² + … + 9²) = 3·285 = 855.
Deno.test("adaptedDepthwiseConv2d's composite on a hand-worked 3×3 example", () => {
  setFusedOps(false);
  try {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const y = adaptedDepthwiseConv2d(
      x,
      tf.ones([3, 3, 1, 1]),
      tf.fill([1, 1, 1, 1], 2),
      tf.fill([1, 1, 1, 1], 3),
      tf.ones([1, 1, 1]),
      { scale: 0.5, strides: [1, 1], pad: "same" },
    );
    assert.deepEqual(y.shape, [1, 3, 3, 1]);
    const d = y.dataSync();
    assert.equal(d[4], 120);
    assert.equal(d[0], 15);
    assert.equal(d[1], 33);
    const dp = tf.grad((p: tf.Tensor) =>
      tf.sum(
        adaptedDepthwiseConv2d(
          x,
          tf.ones([3, 3, 1, 1]),
          tf.fill([1, 1, 1, 1], 2),
          tf.fill([1, 1, 1, 1], 3),
          p,
          { scale: 0.5, strides: [1, 1], pad: "same" },
        ),
      )
    )(tf.ones([1, 1, 1]));
    assert.equal(dp.dataSync()[0], 855);
  } finally {
    setFusedOps(true);
  }
});

Deno.test("adaptedDepthwiseConv2d: P of the wrong shape is named with what was expected", () => {
  const x = tf.ones([1, 4, 4, 2]), w = tf.ones([3, 3, 2, 1]), u = tf.ones([3, 3, 2, 2]);
  assert.throws(
    () =>
      adaptedDepthwiseConv2d(x, w, u, u, tf.ones([2, 3, 1]), {
        scale: 1,
        strides: [1, 1],
        pad: "same",
      }),
    /P \[c, r, m\].*P \[2,3,1\]/,
  );
});
