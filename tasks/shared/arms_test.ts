import assert from "node:assert/strict";
import "@quadranet/lora"; // registers the "lora" method
import { adapterLayers, adapterSummary, tf } from "@quadranet/core";
import {
  type Architecture,
  type ArmSettings,
  cloneArm,
  loraArm,
  loraModel,
  quadraticArm,
  scratchArm,
  TRAIN_FIRST_ORDER,
  untrainedArm,
} from "./arms.ts";
import { reseedKernels } from "./reseed.ts";

// A 6 → 5 → 3 MLP: "hidden" (30 weights + 5 biases) is the adapter target, "head" the classifier.
const mlp: Architecture = {
  name: "mlp",
  size: 6,
  build: (seed) => {
    const input = tf.input({ shape: [6] });
    const h = tf.layers.dense({ name: "hidden", units: 5, activation: "relu" }).apply(input);
    const out = tf.layers.dense({ name: "head", units: 3 }).apply(h) as tf.SymbolicTensor;
    return reseedKernels(tf.model({ inputs: input, outputs: out }), seed);
  },
  targets: () => ["hidden"],
  head: ["head"],
};

const settings: ArmSettings = {
  seed: 3,
  arch: mlp,
  epochs: 2,
  scratchEpochs: 7,
  rank: 2,
  kernel: "quadratic",
  backprop: "autodiff",
};

Deno.test("untrained and cloned arms: no model, or a copy with the stage and its groups", () => {
  const p = mlp.build(1);
  assert.equal(untrainedArm("zero-shot", "as is").build(p, settings), null);
  const arm = cloneArm("linear", "fine-tune", "finetune", TRAIN_FIRST_ORDER);
  const built = arm.build(p, settings)!;
  assert.deepEqual(built.stages, [{
    name: "finetune",
    train: ["primary", "head", "norm"],
    epochs: 2,
  }]);
  assert.notEqual(built.model, p);
  // The copy holds the same weights: hidden kernel equal element by element.
  const a = p.getLayer("hidden").getWeights()[0].dataSync();
  const b = built.model.getLayer("hidden").getWeights()[0].dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
  const matched = cloneArm("c", "d", "continue", ["head"], (_p, s) => s.epochs * 5);
  assert.equal(matched.build(p, settings)!.stages[0].epochs, 10);
  built.model.dispose();
  p.dispose();
});

Deno.test("quadratic arms adapt the targets; joint trains every group", () => {
  const p = mlp.build(1);
  const frozen = quadraticArm("quadratic", "ours", "quadratic").build(p, settings)!;
  assert.deepEqual(frozen.stages[0].train, ["quadratic", "head", "norm"]);
  assert.deepEqual(adapterLayers(frozen.model).map((l) => l.name), ["hidden"]);
  // Quadratic Dense adapter of rank 2 on 6 → 5: U, V (6×2 each) and P (2×5) = 12 + 12 + 10 = 34.
  assert.equal(adapterSummary(frozen.model).adapterParams, 34);
  const joint = quadraticArm("quadratic-joint", "ours, joint", "joint", { joint: true })
    .build(p, settings)!;
  assert.deepEqual(joint.stages, [{
    name: "joint",
    train: ["primary", "quadratic", "head", "norm"],
    epochs: 2,
  }]);
  tf.dispose([frozen.model, joint.model, p] as unknown as tf.Tensor[]);
});

Deno.test("LoRA keeps the equal-rank scale alpha / rank at another rank", () => {
  const p = mlp.build(1);
  // alpha defaults to the rank (2): at rank 4 alpha is 4, the scale stays 1.
  const m = loraModel(p, settings, 4);
  const layer = adapterLayers(m)[0] as unknown as { alpha: number; rank: number };
  assert.equal(layer.rank, 4);
  assert.equal(layer.alpha, 4);
  // With alpha 6 at rank 2 (scale 3), rank 1 gets alpha 3.
  const m1 = loraModel(p, { ...settings, alpha: 6 }, 1);
  assert.equal((adapterLayers(m1)[0] as unknown as { alpha: number }).alpha, 3);
  // LoRA of rank 2 on 6 → 5: A (6×2) and B (2×5) = 22 parameters.
  const built = loraArm("lora", "LoRA").build(p, settings)!;
  assert.equal(adapterSummary(built.model).adapterParams, 22);
  assert.equal(built.stages[0].name, "lora");
  [m, m1, built.model, p].forEach((x) => x.dispose());
});

Deno.test("scratch arms build a fresh network from seed + 1000 for the scratch epochs", () => {
  const p = mlp.build(1);
  const first = scratchArm("first-order-scratch", "fresh", { quadratic: false }).build(
    p,
    settings,
  )!;
  assert.deepEqual(first.stages, [{
    name: "scratch",
    train: ["primary", "head", "norm"],
    epochs: 7,
  }]);
  const again = mlp.build(1003);
  assert.deepEqual(
    Array.from(first.model.getLayer("hidden").getWeights()[0].dataSync()),
    Array.from(again.getLayer("hidden").getWeights()[0].dataSync()),
  );
  const quad = scratchArm("quadratic-scratch", "fresh", { quadratic: true }).build(p, settings)!;
  assert.deepEqual(quad.stages[0].train, ["primary", "quadratic", "head", "norm"]);
  assert.equal(adapterSummary(quad.model).adapterParams, 34);
  [first.model, again, quad.model, p].forEach((x) => x.dispose());
});
