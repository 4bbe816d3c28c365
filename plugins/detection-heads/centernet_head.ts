/**
 * The CenterNet-style detection head (plugin `"centernet"` of kind `head`):
 * single scale at stride 4, objects as heatmap peaks. Loss: penalty-reduced
 * Gaussian focal loss (α 2, β 4) + 0.1 · size L1 + offset L1 (L1 averaged
 * over the 2 coordinates of each object, as the reference implementation's
 * `RegL1Loss`), targets built on the CPU. Decoding: σ(heatmap), peaks kept
 * where a 3×3 max-pool equals the value, the `preNmsTopK` best peaks, score
 * threshold, class-wise NMS, `maxDetections`.
 *
 * @example
 * ```ts
 * import { centerNetHead } from "./centernet_head.ts";
 * const head = centerNetHead.create({
 *   numClasses: 2, featureStrides: [4, 8, 16, 32], featureChannels: [8, 16, 32, 64], channels: 16,
 * });
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { buildCenterNetModel, type CenterNetModelOptions } from "./centernet_model.ts";
import { centerNetTargets } from "./centernet_targets.ts";
import type {
  DecodeOptions,
  DetectionHead,
  Detections,
  DetectionTarget,
  HeadCreateOptions,
  HeadPlugin,
} from "@quadranet/core";
import { gaussianFocalLoss, maskedL1 } from "./losses.ts";
import { checkDecodeOptions, classwiseNms, clipBoxes, topKAsync } from "./postprocess.ts";

/** All options of the CenterNet head. */
export interface CenterNetOptions extends CenterNetModelOptions {
  /** weight of the size term (default 0.1) */
  sizeWeight?: number;
  /** weight of the offset term (default 1) */
  offsetWeight?: number;
  /** Gaussian radius' minimum overlap (default 0.7) */
  minOverlap?: number;
  /** peaks kept before NMS (default 100) */
  preNmsTopK?: number;
}

/** The three loss terms (each a scalar, unweighted). */
export interface CenterNetLossParts {
  /** Gaussian focal loss of the class heatmaps. */
  heatmap: tf.Scalar;
  /** L1 loss of the box sizes at the centres. */
  size: tf.Scalar;
  /** L1 loss of the sub-cell centre offsets. */
  offset: tf.Scalar;
}

/** A built CenterNet head. */
export class CenterNetHead implements DetectionHead {
  /** The trainable head (feature maps → heatmap, size, offset maps). */
  readonly model: tf.LayersModel;
  /** Object classes. */
  readonly numClasses: number;
  /** Stride of the output maps. */
  readonly stride: number;
  /** The options it was built with. */
  readonly options: CenterNetOptions;

  /** Builds the head from `options`. */
  constructor(options: CenterNetOptions) {
    this.model = buildCenterNetModel(options);
    this.numClasses = options.numClasses;
    this.stride = options.outputStride ?? 4;
    this.options = options;
  }

  /** Checks the three output maps; returns `[batch, height, width]`. */
  private check(outputs: tf.Tensor[]): [number, number, number] {
    if (outputs.length !== 3) {
      throw new RangeError(
        `CenterNet: expected 3 output maps (heatmap, size, offset); got ${outputs.length}`,
      );
    }
    const [b, h, w] = outputs[0].shape as number[];
    return [b, h, w];
  }

