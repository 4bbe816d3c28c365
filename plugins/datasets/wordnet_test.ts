import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_DATA_NOUN, hierarchyFromWordNet, imagenet21kP, readHypernyms } from "./mod.ts";

const T = new URL("./testdata/", import.meta.url).pathname;

Deno.test("readHypernyms parses WordNet 3.0's data.noun (first hypernym of each synset)", async () => {
  const up = await readHypernyms(DEFAULT_DATA_NOUN);
  assert.equal(up.get("n02123045"), "n02121808"); // tabby → domestic cat
  assert.equal(up.get("n02121808"), "n02121620"); // domestic cat → cat (first of two hypernyms)
  assert.equal(up.get("n02084071"), "n02083346"); // dog → canine
  assert.equal(up.has("n00001740"), false); // entity is the root
  assert.ok(up.size > 80_000); // WordNet 3.0 has 82,115 noun synsets
});

Deno.test("ImageNet-21K-P fixture: a 3-level hierarchy from WordNet", async () => {
  const train = await imagenet21kP.open({ root: join(T, "imagenet21k"), split: "train" });
  const val = await imagenet21kP.open({ root: join(T, "imagenet21k"), split: "val" });
  assert.equal(train.length, 24);
  assert.equal(val.length, 16);
  const name = (ids: number[]) => ids.map((i) => train.classes[i]);
  const h = train.hierarchy!;
  // bird, carnivore, horse, giraffe | eagle, dog, domestic cat | tabby
  assert.deepEqual(h.levels.map(name), [
    ["n01503061", "n02075296", "n02374451", "n02439033"],
    ["n01613294", "n02084071", "n02121808"],
    ["n02123045"],
  ]);
  const parentOf = (wnid: string) => {
    const p = h.parent[train.classes.indexOf(wnid)];
    return p < 0 ? null : train.classes[p];
  };
  assert.equal(parentOf("n02123045"), "n02121808");
  assert.equal(parentOf("n02121808"), "n02075296");
  assert.equal(parentOf("n01613294"), "n01503061");
  assert.equal(parentOf("n02439033"), null);
  assert.deepEqual(val.hierarchy, h);
});

Deno.test("hierarchyFromWordNet reports ids that are not WordNet nouns", () => {
  const up = new Map([["n00000002", "n00000001"]]);
  const h = hierarchyFromWordNet(["n00000001", "n00000002", "n99999999"], up);
  assert.deepEqual(h.parent, [-1, 0, -1]);
  assert.deepEqual(h.unknown, ["n00000001", "n99999999"]);
});
