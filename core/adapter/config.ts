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
import { lookup, registered } from "../plugins/default_registry.ts";
import {
  ADAPTER_OPTION_NAMES,
  ADAPTER_OPTIONS,
  type AdapterOptionName,
  type LayerSelector,
  type ResolvedAdaptConfig,
} from "./options.ts";

export type { LayerSelector, ResolvedAdaptConfig };

/** What {@link adapt} accepts. Every key is optional; `ADAPTER_OPTIONS` holds defaults and checks. */
export interface AdaptConfig {
  /** Adapter method, registered as kind `"method"` (default `"quadratic"`). */
  method?: string;
  /** Rank r of the adapter: U, V (LoRA: A) project to r channels. Default 8. */
  rank?: number;
  /** Scale numerator: the term is multiplied by `alpha / rank`. Default `rank`. */
  alpha?: number;
  /** Kernel method name, registered as kind `"kernel"`. Default `"quadratic"`. Quadratic only. */
  kernel?: string;
  /** Options of the kernel method (e.g. `{ degree: 3 }` for `poly`). Quadratic only. */
  kernelOptions?: Record<string, number | boolean | string>;
  /** U/V kernel size for convs; default matches the primary receptive field. Quadratic only. */
  quadKernelSize?: number | [number, number];
  /** U/V dilation for convs (atrous); default matches the primary receptive field. Quadratic only. */
  dilation?: number | [number, number];
  /** Layers to adapt. Default `"all"`: every layer class the method supports. */
  targets?: "all" | LayerSelector | LayerSelector[];
  /** Layers never adapted, even when `targets` selects them. */
  exclude?: LayerSelector | LayerSelector[];
  /** Train the pre-trained weights too. Default false (frozen). */
  trainPrimary?: boolean;
  /** Layers trained in full and saved with the adapter (e.g. the classifier head). */
  modulesToSave?: LayerSelector | LayerSelector[];
  /** Backprop strategy, registered as kind `"backprop"`. Default `"autodiff"`. Quadratic only. */
  backprop?: string;
  /** Seed of the adapter weights' initialisation. Default 0. */
  seed?: number;
}

// The interface and the table name the same keys (a compile error otherwise).
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never)
  : never;
const _sameKeys: SameKeys<Required<AdaptConfig>, typeof ADAPTER_OPTIONS> = true;

/**
 * Fills in defaults and validates; throws {@link ConfigError} naming the key.
 * An option the chosen method does not use (`kernel` with `method: "lora"`)
 * is an error naming both.
 */
export function resolveAdaptConfig(config: AdaptConfig = {}): ResolvedAdaptConfig {
  const given = config as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(ADAPTER_OPTION_NAMES as string[]).includes(key)) {
      throw new ConfigError(
        key,
        `Unknown adapter config key "${key}"; allowed keys: ${ADAPTER_OPTION_NAMES.join(", ")}`,
      );
    }
  }
  const methodName = ADAPTER_OPTIONS.method.resolve(given.method);
  const method = lookup("method", methodName);
  for (const key of ADAPTER_OPTION_NAMES) {
    if (given[key] === undefined || ADAPTER_OPTIONS[key].scope === "common") continue;
    if (!method.accepts.includes(key)) {
      const users = registered("method").filter((m) => lookup("method", m).accepts.includes(key));
      throw new ConfigError(
        key,
        `Adapter method "${methodName}" does not support option "${key}"; remove it` +
          (users.length ? ` (it applies to method ${users.join(", ")})` : ""),
      );
    }
  }
  const out: Partial<Record<AdapterOptionName, unknown>> = {};
  for (const key of ADAPTER_OPTION_NAMES) {
    out[key] = ADAPTER_OPTIONS[key].resolve(given[key], given);
  }
  return out as ResolvedAdaptConfig;
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
