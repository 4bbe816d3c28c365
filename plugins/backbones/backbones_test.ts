import assert from "node:assert/strict";
import { adapt, saveModel, tf, trainLoop } from "@quadranet/core";
import {
  backboneConfig,
  checkSafetensorsFile,
  createBackbone,
  readSafetensors,
  WeightMismatchError,
  writeSafetensors,
} from "./mod.ts";

const DATA = new URL("./testdata/", import.meta.url).pathname;
const io = JSON.parse(Deno.readTextFileSync(`${DATA}reference_io.json`));
// PyTorch's input is NCHW; the backbones take NHWC.
const x = tf.tidy(() => tf.transpose(tf.tensor4d(io.input, io.input_nchw_shape), [0, 2, 3, 1]));

/** Largest |a − b| relative to the largest |b|. */
function relErr(a: tf.Tensor, b: number[]): number {
  const av = a.dataSync();
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...b.map((v, i) => Math.abs(av[i] - v))) / scale;
}

Deno.test("torchvision ResNet-18 (small width) loaded from .safetensors matches PyTorch's logits within 1e-4", async () => {
  const model = await createBackbone("resnet18_w4", {
    numClasses: 10,
    pretrained: `${DATA}resnet18_w4.safetensors`,
  });
  const err = relErr(model.predict(x) as tf.Tensor, io.resnet18_w4_logits);
  assert.ok(err <= 1e-4, `relative error ${err}`);
});

for (
  const [file, naming, key] of [
    ["convnext_nano_tv.safetensors", "torchvision convnext", "convnext_nano_logits"],
    ["convnext_nano_timm.safetensors", "timm convnext", "convnext_nano_logits"],
    ["convnext_nano_official_f16.safetensors", "official convnext", "convnext_nano_f16_logits"],
  ]
) {
  Deno.test(`ConvNeXt from ${naming} keys (${file}) matches PyTorch's logits within 1e-4`, async () => {
    const model = await createBackbone("convnext_nano_test", {
      numClasses: 10,
      pretrained: `${DATA}${file}`,
    });
    const err = relErr(model.predict(x) as tf.Tensor, io[key]);
    assert.ok(err <= 1e-4, `relative error ${err}`);
  });
}

Deno.test("mis-fitting state dicts fail listing the keys, or load what fits with strict: false", async () => {
  const bytes = await Deno.readFile(`${DATA}resnet18_w4.safetensors`);
  const tensors = readSafetensors(bytes);
  const edited: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [k, t] of tensors) if (k !== "fc.bias") edited[k] = t;
  edited["extra.weight"] = { shape: [2], data: new Float32Array(2) };
  const file = await Deno.makeTempFile({ suffix: ".safetensors" });
  await Deno.writeFile(file, writeSafetensors(edited));
  await assert.rejects(
    () => createBackbone("resnet18_w4", { numClasses: 10, pretrained: file }),
    (e: Error) =>
      e instanceof WeightMismatchError && /missing \(1\): fc\.bias/.test(e.message) &&
      /unexpected \(1\): extra\.weight/.test(e.message),
  );
  await assert.rejects(
    () =>
      createBackbone("resnet18_w4", {
        numClasses: 7,
        pretrained: `${DATA}resnet18_w4.safetensors`,
      }),
    /mis-shaped \(2\): fc\.weight \[10,32\] vs \[32,7\]/,
  );
  const model = await createBackbone("resnet18_w4", {
    numClasses: 10,
    pretrained: file,
    strict: false,
  });
  assert.equal(model.getLayer("fc").getWeights()[1].dataSync()[0], 0); // fc.bias left at init
  await Deno.remove(file);
});

