/**
 * `Sum` and `Mean` for the blas backend. tfjs' cpu kernels transpose the
 * reduced axes innermost first (a per-element index computation); reducing
 * the leading axes of NHWC activations (BatchNorm statistics, bias
 * gradients) is instead a row-by-row accumulation here, in float64 like the
 * cpu kernel.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * await tf.setBackend("blas"); // after registerBlasBackend()
 * tf.sum(tf.ones([32, 16, 16, 64]), [0, 1, 2]); // [64]
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { cpuKernel, type KernelFn, output, values } from "./kernel_util.ts";
import { allocOutput } from "./buffer_pool.ts";

/**
 * Sums `x` viewed as `[outer, reduce, inner]` over the middle axis into
 * `out` (`[outer, inner]`), scaled by `scale`.
 */
export function reduceMiddle(
  x: Float32Array,
  outer: number,
  reduce: number,
  inner: number,
  scale: number,
  out: Float32Array,
): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let p = o * reduce * inner;
    if (inner === 1) {
      let s = 0;
      for (let r = 0; r < reduce; r++) s += x[p++];
      acc[0] = s;
    } else {
      for (let r = 0; r < reduce; r++, p += inner) {
        for (let i = 0; i < inner; i++) acc[i] += x[p + i];
      }
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i] * scale;
  }
}

function reduceKernel(name: string, mean: boolean): KernelFn {
  const fallback = cpuKernel(name);
  return (args) => {
    const { x } = args.inputs;
    const { axis, keepDims } = args.attrs as unknown as {
      axis: number | number[];
      keepDims: boolean;
    };
    if (x.dtype !== "float32") return fallback(args);
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    // Only a contiguous block of axes: [outer, reduce, inner].
    if (axes.some((ax, i) => i > 0 && ax !== axes[i - 1] + 1)) return fallback(args);
    const prod = (s: number[]) => s.reduce((p, q) => p * q, 1);
    const first = axes[0] ?? 0, last = axes.length ? axes[axes.length - 1] : -1;
    const outer = prod(x.shape.slice(0, first));
    const reduce = prod(x.shape.slice(first, last + 1));
    const inner = prod(x.shape.slice(last + 1));
    const out = allocOutput(outer * inner);
    reduceMiddle(values(args.backend, x), outer, reduce, inner, mean ? 1 / reduce : 1, out);
    const shape = keepDims
      ? x.shape.map((n, i) => (axes.includes(i) ? 1 : n))
      : x.shape.filter((_, i) => !axes.includes(i));
    return output(args.backend, shape, out);
  };
}

/** The `Sum` kernel. */
export const sumKernel = (): KernelFn => reduceKernel(tf.Sum, false);
/** The `Mean` kernel. */
export const meanKernel = (): KernelFn => reduceKernel(tf.Mean, true);
