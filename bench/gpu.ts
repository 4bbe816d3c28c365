/**
 * `deno task bench --gpu`: the `cuda` backend on one GPU machine, side by side
 * in one run (issue #17's table):
 *
 * 1. GEMM through `tf.matMul` on `cuda` vs raw `cublasSgemmStridedBatched`
 *    on the same buffers (raw/op, goal ≥ 0.9), FP32;
 * 2. a 3×3 convolution forward / backward-input / backward-filter on `cuda`
 *    vs PyTorch CUDA (bench/torch_conv.py);
 * 3. one training step of the quadratic-adapted ResNet-18-style network at
 *    32²/w32/b32, 64²/w64/b64, 128²/w64/b64 on `cuda` vs PyTorch CUDA
 *    (bench/torch_step.py … cuda) vs `webgpu`, with kernels launched and
 *    cpu fallbacks per step (what dominates what is left).
 *
 * Each cell runs in a child process with a time limit, so one failure or a
 * slow backend leaves the rest of the table. Timings synchronise the device.
 *
 *     deno task bench --gpu [--quick]
 * @module
 */
import { selectBackend, tf } from "@quadranet/core";
import { cudaFallbacks, cudaRuntime, gemmPlan } from "@quadranet/backend-cuda";
import "@quadranet/backend-webgpu";
import { adaptedResnetBatch, tfjsAdamStep } from "./resnet_style.ts";
import { errorLine, num, spawnCell } from "./cells.ts";
import { cell, ratio } from "./timing.ts";

const quick = Deno.args.includes("--quick");
const cellArg = Deno.args.find((a) => a.startsWith("--cell="))?.slice(7);
const CELL_TIMEOUT_S = quick ? 60 : 90;
const STEPS: [number, number, number][] = quick
  ? [[32, 32, 32]]
  : [[32, 32, 32], [64, 64, 64], [128, 64, 64]];
const REPS = quick ? 3 : 10;

