/**
 * Adapter methods: which adapted layer class replaces which base layer class.
 * `quadratic` (QuadraNet V2) is built in; other methods (e.g. LoRA, as a
 * first-order baseline) register as kind `"method"` and reuse {@link adapt}.
 *
 * An adapted layer class takes {@link QuadraticLayerArgs}-shaped arguments
 * (`base`, `rank`, `alpha`, ...) and implements {@link AdapterLayer}.
 *
 * @example
 * ```ts
 * import { lookup } from "@quadranet/core";
 * lookup("method", "quadratic").layers.Dense; // "QuadraticDense"
 * ```
 * @module
 */
import type { tf } from "../tf.ts";

/** What {@link adapt} and the adapter operations need from an adapted layer. */
export interface AdapterLayer extends tf.layers.Layer {
  readonly base: { className: string; config: Record<string, unknown> };
  readonly rank: number;
  /** Whether the adapter's term is added. */
  quadEnabled: boolean;
  adapterWeights(): tf.LayerVariable[];
  primaryWeights(): tf.LayerVariable[];
  setPrimaryWeights(weights: tf.Tensor[]): void;
  extraFlops(): number | null;
  /**
   * Primary weights with the adapter folded in, for linear adapters (LoRA:
   * `W + s·A·B`); absent when the adapter cannot be merged.
   */
  mergedPrimaryWeights?(): tf.Tensor[];
}

/** Maps base layer class names to the adapted layer class names of a method. */
export interface AdapterMethod {
  readonly name: string;
  /** Base class name → adapted class name (registered with tfjs serialization). */
  readonly layers: Readonly<Record<string, string>>;
  /** Whether a rebuilt model may merge the adapter into linear weights. */
  readonly mergeable: boolean;
}

/** QuadraNet V2's quadratic adapter. */
export const quadraticMethod: AdapterMethod = {
  name: "quadratic",
  layers: {
    Dense: "QuadraticDense",
    Conv2D: "QuadraticConv2D",
    DepthwiseConv2D: "QuadraticDepthwiseConv2D",
  },
  mergeable: false,
};

/** Whether a layer is an adapted layer (of any method). */
export function isAdapterLayer(layer: tf.layers.Layer): layer is AdapterLayer {
  const l = layer as Partial<AdapterLayer>;
  return typeof l.adapterWeights === "function" && typeof l.setPrimaryWeights === "function" &&
    l.base !== undefined;
}
