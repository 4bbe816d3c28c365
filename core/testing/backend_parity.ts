/**
 * Helpers for testing a compute backend against tfjs' cpu backend (the
 * `cuda`, `webgpu` and `blas` plugins' tests): an availability probe that
 * skips with one line (or fails where the environment requires the
 * backend), reading outputs back asynchronously (GPU tensors cannot
 * `dataSync` in Deno), a tolerance check relative to the largest expected
 * magnitude, seeded host-built inputs, and one training step of a small
 * adapted CNN (loss and every gradient) on any backend, compared with cpu's.
 *
 * @example
 * ```ts
 * import { assertNear, availableForTests, readOn, seededTensor } from "@quadranet/core/testing";
 * import { tf } from "@quadranet/core";
 * const cpu = await availableForTests("cpu", "QUADRANET_REQUIRE_CPU", () => Promise.resolve(1));
 * const f = () => [tf.relu(seededTensor([4], 1))];
 * if (cpu.ok) assertNear((await readOn("cpu", f))[0], (await readOn("cpu", f))[0], 0, "relu");
 * ```
 * @module
 */
import { adapt } from "../adapter/adapt.ts";
import { selectBackend } from "../plugins/backend_select.ts";
import { tf } from "../tf.ts";
import { randomizeWeights, resnetShaped } from "./models.ts";

/** What {@link availableForTests} found: the probe's value, or why the tests are skipped. */
export type ForTests<T> = { ok: true; value: T } | { ok: false; why: string };

/**
 * Runs `probe` once. Where it fails, prints `skipping <what> tests: <why>`
 * and returns `ok: false` (tests pass `ignore: !x.ok`), unless the
 * environment variable `requireEnv` is `1` (CI, device scripts): then the
 * error is thrown, so a missing backend fails instead of skipping.
 */
export async function availableForTests<T>(
  what: string,
  requireEnv: string,
  probe: () => T | Promise<T>,
): Promise<ForTests<T>> {
  try {
    return { ok: true, value: await probe() };
  } catch (e) {
    let required = false;
    try {
      required = Deno.env.get(requireEnv) === "1";
    } catch { /* no --allow-env: not required */ }
    if (required) throw e;
    const why = (e as Error).message.split("\n")[0];
    console.log(`skipping ${what} tests: ${why}`);
    return { ok: false, why };
  }
}

/** Runs `f` on `backend` and reads every output back as a host array (async reads). */
export async function readOn(backend: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = f();
  const arrays = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outs);
  return arrays;
}

/** The largest |v| of `a` (0 for an empty array). */
export function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/**
 * Throws unless max |got − want| ≤ relTol · max(max |want|, 1e-6); a NaN on
 * one side only counts as an infinite difference.
 */
export function assertNear(got: Float32Array, want: Float32Array, relTol: number, what: string) {
  if (got.length !== want.length) {
    throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  }
  const scale = Math.max(maxAbs(want), 1e-6);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Number.isNaN(want[i]) !== Number.isNaN(got[i])
      ? Infinity
      : Math.abs(got[i] - want[i]) || 0;
    worst = Math.max(worst, d);
  }
  if (!(worst <= relTol * scale)) {
    throw new Error(`${what}: max |Δ| ${worst} > ${relTol} × ${scale}`);
  }
}

/**
 * Runs `f` on cpu, then selects `backend` and runs it there, and asserts
 * every output within `relTol` of cpu's ({@link assertNear}). `setup` runs
 * after the selection (e.g. to make a fallback ledger strict) and may return
 * a teardown; the cpu backend is current again afterwards.
 */
export async function assertMatchesCpu(
  backend: string,
  f: () => tf.Tensor[],
  relTol: number,
  what: string,
  setup?: () => (() => void) | void,
): Promise<void> {
  const want = await readOn("cpu", f);
  await selectBackend(backend, { quiet: true });
  const teardown = setup?.();
  try {
    const got = await readOn(backend, f);
    want.forEach((w, i) => assertNear(got[i], w, relTol, `${what} #${i}`));
  } finally {
    teardown?.();
    await tf.setBackend("cpu");
  }
}

