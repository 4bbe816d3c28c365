/**
 * Training checkpoints: every model weight (moving statistics included),
 * the optimizer's slots and the loop state (step, stage, epoch, position in
 * the data order, RNG state) in one folder, written atomically: a temporary
 * folder renamed into place, then `latest.json` pointed at it. A checkpoint
 * is either complete or absent; a checksum catches a damaged file.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint, tf } from "@quadranet/core";
 * const weights = { "0:dense/kernel": tf.ones([4, 3]) }, slots = {};
 * const state = { step: 10, next: { stage: 0, epoch: 1, batch: 0 }, rng: 1, optimizerT: 10, examples: 640 };
 * await saveCheckpoint("runs/r1/checkpoints", { weights, slots, state });
 * const ck = await loadCheckpoint("runs/r1/checkpoints"); // the latest
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { writeFaults, writeFileAtomic, writeJsonAtomic } from "../io/atomic_write.ts";
import { CheckpointError } from "../errors.ts";
import { readJsonFile } from "../io/json_shape.ts";
import { tf } from "../tf.ts";
import type { Compute } from "../records/schema.ts";
import type { EvalMetrics } from "./evaluate.ts";

/** Where a resumed loop starts: the next batch to run. */
export interface LoopPosition {
  /** Index of the stage. */
  stage: number;
  /** Epoch within the stage (0-based; may equal the stage's epochs: the stage is done). */
  epoch: number;
  /** Batch within the epoch (may equal the batches per epoch: the epoch's training is done). */
  batch: number;
}
import {
  findLatestCheckpoint,
  type Manifest,
  type ManifestStateV1,
  parseLatest,
  parseManifest,
  type TensorEntry,
} from "./checkpoint_file.ts";
import { countNonFinite, UnhealthyModelError } from "./model_health.ts";

/** Where the loop stands; everything but tensors. */
export interface LoopState {
  /** Optimizer updates done over the whole run. */
  step: number;
  /** The next batch to run. */
  /** The next batch to run. */
  next: LoopPosition;
  /** {@link Rng} state at the start of epoch `next.epoch` (it draws that epoch's order). */
  rng: number;
  /** Optimizer update count (AdamW bias correction). */
  optimizerT: number;
  /** Training examples seen. */
  examples: number;
  /** Best evaluation so far. */
  best?: EvalMetrics;
  /** Compute spent so far, as the run accounts it (see `runTraining`). */
  compute?: Compute;
  /** Analytic training FLOPs so far (when the loop is given `flopsPerExample`). */
  flops?: number;
}

// Format 1 kept the position in stage/epoch/batch and the rest in `extra`.
function migrateState(formatVersion: number, state: LoopState | ManifestStateV1): LoopState {
  if (formatVersion >= 2) return state as LoopState;
  const v1 = state as ManifestStateV1;
  const extra = v1.extra as { best?: EvalMetrics; examples?: number; compute?: Compute };
  return {
    step: v1.step,
    next: { stage: v1.stage, epoch: v1.epoch, batch: v1.batch },
    rng: v1.rng,
    optimizerT: v1.optimizerT,
    examples: extra.examples ?? 0,
    best: extra.best,
    compute: extra.compute,
  };
}

