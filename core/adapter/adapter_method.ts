/**
 * The adapter-method protocol, in the spirit of PEFT's tuner layers: an
 * {@link AdaptedLayer} holds the frozen primary op of the original layer
 * (`lin(x)`), and a method (kind `"method"`) creates, per layer, an
 * {@link AdapterDelta} that owns the adapter's weights, computes the term
 * added to `lin(x)`, merges it into linear weights or says why it cannot,
 * summarises itself and serialises its options. `quadratic` (QuadraNet V2) is
 * built in; LoRA (`@quadranet/lora`) is a peer plugin.
 *
 * @example
 * ```ts
 * import { lookup } from "@quadranet/core";
 * const quadratic = lookup("method", "quadratic");
 * console.log(quadratic.layers.Dense, quadratic.accepts); // "QuadraticDense", ["kernel", ...]
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { AdaptedLayer } from "./adapted_layer.ts";
import type { AdapterOptionName } from "./options.ts";

/** The adapter's part of one adapted layer (created by {@link AdapterMethod.create}). */
export interface AdapterDelta {
  /** Adds the adapter's weights to the layer (after the primary's; `inputChannels` = d_in or c_in). */
  build(inputChannels: number): void;
  /** The term added to the primary output `lin(x)` (before the activation). */
  forward(x: tf.Tensor, training: boolean): tf.Tensor;
  /** Everything the adapter adds (trained, saved with the adapter). */
  weights(): tf.LayerVariable[];
  /**
   * The weight that maps the adapter's inner features to the output (P, LoRA's
   * B): the one that does not read the layer input (analytic FLOP counting).
   */
  outputWeight?(): tf.LayerVariable;
  /**
   * The primary weights with the adapter folded in (`W + s·A·B` for LoRA); absent when
   * the term is not linear in `x`, with {@link AdapterDelta.mergeRefusal} saying why.
   */
  merge?(): tf.Tensor[];
  /** Why {@link AdapterDelta.merge} is absent. */
  readonly mergeRefusal?: string;
  /** Inference FLOPs per example the term adds (null if the spatial size is unknown). */
  extraFlops(): number | null;
  /** What `adapterSummary` shows besides rank and parameters. */
  summary(): { kernel?: string; quadKernelSize?: [number, number]; dilation?: [number, number] };
  /** The method's options, stored in the layer config (read back by `create`). */
  config(): tf.serialization.ConfigDict;
}

/** An adapter method (kind `"method"`). */
export interface AdapterMethod {
  /** Registry name (`method` in the adapter config). */
  readonly name: string;
  /** Base layer class → adapted layer class name (registered with tfjs serialization). */
  readonly layers: Readonly<Record<string, string>>;
  /** The method-specific adapter options it uses; setting any other is an error naming both. */
  readonly accepts: readonly AdapterOptionName[];
  /** Creates the delta of one layer from its config (`options` holds the accepted keys). */
  create(layer: AdaptedLayer, options: Readonly<Record<string, unknown>>): AdapterDelta;
}

/** An adapted layer (of any method): the base layer with its delta. */
export type AdapterLayer = AdaptedLayer;

/** Whether a layer is an adapted layer (of any method). */
export function isAdapterLayer(layer: tf.layers.Layer): layer is AdaptedLayer {
  const l = layer as Partial<AdaptedLayer>;
  return typeof l.adapterWeights === "function" && typeof l.setPrimaryWeights === "function" &&
    l.base !== undefined && l.delta !== undefined;
}
