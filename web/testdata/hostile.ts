/**
 * Writes hostile run records into a fresh temporary folder for the site's
 * fault-injection tests: malformed comparison rows, fields of the wrong
 * type, non-object JSON, 130k metric lines, symbolic links to files outside
 * `runs/`, HTML in names, a fuller comparison behind a later partial one,
 * a `--quick` comparison and a protocol comparison with malformed rows and
 * a malformed target. Returns the runs folder and the secret text the
 * links point at (which must never appear on a page).
 *
 * @example
 * ```ts
 * const { runsDir, secret } = await writeHostileRuns();
 * ```
 * @module
 */
import { join } from "node:path";

/** Number of metric lines in the `long-run` record (above the 125k that overflowed the stack). */
export const LONG_RUN_LINES = 130_000;

const json = (v: unknown) => JSON.stringify(v);

const row = (method: string, top1: number, cpu: number) => ({
  method,
  runId: `arm-${method}`,
  top1,
  top5: 1,
  trainableParams: 100,
  computeSeconds: cpu,
  wallSeconds: cpu,
  trainingFlops: 1e6,
  relativeCompute: cpu / 100,
  savingsPercent: 100 - cpu,
});

const ms = (mean: number) => ({ mean, std: 0.01, n: 2 });
const protocolRow = (method: string, top1: number) => ({
  method,
  runIds: [`arm-${method}-s1`, `arm-${method}-s2`],
  fromPretrained: true,
  trainableParams: 100,
  inferenceFlops: 2e6,
  inferenceOverhead: 0,
  test: ms(top1),
  validation: ms(top1),
  paired: null,
  toTarget: { reached: 0, n: 2 },
  budgetFlops: ms(3e9),
  budgetSeconds: ms(10),
});

/** The hostile records. */
export async function writeHostileRuns(): Promise<
  { root: string; runsDir: string; secret: string; ids: string[] }
> {
  const root = await Deno.makeTempDir({ prefix: "hostile-" });
  const runsDir = join(root, "runs");
  const secret = `SECRET-${crypto.randomUUID()}`;
  const outside = join(root, "outside");
  await Deno.mkdir(join(outside, "run"), { recursive: true });
  await Deno.writeTextFile(join(outside, "secret.txt"), secret);
  await Deno.writeTextFile(
    join(outside, "run", "summary.json"),
    json({ task: "digits-shift", method: secret, status: "completed", rows: [] }),
  );
  const ids: string[] = [];
  const write = async (id: string, files: Record<string, string>) => {
    ids.push(id);
    await Deno.mkdir(join(runsDir, id), { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(runsDir, id, name), text);
    }
  };
  const head = (updatedAt: string) => ({
    task: "digits-shift",
    method: "comparison",
    status: "completed",
    updatedAt,
  });
  // A comparison whose rows are null, a row without fields, wrong types and one good row.
  await write("bad-rows", {
    "summary.json": json({
      ...head("2026-11-20T12:00:00Z"),
      rows: [null, { method: "no-fields" }, { method: 5 }, "text", row("good-arm", 0.5, 10), {
        ...row("nan-arm", 0, 1),
        top1: "NaN",
      }],
    }),
  });
  await write("rows-not-list", {
    "summary.json": json({ ...head("2026-11-20T11:00:00Z"), rows: "x" }),
  });
  // Fields of the wrong type; 1e309 parses as Infinity.
  await write("wrong-types", {
    "summary.json": `{"task": 7, "method": "<script>alert(1)</script>", "status": ["x"],
      "final": {"top1": 1e309, "top5": "high"}, "params": [], "compute": {"cpuSeconds": "9",
      "trainingFlops": 991956}, "comparisonId": "../../etc", "adapter": "big",
      "updatedAt": {"t": 1}}`,
    "config.json": "[1, 2]",
    "metrics.jsonl": 'null\n5\n[1]\n"s"\n{"step": 10, "loss": 1.5}\n{"step":',
  });
  for (
    const [id, text] of [["null-summary", "null"], ["list-summary", "[]"], ["num-summary", "3"]]
  ) {
    await write(id, { "summary.json": text });
  }
  // A run that logged 130k steps.
  const lines: string[] = [];
  for (let s = 0; s < LONG_RUN_LINES; s++) lines.push(`{"step":${s},"loss":${1 / (1 + s)}}`);
  await write("long-run", {
    "summary.json": json({ task: "t", method: "m", status: "completed", final: { top1: 0.5 } }),
    "metrics.jsonl": lines.join("\n"),
  });
  // Links out of runs/: a linked run folder, and linked files inside a real run folder.
  await Deno.symlink(join(outside, "run"), join(runsDir, "linked-run"));
  ids.push("linked-run");
  await Deno.mkdir(join(runsDir, "linked-files"));
  ids.push("linked-files");
  for (const f of ["summary.json", "config.json", "metrics.jsonl", "report.md"]) {
    await Deno.symlink(
      f === "summary.json" ? join(outside, "run", "summary.json") : join(outside, "secret.txt"),
      join(runsDir, "linked-files", f),
    );
  }
  // A full comparison, then a later partial one (two arms), then a --quick one of another task.
  await write("full-cmp", {
    "summary.json": json({
      ...head("2026-11-21T10:00:00Z"),
      rows: [
        row("zero-shot", 0.25, 0),
        row("quadratic", 0.8, 40),
        row("quadratic-scratch", 0.9, 100),
      ],
    }),
  });
  await write("partial-cmp", {
    "summary.json": json({ ...head("2026-11-22T10:00:00Z"), rows: [row("quadratic", 0.81, 41)] }),
  });
  await write("quick-cmp", {
    "summary.json": json({
      ...head("2026-11-23T10:00:00Z"),
      task: "other-task",
      rows: [row("zero-shot", 0.3, 0), row("quadratic", 0.1, 1)],
    }),
    "config.json": json({ kind: "comparison", quick: true }),
  });
  // A protocol comparison: one good row, then a null row, a row of the wrong kind (no runIds),
  // a wrong-typed statistic and a run id that climbs out; its target's per-seed values are text.
  await write("bad-protocol", {
    "summary.json": json({
      ...head("2026-11-19T10:00:00Z"),
      task: "protocol-task",
      protocol: 1,
      pairedWith: "quadratic",
      seeds: [1, 2],
      target: { rule: { kind: "absolute", top1: 0.9 }, perSeed: ["x"] },
      rows: [
        protocolRow("quadratic", 0.75),
        null,
        row("classic", 0.5, 10),
        { ...protocolRow("bad-stat", 0.5), test: "high" },
        { ...protocolRow("climber", 0.5), runIds: ["../../etc"] },
      ],
    }),
  });
  return { root, runsDir, secret, ids };
}
