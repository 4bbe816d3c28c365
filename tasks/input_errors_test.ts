/**
 * A new user's input mistakes — weights files, dataset folders, WordNet,
 * `--targets` — end `deno task train` with exit 2 and one message naming the
 * input and what to pass instead: no stack trace, no training first.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { train } from "./testing/train_cli.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const FIX = join(ROOT, "plugins/datasets/testdata");
const WEIGHTS = join(ROOT, "plugins/backbones/testdata/resnet18_w4.safetensors");

const tmp = await Deno.makeTempDir({ prefix: "quadranet-input-" });
const runsDir = join(tmp, "runs");
const QUICK = ["--quick", "--quiet", "--runs-dir", runsDir];
const missing = join(tmp, "missing.safetensors");
const text = join(tmp, "notes.safetensors");
await Deno.writeTextFile(
  text,
  "these are notes, not tensors; a reviewer renamed them by mistake\n",
);
const folder = join(FIX, "imagefolder");

Deno.test("input mistakes exit 2 with one message naming the input, before training", async () => {
  const cases: [string, string[], RegExp][] = [
    [
      "imagenet missing weights",
      ["imagenet-1k", "--data", folder, "--weights", missing],
      /--weights .*missing\.safetensors: no such file/,
    ],
    [
      "coco missing weights",
      ["coco", "--weights", missing, "--digits-dir", join(tmp, "dd")],
      /--weights .*missing\.safetensors: no such file/,
    ],
    [
      "not safetensors",
      ["imagenet-1k", "--data", folder, "--weights", text],
      /notes\.safetensors is not a safetensors file/,
    ],
    [
      "one split given",
      ["imagenet-1k", "--data", join(folder, "train")],
      /looks like one split.*--data .*imagefolder$/m,
    ],
    [
      "21K-P layout to 1K",
      ["imagenet-1k", "--data", join(FIX, "imagenet21k")],
      /ImageNet-21K-P layout.*deno task train imagenet-21k-p/,
    ],
    ["no val/", ["imagenet-1k", "--data", join(FIX, "corrupt")], /no "val" folder/],
    ["wordnet", [
      "imagenet-21k-p",
      "--data",
      join(FIX, "imagenet21k"),
      "--wordnet",
      join(tmp, "nope"),
    ], /--wordnet .*nope: no such file.*wordnet-base/],
    [
      "imagenet targets",
      ["imagenet-1k", "--data", folder, "--targets", "convX"],
      /--targets convX: no layer.*layer1_0_conv1 \(Conv2D\)/,
    ],
    [
      "digits targets",
      ["digits-shift", "--targets", "convX"],
      /--targets convX: no layer.*conv1 \(Conv2D\)/,
    ],
  ];
  for (const [what, args, want] of cases) {
    const r = await train([...args, ...QUICK]);
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, want, what);
    assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: no stack trace`);
  }
  // None of them pre-trained a backbone first: no pre-training run record was written.
  const ids = [];
  try {
    for await (const e of Deno.readDir(runsDir)) ids.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  assert.deepEqual(ids.filter((i) => /pretrain/.test(i)), [], ids.join(", "));
});

Deno.test("a backbone that fails to load ends the imagenet comparison record failed", async () => {
  // resnet18_w8 has twice resnet18_w4's channels: the w4 checkpoint's body cannot load into it.
  const r = await train([
    "imagenet-1k",
    "--data",
    folder,
    "--backbone",
    "resnet18_w8",
    "--weights",
    WEIGHTS,
    "--run-id",
    "bad-backbone",
    ...QUICK,
  ]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /does not fit resnet18_w8/);
  const s = JSON.parse(await Deno.readTextFile(join(runsDir, "bad-backbone", "summary.json")));
  assert.equal(s.status, "failed");
  assert.match(s.error, /does not fit resnet18_w8/);
});

globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));
