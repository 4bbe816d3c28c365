/**
 * Curves from `metrics.jsonl`: training loss per logged step and
 * evaluation top-1/loss per epoch.
 *
 * @example
 * ```ts
 * const { loss, top1 } = curves(run.metrics);
 * ```
 * @module
 */

/** `[step, value]` series of one run. */
export function curves(metrics: Record<string, unknown>[]) {
  const num = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  const loss: [number, number][] = [],
    top1: [number, number][] = [],
    evalLoss: [number, number][] = [];
  for (const m of metrics) {
    if (!num(m.step)) continue;
    const step = m.step as number;
    if (m.eval) {
      if (num(m.top1)) top1.push([step, 100 * (m.top1 as number)]);
      if (num(m.evalLoss)) evalLoss.push([step, m.evalLoss as number]);
    } else if (num(m.loss)) loss.push([step, m.loss as number]);
  }
  return { loss, top1, evalLoss };
}
