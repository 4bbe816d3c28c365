/**
 * Bundles the islands for the browser with esbuild: `islands/boot.ts` as
 * the entry, each island a lazily loaded chunk, preact shared; ES modules,
 * minified. Returns the files in memory (name → contents).
 *
 * @example
 * ```ts
 * const files = await bundleIslands(); // { "boot.js": ..., "chunk-….js": ... }
 * ```
 * @module
 */
import * as esbuild from "esbuild";
import { fileURLToPath as fromFileUrl } from "node:url";

/** Builds the client bundle. */
export async function bundleIslands(): Promise<Map<string, Uint8Array>> {
  const entry = fromFileUrl(new URL("../islands/boot.ts", import.meta.url));
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: "esm",
    outdir: "/islands",
    write: false,
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    target: "es2020",
    absWorkingDir: fromFileUrl(new URL("..", import.meta.url)),
    logLevel: "silent",
  });
  const files = new Map<string, Uint8Array>();
  for (const f of result.outputFiles) files.set(f.path.split("/").pop()!, f.contents);
  await esbuild.stop();
  return files;
}
