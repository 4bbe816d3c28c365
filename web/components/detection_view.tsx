/**
 * A detection comparison (rows with box AP, written by `tasks/coco`): the AP table as a sortable
 * island, AP versus compute, and the arms' detection previews (ground truth and predictions on a
 * few validation images, drawn by the task as SVG and shown as images, so nothing in them runs).
 *
 * @example
 * ```tsx
 * import type { DetectionRow, RunFolder } from "@quadranet/core/records";
 * import { DetectionComparisonView } from "./detection_view.tsx";
 * declare const comparisonRun: RunFolder;
 * declare const armRuns: RunFolder[];
 * const view = <DetectionComparisonView run={comparisonRun} arms={armRuns} base="./" />;
 * ```
 * @module
 */
import { Island } from "../lib/island.tsx";
import { params, secs } from "../lib/format.ts";
import type { DetectionRow, RunFolder } from "@quadranet/core/records";

/** Whether a comparison record holds detection rows. */
export function isDetectionComparison(run: RunFolder): boolean {
  const rows = run.summary.rows;
  return Array.isArray(rows) && rows.length > 0 &&
    typeof (rows[0] as { AP?: unknown }).AP === "number";
}

/** AP ×100 with one decimal, "–" for pycocotools' -1 (no ground truth in that area range). */
export function ap(v: number | undefined | null): string {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? (100 * v).toFixed(1) : "–";
}

const AP_KEYS = ["AP", "AP50", "AP75", "APs", "APm", "APl"] as const;

/** One run's detection preview, if it has one. */
export function DetectionPreview({ run }: { run: RunFolder }) {
  if (!run.preview) return null;
  return (
    <figure class="detection-preview" data-preview={run.id}>
      <img src={run.preview} alt={`detections of ${run.id} on validation images`} />
      <figcaption>
        {String(run.summary.method ?? run.id)}: ground truth green, predictions orange
      </figcaption>
    </figure>
  );
}

/** The AP table, the AP-versus-compute plot and the arms' previews. */
export function DetectionComparisonView(
  { run, arms = [], base }: { run: RunFolder; arms?: RunFolder[]; base: string },
) {
  const rows = (run.summary.rows as DetectionRow[]) ?? [];
  const tableRows = rows.map((r) => ({
    id: r.method,
    href: r.runId ? `${base}runs/${r.runId}/` : undefined,
    cells: {
      method: { text: r.method, value: r.method },
      ...Object.fromEntries(
        AP_KEYS.map((k) => [k, { text: ap(r[k]), value: r[k] >= 0 ? r[k] : null }]),
      ),
      params: { text: params(r.trainableParams), value: r.trainableParams },
      compute: { text: secs(r.computeSeconds), value: r.computeSeconds },
      relative: {
        text: r.relativeCompute === null ? "–" : `${r.relativeCompute.toFixed(2)}x`,
        value: r.relativeCompute,
      },
    },
  }));
  const series = rows.map((r) => ({
    name: r.method,
    points: [[r.computeSeconds, 100 * Math.max(0, r.AP)]],
  }));
  const withPreview = arms.filter((a) => a.preview && rows.some((r) => r.runId === a.id));
  return (
    <section class="comparison detection">
      <h2>
        <a href={`${base}runs/${run.id}/`}>{run.id}</a>{" "}
        <small>
          {String(run.summary.task ?? "")} · box AP · backend {String(run.summary.backend ?? "–")}
        </small>
      </h2>
      <Island
        name="SortableTable"
        props={{
          columns: [
            { key: "method", label: "method" },
            ...AP_KEYS.map((k) => ({ key: k, label: k, numeric: true })),
            { key: "params", label: "trainable params", numeric: true },
            { key: "compute", label: "compute (CPU s)", numeric: true },
            { key: "relative", label: "vs full", numeric: true },
          ],
          rows: tableRows,
        }}
      />
      <Island
        name="InteractivePlot"
        props={{
          title: "box AP versus compute (CPU s)",
          series,
          xLabel: "compute (CPU s)",
          yLabel: "AP",
          scatter: true,
        }}
      />
      {withPreview.length > 0 && (
        <details class="previews" open>
          <summary>Detection preview</summary>
          {withPreview.map((a) => <DetectionPreview key={a.id} run={a} />)}
        </details>
      )}
      <p>
        <a href={`${base}compare/${run.id}/`}>Compare the arms' curves</a>
      </p>
    </section>
  );
}
