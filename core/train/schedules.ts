/**
 * Learning-rate schedules: linear warmup, then constant, cosine or step
 * decay, as a pure function of the step (so resuming needs only the step).
 *
 * @example
 * ```ts
 * const s: Schedule = { kind: "cosine", warmupSteps: 10, minScale: 0 };
 * learningRate(0.1, s, 5, 100); // 0.06 (warmup: (5+1)/10 · 0.1)
 * learningRate(0.1, s, 55, 100); // 0.05 (half-way down the cosine)
 * ```
 * @module
 */
import { ConfigError } from "../errors.ts";

/** A learning-rate schedule. */
export type Schedule =
  | { kind: "constant"; warmupSteps?: number }
  | {
    kind: "cosine";
    warmupSteps?: number; /** final lr as a fraction of the base */
    minScale?: number;
  }
  | {
    /**
     * Warmup–constant–cooldown: constant after warmup, then a linear cooldown
     * over the last `cooldownFraction` of the steps to `minScale`. Up to the
     * cooldown the rate does not depend on the total, so every earlier point
     * is also a point of any longer run: a valid stopping point.
     */
    kind: "wcc";
    warmupSteps?: number;
    cooldownFraction: number;
    minScale?: number;
  }
  | {
    kind: "step";
    warmupSteps?: number;
    /** Steps where the rate is multiplied by gamma; values below 1 are fractions of the total. */
    milestones: number[];
    gamma: number;
  };

/** Schedule kinds, for validation and `--help`. */
export const SCHEDULE_KINDS = ["constant", "cosine", "wcc", "step"] as const;

/** Throws a {@link ConfigError} naming the field when `s` is malformed. */
export function checkSchedule(s: Schedule): Schedule {
  if (!SCHEDULE_KINDS.includes(s?.kind)) {
    throw new ConfigError(
      "schedule.kind",
      `Unknown schedule "${s?.kind}"; use one of: ${SCHEDULE_KINDS.join(", ")}`,
    );
  }
  if (s.warmupSteps !== undefined && !(Number.isInteger(s.warmupSteps) && s.warmupSteps >= 0)) {
    throw new ConfigError(
      "schedule.warmupSteps",
      `warmupSteps must be an integer >= 0, got ${s.warmupSteps}`,
    );
  }
  if (s.kind === "step" && !(s.gamma > 0 && Array.isArray(s.milestones))) {
    throw new ConfigError(
      "schedule.milestones",
      "a step schedule needs milestones (steps) and gamma > 0",
    );
  }
  if (s.kind === "wcc" && !(s.cooldownFraction >= 0 && s.cooldownFraction <= 1)) {
    throw new ConfigError(
      "schedule.cooldownFraction",
      `cooldownFraction must be in [0, 1], got ${s.cooldownFraction}`,
    );
  }
  return s;
}

/** Steps of a `wcc` schedule's cooldown (the last ones) out of `totalSteps`; 0 for other kinds. */
export function cooldownSteps(s: Schedule, totalSteps: number): number {
  return s.kind === "wcc" ? Math.round(s.cooldownFraction * totalSteps) : 0;
}

/**
 * Learning rate at 0-based `step` of `totalSteps` for base rate `base`.
 * Warmup ramps linearly to `base` at step `warmupSteps - 1`; decay spans the
 * steps after warmup.
 */
export function learningRate(base: number, s: Schedule, step: number, totalSteps: number): number {
  const warm = s.warmupSteps ?? 0;
  if (step < warm) return base * (step + 1) / warm;
  switch (s.kind) {
    case "constant":
      return base;
    case "cosine": {
      const span = Math.max(1, totalSteps - warm);
      const t = Math.min(1, (step - warm) / span);
      const min = s.minScale ?? 0;
      return base * (min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * t)));
    }
    case "wcc": {
      const cool = cooldownSteps(s, totalSteps);
      const start = totalSteps - cool;
      if (step < start) return base;
      const min = s.minScale ?? 0;
      return base * (1 - (1 - min) * Math.min(1, (step - start + 1) / cool));
    }
    case "step":
      return base *
        s.gamma ** s.milestones.filter((m) => step >= (m < 1 ? m * totalSteps : m)).length;
  }
}
