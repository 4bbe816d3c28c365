import assert from "node:assert/strict";
import { PRETRAIN_LOOP } from "../digits-shift/pretrain.ts";
import { baseEpochs, UPGRADE_BASE } from "./base.ts";

Deno.test("baseEpochs() follows the size preset, never the arms' --scratch-epochs", () => {
  const [d, full, quick] = UPGRADE_BASE.epochs;
  assert.equal(baseEpochs({}), d);
  assert.equal(baseEpochs({ full: true }), full);
  assert.equal(baseEpochs({ quick: true }), quick);
  assert.equal(baseEpochs({ scratchEpochs: 3, lr: 0.5 }), d);
});

Deno.test("UPGRADE_BASE is its own versioned loop: checks twice per epoch, not digits-shift's pre-training", () => {
  assert.match(UPGRADE_BASE.version, /^upgrade-base-\d+$/);
  assert.equal(UPGRADE_BASE.loop.checksPerEpoch, 2);
  assert.notEqual(UPGRADE_BASE.loop.lr, PRETRAIN_LOOP.lr);
  // the digits-shift pre-training loop is untouched by the upgrade's config (separate objects)
  assert.equal(PRETRAIN_LOOP.lr, 3e-3);
  assert.equal(PRETRAIN_LOOP.checksPerEpoch, 1);
});
