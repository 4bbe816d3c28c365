import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { startInBackground, waitForExit } from "@quadranet/core/testing";
import { createHandler } from "./server.ts";

const RUNS = new URL("./testdata/runs/", import.meta.url).pathname;
const handler = await createHandler(RUNS);
// esbuild's service process outlives the bundling call by a tick; it is not ours to close.
const opts = { sanitizeOps: false, sanitizeResources: false };

async function get(path: string, init?: RequestInit) {
  const res = await handler(new Request(`http://127.0.0.1${path}`, init));
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    body: await res.text(),
  };
}

Deno.test("server serves pages, static files and the bundled islands", opts, async () => {
  const home = await get("/");
  assert.equal(home.status, 200);
  assert.match(home.type, /text\/html/);
  const css = await get("/static/style.css");
  assert.equal(css.status, 200);
  assert.match(css.type, /text\/css/);
  const boot = await get("/islands/boot.js");
  assert.equal(boot.status, 200);
  assert.match(boot.body, /data-island/);
  // code splitting: the boot script loads each island from its own chunk
  const chunks = [...boot.body.matchAll(/import\("\.\/([\w-]+\.js)"\)/g)].map((m) => m[1]);
  assert.ok(chunks.some((c) => c.startsWith("SortableTable-")), boot.body.slice(0, 300));
  assert.equal((await get(`/islands/${chunks[0]}`)).status, 200);
  const redirect = await handler(new Request("http://127.0.0.1/runs"));
  assert.equal(redirect.status, 301);
});

Deno.test(
  "server: traversal attempts, listings and unknown paths get a 404; writes a 405",
  opts,
  async () => {
    for (
      const p of [
        "/static/../../deno.json",
        "/static/..%2f..%2fdeno.json",
        "/static/%2e%2e/server.ts",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/islands/../lib/site.tsx",
        "/islands/..%2flib%2fsite.tsx",
        "/runs/..%2f..%2fdeno.json/",
        "/static/",
        "/islands/",
        "/testdata/runs/cmp-a/summary.json",
        "/runs/cmp-a/summary.json",
        "/static/.hidden",
        "/static/style.css%00.js",
      ]
    ) {
      const r = await get(p);
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(r.body, /"runId"|import \{|Deno\./, p);
    }
    for (const method of ["POST", "PUT", "DELETE"]) {
      assert.equal((await get("/", { method })).status, 405, method);
    }
  },
);

Deno.test("deno task web binds to 127.0.0.1 unless told otherwise", opts, async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./server.ts", import.meta.url).pathname,
      "--port",
      "0",
      "--runs-dir",
      RUNS,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/results site: http:\/\/[^/]+\//.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  child.kill("SIGTERM");
  await reader.cancel();
  await child.status;
  assert.match(seen, /results site: http:\/\/127\.0\.0\.1:\d+\//);
});

Deno.test(
  "deno task web stops when its parent dies without forwarding the signal (as npx does)",
  opts,
  async () => {
    const server = new URL("./server.ts", import.meta.url).pathname;
    const child = await startInBackground(
      `'${Deno.execPath()}' run -A '${server}' --port 0 --runs-dir '${RUNS}' 2>/dev/null`,
    );
    await new Promise((r) => setTimeout(r, 1500)); // let it start serving
    assert.ok(existsSync(`/proc/${child.pid}`), "the server runs");
    await child.orphan();
    assert.ok(await waitForExit(child.pid, 10_000), "the orphaned server exited");
  },
);
