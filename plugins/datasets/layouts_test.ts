import assert from "node:assert/strict";
import { basename, join } from "node:path";
import {
  builtinDevkitWnids,
  DatasetError,
  devkitWnids,
  ilsvrc2012,
  imageFolder,
  type ListSource,
  readGroundTruth,
} from "./mod.ts";

const T = new URL("./testdata/", import.meta.url).pathname;

/** (file name, wnid) pairs, sorted: what every layout must agree on. */
function pairs(src: ListSource): string[] {
  return src.items.map((it) => `${basename(it.path)} ${src.classes[it.label]}`).sort();
}

Deno.test("ImageFolder, Kaggle ILSVRC and devkit ILSVRC read the same (path, label) pairs", async () => {
  const folder = {
    train: await imageFolder.open({ root: join(T, "imagefolder"), split: "train" }),
    val: await imageFolder.open({ root: join(T, "imagefolder"), split: "val" }),
  };
  // Class index = sorted wnids: beagle n02088364 < tabby n02123045 < espresso n07920052, eagle first.
  assert.deepEqual(folder.train.classes, ["n01614925", "n02088364", "n02123045", "n07920052"]);
  assert.equal(folder.train.length, 12);
  assert.equal(folder.val.length, 8);
  for (const root of ["ilsvrc_kaggle", "ilsvrc_devkit"]) {
    for (const split of ["train", "val"] as const) {
      const src = await ilsvrc2012.open({ root: join(T, root), split });
      assert.deepEqual(src.classes, folder.train.classes, `${root} ${split} classes`);
      assert.deepEqual(pairs(src), pairs(folder[split]), `${root} ${split} pairs`);
      // Same order too (class-major, then file name), so --per-class subsets agree.
      assert.deepEqual(
        src.items.map((it) => basename(it.path)),
        folder[split].items.map((it) => basename(it.path)),
      );
    }
  }
});

Deno.test("devkit: ILSVRC2012_IDs map to wnids in meta.mat's order, not the sorted order", async () => {
  const builtin = await builtinDevkitWnids();
  assert.equal(builtin.length, 1000);
  assert.equal(new Set(builtin).size, 1000);
  assert.equal(builtin[0], "n02119789"); // ILSVRC2012_ID 1 = kit fox
  assert.equal([...builtin].sort()[0], "n01440764"); // sorted index 0 = tench
  const meta = await devkitWnids(
    join(T, "ilsvrc_devkit/ILSVRC2012_devkit_t12/data/meta.mat"),
  );
  assert.deepEqual(meta, builtin); // the fixture's meta.mat (scipy-written) has inner nodes too
  // The fixture's val images 1..4 are espresso, eagle, beagle, tabby (make_fixtures' valOrder).
  const ids = await readGroundTruth(
    join(T, "ilsvrc_devkit/ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt"),
  );
  assert.deepEqual(Array.from(ids, (id) => builtin[id - 1]).slice(0, 4), [
    "n07920052",
    "n01614925",
    "n02088364",
    "n02123045",
  ]);
  assert.equal(ids[0], builtin.indexOf("n07920052") + 1);
});

Deno.test("per-class subsets keep the first N of each class", async () => {
  const src = await imageFolder.open({ root: join(T, "imagefolder"), split: "train", perClass: 2 });
  assert.equal(src.length, 8);
  assert.deepEqual(Array.from(src.labels()), [0, 0, 1, 1, 2, 2, 3, 3]);
});

Deno.test("a val folder with a class the train split lacks is an error naming it", async () => {
  await assert.rejects(
    () => imageFolder.open({ root: join(T, "imagefolder"), split: "val", classes: ["n01614925"] }),
    (e: Error) => e instanceof DatasetError && /n02088364/.test(e.message),
  );
  await assert.rejects(
    () => imageFolder.open({ root: join(T, "imagefolder"), split: "test" }),
    (e: Error) => e instanceof DatasetError && /no "test" folder/.test(e.message),
  );
});

Deno.test("a flat val/ without labels says which files it needs", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "val"));
  await Deno.copyFile(
    join(T, "ilsvrc_devkit/val/ILSVRC2012_val_00000001.JPEG"),
    join(root, "val/ILSVRC2012_val_00000001.JPEG"),
  );
  await assert.rejects(
    () => ilsvrc2012.open({ root, split: "val" }),
    (e: Error) => /LOC_val_solution\.csv/.test(e.message) && /ground_truth/.test(e.message),
  );
  await Deno.remove(root, { recursive: true });
});
