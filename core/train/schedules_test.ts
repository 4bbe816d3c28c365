import assert from "node:assert/strict";
import { checkSchedule, cooldownSteps, learningRate, type Schedule } from "./schedules.ts";

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
  assert.throws(() => checkSchedule({ kind: "linear" } as never), /constant, cosine, wcc, step/);
});

Deno.test("learningRate: wcc is constant until the cooldown, whose start is the only total-dependent point", () => {
  const s: Schedule = { kind: "wcc", warmupSteps: 4, cooldownFraction: 0.2, minScale: 0 };
  // 50 steps: cooldown = round(0.2·50) = 10 steps, 40..49, lr = 1 − (step − 40 + 1)/10
  assert.equal(cooldownSteps(s, 50), 10);
  close(learningRate(1, s, 1, 50), 0.5); // warmup (1+1)/4
  close(learningRate(1, s, 39, 50), 1);
  close(learningRate(1, s, 40, 50), 0.9);
  close(learningRate(1, s, 44, 50), 0.5);
  close(learningRate(1, s, 49, 50), 0);
  // a run of 100 steps has the same rates for all 80 steps before its cooldown: every step of
  // the 50-step run before its cooldown is also a step of the longer run
  for (let t = 0; t < 40; t++) close(learningRate(1, s, t, 50), learningRate(1, s, t, 100));
  assert.throws(
    () => checkSchedule({ kind: "wcc", cooldownFraction: 1.5 }),
    /cooldownFraction must be in \[0, 1\], got 1.5/,
  );
});
