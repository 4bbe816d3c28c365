/**
 * Whole-model save and load in Deno, in tfjs-layers format: `model.json`
 * plus one weights file, loadable by `tf.loadLayersModel("file://…")`.
 *
 * The weights file is named by its content hash and written before
 * `model.json`, and both writes are atomic, so the folder always holds a
 * complete model: the old one or the new one.
 *
 * @example
 * ```ts
 * import { adapt, loadModel, saveModel, tf } from "@quadranet/core";
 * const adapted = adapt(tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] }));
 * await saveModel(adapted, "runs/demo/model");
 * const again = await loadModel("runs/demo/model");
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { tf } from "../tf.ts";
import { writeFileAtomic, writeJsonAtomic } from "./atomic_write.ts";
import { CheckpointError } from "../errors.ts";
import { readJsonFile, shapeOf } from "./json_shape.ts";
import { acquireLock, withReadLock } from "./lock_file.ts";
import { parseManifestGroups, readWeights } from "./weights_file.ts";
import "../adapter/adapt.ts"; // registers the adapted layer classes for loading

/** Concatenates tfjs weight data (one buffer or several) into bytes. */
export function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/** Short content hash used in weight file names. */
export function contentHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}

/** Removes `prefix*.bin` files in `dir` other than `keep`. */
export async function removeStale(dir: string, prefix: string, keep: string): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.startsWith(prefix) && e.name.endsWith(".bin") && e.name !== keep) {
      await Deno.remove(join(dir, e.name)).catch(() => {});
    }
  }
}

/**
 * Saves a whole model (topology + weights + metadata) to `dir`. Concurrent
 * saves into one folder take turns (a lock file), so the folder ends with
 * one complete model, never JSON naming a weights file another save removed.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  const release = await acquireLock(dir, { what: `Model folder ${dir}`, wait: true });
  try {
    await saveUnlocked(model, dir);
  } finally {
    await release();
  }
}

async function saveUnlocked(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const bytes = weightBytes(artifacts.weightData);
    const weightsFile = `weights.${contentHash(bytes)}.bin`;
    await writeFileAtomic(join(dir, weightsFile), bytes);
    const json: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology!,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.userDefinedMetadata
        ? { userDefinedMetadata: artifacts.userDefinedMetadata }
        : {}),
    };
    await writeJsonAtomic(join(dir, "model.json"), json);
    await removeStale(dir, "weights.", weightsFile);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
}

const MODEL_FIX = "Save the model again (saveModel) or restore the folder from a copy";

/**
 * Loads a model saved by {@link saveModel} (or any tfjs-layers `model.json`
 * folder or file). `model.json` is validated (its weight files must be plain
 * names beside it), every weights file must hold exactly the bytes the
 * manifest needs and, when named by content hash, hash to its name; any
 * failure is one {@link CheckpointError} naming the file.
 */
export async function loadModel(path: string): Promise<tf.LayersModel> {
  const abs = resolve(path);
  let file = abs;
  try {
    if ((await Deno.stat(abs)).isDirectory) file = join(abs, "model.json");
    await Deno.stat(file);
  } catch {
    throw new CheckpointError(
      `No model at "${path}": expected a folder with model.json or a model.json file (save one with saveModel())`,
    );
  }
  return await withReadLock(dirname(file), () => loadFile(file));
}

async function loadFile(file: string): Promise<tf.LayersModel> {
  const s = shapeOf(file, MODEL_FIX);
  const json = s.obj(await readJsonFile(file, MODEL_FIX), "the file");
  const topology = s.obj(json.modelTopology, "modelTopology");
  const manifest = parseManifestGroups(json.weightsManifest, file, MODEL_FIX);
  const { specs, data } = await readWeights(dirname(file), manifest, file, MODEL_FIX);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: topology,
      weightSpecs: specs,
      weightData: data,
      format: json.format as string | undefined,
      generatedBy: json.generatedBy as string | undefined,
      convertedBy: json.convertedBy as string | null | undefined,
      userDefinedMetadata: json.userDefinedMetadata as Record<string, unknown> | undefined,
    }));
  } catch (e) {
    throw new CheckpointError(
      `${file}: the model cannot be built (${(e as Error).message}). ${MODEL_FIX}`,
    );
  }
}
