import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as core from "./mod.ts";
import * as records from "./records/mod.ts";

const CORE = fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, "");

function sources(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory
      ? sources(`${dir}/${e.name}`)
      : e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")
      ? [`${dir}/${e.name}`]
      : []
  );
}

Deno.test("core: no module runs a top-level await or re-exports with export *", () => {
  for (const file of sources(CORE)) {
    const text = Deno.readTextFileSync(file);
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    // a statement at column 0 (top level) that awaits, outside a function
    assert.doesNotMatch(
      code,
      /^(?!(export )?(async )?function)(?=[A-Za-z_$])[^\n]*\bawait\b/m,
      file,
    );
    if (!file.endsWith("/tfjs.ts")) assert.doesNotMatch(code, /^export \* from/m, file); // tfjs.ts is the tf namespace
    // tfjs is changed in one place, and only when installFusedOps() is called
    if (!file.endsWith("/fused/install.ts")) {
      assert.doesNotMatch(code, /\bregisterGradient\(|\.prototype\.\w+\s*=[^=]/, file);
    }
  }
});

Deno.test("core: the public API is the deliberate list (internal helpers stay inside)", () => {
  const names = Object.keys(core);
  for (const inner of ["effectiveSize", "planAxis", "contentHash", "removeStale", "rebuildModel"]) {
    assert.ok(!names.includes(inner), `${inner} is internal`);
  }
  for (const pub of ["adapt", "tf", "register", "lookup", "Registry", "RunRecord", "runTraining"]) {
    assert.ok(names.includes(pub), `${pub} is public`);
  }
  assert.equal(core.lookup("kernel", "quadratic"), core.quadraticKernel);
  // records without tf: every runtime export of records/mod.ts
  assert.deepEqual(Object.keys(records).sort(), [
    "RUN_ID_PATTERN",
    "RUN_STATUSES",
    "RecordError",
    "SUMMARY_SCHEMA_VERSION",
    "checkRunId",
    "goodRows",
    "isBrokenRow",
    "isDetectionRow",
    "isProtocolRow",
    "isRunId",
    "latestComparisons",
    "parseComparisonRow",
    "parseConfig",
    "parseDetectionRow",
    "parseMetricsLine",
    "parseProtocolRow",
    "parseSummary",
    "readConfig",
    "readInside",
    "readMetrics",
    "readRunFolder",
    "readRunFolders",
    "readSummary",
    "rowOrBroken",
    "runExists",
    "runPaths",
    "runStamp",
    "salvageSummary",
    "withSavings",
    "writeConfig",
    "writeMetrics",
    "writeReport",
    "writeSummary",
  ]);
});

Deno.test("core/records loads without TensorFlow.js", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `${CORE}/records/mod.ts`],
    stdout: "piped",
    stderr: "null",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(out.stdout));
  const deps: string[] = graph.modules.map((m: { specifier: string }) => m.specifier);
  assert.ok(deps.length > 3);
  assert.ok(!deps.some((d) => d.includes("tensorflow") || d.endsWith("/tf.ts")), deps.join("\n"));
});
