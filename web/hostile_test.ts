/**
 * Fault injection for the site: hostile records (web/testdata/hostile.ts),
 * a hostile Host header, and dangerous `web:build --out` targets. Every
 * route renders (200, never a 500), nothing outside `runs/` is shown, the
 * export finishes and leaves no temporary folder, and the build never
 * deletes a folder it did not make.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildSite } from "./build.ts";
import { flops } from "./lib/format.ts";
import { renderRoute } from "./lib/site.tsx";
import { createHandler } from "./server.ts";
import { writeHostileRuns } from "./testdata/hostile.ts";

// esbuild's service process outlives the bundling call by a tick; it is not ours to close.
const opts = { sanitizeOps: false, sanitizeResources: false };
const hostile = await writeHostileRuns();

function text(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/\s+/g, " ");
}

async function get(path: string) {
  const page = await renderRoute(path, new URLSearchParams(), hostile.runsDir);
  assert.ok(page, `route ${path} exists`);
  return { status: page.status, html: page.html, text: text(page.html) };
}

const ROUTES = [
  "/",
  "/runs/",
  ...hostile.ids.map((id) => `/runs/${id}/`),
  ...["bad-rows", "rows-not-list", "full-cmp", "partial-cmp", "quick-cmp", "bad-protocol"].map((
    id,
  ) => `/compare/${id}/`),
];

Deno.test(`site: ${ROUTES.length} routes over hostile records all render (200), none shows a linked file`, async () => {
  for (const r of ROUTES) {
    const p = await get(r);
    assert.equal(p.status, 200, r);
    assert.ok(!p.html.includes(hostile.secret), `${r} shows a file outside runs/`);
    assert.doesNotMatch(p.html, /<script>alert/, r);
  }
});

Deno.test("site: a malformed comparison shows its broken rows as broken rows, the good row intact", async () => {
  const p = await get("/runs/bad-rows/");
  assert.match(p.text, /broken: row 1: not an object \(null\)/);
  assert.match(p.text, /broken: row 2: no-fields: top1 must be a number \(got missing\)/);
  assert.match(p.text, /broken: row 3: method must be a string \(got 5\)/);
  assert.match(p.text, /broken: row 4: not an object \(string\)/);
  assert.match(p.text, /good-arm 50\.00% 100 10\.0 0\.10x 90\.0%/);
  assert.match(p.text, /broken: row 6: nan-arm: top1 must be a number \(got "NaN"\)/);
  assert.match((await get("/runs/rows-not-list/")).text, /broken: rows is not a list/);
});

Deno.test("site: a protocol comparison with broken rows keeps the protocol view, the good row intact", async () => {
  const p = await get("/runs/bad-protocol/");
  assert.match(p.text, /could not be read: target is not an object with a rule/);
  assert.match(p.text, /Target: no target/);
  // mean ± std over two seeds; not reached
  assert.match(p.text, /quadratic – 75\.00 ± 1\.00 \(reference\) 100 2\.00 MFLOP not reached/);
  assert.match(p.text, /broken: row 2: not an object \(null\)/);
  assert.match(
    p.text,
    /broken: row 3: classic: inferenceFlops must be a number \(got missing\)/,
  );
  assert.match(p.text, /broken: row 4: bad-stat: test must be \{ mean, std, n \} \(got "high"\)/);
  assert.match(p.text, /broken: row 5: climber: runIds holds something that is not a run id/);
  assert.doesNotMatch(p.html, /etc\//);
  // the compare page overlays the good row's first seed (not written: no arm shown, no error)
  assert.equal((await get("/compare/bad-protocol/")).status, 200);
});

Deno.test("site: fields of the wrong type are dropped and named; non-object summaries are broken", async () => {
  const p = await get("/runs/wrong-types/");
  assert.match(
    p.text,
    /could not be read: task is not a string; updatedAt is not a string; status is not one of/,
  );
  assert.match(p.text, /final\.top1 is not a finite number/);
  assert.match(p.text, /comparisonId is not a run id/);
  assert.match(p.text, /config\.json|params is not an object/);
  assert.match(p.text, /final top-1 –/);
  assert.match(p.text, /estimated training FLOPs 991\.96 kFLOP/);
  assert.match(p.text, /5 line\(s\) of metrics\.jsonl could not be read/);
  assert.doesNotMatch(p.html, /href="[^"]*\.\.\/\.\.\/etc/);
  for (const id of ["null-summary", "list-summary", "num-summary"]) {
    assert.match((await get(`/runs/${id}/`)).text, /This record is broken: summary\.json is not/);
  }
});

Deno.test("site: a run with 130k logged points renders, its plot thinned to 1,000 points", async () => {
  const p = await get("/runs/long-run/");
  assert.equal(p.status, 200);
  const circles = p.html.match(/<circle/g)?.length ?? 0;
  assert.equal(circles, 1000); // one series, thinned from 130,000
  assert.match(p.html, /<title>loss: \(1\.3e\+5, 7\.7e-6\)<\/title>/); // the last point, step 129,999
});

Deno.test("site: symbolic links out of runs/ are listed as broken, never followed", async () => {
  const runs = await get("/runs/");
  assert.match(runs.text, /linked-run .*broken: a symbolic link \(not followed: runs\/ only\)/);
  assert.match(
    (await get("/runs/linked-files/")).text,
    /summary\.json is a symbolic link \(not followed\)/,
  );
});

Deno.test("site: the overview keeps a fuller comparison a later partial one would hide; --quick is flagged", async () => {
  const p = await get("/");
  assert.match(p.text, /partial-cmp/);
  assert.match(p.text, /full-cmp/); // three rows, older than the one-row partial-cmp
  assert.match(p.text, /quadratic-scratch 90\.00%/);
  assert.match(p.text, /A --quick run: tiny sizes for a smoke test/);
  assert.equal(p.html.match(/data-quick/g)?.length, 1);
});

Deno.test("format: FLOPs keep three significant figures at every scale", () => {
  assert.equal(flops(991_956), "991.96 kFLOP");
  assert.equal(flops(2.5e12), "2.50 TFLOP");
  assert.equal(flops(3.2e7), "32.00 MFLOP");
  assert.equal(flops(12), "12 FLOP");
});

Deno.test(
  "server: a foreign Host header (DNS rebinding) is refused; local names are served",
  opts,
  async () => {
    const handler = await createHandler(hostile.runsDir);
    const req = (host: string) =>
      handler(new Request("http://127.0.0.1:8000/", { headers: { host } }));
    for (const h of ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "10.0.0.5"]) {
      const r = await req(h);
      assert.equal(r.status, 403, h);
      assert.doesNotMatch(await r.text(), /Overview/, h);
    }
    for (const h of ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"]) {
      const r = await req(h);
      assert.equal(r.status, 200, h);
      await r.body?.cancel();
    }
  },
);

Deno.test(
  "web:build exports hostile records without aborting and leaves no temporary folder",
  opts,
  async () => {
    const out = join(hostile.root, "site");
    await buildSite(hostile.runsDir, out);
    const home = await Deno.readTextFile(join(out, "index.html"));
    assert.match(home, /full-cmp/);
    assert.ok(existsSync(join(out, "runs", "bad-rows", "index.html")));
    const all: string[] = [];
    for (const e of Deno.readDirSync(hostile.root)) all.push(e.name);
    assert.deepEqual(all.filter((n) => n.includes(".tmp-") || n.includes(".old-")), []);
    // nothing exported shows the linked file
    const pages = [...Deno.readDirSync(join(out, "runs"))].filter((e) => e.isDirectory)
      .map((e) => e.name);
    assert.equal(pages.length, hostile.ids.length);
    for (const id of pages) {
      const page = await Deno.readTextFile(join(out, "runs", id, "index.html"));
      assert.ok(!page.includes(hostile.secret), id);
    }
    // a second build replaces the site it made
    await buildSite(hostile.runsDir, out);
    assert.ok(existsSync(join(out, "index.html")));
  },
);

Deno.test("web:build --out never deletes a folder it did not make", opts, async () => {
  const root = hostile.root;
  const foreign = join(root, "foreign");
  await Deno.mkdir(foreign);
  await Deno.writeTextFile(join(foreign, "thesis.tex"), "precious");
  const before = [...Deno.readDirSync(hostile.runsDir)].length;
  for (
    const [out, why] of [
      [hostile.runsDir, /holds the runs folder/],
      [root, /holds the runs folder/],
      [join(hostile.runsDir, "site"), /inside the runs folder/],
      [foreign, /not made by web:build/],
      [".", /holds the runs folder|current folder/],
    ] as const
  ) {
    await assert.rejects(() => buildSite(hostile.runsDir, out), why, out);
  }
  assert.equal(await Deno.readTextFile(join(foreign, "thesis.tex")), "precious");
  assert.equal([...Deno.readDirSync(hostile.runsDir)].length, before);
  // an empty existing folder is fine
  const empty = join(root, "empty");
  await Deno.mkdir(empty);
  await buildSite(hostile.runsDir, empty);
  assert.ok(existsSync(join(empty, "index.html")));
});
