import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import type { DetectionHead, HeadPlugin } from "./head.ts";
import { Registry } from "./registry.ts";

/**
 * The reference `head` plugin: one 1×1 conv per feature map giving, per cell,
 * C class logits and 4 box distances (left, top, right, bottom from the cell
 * centre, in strides). A cell is positive for the smallest box holding its
 * centre. Loss = BCE-with-logits (mean over cells and classes) + L1 of the
 * distances on positive cells (mean over their 4 coordinates).
 */
const centreHead: HeadPlugin = {
  name: "centre",
  description: "per-cell classes and box distances (reference)",
  create({ numClasses: C, featureStrides, featureChannels }): DetectionHead {
    const inputs = featureChannels.map((ch) => tf.input({ shape: [null, null, ch] }));
    const outputs = inputs.map((x, i) =>
      tf.layers.conv2d({ filters: C + 4, kernelSize: 1, name: `centre_${i}` }).apply(x)
    ) as tf.SymbolicTensor[];
    const model = tf.model({ inputs, outputs });
    const centres = (h: number, w: number, s: number) =>
      Array.from({ length: h * w }, (_, k) => [(k % w + 0.5) * s, (Math.floor(k / w) + 0.5) * s]);
    return {
      model,
      loss: (raw, targets) =>
        tf.tidy(() => {
          const parts: tf.Scalar[] = [];
          raw.forEach((out, level) => {
            const [B, H, W] = out.shape;
            const s = featureStrides[level];
            const cls = new Float32Array(B * H * W * C), dist = new Float32Array(B * H * W * 4);
            const pos = new Float32Array(B * H * W * 4);
            targets.forEach((t, b) =>
              centres(H, W, s).forEach(([cx, cy], k) => {
                let best = -1, area = Infinity;
                for (let j = 0; j < t.labels.length; j++) {
                  const [x1, y1, x2, y2] = t.boxes.subarray(4 * j, 4 * j + 4);
                  const a = (x2 - x1) * (y2 - y1);
                  if (cx >= x1 && cx <= x2 && cy >= y1 && cy <= y2 && a < area) {
                    [best, area] = [j, a];
                  }
                }
                if (best < 0) return;
                const [x1, y1, x2, y2] = t.boxes.subarray(4 * best, 4 * best + 4);
                const cell = b * H * W + k;
                cls[cell * C + t.labels[best]] = 1;
                dist.set([(cx - x1) / s, (cy - y1) / s, (x2 - cx) / s, (y2 - cy) / s], cell * 4);
                pos.fill(1, cell * 4, cell * 4 + 4);
              })
            );
            const [logits, boxes] = tf.split(out, [C, 4], 3);
            parts.push(tf.losses.sigmoidCrossEntropy(tf.tensor4d(cls, [B, H, W, C]), logits));
            const mask = tf.tensor4d(pos, [B, H, W, 4]);
            const l1 = tf.abs(tf.sub(boxes, tf.tensor4d(dist, [B, H, W, 4]))).mul(mask).sum();
            parts.push(l1.div(tf.maximum(mask.sum(), 1)) as tf.Scalar);
          });
          return tf.addN(parts) as tf.Scalar;
        }),
      decode: async (raw, o) => {
        const perImage: { box: number[]; score: number; label: number }[][] = [];
        for (const [level, out] of raw.entries()) {
          const [B, H, W] = out.shape;
          const s = featureStrides[level];
          const v = await out.data();
          for (let b = 0; b < B; b++) {
            perImage[b] ??= [];
            centres(H, W, s).forEach(([cx, cy], k) => {
              const at = (b * H * W + k) * (C + 4);
              let label = 0;
              for (let c = 1; c < C; c++) if (v[at + c] > v[at + label]) label = c;
              const score = 1 / (1 + Math.exp(-v[at + label]));
              const [l, t, r, btm] = v.subarray(at + C, at + C + 4);
              const box = [cx - l * s, cy - t * s, cx + r * s, cy + btm * s];
              if (score >= o.scoreThreshold) perImage[b].push({ box, score, label });
            });
          }
        }
        return Promise.all(perImage.map(async (dets) => {
          const yx = dets.map(({ box: [x1, y1, x2, y2] }) => [y1, x1, y2, x2]);
          let keep: number[] = [];
          if (dets.length) {
            const boxes = tf.tensor2d(yx, [dets.length, 4]);
            const scores = tf.tensor1d(dets.map((d) => d.score));
            const kept = await tf.image.nonMaxSuppressionAsync(
              boxes,
              scores,
              o.maxDetections,
              o.iouThreshold,
            );
            keep = Array.from(await kept.data());
            tf.dispose([boxes, scores, kept]);
          }
          return {
            boxes: Float32Array.from(keep.flatMap((i) => dets[i].box)),
            scores: Float32Array.from(keep.map((i) => dets[i].score)),
            labels: Int32Array.from(keep.map((i) => dets[i].label)),
          };
        }));
      },
    };
  },
};

