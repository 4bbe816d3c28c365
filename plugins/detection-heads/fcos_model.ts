/**
 * FCOS' network (Tian et al., 2019) as one tfjs `LayersModel`: an FPN neck on
 * the chosen backbone stages (P3–P5 by default, plus P6–P7), then towers of
 * 3×3 conv → GroupNorm → ReLU shared by all levels (one for classification,
 * one for box regression), a classification conv (bias at the prior 0.01), a
 * box conv giving raw `(l, t, r, b)` and a centerness conv on the box tower.
 *
 * Inputs are every feature map the backbone gives (unused ones are ignored),
 * outputs `[cls_0 … cls_{L−1}, box_0 … box_{L−1}, ctr_0 … ctr_{L−1}]`,
 * fine to coarse, each `[B, H_l, W_l, ·]`.
 *
 * @example
 * ```ts
 * import { buildFcosModel } from "./fcos_model.ts";
 * const { model, strides } = buildFcosModel({
 *   numClasses: 2, featureStrides: [4, 8, 16, 32], featureChannels: [8, 16, 32, 64],
 *   channels: 16, towerConvs: 1, groups: 4, extraLevels: 0,
 * });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { buildFpn } from "./fpn.ts";
import { defaultGroups, GroupNorm } from "./group_norm.ts";

type ST = tf.SymbolicTensor;

/** Network options of the FCOS head (all but the first three have defaults). */
export interface FcosModelOptions {
  /** Object classes. */
  numClasses: number;
  /** Stride of each input feature map. */
  featureStrides: number[];
  /** Channels of each input feature map. */
  featureChannels: number[];
  /** backbone strides the FPN takes (default: those of 8, 16, 32 present) */
  useStrides?: number[];
  /** extra levels P6, P7 on top (default 2) */
  extraLevels?: number;
  /** FPN and tower width (default 256) */
  channels?: number;
  /** conv–GN–ReLU blocks per tower (default 4) */
  towerConvs?: number;
  /** GroupNorm groups (default: the largest divisor of the channels up to 32) */
  groups?: number;
  /** initial foreground probability of the classifier (default 0.01) */
  priorProb?: number;
  /** layer-name prefix (default "fcos") */
  prefix?: string;
  /** seeds every kernel initializer (seed, seed + 1, ...) for reproducible weights */
  seed?: number;
}

/** Successive seeds from `seed`, or none when it is undefined. */
export function seeder(seed: number | undefined): () => number | undefined {
  let next = seed;
  return () => next === undefined ? undefined : next++;
}

/** Checks the backbone description every head receives. */
export function checkFeatures(who: string, strides: number[], channels: number[]): void {
  if (!Array.isArray(strides) || strides.length === 0 || strides.length !== channels?.length) {
    throw new RangeError(
      `${who}: featureStrides and featureChannels must be non-empty lists of equal length ` +
        `(one entry per backbone feature map); got ${strides} and ${channels}`,
    );
  }
  strides.forEach((s, i) => {
    if (!(Number.isInteger(s) && s > 0 && Number.isInteger(channels[i]) && channels[i] > 0)) {
      throw new RangeError(
        `${who}: feature ${i} has stride ${s} and ${
          channels[i]
        } channels; both must be positive integers`,
      );
    }
  });
}

/** Builds the model; returns it with the stride of each output level. */
export function buildFcosModel(o: FcosModelOptions): { model: tf.LayersModel; strides: number[] } {
  checkFeatures("FCOS", o.featureStrides, o.featureChannels);
  if (!(Number.isInteger(o.numClasses) && o.numClasses >= 1)) {
    throw new RangeError(`FCOS: numClasses must be a positive integer; got ${o.numClasses}`);
  }
  const prefix = o.prefix ?? "fcos";
  const channels = o.channels ?? 256;
  const groups = o.groups ?? defaultGroups(channels);
  const towerConvs = o.towerConvs ?? 4;
  const extraLevels = o.extraLevels ?? 2;
  const preferred = o.featureStrides.filter((s) => s === 8 || s === 16 || s === 32);
  const use = o.useStrides ?? (preferred.length > 0 ? preferred : o.featureStrides);
  const order = use.map((s) => {
    const i = o.featureStrides.indexOf(s);
    if (i < 0) {
      throw new RangeError(
        `FCOS: useStrides has ${s}, but the backbone gives strides ${o.featureStrides}`,
      );
    }
    return i;
  });
  for (let k = 1; k < use.length; k++) {
    if (use[k] !== 2 * use[k - 1]) {
      throw new RangeError(
        `FCOS: useStrides must double from level to level (e.g. 8, 16, 32); got ${use}`,
      );
    }
  }
  const inputs = o.featureStrides.map((s, i) =>
    tf.input({ shape: [null, null, o.featureChannels[i]], name: `${prefix}_in_s${s}_${i}` })
  );
  const nextSeed = seeder(o.seed);
  const pyramid = buildFpn(order.map((i) => inputs[i]), {
    channels,
    extraLevels,
    prefix: `${prefix}_fpn`,
    kernelInitializer: () => tf.initializers.glorotUniform({ seed: nextSeed() }),
  });
  const strides = [...use];
  for (let e = 0; e < extraLevels; e++) strides.push(strides[strides.length - 1] * 2);

  const L = tf.layers;
  const init = () => tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: nextSeed() });
  const tower = (name: string) =>
    Array.from({ length: towerConvs }, (_, i) => [
      L.conv2d({
        filters: channels,
        kernelSize: 3,
        padding: "same",
        kernelInitializer: init(),
        name: `${prefix}_${name}_conv_${i}`,
      }),
      new GroupNorm({ groups, name: `${prefix}_${name}_gn_${i}` }),
      L.reLU({ name: `${prefix}_${name}_relu_${i}` }),
    ]).flat();
  const clsTower = tower("cls_tower");
  const boxTower = tower("box_tower");
  const head = (name: string, filters: number, bias = 0) =>
    L.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      kernelInitializer: init(),
      biasInitializer: tf.initializers.constant({ value: bias }),
      name: `${prefix}_${name}`,
    });
  const prior = o.priorProb ?? 0.01;
  const clsOut = head("cls_logits", o.numClasses, -Math.log((1 - prior) / prior));
  const boxOut = head("box_raw", 4);
  const ctrOut = head("centerness", 1);
  const run = (layers: tf.layers.Layer[], x: ST) => layers.reduce((h, l) => l.apply(h) as ST, x);
  const cls: ST[] = [], box: ST[] = [], ctr: ST[] = [];
  for (const p of pyramid) {
    cls.push(clsOut.apply(run(clsTower, p)) as ST);
    const b = run(boxTower, p);
    box.push(boxOut.apply(b) as ST);
    ctr.push(ctrOut.apply(b) as ST);
  }
  const model = tf.model({ inputs, outputs: [...cls, ...box, ...ctr], name: prefix });
  return { model, strides };
}
