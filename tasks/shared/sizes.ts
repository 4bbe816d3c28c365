/**
 * Size presets of a task: per option a row of values, one per preset — the
 * default run, `--full` and `--quick` (`[default, full, quick]`), or, for a
 * task without `--full`, `[default, quick]`. A value given in a flag or
 * config file always wins over the preset; an `undefined` preset value leaves
 * the option unset (the task fills it, e.g. from the backbone).
 *
 * @example
 * ```ts
 * import { withSizes } from "./sizes.ts";
 * withSizes({ epochs: [3, 6, 1] }, { full: true }).epochs; // 6
 * withSizes({ epochs: [5, 1] }, { quick: true }).epochs; // 1
 * ```
 * @module
 */
import { ConfigError, type TaskOption, type TaskOptionType } from "@quadranet/core";

/** name → [default, --full, --quick]. */
export type Sizes = Record<string, [number, number, number]>;

/** name → [default, --quick] (a task without `--full`); `undefined`: no preset value. */
export type QuickSizes = Record<string, readonly [unknown, unknown]>;

/** Fills unset options from the preset `--full` / `--quick` / default selects. */
export function withSizes(
  sizes: Sizes | QuickSizes,
  config: Record<string, unknown>,
): Record<string, unknown> {
  if (config.full && config.quick) {
    throw new ConfigError("full", "--full and --quick exclude each other; give one");
  }
  const out = { ...config };
  for (const [k, row] of Object.entries(sizes)) {
    const v = row[config.full ? 1 : config.quick ? row.length - 1 : 0];
    if (out[k] === undefined && v !== undefined) out[k] = v;
  }
  return out;
}

/** "(default D; --full: F; --quick: Q)" of option `name` (`unset`: said for an undefined default). */
function presetHelp(sizes: Sizes | QuickSizes, name: string, unset: string): string {
  const row = sizes[name];
  if (!row) throw new Error(`no size preset for option "${name}"`);
  const [d, ...rest] = row;
  const labels = rest.length === 2 ? ["--full", "--quick"] : ["--quick"];
  return `(default ${d ?? unset}; ${rest.map((v, i) => `${labels[i]}: ${v}`).join("; ")})`;
}

/**
 * Option `o` with its default from the presets (unset until {@link withSizes}
 * fills it) and the presets in its help line.
 */
export function sizedOption<
  const N extends string,
  const T extends TaskOptionType,
  const O extends Omit<TaskOption<N, T>, "default">,
>(sizes: Sizes | QuickSizes, o: O, unset = "none"): O & { default: undefined } {
  return { ...o, default: undefined, help: `${o.help} ${presetHelp(sizes, o.name, unset)}` };
}

/** An integer option whose default comes from the presets (`max`: an upper bound, checked while parsing). */
export function sizeOption<const N extends string>(
  sizes: Sizes | QuickSizes,
  name: N,
  help: string,
  min = 0,
  max?: number,
): TaskOption<N, "number"> & { default: undefined } {
  return sizedOption(sizes, {
    name,
    type: "number" as const,
    integer: true,
    min,
    ...(max !== undefined ? { max } : {}),
    help,
  });
}
