/**
 * The `cuda` backend against tfjs' cpu backend. On a machine without an
 * NVIDIA GPU and CUDA libraries (CI) only the selection test runs and the
 * others are skipped with one line; on the GPU machine
 * (bench/gpu/run_device_checks.sh, QUADRANET_REQUIRE_CUDA=1) they all run.
 *
 * Tolerances (TF32 off, FP32 everywhere): ops within 1e-4 of their largest
 * magnitude (cuBLAS/cuDNN sum in other orders than the cpu loops); the
 * training step's loss within 1e-4 absolute and each gradient within 1e-3 of
 * its largest entry.
 */
import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import {
  adaptedCnnStep,
  assertMatchesCpu,
  assertStepMatchesCpu,
  availableForTests,
} from "@quadranet/core/testing";
import { cudaFallbacks, registerCudaBackend } from "./backend.ts";
import "./mod.ts";

Deno.test("without a GPU, automatic selection says why once and goes on to the next backend", async () => {
  const code = `
    import { selectBackend } from "@quadranet/core";
    import "@quadranet/backend-cuda";
    const a = await selectBackend("auto");
    const b = await selectBackend("auto");
    console.log("CHOSEN=" + a.name + "," + b.name);`;
  const out = await new Deno.Command(Deno.execPath(), {
    // the device bundle has no registry: reuse its node_modules as the device script does
    args: [
      "eval",
      ...(Deno.env.get("QN_NODE_MODULES_MANUAL") ? ["--node-modules-dir=manual"] : []),
      "--ext=ts",
      code,
    ],
    env: { QUADRANET_CUDA_LIB_DIR: "/nonexistent", LD_LIBRARY_PATH: "", PATH: "/usr/bin:/bin" },
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout),
    stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  if (/CHOSEN=cuda/.test(stdout)) return; // a GPU machine whose driver/toolkit sit in default places
  assert.match(stdout, /CHOSEN=cpu,cpu/);
  assert.equal(stderr.match(/Backend "cuda" is unavailable/g)?.length, 1, stderr);
  // (CPU machines of this project carry a partial toolkit: libcudart but no cuBLAS/NVRTC)
  assert.match(stderr, /no (libcudart|libcublas)\.so\.13\/.*found.*QUADRANET_CUDA_LIB_DIR/);
});

const gpu = await availableForTests("CUDA GPU", "QUADRANET_REQUIRE_CUDA", registerCudaBackend);

const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);

