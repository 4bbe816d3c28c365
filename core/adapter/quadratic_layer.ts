/**
 * The shared part of the quadratic layers: `y = act(lin(x) + s · P k(Ux, Vx))`
 * (METHOD.md §2). Subclasses supply the three layer forms — Dense, Conv2D,
 * DepthwiseConv2D — by defining the primary op, the projections and `P`.
 *
 * A layer's config nests the original layer's config as `base`, so
 * {@link unload} can rebuild the first-order layer exactly.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { checkAlpha, checkRank, positivePair } from "./config.ts";
import { lookup } from "../plugins/default_registry.ts";
import { fromClassConfig } from "./topology.ts";
import type { KernelContext, KernelMethod, KernelOptions } from "./kernel_method.ts";

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Shape = (number | null)[];

/** The serialized original layer: `{ className, config }`. */
export interface BaseLayerSpec {
  className: string;
  config: Record<string, unknown>;
}

/** Constructor arguments (and serialized config) of a quadratic layer. */
export interface QuadraticLayerArgs extends LayerArgs {
  base: BaseLayerSpec;
  rank: number;
  alpha: number;
  kernel: string;
  kernelOptions?: KernelOptions;
  /** U/V kernel size `[h, w]` (convs only; null: matched to the primary). */
  quadKernelSize?: [number, number] | null;
  /** U/V dilation `[h, w]` (convs only; null: matched to the primary). */
  dilation?: [number, number] | null;
  trainPrimary?: boolean;
  quadEnabled?: boolean;
  seed?: number;
  backprop?: string;
}

/** Kaiming-uniform bound with a = √5 (LoRA's A): `1 / √fanIn`. */
export function kaimingBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/** Base class of {@link QuadraticDense}, {@link QuadraticConv2D}, {@link QuadraticDepthwiseConv2D}. */
export abstract class QuadraticLayer extends tf.layers.Layer {
  /** Which of the three layer forms this is. */
  abstract readonly form: "dense" | "conv2d" | "depthwise";
  readonly base: BaseLayerSpec;
  readonly rank: number;
  readonly alpha: number;
  readonly kernelName: string;
  readonly kernelMethod: KernelMethod;
  readonly kernelOptions: KernelOptions;
  /** The kernel's own weights in this layer (e.g. rbf's BatchNorm), by name. */
  kernelWeights: Record<string, tf.LayerVariable> = {};
  readonly backpropName: string;
  readonly trainPrimary: boolean;
  readonly seed: number;
  /** Whether the quadratic term is added (see `disableAdapters`). */
  quadEnabled: boolean;
  protected readonly quadKernelSizeArg: [number, number] | null;
  protected readonly dilationArg: [number, number] | null;
  private readonly activationLayer: tf.layers.Layer | null;
  private readonly baseLayer: tf.layers.Layer;

  /** Primary (pre-trained) kernel and bias. */
  primaryKernel!: tf.LayerVariable;
  primaryBias: tf.LayerVariable | null = null;
  /** The projections U, V and the output projection P. */
  quadU!: tf.LayerVariable;
  quadV!: tf.LayerVariable;
  quadP!: tf.LayerVariable;

  constructor(args: QuadraticLayerArgs) {
    super(args);
    this.base = args.base;
    this.rank = checkRank(args.rank);
    this.alpha = checkAlpha(args.alpha);
    this.kernelName = args.kernel;
    this.kernelMethod = lookup("kernel", args.kernel);
    const opts = args.kernelOptions ?? {};
    this.kernelOptions = this.kernelMethod.resolveOptions
      ? this.kernelMethod.resolveOptions(opts)
      : opts;
    this.backpropName = args.backprop ?? "autodiff";
    lookup("backprop", this.backpropName);
    this.trainPrimary = args.trainPrimary ?? false;
    this.quadEnabled = args.quadEnabled ?? true;
    this.seed = args.seed ?? 0;
    this.quadKernelSizeArg = args.quadKernelSize
      ? positivePair("quadKernelSize", args.quadKernelSize)
      : null;
    this.dilationArg = args.dilation ? positivePair("dilation", args.dilation) : null;
    const act = this.baseConfig.activation as string | undefined;
    this.activationLayer = act && act !== "linear"
      ? tf.layers.activation({ activation: act as "relu" })
      : null;
    // An unbuilt instance of the original layer, only for output shapes.
    this.baseLayer = fromClassConfig<tf.layers.Layer>(this.base.className, {
      ...this.base.config,
      name: `${this.name}__base`,
    } as tf.serialization.ConfigDict);
  }

  /** The original layer's config. */
  get baseConfig(): Record<string, unknown> {
    return this.base.config;
  }

  /** The scale `s = alpha / rank`. */
  get scale(): number {
    return this.alpha / this.rank;
  }

