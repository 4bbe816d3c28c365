/**
 * The adapter options of {@link adapt}, defined once: for each key its
 * default, its validation, its help line and which methods use it. The config
 * type's defaults ({@link resolveAdaptConfig}), the keys the adapted layers
 * receive, the `--rank`/`--kernel`/... flags of tasks and their `--help` text
 * are all generated from this table.
 *
 * @example
 * ```ts
 * import { ADAPTER_OPTIONS } from "@quadranet/core";
 * console.log(ADAPTER_OPTIONS.rank.help, ADAPTER_OPTIONS.kernel.scope); // ... method
 * ```
 * @module
 */
import { ConfigError } from "../errors.ts";
import { lookup } from "../plugins/default_registry.ts";
import type { PluginKind } from "../plugins/kinds.ts";
import type { OptionValue, TaskOption } from "../plugins/task.ts";
import type { KernelOptions } from "./kernel_method.ts";

/** One layer selector: a layer name, a layer class name, or a RegExp on names. */
export type LayerSelector = string | RegExp;

/** One adapter option. */
export interface AdapterOptionSpec<T> {
  /** One line for docs and `--help`. */
  help: string;
  /** The default, shown in `--help` (`resolve(undefined)` gives the value). */
  shownDefault: string;
  /** `common` to every method, or `method`: used only by methods that list it in `accepts`. */
  scope: "common" | "method";
  /** How a task flag carries it (absent: not a flag). */
  flag?: "number" | "integer" | "string";
  /** For number flags: the inclusive lower bound. */
  min?: number;
  /** Checks a given value (or fills the default for `undefined`); throws {@link ConfigError}. */
  resolve(value: unknown, config: Readonly<Record<string, unknown>>): T;
}

/** Checks a positive integer, or a pair of them, and returns the pair. */
export function positivePair(field: string, v: unknown): [number, number] {
  const pair = typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new ConfigError(
      field,
      `${field} must be an integer >= 1 or a pair [h, w]; got ${JSON.stringify(v)}`,
    );
  }
  for (const n of pair) {
    if (!Number.isInteger(n) || n < 1) {
      throw new ConfigError(
        field,
        `${field} ${JSON.stringify(v)} is invalid: ${n} is ${
          Number.isInteger(n) ? "below 1" : "not an integer"
        }; use ${field} >= 1`,
      );
    }
  }
  return [pair[0], pair[1]];
}

/** {@link positivePair}, or null for an unset (`undefined`/`null`) value. */
export function optionalPair(field: string, v: unknown): [number, number] | null {
  return v === undefined || v === null ? null : positivePair(field, v);
}

/** Checks the rank: an integer >= 1. */
export function checkRank(rank: unknown): number {
  if (typeof rank !== "number" || !Number.isInteger(rank) || rank < 1) {
    throw new ConfigError(
      "rank",
      `rank ${JSON.stringify(rank)} is ${
        typeof rank === "number" && Number.isInteger(rank) ? "below 1" : "not an integer"
      }; use rank >= 1 (e.g. 4, 8, 16)`,
    );
  }
  return rank;
}

/** Checks alpha: a finite number > 0. */
export function checkAlpha(alpha: unknown): number {
  if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha <= 0) {
    throw new ConfigError(
      "alpha",
      `alpha ${JSON.stringify(alpha)} must be a finite number > 0 (the scale is alpha / rank)`,
    );
  }
  return alpha;
}

function selectors(field: string, v: unknown): LayerSelector[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  for (const s of list) {
    if (!(typeof s === "string" || s instanceof RegExp)) {
      throw new ConfigError(
        field,
        `${field} entries must be layer names, class names or RegExps; got ${JSON.stringify(s)}`,
      );
    }
  }
  return list as LayerSelector[];
}

function registeredName(kind: PluginKind & ("kernel" | "backprop" | "method"), v: unknown): string {
  if (typeof v !== "string") {
    throw new ConfigError(kind, `${kind} must be a registered name (a string)`);
  }
  try {
    lookup(kind, v);
  } catch (e) {
    throw new ConfigError(kind, (e as Error).message);
  }
  return v;
}

/** Validates kernel options with the kernel's own check (ConfigError on failure). */
export function checkKernelOptions(kernel: string, options: unknown): KernelOptions {
  if (!options || typeof options !== "object" || Array.isArray(options)) {
    throw new ConfigError(
      "kernelOptions",
      `kernelOptions must be an object of options for kernel "${kernel}"`,
    );
  }
  const k = lookup("kernel", kernel);
  try {
    return k.resolveOptions
      ? k.resolveOptions(options as KernelOptions)
      : { ...(options as KernelOptions) };
  } catch (e) {
    throw new ConfigError(
      "kernelOptions",
      `kernelOptions for kernel "${kernel}": ${(e as Error).message}`,
    );
  }
}

