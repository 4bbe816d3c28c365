/**
 * Parameter groups for stage training: every trainable-capable weight of a
 * model is `primary` (pre-trained linear weights), `quadratic` (what the
 * adapter adds: U, V, P, kernel weights; LoRA's A and B too), `head` (the
 * classifier) or `norm` (BatchNorm/LayerNorm scale and offset). Moving
 * statistics belong to no group: they are updated by forward passes in
 * training mode, never by the optimizer.
 *
 * @example
 * ```ts
 * import { adapt, paramGroups, tf } from "@quadranet/core";
 * const base = tf.sequential({
 *   layers: [
 *     tf.layers.dense({ units: 8, inputShape: [4], name: "hidden" }),
 *     tf.layers.dense({ units: 3, name: "predictions" }),
 *   ],
 * });
 * const model = adapt(base, { rank: 2, targets: ["hidden"] });
 * const groups = paramGroups(model, { head: ["predictions"] });
 * groups.filter((p) => p.group === "quadratic").length;
 * ```
 * @module
 */
import { isAdapterLayer } from "../adapter/adapter_method.ts";
import { ConfigError } from "../errors.ts";
import type { tf } from "../tf.ts";

/** The parameter groups a stage can name. */
export const PARAM_GROUPS = ["primary", "quadratic", "head", "norm"] as const;
/** One of {@link PARAM_GROUPS}. */
export type ParamGroup = typeof PARAM_GROUPS[number];

/** A model weight with its group and a stable key (its index and name). */
export interface GroupedParam {
  /** Stable key (`index:originalName`). */
  key: string;
  /** Its group. */
  group: ParamGroup;
  /** The layer weight. */
  weight: tf.LayerVariable;
  /** The variable behind it. */
  variable: tf.Variable;
  /** Kernels decay; biases, norms and rank-1 weights do not. */
  decay: boolean;
}

const NORM_CLASSES = new Set(["BatchNormalization", "LayerNormalization"]);
const STATISTICS = /moving_(mean|variance)$/;

/** The last layer that has weights: the default classifier head. */
export function defaultHead(model: tf.LayersModel): string[] {
  const withWeights = model.layers.filter((l) => l.weights.length > 0);
  return withWeights.length ? [withWeights[withWeights.length - 1].name] : [];
}

/** Groups the weights of `model`; `head` names the classifier layers (default: the last). */
export function paramGroups(
  model: tf.LayersModel,
  { head = defaultHead(model) }: { head?: string[] } = {},
): GroupedParam[] {
  for (const h of head) {
    if (!model.layers.some((l) => l.name === h)) {
      throw new ConfigError(
        "head",
        `Head layer "${h}" is not in the model; layers with weights: ${
          model.layers.filter((l) => l.weights.length).map((l) => l.name).join(", ")
        }`,
      );
    }
  }
  const out: GroupedParam[] = [];
  for (const layer of model.layers) {
    const adapter = isAdapterLayer(layer) ? new Set(layer.adapterWeights()) : new Set();
    const isHead = head.includes(layer.name);
    const isNorm = NORM_CLASSES.has(layer.getClassName());
    for (const w of layer.weights) {
      if (STATISTICS.test(w.originalName)) continue;
      const group: ParamGroup = adapter.has(w)
        ? "quadratic"
        : isHead
        ? "head"
        : isNorm
        ? "norm"
        : "primary";
      out.push({
        key: `${out.length}:${w.originalName}`,
        group,
        weight: w,
        variable: (w as unknown as { val: tf.Variable }).val,
        decay: w.shape.length >= 2 && !isNorm,
      });
    }
  }
  return out;
}

/** Validates group names from a config, naming the allowed ones. */
export function checkGroups(groups: unknown, field: string): ParamGroup[] {
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new ConfigError(
      field,
      `${field} must be a non-empty list of: ${PARAM_GROUPS.join(", ")}`,
    );
  }
  for (const g of groups) {
    if (!PARAM_GROUPS.includes(g)) {
      throw new ConfigError(
        field,
        `Unknown parameter group "${g}" in ${field}; use: ${PARAM_GROUPS.join(", ")}`,
      );
    }
  }
  return groups as ParamGroup[];
}
