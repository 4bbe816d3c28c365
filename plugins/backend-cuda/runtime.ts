/**
 * The CUDA runtime of the `cuda` backend: opens NVIDIA's libraries found by
 * {@link discoverCudaLibraries}, owns device 0, one stream, a cuBLAS handle,
 * a cuDNN handle (when cuDNN is present) and the NVRTC kernel cache, and
 * wraps the calls the backend makes. NOT YET RUN ON A GPU (see README).
 *
 * Conventions: every status is checked and turned into a {@link CudaError}
 * naming the call; device pointers are `bigint`; host buffers are passed as
 * TypedArrays (Deno pins them for the duration of a synchronous call, which
 * is why uploads and downloads are synchronous `cudaMemcpy`).
 *
 * @example
 * ```ts
 * import { CudaRuntime } from "@quadranet/backend-cuda";
 * const rt = CudaRuntime.open(); // throws CudaUnavailableError saying why
 * const p = rt.malloc(1024);
 * rt.upload(p, new Float32Array(256));
 * ```
 * @module
 */
import { type CudaDiscovery, discoverCudaLibraries, formatDiscovery } from "./discovery.ts";
import { KernelCache } from "./kernel_cache.ts";
import type { KernelSource } from "./kernel_source.ts";
import type { GemmCall } from "./planning.ts";
import {
  CUBLAS_SYMBOLS,
  CUDA,
  CUDA_DRIVER_SYMBOLS,
  CUDART_SYMBOLS,
  CUDNN_SYMBOLS,
  NVRTC_SYMBOLS,
} from "./symbols.ts";

/** Raised when the backend cannot start; `reason` is one sentence. */
export class CudaUnavailableError extends Error {
  /** `reason`: one sentence saying what is missing. */
  constructor(readonly reason: string) {
    super(`cuda unavailable: ${reason}`);
    this.name = "CudaUnavailableError";
  }
}

/** A failed CUDA/cuBLAS/cuDNN/NVRTC call. */
export class CudaError extends Error {
  /** The call, its status code and the library's message. */
  constructor(readonly call: string, readonly status: number, detail: string) {
    super(`${call} failed with status ${status}${detail ? `: ${detail}` : ""}`);
    this.name = "CudaError";
  }
}

// The tables are built from parsed prototypes, so their TypeScript types are not literal;
// the wrappers below are the typed surface.
/** Any native function of a loaded library. */
// deno-lint-ignore no-explicit-any
export type AnyFn = (...a: any[]) => any;
/** A loaded library's functions by name. */
export type Fns = Record<string, AnyFn>;

const enc = new TextEncoder();
/** A NUL-terminated C string. */
function cstr(s: string): Uint8Array {
  return enc.encode(s + "\0");
}
function ptr(p: bigint): Deno.PointerValue {
  return Deno.UnsafePointer.create(p);
}
function ptrValue(p: Deno.PointerValue): bigint {
  return p === null ? 0n : BigInt(Deno.UnsafePointer.value(p));
}
function cString(p: Deno.PointerValue): string {
  return p === null ? "" : Deno.UnsafePointerView.getCString(p);
}

/** Device 0 with its stream, handles and compiled kernels. */
export class CudaRuntime {
  /** NVRTC-compiled kernels by source hash. */
  readonly kernels: KernelCache<Deno.PointerValue>;
  /** Kernel launches and library calls since start (the bench reports kernels per step). */
  launches = 0;
  readonly #keep: { close(): void }[];

