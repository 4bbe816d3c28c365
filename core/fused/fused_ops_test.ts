import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import {
  FUSED,
  fusedKernelAvailable,
  fusedOpsEnabled,
  runFused,
  setFusedOps,
} from "./fused_ops.ts";

Deno.test("fusedKernelAvailable: false on cpu (no fused kernels), true once registered, off when disabled", () => {
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(fusedKernelAvailable(FUSED.adam), false);
  // a stand-in kernel on cpu under a test-only name: doubles its input
  const name = "QnTestDouble";
  tf.registerKernel({
    kernelName: name,
    backendName: "cpu",
    kernelFunc: ({ inputs, backend }) => {
      const b = backend as unknown as { data: { get(id: object): { values: Float32Array } } };
      const x = inputs.x as tf.TensorInfo;
      const v = b.data.get(x.dataId).values.map((e) => 2 * e);
      return (backend as unknown as tf.KernelBackend & {
        makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo;
      }).makeTensorInfo(x.shape, "float32", v);
    },
  });
  try {
    assert.equal(fusedKernelAvailable(name), true);
    const [y] = runFused(name, { x: tf.tensor1d([1, 2]) });
    assert.deepEqual(Array.from(y.dataSync()), [2, 4]);
    setFusedOps(false);
    assert.equal(fusedOpsEnabled(), false);
    assert.equal(fusedKernelAvailable(name), false);
  } finally {
    setFusedOps(true);
    tf.unregisterKernel(name, "cpu");
  }
});
