/**
 * Compute accounting that keeps training apart from evaluation and
 * checkpoint writes: wall and process-CPU seconds charged to the innermost
 * open segment, so an evaluation timed inside a training segment is
 * subtracted from training automatically.
 *
 * @example
 * ```ts
 * import { ComputeClock } from "@quadranet/core";
 * const clock = new ComputeClock();
 * await clock.time("train", async () => {
 *   // ... steps ...
 *   await clock.time("eval", () => "a validation check");
 * });
 * clock.totals().train.cpu; // CPU seconds of the steps only
 * ```
 * @module
 */
import process from "node:process";

/** What a segment is charged to. */
export type ComputeKind = "train" | "eval" | "checkpoint";

/** Seconds of wall-clock and process CPU (user + system, all threads). */
export interface ClockReading {
  /** Wall-clock seconds. */
  wall: number;
  /** Process CPU seconds (user + system). */
  cpu: number;
}

/** The real clock: `performance.now()` and `process.cpuUsage()`. */
export function readClock(): ClockReading {
  const u = process.cpuUsage();
  return { wall: performance.now() / 1000, cpu: (u.user + u.system) / 1e6 };
}

const zero = (): ClockReading => ({ wall: 0, cpu: 0 });

/** Accumulates seconds per {@link ComputeKind}; `base` carries totals over from a resumed run. */
export class ComputeClock {
  #totals: Record<ComputeKind, ClockReading>;
  #stack: ComputeKind[] = [];
  #mark: ClockReading | null = null;

  /** `read` is the clock (injectable for tests); `base` carries totals over from a resumed run. */
  constructor(
    private readonly read: () => ClockReading = readClock,
    base: Partial<Record<ComputeKind, ClockReading>> = {},
  ) {
    this.#totals = {
      train: { ...zero(), ...base.train },
      eval: { ...zero(), ...base.eval },
      checkpoint: { ...zero(), ...base.checkpoint },
    };
  }

  #charge(): void {
    const now = this.read();
    const top = this.#stack[this.#stack.length - 1];
    if (top && this.#mark) {
      this.#totals[top].wall += now.wall - this.#mark.wall;
      this.#totals[top].cpu += now.cpu - this.#mark.cpu;
    }
    this.#mark = now;
  }

  /** Opens a segment of `kind` (pausing the enclosing one). */
  start(kind: ComputeKind): void {
    this.#charge();
    this.#stack.push(kind);
  }

  /** Closes the innermost segment. */
  stop(): void {
    if (!this.#stack.length) throw new Error("ComputeClock.stop() without a matching start()");
    this.#charge();
    this.#stack.pop();
  }

  /** Runs `fn` as a segment of `kind`. */
  async time<T>(kind: ComputeKind, fn: () => T | Promise<T>): Promise<T> {
    this.start(kind);
    try {
      return await fn();
    } finally {
      this.stop();
    }
  }

  /** Totals so far, open segments included up to now. */
  totals(): Record<ComputeKind, ClockReading> {
    if (this.#stack.length) this.#charge();
    return structuredClone(this.#totals);
  }
}
