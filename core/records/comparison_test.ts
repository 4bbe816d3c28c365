import assert from "node:assert/strict";
import { withSavings } from "./comparison.ts";

const row = (method: string, computeSeconds: number) => ({
  method,
  top1: 0.5,
  top5: 0.9,
  trainableParams: 100,
  computeSeconds,
  wallSeconds: 1,
  trainingFlops: 1e9,
});

Deno.test("withSavings: compute relative to the reference arm, savings in percent", () => {
  // 30 / 120 = 0.25 → 75 % saved; 180 / 120 = 1.5 → −50 %; the reference itself 1 → 0 %
  const t = withSavings([row("quadratic", 30), row("linear", 180), row("quadratic-scratch", 120)]);
  assert.deepEqual(t.map((r) => [r.relativeCompute, r.savingsPercent]), [
    [0.25, 75],
    [1.5, -50],
    [1, 0],
  ]);
  // another reference; a missing one leaves both null
  assert.equal(withSavings([row("a", 10), row("b", 40)], "b")[0].savingsPercent, 75);
  assert.deepEqual(withSavings([row("quadratic", 30)])[0].relativeCompute, null);
});
