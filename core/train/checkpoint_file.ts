/**
 * Typed, validated reading of a checkpoint folder's files: `latest.json`
 * (a pointer that can only name a `step-NNNNNNNN` folder beside it, never a
 * path elsewhere) and `checkpoint.json` (the manifest: loop state, tensor
 * entries within `tensors.bin`, checksum). Finding the checkpoint to resume
 * from falls back to the newest intact folder when the pointer's target is
 * gone (e.g. a damaged newest checkpoint deleted, as its error advises).
 *
 * @example
 * ```ts
 * import { findLatestCheckpoint } from "@quadranet/core";
 * const found = await findLatestCheckpoint("runs/r1/checkpoints");
 * // { path: "runs/r1/checkpoints/step-00000040", note?: "latest.json names …" }
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readJsonFile, shapeOf } from "../io/json_shape.ts";

/** Checkpoint folder names. */
export const CHECKPOINT_NAME = /^step-\d{8}$/;

/** One tensor inside `tensors.bin` (float32 offsets and lengths). */
export interface TensorEntry {
  /** The weight's or slot's key. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Where it starts, in floats. */
  offset: number;
  /** How many floats (the product of the shape). */
  length: number;
}

/** Format 1's loop state (position and extras flat). */
export interface ManifestStateV1 {
  /** Optimizer updates done. */
  step: number;
  /** Stage index. */
  stage: number;
  /** Epoch within the stage. */
  epoch: number;
  /** Batches of the epoch done. */
  batch: number;
  /** RNG state at the start of the epoch. */
  rng: number;
  /** Optimizer update count. */
  optimizerT: number;
  /** Best metrics, examples, compute. */
  extra: Record<string, unknown>;
}

/** Format 2's loop state (see checkpoint.ts's LoopState). */
export interface ManifestStateV2 {
  /** Optimizer updates done. */
  step: number;
  /** The next batch to run. */
  next: { stage: number; epoch: number; batch: number };
  /** RNG state at the start of epoch `next.epoch`. */
  rng: number;
  /** Optimizer update count. */
  optimizerT: number;
  /** Training examples seen. */
  examples: number;
  /** Best evaluation so far (numbers). */
  best?: unknown;
  /** Compute so far (numbers). */
  compute?: unknown;
}

/** `checkpoint.json` (formats 1 and 2). */
export interface Manifest {
  /** 1 (position in `extra`) or 2 (explicit `next`). */
  formatVersion: 1 | 2;
  /** Where the loop stands. */
  state: ManifestStateV1 | ManifestStateV2;
  /** Model weights in tensors.bin. */
  weights: TensorEntry[];
  /** Optimizer slots in tensors.bin. */
  slots: TensorEntry[];
  /** SHA-256 of tensors.bin. */
  sha256: string;
}

const FIX = "Delete this checkpoint folder to resume from an older one (or from the start)";

/** Validates a parsed `checkpoint.json`; `floats` is the length of `tensors.bin` in float32s. */
export function parseManifest(value: unknown, file: string, floats: number): Manifest {
  const s = shapeOf(file, FIX);
  const m = s.obj(value, "the file");
  if (m.formatVersion !== 1 && m.formatVersion !== 2) {
    s.fail("formatVersion", "1 or 2", m.formatVersion);
  }
  const st = s.obj(m.state, "state");
  const numbers = (v: unknown, field: string) => {
    if (v === undefined) return undefined;
    const o = s.obj(v, field);
    for (const [k, x] of Object.entries(o)) if (x !== null) s.num(x, `${field}.${k}`);
    return o;
  };
  let state: ManifestStateV1 | ManifestStateV2;
  if (m.formatVersion === 1) {
    state = {
      step: s.nat(st.step, "state.step"),
      stage: s.nat(st.stage, "state.stage"),
      epoch: s.nat(st.epoch, "state.epoch"),
      batch: s.nat(st.batch, "state.batch"),
      rng: s.nat(st.rng, "state.rng"),
      optimizerT: s.nat(st.optimizerT, "state.optimizerT"),
      extra: s.obj(st.extra, "state.extra"),
    };
  } else {
    const next = s.obj(st.next, "state.next");
    state = {
      step: s.nat(st.step, "state.step"),
      next: {
        stage: s.nat(next.stage, "state.next.stage"),
        epoch: s.nat(next.epoch, "state.next.epoch"),
        batch: s.nat(next.batch, "state.next.batch"),
      },
      rng: s.nat(st.rng, "state.rng"),
      optimizerT: s.nat(st.optimizerT, "state.optimizerT"),
      examples: s.nat(st.examples, "state.examples"),
      ...(st.best !== undefined ? { best: numbers(st.best, "state.best") } : {}),
      ...(st.compute !== undefined ? { compute: numbers(st.compute, "state.compute") } : {}),
    };
  }
  const entries = (v: unknown, field: string): TensorEntry[] =>
    s.list(v, field).map((x, i) => {
      const e = s.obj(x, `${field}[${i}]`);
      const entry = {
        name: s.str(e.name, `${field}[${i}].name`),
        shape: s.shape(e.shape, `${field}[${i}].shape`),
        offset: s.nat(e.offset, `${field}[${i}].offset`),
        length: s.nat(e.length, `${field}[${i}].length`),
      };
      if (entry.shape.reduce((a, d) => a * d, 1) !== entry.length) {
        s.fail(`${field}[${i}].length`, `the product of its shape`, entry.length);
      }
      if (entry.offset + entry.length > floats) {
        s.fail(`${field}[${i}]`, `inside tensors.bin (${floats} floats)`, [
          entry.offset,
          entry.length,
        ]);
      }
      return entry;
    });
  return {
    formatVersion: m.formatVersion as 1 | 2,
    state,
    weights: entries(m.weights, "weights"),
    slots: entries(m.slots, "slots"),
    sha256: s.str(m.sha256, "sha256", /^[0-9a-f]{64}$/),
  };
}

/** Validates a parsed `latest.json`: it may only name a checkpoint folder beside it. */
export function parseLatest(value: unknown, file: string): { checkpoint: string; step: number } {
  const s = shapeOf(file, "Delete latest.json to resume from the newest checkpoint folder");
  const v = s.obj(value, "the file");
  return {
    checkpoint: s.str(v.checkpoint, "checkpoint", CHECKPOINT_NAME),
    step: s.nat(v.step, "step"),
  };
}

/**
 * The checkpoint to resume from under `dir`: the one `latest.json` names
 * if it is there; otherwise the newest `step-*` folder holding a
 * `checkpoint.json` (with a note saying so). Undefined when there is none.
 * A malformed `latest.json` is an error naming it.
 */
export async function findLatestCheckpoint(
  dir: string,
): Promise<{ path: string; note?: string } | undefined> {
  const pointer = join(dir, "latest.json");
  let named: string | undefined;
  if (existsSync(pointer)) {
    named = parseLatest(await readJsonFile(pointer, "Delete it to resume"), pointer).checkpoint;
    if (existsSync(join(dir, named, "checkpoint.json"))) return { path: join(dir, named) };
  }
  const folders = existsSync(dir)
    ? [...Deno.readDirSync(dir)].filter((e) => e.isDirectory && CHECKPOINT_NAME.test(e.name))
      .map((e) => e.name).sort().reverse()
    : [];
  const intact = folders.find((f) => existsSync(join(dir, f, "checkpoint.json")));
  if (!intact) return undefined;
  return {
    path: join(dir, intact),
    note: named
      ? `latest.json names ${named}, which is gone; resuming from ${intact}`
      : `no latest.json; resuming from the newest checkpoint, ${intact}`,
  };
}
