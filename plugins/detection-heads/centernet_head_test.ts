import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { CenterNetHead, centerNetHead } from "./centernet_head.ts";
import { checkGradient } from "./testing/grad_check.ts";
import { withoutSyncReads } from "./testing/no_sync.ts";

const close = (a: number, b: number, tol = 1e-5, what = "value") =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

const small = (numClasses: number) =>
  new CenterNetHead({
    numClasses,
    featureStrides: [8, 16],
    featureChannels: [4, 8],
    channels: 4,
    headChannels: 4,
    groups: 2,
  });

Deno.test("CenterNet model: stride-4 heatmap, size and offset maps from stride 8/16 features", () => {
  const head = centerNetHead.create({
    numClasses: 3,
    featureStrides: [4, 8, 16, 32],
    featureChannels: [4, 8, 16, 32],
    channels: 8,
    headChannels: 8,
  }) as CenterNetHead;
  const feats = [16, 8, 4, 2].map((s, i) =>
    tf.randomNormal([1, s, s, 4 * 2 ** i], 0, 1, "float32", i)
  );
  const outs = head.model.predict(feats) as tf.Tensor[];
  assert.deepEqual(outs.map((o) => o.shape), [[1, 16, 16, 3], [1, 16, 16, 2], [1, 16, 16, 2]]);
  // a backbone without a stride-4 map is upsampled past its finest stride
  const two = small(1);
  const o2 = two.model.predict([tf.zeros([1, 4, 4, 4]), tf.zeros([1, 2, 2, 8])]) as tf.Tensor[];
  assert.deepEqual(o2[0].shape, [1, 8, 8, 1]);
  close(two.model.getLayer("centernet_heatmap").getWeights()[1].dataSync()[0], -2.19);
});

Deno.test("CenterNet loss on hand-made maps matches a hand computation", () => {
  // 4x4 grid, stride 4, C = 1; box [2,2,10,14] → output [0.5,0.5,2.5,3.5], clipped to the grid
  // [0, W−1] x [0, H−1] as the reference does → y2 = 3: w = 2, h = 2.5, centre (1.5, 1.75) → cell
  // (x 1, y 1), offset (0.5, 0.75); radius ⌊gaussian_radius(⌈2.5⌉, 2)⌋ = ⌊0.658⌋ = 0 → one hot cell.
  // all-zero maps: p = 0.5 → heatmap: peak 0.25 ln2 + 15 negatives · 1 · 0.25 ln2 = 4 ln2 = 2.7725887
  // size: (|0−2| + |0−2.5|) / (2·1) = 2.25; offset: (0.5 + 0.75)/2 = 0.625
  // total 2.7725887 + 0.1·2.25 + 0.625 = 3.6225887
  const head = small(1);
  const outs = [tf.zeros([1, 4, 4, 1]), tf.zeros([1, 4, 4, 2]), tf.zeros([1, 4, 4, 2])];
  const t = [{ boxes: new Float32Array([2, 2, 10, 14]), labels: new Int32Array([0]) }];
  const p = head.lossParts(outs, t);
  close(p.heatmap.dataSync()[0], 4 * Math.LN2);
  close(p.size.dataSync()[0], 2.25);
  close(p.offset.dataSync()[0], 0.625);
  close(head.loss(outs, t, [16, 16]).dataSync()[0], 3.6225887);
});