/**
 * A deterministic tensor in [−1, 1) built from a host array (a linear
 * congruential sequence from `seed`), so that every backend sees the same bytes.
 */
export function seededTensor(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = ((s >>> 8) / (1 << 24)) * 2 - 1;
  }
  return tf.tensor(v, shape);
}

/** One training step of a small adapted CNN, to run on several backends. */
export interface AdaptedCnnStep {
  /** The trainable variables, in the order of the step's gradients. */
  vars: tf.Variable[];
  /** `[loss, ...gradients]` of one step (training mode) on `backend`, read back. */
  on(backend: string): Promise<Float32Array[]>;
}

/**
 * An adapted ResNet-shaped CNN (rank 2, P given nonzero values so that its
 * gradients are not trivial), a batch of 4 [16, 16, 3] inputs and one-hot
 * labels of 5 classes, built on cpu with `random(shape, seed)`; its
 * softmax cross-entropy step runs on any backend.
 */
export async function adaptedCnnStep(
  random: (shape: number[], seed: number) => tf.Tensor = seededTensor,
): Promise<AdaptedCnnStep> {
  await tf.setBackend("cpu");
  const model = adapt(randomizeWeights(resnetShaped(), 3), { rank: 2, seed: 1 });
  // The quadratic term starts at P = 0; give it values so its gradients are not trivial.
  model.trainableWeights.forEach((w, i) => {
    if (/quad_p$/.test(w.name)) w.write(tf.mul(random(w.shape as number[], 40 + i), 0.3));
  });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = random([4, 16, 16, 3], 21);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 4], "int32"), 5);
  return {
    vars,
    on: (backend) =>
      readOn(backend, () => {
        const { value, grads } = tf.variableGrads(() => {
          const out = model.apply(x, { training: true }) as tf.Tensor;
          return tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar;
        }, vars);
        return [value, ...vars.map((v) => grads[v.name])];
      }),
  };
}

/** Tolerances and a hook of {@link assertStepMatchesCpu}. */
export interface StepMatchOptions {
  /** The largest |loss − cpu loss| (absolute; default 1e-4). */
  lossTol?: number;
  /** Each gradient within this of its largest cpu entry ({@link assertNear}; default 1e-3). */
  gradTol?: number;
  /** Runs on `backend` right after the compared step, before cpu is current again. */
  onBackend?: () => Promise<void>;
}

/**
 * Runs `step` on cpu, then selects `backend` and runs it there; asserts that
 * every cpu gradient is nonzero somewhere (so that the comparison says
 * something), the loss within `lossTol` and each gradient within `gradTol`
 * ({@link assertNear}). Runs `onBackend` after the backend's step; the cpu
 * backend is current again afterwards, also on failure.
 *
 * @example
 * ```ts
 * import { adaptedCnnStep, assertStepMatchesCpu } from "@quadranet/core/testing";
 * await assertStepMatchesCpu("cpu", await adaptedCnnStep(), { lossTol: 0, gradTol: 0 });
 * ```
 */
export async function assertStepMatchesCpu(
  backend: string,
  step: AdaptedCnnStep,
  { lossTol = 1e-4, gradTol = 1e-3, onBackend }: StepMatchOptions = {},
): Promise<void> {
  const want = await step.on("cpu");
  let got: Float32Array[];
  try {
    await selectBackend(backend, { quiet: true });
    got = await step.on(backend);
    await onBackend?.();
  } finally {
    await tf.setBackend("cpu");
  }
  const loss = Math.abs(got[0][0] - want[0][0]);
  if (!(loss <= lossTol)) {
    throw new Error(
      `loss on ${backend} ${got[0][0]} vs cpu ${want[0][0]}: |Δ| ${loss} > ${lossTol}`,
    );
  }
  for (let i = 1; i < want.length; i++) {
    const what = `gradient of ${step.vars[i - 1].name}`;
    if (!(maxAbs(want[i]) > 0)) throw new Error(`${what} is all zero on cpu`);
    assertNear(got[i], want[i], gradTol, `${what} on ${backend}`);
  }
}
