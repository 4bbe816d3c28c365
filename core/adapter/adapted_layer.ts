/**
 * The base layer of every adapter method (PEFT's tuner layer): it holds the
 * original layer's frozen primary op `lin(x)` — Dense (any input rank),
 * Conv2D (any kernel, stride, padding, dilation; NHWC) or DepthwiseConv2D —
 * and adds the term of its method's {@link AdapterDelta}:
 *
 *     y = act( lin(x) + delta(x) )
 *
 * A layer's config nests the original layer's config as `base`, so `unload`
 * rebuilds the first-order layer exactly. Each method registers one tfjs
 * class per base class ({@link registerAdaptedLayer}), e.g. `QuadraticConv2D`.
 *
 * @example
 * ```ts
 * import { adapt, adapterLayers, tf } from "@quadranet/core";
 * const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const layer = adapterLayers(adapt(base, { rank: 2 }))[0]; // a QuadraticDense
 * console.log(layer.delta.weights().length); // U, V, P
 * ```
 * @module
 */
import { UnsupportedLayerError } from "../errors.ts";
import { lookup } from "../plugins/default_registry.ts";
import { tf } from "../tf.ts";
import type { AdapterDelta, AdapterMethod } from "./adapter_method.ts";
import { alignedConv, planGrid } from "./atrous.ts";
import { type ConvGeometry, convGeometry } from "./conv_geometry.ts";
import { checkAlpha, checkRank } from "./options.ts";
import { denseLastAxis } from "./projections.ts";
import { fromClassConfig } from "./topology.ts";
import { fusedAdaptedOutput } from "../fused/adapted_forward.ts";

/** tfjs' base layer arguments (name, trainable, input shape, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
/** A tfjs symbolic shape (null: unknown size). */
export type Shape = (number | null)[];

/** The serialized original layer: `{ className, config }`. */
export interface BaseLayerSpec {
  /** Its tfjs class name. */
  className: string;
  /** Its config. */
  config: Record<string, unknown>;
}

/** Constructor arguments (and serialized config) common to adapted layers. */
export interface AdaptedLayerArgs extends LayerArgs {
  /** The original layer. */
  base: BaseLayerSpec;
  /** Adapter rank. */
  rank: number;
  /** Scale numerator (`s = alpha / rank`). */
  alpha: number;
  /** Train the primary weights too. */
  trainPrimary?: boolean;
  /** Whether the adapter term is added. */
  quadEnabled?: boolean;
  /** Seed of the adapter weights. */
  seed?: number;
}

/** The three layer forms an adapter can wrap. */
export type LayerForm = "dense" | "conv2d" | "depthwise";

const FORMS: Record<string, LayerForm> = {
  Dense: "dense",
  Conv2D: "conv2d",
  DepthwiseConv2D: "depthwise",
};

/** Kaiming-uniform bound with a = √5 (LoRA's A, QuadraNet's U, V): `1 / √fanIn`. */
export function kaimingBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/** A layer carrying the frozen primary op of its `base` plus its method's delta. */
export class AdaptedLayer extends tf.layers.Layer {
  /** Which of the three layer forms this is. */
  readonly form: LayerForm;
  /** The serialized original layer. */
  readonly base: BaseLayerSpec;
  /** The adapter rank. */
  readonly rank: number;
  /** Scale numerator. */
  readonly alpha: number;
  /** Whether the primary weights train. */
  readonly trainPrimary: boolean;
  /** Seed of the adapter weights. */
  readonly seed: number;
  /** Whether the adapter term is added (see `disableAdapters`). */
  quadEnabled: boolean;
  /** The primary conv's geometry (convs only). */
  readonly geometry: ConvGeometry | null;
  /** The adapter method. */
  readonly method: AdapterMethod;
  /** The method's part: its weights and term. */
  readonly delta: AdapterDelta;
  /** Input channels (d_in or c_in), known after build. */
  inputChannels = 0;
  /** Primary (pre-trained) kernel and bias. */
  primaryKernel!: tf.LayerVariable;
  /** The primary bias, when the original layer has one. */
  primaryBias: tf.LayerVariable | null = null;
  readonly #activation: tf.layers.Layer | null;
  readonly #baseLayer: tf.layers.Layer;

