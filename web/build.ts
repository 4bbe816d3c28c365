/**
 * `deno task web:build`: exports the site as static files to `web/_site/`
 * (or `--out`): every route as `…/index.html`, the static files and the
 * esbuild-bundled islands (code-split). Links are relative, so any static
 * file server works, at any sub-path.
 *
 *     deno task web:build [--runs-dir runs] [--out web/_site]
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { bundleIslands } from "./lib/bundle.ts";
import { readRunFolders } from "@quadranet/core/records";
import { renderRoute } from "./lib/site.tsx";

/** Writes the static site for `runsDir` into `out`; returns the pages written. */
export async function buildSite(runsDir: string, out: string): Promise<string[]> {
  const tmp = `${out}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(tmp, { recursive: true });
  const runs = await readRunFolders(runsDir);
  const paths = [
    "/",
    "/runs/",
    ...runs.map((r) => `/runs/${r.id}/`),
    ...runs.filter((r) => r.isComparison).map((r) => `/compare/${r.id}/`),
  ];
  const written: string[] = [];
  for (const p of paths) {
    const page = await renderRoute(p, new URLSearchParams(), runsDir);
    if (!page) continue;
    const file = join(tmp, p, "index.html");
    await Deno.mkdir(dirname(file), { recursive: true });
    await Deno.writeTextFile(file, page.html);
    written.push(p);
  }
  await Deno.mkdir(join(tmp, "static"));
  for (const e of Deno.readDirSync(new URL("./static/", import.meta.url))) {
    if (e.isFile) {
      await Deno.copyFile(
        new URL(`./static/${e.name}`, import.meta.url),
        join(tmp, "static", e.name),
      );
    }
  }
  await Deno.mkdir(join(tmp, "islands"));
  for (const [name, body] of await bundleIslands()) {
    await Deno.writeFile(join(tmp, "islands", name), body);
  }
  // Swap the finished folder into place: never a half-written site.
  if (existsSync(out)) await Deno.remove(out, { recursive: true });
  await Deno.rename(tmp, out);
  return written;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      "runs-dir": { type: "string", default: "runs" },
      out: { type: "string", default: new URL("./_site", import.meta.url).pathname },
    },
  });
  const pages = await buildSite(values["runs-dir"]!, values.out!);
  console.error(`exported ${pages.length} pages to ${values.out}`);
}
