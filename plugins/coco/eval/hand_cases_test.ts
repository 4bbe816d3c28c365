/**
 * COCO evaluation on hand-worked cases; each expected number is derived in the comments.
 * Notation: a detection list merged over images by descending score becomes a TP/FP sequence;
 * rc = TP/npig (npig = regular ground truth), pr = TP/(TP+FP); the envelope makes pr
 * non-increasing from the right; AP at a threshold = mean of the envelope read at recall
 * 0, .01, …, 1 (the first detection reaching that recall; 0 past the last).
 * make_pycocotools_fixtures.py runs the same cases through pycocotools (cases "hand-*").
 */
import assert from "node:assert/strict";
import { parseInstances } from "../instances.ts";
import { evaluateCoco } from "./coco_eval.ts";
import type { CocoResult } from "./results_file.ts";
import { formatPython3f } from "./summarize.ts";

type Box = [number, number, number, number];
function gt(
  images: number[],
  cats: number[],
  anns: { img: number; cat: number; box: Box; area?: number; crowd?: boolean }[],
) {
  return parseInstances({
    images: images.map((id) => ({ id, file_name: `${id}.png`, width: 200, height: 200 })),
    categories: cats.map((id) => ({ id, name: `c${id}` })),
    annotations: anns.map((a, i) => ({
      id: i + 1,
      image_id: a.img,
      category_id: a.cat,
      bbox: a.box,
      area: a.area ?? a.box[2] * a.box[3],
      iscrowd: a.crowd ? 1 : 0,
    })),
  });
}
const det = (img: number, cat: number, box: Box, score: number): CocoResult => ({
  image_id: img,
  category_id: cat,
  bbox: box,
  score,
});
// precision is TP / (TP + FP + 2^-52) as in pycocotools, so "1" is 1 - 2.2e-16
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
const closeAll = (a: number[], b: number[]) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => close(v, b[i], `[${i}]`));
};

Deno.test("evaluateCoco: detections inside a crowd region are ignored, not false positives", () => {
  // g1 [0,0,10,10] area 100 (small); crowd [50,50,40,40]. Detections by score:
  //   .95 [55,55,10,10]: inside the crowd, IoU over its own area = 100/100 = 1 -> matched, ignored
  //   .90 [0,0,10,10]:   g1, IoU 1 -> TP
  //   .85 [60,60,10,10]: also inside the crowd (a crowd takes any number of matches) -> ignored
  //   .70 [150,150,10,10]: nothing -> FP
  // Sequence (ignored contribute neither): TP, FP -> pr envelope 1 up to recall 1 -> AP 1 at every
  // threshold (were crowd matches FPs, the first detection would be FP and AP would be .5).
  // AR1: only the top detection (.95, ignored) counts -> recall 0. AR10 = AR100 = 1.
  // Small: g1 (100) regular, all detections small -> 1. Medium/large: g1 outside the range is
  // ignored, the crowd is always ignored -> no regular ground truth -> -1.
  const r = evaluateCoco(
    gt([1], [1], [{ img: 1, cat: 1, box: [0, 0, 10, 10] }, {
      img: 1,
      cat: 1,
      box: [50, 50, 40, 40],
      crowd: true,
    }]),
    [
      det(1, 1, [55, 55, 10, 10], 0.95),
      det(1, 1, [0, 0, 10, 10], 0.9),
      det(1, 1, [60, 60, 10, 10], 0.85),
      det(1, 1, [150, 150, 10, 10], 0.7),
    ],
  );
  closeAll(r.stats, [1, 1, 1, 1, -1, -1, 0, 1, 1, 1, -1, -1]);
  assert.equal(
    r.lines[4],
    " Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000",
  );
  assert.equal(
    r.lines[6],
    " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.000",
  );
});

Deno.test("evaluateCoco: areas of exactly 32² and 96² belong to both neighbouring ranges", () => {
  // g1 [0,0,32,32] area 1024 = 32² (small AND medium); g2 [100,100,96,96] area 9216 = 96² (medium
  // AND large). Detections: .95 [150,0,20,20] (area 400, hits nothing), .9 on g1, .8 on g2 (IoU 1).
  // all:    FP, TP, TP; rc 0, .5, 1; pr 0, .5, 2/3 -> envelope 2/3 everywhere -> AP 2/3
  //         ("0.667"); recall point 0 reads index 0, whose envelope is 2/3, not 0.
  // small:  g1 regular, g2 ignored (9216 > 1024); .95 is small and unmatched -> FP; .8 matches the
  //         ignored g2 -> ignored. FP, TP: rc 0, 1; pr 0, .5 -> AP .5. (An exclusive upper end would
  //         leave small without ground truth: -1.)
  // medium: .95 (400 < 1024) unmatched and outside -> ignored; TP, TP -> 1.
  // large:  .95 ignored (outside), .9 matches the ignored g1 -> ignored, .8 TP -> 1.
  // AR1: the top detection per image is the FP -> 0; AR10 = AR100 = ARs = ARm = ARl = 1.
  const r = evaluateCoco(
    gt([1], [1], [{ img: 1, cat: 1, box: [0, 0, 32, 32] }, {
      img: 1,
      cat: 1,
      box: [100, 100, 96, 96],
    }]),
    [
      det(1, 1, [150, 0, 20, 20], 0.95),
      det(1, 1, [0, 0, 32, 32], 0.9),
      det(1, 1, [100, 100, 96, 96], 0.8),
    ],
  );
  const expected = [2 / 3, 2 / 3, 2 / 3, 0.5, 1, 1, 0, 1, 1, 1, 1, 1];
  expected.forEach((v, i) => close(r.stats[i], v, `stat ${i}`));
  assert.equal(
    r.lines[0],
    " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.667",
  );
});

