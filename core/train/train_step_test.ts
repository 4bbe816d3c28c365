import assert from "node:assert/strict";
import { CheckpointError, ConfigError } from "../errors.ts";
import { tinyCnn } from "../testing/tiny_task.ts";
import { tf } from "../tf.ts";
import { checkStages } from "./train_options.ts";
import { extraMetrics, restoreWeights, stepSeed, weightKeys } from "./train_step.ts";

Deno.test("extraMetrics keeps only what is beyond top-1, top-5, loss and count", () => {
  const m = { top1: 0.5, top5: 1, loss: 0.7, count: 4, semanticTop1: 0.75 };
  assert.deepEqual(extraMetrics(m), { semanticTop1: 0.75 });
});

Deno.test("stepSeed: distinct per step and per seed (seed·1000003 + step)", () => {
  assert.equal(stepSeed(2, 5), 2_000_011);
  assert.notEqual(stepSeed(1, 1_000_003), stepSeed(1, 0));
});

Deno.test("restoreWeights writes matching keys and refuses a checkpoint of another model", () => {
  const model = tinyCnn(1);
  const keys = weightKeys(model);
  assert.equal(keys[0], "0:conv/kernel");
  const weights = Object.fromEntries(keys.map((k, i) => [k, tf.onesLike(model.weights[i].read())]));
  restoreWeights(model, weights);
  assert.equal(model.weights[0].read().dataSync()[0], 1);
  const { [keys[1]]: _dropped, ...missing } = weights;
  assert.throws(
    () => restoreWeights(model, { ...missing, "9:extra": tf.zeros([1]) }),
    (e) =>
      e instanceof CheckpointError && e.message.includes(`missing ${keys[1]}`) &&
      e.message.includes("unexpected 9:extra"),
  );
});

Deno.test("checkStages: no stages, unknown groups and fractional epochs are config errors", () => {
  assert.throws(() => checkStages([]), ConfigError);
  assert.throws(
    () => checkStages([{ name: "a", train: ["head"], epochs: 1.5 }]),
    /epochs must be an integer >= 0, got 1.5/,
  );
  assert.throws(
    () => checkStages([{ name: "a", train: ["bogus" as "head"], epochs: 1 }]),
    ConfigError,
  );
  checkStages([{ name: "a", train: ["head"], epochs: 0 }]);
});
