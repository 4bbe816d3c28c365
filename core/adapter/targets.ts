/**
 * Target selection: which layers `targets`, `exclude` and `modulesToSave`
 * name. Strings match a layer name or a layer class name exactly; RegExps
 * are tested against layer names.
 *
 * @example
 * ```ts
 * import { selectTargets } from "./targets.ts";
 * const layers = [{ name: "conv1", className: "Conv2D" }, { name: "head", className: "Dense" }];
 * selectTargets(layers, "all", [], ["Conv2D", "Dense"]); // ["conv1", "head"]
 * ```
 * @module
 */
import { TargetError, UnsupportedLayerError } from "../errors.ts";
import type { LayerSelector } from "./config.ts";

/** A layer's name and class name. */
export interface LayerInfo {
  name: string;
  className: string;
}

function describe(layers: LayerInfo[]): string {
  const shown = layers.slice(0, 80).map((l) => `${l.name} (${l.className})`).join(", ");
  return layers.length > 80 ? `${shown}, ... (${layers.length} layers)` : shown;
}

function show(s: LayerSelector): string {
  return s instanceof RegExp ? s.toString() : JSON.stringify(s);
}

/** Layers one selector picks (before filtering by support). */
function pick(layers: LayerInfo[], s: LayerSelector): LayerInfo[] {
  if (s instanceof RegExp) return layers.filter((l) => s.test(l.name));
  const byName = layers.filter((l) => l.name === s);
  return byName.length ? byName : layers.filter((l) => l.className === s);
}

function pickAll(field: string, layers: LayerInfo[], sel: LayerSelector[]): Set<string> {
  const out = new Set<string>();
  for (const s of sel) {
    const got = pick(layers, s);
    if (got.length === 0) {
      throw new TargetError(
        `${field} entry ${show(s)} matches no layer name or class. Layers are: ${describe(layers)}`,
      );
    }
    got.forEach((l) => out.add(l.name));
  }
  return out;
}

/**
 * The names of the layers to adapt, in model order. Throws
 * {@link TargetError} when nothing is selected and
 * {@link UnsupportedLayerError} when a string names an unsupported layer.
 */
export function selectTargets(
  layers: LayerInfo[],
  targets: "all" | LayerSelector[],
  exclude: LayerSelector[],
  supported: string[],
): string[] {
  const ok = (l: LayerInfo) => supported.includes(l.className);
  let chosen: LayerInfo[];
  if (targets === "all") {
    chosen = layers.filter(ok);
  } else {
    const names = pickAll("targets", layers, targets);
    for (const s of targets) {
      if (typeof s !== "string") continue;
      const bad = pick(layers, s).find((l) => !ok(l));
      if (bad) {
        throw new UnsupportedLayerError(
          bad.name,
          bad.className,
          `Cannot adapt layer "${bad.name}": ${bad.className} cannot carry a quadratic term; ` +
            `supported layer classes: ${supported.join(", ")}. Remove ${show(s)} from targets.`,
        );
      }
    }
    chosen = layers.filter((l) => names.has(l.name) && ok(l));
  }
  const excluded = pickAll("exclude", layers, exclude);
  chosen = chosen.filter((l) => !excluded.has(l.name));
  if (chosen.length === 0) {
    throw new TargetError(
      `targets ${targets === "all" ? '"all"' : targets.map(show).join(", ")}` +
        `${exclude.length ? ` less exclude ${exclude.map(show).join(", ")}` : ""} select no ` +
        `adaptable layer (${supported.join(", ")}). Layers are: ${describe(layers)}`,
    );
  }
  return chosen.map((l) => l.name);
}

/** The names of the layers `modulesToSave` selects (each entry must match). */
export function selectModules(layers: LayerInfo[], sel: LayerSelector[]): string[] {
  const names = pickAll("modulesToSave", layers, sel);
  return layers.filter((l) => names.has(l.name)).map((l) => l.name);
}
