/**
 * The 12 summary numbers of pycocotools' `COCOeval.summarize()` for boxes, its printed lines (same
 * words, order and rounding), and per-category AP.
 * @module
 */
import type { Accumulated } from "./accumulate.ts";
import { AREA_LABELS, IOU_THRESHOLDS, iouIndex, MAX_DETS, meanValid } from "./params.ts";

/** Names of the 12 stats, in summarize() order. */
export const STAT_NAMES = [
  "AP",
  "AP50",
  "AP75",
  "APs",
  "APm",
  "APl",
  "AR1",
  "AR10",
  "AR100",
  "ARs",
  "ARm",
  "ARl",
] as const;

/** One summary line's parameters, as `_summarizeDets` calls `_summarize`. */
interface StatSpec {
  ap: boolean;
  iou?: number;
  area: typeof AREA_LABELS[number];
  maxDets: number;
}

const SPECS: StatSpec[] = [
  { ap: true, area: "all", maxDets: 100 },
  { ap: true, iou: 0.5, area: "all", maxDets: 100 },
  { ap: true, iou: 0.75, area: "all", maxDets: 100 },
  { ap: true, area: "small", maxDets: 100 },
  { ap: true, area: "medium", maxDets: 100 },
  { ap: true, area: "large", maxDets: 100 },
  { ap: false, area: "all", maxDets: 1 },
  { ap: false, area: "all", maxDets: 10 },
  { ap: false, area: "all", maxDets: 100 },
  { ap: false, area: "small", maxDets: 100 },
  { ap: false, area: "medium", maxDets: 100 },
  { ap: false, area: "large", maxDets: 100 },
];

/**
 * Python's `'{:0.3f}'.format(x)`: round half to even on the exact binary value. JavaScript's
 * `toFixed` rounds exact ties up (0.0625 gives "0.063", Python "0.062"); an exact tie at the
 * third decimal needs a binary fraction of 4 bits (x·16 an integer), so those are fixed by hand.
 */
export function formatPython3f(x: number): string {
  if (Number.isInteger(x * 16) && !Number.isInteger(x * 1000)) {
    const scaled = x * 1000; // exact: a multiple of 1/16 times 1000 fits easily
    if (scaled - Math.floor(scaled) === 0.5) {
      let n = Math.floor(scaled);
      if (n % 2 !== 0) n += 1;
      const neg = n < 0;
      const abs = Math.abs(n);
      const s = `${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, "0")}`;
      return neg ? `-${s}` : s;
    }
  }
  return x.toFixed(3);
}

function selectStat(acc: Accumulated, spec: StatSpec): number {
  const { T, R, K, A, M } = acc.dims;
  const a = AREA_LABELS.indexOf(spec.area);
  const m = MAX_DETS.indexOf(spec.maxDets);
  const ts = spec.iou === undefined
    ? [...Array(T).keys()]
    : [iouIndex(spec.iou)].filter((t) => t >= 0);
  const values: number[] = [];
  if (spec.ap) {
    for (const t of ts) {
      for (let r = 0; r < R; r++) {
        for (let k = 0; k < K; k++) {
          values.push(acc.precision[(((t * R + r) * K + k) * A + a) * M + m]);
        }
      }
    }
  } else {
    for (const t of ts) {
      for (let k = 0; k < K; k++) values.push(acc.recall[((t * K + k) * A + a) * M + m]);
    }
  }
  return meanValid(values);
}

/** The 12 numbers of summarize() (-1 where pycocotools prints -1). */
export function summaryStats(acc: Accumulated): number[] {
  return SPECS.map((s) => selectStat(acc, s));
}

/** The 12 lines summarize() prints, e.g. ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.372`. */
export function summaryLines(stats: readonly number[]): string[] {
  const first = IOU_THRESHOLDS[0].toFixed(2),
    last = IOU_THRESHOLDS[IOU_THRESHOLDS.length - 1].toFixed(2);
  return SPECS.map((s, i) => {
    const title = (s.ap ? "Average Precision" : "Average Recall").padEnd(18);
    const type = s.ap ? "(AP)" : "(AR)";
    const iou = (s.iou === undefined ? `${first}:${last}` : s.iou.toFixed(2)).padEnd(9);
    const area = s.area.padStart(6);
    const md = String(s.maxDets).padStart(3);
    return ` ${title} ${type} @[ IoU=${iou} | area=${area} | maxDets=${md} ] = ${
      formatPython3f(stats[i])
    }`;
  });
}

/**
 * AP of category `k` (area all, 100 detections): the mean of its valid precision cells over IoU
 * thresholds and recall points, as detectron2 and mmdetection report per-class AP; -1 when the
 * category has no regular ground truth.
 */
export function categoryAp(acc: Accumulated, k: number): number {
  const { T, R, K, A, M } = acc.dims;
  const values: number[] = [];
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < R; r++) {
      values.push(acc.precision[(((t * R + r) * K + k) * A + 0) * M + (M - 1)]);
    }
  }
  return meanValid(values);
}
