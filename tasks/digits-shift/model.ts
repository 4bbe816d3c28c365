/**
 * The first-order CNN of the digits-shift comparison: three 3×3 conv blocks
 * (conv → BatchNorm → ReLU, pooling between), global average pooling and a
 * Dense `head` with logits. Seeded initialisers make every run repeatable.
 *
 * @example
 * ```ts
 * const model = digitsCnn({ seed: 1, width: 16 });
 * ```
 * @module
 */
import { lookup, tf } from "@quadranet/core";
import type { Architecture } from "../shared/arms.ts";
import { reseedKernels } from "../shared/reseed.ts";

export type { Architecture } from "../shared/arms.ts";

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** The conv layers adapted by default (all three). */
export const DEFAULT_TARGETS = ["conv1", "conv2", "conv3"];

/** conv(w)–pool–conv(2w)–pool–conv(4w)–GAP–dense(10). */
export function digitsCnn({ seed, width = 16 }: { seed: number; width?: number }): tf.LayersModel {
  let s = seed * 101;
  const init = () => tf.initializers.heNormal({ seed: ++s });
  const input = tf.input({ shape: [28, 28, 1], name: "image" });
  let x: ST = input;
  [width, 2 * width, 4 * width].forEach((filters, i) => {
    const n = i + 1;
    x = L.conv2d({
      name: `conv${n}`,
      filters,
      kernelSize: 3,
      padding: "same",
      useBias: false,
      kernelInitializer: init(),
    }).apply(x) as ST;
    // momentum 0.9 (PyTorch's 0.1): tfjs' default 0.99 leaves the moving statistics far from
    // the data after a few hundred steps, and evaluation uses them.
    x = L.batchNormalization({ name: `bn${n}`, momentum: 0.9 }).apply(x) as ST;
    x = L.reLU({ name: `relu${n}` }).apply(x) as ST;
    if (n < 3) x = L.maxPooling2d({ name: `pool${n}`, poolSize: 2 }).apply(x) as ST;
  });
  x = L.globalAveragePooling2d({ name: "gap" }).apply(x) as ST;
  const out = L.dense({ name: "head", units: 10, kernelInitializer: init() }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: "digits_cnn" });
}

/** The architecture named `name` (`digits_cnn` or a registered backbone). */
export function architecture(name: string, width: number): Architecture {
  if (name === "digits_cnn") {
    return {
      name,
      size: 28,
      build: (seed) => digitsCnn({ seed, width }),
      targets: () => DEFAULT_TARGETS,
      head: ["head"],
    };
  }
  const def = lookup("backbone", name);
  return {
    name,
    size: 32,
    build: (seed) =>
      reseedKernels(
        def.build({ numClasses: 10, inputShape: [32, 32, 1], featuresOnly: false }),
        seed,
      ),
    targets: (m) => def.config.defaultTargets(m),
    head: [def.config.classifier],
  };
}
