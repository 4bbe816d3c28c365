/**
 * Closed-form transposes (vector-Jacobian products) of the linear maps of a
 * quadratic layer: the projections `x ↦ Ux` (matmul, or an aligned atrous
 * conv) and the output projection `k ↦ s·Pk`. The backward pass of
 * `recompute` is built from these, with no autodiff inside it.
 *
 * @module
 */
import {
  type ConvKind,
  padToPlan,
  phasePadding,
  type QuadraticTerm,
  tf,
  unpadFromPlan,
} from "@quadranet/core";

const T = (t: unknown) => t as tf.Tensor;

function flat2(t: tf.Tensor): tf.Tensor2D {
  return tf.reshape(t, [-1, t.shape[t.rank - 1]]) as tf.Tensor2D;
}

// Transpose of subsampling every s-th row/column: insert s − 1 zeros.
function zeroInsert(g: tf.Tensor4D, s: [number, number], full: [number, number]): tf.Tensor4D {
  const [B, oh, ow, C] = g.shape;
  let a = tf.pad(tf.reshape(g, [B * oh, ow, 1, C]), [[0, 0], [0, 0], [0, s[1] - 1], [0, 0]]);
  a = tf.pad(tf.reshape(a, [B, oh, 1, ow * s[1] * C]), [[0, 0], [0, 0], [0, s[0] - 1], [0, 0]]);
  const full4 = tf.reshape(a, [B, oh * s[0], ow * s[1], C]) as tf.Tensor4D;
  return tf.slice(full4, [0, 0, 0, 0], [-1, full[0], full[1], -1]);
}

function convValidVjp(
  x: tf.Tensor4D,
  f: tf.Tensor4D,
  kind: ConvKind,
  s: [number, number],
  gy: tf.Tensor4D,
): [tf.Tensor4D, tf.Tensor4D] {
  const e = tf.engine();
  if (kind === "conv") {
    const gf = T(e.runKernel("Conv2DBackpropFilter", { x, dy: gy }, {
      strides: s,
      pad: "valid",
      dataFormat: "NHWC",
      filterShape: f.shape,
    }));
    return [tf.conv2dTranspose(gy, f, x.shape, s, "valid"), gf as tf.Tensor4D];
  }
  const attrs = { strides: s, pad: "valid", dilations: [1, 1] };
  const gf = T(
    e.runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy: gy }, {
      ...attrs,
      filterShape: f.shape,
    }),
  );
  const gx = T(
    e.runKernel("DepthwiseConv2dNativeBackpropInput", { dy: gy, filter: f }, {
      ...attrs,
      inputShape: x.shape,
    }),
  );
  return [gx as tf.Tensor4D, gf as tf.Tensor4D];
}

/** `[∂L/∂x, ∂L/∂w]` of one projection `x ↦ term.projectWith(x, w)` for cotangent `gy`. */
export function projectionVjp(
  term: QuadraticTerm,
  x: tf.Tensor,
  w: tf.Tensor,
  gy: tf.Tensor,
): [tf.Tensor, tf.Tensor] {
  const proj = term.projection;
  if (!proj) {
    const x2 = flat2(x);
    const g2 = flat2(gy);
    return [
      tf.reshape(tf.matMul(g2, w as tf.Tensor2D, false, true), x.shape),
      tf.matMul(x2, g2, true, false),
    ];
  }
  const x4 = x as tf.Tensor4D;
  const f = w as tf.Tensor4D;
  const g = gy as tf.Tensor4D;
  const plan = proj.plan(x4);
  const xp = padToPlan(x4, plan);
  const d = proj.dilation;
  const s = plan.strides;
  let gxp: tf.Tensor4D;
  let gf: tf.Tensor4D;
  if (d[0] === 1 && d[1] === 1) {
    [gxp, gf] = convValidVjp(xp, f, proj.kind, s, g);
  } else {
    const out: [number, number] = [plan.h.out, plan.w.out];
    const full: [number, number] = [(out[0] - 1) * s[0] + 1, (out[1] - 1) * s[1] + 1];
    const g1 = s[0] === 1 && s[1] === 1 ? g : zeroInsert(g, s, full);
    const phases = phasePadding(xp, d);
    const sb = tf.spaceToBatchND(xp, d, phases) as tf.Tensor4D;
    const ysH = sb.shape[1] - f.shape[0] + 1;
    const ysW = sb.shape[2] - f.shape[1] + 1;
    const gys = tf.spaceToBatchND(g1, d, [[0, d[0] * ysH - full[0]], [
      0,
      d[1] * ysW - full[1],
    ]]) as tf.Tensor4D;
    const [gsb, gff] = convValidVjp(sb, f, proj.kind, [1, 1], gys);
    gxp = tf.batchToSpaceND(gsb, d, phases) as tf.Tensor4D;
    gf = gff;
  }
  return [unpadFromPlan(gxp, plan), gf];
}

