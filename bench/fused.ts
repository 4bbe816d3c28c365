/**
 * Bench: the fused kernels (issue #14), side by side in one run.
 *
 * 1. Kernels per training step (from `tf.profile`) of the quadratic-adapted
 *    ResNet-18-style network: tfjs' own Adam + loss (the old bench step),
 *    the training loop's step with fused kernels off (`QUADRANET_FUSED=0`)
 *    and on.
 * 2. Step time on `blas`, fused off vs on, on with one OpenBLAS thread, the
 *    same without the output buffer pool, vs PyTorch CPU (its default
 *    threads), at 32×32 and 64×64 (width 32, batch 32).
 * 3. Inference latency and throughput: base model vs adapted (fused off) vs
 *    adapted (fused on, W|U|V in one GEMM), interleaved in one process.
 *
 *     deno task bench [--quick]
 *     deno run -A bench/fused.ts [--quick] [--reps=N] [--part=kernels|step|infer]
 * @module
 */
import { adapt, selectBackend, setFusedOps, tf } from "@quadranet/core";
import "@quadranet/backend-blas";
import process from "node:process";
import { adaptedResnetBatch, loopStep, resnet18Style, tfjsAdamStep } from "./resnet_style.ts";
import { cellNumber, num, spawnCell, torchStepDetail } from "./cells.ts";
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
  if (kind === "tfjs") {
    const step = tfjsAdamStep(b);
    return () => step().dispose();
  }
  return loopStep(b);
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
    console.log(JSON.stringify(inference(size)));
  }
}

/**
 * Inference of the base model, the adapted model with fused kernels off and
 * on, interleaved in one process (one pass of each per round, so a load
 * change hits all three alike): the median wall ms of each, then the median
 * process CPU ms of each (user + system: what the pass cost, less sensitive
 * to other processes than wall time when BLAS runs on one thread).
 */
function inference(size: number): number[] {
  const x = tf.randomNormal([BATCH, size, size, 3], 0, 1, "float32", 5);
  const base = model(size, false), adapted = model(size, true);
  const arms: [tf.LayersModel, boolean][] = [[base, true], [adapted, false], [adapted, true]];
  const wall: number[][] = arms.map(() => []), cpu: number[][] = arms.map(() => []);
  for (let round = 0; round <= (quick ? 2 : 7); round++) {
    arms.forEach(([m, fused], i) => {
      setFusedOps(fused);
      const t = performance.now(), c = process.cpuUsage();
      (m.predict(x) as tf.Tensor).dispose();
      const used = process.cpuUsage(c);
      if (round === 0) return; // warm-up
      wall[i].push(performance.now() - t);
      cpu[i].push((used.user + used.system) / 1000);
    });
  }
  const median = (ts: number[]) => ts.sort((a, b) => a - b)[ts.length >> 1];
  return [...wall.map(median), ...cpu.map(median)];
}

/** Runs one cell in a child process (with extra environment `env`): its output. */
function spawn(spec: string, env: Record<string, string> = {}) {
  return spawnCell(
    import.meta.url,
    ["--allow-read", "--allow-env", "--allow-sys", "--allow-ffi"],
    [`--cell=${spec}`, ...Deno.args.filter((a) => a === "--quick" || a.startsWith("--reps="))],
    CELL_TIMEOUT_S,
    env,
  );
}

async function on(spec: string, env: Record<string, string> = {}): Promise<number | string> {
  const out = await spawn(spec, env);
  return cellNumber(out, CELL_TIMEOUT_S, (err) => `failed: ${err.slice(0, 60)}`);
}

/** A cell printing a JSON array of numbers: the numbers, or why not. */
async function onRow(spec: string, env: Record<string, string> = {}): Promise<number[] | string> {
  const out = await spawn(spec, env);
  if (out.success && out.stdout.startsWith("[")) return JSON.parse(out.stdout) as number[];
  return cellNumber(out, CELL_TIMEOUT_S, (err) => `failed: ${err.slice(0, 60)}`) as string;
}