/** The table: every key of {@link AdaptConfig}, in documentation order. */
export const ADAPTER_OPTIONS = {
  method: {
    help: "adapter method (quadratic; others, e.g. lora, from plugins)",
    shownDefault: "quadratic",
    scope: "common",
    flag: "string",
    resolve: (v: unknown): string => registeredName("method", v ?? "quadratic"),
  },
  rank: {
    help: "r: U and V project to r channels",
    shownDefault: "8",
    scope: "common",
    flag: "integer",
    min: 1,
    resolve: (v: unknown): number => checkRank(v ?? 8),
  },
  alpha: {
    help: "the adapter term is scaled by alpha / rank",
    shownDefault: "rank",
    scope: "common",
    flag: "number",
    min: 0,
    resolve: (v: unknown, c: Readonly<Record<string, unknown>>): number =>
      checkAlpha(v ?? checkRank(c.rank ?? 8)),
  },
  kernel: {
    help: "kernel method k(u, v) of the quadratic term (quadratic = u ⊙ v; others from plugins)",
    shownDefault: "quadratic",
    scope: "method",
    flag: "string",
    resolve: (v: unknown): string => registeredName("kernel", v ?? "quadratic"),
  },
  kernelOptions: {
    help: "options of the kernel method (e.g. { degree: 3 } for poly)",
    shownDefault: "{}",
    scope: "method",
    resolve: (v: unknown, c: Readonly<Record<string, unknown>>): KernelOptions =>
      checkKernelOptions(registeredName("kernel", c.kernel ?? "quadratic"), v ?? {}),
  },
  quadKernelSize: {
    help: "U/V kernel size for convs (default: matched to the primary receptive field)",
    shownDefault: "matched",
    scope: "method",
    resolve: (v: unknown): [number, number] | null => optionalPair("quadKernelSize", v),
  },
  dilation: {
    help: "U/V dilation for convs (atrous; default: matched to the primary receptive field)",
    shownDefault: "matched",
    scope: "method",
    resolve: (v: unknown): [number, number] | null => optionalPair("dilation", v),
  },
  targets: {
    help: 'layers to adapt: names, class names ("Conv2D"), RegExps on names, or "all"',
    shownDefault: "all",
    scope: "common",
    resolve: (v: unknown): "all" | LayerSelector[] =>
      v === undefined || v === "all" ? "all" : selectors("targets", v),
  },
  exclude: {
    help: "layers never adapted, even when targets selects them",
    shownDefault: "none",
    scope: "common",
    resolve: (v: unknown): LayerSelector[] => selectors("exclude", v),
  },
  trainPrimary: {
    help: "train the pre-trained weights too",
    shownDefault: "false",
    scope: "common",
    resolve: (v: unknown): boolean => {
      if (v !== undefined && typeof v !== "boolean") {
        throw new ConfigError("trainPrimary", `trainPrimary must be true or false`);
      }
      return v ?? false;
    },
  },
  modulesToSave: {
    help: "layers trained in full and saved with the adapter, never adapted (e.g. the head)",
    shownDefault: "none",
    scope: "common",
    resolve: (v: unknown): LayerSelector[] => selectors("modulesToSave", v),
  },
  backprop: {
    help: "backprop strategy of the quadratic term (autodiff; recompute from a plugin)",
    shownDefault: "autodiff",
    scope: "method",
    flag: "string",
    resolve: (v: unknown): string => registeredName("backprop", v ?? "autodiff"),
  },
  seed: {
    help: "seed of the adapter weights' initialisation",
    shownDefault: "0",
    scope: "common",
    flag: "integer",
    resolve: (v: unknown): number => {
      const seed = v ?? 0;
      if (typeof seed !== "number" || !Number.isInteger(seed)) {
        throw new ConfigError("seed", `seed ${seed} must be an integer`);
      }
      return seed;
    },
  },
} as const satisfies Record<string, AdapterOptionSpec<unknown>>;

/** The adapter option names. */
export type AdapterOptionName = keyof typeof ADAPTER_OPTIONS;

/** Every option with its default filled in and its value checked. */
export type ResolvedAdaptConfig = {
  [K in AdapterOptionName]: ReturnType<(typeof ADAPTER_OPTIONS)[K]["resolve"]>;
};

/** The option names, in table order. */
export const ADAPTER_OPTION_NAMES = Object.keys(ADAPTER_OPTIONS) as AdapterOptionName[];

/** The options every method takes. */
export const COMMON_OPTIONS: AdapterOptionName[] = ADAPTER_OPTION_NAMES.filter((k) =>
  ADAPTER_OPTIONS[k].scope === "common"
);

/** The adapter options that tasks may offer as flags. */
export type AdapterFlagName = {
  [K in AdapterOptionName]: (typeof ADAPTER_OPTIONS)[K] extends { flag: string } ? K : never;
}[AdapterOptionName];

/** The task-option type of an adapter flag. */
export type AdapterFlagType<N extends AdapterFlagName> = (typeof ADAPTER_OPTIONS)[N] extends
  { flag: "string" } ? "string" : "number";

/**
 * A task option (`--rank`, `--kernel`, ...) generated from the adapter option
 * `name`: its help and checks come from {@link ADAPTER_OPTIONS}; the task
 * chooses the default (`undefined`: the adapter's own).
 */
export function adapterTaskOption<
  const N extends AdapterFlagName,
  const D extends OptionValue<AdapterFlagType<N>> | undefined,
>(name: N, defaultValue: D): TaskOption<N, AdapterFlagType<N>> & { default: D } {
  const spec: AdapterOptionSpec<unknown> = ADAPTER_OPTIONS[name];
  const type = (spec.flag === "string" ? "string" : "number") as AdapterFlagType<N>;
  return {
    name,
    type,
    default: defaultValue,
    help: `${spec.help} (adapter option)`,
    ...(spec.flag === "integer" ? { integer: true } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
  };
}
