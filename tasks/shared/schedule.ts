/**
 * The learning-rate schedule a comparison task's `--schedule` names, with
 * the task layer's fixed shape parameters: `step` ×0.1 at 50 % and 75 % of
 * the steps, `cosine` and `wcc` (warmup–constant–cooldown) down to 1 % of
 * the rate, `constant` after the warmup.
 *
 * @example
 * ```ts
 * import { scheduleOf } from "./schedule.ts";
 * scheduleOf("step", 10); // { kind: "step", warmupSteps: 10, milestones: [0.5, 0.75], gamma: 0.1 }
 * ```
 * @module
 */
import type { Schedule } from "@quadranet/core";

/** Schedule `kind` after `warmupSteps` of linear warmup (`cooldownFraction`: wcc's last fraction). */
export function scheduleOf(
  kind: Schedule["kind"],
  warmupSteps: number,
  cooldownFraction = 0.2,
): Schedule {
  return kind === "step"
    ? { kind, warmupSteps, milestones: [0.5, 0.75], gamma: 0.1 }
    : kind === "cosine"
    ? { kind, warmupSteps, minScale: 0.01 }
    : kind === "wcc"
    ? { kind, warmupSteps, cooldownFraction, minScale: 0.01 }
    : { kind: "constant", warmupSteps };
}
