/**
 * `deno task web`: serves the results site live from `runs/` (a new run
 * shows on reload). Only GET/HEAD of its routes, `/static/*` files and the
 * bundled islands; no directory listing, no writes; binds to 127.0.0.1
 * unless `--host` says otherwise.
 *
 *     deno task web [--port 8000] [--host 127.0.0.1] [--runs-dir runs]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { bundleIslands } from "./lib/bundle.ts";
import { notFound, renderRoute } from "./lib/site.tsx";

const STATIC = new URL("./static/", import.meta.url);
const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
};

/** Names of the files in static/ (the only ones served from it). */
function staticFiles(): Set<string> {
  return new Set([...Deno.readDirSync(STATIC)].filter((e) => e.isFile).map((e) => e.name));
}

/** A request handler for the site over `runsDir`. */
export async function createHandler(runsDir: string): Promise<(req: Request) => Promise<Response>> {
  const islands = await bundleIslands();
  const statics = staticFiles();
  const html = (p: { status: number; html: string }) =>
    new Response(p.html, {
      status: p.status,
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  return async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("Method Not Allowed", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    const url = new URL(req.url);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return html(notFound());
    }
    // One flat name after the prefix: no "..", no "/", no backslash, no NUL.
    const flat = (prefix: string) => {
      const rest = path.slice(prefix.length);
      return path.startsWith(prefix) && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(rest) &&
          !rest.includes("..")
        ? rest
        : undefined;
    };
    const s = flat("/static/");
    if (s !== undefined) {
      if (!statics.has(s)) return html(notFound());
      const body = await Deno.readFile(new URL(s, STATIC));
      return new Response(body, {
        headers: { "content-type": TYPES[s.split(".").pop()!] ?? "application/octet-stream" },
      });
    }
    const i = flat("/islands/");
    if (i !== undefined) {
      const body = islands.get(i);
      return body
        ? new Response(body as Uint8Array<ArrayBuffer>, { headers: { "content-type": TYPES.js } })
        : html(notFound());
    }
    if (!path.endsWith("/") && /^\/(runs|compare)(\/[^/]+)?$/.test(path)) {
      return Response.redirect(new URL(path + "/" + url.search, url), 301);
    }
    const page = await renderRoute(path, url.searchParams, runsDir);
    return html(page ?? notFound());
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "8000" },
      host: { type: "string", default: "127.0.0.1" },
      "runs-dir": { type: "string", default: "runs" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port must be an integer 0..65535, got ${values.port}`);
    Deno.exit(2);
  }
  const handler = await createHandler(values["runs-dir"]!);
  Deno.serve({
    hostname: values.host,
    port,
    onListen: ({ hostname, port }) =>
      console.error(`results site: http://${hostname}:${port}/ (runs from ${values["runs-dir"]})`),
  }, handler);
}
