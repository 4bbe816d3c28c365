/**
 * Size presets of a task: the default run, `--full` and `--quick`. A value
 * given in a flag or config file always wins over the preset.
 *
 * @example
 * ```ts
 * const sizes: Sizes = { epochs: [3, 6, 1] };
 * withSizes(sizes, { full: true }).epochs; // 6
 * ```
 * @module
 */
import { ConfigError, type TaskOption } from "@quadranet/core";

/** name → [default, --full, --quick]. */
export type Sizes = Record<string, [number, number, number]>;

/** Fills unset sizes from the preset `--full` / `--quick` / default selects. */
export function withSizes(sizes: Sizes, config: Record<string, unknown>): Record<string, unknown> {
  if (config.full && config.quick) {
    throw new ConfigError("full", "--full and --quick exclude each other; give one");
  }
  const pick = config.full ? 1 : config.quick ? 2 : 0;
  const out = { ...config };
  for (const [k, v] of Object.entries(sizes)) if (out[k] === undefined) out[k] = v[pick];
  return out;
}

/** An integer option whose default comes from the presets (`max`: an upper bound, checked while parsing). */
export function sizeOption(
  sizes: Sizes,
  name: string,
  help: string,
  min = 0,
  max?: number,
): TaskOption {
  const [d, full, quick] = sizes[name];
  return {
    name,
    type: "number",
    integer: true,
    min,
    ...(max !== undefined ? { max } : {}),
    default: undefined,
    help: `${help} (default ${d}; --full: ${full}; --quick: ${quick})`,
  };
}
