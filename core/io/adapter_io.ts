/**
 * Adapter-only checkpoints: `adapter_config.json` plus one weights file
 * holding the adapter weights (U, V, P), the `modulesToSave` layers and the
 * BatchNormalization layers that training changed. The config records the
 * base model's weight fingerprint; loading onto another base fails.
 *
 * @example
 * ```ts
 * import { adapt, loadAdapter, saveAdapter, tf } from "@quadranet/core";
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const adapted = adapt(base, { rank: 2 });
 * await saveAdapter(adapted, "runs/demo/adapter");
 * const again = await loadAdapter(base, "runs/demo/adapter"); // same outputs as `adapted`
 * ```
 * @module
 */
import { join } from "node:path";
import { tf } from "../tf.ts";
import { adapt, adapterLayers, type AdapterMetadata, adapterMetadata } from "../adapter/adapt.ts";
import { configFromJson } from "../adapter/config.ts";
import { BaseMismatchError, CheckpointError } from "../errors.ts";
import { weightsFingerprint } from "./fingerprint.ts";
import { writeFileAtomic, writeJsonAtomic } from "./atomic_write.ts";
import { contentHash, removeStale, weightBytes } from "./model_io.ts";

/** The format tag of `adapter_config.json`. */
export const ADAPTER_FORMAT = "quadranet-adapter";

/** Contents of `adapter_config.json`. */
export interface AdapterFile extends AdapterMetadata {
  /** Always {@link ADAPTER_FORMAT}. */
  format: typeof ADAPTER_FORMAT;
  /** BatchNormalization layers whose weights are saved because training changed them. */
  savedBatchNorm: string[];
  /** Where the adapter's weights are (tfjs weights manifest). */
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** The weights an adapter checkpoint holds, by their tfjs names. */
export function adapterWeightSet(model: tf.LayersModel, meta: AdapterMetadata): {
  vars: tf.LayerVariable[];
  savedBatchNorm: string[];
} {
  const vars = new Set<tf.LayerVariable>();
  adapterLayers(model).forEach((l) => l.adapterWeights().forEach((w) => vars.add(w)));
  meta.modulesToSave.forEach((n) => model.getLayer(n).weights.forEach((w) => vars.add(w)));
  const savedBatchNorm = model.layers
    .filter((l) => l.getClassName() === "BatchNormalization")
    .filter((l) => meta.batchNormFingerprints[l.name] !== weightsFingerprint([l]))
    .map((l) => l.name);
  savedBatchNorm.forEach((n) => model.getLayer(n).weights.forEach((w) => vars.add(w)));
  return { vars: [...vars], savedBatchNorm };
}

/** Saves the adapter of a model made by `adapt()` to `dir` (atomic writes). */
export async function saveAdapter(model: tf.LayersModel, dir: string): Promise<void> {
  const meta = adapterMetadata(model);
  if (!meta) {
    throw new CheckpointError(
      `saveAdapter: the model has no adapter metadata; pass a model returned by adapt()`,
    );
  }
  const { vars, savedBatchNorm } = adapterWeightSet(model, meta);
  const named = vars.map((v) => ({ name: v.originalName, tensor: v.read() }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = weightBytes(data);
  const weightsFile = `adapter_weights.${contentHash(bytes)}.bin`;
  await writeFileAtomic(join(dir, weightsFile), bytes);
  const file: AdapterFile = {
    format: ADAPTER_FORMAT,
    ...meta,
    savedBatchNorm,
    weightsManifest: [{ paths: [weightsFile], weights: specs }],
  };
  await writeJsonAtomic(join(dir, "adapter_config.json"), file);
  await removeStale(dir, "adapter_weights.", weightsFile);
}

/** Reads and checks `adapter_config.json` in `dir`. */
export async function readAdapterFile(dir: string): Promise<AdapterFile> {
  const path = join(dir, "adapter_config.json");
  let file: AdapterFile;
  try {
    file = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new CheckpointError(
      `Cannot read adapter checkpoint "${path}": ${
        (e as Error).message
      }. Point to a folder written by saveAdapter().`,
    );
  }
  if (file.format !== ADAPTER_FORMAT || file.formatVersion !== 1) {
    throw new CheckpointError(
      `"${path}" is not a ${ADAPTER_FORMAT} v1 checkpoint (format ${
        JSON.stringify(file.format)
      }, version ${file.formatVersion})`,
    );
  }
  return file;
}

/**
 * Adapts `base` with the saved config and loads the saved weights. Throws
 * {@link BaseMismatchError} if `base` is not the model the adapter was made from.
 */
export async function loadAdapter(base: tf.LayersModel, dir: string): Promise<tf.LayersModel> {
  const file = await readAdapterFile(dir);
  const fp = weightsFingerprint(base.layers);
  if (fp !== file.baseFingerprint) {
    throw new BaseMismatchError(
      `The adapter in "${dir}" was made from a base model with weight fingerprint ` +
        `${file.baseFingerprint.slice(0, 16)}…, but this model's is ${fp.slice(0, 16)}…. ` +
        `Load it onto the pre-trained model it was trained from (same layers, same weights).`,
    );
  }
  const group = file.weightsManifest[0];
  const bytes = await Deno.readFile(join(dir, group.paths[0])).catch((e) => {
    throw new CheckpointError(
      `Cannot read adapter weights "${group.paths[0]}" in "${dir}": ${e.message}`,
    );
  });
  const expected = group.weights.reduce(
    (n, w) =>
      n +
      w.shape.reduce((a, d) => a * d, 1) * (w.dtype === "float32" || w.dtype === "int32" ? 4 : 1),
    0,
  );
  if (bytes.byteLength !== expected) {
    throw new CheckpointError(
      `Adapter weights "${
        group.paths[0]
      }" hold ${bytes.byteLength} bytes, the manifest needs ${expected}; the file is truncated or replaced`,
    );
  }
  const tensors = tf.io.decodeWeights(bytes.slice().buffer, group.weights);
  const adapted = adapt(base, configFromJson(file.config));
  const byName = new Map(adapted.weights.map((w) => [w.originalName, w]));
  const missing = Object.keys(tensors).filter((n) => !byName.has(n));
  if (missing.length) {
    Object.values(tensors).forEach((t) => t.dispose());
    throw new CheckpointError(
      `Adapter weights name layers this model lacks: ${missing.join(", ")}`,
    );
  }
  for (const [name, t] of Object.entries(tensors)) {
    byName.get(name)!.write(t);
    t.dispose();
  }
  return adapted;
}