  /** A layer from its config `args`, carrying the delta of method `methodName`. */
  constructor(args: AdaptedLayerArgs, methodName: string) {
    super(args);
    this.base = args.base;
    const form = FORMS[args.base.className];
    if (!form) {
      throw new UnsupportedLayerError(
        this.name,
        args.base.className,
        `Cannot adapt layer "${this.name}" (${args.base.className}): supported classes are ` +
          `${Object.keys(FORMS).join(", ")}`,
      );
    }
    this.form = form;
    this.rank = checkRank(args.rank);
    this.alpha = checkAlpha(args.alpha);
    this.trainPrimary = args.trainPrimary ?? false;
    this.quadEnabled = args.quadEnabled ?? true;
    this.seed = args.seed ?? 0;
    this.geometry = form === "dense"
      ? null
      : convGeometry(this.name, args.base.className, this.baseConfig);
    const act = this.baseConfig.activation as string | undefined;
    this.#activation = act && act !== "linear"
      ? tf.layers.activation({ activation: act as "relu" })
      : null;
    // An unbuilt instance of the original layer, only for output shapes.
    this.#baseLayer = fromClassConfig<tf.layers.Layer>(this.base.className, {
      ...this.base.config,
      name: `${this.name}__base`,
    } as tf.serialization.ConfigDict);
    this.method = lookup("method", methodName);
    this.delta = this.method.create(this, args as unknown as Record<string, unknown>);
  }

  /** The original layer's config. */
  get baseConfig(): Record<string, unknown> {
    return this.base.config;
  }

  /** The scale `s = alpha / rank`. */
  get scale(): number {
    return this.alpha / this.rank;
  }

  /** Output channels: units, filters, or channels × depth multiplier. */
  get outputChannels(): number {
    const c = this.baseConfig;
    return this.form === "dense"
      ? c.units as number
      : this.form === "conv2d"
      ? c.filters as number
      : this.inputChannels * this.depthMultiplier;
  }

  /** The depthwise depth multiplier (1 for the other forms). */
  get depthMultiplier(): number {
    return this.form === "depthwise"
      ? (this.baseConfig.depthMultiplier as number | undefined) ?? 1
      : 1;
  }

  /** Output positions per example (1 for a 2-D dense input; null if unknown). */
  outputPositions(): number | null {
    const out = this.outputShape as Shape;
    return out.slice(1, -1).reduce<number | null>(
      (a, d) => (a == null || d == null ? null : a * d),
      1,
    );
  }

  /** FLOPs per example of a term costing `perPosition` at each output position (null if unknown). */
  flopsPerExample(perPosition: number): number | null {
    const positions = this.outputPositions();
    return positions == null ? null : positions * perPosition;
  }

  /** Adds the primary weights, then the delta's. */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = shape[shape.length - 1];
    if (c == null) throw new Error(`Layer "${this.name}" needs a known last input dimension`);
    this.inputChannels = c;
    const useBias = this.baseConfig.useBias !== false;
    if (this.form === "dense") {
      this.primaryKernel = this.#addPrimary("kernel", [c, this.outputChannels]);
    } else {
      const [kh, kw] = this.geometry!.kernelSize;
      const last = this.form === "conv2d" ? this.outputChannels : this.depthMultiplier;
      const name = this.form === "conv2d" ? "kernel" : "depthwise_kernel";
      this.primaryKernel = this.#addPrimary(name, [kh, kw, c, last]);
    }
    if (useBias) this.primaryBias = this.#addPrimary("bias", [this.outputChannels]);
    this.delta.build(c);
    this.built = true;
  }

  /** The primary (pre-trained, first-order) op without activation: `lin(x)`. */
  primary(x: tf.Tensor): tf.Tensor {
    const w = this.primaryKernel.read();
    const b = this.primaryBias?.read();
    if (this.form === "dense") return denseLastAxis(x, w, b);
    const g = this.geometry!;
    const x4 = x as tf.Tensor4D, w4 = w as tf.Tensor4D;
    let y: tf.Tensor4D;
    if (g.dilation[0] === 1 && g.dilation[1] === 1) {
      y = this.form === "conv2d"
        ? tf.conv2d(x4, w4, g.strides, g.padding)
        : tf.depthwiseConv2d(x4, w4, g.strides, g.padding);
    } else {
      const plan = planGrid(
        [x4.shape[1], x4.shape[2]],
        { ...g, primaryKernel: g.extent },
        g.extent,
      );
      y = alignedConv(x4, w4, this.form === "conv2d" ? "conv" : "depthwise", plan, g.dilation);
    }
    return b ? tf.add(y, b) : y;
  }

  /** Adds one of the adapter's weights (for {@link AdapterDelta.build}). */
  addAdapterWeight(
    name: string,
    shape: number[],
    initializer: ReturnType<typeof tf.initializers.zeros>,
    trainable = true,
  ): tf.LayerVariable {
    return this.addWeight(name, shape, "float32", initializer, undefined, trainable);
  }

  /** The adapter's weights (the delta's). */
  adapterWeights(): tf.LayerVariable[] {
    return this.delta.weights();
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

  /** Inference FLOPs per example the adapter adds (null if the spatial size is unknown). */
  extraFlops(): number | null {
    return this.delta.extraFlops();
  }

  #addPrimary(name: string, shape: number[]): tf.LayerVariable {
    return this.addWeight(
      name,
      shape,
      "float32",
      tf.initializers.zeros(),
      undefined,
      this.trainPrimary,
    );
  }

  /** The original layer's output shape. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.#baseLayer.computeOutputShape(inputShape);
  }

  /** `act(lin(x) + delta(x))` (the delta only while `quadEnabled`). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor {
    const training = kwargs.training === true;
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      // Where the backend has the fused kernels: lin(x), Ux and Vx in one GEMM.
      let y = this.quadEnabled ? fusedAdaptedOutput(this, x) : undefined;
      if (!y) {
        y = this.primary(x);
        if (this.quadEnabled) y = tf.add(y, this.delta.forward(x, training));
      }
      return this.#activation ? this.#activation.apply(y) as tf.Tensor : y;
    });
  }

  /** The config: the original layer as `base`, the common options and the delta's. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      base: this.base as unknown as tf.serialization.ConfigDictValue,
      rank: this.rank,
      alpha: this.alpha,
      ...this.delta.config(),
      trainPrimary: this.trainPrimary,
      quadEnabled: this.quadEnabled,
      seed: this.seed,
    };
  }
}

/**
 * Registers with tfjs serialization the layer class `className` that adapts
 * with method `methodName` (called by each method for its `layers`).
 */
export function registerAdaptedLayer(className: string, methodName: string): void {
  const cls = class extends AdaptedLayer {
    static className = className;
    constructor(args: AdaptedLayerArgs) {
      super(args, methodName);
    }
  };
  tf.serialization.registerClass(cls);
}
