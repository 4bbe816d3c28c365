import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { FcosHead, fcosHead } from "./fcos_head.ts";
import { checkGradient } from "./testing/grad_check.ts";
import { withoutSyncReads } from "./testing/no_sync.ts";

const close = (a: number, b: number, tol = 1e-5, what = "value") =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** A one-level head (stride 8, no extra levels): the loss and decode only read output shapes. */
const oneLevel = (numClasses: number) =>
  new FcosHead({
    numClasses,
    featureStrides: [8],
    featureChannels: [4],
    channels: 4,
    towerConvs: 1,
    groups: 2,
    extraLevels: 0,
  });

Deno.test("FCOS model: P3-P7 outputs in cls/box/ctr order from a 4-stage backbone", () => {
  const head = fcosHead.create({
    numClasses: 3,
    featureStrides: [4, 8, 16, 32],
    featureChannels: [4, 8, 16, 32],
    channels: 8,
    towerConvs: 2,
    groups: 4,
  }) as FcosHead;
  assert.deepEqual(head.strides, [8, 16, 32, 64, 128]);
  const feats = [16, 8, 4, 2].map((s, i) =>
    tf.randomNormal([2, s, s, 4 * 2 ** i], 0, 1, "float32", i)
  );
  const outs = head.model.predict(feats) as tf.Tensor[];
  assert.deepEqual(outs.map((o) => o.shape), [
    [2, 8, 8, 3],
    [2, 4, 4, 3],
    [2, 2, 2, 3],
    [2, 1, 1, 3],
    [2, 1, 1, 3],
    [2, 8, 8, 4],
    [2, 4, 4, 4],
    [2, 2, 2, 4],
    [2, 1, 1, 4],
    [2, 1, 1, 4],
    [2, 8, 8, 1],
    [2, 4, 4, 1],
    [2, 2, 2, 1],
    [2, 1, 1, 1],
    [2, 1, 1, 1],
  ]);
  // classifier bias at the prior 0.01: −ln(99) = −4.59512
  close(head.model.getLayer("fcos_cls_logits").getWeights()[1].dataSync()[0], -Math.log(99));
  // towers are shared: one GroupNorm per tower block, not per level
  assert.equal(head.model.layers.filter((l) => l.getClassName() === "GroupNorm").length, 4);
});

Deno.test("FCOS loss on hand-made maps matches a hand computation", () => {
  // stride 8, 2x2 grid (locations 4 and 12), C = 2, box [0,0,16,16] label 1, radius 1.5
  // (sampling square [−4,−4,20,20] ∩ box = the box): all 4 locations positive, each with
  // (l,t,r,b) a permutation of (4,4,12,12), centerness sqrt(4/12 · 4/12) = 1/3.
  // Raw maps all 0: p = 0.5, distances exp(0)·8 = 8 per side.
  // classification: per location 0.25·0.25·ln2 (class 1, t=1) + 0.75·0.25·ln2 (class 0, t=0)
  //   = 0.0433217 + 0.1299651; ×4 locations / 4 positives = 0.1732868
  // box: at (4,4) pred [−4,−4,12,12], target [0,0,16,16]: inter 144, union 368, enclosing 400,
  //   GIoU = 144/368 − 32/400 = 0.3113043 → 0.6886957 at every location (centerness-weighted mean)
  // centerness: BCE(logit 0, 1/3) = ln 2 = 0.6931472
  const head = oneLevel(2);
  const outs = [tf.zeros([1, 2, 2, 2]), tf.zeros([1, 2, 2, 4]), tf.zeros([1, 2, 2, 1])];
  const t = [{ boxes: new Float32Array([0, 0, 16, 16]), labels: new Int32Array([1]) }];
  const p = head.lossParts(outs, t, [16, 16]);
  close(p.classification.dataSync()[0], 0.1732868);
  close(p.box.dataSync()[0], 0.6886957);
  close(p.centerness.dataSync()[0], 0.6931472);
  close(head.loss(outs, t, [16, 16]).dataSync()[0], 0.1732868 + 0.6886957 + 0.6931472);
  // an image without boxes: only the classification term, over max(1, 0) positives:
  // 8 entries · 0.1299651 = 1.0397208
  const empty = head.lossParts(outs, [{ boxes: new Float32Array(0), labels: new Int32Array(0) }], [
    16,
    16,
  ]);
  close(empty.classification.dataSync()[0], 8 * 0.1299651, 1e-5);
  close(empty.box.dataSync()[0], 0);
  close(empty.centerness.dataSync()[0], 0);
});

