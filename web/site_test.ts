import assert from "node:assert/strict";
import { renderRoute } from "./lib/site.tsx";

const RUNS = new URL("./testdata/runs/", import.meta.url).pathname;

/** Visible text of a page (tags dropped, entities decoded, whitespace collapsed). */
function text(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/\s+/g, " ");
}

async function get(path: string, query = "") {
  const page = await renderRoute(path, new URLSearchParams(query), RUNS);
  assert.ok(page, `route ${path} exists`);
  return { status: page.status, html: page.html, text: text(page.html) };
}

Deno.test("overview shows the latest comparison's table with its numbers and the accuracy-vs-compute plot", async () => {
  const p = await get("/");
  assert.equal(p.status, 200);
  assert.match(p.text, /quadratic 91\.25% 12\.3k 40\.0 0\.25x 75\.0%/);
  assert.match(p.text, /quadratic-scratch 80\.00% 30\.0k 160\.0 1\.00x 0\.0%/);
  assert.match(p.text, /zero-shot 25\.00% 0 0\.0 0\.00x 100\.0%/);
  assert.match(p.html, /<svg class="plot"[^>]*aria-label="top-1 \(%\) versus compute \(CPU s\)"/);
  assert.match(p.html, /<title>quadratic: \(40, 91\.3\)<\/title>/); // the point at 40 CPU s, 91.25 %
  assert.match(p.text, /In progress: live-run/);
  assert.match(p.html, /data-island="SortableTable"/);
});

Deno.test("a detection comparison shows box AP columns (– for -1) and the arms' previews as images", async () => {
  const p = await get("/");
  // method, AP, AP50, AP75, APs, APm, APl, trainable params, compute, vs full
  assert.match(p.text, /quadratic 45\.7 80\.0 50\.0 40\.0 55\.0 – 40\.0k 30\.0 1\.50x/);
  assert.match(p.text, /frozen 12\.3 30\.0 5\.0 10\.0 20\.0 – 5\.0k 10\.0 0\.50x/);
  assert.match(p.html, /aria-label="box AP versus compute \(CPU s\)"/);
  // the preview is an <img> with the SVG as a data URL (its content cannot run scripts)
  const svg = await Deno.readFile(`${RUNS}det-a-quadratic/preview.svg`);
  const b64 = btoa(String.fromCharCode(...svg));
  assert.ok(p.html.includes(`<img src="data:image/svg+xml;base64,${b64}"`));
  const run = await get("/runs/det-a-quadratic/");
  assert.match(
    run.text,
    /box AP 45\.7 AP50 \/ AP75 80\.0 \/ 50\.0 APs \/ APm \/ APl 40\.0 \/ 55\.0 \/ –/,
  );
  assert.match(run.html, /data-preview="det-a-quadratic"/);
});

Deno.test("overview shows a protocol comparison: mean ± std, paired Δ, target and 'not reached'", async () => {
  const p = await get("/");
  assert.match(
    p.text,
    /Target: 98% of quadratic-scratch's final validation top-1 = 95\.00%, 94\.00%/,
  );
  assert.match(p.text, /seeds 1, 2/);
  assert.match(
    p.text,
    /first-order – 93\.00 ± 0\.00 -3\.00 ± 1\.00 \(lower\) 0 2\.90 MFLOP not reached not reached/,
  );
  assert.match(
    p.text,
    /upgrade 0\.01 96\.00 ± 1\.00 \(reference\) 1\.2k 5\.80 MFLOP \(\+100%\) 2\.00 GFLOP 80\.0 ± 5\.0%/,
  );
  assert.match(p.text, /quadratic-scratch 0\.01 96\.50 ± 0\.50 \+0\.50 ± 1\.00 \(tie\)/);
  assert.match(p.text, /Sunk pre-training: 30\.00 GFLOP/);
  assert.doesNotMatch(p.text, /best/i);
});

Deno.test("a protocol run page shows test read once, validation, and compute without evaluation", async () => {
  const p = await get("/runs/up-p-upgrade-s1/");
  assert.match(p.text, /test top-1 \(read once, at the end\) 20\.00%/);
  assert.match(p.text, /final validation top-1 95\.50%/);
  assert.match(p.text, /training FLOPs \(analytic\) 4\.00 GFLOP/);
  assert.match(p.text, /training CPU seconds 20\.0/);
  assert.match(p.text, /evaluation CPU seconds \(excluded\) 3\.0/);
  assert.match(p.html, /aria-label="top-1 \(%\) at the validation checks"/);
  assert.doesNotMatch(p.text, /best top-1/);
});

Deno.test("overview with no runs says how to produce one", async () => {
  const empty = await Deno.makeTempDir();
  const page = await renderRoute("/", new URLSearchParams(), empty);
  assert.match(text(page!.html), /No runs yet\. Produce one with deno task train/);
  const missing = await renderRoute("/", new URLSearchParams(), `${empty}/nope`);
  assert.match(text(missing!.html), /No runs yet/);
});

