import assert from "node:assert/strict";
import { learningRate } from "@quadranet/core";
import { scheduleOf } from "./schedule.ts";

Deno.test("scheduleOf gives each kind with the task layer's fixed shape", () => {
  assert.deepEqual(scheduleOf("step", 10), {
    kind: "step",
    warmupSteps: 10,
    milestones: [0.5, 0.75],
    gamma: 0.1,
  });
  assert.deepEqual(scheduleOf("cosine", 5), { kind: "cosine", warmupSteps: 5, minScale: 0.01 });
  assert.deepEqual(scheduleOf("wcc", 2, 0.3), {
    kind: "wcc",
    warmupSteps: 2,
    cooldownFraction: 0.3,
    minScale: 0.01,
  });
  assert.deepEqual(scheduleOf("constant", 4), { kind: "constant", warmupSteps: 4 });
  // step at 100 steps, no warmup: ×1 before step 50, ×0.1 from 50, ×0.01 from 75.
  const s = scheduleOf("step", 0);
  assert.equal(learningRate(1, s, 49, 100), 1);
  assert.ok(Math.abs(learningRate(1, s, 50, 100) - 0.1) < 1e-12);
  assert.ok(Math.abs(learningRate(1, s, 80, 100) - 0.01) < 1e-12);
});
