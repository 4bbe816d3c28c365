/**
 * Forward FLOPs per example of a tfjs-layers model (multiply-adds counted as
 * 2): Conv2D, DepthwiseConv2D, Dense, plus each adapter's extra FLOPs. The
 * training estimate is 3× forward (forward + backward for inputs and
 * weights), the usual approximation.
 *
 * @example
 * ```ts
 * import { forwardFlops, tf, trainingFlops } from "@quadranet/core";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const f = forwardFlops(model); // 2·4·3 + 3 = 27 per example
 * const training = trainingFlops(model, 10_000 * 5);
 * ```
 * @module
 */
import { isAdapterLayer } from "./adapter_method.ts";
import type { tf } from "../tf.ts";

type Shape = (number | null)[];

function size(shape: Shape): number {
  return shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
}

function layerFlops(layer: tf.layers.Layer): number {
  const cls = isAdapterLayer(layer) ? layer.base.className : layer.getClassName();
  const cfg = isAdapterLayer(layer) ? layer.base.config : layer.getConfig();
  const out = layer.outputShape as Shape;
  const ks = cfg.kernelSize as number[] | number | undefined;
  const [kh, kw] = Array.isArray(ks) ? [ks[0], ks[1] ?? ks[0]] : [ks ?? 1, ks ?? 1];
  const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName));
  let f = 0;
  if (cls === "Conv2D" && kernel) {
    const cin = kernel.shape[2] as number;
    f = 2 * kh * kw * cin * size(out);
  } else if (cls === "DepthwiseConv2D") {
    f = 2 * kh * kw * size(out);
  } else if (cls === "Dense" && kernel) {
    f = 2 * (kernel.shape[0] as number) * size(out);
  }
  if (isAdapterLayer(layer)) f += layer.extraFlops() ?? 0;
  return f;
}

/** Forward FLOPs for one example. */
export function forwardFlops(model: tf.LayersModel): number {
  return model.layers.reduce((a, l) => a + layerFlops(l), 0);
}

/** Estimated training FLOPs for `examples` examples seen (3× forward). */
export function trainingFlops(model: tf.LayersModel, examples: number): number {
  return 3 * forwardFlops(model) * examples;
}
