/**
 * The FCOS detection head (plugin `"fcos"` of kind `head`): the network of
 * `fcos_model.ts`, its loss (sigmoid focal loss α 0.25 γ 2 over all
 * locations and classes, GIoU loss weighted by the centerness target,
 * centerness BCE on positives; each normalised by the positives) with
 * targets assigned on the CPU, and its decoding.
 *
 * Box distances are `exp(raw) · stride` (raw clipped to ±10); scores are
 * `sqrt(σ(cls) · σ(ctr))`. Decoding keeps the `preNmsTopK` best
 * (location, class) pairs per level, drops scores below the threshold, runs
 * class-wise NMS and keeps `maxDetections`.
 *
 * @example
 * ```ts
 * import { fcosHead } from "./fcos_head.ts";
 * const head = fcosHead.create({
 *   numClasses: 2, featureStrides: [8, 16, 32], featureChannels: [16, 32, 64],
 *   channels: 16, towerConvs: 1, groups: 4,
 * });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { assignFcosTargets, defaultSizeRanges, type FcosLevel } from "./fcos_targets.ts";
import { buildFcosModel, type FcosModelOptions } from "./fcos_model.ts";
import type {
  DecodeOptions,
  DetectionHead,
  Detections,
  DetectionTarget,
  HeadCreateOptions,
  HeadPlugin,
} from "@quadranet/core";
import { bceWithLogits, giouLoss, sigmoidFocalLoss } from "./losses.ts";
import { checkDecodeOptions, classwiseNms, clipBoxes, topKAsync } from "./postprocess.ts";

/** All options of the FCOS head. */
export interface FcosOptions extends FcosModelOptions {
  /** `[lo, hi]` per output level (default FCOS' 64/128/256/512 edges) */
  sizeRanges?: [number, number][];
  /** centre-sampling radius in strides; 0 turns it off (default 1.5) */
  centerRadius?: number;
  /** Focal loss alpha (default 0.25). */
  focalAlpha?: number;
  /** Focal loss gamma (default 2). */
  focalGamma?: number;
  /** candidates kept per level before NMS (default 1000) */
  preNmsTopK?: number;
}

/** The three loss terms (each a scalar). */
export interface FcosLossParts {
  /** Focal loss of the class scores. */
  classification: tf.Scalar;
  /** GIoU loss of the boxes at positive locations. */
  box: tf.Scalar;
  /** BCE of the centerness at positive locations. */
  centerness: tf.Scalar;
}

/** A built FCOS head. */
export class FcosHead implements DetectionHead {
  /** The trainable head (feature maps → per-level class, box, centerness maps). */
  readonly model: tf.LayersModel;
  /** stride of each output level, fine to coarse */
  readonly strides: number[];
  /** Object classes. */
  readonly numClasses: number;
  /** The box-size range of each level. */
  readonly sizeRanges: [number, number][];
  /** The options it was built with. */
  readonly options: FcosOptions;

  /** Builds the head from `options`. */
  constructor(options: FcosOptions) {
    const { model, strides } = buildFcosModel(options);
    this.model = model;
    this.strides = strides;
    this.numClasses = options.numClasses;
    this.options = options;
    this.sizeRanges = options.sizeRanges ?? defaultSizeRanges(strides.length);
    if (this.sizeRanges.length !== strides.length) {
      throw new RangeError(
        `FCOS: sizeRanges has ${this.sizeRanges.length} entries for ${strides.length} levels ` +
          `(strides ${strides}); give one [lo, hi] per level`,
      );
    }
  }

  /** Checks the output maps; returns each level's geometry. */
  private levels(outputs: tf.Tensor[]): FcosLevel[] {
    const L = this.strides.length;
    if (outputs.length !== 3 * L) {
      throw new RangeError(
        `FCOS: expected ${3 * L} output maps (cls, box, ctr per level); got ${outputs.length}`,
      );
    }
    return this.strides.map((stride, l) => ({
      stride,
      height: outputs[l].shape[1] as number,
      width: outputs[l].shape[2] as number,
      range: this.sizeRanges[l],
    }));
  }

  /** Box distances in pixels, `[B, N, 4]`, from the raw box maps. */
  private distances(outputs: tf.Tensor[], levels: FcosLevel[], batch: number): tf.Tensor {
    const L = levels.length;
    return tf.concat(
      levels.map((lv, l) =>
        tf.mul(
          tf.exp(tf.clipByValue(tf.reshape(outputs[L + l], [batch, -1, 4]), -10, 10)),
          lv.stride,
        )
      ),
      1,
    );
  }