// One 8×8 image, one level of stride 4 (a 2×2 grid, cell centres at 2 and 6), C = 2.
const registry = new Registry();
registry.register("head", centreHead.name, centreHead);
const head = registry.lookup("head", "centre").create({
  numClasses: 2,
  featureStrides: [4],
  featureChannels: [3],
});
// raw [1, 2, 2, 6]: per cell 2 logits then l, t, r, b
const raw = (cells: number[][]) => tf.tensor4d(cells.flat(), [1, 2, 2, 6]);

Deno.test("head kind: the reference centre head's model maps feature maps to raw maps", () => {
  const y = head.model.predict(tf.zeros([1, 2, 2, 3])) as tf.Tensor;
  assert.deepEqual(y.shape, [1, 2, 2, 6]);
  assert.equal(head.model.trainableWeights.length, 2);
});

Deno.test("head kind: the centre head's loss on a hand-worked case", () => {
  // box [0, 0, 4, 4] label 1 holds only cell (0,0)'s centre (2,2): distances 0.5 strides each
  const targets = [{ boxes: Float32Array.of(0, 0, 4, 4), labels: Int32Array.of(1) }];
  const exact = raw([[0, 0, 0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [
    0,
    0,
    0,
    0,
    0,
    0,
  ]]);
  // all logits 0: BCE = ln 2 per element whatever the label; distances exact: L1 = 0
  assert.ok(Math.abs(head.loss([exact], targets, [8, 8]).dataSync()[0] - Math.LN2) < 1e-6);
  // left distance off by 1 stride on the positive cell: L1 mean over its 4 coords = 0.25
  const off = raw([[0, 0, 1.5, 0.5, 0.5, 0.5], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [
    0,
    0,
    0,
    0,
    0,
    0,
  ]]);
  assert.ok(Math.abs(head.loss([off], targets, [8, 8]).dataSync()[0] - (Math.LN2 + 0.25)) < 1e-6);
});

Deno.test("head kind: the centre head decodes, thresholds and suppresses", async () => {
  const r = raw([
    [-5, 2, 0.5, 0.5, 0.5, 0.5], // cell (0,0) centre (2,2): class 1, σ(2) = 0.8808, box [0,0,4,4]
    [-5, 1, 0.5, 0.5, 0.5, 0.5], // cell (0,1) centre (6,2): class 1, σ(1) = 0.7311, box [4,0,8,4]
    [-5, -5, 0.5, 0.5, 0.5, 0.5], // cell (1,0): σ(-5) = 0.0067 < 0.5, dropped
    [0.5, -5, 1, 1, 0, 0], // cell (1,1) centre (6,6): class 0, σ(0.5) = 0.6225, box [2,2,6,6]
  ]);
  const [d] = await head.decode([r], {
    scoreThreshold: 0.5,
    maxDetections: 10,
    iouThreshold: 0.1, // [2,2,6,6] overlaps [0,0,4,4] with IoU 4/28 = 0.143 > 0.1: suppressed
    inputSize: [8, 8],
  });
  assert.deepEqual(Array.from(d.labels), [1, 1]);
  assert.deepEqual(Array.from(d.boxes), [0, 0, 4, 4, 4, 0, 8, 4]);
  assert.ok(Math.abs(d.scores[0] - 1 / (1 + Math.exp(-2))) < 1e-6);
  assert.ok(Math.abs(d.scores[1] - 1 / (1 + Math.exp(-1))) < 1e-6);
  const [loose] = await head.decode([r], {
    scoreThreshold: 0.5,
    maxDetections: 10,
    iouThreshold: 0.5,
    inputSize: [8, 8],
  });
  assert.deepEqual(Array.from(loose.labels), [1, 1, 0]);
});