/** Native kernels on the blas parity suite's edge shapes; run strict (no fallback allowed). */
const OPS: Record<string, () => tf.Tensor[]> = {
  "unary ops": () => {
    const x = r([3, 5, 7], 1);
    return [
      tf.relu(x),
      tf.relu6(tf.mul(x, 4)),
      tf.exp(x),
      tf.log(tf.add(tf.abs(x), 0.1)),
      tf.sqrt(tf.abs(x)),
      tf.rsqrt(tf.add(tf.abs(x), 0.5)),
      tf.square(x),
      tf.abs(x),
      tf.sigmoid(x),
      tf.tanh(x),
      tf.neg(x),
      tf.step(x, 0.2),
    ];
  },
  "broadcast binary ops": () => [
    tf.add(r([2, 3, 4], 2), r([4], 3)),
    tf.sub(r([4, 1, 3], 4), r([5, 1], 5)),
    tf.mul(r([2, 1, 4, 1], 6), r([1, 3, 1, 5], 7)),
    tf.div(r([3, 5, 5, 6], 8), tf.add(tf.abs(r([6], 9)), 0.5)),
    tf.maximum(r([7], 10), r([7], 11)),
    tf.minimum(r([3, 4], 12), r([1, 4], 13)),
    tf.squaredDifference(r([8, 6, 6, 16], 14), r([8, 1, 1, 16], 15)),
  ],
  "reductions over any axes": () => {
    const x = r([4, 5, 5, 3], 16);
    return [
      tf.sum(x, [1, 2]),
      tf.mean(x, [0, 1, 2]),
      tf.max(x, 3),
      tf.min(x, 0, true),
      tf.sum(r([1000], 17)),
    ];
  },
  "transpose, slice, pad": () => {
    const x = r([3, 3, 4, 5], 18);
    return [
      tf.transpose(x, [3, 0, 1, 2]),
      tf.slice(x, [1, 0, 1, 2], [2, 3, 2, 3]),
      tf.pad(x, [[0, 0], [1, 2], [0, 1], [0, 0]], -1),
    ];
  },
  "matMul: transposes, batch broadcast, odd sizes": () => [
    tf.matMul(r([37, 53], 19), r([53, 29], 20)),
    tf.matMul(r([53, 37], 21), r([29, 53], 22), true, true),
    tf.matMul(r([3, 5, 4], 23), r([1, 4, 6], 24)),
    tf.matMul(r([64, 1], 25), r([1, 64], 26)),
  ],
  "conv2d forward and both gradients (stride 1/2, same/valid, dilation 2)": () => {
    const out: tf.Tensor[] = [];
    for (
      const [s, pad, d] of [[1, "same", 1], [2, "same", 1], [2, "valid", 1], [
        1,
        "same",
        2,
      ]] as const
    ) {
      const x = r([2, 8, 6, 5], 27) as tf.Tensor4D, w = r([3, 3, 5, 7], 28) as tf.Tensor4D;
      out.push(tf.conv2d(x, w, s, pad, "NHWC", d));
      if (d === 1) {
        out.push(
          ...tf.grads((a: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad)))
          )([x, w]),
        );
      }
    }
    return out;
  },
  "depthwise conv forward and gradients (multiplier 2)": () => {
    const x = r([2, 7, 7, 3], 29) as tf.Tensor4D, w = r([3, 3, 3, 2], 30) as tf.Tensor4D;
    return [
      tf.depthwiseConv2d(x, w, 2, "same"),
      ...tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same")))
      )([x, w]),
    ];
  },
  "pooling and the max-pool gradient; BatchNorm": () => {
    const x = r([2, 7, 6, 3], 31) as tf.Tensor4D;
    return [
      tf.maxPool(x, 3, 2, "same"),
      tf.avgPool(x, 2, 2, "valid"),
      tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, 3, 2, "same"))))(x),
      tf.batchNorm(x, r([3], 32), tf.add(tf.abs(r([3], 33)), 0.5), r([3], 34), r([3], 35), 1e-3),
    ];
  },
};

for (const [name, f] of Object.entries(OPS)) {
  Deno.test({
    name: `cuda matches cpu: ${name}`,
    ignore: !gpu.ok,
    fn: () =>
      assertMatchesCpu("cuda", f, 1e-4, name, () => {
        const ledger = cudaFallbacks()!;
        ledger.strict = !/gradient|grad/.test(name); // gradients also use generic ops (Cast, Fill...)
        return () => void (ledger.strict = false);
      }),
  });
}

Deno.test({
  name:
    "cuda matches cpu: one training step of an adapted CNN; the second step allocates nothing new",
  ignore: !gpu.ok,
  async fn() {
    const step = await adaptedCnnStep(r);
    const mallocCalls = () =>
      (tf.backend() as unknown as { allocator: { stats(): { mallocCalls: number } } })
        .allocator.stats().mallocCalls;
    let before = 0, after = -1;
    await assertStepMatchesCpu("cuda", step, {
      lossTol: 1e-4,
      gradTol: 1e-3,
      async onBackend() {
        before = mallocCalls();
        await step.on("cuda");
        after = mallocCalls();
      },
    });
    assert.equal(
      after,
      before,
      "the caching allocator served the second step",
    );
    console.log(cudaFallbacks()!.summary() || "no cpu fallbacks");
  },
});
