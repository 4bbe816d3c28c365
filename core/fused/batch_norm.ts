/**
 * Fused BatchNorm: the training forward (batch statistics, normalise,
 * scale/shift, moving-statistics update) and its backward (dx, dγ, dβ) as
 * one kernel each, and inference-mode BatchNorm with a one-kernel backward.
 * Where the backend has no such kernels, the same composite of tfjs ops
 * that tfjs-layers' `BatchNormalization` uses.
 *
 * After `installFusedOps()` (the `blas` backend's registration calls it),
 * tfjs-layers' `BatchNormalization` layers (last axis, with γ and β) use
 * these ops whenever the kernels are available; everything else goes to the
 * layer's own code. Importing this module changes nothing in tfjs.
 *
 * @example
 * ```ts
 * import { batchNormTraining, tf } from "@quadranet/core";
 * const x = tf.randomNormal([4, 3]);
 * const r = batchNormTraining(x, tf.ones([3]), tf.zeros([3]), tf.zeros([3]), tf.ones([3]),
 *   { epsilon: 1e-3, momentum: 0.99 });
 * // r.y has zero mean and unit variance per column (up to ε)
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { FUSED, fusedKernelAvailable, runFused } from "./fused_ops.ts";

/** BatchNorm settings. */
export interface BatchNormSettings {
  /** Added to the variance. */
  epsilon: number;
  /** Moving average: `moving ← moving − (moving − batch)·(1 − momentum)`. */
  momentum: number;
}

/** What {@link batchNormTraining} returns. */
export interface BatchNormTrainingResult {
  /** The normalised, scaled and shifted output. */
  y: tf.Tensor;
  /** Batch mean per channel. */
  mean: tf.Tensor1D;
  /** Batch (biased) variance per channel. */
  variance: tf.Tensor1D;
  /** The updated moving mean (not differentiated). */
  movingMean: tf.Tensor1D;
  /** The updated moving variance (not differentiated). */
  movingVariance: tf.Tensor1D;
}

const f32 = (...ts: tf.Tensor[]) => ts.every((t) => t.dtype === "float32");

/**
 * BatchNorm over the last axis with batch statistics (training mode), as
 * tfjs-layers computes it; one fused kernel (and one for its gradient) where
 * the backend has them.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  movingMean: tf.Tensor,
  movingVariance: tf.Tensor,
  s: BatchNormSettings,
): BatchNormTrainingResult {
  if (fusedKernelAvailable(FUSED.batchNormTrain) && f32(x, gamma, beta)) {
    const [y, mean, variance, mm, mv] = runFused(
      FUSED.batchNormTrain,
      { x, gamma, beta, movingMean, movingVariance },
      { ...s },
    );
    return {
      y,
      mean: mean as tf.Tensor1D,
      variance: variance as tf.Tensor1D,
      movingMean: mm as tf.Tensor1D,
      movingVariance: mv as tf.Tensor1D,
    };
  }
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.batchNorm(x, mean, variance, beta, gamma, s.epsilon);
  const decay = 1 - s.momentum;
  const update = (orig: tf.Tensor, value: tf.Tensor) =>
    tf.sub(orig, tf.mul(tf.sub(orig, value), decay)) as tf.Tensor1D;
  return {
    y,
    mean: mean as tf.Tensor1D,
    variance: variance as tf.Tensor1D,
    movingMean: update(movingMean, mean),
    movingVariance: update(movingVariance, variance),
  };
}

/**
 * BatchNorm over the last axis with given statistics (inference mode, or a
 * frozen norm in training): `γ(x − μ)/√(σ² + ε) + β`; fused kernels when the
 * backend has them.
 */
export function batchNormInference(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  if (fusedKernelAvailable(FUSED.batchNormInfer) && f32(x, mean, variance, gamma, beta)) {
    return runFused(FUSED.batchNormInfer, { x, mean, variance, gamma, beta }, { epsilon })[0];
  }
  return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
}

/** The gradient of {@link FUSED}.batchNormTrain (registered by `installFusedOps`). @internal */
export const batchNormTrainGradient: tf.GradConfig = {
  kernelName: FUSED.batchNormTrain,
  inputsToSave: ["x", "gamma"],
  outputsToSave: [false, true, true, false, false],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dmean, dvar] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved;
    const [dx, dgamma, dbeta] = runFused(
      FUSED.batchNormTrainGrad,
      { dy, x, gamma, mean, variance, dmean, dvar },
      { epsilon: (attrs as unknown as BatchNormSettings).epsilon },
    );
    return {
      x: () => dx,
      gamma: () => dgamma,
      beta: () => dbeta,
      // The moving statistics only feed the (undifferentiated) update.
      movingMean: () => tf.zerosLike(mean),
      movingVariance: () => tf.zerosLike(mean),
    };
  },
};

/** The gradient of {@link FUSED}.batchNormInfer (registered by `installFusedOps`). @internal */
export const batchNormInferGradient: tf.GradConfig = {
  kernelName: FUSED.batchNormInfer,
  inputsToSave: ["x", "mean", "variance", "gamma"],
  gradFunc: (dy, saved, attrs) => {
    const [x, mean, variance, gamma] = saved;
    const [dx, dmean, dvariance, dgamma, dbeta] = runFused(
      FUSED.batchNormInferGrad,
      { dy: dy as tf.Tensor, x, mean, variance, gamma },
      { epsilon: (attrs as unknown as { epsilon: number }).epsilon },
    );
    return {
      x: () => dx,
      mean: () => dmean,
      variance: () => dvariance,
      gamma: () => dgamma,
      beta: () => dbeta,
    };
  },
};

interface BatchNormLayer {
  axis: number;
  epsilon: number;
  momentum: number;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}
/** tfjs-layers' `BatchNormalization.prototype.call`. @internal */
export type BatchNormCall = (
  this: BatchNormLayer,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: tf.serialization.ConfigDict,
) => tf.Tensor;

/**
 * tfjs-layers' `BatchNormalization` class (not exported by tfjs-layers; its
 * registered constructor is it), whose `call` `installFusedOps` replaces.
 * @internal
 */
export function batchNormalizationClass(): { prototype: { call: BatchNormCall } } {
  return tf.serialization.SerializationMap.getMap()
    .classNameMap["BatchNormalization"][0] as unknown as { prototype: { call: BatchNormCall } };
}

/**
 * A `BatchNormalization.prototype.call` that runs the fused ops (last axis,
 * with γ and β, float32, kernels on the backend) and `originalCall` for
 * everything else. @internal
 */
export function fusedBatchNormCall(originalCall: BatchNormCall): BatchNormCall {
  return function (inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axis = this.axis >= 0 ? this.axis : this.axis + x.rank;
    const training = kwargs?.training === true;
    const kernel = training ? FUSED.batchNormTrain : FUSED.batchNormInfer;
    if (
      Array.isArray(inputs) && inputs.length !== 1 || axis !== x.rank - 1 || !this.gamma ||
      !this.beta || !fusedKernelAvailable(kernel) || x.dtype !== "float32"
    ) return originalCall.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const gamma = this.gamma!.read(), beta = this.beta!.read();
      if (!training) {
        return batchNormInference(
          x,
          this.movingMean.read(),
          this.movingVariance.read(),
          gamma,
          beta,
          this.epsilon,
        );
      }
      const r = batchNormTraining(
        x,
        gamma,
        beta,
        this.movingMean.read(),
        this.movingVariance.read(),
        { epsilon: this.epsilon, momentum: this.momentum },
      );
      this.movingMean.write(r.movingMean);
      this.movingVariance.write(r.movingVariance);
      return r.y;
    });
  };
}
