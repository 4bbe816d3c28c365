import assert from "node:assert/strict";
import { TargetError, tf } from "@quadranet/core";
import { checkTargetNames } from "./targets_check.ts";

Deno.test("checkTargetNames: layer names and classes pass; an unknown name lists the layers", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: "fc1", units: 4, inputShape: [3] }),
      tf.layers.activation({ name: "act", activation: "relu" }),
      tf.layers.dense({ name: "fc2", units: 2 }),
    ],
  });
  checkTargetNames(model, ["fc1", "Dense"]);
  assert.throws(
    () => checkTargetNames(model, ["fc1", "convX"]),
    (e: Error) =>
      e instanceof TargetError && /--targets convX: no layer/.test(e.message) &&
      // only layers with weights are listed (act has none)
      /fc1 \(Dense\), fc2 \(Dense\)$/.test(e.message),
  );
  model.dispose();
});
