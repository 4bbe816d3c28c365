/**
 * Optimizers of the training loop: AdamW (decoupled weight decay) and SGD
 * (momentum, Nesterov). Their slots are plain named tensors, so checkpoints
 * store and restore them exactly.
 *
 * @example
 * ```ts
 * import { Optimizer, tf } from "@quadranet/core";
 * const v = tf.variable(tf.ones([2, 2])), grad = tf.fill([2, 2], 0.5);
 * const opt = new Optimizer({ kind: "adamw", weightDecay: 0.05 });
 * opt.apply([{ key: "fc/kernel", variable: v }], { "fc/kernel": grad }, 1e-3);
 * const slots = opt.slots(); // { "fc/kernel/m": ..., "fc/kernel/v": ... }
 * ```
 * @module
 */
import { ConfigError } from "../errors.ts";
import { tf } from "../tf.ts";
import { adamUpdate, sgdUpdate } from "../fused/optimizer_update.ts";

/** Optimizer settings. */
export interface OptimizerConfig {
  /** AdamW (decoupled weight decay) or SGD with momentum. */
  kind: "adamw" | "sgd";
  /** AdamW: decoupled decay (p -= lr·wd·p); SGD: L2 added to the gradient. Default 0. */
  weightDecay?: number;
  /** AdamW's first-moment decay (default 0.9). */
  beta1?: number;
  /** AdamW's second-moment decay (default 0.999). */
  beta2?: number;
  /** AdamW's denominator epsilon (default 1e-8). */
  epsilon?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** SGD: Nesterov momentum. */
  nesterov?: boolean;
}

/** Optimizer kinds, for validation and `--help`. */
export const OPTIMIZER_KINDS = ["adamw", "sgd"] as const;

/** A parameter the optimizer updates, under a stable key. */
export interface Param {
  /** Stable key of the parameter (slots are stored under it). */
  key: string;
  /** The variable updated. */
  variable: tf.Variable;
  /** Whether weight decay applies (kernels yes; biases and norms usually not). */
  decay?: boolean;
}

/** AdamW or SGD with named, checkpointable slots. */
export class Optimizer {
  /** The config with defaults filled in. */
  readonly config: Required<OptimizerConfig>;
  /** Updates applied so far (AdamW's bias correction uses it). */
  t = 0;
  private readonly state = new Map<string, tf.Variable>();

  /** An optimizer with `config`'s kind and hyper-parameters (checked). */
  constructor(config: OptimizerConfig) {
    if (!OPTIMIZER_KINDS.includes(config.kind)) {
      throw new ConfigError(
        "optimizer.kind",
        `Unknown optimizer "${config.kind}"; use one of: ${OPTIMIZER_KINDS.join(", ")}`,
      );
    }
    this.config = {
      weightDecay: 0,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      momentum: 0.9,
      nesterov: false,
      ...config,
    };
  }

  /** The slot (moment) `key`, created as zeros like `like` on first use. */
  private slot(key: string, like: tf.Tensor): tf.Variable {
    let v = this.state.get(key);
    if (!v) {
      v = tf.tidy(() => tf.variable(tf.zerosLike(like), false));
      this.state.set(key, v);
    }
    return v;
  }

  /**
   * One update of `params` with `grads` (by key) at learning rate `lr`, each
   * gradient first multiplied by `gradScale` (clipping). One fused kernel for
   * all parameters where the backend has it (`adamUpdate`, `sgdUpdate`).
   */
  apply(params: Param[], grads: Record<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.t++;
    const c = this.config;
    const live = params.filter((p) => grads[p.key]);
    const wd = (p: Param) => (p.decay === false ? 0 : c.weightDecay);
    if (c.kind === "adamw") {
      const entries = live.map((p) => ({
        w: p.variable,
        g: grads[p.key],
        m: this.slot(`${p.key}/m`, p.variable),
        v: this.slot(`${p.key}/v`, p.variable),
        weightDecay: wd(p),
      }));
      adamUpdate(entries, {
        lr,
        beta1: c.beta1,
        beta2: c.beta2,
        epsilon: c.epsilon,
        t: this.t,
        gradScale,
      });
    } else {
      const entries = live.map((p) => ({
        w: p.variable,
        g: grads[p.key],
        buf: c.momentum > 0 ? this.slot(`${p.key}/momentum`, p.variable) : undefined,
        weightDecay: wd(p),
      }));
      sgdUpdate(entries, { lr, momentum: c.momentum, nesterov: c.nesterov, gradScale });
    }
  }

  /** The slots by name (shared, not copies). */
  slots(): Record<string, tf.Variable> {
    return Object.fromEntries(this.state);
  }

  /** Restores slots (and the update count) saved from {@link slots}. */
  restore(slots: Record<string, tf.Tensor>, t: number): void {
    this.dispose();
    for (const [k, v] of Object.entries(slots)) this.state.set(k, tf.variable(v, false));
    this.t = t;
  }

  /** Frees the slots. */
  dispose(): void {
    for (const v of this.state.values()) v.dispose();
    this.state.clear();
  }
}
