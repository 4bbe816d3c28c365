/**
 * The loop settings every arm of the comparison shares, read from the
 * resolved task config.
 *
 * @example
 * ```ts
 * const loop = loopSettings(config); // { batchSize, lr, optimizer, schedule, ... }
 * ```
 * @module
 */
import type { OptimizerConfig, Schedule } from "@quadranet/core";

/** Shared loop settings. */
export interface LoopSettings {
  batchSize: number;
  lr: number;
  optimizer: OptimizerConfig;
  schedule: Schedule;
  labelSmoothing: number;
  clipNorm: number;
  checkpointEvery: number;
  logEvery: number;
}

/** Loop settings from the task config. */
export function loopSettings(c: Record<string, unknown>): LoopSettings {
  const warmupSteps = c.warmupSteps as number;
  const kind = c.schedule as Schedule["kind"];
  const schedule: Schedule = kind === "step"
    ? { kind, warmupSteps, milestones: [0.5, 0.75], gamma: 0.1 }
    : kind === "cosine"
    ? { kind, warmupSteps, minScale: 0.01 }
    : { kind: "constant", warmupSteps };
  return {
    batchSize: c.batchSize as number,
    lr: c.lr as number,
    optimizer: { kind: c.optimizer as "adamw" | "sgd", weightDecay: c.weightDecay as number },
    schedule,
    labelSmoothing: c.labelSmoothing as number,
    clipNorm: c.clipNorm as number,
    checkpointEvery: c.checkpointEvery as number,
    logEvery: 10,
  };
}
