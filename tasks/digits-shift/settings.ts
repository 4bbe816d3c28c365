/**
 * The loop settings every arm of the comparison shares, read from the
 * resolved task config.
 *
 * @example
 * ```ts
 * import type { DigitsShiftConfig } from "./config.ts";
 * import { loopSettings } from "./settings.ts";
 * declare const config: DigitsShiftConfig;
 * const loop = loopSettings(config); // { batchSize, lr, optimizer, schedule, ... }
 * ```
 * @module
 */
import type { OptimizerConfig, Schedule } from "@quadranet/core";
import type { DigitsShiftConfig } from "./config.ts";

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
export function loopSettings(c: DigitsShiftConfig): LoopSettings {
  const warmupSteps = c.warmupSteps;
  const kind = c.schedule;
  const schedule: Schedule = kind === "step"
    ? { kind, warmupSteps, milestones: [0.5, 0.75], gamma: 0.1 }
    : kind === "cosine"
    ? { kind, warmupSteps, minScale: 0.01 }
    : { kind: "constant", warmupSteps };
  return {
    batchSize: c.batchSize,
    lr: c.lr,
    optimizer: { kind: c.optimizer, weightDecay: c.weightDecay },
    schedule,
    labelSmoothing: c.labelSmoothing,
    clipNorm: c.clipNorm,
    checkpointEvery: c.checkpointEvery,
    logEvery: 10,
  };
}
