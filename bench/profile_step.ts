/**
 * Where the milliseconds of one training step go on `blas`: every kernel of
 * the backend timed (wall ms, inclusive of the allocation of its outputs),
 * summed per kernel name, for the quadratic-adapted ResNet-18-style network
 * of `bench/fused.ts`. A diagnostic, not a table of the bench.
 *
 *     deno run -A bench/profile_step.ts [--size=32] [--batch=32] [--width=32] [--infer [--base]]
 * @module
 */
import { selectBackend, tf } from "@quadranet/core";
import "@quadranet/backend-blas";
import { outputPool } from "../plugins/backend-blas/buffer_pool.ts";
import { adaptedResnetBatch, loopStep, resnet18Style } from "./resnet_style.ts";

const arg = (name: string, d: number) =>
  Number(Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? d);
const size = arg("size", 32), batch = arg("batch", 32), width = arg("width", 32);
const infer = Deno.args.includes("--infer");

await selectBackend("blas", { quiet: true });
const b = adaptedResnetBatch(size, width, batch);
const m = Deno.args.includes("--base") ? resnet18Style({ size, width, classes: 10 }) : b.model;
const train = loopStep(b);
const step = infer ? () => tf.tidy(() => void (m.predict(b.x) as tf.Tensor).dataSync()) : train;

const times = new Map<string, { ms: number; n: number; mb: number }>();
for (const k of tf.getKernelsForBackend("blas")) {
  const f = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, "blas");
  tf.registerKernel({
    ...k,
    kernelFunc: (a) => {
      const t = performance.now();
      const r = f(a);
      const key = k.kernelName +
        (k.kernelName.startsWith("Conv2D") || k.kernelName === "Conv2D"
          ? ` ${a.inputs.x?.shape ?? a.inputs.dy?.shape}→${(Array.isArray(r) ? r[0] : r).shape}`
          : "");
      const e = times.get(key) ?? { ms: 0, n: 0, mb: 0 };
      e.ms += performance.now() - t;
      for (const o of Array.isArray(r) ? r : [r]) {
        e.mb += o.shape.reduce((p, q) => p * q, 4) / 2 ** 20;
      }
      e.n++;
      times.set(key, e);
      return r;
    },
  });
}
step();
times.clear();
const pool0 = outputPool.stats();
const reps = 2;
const t0 = performance.now();
for (let i = 0; i < reps; i++) step();
const wall = (performance.now() - t0) / reps;
const pool1 = outputPool.stats();
const rows = [...times].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((s, [, e]) => s + e.ms, 0) / reps;
const mb = rows.reduce((s, [, e]) => s + e.mb, 0) / reps;
console.log(
  `step ${wall.toFixed(0)} ms, in kernels ${inKernels.toFixed(0)} ms, outputs ${mb.toFixed(0)} MiB`,
);
console.log(
  `output pool per step: ${(pool1.hits - pool0.hits) / reps} reused, ` +
    `${(pool1.misses - pool0.misses) / reps} new; ${
      (pool1.freeBytes / 2 ** 20).toFixed(0)
    } MiB free`,
);
for (const [name, e] of rows.slice(0, 40)) {
  const ms = (e.ms / reps).toFixed(1).padStart(8), mib = (e.mb / reps).toFixed(0).padStart(5);
  console.log(`${ms} ms ${String(e.n / reps).padStart(5)}× ${mib} MiB ${name}`);
}
