/**
 * Counts and logs the files the decoder converted or skipped: one log line
 * per file (the first time it is seen, not every epoch) and counts by kind,
 * which a task stores in its run record.
 *
 * @example
 * ```ts
 * import { IssueLog } from "@quadranet/datasets";
 * const issues = new IssueLog((line) => console.error(line));
 * issues.record("a.JPEG", [{ kind: "empty", action: "skipped", detail: "zero-byte file" }]);
 * issues.summary(); // { files: 1, skipped: { empty: 1 }, converted: {} }
 * ```
 * @module
 */
import type { Issue } from "./decode.ts";

/** Counts by kind of the files converted or skipped. */
export interface IssueSummary {
  /** Distinct files with at least one issue. */
  files: number;
  /** Skipped files by issue kind. */
  skipped: Record<string, number>;
  /** Converted files by issue kind. */
  converted: Record<string, number>;
}

/** The per-file issue ledger of one run. */
export class IssueLog {
  readonly #seen = new Map<string, Issue[]>();

  /** A ledger printing each new file's issues through `log`. */
  constructor(readonly log: (line: string) => void = () => {}) {}

  /** Records the issues of `path` (no-op for none, or for a file already recorded). */
  record(path: string, issues: Issue[]): void {
    if (issues.length === 0 || this.#seen.has(path)) return;
    this.#seen.set(path, issues);
    const skipped = issues.find((i) => i.action === "skipped");
    const what = issues.map((i) => `${i.kind}: ${i.detail}`).join("; ");
    this.log(`data: ${skipped ? "skipped" : "converted"} ${path} (${what})`);
  }

  /** Counts so far; a skipped file counts once, under the reason it was skipped. */
  summary(): IssueSummary {
    const out: IssueSummary = { files: this.#seen.size, skipped: {}, converted: {} };
    for (const issues of this.#seen.values()) {
      const skipped = issues.find((i) => i.action === "skipped");
      if (skipped) out.skipped[skipped.kind] = (out.skipped[skipped.kind] ?? 0) + 1;
      for (const i of issues) {
        if (i.action === "converted") out.converted[i.kind] = (out.converted[i.kind] ?? 0) + 1;
      }
    }
    return out;
  }
}
