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
 * im2col(new Float32Array(9).fill(1), g, 0, 1, cols); // 3×3 'same' patches
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

/** Fills `cols` with the patches of images `[b0, b1)` of `x`. */
export function im2col(
  x: Float32Array,
  g: ConvGeometry,
  b0: number,
  b1: number,
  cols: Float32Array,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const k = patchSize(g);
  let row = 0;
  for (let b = b0; b < b1; b++) {
    const xb = b * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * g.strideH - g.padTop;
      for (let ox = 0; ox < outW; ox++, row++) {
        const ix0 = ox * g.strideW - g.padLeft;
        let o = row * k;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * g.dilH;
          if (iy < 0 || iy >= inH) {
            cols.fill(0, o, o + kW * inC);
            o += kW * inC;
            continue;
          }
          const xr = xb + iy * inW * inC;
          if (g.dilW === 1 && ix0 >= 0 && ix0 + kW <= inW) {
            // The whole kernel row is in bounds and contiguous in x.
            const span = kW * inC, s = xr + ix0 * inC;
            for (let c = 0; c < span; c++) cols[o + c] = x[s + c];
            o += span;
            continue;
          }
          for (let kx = 0; kx < kW; kx++, o += inC) {
            const ix = ix0 + kx * g.dilW;
            if (ix < 0 || ix >= inW) {
              cols.fill(0, o, o + inC);
            } else {
              const s = xr + ix * inC;
              for (let c = 0; c < inC; c++) cols[o + c] = x[s + c];
            }
          }
        }
      }
    }
  }
}

/** Scatter-adds patch rows of images `[b0, b1)` back into `dx` (the adjoint of {@link im2col}). */
export function col2im(
  cols: Float32Array,
  g: ConvGeometry,
  b0: number,
  b1: number,
  dx: Float32Array,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const k = patchSize(g);
  let row = 0;
  for (let b = b0; b < b1; b++) {
    const xb = b * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * g.strideH - g.padTop;
      for (let ox = 0; ox < outW; ox++, row++) {
        const ix0 = ox * g.strideW - g.padLeft;
        let o = row * k;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * g.dilH;
          if (iy < 0 || iy >= inH) {
            o += kW * inC;
            continue;
          }
          const xr = xb + iy * inW * inC;
          if (g.dilW === 1 && ix0 >= 0 && ix0 + kW <= inW) {
            const span = kW * inC, s = xr + ix0 * inC;
            for (let c = 0; c < span; c++) dx[s + c] += cols[o + c];
            o += span;
            continue;
          }
          for (let kx = 0; kx < kW; kx++, o += inC) {
            const ix = ix0 + kx * g.dilW;
            if (ix < 0 || ix >= inW) continue;
            const s = xr + ix * inC;
            for (let c = 0; c < inC; c++) dx[s + c] += cols[o + c];
          }
        }
      }
    }
  }
}

/** Whether the patch matrix of `x` is `x` itself (1×1, stride 1, no padding). */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 &&
    g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW;
}
