/**
 * Bench: peak tensor memory and step time of one training step, autodiff vs
 * recompute, for (a) a stack of ConvNeXt-style blocks with adapted 7×7
 * depthwise mixers and (b) a quadratic-adapted ResNet-style CNN.
 * Prints ratios measured side by side in one run.
 *
 *     deno task bench
 * @module
 */
import { adapt, fusedOpsEnabled, selectBackend, tf } from "@quadranet/core";
import "@quadranet/backend-blas";
import "@quadranet/backend-tfjs";
import "@quadranet/memory-efficient";
import "@quadranet/kernels";

const quick = Deno.args.includes("--quick");
await selectBackend("auto", { quiet: true, training: true });

type ST = tf.SymbolicTensor;
const L = tf.layers;

function convNextStack(blocks: number, c: number, hw: number): tf.LayersModel {
  const input = tf.input({ shape: [hw, hw, c] });
  let x: ST = input;
  for (let i = 0; i < blocks; i++) {
    let y = L.depthwiseConv2d({ name: `b${i}_dw`, kernelSize: 7, padding: "same" }).apply(x) as ST;
    y = L.layerNormalization({ name: `b${i}_ln` }).apply(y) as ST;
    y = L.dense({ name: `b${i}_fc1`, units: 4 * c, activation: "gelu" }).apply(y) as ST;
    y = L.dense({ name: `b${i}_fc2`, units: c }).apply(y) as ST;
    x = L.add({ name: `b${i}_add` }).apply([x, y]) as ST;
  }
  const out = L.dense({ name: "head", units: 10 }).apply(
    L.globalAveragePooling2d({}).apply(x) as ST,
  ) as ST;
  return tf.model({ inputs: input, outputs: out });
}

function resnetCnn(hw: number): tf.LayersModel {
  const input = tf.input({ shape: [hw, hw, 3] });
  let x = L.conv2d({
    name: "stem",
    filters: 32,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
  }).apply(input) as ST;
  for (const [i, f, s] of [[1, 32, 1], [2, 64, 2], [3, 64, 1]] as const) {
    let y = L.conv2d({
      name: `c${i}a`,
      filters: f,
      kernelSize: 3,
      strides: s,
      padding: "same",
      activation: "relu",
    })
      .apply(x) as ST;
    y = L.conv2d({ name: `c${i}b`, filters: f, kernelSize: 3, padding: "same" }).apply(y) as ST;
    const sc = s === 1
      ? x
      : L.conv2d({ name: `c${i}s`, filters: f, kernelSize: 1, strides: s }).apply(x) as ST;
    x = L.reLU({}).apply(L.add({}).apply([sc, y]) as ST) as ST;
  }
  const out = L.dense({ name: "head", units: 10 }).apply(
    L.globalAveragePooling2d({}).apply(x) as ST,
  ) as ST;
  return tf.model({ inputs: input, outputs: out });
}

async function measure(
  base: tf.LayersModel,
  targets: RegExp,
  backprop: string,
  batch: number,
  kernel = "quadratic",
) {
  const m = adapt(base, { rank: 8, targets, backprop, kernel, modulesToSave: ["head"] });
  const shape = [batch, ...(base.inputs[0].shape.slice(1) as number[])];
  const x = tf.randomNormal(shape, 0, 1, "float32", 1);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, "int32", 2) as tf.Tensor1D, 10);
  const opt = tf.train.adam(1e-3);
  const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () =>
    tf.dispose(
      opt.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(
            y,
            m.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
        true,
        vars,
      ) ?? [],
    );
  step(); // warm-up (creates optimizer slots)
  const before = tf.memory().numBytes;
  const info = await tf.profile(step);
  const t0 = performance.now();
  const reps = quick ? 1 : 2;
  for (let i = 0; i < reps; i++) step();
  return { peak: info.peakBytes - before, ms: (performance.now() - t0) / reps };
}

const cases: [string, tf.LayersModel, RegExp, number, string?][] = quick
  ? [
    ["ConvNeXt-style, 2 blocks, C=16, 14x14", convNextStack(2, 16, 14), /_dw$/, 4],
    ["ResNet-style CNN, 16x16", resnetCnn(16), /^c\d[ab]$/, 4],
    ["ResNet-style CNN, 16x16, rbf kernel", resnetCnn(16), /^c\d[ab]$/, 4, "rbf"],
  ]
  : [
    [
      "ConvNeXt-style, 4 blocks, C=32, 14x14, adapted 7x7 depthwise mixers",
      convNextStack(4, 32, 14),
      /_dw$/,
      8,
    ],
    ["ResNet-style CNN, 32x32, adapted 3x3 convs", resnetCnn(32), /^c\d[ab]$/, 16],
    [
      "ResNet-style CNN, 32x32, adapted 3x3 convs, rbf kernel (closed form through its BatchNorm)",
      resnetCnn(32),
      /^c\d[ab]$/,
      16,
      "rbf",
    ],
  ];

console.log(
  `\n## Memory-efficient backprop: one training step, autodiff vs recompute (backend ${tf.getBackend()}, fused kernels ${
    fusedOpsEnabled() ? "on" : "off (QUADRANET_FUSED=0)"
  })\n`,
);
console.log(
  "| model | autodiff peak MiB | recompute peak MiB | memory ratio | autodiff ms | recompute ms | time ratio |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const [name, base, targets, batch, kernel] of cases) {
  const a = await measure(base, targets, "autodiff", batch, kernel);
  const r = await measure(base, targets, "recompute", batch, kernel);
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(
    `| ${name} (batch ${batch}) | ${mib(a.peak)} | ${mib(r.peak)} | ${
      (r.peak / a.peak).toFixed(2)
    }x | ` +
      `${a.ms.toFixed(0)} | ${r.ms.toFixed(0)} | ${(r.ms / a.ms).toFixed(2)}x |`,
  );
}
