/**
 * `adapt(model, config)`: a new model in which the target layers carry a
 * quadratic term initialised to zero, so that right after adapting it
 * computes exactly what `model` computes. The input model is untouched.
 *
 * @example
 * ```ts
 * import { adapt, adapterSummary, formatAdapterSummary, tf } from "@quadranet/core";
 * const base = await tf.loadLayersModel("file:///abs/path/model.json");
 * const adapted = adapt(base, { rank: 4, targets: "Conv2D", modulesToSave: ["head"] });
 * console.log(formatAdapterSummary(adapterSummary(adapted)));
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { type AdaptConfig, configToJson, resolveAdaptConfig } from "./config.ts";
import { lookup } from "../plugins/default_registry.ts";
import { type AdapterLayer, isAdapterLayer } from "./adapter_method.ts";
import { selectModules, selectTargets } from "./targets.ts";
import { TargetError } from "../errors.ts";
import { copyWeightsByName, modelTopology, rebuildModel } from "./topology.ts";
import { weightsFingerprint } from "../io/fingerprint.ts";
import "./quadratic_layer.ts";

/** What {@link adapt} records in the adapted model's user-defined metadata. */
export interface AdapterMetadata {
  /** Version of this metadata's layout. */
  formatVersion: 1;
  /** The resolved adapter config, as JSON (RegExps as `{ regex, flags }`). */
  config: Record<string, unknown>;
  /** Names of the adapted layers. */
  adaptedLayers: string[];
  /** Names of the layers trained in full and saved with the adapter. */
  modulesToSave: string[];
  /** {@link weightsFingerprint} of the input model. */
  baseFingerprint: string;
  /** Fingerprint of each BatchNormalization layer's weights at adapt time. */
  batchNormFingerprints: Record<string, string>;
  /** Adaptable layers inside nested models, which `adapt()` does not descend into. */
  notAdapted?: NestedLayers[];
}

/** Adaptable layers inside one nested model (a model used as a layer). */
export interface NestedLayers {
  /** The nested model's layer name in the outer model. */
  model: string;
  /** Names of its adaptable layers (at any depth), `inner/leaf` for deeper ones. */
  layers: string[];
}

/**
 * Adaptable layers (classes in `supported`) inside nested models of
 * `model`: `adapt()` works on the outer model's own layers and leaves these
 * untouched, so it reports them (in the metadata and the summary) instead
 * of skipping them silently.
 */
export function nestedAdaptable(model: tf.LayersModel, supported: string[]): NestedLayers[] {
  const inner = (m: tf.LayersModel, prefix: string): string[] =>
    m.layers.flatMap((l) =>
      isModel(l)
        ? inner(l, `${prefix}${l.name}/`)
        : supported.includes(l.getClassName())
        ? [`${prefix}${l.name}`]
        : []
    );
  return model.layers.filter(isModel).map((l) => ({ model: l.name, layers: inner(l, "") }))
    .filter((n) => n.layers.length > 0);
}

function isModel(l: tf.layers.Layer): l is tf.LayersModel {
  return Array.isArray((l as { layers?: unknown }).layers);
}

/** The adapter metadata of a model made by {@link adapt} (also after save/load). */
export function adapterMetadata(model: tf.LayersModel): AdapterMetadata | undefined {
  const meta = model.getUserDefinedMetadata() as { quadranet?: AdapterMetadata } | undefined;
  return meta?.quadranet;
}

/** The adapted layers of a model, in model order. */
export function adapterLayers(model: tf.LayersModel): AdapterLayer[] {
  return model.layers.filter(isAdapterLayer);
}

/**
 * Returns a new model whose target layers are replaced by adapted layers
 * carrying the pre-trained weights. See {@link AdaptConfig} for the options.
 */
export function adapt(model: tf.LayersModel, config: AdaptConfig = {}): tf.LayersModel {
  const cfg = resolveAdaptConfig(config);
  const method = lookup("method", cfg.method);
  const infos = model.layers.map((l) => ({ name: l.name, className: l.getClassName() }));
  const nested = nestedAdaptable(model, Object.keys(method.layers));
  let selected: string[];
  try {
    selected = selectTargets(infos, cfg.targets, cfg.exclude, Object.keys(method.layers));
  } catch (e) {
    if (e instanceof TargetError && nested.length) {
      throw new TargetError(`${e.message}. ${describeNested(nested)}`);
    }
    throw e;
  }
  const modules = new Set(selectModules(infos, cfg.modulesToSave));
  // As in PEFT, modulesToSave layers are trained in full, never adapted (even if targets match).
  const targets = new Set(selected.filter((n) => !modules.has(n)));
  if (targets.size === 0) {
    throw new TargetError(
      `every layer the targets select is in modulesToSave (${[...modules].join(", ")}); ` +
        "modulesToSave layers are trained in full, not adapted: target other layers",
    );
  }

  const topo = modelTopology(model);
  topo.layers.forEach((entry, index) => {
    const name = entry.config.name;
    const trainable = cfg.trainPrimary ? entry.config.trainable !== false : modules.has(name);
    if (!targets.has(name)) {
      entry.config.trainable = trainable;
      return;
    }
    const { batchInputShape, dtype } = entry.config;
    const base = { className: entry.className, config: entry.config };
    entry.className = method.layers[entry.className];
    entry.config = {
      name,
      trainable: true,
      ...(batchInputShape ? { batchInputShape } : {}),
      ...(dtype ? { dtype } : {}),
      base,
      rank: cfg.rank,
      alpha: cfg.alpha,
      ...Object.fromEntries(method.accepts.map((k) => [k, cfg[k]])), // the method's own options
      trainPrimary: cfg.trainPrimary,
      quadEnabled: true,
      seed: cfg.seed * 100_003 + index,
    };
  });

  const adapted = rebuildModel(topo.className, topo.config);
  copyWeightsByName(model, adapted, targets);
  for (const name of targets) {
    (adapted.getLayer(name) as AdapterLayer).setPrimaryWeights(model.getLayer(name).getWeights());
  }
  const batchNorm = model.layers.filter((l) => l.getClassName() === "BatchNormalization");
  const metadata: AdapterMetadata = {
    formatVersion: 1,
    config: configToJson(cfg),
    adaptedLayers: [...targets],
    modulesToSave: [...modules],
    baseFingerprint: weightsFingerprint(model.layers),
    batchNormFingerprints: Object.fromEntries(
      batchNorm.map((l) => [l.name, weightsFingerprint([l])]),
    ),
    ...(nested.length ? { notAdapted: nested } : {}),
  };
  adapted.setUserDefinedMetadata({
    ...(model.getUserDefinedMetadata() ?? {}),
    quadranet: metadata,
  });
  return adapted;
}

/** One sentence on adaptable layers left inside nested models. */
export function describeNested(nested: NestedLayers[]): string {
  const n = nested.reduce((a, x) => a + x.layers.length, 0);
  return `${n} adaptable layer(s) inside nested model(s) ${
    nested.map((x) => `"${x.model}" (${x.layers.length})`).join(", ")
  } are not adapted: adapt() works on the outer model's own layers; flatten the model ` +
    `(build it from the inner model's layers) to adapt them`;
}
