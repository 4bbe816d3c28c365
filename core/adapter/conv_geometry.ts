/**
 * Reads a Conv2D / DepthwiseConv2D config and chooses the atrous geometry of
 * the projections U and V.
 *
 * Default: a receptive field equal to the primary kernel's. Extent e ≤ 3 →
 * kernel e, dilation 1; odd e > 3 → 3×3 with dilation (e − 1)/2 (7×7 → 3×3
 * dilation 3: 9/49 of the weights); even e > 3 → 2 with dilation e − 1.
 *
 * @example
 * ```ts
 * import { defaultQuadGeometry } from "./conv_geometry.ts";
 * defaultQuadGeometry(7); // { size: 3, dilation: 3 }
 * ```
 * @module
 */
import { UnsupportedLayerError } from "../errors.ts";
import { effectiveSize } from "./atrous.ts";

/** Geometry of a conv layer's primary op, from its config. */
export interface ConvGeometry {
  /** Kernel size `[h, w]`. */
  kernelSize: [number, number];
  /** Strides `[h, w]`. */
  strides: [number, number];
  /** Dilation `[h, w]`. */
  dilation: [number, number];
  /** Padding mode. */
  padding: "same" | "valid";
  /** Effective extent of the primary kernel. */
  extent: [number, number];
}

function pair(v: unknown, fallback: number): [number, number] {
  if (v == null) return [fallback, fallback];
  if (typeof v === "number") return [v, v];
  const a = v as number[];
  return [a[0], a.length > 1 ? a[1] : a[0]];
}

/** Reads the geometry of a Conv2D/DepthwiseConv2D config; rejects what is unsupported. */
export function convGeometry(
  name: string,
  className: string,
  cfg: Record<string, unknown>,
): ConvGeometry {
  const fmt = cfg.dataFormat ?? "channelsLast";
  if (fmt !== "channelsLast") {
    throw new UnsupportedLayerError(
      name,
      className,
      `Cannot adapt layer "${name}" (${className}): dataFormat "${fmt}" is not supported; ` +
        `use a channelsLast (NHWC) model or exclude this layer`,
    );
  }
  const padding = cfg.padding as string;
  if (padding !== "same" && padding !== "valid") {
    throw new UnsupportedLayerError(
      name,
      className,
      `Cannot adapt layer "${name}" (${className}): padding "${padding}" is not supported; use "same" or "valid"`,
    );
  }
  const kernelSize = pair(cfg.kernelSize, 1);
  const strides = pair(cfg.strides, 1);
  const dilation = pair(cfg.dilationRate, 1);
  return {
    kernelSize,
    strides,
    dilation,
    padding,
    extent: [effectiveSize(kernelSize[0], dilation[0]), effectiveSize(kernelSize[1], dilation[1])],
  };
}

/** The default U/V kernel size and dilation for a primary extent `e`. */
export function defaultQuadGeometry(e: number): { size: number; dilation: number } {
  if (e <= 3) return { size: e, dilation: 1 };
  return e % 2 === 1 ? { size: 3, dilation: (e - 1) / 2 } : { size: 2, dilation: e - 1 };
}

/**
 * Resolves U/V size and dilation per axis: defaults match the primary
 * extent; a size given without a dilation gets the dilation that comes
 * closest to the primary extent.
 */
export function quadGeometry(
  extent: [number, number],
  size: [number, number] | null,
  dilation: [number, number] | null,
): { size: [number, number]; dilation: [number, number] } {
  const axis = (i: 0 | 1) => {
    const def = defaultQuadGeometry(extent[i]);
    const k = size ? size[i] : dilation ? 3 : def.size;
    const d = dilation
      ? dilation[i]
      : size
      ? (k > 1 ? Math.max(1, Math.round((extent[i] - 1) / (k - 1))) : 1)
      : def.dilation;
    return [k, d] as const;
  };
  const [kh, dh] = axis(0);
  const [kw, dw] = axis(1);
  return { size: [kh, kw], dilation: [dh, dw] };
}
