/**
 * A cached pre-training run, shared by the tasks whose arms start from a
 * network they pre-train themselves (digits-shift, digits-upgrade, coco):
 * the run lives under `runs/<run-id>/` (the id from a hash of what
 * determines the network) and is reused. Two comparisons that need the same
 * network take turns (a lock on its run folder): the second waits, then
 * reuses the first's. A cached network is used only if its record says
 * `completed`, its files pass their content checks and it is healthy;
 * otherwise the damaged cache is moved aside (`<run-id>.damaged-<time>`,
 * nothing deleted) and trained again. An interrupted pre-training resumes
 * from its checkpoint.
 *
 * @example
 * ```ts
 * import { cacheId } from "./pretrain_cache.ts";
 * await cacheId("digits-pretrain", { seed: 1 }); // "digits-pretrain-" + 10 hex digits
 * ```
 * @module
 */
import {
  acquireLock,
  checkHealthy,
  loadModel,
  type Progress,
  readSummary,
  type RunSummary,
  runTraining,
  type RunTrainingOptions,
  saveModel,
  type tf,
} from "@quadranet/core";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** What pre-training needs from the task's context. */
export interface PretrainContext {
  runsDir: string;
  backend: string;
  progress: Progress;
  signal: { interrupted: boolean };
  log(line: string): void;
}

/** `prefix-<hash>`: the first 5 bytes of the SHA-256 of `key` as JSON, in hex. */
export async function cacheId(prefix: string, key: unknown): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(key)));
  const hex = Array.from(new Uint8Array(d).slice(0, 5), (b) => b.toString(16).padStart(2, "0"));
  return `${prefix}-${hex.join("")}`;
}

/** One pre-training: the run, the network to train, and the loop that trains it. */
export interface Pretraining {
  /** The cache's run id (see {@link cacheId}). */
  runId: string;
  /** The task recorded in the run. */
  task: string;
  /** Said when it starts training ("pre-training X on Y"). */
  what: string;
  /** A fresh network, deterministic in the key's seed. */
  build(): tf.LayersModel | Promise<tf.LayersModel>;
  /**
   * The loop: data, stages, optimizer, head, seed, recorded config (the
   * run's id, folder, task, progress and signal are filled in). Called only
   * when it trains, so a cache hit never builds the data.
   */
  loop(): Omit<
    RunTrainingOptions,
    | "model"
    | "runsDir"
    | "runId"
    | "task"
    | "method"
    | "backend"
    | "resume"
    | "progress"
    | "signal"
    | "label"
    | "beforeComplete"
  >;
}

/** The cached (or freshly trained) network and its run summary; no model: interrupted. */
export async function cachedPretraining(
  o: PretrainContext,
  p: Pretraining,
): Promise<{ model?: tf.LayersModel; summary: RunSummary }> {
  const dir = join(o.runsDir, p.runId);
  const release = await acquireLock(dir, {
    what: `Pre-training run ${p.runId}`,
    wait: true,
    timeoutMs: 6 * 60 * 60_000,
    onWait: (h) => o.log(`waiting for process ${h.pid}, which is pre-training the same network`),
  });
  try {
    const cached = await fromCache(o, dir, p.runId);
    if (cached) return cached;
    return await train(o, p);
  } finally {
    await release();
  }
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
  p: Pretraining,
): Promise<{ model?: tf.LayersModel; summary: RunSummary }> {
  const dir = join(o.runsDir, p.runId);
  const modelDir = join(dir, "model");
  o.log(`${p.what} (run ${p.runId})`);
  const model = await p.build();
  const { summary, result } = await runTraining({
    ...p.loop(),
    model,
    runsDir: o.runsDir,
    runId: p.runId,
    task: p.task,
    method: "pretrain",
    backend: o.backend,
    resume: existsSync(join(dir, "summary.json")),
    progress: o.progress,
    signal: o.signal,
    label: "pretrain",
    // Written (and checked healthy by the loop) before the record says "completed", so a
    // completed pre-training run always has its model.
    beforeComplete: () => saveModel(model, modelDir),
  });
  if (result?.status === "interrupted") {
    model.dispose();
    return { summary };
  }
  return { model, summary };
}
