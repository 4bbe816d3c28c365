/**
 * pycocotools' default `Params` for `iouType="bbox"`, computed with numpy's arithmetic so that
 * thresholds compare equal to the reference bit for bit (an IoU of exactly 0.75 matches or not
 * exactly as there).
 * @module
 */

/** numpy.linspace(start, stop, num) with endpoint: `i * ((stop - start) / (num - 1)) + start`, last = stop. */
export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** IoU thresholds .50:.05:.95 (10 values). */
export const IOU_THRESHOLDS: readonly number[] = linspace(
  0.5,
  0.95,
  Math.round((0.95 - 0.5) / 0.05) + 1,
);
/** Recall points 0:.01:1 (101 values). */
export const RECALL_THRESHOLDS: readonly number[] = linspace(0, 1, Math.round(1 / 0.01) + 1);
/** Detections kept per image, per summary column. */
export const MAX_DETS: readonly number[] = [1, 10, 100];
/** Area ranges in pixels², both ends inclusive (an area of exactly 32² is small and medium). */
export const AREA_RANGES: readonly (readonly [number, number])[] = [
  [0, 1e5 ** 2],
  [0, 32 ** 2],
  [32 ** 2, 96 ** 2],
  [96 ** 2, 1e5 ** 2],
];
/** Labels of {@link AREA_RANGES}. */
export const AREA_LABELS = ["all", "small", "medium", "large"] as const;

/** Index of `iou` in {@link IOU_THRESHOLDS} by exact equality (as numpy.where does), or -1. */
export function iouIndex(iou: number): number {
  return IOU_THRESHOLDS.indexOf(iou);
}

/**
 * numpy's sum of a float64 array: pairwise summation (8-way unrolled blocks of up to 128), which
 * can differ from a plain loop in the last bits; `np.mean` is this sum over the count.
 */
export function numpySum(a: ArrayLike<number>, from = 0, n = a.length): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[from + i];
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[from + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[from + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[from + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, from, n2) + numpySum(a, from + n2, n - n2);
}

/** Mean of the values above -1 (pycocotools' `np.mean(s[s > -1])`), or -1 if there are none. */
export function meanValid(values: ArrayLike<number>): number {
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] > -1) kept.push(values[i]);
  if (kept.length === 0) return -1;
  return (0 + numpySum(kept)) / kept.length;
}
