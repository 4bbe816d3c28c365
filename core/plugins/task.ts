/**
 * Tasks: named, registered orchestrations of real runs (kind `"task"`),
 * started by `deno task train --task NAME`. A task declares its options (for
 * `--help`, flag parsing and validation) and runs with a resolved config.
 *
 * @example
 * ```ts
 * import { register, type TaskDefinition } from "@quadranet/core";
 * const myTask: TaskDefinition = {
 *   name: "my-task",
 *   description: "Adapts X on Y",
 *   options: [{ name: "epochs", type: "number", default: 3, help: "epochs per method" }],
 *   run: async (ctx) => { console.log(ctx.config.epochs); },
 * };
 * register("task", myTask.name, myTask);
 * ```
 * @module
 */
import type { SelectedBackend } from "./backend_select.ts";
import type { Progress } from "../train/progress.ts";

/** One task option: a `--flag` and a config field of the same (camelCase) name. */
export interface TaskOption {
  /** camelCase config name; the flag is its kebab-case form. */
  name: string;
  type: "number" | "string" | "boolean" | "list";
  default: unknown;
  help: string;
  /** Allowed values (strings, or list items). */
  choices?: readonly string[];
  /** For numbers: inclusive bounds and whether it must be an integer. */
  min?: number;
  max?: number;
  integer?: boolean;
}

/** What a task's `run` gets. */
export interface TaskContext {
  /** The resolved config: defaults < config file < flags. */
  config: Record<string, unknown>;
  runsDir: string;
  backend: SelectedBackend;
  progress: Progress;
  quiet: boolean;
  /** A run or comparison id to resume, if `--resume` was given. */
  resume?: string;
  /** Set when the user presses Ctrl-C: checkpoint and stop. */
  signal: { interrupted: boolean };
  /** Prints a line for the user (not in `--quiet`). */
  log(line: string): void;
}

/** What a task reports back. */
export interface TaskResult {
  status: "completed" | "interrupted";
  /** Where its records are (run or comparison folder). */
  recordDir?: string;
}

/** A registered task. */
export interface TaskDefinition {
  name: string;
  description: string;
  options: TaskOption[];
  run(ctx: TaskContext): Promise<TaskResult>;
}
