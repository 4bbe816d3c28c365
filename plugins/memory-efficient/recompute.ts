/**
 * `backprop: "recompute"`: memory-efficient backpropagation for quadratic
 * layers (QuadraLib's hybrid backprop, extended to convs; METHOD.md §3).
 *
 * Autodiff keeps `Ux`, `Vx`, `k(Ux, Vx)` and the padded input of every
 * adapted layer until the backward pass. This strategy keeps only `x` and the
 * weights, and in the backward pass recomputes the two projections and
 * applies the closed-form gradients, with `g = ∂L/∂y`:
 *
 *     g_k = s·Pᵀg          ∂L/∂P = s·g·k(Ux,Vx)ᵀ
 *     g_u = g_k ⊙ ∂k/∂u    g_v = g_k ⊙ ∂k/∂v
 *     ∂L/∂U = g_u·xᵀ       ∂L/∂V = g_v·xᵀ       ∂L/∂x = Uᵀg_u + Vᵀg_v
 *
 * where each `·ᵀ` of a projection is its transpose: a matmul, or the filter
 * and input gradients of the aligned atrous conv (`transposes.ts`). Kernels with
 * a closed-form `vjp` (rbf, through its BatchNorm) use it instead of
 * `partials`; kernels with neither, or with weights but no `vjp`, fall back to
 * autodiff with a one-time notice.
 *
 * @example
 * ```ts
 * import { adapt, tf } from "@quadranet/core";
 * import "@quadranet/memory-efficient";
 * const model = tf.sequential({
 *   layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", inputShape: [8, 8, 2] })],
 * });
 * const adapted = adapt(model, { rank: 4, backprop: "recompute" });
 * ```
 * @module
 */
import { autodiff, type BackpropStrategy, type QuadraticTerm, register, tf } from "@quadranet/core";
import { outProjectionVjp, projectionPairVjp, projectPair } from "./transposes.ts";

const noticed = new Set<string>();

function fallbackNotice(kernel: string, why: string): void {
  if (noticed.has(kernel)) return;
  noticed.add(kernel);
  console.warn(`recompute: kernel "${kernel}" ${why}; its layers use autodiff instead.`);
}

/**
 * The term for kernels with a closed-form `vjp` (batch statistics, weights of
 * their own, e.g. rbf): the kernel's trainable weights are inputs of the
 * custom gradient too; the forward updates moving statistics once, the
 * backward recomputes without updating them.
 */
function vjpTerm(term: QuadraticTerm, x: tf.Tensor, training: boolean): tf.Tensor {
  const kernel = term.kernelMethod;
  const ctx = term.kernelContext(training);
  const names = (kernel.weights?.(1, term.kernelOptions) ?? [])
    .filter((s) => s.trainable)
    .map((s) => s.name);
  const grad = tf.customGrad((...args: (tf.Tensor | ((s: tf.Tensor[]) => void))[]) => {
    const save = args[args.length - 1] as (s: tf.Tensor[]) => void;
    const ts = args.slice(0, -1) as tf.Tensor[];
    const [xi, u, v, p] = ts;
    save(ts); // the input and the weights only
    const value = term.outProjectWith(kernel.apply(...projectPair(term, xi, u, v), ctx), p);
    return {
      value,
      gradFunc: (g: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xs, us, vs, ps] = saved;
          const lin = kernel.vjp!(...projectPair(term, xs, us, vs), ctx);
          const [gk, gp] = tf.tidy(() => outProjectionVjp(term, lin.value, ps, g));
          const { du, dv, weights } = lin.backward(gk);
          const [gx, gU, gV] = tf.tidy(() => projectionPairVjp(term, xs, us, vs, du, dv));
          const gw = names.map((n, i) => weights[n] ?? tf.zerosLike(saved[4 + i]));
          return [gx, gU, gV, gp, ...gw];
        }),
    };
  });
  const kw = names.map((n) => term.kernelWeights[n].read());
  return grad(x, term.u.read(), term.v.read(), term.p.read(), ...kw);
}

/** The `recompute` strategy. */
export const recompute: BackpropStrategy = {
  name: "recompute",
  quadraticTerm(term: QuadraticTerm, x: tf.Tensor, training: boolean): tf.Tensor {
    const kernel = term.kernelMethod;
    if (kernel.vjp) return vjpTerm(term, x, training);
    if (!kernel.partials) {
      fallbackNotice(kernel.name, "has no closed-form partials");
      return autodiff.quadraticTerm(term, x, training);
    }
    if (kernel.weights?.(1, term.kernelOptions).length) {
      fallbackNotice(kernel.name, "carries weights of its own");
      return autodiff.quadraticTerm(term, x, training);
    }
    const ctx = term.kernelContext(training);
    const grad = tf.customGrad((...args: (tf.Tensor | ((s: tf.Tensor[]) => void))[]) => {
      const [xi, u, v, p] = args as tf.Tensor[];
      const save = args[4] as (s: tf.Tensor[]) => void;
      save([xi, u, v, p]); // only the input and the weights are kept
      const value = term.outProjectWith(kernel.apply(...projectPair(term, xi, u, v), ctx), p);
      return {
        value,
        // tfjs calls gradFunc outside any per-node scope, so without this tidy the
        // recomputed projections would live until the whole backward pass ends.
        gradFunc: (g: tf.Tensor, saved: tf.Tensor[]) =>
          tf.tidy(() => {
            const [xs, us, vs, ps] = saved;
            const [pu, pv] = projectPair(term, xs, us, vs); // recomputed (one im2col for convs)
            // Inner scopes free each intermediate as soon as it is used, keeping the
            // working set of one layer's backward small (it is the new peak).
            const [gk, gp] = tf.tidy(() =>
              outProjectionVjp(term, kernel.apply(pu, pv, ctx), ps, g)
            );
            const { du, dv } = kernel.partials!(pu, pv, ctx); // g_u = g_k ⊙ ∂k/∂u, g_v likewise
            return tf.tidy(() => {
              const [gx, gU, gV] = projectionPairVjp(
                term,
                xs,
                us,
                vs,
                tf.mul(gk, du),
                tf.mul(gk, dv),
              );
              return [gx, gU, gV, gp];
            });
          }),
      };
    });
    return grad(x, term.u.read(), term.v.read(), term.p.read());
  },
};

register("backprop", recompute.name, recompute);