  /** The loss terms separately (unweighted). */
  lossParts(
    outputs: tf.Tensor[],
    targets: DetectionTarget[],
    _inputSize?: [number, number],
  ): CenterNetLossParts {
    const [B, H, W] = this.check(outputs);
    const C = this.numClasses;
    if (targets.length !== B) {
      throw new RangeError(`CenterNet loss: ${targets.length} targets for a batch of ${B} images`);
    }
    const heat = new Float32Array(B * H * W * C), peaks = new Float32Array(B * H * W * C);
    const mask = new Float32Array(B * H * W);
    const size = new Float32Array(B * H * W * 2), offset = new Float32Array(B * H * W * 2);
    let numPeaks = 0, numCells = 0;
    targets.forEach((t, b) => {
      const m = centerNetTargets(t, {
        height: H,
        width: W,
        stride: this.stride,
        numClasses: C,
        minOverlap: this.options.minOverlap,
      });
      heat.set(m.heatmap, b * H * W * C);
      peaks.set(m.peaks, b * H * W * C);
      mask.set(m.mask, b * H * W);
      size.set(m.size, b * H * W * 2);
      offset.set(m.offset, b * H * W * 2);
      numPeaks += m.numPeaks;
      numCells += m.mask.reduce((s, v) => s + v, 0);
    });
    return tf.tidy(() => {
      const maskT = tf.tensor4d(mask, [B, H, W, 1]);
      return {
        heatmap: gaussianFocalLoss(
          outputs[0],
          tf.tensor4d(heat, [B, H, W, C]),
          tf.tensor4d(peaks, [B, H, W, C]),
          numPeaks,
        ),
        size: maskedL1(outputs[1], tf.tensor4d(size, [B, H, W, 2]), maskT, 2 * numCells),
        offset: maskedL1(outputs[2], tf.tensor4d(offset, [B, H, W, 2]), maskT, 2 * numCells),
      };
    });
  }

  /** heatmap + sizeWeight · size + offsetWeight · offset. */
  loss(outputs: tf.Tensor[], targets: DetectionTarget[], inputSize: [number, number]): tf.Scalar {
    return tf.tidy(() => {
      const p = this.lossParts(outputs, targets, inputSize);
      return tf.addN([
        p.heatmap,
        tf.mul(p.size, this.options.sizeWeight ?? 0.1),
        tf.mul(p.offset, this.options.offsetWeight ?? 1),
      ]) as tf.Scalar;
    });
  }

  /** Detections per image in input pixels, best score first. */
  async decode(outputs: tf.Tensor[], options: DecodeOptions): Promise<Detections[]> {
    checkDecodeOptions(options);
    const [B, , W] = this.check(outputs);
    const C = this.numClasses, s = this.stride;
    const k = this.options.preNmsTopK ?? 100;
    const results: Detections[] = [];
    for (let b = 0; b < B; b++) {
      const [peaks, size, offset] = tf.tidy(() => {
        const pick = (t: tf.Tensor) => tf.slice(t, [b], [1]);
        const heat = tf.sigmoid(pick(outputs[0])) as tf.Tensor4D;
        const hmax = tf.maxPool(heat, 3, 1, "same");
        const kept = tf.mul(heat, tf.cast(tf.equal(hmax, heat), "float32"));
        return [tf.reshape(kept, [-1]) as tf.Tensor1D, pick(outputs[1]), pick(outputs[2])];
      });
      const top = await topKAsync(peaks, k);
      const wh = (await size.data()) as Float32Array;
      const off = (await offset.data()) as Float32Array;
      tf.dispose([peaks, size, offset]);
      const boxes: number[] = [], scores: number[] = [], labels: number[] = [];
      for (let i = 0; i < top.values.length; i++) {
        if (!(top.values[i] >= options.scoreThreshold)) break; // sorted descending
        const cell = Math.floor(top.indices[i] / C);
        const cx = (cell % W + off[2 * cell]) * s,
          cy = (Math.floor(cell / W) + off[2 * cell + 1]) * s;
        const hw = (wh[2 * cell] * s) / 2, hh = (wh[2 * cell + 1] * s) / 2;
        boxes.push(cx - hw, cy - hh, cx + hw, cy + hh);
        scores.push(top.values[i]);
        labels.push(top.indices[i] % C);
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

/** The `head` plugin `"centernet"`. */
export const centerNetHead: HeadPlugin = {
  name: "centernet",
  description:
    "CenterNet-style: objects as Gaussian heatmap peaks at stride 4 (upsampled), size and offset regression, 3x3 max-pool peak picking",
  create: (options: HeadCreateOptions) => new CenterNetHead(options as CenterNetOptions),
};