Deno.test("runs page lists every run, broken ones as broken, filtered by the query", async () => {
  const all = await get("/runs/");
  assert.match(all.text, /12 of 12 runs/);
  assert.match(all.text, /torn-summary .*broken: summary\.json is malformed JSON/);
  assert.match(all.text, /no-summary .*broken: no summary\.json/);
  assert.match(
    all.text,
    /cmp-a-quadratic digits-shift quadratic blas completed 91\.25% 12\.3k 40\.0/,
  );
  const lora = await get("/runs/", "method=lora");
  assert.match(lora.text, /1 of 12 runs/);
  assert.match(lora.text, /live-run digits-shift lora blas running/);
  assert.doesNotMatch(lora.text, /cmp-a-quadratic /);
});

Deno.test("run page shows summary, compute, adapter, curves and config", async () => {
  const p = await get("/runs/cmp-a-quadratic/");
  assert.match(p.text, /final top-1 91\.25%/);
  assert.match(p.text, /trainable \/ total params 12\.3k \/ 50\.0k/);
  assert.match(p.text, /process CPU seconds 40\.0/);
  assert.match(p.text, /estimated training FLOPs 2\.50 TFLOP/);
  assert.match(p.text, /adapter params 4\.3k/);
  assert.match(p.html, /aria-label="training loss"/);
  assert.match(p.html, /<title>loss: \(20, 1\.25\)<\/title>/);
  assert.match(p.html, /<title>top-1: \(50, 91\.3\)<\/title>/);
  assert.match(p.text, /Part of comparison cmp-a/);
});

Deno.test("a run in progress and broken records render as such", async () => {
  const live = await get("/runs/live-run/");
  assert.match(live.text, /In progress/);
  assert.match(live.text, /1 line\(s\) of metrics\.jsonl could not be read/);
  const torn = await get("/runs/torn-summary/");
  assert.equal(torn.status, 200);
  assert.match(torn.text, /This record is broken: summary\.json is malformed JSON/);
});

Deno.test("compare page overlays the arms' curves", async () => {
  const p = await get("/compare/cmp-a/");
  assert.match(p.text, /cmp-a-quadratic quadratic 91\.25% 12\.3k 40\.0 completed/);
  assert.match(p.html, /data-series="quadratic"/);
  assert.match(p.html, /data-series="quadratic-scratch"/);
  const adhoc = await get("/compare/", "runs=cmp-a-quadratic,live-run");
  assert.match(adhoc.text, /live-run lora .* running/);
  assert.equal(
    await renderRoute("/compare/cmp-a-quadratic/", new URLSearchParams(), RUNS),
    undefined,
  );
});

Deno.test("compare page of a protocol comparison overlays each arm's first seed", async () => {
  const p = await get("/compare/up-p/");
  assert.match(p.text, /up-p-upgrade-s1 upgrade 20\.00%/);
  assert.match(p.html, /data-series="upgrade"/);
});

Deno.test("unknown routes and unsafe ids are no route", async () => {
  for (const p of ["/runs/../secret/", "/runs/nope/", "/admin/", "/runs/a/b/"]) {
    assert.equal(await renderRoute(p, new URLSearchParams(), RUNS), undefined, p);
  }
});

Deno.test("compare page of a detection comparison shows box AP columns and an AP plot, not top-1", async () => {
  const p = await get("/compare/det-a/");
  // run, method, box AP, AP50, AP75, trainable, CPU s, status
  assert.match(p.text, /det-a-quadratic quadratic 45\.7 80\.0 50\.0 40\.0k 30\.0 completed/);
  assert.match(p.text, /det-a-frozen frozen 12\.3 30\.0 5\.0 5\.0k 10\.0 completed/);
  assert.doesNotMatch(p.html, /top-1/);
  assert.match(p.html, /aria-label="box AP \(%\) at each evaluation"/);
  assert.match(p.html, /<title>quadratic: \(12, 45\.7\)<\/title>/); // AP 0.4567 at step 12
  // The runs list has a box AP column for coco runs (top-1 "–"; AP after the compute).
  const runs = await get("/runs/");
  assert.match(runs.text, /det-a-quadratic coco quadratic blas completed – 40\.0k 30\.0 45\.7 /);
  assert.match(
    runs.text,
    /cmp-a-quadratic digits-shift quadratic blas completed 91\.25% 12\.3k 40\.0 – /,
  );
});

Deno.test("a compare page without logged training loss says so instead of an empty chart", async () => {
  const p = await get("/compare/", "runs=cmp-a-zero-shot,no-summary");
  assert.match(p.text, /training loss: no training loss logged/);
  const q = await get("/compare/", "runs=cmp-a-zero-shot,cmp-a-quadratic");
  assert.doesNotMatch(q.text, /no training loss logged/);
  assert.match(q.html, /aria-label="training loss"/);
});
