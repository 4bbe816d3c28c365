/**
 * Fused optimizer kernels for the blas backend: an Adam/AdamW or SGD step
 * over a whole list of variables in one pass per variable (instead of ~16
 * tfjs kernels each), and the squared global gradient norm in one pass.
 * The ops and their composite fallbacks live in core (`adamUpdate`,
 * `sgdUpdate`, `sumOfSquares`).
 *
 * @example
 * ```ts
 * import { FUSED, tf } from "@quadranet/core";
 * import { adamKernel } from "./fused_optimizer_kernels.ts";
 * tf.registerKernel({ kernelName: FUSED.adam, backendName: "blas", kernelFunc: adamKernel() as never });
 * ```
 * @module
 */
import type { tf } from "@quadranet/core";
import { type KernelFn, output, values } from "./kernel_util.ts";
import { allocOutput } from "./buffer_pool.ts";

interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  t: number;
  gradScale: number;
  weightDecay: number[];
}

/** `QnAdamUpdate`: for each i, (w{i}, g{i}, m{i}, v{i}) → (w', m', v'). */
export function adamKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AdamAttrs;
    const { lr, beta1: b1, beta2: b2, epsilon: eps, gradScale: s } = a;
    const bc1 = 1 - b1 ** a.t, bc2 = 1 - b2 ** a.t;
    const outs: tf.TensorInfo[] = [];
    a.weightDecay.forEach((wd, i) => {
      const wInfo = inputs[`w${i}`];
      const w = values(backend, wInfo), g = values(backend, inputs[`g${i}`]);
      const m0 = values(backend, inputs[`m${i}`]), v0 = values(backend, inputs[`v${i}`]);
      const n = w.length;
      const w1 = allocOutput(n), m1 = allocOutput(n), v1 = allocOutput(n);
      for (let j = 0; j < n; j++) {
        const gj = g[j] * s;
        const m = (m1[j] = b1 * m0[j] + (1 - b1) * gj);
        const v = (v1[j] = b2 * v0[j] + (1 - b2) * gj * gj);
        const wj = w[j];
        w1[j] = wj - lr * ((m / bc1) / (Math.sqrt(v / bc2) + eps) + wd * wj);
      }
      outs.push(
        output(backend, wInfo.shape, w1),
        output(backend, wInfo.shape, m1),
        output(backend, wInfo.shape, v1),
      );
    });
    return outs;
  };
}

interface SgdAttrs {
  lr: number;
  momentum: number;
  nesterov: boolean;
  gradScale: number;
  weightDecay: number[];
}

/** `QnSgdUpdate`: for each i, (w{i}, g{i}[, b{i}]) → (w'[, b']). */
export function sgdKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { lr, momentum: mu, nesterov, gradScale: s, weightDecay } = attrs as unknown as SgdAttrs;
    const outs: tf.TensorInfo[] = [];
    weightDecay.forEach((wd, i) => {
      const wInfo = inputs[`w${i}`];
      const w = values(backend, wInfo), g = values(backend, inputs[`g${i}`]);
      const n = w.length;
      const w1 = allocOutput(n);
      if (mu > 0) {
        const b0 = values(backend, inputs[`b${i}`]);
        const b1 = allocOutput(n);
        for (let j = 0; j < n; j++) {
          const grad = g[j] * s + wd * w[j];
          const b = (b1[j] = mu * b0[j] + grad);
          w1[j] = w[j] - lr * (nesterov ? grad + mu * b : b);
        }
        outs.push(output(backend, wInfo.shape, w1), output(backend, wInfo.shape, b1));
      } else {
        for (let j = 0; j < n; j++) w1[j] = w[j] - lr * (g[j] * s + wd * w[j]);
        outs.push(output(backend, wInfo.shape, w1));
      }
    });
    return outs;
  };
}

/** `QnSumSquares`: Σ of squares over every input, a float32 scalar. */
export function sumSquaresKernel(): KernelFn {
  return ({ inputs, backend }) => {
    let acc = 0;
    for (const t of Object.values(inputs)) {
      const x = values(backend, t);
      for (let j = 0; j < x.length; j++) acc += x[j] * x[j];
    }
    return output(backend, [], new Float32Array([acc]));
  };
}
