import assert from "node:assert/strict";
import { BY_DATA, SIZES, withSizes } from "./settings.ts";

Deno.test("coco withSizes: size defaults full or --quick; lr and flip by dataset; given values win", () => {
  const digits = withSizes({ data: "" });
  assert.equal(digits.epochs, SIZES.epochs[0]);
  assert.equal(digits.headWidth, SIZES.headWidth[0]);
  // digits-detect: no flips (a mirrored digit is no digit), the higher learning rate
  assert.equal(digits.flip, 0);
  assert.equal(digits.lr, BY_DATA.lr[0]);
  const coco = withSizes({ data: "/data/coco", quick: true });
  assert.equal(coco.epochs, SIZES.epochs[1]);
  assert.equal(coco.flip, 0.5);
  assert.equal(coco.lr, 3e-3);
  const given = withSizes({ data: "", flip: 0.25, lr: 1e-3, epochs: 2 });
  assert.deepEqual([given.flip, given.lr, given.epochs], [0.25, 1e-3, 2]);
});
