/**
 * The loop settings every arm of a comparison shares, read from the
 * resolved task config. The default schedule is warmup–constant–cooldown
 * (`wcc`): until the cooldown the rate does not depend on the budget, so the
 * validation checks along the way are valid stopping points.
 *
 * @example
 * ```ts
 * import { loopSettings } from "./settings.ts";
 * const loop = loopSettings({
 *   batchSize: 64,
 *   optimizer: "adamw",
 *   weightDecay: 0,
 *   schedule: "wcc",
 *   warmupSteps: 10,
 *   cooldownFraction: 0.2,
 *   labelSmoothing: 0,
 *   clipNorm: 0,
 *   checkpointEvery: 0,
 *   checksPerEpoch: 2,
 * });
 * loop.schedule.kind; // "wcc"
 * ```
 * @module
 */
import type { OptimizerConfig, Schedule } from "@quadranet/core";
import { scheduleOf } from "../shared/schedule.ts";

/** Shared loop settings (`lr` is a fallback; arms bring their own). */
export interface LoopSettings {
  batchSize: number;
  lr: number;
  optimizer: OptimizerConfig;
  schedule: Schedule;
  labelSmoothing: number;
  clipNorm: number;
  checkpointEvery: number;
  logEvery: number;
  checksPerEpoch: number;
}

/** Loop settings from the task config. */
export function loopSettings(c: Record<string, unknown>): LoopSettings {
  const schedule = scheduleOf(
    c.schedule as Schedule["kind"],
    c.warmupSteps as number,
    c.cooldownFraction as number,
  );
  return {
    batchSize: c.batchSize as number,
    lr: (c.lr as number | undefined) ?? 1e-2,
    optimizer: { kind: c.optimizer as "adamw" | "sgd", weightDecay: c.weightDecay as number },
    schedule,
    labelSmoothing: c.labelSmoothing as number,
    clipNorm: c.clipNorm as number,
    checkpointEvery: c.checkpointEvery as number,
    logEvery: 10,
    checksPerEpoch: c.checksPerEpoch as number,
  };
}
