/**
 * Forward FLOPs of a detection head whose inputs have free spatial sizes: the head runs once on
 * zero feature maps of the given shapes, and each convolution (and Dense) is counted at the output
 * size it produced (multiply-adds as 2, like core's `forwardFlops`).
 * @module
 */
import { tf } from "@quadranet/core";

type Shape = (number | null)[];

/** FLOPs per image of `model` on inputs of `shapes` (`[null, H, W, C]` each). */
export function headFlops(model: tf.LayersModel, shapes: Shape[]): number {
  const counted = model.layers.filter((l) =>
    (l.getClassName() === "Conv2D" || l.getClassName() === "Dense") &&
    l.weights.some((w) => /kernel$/.test(w.originalName))
  );
  // a layer shared across levels (FCOS' towers) runs once per inbound node: count each
  const uses = counted.flatMap((layer) =>
    layer.inboundNodes.map((_, i) => ({ layer, output: layer.getOutputAt(i) as tf.SymbolicTensor }))
  );
  if (uses.length === 0) return 0;
  const probe = tf.model({ inputs: model.inputs, outputs: uses.map((u) => u.output) });
  return tf.tidy(() => {
    const zeros = shapes.map((s) => tf.zeros([1, ...s.slice(1).map((d) => d ?? 1)]));
    const outs = [probe.predict(zeros.length === 1 ? zeros[0] : zeros)].flat() as tf.Tensor[];
    let f = 0;
    uses.forEach(({ layer }, i) => {
      const k = layer.weights.find((w) => /kernel$/.test(w.originalName))!.shape as number[];
      const positions = outs[i].shape.slice(1, -1).reduce((a, d) => a * d, 1);
      f += 2 * k.reduce((a, d) => a * d, 1) * positions;
    });
    return f;
  });
}
