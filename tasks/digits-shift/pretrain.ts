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
import {
  type Dataset,
  loadModel,
  type Progress,
  readSummary,
  runExists,
  runPaths,
  type RunSummary,
  runTraining,
  saveModel,
  type tf,
} from "@quadranet/core";
import { existsSync } from "node:fs";
import { join } from "node:path";
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

async function hash(v: unknown): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(v)));
  return Array.from(new Uint8Array(d).slice(0, 5), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The cached (or freshly trained) pre-trained network and its run summary. */
export async function pretrained(
  o: {
    runsDir: string;
    backend: string;
    progress: Progress;
    signal: { interrupted: boolean };
    log(line: string): void;
    task?: string;
  },
  key: PretrainKey,
  data: { train: Dataset; eval: Dataset },
  arch: Architecture,
): Promise<{ model?: tf.LayersModel; summary: RunSummary }> {
  const runId = `digits-pretrain-${await hash(key)}`;
  const paths = runPaths(o.runsDir, runId);
  const modelDir = join(paths.dir, "model");
  if (existsSync(join(modelDir, "model.json")) && runExists(o.runsDir, runId)) {
    const summary = await readSummary(paths.summary);
    if (summary.status === "completed") {
      o.log(`pre-trained network: cached run ${runId}`);
      return { model: await loadModel(join(modelDir, "model.json")), summary };
    }
  }
  o.log(`pre-training the first-order ${arch.name} on clean digits (run ${runId})`);
  const model = arch.build(key.seed);
  const { summary, result } = await runTraining({
    ...key.loop,
    model,
    train: data.train,
    eval: data.eval,
    stages: [{ name: "pretrain", train: ["primary", "head", "norm"], epochs: key.pretrainEpochs }],
    head: arch.head,
    seed: key.seed,
    runsDir: o.runsDir,
    runId,
    task: o.task ?? "digits-shift",
    method: "pretrain",
    backend: o.backend,
    config: { ...key, domain: "clean" },
    resume: runExists(o.runsDir, runId),
    progress: o.progress,
    signal: o.signal,
    label: "pretrain",
  });
  if (result?.status === "interrupted") return { summary };
  // The model is written before the summary says "completed" is trusted by the cache check above.
  await saveModel(model, modelDir);
  return { model, summary };
}
