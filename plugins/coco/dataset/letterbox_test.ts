import assert from "node:assert/strict";
import { boxesToImage, boxesToInput, planLetterbox } from "./letterbox.ts";

Deno.test("planLetterbox fits the long side and keeps the aspect", () => {
  // 640×480 into 512×512: scale min(512/640, 512/480) = 0.8 -> 512×384, 128 padded rows
  const p = planLetterbox(640, 480, [512, 512], false);
  assert.equal(p.resizedWidth, 512);
  assert.equal(p.resizedHeight, 384);
});

Deno.test("boxesToInput scales, flips within the resized image, and boxesToImage undoes it", () => {
  const p = planLetterbox(640, 480, [512, 512], true);
  // box x 100..200, y 50..150 scaled by 0.8: x 80..160, y 40..120; flipped in width 512:
  // x1 = 512 - 160 = 352, x2 = 512 - 80 = 432
  const inp = boxesToInput(Float32Array.of(100, 50, 200, 150), p);
  assert.deepEqual([...inp], [352, 40, 432, 120]);
  const back = boxesToImage(inp, p);
  [100, 50, 200, 150].forEach((v, i) => assert.ok(Math.abs(back[i] - v) < 1e-4));
  // predictions outside the image are clipped to it: x2 = 600/0.8 = 750 -> 640
  assert.equal(
    boxesToImage(Float32Array.of(0, 0, 600, 10), planLetterbox(640, 480, [512, 512], false))[2],
    640,
  );
});
