/**
 * The `cuda` TensorFlow.js backend: tensors live in GPU memory (data ids →
 * device blocks from a {@link CachingAllocator}); `read`/`readSync` copy back;
 * kernels are NVRTC-compiled sources, cuBLAS and cuDNN calls, and every
 * other tfjs kernel runs as the counted cpu fallback. NOT YET RUN ON A GPU
 * (see README).
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { registerCudaBackend } from "@quadranet/backend-cuda";
 * registerCudaBackend(); // throws CudaUnavailableError with the reason
 * await tf.setBackend("cuda");
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { type Block, CachingAllocator } from "./allocator.ts";
import { CudnnConv } from "./cudnn_conv.ts";
import { fallbackKernel, FallbackLedger } from "./fallback.ts";
import { CudaRuntime } from "./runtime.ts";

/** The backend's name in tfjs. */
export const CUDA_BACKEND = "cuda";

/** What the backend keeps per data id. */
export interface TensorData {
  /** The tensor's shape. */
  shape: number[];
  /** Its dtype. */
  dtype: tf.DataType;
  /** References held by tfjs. */
  refCount: number;
  /** On the device once uploaded or produced by a kernel. */
  block?: Block;
  /** Host values not yet uploaded (and the only copy for string/complex tensors). */
  values?: tf.backend_util.BackendValues;
}

const BYTES: Partial<Record<tf.DataType, number>> = { float32: 4, int32: 4, bool: 1 };

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function hostArray(dtype: tf.DataType, n: number): Float32Array | Int32Array | Uint8Array {
  return dtype === "int32"
    ? new Int32Array(n)
    : dtype === "bool"
    ? new Uint8Array(n)
    : new Float32Array(n);
}

/** GPU tensor storage plus the helpers kernels use. */
export class CudaBackend extends tf.KernelBackend {
  /** Data id → device block or host values. */
  readonly data: tf.DataStorage<TensorData>;
  /** The caching allocator all device tensors come from. */
  readonly allocator: CachingAllocator;
  /** cuDNN convolutions, when cuDNN loaded. */
  readonly conv?: CudnnConv;
  /** The cpu backend the fallback runs on. */
  readonly cpu: MathBackendCPU;

