/**
 * Route `/runs/`: every run, filterable by task, method, backend and status
 * (a GET form: works without JavaScript) and sortable (island).
 *
 * @example
 * ```tsx
 * import type { RunFolder } from "@quadranet/core/records";
import { ap } from "../components/detection_view.tsx";
 * import { RunsPage } from "./runs.tsx";
 * declare const runs: RunFolder[];
 * const page = <RunsPage runs={runs} base="../" filters={{ method: "lora" }} />;
 * ```
 * @module
 */
import { Island } from "../lib/island.tsx";
import { params, pct, secs } from "../lib/format.ts";
import type { RunFolder } from "@quadranet/core/records";
import { ap } from "../components/detection_view.tsx";

/** Filter fields. */
export const FILTERS = ["task", "method", "backend", "status"] as const;
/** Selected filter values. */
export type Filters = Partial<Record<typeof FILTERS[number], string>>;

/** The runs page body. */
export function RunsPage(
  { runs, base, filters = {} }: { runs: RunFolder[]; base: string; filters?: Filters },
) {
  const options = (f: typeof FILTERS[number]) =>
    [...new Set(runs.map((r) => String(r.summary[f] ?? "")).filter(Boolean))].sort();
  const detection = runs.some((r) => typeof r.summary.final?.AP === "number");
  const rows = runs.map((r) => ({
    id: r.id,
    href: `${base}runs/${r.id}/`,
    className: r.error ? "broken" : undefined,
    cells: {
      id: { text: r.id, value: r.id },
      task: { text: String(r.summary.task ?? "–"), value: String(r.summary.task ?? "") },
      method: { text: String(r.summary.method ?? "–"), value: String(r.summary.method ?? "") },
      backend: { text: String(r.summary.backend ?? "–"), value: String(r.summary.backend ?? "") },
      status: {
        text: r.error ? `broken: ${r.error}` : String(r.summary.status ?? "–"),
        value: r.error ? "broken" : String(r.summary.status ?? ""),
      },
      top1: { text: pct(r.summary.final?.top1), value: r.summary.final?.top1 ?? null },
      ap: { text: ap(r.summary.final?.AP), value: r.summary.final?.AP ?? null },
      params: {
        text: params(r.summary.params?.trainable),
        value: r.summary.params?.trainable ?? null,
      },
      compute: {
        text: secs(r.summary.compute?.cpuSeconds),
        value: r.summary.compute?.cpuSeconds ?? null,
      },
      updated: {
        text: String(r.summary.updatedAt ?? "–"),
        value: String(r.summary.updatedAt ?? ""),
      },
    },
  }));
  return (
    <>
      <h1>Runs</h1>
      <Island
        name="SortableTable"
        props={{
          columns: [
            { key: "id", label: "run" },
            { key: "task", label: "task" },
            { key: "method", label: "method" },
            { key: "backend", label: "backend" },
            { key: "status", label: "status" },
            { key: "top1", label: "top-1", numeric: true },
            { key: "params", label: "trainable", numeric: true },
            { key: "compute", label: "CPU s", numeric: true },
            // detection runs (tasks/coco) have box AP where classification runs have top-1
            ...(detection ? [{ key: "ap", label: "box AP", numeric: true }] : []),
            { key: "updated", label: "updated" },
          ],
          rows,
          filters: FILTERS.map((f) => ({
            key: f,
            label: f,
            options: options(f),
            selected: filters[f],
          })),
        }}
      />
    </>
  );
}
