import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { checkDecodeOptions, classwiseNms, clipBoxes, topKAsync } from "./postprocess.ts";
import { withoutSyncReads } from "./testing/no_sync.ts";

Deno.test("classwiseNms suppresses overlaps within a class only, best score first", async () => {
  // A = [0,0,10,10] 0.9 cls 0; B = [1,1,11,11] 0.8 cls 0: IoU 81/119 = 0.68 > 0.5 → suppressed;
  // C = [1,1,11,11] 0.7 cls 1: other class → kept; D = [20,20,30,30] 0.95 cls 0: disjoint → kept
  const out = await classwiseNms({
    boxes: new Float32Array([0, 0, 10, 10, 1, 1, 11, 11, 1, 1, 11, 11, 20, 20, 30, 30]),
    scores: new Float32Array([0.9, 0.8, 0.7, 0.95]),
    labels: new Int32Array([0, 0, 1, 0]),
  }, { iouThreshold: 0.5, maxDetections: 10 });
  assert.deepEqual([...out.scores].map((s) => Math.round(s * 100)), [95, 90, 70]);
  assert.deepEqual([...out.labels], [0, 0, 1]);
  assert.deepEqual([...out.boxes], [20, 20, 30, 30, 0, 0, 10, 10, 1, 1, 11, 11]);
  // a threshold above their IoU keeps B; maxDetections caps the count
  const loose = await classwiseNms({
    boxes: new Float32Array([0, 0, 10, 10, 1, 1, 11, 11]),
    scores: new Float32Array([0.9, 0.8]),
    labels: new Int32Array([0, 0]),
  }, { iouThreshold: 0.7, maxDetections: 1 });
  assert.deepEqual([...loose.boxes], [0, 0, 10, 10]);
});

Deno.test("topKAsync returns the k best values with their indices", async () => {
  const { values, indices } = await topKAsync(tf.tensor1d([0.1, 0.7, 0.3, 0.9]), 2);
  assert.deepEqual([...indices], [3, 1]);
  assert.ok(Math.abs(values[0] - 0.9) < 1e-7 && Math.abs(values[1] - 0.7) < 1e-7);
  assert.equal((await topKAsync(tf.tensor1d([1]), 5)).indices.length, 1);
});

Deno.test("clipBoxes clips to [0, width] x [0, height]; bad decode options are named", () => {
  assert.deepEqual([...clipBoxes(new Float32Array([-3, 2, 50, 70]), [60, 40])], [0, 2, 40, 60]);
  const ok = {
    scoreThreshold: 0.1,
    maxDetections: 5,
    iouThreshold: 0.5,
    inputSize: [8, 8] as [number, number],
  };
  checkDecodeOptions(ok);
  assert.throws(() => checkDecodeOptions({ ...ok, maxDetections: 0 }), /maxDetections/);
  assert.throws(() => checkDecodeOptions({ ...ok, iouThreshold: 2 }), /iouThreshold/);
  assert.throws(() => checkDecodeOptions({ ...ok, inputSize: [8] as never }), /inputSize/);
});

Deno.test("classwiseNms and topKAsync never read tensors synchronously (GPU-safe)", async () => {
  // the guard itself refuses a synchronous read, and restores it afterwards
  await assert.rejects(
    withoutSyncReads(() => Promise.resolve(tf.scalar(1).dataSync())),
    /synchronous/,
  );
  assert.equal(tf.scalar(2).dataSync()[0], 2);
  const out = await withoutSyncReads(async () => {
    await topKAsync(tf.tensor1d([0.3, 0.1]), 1);
    return await classwiseNms({
      boxes: new Float32Array([0, 0, 4, 4, 0, 0, 4, 4]),
      scores: new Float32Array([0.5, 0.4]),
      labels: new Int32Array([0, 0]),
    }, { iouThreshold: 0.5, maxDetections: 5 });
  });
  assert.equal(out.scores.length, 1);
});
