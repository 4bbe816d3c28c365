/**
 * `deno task train` options: the generic flags, each task's own flags, and
 * their validation. Flags are kebab-case forms of config names
 * (`--batch-size` ↔ `batchSize`); precedence is defaults < config file < flags.
 *
 * @example
 * ```ts
 * import { lookup } from "@quadranet/core";
 * import { resolveConfig } from "./options.ts";
 * import "../digits-shift/mod.ts";
 * const config = resolveConfig(["--quick", "--rank", "8"], lookup("task", "digits-shift"));
 * console.log(config.quick, config.rank); // true 8
 * ```
 * @module
 */
import {
  coerceOption,
  ConfigError,
  type ConfigOf,
  kebab,
  type TaskDefinition,
  type TaskOption,
  taskOptions,
} from "@quadranet/core";
import { parseArgs } from "node:util";

/** Options every task accepts. */
export const GENERIC_OPTIONS = taskOptions([
  {
    name: "task",
    type: "string",
    default: "digits-shift",
    help: "task to run (see the list below)",
  },
  {
    name: "config",
    type: "string",
    default: undefined,
    help: "JSON or TS config file; flags override it",
  },
  {
    name: "backend",
    type: "string",
    default: "auto",
    help: "compute backend (auto picks the fastest that loads)",
  },
  {
    name: "plugin",
    type: "list",
    default: [],
    help: "plugin module to load (path or specifier; repeatable)",
  },
  {
    name: "resume",
    type: "string",
    default: undefined,
    help: "resume run or comparison ID where it stopped",
  },
  { name: "runsDir", type: "string", default: "runs", help: "where run records go" },
  {
    name: "quick",
    type: "boolean",
    default: false,
    help: "tiny sizes for a fast check (what tests use)",
  },
  { name: "quiet", type: "boolean", default: false, help: "no progress output" },
  { name: "help", type: "boolean", default: false, help: "show this help" },
]);

/** Config keys that are not task options but may appear in a config file. */
const FILE_ONLY = new Set(["plugins"]);

/**
 * Joins `--flag -1` into `--flag=-1` for value-taking flags, so a negative
 * number reaches validation (which names the flag and the bound) instead of
 * being read as an unknown short option.
 */
export function joinNegativeValues(args: string[], valueFlags: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i], next = args[i + 1];
    if (
      a.startsWith("--") && !a.includes("=") && valueFlags.has(a.slice(2)) &&
      next !== undefined && /^-(\d|\.\d|Infinity|NaN)/.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * Flags and config keys that may go with `--resume`: a resumed run keeps its
 * stored config, so any other option would be silently ignored; it is refused
 * instead.
 */
export const RESUME_COMPATIBLE = new Set([
  "resume",
  "runsDir",
  "quiet",
  "backend",
  "plugin",
  "plugins",
  "task",
  "config",
  "help",
]);

/**
 * With `--resume`, the options given that differ from the run's stored
 * config (they cannot be applied to a run under way). Values equal to the
 * stored ones are fine; the generic options in {@link RESUME_COMPATIBLE}
 * always are.
 */
export function resumeConflicts(
  config: Record<string, unknown>,
  given: string[],
  stored: Record<string, unknown>,
): string[] {
  return [...new Set(given)].filter((k) =>
    !RESUME_COMPATIBLE.has(k) && JSON.stringify(config[k]) !== JSON.stringify(stored[k])
  );
}

/** Pre-parse: only the flags needed before the task is known. */
export function preParse(
  args: string[],
): { task?: string; config?: string; plugins: string[]; help: boolean } {
  const { values } = parseArgs({
    args,
    strict: false,
    options: {
      task: { type: "string" },
      config: { type: "string" },
      plugin: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  return {
    task: typeof values.task === "string" ? values.task : undefined,
    config: typeof values.config === "string" ? values.config : undefined,
    plugins: ((values.plugin as string[] | undefined) ?? []).filter((p) => typeof p === "string")
      .flatMap((p) => p.split(",")).map((p) => p.trim()).filter(Boolean),
    help: values.help === true,
  };
}

/** The generic part of every resolved config. */
export type GenericConfig = ConfigOf<typeof GENERIC_OPTIONS>;

/** All options of `task` (generic first). */
export function allOptions(task: TaskDefinition): readonly TaskOption[] {
  return [...GENERIC_OPTIONS, ...task.options];
}

/**
 * Resolves the full config: option defaults, then `fileConfig`, then flags.
 * Unknown flags or config keys fail naming the allowed ones. The names of
 * the options set by a flag or the file are pushed onto `given`.
 */
export function resolveConfig(
  args: string[],
  task: TaskDefinition,
  fileConfig: Record<string, unknown> = {},
  given: string[] = [],
): GenericConfig & Record<string, unknown> {
  const options = allOptions(task);
  const byFlag = new Map(options.map((o) => [kebab(o.name), o]));
  const spec = Object.fromEntries(options.map((o) => [
    kebab(o.name),
    o.type === "boolean"
      ? { type: "boolean" as const }
      : o.type === "list"
      ? { type: "string" as const, multiple: true }
      : { type: "string" as const },
  ]));
  const valueFlags = new Set(options.filter((o) => o.type !== "boolean").map((o) => kebab(o.name)));
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: joinNegativeValues(args, valueFlags),
      options: { ...spec, h: { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    throw new ConfigError(
      "flags",
      `${msg}. Options of task "${task.name}": ${
        [...byFlag.keys()].map((f) => `--${f}`).join(", ")
      }`,
    );
  }
  const config: Record<string, unknown> = {};
  for (const o of options) if (o.default !== undefined) config[o.name] = structuredClone(o.default);
  for (const [key, raw] of Object.entries(fileConfig)) {
    if (FILE_ONLY.has(key)) {
      config[key] = raw;
      continue;
    }
    const opt = options.find((o) => o.name === key);
    if (!opt) {
      throw new ConfigError(
        key,
        `Unknown config key "${key}" for task "${task.name}"; allowed: ${
          [...options.map((o) => o.name), ...FILE_ONLY].join(", ")
        }`,
      );
    }
    config[key] = coerceOption(opt, raw, "config");
  }
  for (const [flag, raw] of Object.entries(values)) {
    if (flag === "h") {
      config.help = true;
      continue;
    }
    const opt = byFlag.get(flag)!;
    config[opt.name] = coerceOption(opt, raw, "flag");
  }
  given.push(
    ...Object.keys(values).filter((f) => f !== "h").map((f) => byFlag.get(f)!.name),
    ...Object.keys(fileConfig),
  );
  return config as GenericConfig & Record<string, unknown>; // every option coerced above
}