Deno.test("FCOS loss gradients agree with finite differences", () => {
  const head = oneLevel(2);
  const t = [
    { boxes: new Float32Array([0, 0, 16, 14, 8, 2, 30, 30]), labels: new Int32Array([1, 0]) },
    { boxes: new Float32Array([3, 5, 20, 30]), labels: new Int32Array([0]) },
  ];
  const cls = tf.randomNormal([2, 4, 4, 2], 0, 1, "float32", 1);
  const box = tf.randomNormal([2, 4, 4, 4], 0, 0.5, "float32", 2);
  const ctr = tf.randomNormal([2, 4, 4, 1], 0, 1, "float32", 3);
  const idx = (n: number) => Array.from({ length: 8 }, (_, i) => (i * 7) % n);
  checkGradient((x) => head.loss([x, box, ctr], t, [32, 32]), cls, idx(64), { tol: 5e-3 });
  checkGradient((x) => head.loss([cls, x, ctr], t, [32, 32]), box, idx(128), {
    h: 1e-3,
    tol: 1e-2,
  });
  checkGradient((x) => head.loss([cls, box, x], t, [32, 32]), ctr, idx(32), { tol: 5e-3 });
});

Deno.test("FCOS decode on hand-made maps gives the expected boxes, NMS and clipping", async () => {
  // stride 8, 4x4 grid on a 32x32 input, C = 2; every logit −10 except:
  //  (i=1, j=2) → location (20, 12), class 1 logit 10, (l,t,r,b) = (6,10,10,6) → [14,2,30,18]
  //  (i=1, j=1) → location (12, 12), class 1 logit 5, (8,10,16,6) → [4,2,28,18]: IoU with the
  //     first 224/416 = 0.54 > 0.5 → suppressed
  //  (i=3, j=0) → location (4, 28), class 0 logit 3, (4,8,4,8) → [0,20,8,36] clipped to [0,20,8,32]
  // centerness logits 10 everywhere: scores sqrt(σ(10)σ(10)) = 0.9999546, sqrt(σ(3)σ(10)) = 0.9759758;
  // the rest sqrt(σ(−10)σ(10)) = 0.0067 < 0.5. The second image is all background.
  const head = oneLevel(2);
  const cls = new Float32Array(2 * 16 * 2).fill(-10);
  const box = new Float32Array(2 * 16 * 4);
  const set = (cell: number, c: number, logit: number, d: number[]) => {
    cls[cell * 2 + c] = logit;
    box.set(d.map((v) => Math.log(v / 8)), cell * 4);
  };
  set(1 * 4 + 2, 1, 10, [6, 10, 10, 6]);
  set(1 * 4 + 1, 1, 5, [8, 10, 16, 6]);
  set(3 * 4 + 0, 0, 3, [4, 8, 4, 8]);
  const outs = [
    tf.tensor4d(cls, [2, 4, 4, 2]),
    tf.tensor4d(box, [2, 4, 4, 4]),
    tf.fill([2, 4, 4, 1], 10),
  ];
  const before = tf.memory().numTensors;
  const [a, b] = await withoutSyncReads(() =>
    head.decode(outs, {
      scoreThreshold: 0.5,
      maxDetections: 10,
      iouThreshold: 0.5,
      inputSize: [32, 32],
    })
  );
  assert.equal(tf.memory().numTensors, before, "decode leaves no tensors behind");
  assert.deepEqual([...a.labels], [1, 0]);
  close(a.scores[0], 0.9999546);
  close(a.scores[1], 0.9759758);
  const expected = [14, 2, 30, 18, 0, 20, 8, 32];
  a.boxes.forEach((v, i) => close(v, expected[i], 1e-4, `box coord ${i}`));
  assert.equal(b.scores.length, 0);
  // without NMS pressure (IoU threshold 0.6) the neighbour survives as a third detection
  const [c] = await head.decode(outs, {
    scoreThreshold: 0.5,
    maxDetections: 10,
    iouThreshold: 0.6,
    inputSize: [32, 32],
  });
  assert.equal(c.scores.length, 3);
  close(c.boxes[4], 4, 1e-4);
});

Deno.test("FCOS refuses mismatched options and outputs with clear errors", () => {
  assert.throws(
    () => fcosHead.create({ numClasses: 2, featureStrides: [8, 16], featureChannels: [4] }),
    /equal length/,
  );
  assert.throws(
    () =>
      fcosHead.create({
        numClasses: 2,
        featureStrides: [8],
        featureChannels: [4],
        useStrides: [16],
      }),
    /useStrides has 16/,
  );
  assert.throws(
    () =>
      fcosHead.create({
        numClasses: 2,
        featureStrides: [8],
        featureChannels: [4],
        channels: 6,
        groups: 4,
      }),
    /4 groups do not divide 6/,
  );
  const head = oneLevel(2);
  assert.throws(() => head.loss([tf.zeros([1, 2, 2, 2])], [], [16, 16]), /expected 3 output maps/);
  assert.throws(
    () =>
      head.loss([tf.zeros([1, 2, 2, 2]), tf.zeros([1, 2, 2, 4]), tf.zeros([1, 2, 2, 1])], [], [
        16,
        16,
      ]),
    /0 targets for a batch of 1/,
  );
});
