/**
 * The polynomial kernel `k(u, v) = (u ⊙ v + c)^p`, degree p ≥ 2 (default
 * p = 2, c = 1). With P = 0 the adapted model still starts equal to its base.
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * import "@quadranet/kernels";
 * const model = tf.sequential({
 *   layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", inputShape: [8, 8, 2] })],
 * });
 * adapt(model, { kernel: "poly", kernelOptions: { degree: 3 } });
 * ```
 * @module
 */
import { type KernelMethod, type KernelOptions, register, tf } from "@quadranet/core";

function intPow(t: tf.Tensor, p: number): tf.Tensor {
  let y = t;
  for (let i = 1; i < p; i++) y = tf.mul(y, t);
  return y;
}

/** The largest float32. */
const F32_MAX = 3.4028234663852886e38;

/**
 * Keeps a value finite: a high degree on large inputs overflows float32 to
 * ±Infinity, and `0 · Infinity` is NaN, so with P = 0 the adapted model
 * would no longer equal its base. Saturating at ±F32_MAX keeps `0 · k = 0`.
 */
function finite(t: tf.Tensor): tf.Tensor {
  return tf.clipByValue(t, -F32_MAX, F32_MAX);
}

/** `(u ⊙ v + c)^p` (saturated at ±F32_MAX), with closed-form partials. */
export const polyKernel: KernelMethod = {
  name: "poly",
  resolveOptions(o: KernelOptions): KernelOptions {
    const degree = o.degree ?? 2;
    const c = o.c ?? 1;
    for (const k of Object.keys(o)) {
      if (k !== "degree" && k !== "c") {
        throw new Error(`unknown option "${k}"; poly takes degree, c`);
      }
    }
    if (typeof degree !== "number" || !Number.isInteger(degree) || degree < 2) {
      throw new Error(`degree ${JSON.stringify(degree)} must be an integer >= 2`);
    }
    if (typeof c !== "number" || !Number.isFinite(c)) throw new Error(`c must be a finite number`);
    return { degree, c };
  },
  apply(u, v, ctx) {
    return finite(
      intPow(tf.add(tf.mul(u, v), ctx.options.c as number), ctx.options.degree as number),
    );
  },
  partials(u, v, ctx) {
    const p = ctx.options.degree as number;
    const d = finite(tf.mul(intPow(tf.add(tf.mul(u, v), ctx.options.c as number), p - 1), p));
    return { du: finite(tf.mul(d, v)), dv: finite(tf.mul(d, u)) };
  },
  flopsPerElement: 3, // mul, add, and (p − 1) more muls: 3 for the default p = 2
};

register("kernel", polyKernel.name, polyKernel);
