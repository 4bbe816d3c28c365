/**
 * The adapter config of {@link adapt}, in PEFT's vocabulary, and its
 * validation. Every bad value fails with a {@link ConfigError} that names the
 * key and says what to use instead.
 *
 * @example
 * ```ts
 * import { resolveAdaptConfig } from "@quadranet/core";
 * const cfg = resolveAdaptConfig({ rank: 4, targets: /conv/, modulesToSave: ["head"] });
 * cfg.alpha; // 4 (defaults to the rank: scale 1)
 * ```
 * @module
 */
import { ConfigError } from "../errors.ts";
import { lookup } from "../plugins/default_registry.ts";
import type { KernelOptions } from "./kernel_method.ts";

/** One layer selector: a layer name, a layer class name, or a RegExp on names. */
export type LayerSelector = string | RegExp;

/** What {@link adapt} accepts. Every key is optional. */
export interface AdaptConfig {
  /** Adapter method, registered as kind `"method"` (default `"quadratic"`). */
  method?: string;
  /** Rank r of the quadratic term: U, V project to r channels. Default 8. */
  rank?: number;
  /** Scale numerator: the term is multiplied by `alpha / rank`. Default `rank`. */
  alpha?: number;
  /** Kernel method name, registered as kind `"kernel"`. Default `"quadratic"`. */
  kernel?: string;
  /** Options of the kernel method (e.g. `{ degree: 3 }` for `poly`). */
  kernelOptions?: Record<string, number | boolean | string>;
  /** U/V kernel size for convs; default matches the primary receptive field. */
  quadKernelSize?: number | [number, number];
  /** U/V dilation for convs (atrous); default matches the primary receptive field. */
  dilation?: number | [number, number];
  /** Layers to adapt. Default `"all"`: every Dense, Conv2D and DepthwiseConv2D. */
  targets?: "all" | LayerSelector | LayerSelector[];
  /** Layers never adapted, even when `targets` selects them. */
  exclude?: LayerSelector | LayerSelector[];
  /** Train the pre-trained weights too. Default false (frozen). */
  trainPrimary?: boolean;
  /** Layers trained in full and saved with the adapter (e.g. the classifier head). */
  modulesToSave?: LayerSelector | LayerSelector[];
  /** Backprop strategy, registered as kind `"backprop"`. Default `"autodiff"`. */
  backprop?: string;
  /** Seed of the U/V initialisation. Default 0. */
  seed?: number;
}

/** {@link AdaptConfig} with every default filled in and every value checked. */
export interface ResolvedAdaptConfig {
  method: string;
  rank: number;
  alpha: number;
  kernel: string;
  kernelOptions: Record<string, number | boolean | string>;
  quadKernelSize: [number, number] | null;
  dilation: [number, number] | null;
  targets: "all" | LayerSelector[];
  exclude: LayerSelector[];
  trainPrimary: boolean;
  modulesToSave: LayerSelector[];
  backprop: string;
  seed: number;
}

const KEYS: (keyof AdaptConfig)[] = [
  "method",
  "rank",
  "alpha",
  "kernel",
  "kernelOptions",
  "quadKernelSize",
  "dilation",
  "targets",
  "exclude",
  "trainPrimary",
  "modulesToSave",
  "backprop",
  "seed",
];

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

function checkName(field: "kernel" | "backprop" | "method", name: unknown): string {
  if (typeof name !== "string") {
    throw new ConfigError(field, `${field} must be a registered name (a string)`);
  }
  try {
    lookup(field, name);
  } catch (e) {
    throw new ConfigError(field, (e as Error).message);
  }
  return name;
}

/** Validates kernel options with the kernel's own check (ConfigError on failure). */
export function checkKernelOptions(
  kernel: string,
  options: unknown,
): Record<string, number | boolean | string> {
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

/** Fills in defaults and validates; throws {@link ConfigError} naming the key. */
export function resolveAdaptConfig(config: AdaptConfig = {}): ResolvedAdaptConfig {
  for (const key of Object.keys(config)) {
    if (!KEYS.includes(key as keyof AdaptConfig)) {
      throw new ConfigError(
        key,
        `Unknown adapter config key "${key}"; allowed keys: ${KEYS.join(", ")}`,
      );
    }
  }
  const rank = checkRank(config.rank ?? 8);
  const seed = config.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ConfigError("seed", `seed ${seed} must be an integer`);
  if (config.trainPrimary !== undefined && typeof config.trainPrimary !== "boolean") {
    throw new ConfigError("trainPrimary", `trainPrimary must be true or false`);
  }
  const targets = config.targets ?? "all";
  const kernel = checkName("kernel", config.kernel ?? "quadratic");
  return {
    method: checkName("method", config.method ?? "quadratic"),
    rank,
    alpha: checkAlpha(config.alpha ?? rank),
    kernel,
    kernelOptions: checkKernelOptions(kernel, config.kernelOptions ?? {}),
    quadKernelSize: config.quadKernelSize === undefined
      ? null
      : positivePair("quadKernelSize", config.quadKernelSize),
    dilation: config.dilation === undefined ? null : positivePair("dilation", config.dilation),
    targets: targets === "all" ? "all" : selectors("targets", targets),
    exclude: selectors("exclude", config.exclude),
    trainPrimary: config.trainPrimary ?? false,
    modulesToSave: selectors("modulesToSave", config.modulesToSave),
    backprop: checkName("backprop", config.backprop ?? "autodiff"),
    seed,
  };
}

/** JSON form of a resolved config (RegExps become `{ regex, flags }`). */
export function configToJson(c: ResolvedAdaptConfig): Record<string, unknown> {
  const sel = (s: LayerSelector) => s instanceof RegExp ? { regex: s.source, flags: s.flags } : s;
  return {
    ...c,
    targets: c.targets === "all" ? "all" : c.targets.map(sel),
    exclude: c.exclude.map(sel),
    modulesToSave: c.modulesToSave.map(sel),
  };
}

/** Inverse of {@link configToJson}. */
export function configFromJson(j: Record<string, unknown>): AdaptConfig {
  const sel = (s: unknown): LayerSelector => {
    if (s && typeof s === "object" && "regex" in s) {
      const r = s as { regex: string; flags?: string };
      return new RegExp(r.regex, r.flags ?? "");
    }
    return s as string;
  };
  const list = (
    v: unknown,
  ) => (Array.isArray(v) ? v.map(sel) : v === undefined ? undefined : [sel(v)]);
  const out: Record<string, unknown> = { ...j };
  if (j.targets !== "all") out.targets = list(j.targets);
  out.exclude = list(j.exclude);
  out.modulesToSave = list(j.modulesToSave);
  if (j.quadKernelSize === null) delete out.quadKernelSize;
  if (j.dilation === null) delete out.dilation;
  return out as AdaptConfig;
}
