/**
 * The backbone's pre-training when no `--weights` is given: MNIST digit classification (clean,
 * centred, grey digits padded to 32×32, ImageNet-normalised like the detection inputs), cached as
 * `runs/coco-pretrain-<hash>/` and reused; its compute is reported as sunk cost.
 * @module
 */
import { type RunSummary, tf } from "@quadranet/core";
import { backboneConfig, createBackbone } from "@quadranet/backbones";
import { IMAGENET_NORMALISATION } from "@quadranet/coco";
import { mnistDigits } from "@quadranet/datasets/mnist";
import { Rng } from "@quadranet/core";
import { join } from "node:path";
import { cachedPretraining, cacheId, type PretrainContext } from "../shared/pretrain_cache.ts";
import { reseedKernels } from "../shared/reseed.ts";

/** What determines the pre-trained weights (hashed into the cache id). */
export interface PretrainKey {
  backbone: string;
  seed: number;
  pretrainSize: number;
  pretrainEpochs: number;
  version: 1;
}

/** `n` digits (seeded choice; the last 2,000 of a permutation are held out for the check). */
function digitsTensor(
  n: number,
  seed: number,
  heldOut: boolean,
): { x: tf.Tensor4D; y: Int32Array } {
  const d = mnistDigits();
  const order = new Rng(seed * 31 + 7).permutation(d.labels.length);
  const idx = heldOut ? order.slice(order.length - Math.min(n, 2000)) : order.slice(0, n);
  const { mean, std } = IMAGENET_NORMALISATION;
  const x = new Float32Array(idx.length * 32 * 32 * 3);
  const y = new Int32Array(idx.length);
  idx.forEach((j, i) => {
    y[i] = d.labels[j];
    for (let r = 0; r < 32; r++) {
      for (let c = 0; c < 32; c++) {
        const inside = r >= 2 && r < 30 && c >= 2 && c < 30;
        const v = inside ? d.images[j * 784 + (r - 2) * 28 + (c - 2)] : 0;
        for (let k = 0; k < 3; k++) x[((i * 32 + r) * 32 + c) * 3 + k] = (v - mean[k]) / std[k];
      }
    }
  });
  return { x: tf.tensor4d(x, [idx.length, 32, 32, 3]), y };
}

/**
 * The pre-trained backbone as a model.json path, trained now or taken from the cache (the task
 * layer's: one trainer at a time, a damaged cache moved aside and trained again).
 */
export async function pretrainedBackbone(
  o: PretrainContext,
  key: PretrainKey,
): Promise<{ path?: string; summary: RunSummary }> {
  const runId = await cacheId("coco-pretrain", key);
  const data: tf.Tensor[] = []; // built only when it trains
  try {
    const { model, summary } = await cachedPretraining(o, {
      runId,
      task: "coco",
      what: `pre-training ${key.backbone} on MNIST digit classification`,
      build: async () =>
        reseedKernels(
          await createBackbone(key.backbone, { numClasses: 10, inputShape: [32, 32, 3] }),
          key.seed,
        ),
      loop: () => {
        const train = digitsTensor(key.pretrainSize, key.seed, false);
        const test = digitsTensor(1000, key.seed, true);
        data.push(train.x, test.x);
        return {
          train,
          eval: test,
          stages: [{
            name: "pretrain",
            train: ["primary", "head", "norm"],
            epochs: key.pretrainEpochs,
          }],
          batchSize: 64,
          lr: 3e-3,
          optimizer: { kind: "adamw", weightDecay: 1e-4 },
          schedule: { kind: "cosine", warmupSteps: 10, minScale: 0.01 },
          head: [backboneConfig(key.backbone).classifier],
          seed: key.seed,
          config: { ...key, domain: "mnist-classification" },
        };
      },
    });
    if (!model) return { summary };
    model.dispose(); // the detector loads the backbone from its files
    return { path: join(o.runsDir, runId, "model", "model.json"), summary };
  } finally {
    tf.dispose(data);
  }
}
