import assert from "node:assert/strict";
import { latestCheckpoint, loadCheckpoint } from "./checkpoint.ts";
import { crossEntropy, type Dataset } from "./evaluate.ts";
import { Rng } from "./rng.ts";
import { tinyCnn, tinyData, tinyTrainOptions } from "../testing/tiny_task.ts";
import { tf } from "../tf.ts";
import { type BatchStream, trainLoop } from "./train_loop.ts";

/** The in-memory set served as a stream; `noise` > 0 adds seeded per-batch noise (augmentation). */
function asStream(d: Dataset, noise = 0, seeds: number[] = []): BatchStream {
  return {
    length: d.y.length,
    async *batches(order, batchSize, start, seedOf) {
      for (let b = start; b * batchSize < order.length; b++) {
        const idx = order.subarray(b * batchSize, (b + 1) * batchSize);
        seeds.push(seedOf(b));
        const x = tf.tidy(() => {
          const xb = tf.gather(d.x, tf.tensor1d(idx, "int32"));
          if (noise === 0) return xb;
          const rng = new Rng(seedOf(b));
          const n = Float32Array.from({ length: xb.size }, () => noise * rng.normal());
          return tf.add(xb, tf.tensor(n, xb.shape));
        });
        yield { x, y: Int32Array.from(idx, (i) => d.y[i]) };
        await Promise.resolve();
      }
    },
  };
}

const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

const options = (model: tf.LayersModel, train: Dataset | BatchStream, eval_: Dataset) =>
  tinyTrainOptions(model, train, eval_, 2);

Deno.test("trainLoop: a streamed training set trains exactly like the same set in memory", async () => {
  const { train, test } = tinyData(40, 1); // 40 = 2 full batches + one of 8
  const a = tinyCnn(5), b = tinyCnn(5);
  const ra = await trainLoop(options(a, train, test));
  const rb = await trainLoop(options(b, asStream(train), test));
  assert.deepEqual(weights(b), weights(a));
  assert.equal(rb.examples, ra.examples);
  assert.equal(rb.final!.top1, ra.final!.top1);
});

Deno.test("trainLoop: custom loss and evaluator hooks are used, extra metrics logged", async () => {
  const { train, test } = tinyData(32, 2);
  const logged: Record<string, unknown>[] = [];
  let lossCalls = 0;
  const r = await trainLoop({
    ...options(tinyCnn(1), asStream(train), test),
    stages: [{ name: "all", train: ["primary", "head", "norm"], epochs: 1 }],
    loss: (logits, labels) => {
      lossCalls++;
      return crossEntropy(logits as tf.Tensor2D, labels);
    },
    evaluator: () => Promise.resolve({ top1: 0.25, top5: 1, loss: 2, count: 4, semanticTop1: 0.5 }),
    hooks: { onLog: (e) => void logged.push({ ...e }) },
  });
  assert.equal(lossCalls, 2); // 32 examples, batch 16
  assert.equal(r.final!.top1, 0.25);
  assert.equal(logged.find((e) => e.eval)!.semanticTop1, 0.5);
});

Deno.test("trainLoop: an interrupted streamed run resumes to the same weights (augmentation seeded per step)", async () => {
  const { train, test } = tinyData(48, 3);
  const full = tinyCnn(7);
  const seedsFull: number[] = [];
  await trainLoop(options(full, asStream(train, 0.1, seedsFull), test));

  const dir = await Deno.makeTempDir();
  const part = tinyCnn(7);
  const signal = { interrupted: false };
  let steps = 0;
  const seedsPart: number[] = [];
  const first = await trainLoop({
    ...options(part, asStream(train, 0.1, seedsPart), test),
    checkpointDir: dir,
    signal,
    logEvery: 1,
    hooks: {
      onLog: (e) => void (!e.eval && ++steps === 4 && (signal.interrupted = true)),
    },
  });
  assert.equal(first.status, "interrupted"); // mid-epoch 2 (3 batches per epoch)
  const resumed = tinyCnn(99); // weights come from the checkpoint
  await trainLoop({
    ...options(resumed, asStream(train, 0.1, seedsPart), test),
    checkpointDir: dir,
    resumeFrom: await loadCheckpoint((await latestCheckpoint(dir))!),
  });
  assert.deepEqual(weights(resumed), weights(full));
  // Steps 1-4 before the interrupt, 5-6 after: the same batches with the same augmentation seeds.
  assert.deepEqual(seedsPart, seedsFull);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainLoop: a streamed batch whose files were all skipped is passed over, not fatal", async () => {
  const { train, test } = tinyData(32, 4);
  const inner = asStream(train);
  let batch = 0;
  const skipping: BatchStream = {
    length: inner.length,
    async *batches(order, batchSize, start, seedOf) {
      for await (const b of inner.batches(order, batchSize, start, seedOf)) {
        if (batch++ % 2 === 0) {
          b.x.dispose();
          yield { x: tf.zeros([0, 6, 6, 1]), y: new Int32Array(0) };
        } else yield b;
      }
    },
  };
  const losses: number[] = [];
  const r = await trainLoop({
    ...options(tinyCnn(2), skipping, test),
    logEvery: 1,
    hooks: { onLog: (e) => void (!e.eval && losses.push(e.loss)) },
  });
  assert.equal(r.status, "completed");
  assert.equal(losses.length, 2); // no loss line for a batch with nothing in it
  assert.ok(losses.every((l) => l > 0));
  assert.equal(r.steps, 4); // 2 epochs × 2 batches, the skipped ones included
  assert.equal(r.examples, 32); // only the 2 real batches of 16
});
