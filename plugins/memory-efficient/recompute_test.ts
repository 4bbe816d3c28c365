import assert from "node:assert/strict";
import { adapt, isRegistered, type KernelMethod, register, tf } from "@quadranet/core";
import { quadraticTerms } from "@quadranet/core/testing";
import "@quadranet/kernels";
import "./mod.ts";

const L = tf.layers;

const forms: [string, () => tf.LayersModel][] = [
  ["dense", () => tf.sequential({ layers: [L.dense({ units: 3, inputShape: [6] })] })],
  [
    "conv 3x3 same",
    () =>
      tf.sequential({
        layers: [L.conv2d({ filters: 3, kernelSize: 3, padding: "same", inputShape: [8, 8, 2] })],
      }),
  ],
  [
    "conv 7x7 stride 2 (3x3 dilation 3)",
    () =>
      tf.sequential({
        layers: [
          L.conv2d({
            filters: 3,
            kernelSize: 7,
            strides: 2,
            padding: "same",
            inputShape: [11, 11, 2],
          }),
        ],
      }),
  ],
  [
    "conv 5x5 valid (3x3 dilation 2)",
    () =>
      tf.sequential({
        layers: [L.conv2d({ filters: 2, kernelSize: 5, padding: "valid", inputShape: [9, 10, 3] })],
      }),
  ],
  [
    "depthwise 7x7 same, multiplier 2",
    () =>
      tf.sequential({
        layers: [
          L.depthwiseConv2d({
            kernelSize: 7,
            depthMultiplier: 2,
            padding: "same",
            inputShape: [9, 9, 2],
          }),
        ],
      }),
  ],
  [
    "depthwise 3x3 stride 2 valid",
    () =>
      tf.sequential({
        layers: [
          L.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: "valid", inputShape: [9, 8, 3] }),
        ],
      }),
  ],
];

function grads(base: tf.LayersModel, backprop: string, kernel: string): Float32Array[] {
  const adapted = adapt(base, { rank: 2, alpha: 3, backprop, kernel, seed: 4 });
  const term = quadraticTerms(adapted)[0];
  term.p.write(tf.randomNormal(term.p.shape as number[], 0, 1, "float32", 1));
  const x = tf.variable(
    tf.randomNormal([2, ...(base.inputs[0].shape.slice(1) as number[])], 0, 1, "float32", 2),
  );
  const y0 = adapted.predict(x) as tf.Tensor;
  const r = tf.randomNormal(y0.shape, 0, 1, "float32", 3);
  const vars = [term.u, term.v, term.p].map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(
    () => tf.sum(tf.mul(adapted.apply(x) as tf.Tensor, r)) as tf.Scalar,
    [...vars, x],
  );
  return [...vars, x].map((v) => grads[v.name].dataSync() as Float32Array);
}

for (const kernel of ["quadratic", "poly"]) {
  for (const [label, build] of forms) {
    Deno.test(`recompute gradients equal autodiff's (rel err <= 1e-4): ${label}, ${kernel}`, () => {
      const base = build();
      const a = grads(base, "autodiff", kernel);
      const b = grads(base, "recompute", kernel);
      a.forEach((ga, i) => {
        let num = 0;
        let den = 0;
        ga.forEach((v, j) => {
          num += (v - b[i][j]) ** 2;
          den += v * v;
        });
        const rel = Math.sqrt(num / Math.max(den, 1e-30));
        assert.ok(rel <= 1e-4, `gradient ${i}: relative error ${rel}`);
        assert.ok(den > 0, `gradient ${i} is not all zero`);
      });
    });
  }
}

Deno.test("recompute: a few training steps give autodiff's losses", () => {
  const build = () =>
    tf.sequential({
      layers: [
        L.conv2d({
          filters: 4,
          kernelSize: 5,
          padding: "same",
          activation: "relu",
          inputShape: [10, 10, 2],
        }),
        L.depthwiseConv2d({ kernelSize: 3, padding: "same" }),
        L.flatten({}),
        L.dense({ units: 3 }),
      ],
    });
  const base = build();
  const x = tf.randomNormal([4, 10, 10, 2], 0, 1, "float32", 9);
  const y = tf.randomNormal([4, 3], 0, 1, "float32", 10);
  const losses = (backprop: string) => {
    const m = adapt(base, { rank: 2, backprop, seed: 2, modulesToSave: [base.layers[3].name] });
    const opt = tf.train.sgd(0.05);
    const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const l = opt.minimize(
        () => tf.losses.meanSquaredError(y, m.apply(x) as tf.Tensor) as tf.Scalar,
        true,
        vars,
      )!;
      out.push(l.dataSync()[0]);
    }
    return out;
  };
  const a = losses("autodiff");
  const b = losses("recompute");
  assert.ok(a[3] < a[0], `loss decreases: ${a}`);
  a.forEach((v, i) =>
    assert.ok(Math.abs(v - b[i]) <= 1e-4 * Math.max(1, Math.abs(v)), `step ${i}: ${v} vs ${b[i]}`)
  );
});