Deno.test("safetensors: F16 and BF16 decode exactly; truncated files fail clearly", () => {
  const header = JSON.stringify({
    h: { dtype: "F16", shape: [3], data_offsets: [0, 6] },
    b: { dtype: "BF16", shape: [2], data_offsets: [6, 10] },
  });
  const hb = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + hb.length + 10);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(hb.length), true);
  bytes.set(hb, 8);
  const at = 8 + hb.length;
  [0x3c00, 0xc000, 0x3555].forEach((v, i) => view.setUint16(at + 2 * i, v, true)); // 1, -2, 0.333251953125
  [0x3f80, 0xc0a0].forEach((v, i) => view.setUint16(at + 6 + 2 * i, v, true)); // 1, -5
  const t = readSafetensors(bytes);
  assert.deepEqual(Array.from(t.get("h")!.data), [1, -2, 0.333251953125]);
  assert.deepEqual(Array.from(t.get("b")!.data), [1, -5]);
  assert.throws(
    () => readSafetensors(bytes.subarray(0, bytes.length - 2), "x.safetensors"),
    /"b" offsets/,
  );
  assert.throws(() => readSafetensors(new Uint8Array(4)), /too short/);
});

Deno.test("a missing or foreign weights file fails naming it, not with a header length", async () => {
  const dir = await Deno.makeTempDir();
  const missing = `${dir}/nope.safetensors`;
  await assert.rejects(
    () => checkSafetensorsFile(missing, "--weights x"),
    /--weights x: no such file/,
  );
  await assert.rejects(
    () => createBackbone("resnet18_w4", { pretrained: missing }),
    /nope\.safetensors: no such file/,
  );
  // A text file: its first 8 bytes read as a little-endian length give ~7.5e17, past its end.
  const text = `${dir}/readme.safetensors`;
  await Deno.writeTextFile(text, "# QuadraNet-TS, the reference implementation\n");
  await assert.rejects(
    () => checkSafetensorsFile(text),
    /readme\.safetensors is not a safetensors file/,
  );
  assert.throws(
    () => readSafetensors(Deno.readFileSync(text), text),
    (e: Error) =>
      /is not a safetensors file/.test(e.message) && !/header length \d/.test(e.message),
  );
  // A length that fits but a header that is not a JSON object.
  const bad = new Uint8Array(8 + 4);
  new DataView(bad.buffer).setBigUint64(0, 4n, true);
  bad.set(new TextEncoder().encode("abcd"), 8);
  assert.throws(() => readSafetensors(bad, "b.safetensors"), /b\.safetensors is not a safetensors/);
  await checkSafetensorsFile(`${DATA}resnet18_w4.safetensors`); // a real one passes
  await Deno.remove(dir, { recursive: true });
});

Deno.test("featuresOnly gives strides 4/8/16/32 with their channel counts", async () => {
  const r = await createBackbone("resnet18_w4", { featuresOnly: true, inputShape: [64, 64, 3] });
  assert.deepEqual(r.outputs.map((o) => o.shape), [[null, 16, 16, 4], [null, 8, 8, 8], [
    null,
    4,
    4,
    16,
  ], [null, 2, 2, 32]]);
  const c = await createBackbone("convnext_nano_test", {
    featuresOnly: true,
    inputShape: [64, 64, 3],
  });
  assert.deepEqual(c.outputs.map((o) => o.shape), [[null, 16, 16, 8], [null, 8, 8, 16], [
    null,
    4,
    4,
    32,
  ], [null, 2, 2, 64]]);
});

Deno.test("adapt() with the default targets keeps a loaded backbone's outputs and the loop trains it", async () => {
  const model = await createBackbone("convnext_nano_test", {
    numClasses: 10,
    pretrained: `${DATA}convnext_nano_tv.safetensors`,
  });
  const cfg = backboneConfig("convnext_nano_test");
  const targets = cfg.defaultTargets(model);
  assert.equal(targets.length, 4); // the four depthwise mixers
  const adapted = adapt(model, { rank: 2, targets });
  const before = relErr(adapted.predict(x) as tf.Tensor, io.convnext_nano_logits);
  assert.ok(before <= 1e-4, `adapted at init differs by ${before}`);
  const res = await trainLoop({
    model: adapted,
    train: { x, y: new Int32Array([3, 7]) },
    batchSize: 2,
    lr: 0.01,
    seed: 1,
    optimizer: { kind: "adamw" },
    schedule: { kind: "constant" },
    head: [cfg.classifier],
    stages: [{ name: "q", train: ["quadratic", "head"], epochs: 3 }],
  });
  assert.equal(res.steps, 3);
  assert.ok(
    relErr(adapted.predict(x) as tf.Tensor, io.convnext_nano_logits) > 1e-4,
    "training changed it",
  );
});

