import assert from "node:assert/strict";
import type { EvalLine } from "../records/schema.ts";
import { evaluate } from "./evaluate.ts";
import { runTraining } from "./run_training.ts";
import { tinyCnn, tinyData } from "../testing/tiny_task.ts";
import { trainLoop } from "./train_loop.ts";
import { stageTrainingFlops } from "./training_flops.ts";

const common = () => {
  const { train, test } = tinyData(96, 1); // 96 training examples: 6 batches of 16
  const { test: held } = tinyData(64, 9); // 32 more, as a held-out test set
  return {
    train,
    eval: test,
    held,
    batchSize: 16,
    lr: 0.02,
    seed: 3,
    optimizer: { kind: "adamw", weightDecay: 0.01 } as const,
    schedule: { kind: "wcc", warmupSteps: 2, cooldownFraction: 0.25 } as const,
    stages: [{
      name: "all",
      train: ["primary", "head", "norm"] as ("primary" | "head" | "norm")[],
      epochs: 2,
    }],
  };
};

Deno.test("trainLoop: checksPerEpoch evaluates mid-epoch with the FLOPs accumulated so far", async () => {
  const c = common();
  const evals: EvalLine[] = [];
  const r = await trainLoop({
    ...c,
    model: tinyCnn(1),
    checksPerEpoch: 2,
    flopsPerExample: () => 100,
    hooks: { onLog: (e) => void (e.eval && evals.push(e as EvalLine)) },
  });
  // 6 batches per epoch, 2 checks: after batches ceil(6/2) = 3 and 6, in both epochs
  assert.deepEqual(evals.map((e) => e.step), [3, 6, 9, 12]);
  assert.deepEqual(evals.map((e) => e.examples), [48, 96, 144, 192]);
  assert.deepEqual(evals.map((e) => e.flops), [4800, 9600, 14400, 19200]);
  assert.equal(r.flops, 19200);
});

Deno.test("runTraining: test read once at the end; validation and analytic FLOPs recorded", async () => {
  const c = common();
  const runsDir = await Deno.makeTempDir();
  const model = tinyCnn(2);
  const { summary, record } = await runTraining({
    ...c,
    model,
    test: c.held,
    checksPerEpoch: 2,
    runsDir,
    runId: "t",
    task: "test",
    method: "linear",
    backend: "cpu",
    config: {},
    resume: false,
  });
  const perExample = stageTrainingFlops(model, c.stages[0].train).total;
  assert.ok(perExample > 0);
  assert.equal(summary.compute?.trainingFlops, perExample * 192);
  assert.deepEqual(summary.trainingFlopsPerExample, [perExample]);
  // final = the held-out test set, evaluated once; validation = the last check
  const test = await evaluate(model, c.held, 256);
  assert.deepEqual(summary.final, { top1: test.top1, top5: test.top5, loss: test.loss });
  const checks = record.entries.filter((e): e is EvalLine => e.eval === true);
  assert.equal(checks.length, 4);
  assert.equal((summary.validation as { top1: number }).top1, checks[3].top1);
  assert.equal(summary.best, undefined); // nothing "best" when a test set exists
  for (const e of checks) {
    assert.equal(typeof e.trainCpuSeconds, "number");
    assert.equal(e.flops, perExample * (e.examples as number));
  }
  assert.equal(typeof summary.compute?.evalSeconds, "number");
  await Deno.remove(runsDir, { recursive: true });
});

Deno.test("runTraining: without a test set, validation is still the last check and final equals it", async () => {
  const c = common();
  const runsDir = await Deno.makeTempDir();
  const { summary, record } = await runTraining({
    ...c,
    model: tinyCnn(3),
    runsDir,
    runId: "v",
    task: "test",
    method: "linear",
    backend: "cpu",
    config: {},
    resume: false,
  });
  const last = record.entries.filter((e): e is EvalLine => e.eval === true).at(-1)!;
  assert.equal((summary.validation as { top1: number }).top1, last.top1);
  assert.deepEqual(summary.final, summary.validation);
  assert.equal(summary.finalOn, undefined);
  await Deno.remove(runsDir, { recursive: true });
});
