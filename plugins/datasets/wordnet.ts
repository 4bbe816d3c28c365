/**
 * The ImageNet-21K-P class hierarchy from WordNet 3.0's noun database
 * (Debian's `wordnet-base`: `/usr/share/wordnet/data.noun`). A class id
 * `n01440764` names the noun synset at byte offset 01440764 of `data.noun`;
 * its parent is the nearest ancestor *among the dataset's classes* along the
 * first hypernym (`@`, or instance hypernym `@i`) of each synset — WordNet
 * allows several hypernyms (domestic_cat: cat and domestic_animal), and the
 * first one listed is its primary is-a link. A class's level is the number
 * of its ancestors in the dataset, so level 0 holds the dataset's top classes.
 *
 * @example
 * ```ts
 * import { hierarchyFromWordNet, readHypernyms } from "@quadranet/datasets";
 * const up = await readHypernyms("/usr/share/wordnet/data.noun");
 * const h = hierarchyFromWordNet(["n02121808", "n02123045"], up); // tabby's parent: domestic cat
 * ```
 * @module
 */
import { DatasetError } from "./errors.ts";
import type { ClassHierarchy } from "./types.ts";

/** Where Debian's `wordnet-base` puts the noun database. */
export const DEFAULT_DATA_NOUN = "/usr/share/wordnet/data.noun";

/** Each noun synset's first hypernym: `n<offset>` → `n<offset>` (absent at the root, entity). */
export async function readHypernyms(path = DEFAULT_DATA_NOUN): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new DatasetError(
        path,
        "WordNet 3.0's noun database is needed for the ImageNet-21K-P hierarchy; install it with " +
          "`apt-get install wordnet-base` or pass --wordnet PATH/data.noun",
      );
    }
    throw e;
  }
  const up = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.length < 10 || line[0] === " ") continue; // licence header lines start with spaces
    const f = line.split(" ");
    const wordCount = parseInt(f[3], 16);
    let k = 4 + 2 * wordCount;
    const pointers = Number(f[k++]);
    for (let p = 0; p < pointers; p++, k += 4) {
      if ((f[k] === "@" || f[k] === "@i") && f[k + 2] === "n") {
        up.set(`n${f[0]}`, `n${f[k + 1]}`);
        break;
      }
    }
  }
  if (up.size === 0) {
    throw new DatasetError(path, "no noun synsets found; is this WordNet's data.noun?");
  }
  return up;
}

/** The hierarchy of `classes` (wnids) under the hypernym map `up`. */
export function hierarchyFromWordNet(
  classes: readonly string[],
  up: ReadonlyMap<string, string>,
): ClassHierarchy & { depth: number[]; unknown: string[] } {
  const index = new Map(classes.map((c, i) => [c, i]));
  const unknown: string[] = [];
  const parent = classes.map((c) => {
    if (!up.has(c)) {
      // entity (n00001740) has no hypernym; any other id missing from WordNet is reported.
      if (c !== "n00001740") unknown.push(c);
      return -1;
    }
    const seen = new Set<string>();
    for (let a = up.get(c); a !== undefined && !seen.has(a); a = up.get(a)) {
      seen.add(a);
      const i = index.get(a);
      if (i !== undefined) return i;
    }
    return -1;
  });
  const depth = parent.map(() => -1);
  const depthOf = (c: number): number => {
    if (depth[c] < 0) depth[c] = parent[c] < 0 ? 0 : depthOf(parent[c]) + 1;
    return depth[c];
  };
  classes.forEach((_, c) => depthOf(c));
  const levels: number[][] = [];
  depth.forEach((d, c) => (levels[d] ??= []).push(c));
  return { levels, parent, depth, unknown };
}
