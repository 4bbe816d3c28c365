/**
 * The task options every comparison task has (the seed, the comparison id,
 * the arms to run, adapter targets, checkpoint interval, decode workers),
 * defined once; a task gives its own default and help text where they differ.
 * Each keeps its name and type for `ConfigOf`.
 *
 * @example
 * ```ts
 * import { type ConfigOf, taskOptions } from "@quadranet/core";
 * import { methodsOption, seedOption } from "./options.ts";
 * const options = taskOptions([seedOption("seed"), methodsOption(["a", "b"], ["a"])]);
 * type Config = ConfigOf<typeof options>; // { seed: number; methods: ("a" | "b")[] }
 * ```
 * @module
 */
import type { TaskOption } from "@quadranet/core";

/** `--seed` (an integer ≥ 0, default 1). */
export function seedOption(help: string) {
  return { name: "seed", type: "number", integer: true, min: 0, default: 1, help } as const;
}

/** `--run-id`: the comparison id (default: the task makes one). */
export function runIdOption(help: string): TaskOption<"runId", "string"> & { default: undefined } {
  return { name: "runId", type: "string", default: undefined, help };
}

/** `--methods`: the arms to run, from `choices` (report order), `defaults` unless given. */
export function methodsOption<const C extends string>(
  choices: readonly C[],
  defaults: readonly C[] = choices,
): { name: "methods"; type: "list"; default: C[]; choices: readonly C[]; help: string } {
  return { name: "methods", type: "list", default: [...defaults], choices, help: "arms to run" };
}

/** `--targets`: the layers to adapt (default: the network's own). */
export function targetsOption(
  help: string,
): TaskOption<"targets", "list"> & { default: undefined } {
  return { name: "targets", type: "list", default: undefined, help };
}

/** `--checkpoint-every N`: also checkpoint every N steps (0: at epoch ends only). */
export function checkpointEveryOption(
  help = "also checkpoint every N steps (0: at epoch ends only)",
) {
  return {
    name: "checkpointEvery",
    type: "number",
    integer: true,
    min: 0,
    default: 0,
    help,
  } as const;
}

/** `--workers`: decode worker threads (0 decodes on the main thread). */
export function workersOption<const D extends number | undefined>(defaultValue: D, help: string) {
  return {
    name: "workers",
    type: "number",
    integer: true,
    min: 0,
    default: defaultValue,
    help,
  } as const;
}
