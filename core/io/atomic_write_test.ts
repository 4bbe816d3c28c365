import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "./atomic_write.ts";

Deno.test("writeFileAtomic: replaces the file and leaves no temporary behind", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "sub", "a.json");
  await writeJsonAtomic(path, { v: 1 });
  await writeJsonAtomic(path, { v: 2 });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { v: 2 });
  assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), ["a.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeFileAtomic: a failed write keeps the old file intact", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "w.bin");
  await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
  await Deno.mkdir(join(dir, "blocker"));
  // renaming a file over a non-empty folder fails: the target stays as it was
  await Deno.writeTextFile(join(dir, "blocker", "x"), "x");
  await assert.rejects(() => writeFileAtomic(join(dir, "blocker"), new Uint8Array([9])));
  assert.deepEqual([...await Deno.readFile(path)], [1, 2, 3]);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["blocker", "w.bin"]);
  await Deno.remove(dir, { recursive: true });
});
