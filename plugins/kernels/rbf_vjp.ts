/**
 * The closed-form backward of the `rbf` kernel through its BatchNorm, for
 * memory-efficient backprop: with `a = gelu(u')`, `b = gelu(v')` (`u' = u`,
 * or `u·s_u + b_u` with the input projection), `d = (a − b)²`,
 * `n = γ·(d − μ)/√(σ_B² + ε) + β` and `k = exp(−n / 2σ²)`:
 *
 *     g_n = g ⊙ k · (−1/2σ²)
 *     dβ = Σ g_n, dγ = Σ g_n ⊙ d̂            (d̂ = (d − μ)/√(σ_B² + ε))
 *     g_d = γ/√(σ_B² + ε) · (g_n − dβ/N − d̂ ⊙ dγ/N)   (batch statistics)
 *         = γ/√(σ_B² + ε) · g_n                      (moving statistics)
 *     g_a = 2(a − b) ⊙ g_d,  g_b = −g_a
 *     g_u' = g_a ⊙ gelu'(u'), gelu'(x) = Φ(x) + x·φ(x)
 *
 * sums over every axis but the channels. No moving statistic is written.
 *
 * @example
 * ```ts
 * import { rbfKernel } from "@quadranet/kernels";
 * // rbfKernel.vjp!(u, v, ctx).backward(g) → { du, dv, weights: { bn_gamma, bn_beta } }
 * ```
 * @module
 */
import { type KernelContext, tf } from "@quadranet/core";
import { gelu } from "./gelu.ts";

/** gelu'(x) = Φ(x) + x·φ(x). */
function geluGrad(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    const pdf = tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return tf.add(cdf, tf.mul(x, pdf));
  });
}

/** `k(u, v)` and its vector-Jacobian product (see the module doc). */
export function rbfVjp(u: tf.Tensor, v: tf.Tensor, ctx: KernelContext): {
  value: tf.Tensor;
  backward(g: tf.Tensor): { du: tf.Tensor; dv: tf.Tensor; weights: Record<string, tf.Tensor> };
} {
  const w = ctx.weights, o = ctx.options;
  const proj = o.inputProjection === true;
  const uu = proj ? tf.add(tf.mul(u, w.proj_u_scale.read()), w.proj_u_bias.read()) : u;
  const vv = proj ? tf.add(tf.mul(v, w.proj_v_scale.read()), w.proj_v_bias.read()) : v;
  const diff = tf.sub(gelu(uu), gelu(vv));
  const d = tf.square(diff);
  const axes = d.shape.map((_, i) => i).slice(0, -1);
  const stats = ctx.training
    ? tf.moments(d, axes)
    : { mean: w.bn_moving_mean.read(), variance: w.bn_moving_variance.read() };
  const inv = tf.rsqrt(tf.add(stats.variance, o.epsilon as number));
  const dhat = tf.mul(tf.sub(d, stats.mean), inv);
  const gamma = w.bn_gamma.read();
  const c = -1 / (2 * (o.sigma as number) ** 2);
  const k = tf.exp(tf.mul(tf.add(tf.mul(dhat, gamma), w.bn_beta.read()), c));
  return {
    value: k,
    backward(g) {
      const gn = tf.mul(tf.mul(g, k), c);
      const dbeta = tf.sum(gn, axes);
      const dgamma = tf.sum(tf.mul(gn, dhat), axes);
      const scale = tf.mul(gamma, inv);
      let gd: tf.Tensor;
      if (ctx.training) {
        const n = d.size / (d.shape[d.rank - 1] as number);
        const centred = tf.sub(tf.sub(gn, tf.div(dbeta, n)), tf.mul(dhat, tf.div(dgamma, n)));
        gd = tf.mul(centred, scale);
      } else {
        gd = tf.mul(gn, scale);
      }
      const ga = tf.mul(tf.mul(diff, 2), gd);
      const gu = tf.mul(ga, geluGrad(uu));
      const gv = tf.neg(tf.mul(ga, geluGrad(vv)));
      const weights: Record<string, tf.Tensor> = { bn_gamma: dgamma, bn_beta: dbeta };
      if (!proj) return { du: gu, dv: gv, weights };
      weights.proj_u_scale = tf.sum(tf.mul(gu, u), axes);
      weights.proj_u_bias = tf.sum(gu, axes);
      weights.proj_v_scale = tf.sum(tf.mul(gv, v), axes);
      weights.proj_v_bias = tf.sum(gv, axes);
      return {
        du: tf.mul(gu, w.proj_u_scale.read()),
        dv: tf.mul(gv, w.proj_v_scale.read()),
        weights,
      };
    },
  };
}