Deno.test("torchvision MobileNetV2 (small setting) matches PyTorch's logits within 1e-4", async () => {
  const model = await createBackbone("mobilenetv2_test", {
    numClasses: 10,
    pretrained: `${DATA}mobilenetv2_test.safetensors`,
  });
  const err = relErr(model.predict(x) as tf.Tensor, io.mobilenetv2_test_logits);
  assert.ok(err <= 1e-4, `relative error ${err}`);
  const targets = backboneConfig("mobilenetv2_test").defaultTargets(model);
  // 6 depthwise convs and the 5 expansion convs of the t = 6 blocks
  assert.equal(
    targets.filter((t) => model.getLayer(t).getClassName() === "DepthwiseConv2D").length,
    6,
  );
  assert.equal(targets.length, 11);
  const f = await createBackbone("mobilenetv2_test", {
    featuresOnly: true,
    inputShape: [64, 64, 3],
  });
  assert.deepEqual(f.outputs.map((o) => o.shape.slice(1, 3)), [[16, 16], [8, 8], [4, 4], [2, 2]]);
});

Deno.test("QuadraNet V1 block mixer computes DW_a(x) ⊙ DW_b(x) + DW_c(x)", async () => {
  const model = await createBackbone("quadranet_test", { numClasses: 10 });
  for (const w of model.weights) {
    w.write(tf.randomNormal(w.shape as number[], 0, 0.3, "float32", w.originalName.length));
  }
  const name = "stage1_0";
  const probe = tf.model({
    inputs: model.inputs,
    outputs: [
      model.getLayer(`${name}_norm1`).output as tf.SymbolicTensor,
      model.getLayer(`${name}_mix`).output as tf.SymbolicTensor,
    ],
  });
  const [n, mix] = probe.predict(x) as tf.Tensor[];
  const k = (s: string) => model.getLayer(`${name}_dw_${s}`).getWeights();
  const conv = (s: string) =>
    tf.depthwiseConv2d(n as tf.Tensor4D, k(s)[0] as tf.Tensor4D, 1, "same").add(k(s)[1]);
  const want = conv("a").mul(conv("b")).add(conv("c"));
  assert.ok(tf.max(tf.abs(tf.sub(mix, want))).dataSync()[0] <= 1e-4);
  assert.equal(backboneConfig("quadranet_tiny").classifier, "head");
});

Deno.test("pretrained also takes a tfjs-layers model.json of the same backbone", async () => {
  const src = await createBackbone("resnet18_w4", {
    numClasses: 10,
    pretrained: `${DATA}resnet18_w4.safetensors`,
  });
  const dir = await Deno.makeTempDir();
  await saveModel(src, dir);
  const copy = await createBackbone("resnet18_w4", {
    numClasses: 10,
    pretrained: `${dir}/model.json`,
  });
  const err = relErr(copy.predict(x) as tf.Tensor, io.resnet18_w4_logits);
  assert.ok(err <= 1e-4, `relative error ${err}`);
  // the model read from model.json is freed once its weights are copied (and on the error)
  const n0 = tf.memory().numTensors;
  (await createBackbone("resnet18_w4", { numClasses: 10, pretrained: `${dir}/model.json` }))
    .dispose();
  await assert.rejects(
    () => createBackbone("convnext_nano_test", { numClasses: 10, pretrained: `${dir}/model.json` }),
    /lacks layers features_0_0/,
  );
  assert.equal(tf.memory().numTensors, n0);
  await Deno.remove(dir, { recursive: true });
});
