/**
 * The quadratic adapter's output part as one op: `s · (u ⊙ v) · P` from
 * `uv = [u | v]` (one projection with U and V concatenated, last axis 2r)
 * and `P` `[r, c]`; one kernel forward and one backward where the backend
 * has them, else a composite of tfjs ops. {@link fusedQuadraticTerm} builds
 * a layer's whole term on it (one im2col and one GEMM for U and V).
 *
 * @example
 * ```ts
 * import { quadEpilogue, tf } from "@quadranet/core";
 * const uv = tf.tensor2d([[1, 2, 3, 4]]); // r = 2: u = [1, 2], v = [3, 4]
 * quadEpilogue(uv, tf.tensor2d([[1], [1]]), 0.5); // [[0.5·(3 + 8)]] = [[5.5]]
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import type { QuadraticTerm } from "../adapter/quadratic_layer.ts";
import { FUSED, fusedKernelAvailable, runFused } from "./fused_ops.ts";

/** `s · (u ⊙ v) · P` for `uv` `[..., 2r]` and `p` `[r, c]`: shape `[..., c]`. */
export function quadEpilogue(uv: tf.Tensor, p: tf.Tensor, scale: number): tf.Tensor {
  const r = p.shape[0];
  if (uv.shape[uv.rank - 1] !== 2 * r || p.rank !== 2) {
    throw new Error(
      `quadEpilogue: uv's last axis (${uv.shape[uv.rank - 1]}) must be 2·r = ${2 * r} ` +
        `for P of shape [${p.shape}] ([r, c])`,
    );
  }
  if (fusedKernelAvailable(FUSED.quadEpilogue) && uv.dtype === "float32") {
    return runFused(FUSED.quadEpilogue, { uv, p }, { scale })[0];
  }
  return tf.tidy(() => {
    const [u, v] = tf.split(uv, 2, -1);
    const k = tf.reshape(tf.mul(u, v), [-1, r]) as tf.Tensor2D;
    const y = tf.matMul(k, tf.mul(p, scale) as tf.Tensor2D);
    return tf.reshape(y, [...uv.shape.slice(0, -1), p.shape[1] as number]);
  });
}

/** The gradient of {@link FUSED}.quadEpilogue (registered by `installFusedOps`). @internal */
export const quadEpilogueGradient: tf.GradConfig = {
  kernelName: FUSED.quadEpilogue,
  inputsToSave: ["uv", "p"],
  gradFunc: (dy, saved, attrs) => {
    const [uv, p] = saved;
    const [duv, dp] = runFused(
      FUSED.quadEpilogueGrad,
      { dy: dy as tf.Tensor, uv, p },
      { scale: (attrs as unknown as { scale: number }).scale },
    );
    return { uv: () => duv, p: () => dp };
  },
};

/**
 * `y[..., :c] + bias + s·(u ⊙ v)·P` for `y = [lin | u | v]` (last axis
 * c + 2r) and P `[r, c]`; one kernel where the backend has it.
 */
export function quadResidual(
  y: tf.Tensor,
  p: tf.Tensor,
  scale: number,
  bias?: tf.Tensor,
): tf.Tensor {
  const [r, c] = p.shape as [number, number];
  if (y.shape[y.rank - 1] !== c + 2 * r) {
    throw new Error(
      `quadResidual: y's last axis (${y.shape[y.rank - 1]}) must be c + 2r = ${c + 2 * r}`,
    );
  }
  if (fusedKernelAvailable(FUSED.quadResidual) && y.dtype === "float32") {
    return runFused(FUSED.quadResidual, bias ? { y, p, bias } : { y, p }, { scale })[0];
  }
  return tf.tidy(() => {
    const [lin, uv] = tf.split(y, [c, 2 * r], -1);
    const out = tf.add(lin, quadEpilogue(uv, p, scale));
    return bias ? tf.add(out, bias) : out;
  });
}

/** The gradient of {@link FUSED}.quadResidual (registered by `installFusedOps`). @internal */
export const quadResidualGradient: tf.GradConfig = {
  kernelName: FUSED.quadResidual,
  inputsToSave: ["y", "p"],
  gradFunc: (dy, saved, attrs) => {
    const [y, p] = saved;
    const g = dy as tf.Tensor;
    const s = (attrs as unknown as { scale: number }).scale;
    const [r, c] = p.shape as [number, number];
    // g_k = s·g·Pᵀ, dP = s·kᵀ·g, du = g_k ⊙ v, dv = g_k ⊙ u (plain ops: this is
    // the rarely used path, inference being what the kernel is for)
    const [, u, v] = tf.split(y, [c, r, r], -1);
    const g2 = tf.reshape(g, [-1, c]) as tf.Tensor2D;
    const k2 = tf.reshape(tf.mul(u, v), [-1, r]) as tf.Tensor2D;
    const gk = tf.reshape(tf.matMul(g2, p as tf.Tensor2D, false, true), u.shape);
    const dp = tf.mul(tf.matMul(k2, g2, true, false), s);
    const duv = tf.mul(tf.concat([tf.mul(gk, v), tf.mul(gk, u)], -1), s);
    const lead = Array.from({ length: g.rank - 1 }, (_, i) => i);
    return {
      y: () => tf.concat([g, duv], -1),
      p: () => dp,
      bias: () => tf.sum(g, lead),
    };
  },
};

/**
 * A layer's quadratic term `s · P (Ux ⊙ Vx)` with U and V as one projection
 * and the fused epilogue, when the fused kernel runs on this backend and the
 * layer qualifies (kernel `quadratic`, Dense or Conv2D form); else undefined.
 */
export function fusedQuadraticTerm(term: QuadraticTerm, x: tf.Tensor): tf.Tensor | undefined {
  const form = term.layer.form;
  if (
    !fusedKernelAvailable(FUSED.quadEpilogue) || term.kernelMethod.name !== "quadratic" ||
    (form !== "conv2d" && form !== "dense") || x.dtype !== "float32"
  ) return undefined;
  return tf.tidy(() => {
    const w = tf.concat([term.u.read(), term.v.read()], -1); // [..., cin, 2r]
    return quadEpilogue(term.projectWith(x, w), term.p.read(), term.scale);
  });
}
