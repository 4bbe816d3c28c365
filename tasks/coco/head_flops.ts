/**
 * Forward FLOPs of a detection head whose inputs have free spatial sizes: the head is applied once
 * to feature maps of the given shapes, and each convolution is counted at the output size that
 * application gave it (multiply-adds as 2, like core's `forwardFlops`).
 * @module
 */
import { tf } from "@quadranet/core";

type Shape = (number | null)[];

/** FLOPs per image of `model` on inputs of `shapes` (`[null, H, W, C]` each). */
export function headFlops(model: tf.LayersModel, shapes: Shape[]): number {
  const inputs = shapes.map((s) => tf.input({ shape: s.slice(1) as number[] }));
  model.apply(inputs);
  let f = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls !== "Conv2D" && cls !== "Dense") continue;
    const node = layer.inboundNodes[layer.inboundNodes.length - 1];
    const out =
      (Array.isArray(node.outputShapes[0]) ? node.outputShapes[0] : node.outputShapes) as Shape;
    const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName));
    if (!kernel) continue;
    const k = kernel.shape as number[];
    const positions = out.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1);
    const perPosition = k.slice(0, -1).reduce((a, d) => a * d, 1) * k[k.length - 1];
    f += 2 * perPosition * positions;
  }
  return f;
}
