import assert from "node:assert/strict";
import { join } from "node:path";
import { Registry } from "./registry.ts";
import type { DatasetPlugin, DataSource } from "./dataset.ts";

// A 1×1 PNG (a real image file: signature, IHDR, IDAT, IEND).
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

/**
 * The reference `dataset` plugin: an ImageFolder layout, `root/<split>/<class>/<file>`,
 * classes sorted by name, files sorted within a class; the target is the class index.
 */
const imageFolder: DatasetPlugin<number> = {
  name: "image-folder",
  description: "root/<split>/<class>/<image>, the class is the folder",
  open({ root, split }) {
    const dir = join(root, split);
    let classes: string[];
    try {
      classes = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
    } catch {
      return Promise.reject(new Error(`No split folder ${dir}; expected root/<split>/<class>/`));
    }
    const items = classes.flatMap((c, target) =>
      [...Deno.readDirSync(join(dir, c))].filter((e) => e.isFile).map((e) => e.name).sort()
        .map((f) => ({ path: join(dir, c, f), target }))
    );
    const source: DataSource<number> = {
      length: items.length,
      classes,
      describe: (i) => items[i],
      read: async (i) => ({ ...items[i], bytes: await Deno.readFile(items[i].path) }),
    };
    return Promise.resolve(source);
  },
};

Deno.test("dataset kind: the reference image-folder plugin opens a split and reads items", async () => {
  const root = await Deno.makeTempDir();
  // val/: 2 cats, 1 dog
  for (const [c, f] of [["cat", "b.png"], ["cat", "a.png"], ["dog", "x.png"]]) {
    await Deno.mkdir(join(root, "val", c), { recursive: true });
    await Deno.writeFile(join(root, "val", c, f), PNG);
  }
  const registry = new Registry();
  registry.register("dataset", imageFolder.name, imageFolder);
  const source = await registry.lookup("dataset", "image-folder").open({ root, split: "val" });
  assert.equal(source.length, 3);
  assert.deepEqual(source.classes, ["cat", "dog"]);
  assert.deepEqual(
    Array.from({ length: 3 }, (_, i) => source.describe(i)),
    [
      { path: join(root, "val", "cat", "a.png"), target: 0 },
      { path: join(root, "val", "cat", "b.png"), target: 0 },
      { path: join(root, "val", "dog", "x.png"), target: 1 },
    ],
  );
  const item = await source.read(2);
  assert.equal(item.target, 1);
  assert.deepEqual(item.bytes, PNG);
  assert.deepEqual([...item.bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)), [
    "P",
    "N",
    "G",
  ]);
  await assert.rejects(() => imageFolder.open({ root, split: "train" }), /No split folder/);
  await Deno.remove(root, { recursive: true });
});