Deno.test("evaluateCoco: equal scores keep file order within an image and image-id order across images", () => {
  // One image, g1 [0,0,10,10], g2 [20,0,10,10]; three detections all scored .5.
  // File order FP, TP, TP: rc 0, .5, 1; pr 0, .5, 2/3 -> envelope 2/3 -> AP 2/3.
  // File order TP, TP, FP: pr 1, 1, 2/3; recall reaches 1 at the 2nd -> envelope 1 -> AP 1.
  const g = gt([1], [1], [{ img: 1, cat: 1, box: [0, 0, 10, 10] }, {
    img: 1,
    cat: 1,
    box: [20, 0, 10, 10],
  }]);
  const fp = det(1, 1, [50, 50, 10, 10], 0.5), tp1 = det(1, 1, [0, 0, 10, 10], 0.5);
  const tp2 = det(1, 1, [20, 0, 10, 10], 0.5);
  close(evaluateCoco(g, [fp, tp1, tp2]).stats[0], 2 / 3, "FP first");
  close(evaluateCoco(g, [tp1, tp2, fp]).stats[0], 1, "TP first");
  // Across images ties follow ascending image id, whatever the file order: image 1 holds an FP,
  // image 2 a TP, both .5 -> FP, TP -> rc 0, 1; pr 0, .5 -> AP .5; swap the roles -> AP 1.
  const two = gt([2, 1], [1], [{ img: 2, cat: 1, box: [0, 0, 10, 10] }]);
  close(
    evaluateCoco(two, [det(2, 1, [0, 0, 10, 10], 0.5), det(1, 1, [0, 0, 10, 10], 0.5)]).stats[0],
    0.5,
    "img",
  );
  const swapped = gt([2, 1], [1], [{ img: 1, cat: 1, box: [0, 0, 10, 10] }]);
  close(
    evaluateCoco(swapped, [det(2, 1, [0, 0, 10, 10], 0.5), det(1, 1, [0, 0, 10, 10], 0.5)])
      .stats[0],
    1,
    "sw",
  );
});

Deno.test("evaluateCoco: detections on an image without ground truth are false positives", () => {
  // Image 1: g [0,0,10,10] and a TP at .9. Image 2: no ground truth, a detection at .95. Image 3:
  // nothing at all (skipped). Merged: FP(.95), TP(.9): rc 0, 1; pr 0, .5 -> AP .5; AR100 = 1.
  const r = evaluateCoco(
    gt([1, 2, 3], [1], [{ img: 1, cat: 1, box: [0, 0, 10, 10] }]),
    [det(1, 1, [0, 0, 10, 10], 0.9), det(2, 1, [0, 0, 10, 10], 0.95)],
  );
  close(r.stats[0], 0.5, "AP");
  close(r.stats[8], 1, "AR100");
});

Deno.test("evaluateCoco: a category without detections scores 0, one without ground truth -1", () => {
  // cat 1: g + a perfect detection -> AP 1. cat 2: ground truth, no detections -> recall 0 and
  // precision 0 at every recall point -> AP 0. cat 3: nothing -> -1. cat 4: a detection but no
  // ground truth -> npig = 0 -> -1 (left out of the mean). AP = mean(1, 0) = .5; AR100 = .5.
  const r = evaluateCoco(
    gt([1], [1, 2, 3, 4], [{ img: 1, cat: 1, box: [0, 0, 10, 10] }, {
      img: 1,
      cat: 2,
      box: [50, 50, 10, 10],
    }]),
    [
      det(1, 1, [0, 0, 10, 10], 0.9),
      det(1, 4, [0, 0, 10, 10], 0.8),
      det(1, 9, [0, 0, 10, 10], 0.8),
    ],
  );
  closeAll(r.perCategory.map((c) => c.ap), [1, 0, -1, -1]);
  close(r.stats[0], 0.5, "AP");
  close(r.stats[8], 0.5, "AR100");
  assert.equal(r.skippedDetections, 1); // category 9 is not in the ground truth
});

Deno.test("evaluateCoco: a detection never trades a regular match for an ignored one", () => {
  // Regular g1 [0,0,10,10]; crowd [0,0,10,12]. Detection [0,0,10,11]: IoU with g1 = 100/110 = .909
  // and with the crowd (over its own area) = 110/110 = 1. Regular ground truth comes first and once
  // matched the loop stops at the first ignored one, so it is a TP on g1 at every threshold <= .9:
  // thresholds .50….90 (9 of 10) -> AP .9; at .95 it cannot match g1 and matches the crowd (ignored).
  const r = evaluateCoco(
    gt([1], [1], [{ img: 1, cat: 1, box: [0, 0, 10, 12], crowd: true }, {
      img: 1,
      cat: 1,
      box: [0, 0, 10, 10],
    }]),
    [det(1, 1, [0, 0, 10, 11], 0.9)],
  );
  close(r.stats[0], 0.9, "AP");
  close(r.stats[1], 1, "AP50");
});

Deno.test("evaluateCoco: results on an unknown image fail with a clear error", () => {
  assert.throws(
    () => evaluateCoco(gt([1], [1], []), [det(7, 1, [0, 0, 1, 1], 0.5)]),
    /image id\(s\) \(7\) are not in its images/,
  );
});

Deno.test("formatPython3f rounds exact ties to even like Python's format", () => {
  // 0.0625 = 1/16 is exact: a tie between .062 and .063 -> even .062 (toFixed gives .063)
  assert.equal(formatPython3f(0.0625), "0.062");
  assert.equal(formatPython3f(0.1875), "0.188");
  assert.equal(formatPython3f(0.3125), "0.312");
  assert.equal(formatPython3f(2 / 3), "0.667");
  assert.equal(formatPython3f(-1), "-1.000");
});
