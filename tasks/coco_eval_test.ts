import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const fixture = JSON.parse(
  Deno.readTextFileSync(
    fileURLToPath(new URL("../plugins/coco/testdata/pycocotools_cases.json", import.meta.url)),
  ),
);
const script = fileURLToPath(new URL("./coco_eval.ts", import.meta.url));

async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("coco-eval prints pycocotools' summarize() lines and the JSON array last", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const c = fixture.cases.find((x: { name: string }) => x.name === "random-2");
    await Deno.writeTextFile(join(dir, "gt.json"), JSON.stringify(c.gt));
    await Deno.writeTextFile(join(dir, "dt.json"), JSON.stringify(c.results));
    const r = await run([join(dir, "gt.json"), join(dir, "dt.json"), "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.deepEqual(lines.slice(0, 12), c.lines);
    const stats = JSON.parse(lines[12]) as number[];
    stats.forEach((v, i) => assert.ok(Math.abs(v - c.stats[i]) < 1e-12));
    // a case with -1 entries prints -1 in the array too
    const h = fixture.cases.find((x: { name: string }) => x.name === "hand-crowd");
    await Deno.writeTextFile(join(dir, "gt.json"), JSON.stringify(h.gt));
    await Deno.writeTextFile(join(dir, "dt.json"), JSON.stringify(h.results));
    const r2 = await run([join(dir, "gt.json"), join(dir, "dt.json"), "--json"]);
    const last = JSON.parse(r2.stdout.trimEnd().split("\n").at(-1)!) as number[];
    assert.deepEqual(last.map((v) => (v === -1 ? -1 : Math.round(v))), [
      1,
      1,
      1,
      1,
      -1,
      -1,
      0,
      1,
      1,
      1,
      -1,
      -1,
    ]);
    // --per-category: one line per category before the summary (hand-categories: AP 1, 0, -1, -1)
    const cats = fixture.cases.find((x: { name: string }) => x.name === "hand-categories");
    await Deno.writeTextFile(join(dir, "gt.json"), JSON.stringify(cats.gt));
    await Deno.writeTextFile(join(dir, "dt.json"), JSON.stringify(cats.results));
    const r3 = await run([join(dir, "gt.json"), join(dir, "dt.json"), "--per-category"]);
    assert.deepEqual(r3.stdout.split("\n").slice(0, 5), [
      "AP@[.50:.95]  category_id  name",
      "       1.000            1  c1",
      "       0.000            2  c2",
      "      -1.000            3  c3",
      "      -1.000            4  c4",
    ]);
    assert.match(r3.stderr, /1 detection\(s\) name categories not in/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("coco-eval explains bad usage and bad files", async () => {
  const usage = await run(["only-one.json"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /needs the ground-truth instances file and a results file/);
  const missing = await run(["/nonexistent/gt.json", "/nonexistent/dt.json"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /ground-truth instances file \/nonexistent\/gt.json does not exist/);
  const dir = await Deno.makeTempDir();
  try {
    const c = fixture.cases.find((x: { name: string }) => x.name === "random-2");
    const gt = join(dir, "gt.json"), dt = join(dir, "dt.json");
    await Deno.writeTextFile(gt, JSON.stringify(c.gt));
    await Deno.writeTextFile(dt, JSON.stringify(c.results));
    const noResults = await run([gt, join(dir, "nope.json")]);
    assert.equal(noResults.code, 2);
    assert.match(noResults.stderr, /results file .*nope\.json does not exist/);
    const swapped = await run([dt, gt]);
    assert.equal(swapped.code, 2);
    assert.match(swapped.stderr, /ground-truth \(GT\) instances file comes first/);
    // A malformed file (not a usage mistake) still exits 1.
    await Deno.writeTextFile(dt, "{ not json");
    const broken = await run([gt, dt]);
    assert.equal(broken.code, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
