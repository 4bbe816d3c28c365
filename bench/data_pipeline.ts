/**
 * Bench: the image input pipeline against what training consumes.
 *
 * 1. Throughput of read + sharp decode + RandomResizedCrop + flip + normalise
 *    + batch packing, per decode-worker count, with nothing else running.
 * 2. Training with streamed data: the wall time of a few steps of a
 *    quadratic-adapted resnet18_w8 on `blas` fed by the pipeline, per worker
 *    count, against the same steps on data already in memory (1.00x: the step
 *    never waits for data). A training step blocks the main thread, so
 *    decoding on it (0 workers) stalls while the step runs; workers do not.
 *
 * The images are ImageNet-sized JPEGs (500×375, quality 90) made from the
 * dataset fixtures' real photos, in a temp folder.
 *
 *     deno task bench [--quick]
 * @module
 */
import { adapt, selectBackend, tf, trainLoop, type TrainOptions } from "@quadranet/core";
import "@quadranet/backend-blas";
import { backboneConfig, createBackbone } from "@quadranet/backbones";
import {
  BatchLoader,
  DecodePool,
  ImageBatchStream,
  imageFolder,
  ListSource,
} from "@quadranet/datasets";
import sharp from "sharp";
import { join } from "node:path";

const quick = Deno.args.includes("--quick");
const SIZE = quick ? 64 : 160;
const BATCH = quick ? 8 : 32;
const BATCHES = quick ? 3 : 6;
const STEPS = quick ? 3 : 4;
const WORKERS = quick ? [0, 1, 2] : [0, 1, 2, 4];

async function imagenetSized(dir: string): Promise<ListSource> {
  const fix = new URL("../plugins/datasets/testdata/imagenet21k", import.meta.url).pathname;
  const src = await imageFolder.open({ root: fix, split: "imagenet21k_train" });
  const items = [];
  for (const [i, it] of src.items.entries()) {
    const path = join(dir, `${i}.JPEG`);
    await Deno.writeFile(
      path,
      await sharp(it.path).resize(500, 375, { fit: "fill" }).jpeg({ quality: 90 }).toBuffer(),
    );
    items.push({ path, label: it.label });
  }
  return new ListSource(src.classes, items);
}

/** `n` items cycling through `src`. */
function cycle(src: ListSource, n: number): ListSource {
  return new ListSource(
    src.classes,
    Array.from({ length: n }, (_, i) => src.items[i % src.length]),
  );
}

async function imagesPerSecond(src: ListSource, workers: number): Promise<number> {
  const pool = new DecodePool(workers);
  const loader = new BatchLoader(src, {
    transform: { kind: "train", size: SIZE },
    pool,
    prefetch: 4,
  });
  const plans = (n: number, from: number) =>
    Array.from({ length: n }, (_, b) => ({
      indices: Array.from({ length: BATCH }, (_, k) => ((from + b) * BATCH + k) % src.length),
      seed: from + b,
    }));
  for await (const _ of loader.batches(plans(1, 0))) { /* warm-up: workers load sharp */ }
  const t0 = performance.now();
  let n = 0;
  for await (const b of loader.batches(plans(BATCHES, 1))) n += b.count;
  const rate = n / ((performance.now() - t0) / 1000);
  pool.close();
  return rate;
}

async function model(): Promise<tf.LayersModel> {
  const base = await createBackbone("resnet18_w8", { numClasses: 8, inputShape: [SIZE, SIZE, 3] });
  const m = adapt(base, { rank: 4, targets: backboneConfig("resnet18_w8").defaultTargets(base) });
  base.dispose();
  return m;
}

/** Wall milliseconds per step of `STEPS` steps on `train`. */
async function stepMs(m: tf.LayersModel, train: TrainOptions["train"]): Promise<number> {
  const t0 = performance.now();
  await trainLoop({
    model: m,
    train,
    batchSize: BATCH,
    lr: 1e-3,
    seed: 1,
    optimizer: { kind: "adamw", weightDecay: 0 },
    schedule: { kind: "constant", warmupSteps: 0 },
    stages: [{ name: "q", train: ["quadratic", "head", "norm"], epochs: 1 }],
  });
  return (performance.now() - t0) / STEPS;
}

const dir = await Deno.makeTempDir({ prefix: "quadranet-bench-data-" });
try {
  const src = await imagenetSized(dir);
  await selectBackend("blas", { quiet: true });
  const m = await model();
  const x = tf.randomNormal([STEPS * BATCH, SIZE, SIZE, 3], 0, 1, "float32", 1);
  const y = Int32Array.from({ length: STEPS * BATCH }, (_, i) => i % 8);
  await stepMs(m, { x, y }); // warm-up
  const memory = await stepMs(m, { x, y });
  console.log(
    `\n## Data pipeline: 500×375 JPEGs → RandomResizedCrop ${SIZE}² + flip + normalise, ` +
      `batch ${BATCH}\n`,
  );
  console.log(
    `| decode workers | images/s (decode only) | vs a step's need (${
      (BATCH / memory * 1000).toFixed(1)
    } img/s) | step ms, streamed | streamed / in-memory (${memory.toFixed(0)} ms) |`,
  );
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const w of WORKERS) {
    const rate = await imagesPerSecond(src, w);
    const pool = new DecodePool(w);
    const loader = new BatchLoader(cycle(src, STEPS * BATCH), {
      transform: { kind: "train", size: SIZE },
      pool,
      prefetch: 4,
    });
    for await (const _ of loader.batches([{ indices: [0], seed: 0 }])) { /* workers load sharp */ }
    const streamed = await stepMs(m, new ImageBatchStream(loader));
    pool.close();
    console.log(
      `| ${w === 0 ? "0 (main thread)" : w} | ${rate.toFixed(0)} | ${
        (rate / (BATCH / memory * 1000)).toFixed(1)
      }x | ${streamed.toFixed(0)} | ${(streamed / memory).toFixed(2)}x |`,
    );
  }
  // The same in-memory steps again: how much the machine's load moved the timings meanwhile.
  const again = await stepMs(m, { x, y });
  x.dispose();
  console.log(
    `\n(step: quadratic-adapted resnet18_w8 at ${SIZE}² on blas, ${STEPS} steps; in-memory ` +
      `${memory.toFixed(0)} ms before, ${again.toFixed(0)} ms after the table; ` +
      `${navigator.hardwareConcurrency} cores)`,
  );
  m.dispose();
} finally {
  await Deno.remove(dir, { recursive: true });
}
