/**
 * Route `/`: the latest comparison per task (table and accuracy-versus-
 * compute plot), or how to produce one.
 *
 * @example
 * ```tsx
 * import { readRunFolders } from "@quadranet/core/records";
 * import { Overview } from "./index.tsx";
 * const page = <Overview runs={await readRunFolders("runs")} base="./" />;
 * ```
 * @module
 */
import { ComparisonView } from "../components/comparison_table.tsx";
import { latestComparisons, type RunFolder } from "@quadranet/core/records";

/** The overview page body. */
export function Overview({ runs, base }: { runs: RunFolder[]; base: string }) {
  const latest = latestComparisons(runs);
  const running = runs.filter((r) => r.summary.status === "running");
  return (
    <>
      <h1>Overview</h1>
      {runs.length === 0 && (
        <section class="empty">
          <p>No runs yet.</p>
          <p>
            Produce one with <code>deno task train</code> (the default comparison, a few minutes) or
            {" "}
            <code>deno task train --quick</code> (seconds), then reload this page.
          </p>
        </section>
      )}
      {running.length > 0 && (
        <p class="notice">
          In progress: {running.map((r, i) => (
            <>
              {i > 0 && ", "}
              <a href={`${base}runs/${r.id}/`}>{r.id}</a>
            </>
          ))}
        </p>
      )}
      {runs.length > 0 && latest.length === 0 && (
        <p>
          No completed comparison yet; see <a href={`${base}runs/`}>all runs</a>.
        </p>
      )}
      {latest.map((r) => (
        <ComparisonView
          key={r.id}
          run={r}
          base={base}
          arms={runs.filter((a) => a.summary.comparisonId === r.id)}
        />
      ))}
    </>
  );
}
