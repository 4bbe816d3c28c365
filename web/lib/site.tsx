/**
 * The site's routes, shared by the live server and the static export:
 * `/`, `/runs/`, `/runs/<id>/`, `/compare/<comparison-id>/` and (live only)
 * `/compare/?runs=a,b`. Pages are rendered to HTML strings from `runs/`
 * and nothing else; an unknown path is a 404.
 *
 * @example
 * ```ts
 * const page = await renderRoute("/runs/", new URLSearchParams(), "runs");
 * // { status: 200, html: "<!DOCTYPE html>…" }
 * ```
 * @module
 */
import { renderToString } from "preact-render-to-string";
import type { VNode } from "preact";
import { Layout } from "../components/layout.tsx";
import { ComparePage } from "../routes/compare.tsx";
import { Overview } from "../routes/index.tsx";
import { RunPage } from "../routes/run.tsx";
import { FILTERS, type Filters, RunsPage } from "../routes/runs.tsx";
import {
  goodRows,
  isProtocolRow,
  isRunId,
  readRunFolder,
  readRunFolders,
  type RunFolder,
} from "@quadranet/core/records";

/** A rendered page. */
export interface Page {
  status: number;
  html: string;
}

function page(title: string, base: string, body: VNode, status = 200): Page {
  return {
    status,
    html: "<!DOCTYPE html>" + renderToString(<Layout title={title} base={base}>{body}</Layout>),
  };
}

/** The 404 page (base "/" so its links work at any depth on the live server). */
export function notFound(base = "/"): Page {
  return page(
    "Not found",
    base,
    <>
      <h1>Not found</h1>
      <p>
        <a href={base}>Back to the overview</a>
      </p>
    </>,
    404,
  );
}

/**
 * The page for a route that failed to render (a last resort: records are
 * validated, so this means a bug): it says which page and why, never a
 * stack trace.
 */
export function errorPage(path: string, e: unknown, base = "/"): Page {
  return page(
    "Error",
    base,
    <>
      <h1>This page could not be rendered</h1>
      <p class="error">
        {path}: {e instanceof Error ? e.message : String(e)}
      </p>
      <p>
        <a href={base}>Back to the overview</a>
      </p>
    </>,
    500,
  );
}

/** Arms of a comparison, in its row order. */
export async function comparisonArms(runsDir: string, cmp: RunFolder): Promise<RunFolder[]> {
  // protocol rows name every seed's run (runIds); the compare page overlays the first seed's
  const arms = await Promise.all(
    goodRows(cmp).map((r) => {
      const id = isProtocolRow(r) ? r.runIds[0] : r.runId;
      return id ? readRunFolder(runsDir, id) : undefined;
    }),
  );
  return arms.filter((r): r is RunFolder => r !== undefined);
}

/** Renders `path` (always ending in "/" for pages) or returns undefined for "no such route". */
export async function renderRoute(
  path: string,
  query: URLSearchParams,
  runsDir: string,
): Promise<Page | undefined> {
  if (path === "/") {
    return page("Overview", "./", <Overview runs={await readRunFolders(runsDir)} base="./" />);
  }
  if (path === "/runs/") {
    const filters: Filters = {};
    for (const f of FILTERS) if (query.get(f)) filters[f] = query.get(f)!;
    return page(
      "Runs",
      "../",
      <RunsPage runs={await readRunFolders(runsDir)} base="../" filters={filters} />,
    );
  }
  let m = path.match(/^\/runs\/([^/]+)\/$/);
  if (m) {
    if (!isRunId(m[1])) return undefined;
    const run = await readRunFolder(runsDir, m[1]);
    return run && page(run.id, "../../", <RunPage run={run} base="../../" />);
  }
  if (path === "/compare/") {
    const ids = (query.get("runs") ?? "").split(",").filter(isRunId);
    const runs = (await Promise.all(ids.map((id) => readRunFolder(runsDir, id)))).filter((
      r,
    ): r is RunFolder => !!r);
    return page(
      "Compare",
      "../",
      <ComparePage runs={runs} base="../" title={ids.join(", ") || "nothing selected"} />,
    );
  }
  m = path.match(/^\/compare\/([^/]+)\/$/);
  if (m) {
    if (!isRunId(m[1])) return undefined;
    const cmp = await readRunFolder(runsDir, m[1]);
    if (!cmp?.isComparison) return undefined;
    const arms = await comparisonArms(runsDir, cmp);
    return page(
      `Compare ${cmp.id}`,
      "../../",
      <ComparePage runs={arms} base="../../" title={cmp.id} />,
    );
  }
  return undefined;
}