  private constructor(
    readonly rt: Fns,
    readonly drv: Fns,
    readonly nvrtc: Fns,
    readonly blas: Fns,
    readonly dnn: Fns | undefined,
    readonly stream: Deno.PointerValue,
    readonly cublas: Deno.PointerValue,
    readonly cudnn: Deno.PointerValue,
    readonly arch: string,
    readonly deviceName: string,
    readonly discovery: CudaDiscovery,
    keep: { close(): void }[],
  ) {
    this.#keep = keep;
    this.kernels = new KernelCache((k) => this.#compile(k));
  }

  /** Opens the libraries and device 0; throws {@link CudaUnavailableError} with the reason. */
  static open(discovery: CudaDiscovery = discoverCudaLibraries()): CudaRuntime {
    if (!discovery.ok) throw new CudaUnavailableError(formatDiscovery(discovery));
    const f = discovery.found;
    const open = (path: string, syms: Deno.ForeignLibraryInterface) => {
      try {
        return Deno.dlopen(path, syms) as unknown as { symbols: Fns; close(): void };
      } catch (e) {
        throw new CudaUnavailableError(
          `${path} did not load: ${(e as Error).message.split("\n")[0]}`,
        );
      }
    };
    const rtLib = open(f.cudart!.path, CUDART_SYMBOLS);
    const drvLib = open(f.cuda!.path, CUDA_DRIVER_SYMBOLS);
    const nvrtcLib = open(f.nvrtc!.path, NVRTC_SYMBOLS);
    const blasLib = open(f.cublas!.path, CUBLAS_SYMBOLS);
    let dnnLib: { symbols: Fns; close(): void } | undefined;
    if (f.cudnn) {
      try {
        dnnLib = Deno.dlopen(f.cudnn.path, CUDNN_SYMBOLS) as unknown as {
          symbols: Fns;
          close(): void;
        };
      } catch { /* optional: convolutions fall back */ }
    }
    const rt = rtLib.symbols, drv = drvLib.symbols;
    const count = new Int32Array(1);
    const st = rt.cudaGetDeviceCount(count);
    if (st !== 0 || count[0] < 1) {
      throw new CudaUnavailableError(
        `no CUDA device (cudaGetDeviceCount: status ${st}, ${count[0]} devices: ${
          cString(rt.cudaGetErrorString(st))
        })`,
      );
    }
    const check = (call: string, s: number) => {
      if (s !== 0) throw new CudaError(call, s, cString(rt.cudaGetErrorString(s)));
    };
    check("cudaSetDevice", rt.cudaSetDevice(0));
    check("cudaFree(0) (context creation)", rt.cudaFree(null));
    const dcheck = (call: string, s: number) => {
      if (s !== 0) throw new CudaError(call, s, "");
    };
    dcheck("cuInit", drv.cuInit(0));
    const dev = new Int32Array(1);
    dcheck("cuDeviceGet", drv.cuDeviceGet(dev, 0));
    const ctx = new BigUint64Array(1);
    // The runtime uses the device's primary context; the driver calls join it.
    dcheck("cuDevicePrimaryCtxRetain", drv.cuDevicePrimaryCtxRetain(ctx, dev[0]));
    dcheck("cuCtxSetCurrent", drv.cuCtxSetCurrent(ptr(ctx[0])));
    const major = new Int32Array(1), minor = new Int32Array(1);
    dcheck(
      "cuDeviceGetAttribute",
      drv.cuDeviceGetAttribute(major, CUDA.attrComputeCapabilityMajor, dev[0]),
    );
    dcheck(
      "cuDeviceGetAttribute",
      drv.cuDeviceGetAttribute(minor, CUDA.attrComputeCapabilityMinor, dev[0]),
    );
    const nameBuf = new Uint8Array(256);
    dcheck("cuDeviceGetName", drv.cuDeviceGetName(nameBuf, 256, dev[0]));
    const deviceName = new TextDecoder().decode(nameBuf.subarray(0, nameBuf.indexOf(0)));
    const s = new BigUint64Array(1);
    check("cudaStreamCreate", rt.cudaStreamCreate(s));
    const stream = ptr(s[0]);
    const h = new BigUint64Array(1);
    const bcheck = (call: string, v: number) => {
      if (v !== 0) throw new CudaError(call, v, "cuBLAS status");
    };
    bcheck("cublasCreate_v2", blasLib.symbols.cublasCreate_v2(h));
    const cublas = ptr(h[0]);
    bcheck("cublasSetStream_v2", blasLib.symbols.cublasSetStream_v2(cublas, stream));
    const tf32 = safeEnv("QUADRANET_CUDA_TF32") === "1";
    bcheck(
      "cublasSetMathMode",
      blasLib.symbols.cublasSetMathMode(
        cublas,
        tf32 ? CUDA.cublasTf32TensorOpMath : CUDA.cublasDefaultMath,
      ),
    );
    let cudnn: Deno.PointerValue = null;
    if (dnnLib) {
      const d = new BigUint64Array(1);
      if (dnnLib.symbols.cudnnCreate(d) === 0) {
        cudnn = ptr(d[0]);
        dnnLib.symbols.cudnnSetStream(cudnn, stream);
      } else {
        dnnLib = undefined; // present but unusable (sub-libraries missing): fall back
      }
    }
    return new CudaRuntime(
      rt,
      drv,
      nvrtcLib.symbols,
      blasLib.symbols,
      dnnLib?.symbols,
      stream,
      cublas,
      cudnn,
      `sm_${major[0]}${minor[0]}`,
      deviceName,
      discovery,
      [rtLib, drvLib, nvrtcLib, blasLib, ...(dnnLib ? [dnnLib] : [])],
    );
  }

  /** Throws a {@link CudaError} for a nonzero runtime status. */
  check(call: string, status: number): void {
    if (status !== 0) {
      throw new CudaError(call, status, cString(this.rt.cudaGetErrorString(status)));
    }
  }

  /** cudaMalloc (the allocator's device side). */
  malloc(bytes: number): bigint {
    const out = new BigUint64Array(1);
    this.check("cudaMalloc", this.rt.cudaMalloc(out, bytes));
    return out[0];
  }

  /** cudaFree. */
  free(p: bigint): void {
    this.check("cudaFree", this.rt.cudaFree(ptr(p)));
  }

  /** Host → device, synchronous for the host buffer. */
  upload(dst: bigint, src: ArrayBufferView): void {
    if (src.byteLength === 0) return;
    const host = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    this.check(
      "cudaMemcpy(HtoD)",
      this.rt.cudaMemcpy(
        ptr(dst),
        Deno.UnsafePointer.of(host as Uint8Array<ArrayBuffer>),
        host.byteLength,
        CUDA.memcpyHostToDevice,
      ),
    );
  }

  /** Device → host after the stream has finished. */
  download(src: bigint, dst: ArrayBufferView): void {
    if (dst.byteLength === 0) return;
    this.synchronize();
    const host = new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength);
    this.check(
      "cudaMemcpy(DtoH)",
      this.rt.cudaMemcpy(
        Deno.UnsafePointer.of(host as Uint8Array<ArrayBuffer>),
        ptr(src),
        host.byteLength,
        CUDA.memcpyDeviceToHost,
      ),
    );
  }

