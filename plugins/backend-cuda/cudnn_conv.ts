/**
 * 2-D convolutions through cuDNN 9's legacy API on NHWC float32 tensors with
 * OHWI (`KRSC`) filters: forward, backward data, backward filter; groups for
 * depthwise. Descriptors and the chosen algorithm are cached per geometry.
 * FP32 math (`CUDNN_FMA_MATH`) unless `QUADRANET_CUDA_TF32=1`. NOT YET RUN ON
 * A GPU (see README).
 *
 * @example
 * ```ts
 * import { CudaRuntime } from "@quadranet/backend-cuda";
 * import { CachingAllocator } from "./allocator.ts";
 * import { CudnnConv } from "./cudnn_conv.ts";
 * const rt = CudaRuntime.open(); // needs a GPU
 * const alloc = new CachingAllocator({ malloc: (n) => rt.malloc(n), free: (p) => rt.free(p) });
 * const conv = new CudnnConv(rt, (n) => alloc.alloc(n), (b) => alloc.release(b));
 * ```
 * @module
 */
import type { Block } from "./allocator.ts";
import { CudaError, type CudaRuntime } from "./runtime.ts";
import { CUDA } from "./symbols.ts";

/** One convolution's geometry (padding already symmetric; see cudnnConvPadding). */
export interface ConvGeometry {
  /** Batch. */
  n: number;
  /** Input height (after explicit padding). */
  h: number;
  /** Input width (after explicit padding). */
  w: number;
  /** Input channels. */
  cin: number;
  /** Output channels. */
  cout: number;
  /** Filter height. */
  kh: number;
  /** Filter width. */
  kw: number;
  /** Output height. */
  oh: number;
  /** Output width. */
  ow: number;
  /** Vertical stride. */
  sh: number;
  /** Horizontal stride. */
  sw: number;
  /** Symmetric padding, top and bottom. */
  padH: number;
  /** Symmetric padding, left and right. */
  padW: number;
  /** Vertical dilation. */
  dh: number;
  /** Horizontal dilation. */
  dw: number;
  /** Groups (input channels for depthwise, else 1). */
  groups: number;
}

interface Descriptors {
  x: Deno.PointerValue;
  y: Deno.PointerValue;
  w: Deno.PointerValue;
  conv: Deno.PointerValue;
  algo: { fwd?: [number, number]; data?: [number, number]; filter?: [number, number] };
}

const p = (v: bigint) => Deno.UnsafePointer.create(v);
const ONE = new Float32Array([1]), ZERO = new Float32Array([0]);

/** cuDNN convolutions with cached descriptors and algorithms. */
export class CudnnConv {
  #cache = new Map<string, Descriptors>();
  readonly #mathType: number;

  /** Convolutions on `rt`, workspaces from `alloc`/`release`. */
  constructor(
    private readonly rt: CudaRuntime,
    private readonly alloc: (bytes: number) => Block,
    private readonly release: (b: Block) => void,
  ) {
    if (!rt.dnn) throw new Error("cuDNN is not loaded");
    this.#mathType = Deno.env.get("QUADRANET_CUDA_TF32") === "1"
      ? CUDA.cudnnTensorOpMath
      : CUDA.cudnnFmaMath;
  }

