/**
 * im2col / col2im for NHWC convolutions: the patch matrix whose product with
 * an HWIO filter (viewed as `[kh·kw·cin, cout]`) is the convolution.
 *
 * Rows are output pixels `(b, oy, ox)`, columns `(ky, kx, c)`; out-of-bounds
 * taps are zero. Any stride, padding and dilation.
 *
 * @example
 * ```ts
 * const g = { inH: 3, inW: 3, inC: 1, outH: 3, outW: 3, kH: 3, kW: 3, strideH: 1,
 *   strideW: 1, dilH: 1, dilW: 1, padTop: 1, padLeft: 1 };
 * const cols = new Float32Array(9 * 9);
 * im2col(new Float32Array(9).fill(1), g, 0, 9, cols); // the 9 output pixels' 3×3 'same' patches
 * ```
 * @module
 */

/** Geometry of one NHWC convolution (per image). */
export interface ConvGeometry {
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padTop: number;
  padLeft: number;
}

/** Columns of the patch matrix: `kH·kW·inC`. */
export function patchSize(g: ConvGeometry): number {
  return g.kH * g.kW * g.inC;
}

/**
 * Fills `cols` with the patch rows `[r0, r1)` of `x` (row `(b·outH + oy)·outW
 * + ox`; `cols` row 0 is row `r0`). Chunks of rows small enough to stay in
 * cache make im2col + GEMM about twice as fast as whole images at once.
 */
export function im2col(
  x: Float32Array,
  g: ConvGeometry,
  r0: number,
  r1: number,
  cols: Float32Array,
): void {
  im2colOrAdjoint(x, g, r0, r1, cols, false);
}

/** Scatter-adds patch rows `[r0, r1)` back into `dx` (the adjoint of {@link im2col}). */
export function col2im(
  cols: Float32Array,
  g: ConvGeometry,
  r0: number,
  r1: number,
  dx: Float32Array,
): void {
  im2colOrAdjoint(dx, g, r0, r1, cols, true);
}

// One walk over (row, ky, kx) for both directions: `add` false copies x into
// cols (zeros out of bounds), true adds cols into x (skips out of bounds).
function im2colOrAdjoint(
  x: Float32Array,
  g: ConvGeometry,
  r0: number,
  r1: number,
  cols: Float32Array,
  add: boolean,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const span = kW * inC, per = outH * outW;
  let b = Math.floor(r0 / per), oy = Math.floor((r0 % per) / outW), ox = r0 % outW;
  for (let row = r0, o = 0; row < r1; row++) {
    const xb = b * inH * inW * inC, iy0 = oy * g.strideH - g.padTop;
    const ix0 = ox * g.strideW - g.padLeft;
    const whole = g.dilW === 1 && ix0 >= 0 && ix0 + kW <= inW;
    for (let ky = 0; ky < kH; ky++) {
      const iy = iy0 + ky * g.dilH;
      if (iy < 0 || iy >= inH) {
        if (!add) cols.fill(0, o, o + span);
        o += span;
      } else if (whole) {
        // The whole kernel row is in bounds and contiguous in x.
        const s = xb + (iy * inW + ix0) * inC;
        if (add) { for (let c = 0; c < span; c++) x[s + c] += cols[o + c]; }
        else for (let c = 0; c < span; c++) cols[o + c] = x[s + c];
        o += span;
      } else {
        for (let kx = 0; kx < kW; kx++, o += inC) {
          const ix = ix0 + kx * g.dilW;
          if (ix < 0 || ix >= inW) {
            if (!add) cols.fill(0, o, o + inC);
            continue;
          }
          const s = xb + (iy * inW + ix) * inC;
          if (add) { for (let c = 0; c < inC; c++) x[s + c] += cols[o + c]; }
          else for (let c = 0; c < inC; c++) cols[o + c] = x[s + c];
        }
      }
    }
    if (++ox === outW) {
      ox = 0;
      if (++oy === outH) {
        oy = 0;
        b++;
      }
    }
  }
}

/** Whether the patch matrix of `x` is `x` itself (1×1, stride 1, no padding). */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 &&
    g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW;
}
