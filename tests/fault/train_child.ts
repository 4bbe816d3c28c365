/**
 * The process the kill tests kill: a tiny recorded training run (an
 * adapted tiny CNN, 2 epochs of 4 steps, checkpoints every 3 steps, metrics
 * every 2) that writes its model and adapter before it is marked completed.
 * `FAULT=N` kills it (SIGKILL, no cleanup) at the N-th write event (every
 * atomic write has three: half written, written, renamed; a checkpoint
 * folder rename two). It resumes when its record exists, and prints
 * `{ events, final }` when it completes.
 *
 *     FAULT=17 deno run -A tests/fault/train_child.ts RUNS_DIR RUN_ID
 *
 * @module
 */
import { adapt, runTraining, saveAdapter, saveModel, writeFaults } from "@quadranet/core";
import { tinyCnn, tinyData } from "../../core/testing/tiny_task.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";

const [runsDir, runId] = Deno.args;
const killAt = Number(Deno.env.get("FAULT") ?? "0");
let events = 0;
writeFaults.hook = () => {
  events++;
  if (events === killAt) Deno.kill(Deno.pid, "SIGKILL");
};

const { train, test } = tinyData(64, 3);
const model = adapt(tinyCnn(1), { rank: 2, modulesToSave: ["head"], seed: 5 });
const dir = join(runsDir, runId);
const { summary } = await runTraining({
  model,
  train,
  eval: test,
  stages: [{ name: "adapt", train: ["quadratic", "head", "norm"], epochs: 2 }],
  batchSize: 16,
  lr: 0.01,
  optimizer: { kind: "adamw", weightDecay: 1e-4 },
  schedule: { kind: "cosine", warmupSteps: 2 },
  seed: 7,
  checkpointEvery: 3,
  logEvery: 2,
  runsDir,
  runId,
  task: "fault-injection",
  method: "quadratic",
  backend: "cpu",
  config: { tiny: true },
  resume: existsSync(join(dir, "summary.json")),
  beforeComplete: async () => {
    await saveModel(model, join(dir, "model"));
    await saveAdapter(model, join(dir, "adapter"));
  },
});
console.log(JSON.stringify({ events, final: summary.final, status: summary.status }));
