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
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tf } from "../tf.ts";
import { writeFileAtomic, writeJsonAtomic } from "./atomic_write.ts";
import { CheckpointError } from "../errors.ts";
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

/** Saves a whole model (topology + weights + metadata) to `dir`. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
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

/** Loads a model saved by {@link saveModel} (or any tfjs-layers `model.json` folder or file). */
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
  return await tf.loadLayersModel(pathToFileURL(file).href);
}
