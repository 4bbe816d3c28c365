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
import { readJsonFile, shapeOf } from "./json_shape.ts";
import { acquireLock, withReadLock } from "./lock_file.ts";
import { parseManifestGroups, readWeights } from "./weights_file.ts";
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

/**
 * Saves the adapter of a model made by `adapt()` to `dir` (atomic writes).
 * Concurrent saves into one folder take turns (a lock file): the folder
 * ends with one complete adapter.
 */
export async function saveAdapter(model: tf.LayersModel, dir: string): Promise<void> {
  const release = await acquireLock(dir, { what: `Adapter folder ${dir}`, wait: true });
  try {
    await saveUnlocked(model, dir);
  } finally {
    await release();
  }
}

async function saveUnlocked(model: tf.LayersModel, dir: string): Promise<void> {
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

const ADAPTER_FIX = "Point to a folder written by saveAdapter(), or save the adapter again";

/** Reads `adapter_config.json` in `dir`, validating every field; errors name the file. */
export async function readAdapterFile(dir: string): Promise<AdapterFile> {
  const path = join(dir, "adapter_config.json");
  const s = shapeOf(path, ADAPTER_FIX);
  const v = s.obj(await readJsonFile(path, ADAPTER_FIX), "the file");
  if (v.format !== ADAPTER_FORMAT || v.formatVersion !== 1) {
    throw new CheckpointError(
      `"${path}" is not a ${ADAPTER_FORMAT} v1 checkpoint (format ${
        JSON.stringify(v.format)
      }, version ${JSON.stringify(v.formatVersion)}). ${ADAPTER_FIX}`,
    );
  }
  const fps = s.obj(v.batchNormFingerprints, "batchNormFingerprints");
  for (const [k, f] of Object.entries(fps)) s.str(f, `batchNormFingerprints.${k}`);
  const manifest = parseManifestGroups(v.weightsManifest, path, ADAPTER_FIX);
  if (manifest.length !== 1) s.fail("weightsManifest", "one group", manifest.length);
  return {
    format: ADAPTER_FORMAT,
    formatVersion: 1,
    config: s.obj(v.config, "config"),
    adaptedLayers: s.strings(v.adaptedLayers, "adaptedLayers"),
    modulesToSave: s.strings(v.modulesToSave, "modulesToSave"),
    baseFingerprint: s.str(v.baseFingerprint, "baseFingerprint", /^[0-9a-f]{64}$/),
    batchNormFingerprints: fps as Record<string, string>,
    savedBatchNorm: s.strings(v.savedBatchNorm, "savedBatchNorm"),
    weightsManifest: manifest,
  };
}

/**
 * Adapts `base` with the saved config and loads the saved weights. Throws
 * {@link BaseMismatchError} if `base` is not the model the adapter was made from.
 */
export function loadAdapter(base: tf.LayersModel, dir: string): Promise<tf.LayersModel> {
  return withReadLock(dir, () => loadLocked(base, dir));
}

async function loadLocked(base: tf.LayersModel, dir: string): Promise<tf.LayersModel> {
  const file = await readAdapterFile(dir);
  const fp = weightsFingerprint(base.layers);
  if (fp !== file.baseFingerprint) {
    throw new BaseMismatchError(
      `The adapter in "${dir}" was made from a base model with weight fingerprint ` +
        `${file.baseFingerprint.slice(0, 16)}…, but this model's is ${fp.slice(0, 16)}…. ` +
        `Load it onto the pre-trained model it was trained from (same layers, same weights).`,
    );
  }
  const path = join(dir, "adapter_config.json");
  const { specs, data } = await readWeights(dir, file.weightsManifest, path, ADAPTER_FIX);
  let adapted: tf.LayersModel;
  try {
    adapted = adapt(base, configFromJson(file.config));
  } catch (e) {
    throw new CheckpointError(
      `${path}: its config cannot adapt this model (${(e as Error).message}). ${ADAPTER_FIX}`,
    );
  }
  // Every weight the adapter must carry is in the file: nothing loads half an adapter.
  const layerWeights = (names: string[], what: string) =>
    names.flatMap((n) => {
      try {
        return adapted.getLayer(n).weights;
      } catch {
        throw new CheckpointError(`${path}: ${what} names layer "${n}", which the model lacks`);
      }
    });
  const needed = [
    ...adapterLayers(adapted).flatMap((l) => l.adapterWeights()),
    ...layerWeights(file.modulesToSave, "modulesToSave"),
    ...layerWeights(file.savedBatchNorm, "savedBatchNorm"),
  ].map((v) => v.originalName);
  const names = new Set(specs.map((w) => w.name));
  const absent = needed.filter((n) => !names.has(n));
  if (absent.length) {
    throw new CheckpointError(
      `${path} lacks ${absent.length} weight(s) the adapter needs: ${
        absent.slice(0, 5).join(", ")
      }` +
        `${absent.length > 5 ? ", …" : ""}. ${ADAPTER_FIX}`,
    );
  }
  const tensors = tf.io.decodeWeights(data, specs);
  const byName = new Map(adapted.weights.map((w) => [w.originalName, w]));
  const missing = Object.keys(tensors).filter((n) => !byName.has(n));
  if (missing.length) {
    Object.values(tensors).forEach((t) => t.dispose());
    throw new CheckpointError(
      `Adapter weights name layers this model lacks: ${missing.join(", ")}`,
    );
  }
  for (const [name, t] of Object.entries(tensors)) {
    const target = byName.get(name)!;
    if (target.shape.join(",") !== t.shape.join(",")) {
      Object.values(tensors).forEach((x) => x.dispose());
      throw new CheckpointError(
        `${path}: weight ${name} has shape [${t.shape}], the adapted model needs [${target.shape}]. ${ADAPTER_FIX}`,
      );
    }
  }
  for (const [name, t] of Object.entries(tensors)) {
    byName.get(name)!.write(t);
    t.dispose();
  }
  return adapted;
}
