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
  acquireLock,
  checkHealthy,
  type Dataset,
  loadModel,
  type Progress,
  readSummary,
  type RunSummary,
  runTraining,
  saveModel,
  type TaskContext,
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

/** What pre-training needs from the task's context (`task`: recorded; default digits-shift). */
export interface PretrainContext {
  runsDir: string;
  backend: string;
  progress: Progress;
  signal: { interrupted: boolean };
  log(line: string): void;
  task?: string;
}

async function hash(v: unknown): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(v)));
  return Array.from(new Uint8Array(d).slice(0, 5), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The cached (or freshly trained) pre-trained network and its run summary.
 * Two comparisons that need the same network take turns (a lock on its run
 * folder): the second waits, then reuses the first's. A cached network is
 * used only if its record says `completed`, its files pass their content
 * checks and it is healthy; otherwise the damaged cache is moved aside
 * (`<run-id>.damaged-<time>`, nothing deleted) and trained again.
 */
export async function pretrained(
  o: PretrainContext,
  key: PretrainKey,
  data: { train: Dataset; eval: Dataset },
  arch: Architecture,
): Promise<{ model?: tf.LayersModel; summary: RunSummary }> {
  const runId = `digits-pretrain-${await hash(key)}`;
  const dir = join(o.runsDir, runId);
  const release = await acquireLock(dir, {
    what: `Pre-training run ${runId}`,
    wait: true,
    timeoutMs: 6 * 60 * 60_000,
    onWait: (h) => o.log(`waiting for process ${h.pid}, which is pre-training the same network`),
  });
  try {
    const cached = await fromCache(o, dir, runId);
    if (cached) return cached;
    return await train(o, key, data, arch, runId);
  } finally {
    await release();
  }
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

async function fromCache(
  o: { log(line: string): void },
  dir: string,
  runId: string,
): Promise<{ model: tf.LayersModel; summary: RunSummary } | undefined> {
  if (!existsSync(join(dir, "summary.json"))) return undefined;
  let summary: RunSummary;
  try {
    summary = await readSummary(join(dir, "summary.json"));
  } catch (e) {
    return void await moveAside(o, dir, runId, (e as Error).message);
  }
  if (summary.status !== "completed") return undefined; // interrupted or failed: resume it
  try {
    const model = await loadModel(join(dir, "model"));
    await checkHealthy(model, `The cached pre-trained network (${runId})`);
    o.log(`pre-trained network: cached run ${runId}`);
    return { model, summary };
  } catch (e) {
    return void await moveAside(o, dir, runId, (e as Error).message);
  }
}

async function moveAside(o: { log(line: string): void }, dir: string, runId: string, why: string) {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "").slice(0, 18);
  const aside = `${dir}.damaged-${stamp}`;
  // Entry by entry, keeping our lock file where it is (the run folder stays locked).
  await Deno.mkdir(aside);
  for (const e of [...Deno.readDirSync(dir)]) {
    if (e.name !== ".lock") await Deno.rename(join(dir, e.name), join(aside, e.name));
  }
  o.log(
    `the cached pre-training run ${runId} is unusable (${why}); moved it to ${aside} and ` +
      `training it again`,
  );
}

async function train(
  o: PretrainContext,
  key: PretrainKey,
  data: { train: Dataset; eval: Dataset },
  arch: Architecture,
  runId: string,
): Promise<{ model?: tf.LayersModel; summary: RunSummary }> {
  const dir = join(o.runsDir, runId);
  const modelDir = join(dir, "model");
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
    resume: existsSync(join(dir, "summary.json")),
    progress: o.progress,
    signal: o.signal,
    label: "pretrain",
    // Written (and checked healthy by the loop) before the record says "completed", so a
    // completed pre-training run always has its model.
    beforeComplete: () => saveModel(model, modelDir),
  });
  if (result?.status === "interrupted") return { summary };
  return { model, summary };
}
