/**
 * Island: a table whose rows sort by a clicked column (again: reverse).
 * Rendered on the server in its initial order, so it reads with JavaScript
 * off.
 *
 * @example
 * ```tsx
 * import SortableTable, { type Row } from "./SortableTable.tsx";
 * declare const rows: Row[];
 * const table = <SortableTable columns={[{ key: "top1", label: "top-1", numeric: true }]} rows={rows} />;
 * ```
 * @module
 */
import { useEffect, useState } from "preact/hooks";

/** A column: which cell key, its header, whether it sorts numerically. */
export interface Column {
  key: string;
  label: string;
  numeric?: boolean;
}

/** A row: display text and sort value per column, and an optional link for the first cell. */
export interface Row {
  id: string;
  href?: string;
  cells: Record<string, { text: string; value: number | string | null }>;
  className?: string;
}

/** A filter: a select over one column's values (a GET form field without JavaScript). */
export interface Filter {
  key: string;
  label: string;
  options: string[];
  selected?: string;
}

/** Props of the table. */
export interface SortableTableProps {
  columns: Column[];
  rows: Row[];
  sortKey?: string;
  descending?: boolean;
  caption?: string;
  filters?: Filter[];
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return typeof a === "number" && typeof b === "number"
    ? a - b
    : String(a).localeCompare(String(b));
}

export default function SortableTable(p: SortableTableProps) {
  const [sort, setSort] = useState({ key: p.sortKey, desc: p.descending ?? false });
  const [ready, setReady] = useState(false);
  const [chosen, setChosen] = useState<Record<string, string>>(
    Object.fromEntries((p.filters ?? []).map((f) => [f.key, f.selected ?? ""])),
  );
  useEffect(() => setReady(true), []);
  const kept = p.rows.filter((r) =>
    Object.entries(chosen).every(([k, v]) => !v || String(r.cells[k]?.value ?? "") === v)
  );
  const rows = sort.key
    ? [...kept].sort((a, b) => {
      const x = a.cells[sort.key!]?.value ?? null, y = b.cells[sort.key!]?.value ?? null;
      if (x === null || y === null) return compare(x, y); // missing values last either way
      return sort.desc ? -compare(x, y) : compare(x, y);
    })
    : kept;
  const click = (key: string) =>
    setSort((s) => ({
      key,
      desc: s.key === key ? !s.desc : p.columns.find((c) => c.key === key)?.numeric === true,
    }));
  const table = (
    <table class="sortable" data-hydrated={ready ? "" : undefined}>
      {p.caption && <caption>{p.caption}</caption>}
      <thead>
        <tr>
          {p.columns.map((c) => (
            <th
              scope="col"
              data-sort={c.key}
              aria-sort={sort.key === c.key ? (sort.desc ? "descending" : "ascending") : undefined}
              class={c.numeric ? "num" : undefined}
              onClick={() => click(c.key)}
            >
              {c.label}
              {sort.key === c.key ? (sort.desc ? " ▼" : " ▲") : ""}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr data-row={r.id} class={r.className}>
            {p.columns.map((c, i) => {
              const cell = r.cells[c.key];
              const text = cell?.text ?? "–";
              return (
                <td class={c.numeric ? "num" : undefined}>
                  {i === 0 && r.href ? <a href={r.href}>{text}</a> : text}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (!p.filters?.length) return table;
  return (
    <div>
      <form
        method="get"
        class="filters"
        onSubmit={(e) => ready && e.preventDefault()}
      >
        {p.filters.map((f) => (
          <label>
            {f.label}{" "}
            <select
              name={f.key}
              data-filter={f.key}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLSelectElement).value;
                setChosen((c) => ({ ...c, [f.key]: v }));
              }}
            >
              <option value="">all</option>
              {f.options.map((o) => (
                <option key={o} value={o} selected={chosen[f.key] === o}>{o}</option>
              ))}
            </select>
          </label>
        ))}
        <noscript>
          <button type="submit">Filter</button>
        </noscript>
        <span class="count" data-count="">{kept.length} of {p.rows.length} runs</span>
      </form>
      {table}
    </div>
  );
}