  /** Device → device on the stream. */
  copy(dst: bigint, src: bigint, bytes: number): void {
    if (bytes === 0) return;
    this.check(
      "cudaMemcpyAsync(DtoD)",
      this.rt.cudaMemcpyAsync(ptr(dst), ptr(src), bytes, CUDA.memcpyDeviceToDevice, this.stream),
    );
  }

  /** Zero-fills `bytes` at `dst` on the stream. */
  zero(dst: bigint, bytes: number): void {
    if (bytes > 0) {
      this.check("cudaMemsetAsync", this.rt.cudaMemsetAsync(ptr(dst), 0, bytes, this.stream));
    }
  }

  /** Waits for the stream. */
  synchronize(): void {
    this.check("cudaStreamSynchronize", this.rt.cudaStreamSynchronize(this.stream));
  }

  /** NVRTC: source → CUBIN for this device → CUfunction. */
  #compile(k: KernelSource): Deno.PointerValue {
    const n = this.nvrtc;
    const nv = (call: string, s: number) => {
      if (s !== 0) throw new CudaError(call, s, cString(n.nvrtcGetErrorString(s)));
    };
    const prog = new BigUint64Array(1);
    nv(
      "nvrtcCreateProgram",
      n.nvrtcCreateProgram(prog, cstr(k.source), cstr(`${k.name}.cu`), 0, null, null),
    );
    const p = ptr(prog[0]);
    try {
      const opts = [`--gpu-architecture=${this.arch}`, "--std=c++14"].map(cstr);
      const optPtrs = new BigUint64Array(
        opts.map((o) => ptrValue(Deno.UnsafePointer.of(o as Uint8Array<ArrayBuffer>))),
      );
      const status = n.nvrtcCompileProgram(p, opts.length, new Uint8Array(optPtrs.buffer));
      if (status !== 0) {
        const size = new BigUint64Array(1);
        n.nvrtcGetProgramLogSize(p, size);
        const log = new Uint8Array(Number(size[0]));
        n.nvrtcGetProgramLog(p, log);
        throw new CudaError(
          `nvrtcCompileProgram(${k.name})`,
          status,
          new TextDecoder().decode(log).slice(0, 2000),
        );
      }
      const size = new BigUint64Array(1);
      nv("nvrtcGetCUBINSize", n.nvrtcGetCUBINSize(p, size));
      const cubin = new Uint8Array(Number(size[0]));
      nv("nvrtcGetCUBIN", n.nvrtcGetCUBIN(p, cubin));
      const mod = new BigUint64Array(1);
      this.#driver("cuModuleLoadData", this.drv.cuModuleLoadData(mod, cubin));
      const fn = new BigUint64Array(1);
      this.#driver(
        "cuModuleGetFunction",
        this.drv.cuModuleGetFunction(fn, ptr(mod[0]), cstr(k.name)),
      );
      return ptr(fn[0]);
    } finally {
      nv("nvrtcDestroyProgram", n.nvrtcDestroyProgram(prog));
    }
  }

  #driver(call: string, s: number): void {
    if (s === 0) return;
    const out = new BigUint64Array(1);
    this.drv.cuGetErrorString(s, out);
    throw new CudaError(call, s, cString(ptr(out[0])));
  }

  /**
   * Launches generated kernel `k` (compiled on first use) over `grid` blocks.
   * Arguments follow `k.params`: bigint device pointers, ints, floats.
   */
  launch(k: KernelSource, grid: number, args: (bigint | number)[]): void {
    if (args.length !== k.params.length) {
      throw new Error(`${k.name} takes ${k.params.length} arguments, got ${args.length}`);
    }
    const fn = this.kernels.get(k);
    // One 8-byte slot per argument, and the array of pointers to the slots.
    const slots = new ArrayBuffer(8 * args.length);
    const view = new DataView(slots);
    k.params.forEach(([, kind], i) => {
      const a = args[i];
      if (kind === "ptr") view.setBigUint64(8 * i, BigInt(a), true);
      else if (kind === "i32") view.setInt32(8 * i, Number(a), true);
      else view.setFloat32(8 * i, Number(a), true);
    });
    const base = ptrValue(Deno.UnsafePointer.of(new Uint8Array(slots)));
    const params = new BigUint64Array(args.length);
    for (let i = 0; i < args.length; i++) params[i] = base + BigInt(8 * i);
    this.launches++;
    this.#driver(
      `cuLaunchKernel(${k.name})`,
      this.drv.cuLaunchKernel(
        fn,
        grid,
        1,
        1,
        k.block,
        1,
        1,
        0,
        this.stream,
        new Uint8Array(params.buffer),
        null,
      ),
    );
  }

  /** One `cublasSgemmStridedBatched` from a {@link GemmCall} plan (`a`/`b` as the plan names them). */
  gemm(plan: GemmCall, a: bigint, b: bigint, c: bigint, alpha = 1, beta = 0): void {
    const first = plan.first === "b" ? b : a, second = plan.first === "b" ? a : b;
    const s = this.blas.cublasSgemmStridedBatched(
      this.cublas,
      plan.transa ? CUDA.cublasOpT : CUDA.cublasOpN,
      plan.transb ? CUDA.cublasOpT : CUDA.cublasOpN,
      plan.m,
      plan.n,
      plan.k,
      new Float32Array([alpha]),
      ptr(first),
      plan.lda,
      BigInt(plan.strideA),
      ptr(second),
      plan.ldb,
      BigInt(plan.strideB),
      new Float32Array([beta]),
      ptr(c),
      plan.ldc,
      BigInt(plan.strideC),
      plan.batch,
    );
    this.launches++;
    if (s !== 0) throw new CudaError("cublasSgemmStridedBatched", s, "cuBLAS status");
  }

  /** Free / total device bytes (cudaMemGetInfo). */
  memInfo(): { free: number; total: number } {
    const f = new BigUint64Array(1), t = new BigUint64Array(1);
    this.check("cudaMemGetInfo", this.rt.cudaMemGetInfo(f, t));
    return { free: Number(f[0]), total: Number(t[0]) };
  }

  /** Closes the libraries (the process normally keeps them to exit). */
  close(): void {
    for (const l of this.#keep) l.close();
  }
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
