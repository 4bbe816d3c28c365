/**
 * Bench: peak tensor memory and step time of one training step, autodiff vs
 * recompute, for (a) a stack of ConvNeXt-style blocks with adapted 7×7
 * depthwise mixers and (b) a quadratic-adapted ResNet-style CNN: tfjs
 * autodiff through ordinary ops (fused kernels off, the baseline),
 * autodiff and recompute with the same fused kernels, and the base network
 * fine-tuned whole without adapters (what the network itself costs).
 * Prints ratios measured side by side in one run.
 *
 *     deno task bench
 *     deno run -A bench/memory_efficient.ts [--quick] [--case rbf]
 * @module
 */
import process from "node:process";
import { adapt, selectBackend, setFusedOps, tf } from "@quadranet/core";
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

interface Arm {
  /** Column label. */
  label: string;
  /** Fused kernels on. */
  fused: boolean;
  /** Backprop strategy, or null: the base network fine-tuned whole, no adapters. */
  backprop: string | null;
}

// The baseline ("today": tfjs autodiff through ordinary ops), autodiff and recompute
// with the same fused kernels, and the base network without adapters as a reference.
const ARMS: Arm[] = [
  { label: "tfjs autodiff (fused off)", fused: false, backprop: "autodiff" },
  { label: "autodiff (fused)", fused: true, backprop: "autodiff" },
  { label: "recompute (fused)", fused: true, backprop: "recompute" },
  { label: "no adapters, full fine-tune (fused)", fused: true, backprop: null },
];

interface Prepared {
  /** Peak tensor bytes of one profiled step, less what was held before it. */
  peak: number;
  /** One more training step. */
  step: () => void;
}

/** Builds the arm's model, warms it up and profiles one step. */
async function prepare(
  base: tf.LayersModel,
  targets: RegExp,
  arm: Arm,
  batch: number,
  kernel = "quadratic",
): Promise<Prepared> {
  // The base model itself for the reference arm (it runs last: its training changes base's weights).
  const model = arm.backprop === null
    ? base
    : adapt(base, { rank: 8, targets, backprop: arm.backprop, kernel, modulesToSave: ["head"] });
  const shape = [batch, ...(base.inputs[0].shape.slice(1) as number[])];
  const x = tf.randomNormal(shape, 0, 1, "float32", 1);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, "int32", 2) as tf.Tensor1D, 10);
  const opt = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => {
    setFusedOps(arm.fused);
    try {
      tf.dispose(
        opt.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              y,
              model.apply(x, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
          true,
          vars,
        ) ?? [],
      );
    } finally {
      setFusedOps(true);
    }
  };
  step(); // warm-up (creates optimizer slots)
  const before = tf.memory().numBytes;
  const info = await tf.profile(step);
  return { peak: info.peakBytes - before, step };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Peak memory per arm, and the median step time (wall and process CPU) over
 * rounds that take the arms in turn. On a loaded machine wall time includes
 * waiting for a core; CPU time does not (it counts OpenBLAS threads too).
 */
async function measure(
  base: tf.LayersModel,
  targets: RegExp,
  batch: number,
  kernel?: string,
): Promise<{ peak: number; ms: number; cpuMs: number }[]> {
  const prepared: Prepared[] = [];
  for (const arm of ARMS) prepared.push(await prepare(base, targets, arm, batch, kernel));
  const wall: number[][] = prepared.map(() => []), cpu: number[][] = prepared.map(() => []);
  const reps = quick ? 1 : 5;
  for (let i = 0; i < reps; i++) {
    prepared.forEach((p, k) => {
      const t0 = performance.now(), c0 = process.cpuUsage();
      p.step();
      const c = process.cpuUsage(c0);
      wall[k].push(performance.now() - t0);
      cpu[k].push((c.user + c.system) / 1000);
    });
  }
  return prepared.map((p, k) => ({ peak: p.peak, ms: median(wall[k]), cpuMs: median(cpu[k]) }));
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
  `\n## Memory-efficient backprop: one training step (backend ${tf.getBackend()}, rank 8, ` +
    `tfjs Adam; ratios within a row; times are medians of rounds that take the arms in turn)\n`,
);
// `--case TEXT`: only the models whose name contains TEXT.
const only = Deno.args.includes("--case") ? Deno.args[Deno.args.indexOf("--case") + 1] : "";
const mib = (b: number) => (b / 2 ** 20).toFixed(1);
const rows: string[][] = [];
for (const [name, base, targets, batch, kernel] of cases) {
  if (!name.includes(only)) continue;
  const [t, a, c, f] = await measure(base, targets, batch, kernel);
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  rows.push([
    `${name} (batch ${batch})`,
    mib(t.peak),
    mib(a.peak),
    mib(c.peak),
    x(c.peak, a.peak),
    x(c.peak, t.peak),
    mib(f.peak),
    `${t.ms.toFixed(0)} (${t.cpuMs.toFixed(0)})`,
    `${a.ms.toFixed(0)} (${a.cpuMs.toFixed(0)})`,
    `${c.ms.toFixed(0)} (${c.cpuMs.toFixed(0)})`,
    `${x(c.ms, a.ms)} (${x(c.cpuMs, a.cpuMs)})`,
    `${x(c.ms, t.ms)} (${x(c.cpuMs, t.cpuMs)})`,
    `${f.ms.toFixed(0)} (${f.cpuMs.toFixed(0)})`,
  ]);
}
const heads = [
  "model",
  "peak MiB: tfjs autodiff (fused off)",
  "autodiff",
  "recompute",
  "recompute / autodiff",
  "recompute / tfjs autodiff",
  "no adapters, full fine-tune",
  "ms wall (CPU): tfjs autodiff",
  "autodiff",
  "recompute",
  "recompute / autodiff",
  "recompute / tfjs autodiff",
  "no adapters",
];
console.log(`| ${heads.join(" | ")} |`);
console.log(`| ${heads.map(() => "---").join(" | ")} |`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(
  "\nautodiff and recompute use the same fused kernels; peak = tf.profile's peakBytes less what " +
    "was held before the step.",
);
