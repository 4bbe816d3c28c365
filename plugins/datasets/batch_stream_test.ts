import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import sharp from "sharp";
import { join } from "node:path";
import { evaluateStream, ImageBatchStream } from "./batch_stream.ts";
import { headMismatch } from "./head_match.ts";
import { ListSource } from "./list_source.ts";
import { BatchLoader } from "./pipeline/loader.ts";
import { DecodePool } from "./pipeline/pool.ts";
import { SemanticSoftmax } from "./semantic_softmax.ts";

/** Solid red, green and blue PNGs; the labels make the third one wrong for an RGB "classifier". */
async function solids(dir: string): Promise<ListSource> {
  const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
  const items = [];
  for (const [i, c] of colours.entries()) {
    const path = join(dir, `${i}.png`);
    const raw = new Uint8Array(12 * 12 * 3).map((_, k) => c[k % 3]);
    await Deno.writeFile(
      path,
      await sharp(raw, { raw: { width: 12, height: 12, channels: 3 } }).png().toBuffer(),
    );
    items.push({ path, label: [0, 1, 1][i] });
  }
  return new ListSource(["r", "g", "b"], items);
}

/** Logits = the mean normalised R, G, B of the image (global average pooling). */
function rgbModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  return tf.model({
    inputs: input,
    outputs: tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor,
  });
}

Deno.test("evaluateStream: top-1, loss and semantic top-1 on hand-worked solid images", async () => {
  const dir = await Deno.makeTempDir();
  const src = await solids(dir);
  const pool = new DecodePool(0);
  const loader = new BatchLoader(src, { transform: { kind: "eval", size: 8 }, pool });
  const model = rgbModel();
  // Normalised channel values: 255 → (1 − mean) / std, 0 → −mean / std.
  const hi = [(1 - 0.485) / 0.229, (1 - 0.456) / 0.224, (1 - 0.406) / 0.225];
  const lo = [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225];
  const logits = [0, 1, 2].map((i) => [0, 1, 2].map((c) => (c === i ? hi[c] : lo[c])));
  // Argmax is the image's own colour: images 0 and 1 right, image 2 (blue, labelled 1) wrong.
  const ce = (row: number[], y: number) =>
    Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[y];
  const loss = (ce(logits[0], 0) + ce(logits[1], 1) + ce(logits[2], 1)) / 3;
  const m = await evaluateStream(model, loader, { batchSize: 2 });
  assert.ok(Math.abs(m.top1 - 2 / 3) < 1e-9);
  assert.equal(m.top5, 1);
  assert.ok(Math.abs(m.loss - loss) < 1e-4, `${m.loss} vs ${loss}`);
  assert.equal(m.images, 3);
  // Tree: class 0 at the root, 1 and 2 under it. Level 0 has one class (left out); level 1
  // ({1, 2}) has targets for images 1 and 2 (labels 1, 1): logits g vs b → image 1 right,
  // image 2 wrong → semantic top-1 = 1/2.
  const semantic = new SemanticSoftmax({ levels: [[0], [1, 2]], parent: [-1, 0, 0] });
  const s = await evaluateStream(model, loader, { batchSize: 3, semantic });
  assert.equal(s.semanticTop1, 0.5);
  semantic.dispose();
  pool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ImageBatchStream yields the epoch's batches from `start`, as tensors", async () => {
  const dir = await Deno.makeTempDir();
  const src = await solids(dir);
  const pool = new DecodePool(0);
  const stream = new ImageBatchStream(
    new BatchLoader(src, { transform: { kind: "train", size: 4 }, pool }),
  );
  const seen: number[][] = [];
  for await (const b of stream.batches(new Int32Array([2, 0, 1]), 2, 1, (k) => k)) {
    assert.deepEqual(b.x.shape, [b.y.length, 4, 4, 3]);
    seen.push(Array.from(b.y));
    b.x.dispose();
  }
  assert.deepEqual(seen, [[1]]); // batch 1 of order [2, 0 | 1]: image 1, label 1
  pool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("headMismatch names the first differing class and the convention", () => {
  assert.equal(headMismatch(["n1", "n2"], ["n1", "n2"]), null);
  assert.match(headMismatch(["n1", "n3"], ["n1", "n2"])!, /class 1 is n3 in the data but n2/);
  assert.match(headMismatch(["n1"], ["n1", "n2"])!, /1 classes and the head 2.*sorted WordNet ids/);
});
