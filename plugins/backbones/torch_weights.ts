/**
 * PyTorch state dicts (from `.safetensors`) into the backbones: detects the
 * naming (torchvision or timm ResNet — the same keys —, torchvision, timm
 * or official ConvNeXt), renames to the torchvision layout the models are
 * named after, converts layouts (OIHW → HWIO, depthwise `[C,1,kh,kw]` →
 * `[kh,kw,C,1]`, Linear transposes, BatchNorm running statistics,
 * LayerNorm, layer scale) and reports missing, unexpected and mis-shaped
 * keys: an error listing them, or with `strict: false`, a report.
 *
 * @example
 * ```ts
 * import { loadTorchWeights, resnet } from "@quadranet/backbones";
 * const model = resnet({ depth: 18, width: 64, numClasses: 1000, inputShape: [224, 224, 3] });
 * const report = await loadTorchWeights(model, "resnet18.safetensors");
 * report.naming; // "torchvision/timm resnet"
 * ```
 * @module
 */
import { QuadraNetError, tf } from "@quadranet/core";
import { checkSafetensorsFile, readSafetensors, type StTensor } from "./safetensors.ts";

/** What loading did. */
export interface LoadReport {
  /** Which key naming matched (torchvision, timm, official). */
  naming: string;
  /** Tensors loaded. */
  loaded: number;
  /** Model weights with no tensor in the file. */
  missing: string[];
  /** File tensors with no model weight. */
  unexpected: string[];
  /** Tensors whose shape does not fit. */
  mismatched: string[];
}

/** The state dict does not fit the model (strict mode). */
export class WeightMismatchError extends QuadraNetError {
  /** An error listing what `report` found wrong with `what`. */
  constructor(readonly report: LoadReport, what: string) {
    const list = (label: string, xs: string[]) =>
      xs.length
        ? `\n  ${label} (${xs.length}): ${xs.slice(0, 12).join(", ")}${xs.length > 12 ? ", …" : ""}`
        : "";
    super(
      `Weights in ${what} (${report.naming} naming) do not fit the model:` +
        list("missing", report.missing) + list("unexpected", report.unexpected) +
        list("mis-shaped", report.mismatched) +
        "\nPass strict: false to load what fits and get this list as a report.",
    );
  }
}

const TIMM_CONVNEXT: [RegExp, string][] = [
  [/^stem\.(\d)\./, "features.0.$1."],
  [/^stages\.(\d+)\.downsample\.(\d)\./, "DS:$1.$2."],
  [/^stages\.(\d+)\.blocks\.(\d+)\.conv_dw\./, "BL:$1.$2.block.0."],
  [/^stages\.(\d+)\.blocks\.(\d+)\.norm\./, "BL:$1.$2.block.2."],
  [/^stages\.(\d+)\.blocks\.(\d+)\.mlp\.fc1\./, "BL:$1.$2.block.3."],
  [/^stages\.(\d+)\.blocks\.(\d+)\.mlp\.fc2\./, "BL:$1.$2.block.5."],
  [/^stages\.(\d+)\.blocks\.(\d+)\.gamma$/, "BL:$1.$2.layer_scale"],
  [/^head\.norm\./, "classifier.0."],
  [/^head\.fc\./, "classifier.2."],
];

const OFFICIAL_CONVNEXT: [RegExp, string][] = [
  [/^downsample_layers\.0\.(\d)\./, "features.0.$1."],
  [/^downsample_layers\.(\d+)\.(\d)\./, "DS:$1.$2."],
  [/^stages\.(\d+)\.(\d+)\.dwconv\./, "BL:$1.$2.block.0."],
  [/^stages\.(\d+)\.(\d+)\.norm\./, "BL:$1.$2.block.2."],
  [/^stages\.(\d+)\.(\d+)\.pwconv1\./, "BL:$1.$2.block.3."],
  [/^stages\.(\d+)\.(\d+)\.pwconv2\./, "BL:$1.$2.block.5."],
  [/^stages\.(\d+)\.(\d+)\.gamma$/, "BL:$1.$2.layer_scale"],
  [/^norm\./, "classifier.0."],
  [/^head\./, "classifier.2."],
];

function renameWith(key: string, rules: [RegExp, string][]): string {
  for (const [re, to] of rules) {
    if (!re.test(key)) continue;
    const k = key.replace(re, to);
    // stage s downsampling is torchvision's features[2s]; its blocks features[2s+1].
    return k.replace(/^DS:(\d+)\./, (_, s) => `features.${2 * Number(s)}.`)
      .replace(/^BL:(\d+)\./, (_, s) => `features.${2 * Number(s) + 1}.`);
  }
  return key;
}