/** Median ms of `f` with the device synchronised around each run (after warm-ups). */
async function timeSynced(
  f: () => void,
  reps: number,
  sync: () => Promise<void> | void,
  warm = 2,
): Promise<number> {
  for (let i = 0; i < warm; i++) f();
  await sync();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    await sync();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** One training step; returns the loss (the caller disposes it). */
function trainStep(size: number, width: number, batch: number): () => tf.Scalar {
  return tfjsAdamStep(adaptedResnetBatch(size, width, batch));
}

/** Child-process mode: one measurement, printed as JSON. */
async function runCell(spec: string): Promise<void> {
  const [backend, kind, ...rest] = spec.split(":");
  await selectBackend(backend, { quiet: true });
  const rt = cudaRuntime();
  // webgpu: wait for the queue by reading one value back (Deno has no sync read)
  let probe: tf.Tensor | undefined;
  const sync = backend === "cuda"
    ? () => rt!.synchronize()
    : async () => void (await probe?.data());
  if (kind === "gemm") {
    const n = Number(rest[0]);
    const a = tf.randomNormal([n, n], 0, 1, "float32", 1),
      b = tf.randomNormal([n, n], 0, 1, "float32", 2);
    const op = await timeSynced(
      () => (probe?.dispose(), probe = tf.matMul(a, b), undefined),
      REPS,
      sync,
    );
    let raw: number | undefined;
    if (rt) {
      const ptr = (t: tf.Tensor) =>
        (tf.backend() as unknown as { ptr(t: tf.TensorInfo): bigint }).ptr(t);
      const c = tf.zeros([n, n]);
      const plan = gemmPlan({
        batchA: 1,
        batchB: 1,
        m: n,
        n,
        k: n,
        transposeA: false,
        transposeB: false,
      });
      raw = await timeSynced(() => rt.gemm(plan, ptr(a), ptr(b), ptr(c)), REPS, sync);
    }
    console.log(JSON.stringify({ op, raw }));
  } else if (kind === "conv") {
    const [batch, size, cin, cout, stride] = rest.map(Number);
    const x = tf.randomNormal([batch, size, size, cin], 0, 1, "float32", 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, cin, cout], 0, 1, "float32", 2) as tf.Tensor4D;
    const y = tf.conv2d(x, w, stride, "same");
    const dy = tf.randomNormal(y.shape, 0, 1, "float32", 3) as tf.Tensor4D;
    const k = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () =>
      (tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dispose();
    const attrs = { strides: stride, pad: "same", dataFormat: "NHWC", dimRoundingMode: undefined };
    console.log(JSON.stringify({
      forward: await timeSynced(() => tf.conv2d(x, w, stride, "same").dispose(), REPS, sync),
      backward_input: await timeSynced(
        k("Conv2DBackpropInput", { dy, filter: w }, { ...attrs, inputShape: x.shape }),
        REPS,
        sync,
      ),
      backward_filter: await timeSynced(
        k("Conv2DBackpropFilter", { x, dy }, { ...attrs, filterShape: w.shape }),
        REPS,
        sync,
      ),
    }));
  } else {
    const [size, width, batch] = rest.map(Number);
    const makeStep = trainStep(size, width, batch);
    // keep the last loss: reading it back waits for the step's queued GPU work
    const step = () => (probe?.dispose(), probe = makeStep(), undefined);
    if (backend === "webgpu") {
      const ms = await timeSynced(step, 1, sync, 1);
      console.log(JSON.stringify({ ms }));
      return;
    }
    step();
    await sync();
    const launches0 = rt?.launches ?? 0, fallbacks0 = cudaFallbacks()?.total() ?? 0;
    step();
    await sync();
    const perStep = {
      kernels: (rt?.launches ?? 0) - launches0,
      fallbacks: (cudaFallbacks()?.total() ?? 0) - fallbacks0,
    };
    const ms = await timeSynced(step, quick ? 2 : 5, sync);
    console.log(JSON.stringify({ ms, ...perStep, fallbackList: cudaFallbacks()?.summary() ?? "" }));
  }
}

/** Runs a cell in a child process; the parsed JSON, or the reason it has none. */
async function child(spec: string): Promise<Record<string, unknown> | string> {
  const out = await spawnCell(
    import.meta.url,
    [
      "-A",
      "--unstable-webgpu",
      ...(Deno.env.get("QN_NODE_MODULES_MANUAL") ? ["--node-modules-dir=manual"] : []),
    ],
    [`--cell=${spec}`, ...(quick ? ["--quick"] : [])],
    CELL_TIMEOUT_S,
  );
  const text = out.stdout.split("\n").pop() ?? "";
  if (out.success && text.startsWith("{")) return JSON.parse(text);
  if (out.timedOut) return `> ${CELL_TIMEOUT_S} s`;
  const lines = out.stderr.split("\n");
  const why =
    lines.find((l) => /unavailable: /.test(l))?.replace(/.*unavailable: /, "unavailable: ") ??
      (errorLine(out.stderr).replace(/.*?rror:?\s*/, "failed: ") || "failed");
  return why.slice(0, 70);
}

async function python(script: string, args: string[]): Promise<Record<string, number> | string> {
  try {
    const out = await new Deno.Command("python3", {
      args: [new URL(script, import.meta.url).pathname, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.success) return JSON.parse(new TextDecoder().decode(out.stdout));
    return `failed: ${new TextDecoder().decode(out.stderr).trim().split("\n").pop()?.slice(0, 60)}`;
  } catch {
    return "skipped: no python3 with torch";
  }
}

const field = (
  r: Record<string, unknown> | string,
  k: string,
) => (typeof r === "string" ? r : (r[k] as number | undefined));

async function main(): Promise<void> {
  console.log(`# deno task bench --gpu${quick ? " --quick" : ""} (${new Date().toISOString()})`);
  const info = await child("cuda:gemm:256");
  // Without the backend, its cells say so once instead of each failing slowly.
  const cudaCell = (
    spec: string,
  ) => (typeof info === "string" ? Promise.resolve("–") : child(spec));
  if (typeof info === "string") console.log(`\ncuda backend: ${info}`);

  console.log(
    "\n## GEMM, FP32: tf.matMul on cuda vs raw cublasSgemmStridedBatched (same buffers)\n",
  );
  console.log("| n | raw cuBLAS ms | tf.matMul (cuda) ms | raw/op (goal ≥ 0.9) | TFLOP/s (op) |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const n of quick ? [1024] : [1024, 2048, 4096]) {
    const r = await cudaCell(`cuda:gemm:${n}`);
    const op = num(field(r, "op")), raw = num(field(r, "raw"));
    console.log(
      `| ${n} | ${cell(field(r, "raw"))} | ${cell(field(r, "op"))} | ${ratio(raw, op)} | ${
        op ? (2 * n ** 3 / op / 1e9).toFixed(1) : "–"
      } |`,
    );
  }

  const conv: [number, number, number, number, number][] = [[32, 56, 64, 64, 1], [
    32,
    28,
    128,
    128,
    1,
  ], [32, 56, 64, 128, 2]];
  console.log(
    "\n## 3×3 convolution, FP32 NHWC: cuda vs PyTorch CUDA (median ms; ratio torch/cuda, 1.0 = parity)\n",
  );
  console.log("| batch, size, cin→cout, stride | pass | cuda | PyTorch | torch/cuda |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const c of quick ? conv.slice(0, 1) : conv) {
    const ours = await cudaCell(`cuda:conv:${c.join(":")}`);
    const torch = await python("./torch_conv.py", [...c.map(String), String(REPS)]);
    for (const pass of ["forward", "backward_input", "backward_filter"]) {
      const a = field(ours, pass), t = field(torch as Record<string, unknown>, pass);
      console.log(
        `| ${c[0]}, ${c[1]}², ${c[2]}→${c[3]}, s${c[4]} | ${pass} | ${cell(a)} | ${cell(t)} | ${
          ratio(num(t), num(a))
        } |`,
      );
    }
  }

  console.log(
    "\n## Training step, quadratic-adapted ResNet-18-style, FP32 (median ms; torch/cuda = fraction of PyTorch's throughput)\n",
  );
  console.log(
    "| input, width, batch | cuda | PyTorch CUDA | webgpu | torch/cuda | kernels/step | cpu fallbacks/step |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  const lists: string[] = [];
  for (const [size, width, batch] of STEPS) {
    const ours = await cudaCell(`cuda:step:${size}:${width}:${batch}`);
    const torch = await python("./torch_step.py", [
      String(width),
      String(size),
      String(batch),
      String(REPS),
      "cuda",
    ]);
    // webgpu only at the smallest size: ≈ 4 s a step there already (issue #17), minutes above
    const wg = size === STEPS[0][0]
      ? await child(`webgpu:step:${size}:${width}:${batch}`)
      : "not run";
    const a = field(ours, "ms"), t = field(torch as Record<string, unknown>, "ms");
    console.log(
      `| ${size}², w${width}, b${batch} | ${cell(a)} | ${cell(t)} | ${cell(field(wg, "ms"))} | ${
        ratio(num(t), num(a))
      } | ${cell(field(ours, "kernels"))} | ${cell(field(ours, "fallbacks"))} |`,
    );
    if (typeof ours !== "string" && ours.fallbackList) lists.push(`${size}²: ${ours.fallbackList}`);
  }
  if (lists.length) {
    console.log(
      `\ncpu fallbacks (cumulative per process, first step included):\n${lists.join("\n")}`,
    );
  }
}

if (cellArg) await runCell(cellArg);
else await main();
