/**
 * `deno task coco-eval GT.json RESULTS.json [--json] [--per-category]`: evaluates a COCO results
 * file against an instances file and prints the 12 lines of pycocotools' `summarize()`, worded,
 * ordered and rounded the same; `--json` adds the 12 numbers as one JSON array on the last line
 * (-1 where pycocotools gives -1); `--per-category` prints AP per category before them, under a
 * header naming the columns (AP, category id, name). Exit 2 for usage mistakes: a missing file, or
 * the results file given first (GT comes first).
 *
 * @example
 * ```sh
 * deno task coco-eval annotations/instances_val2017.json runs/<id>/results.json --json
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import {
  CocoFormatError,
  evaluateCoco,
  formatPython3f,
  readInstances,
  readResults,
} from "@quadranet/coco/eval";

const USAGE = "usage: deno task coco-eval GT.json RESULTS.json [--json] [--per-category]";

/** The header of `--per-category`'s lines (AP as pycocotools' first summary line; -1: no GT). */
export const PER_CATEGORY_HEADER = "AP@[.50:.95]  category_id  name";

/** The top-level JSON kind of a file: "array", "object", or undefined when unreadable. */
async function jsonKind(path: string): Promise<"array" | "object" | undefined> {
  try {
    const v = JSON.parse(await Deno.readTextFile(path));
    return Array.isArray(v) ? "array" : v !== null && typeof v === "object" ? "object" : undefined;
  } catch {
    return undefined;
  }
}

/** A usage mistake in the two paths (missing file, GT and results swapped), or undefined. */
async function checkInputs(gtPath: string, resPath: string): Promise<string | undefined> {
  for (const [what, path] of [["ground-truth instances file", gtPath], ["results file", resPath]]) {
    try {
      if (!(await Deno.stat(path)).isFile) return `coco-eval: the ${what} ${path} is not a file`;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return `coco-eval: the ${what} ${path} does not exist`;
      throw e;
    }
  }
  // Instances files are JSON objects ({images, annotations, categories}); results are arrays.
  if ((await jsonKind(gtPath)) === "array" && (await jsonKind(resPath)) === "object") {
    return `coco-eval: ${gtPath} is a results array and ${resPath} an instances file; ` +
      "the ground-truth (GT) instances file comes first, then the results";
  }
  return undefined;
}

/** Runs the command; returns the exit code (0 ok, 1 bad file, 2 bad usage). */
export async function main(
  args: string[],
  print: (line: string) => void = console.log,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        "per-category": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    print(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 2) {
    console.error(`coco-eval needs the ground-truth instances file and a results file.\n${USAGE}`);
    return 2;
  }
  const [gtPath, resPath] = parsed.positionals;
  const usageError = await checkInputs(gtPath, resPath);
  if (usageError) {
    console.error(`${usageError}\n${USAGE}`);
    return 2;
  }
  try {
    const result = evaluateCoco(await readInstances(gtPath), await readResults(resPath));
    if (result.skippedDetections > 0) {
      console.error(
        `note: ${result.skippedDetections} detection(s) name categories not in ${gtPath}; left out`,
      );
    }
    if (parsed.values["per-category"]) {
      print(PER_CATEGORY_HEADER);
      for (const c of result.perCategory) {
        print(`${formatPython3f(c.ap).padStart(12)}  ${String(c.id).padStart(11)}  ${c.name}`);
      }
    }
    for (const line of result.lines) print(line);
    if (parsed.values.json) print(JSON.stringify(result.stats));
    return 0;
  } catch (e) {
    if (e instanceof CocoFormatError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
