import assert from "node:assert/strict";
import sharp from "sharp";
import { decodeImage, sniff } from "./decode.ts";
import { trainPlan, type TransformSpec } from "./transforms.ts";

async function png(width: number, height: number, rgb: (x: number, y: number) => number[]) {
  const raw = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(rgb(x, y), (y * width + x) * 3);
  }
  return new Uint8Array(await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer());
}

const norm = (
  v: number[],
) => [(v[0] / 255 - 0.485) / 0.229, (v[1] / 255 - 0.456) / 0.224, (v[2] / 255 - 0.406) / 0.225];

Deno.test("decodeImage: shapes and exact statistics of a solid image, eval and train", async () => {
  const bytes = await png(80, 60, () => [255, 128, 0]);
  const want = norm([255, 128, 0]);
  for (const spec of [{ kind: "eval", size: 32 }, { kind: "train", size: 24 }] as const) {
    const r = await decodeImage(bytes, "solid.png", spec, 5);
    assert.deepEqual(r.issues, []);
    assert.equal(r.data!.length, spec.size * spec.size * 3);
    for (let c = 0; c < 3; c++) {
      let mean = 0, max = 0;
      for (let i = c; i < r.data!.length; i += 3) mean += r.data![i] / (spec.size * spec.size);
      for (let i = c; i < r.data!.length; i += 3) {
        max = Math.max(max, Math.abs(r.data![i] - want[c]));
      }
      assert.ok(max < 1e-5, `channel ${c}: off by ${max}`);
      assert.ok(Math.abs(mean - want[c]) < 1e-5);
    }
  }
});

Deno.test("decodeImage: a flipped train crop is the mirror of the unflipped one", async () => {
  // 16×16: black left half, white right half. scale = ratio = 1 crops the whole square.
  const bytes = await png(16, 16, (x) => (x < 8 ? [0, 0, 0] : [255, 255, 255]));
  const spec: TransformSpec = { kind: "train", size: 16, scale: [1, 1], ratio: [1, 1] };
  let plain = -1, flipped = -1;
  for (let s = 0; s < 50 && (plain < 0 || flipped < 0); s++) {
    if (trainPlan(16, 16, spec, s).flip) flipped = s;
    else plain = s;
  }
  const a = (await decodeImage(bytes, "h.png", spec, plain)).data!;
  const b = (await decodeImage(bytes, "h.png", spec, flipped)).data!;
  const black = norm([0, 0, 0])[0], white = norm([255, 255, 255])[0];
  assert.ok(Math.abs(a[0] - black) < 1e-5 && Math.abs(b[0] - white) < 1e-5);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      for (let c = 0; c < 3; c++) {
        assert.equal(a[(y * 16 + x) * 3 + c], b[(y * 16 + 15 - x) * 3 + c]);
      }
    }
  }
});

Deno.test("decodeImage never throws: empty, garbage and truncated files are skipped with a reason", async () => {
  const ok = await sharp(await png(32, 32, (x, y) => [x * 8, y * 8, 100])).jpeg().toBuffer();
  const cases: [Uint8Array, string][] = [
    [new Uint8Array(0), "empty"],
    [new TextEncoder().encode("not an image at all"), "corrupt"],
    [new Uint8Array(ok.subarray(0, ok.length >> 1)), "truncated"],
  ];
  for (const [bytes, kind] of cases) {
    const r = await decodeImage(bytes, "x.JPEG", { kind: "eval", size: 16 }, 0);
    assert.equal(r.data, null);
    assert.equal(r.issues.at(-1)!.kind, kind);
    assert.equal(r.issues.at(-1)!.action, "skipped");
  }
});

Deno.test("sniff tells formats by their magic bytes", async () => {
  const p = await png(4, 4, () => [1, 2, 3]);
  assert.equal(sniff(p), "png");
  assert.equal(sniff(new Uint8Array(await sharp(p).jpeg().toBuffer())), "jpeg");
  assert.equal(sniff(new Uint8Array([1, 2, 3])), "unknown");
});
