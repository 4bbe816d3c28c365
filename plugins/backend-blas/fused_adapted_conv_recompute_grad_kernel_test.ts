import assert from "node:assert/strict";
import { adaptedConv2d, type AdaptedConvSettings, FUSED, tf } from "@quadranet/core";
import { blasTest, checkFiniteDifferences, relErr } from "./fused_testing.ts";
import { adaptedConv2dRecomputeGradKernel } from "./fused_adapted_conv_recompute_grad_kernel.ts";
import { BLAS_BACKEND, openBlas } from "./mod.ts";
import type { KernelFn } from "./kernel_util.ts";

const seeded = (shape: number[], s: number) => tf.randomNormal(shape, 0, 1, "float32", s);

// [input, filter k, c, r, settings]: batch 1 odd size; stride 2 on odd sizes; valid 2×2.
const CASES: [number[], number, number, number, AdaptedConvSettings][] = [
  [[1, 5, 5, 3], 3, 4, 2, { scale: 0.5, strides: [1, 1], pad: "same" }],
  [[3, 7, 6, 3], 3, 5, 3, { scale: 1, strides: [2, 2], pad: "same" }],
  [[3, 5, 4, 2], 2, 3, 2, { scale: 0.25, strides: [1, 1], pad: "valid" }],
];

for (const [xs, k, c, r, s] of CASES) {
  // chunks of one image (the weight gradients then accumulate over chunks) and of the whole batch
  for (const chunkFloats of [1, 1 << 22]) {
    const what = `QnAdaptedConv2DRecomputeGrad x [${xs}] ${k}×${k} c ${c} r ${r} ${s.pad} ` +
      `stride ${s.strides[0]}, ${chunkFloats === 1 ? "one image per chunk" : "one chunk"}`;
    blasTest(`${what}: equals the epilogue kernel + U|V filter gradient on a kept uv`, async () => {
      await tf.setBackend(BLAS_BACKEND);
      try {
        const t = {
          x: seeded(xs, 1),
          u: seeded([k, k, xs[3], r], 3),
          v: seeded([k, k, xs[3], r], 4),
          p: seeded([r, c], 5),
        };
        const conv = { strides: s.strides, pad: s.pad, dataFormat: "NHWC", dilations: 1 };
        const uv = tf.conv2d(
          t.x as tf.Tensor4D,
          tf.concat([t.u, t.v], 3) as tf.Tensor4D,
          s.strides,
          s.pad,
        );
        const dy = seeded([...uv.shape.slice(0, 3), c], 7);
        const [dyAll, duv, dp] = tf.engine().runKernel(FUSED.quadResidualGrad, { dy, uv, p: t.p }, {
          scale: s.scale,
        }) as tf.Tensor[];
        const duvFilter = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: t.x, dy: duv }, {
          ...conv,
          filterShape: [k, k, xs[3], 2 * r],
        }) as tf.Tensor;
        const kernel = adaptedConv2dRecomputeGradKernel(openBlas(), chunkFloats) as KernelFn;
        const backend = tf.backend() as never;
        const info = (x: tf.Tensor) => ({ dataId: x.dataId, shape: x.shape, dtype: x.dtype });
        const outs = kernel({
          inputs: { dy: info(dy), x: info(t.x), u: info(t.u), v: info(t.v), p: info(t.p) },
          backend,
          attrs: { scale: s.scale, strides: s.strides, pad: s.pad },
        }) as tf.TensorInfo[];
        const got = outs.map((o) => tf.engine().makeTensorFromTensorInfo(o));
        [dyAll, duvFilter, dp].forEach((want, i) => {
          assert.deepEqual(got[i].shape, want.shape, `${what}: output ${i} shape`);
          const e = relErr(got[i].dataSync() as Float32Array, want.dataSync() as Float32Array);
          assert.ok(e < 1e-5, `${what}: output ${i} differs by ${e}`);
        });
        tf.dispose([...got, dyAll, duv, dp, duvFilter, uv, dy, ...Object.values(t)]);
      } finally {
        await tf.setBackend("cpu");
      }
    });
  }
  blasTest(
    `adaptedConv2d recompute x [${xs}] ${k}×${k}: gradients match finite differences`,
    async () => {
      await tf.setBackend(BLAS_BACKEND);
      const t = [seeded(xs, 1), seeded([k, k, xs[3], c], 2), seeded([k, k, xs[3], r], 3)];
      t.push(seeded([k, k, xs[3], r], 4), seeded([r, c], 5));
      const rs = { ...s, recompute: true };
      const w = seeded(adaptedConv2d(t[0], t[1], t[2], t[3], t[4], rs).shape, 7);
      await checkFiniteDifferences(
        `adaptedConv2d recompute x [${xs}]`,
        (a) => tf.sum(tf.mul(adaptedConv2d(a[0], a[1], a[2], a[3], a[4], rs), w)) as tf.Scalar,
        t,
        1e-2,
      );
    },
  );
}

blasTest(
  "a recompute step runs QnAdaptedConv2DRecomputeGrad, with no uv-sized Conv2D",
  async () => {
    await tf.setBackend(BLAS_BACKEND);
    try {
      const x = seeded([2, 6, 6, 3], 1);
      const ws = [seeded([3, 3, 3, 4], 2), seeded([3, 3, 3, 2], 3), seeded([3, 3, 3, 2], 4)];
      const p = seeded([2, 4], 5);
      const s = {
        scale: 1,
        strides: [1, 1] as [number, number],
        pad: "same" as const,
        recompute: true,
      };
      const info = await tf.profile(() =>
        tf.dispose(
          tf.grads((u: tf.Tensor, v: tf.Tensor, q: tf.Tensor) =>
            tf.sum(adaptedConv2d(x, ws[0], u, v, q, s))
          )([ws[1], ws[2], p]),
        )
      );
      const names = info.kernels.map((k) => k.name);
      assert.ok(names.includes("QnAdaptedConv2DRecomputeGrad"), names.join(", "));
      assert.ok(
        !names.includes("Conv2D"),
        `uv is not recomputed by a separate conv: ${names.join(", ")}`,
      );
    } finally {
      await tf.setBackend("cpu");
    }
  },
);
