/**
 * The adapted DepthwiseConv2D (core's `adaptedDepthwiseConv2d`) as two
 * kernels of direct loops (no BLAS: nothing sums over channels). Per output
 * pixel the forward accumulates the primary taps and the U/V taps of every
 * channel into small per-pixel buffers and writes
 * `y = lin + bias + s·Σ_t P[c,t,j]·u_t·v_t`; with `saveUv` it also writes
 * `[Ux | Vx]` (`[B, OH, OW, 2·c·r]`, u block first). The backward takes that
 * tensor or, without it (`backprop: "recompute"`), recomputes u and v per
 * pixel, and produces dx, dW, dU, dV, dP and dbias in one pass; weight
 * gradients accumulate in float64.
 *
 * @example
 * ```ts
 * import { FUSED, tf } from "@quadranet/core";
 * import { adaptedDepthwiseKernel } from "./fused_adapted_depthwise_kernels.ts";
 * tf.registerKernel({ kernelName: FUSED.adaptedDepthwise, backendName: "blas", kernelFunc: adaptedDepthwiseKernel() as never });
 * ```
 * @module
 */
import { type AdaptedDepthwiseSettings, tf } from "@quadranet/core";
import { type KernelFn, output, values } from "./kernel_util.ts";

/** core's settings with the dilations filled in, and whether to output `[Ux | Vx]`. */
type Attrs = Required<Omit<AdaptedDepthwiseSettings, "recompute">> & { saveUv?: boolean };

/** Sizes and where each window starts (input coordinates of output pixel (0, 0)). */
interface Geometry {
  B: number;
  H: number;
  W: number;
  C: number;
  m: number;
  r: number;
  OH: number;
  OW: number;
  /** Strides. */
  sh: number;
  sw: number;
  /** The primary filter: size, dilation, first row/column of output (0, 0)'s window. */
  kh: number;
  kw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
  /** U/V: size, dilation, first row/column of output (0, 0)'s window. */
  qh: number;
  qw: number;
  eh: number;
  ew: number;
  uvTop: number;
  uvLeft: number;
}

function geometryOf(x: number[], w: number[], u: number[], a: Attrs): Geometry {
  const [B, H, W, C] = x;
  const [kh, kw, , m] = w;
  const [qh, qw, , r] = u;
  const [dh, dw] = a.dilations, [eh, ew] = a.uvDilations;
  const info = tf.backend_util.computeConv2DInfo(
    [B, H, W, C],
    [kh, kw, C, m],
    a.strides,
    a.dilations,
    a.pad,
    undefined,
    true,
  );
  const top = -info.padInfo.top, left = -info.padInfo.left;
  // U/V's window is centred on the primary's (ConvProjection's aligned geometry).
  const centre = (k: number, d: number, q: number, e: number) =>
    Math.floor(((k - 1) * d + 1 - ((q - 1) * e + 1)) / 2);
  return {
    B,
    H,
    W,
    C,
    m,
    r,
    OH: info.outHeight,
    OW: info.outWidth,
    sh: a.strides[0],
    sw: a.strides[1],
    kh,
    kw,
    dh,
    dw,
    top,
    left,
    qh,
    qw,
    eh,
    ew,
    uvTop: top + centre(kh, dh, qh, eh),
    uvLeft: left + centre(kw, dw, qw, ew),
  };
}

/** Called with the input offset of a tap's pixel (channel 0) and the tap's index. */
type TapVisit = (xo: number, tap: number) => void;

/**
 * Calls `visit(xOffset, tap)` for each in-bounds tap of a `[fh, fw]` window
 * with dilation `[d0, d1]` starting at input row `y0`, column `x0`.
 */