Deno.test("CenterNet loss gradients agree with finite differences", () => {
  const head = small(2);
  const t = [
    { boxes: new Float32Array([1, 2, 20, 25, 10, 12, 30, 31]), labels: new Int32Array([1, 0]) },
    { boxes: new Float32Array([3, 3, 13, 9]), labels: new Int32Array([1]) },
  ];
  const hm = tf.randomNormal([2, 8, 8, 2], -1, 1, "float32", 1);
  const wh = tf.randomNormal([2, 8, 8, 2], 2, 1, "float32", 2);
  const off = tf.randomNormal([2, 8, 8, 2], 0.3, 0.3, "float32", 3);
  const idx = (n: number, step: number) => Array.from({ length: 10 }, (_, i) => (i * step) % n);
  checkGradient((x) => head.loss([x, wh, off], t, [32, 32]), hm, idx(256, 29), { tol: 5e-3 });
  // L1 is piecewise linear: check the cells that carry an object (the others have zero gradient)
  // centres on the grid (clipped to 0..7): [0.25,0.5,5,6.25] → (2.625, 3.375), cell (x 2, y 3);
  // [2.5,3,7,7] → (4.75, 5), cell (4, 5); image 2: [0.75,0.75,3.25,2.25] → (2, 1.5), cell (2, 1)
  const cells = [(3 * 8 + 2) * 2, (5 * 8 + 4) * 2 + 1, 128 + (1 * 8 + 2) * 2, 7];
  checkGradient((x) => head.loss([hm, x, off], t, [32, 32]), wh, cells, { h: 1e-3, tol: 5e-3 });
  checkGradient((x) => head.loss([hm, wh, x], t, [32, 32]), off, cells, { h: 1e-3, tol: 5e-3 });
});

Deno.test("CenterNet decode: 3x3 max-pool peaks, size/offset to input-pixel boxes", async () => {
  // 8x8 grid, stride 4 (32x32 input), C = 2; logits −10 except:
  //  (y 2, x 3) class 0 logit 2 (σ = 0.8807971), size (4, 2), offset (0.5, 0.25):
  //    centre ((3.5)·4, (2.25)·4) = (14, 9), w 16, h 8 → [6, 5, 22, 13]
  //  (y 2, x 4) class 0 logit 1: not a 3x3 maximum → dropped
  //  (y 6, x 6) class 1 logit 0 (σ = 0.5), size (2, 3), offset 0 → centre (24, 24) → [20, 18, 28, 30]
  //  (y 0, x 0) class 1 logit 1 (0.7310586), size (4, 4), offset 0 → [−8,−8,8,8] clipped to [0,0,8,8]
  const head = small(2);
  const hm = new Float32Array(64 * 2).fill(-10), wh = new Float32Array(64 * 2);
  const off = new Float32Array(64 * 2);
  const set = (y: number, x: number, c: number, logit: number, s: number[], o: number[]) => {
    const cell = y * 8 + x;
    hm[cell * 2 + c] = logit;
    wh.set(s, cell * 2);
    off.set(o, cell * 2);
  };
  set(2, 3, 0, 2, [4, 2], [0.5, 0.25]);
  set(2, 4, 0, 1, [1, 1], [0, 0]);
  set(6, 6, 1, 0, [2, 3], [0, 0]);
  set(0, 0, 1, 1, [4, 4], [0, 0]);
  const outs = [
    tf.tensor4d(hm, [1, 8, 8, 2]),
    tf.tensor4d(wh, [1, 8, 8, 2]),
    tf.tensor4d(off, [1, 8, 8, 2]),
  ];
  const before = tf.memory().numTensors;
  const [d] = await withoutSyncReads(() =>
    head.decode(outs, {
      scoreThreshold: 0.3,
      maxDetections: 10,
      iouThreshold: 0.5,
      inputSize: [32, 32],
    })
  );
  assert.equal(tf.memory().numTensors, before, "decode leaves no tensors behind");
  assert.deepEqual([...d.labels], [0, 1, 1]);
  [0.8807971, 0.7310586, 0.5].forEach((s, i) => close(d.scores[i], s));
  const expected = [6, 5, 22, 13, 0, 0, 8, 8, 20, 18, 28, 30];
  d.boxes.forEach((v, i) => close(v, expected[i], 1e-4, `box coord ${i}`));
  // a higher threshold and maxDetections 1 keep only the best
  const [e] = await head.decode(outs, {
    scoreThreshold: 0.6,
    maxDetections: 1,
    iouThreshold: 0.5,
    inputSize: [32, 32],
  });
  assert.deepEqual([...e.labels], [0]);
});

Deno.test("CenterNet refuses an output stride it cannot reach and bad outputs", () => {
  assert.throws(
    () =>
      centerNetHead.create({
        numClasses: 1,
        featureStrides: [8],
        featureChannels: [4],
        outputStride: 3,
      }),
    /outputStride 3/,
  );
  assert.throws(
    () => small(1).loss([tf.zeros([1, 2, 2, 1])], [], [8, 8]),
    /expected 3 output maps/,
  );
});