const POOL_OFF = "QUADRANET_BLAS_POOL_MB=0";
const sizes = quick ? [16] : [32, 64];
/** `--part=kernels|step|infer`: only that table (default: all three). */
const part = Deno.args.find((a) => a.startsWith("--part="))?.slice(7);
const wants = (p: string) => part === undefined || part === p;
/** Inference runs BLAS on one thread, so that its CPU time is the work done, not spinning. */
const inferEnv = { OPENBLAS_NUM_THREADS: "1" };

async function main(): Promise<void> {
  console.log(`\n## Fused kernels (blas): kernels per step, step time, inference\n`);
  console.log(
    `Quadratic-adapted ResNet-18-style network (width ${WIDTH}, rank 8, BatchNorm in ` +
      `training mode); "off" = \`QUADRANET_FUSED=0\` (the composite of tfjs ops).\n`,
  );
  if (wants("kernels")) await kernelsTable();
  if (wants("step")) await stepTable();
  if (wants("infer")) await inferenceTable();
  const load = await Deno.readTextFile("/proc/loadavg").catch(() => "unknown");
  console.log(
    `\nLoad average at the end (1, 5, 15 min): ${load.split(" ").slice(0, 3).join(", ")}`,
  );
}

async function kernelsTable(): Promise<void> {
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
}

async function stepTable(): Promise<void> {
  console.log(
    `\nTraining step, batch ${BATCH} (median ms; ratios: higher is better for blas fused; ` +
      `"1 thread" = \`OPENBLAS_NUM_THREADS=1\`, "pool off" = \`${POOL_OFF}\`)\n`,
  );
  console.log(
    "| input | blas fused off | blas fused on | on, 1 BLAS thread | on, 1 thread, pool off | " +
      "PyTorch CPU | off/on | pool off/on (1 thread) | torch/on (goal ≥ 0.5) | torch/(on, 1 thread) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  const one = { OPENBLAS_NUM_THREADS: "1" };
  for (const s of sizes) {
    const off = await on(`step:${s}:off`), fon = await on(`step:${s}:on`);
    const single = await on(`step:${s}:on`, one);
    const noPool = await on(`step:${s}:on`, { ...one, QUADRANET_BLAS_POOL_MB: "0" });
    const torch = await torchStepDetail(WIDTH, s, BATCH, quick ? 2 : 5);
    console.log(
      `| ${s}×${s} | ${cell(off)} | ${cell(fon)} | ${cell(single)} | ${cell(noPool)} | ` +
        `${cell(torch.ms)} (${torch.threads} thread${torch.threads === 1 ? "" : "s"}) | ` +
        `${ratio(num(off), num(fon))} | ${ratio(num(noPool), num(single))} | ` +
        `${ratio(num(torch.ms), num(fon))} | ${ratio(num(torch.ms), num(single))} |`,
    );
  }
}

async function inferenceTable(): Promise<void> {
  console.log(
    `\nInference, batch ${BATCH}, one BLAS thread (median ms of rounds interleaving the three ` +
      `in one process; images/s; goal: adapted-fused ≤ 1.2× base)\n`,
  );
  console.log(
    "| input | base | adapted (fused off) | adapted (fused on) | adapted/base | fused/base | " +
      "img/s base / fused | CPU ms base / fused | CPU fused/base |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const s of sizes) {
    const r = await onRow(`infer:${s}:on`, inferEnv);
    const [base, off, fon, cpuBase, , cpuOn] = typeof r === "string" ? Array(6).fill(r) : r;
    const ips = (ms: number | string) =>
      typeof ms === "number" ? (BATCH * 1000 / ms).toFixed(0) : "–";
    console.log(
      `| ${s}×${s} | ${cell(base)} | ${cell(off)} | ${cell(fon)} | ${
        ratio(num(off), num(base))
      } | ` +
        `${ratio(num(fon), num(base))} | ${ips(base)} / ${ips(fon)} | ` +
        `${cell(cpuBase)} / ${cell(cpuOn)} | ${ratio(num(cpuOn), num(cpuBase))} |`,
    );
  }
}

if (cellArg) await runCell(cellArg);
else await main();
