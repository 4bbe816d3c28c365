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
import { existsSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { bundleIslands } from "./lib/bundle.ts";
import { readRunFolders } from "@quadranet/core/records";
import { errorPage, renderRoute } from "./lib/site.tsx";

/** The file that marks a folder as a site this build wrote (and may replace). */
export const MARKER = ".quadranet-site";

/** `--out` is a folder the build must not replace (it names which and why). */
export class UnsafeOutputError extends Error {}

/** The real path of `p` (resolved through links as far as it exists). */
function real(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  while (!existsSync(head) && dirname(head) !== head) {
    tail.unshift(head.slice(dirname(head).length + 1));
    head = dirname(head);
  }
  return join(realpathSync(head), ...tail);
}

const inside = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r === "" || (!r.startsWith("..") && !r.startsWith(sep) && r !== "..");
};

/**
 * Refuses an output folder the build did not create: one that holds (or is,
 * or lies inside) the runs folder, the current folder or one above it, the
 * home folder, or an existing non-empty folder without the build's marker.
 */
export function checkOutput(out: string, runsDir: string): void {
  const o = real(out), runs = real(runsDir), cwd = real(".");
  const home = Deno.env.get("HOME");
  const refuse = (why: string): never => {
    throw new UnsafeOutputError(
      `Refusing --out ${out}: ${why}. Give a new or empty folder, or one an earlier web:build made.`,
    );
  };
  if (inside(runs, o)) refuse(`it holds the runs folder ${runsDir}`);
  if (inside(o, runs)) refuse(`it lies inside the runs folder ${runsDir}`);
  if (inside(cwd, o)) refuse("it is the current folder or one above it");
  if (home && real(home) === o) refuse("it is the home folder");
  if (!existsSync(o)) return;
  const info = Deno.statSync(o);
  if (!info.isDirectory) refuse("it exists and is not a folder");
  const names = [...Deno.readDirSync(o)].map((e) => e.name);
  if (names.length > 0 && !names.includes(MARKER)) {
    refuse(`it holds ${names.length} entries and was not made by web:build (no ${MARKER} file)`);
  }
}

/**
 * Writes the static site for `runsDir` into `out`; returns the pages
 * written and those that failed to render (shown as an error page, never
 * aborting the build). `out` is replaced only if a build made it; the new
 * site is built in a sibling temporary folder that is removed on failure.
 */
export async function buildSite(
  runsDir: string,
  out: string,
): Promise<{ pages: string[]; failed: string[] }> {
  checkOutput(out, runsDir);
  const tmp = `${out}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(tmp, { recursive: true });
  try {
    const runs = await readRunFolders(runsDir);
    const paths = [
      "/",
      "/runs/",
      ...runs.map((r) => `/runs/${r.id}/`),
      ...runs.filter((r) => r.isComparison).map((r) => `/compare/${r.id}/`),
    ];
    const pages: string[] = [], failed: string[] = [];
    for (const p of paths) {
      let page;
      try {
        page = await renderRoute(p, new URLSearchParams(), runsDir);
      } catch (e) {
        page = errorPage(p, e, "../".repeat(p.split("/").length - 2) || "./");
        failed.push(p);
      }
      if (!page) continue;
      const file = join(tmp, p, "index.html");
      await Deno.mkdir(dirname(file), { recursive: true });
      await Deno.writeTextFile(file, page.html);
      pages.push(p);
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
    await Deno.writeTextFile(
      join(tmp, MARKER),
      "Made by `deno task web:build`; the next build replaces this folder.\n",
    );
    // Swap the finished folder into place: never a half-written site, and
    // the old one (ours: checked above) is removed only after the swap.
    checkOutput(out, runsDir);
    const old = existsSync(out) ? `${out}.old-${crypto.randomUUID().slice(0, 8)}` : undefined;
    if (old) await Deno.rename(out, old);
    await Deno.rename(tmp, out);
    if (old) await Deno.remove(old, { recursive: true });
    return { pages, failed };
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      "runs-dir": { type: "string", default: "runs" },
      out: { type: "string", default: new URL("./_site", import.meta.url).pathname },
    },
  });
  try {
    const { pages, failed } = await buildSite(values["runs-dir"]!, values.out!);
    console.error(`exported ${pages.length} pages to ${values.out}`);
    if (failed.length) {
      console.error(
        `${failed.length} page(s) failed to render (error pages): ${failed.join(", ")}`,
      );
    }
  } catch (e) {
    if (!(e instanceof UnsafeOutputError)) throw e;
    console.error(`error: ${e.message}`);
    Deno.exit(2);
  }
}