function eachTap(
  g: Geometry,
  b: number,
  y0: number,
  x0: number,
  fh: number,
  fw: number,
  d0: number,
  d1: number,
  visit: TapVisit,
) {
  for (let ky = 0; ky < fh; ky++) {
    const iy = y0 + ky * d0;
    if (iy < 0 || iy >= g.H) continue;
    for (let kx = 0; kx < fw; kx++) {
      const ix = x0 + kx * d1;
      if (ix < 0 || ix >= g.W) continue;
      visit(((b * g.H + iy) * g.W + ix) * g.C, ky * fw + kx);
    }
  }
}

/** {@link eachTap} over the primary window of output pixel (b, oy, ox). */
function primaryTaps(g: Geometry, b: number, oy: number, ox: number, visit: TapVisit) {
  eachTap(g, b, oy * g.sh + g.top, ox * g.sw + g.left, g.kh, g.kw, g.dh, g.dw, visit);
}

/** {@link eachTap} over the U/V window of output pixel (b, oy, ox). */
function uvTaps(g: Geometry, b: number, oy: number, ox: number, visit: TapVisit) {
  eachTap(g, b, oy * g.sh + g.uvTop, ox * g.sw + g.uvLeft, g.qh, g.qw, g.eh, g.ew, visit);
}

/** u, v (`[c·r]` each) of output pixel (b, oy, ox). */
function project(
  g: Geometry,
  x: Float32Array,
  u: Float32Array,
  v: Float32Array,
  b: number,
  oy: number,
  ox: number,
  pu: Float64Array,
  pv: Float64Array,
) {
  const { C, r } = g;
  pu.fill(0);
  pv.fill(0);
  uvTaps(g, b, oy, ox, (xo, tap) => {
    const fo = tap * C * r;
    for (let c = 0, i = 0; c < C; c++) {
      const xv = x[xo + c];
      for (let t = 0; t < r; t++, i++) {
        pu[i] += xv * u[fo + i];
        pv[i] += xv * v[fo + i];
      }
    }
  });
}

/** `QnAdaptedDepthwiseConv2D`: (x, w, u, v, p[, bias]) → y `[B, OH, OW, c·m]` [, uv]. */
export function adaptedDepthwiseKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as Attrs;
    const g = geometryOf(inputs.x.shape, inputs.w.shape, inputs.u.shape, a);
    const { B, C, m, r, OH, OW } = g;
    const x = values(backend, inputs.x), w = values(backend, inputs.w);
    const u = values(backend, inputs.u), v = values(backend, inputs.v);
    const p = values(backend, inputs.p);
    const bias = inputs.bias ? values(backend, inputs.bias) : undefined;
    const cm = C * m, cr = C * r, s = a.scale;
    const y = new Float32Array(B * OH * OW * cm);
    const uv = a.saveUv ? new Float32Array(B * OH * OW * 2 * cr) : undefined;
    const lin = new Float64Array(cm), pu = new Float64Array(cr), pv = new Float64Array(cr);
    for (let b = 0; b < B; b++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const pix = (b * OH + oy) * OW + ox;
          lin.fill(0);
          primaryTaps(g, b, oy, ox, (xo, tap) => {
            const fo = tap * cm;
            for (let c = 0, i = 0; c < C; c++) {
              const xv = x[xo + c];
              for (let j = 0; j < m; j++, i++) lin[i] += xv * w[fo + i];
            }
          });
          project(g, x, u, v, b, oy, ox, pu, pv);
          const yo = pix * cm;
          for (let c = 0; c < C; c++) {
            for (let j = 0; j < m; j++) {
              let q = 0;
              for (let t = 0, i = c * r; t < r; t++, i++) q += p[i * m + j] * pu[i] * pv[i];
              const o = c * m + j;
              y[yo + o] = lin[o] + (bias ? bias[o] : 0) + s * q;
            }
          }
          if (uv) {
            uv.set(pu, pix * 2 * cr);
            uv.set(pv, pix * 2 * cr + cr);
          }
        }
      }
    }
    const lead = [B, OH, OW];
    const out = output(backend, [...lead, cm], y);
    return uv ? [out, output(backend, [...lead, 2 * cr], uv)] : [out];
  };
}

