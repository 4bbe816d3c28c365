/**
 * What every arm of a detection comparison starts from, kept with the comparison so that a
 * `--resume` starts the remaining arms from the same: `start.json` (the backbone weights' SHA-256
 * and the learning rate of each arm, fixed when the comparison started) and the shared head
 * initialisation as the comparison's checkpoint (`checkpoints/step-00000000`).
 *
 * @example
 * ```ts
 * import type { RunRecord, tf } from "@quadranet/core";
 * import { comparisonStart, saveHeadInit } from "./comparison_start.ts";
 * declare const record: RunRecord, headInit: tf.Tensor[];
 * const started = await comparisonStart(record, {
 *   weights: "runs/coco-pretrain-0123456789/model/model.json",
 *   lrs: { frozen: 0.003, quadratic: 0.003 },
 * });
 * if (!started.headInit) await saveHeadInit(record, headInit); // built by the first arm
 * ```
 * @module
 */
import {
  ConfigError,
  findLatestCheckpoint,
  loadCheckpoint,
  readJsonFile,
  type RunRecord,
  saveCheckpoint,
  shapeOf,
  tf,
  writeJsonAtomic,
} from "@quadranet/core";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** What `start.json` holds. */
export interface ComparisonStart {
  /** The pre-trained backbone the arms load, and the SHA-256 of its file(s). */
  weights: { path: string; sha256: string };
  /** Learning rate of each arm. */
  lrs: Record<string, number>;
}

/**
 * SHA-256 (hex) of a weights file; for a `model.json`, of it and the weight files its manifest
 * names, in order.
 */
export async function weightsFingerprint(path: string): Promise<string> {
  const files = [path];
  if (path.endsWith(".json")) {
    const s = shapeOf(path, "Give a valid model.json");
    const manifest = s.list(
      s.obj(await readJsonFile(path, "Give a valid model.json"), "the file").weightsManifest,
      "weightsManifest",
    );
    manifest.forEach((g, i) =>
      files.push(
        ...s.strings(s.obj(g, `weightsManifest[${i}]`).paths, `weightsManifest[${i}].paths`)
          .map((p) => join(dirname(path), p)),
      )
    );
  }
  const hash = createHash("sha256");
  for (const f of files) {
    using file = await Deno.open(f);
    for await (const chunk of file.readable) hash.update(chunk);
  }
  return hash.digest("hex");
}

function parseStart(v: unknown, file: string): ComparisonStart {
  const s = shapeOf(file, "Restore it, or start a new comparison (without --resume)");
  const o = s.obj(v, "the file");
  const w = s.obj(o.weights, "weights");
  const lrs = s.obj(o.lrs, "lrs");
  return {
    weights: { path: s.str(w.path, "weights.path"), sha256: s.str(w.sha256, "weights.sha256") },
    lrs: Object.fromEntries(Object.entries(lrs).map(([k, x]) => [k, s.num(x, `lrs.${k}`)])),
  };
}

/**
 * The start of comparison `record`: read back from `start.json` when it exists (the backbone
 * weights must still be the ones it started with: otherwise a `ConfigError` saying what to do),
 * else written now from `now`; with the stored head initialisation, if saved yet (null: build it
 * and {@link saveHeadInit}).
 */
export async function comparisonStart(
  record: RunRecord,
  now: { weights: string; lrs: Record<string, number> },
): Promise<{ start: ComparisonStart; headInit: tf.Tensor[] | null }> {
  const file = join(record.dir, "start.json");
  const sha256 = await weightsFingerprint(now.weights);
  if (!existsSync(file)) {
    const start = { weights: { path: now.weights, sha256 }, lrs: now.lrs };
    await writeJsonAtomic(file, start);
    return { start, headInit: null };
  }
  const start = parseStart(await readJsonFile(file, "Restore it, or start a new comparison"), file);
  if (start.weights.sha256 !== sha256) {
    throw new ConfigError(
      "weights",
      `The backbone weights ${now.weights} are not the ones comparison ${record.summary.runId} ` +
        `started with (${start.weights.path}; SHA-256 ${start.weights.sha256.slice(0, 12)}…, now ` +
        `${sha256.slice(0, 12)}…): its remaining arms would start from another network. Put the ` +
        `original weights back, or start a new comparison (without --resume)`,
    );
  }
  const found = await findLatestCheckpoint(record.checkpoints);
  if (!found) return { start, headInit: null };
  const ck = await loadCheckpoint(found.path);
  tf.dispose(Object.values(ck.slots));
  const index = (k: string) => Number(k.slice("head/".length, k.indexOf(":")));
  const keys = Object.keys(ck.weights).sort((a, b) => index(a) - index(b));
  return { start, headInit: keys.map((k) => ck.weights[k]) };
}

/** Stores the shared head initialisation `weights` (in the head model's order) with `record`. */
export async function saveHeadInit(record: RunRecord, weights: tf.Tensor[]): Promise<void> {
  await saveCheckpoint(record.checkpoints, {
    weights: Object.fromEntries(weights.map((w, i) => [`head/${i}:init`, w])),
    slots: {},
    state: { step: 0, next: { stage: 0, epoch: 0, batch: 0 }, rng: 0, optimizerT: 0, examples: 0 },
  }, 1);
}
