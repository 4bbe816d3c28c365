/**
 * Orphaning a process the way `npx` leaves one when it is killed: a shell
 * starts the command in the background, prints its pid and waits; the shell
 * is then SIGKILLed, so the command loses its parent and no signal is
 * forwarded. For the tests of the watch that stops an orphaned trainer or
 * server (Linux: liveness is read from `/proc/<pid>`).
 *
 * @example
 * ```ts
 * import { startInBackground, waitForExit } from "@quadranet/core/testing";
 * const child = await startInBackground("sleep 1");
 * await child.orphan(); // `sleep` runs on without its shell
 * await waitForExit(child.pid, 5000); // true once it has ended
 * ```
 * @module
 */
import { existsSync } from "node:fs";

/** A command running in the background of a shell that can be killed. */
export interface BackgroundProcess {
  /** The command's process id. */
  pid: number;
  /** SIGKILLs the shell: the command is orphaned (nothing is sent to it). */
  orphan(): Promise<void>;
}

/** Starts `command` (a shell command line) in the background of `sh`, in `cwd`. */
export async function startInBackground(
  command: string,
  cwd?: string,
): Promise<BackgroundProcess> {
  const sh = new Deno.Command("sh", {
    args: ["-c", `${command} & echo $!; wait`],
    cwd,
    stdout: "piped",
  }).spawn();
  const reader = sh.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const pid = Number((await reader.read()).value);
  return {
    pid,
    orphan: async () => {
      sh.kill("SIGKILL");
      await sh.status;
      await reader.cancel();
    },
  };
}

/** Waits up to `timeoutMs` for process `pid` to end; whether it did. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs && existsSync(`/proc/${pid}`); waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return !existsSync(`/proc/${pid}`);
}
