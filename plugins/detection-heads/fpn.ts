/**
 * A feature pyramid network neck (Lin et al., 2017) as tfjs-layers: 1×1
 * lateral convs, a top-down path of nearest ×2 upsampling and additions,
 * 3×3 output convs, and optionally extra levels by stride-2 3×3 convs on the
 * last output (P6, then ReLU and P7), as FCOS does.
 *
 * Adjacent inputs must differ by exactly a factor 2 in size (an input whose
 * sides are multiples of the coarsest input stride guarantees it).
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { buildFpn } from "./fpn.ts";
 * const c3 = tf.input({ shape: [null, null, 8] }), c4 = tf.input({ shape: [null, null, 16] });
 * const [p3, p4, p5] = buildFpn([c3, c4], { channels: 32, extraLevels: 1, prefix: "fpn" });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

type ST = tf.SymbolicTensor;

/** Options of {@link buildFpn}. */
export interface FpnOptions {
  /** output channels of every level */
  channels: number;
  /** extra coarser levels after the last input (0, 1 or 2: P6, P7) */
  extraLevels?: number;
  /** layer-name prefix (names must be unique within a model) */
  prefix: string;
  /** kernel initializer per conv (default glorotUniform, unseeded) */
  kernelInitializer?: () => ReturnType<typeof tf.initializers.glorotUniform>;
}

/** Builds the pyramid on `inputs` ordered fine to coarse; returns fine to coarse outputs. */
export function buildFpn(
  inputs: tf.SymbolicTensor[],
  { channels, extraLevels = 0, prefix, kernelInitializer }: FpnOptions,
): tf.SymbolicTensor[] {
  const init = () => kernelInitializer?.() ?? "glorotUniform";
  if (inputs.length === 0) throw new RangeError(`${prefix}: the FPN needs at least one input`);
  if (!(extraLevels >= 0 && extraLevels <= 2 && Number.isInteger(extraLevels))) {
    throw new RangeError(`${prefix}: extraLevels must be 0, 1 or 2; got ${extraLevels}`);
  }
  const L = tf.layers;
  const laterals = inputs.map((x, i) =>
    L.conv2d({
      filters: channels,
      kernelSize: 1,
      kernelInitializer: init(),
      name: `${prefix}_lateral_${i}`,
    }).apply(x) as ST
  );
  const merged: ST[] = new Array(inputs.length);
  merged[inputs.length - 1] = laterals[inputs.length - 1];
  for (let i = inputs.length - 2; i >= 0; i--) {
    const up = L.upSampling2d({ size: [2, 2], name: `${prefix}_up_${i}` }).apply(
      merged[i + 1],
    ) as ST;
    merged[i] = L.add({ name: `${prefix}_merge_${i}` }).apply([laterals[i], up]) as ST;
  }
  const outs = merged.map((m, i) =>
    L.conv2d({
      filters: channels,
      kernelSize: 3,
      padding: "same",
      kernelInitializer: init(),
      name: `${prefix}_out_${i}`,
    })
      .apply(m) as ST
  );
  let last = outs[outs.length - 1];
  for (let e = 0; e < extraLevels; e++) {
    const src = e === 0 ? last : L.reLU({ name: `${prefix}_extra_relu_${e}` }).apply(last) as ST;
    last = L.conv2d({
      filters: channels,
      kernelSize: 3,
      strides: 2,
      padding: "same",
      kernelInitializer: init(),
      name: `${prefix}_extra_${e}`,
    }).apply(src) as ST;
    outs.push(last);
  }
  return outs;
}
