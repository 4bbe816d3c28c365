/**
 * Bench: the image input pipeline's throughput (read, sharp decode,
 * RandomResizedCrop + flip + normalise, packed into batches) per decode
 * worker count, against the images per second one training step consumes
 * (a quadratic-adapted resnet18_w8 step on `blas` at the same image
 * size). The images are ImageNet-sized JPEGs (500×375, quality 90) made from
 * the dataset fixtures' real photos, in a temp folder.
 *
 *     deno task bench [--quick]
 * @module
 */
import { adapt, selectBackend, tf, trainLoop } from "@quadranet/core";
import "@quadranet/backend-blas";
import { backboneConfig, createBackbone } from "@quadranet/backbones";
import { BatchLoader, DecodePool, imageFolder, ListSource } from "@quadranet/datasets";
import sharp from "sharp";
import { join } from "node:path";

const quick = Deno.args.includes("--quick");
const SIZE = quick ? 64 : 160;
const BATCH = quick ? 8 : 32;
const BATCHES = quick ? 3 : 6;
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

async function stepImagesPerSecond(): Promise<number> {
  await selectBackend("blas", { quiet: true });
  const base = await createBackbone("resnet18_w8", { numClasses: 10, inputShape: [SIZE, SIZE, 3] });
  const model = adapt(base, {
    rank: 4,
    targets: backboneConfig("resnet18_w8").defaultTargets(base),
  });
  const x = tf.randomNormal([2 * BATCH, SIZE, SIZE, 3], 0, 1, "float32", 1);
  const y = Int32Array.from({ length: 2 * BATCH }, (_, i) => i % 10);
  const run = async () => {
    const t0 = performance.now();
    await trainLoop({
      model,
      train: { x, y },
      batchSize: BATCH,
      lr: 1e-3,
      seed: 1,
      optimizer: { kind: "adamw", weightDecay: 0 },
      schedule: { kind: "constant", warmupSteps: 0 },
      stages: [{ name: "q", train: ["quadratic", "head", "norm"], epochs: 1 }],
    });
    return (performance.now() - t0) / 2; // two steps
  };
  await run(); // warm-up
  const ms = await run();
  x.dispose();
  model.dispose();
  base.dispose();
  return BATCH / (ms / 1000);
}

const dir = await Deno.makeTempDir({ prefix: "quadranet-bench-data-" });
try {
  const src = await imagenetSized(dir);
  const step = await stepImagesPerSecond();
  console.log(
    `\n## Data pipeline: images/s decoded + RandomResizedCrop ${SIZE}² + flip + normalise ` +
      `(500×375 JPEGs, batch ${BATCH}) vs one training step's consumption\n`,
  );
  console.log(
    `| decode workers | images/s | vs step (${step.toFixed(1)} img/s: resnet18_w8 adapted, blas) |`,
  );
  console.log("| --- | ---: | ---: |");
  for (const w of WORKERS) {
    const r = await imagesPerSecond(src, w);
    console.log(
      `| ${w === 0 ? "0 (main thread)" : w} | ${r.toFixed(0)} | ${(r / step).toFixed(1)}x |`,
    );
  }
  console.log(
    `\n(${navigator.hardwareConcurrency} cores; ≥ 1x means the step never waits for data)`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
