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

Deno.test("checkpoints: pruning never removes the one just written (a newer one left by a kill stays apart)", async () => {
  const dir = await Deno.makeTempDir();
  const at = (step: number) => ({
    weights: { "0:w": tf.tensor1d([step]) },
    slots: {},
    state: { ...state, step, optimizerT: step },
  });
  // a run killed after renaming step 10 into place, before latest.json named it: latest.json
  // still names step 4, and the resume continues from there
  await saveCheckpoint(dir, at(4), 1);
  await saveCheckpoint(dir, at(10), 2);
  await Deno.writeTextFile(
    `${dir}/latest.json`,
    JSON.stringify({ checkpoint: "step-00000004", step: 4 }),
  );
  assert.equal((await loadCheckpoint(dir)).state.step, 4);
  // stopped again at step 6 (keep 1): step 6 is the latest and is kept, step 4 goes
  const path = await saveCheckpoint(dir, at(6), 1);
  assert.equal(await latestCheckpoint(dir), path);
  const back = await loadCheckpoint(dir);
  assert.equal(back.state.step, 6);
  assert.deepEqual(Array.from(back.weights["0:w"].dataSync()), [6]);
  const folders = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  assert.deepEqual(folders, ["step-00000006", "step-00000010"]);
  // reaching step 10 again replaces the stray one
  await saveCheckpoint(dir, at(10), 1);
  const after = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name);
  assert.deepEqual(after, ["step-00000010"]);
  await Deno.remove(dir, { recursive: true });
});
