import assert from "node:assert/strict";
import { Optimizer } from "./optimizers.ts";
import { tf } from "../tf.ts";

function run(opt: Optimizer, grads: number[], lr: number, w0 = 1, decay = true): number {
  const v = tf.variable(tf.scalar(w0));
  for (const g of grads) opt.apply([{ key: "w", variable: v, decay }], { w: tf.scalar(g) }, lr);
  const out = v.dataSync()[0];
  v.dispose();
  return out;
}

Deno.test("AdamW: first step moves by lr·(sign + wd·w) (bias-corrected, decoupled decay)", () => {
  const w = run(new Optimizer({ kind: "adamw", weightDecay: 0.1, epsilon: 0 }), [0.5], 0.01, 2);
  // m̂ = 0.5, v̂ = 0.25 → update 1; decay 0.1·2 = 0.2 → w = 2 − 0.01·1.2
  assert.ok(Math.abs(w - (2 - 0.012)) < 1e-6, String(w));
});

Deno.test("SGD with Nesterov momentum matches the hand-computed updates", () => {
  // buf1 = 1, step1 = 1 + 0.9 = 1.9 → w = 1 − 0.19 = 0.81
  // buf2 = 0.9 + 2 = 2.9, step2 = 2 + 0.9·2.9 = 4.61 → w = 0.81 − 0.461 = 0.349
  const w = run(new Optimizer({ kind: "sgd", momentum: 0.9, nesterov: true }), [1, 2], 0.1);
  assert.ok(Math.abs(w - 0.349) < 1e-6, String(w));
  const plain = run(new Optimizer({ kind: "sgd", momentum: 0.9 }), [1, 2], 0.1);
  // buf1 = 1 → 0.9; buf2 = 2.9 → 0.9 − 0.29 = 0.61
  assert.ok(Math.abs(plain - 0.61) < 1e-6, String(plain));
});

Deno.test("Optimizer rejects an unknown kind, naming the allowed ones", () => {
  assert.throws(() => new Optimizer({ kind: "adam" as never }), /adamw, sgd/);
});
