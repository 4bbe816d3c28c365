import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { Rng } from "@quadranet/core";
import { readInstances } from "../instances.ts";
import { composeImage } from "./compose.ts";
import { generateDigitsDetect } from "./generate.ts";
import { inkBox, mnistDigits, resizeDigit } from "./mnist_digits.ts";

Deno.test("resizeDigit keeps a constant image constant and inkBox finds the ink", () => {
  const flat = new Float32Array(28 * 28).fill(0.5);
  assert.ok(resizeDigit(flat, 13).every((v) => Math.abs(v - 0.5) < 1e-6));
  const ink = new Float32Array(5 * 5);
  ink[1 * 5 + 2] = 1;
  ink[3 * 5 + 3] = 0.9;
  assert.deepEqual(inkBox(ink, 5), [2, 1, 2, 3]); // x 2..3, y 1..3
});

Deno.test("composeImage: boxes lie inside the canvas over real ink, seeded", () => {
  const digits = mnistDigits();
  const pool = Int32Array.from({ length: 2000 }, (_, i) => i * 5);
  const opts = { size: 64, minDigits: 2, maxDigits: 4, crowdRate: 1 };
  const a = composeImage(digits, pool, opts, new Rng(5));
  const b = composeImage(digits, pool, opts, new Rng(5));
  assert.deepEqual(a.objects, b.objects);
  assert.deepEqual(a.rgb, b.rgb);
  assert.equal(a.objects.filter((o) => o.crowd).length, 1); // crowdRate 1: one crowd cluster
  // seed 5 places three single digits (a placement that overlaps too much is dropped)
  assert.equal(a.objects.filter((o) => !o.crowd).length, 3);
  for (const o of a.objects) {
    const [x, y, w, h] = o.bbox;
    assert.ok(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 64 && y + h <= 64, JSON.stringify(o));
    // digits are painted at least 0.6 bright over a background of at most ~0.5: ink inside the box
    let peak = 0;
    for (let j = y; j < y + h; j++) {
      for (let i = x; i < x + w; i++) peak = Math.max(peak, a.rgb[(j * 64 + i) * 3]);
    }
    assert.ok(peak > 140, `box ${JSON.stringify(o.bbox)} has no ink (peak ${peak})`);
  }
});

Deno.test("composeImage: tinyRate, tinyScale and scale bound the pasted digits' squares", () => {
  const digits = mnistDigits();
  const pool = Int32Array.from({ length: 2000 }, (_, i) => i * 5);
  const base = { size: 64, minDigits: 4, maxDigits: 4, crowdRate: 0 };
  // every digit tiny at exactly a quarter of the canvas: side round(64 · 0.25) = 16, so each ink
  // box fits in 16×16; an MNIST digit's ink is about 20 of its 28 rows, i.e. ~11 of 16
  const tiny = Array.from(
    { length: 5 },
    (_, s) =>
      composeImage(digits, pool, { ...base, tinyRate: 1, tinyScale: [0.25, 0.25] }, new Rng(s)),
  ).flatMap((im) => im.objects);
  assert.ok(tiny.length >= 10);
  assert.ok(tiny.every((o) => o.bbox[2] <= 16 && o.bbox[3] <= 16), JSON.stringify(tiny));
  assert.ok(tiny.some((o) => o.bbox[3] >= 10));
  // none tiny, all at half the canvas (side 32): boxes up to 32, and taller than any 16-px square
  const big = Array.from(
    { length: 5 },
    (_, s) => composeImage(digits, pool, { ...base, tinyRate: 0, scale: [0.5, 0.5] }, new Rng(s)),
  ).flatMap((im) => im.objects);
  assert.ok(big.every((o) => o.bbox[2] <= 32 && o.bbox[3] <= 32), JSON.stringify(big));
  assert.ok(big.some((o) => o.bbox[3] > 16));
});

Deno.test("generateDigitsDetect writes a COCO set that reads back, and refuses other options", async () => {
  const root = join(await Deno.makeTempDir(), "dd");
  try {
    await generateDigitsDetect(root, {
      trainImages: 12,
      valImages: 6,
      size: 48,
      crowdRate: 0.5,
      seed: 2,
    });
    const train = await readInstances(join(root, "annotations", "instances_train.json"));
    const val = await readInstances(join(root, "annotations", "instances_val.json"));
    assert.equal(train.images.length, 12);
    assert.equal(val.images.length, 6);
    assert.deepEqual(train.categories.map((c) => c.name), [
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
    ]);
    assert.ok(train.annotations.some((a) => a.iscrowd === 1));
    const meta = await sharp(await Deno.readFile(join(root, "train", train.images[0].file_name)))
      .metadata();
    assert.equal(meta.format, "jpeg");
    assert.equal(meta.width, 48);
    const png = await sharp(await Deno.readFile(join(root, "val", val.images[0].file_name)))
      .metadata();
    assert.equal(png.format, "png");
    // same options: reused; other options: a clear error
    await generateDigitsDetect(root, {
      trainImages: 12,
      valImages: 6,
      size: 48,
      crowdRate: 0.5,
      seed: 2,
    });
    await assert.rejects(
      () => generateDigitsDetect(root, { trainImages: 13 }),
      /made with other options/,
    );
  } finally {
    await Deno.remove(join(root, ".."), { recursive: true });
  }
});

Deno.test("generateDigitsDetect: two writes of one set at once both succeed and leave one folder", async () => {
  const parent = await Deno.makeTempDir();
  const root = join(parent, "dd");
  try {
    const o = { trainImages: 4, valImages: 2, size: 32, seed: 3 };
    // as two runs started together: the second rename finds the folder written, takes it
    const both = await Promise.all([generateDigitsDetect(root, o), generateDigitsDetect(root, o)]);
    assert.deepEqual(both, [root, root]);
    const names = (await Array.fromAsync(Deno.readDir(parent))).map((e) => e.name);
    assert.deepEqual(names, ["dd"]); // no temporary folder left behind
    const train = await readInstances(join(root, "annotations", "instances_train.json"));
    assert.equal(train.images.length, 4);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
