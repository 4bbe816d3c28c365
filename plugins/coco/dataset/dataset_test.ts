import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { parseInstances } from "../instances.ts";
import { CocoSource, trainingTarget } from "./coco_source.ts";
import { decodeLetterbox, IMAGENET_NORMALISATION } from "./decode_letterbox.ts";
import { LetterboxPool } from "./decode_pool.ts";
import { loadDetectionBatch } from "./detection_batches.ts";
import { planLetterbox } from "./letterbox.ts";

/** A 40×20 dark PNG with a white 10×10 square at x 4..14, y 5..15. */
async function squarePng(): Promise<Uint8Array> {
  const raw = new Uint8Array(40 * 20 * 3).fill(20);
  for (let y = 5; y < 15; y++) {
    for (let x = 4; x < 14; x++) raw.fill(255, (y * 40 + x) * 3, (y * 40 + x) * 3 + 3);
  }
  return new Uint8Array(
    await sharp(raw, { raw: { width: 40, height: 20, channels: 3 } }).png().toBuffer(),
  );
}

const GT = {
  images: [
    { id: 7, file_name: "a.png", width: 40, height: 20 },
    { id: 9, file_name: "a.png", width: 40, height: 20 }, // no annotations: kept
  ],
  categories: [{ id: 90, name: "zebra" }, { id: 3, name: "car" }],
  annotations: [
    { id: 1, image_id: 7, category_id: 90, bbox: [4, 5, 10, 10], area: 100, iscrowd: 0 },
    { id: 2, image_id: 7, category_id: 3, bbox: [20, 0, 20, 20], area: 400, iscrowd: 1 },
  ],
};

Deno.test("CocoSource maps category ids to ascending contiguous indices and keeps crowd and empty images", () => {
  const src = new CocoSource(parseInstances(GT), "/nowhere");
  assert.deepEqual(src.classes, ["car", "zebra"]); // ids 3, 90
  assert.deepEqual(src.categoryIds, [3, 90]);
  assert.equal(src.classIndex(90), 1);
  assert.equal(src.length, 2);
  const t = src.describe(0).target;
  assert.deepEqual([...t.boxes], [4, 5, 14, 15, 20, 0, 40, 20]);
  assert.deepEqual([...t.labels], [1, 0]);
  assert.deepEqual([...t.crowd], [0, 1]);
  const train = trainingTarget(t); // the crowd region is no training target
  assert.deepEqual([...train.boxes], [4, 5, 14, 15]);
  assert.deepEqual([...train.labels], [1]);
  assert.equal(src.describe(1).target.labels.length, 0);
});

Deno.test("decodeLetterbox puts the pixels where the boxes say, flipped or not, on workers too", async () => {
  const png = await squarePng();
  const { mean, std } = IMAGENET_NORMALISATION;
  const white = (1 - mean[0]) / std[0];
  // 40×20 into 40×40 (scale 1): rows 20..39 are padding (0); the square stays at x 4..14
  const plan = planLetterbox(40, 20, [40, 40], false);
  const x = await decodeLetterbox(png, plan);
  const at = (d: Float32Array, px: number, py: number) => d[(py * 40 + px) * 3];
  assert.ok(Math.abs(at(x, 8, 10) - white) < 1e-6);
  assert.equal(at(x, 8, 30), 0);
  // flipped: the square moves to x 40-14..40-4 = 26..36, as boxesToInput says
  const xf = await decodeLetterbox(png, planLetterbox(40, 20, [40, 40], true));
  assert.ok(Math.abs(at(xf, 30, 10) - white) < 1e-6);
  assert.ok(at(xf, 8, 10) < 0);
  const pool = new LetterboxPool(1);
  try {
    assert.deepEqual(await pool.decode(png.slice(), plan), x);
  } finally {
    pool.close();
  }
});

Deno.test("loadDetectionBatch: fixed input size, seeded flips, training targets in input pixels", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(join(dir, "a.png"), await squarePng());
    const src = new CocoSource(parseInstances(GT), dir);
    const pool = new LetterboxPool(0);
    // 40×20 into 20×20: scale .5 -> 20×10; box 4..14 × 5..15 -> 2..7 × 2.5..7.5
    const b = await loadDetectionBatch(
      src,
      [0, 1],
      { inputSize: [20, 20], flip: 0, seed: 1 },
      pool,
    );
    assert.equal(b.images.length, 2 * 20 * 20 * 3);
    assert.deepEqual([...b.targets[0].boxes], [2, 2.5, 7, 7.5]);
    assert.equal(b.targets[1].boxes.length, 0);
    // flip probability 1: x -> 20 - x
    const f = await loadDetectionBatch(src, [0], { inputSize: [20, 20], flip: 1, seed: 1 }, pool);
    assert.deepEqual([...f.targets[0].boxes], [13, 2.5, 18, 7.5]);
    assert.equal(f.plans[0].flip, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