Deno.test("recompute: kernels without partials or vjp fall back to autodiff (same outputs)", () => {
  const cubic: KernelMethod = {
    name: "cubic_nopartials_test",
    apply: (u, v) => tf.mul(tf.mul(u, v), tf.add(u, v)),
  };
  if (!isRegistered("kernel", cubic.name)) register("kernel", cubic.name, cubic);
  const base = forms[1][1]();
  const x = tf.randomNormal([2, 8, 8, 2], 0, 1, "float32", 5);
  const a = adapt(base, { rank: 2, kernel: cubic.name, backprop: "recompute" });
  const b = adapt(base, { rank: 2, kernel: cubic.name });
  const diff =
    tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))).dataSync()[0];
  assert.equal(diff, 0);
});

/** Loss, every trainable gradient (U, V, P, the rbf BatchNorm's γ, β, projections, x) and the moving statistics after one step. */
function rbfStep(
  base: tf.LayersModel,
  backprop: string,
  training: boolean,
  inputProjection: boolean,
) {
  const m = adapt(base, {
    rank: 2,
    kernel: "rbf",
    kernelOptions: { inputProjection, sigma: 0.8 },
    backprop,
    seed: 3,
  });
  const term = quadraticTerms(m)[0];
  let s = 20;
  for (const w of term.weights()) {
    const shape = w.shape as number[];
    const t = tf.randomNormal(shape, 0, 0.5, "float32", s++);
    w.write(/moving_variance/.test(w.name) ? tf.add(tf.abs(t), 0.5) : t);
  }
  const x = tf.variable(
    tf.randomNormal([3, ...(base.inputs[0].shape.slice(1) as number[])], 0, 1, "float32", 7),
  );
  const r = tf.randomNormal((m.predict(x) as tf.Tensor).shape, 0, 1, "float32", 8);
  const vars = [...m.trainableWeights.map((w) => w.read() as tf.Variable), x];
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(m.apply(x, { training }) as tf.Tensor, r)) as tf.Scalar,
    vars,
  );
  const moving = Object.entries(term.kernelWeights)
    .filter(([n]) => n.startsWith("bn_moving"))
    .map(([, w]) => w.read().dataSync() as Float32Array);
  return {
    loss: value.dataSync()[0],
    grads: vars.map((v) => grads[v.name].dataSync() as Float32Array),
    names: vars.map((v) => v.name),
    moving,
  };
}

for (const form of [0, 1]) {
  for (const training of [true, false]) {
    for (const inputProjection of [false, true]) {
      Deno.test(
        `recompute: rbf's closed form through its BatchNorm equals autodiff (${
          forms[form][0]
        }, training ${training}, input projection ${inputProjection})`,
        () => {
          const base = forms[form][1]();
          const a = rbfStep(base, "autodiff", training, inputProjection);
          const b = rbfStep(base, "recompute", training, inputProjection);
          assert.ok(Math.abs(a.loss - b.loss) <= 1e-5 * Math.max(1, Math.abs(a.loss)));
          assert.equal(a.grads.length, 3 + 2 + (inputProjection ? 4 : 0) + 1); // U, V, P, γ, β, (proj), x
          a.grads.forEach((ga, i) => {
            let num = 0, den = 0;
            ga.forEach((v, j) => {
              num += (v - b.grads[i][j]) ** 2;
              den += v * v;
            });
            const rel = Math.sqrt(num / Math.max(den, 1e-30));
            assert.ok(rel <= 1e-4, `gradient of ${a.names[i]}: relative error ${rel}`);
            assert.ok(den > 0, `gradient of ${a.names[i]} is not all zero`);
          });
          // moving statistics: updated once per training step by both (never in inference)
          a.moving.forEach((ma, i) =>
            ma.forEach((v, j) => assert.ok(Math.abs(v - b.moving[i][j]) <= 1e-6, `moving ${i}`))
          );
        },
      );
    }
  }
}
