import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import {
  type AdaptedCnnStep,
  adaptedCnnStep,
  assertNear,
  assertStepMatchesCpu,
} from "./backend_parity.ts";

const f32 = (...v: number[]) => new Float32Array(v);

Deno.test("assertNear: the tolerance is relative to the largest expected magnitude", () => {
  // max |want| = 4, so relTol 0.1 allows |Δ| ≤ 0.4 (values exact in float32)
  assertNear(f32(1.25, -4), f32(1, -4), 0.1, "x");
  assert.throws(
    () => assertNear(f32(1.5, -4), f32(1, -4), 0.1, "x"),
    /x: max \|Δ\| 0\.5 > 0\.1 × 4/,
  );
  assert.throws(() => assertNear(f32(NaN, 0), f32(1, 0), 1, "x"), /Infinity/);
  assert.throws(() => assertNear(f32(1), f32(1, 2), 1, "x"), /length 1, expected 2/);
});

/** A step that returns `cpu` on the first call and `other` after (as from another backend). */
let made = 0;
function fakeStep(cpu: Float32Array[], other: Float32Array[]): AdaptedCnnStep {
  let calls = 0;
  made++;
  const vars = cpu.slice(1).map((_, i) => tf.variable(tf.zeros([1]), true, `w${i}_${made}`));
  return { vars, on: () => Promise.resolve(calls++ === 0 ? cpu : other) };
}

Deno.test("assertStepMatchesCpu: loss absolute, gradients relative, all-zero gradients refused", async () => {
  const want = [f32(2), f32(10, -20), f32(0.5)];
  // loss |Δ| 5e-5 ≤ 1e-4; gradient 1: |Δ| 0.01 ≤ 1e-3 · 20; gradient 2: |Δ| 4e-4 ≤ 1e-3 · 0.5
  await assertStepMatchesCpu("cpu", fakeStep(want, [f32(2.00005), f32(10.01, -20), f32(0.5004)]));
  await assert.rejects(
    assertStepMatchesCpu("cpu", fakeStep(want, [f32(2.001), ...want.slice(1)])),
    /loss on cpu 2\.00\d+ vs cpu 2: \|Δ\| 0\.00\d+ > 0\.0001/,
  );
  await assert.rejects(
    assertStepMatchesCpu("cpu", fakeStep(want, [f32(2), f32(10.03, -20), f32(0.5)])),
    /gradient of w0_\d+ on cpu: max \|Δ\| 0\.02\d+ > 0\.001 × 20/,
  );
  await assert.rejects(
    assertStepMatchesCpu("cpu", fakeStep([f32(2), f32(0, 0)], [f32(2), f32(0, 0)])),
    /gradient of w0_\d+ is all zero on cpu/,
  );
  assert.equal(tf.getBackend(), "cpu");
});

Deno.test("assertStepMatchesCpu: the adapted CNN's step has nonzero gradients and runs onBackend once", async () => {
  const step = await adaptedCnnStep();
  let hooked = 0;
  await assertStepMatchesCpu("cpu", step, {
    lossTol: 0,
    gradTol: 0,
    onBackend: () => Promise.resolve(void hooked++),
  });
  assert.equal(hooked, 1);
  assert.ok(step.vars.length >= 10, `${step.vars.length} trainable variables`);
});
