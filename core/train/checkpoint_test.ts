import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { latestCheckpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";

const state = {
  step: 12,
  next: { stage: 1, epoch: 0, batch: 3 },
  rng: 1234,
  optimizerT: 12,
  examples: 768,
  best: { top1: 0.5, top5: 0.9, loss: 1.25, count: 64 },
  compute: { wallSeconds: 3, cpuSeconds: 5, trainingFlops: 1e9 },
};

Deno.test("checkpoints: state and tensors round-trip; the resume position is explicit", async () => {
  const dir = await Deno.makeTempDir();
  const weights = { "0:w": tf.tensor2d([[1, 2], [3, 4]]) };
  const slots = { "0:w/m": tf.tensor1d([0.5, -0.5]) };
  const path = await saveCheckpoint(dir, { weights, slots, state });
  assert.equal(await latestCheckpoint(dir), path);
  const back = await loadCheckpoint(dir);
  assert.deepEqual(back.state, state);
  assert.deepEqual(Array.from(back.weights["0:w"].dataSync()), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(back.slots["0:w/m"].dataSync()), [0.5, -0.5]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkpoints: a format-1 checkpoint (position and extras in `extra`) still loads", async () => {
  const dir = await Deno.makeTempDir();
  const path = await saveCheckpoint(dir, {
    weights: { "0:w": tf.tensor1d([7]) },
    slots: {},
    state,
  });
  const manifest = JSON.parse(await Deno.readTextFile(`${path}/checkpoint.json`));
  manifest.formatVersion = 1;
  manifest.state = {
    step: 12,
    stage: 1,
    epoch: 0,
    batch: 3,
    rng: 1234,
    optimizerT: 12,
    extra: { best: state.best, examples: 768, compute: state.compute },
  };
  await Deno.writeTextFile(`${path}/checkpoint.json`, JSON.stringify(manifest));
  assert.deepEqual((await loadCheckpoint(path)).state, state);
  await Deno.remove(dir, { recursive: true });
});
