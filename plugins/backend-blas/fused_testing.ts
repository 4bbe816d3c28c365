/**
 * Test helpers for the blas backend's tests: `blasTest` (skipped where no
 * BLAS library loads), and for the fused kernels: run a function with the fused kernels
 * on `blas` and with the composite fallback (on the cpu backend, so the
 * fallback path of "every other backend" is what is compared), and check
 * gradients against central finite differences.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { fusedVsComposite } from "./fused_testing.ts";
 * await fusedVsComposite("relu", () => [tf.relu(tf.tensor1d([-1, 2]))], 1e-6);
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { setFusedOps, tf } from "@quadranet/core";
import { availableForTests } from "@quadranet/core/testing";
import { BLAS_BACKEND, registerBlasBackend } from "./mod.ts";

// CI sets QUADRANET_REQUIRE_BLAS=1 so that a missing library fails instead of skipping.
const blas = await availableForTests("blas", "QUADRANET_REQUIRE_BLAS", registerBlasBackend);

/** `Deno.test`, skipped (with one line printed) where no BLAS library loads. */
export const blasTest = (name: string, fn: () => void | Promise<void>) =>
  Deno.test({ name, ignore: !blas.ok, fn });

/** Values of the tensors `f` returns, computed on `backend` with fused ops on or off. */
export async function run(
  backend: string,
  fused: boolean,
  f: () => tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  setFusedOps(fused);
  try {
    const out = tf.tidy(f);
    const data = out.map((t) => t.dataSync().slice() as Float32Array);
    tf.dispose(out);
    return data;
  } finally {
    setFusedOps(true);
    await tf.setBackend("cpu");
  }
}

/** Largest |a − b| relative to the largest |b| of that output (at least 1e-6). */
export function relErr(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, "lengths differ");
  let worst = 0, scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

/**
 * Asserts that `f` gives the same outputs with the fused kernels on `blas`
 * as with the composite fallback on `cpu`, within `tol` relative to each
 * output's largest magnitude.
 */
export async function fusedVsComposite(
  what: string,
  f: () => tf.Tensor[],
  tol: number,
): Promise<Float32Array[]> {
  const fused = await run(BLAS_BACKEND, true, f);
  const composite = await run("cpu", false, f);
  assert.equal(fused.length, composite.length, `${what}: number of outputs`);
  fused.forEach((d, i) => {
    const e = relErr(d, composite[i]);
    assert.ok(e <= tol, `${what}: output ${i} differs from the composite by ${e} (tol ${tol})`);
  });
  return fused;
}

/**
 * Checks `grads` (of scalar `loss` w.r.t. each of `inputs`, as the fused
 * path computed them) against central differences of `loss` on `blas` with
 * fused ops, at up to `probes` entries per input: |fd − g| ≤ tol·max(1, |fd|).
 */
export async function checkFiniteDifferences(
  what: string,
  loss: (xs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  tol: number,
  probes = 5,
  h = 1e-2,
): Promise<void> {
  await tf.setBackend(BLAS_BACKEND);
  try {
    const grads = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => loss(xs))(inputs));
    const gData = grads.map((g) => g.dataSync());
    tf.dispose(grads);
    for (let k = 0; k < inputs.length; k++) {
      const base = inputs[k].dataSync();
      for (let p = 0; p < Math.min(probes, base.length); p++) {
        const j = Math.floor((p + 0.5) * base.length / Math.min(probes, base.length));
        const at = (delta: number) =>
          tf.tidy(() => {
            const d = base.slice();
            d[j] += delta;
            const xs = inputs.slice();
            xs[k] = tf.tensor(d, inputs[k].shape);
            return loss(xs).dataSync()[0];
          });
        const fd = (at(h) - at(-h)) / (2 * h);
        const g = gData[k][j];
        assert.ok(
          Math.abs(fd - g) <= tol * Math.max(1, Math.abs(fd)),
          `${what}: d/d input ${k}[${j}]: analytic ${g}, finite difference ${fd}`,
        );
      }
    }
  } finally {
    await tf.setBackend("cpu");
  }
}

let seed = 1;
/** A seeded N(0, 1) tensor (a fresh seed per call). */
export const rnd = (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", seed++);
