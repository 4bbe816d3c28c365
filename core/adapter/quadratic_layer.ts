/**
 * QuadraNet V2's quadratic adapter (METHOD.md §2), as adapter method
 * `"quadratic"`. How an adapted layer computes
 *
 *     y = act( lin(x) + s · P k(Ux, Vx) ),   s = alpha / rank,  P = 0 at init
 *
 * - `act`, `lin(x)`: the original layer's activation and frozen primary op,
 *   kept by the base layer — `adapted_layer.ts` ({@link AdaptedLayer.primary}).
 * - `Ux`, `Vx`: the projections — {@link QuadraticTerm.project}; a matmul for
 *   Dense, an atrous conv aligned with the primary's output grid for convs —
 *   `projections.ts` (`ConvProjection`) on `atrous.ts`, with the U/V kernel
 *   size and dilation chosen in `conv_geometry.ts`.
 * - `k(u, v)`: the kernel method (`u ⊙ v` built in; others are plugins) —
 *   `kernel_method.ts`.
 * - `s · P ·`: the output projection — {@link QuadraticTerm.outProjectWith}
 *   (`projections.ts` for depthwise).
 * - how its gradient is taken: the backprop strategy — `backprop.ts`
 *   (`autodiff`; `recompute` in `@quadranet/memory-efficient`).
 * - the weights: {@link QuadraticTerm.build} (U, V Kaiming-uniform, P zeros);
 *   the cost: {@link QuadraticTerm.extraFlops}.
 *
 * A quadratic term has degree 2 in `x`, so it cannot be merged into linear
 * weights: the delta has no `merge` and says why.
 *
 * @example
 * ```ts
 * import { adapt, adapterLayers, type QuadraticTerm, tf } from "@quadranet/core";
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const term = adapterLayers(adapt(base, { rank: 2 }))[0].delta as QuadraticTerm;
 * console.log(term.p.shape); // [2, 3]: P, zeros at init
 * ```
 * @module
 */
import { lookup } from "../plugins/default_registry.ts";
import { tf } from "../tf.ts";
import { type AdaptedLayer, kaimingBound, registerAdaptedLayer } from "./adapted_layer.ts";
import type { AdapterDelta, AdapterMethod } from "./adapter_method.ts";
import { quadGeometry } from "./conv_geometry.ts";
import type { KernelContext, KernelMethod, KernelOptions } from "./kernel_method.ts";
import { optionalPair } from "./options.ts";
import { ConvProjection, denseLastAxis, depthwiseOutProject } from "./projections.ts";

/** The quadratic term `s · P k(Ux, Vx)` of one adapted layer. */
export class QuadraticTerm implements AdapterDelta {
  /** The layer it belongs to. */
  readonly layer: AdaptedLayer;
  /** The kernel method and its resolved options. */
  readonly kernelMethod: KernelMethod;
  /** The kernel method's registry name. */
  readonly kernelName: string;
  /** The kernel's resolved options. */
  readonly kernelOptions: KernelOptions;
  /** The backprop strategy's name. */
  readonly backpropName: string;
  /** The conv projection of U and V (null for Dense). */
  readonly projection: ConvProjection | null;
  /** The kernel's own weights in this layer (e.g. rbf's BatchNorm), by name. */
  kernelWeights: Record<string, tf.LayerVariable> = {};
  /** The projections U, V and the output projection P. */
  u!: tf.LayerVariable;
  /** V (same shape as U). */
  v!: tf.LayerVariable;
  /** P: `[r, c_out]`, or `[c, r, m]` for depthwise; zeros at init. */
  p!: tf.LayerVariable;
  /** Why a quadratic term cannot be merged into linear weights. */
  readonly mergeRefusal: string =
    "the quadratic term s·P·k(Ux, Vx) is a function of x of degree 2, and no linear W' gives " +
    "W'x = Wx + s·P·k(Ux, Vx)";
  readonly #sizeArg: [number, number] | null;
  readonly #dilationArg: [number, number] | null;

