/**
 * Softmax cross-entropy with label smoothing on the blas backend: forward
 * (loss and softmax) in one pass per row, backward in one pass. The op and
 * its fallback live in core (`softmaxCrossEntropy`).
 *
 * @example
 * ```ts
 * import { FUSED, tf } from "@quadranet/core";
 * import { softmaxXentKernel } from "./fused_xent_kernels.ts";
 * tf.registerKernel({ kernelName: FUSED.softmaxXent, backendName: "blas", kernelFunc: softmaxXentKernel() as never });
 * ```
 * @module
 */
import { type KernelFn, output, values } from "./kernel_util.ts";
import { allocOutput } from "./buffer_pool.ts";

/** `QnSoftmaxXent`: (labels, logits) [B, C] → (mean loss, softmax [B, C]). */
export function softmaxXentKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { labelSmoothing: ls } = attrs as unknown as { labelSmoothing: number };
    const [b, c] = inputs.logits.shape;
    const y = values(backend, inputs.labels), z = values(backend, inputs.logits);
    const probs = allocOutput(b * c);
    let total = 0;
    for (let i = 0; i < b; i++) {
      const o = i * c;
      let max = -Infinity;
      for (let j = 0; j < c; j++) max = Math.max(max, z[o + j]);
      let sum = 0;
      for (let j = 0; j < c; j++) sum += probs[o + j] = Math.exp(z[o + j] - max);
      const lse = max + Math.log(sum);
      for (let j = 0; j < c; j++) {
        probs[o + j] /= sum;
        total += (y[o + j] * (1 - ls) + ls / c) * (lse - z[o + j]);
      }
    }
    return [output(backend, [], new Float32Array([total / b])), output(backend, [b, c], probs)];
  };
}

/**
 * `QnSoftmaxXentGrad`: (dy, dprobs, probs, labels) → dlogits with
 * t = labels·(1 − ls) + ls/C: dy/B·(p·Σt − t) + p ⊙ (dprobs − Σ dprobs·p).
 */
export function softmaxXentGradKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { labelSmoothing: ls } = attrs as unknown as { labelSmoothing: number };
    const [b, c] = inputs.probs.shape;
    const p = values(backend, inputs.probs), y = values(backend, inputs.labels);
    const dp = values(backend, inputs.dprobs);
    const g = values(backend, inputs.dy)[0] / b;
    const dz = allocOutput(b * c);
    for (let i = 0; i < b; i++) {
      const o = i * c;
      let st = 0, sdp = 0;
      for (let j = 0; j < c; j++) {
        st += y[o + j] * (1 - ls) + ls / c;
        sdp += dp[o + j] * p[o + j];
      }
      for (let j = 0; j < c; j++) {
        const t = y[o + j] * (1 - ls) + ls / c;
        dz[o + j] = g * (p[o + j] * st - t) + p[o + j] * (dp[o + j] - sdp);
      }
    }
    return output(backend, [b, c], dz);
  };
}
