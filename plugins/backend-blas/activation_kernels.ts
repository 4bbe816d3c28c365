/**
 * `Relu` and `Step` (the ReLU gradient's mask) for the blas backend: plain
 * loops over float32 storage instead of tfjs' generic per-element closure.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * await tf.setBackend("blas"); // after registerBlasBackend()
 * tf.relu(tf.tensor1d([-1, 2])); // [0, 2]
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { cpuKernel, type KernelFn, output, values } from "./kernel_util.ts";

/** The `Relu` kernel (NaN stays NaN, as in tfjs). */
export function reluKernel(): KernelFn {
  const fallback = cpuKernel(tf.Relu);
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== "float32") return fallback(args);
    const v = values(args.backend, x);
    const out = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i] < 0 ? 0 : v[i];
    return output(args.backend, x.shape, out);
  };
}

/** The `Step` kernel: 1 where x > 0, `alpha` elsewhere, NaN for NaN. */
export function stepKernel(): KernelFn {
  const fallback = cpuKernel(tf.Step);
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== "float32") return fallback(args);
    const alpha = (args.attrs as { alpha?: number } | undefined)?.alpha ?? 0;
    const v = values(args.backend, x);
    const out = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i] > 0 ? 1 : v[i] !== v[i] ? NaN : alpha;
    return output(args.backend, x.shape, out);
  };
}

/** `QnReluGrad`: (dy, x) → dy where x > 0, else 0 (NaN where x is NaN, as tfjs' Step). */
export function reluGradKernel(): KernelFn {
  return ({ inputs, backend }) => {
    const dy = values(backend, inputs.dy), x = values(backend, inputs.x);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v > 0 ? dy[i] : v !== v ? NaN : 0;
    }
    return output(backend, inputs.x.shape, out);
  };
}
