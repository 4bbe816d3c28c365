/**
 * First thing the device script runs: opens the `cuda` backend and checks a
 * handful of results against the cpu backend, printing each step, so that a
 * failure later (tests, training, bench) has a short diagnosis in front of
 * it. Exits 1 on the first mismatch or error.
 *
 *     deno run -A bench/gpu/smoke.ts
 * @module
 */
import { selectBackend, tf } from "@quadranet/core";
import {
  cudaFallbacks,
  cudaRuntime,
  discoverCudaLibraries,
  formatDiscovery,
} from "@quadranet/backend-cuda";

const d = discoverCudaLibraries();
console.log(`discovery: ${formatDiscovery(d)}`);
for (const [k, v] of Object.entries(d.found)) console.log(`  ${k}: ${v!.path} (${v!.source})`);

const chosen = await selectBackend("cuda");
const rt = cudaRuntime()!;
console.log(`device: ${rt.deviceName} ${rt.arch}; cuDNN: ${rt.dnn ? "yes" : "no"}`);

async function check(name: string, f: () => tf.Tensor, tol = 1e-4): Promise<void> {
  await tf.setBackend("cpu");
  const want = await f().data();
  await tf.setBackend(chosen.tfjsName);
  const t0 = performance.now();
  const got = await f().data();
  let worst = 0, scale = 1e-6;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  const ok = got.length === want.length && worst <= tol * scale;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${name}: max |Δ| ${worst.toExponential(2)} (scale ${
      scale.toPrecision(3)
    }), ${(performance.now() - t0).toFixed(1)} ms`,
  );
  if (!ok) Deno.exit(1);
}

const r = (s: number[], seed: number) => tf.randomNormal(s, 0, 1, "float32", seed);
await check("upload/download", () => r([1000], 1));
await check("relu", () => tf.relu(r([1000], 2)));
await check("add with broadcast", () => tf.add(r([4, 5, 6], 3), r([6], 4)));
await check("sum over axis 1", () => tf.sum(r([4, 50, 6], 5), 1));
await check("matMul 37×53·53×29", () => tf.matMul(r([37, 53], 6), r([53, 29], 7)));
await check(
  "conv2d 3×3 stride 2 same",
  () => tf.conv2d(r([2, 8, 8, 4], 8) as tf.Tensor4D, r([3, 3, 4, 5], 9) as tf.Tensor4D, 2, "same"),
);
await check(
  "maxPool 3×3 stride 2",
  () => tf.maxPool(r([2, 7, 7, 3], 10) as tf.Tensor4D, 3, 2, "same"),
);
console.log(
  `kernel launches ${rt.launches}, compiled kernels ${rt.kernels.compiles}; ${
    cudaFallbacks()?.summary() || "no cpu fallbacks"
  }`,
);