  /** The term of `layer`, from its config `o` (kernel, kernelOptions, quadKernelSize, dilation, backprop). */
  constructor(layer: AdaptedLayer, o: Readonly<Record<string, unknown>>) {
    this.layer = layer;
    this.kernelName = (o.kernel as string | undefined) ?? "quadratic";
    this.kernelMethod = lookup("kernel", this.kernelName);
    const opts = (o.kernelOptions as KernelOptions | undefined) ?? {};
    this.kernelOptions = this.kernelMethod.resolveOptions
      ? this.kernelMethod.resolveOptions(opts)
      : opts;
    this.backpropName = (o.backprop as string | undefined) ?? "autodiff";
    lookup("backprop", this.backpropName);
    this.#sizeArg = optionalPair("quadKernelSize", o.quadKernelSize);
    this.#dilationArg = optionalPair("dilation", o.dilation);
    const g = layer.geometry;
    if (g) {
      const q = quadGeometry(g.extent, this.#sizeArg, this.#dilationArg);
      const kind = layer.form === "depthwise" ? "depthwise" : "conv";
      this.projection = new ConvProjection(g, kind, q.size, q.dilation);
    } else {
      this.projection = null;
    }
  }

  /** The scale `s = alpha / rank`. */
  get scale(): number {
    return this.layer.scale;
  }

  /** Kernel channels: r, or c·r for depthwise (r per channel). */
  get kernelChannels(): number {
    const r = this.layer.rank;
    return this.layer.form === "depthwise" ? this.layer.inputChannels * r : r;
  }

  /** Adds U, V (Kaiming-uniform, seeded), P (zeros) and the kernel's weights for `c` input channels. */
  build(c: number): void {
    const l = this.layer, r = l.rank;
    const [qh, qw] = this.projection?.size ?? [1, 1];
    const uvShape = this.projection ? [qh, qw, c, r] : [c, r];
    const fanIn = l.form === "dense" ? c : l.form === "conv2d" ? qh * qw * c : qh * qw;
    const pShape = l.form === "depthwise" ? [c, r, l.depthMultiplier] : [r, l.outputChannels];
    const b = kaimingBound(fanIn);
    const init = (seed: number) => tf.initializers.randomUniform({ minval: -b, maxval: b, seed });
    this.u = l.addAdapterWeight("quad_u", uvShape, init(l.seed * 2 + 1));
    this.v = l.addAdapterWeight("quad_v", uvShape, init(l.seed * 2 + 2));
    this.p = l.addAdapterWeight("quad_p", pShape, tf.initializers.zeros());
    for (const spec of this.kernelMethod.weights?.(this.kernelChannels, this.kernelOptions) ?? []) {
      const init = spec.init === "zeros"
        ? tf.initializers.zeros()
        : spec.init === "ones"
        ? tf.initializers.ones()
        : tf.initializers.identity({});
      this.kernelWeights[spec.name] = l.addAdapterWeight(
        `kernel_${spec.name}`,
        spec.shape,
        init,
        spec.trainable,
      );
    }
  }

  /** One projection of `x` with weights `w` (U or V), on the primary's output grid. */
  projectWith(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return this.projection ? this.projection.apply(x, w) : denseLastAxis(x, w);
  }

  /** `[Ux, Vx]` (a conv input is padded once for both). */
  project(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    if (!this.projection) return [denseLastAxis(x, this.u.read()), denseLastAxis(x, this.v.read())];
    const [u, v] = this.projection.applyMany(x, [this.u.read(), this.v.read()]);
    return [u, v];
  }

  /** `s · P k` for the kernel output `k` and output projection `p`. */
  outProjectWith(k: tf.Tensor, p: tf.Tensor): tf.Tensor {
    const sp = tf.mul(p, this.scale);
    return this.layer.form === "depthwise" ? depthwiseOutProject(k, sp) : denseLastAxis(k, sp);
  }

  /** `s · P k` with this layer's P. */
  outProject(k: tf.Tensor): tf.Tensor {
    return this.outProjectWith(k, this.p.read());
  }

  /** What the kernel method needs besides u and v. */
  kernelContext(training: boolean): KernelContext {
    return { weights: this.kernelWeights, options: this.kernelOptions, training };
  }

  /** `s · P k(Ux, Vx)` through the backprop strategy. */
  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    return lookup("backprop", this.backpropName).quadraticTerm(this, x, training);
  }

  /** U, V, P and the kernel's weights. */
  weights(): tf.LayerVariable[] {
    return [this.u, this.v, this.p, ...Object.values(this.kernelWeights)];
  }

  /** P: maps the kernel product to the output (it does not read the layer input). */
  outputWeight(): tf.LayerVariable {
    return this.p;
  }

  /** Inference FLOPs per example of the term (null if the spatial size is unknown). */
  extraFlops(): number | null {
    const l = this.layer;
    const [qh, qw] = this.projection?.size ?? [1, 1];
    const kc = this.kernelChannels;
    const outPerChannel = l.form === "depthwise" ? l.depthMultiplier : l.outputChannels;
    const projections = 2 * 2 * qh * qw * l.inputChannels * l.rank; // U and V
    const kernel = (this.kernelMethod.flopsPerElement ?? 1) * kc;
    return l.flopsPerExample(projections + kernel + 2 * kc * outPerChannel + l.outputChannels);
  }

  /** Kernel name and, for convs, the U/V geometry. */
  summary(): { kernel: string; quadKernelSize?: [number, number]; dilation?: [number, number] } {
    const p = this.projection;
    return {
      kernel: this.kernelName,
      ...(p ? { quadKernelSize: p.size, dilation: p.dilation } : {}),
    };
  }

  /** The quadratic options as stored in the layer config. */
  config(): tf.serialization.ConfigDict {
    return {
      kernel: this.kernelName,
      kernelOptions: this.kernelOptions,
      quadKernelSize: this.#sizeArg,
      dilation: this.#dilationArg,
      backprop: this.backpropName,
    };
  }
}

/** QuadraNet V2's quadratic adapter. */
export const quadraticMethod: AdapterMethod = {
  name: "quadratic",
  layers: {
    Dense: "QuadraticDense",
    Conv2D: "QuadraticConv2D",
    DepthwiseConv2D: "QuadraticDepthwiseConv2D",
  },
  accepts: ["kernel", "kernelOptions", "quadKernelSize", "dilation", "backprop"],
  create: (layer, options) => new QuadraticTerm(layer, options),
};

for (const cls of Object.values(quadraticMethod.layers)) registerAdaptedLayer(cls, "quadratic");
