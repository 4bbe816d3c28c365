import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { adapt, adapterLayers, adapterMetadata } from "./adapt.ts";
import { adapterSummary, formatAdapterSummary } from "./adapter_ops.ts";
import { TargetError, UnsupportedLayerError } from "../errors.ts";
import { quadraticTerms } from "../testing/terms.ts";
import type { QuadraticTerm } from "./quadratic_layer.ts";
import {
  mobileNetV2Shaped,
  randomizeWeights,
  resnetShaped,
  sequentialCnn,
} from "../testing/models.ts";
import { maxAbsDiff } from "../testing/assert_close.ts";

const builders = { sequentialCnn, resnetShaped, mobileNetV2Shaped };

function inputFor(model: tf.LayersModel, seed = 7): tf.Tensor {
  return tf.randomNormal(
    [3, ...(model.inputs[0].shape.slice(1) as number[])],
    0,
    1,
    "float32",
    seed,
  );
}

for (const [name, build] of Object.entries(builders)) {
  Deno.test(`adapt() keeps outputs equal at init (max abs diff <= 1e-6): ${name}`, () => {
    const base = randomizeWeights(build(), 11);
    const adapted = adapt(base, { rank: 3 });
    const x = inputFor(base);
    const diff = maxAbsDiff(base.predict(x) as tf.Tensor, adapted.predict(x) as tf.Tensor);
    assert.ok(diff <= 1e-6, `max abs diff ${diff}`);
    const kinds = new Set(adapterLayers(adapted).map((l) => l.base.className));
    assert.ok(kinds.has("Conv2D") && kinds.has("Dense"));
    if (name === "mobileNetV2Shaped") assert.ok(kinds.has("DepthwiseConv2D"));
  });
}

Deno.test("adapt(): P is zero, U and V are not; the base's weights are carried", () => {
  const base = randomizeWeights(mobileNetV2Shaped(), 2);
  const adapted = adapt(base, { rank: 2 });
  for (const t of quadraticTerms(adapted)) {
    const name = t.layer.name;
    assert.equal(tf.max(tf.abs(t.p.read())).dataSync()[0], 0, `${name} P`);
    assert.ok(tf.min(tf.abs(t.u.read())).dataSync()[0] >= 0);
    assert.ok(tf.max(tf.abs(t.u.read())).dataSync()[0] > 0, `${name} U`);
    assert.ok(maxAbsDiff(t.u.read(), t.v.read()) > 0, `${name} U != V`);
    const orig = base.getLayer(name).getWeights();
    t.layer.primaryWeights().forEach((w, i) => assert.equal(maxAbsDiff(w.read(), orig[i]), 0));
  }
});

Deno.test("adapt(): exactly U, V, P and modulesToSave are trainable", () => {
  const base = randomizeWeights(resnetShaped(), 3);
  const adapted = adapt(base, { rank: 2, targets: "Conv2D", modulesToSave: ["head"] });
  const trainable = adapted.trainableWeights.map((w) => w.originalName).sort();
  const expected = [
    ...adapterLayers(adapted).flatMap((l) =>
      ["quad_u", "quad_v", "quad_p"].map((n) => `${l.name}/${n}`)
    ),
    "head/kernel",
    "head/bias",
  ].sort();
  assert.deepEqual(trainable, expected);
  const all = adapt(base, { rank: 2, trainPrimary: true });
  const bn = all.layers.filter((l) => l.getClassName() === "BatchNormalization").length;
  assert.equal(bn, 6);
  assert.equal(all.trainableWeights.length, all.weights.length - 2 * bn); // BN moving stats stay
});

Deno.test("adapt(): modulesToSave layers are trained in full, never adapted (as in PEFT)", () => {
  const base = randomizeWeights(resnetShaped(), 3);
  // targets "all" selects every Conv2D and the Dense head; the head is in modulesToSave.
  const adapted = adapt(base, { rank: 2, modulesToSave: ["head"] });
  const names = adapterLayers(adapted).map((l) => l.name);
  assert.ok(!names.includes("head"), names.join(", "));
  assert.equal(adapted.getLayer("head").getClassName(), "Dense");
  assert.deepEqual(adapterMetadata(adapted)!.modulesToSave, ["head"]);
  assert.ok(!adapterMetadata(adapted)!.adaptedLayers.includes("head"));
  const headWeights = adapted.trainableWeights.filter((w) => w.originalName.startsWith("head/"));
  assert.deepEqual(headWeights.map((w) => w.originalName).sort(), ["head/bias", "head/kernel"]);
  const x = inputFor(base, 2);
  assert.ok(maxAbsDiff(adapted.predict(x) as tf.Tensor, base.predict(x) as tf.Tensor) <= 1e-6);
  // Targets that select only modulesToSave layers leave nothing to adapt.
  assert.throws(
    () => adapt(base, { targets: ["head"], modulesToSave: ["head"] }),
    (e: Error) => e instanceof TargetError && /in modulesToSave \(head\)/.test(e.message),
  );
});

Deno.test("adapt(): quadKernelSize/dilation defaults match the primary receptive field", () => {
  const adapted = adapt(sequentialCnn(), { rank: 2 });
  const quad = (n: string, m = adapted) => {
    const s = adapterLayers(m).find((l) => l.name === n)!.delta.summary();
    return { size: s.quadKernelSize, dilation: s.dilation };
  };
  assert.deepEqual(quad("conv1"), { size: [3, 3], dilation: [2, 2] }); // 5×5
  assert.deepEqual(quad("conv2"), { size: [3, 3], dilation: [2, 2] }); // 3×3 dilation 2
  assert.deepEqual(quad("conv3"), { size: [3, 3], dilation: [3, 3] }); // 7×7
  assert.deepEqual(quad("conv4"), { size: [2, 2], dilation: [1, 1] }); // 2×2
  const custom = adapt(sequentialCnn(), { rank: 2, targets: ["conv3"], quadKernelSize: 5 });
  assert.deepEqual(quad("conv3", custom), {
    size: [5, 5],
    dilation: [2, 2],
  });
});

