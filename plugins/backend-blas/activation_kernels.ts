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
import { allocOutput } from "./buffer_pool.ts";

// Branch-free loops on the float bits: with signs at random, a compare-and-
// branch per element mispredicts half the time (≈ 5× slower). Each loop also
// flags NaN inputs (|bits| above +Inf's), which then take the exact loop.
const bits = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);

/** `out = max(x, 0)` by clearing negative values' bits; true when x holds a NaN. */
function reluBits(x: Float32Array, out: Float32Array): boolean {
  const xi = bits(x), oi = bits(out);
  let nan = 0;
  for (let i = 0; i < xi.length; i++) {
    const b = xi[i];
    oi[i] = b & ~(b >> 31);
    nan |= (0x7f800000 - (b & 0x7fffffff)) >> 31;
  }
  return nan !== 0;
}

/** `out = dy where x > 0, else 0` by masking dy's bits; true when x holds a NaN. */
function reluGradBits(dy: Float32Array, x: Float32Array, out: Float32Array): boolean {
  const xi = bits(x), di = bits(dy), oi = bits(out);
  let nan = 0;
  for (let i = 0; i < xi.length; i++) {
    const b = xi[i];
    oi[i] = di[i] & ((0 - b) >> 31) & ~(b >> 31); // all ones iff b > 0 as an integer
    nan |= (0x7f800000 - (b & 0x7fffffff)) >> 31;
  }
  return nan !== 0;
}

/** The `Relu` kernel (NaN stays NaN, as in tfjs). */
export function reluKernel(): KernelFn {
  const fallback = cpuKernel(tf.Relu);
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== "float32") return fallback(args);
    const v = values(args.backend, x);
    const out = allocOutput(v.length);
    if (reluBits(v, out)) { for (let i = 0; i < v.length; i++) out[i] = v[i] < 0 ? 0 : v[i]; }
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
    const out = allocOutput(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i] > 0 ? 1 : v[i] !== v[i] ? NaN : alpha;
    return output(args.backend, x.shape, out);
  };
}

/** `QnReluGrad`: (dy, x) → dy where x > 0, else 0 (NaN where x is NaN, as tfjs' Step). */
export function reluGradKernel(): KernelFn {
  return ({ inputs, backend }) => {
    const dy = values(backend, inputs.dy), x = values(backend, inputs.x);
    const out = allocOutput(x.length);
    if (reluGradBits(dy, x, out)) {
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        out[i] = v > 0 ? dy[i] : v !== v ? NaN : 0;
      }
    }
    return output(backend, inputs.x.shape, out);
  };
}