  /** A backend on runtime `rt`, counting cpu fallbacks in `ledger`. */
  constructor(readonly rt: CudaRuntime, readonly ledger: FallbackLedger) {
    super();
    this.data = new tf.DataStorage(this, tf.engine());
    this.allocator = new CachingAllocator({ malloc: (b) => rt.malloc(b), free: (p) => rt.free(p) });
    if (rt.dnn) {
      this.conv = new CudnnConv(
        rt,
        (b) => this.allocator.alloc(b),
        (b) => this.allocator.release(b),
      );
    }
    this.cpu = new MathBackendCPU();
    (this.cpu as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** Stores host values; they are uploaded on first device use. */
  override write(
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
  ): tf.DataId {
    const dataId = {};
    this.data.set(dataId, { shape, dtype, refCount: 1, values });
    return dataId;
  }

  /** Takes over a tensor moved from another backend (host values). */
  override move(
    dataId: tf.DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    this.data.set(dataId, { shape, dtype, refCount, values });
  }

  /** A tensor from host values (uploaded on first device use), or a fresh device output. */
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo {
    if (values !== undefined) return { dataId: this.write(values, shape, dtype), shape, dtype };
    return this.makeOutput(shape, dtype);
  }

  /** An uninitialised device tensor. */
  makeOutput(shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
    const bytes = BYTES[dtype];
    if (bytes === undefined) throw new Error(`cuda: no device storage for dtype ${dtype}`);
    const dataId = {};
    this.data.set(dataId, {
      shape,
      dtype,
      refCount: 1,
      block: this.allocator.alloc(sizeOf(shape) * bytes),
    });
    return { dataId, shape, dtype };
  }

  /** The device pointer of `t`, uploading host values on first use. */
  ptr(t: tf.TensorInfo): bigint {
    const d = this.data.get(t.dataId);
    if (!d.block) {
      const bytes = BYTES[d.dtype];
      if (bytes === undefined) throw new Error(`cuda: ${d.dtype} tensors stay on the host`);
      const n = sizeOf(d.shape);
      let typed = d.values as ArrayBufferView;
      if (!ArrayBuffer.isView(typed) || typed.byteLength !== n * bytes) {
        // e.g. a bool tensor written as Int32Array, or plain number arrays
        const arr = hostArray(d.dtype, n), src = d.values as ArrayLike<number>;
        for (let i = 0; i < n; i++) arr[i] = Number(src[i]);
        typed = arr;
      }
      d.block = this.allocator.alloc(n * bytes);
      this.rt.upload(d.block.ptr, typed);
      d.values = undefined;
    }
    return d.block.ptr;
  }

  /** Copies a tensor back to the host (synchronises the stream). */
  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const d = this.data.get(dataId);
    if (d.values !== undefined) return d.values;
    const out = hostArray(d.dtype, sizeOf(d.shape));
    this.rt.download(d.block!.ptr, out);
    return out;
  }

  /** {@link readSync} as a promise (the copy is synchronous). */
  override read(dataId: tf.DataId): Promise<tf.backend_util.BackendValues> {
    return Promise.resolve(this.readSync(dataId));
  }

  /** Drops one reference; the block returns to the allocator at zero (or when forced). */
  override disposeData(dataId: tf.DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const d = this.data.get(dataId);
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    if (d.block) this.allocator.release(d.block);
    this.data.delete(dataId);
    return true;
  }

  /** References held on a data id. */
  override refCount(dataId: tf.DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  /** Adds a reference (a reshape shares its input's data). */
  override incRef(dataId: tf.DataId): void {
    this.data.get(dataId).refCount++;
  }

  /** Data ids alive on this backend. */
  override numDataIds(): number {
    return this.data.numDataIds();
  }

  /** Device bytes in use, reserved from the device, and cached for reuse. */
  override memory(): {
    unreliable: boolean;
    numBytesInGPU: number;
    numBytesInGPUAllocated: number;
    numBytesInGPUFree: number;
  } {
    const s = this.allocator.stats();
    return {
      unreliable: false,
      numBytesInGPU: s.inUseBytes,
      numBytesInGPUAllocated: s.reservedBytes,
      numBytesInGPUFree: s.cachedBytes,
    };
  }

  /** Kernel timing is available (stream-synchronised wall time). */
  override timerAvailable(): boolean {
    return true;
  }

  /** Times `f` between two stream synchronisations. */
  override time(f: () => void): Promise<tf.BackendTimingInfo> {
    this.rt.synchronize();
    const t = performance.now();
    f();
    this.rt.synchronize();
    return Promise.resolve({ kernelMs: performance.now() - t });
  }

  /** Float32 storage. */
  override floatPrecision(): 32 {
    return 32;
  }

  /** The float32 epsilon tfjs uses. */
  override epsilon(): number {
    return 1e-7;
  }

  /** Synchronises and gives cached device memory back. */
  override dispose(): void {
    this.rt.synchronize();
    this.allocator.emptyCache();
  }
}

let runtime: CudaRuntime | undefined;
let ledger: FallbackLedger | undefined;

/** Fallback calls so far in this process (benches and tests report it). */
export function cudaFallbacks(): FallbackLedger | undefined {
  return ledger;
}

/** The runtime once the backend is registered. */
export function cudaRuntime(): CudaRuntime | undefined {
  return runtime;
}

/**
 * Registers the `cuda` backend (idempotent): opens the runtime (throws
 * {@link CudaUnavailableError}), registers the native kernels and, for
 * every other cpu kernel, the counted fallback.
 */
export async function registerCudaBackend(): Promise<CudaRuntime> {
  if (runtime) return runtime;
  const rt = CudaRuntime.open();
  const strict = Deno.env.get("QUADRANET_CUDA_STRICT") === "1";
  ledger = new FallbackLedger(strict);
  const led = ledger;
  const { NATIVE_KERNELS } = await import("./native_kernels.ts");
  let backend: CudaBackend | undefined;
  tf.registerBackend(CUDA_BACKEND, () => (backend = new CudaBackend(rt, led)), 0);
  for (const k of tf.getKernelsForBackend("cpu")) {
    const native = NATIVE_KERNELS[k.kernelName];
    const fallback = (args: Parameters<tf.KernelFunc>[0]) =>
      fallbackKernel(k.kernelName, k.kernelFunc, (args.backend as CudaBackend).cpu as never, led)(
        args,
      );
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: CUDA_BACKEND,
      kernelFunc: native ? (args) => native(args, fallback) : fallback,
    });
  }
  globalThis.addEventListener("unload", () => {
    const line = led.summary();
    if (line) console.error(line);
    void backend;
  });
  runtime = rt;
  return rt;
}
