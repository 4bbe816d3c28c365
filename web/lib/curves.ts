/**
 * Curves from `metrics.jsonl`: training loss per logged step and
 * evaluation top-1/loss (classification) or box AP (detection) per epoch.
 *
 * @example
 * ```ts
 * import { readRunFolder } from "@quadranet/core/records";
 * import { curves } from "./curves.ts";
 * const run = await readRunFolder("runs", "my-run");
 * const { loss, top1, ap } = curves(run?.metrics ?? []);
 * ```
 * @module
 */
import type { MetricsLine } from "@quadranet/core/records";

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Most points a plotted series keeps (pages stay small, whatever the run logged). */
export const MAX_POINTS = 1000;

/**
 * At most `max` points of `points`, evenly strided, the first and the last
 * always kept (a run that logged 125k steps plots as 1,000).
 */
export function thin(points: [number, number][], max = MAX_POINTS): [number, number][] {
  if (points.length <= max) return points;
  const out: [number, number][] = [];
  const stride = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * stride)]);
  return out;
}

/** `[step, value]` series of one run, each thinned to {@link MAX_POINTS}. */
export function curves(metrics: readonly MetricsLine[]) {
  const loss: [number, number][] = [],
    top1: [number, number][] = [],
    evalLoss: [number, number][] = [],
    ap: [number, number][] = [];
  for (const m of metrics) {
    if (!finite(m.step)) continue;
    if (m.eval) {
      if (finite(m.top1)) top1.push([m.step, 100 * m.top1]);
      if (finite(m.evalLoss)) evalLoss.push([m.step, m.evalLoss]);
      if ("AP" in m && finite(m.AP) && m.AP >= 0) ap.push([m.step, 100 * m.AP]);
    } else if (finite(m.loss)) loss.push([m.step, m.loss]);
  }
  return { loss: thin(loss), top1: thin(top1), evalLoss: thin(evalLoss), ap: thin(ap) };
}