/**
 * `QnAdaptedDepthwiseConv2DGrad`: (dy, x, w, u, v, p[, uv]) → dx, dW, dU, dV,
 * dP, dbias, with g_k = s·Σ_j P[c,t,j]·dy[c,j], du = g_k ⊙ v, dv = g_k ⊙ u,
 * dP = s·Σ u ⊙ v · dy, dU = Σ du · x, dx = Σ (W dy + U du + V dv) over taps.
 */
export function adaptedDepthwiseGradKernel(): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as Attrs;
    const g = geometryOf(inputs.x.shape, inputs.w.shape, inputs.u.shape, a);
    const { B, C, m, r, OH, OW } = g;
    const dy = values(backend, inputs.dy), x = values(backend, inputs.x);
    const w = values(backend, inputs.w), u = values(backend, inputs.u);
    const v = values(backend, inputs.v), p = values(backend, inputs.p);
    const uv = inputs.uv ? values(backend, inputs.uv) : undefined;
    const cm = C * m, cr = C * r, s = a.scale;
    const dx = new Float32Array(x.length);
    const dw = new Float64Array(w.length), du = new Float64Array(u.length);
    const dv = new Float64Array(v.length), dp = new Float64Array(p.length);
    const db = new Float64Array(cm);
    const pu = new Float64Array(cr), pv = new Float64Array(cr);
    const gu = new Float64Array(cr), gv = new Float64Array(cr);
    for (let b = 0; b < B; b++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const pix = (b * OH + oy) * OW + ox, yo = pix * cm;
          if (uv) {
            const o = pix * 2 * cr;
            for (let i = 0; i < cr; i++) {
              pu[i] = uv[o + i];
              pv[i] = uv[o + cr + i];
            }
          } else project(g, x, u, v, b, oy, ox, pu, pv); // recomputed
          for (let o = 0; o < cm; o++) db[o] += dy[yo + o];
          for (let c = 0; c < C; c++) {
            for (let t = 0, i = c * r; t < r; t++, i++) {
              let gk = 0;
              const k = s * pu[i] * pv[i];
              for (let j = 0; j < m; j++) {
                const gy = dy[yo + c * m + j];
                gk += p[i * m + j] * gy;
                dp[i * m + j] += k * gy;
              }
              gk *= s;
              gu[i] = gk * pv[i];
              gv[i] = gk * pu[i];
            }
          }
          primaryTaps(g, b, oy, ox, (xo, tap) => {
            const fo = tap * cm;
            for (let c = 0, i = 0; c < C; c++) {
              const xv = x[xo + c];
              let acc = 0;
              for (let j = 0; j < m; j++, i++) {
                const gy = dy[yo + i];
                dw[fo + i] += xv * gy;
                acc += w[fo + i] * gy;
              }
              dx[xo + c] += acc;
            }
          });
          uvTaps(g, b, oy, ox, (xo, tap) => {
            const fo = tap * cr;
            for (let c = 0, i = 0; c < C; c++) {
              const xv = x[xo + c];
              let acc = 0;
              for (let t = 0; t < r; t++, i++) {
                du[fo + i] += xv * gu[i];
                dv[fo + i] += xv * gv[i];
                acc += u[fo + i] * gu[i] + v[fo + i] * gv[i];
              }
              dx[xo + c] += acc;
            }
          });
        }
      }
    }
    const f32 = (d: Float64Array) => Float32Array.from(d);
    return [
      output(backend, inputs.x.shape, dx),
      output(backend, inputs.w.shape, f32(dw)),
      output(backend, inputs.u.shape, f32(du)),
      output(backend, inputs.v.shape, f32(dv)),
      output(backend, inputs.p.shape, f32(dp)),
      output(backend, [cm], f32(db)),
    ];
  };
}
