/**
 * Detection heads for QuadraNet-TS, as plugins of kind `"head"`: FCOS
 * (`"fcos"`: FPN P3–P7, GroupNorm towers, focal + GIoU + centerness) and a
 * CenterNet-style head (`"centernet"`: stride-4 Gaussian heatmap peaks).
 * Importing this module registers both. The head interface (`HeadPlugin`,
 * `DetectionHead`, `DetectionTarget`, `Detections`, ...) is the core's: import
 * it from `@quadranet/core`.
 *
 * @example
 * ```ts
 * import { lookup, tf } from "@quadranet/core";
 * import "@quadranet/detection-heads";
 * const head = lookup("head", "fcos").create({
 *   numClasses: 2, featureStrides: [8, 16, 32], featureChannels: [16, 32, 64],
 *   channels: 32, towerConvs: 2, groups: 8, extraLevels: 0,
 * });
 * const feats = [8, 4, 2].map((s, i) => tf.zeros([1, s, s, 16 * 2 ** i]));
 * const outputs = head.model.predict(feats) as tf.Tensor[];
 * const [detections] = await head.decode(outputs, {
 *   scoreThreshold: 0.05, maxDetections: 100, iouThreshold: 0.6, inputSize: [64, 64],
 * });
 * ```
 * @module
 */
import { register } from "@quadranet/core";
import { centerNetHead } from "./centernet_head.ts";
import { fcosHead } from "./fcos_head.ts";

export { defaultGroups, GroupNorm, type GroupNormArgs } from "./group_norm.ts";
export { buildFpn, type FpnOptions } from "./fpn.ts";
export { attachHead, featureGeometry } from "./detector.ts";
export {
  bceWithLogits,
  gaussianFocalLoss,
  giouLoss,
  maskedL1,
  sigmoidFocalLoss,
} from "./losses.ts";
export {
  assignFcosTargets,
  centernessOf,
  defaultSizeRanges,
  type FcosLevel,
  type FcosTargets,
} from "./fcos_targets.ts";
export {
  type CenterNetTargets,
  centerNetTargets,
  drawGaussian,
  gaussianRadius,
} from "./centernet_targets.ts";
export { classwiseNms, clipBoxes, topKAsync } from "./postprocess.ts";
export { buildFcosModel, type FcosModelOptions } from "./fcos_model.ts";
export { FcosHead, fcosHead, type FcosLossParts, type FcosOptions } from "./fcos_head.ts";
export { buildCenterNetModel, type CenterNetModelOptions } from "./centernet_model.ts";
export {
  CenterNetHead,
  centerNetHead,
  type CenterNetLossParts,
  type CenterNetOptions,
} from "./centernet_head.ts";

register("head", fcosHead.name, fcosHead);
register("head", centerNetHead.name, centerNetHead);
