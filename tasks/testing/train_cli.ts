/**
 * Runs `tasks/train.ts` in a child Deno process the way a user runs
 * `deno task train` (the task's permissions, no colour), for the tasks'
 * end-to-end tests.
 *
 * @example
 * ```ts ignore
 * import { train } from "./train_cli.ts";
 * const { code, stdout } = await train(["--quick", "--quiet"]);
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const ROOT: string = new URL("../..", import.meta.url).pathname;
/** The CLI entry point. */
export const TRAIN: string = join(ROOT, "tasks/train.ts");

/** The child-process command for `deno task train ARGS` (spawn it to signal or kill it). */
export function trainCommand(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-ffi",
      "--allow-sys",
      TRAIN,
      ...args,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs `deno task train ARGS` to the end: exit code and decoded output. */
export async function train(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await trainCommand(args).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Waits (up to a minute) until run `runId` under `runsDir` has a checkpoint
 * at step `atLeast` or later (its `checkpoints/latest.json`); throws if none comes.
 */
export async function waitForCheckpoint(
  runsDir: string,
  runId: string,
  atLeast: number,
): Promise<void> {
  const latest = join(runsDir, runId, "checkpoints", "latest.json");
  for (let i = 0; i < 3000; i++) {
    if (existsSync(latest)) {
      const step = JSON.parse(Deno.readTextFileSync(latest)).step;
      if (step >= atLeast) return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no checkpoint >= ${atLeast} for ${runId}`);
}
