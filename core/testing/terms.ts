/**
 * The quadratic terms of an adapted model, for tests that set or read U, V, P.
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * import { quadraticTerms } from "@quadranet/core/testing";
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * for (const t of quadraticTerms(adapt(base, { rank: 2 }))) t.p.write(tf.onesLike(t.p.read()));
 * ```
 * @module
 */
import { adapterLayers } from "../adapter/adapt.ts";
import { QuadraticTerm } from "../adapter/quadratic_layer.ts";
import type { tf } from "../tf.ts";

/** The {@link QuadraticTerm} of every quadratic adapted layer of `model`, in model order. */
export function quadraticTerms(model: tf.LayersModel): QuadraticTerm[] {
  return adapterLayers(model).map((l) => l.delta).filter((d): d is QuadraticTerm =>
    d instanceof QuadraticTerm
  );
}
