/**
 * Fingerprints of model weights: SHA-256 over every layer's name, weight
 * shapes, dtypes and bytes, in model order. An adapter checkpoint records
 * its base model's fingerprint and refuses to load onto another base.
 *
 * @example
 * ```ts
 * import { tf, weightsFingerprint } from "@quadranet/core";
 * const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * weightsFingerprint(m.layers); // "9f2c…" (64 hex digits)
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import type { tf } from "../tf.ts";

/** SHA-256 (hex) of the given layers' weights. */
export function weightsFingerprint(layers: tf.layers.Layer[]): string {
  const h = createHash("sha256");
  for (const layer of layers) {
    layer.weights.forEach((w, i) => {
      const t = w.read();
      h.update(`${layer.name}#${i}:${t.dtype}[${t.shape.join(",")}];`);
      const data = t.dataSync();
      h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
  }
  return h.digest("hex");
}
