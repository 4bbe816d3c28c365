import assert from "node:assert/strict";
import {
  computeToTarget,
  parseTarget,
  resolveTarget,
  savingsAtTarget,
  summariseSeeds,
  type ValidationCheck,
} from "./equal_accuracy.ts";

const close = (a: number | null | undefined, b: number, tol = 1e-12) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) <= tol, `${a} vs ${b}`);

// Hand-worked: quadratic-scratch checks twice per epoch, final validation top-1 0.90.
// Target 98% of 0.90 = 0.882. Scratch first reaches it at step 40 (0.885), at 8e9 FLOPs, 16 s.
const scratch: ValidationCheck[] = [
  { step: 10, flops: 2e9, seconds: 4, top1: 0.60 },
  { step: 20, flops: 4e9, seconds: 8, top1: 0.80 },
  { step: 30, flops: 6e9, seconds: 12, top1: 0.87 },
  { step: 40, flops: 8e9, seconds: 16, top1: 0.885 },
  { step: 50, flops: 10e9, seconds: 20, top1: 0.88 }, // dips below: the first hit counts
  { step: 60, flops: 12e9, seconds: 24, top1: 0.90 },
];
// The adapter: cheaper steps, reaches 0.883 at step 30 (3e9 FLOPs, 9 s).
const adapter: ValidationCheck[] = [
  { step: 30, flops: 3e9, seconds: 9, top1: 0.883 }, // out of order on purpose: sorted by step
  { step: 10, flops: 1e9, seconds: 3, top1: 0.85 },
  { step: 20, flops: 2e9, seconds: 6, top1: 0.87 },
];
// An arm that stalls below the target.
const stalled: ValidationCheck[] = [
  { step: 10, flops: 1e9, seconds: 2, top1: 0.70 },
  { step: 20, flops: 2e9, seconds: 4, top1: 0.76 },
];

Deno.test("computeToTarget() takes the first check at or above the target", () => {
  const target = resolveTarget(parseTarget(undefined, "quadratic-scratch"), 0.90);
  close(target, 0.882);
  const s = computeToTarget(scratch, target);
  assert.deepEqual(s, { reached: true, step: 40, flops: 8e9, seconds: 16, top1: 0.885 });
  const a = computeToTarget(adapter, target);
  assert.deepEqual(a, { reached: true, step: 30, flops: 3e9, seconds: 9, top1: 0.883 });
  assert.deepEqual(computeToTarget(stalled, target), { reached: false, bestTop1: 0.76 });
  assert.deepEqual(computeToTarget([], target), { reached: false, bestTop1: null });
  // a 100% relative target is reached by the reference's own final check
  const full = resolveTarget({ kind: "relative", fraction: 1, reference: "x" }, 0.9);
  assert.equal(computeToTarget(scratch, full).reached, true);
});

Deno.test("savingsAtTarget() is 1 − C_arm / C_ref, and null for 'not reached'", () => {
  const target = 0.882;
  const s = computeToTarget(scratch, target), a = computeToTarget(adapter, target);
  close(savingsAtTarget(a, s, "flops"), 1 - 3e9 / 8e9); // 0.625
  close(savingsAtTarget(a, s, "seconds"), 1 - 9 / 16); // 0.4375
  assert.equal(savingsAtTarget(computeToTarget(stalled, target), s, "flops"), null);
  // an arm that costs more than the reference has negative savings
  close(savingsAtTarget(s, a, "flops"), 1 - 8e9 / 3e9);
});

Deno.test("summariseSeeds() gives savings only when every seed reached the target", () => {
  const t = 0.882;
  const ref = [computeToTarget(scratch, t), computeToTarget(scratch, t)];
  // seed 1: adapter at 3e9 (savings 0.625); seed 2: the same checks scaled to 4e9 (savings 0.5)
  const adapter2 = adapter.map((c) => ({ ...c, flops: (c.flops * 4) / 3, seconds: c.seconds }));
  const both = summariseSeeds([computeToTarget(adapter, t), computeToTarget(adapter2, t)], ref);
  assert.equal(both.reached, 2);
  close(both.savingsFlops?.mean, 0.5625);
  close(both.savingsFlops?.std, Math.SQRT2 * 0.0625); // two values 0.125 apart: std = 0.125/√2
  close(both.flops?.mean, 3.5e9, 1e-3);
  const half = summariseSeeds([computeToTarget(adapter, t), computeToTarget(stalled, t)], ref);
  assert.equal(half.reached, 1);
  assert.equal(half.savingsFlops, undefined); // "not reached in 1 of 2 seeds", never a number
  close(half.flops?.mean, 3e9, 1e-3);
});

Deno.test("parseTarget() reads absolute and relative targets and rejects the rest", () => {
  assert.deepEqual(parseTarget("0.9", "q"), { kind: "absolute", top1: 0.9 });
  assert.deepEqual(parseTarget("95%", "q"), { kind: "relative", fraction: 0.95, reference: "q" });
  assert.throws(() => parseTarget("1.5", "q"), /target must be an accuracy in \(0, 1\]/);
  assert.throws(() => parseTarget("150%", "q"), /got "150%"/);
  assert.throws(
    () => resolveTarget({ kind: "relative", fraction: 0.98, reference: "q" }),
    /q did not run/,
  );
});