/** Detects the naming of a state dict and renames it to the torchvision layout. */
export function toTorchvisionKeys(
  keys: string[],
): { naming: string; rename: (k: string) => string } {
  const has = (re: RegExp) => keys.some((k) => re.test(k));
  if (has(/^layer1\.0\.conv1\.weight$/) && has(/^conv1\.weight$/)) {
    return { naming: "torchvision/timm resnet", rename: (k) => k };
  }
  if (has(/^features\.0\.0\.weight$/)) return { naming: "torchvision convnext", rename: (k) => k };
  if (has(/^stem\.0\.weight$/) && has(/\.conv_dw\./)) {
    return { naming: "timm convnext", rename: (k) => renameWith(k, TIMM_CONVNEXT) };
  }
  if (has(/^downsample_layers\.0\.0\.weight$/)) {
    return { naming: "official convnext", rename: (k) => renameWith(k, OFFICIAL_CONVNEXT) };
  }
  return { naming: "unknown", rename: (k) => k };
}

/** The torchvision module path of a layer named by the backbones ("." → "_"). */
export function torchPath(layerName: string): string {
  return layerName.replace(/_/g, ".").replace(/\.layer\.scale$/, ".layer_scale");
}

function permute(t: StTensor, perm: number[]): { shape: number[]; data: Float32Array } {
  const shape = perm.map((p) => t.shape[p]);
  const x = tf.tidy(() => tf.transpose(tf.tensor(t.data, t.shape), perm));
  const data = x.dataSync() as Float32Array;
  x.dispose();
  return { shape, data };
}

/** [tfjs weight suffix, torch param, converter] per layer class. */
const PARAMS: Record<
  string,
  [string, string, (t: StTensor) => { shape: number[]; data: Float32Array }][]
> = {
  Conv2D: [["kernel", "weight", (t) => permute(t, [2, 3, 1, 0])], ["bias", "bias", (t) => t]],
  DepthwiseConv2D: [["depthwise_kernel", "weight", (t) => permute(t, [2, 3, 0, 1])], [
    "bias",
    "bias",
    (t) => t,
  ]],
  Dense: [["kernel", "weight", (t) => permute(t, [1, 0])], ["bias", "bias", (t) => t]],
  BatchNormalization: [
    ["gamma", "weight", (t) => t],
    ["beta", "bias", (t) => t],
    ["moving_mean", "running_mean", (t) => t],
    ["moving_variance", "running_var", (t) => t],
  ],
  LayerNormalization: [["gamma", "weight", (t) => t], ["beta", "bias", (t) => t]],
  LayerScale: [["gamma", "", (t) => ({ shape: [t.data.length], data: t.data })]],
};

const IGNORED = /num_batches_tracked$/;

/** Loads a `.safetensors` state dict into `model` (a backbone from this plugin). */
export async function loadTorchWeights(
  model: tf.LayersModel,
  path: string,
  { strict = true }: { strict?: boolean } = {},
): Promise<LoadReport> {
  await checkSafetensorsFile(path); // a clear error for a missing or foreign file
  const tensors = readSafetensors(await Deno.readFile(path), path);
  const { naming, rename } = toTorchvisionKeys([...tensors.keys()]);
  const byKey = new Map<string, StTensor>();
  for (const [k, t] of tensors) if (!IGNORED.test(k)) byKey.set(rename(k), t);
  const used = new Set<string>();
  const report: LoadReport = { naming, loaded: 0, missing: [], unexpected: [], mismatched: [] };
  const writes: [tf.LayerVariable, tf.Tensor][] = [];
  for (const layer of model.layers) {
    const params = PARAMS[layer.getClassName()];
    if (!params || layer.weights.length === 0) continue;
    const prefix = torchPath(layer.name);
    for (const [suffix, param, convert] of params) {
      const w = layer.weights.find((v) => v.originalName.endsWith(`/${suffix}`));
      if (!w) continue;
      const key = param ? `${prefix}.${param}` : prefix;
      const t = byKey.get(key);
      if (!t) {
        report.missing.push(key);
        continue;
      }
      used.add(key);
      const c = convert(t);
      if (JSON.stringify(c.shape) !== JSON.stringify(w.shape)) {
        report.mismatched.push(`${key} ${JSON.stringify(t.shape)} vs ${JSON.stringify(w.shape)}`);
        continue;
      }
      writes.push([w, tf.tensor(c.data, w.shape as number[])]);
    }
  }
  report.unexpected = [...byKey.keys()].filter((k) => !used.has(k));
  if (strict && (report.missing.length || report.unexpected.length || report.mismatched.length)) {
    tf.dispose(writes.map((w) => w[1]));
    throw new WeightMismatchError(report, path);
  }
  for (const [w, t] of writes) {
    w.write(t);
    t.dispose();
  }
  report.loaded = writes.length;
  return report;
}
