/**
 * Silent wrong results: a diverging run must end `failed` (never
 * `completed` with a NaN network), every checkpoint it leaves must be
 * finite, the checkpoint its error names must be a healthy one, and a
 * cached pre-trained network that is missing, damaged or NaN must never be
 * used (nor replaced by a fresh initialisation): it is moved aside and
 * trained again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  adapt,
  countNonFinite,
  loadCheckpoint,
  loadModel,
  NonFiniteLossError,
  QuadraNetError,
  runTraining,
  saveModel,
  tf,
  UnhealthyModelError,
} from "@quadranet/core";
import { tinyCnn, tinyData } from "../../core/testing/tiny_task.ts";

Deno.test("a diverging run (lr 1e6) ends failed with only finite checkpoints; its error names a good one", async () => {
  const runsDir = await Deno.makeTempDir({ prefix: "fault-diverge-" });
  const { train, test } = tinyData(64, 3);
  let error: unknown;
  try {
    await runTraining({
      model: adapt(tinyCnn(1), { rank: 2, modulesToSave: ["head"] }),
      train,
      eval: test,
      stages: [{ name: "all", train: ["primary", "quadratic", "head", "norm"], epochs: 3 }],
      batchSize: 16,
      lr: 1e6,
      optimizer: { kind: "adamw", weightDecay: 1e-4 },
      schedule: { kind: "constant", warmupSteps: 0 },
      seed: 1,
      checkpointEvery: 1,
      runsDir,
      runId: "diverge",
      task: "fault-injection",
      method: "quadratic",
      backend: "cpu",
      config: {},
      resume: false,
    });
  } catch (e) {
    error = e;
  }
  assert.ok(
    error instanceof UnhealthyModelError || error instanceof NonFiniteLossError,
    `diverged: ${error}`,
  );
  const message = (error as QuadraNetError).message;
  const summary = JSON.parse(await Deno.readTextFile(join(runsDir, "diverge", "summary.json")));
  assert.equal(summary.status, "failed");
  assert.equal(summary.error, message);
  const dir = join(runsDir, "diverge", "checkpoints");
  for (const e of Deno.readDirSync(dir)) {
    if (!e.isDirectory || !e.name.startsWith("step-")) continue;
    const ck = await loadCheckpoint(join(dir, e.name));
    for (const t of [...Object.values(ck.weights), ...Object.values(ck.slots)]) {
      assert.equal(countNonFinite(t.dataSync()), 0, `${e.name} is finite`);
    }
  }
  const named = message.match(/last good checkpoint is (\S+?)\.? /)?.[1];
  if (named) {
    const ck = await loadCheckpoint(named);
    assert.ok(Object.values(ck.weights).every((t) => countNonFinite(t.dataSync()) === 0));
  } else assert.match(message, /No (good )?checkpoint was written before it/);
});

const CHILD = new URL("./pretrain_child.ts", import.meta.url).pathname;
async function pretrain(runsDir: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, runsDir],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

Deno.test("a cached pre-trained network that is missing, damaged or NaN is moved aside and trained again", async () => {
  const runsDir = await Deno.makeTempDir({ prefix: "fault-cache-" });
  const first = await pretrain(runsDir);
  assert.equal(first.status, "completed");
  const modelDir = join(runsDir, first.runId, "model");
  const cached = await pretrain(runsDir);
  assert.deepEqual(cached.logs, [`pre-trained network: cached run ${first.runId}`]);
  // 1. died after "completed" but before its model was written (the old write order)
  await Deno.remove(modelDir, { recursive: true });
  const retrained = await pretrain(runsDir);
  assert.match(retrained.logs[0], /is unusable \(No model at .*\); moved it to .*\.damaged-/);
  assert.equal(retrained.fingerprint, first.fingerprint); // trained again, not a fresh init
  // 2. a NaN network in the cache (a diverged run cached by an older version)
  const model = await loadModel(modelDir);
  model.layers.find((l) => l.getClassName() === "BatchNormalization")!.weights[3].write(
    tf.fill(
      model.layers.find((l) => l.getClassName() === "BatchNormalization")!.weights[3]
        .shape as number[],
      NaN,
    ),
  );
  await saveModel(model, modelDir);
  const again = await pretrain(runsDir);
  assert.match(
    again.logs[0],
    /is unusable \(The cached pre-trained network .* is not healthy: .*moving_variance/,
  );
  assert.equal(again.fingerprint, first.fingerprint);
  const aside = [...Deno.readDirSync(runsDir)].filter((e) => e.name.includes(".damaged-"));
  assert.equal(aside.length, 2, "both damaged caches kept aside, nothing deleted");
});