Deno.test("adapt(): targets by name, RegExp, class; exclude; metadata", () => {
  const base = resnetShaped();
  const names = (m: tf.LayersModel) => adapterLayers(m).map((l) => l.name);
  assert.deepEqual(names(adapt(base, { targets: ["b1_conv1", "head"] })), ["b1_conv1", "head"]);
  assert.deepEqual(names(adapt(base, { targets: /^b2_/ })), ["b2_conv1", "b2_down", "b2_conv2"]);
  assert.deepEqual(names(adapt(base, { targets: "Dense" })), ["head"]);
  assert.deepEqual(names(adapt(base, { targets: /^b2_/, exclude: "b2_down" })), [
    "b2_conv1",
    "b2_conv2",
  ]);
  const meta = adapterMetadata(adapt(base, { targets: /^b1_conv/, modulesToSave: /head/ }))!;
  assert.deepEqual(meta.adaptedLayers, ["b1_conv1", "b1_conv2"]);
  assert.deepEqual(meta.modulesToSave, ["head"]);
  assert.equal(meta.baseFingerprint.length, 64);
});

Deno.test("adapt(): targets that match nothing fail listing the layers", () => {
  const base = resnetShaped();
  assert.throws(() => adapt(base, { targets: ["conv_9"] }), (e: unknown) => {
    assert.ok(e instanceof TargetError);
    assert.match(e.message, /targets entry "conv_9" matches no layer name or class/);
    assert.match(e.message, /stem \(Conv2D\), stem_bn \(BatchNormalization\)/);
    return true;
  });
  assert.throws(() => adapt(base, { targets: /^nothing/ }), /matches no layer name or class/);
  assert.throws(
    () => adapt(base, { targets: "Dense", exclude: "head" }),
    /select no adaptable layer/,
  );
  assert.throws(
    () => adapt(base, { modulesToSave: ["haed"] }),
    /modulesToSave entry "haed" matches no layer/,
  );
});

Deno.test("adapt(): an unsupported layer named explicitly fails naming it", () => {
  assert.throws(() => adapt(resnetShaped(), { targets: ["stem_bn"] }), (e: unknown) => {
    assert.ok(e instanceof UnsupportedLayerError);
    assert.match(
      e.message,
      /Cannot adapt layer "stem_bn": BatchNormalization cannot carry a quadratic term/,
    );
    assert.match(e.message, /supported layer classes: Dense, Conv2D, DepthwiseConv2D/);
    return true;
  });
  assert.throws(() => adapt(resnetShaped(), { targets: "MaxPooling2D" }), UnsupportedLayerError);
});

Deno.test("adapt(): an optimizer step changes the output, lowers the loss, leaves the base alone", () => {
  const base = randomizeWeights(resnetShaped(), 5);
  const before = base.getWeights().map((w) => w.clone());
  const adapted = adapt(base, { rank: 4, modulesToSave: ["head"] });
  const x = inputFor(base, 3);
  const target = tf.randomNormal([3, 5], 0, 1, "float32", 4);
  const loss = () =>
    tf.losses.meanSquaredError(
      target,
      adapted.apply(x, { training: false }) as tf.Tensor,
    ) as tf.Scalar;
  const y0 = adapted.predict(x) as tf.Tensor;
  const l0 = loss().dataSync()[0];
  const opt = tf.train.adam(1e-2);
  const vars = adapted.trainableWeights.map((w) => w.read() as tf.Variable);
  for (let i = 0; i < 3; i++) opt.minimize(loss, false, vars);
  const l1 = loss().dataSync()[0];
  assert.ok(l1 < l0, `loss ${l0} -> ${l1}`);
  assert.ok(maxAbsDiff(adapted.predict(x) as tf.Tensor, y0) > 1e-4);
  const p = (adapterLayers(adapted).find((l) => l.name === "b1_conv1")!.delta as QuadraticTerm).p
    .read();
  assert.ok(tf.max(tf.abs(p)).dataSync()[0] > 0, "P moved off zero");
  base.getWeights().forEach((w, i) =>
    assert.equal(maxAbsDiff(w, before[i]), 0, `base weight ${i}`)
  );
});

Deno.test("adapt() reports adaptable layers inside a nested model instead of skipping them silently", () => {
  const inner = tf.sequential({
    name: "backbone",
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3], name: "inner_fc1" }),
      tf.layers.dense({ units: 4, name: "inner_fc2" }),
    ],
  });
  const outer = tf.sequential({
    layers: [inner, tf.layers.dense({ units: 2, name: "head" })],
  });
  const adapted = adapt(outer, { rank: 2 });
  const s = adapterSummary(adapted);
  assert.deepEqual(s.layers.map((l) => l.name), ["head"]);
  assert.deepEqual(s.notAdapted, [{ model: "backbone", layers: ["inner_fc1", "inner_fc2"] }]);
  assert.match(
    formatAdapterSummary(s),
    /not adapted: 2 adaptable layer\(s\) inside nested model\(s\) "backbone" \(2\) are not adapted/,
  );
  // a selection that only the nested model could satisfy says why it matches nothing
  const onlyNested = tf.sequential({ layers: [inner, tf.layers.reLU({ name: "act" })] });
  assert.throws(() => adapt(onlyNested, { rank: 2 }), /inside nested model\(s\) "backbone"/);
});
