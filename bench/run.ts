/**
 * `deno task bench [--quick]`: every CPU bench, one after the other, in one
 * invocation; each prints its own table of side-by-side ratios.
 * `deno task bench --gpu [--quick]`: the GPU bench instead (bench/gpu.ts),
 * for a machine with an NVIDIA GPU.
 *
 * @module
 */
const gpu = Deno.args.includes("--gpu");
const benches = gpu
  ? ["gpu.ts"]
  : ["backends.ts", "fused.ts", "memory_efficient.ts", "data_pipeline.ts"];
for (const b of benches) {
  const status = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-webgpu",
      "--allow-read",
      "--allow-write", // data_pipeline.ts writes its JPEGs to a temp folder
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      "--allow-run",
      ...(Deno.env.get("QN_NODE_MODULES_MANUAL") ? ["--node-modules-dir=manual"] : []),
      new URL(`./${b}`, import.meta.url).pathname,
      ...Deno.args.filter((a) => a !== "--gpu"),
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) Deno.exit(status.code || 1);
}
