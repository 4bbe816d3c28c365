/**
 * Server-side island markers (Fresh's pattern): an island renders to HTML on
 * the server inside `<div data-island="Name" data-props="…">`; the client
 * boot script hydrates each marker with the island's bundled component.
 *
 * @example
 * ```tsx
 * import { Island } from "./island.tsx";
 * const columns = [{ key: "top1", label: "top-1", numeric: true }], rows: unknown[] = [];
 * const island = <Island name="SortableTable" props={{ columns, rows }} />;
 * ```
 * @module
 */
import type { ComponentType } from "preact";
import InteractivePlot from "../islands/InteractivePlot.tsx";
import SortableTable from "../islands/SortableTable.tsx";

/** Every island by name; the client boot script has the same names. */
// deno-lint-ignore no-explicit-any
export const ISLANDS: Record<string, ComponentType<any>> = { InteractivePlot, SortableTable };

/** Renders island `name` with `props` and marks it for hydration. */
export function Island(
  { name, props }: { name: keyof typeof ISLANDS; props: Record<string, unknown> },
) {
  const C = ISLANDS[name];
  return (
    <div data-island={name} data-props={JSON.stringify(props)}>
      <C {...props} />
    </div>
  );
}
