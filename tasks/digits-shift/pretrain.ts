/**
 * Pre-training the first-order network on clean digits, cached as a run
 * under `runs/` (id from a hash of what determines it) and reused; its
 * compute is reported separately as sunk cost. Its loop settings are its
 * own ({@link PRETRAIN_LOOP}, versioned in the key), so the arms' flags
 * (`--lr`, `--schedule`, ...) never change the network the arms start from.
 * An interrupted pre-training resumes from its checkpoint.
 *
 * @example
 * ```ts
 * import { PRETRAIN_LOOP } from "./pretrain.ts";
 * PRETRAIN_LOOP.lr; // 0.003, whatever the arms' --lr
 * ```
 * @module
 */
import { type Dataset, type RunSummary, type TaskContext, type tf } from "@quadranet/core";
import {
  cachedPretraining,
  cacheId,
  type PretrainContext as CacheContext,
} from "../shared/pretrain_cache.ts";
import type { Architecture } from "./model.ts";
import type { LoopSettings } from "./settings.ts";

/** The pre-training loop: fixed, independent of the arms' options. */
export const PRETRAIN_LOOP: LoopSettings = {
  batchSize: 64,
  lr: 3e-3,
  optimizer: { kind: "adamw", weightDecay: 1e-4 },
  schedule: { kind: "cosine", warmupSteps: 20, minScale: 0.01 },
  labelSmoothing: 0,
  clipNorm: 0,
  checkpointEvery: 0,
  logEvery: 10,
  checksPerEpoch: 1,
};

/** What determines the pre-trained weights (hashed into the cache id). */
export interface PretrainKey {
  /** Bumped when the architecture or its initialisation changes, invalidating caches. */
  arch: string;
  seed: number;
  width: number;
  pretrainSize: number;
  pretrainEpochs: number;
  loop: LoopSettings;
  /** Which digits it trains on ("clean-pretrain": the pre-training split). */
  data: string;
}

/** What pre-training needs from the task's context (`task`: recorded; default digits-shift). */
export interface PretrainContext extends CacheContext {
  task?: string;
}

/**
 * The cached (or freshly trained) pre-trained network and its run summary
 * (`runs/digits-pretrain-<hash of key>/`; the task layer's cache: one
 * trainer at a time, damaged caches moved aside and retrained).
 */
export async function pretrained(
  o: PretrainContext,
  key: PretrainKey,
  data: { train: Dataset; eval: Dataset },
  arch: Architecture,
): Promise<{ model?: tf.LayersModel; summary: RunSummary }> {
  return await cachedPretraining(o, {
    runId: await cacheId("digits-pretrain", key),
    task: o.task ?? "digits-shift",
    what: `pre-training the first-order ${arch.name} on clean digits`,
    build: () => arch.build(key.seed),
    loop: () => ({
      ...key.loop,
      train: data.train,
      eval: data.eval,
      stages: [{
        name: "pretrain",
        train: ["primary", "head", "norm"],
        epochs: key.pretrainEpochs,
      }],
      head: arch.head,
      seed: key.seed,
      config: { ...key, domain: "clean" },
    }),
  });
}

/**
 * digits-shift's pre-trained network: the first-order `settings.arch` on
 * the clean pre-training split `data` (key from the config's seed, width and
 * pre-training sizes, with {@link PRETRAIN_LOOP}).
 */
export function shiftPretrained(
  ctx: TaskContext,
  config: Record<string, unknown>,
  settings: { arch: Architecture },
  data: { train: Dataset; eval: Dataset },
): Promise<{ model?: tf.LayersModel; summary: RunSummary }> {
  return pretrained(
    { ...ctx, backend: ctx.backend.name },
    {
      arch: `${settings.arch.name}@3`,
      seed: config.seed as number,
      width: config.width as number,
      pretrainSize: config.pretrainSize as number,
      pretrainEpochs: config.pretrainEpochs as number,
      loop: PRETRAIN_LOOP,
      data: "clean-pretrain",
    },
    data,
    settings.arch,
  );
}
