/**
 * The RBF kernel of the authors' code (METHOD.md §2), per kernel channel:
 *
 *     k(u, v) = exp( −BN( (GELU(ũ) − GELU(ṽ))² ) / (2σ²) )
 *
 * BN is a BatchNorm over the kernel channels (batch statistics and a moving
 * average in training, the moving statistics at inference); σ defaults to 1.
 * With `inputProjection: true`, ũ = a_u ⊙ u + b_u and ṽ = a_v ⊙ v + b_v are
 * learned per-channel 1×1 projections (identity at init) of the inputs.
 *
 * Our choice: the formula is applied per rank channel, so k keeps the shape
 * of u and v and P stays `[r, c_out]`; the authors' code sums the squared
 * difference over the rank before the BatchNorm.
 *
 * The kernel has no closed-form partials (BatchNorm couples the batch), so
 * `backprop: "recompute"` falls back to autodiff for it.
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * import "@quadranet/kernels";
 * const model = tf.sequential({
 *   layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", inputShape: [8, 8, 2] })],
 * });
 * adapt(model, { kernel: "rbf", kernelOptions: { sigma: 2, inputProjection: true } });
 * ```
 * @module
 */
import {
  type KernelMethod,
  type KernelOptions,
  type KernelWeightSpec,
  register,
  tf,
} from "@quadranet/core";
import { gelu } from "./gelu.ts";
import { rbfVjp } from "./rbf_vjp.ts";

const DEFAULTS = { sigma: 1, inputProjection: false, momentum: 0.99, epsilon: 1e-3 };

/** The RBF kernel with BatchNorm on the exponent. */
export const rbfKernel: KernelMethod = {
  name: "rbf",
  resolveOptions(o: KernelOptions): KernelOptions {
    for (const k of Object.keys(o)) {
      if (!(k in DEFAULTS)) {
        throw new Error(`unknown option "${k}"; rbf takes ${Object.keys(DEFAULTS).join(", ")}`);
      }
    }
    const r = { ...DEFAULTS, ...o };
    if (typeof r.sigma !== "number" || !(r.sigma > 0)) {
      throw new Error(`sigma ${r.sigma} must be > 0`);
    }
    if (typeof r.inputProjection !== "boolean") {
      throw new Error(`inputProjection must be true or false`);
    }
    if (typeof r.momentum !== "number" || !(r.momentum >= 0 && r.momentum < 1)) {
      throw new Error(`momentum ${r.momentum} must be in [0, 1)`);
    }
    if (typeof r.epsilon !== "number" || !(r.epsilon > 0)) throw new Error(`epsilon must be > 0`);
    return r;
  },
  weights(c: number, o: KernelOptions): KernelWeightSpec[] {
    const specs: KernelWeightSpec[] = [
      { name: "bn_gamma", shape: [c], init: "ones", trainable: true },
      { name: "bn_beta", shape: [c], init: "zeros", trainable: true },
      { name: "bn_moving_mean", shape: [c], init: "zeros", trainable: false },
      { name: "bn_moving_variance", shape: [c], init: "ones", trainable: false },
    ];
    if (o.inputProjection) {
      for (const s of ["u", "v"]) {
        specs.push({ name: `proj_${s}_scale`, shape: [c], init: "ones", trainable: true });
        specs.push({ name: `proj_${s}_bias`, shape: [c], init: "zeros", trainable: true });
      }
    }
    return specs;
  },
  apply(u, v, ctx) {
    const w = ctx.weights;
    const o = ctx.options;
    let uu = u;
    let vv = v;
    if (o.inputProjection) {
      uu = tf.add(tf.mul(u, w.proj_u_scale.read()), w.proj_u_bias.read());
      vv = tf.add(tf.mul(v, w.proj_v_scale.read()), w.proj_v_bias.read());
    }
    const d = tf.square(tf.sub(gelu(uu), gelu(vv))); // [..., c]
    let mean: tf.Tensor = w.bn_moving_mean.read();
    let variance: tf.Tensor = w.bn_moving_variance.read();
    if (ctx.training) {
      const axes = d.shape.map((_, i) => i).slice(0, -1);
      const m = tf.moments(d, axes);
      mean = m.mean;
      variance = m.variance;
      const mom = o.momentum as number;
      tf.tidy(() => {
        w.bn_moving_mean.write(
          tf.add(tf.mul(w.bn_moving_mean.read(), mom), tf.mul(m.mean, 1 - mom)),
        );
        w.bn_moving_variance.write(
          tf.add(tf.mul(w.bn_moving_variance.read(), mom), tf.mul(m.variance, 1 - mom)),
        );
      });
    }
    const bn = tf.batchNorm(
      d,
      mean,
      variance,
      w.bn_beta.read(),
      w.bn_gamma.read(),
      o.epsilon as number,
    );
    const sigma = o.sigma as number;
    return tf.exp(tf.div(tf.neg(bn), 2 * sigma * sigma));
  },
  // closed-form backward through the BatchNorm, for `backprop: "recompute"`
  vjp: rbfVjp,
  flopsPerElement: 24, // two GELUs (erf), square, BatchNorm, exp
};

register("kernel", rbfKernel.name, rbfKernel);
