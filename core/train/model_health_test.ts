import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { checkHealthy, countNonFinite, modelHealth, UnhealthyModelError } from "./model_health.ts";

function bnModel() {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [2], name: "fc" }),
      tf.layers.batchNormalization({ name: "bn" }),
    ],
  });
}

Deno.test("modelHealth: a fresh model is healthy; NaN in a BatchNorm moving statistic is not", async () => {
  const m = bnModel();
  assert.deepEqual(await modelHealth(m, { loss: 0.5 }), { healthy: true, problems: [] });
  // moving_variance is not trainable: the training loss never sees it, the health check does
  const bn = m.getLayer("bn");
  const [gamma, beta, mean] = bn.getWeights();
  bn.setWeights([gamma, beta, mean, tf.tensor1d([1, NaN, Infinity])]);
  const r = await modelHealth(m);
  assert.equal(r.healthy, false);
  assert.deepEqual(r.problems, ["bn/moving_variance: 2 of 3 values not finite"]);
  await assert.rejects(() => checkHealthy(m, "run x"), (e: unknown) => {
    assert.ok(e instanceof UnhealthyModelError);
    assert.match(
      e.message,
      /^run x is not healthy: bn\/moving_variance: 2 of 3.*lower the learning rate/,
    );
    return true;
  });
});

Deno.test("modelHealth: a non-finite evaluation loss is unhealthy even with finite weights", async () => {
  const r = await modelHealth(bnModel(), { loss: NaN });
  assert.deepEqual(r.problems, ["evaluation loss is NaN"]);
  assert.equal(countNonFinite([1, -Infinity, NaN, 0]), 2);
});