/** What a checkpoint holds. */
export interface CheckpointData {
  /** Model weights by {@link weightKeys}-style key. */
  weights: Record<string, tf.Tensor>;
  /** Optimizer slots (moments) by key. */
  slots: Record<string, tf.Tensor>;
  /** Where the loop stands. */
  state: LoopState;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function pack(tensors: Record<string, tf.Tensor>, start: number, parts: Float32Array[]) {
  const entries: TensorEntry[] = [];
  let offset = start;
  for (const [name, t] of Object.entries(tensors)) {
    const data = await t.data() as Float32Array; // async: GPU backends
    entries.push({ name, shape: t.shape, offset, length: data.length });
    parts.push(data);
    offset += data.length;
  }
  return { entries, end: offset };
}

/** Name of the checkpoint folder for `step`. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

/**
 * Writes a checkpoint for `data.state.step` under `dir` and points
 * `latest.json` at it; keeps it and the `keep - 1` newest before it
 * (any past its step too). Returns its path.
 */
export async function saveCheckpoint(dir: string, data: CheckpointData, keep = 2): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const parts: Float32Array[] = [];
  const w = await pack(data.weights, 0, parts);
  const s = await pack(data.slots, w.end, parts);
  const flat = new Float32Array(s.end);
  let o = 0;
  for (const p of parts) {
    flat.set(p, o);
    o += p.length;
  }
  // A checkpoint is a "good" one to return to: never write non-finite weights or slots.
  const bad = countNonFinite(flat);
  if (bad > 0) {
    const names = [...w.entries, ...s.entries].filter((e) =>
      countNonFinite(flat.subarray(e.offset, e.offset + e.length)) > 0
    ).map((e) => e.name);
    throw new UnhealthyModelError(
      `The model at step ${data.state.step}`,
      [`${bad} non-finite values in ${names.slice(0, 5).join(", ")}${
        names.length > 5 ? ", …" : ""
      }`],
      "No checkpoint was written for it. Training diverged: lower the learning rate (--lr), " +
        "enable gradient clipping (--clip-norm) or add warmup (--warmup-steps)",
    );
  }
  const bytes = new Uint8Array(flat.buffer);
  const manifest: Manifest = {
    formatVersion: 2,
    state: data.state,
    weights: w.entries,
    slots: s.entries,
    sha256: await sha256(bytes),
  };
  const name = checkpointName(data.state.step);
  const tmp = join(dir, `.${name}.tmp-${crypto.randomUUID().slice(0, 8)}`);
  await Deno.mkdir(tmp);
  await writeFileAtomic(join(tmp, "tensors.bin"), bytes); // synced before the rename below
  await writeFileAtomic(join(tmp, "checkpoint.json"), JSON.stringify(manifest));
  const final = join(dir, name);
  if (existsSync(final)) await Deno.remove(final, { recursive: true });
  writeFaults.hook?.("written", final);
  await Deno.rename(tmp, final);
  writeFaults.hook?.("renamed", final);
  await writeJsonAtomic(join(dir, "latest.json"), { checkpoint: name, step: data.state.step });
  // Pruned: all but the newest `keep - 1` before this one. Never this one, and none past its
  // step: one left by a run killed between its rename and `latest.json`, then resumed from the
  // one before, sorts after it (a resume from an older checkpoint leaves the newer ones alone).
  const stepOf = (n: string) => Number(n.slice("step-".length));
  const before = [...Deno.readDirSync(dir)]
    .filter((e) => e.isDirectory && /^step-\d+$/.test(e.name) && stepOf(e.name) < data.state.step)
    .map((e) => e.name).sort((x, y) => stepOf(x) - stepOf(y));
  for (const old of before.slice(0, Math.max(0, before.length - (keep - 1)))) {
    await Deno.remove(join(dir, old), { recursive: true });
  }
  return final;
}

/**
 * The latest checkpoint folder under `dir` (see {@link findLatestCheckpoint}:
 * the newest intact one when `latest.json`'s target is gone), or undefined
 * when there is none.
 */
export async function latestCheckpoint(dir: string): Promise<string | undefined> {
  return (await findLatestCheckpoint(dir))?.path;
}

/** Reads a checkpoint folder (or the latest under a checkpoints dir), validating every field. */
export async function loadCheckpoint(path: string): Promise<CheckpointData> {
  const isDir = existsSync(join(path, "latest.json")) ||
    [...(existsSync(path) ? Deno.readDirSync(path) : [])].some((e) => /^step-\d+$/.test(e.name));
  const folder = isDir ? await latestCheckpoint(path) : path;
  if (!folder || !existsSync(join(folder, "checkpoint.json"))) {
    throw new CheckpointError(`No checkpoint at "${path}"; nothing to resume from`);
  }
  const file = join(folder, "checkpoint.json");
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(join(folder, "tensors.bin"));
  } catch (e) {
    throw new CheckpointError(
      `Checkpoint "${folder}" has no readable tensors.bin (${(e as Error).message}); ` +
        `delete it to resume from an older one`,
    );
  }
  if (bytes.byteLength % 4 !== 0) {
    throw new CheckpointError(
      `Checkpoint "${folder}" is damaged (tensors.bin is ${bytes.byteLength} bytes, not whole ` +
        `floats); delete it to resume from an older one`,
    );
  }
  const manifest = parseManifest(
    await readJsonFile(file, "Delete this checkpoint folder to resume from an older one"),
    file,
    bytes.byteLength / 4,
  );
  if (await sha256(bytes) !== manifest.sha256) {
    throw new CheckpointError(
      `Checkpoint "${folder}" is damaged (checksum mismatch); delete it to resume from an older one`,
    );
  }
  const flat = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const read = (entries: TensorEntry[]) =>
    Object.fromEntries(entries.map((e) => [
      e.name,
      tf.tensor(flat.slice(e.offset, e.offset + e.length), e.shape),
    ]));
  return {
    weights: read(manifest.weights),
    slots: read(manifest.slots),
    state: migrateState(manifest.formatVersion, manifest.state as LoopState | ManifestStateV1),
  };
}

/** Reads and validates `latest.json` under `dir` (undefined when absent). */
export async function readLatest(
  dir: string,
): Promise<{ checkpoint: string; step: number } | undefined> {
  const file = join(dir, "latest.json");
  if (!existsSync(file)) return undefined;
  return parseLatest(await readJsonFile(file, "Delete it to resume"), file);
}
