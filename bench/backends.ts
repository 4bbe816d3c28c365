/**
 * Bench: compute backends side by side in one run.
 *
 * 1. GEMM through the tfjs op on `blas` vs raw `cblas_sgemm` (goal ≥ 0.9).
 * 2. Conv2D forward/backward, dilated conv, depthwise conv: blas vs cpu vs wasm.
 * 3. A training step (forward, backward, Adam) of a quadratic-adapted
 *    ResNet-18-style network, batch 32 at 32×32 and 64×64: blas vs cpu vs
 *    wasm vs PyTorch CPU (bench/torch_step.py, when `import torch` works).
 *
 *     deno task bench [--quick]
 * @module
 */
import { selectBackend, tf } from "@quadranet/core";
import { openBlas } from "@quadranet/backend-blas";
import "@quadranet/backend-tfjs";
import { adaptedResnetBatch, tfjsAdamStep } from "./resnet_style.ts";
import { cellNumber, num, spawnCell, torchStep } from "./cells.ts";
import { cell, ratio, timeMs } from "./timing.ts";

const quick = Deno.args.includes("--quick");
const cellArg = Deno.args.find((a) => a.startsWith("--cell="))?.slice(7);
/** Seconds one measurement may take before it is reported as "> N s". */
const CELL_TIMEOUT_S = quick ? 60 : 150;
const WIDTH = quick ? 8 : 32;
const BATCH = quick ? 4 : 32;
const BACKENDS = ["blas", "cpu", "wasm"] as const;

/** Runs one measurement in a child process (so a slow backend can be cut off). */
async function on(backend: string, cell: string): Promise<number | string> {
  const out = await spawnCell(
    import.meta.url,
    ["--allow-read", "--allow-env", "--allow-sys", "--allow-ffi"],
    [`--cell=${backend}:${cell}`, ...(quick ? ["--quick"] : [])],
    CELL_TIMEOUT_S,
  );
  return cellNumber(out, CELL_TIMEOUT_S, (err) => {
    const missing = err.match(/Kernel '(\w+)' not registered/);
    return missing
      ? `no ${missing[1]} kernel`
      : `failed: ${err.replace(/.*?rror:?\s*/, "").slice(0, 50)}`;
  });
}

async function gemmRows(): Promise<void> {
  const blas = openBlas();
  console.log(`\n## GEMM: tfjs op on blas vs raw cblas_sgemm (${blas.path})\n`);
  console.log("| n | raw sgemm ms | tf.matMul (blas) ms | raw/op (goal ≥ 0.9) | GFLOP/s (op) |");
  console.log("| --- | --- | --- | --- | --- |");
  await selectBackend("blas", { quiet: true });
  for (const n of quick ? [128] : [256, 512, 1024]) {
    const a = new Float32Array(n * n).map(() => Math.random());
    const c = new Float32Array(n * n);
    const raw = timeMs(() => blas.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n), 10);
    const ta = tf.tensor2d(a, [n, n]);
    const op = timeMs(() => tf.matMul(ta, ta).dispose(), 10);
    ta.dispose();
    console.log(
      `| ${n} | ${cell(raw)} | ${cell(op)} | ${(raw / op).toFixed(2)} | ${
        (2 * n ** 3 / op / 1e6).toFixed(0)
      } |`,
    );
  }
}

const OP_SIZE = quick ? 8 : 32, OP_C = quick ? 8 : 32, OP_BATCH = quick ? 4 : 8;

/** The ops of the op table, built on the current backend. */
function opCases(): Record<string, () => tf.Tensor> {
  const s = OP_SIZE, c = OP_C;
  const x = tf.randomNormal([OP_BATCH, s, s, c], 0, 1, "float32", 1) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, c, c], 0, 1, "float32", 2) as tf.Tensor4D;
  const dw = tf.randomNormal([3, 3, c, 1], 0, 1, "float32", 3) as tf.Tensor4D;
  return {
    "conv 3×3 forward": () => tf.conv2d(x, w, 1, "same"),
    "conv 3×3 backward input": () => tf.conv2dTranspose(x, w, x.shape, 1, "same"),
    "conv 3×3 backward filter": () =>
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy: x }, {
        strides: 1,
        pad: "same",
        dataFormat: "NHWC",
        filterShape: [3, 3, c, c],
      }) as tf.Tensor,
    "conv 3×3 dilation 2 forward": () => tf.conv2d(x, w, 1, "same", "NHWC", 2),
    "depthwise 3×3 forward": () => tf.depthwiseConv2d(x, dw, 1, "same"),
  };
}

async function opRows(): Promise<void> {
  console.log(
    `\n## Ops, batch ${OP_BATCH}, ${OP_SIZE}×${OP_SIZE}×${OP_C} NHWC, 3×3 kernels ` +
      `(median ms; ratios vs blas)\n`,
  );
  console.log("| op | blas | cpu | wasm | cpu/blas | wasm/blas |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const name of Object.keys(opCases())) {
    const ms: Record<string, number | string> = {};
    for (const b of BACKENDS) ms[b] = await on(b, `op:${name}`);
    console.log(
      `| ${name} | ${cell(ms.blas)} | ${cell(ms.cpu)} | ${cell(ms.wasm)} | ` +
        `${ratio(num(ms.cpu), num(ms.blas))} | ${ratio(num(ms.wasm), num(ms.blas))} |`,
    );
  }
}

function trainStep(size: number): () => void {
  const step = tfjsAdamStep(adaptedResnetBatch(size, WIDTH, BATCH));
  return () => step().dispose();
}

async function stepRows(): Promise<void> {
  console.log(
    `\n## Training step: quadratic-adapted ResNet-18-style (width ${WIDTH}), batch ${BATCH} ` +
      `(median ms; ratios vs blas)\n`,
  );
  console.log("| input | blas | cpu | wasm | PyTorch CPU | cpu/blas | wasm/blas | torch/blas |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const size of quick ? [16] : [32, 64]) {
    const ms: Record<string, number | string> = {};
    for (const b of BACKENDS) ms[b] = await on(b, `step:${size}`);
    ms.torch = await torchStep(WIDTH, size, BATCH, quick ? 2 : 5);
    console.log(
      `| ${size}×${size} | ${cell(ms.blas)} | ${cell(ms.cpu)} | ${cell(ms.wasm)} | ${
        cell(ms.torch)
      } | ` +
        `${ratio(num(ms.cpu), num(ms.blas))} | ${ratio(num(ms.wasm), num(ms.blas))} | ` +
        `${ratio(num(ms.torch), num(ms.blas))} |`,
    );
  }
}

/** Child-process mode: measure one cell and print its milliseconds. */
async function runCell(spec: string): Promise<void> {
  const [backend, kind, ...rest] = spec.split(":");
  await selectBackend(backend, { quiet: true });
  const what = rest.join(":");
  if (kind === "op") {
    const f = opCases()[what];
    console.log(timeMs(() => f().dispose(), backend === "blas" ? 5 : 2));
  } else {
    const step = trainStep(Number(what));
    console.log(timeMs(step, backend === "blas" ? 3 : 1));
  }
}

if (cellArg) {
  await runCell(cellArg);
} else {
  console.log(`# deno task bench${quick ? " --quick" : ""} (${new Date().toISOString()})`);
  await gemmRows();
  await opRows();
  await stepRows();
}
