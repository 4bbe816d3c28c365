/**
 * Client entry: hydrates every `[data-island]` marker with its island,
 * each island in its own chunk (esbuild code splitting), loaded on demand.
 *
 * @module
 */
import { h, hydrate } from "preact";

// deno-lint-ignore no-explicit-any
const loaders: Record<string, () => Promise<{ default: any }>> = {
  InteractivePlot: () => import("./InteractivePlot.tsx"),
  SortableTable: () => import("./SortableTable.tsx"),
};

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const load = loaders[el.dataset.island ?? ""];
  if (!load) continue;
  const props = JSON.parse(el.dataset.props ?? "{}");
  load().then((m) => hydrate(h(m.default, props), el));
}
