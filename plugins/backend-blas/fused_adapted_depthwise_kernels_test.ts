import assert from "node:assert/strict";
import { adapt, adaptedDepthwiseConv2d, type AdaptedDepthwiseSettings, tf } from "@quadranet/core";
import {
  blasTest,
  checkFiniteDifferences,
  fusedVsComposite,
  relErr,
  run,
} from "./fused_testing.ts";
import { BLAS_BACKEND } from "./mod.ts";

const seeded = (shape: number[], s: number) => tf.randomNormal(shape, 0, 1, "float32", s);

// [input, primary k, depth multiplier m, U/V size q, r, settings]:
// batch 1 with odd sizes; 7×7 primary with the default atrous 3×3·d3 U/V
// (ConvNeXt's mixer); stride 2 on odd sizes; valid padding with 2×2 U/V on a
// 3×3 primary (window centred with an odd offset); a dilated primary with U/V
// wider than it (U/V reading outside the primary's window).
const CASES: [number[], number, number, number, number, AdaptedDepthwiseSettings][] = [
  [[1, 5, 5, 3], 3, 1, 3, 2, { scale: 0.5, strides: [1, 1], pad: "same" }],
  [[2, 9, 8, 2], 7, 1, 3, 3, { scale: 1, strides: [1, 1], pad: "same", uvDilations: [3, 3] }],
  [[2, 7, 6, 3], 3, 2, 3, 2, { scale: 2, strides: [2, 2], pad: "same" }],
  [[3, 5, 4, 2], 3, 2, 2, 1, { scale: 0.25, strides: [1, 1], pad: "valid", uvDilations: [2, 2] }],
  [[1, 7, 7, 2], 3, 1, 3, 2, {
    scale: 1,
    strides: [1, 1],
    pad: "same",
    dilations: [2, 2],
    uvDilations: [3, 3],
  }],
];

for (const [xs, k, m, q, r, s] of CASES) {
  const c = xs[3];
  const make = () => [
    seeded(xs, 1),
    seeded([k, k, c, m], 2),
    seeded([q, q, c, r], 3),
    seeded([q, q, c, r], 4),
    seeded([c, r, m], 5),
    seeded([c * m], 6),
  ];
  for (const recompute of [false, true]) {
    for (const withBias of [false, true]) {
      const st = { ...s, recompute };
      const what = `adaptedDepthwiseConv2d x [${xs}] ${k}×${k}·d${s.dilations?.[0] ?? 1} m ${m} ` +
        `U/V ${q}×${q}·d${s.uvDilations?.[0] ?? 1} r ${r} ${s.pad} stride ${s.strides[0]}` +
        (recompute ? " recompute" : " autodiff") + (withBias ? " + bias" : "");
      const n = withBias ? 6 : 5;
      const op = (t: tf.Tensor[]) =>
        adaptedDepthwiseConv2d(t[0], t[1], t[2], t[3], t[4], st, withBias ? t[5] : undefined);
      const loss = (t: tf.Tensor[], w: tf.Tensor) => tf.sum(tf.mul(op(t), w)) as tf.Scalar;
      blasTest(`${what}: fused equals composite, output and all gradients`, async () => {
        await fusedVsComposite(what, () => {
          const t = make();
          const y = op(t);
          const w = seeded(y.shape, 7);
          return [y, ...tf.grads((...a: tf.Tensor[]) => loss(a, w))(t.slice(0, n))];
        }, 2e-5);
      });
      if (withBias) continue; // the bias gradient is Σ dy: the composite check covers it
      blasTest(`${what}: gradients match finite differences`, async () => {
        await tf.setBackend(BLAS_BACKEND);
        const t = make();
        const w = seeded(op(t).shape, 7);
        await checkFiniteDifferences(what, (a) => loss(a, w), t.slice(0, n), 1e-2);
      });
    }
  }
}

// A ConvNeXt-style mixer: 7×7 depthwise, adapted with the default U/V (3×3, dilation 3).
function mixer(backprop: string) {
  const input = tf.input({ shape: [9, 9, 3] });
  const dw = tf.layers.depthwiseConv2d({ kernelSize: 7, padding: "same", depthMultiplier: 2 });
  const head = tf.layers.dense({ units: 2 });
  const base = tf.model({
    inputs: input,
    outputs: head.apply(dw.apply(input)) as tf.SymbolicTensor,
  });
  const model = adapt(base, { rank: 2, backprop, targets: /depthwise/ });
  for (const w of model.weights) w.write(seeded(w.shape as number[], 40 + w.name.length));
  return model;
}

for (const backprop of ["autodiff", "recompute"]) {
  blasTest(
    `adapted depthwise model, backprop ${backprop}: a fused training step equals the layer's own ops`,
    async () => {
      if (backprop === "recompute") await import("@quadranet/memory-efficient");
      const step = () => {
        const model = mixer(backprop);
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const x = seeded([2, 9, 9, 3], 9);
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
          vars,
        );
        return [value, model.predict(x) as tf.Tensor, ...vars.map((v) => grads[v.name])];
      };
      const fused = await run(BLAS_BACKEND, true, step);
      const composite = await run("cpu", false, step);
      assert.equal(fused.length, 5, "loss, prediction and the gradients of U, V, P");
      fused.forEach((d, i) => {
        const e = relErr(d, composite[i]);
        assert.ok(e < 1e-4, `output ${i}: relative error ${e}`);
      });
    },
  );
}

blasTest(
  "recompute keeps no [B, H, W, c·r] tensor: the depthwise step runs the fused kernels only",
  async () => {
    await import("@quadranet/memory-efficient");
    await tf.setBackend(BLAS_BACKEND);
    try {
      const peak = async (backprop: string) => {
        const model = mixer(backprop);
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const x = seeded([4, 9, 9, 3], 9);
        const before = tf.memory().numBytes;
        const info = await tf.profile(() =>
          tf.dispose(
            tf.variableGrads(
              () => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
              vars,
            ).grads,
          )
        );
        const names = info.kernels.map((k) => k.name);
        assert.ok(names.includes("QnAdaptedDepthwiseConv2D"), names.join(", "));
        assert.ok(names.includes("QnAdaptedDepthwiseConv2DGrad"), names.join(", "));
        // Every other kernel is the head's, the loss's or the weights': no c·m·r-wide tensor
        // (autodiff's only one is the saved [Ux | Vx], registered by tfjs' Identity).
        const wide = info.kernels.filter((k) =>
          !k.name.startsWith("Qn") && k.outputShapes.some((s) => s.at(-1) === 3 * 2 * 2)
        ).map((k) => `${k.name} [${k.outputShapes[0]}]`);
        assert.deepEqual(wide, backprop === "recompute" ? [] : ["Identity [4,9,9,12]"]);
        tf.dispose(x);
        return info.peakBytes - before;
      };
      const a = await peak("autodiff"), r = await peak("recompute");
      // autodiff holds [Ux | Vx] (4·9·9·12 floats = 15,552 bytes) from the forward pass to the
      // end of the backward pass, where both peaks are (tfjs holds every gradient until then).
      assert.equal(a - r, 15_552, `autodiff peak ${a} B, recompute ${r} B`);
    } finally {
      await tf.setBackend("cpu");
    }
  },
);
