import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { maxPoolGradSource, poolArgs, poolSource } from "./pool_kernels.ts";
import { compileKernels, cxxAvailable } from "./testing/cxx_emulator.ts";

const cxx = await cxxAvailable();

Deno.test({
  name: "max/avg pooling and the max-pool gradient match tfjs (ties, padding, overlapping windows)",
  ignore: !cxx,
  async fn() {
    const emu = await compileKernels([poolSource("max"), poolSource("avg"), maxPoolGradSource()]);
    const shape: [number, number, number, number] = [2, 7, 6, 3];
    // small integers: many ties inside windows, so the first-maximum rule matters
    const xv = Float32Array.from({ length: 2 * 7 * 6 * 3 }, (_, i) => (i * 7) % 5);
    const x = tf.tensor4d(xv, shape);
    for (
      const [k, s, pad] of [[2, 2, "valid"], [3, 2, "same"], [3, 1, "same"], [
        3,
        2,
        "valid",
      ]] as const
    ) {
      const info = tf.backend_util.computePool2DInfo(shape, k, s, 1, pad);
      const g = poolArgs(info);
      const n = info.batchSize * info.outHeight * info.outWidth * info.inChannels;
      for (const kind of ["max", "avg"] as const) {
        const y = new Float32Array(n);
        emu.run(`qn_pool_${kind}`, [xv, y, n, ...g]);
        const want = kind === "max" ? tf.maxPool(x, k, s, pad) : tf.avgPool(x, k, s, pad);
        const wv = await want.data();
        for (let i = 0; i < n; i++) {
          assert.ok(
            Math.abs(y[i] - wv[i]) < 1e-6,
            `${kind} k${k} s${s} ${pad} [${i}]: ${y[i]} vs ${wv[i]}`,
          );
        }
      }
      // gradient of sum(maxPool(x) · dy) with respect to x
      const dyv = Float32Array.from({ length: n }, (_, i) => (i % 9) - 4);
      const dx = new Float32Array(xv.length);
      emu.run("qn_pool_max_grad", [xv, dyv, dx, n, ...g], { grid: 2, block: 8 });
      const dy = tf.tensor(dyv, [info.batchSize, info.outHeight, info.outWidth, info.inChannels]);
      const want = tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, k, s, pad), dy))
      )(x);
      assert.deepEqual(
        Array.from(dx),
        Array.from(await want.data()),
        `max grad k${k} s${s} ${pad}`,
      );
    }
    emu.close();
  },
});
