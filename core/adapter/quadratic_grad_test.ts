// Gradients of the quadratic term against central finite differences.
//
// y is linear in each single entry of U, V and P and quadratic in each
// entry of x, so central differences are exact up to float32 rounding: with
// eps = 1e-2 and |loss| ~ 10 the rounding error is ~ 1e-7·10/1e-2 = 1e-4.
// Tolerance: |fd − grad| <= 2e-3 · max(1, |grad|).
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { adapt } from "./adapt.ts";
import { quadraticTerms } from "../testing/terms.ts";

const L = tf.layers;
const EPS = 1e-2;
const TOL = 2e-3;

function models(): [string, tf.LayersModel][] {
  return [
    [
      "dense",
      tf.sequential({ layers: [L.dense({ units: 3, inputShape: [5], activation: "linear" })] }),
    ],
    [
      "conv2d stride 2, 5x5 (3x3 dilation 2)",
      tf.sequential({
        layers: [
          L.conv2d({
            filters: 3,
            kernelSize: 5,
            strides: 2,
            padding: "same",
            inputShape: [7, 7, 2],
          }),
        ],
      }),
    ],
    [
      "depthwise multiplier 2, valid",
      tf.sequential({
        layers: [
          L.depthwiseConv2d({
            kernelSize: 3,
            depthMultiplier: 2,
            padding: "valid",
            inputShape: [6, 5, 2],
          }),
        ],
      }),
    ],
  ];
}

function checkGrad(
  name: string,
  f: () => tf.Scalar,
  v: tf.Variable,
  idxs: number[],
) {
  const { grads } = tf.variableGrads(f, [v]);
  const g = grads[v.name].dataSync();
  const orig = v.dataSync().slice();
  for (const i of idxs.filter((i) => i < orig.length)) {
    const at = (delta: number) => {
      const w = orig.slice();
      w[i] += delta;
      v.assign(tf.tensor(w, v.shape));
      return f().dataSync()[0];
    };
    const fd = (at(EPS) - at(-EPS)) / (2 * EPS);
    v.assign(tf.tensor(orig, v.shape));
    assert.ok(
      Math.abs(fd - g[i]) <= TOL * Math.max(1, Math.abs(g[i])),
      `${name}[${i}]: fd ${fd} vs grad ${g[i]}`,
    );
  }
}

for (const [label, base] of models()) {
  Deno.test(`quadratic term gradients match central finite differences: ${label}`, () => {
    const adapted = adapt(base, { rank: 2, alpha: 3 });
    const term = quadraticTerms(adapted)[0];
    term.p.write(tf.randomNormal(term.p.shape as number[], 0, 1, "float32", 1));
    const shape = [2, ...(base.inputs[0].shape.slice(1) as number[])];
    const x = tf.variable(tf.randomNormal(shape, 0, 1, "float32", 2));
    const outShape = adapted.predict(x) as tf.Tensor;
    const r = tf.randomNormal(outShape.shape, 0, 1, "float32", 3);
    const loss = () => tf.sum(tf.mul(adapted.apply(x) as tf.Tensor, r)) as tf.Scalar;
    const idxs = [0, 1, 5, 11, 17, 29];
    for (const w of [term.u, term.v, term.p]) {
      checkGrad(`${label} ${w.originalName}`, loss, w.read() as tf.Variable, idxs);
    }
    checkGrad(`${label} x`, loss, x, idxs);
  });
}
