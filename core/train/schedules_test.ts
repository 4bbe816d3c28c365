import assert from "node:assert/strict";
import { checkSchedule, learningRate, type Schedule } from "./schedules.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

Deno.test("learningRate: warmup ramps linearly, cosine reaches minScale at the end", () => {
  const s = { kind: "cosine", warmupSteps: 10, minScale: 0.1 } as const;
  close(learningRate(0.1, s, 0, 110), 0.01);
  close(learningRate(0.1, s, 4, 110), 0.05);
  close(learningRate(0.1, s, 9, 110), 0.1);
  close(learningRate(0.1, s, 10, 110), 0.1); // cosine starts at the base
  close(learningRate(0.1, s, 60, 110), 0.1 * (0.1 + 0.9 * 0.5)); // half-way: cos(π/2) = 0
  close(learningRate(0.1, s, 110, 110), 0.01);
});

Deno.test("learningRate: step decay multiplies by gamma at each milestone", () => {
  const s: Schedule = { kind: "step", milestones: [30, 60], gamma: 0.1 };
  close(learningRate(1, s, 29, 100), 1);
  close(learningRate(1, s, 30, 100), 0.1);
  close(learningRate(1, s, 60, 100), 0.1 * 0.1);
  close(learningRate(1, { kind: "constant", warmupSteps: 4 }, 1, 100), 0.5);
  const frac: Schedule = { kind: "step", milestones: [0.5], gamma: 0.5 }; // half-way of 200
  close(learningRate(1, frac, 99, 200), 1);
  close(learningRate(1, frac, 100, 200), 0.5);
});

Deno.test("checkSchedule names the allowed kinds", () => {
  assert.throws(() => checkSchedule({ kind: "linear" } as never), /constant, cosine, step/);
});
