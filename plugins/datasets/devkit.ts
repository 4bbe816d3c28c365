/**
 * The ILSVRC-2012 devkit's class order. The devkit numbers classes by
 * `ILSVRC2012_ID` (1..1000, the order of `meta.mat`'s `synsets`), which is
 * not the sorted-WordNet-id order models use; validation labels in
 * `ILSVRC2012_validation_ground_truth.txt` are those ids. `meta.mat` is read
 * when present; otherwise the same order ships with this plugin
 * (`data/ilsvrc2012_devkit_wnids.txt`, the first 1000 lines of darknet's
 * `imagenet.labels.list`, which follow the devkit order: 1 = n02119789 kit fox).
 *
 * @example
 * ```ts
 * import { devkitWnids, readGroundTruth } from "@quadranet/datasets";
 * const wnids = await devkitWnids(); // wnids[id - 1]
 * const ids = await readGroundTruth("ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt");
 * ```
 * @module
 */
import { DatasetError } from "./errors.ts";
import { readMat } from "./mat5.ts";
import { WNID } from "./scan.ts";

/** The 1000 ILSVRC-2012 wnids in devkit order (index = ILSVRC2012_ID − 1), shipped with the plugin. */
export async function builtinDevkitWnids(): Promise<string[]> {
  const url = new URL("./data/ilsvrc2012_devkit_wnids.txt", import.meta.url);
  return (await Deno.readTextFile(url)).split("\n").filter((l) => l.length);
}

/** The wnids by ILSVRC2012_ID from a devkit `meta.mat` (`synsets` with ids 1..1000). */
export async function metaMatWnids(path: string): Promise<string[]> {
  let vars;
  try {
    vars = readMat(await Deno.readFile(path));
  } catch (e) {
    throw new DatasetError(path, `cannot read meta.mat: ${(e as Error).message}`);
  }
  const synsets = vars.synsets as Record<string, unknown>[] | undefined;
  if (!Array.isArray(synsets)) throw new DatasetError(path, 'no "synsets" struct array');
  const out: string[] = [];
  for (const s of synsets) {
    const id = (s.ILSVRC2012_ID as number[])?.[0];
    const wnid = s.WNID as string;
    if (id >= 1 && id <= 1000 && typeof wnid === "string" && WNID.test(wnid)) out[id - 1] = wnid;
  }
  const missing = Array.from({ length: 1000 }, (_, i) => i).filter((i) => !out[i]);
  if (missing.length) {
    throw new DatasetError(
      path,
      `synsets lack ILSVRC2012_IDs ${missing.slice(0, 5).map((i) => i + 1)}`,
    );
  }
  return out;
}

/** The devkit order: from `metaPath` when given, else the built-in list. */
export function devkitWnids(metaPath?: string): Promise<string[]> {
  return metaPath ? metaMatWnids(metaPath) : builtinDevkitWnids();
}

/** Validation labels (ILSVRC2012_IDs, one per line, line n = ILSVRC2012_val_0000000n). */
export async function readGroundTruth(path: string): Promise<Int32Array> {
  const lines = (await Deno.readTextFile(path)).split(/\r?\n/).filter((l) => l.trim().length);
  const ids = new Int32Array(lines.length);
  lines.forEach((l, i) => {
    const v = Number(l.trim());
    if (!(Number.isInteger(v) && v >= 1 && v <= 1000)) {
      throw new DatasetError(path, `line ${i + 1} is "${l}", expected an ILSVRC2012_ID in 1..1000`);
    }
    ids[i] = v;
  });
  return ids;
}

/** Kaggle's `LOC_val_solution.csv`: ImageId → wnid (the first token of PredictionString). */
export async function readLocSolution(path: string): Promise<Map<string, string>> {
  const lines = (await Deno.readTextFile(path)).split(/\r?\n/).filter((l) => l.trim().length);
  if (!/^ImageId,PredictionString/.test(lines[0] ?? "")) {
    throw new DatasetError(path, 'expected the header "ImageId,PredictionString"');
  }
  const out = new Map<string, string>();
  for (const [i, l] of lines.slice(1).entries()) {
    const [id, pred] = l.split(",");
    const wnid = pred?.trim().split(/\s+/)[0];
    if (!id || !wnid || !WNID.test(wnid)) {
      throw new DatasetError(path, `line ${i + 2} "${l}" has no ImageId and wnid`);
    }
    out.set(id.trim(), wnid);
  }
  return out;
}
