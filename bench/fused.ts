/**
 * Bench: the fused kernels (issue #14), side by side in one run.
 *
 * 1. Kernels per training step (from `tf.profile`) of the quadratic-adapted
 *    ResNet-18-style network: tfjs' own Adam + loss (the old bench step),
 *    the training loop's step with fused kernels off (`QUADRANET_FUSED=0`)
 *    and on.
 * 2. Step time on `blas`, fused off vs on, vs PyTorch CPU, at 32×32 and
 *    64×64 (width 32, batch 32).
 * 3. Inference latency and throughput: base model vs adapted (fused off) vs
 *    adapted (fused on, W|U|V in one GEMM).
 *
 *     deno task bench [--quick]
 *     deno run -A bench/fused.ts [--quick] [--reps=N]
 * @module
 */
import {
  adapt,
  Optimizer,
  selectBackend,
  setFusedOps,
  softmaxCrossEntropy,
  sumOfSquares,
  tf,
} from "@quadranet/core";
import "@quadranet/backend-blas";
import { adaptedResnetBatch, resnet18Style, tfjsAdamStep } from "./resnet_style.ts";
import { cellNumber, num, spawnCell, torchStep } from "./cells.ts";
import { cell, ratio, timeMs } from "./timing.ts";

const quick = Deno.args.includes("--quick");
const cellArg = Deno.args.find((a) => a.startsWith("--cell="))?.slice(7);
const WIDTH = quick ? 8 : 32;
const BATCH = quick ? 4 : 32;
const CELL_TIMEOUT_S = quick ? 60 : 600;
/** Timed training steps per cell after the warm-up (`--reps=N`; default 2). */
const REPS = Number(Deno.args.find((a) => a.startsWith("--reps="))?.slice(7) ?? (quick ? 1 : 2));

function model(size: number, adapted: boolean): tf.LayersModel {
  const base = resnet18Style({ size, width: WIDTH, classes: 10 });
  return adapted ? adapt(base, { rank: 8, targets: ["Conv2D"], exclude: ["stem"] }) : base;
}

/** One step as `deno task train` takes it (AdamW, label smoothing, clipping) or tfjs' Adam. */
function trainStep(size: number, batch: number, kind: "loop" | "tfjs"): () => void {
  const b = adaptedResnetBatch(size, WIDTH, batch);
  const { model: m, x, y } = b;
  if (kind === "tfjs") {
    const step = tfjsAdamStep(b);
    return () => step().dispose();
  }
  const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const params = vars.map((v) => ({ key: v.name, variable: v, decay: v.rank >= 2 }));
  const opt = new Optimizer({ kind: "adamw", weightDecay: 1e-4 });
  return () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => softmaxCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor, 0.1),
        vars,
      );
      value.dataSync();
      const norm = Math.sqrt(sumOfSquares(Object.values(grads)).dataSync()[0]);
      const byKey = Object.fromEntries(vars.map((v) => [v.name, grads[v.name]]));
      opt.apply(params, byKey, 1e-3, norm > 1 ? 1 / norm : 1);
    });
}

/** Child-process mode: one measurement, printed as a number. */
async function runCell(spec: string): Promise<void> {
  const [what, arg, fused] = spec.split(":");
  await selectBackend("blas", { quiet: true });
  setFusedOps(fused === "on");
  const size = Number(arg);
  if (what === "kernels" || what === "kernels-tfjs") {
    const step = trainStep(size, 2, what === "kernels" ? "loop" : "tfjs");
    step();
    console.log((await tf.profile(step)).kernels.length);
  } else if (what === "step") {
    console.log(timeMs(trainStep(size, BATCH, "loop"), REPS));
  } else {
    const m = model(size, what !== "base");
    const x = tf.randomNormal([BATCH, size, size, 3], 0, 1, "float32", 5);
    console.log(timeMs(() => (m.predict(x) as tf.Tensor).dispose(), quick ? 2 : 7));
  }
}

async function on(spec: string): Promise<number | string> {
  const out = await spawnCell(
    import.meta.url,
    ["--allow-read", "--allow-env", "--allow-sys", "--allow-ffi"],
    [`--cell=${spec}`, ...Deno.args.filter((a) => a === "--quick" || a.startsWith("--reps="))],
    CELL_TIMEOUT_S,
  );
  return cellNumber(out, CELL_TIMEOUT_S, (err) => `failed: ${err.slice(0, 60)}`);
}

const sizes = quick ? [16] : [32, 64];

async function main(): Promise<void> {
  console.log(`\n## Fused kernels (blas): kernels per step, step time, inference\n`);
  console.log(
    `Quadratic-adapted ResNet-18-style network (width ${WIDTH}, rank 8, BatchNorm in ` +
      `training mode); "off" = \`QUADRANET_FUSED=0\` (the composite of tfjs ops).\n`,
  );
  console.log("| step | kernels per training step (tf.profile) |");
  console.log("| --- | --- |");
  const k = {
    tfjs: await on(`kernels-tfjs:32:off`),
    off: await on(`kernels:32:off`),
    on: await on(`kernels:32:on`),
  };
  console.log(`| tfjs Adam + tf.losses (the backends bench's step) | ${k.tfjs} |`);
  console.log(`| training loop step (AdamW, smoothing, clipping), fused off | ${k.off} |`);
  console.log(
    `| training loop step, fused on | ${k.on} (${ratio(num(k.on), num(k.tfjs))} of tfjs Adam's) |`,
  );

  console.log(
    `\nTraining step, batch ${BATCH} (median ms; ratios: higher is better for blas fused)\n`,
  );
  console.log(
    "| input | blas fused off | blas fused on | PyTorch CPU | off/on | torch/on (goal ≥ 0.5) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const s of sizes) {
    const off = await on(`step:${s}:off`), fon = await on(`step:${s}:on`);
    const torch = await torchStep(WIDTH, s, BATCH, quick ? 2 : 5);
    console.log(
      `| ${s}×${s} | ${cell(off)} | ${cell(fon)} | ${cell(torch)} | ` +
        `${ratio(num(off), num(fon))} | ${ratio(num(torch), num(fon))} |`,
    );
  }

  console.log(
    `\nInference, batch ${BATCH} (median ms, images/s; goal: adapted-fused ≤ 1.2× base)\n`,
  );
  console.log(
    "| input | base | adapted (fused off) | adapted (fused on) | adapted/base | fused/base | img/s base / fused |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const s of sizes) {
    const base = await on(`base:${s}:on`);
    const off = await on(`adapted:${s}:off`), fon = await on(`adapted:${s}:on`);
    const ips = (ms: number | string) =>
      typeof ms === "number" ? (BATCH * 1000 / ms).toFixed(0) : "–";
    console.log(
      `| ${s}×${s} | ${cell(base)} | ${cell(off)} | ${cell(fon)} | ${
        ratio(num(off), num(base))
      } | ` +
        `${ratio(num(fon), num(base))} | ${ips(base)} / ${ips(fon)} |`,
    );
  }
}

if (cellArg) await runCell(cellArg);
else await main();
