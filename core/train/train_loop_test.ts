import assert from "node:assert/strict";
import { adapt } from "../adapter/adapt.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import { NonFiniteLossError } from "../errors.ts";
import type { Dataset } from "./evaluate.ts";
import { tinyCnn, tinyData, tinyTrainOptions } from "../testing/tiny_task.ts";
import { tf } from "../tf.ts";
import { trainLoop, type TrainOptions } from "./train_loop.ts";

const base = (model: tf.LayersModel, extra: Partial<TrainOptions> = {}): TrainOptions => {
  const { train, test } = tinyData(96, 1);
  return tinyTrainOptions(model, train, test, 4, extra);
};

const values = (m: tf.LayersModel, name: string) =>
  Array.from(m.weights.find((w) => w.originalName === name)!.read().dataSync());

Deno.test("trainLoop: loss decreases on a tiny task", async () => {
  const losses: number[] = [];
  await trainLoop(base(tinyCnn(1), {
    logEvery: 1,
    hooks: { onLog: (e) => void (!e.eval && losses.push(e.loss)) },
  }));
  const first = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
  const last = losses.slice(-3).reduce((a, b) => a + b) / 3;
  assert.ok(last < 0.8 * first, `loss ${first} → ${last}`);
});

Deno.test("trainLoop: stages freeze what they say; frozen BatchNorm keeps its statistics", async () => {
  const model = adapt(tinyCnn(2), { rank: 2, seed: 1 });
  const before = {
    primary: values(model, "conv/kernel"),
    u: values(model, "conv/quad_u"),
    p: values(model, "conv/quad_p"),
    head: values(model, "head/kernel"),
    mean: values(model, "bn/moving_mean"),
    gamma: values(model, "bn/gamma"),
  };
  await trainLoop(base(model, {
    stages: [
      { name: "quadratic", train: ["quadratic"], epochs: 1 },
      { name: "head", train: ["head"], epochs: 1 },
    ],
  }));
  assert.deepEqual(values(model, "conv/kernel"), before.primary, "primary frozen");
  assert.deepEqual(values(model, "bn/moving_mean"), before.mean, "BN statistics frozen");
  assert.deepEqual(values(model, "bn/gamma"), before.gamma, "BN affine frozen");
  assert.notDeepEqual(values(model, "conv/quad_u"), before.u, "U trained in stage 1");
  assert.notDeepEqual(values(model, "conv/quad_p"), before.p, "P trained in stage 1");
  assert.notDeepEqual(values(model, "head/kernel"), before.head, "head trained in stage 2");
});

Deno.test("trainLoop: memory stays flat across steps", async () => {
  const counts: number[] = [];
  await trainLoop(base(adapt(tinyCnn(3), { rank: 2 }), {
    logEvery: 1,
    optimizer: { kind: "sgd", momentum: 0.9, nesterov: true },
    clipNorm: 1,
    labelSmoothing: 0.1,
    hooks: { onLog: (e) => void (e.eval ? 0 : counts.push(tf.memory().numTensors)) },
  }));
  // Step 1 creates the optimizer slots; from step 2 on the count must not move.
  assert.ok(counts.length > 10);
  assert.deepEqual(new Set(counts.slice(1)).size, 1, `tensor counts ${counts.join(",")}`);
});

Deno.test("trainLoop: interrupted and resumed from its checkpoint ends exactly like an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir();
  const stages = [
    { name: "quadratic", train: ["quadratic", "head"] as const, epochs: 2 },
    { name: "all", train: ["primary", "quadratic", "head", "norm"] as const, epochs: 1 },
  ].map((s) => ({ ...s, train: [...s.train] }));
  const full = adapt(tinyCnn(4), { rank: 2, seed: 5 });
  const a = await trainLoop(base(full, { stages }));

  const signal = { interrupted: false };
  const first = adapt(tinyCnn(4), { rank: 2, seed: 5 });
  let steps = 0;
  const b1 = await trainLoop(base(first, {
    stages,
    signal,
    checkpointDir: dir,
    logEvery: 1,
    hooks: { onLog: (e) => void (!e.eval && ++steps === 9 && (signal.interrupted = true)) },
  }));
  assert.equal(b1.status, "interrupted");
  assert.equal(b1.steps, 9); // mid-epoch 2 of stage 1 (6 batches per epoch)

  const resumed = adapt(tinyCnn(99), { rank: 2, seed: 77 }); // different init: all state comes from the checkpoint
  const b2 = await trainLoop(base(resumed, { stages, resumeFrom: await loadCheckpoint(dir) }));
  assert.equal(b2.status, "completed");
  assert.equal(b2.steps, a.steps);
  assert.deepEqual(b2.final, a.final);
  for (const w of full.weights) {
    assert.deepEqual(values(resumed, w.originalName), values(full, w.originalName), w.originalName);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainLoop: a NaN loss stops with a clear error naming the last good checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  const opts = base(tinyCnn(5), { checkpointDir: dir, batchSize: 96 });
  // One batch per epoch; after epoch 1's checkpoint a NaN pixel poisons step 2.
  let epochs = 0;
  opts.hooks = {
    onCheckpoint: () => {
      if (++epochs === 1) {
        const train = opts.train as Dataset;
        const x = train.x.arraySync() as number[][][][];
        x[0][0][0][0] = NaN;
        train.x = tf.tensor4d(x);
      }
    },
  };
  await assert.rejects(
    () => trainLoop(opts),
    (e: Error) =>
      e instanceof NonFiniteLossError && /step 2/.test(e.message) &&
      /step-00000001/.test(e.message) && /--lr/.test(e.message),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainLoop: the training loss is logged every logEvery steps and at each epoch's end", async () => {
  const steps: number[] = [];
  // 96 examples / batch 16 = 6 steps per epoch, 2 epochs: every 10th (10) and epoch ends (6, 12).
  await trainLoop(base(tinyCnn(4), {
    stages: [{ name: "all", train: ["primary", "head", "norm"], epochs: 2 }],
    logEvery: 10,
    hooks: { onLog: (e) => void (!e.eval && steps.push(e.step)) },
  }));
  assert.deepEqual(steps, [6, 10, 12]);
  const none: number[] = [];
  await trainLoop(base(tinyCnn(4), {
    stages: [{ name: "all", train: ["head"], epochs: 1 }],
    logEvery: 0,
    hooks: { onLog: (e) => void (!e.eval && none.push(e.step)) },
  }));
  assert.deepEqual(none, [], "logEvery 0 logs no training loss");
});
