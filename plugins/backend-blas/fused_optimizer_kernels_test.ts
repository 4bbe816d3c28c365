import assert from "node:assert/strict";
import { adamUpdate, Optimizer, sgdUpdate, sumOfSquares, tf } from "@quadranet/core";
import { blasTest, fusedVsComposite, run } from "./fused_testing.ts";
import { BLAS_BACKEND } from "./mod.ts";

// Odd shapes, a scalar-like [1] and a 4-D conv kernel.
const SHAPES = [[1], [3, 5], [3, 3, 2, 7]];
const seeded = (shape: number[], s: number, mean = 0) =>
  tf.randomNormal(shape, mean, 1, "float32", s);

/** Runs `steps` Adam updates from fixed starting values; returns w, m, v of every variable. */
function adamRun(wd: number, t0: number, steps: number, gradScale: number): () => tf.Tensor[] {
  return () => {
    const entries = SHAPES.map((s, i) => ({
      w: tf.variable(seeded(s, 10 + i)),
      g: seeded(s, 20 + i),
      m: tf.variable(tf.mul(seeded(s, 30 + i), 0.1)),
      v: tf.variable(tf.abs(seeded(s, 40 + i))),
      weightDecay: i === 0 ? 0 : wd, // one entry without decay in every run
    }));
    for (let t = t0; t < t0 + steps; t++) {
      adamUpdate(entries, { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t, gradScale });
    }
    const out = entries.flatMap((e) => [e.w, e.m, e.v].map((x) => tf.clone(x)));
    entries.forEach((e) => [e.w, e.m, e.v].forEach((x) => x.dispose()));
    return out;
  };
}

for (const wd of [0, 0.05]) {
  for (const t0 of [1, 1000]) {
    blasTest(
      `fused Adam equals its composite: weight decay ${wd}, bias-correction step ${t0}`,
      async () => {
        await fusedVsComposite(`adam wd=${wd} t=${t0}`, adamRun(wd, t0, 3, 1), 2e-6);
        await fusedVsComposite(`adam wd=${wd} t=${t0} clipped`, adamRun(wd, t0, 1, 0.37), 2e-6);
      },
    );
  }
}

blasTest("fused Adam's first step moves each weight by lr·sign(g) (hand-worked)", async () => {
  // t = 1, m = v = 0: m̂ = g, v̂ = g², update = g/(|g| + ε) = ±1, so w − lr·sign(g).
  const [w] = await run(BLAS_BACKEND, true, () => {
    const w = tf.variable(tf.tensor1d([1, 1, 1]));
    const e = {
      w,
      g: tf.tensor1d([2, -3, 0.5]),
      m: tf.variable(tf.zeros([3])),
      v: tf.variable(tf.zeros([3])),
      weightDecay: 0,
    };
    adamUpdate([e], { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 1 });
    return [tf.clone(w)];
  });
  assert.deepEqual(Array.from(w, (x) => +x.toFixed(6)), [0.9, 1.1, 0.9]);
});

for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
  for (const wd of [0, 0.01]) {
    blasTest(
      `fused SGD equals its composite: momentum ${momentum}, nesterov ${nesterov}, weight decay ${wd}`,
      async () => {
        await fusedVsComposite(`sgd m=${momentum} n=${nesterov} wd=${wd}`, () => {
          const entries = SHAPES.map((s, i) => ({
            w: tf.variable(seeded(s, 50 + i)),
            g: seeded(s, 60 + i),
            buf: momentum > 0 ? tf.variable(seeded(s, 70 + i)) : undefined,
            weightDecay: wd,
          }));
          for (let k = 0; k < 3; k++) {
            sgdUpdate(entries, { lr: 0.05, momentum, nesterov, gradScale: k === 1 ? 0.5 : 1 });
          }
          return entries.flatMap((e) => [tf.clone(e.w), ...(e.buf ? [tf.clone(e.buf)] : [])]);
        }, 2e-6);
      },
    );
  }
}

blasTest("fused sum of squares: hand-worked value and composite parity", async () => {
  // 1² + 2² + 3² = 14
  const [s] = await run(
    BLAS_BACKEND,
    true,
    () => [sumOfSquares([tf.tensor1d([1, 2]), tf.tensor1d([3])])],
  );
  assert.equal(s[0], 14);
  await fusedVsComposite(
    "sumOfSquares",
    () => [sumOfSquares(SHAPES.map((sh, i) => seeded(sh, 80 + i)))],
    1e-6,
  );
});

blasTest(
  "Optimizer (adamw) over a parameter list: fused equals composite after 3 steps",
  async () => {
    await fusedVsComposite("Optimizer adamw", () => {
      const params = SHAPES.map((s, i) => ({
        key: `p${i}`,
        variable: tf.variable(seeded(s, 90 + i)),
        decay: i > 0,
      }));
      const opt = new Optimizer({ kind: "adamw", weightDecay: 0.1 });
      for (let k = 0; k < 3; k++) {
        const grads = Object.fromEntries(
          params.map((p, i) => [p.key, seeded(p.variable.shape, 100 + 7 * k + i)]),
        );
        opt.apply(params, grads, 0.01, k === 2 ? 0.5 : 1);
      }
      const out = params.map((p) => tf.clone(p.variable));
      opt.dispose();
      return out;
    }, 2e-6);
  },
);