  /** The primary (pre-trained, first-order) op without activation. */
  abstract primary(x: tf.Tensor): tf.Tensor;
  /** One projection of `x` with weights `w` (U or V), on the primary's output grid. */
  abstract projectWith(x: tf.Tensor, w: tf.Tensor): tf.Tensor;
  /** `s · P k` for the kernel output `k` and output projection `p`. */
  abstract outProjectWith(k: tf.Tensor, p: tf.Tensor): tf.Tensor;

  /** `[Ux, Vx]`. */
  project(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return [this.projectWith(x, this.quadU.read()), this.projectWith(x, this.quadV.read())];
  }

  /** `s · P k` with this layer's P. */
  outProject(k: tf.Tensor): tf.Tensor {
    return this.outProjectWith(k, this.quadP.read());
  }

  /** What the kernel method needs besides u and v. */
  kernelContext(training: boolean): KernelContext {
    return { weights: this.kernelWeights, options: this.kernelOptions, training };
  }
  /** Extra FLOPs per example of the quadratic term (null if spatial size is unknown). */
  abstract extraFlops(): number | null;

  /**
   * Whether the adapter has the second projection V. Adapter kinds with one
   * projection (LoRA's `s·B·A x`) override this and {@link adapterTerm}.
   */
  protected get usesSecondProjection(): boolean {
    return true;
  }

  /** The term added to the primary output: `s · P k(Ux, Vx)` via the backprop strategy. */
  protected adapterTerm(x: tf.Tensor, training: boolean): tf.Tensor {
    const strategy = lookup("backprop", this.backpropName);
    return strategy.quadraticTerm(this, x, training);
  }

  /** U, V, P and the kernel's weights: everything the adapter adds. */
  adapterWeights(): tf.LayerVariable[] {
    const v = this.usesSecondProjection ? [this.quadV] : [];
    return [this.quadU, ...v, this.quadP, ...Object.values(this.kernelWeights)];
  }

  /** The primary kernel (and bias): the original layer's weights. */
  primaryWeights(): tf.LayerVariable[] {
    return this.primaryBias ? [this.primaryKernel, this.primaryBias] : [this.primaryKernel];
  }

  /** Sets the primary weights from the original layer's `getWeights()`. */
  setPrimaryWeights(weights: tf.Tensor[]): void {
    const vars = this.primaryWeights();
    if (weights.length !== vars.length) {
      throw new Error(
        `Layer "${this.name}" expects ${vars.length} primary weights, got ${weights.length}`,
      );
    }
    vars.forEach((v, i) => v.write(weights[i]));
  }

  /** Adds a primary weight (trainable only with `trainPrimary`). */
  protected addPrimary(name: string, shape: number[]): tf.LayerVariable {
    return this.addWeight(
      name,
      shape,
      "float32",
      tf.initializers.zeros(),
      undefined,
      this.trainPrimary,
    );
  }

  /** Adds U and V (Kaiming-uniform, seeded), P (zeros) and the kernel's weights for `channels`. */
  protected addAdapter(uvShape: number[], fanIn: number, pShape: number[], channels: number): void {
    const b = kaimingBound(fanIn);
    const init = (seed: number) => tf.initializers.randomUniform({ minval: -b, maxval: b, seed });
    this.quadU = this.addWeight(
      "quad_u",
      uvShape,
      "float32",
      init(this.seed * 2 + 1),
      undefined,
      true,
    );
    if (this.usesSecondProjection) {
      this.quadV = this.addWeight(
        "quad_v",
        uvShape,
        "float32",
        init(this.seed * 2 + 2),
        undefined,
        true,
      );
    }
    this.quadP = this.addWeight(
      "quad_p",
      pShape,
      "float32",
      tf.initializers.zeros(),
      undefined,
      true,
    );
    for (const spec of this.kernelMethod.weights?.(channels, this.kernelOptions) ?? []) {
      const init = spec.init === "zeros"
        ? tf.initializers.zeros()
        : spec.init === "ones"
        ? tf.initializers.ones()
        : tf.initializers.identity({});
      this.kernelWeights[spec.name] = this.addWeight(
        `kernel_${spec.name}`,
        spec.shape,
        "float32",
        init,
        undefined,
        spec.trainable,
      );
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.baseLayer.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
    const training = kwargs.training === true;
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      let y = this.primary(x);
      if (this.quadEnabled) y = tf.add(y, this.adapterTerm(x, training));
      return this.activationLayer ? this.activationLayer.apply(y) as tf.Tensor : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      base: this.base as unknown as tf.serialization.ConfigDictValue,
      rank: this.rank,
      alpha: this.alpha,
      kernel: this.kernelName,
      kernelOptions: this.kernelOptions,
      quadKernelSize: this.quadKernelSizeArg,
      dilation: this.dilationArg,
      trainPrimary: this.trainPrimary,
      quadEnabled: this.quadEnabled,
      seed: this.seed,
      backprop: this.backpropName,
    };
  }
}
