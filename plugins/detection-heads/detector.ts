/**
 * Putting a head on a backbone: the feature geometry a head's `create`
 * needs, read off a `featuresOnly` backbone, and the composed detector model
 * (image in, the head's raw maps out) whose variables train together.
 *
 * @example
 * ```ts
 * import { lookup } from "@quadranet/core";
 * import { createBackbone } from "@quadranet/backbones";
 * import { attachHead, featureGeometry } from "@quadranet/detection-heads";
 * const backbone = await createBackbone("resnet18_w4", { featuresOnly: true, inputShape: [64, 64, 3] });
 * const head = lookup("head", "centernet").create({ numClasses: 2, ...featureGeometry(backbone) });
 * const detector = attachHead(backbone, head); // detector.predict(images) → head outputs
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { DetectionHead } from "@quadranet/core";

/**
 * Strides and channels of a backbone's outputs (NHWC), from its input and
 * output shapes. The input's height must be known (give the backbone an
 * `inputShape`).
 */
export function featureGeometry(
  backbone: tf.LayersModel,
): { featureStrides: number[]; featureChannels: number[] } {
  const inH = backbone.inputs[0].shape[1];
  if (inH == null) {
    throw new RangeError(
      `featureGeometry: the backbone's input height is unknown; build it with a fixed inputShape ` +
        `or pass featureStrides yourself`,
    );
  }
  const featureStrides: number[] = [], featureChannels: number[] = [];
  backbone.outputs.forEach((o, i) => {
    const [, h, , c] = o.shape;
    if (o.shape.length !== 4 || h == null || c == null) {
      throw new RangeError(
        `featureGeometry: backbone output ${i} has shape [${o.shape}]; expected [B, H, W, C]`,
      );
    }
    const stride = Math.round(inH / h);
    if (h * stride !== inH) {
      throw new RangeError(
        `featureGeometry: input height ${inH} is not a multiple of backbone output ${i}'s ` +
          `height ${h}; pad inputs to a multiple of the coarsest stride (e.g. 32)`,
      );
    }
    featureStrides.push(stride);
    featureChannels.push(c);
  });
  return { featureStrides, featureChannels };
}

/** One model: the backbone's feature maps fed to the head's model. */
export function attachHead(
  backbone: tf.LayersModel,
  head: DetectionHead,
  name = "detector",
): tf.LayersModel {
  const outputs = head.model.apply(backbone.outputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
  return tf.model({
    inputs: backbone.inputs,
    outputs: Array.isArray(outputs) ? outputs : [outputs],
    name,
  });
}