/** `[∂L/∂k, ∂L/∂P]` of `k ↦ outProjectWith(k, P)` for cotangent `g`. */
export function outProjectionVjp(
  term: QuadraticTerm,
  k: tf.Tensor,
  p: tf.Tensor,
  g: tf.Tensor,
): [tf.Tensor, tf.Tensor] {
  const s = term.scale;
  if (term.layer.form !== "depthwise") {
    const k2 = flat2(k);
    const g2 = flat2(g);
    const gk = tf.reshape(tf.mul(tf.matMul(g2, p as tf.Tensor2D, false, true), s), k.shape);
    return [gk, tf.mul(tf.matMul(k2, g2, true, false), s)];
  }
  const [C, r, m] = p.shape;
  const k4 = tf.reshape(k, [-1, C, r, 1]); // [N, C, r, 1]
  const g4 = tf.reshape(g, [-1, C, 1, m]); // [N, C, 1, m]
  const gk = tf.reshape(tf.mul(tf.sum(tf.mul(g4, p), 3), s), k.shape); // Σ_m g·P
  const gp = tf.mul(tf.sum(tf.mul(k4, g4), 0), s); // Σ_n k·g → [C, r, m]
  return [gk, gp];
}

/** The two halves of `t`'s last axis (2r): `Slice` kernels (tfjs' `SplitV` is slow on cpu/blas). */
function halves(t: tf.Tensor, r: number): [tf.Tensor, tf.Tensor] {
  const size = [...t.shape.slice(0, -1), r];
  const at = (o: number) => [...t.shape.slice(0, -1).map(() => 0), o];
  return [tf.slice(t, at(0), size), tf.slice(t, at(r), size)];
}

/**
 * `[Ux, Vx]` through one projection with U and V concatenated (one im2col for
 * a conv); depthwise projections, whose channels interleave, take two.
 */
export function projectPair(
  term: QuadraticTerm,
  x: tf.Tensor,
  u: tf.Tensor,
  v: tf.Tensor,
): [tf.Tensor, tf.Tensor] {
  if (term.layer.form === "depthwise") return [term.projectWith(x, u), term.projectWith(x, v)];
  const r = u.shape[u.rank - 1];
  return halves(term.projectWith(x, tf.concat([u, v], -1)), r);
}

/**
 * `[∂L/∂x, ∂L/∂U, ∂L/∂V]` of both projections for cotangents `du`, `dv`: one
 * transpose of the concatenated projection (`[U|V]ᵀ[du|dv] = Uᵀdu + Vᵀdv`);
 * depthwise projections take one each.
 */
export function projectionPairVjp(
  term: QuadraticTerm,
  x: tf.Tensor,
  u: tf.Tensor,
  v: tf.Tensor,
  du: tf.Tensor,
  dv: tf.Tensor,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (term.layer.form === "depthwise") {
    const [gxU, gU] = tf.tidy(() => projectionVjp(term, x, u, du));
    const [gxV, gV] = tf.tidy(() => projectionVjp(term, x, v, dv));
    return [tf.add(gxU, gxV), gU, gV];
  }
  const r = u.shape[u.rank - 1];
  const [gx, g] = projectionVjp(term, x, tf.concat([u, v], -1), tf.concat([du, dv], -1));
  const [gU, gV] = halves(g, r);
  return [gx, gU, gV];
}
