import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { adapt, adapterLayers } from "./adapt.ts";
import * as ops from "./adapter_ops.ts";
import { MergeUnsupportedError } from "../errors.ts";

const { adapterSummary, disableAdapters, enableAdapters, formatAdapterSummary, merge, unload } =
  ops;
import { quadraticTerms } from "../testing/terms.ts";
import { mobileNetV2Shaped, randomizeWeights } from "../testing/models.ts";
import { maxAbsDiff } from "../testing/assert_close.ts";

function trained(): { base: tf.LayersModel; adapted: tf.LayersModel; x: tf.Tensor } {
  const base = randomizeWeights(mobileNetV2Shaped(), 21);
  const adapted = adapt(base, { rank: 2 });
  for (const t of quadraticTerms(adapted)) {
    t.p.write(tf.randomNormal(t.p.shape as number[], 0, 0.5, "float32", 3));
  }
  return { base, adapted, x: tf.randomNormal([2, 16, 16, 3], 0, 1, "float32", 4) };
}

Deno.test("disableAdapters() gives the base outputs; enableAdapters() restores the adapted ones", () => {
  const { base, adapted, x } = trained();
  const yq = adapted.predict(x) as tf.Tensor;
  const yb = base.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(yq, yb) > 1e-3, "the trained adapter changes the output");
  assert.equal(disableAdapters(adapted), 11);
  assert.ok(maxAbsDiff(adapted.predict(x) as tf.Tensor, yb) <= 1e-6);
  enableAdapters(adapted);
  assert.equal(maxAbsDiff(adapted.predict(x) as tf.Tensor, yq), 0);
});

Deno.test("unload() gives a first-order model with the base outputs and classes", () => {
  const { base, adapted, x } = trained();
  const plain = unload(adapted);
  assert.deepEqual(
    plain.layers.map((l) => l.getClassName()),
    base.layers.map((l) => l.getClassName()),
  );
  assert.ok(maxAbsDiff(plain.predict(x) as tf.Tensor, base.predict(x) as tf.Tensor) <= 1e-6);
  assert.equal(adapterLayers(plain).length, 0);
});

Deno.test("merge() throws explaining that a quadratic term cannot be folded", () => {
  const { adapted } = trained();
  assert.throws(() => merge(adapted), (e: unknown) => {
    assert.ok(e instanceof MergeUnsupportedError);
    assert.match(e.message, /Cannot merge the 11 quadratic adapter layer\(s\) into linear weights/);
    assert.match(e.message, /use unload\(\)/);
    return true;
  });
});

Deno.test("adapterSummary(): parameters and FLOPs worked by hand", () => {
  const base = tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: "c",
        filters: 4,
        kernelSize: 3,
        padding: "same",
        inputShape: [5, 5, 2],
      }),
      tf.layers.flatten({ name: "f" }),
      tf.layers.dense({ name: "d", units: 3 }),
    ],
  });
  const s = adapterSummary(adapt(base, { rank: 2, targets: ["c"], modulesToSave: ["d"] }));
  // conv: U, V 3·3·2·2 = 36 each, P 2·4 = 8 → 80
  assert.equal(s.adapterParams, 80);
  assert.equal(s.trainableParams, 80 + 100 * 3 + 3);
  assert.equal(s.totalParams, 80 + (3 * 3 * 2 * 4 + 4) + 100 * 3 + 3);
  // per pixel: 2·2·(3·3·2)·2 + 2 + 2·2·4 + 4 = 144 + 2 + 16 + 4 = 166; 25 pixels
  assert.equal(s.extraFlopsPerExample, 25 * 166);
  assert.deepEqual(s.layers[0].quadKernelSize, [3, 3]);
  assert.match(
    formatAdapterSummary(s),
    /trainable params: 383 \|\| all params: 459 \|\| trainable%: 83\.442/,
  );
});
