/**
 * Kernel methods: the elementwise `k(u, v)` that combines the two
 * projections of a quadratic term (METHOD.md §2).
 *
 * The core defines the interface and the built-in `quadratic` kernel
 * (`u ⊙ v`); other kernels come from plugins registered as kind `"kernel"`.
 *
 * @example
 * ```ts
 * import { register, tf, type KernelMethod } from "@quadranet/core";
 * const cubic: KernelMethod = {
 *   name: "cubic",
 *   apply: (u, v) => tf.mul(tf.mul(u, v), tf.add(u, v)), // ctx unused
 * };
 * register("kernel", cubic.name, cubic);
 * ```
 * @module
 */
import { tf } from "../tf.ts";

/** Options of a kernel (`kernelOptions` in the adapter config): plain JSON values. */
export type KernelOptions = Record<string, number | boolean | string>;

/** A weight a kernel carries in each adapted layer. */
export interface KernelWeightSpec {
  /** Weight name (stored as `kernel_<name>`). */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its initialisation. */
  init: "zeros" | "ones" | "identity";
  /** Whether it trains (false: statistics such as moving means). */
  trainable: boolean;
}

/** What a kernel sees besides `u` and `v`. */
export interface KernelContext {
  /** The kernel's weights in this layer, by {@link KernelWeightSpec} name. */
  weights: Record<string, tf.LayerVariable>;
  /** The kernel's resolved options. */
  options: KernelOptions;
  /** Training mode (e.g. BatchNorm uses batch statistics and updates moving ones). */
  training: boolean;
}

/** A named elementwise kernel over the two projections `u = Ux`, `v = Vx`. */
export interface KernelMethod {
  /** Registry name, e.g. `"quadratic"`. */
  readonly name: string;
  /** `k(u, v)`, same shape as `u` and `v` (`[..., c]`, c = r, or channels·r for depthwise). */
  apply(u: tf.Tensor, v: tf.Tensor, ctx: KernelContext): tf.Tensor;
  /**
   * The partial derivatives `∂k/∂u` and `∂k/∂v` at `(u, v)`, for closed-form
   * backward passes. Kernels without it are differentiated by autodiff.
   */
  partials?(u: tf.Tensor, v: tf.Tensor, ctx: KernelContext): { du: tf.Tensor; dv: tf.Tensor };
  /**
   * Closed-form backward for kernels that are not elementwise (batch
   * statistics) or carry trainable weights: `k(u, v)` without any state update
   * (no moving statistics written), and a function from `g = ∂L/∂k` to
   * `∂L/∂u`, `∂L/∂v` and `∂L/∂w` for each trainable kernel weight, by name.
   */
  vjp?(u: tf.Tensor, v: tf.Tensor, ctx: KernelContext): {
    value: tf.Tensor;
    backward(g: tf.Tensor): { du: tf.Tensor; dv: tf.Tensor; weights: Record<string, tf.Tensor> };
  };
  /** Weights the kernel carries per layer, for `c` kernel channels. */
  weights?(channels: number, options: KernelOptions): KernelWeightSpec[];
  /** Checks options; throws naming the bad one. Returns them with defaults filled. */
  resolveOptions?(options: KernelOptions): KernelOptions;
  /** FLOPs per element of `k(u, v)`, for compute accounting (default 1). */
  readonly flopsPerElement?: number;
}

/** The built-in kernel: `k(u, v) = u ⊙ v` (the authors' "linear" kernel). */
export const quadraticKernel: KernelMethod = {
  name: "quadratic",
  apply: (u, v) => tf.mul(u, v),
  partials: (u, v) => ({ du: v, dv: u }),
};
