import assert from "node:assert/strict";
import { type ArmResult, buildComparison } from "./comparison.ts";
import { formatComparisonTable, formatFlops } from "./comparison_table.ts";
import { DEFAULT_TARGET } from "./equal_accuracy.ts";

const checks = (flopsPerStep: number, accs: number[]) =>
  accs.map((top1, i) => ({ step: i + 1, flops: (i + 1) * flopsPerStep, seconds: i + 1, top1 }));

// Two seeds. quadratic-scratch ends at 0.90 / 0.80 validation: targets 0.882 / 0.784.
const arms: ArmResult[] = [
  {
    method: "quadratic",
    fromPretrained: true,
    trainableParams: 4800,
    inferenceFlops: 1.5e6,
    lr: 0.01,
    seeds: [
      {
        seed: 1,
        testTop1: 0.86,
        validationTop1: 0.885,
        checks: checks(1e9, [0.8, 0.885]),
        budgetFlops: 2e9,
        budgetSeconds: 2,
      },
      {
        seed: 2,
        testTop1: 0.84,
        validationTop1: 0.79,
        checks: checks(1e9, [0.785, 0.79]),
        budgetFlops: 2e9,
        budgetSeconds: 2,
      },
    ],
  },
  {
    method: "lora",
    fromPretrained: true,
    trainableParams: 3100,
    inferenceFlops: 1.1e6,
    seeds: [
      {
        seed: 1,
        testTop1: 0.80,
        validationTop1: 0.85,
        checks: checks(1e9, [0.8, 0.85]),
        budgetFlops: 2e9,
        budgetSeconds: 2,
      },
      {
        seed: 2,
        testTop1: 0.79,
        validationTop1: 0.79,
        checks: checks(1e9, [0.7, 0.79]),
        budgetFlops: 2e9,
        budgetSeconds: 2,
      },
    ],
  },
  {
    method: "quadratic-scratch",
    fromPretrained: false,
    trainableParams: 28000,
    inferenceFlops: 1.5e6,
    seeds: [
      {
        seed: 1,
        testTop1: 0.88,
        validationTop1: 0.90,
        checks: checks(2e9, [0.5, 0.7, 0.89, 0.90]),
        budgetFlops: 8e9,
        budgetSeconds: 4,
      },
      {
        seed: 2,
        testTop1: 0.78,
        validationTop1: 0.80,
        checks: checks(2e9, [0.5, 0.79, 0.8, 0.8]),
        budgetFlops: 8e9,
        budgetSeconds: 4,
      },
    ],
  },
];

Deno.test("buildComparison() summarises seeds, pairs with quadratic and finds compute to target", () => {
  const c = buildComparison(arms, {
    target: DEFAULT_TARGET,
    pairedWith: "quadratic",
    baseInferenceFlops: 1e6,
    pretrain: { runId: "p", flops: 10e9, cpuSeconds: 20, top1: 0.95, on: "clean test digits" },
  });
  assert.deepEqual(c.target?.perSeed.map((t) => +t.toFixed(6)), [0.882, 0.784]);
  const [q, l, s] = c.rows;
  assert.ok(Math.abs(q.test.mean - 0.85) < 1e-12);
  assert.ok(Math.abs(q.inferenceOverhead! - 0.5) < 1e-12);
  // lora − quadratic: −0.06, −0.05: mean −0.055, std 0.00707 -> |−0.055| ≥ 0.0141: lower
  assert.ok(Math.abs(l.paired!.mean + 0.055) < 1e-12);
  assert.equal(l.paired!.verdict, "lower");
  assert.equal(q.paired, null);
  // scratch: seed 1 first ≥ 0.882 at check 3 (6e9), seed 2 first ≥ 0.784 at check 2 (4e9)
  assert.deepEqual(s.toTarget?.flops?.mean, 5e9);
  assert.equal(s.toTarget?.savingsFlops?.mean, 0);
  // quadratic: seed 1 at check 2 (2e9 vs 6e9: 2/3 saved), seed 2 at check 1 (1e9 vs 4e9: 3/4)
  assert.ok(Math.abs(q.toTarget!.savingsFlops!.mean - (2 / 3 + 3 / 4) / 2) < 1e-12);
  // lora: seed 1 never reaches 0.882 -> no savings number at all
  assert.equal(l.toTarget?.reached, 1);
  assert.equal(l.toTarget?.savingsFlops, undefined);

  const table = formatComparisonTable(c);
  const lora = table.split("\n").find((r) => r.startsWith("| lora "))!;
  assert.match(lora, /\| 79\.50 ± 0\.71 \|/);
  assert.match(lora, /-5\.50 ± 0\.71 \(lower\)/);
  assert.match(lora, /\(1\/2 seeds; not reached in 1\) \| not reached \|/);
  const quad = table.split("\n").find((r) => r.startsWith("| quadratic "))!;
  assert.match(quad, /\| 70\.8 ± 5\.9% \|/); // savings (2/3, 3/4) -> 70.8 ± 5.9 %
  assert.match(quad, /\| 11\.50 GFLOP \|$/); // 1.5e9 to target + 10e9 sunk pre-training
});

Deno.test("buildComparison() has no target without its reference arm, and insists on paired seeds", () => {
  const c = buildComparison(arms.slice(0, 2), { target: DEFAULT_TARGET, pairedWith: "quadratic" });
  assert.equal(c.target, null);
  assert.match(c.targetNote!, /quadratic-scratch did not run/);
  const bad = [arms[0], { ...arms[1], seeds: arms[1].seeds.slice(0, 1) }];
  assert.throws(
    () => buildComparison(bad, { target: DEFAULT_TARGET, pairedWith: "quadratic" }),
    /pair them/,
  );
});

Deno.test("formatFlops() picks an SI prefix", () => {
  assert.equal(formatFlops(1.234e9), "1.23 GFLOP");
  assert.equal(formatFlops(250e12), "250 TFLOP");
  assert.equal(formatFlops(0), "0 FLOP");
  assert.equal(formatFlops(5e9, 1.5e9), "5.00 ± 1.50 GFLOP");
});
