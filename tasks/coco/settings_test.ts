import assert from "node:assert/strict";
import { armLr, COCO_LR, DIGITS_ARM_LRS, QUICK_DIGITS_LR, SIZES, withSizes } from "./settings.ts";

Deno.test("coco withSizes: size defaults full or --quick; lr and flip by dataset; given values win", () => {
  const digits = withSizes({ data: "" });
  assert.equal(digits.epochs, SIZES.epochs[0]);
  assert.equal(digits.headWidth, SIZES.headWidth[0]);
  // digits-detect: no flips (a mirrored digit is no digit), the higher learning rate
  assert.equal(digits.flip, 0);
  // digits-detect: each arm its own committed rate; a user's COCO folder: 3e-3 for every arm
  for (const arm of ["frozen", "full", "lora", "quadratic"] as const) {
    assert.equal(armLr(digits, arm), DIGITS_ARM_LRS[arm]);
  }
  // --quick on digits-detect: the higher rate (6 epochs on 96 images get nowhere at 0.003)
  assert.equal(armLr(withSizes({ data: "", quick: true }), "full"), QUICK_DIGITS_LR);
  const coco = withSizes({ data: "/data/coco", quick: true });
  assert.equal(coco.epochs, SIZES.epochs[1]);
  assert.equal(coco.flip, 0.5);
  assert.equal(armLr(coco, "quadratic"), COCO_LR);
  assert.equal(COCO_LR, 3e-3);
  const given = withSizes({ data: "", flip: 0.25, lr: 1e-3, epochs: 2 });
  assert.deepEqual([given.flip, armLr(given, "frozen"), armLr(given, "quadratic"), given.epochs], [
    0.25,
    1e-3,
    1e-3,
    2,
  ]);
});
