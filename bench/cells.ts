/**
 * The benches' child-process cells: each measurement runs in its own Deno
 * process (a fresh engine, and a slow backend can be cut off by a timeout),
 * prints its result as the last stdout line, and the parent turns the
 * output into a number, a JSON row or the reason it has none. Also the
 * PyTorch CPU training-step peer (`torch_step.py`) that two benches share.
 *
 * @example
 * ```ts
 * import { cellNumber, spawnCell } from "./cells.ts";
 * const out = await spawnCell(import.meta.url, ["--allow-read"], ["--cell=blas:gemm"], 60);
 * console.log(cellNumber(out, 60, (err) => `failed: ${err.slice(0, 60)}`));
 * ```
 * @module
 */

/** What a cell's child process left. */
export interface CellOutput {
  /** Exit status 0. */
  success: boolean;
  /** Killed at the timeout. */
  timedOut: boolean;
  /** Its stdout, trimmed. */
  stdout: string;
  /** Its stderr. */
  stderr: string;
}

/**
 * Runs `deno run <flags> <script> <args>` with `NO_COLOR=1` (and `env`
 * added to the environment), killed after `timeoutS` seconds.
 */
export async function spawnCell(
  script: string | URL,
  flags: string[],
  args: string[],
  timeoutS: number,
  env: Record<string, string> = {},
): Promise<CellOutput> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, new URL(script).pathname, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutS * 1000);
  const out = await child.output();
  clearTimeout(timer);
  return {
    success: out.success,
    timedOut: out.signal === "SIGKILL",
    stdout: new TextDecoder().decode(out.stdout).trim(),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** The first stderr line that mentions an error ("" if none). */
export function errorLine(stderr: string): string {
  return stderr.split("\n").find((l) => /rror/.test(l)) ?? "";
}

/**
 * A cell that prints one number: that number, `> N s` when it was cut off,
 * else `failure(first error line)`.
 */
export function cellNumber(
  out: CellOutput,
  timeoutS: number,
  failure: (errorLine: string) => string,
): number | string {
  if (out.success && /^[\d.]+$/.test(out.stdout)) return Number(out.stdout);
  if (out.timedOut) return `> ${timeoutS} s`;
  return failure(errorLine(out.stderr));
}

/** A number, or undefined for a reason string. */
export const num = (v: unknown): number | undefined => typeof v === "number" ? v : undefined;

/**
 * PyTorch's CPU training step of the same adapted ResNet-18-style network
 * (`torch_step.py`): median milliseconds, or why it was skipped.
 */
export async function torchStep(
  width: number,
  size: number,
  batch: number,
  reps: number,
): Promise<number | string> {
  return (await torchStepDetail(width, size, batch, reps)).ms;
}

/** {@link torchStep} with the intra-op thread count PyTorch used (its default). */
export async function torchStepDetail(
  width: number,
  size: number,
  batch: number,
  reps: number,
): Promise<{ ms: number | string; threads?: number }> {
  const script = new URL("./torch_step.py", import.meta.url).pathname;
  for (const py of ["python3", "/usr/bin/python3"]) {
    try {
      const out = await new Deno.Command(py, {
        args: [script, String(width), String(size), String(batch), String(reps)],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (out.success) {
        const { ms, threads } = JSON.parse(new TextDecoder().decode(out.stdout));
        return { ms, threads };
      }
    } catch { /* try the next interpreter */ }
  }
  return { ms: "skipped: no python3 with torch (apt-get install python3-torch)" };
}
