/**
 * Route `/runs/<id>/`: one run — status, summary, compute accounting,
 * adapter summary, loss and accuracy curves, config; a comparison record
 * shows its table instead of curves. A broken record says what is wrong.
 *
 * @example
 * ```tsx
 * import type { RunFolder } from "@quadranet/core/records";
 * import { RunPage } from "./run.tsx";
 * declare const run: RunFolder;
 * const page = <RunPage run={run} base="../../" />;
 * ```
 * @module
 */
import { ComparisonView } from "../components/comparison_table.tsx";
import { Island } from "../lib/island.tsx";
import { curves } from "../lib/curves.ts";
import { flops, params, pct, secs } from "../lib/format.ts";
import type { RunFolder } from "@quadranet/core/records";
import { ap, DetectionPreview } from "../components/detection_view.tsx";

function Facts({ items }: { items: [string, string][] }) {
  return (
    <dl class="facts">
      {items.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd data-fact={k}>{v}</dd>
        </>
      ))}
    </dl>
  );
}

/** The run page body. */
export function RunPage({ run, base }: { run: RunFolder; base: string }) {
  const s = run.summary;
  const c = curves(run.metrics);
  const adapter = s.adapter;
  return (
    <>
      <h1>{run.id}</h1>
      {run.error && <p class="error">This record is broken: {run.error}.</p>}
      {s.status === "running" && <p class="notice">In progress (reload for updates).</p>}
      {run.problems.length > 0 && (
        <p class="error" data-problems="">
          Parts of this record could not be read: {run.problems.join("; ")}.
        </p>
      )}
      {s.status === "failed" && s.error && <p class="error">Failed: {s.error}</p>}
      {run.badLines > 0 && (
        <p class="error">{run.badLines} line(s) of metrics.jsonl could not be read.</p>
      )}
      <Facts
        items={[
          ["task", String(s.task ?? "–")],
          ["method", String(s.method ?? "–")],
          ["backend", String(s.backend ?? "–")],
          ["status", String(s.status ?? "–")],
          ...(typeof s.final?.AP === "number"
            ? [
              ["box AP", ap(s.final.AP)],
              ["AP50 / AP75", `${ap(s.final.AP50)} / ${ap(s.final.AP75)}`],
              ["APs / APm / APl", `${ap(s.final.APs)} / ${ap(s.final.APm)} / ${ap(s.final.APl)}`],
            ] as [string, string][]
            : [
              [
                s.finalOn === "test" ? "test top-1 (read once, at the end)" : "final top-1",
                pct(s.final?.top1),
              ],
              [s.finalOn === "test" ? "test top-5" : "final top-5", pct(s.final?.top5)],
              ...(s.validation
                ? [["final validation top-1", pct((s.validation as { top1?: number }).top1)]]
                : []),
            ] as [string, string][]),
          [
            "trainable / total params",
            `${params(s.params?.trainable)} / ${params(s.params?.total)}`,
          ],
        ]}
      />
      {s.compute && (
        <>
          <h2>Compute</h2>
          <Facts
            items={s.compute.evalSeconds === undefined
              ? [
                ["wall seconds", secs(s.compute.wallSeconds)],
                ["process CPU seconds", secs(s.compute.cpuSeconds)],
                ["estimated training FLOPs", flops(s.compute.trainingFlops)],
              ]
              : [
                ["training FLOPs (analytic)", flops(s.compute.trainingFlops)],
                ["training CPU seconds", secs(s.compute.cpuSeconds)],
                ["training wall seconds", secs(s.compute.wallSeconds)],
                ["evaluation CPU seconds (excluded)", secs(s.compute.evalSeconds)],
                ["checkpoint CPU seconds (excluded)", secs(s.compute.checkpointSeconds)],
              ]}
          />
        </>
      )}
      {adapter && (
        <>
          <h2>Adapter</h2>
          <Facts
            items={[
              ["adapter params", params(adapter.adapterParams)],
              [
                "extra FLOPs per example",
                adapter.extraFlopsPerExample == null ? "–" : flops(adapter.extraFlopsPerExample),
              ],
            ]}
          />
        </>
      )}
      {run.isComparison && <ComparisonView run={run} base={base} />}
      <DetectionPreview run={run} />
      {c.loss.length > 0 && (
        <Island
          name="InteractivePlot"
          props={{
            title: "training loss",
            series: [{ name: "loss", points: c.loss }],
            xLabel: "step",
          }}
        />
      )}
      {c.top1.length > 0 && (
        <Island
          name="InteractivePlot"
          props={{
            title: s.validation
              ? "top-1 (%) at the validation checks"
              : "top-1 (%) at each evaluation",
            series: [{ name: "top-1", points: c.top1 }],
            xLabel: "step",
          }}
        />
      )}
      {s.comparisonId && (
        <p>
          Part of comparison{" "}
          <a href={`${base}runs/${s.comparisonId}/`}>{String(s.comparisonId)}</a>.
        </p>
      )}
      {run.config && (
        <details>
          <summary>config.json</summary>
          <pre>{JSON.stringify(run.config, null, 2)}</pre>
        </details>
      )}
      {!run.error && (
        <details>
          <summary>summary.json</summary>
          <pre>{JSON.stringify(run.raw ?? s, null, 2)}</pre>
        </details>
      )}
    </>
  );
}
