import assert from "node:assert/strict";
import { evalPlan, normalise, randomResizedCropBox, trainPlan, uniform } from "./transforms.ts";

Deno.test("evalPlan: timm's resize to floor(size / crop_pct) then centre crop", () => {
  // 500×375, size 224, crop_pct 0.875: short side 256, long floor(256·500/375) = 341;
  // left = round((341 − 224) / 2) = round(58.5) = 58 (half to even, as Python), top = 16.
  assert.deepEqual(evalPlan(500, 375, { kind: "eval", size: 224, cropPct: 0.875 }), {
    resize: { width: 341, height: 256 },
    crop: { left: 58, top: 16, width: 224, height: 224 },
    out: 224,
    flip: false,
  });
  const tall = evalPlan(375, 500, { kind: "eval", size: 224, cropPct: 0.875 });
  assert.deepEqual(tall.resize, { width: 256, height: 341 });
  assert.deepEqual(tall.crop, { left: 16, top: 58, width: 224, height: 224 });
  // crop_pct 0.95 (ConvNeXt-style): floor(224 / 0.95) = 235.
  assert.deepEqual(evalPlan(300, 300, { kind: "eval", size: 224, cropPct: 0.95 }).resize, {
    width: 235,
    height: 235,
  });
});

Deno.test("randomResizedCropBox: boxes inside the image, area and ratio within range", () => {
  for (let seed = 0; seed < 500; seed++) {
    const b = randomResizedCropBox(500, 375, uniform(seed));
    assert.ok(b.left >= 0 && b.top >= 0 && b.left + b.width <= 500 && b.top + b.height <= 375);
    const area = (b.width * b.height) / (500 * 375);
    // w and h are rounded: allow one pixel either way.
    const slack = (b.width + b.height + 1) / (500 * 375);
    assert.ok(area >= 0.08 - slack && area <= 1 + slack, `area ${area}`);
    const r = b.width / b.height;
    assert.ok(r >= (3 / 4) * (1 - 2 / b.height) && r <= (4 / 3) * (1 + 2 / b.height), `ratio ${r}`);
  }
});

Deno.test("randomResizedCropBox falls back to the centre crop at the nearest allowed ratio", () => {
  // 1000×10 with scale ≥ 0.9: every draw needs h ≥ sqrt(9000 / (4/3)) = 82 > 10 pixels.
  const b = randomResizedCropBox(1000, 10, uniform(1), [0.9, 1]);
  assert.deepEqual(b, { left: 493, top: 0, width: 13, height: 10 }); // w = round(10 · 4/3)
});

Deno.test("trainPlan: deterministic in the seed, flips about half the time", () => {
  const spec = { kind: "train", size: 224 } as const;
  assert.deepEqual(trainPlan(500, 375, spec, 42), trainPlan(500, 375, spec, 42));
  let flips = 0;
  for (let s = 0; s < 1000; s++) flips += trainPlan(500, 375, spec, s).flip ? 1 : 0;
  assert.ok(flips > 440 && flips < 560, `${flips} flips of 1000`);
  let none = 0;
  for (let s = 0; s < 100; s++) {
    none += trainPlan(500, 375, { ...spec, flip: false }, s).flip ? 1 : 0;
  }
  assert.equal(none, 0);
});

Deno.test("normalise: (v / 255 − mean) / std per channel", () => {
  const out = normalise(new Uint8Array([255, 0, 128]), new Float32Array(3));
  const want = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (128 / 255 - 0.406) / 0.225];
  out.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `${v} vs ${want[i]}`));
  const custom = normalise(new Uint8Array([51, 102, 255]), new Float32Array(3), [0, 0, 0], [
    1,
    1,
    1,
  ]);
  assert.deepEqual(Array.from(custom, (v) => Math.round(v * 1e5) / 1e5), [0.2, 0.4, 1]);
});
