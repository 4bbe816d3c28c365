/**
 * Training progress: a one-line bar redrawn in place on a TTY (stage, epoch,
 * step, loss, throughput, ETA), plain periodic lines otherwise, nothing
 * with `quiet`.
 *
 * @example
 * ```ts
 * const p = new Progress({ quiet: false });
 * p.update({ label: "quadratic", epoch: 1, epochs: 3, step: 10, steps: 100, loss: 0.7, perSec: 800, etaSec: 12 });
 * p.done();
 * ```
 * @module
 */

/** One progress report. */
export interface ProgressInfo {
  /** What is training (arm and stage). */
  label: string;
  /** Epoch within the stage, 1-based. */
  epoch: number;
  /** Epochs of the stage. */
  epochs: number;
  /** Steps done over the run. */
  step: number;
  /** Steps of the run. */
  steps: number;
  /** Latest training loss. */
  loss: number;
  /** Examples per second (smoothed). */
  perSec: number;
  /** Seconds left, estimated. */
  etaSec: number;
}

/** Seconds as `42s` or `3m05s` (rounded first, so 119.6 s reads `2m00s`, never `1m60s`). */
export function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const t = Math.max(0, Math.round(s)), m = Math.floor(t / 60);
  return m > 0 ? `${m}m${String(t % 60).padStart(2, "0")}s` : `${t}s`;
}

/** A progress label: the run's label and the stage's name, once when they are the same. */
export function stageLabel(label: string | undefined, stage: string): string {
  return !label ? `train ${stage}` : label === stage ? label : `${label} ${stage}`;
}

/** Progress output on stderr. */
export class Progress {
  private readonly quiet: boolean;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private last = 0;
  private drawn = false;
  private readonly enc = new TextEncoder();

  /** A progress display (silent when `quiet`). */
  constructor(
    { quiet = false, tty, intervalMs }: { quiet?: boolean; tty?: boolean; intervalMs?: number } =
      {},
  ) {
    this.quiet = quiet;
    this.tty = tty ?? Deno.stderr.isTerminal();
    this.intervalMs = intervalMs ?? (this.tty ? 100 : 10_000);
  }

  /** Writes `s` over the current line. */
  private write(s: string): void {
    Deno.stderr.writeSync(this.enc.encode(s));
  }

  /** Reports progress (rate-limited). */
  update(p: ProgressInfo, force = false): void {
    if (this.quiet) return;
    const now = performance.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    const text = `${p.label} epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps} ` +
      `loss ${p.loss.toFixed(4)} ${p.perSec.toFixed(0)} ex/s ETA ${fmtTime(p.etaSec)}`;
    if (this.tty) {
      const width = 20, filled = Math.round(width * p.step / Math.max(1, p.steps));
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      this.write(`\r\x1b[2K${bar} ${text}`);
      this.drawn = true;
    } else {
      this.write(`${text}\n`);
    }
  }

  /** Prints a message on its own line (above the bar on a TTY). */
  line(message: string): void {
    if (this.quiet) return;
    if (this.drawn) this.write("\r\x1b[2K");
    this.write(`${message}\n`);
    this.drawn = false;
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.drawn && !this.quiet) this.write("\n");
    this.drawn = false;
  }
}
