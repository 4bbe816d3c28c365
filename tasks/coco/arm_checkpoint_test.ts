/**
 * An arm's checkpoint round trip on a real (tiny, randomly initialised) detector: every weight
 * (moving statistics included), the optimizer's moments and the loop position come back; another
 * arm's checkpoint is refused naming what does not fit.
 */
import assert from "node:assert/strict";
import { loadCheckpoint, lookup, Optimizer, tf } from "@quadranet/core";
import "@quadranet/detection-heads";
import { restoreArm, saveArmCheckpoint, startPosition } from "./arm_checkpoint.ts";
import { buildDetector, type Detector, disposeDetector } from "./detector.ts";
import type { ArmName } from "./settings.ts";

const build = (arm: ArmName, seed: number) =>
  buildDetector(arm, {
    backbone: "resnet18_w8",
    weights: "",
    headPlugin: lookup("head", "centernet"),
    numClasses: 3,
    inputSize: [32, 32],
    headWidth: 4,
    rank: 2,
    headInit: null,
    seed,
  });

const values = async (d: Detector) =>
  await Promise.all([...d.backbone.weights, ...d.head.model.weights].map((w) => w.read().data()));

Deno.test("saveArmCheckpoint / restoreArm: weights, moments, position and loss so far come back", async () => {
  const dir = await Deno.makeTempDir();
  const a = await build("quadratic", 1), b = await build("quadratic", 2);
  const optA = new Optimizer({ kind: "adamw", weightDecay: 1e-4 });
  const optB = new Optimizer({ kind: "adamw", weightDecay: 1e-4 });
  try {
    // one real update, and a moving statistic moved: they must travel too
    const grads = Object.fromEntries(a.params.map((p) => [p.key, tf.onesLike(p.variable)]));
    optA.apply(a.params, grads, 0.1);
    tf.dispose(Object.values(grads));
    const moving = a.backbone.weights.find((w) => w.originalName.includes("moving_mean"))!;
    moving.write(tf.fill(moving.shape as number[], 0.25));
    const position = {
      epoch: 1,
      batch: 3,
      step: 7,
      epochLoss: { sum: 4.125, batches: 3 },
      examples: 56,
      compute: { wallSeconds: 1.5, cpuSeconds: 2.5, trainingFlops: 10 },
    };
    const path = await saveArmCheckpoint(dir, a, optA, { ...position, seed: 1 });
    assert.match(path, /step-00000007$/);
    assert.notDeepEqual(await values(b), await values(a)); // another seed: other weights
    const at = restoreArm(b, optB, await loadCheckpoint(dir), path);
    assert.deepEqual(at, position);
    assert.deepEqual(await values(b), await values(a)); // float32 stored as is: exact
    assert.equal(optB.t, 1);
    const slotsA = optA.slots(), slotsB = optB.slots();
    assert.deepEqual(Object.keys(slotsB).sort(), Object.keys(slotsA).sort());
    for (const k of Object.keys(slotsA)) {
      assert.deepEqual(await slotsB[k].data(), await slotsA[k].data(), k);
    }
  } finally {
    optA.dispose();
    optB.dispose();
    disposeDetector(a);
    disposeDetector(b);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("restoreArm: a checkpoint of another arm's detector is refused, naming it", async () => {
  const dir = await Deno.makeTempDir();
  const frozen = await build("frozen", 1), quadratic = await build("quadratic", 1);
  const opt = new Optimizer({ kind: "adamw", weightDecay: 0 });
  try {
    // built apart from the same seed, the two heads already start alike (the comparison also
    // stores the first arm's head init and gives it to the others)
    const head = (d: Detector) => Promise.all(d.head.model.getWeights().map((w) => w.data()));
    assert.deepEqual(await head(quadratic), await head(frozen));
    const path = await saveArmCheckpoint(dir, frozen, opt, { ...startPosition(), seed: 1 });
    const ck = await loadCheckpoint(path);
    assert.throws(
      () => restoreArm(quadratic, opt, ck, path),
      /does not fit this arm's detector \(missing backbone\/.*Delete it to train the arm from its start/,
    );
  } finally {
    opt.dispose();
    disposeDetector(frozen);
    disposeDetector(quadratic);
    await Deno.remove(dir, { recursive: true });
  }
});
