import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parseInstances } from "../instances.ts";
import { evaluateCoco } from "./coco_eval.ts";
import { IOU_THRESHOLDS, RECALL_THRESHOLDS } from "./params.ts";
import { parseResults } from "./results_file.ts";

interface Fixture {
  iouThrs: number[];
  recThrs: number[];
  cases: {
    name: string;
    gt: unknown;
    results: unknown;
    stats: number[];
    lines: string[];
    perCategoryAp: number[];
  }[];
}
const fixture: Fixture = JSON.parse(
  Deno.readTextFileSync(
    fileURLToPath(new URL("../testdata/pycocotools_cases.json", import.meta.url)),
  ),
);

Deno.test("params: thresholds equal numpy.linspace bit for bit", () => {
  assert.deepEqual([...IOU_THRESHOLDS], fixture.iouThrs);
  assert.deepEqual([...RECALL_THRESHOLDS], fixture.recThrs);
});

for (const c of fixture.cases) {
  Deno.test(`evaluateCoco matches pycocotools on ${c.name}`, () => {
    const r = evaluateCoco(parseInstances(c.gt, c.name), parseResults(c.results, c.name));
    for (let i = 0; i < 12; i++) {
      // same operations in the same order; allow only last-bit differences of the final mean
      assert(
        Math.abs(r.stats[i] - c.stats[i]) <= 1e-12,
        `stat ${i}: ${r.stats[i]} vs ${c.stats[i]}`,
      );
    }
    assert.deepEqual(r.lines, c.lines);
    assert.deepEqual(r.perCategory.length, c.perCategoryAp.length);
    r.perCategory.forEach((p, k) =>
      assert(Math.abs(p.ap - c.perCategoryAp[k]) <= 1e-12, `cat ${k}`)
    );
  });
}
