import assert from "node:assert/strict";
import { Optimizer, tf } from "@quadranet/core";
import { adamSource } from "./adam_kernel.ts";
import { compileKernels, cxxAvailable } from "./testing/cxx_emulator.ts";

const cxx = await cxxAvailable();

Deno.test({
  name: "the fused AdamW kernel follows core's Optimizer('adamw') over three steps",
  ignore: !cxx,
  async fn() {
    const emu = await compileKernels([adamSource()]);
    const n = 50, cfg = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, wd: 0.05 };
    const w0 = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const w = w0.slice(), m = new Float32Array(n), v = new Float32Array(n);
    const variable = tf.variable(tf.tensor1d(w0));
    const opt = new Optimizer({
      kind: "adamw",
      weightDecay: cfg.wd,
      beta1: cfg.beta1,
      beta2: cfg.beta2,
      epsilon: cfg.eps,
    });
    for (let t = 1; t <= 3; t++) {
      const g = Float32Array.from(
        { length: n },
        (_, i) => Math.cos(i * t) * (i % 3 === 0 ? 1e-3 : 1),
      );
      emu.run("qn_adamw_update", [
        w,
        g,
        m,
        v,
        n,
        cfg.lr,
        cfg.beta1,
        cfg.beta2,
        cfg.eps,
        cfg.wd,
        1 - cfg.beta1 ** t,
        1 - cfg.beta2 ** t,
      ]);
      opt.apply([{ key: "w", variable, decay: true }], { w: tf.tensor1d(g) }, cfg.lr);
    }
    const want = await variable.data();
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(w[i] - want[i]) < 1e-6, `w[${i}]: ${w[i]} vs ${want[i]}`);
    }
    const moved = Math.max(...Array.from(w, (x, i) => Math.abs(x - w0[i])));
    assert.ok(moved > 0.02, `three steps moved the weights (max ${moved})`);
    emu.close();
  },
});
