/**
 * `deno task web`: serves the results site live from `runs/` (a new run
 * shows on reload). Only GET/HEAD of its routes, `/static/*` files and the
 * bundled islands; no directory listing, no writes; binds to 127.0.0.1
 * unless `--host` says otherwise.
 *
 *     deno task web [--port 8000] [--host 127.0.0.1] [--runs-dir runs] [--allow-host NAME]
 *
 * Requests whose Host header is not a local name, the bind address or an
 * `--allow-host` name get a 403 (DNS rebinding cannot read the site).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { bundleIslands } from "./lib/bundle.ts";
import { errorPage, notFound, renderRoute } from "./lib/site.tsx";

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

/** Host names a browser on this machine uses for a local server. */
const LOCAL = ["localhost", "127.0.0.1", "[::1]", "::1"];

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** The address the server binds to (its own name is always allowed as Host). */
  host?: string;
  /** More Host names to answer (for a server reached by a name). */
  allowHosts?: string[];
}

/**
 * Whether a request's Host names this server: a local name, the bind
 * address, an allowed name, or, when bound to every interface, any IP
 * literal. A foreign name is refused, which defeats DNS rebinding (a page
 * on evil.example whose name now resolves to 127.0.0.1 still sends
 * `Host: evil.example`).
 */
export function hostAllowed(hostname: string, o: HandlerOptions = {}): boolean {
  const h = hostname.toLowerCase();
  const allowed = new Set([...LOCAL, ...(o.allowHosts ?? []).map((a) => a.toLowerCase())]);
  if (o.host) allowed.add(o.host.toLowerCase());
  if (allowed.has(h)) return true;
  const any = o.host === "0.0.0.0" || o.host === "::" || o.host === "[::]";
  return any && (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || /^\[[0-9a-f:.]+\]$/.test(h));
}

/** A request handler for the site over `runsDir`. */
export async function createHandler(
  runsDir: string,
  options: HandlerOptions = {},
): Promise<(req: Request) => Promise<Response>> {
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
    const host = req.headers.get("host") ?? url.host;
    const hostname = host.startsWith("[")
      ? host.slice(0, host.indexOf("]") + 1)
      : host.split(":")[0];
    if (!hostAllowed(hostname, options)) {
      return new Response(
        `Forbidden: Host "${hostname}" is not this server's name; start it with --allow-host ${hostname}` +
          ` to answer it.\n`,
        { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } },
      );
    }
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
    try {
      const page = await renderRoute(path, url.searchParams, runsDir);
      return html(page ?? notFound());
    } catch (e) {
      console.error(`error rendering ${path}: ${(e as Error).message}`);
      return html(errorPage(path, e));
    }
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "8000" },
      host: { type: "string", default: "127.0.0.1" },
      "runs-dir": { type: "string", default: "runs" },
      "allow-host": { type: "string", multiple: true },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port must be an integer 0..65535, got ${values.port}`);
    Deno.exit(2);
  }
  const handler = await createHandler(values["runs-dir"]!, {
    host: values.host,
    allowHosts: values["allow-host"],
  });
  // A parent that dies without passing its signal on (npx does this) must not leave the
  // server running on its own: exit when reparented.
  const parent = Deno.ppid;
  setInterval(() => Deno.ppid !== parent && Deno.exit(0), 1000);
  Deno.serve({
    hostname: values.host,
    port,
    onListen: ({ hostname, port }) =>
      console.error(`results site: http://${hostname}:${port}/ (runs from ${values["runs-dir"]})`),
  }, handler);
}
