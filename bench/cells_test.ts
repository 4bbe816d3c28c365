import assert from "node:assert/strict";
import { cellNumber, errorLine, num, spawnCell } from "./cells.ts";

async function script(code: string): Promise<string> {
  const f = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(f, code);
  return `file://${f}`;
}

Deno.test("spawnCell + cellNumber: the printed number, a cut-off cell, a failed one", async () => {
  const ok = await script('console.log("12.5");');
  const slow = await script("await new Promise((r) => setTimeout(r, 20_000));");
  const bad = await script("throw new Error(\"Kernel 'Foo' not registered\");");
  try {
    const fail = (e: string) => `failed: ${e.replace(/.*?rror:?\s*/, "")}`;
    assert.equal(cellNumber(await spawnCell(ok, [], [], 30), 30, fail), 12.5);
    const cut = await spawnCell(slow, [], [], 1);
    assert.equal(cut.timedOut, true);
    assert.equal(cellNumber(cut, 1, fail), "> 1 s");
    const out = await spawnCell(bad, [], ["--cell=x"], 30);
    assert.equal(out.success, false);
    assert.match(errorLine(out.stderr), /Kernel 'Foo' not registered/);
    // the first "rror" is Deno's "error: Uncaught (in promise) Error: …"
    assert.equal(
      cellNumber(out, 30, fail),
      "failed: Uncaught (in promise) Error: Kernel 'Foo' not registered",
    );
  } finally {
    for (const f of [ok, slow, bad]) await Deno.remove(new URL(f));
  }
});

Deno.test("num: numbers pass, reasons become undefined", () => {
  assert.equal(num(3), 3);
  assert.equal(num("skipped"), undefined);
});
