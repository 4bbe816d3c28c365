import assert from "node:assert/strict";
import { tf } from "@quadranet/core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { CudaFallbackError, fallbackKernel, FallbackLedger } from "./fallback.ts";

/**
 * Two real cpu backends: `device` stands where the cuda backend will (it owns the
 * tensors), `host` runs the cpu kernels. Everything crosses through readSync and
 * makeTensorInfo exactly as it will from GPU memory.
 */
function pair() {
  const [device, host] = [new MathBackendCPU(), new MathBackendCPU()];
  for (const b of [device, host]) (b as unknown as { firstUse: boolean }).firstUse = false;
  return { device, host };
}

Deno.test("fallbackKernel() runs the cpu kernel on copies and returns device tensors (Cast, GatherV2, TopK)", () => {
  const { device, host } = pair();
  const ledger = new FallbackLedger(false);
  const x = device.makeTensorInfo([2, 3], "float32", new Float32Array([1.7, -2.2, 3, 4, 5.5, 6]));
  const idx = device.makeTensorInfo([2], "int32", new Int32Array([1, 0]));
  const hostBefore = host.numDataIds();
  const run = (
    name: string,
    inputs: Record<string, tf.TensorInfo>,
    attrs: Record<string, unknown>,
  ) =>
    fallbackKernel(name, tf.getKernel(name, "cpu")!.kernelFunc, host, ledger)(
      { inputs, attrs, backend: device } as never,
    );

  const cast = run("Cast", { x }, { dtype: "int32" }) as tf.TensorInfo;
  assert.equal(cast.dtype, "int32");
  assert.deepEqual(Array.from(device.readSync(cast.dataId) as Int32Array), [1, -2, 3, 4, 5, 6]);

  const g = run("GatherV2", { x, indices: idx }, { axis: 0, batchDims: 0 }) as tf.TensorInfo;
  assert.deepEqual(g.shape, [2, 3]);
  assert.deepEqual(
    Array.from(device.readSync(g.dataId) as Float32Array),
    Array.from(new Float32Array([4, 5.5, 6, 1.7, -2.2, 3])),
  );

  const top = run("TopK", { x }, { k: 1, sorted: true }) as tf.TensorInfo[];
  assert.equal(top.length, 2);
  assert.deepEqual(Array.from(device.readSync(top[1].dataId) as Int32Array), [2, 2]);

  assert.equal(host.numDataIds(), hostBefore, "the cpu copies are freed");
  assert.deepEqual([...ledger.counts], [["Cast", 1], ["GatherV2", 1], ["TopK", 1]]);
  assert.equal(
    ledger.summary(),
    "cuda: 3 kernel calls ran on the cpu fallback: Cast ×1, GatherV2 ×1, TopK ×1",
  );
});

Deno.test("strict mode (QUADRANET_CUDA_STRICT=1) refuses the fallback, naming the kernel", () => {
  const { device, host } = pair();
  const ledger = new FallbackLedger(true);
  const x = device.makeTensorInfo([2], "float32", new Float32Array([1, 2]));
  const k = fallbackKernel("Erf", tf.getKernel("Erf", "cpu")!.kernelFunc, host, ledger);
  assert.throws(
    () => k({ inputs: { x }, attrs: {}, backend: device } as never),
    (e: unknown) =>
      e instanceof CudaFallbackError && /kernel Erf has no CUDA implementation/.test(e.message),
  );
  assert.equal(ledger.summary(), "");
});
