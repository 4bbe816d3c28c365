/**
 * Bias and activation applied in place after a BLAS product, for the fused
 * kernels (`_FusedMatMul`, `FusedConv2D`). Anything not handled here makes
 * the caller fall back to the cpu kernel.
 *
 * @example
 * ```ts
 * const out = new Float32Array([-1, 2]);
 * const ok = applyEpilogue(out, 2, new Float32Array([1, 1]), "relu", undefined, 0.2);
 * // ok === true, out = [0, 3]
 * ```
 * @module
 */
import type { tf } from "@quadranet/core";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { allFloat32, values } from "./kernel_util.ts";

const ACTIVATIONS = new Set(["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu", "prelu"]);

/**
 * Whether {@link applyEpilogue} can handle this bias/activation: a bias (and
 * prelu weights) of one value or one per output channel.
 */
export function epilogueSupported(
  channels: number,
  biasSize: number | undefined,
  activation: string | undefined,
  preluSize: number | undefined,
): boolean {
  const perChannel = (n: number | undefined) => n === undefined || n === 1 || n === channels;
  const act = activation ?? "linear";
  if (!ACTIVATIONS.has(act)) return false;
  if (act === "prelu" && (preluSize === undefined || !perChannel(preluSize))) return false;
  return perChannel(biasSize);
}

/**
 * Adds `bias` (scalar or per channel, channels innermost) and applies
 * `activation` to `out` in place. Call {@link epilogueSupported} first.
 */
export function applyEpilogue(
  out: Float32Array,
  channels: number,
  bias: Float32Array | undefined,
  activation: string | undefined,
  prelu: Float32Array | undefined,
  leakyAlpha: number,
): boolean {
  if (bias) {
    if (bias.length === 1) {
      const b = bias[0];
      for (let i = 0; i < out.length; i++) out[i] += b;
    } else {
      for (let i = 0; i < out.length; i += channels) {
        for (let c = 0; c < channels; c++) out[i + c] += bias[c];
      }
    }
  }
  switch (activation ?? "linear") {
    case "linear":
      return true;
    case "relu":
      for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
      return true;
    case "relu6":
      for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(out[i], 0), 6);
      return true;
    case "elu":
      for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = Math.exp(out[i]) - 1;
      return true;
    case "sigmoid":
      for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-out[i]));
      return true;
    case "leakyrelu":
      for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] *= leakyAlpha;
      return true;
    case "prelu": {
      const w = prelu!;
      for (let i = 0; i < out.length; i++) {
        if (out[i] < 0) out[i] *= w.length === 1 ? w[0] : w[i % channels];
      }
      return true;
    }
  }
  return false;
}

/**
 * The bias and activation of a fused kernel call (`_FusedMatMul`,
 * `FusedConv2D`) over `channels` output channels, as a function applying
 * them in place; undefined when they are not handled here (fall back).
 */
export function fusedEpilogue(
  backend: MathBackendCPU,
  inputs: Partial<Record<string, tf.TensorInfo>>,
  attrs: { activation?: string; leakyreluAlpha?: number },
  channels: number,
): ((out: Float32Array) => void) | undefined {
  const { bias, preluActivationWeights: prelu } = inputs;
  const size = (t?: tf.TensorInfo) => t && t.shape.reduce((a, b) => a * b, 1);
  if (
    !allFloat32(bias, prelu) ||
    !epilogueSupported(channels, size(bias), attrs.activation, size(prelu))
  ) return undefined;
  return (out) =>
    applyEpilogue(
      out,
      channels,
      bias && values(backend, bias),
      attrs.activation,
      prelu && values(backend, prelu),
      attrs.leakyreluAlpha ?? 0.2,
    );
}
