import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import {
  batchNormBackwardInputSource,
  batchNormBackwardReduceSource,
  batchNormForwardSource,
  batchNormStatsSource,
} from "./batchnorm_kernels.ts";
import { compileKernels, cxxAvailable } from "./testing/cxx_emulator.ts";

const cxx = await cxxAvailable();

function assertNear(got: Float32Array, want: ArrayLike<number>, tol: number, what: string) {
  let worst = 0, scale = 1e-6;
  for (let i = 0; i < got.length; i++) {
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  assert.equal(got.length, want.length, what);
  assert.ok(worst <= tol * scale, `${what}: max |Δ| ${worst} > ${tol} × ${scale}`);
}

Deno.test({
  name:
    "BatchNorm kernels (statistics, forward, fused training backward) match tfjs' ops and gradients",
  ignore: !cxx,
  async fn() {
    const emu = await compileKernels([
      batchNormStatsSource(),
      batchNormForwardSource(),
      batchNormBackwardReduceSource(),
      batchNormBackwardInputSource(),
    ]);
    const [N, H, W, C] = [3, 4, 5, 6], rows = N * H * W, n = rows * C, eps = 1e-3;
    const x = tf.randomNormal([N, H, W, C], 0.5, 2, "float32", 7) as tf.Tensor4D;
    const scale = tf.randomUniform([C], 0.5, 1.5, "float32", 8) as tf.Tensor1D;
    const offset = tf.randomNormal([C], 0, 1, "float32", 9) as tf.Tensor1D;
    const dy = tf.randomNormal([N, H, W, C], 0, 1, "float32", 10) as tf.Tensor4D;
    const [xv, sv, ov, dyv] = await Promise.all(
      [x, scale, offset, dy].map((t) => t.data()),
    ) as Float32Array[];

    // statistics
    const mean = new Float32Array(C), varr = new Float32Array(C);
    emu.run("qn_batchnorm_stats", [xv, mean, varr, rows, C]);
    const m = tf.moments(x, [0, 1, 2]);
    assertNear(mean, await m.mean.data(), 1e-5, "mean");
    assertNear(varr, await m.variance.data(), 1e-5, "variance (biased)");

    // forward with those statistics
    const y = new Float32Array(n);
    emu.run("qn_batchnorm_forward", [xv, mean, varr, sv, ov, y, n, C, eps]);
    assertNear(
      y,
      await tf.batchNorm(x, m.mean, m.variance, offset, scale, eps).data(),
      1e-5,
      "forward",
    );

    // training-mode backward: gradients through the batch statistics too
    const invStd = varr.map((v) => 1 / Math.sqrt(v + eps));
    const dScale = new Float32Array(C), dOffset = new Float32Array(C), dx = new Float32Array(n);
    emu.run("qn_batchnorm_backward_reduce", [xv, dyv, mean, invStd, dScale, dOffset, rows, C]);
    emu.run("qn_batchnorm_backward_input", [
      xv,
      dyv,
      mean,
      invStd,
      sv,
      dScale,
      dOffset,
      dx,
      n,
      C,
      rows,
    ]);
    const f = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
      const mm = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(a, mm.mean, mm.variance, o, s, eps), dy));
    };
    const [gx, gs, go] = tf.grads(f)([x, scale, offset]);
    assertNear(dx, await gx.data(), 1e-4, "dx");
    assertNear(dScale, await gs.data(), 1e-4, "dScale");
    assertNear(dOffset, await go.data(), 1e-5, "dOffset");
    emu.close();
  },
});
