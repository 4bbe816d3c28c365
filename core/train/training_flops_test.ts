import assert from "node:assert/strict";
import { adapt } from "../adapter/adapt.ts";
import { tf } from "../tf.ts";
import { stageTrainingFlops } from "./training_flops.ts";

function twoDense() {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 3, name: "d1" }),
      tf.layers.dense({ units: 2, name: "d2" }),
    ],
  });
}

Deno.test("stageTrainingFlops() counts forward, input and weight gradients by hand (two Dense)", () => {
  const m = twoDense();
  // multiply-adds: d1 4·3 = 12, d2 3·2 = 6; forward 2·(12 + 6) = 36
  // head only: d2's weight gradient 2·6; no input gradient (nothing trains upstream of d2)
  assert.deepEqual(
    { ...stageTrainingFlops(m, ["head"]), uncounted: undefined },
    { forward: 36, inputGrad: 0, weightGrad: 12, total: 48, uncounted: undefined },
  );
  // primary only (d1): d1's weight gradient 24, and the gradient must cross d2: 2·6 = 12
  const p = stageTrainingFlops(m, ["primary"]);
  assert.deepEqual([p.forward, p.inputGrad, p.weightGrad, p.total], [36, 12, 24, 72]);
  // everything: 36 + 12 + 36 = 84 (the "3× forward" rule would say 108: d1's input gradient is never needed)
  assert.equal(stageTrainingFlops(m, ["primary", "head"]).total, 84);
  assert.equal(stageTrainingFlops(m, ["norm"]).total, 36); // nothing trains: forward only
});

Deno.test("stageTrainingFlops() lets trained BatchNorm open the backward path (norm + head)", () => {
  const input = tf.input({ shape: [6, 6, 2] });
  let x = tf.layers.conv2d({ filters: 3, kernelSize: 3, name: "c1" }).apply(input); // [4, 4, 3]
  x = tf.layers.batchNormalization({ name: "bn" }).apply(x);
  x = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: "c2" }).apply(x); // [4, 4, 2]
  x = tf.layers.globalAveragePooling2d({}).apply(x);
  const out = tf.layers.dense({ units: 5, name: "head" }).apply(x) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: out });
  // multiply-adds: c1 16 positions · 3·3·2·3 = 864; c2 16 · 3·2 = 96; head 2·5 = 10
  // forward 2·970 = 1940. norm + head: c1 frozen before bn -> nothing; bn trains, so the
  // gradient crosses c2 (2·96 = 192) and the head (2·10 = 20); head weight gradient 20.
  const f = stageTrainingFlops(m, ["norm", "head"], ["head"]);
  assert.deepEqual([f.forward, f.inputGrad, f.weightGrad, f.total], [1940, 212, 20, 2172]);
  // primary + norm + head: add c1, c2 weight gradients 2·864 + 2·96; input gradients unchanged
  const all = stageTrainingFlops(m, ["primary", "norm", "head"], ["head"]);
  assert.deepEqual([all.inputGrad, all.weightGrad], [212, 20 + 1728 + 192]);
});

Deno.test("stageTrainingFlops() counts a quadratic adapter's U, V, P by hand", () => {
  const adapted = adapt(twoDense(), { rank: 2, targets: ["d1"] });
  // d1 adapted: W 4·3 = 12, U 4·2 = 8, V 4·2 = 8, P 2·3 = 6 multiply-adds; d2 6.
  // forward 2·(12 + 8 + 8 + 6 + 6) = 80
  // quadratic + head: weight gradients U, V, P, d2: 2·(8 + 8 + 6 + 6) = 56
  // input gradients: through P (U, V train) 2·6 = 12, through d2 (d1 trains) 2·6 = 12;
  // none through W, U, V into the input.
  const f = stageTrainingFlops(adapted, ["quadratic", "head"], ["d2"]);
  assert.deepEqual([f.forward, f.inputGrad, f.weightGrad, f.total], [80, 24, 56, 160]);
  // head only: the adapter is frozen, so P needs no gradient either
  const h = stageTrainingFlops(adapted, ["head"], ["d2"]);
  assert.deepEqual([h.inputGrad, h.weightGrad], [0, 12]);
});

Deno.test("stageTrainingFlops() counts a quadratic Conv2D from its projection shapes", () => {
  const input = tf.input({ shape: [5, 5, 2] });
  const c = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", name: "c" }).apply(
    input,
  );
  const g = tf.layers.globalAveragePooling2d({}).apply(c);
  const out = tf.layers.dense({ units: 3, name: "head" }).apply(g) as tf.SymbolicTensor;
  const adapted = adapt(tf.model({ inputs: input, outputs: out }), { rank: 2, targets: ["c"] });
  const delta = (adapted.getLayer("c") as unknown as {
    delta: { weights(): tf.LayerVariable[]; outputWeight(): tf.LayerVariable };
  }).delta;
  assert.deepEqual(delta.weights()[0].shape, [3, 3, 2, 2]); // U
  assert.deepEqual(delta.outputWeight().shape, [2, 4]); // P
  // 25 positions: W 3·3·2·4 = 72, U = V = 3·3·2·2 = 36, P 2·4 = 8 -> 25·152 = 3800; head 4·3 = 12
  // forward 2·3812 = 7624; quadratic + head: weight grads 2·(25·(36+36+8) + 12) = 4024;
  // input grads through P 2·25·8 = 400 and through the head 2·12 = 24
  const f = stageTrainingFlops(adapted, ["quadratic", "head"], ["head"]);
  assert.deepEqual([f.forward, f.inputGrad, f.weightGrad], [7624, 424, 4024]);
});

Deno.test("stageTrainingFlops() counts LoRA's A and B by hand (B reads A·x, not the input)", async () => {
  await import("../../plugins/lora/mod.ts");
  const adapted = adapt(twoDense(), { method: "lora", rank: 2, targets: ["d1"] });
  // d1: W 4·3 = 12, A 4·2 = 8, B 2·3 = 6 multiply-adds; d2 6. forward 2·32 = 64.
  // quadratic (A, B) + head: weight gradients 2·(8 + 6 + 6) = 40; input gradients through B
  // (A trains) 2·6 = 12 and through d2 2·6 = 12; none into the input.
  const f = stageTrainingFlops(adapted, ["quadratic", "head"], ["d2"]);
  assert.deepEqual([f.forward, f.inputGrad, f.weightGrad, f.total], [64, 24, 40, 128]);
});
