/**
 * Tasks: named, registered orchestrations of real runs (kind `"task"`),
 * started by `deno task train --task NAME`. A task declares its options (for
 * `--help`, flag parsing and validation) and runs with a resolved config
 * whose type follows from those options ({@link ConfigOf}): no casts.
 *
 * @example
 * ```ts
 * import { type ConfigOf, register, type TaskDefinition, taskOptions } from "@quadranet/core";
 * const options = taskOptions([
 *   { name: "epochs", type: "number", integer: true, min: 1, default: 3, help: "epochs per method" },
 *   { name: "note", type: "string", default: undefined, help: "free text" },
 * ]);
 * const myTask: TaskDefinition<ConfigOf<typeof options>> = {
 *   name: "my-task",
 *   description: "Adapts X on Y",
 *   options,
 *   run: (ctx) => {
 *     const epochs: number = ctx.config.epochs; // typed from the option
 *     console.log(epochs, ctx.config.note ?? "(no note)");
 *     return Promise.resolve({ status: "completed" });
 *   },
 * };
 * register("task", myTask.name, myTask);
 * ```
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { Progress } from "../train/progress.ts";
import type { SelectedBackend } from "./backend_select.ts";

/** The value types of task options. */
export type TaskOptionType = "number" | "string" | "boolean" | "list";

/** The TypeScript type of an option of type `T`. */
export type OptionValue<T extends TaskOptionType> = T extends "number" ? number
  : T extends "string" ? string
  : T extends "boolean" ? boolean
  : string[];

/** One task option: a `--flag` and a config field of the same (camelCase) name. */
export interface TaskOption<N extends string = string, T extends TaskOptionType = TaskOptionType> {
  /** camelCase config name; the flag is its kebab-case form. */
  name: N;
  /** The value type. */
  type: T;
  /** The default (`undefined`: unset unless given). */
  default: OptionValue<T> | undefined;
  /** One line for `--help`. */
  help: string;
  /** Allowed values (strings, or list items). */
  choices?: readonly string[];
  /** For numbers: inclusive lower bound. */
  min?: number;
  /** For numbers: inclusive upper bound. */
  max?: number;
  /** For numbers: must be an integer. */
  integer?: boolean;
  /** For numbers: `min` itself is not allowed (e.g. a learning rate above 0). */
  exclusiveMin?: boolean;
}

/** The value type of option `P`: its `choices` when it lists them, else its type's. */
export type ValueOfOption<P extends TaskOption> = P extends
  { type: "string"; choices: readonly (infer C extends string)[] } ? C
  : P extends { type: "list"; choices: readonly (infer C extends string)[] } ? C[]
  : OptionValue<P["type"]>;

/** The config type of an option list: each option's value, `| undefined` where it has no default. */
export type ConfigOf<O extends readonly TaskOption[]> = {
  [P in O[number] as P["name"]]:
    | ValueOfOption<P>
    | (undefined extends P["default"] ? undefined : never);
};

/** Returns `options` unchanged, keeping each option's name and type for {@link ConfigOf}. */
export function taskOptions<const O extends readonly TaskOption[]>(options: O): O {
  return options;
}

/** `batchSize` → `batch-size` (the option's flag). */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Validates and converts one option value from a flag string (`source`
 * `"flag"`) or a config file / stored config; throws {@link ConfigError}.
 */
export function coerceOption<T extends TaskOptionType>(
  opt: TaskOption<string, T>,
  raw: unknown,
  source: string,
): OptionValue<T> {
  const where = `${source} ${source === "flag" ? `--${kebab(opt.name)}` : `"${opt.name}"`}`;
  const fail = (what: string): never => {
    throw new ConfigError(opt.name, `Invalid ${where}: ${what}`);
  };
  const value = (v: OptionValue<TaskOptionType>) => v as OptionValue<T>;
  switch (opt.type as TaskOptionType) {
    case "boolean":
      if (typeof raw === "boolean") return value(raw);
      if (raw === "true" || raw === "false") return value(raw === "true");
      return fail(`expected true or false, got ${JSON.stringify(raw)}`);
    case "number": {
      const n = typeof raw === "number"
        ? raw
        : typeof raw === "string" && raw.trim()
        ? Number(raw)
        : NaN;
      if (!Number.isFinite(n)) return fail(`expected a number, got ${JSON.stringify(raw)}`);
      if (opt.integer && !Number.isInteger(n)) return fail(`expected an integer, got ${n}`);
      if (opt.min !== undefined && opt.exclusiveMin && n <= opt.min) {
        return fail(`${n} must be above ${opt.min}`);
      }
      if (opt.min !== undefined && n < opt.min) return fail(`${n} is below the minimum ${opt.min}`);
      if (opt.max !== undefined && n > opt.max) return fail(`${n} is above the maximum ${opt.max}`);
      return value(n);
    }
    case "string":
      if (typeof raw !== "string") return fail(`expected a string, got ${JSON.stringify(raw)}`);
      if (opt.choices && !opt.choices.includes(raw)) {
        return fail(`"${raw}" is not one of: ${opt.choices.join(", ")}`);
      }
      return value(raw);
    case "list": {
      const items = Array.isArray(raw)
        ? raw.flatMap((r) => String(r).split(","))
        : typeof raw === "string"
        ? raw.split(",")
        : fail(`expected a comma-separated list, got ${JSON.stringify(raw)}`);
      const list = items.map((s) => s.trim()).filter(Boolean);
      for (const item of list) {
        if (opt.choices && !opt.choices.includes(item)) {
          fail(`"${item}" is not one of: ${opt.choices.join(", ")}`);
        }
      }
      return value(list);
    }
  }
}

/**
 * Checks a whole config object (a stored `config.json`, say) against
 * `options`: each option's value converted and checked, defaults filled;
 * other keys kept out. Throws {@link ConfigError} naming the bad key.
 */
export function checkTaskConfig<const O extends readonly TaskOption[]>(
  options: O,
  value: Readonly<Record<string, unknown>>,
  source = "config",
): ConfigOf<O> {
  const out: Record<string, unknown> = {};
  for (const o of options) {
    const raw = value[o.name] ?? o.default;
    out[o.name] = raw === undefined ? undefined : coerceOption(o, raw, source);
  }
  return out as ConfigOf<O>;
}

/** What a task's `run` gets. */
export interface TaskContext<C = Record<string, unknown>> {
  /** The resolved config: defaults < config file < flags. */
  config: C;
  /** Where run records go. */
  runsDir: string;
  /** The compute backend chosen. */
  backend: SelectedBackend;
  /** Progress display. */
  progress: Progress;
  /** No progress output. */
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
  /** How the task ended. */
  status: "completed" | "interrupted";
  /** Where its records are (run or comparison folder). */
  recordDir?: string;
}

/** A registered task; `C` is its config type (see {@link ConfigOf}). */
export interface TaskDefinition<C = Record<string, unknown>> {
  /** Registry name (`--task`). */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Its options (flags and config keys). */
  options: readonly TaskOption[];
  /** Runs it. */
  run(ctx: TaskContext<C>): Promise<TaskResult>;
}