  #check(call: string, s: number): void {
    if (s !== 0) {
      const msg = Deno.UnsafePointerView.getCString(this.rt.dnn!.cudnnGetErrorString(s));
      throw new CudaError(call, s, msg);
    }
  }

  #make(kind: "Tensor" | "Filter" | "Convolution"): Deno.PointerValue {
    const out = new BigUint64Array(1);
    this.#check(`cudnnCreate${kind}Descriptor`, this.rt.dnn![`cudnnCreate${kind}Descriptor`](out));
    return p(out[0]);
  }

  #descriptors(g: ConvGeometry): Descriptors {
    const key = JSON.stringify(g);
    let d = this.#cache.get(key);
    if (d) return d;
    const dnn = this.rt.dnn!;
    d = {
      x: this.#make("Tensor"),
      y: this.#make("Tensor"),
      w: this.#make("Filter"),
      conv: this.#make("Convolution"),
      algo: {},
    };
    this.#check(
      "cudnnSetTensor4dDescriptor(x)",
      dnn.cudnnSetTensor4dDescriptor(
        d.x,
        CUDA.cudnnTensorNhwc,
        CUDA.cudnnDataFloat,
        g.n,
        g.cin,
        g.h,
        g.w,
      ),
    );
    this.#check(
      "cudnnSetTensor4dDescriptor(y)",
      dnn.cudnnSetTensor4dDescriptor(
        d.y,
        CUDA.cudnnTensorNhwc,
        CUDA.cudnnDataFloat,
        g.n,
        g.cout,
        g.oh,
        g.ow,
      ),
    );
    this.#check(
      "cudnnSetFilter4dDescriptor",
      dnn.cudnnSetFilter4dDescriptor(
        d.w,
        CUDA.cudnnDataFloat,
        CUDA.cudnnTensorNhwc,
        g.cout,
        g.cin / g.groups,
        g.kh,
        g.kw,
      ),
    );
    this.#check(
      "cudnnSetConvolution2dDescriptor",
      dnn.cudnnSetConvolution2dDescriptor(
        d.conv,
        g.padH,
        g.padW,
        g.sh,
        g.sw,
        g.dh,
        g.dw,
        CUDA.cudnnCrossCorrelation,
        CUDA.cudnnDataFloat,
      ),
    );
    if (g.groups > 1) {
      this.#check(
        "cudnnSetConvolutionGroupCount",
        dnn.cudnnSetConvolutionGroupCount(d.conv, g.groups),
      );
    }
    this.#check(
      "cudnnSetConvolutionMathType",
      dnn.cudnnSetConvolutionMathType(d.conv, this.#mathType),
    );
    this.#cache.set(key, d);
    return d;
  }

  /** The heuristics' first successful algorithm and its workspace bytes. */
  #pick(call: string, run: (count: Int32Array, perf: Uint8Array) => number): [number, number] {
    const count = new Int32Array(1), perf = new Uint8Array(CUDA.cudnnAlgoPerfBytes * 8);
    this.#check(call, run(count, perf));
    const view = new DataView(perf.buffer);
    for (let i = 0; i < count[0]; i++) {
      const at = i * CUDA.cudnnAlgoPerfBytes;
      // algo (int) at 0, status (int) at 4, time (float) at 8, memory (size_t) at 16
      if (view.getInt32(at + 4, true) === 0) {
        return [view.getInt32(at, true), Number(view.getBigUint64(at + 16, true))];
      }
    }
    throw new CudaError(call, -1, "no algorithm succeeded for this geometry");
  }

  #withWorkspace(bytes: number, f: (ws: Deno.PointerValue) => number, call: string): void {
    const ws = this.alloc(bytes);
    try {
      this.rt.launches++;
      this.#check(call, f(ws.size ? p(ws.ptr) : null));
    } finally {
      this.release(ws); // one stream: the next user of this block runs after this call
    }
  }

  /** y = conv(x, w). */
  forward(x: bigint, w: bigint, y: bigint, g: ConvGeometry): void {
    const d = this.#descriptors(g), dnn = this.rt.dnn!;
    d.algo.fwd ??= this.#pick(
      "cudnnGetConvolutionForwardAlgorithm_v7",
      (c, perf) =>
        dnn.cudnnGetConvolutionForwardAlgorithm_v7(
          this.rt.cudnn,
          d.x,
          d.w,
          d.conv,
          d.y,
          8,
          c,
          perf,
        ),
    );
    const [algo, bytes] = d.algo.fwd;
    this.#withWorkspace(
      bytes,
      (ws) =>
        dnn.cudnnConvolutionForward(
          this.rt.cudnn,
          ONE,
          d.x,
          p(x),
          d.w,
          p(w),
          d.conv,
          algo,
          ws,
          bytes,
          ZERO,
          d.y,
          p(y),
        ),
      "cudnnConvolutionForward",
    );
  }

  /** dx = conv_transpose(dy, w). */
  backwardData(dy: bigint, w: bigint, dx: bigint, g: ConvGeometry): void {
    const d = this.#descriptors(g), dnn = this.rt.dnn!;
    d.algo.data ??= this.#pick(
      "cudnnGetConvolutionBackwardDataAlgorithm_v7",
      (c, perf) =>
        dnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(
          this.rt.cudnn,
          d.w,
          d.y,
          d.conv,
          d.x,
          8,
          c,
          perf,
        ),
    );
    const [algo, bytes] = d.algo.data;
    this.#withWorkspace(
      bytes,
      (ws) =>
        dnn.cudnnConvolutionBackwardData(
          this.rt.cudnn,
          ONE,
          d.w,
          p(w),
          d.y,
          p(dy),
          d.conv,
          algo,
          ws,
          bytes,
          ZERO,
          d.x,
          p(dx),
        ),
      "cudnnConvolutionBackwardData",
    );
  }

  /** dw = correlation of x with dy (OHWI). */
  backwardFilter(x: bigint, dy: bigint, dw: bigint, g: ConvGeometry): void {
    const d = this.#descriptors(g), dnn = this.rt.dnn!;
    d.algo.filter ??= this.#pick(
      "cudnnGetConvolutionBackwardFilterAlgorithm_v7",
      (c, perf) =>
        dnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(
          this.rt.cudnn,
          d.x,
          d.y,
          d.conv,
          d.w,
          8,
          c,
          perf,
        ),
    );
    const [algo, bytes] = d.algo.filter;
    this.#withWorkspace(
      bytes,
      (ws) =>
        dnn.cudnnConvolutionBackwardFilter(
          this.rt.cudnn,
          ONE,
          d.x,
          p(x),
          d.y,
          p(dy),
          d.conv,
          algo,
          ws,
          bytes,
          ZERO,
          d.w,
          p(dw),
        ),
      "cudnnConvolutionBackwardFilter",
    );
  }
}