  /** The loss terms separately (for logging and tests). */
  lossParts(
    outputs: tf.Tensor[],
    targets: DetectionTarget[],
    _inputSize?: [number, number],
  ): FcosLossParts {
    const levels = this.levels(outputs);
    const L = levels.length, C = this.numClasses;
    const B = outputs[0].shape[0] as number;
    if (targets.length !== B) {
      throw new RangeError(`FCOS loss: ${targets.length} targets for a batch of ${B} images`);
    }
    const N = levels.reduce((s, l) => s + l.height * l.width, 0);
    const clsT = new Float32Array(B * N * C);
    const pos = new Float32Array(B * N);
    const ltrb = new Float32Array(B * N * 4);
    const ctrT = new Float32Array(B * N);
    let numPos = 0, sumCtr = 0;
    const radius = this.options.centerRadius ?? 1.5;
    targets.forEach((t, b) => {
      const a = assignFcosTargets(t, levels, { centerRadius: radius });
      numPos += a.numPositives;
      ltrb.set(a.ltrb, b * N * 4);
      ctrT.set(a.centerness, b * N);
      for (let k = 0; k < N; k++) {
        const c = a.labels[k];
        if (c < 0) continue;
        if (c >= C) throw new RangeError(`FCOS loss: label ${c} outside 0..${C - 1} (image ${b})`);
        clsT[(b * N + k) * C + c] = 1;
        pos[b * N + k] = 1;
        sumCtr += a.centerness[k];
      }
    });
    return tf.tidy(() => {
      const cls = tf.concat(outputs.slice(0, L).map((o) => tf.reshape(o, [B, -1, C])), 1);
      const ctr = tf.concat(outputs.slice(2 * L).map((o) => tf.reshape(o, [B, -1])), 1);
      const focal = sigmoidFocalLoss(cls, tf.tensor3d(clsT, [B, N, C]), {
        alpha: this.options.focalAlpha ?? 0.25,
        gamma: this.options.focalGamma ?? 2,
      });
      const classification = tf.div(tf.sum(focal), Math.max(1, numPos)) as tf.Scalar;
      const giou = giouLoss(this.distances(outputs, levels, B), tf.tensor3d(ltrb, [B, N, 4]));
      const ctrW = tf.tensor2d(ctrT, [B, N]);
      const box = tf.div(tf.sum(tf.mul(giou, ctrW)), Math.max(sumCtr, 1e-6)) as tf.Scalar;
      const bce = bceWithLogits(ctr, ctrW);
      const centerness = tf.div(
        tf.sum(tf.mul(bce, tf.tensor2d(pos, [B, N]))),
        Math.max(1, numPos),
      ) as tf.Scalar;
      return { classification, box, centerness };
    });
  }

  /** Sum of the three loss terms. */
  loss(outputs: tf.Tensor[], targets: DetectionTarget[], inputSize: [number, number]): tf.Scalar {
    return tf.tidy(() => {
      const p = this.lossParts(outputs, targets, inputSize);
      return tf.addN([p.classification, p.box, p.centerness]) as tf.Scalar;
    });
  }

  /** Detections per image in input pixels, best score first. */
  async decode(outputs: tf.Tensor[], options: DecodeOptions): Promise<Detections[]> {
    checkDecodeOptions(options);
    const levels = this.levels(outputs);
    const L = levels.length, C = this.numClasses;
    const B = outputs[0].shape[0] as number;
    const k = this.options.preNmsTopK ?? 1000;
    const results: Detections[] = [];
    for (let b = 0; b < B; b++) {
      const boxes: number[] = [], scores: number[] = [], labels: number[] = [];
      for (let l = 0; l < L; l++) {
        const { stride, width } = levels[l];
        const [score, dist] = tf.tidy(() => {
          const pick = (t: tf.Tensor) => tf.squeeze(tf.slice(t, [b], [1]), [0]);
          const s = tf.sqrt(
            tf.mul(tf.sigmoid(pick(outputs[l])), tf.sigmoid(pick(outputs[2 * L + l]))),
          );
          const d = tf.mul(tf.exp(tf.clipByValue(pick(outputs[L + l]), -10, 10)), stride);
          return [tf.reshape(s, [-1]) as tf.Tensor1D, tf.reshape(d, [-1])];
        });
        const top = await topKAsync(score, k);
        const d = (await dist.data()) as Float32Array;
        score.dispose();
        dist.dispose();
        for (let i = 0; i < top.values.length; i++) {
          if (!(top.values[i] >= options.scoreThreshold)) break; // sorted descending
          const loc = Math.floor(top.indices[i] / C);
          const x = (loc % width) * stride + Math.floor(stride / 2);
          const y = Math.floor(loc / width) * stride + Math.floor(stride / 2);
          boxes.push(x - d[4 * loc], y - d[4 * loc + 1], x + d[4 * loc + 2], y + d[4 * loc + 3]);
          scores.push(top.values[i]);
          labels.push(top.indices[i] % C);
        }
      }
      results.push(
        await classwiseNms({
          boxes: clipBoxes(new Float32Array(boxes), options.inputSize),
          scores: new Float32Array(scores),
          labels: new Int32Array(labels),
        }, options),
      );
    }
    return results;
  }
}

/** The `head` plugin `"fcos"`. */
export const fcosHead: HeadPlugin = {
  name: "fcos",
  description:
    "FCOS: anchor-free per-pixel detection on an FPN (P3-P7), GroupNorm towers, focal + GIoU + centerness losses",
  create: (options: HeadCreateOptions) => new FcosHead(options as FcosOptions),
};
