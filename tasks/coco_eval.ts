/**
 * `deno task coco-eval GT.json RESULTS.json [--json] [--per-category]`: evaluates a COCO results
 * file against an instances file and prints the 12 lines of pycocotools' `summarize()`, worded,
 * ordered and rounded the same; `--json` adds the 12 numbers as one JSON array on the last line
 * (-1 where pycocotools gives -1); `--per-category` prints AP per category before them.
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
  try {
    const result = evaluateCoco(await readInstances(gtPath), await readResults(resPath));
    if (result.skippedDetections > 0) {
      console.error(
        `note: ${result.skippedDetections} detection(s) name categories not in ${gtPath}; left out`,
      );
    }
    if (parsed.values["per-category"]) {
      for (const c of result.perCategory) print(`AP ${formatPython3f(c.ap)}  ${c.id} ${c.name}`);
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
