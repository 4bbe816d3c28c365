/**
 * `deno task bench [--quick]`: every bench, one after the other, in one
 * invocation; each prints its own table of side-by-side ratios.
 *
 * @module
 */
const benches = ["backends.ts", "fused.ts", "memory_efficient.ts", "data_pipeline.ts"];
for (const b of benches) {
  const status = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write", // data_pipeline.ts writes its JPEGs to a temp folder
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      "--allow-run",
      new URL(`./${b}`, import.meta.url).pathname,
      ...Deno.args,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) Deno.exit(status.code || 1);
}
