import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readSafetensors, writeSafetensors } from "@quadranet/backbones";
import {
  ROOT,
  train,
  trainCommand as command,
  waitForCheckpoint as waitForRunCheckpoint,
} from "../testing/train_cli.ts";

const FIX = join(ROOT, "plugins/datasets/testdata");
const WEIGHTS = join(ROOT, "plugins/backbones/testdata/resnet18_w4.safetensors");

const runsDir = await Deno.makeTempDir({ prefix: "quadranet-imagenet-" });
/** `deno task train ARGS --run-id ID --runs-dir <the test's>`, which must exit 0. */
async function trainOk(id: string, args: string[]) {
  const r = await train([...args, "--run-id", id, "--runs-dir", runsDir]);
  assert.equal(r.code, 0, r.stderr);
  return r;
}
const read = (id: string, file = "summary.json") =>
  JSON.parse(Deno.readTextFileSync(join(runsDir, id, file)));

Deno.test("imagenet-1k without --data explains what it needs and the layouts (exit 2)", async () => {
  const r = await train(["imagenet-1k", "--quick", "--runs-dir", runsDir]);
  assert.equal(r.code, 2, r.stderr);
  for (const s of ["--data DIR", "ImageFolder", "LOC_val_solution.csv", "ground_truth.txt"]) {
    assert.ok(r.stderr.includes(s), `mentions ${s}: ${r.stderr}`);
  }
  const t = await train(["imagenet-21k-p", "--runs-dir", runsDir]);
  assert.equal(t.code, 2);
  assert.match(t.stderr, /imagenet21k_train/);
});

Deno.test("imagenet-1k --quick on the ILSVRC fixture writes a complete comparison", async () => {
  const id = "in1k-quick";
  await trainOk(id, [
    "imagenet-1k",
    "--data",
    join(FIX, "ilsvrc_devkit"),
    "--weights",
    WEIGHTS,
    "--quick",
    "--quiet",
    "--workers",
    "1",
  ]);
  const cmp = read(id);
  assert.equal(cmp.status, "completed");
  assert.equal(cmp.data.layout, "ilsvrc2012");
  assert.deepEqual(cmp.rows.map((x: { method: string }) => x.method), [
    "linear-probe",
    "finetune",
    "lora",
    "quadratic",
  ]);
  // The checkpoint's body loads; its 10-class head cannot serve 4 classes: zero-shot is skipped.
  assert.match(cmp.skipped[0].reason, /4 classes and the head 1000/);
  for (const row of cmp.rows) {
    const arm = read(row.runId);
    assert.equal(arm.status, "completed");
    // 8 validation images: top-1 is a multiple of 1/8.
    assert.ok(Number.isInteger(Math.round(arm.final.top1 * 8 * 1e6) / 1e6), `${arm.final.top1}`);
    assert.ok(arm.compute.cpuSeconds > 0 && arm.compute.trainingFlops > 0);
    assert.deepEqual(arm.dataIssues.train.skipped, {});
    assert.equal(arm.fromPretrained, true, `${row.runId} started from --weights`);
  }
  const linear = read(`${id}-linear-probe`);
  assert.equal(linear.params.trainable, 4 * 32 + 4); // the new 4-class head on 32 features
  const report = Deno.readTextFileSync(join(runsDir, id, "report.md"));
  assert.match(report, /\| quadratic \| \d+\.\d\d% \|/);
  assert.match(report, /zero-shot: zero-shot needs the classes/);
  // --resume on the finished comparison reuses every arm: same table.
  const again = await train(["imagenet-1k", "--resume", id, "--quiet", "--runs-dir", runsDir]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(read(id).rows, cmp.rows);
});

Deno.test("imagenet-21k-p --quick trains with the semantic softmax and reports semantic top-1", async () => {
  const id = "in21k-quick";
  await trainOk(id, [
    "imagenet-21k-p",
    "--data",
    join(FIX, "imagenet21k"),
    "--quick",
    "--quiet",
    "--methods",
    "linear-probe,quadratic",
  ]);
  const cmp = read(id);
  assert.equal(cmp.status, "completed");
  for (const row of cmp.rows) {
    const s = read(row.runId).final.semanticTop1;
    // Levels 0 (all 16 val images) and 1 (the 8 of eagle, dog, domestic cat, tabby) count; level 2
    // has one class and is left out: semantic top-1 = (h0 / 16 + h1 / 8) / 2, a multiple of 1/32.
    assert.ok(s >= 0 && s <= 1);
    assert.ok(Math.abs(s * 32 - Math.round(s * 32)) < 1e-6, `${s}`);
    assert.equal(row.semanticTop1, s);
  }
  assert.match(Deno.readTextFileSync(join(runsDir, id, "report.md")), /semantic top-1/);
});

Deno.test("zero-shot runs when the checkpoint's head has exactly the data's classes", async () => {
  // The resnet18_w4 fixture checkpoint with its 10-class head cut to the 21K-P fixture's 8 classes.
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [k, t] of readSafetensors(await Deno.readFile(WEIGHTS))) {
    const data = Float32Array.from(t.data as ArrayLike<number>);
    tensors[k] = k === "fc.weight"
      ? { shape: [8, t.shape[1]], data: data.slice(0, 8 * t.shape[1]) }
      : k === "fc.bias"
      ? { shape: [8], data: data.slice(0, 8) }
      : { shape: t.shape, data };
  }
  const weights = join(runsDir, "resnet18_w4_8.safetensors");
  await Deno.writeFile(weights, writeSafetensors(tensors));
  const id = "in21k-zero-shot";
  await trainOk(id, [
    "imagenet-21k-p",
    "--data",
    join(FIX, "imagenet21k"),
    "--weights",
    weights,
    "--quick",
    "--quiet",
    "--methods",
    "zero-shot",
  ]);
  const arm = read(`${id}-zero-shot`);
  assert.equal(arm.status, "completed");
  assert.equal(arm.params.trainable, 0);
  assert.equal(arm.final.images, 16);
  assert.ok(Math.abs(arm.final.top1 * 16 - Math.round(arm.final.top1 * 16)) < 1e-6);
  assert.ok(Math.abs(arm.final.semanticTop1 * 32 - Math.round(arm.final.semanticTop1 * 32)) < 1e-6);
  assert.deepEqual(read(id).skipped, []);
});

Deno.test("broken files are counted in the run record, never fatal", async () => {
  const data = await Deno.makeTempDir();
  const cls = "n02123045";
  await Deno.mkdir(join(data, "train"), { recursive: true });
  await Deno.mkdir(join(data, "val", cls), { recursive: true });
  const src = join(FIX, "corrupt/train", cls);
  await Deno.mkdir(join(data, "train", cls));
  for (const e of Deno.readDirSync(src)) {
    await Deno.copyFile(join(src, e.name), join(data, "train", cls, e.name));
  }
  await Deno.copyFile(join(src, "ok.JPEG"), join(data, "val", cls, "ok.JPEG"));
  const other = "n07920052"; // a second, clean class from the ImageFolder fixture
  for (const split of ["train", "val"]) {
    const from = join(FIX, "imagefolder", split, other);
    await Deno.mkdir(join(data, split, other));
    for (const e of Deno.readDirSync(from)) {
      await Deno.copyFile(join(from, e.name), join(data, split, other, e.name));
    }
  }
  await Deno.copyFile(join(src, "empty.JPEG"), join(data, "val", cls, "empty.JPEG"));
  const id = "in1k-corrupt";
  const r = await trainOk(id, [
    "imagenet-1k",
    "--data",
    data,
    "--quick",
    "--methods",
    "finetune",
  ]);
  const arm = read(`${id}-finetune`);
  assert.deepEqual(arm.dataIssues.train.skipped, { corrupt: 1, empty: 1, truncated: 1 });
  assert.deepEqual(arm.dataIssues.train.converted, {
    alpha: 1,
    cmyk: 1,
    grayscale: 1,
    disguised: 1,
  });
  assert.deepEqual(arm.dataIssues.val.skipped, { empty: 1 });
  assert.equal(arm.final.images, 3); // ok.JPEG and the two espresso images
  // One log line per broken file (7 in train, 1 in val), however many epochs.
  assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("data: ")).length, 8);
  assert.ok(existsSync(join(runsDir, id, "report.md")));
  await Deno.remove(data, { recursive: true });
});

const waitForCheckpoint = (runId: string, atLeast: number) =>
  waitForRunCheckpoint(runsDir, runId, atLeast);

Deno.test("an imagenet arm killed with SIGKILL and resumed ends exactly like an uninterrupted one", async () => {
  // 12 training images, batch 2: 6 steps per epoch, 18 in all; a checkpoint every 2 steps.
  const args = [
    "imagenet-1k",
    "--data",
    join(FIX, "imagefolder"),
    "--quick",
    "--quiet",
    "--methods",
    "quadratic",
    "--batch-size",
    "2",
    "--epochs",
    "3",
    "--checkpoint-every",
    "2",
    "--runs-dir",
    runsDir,
  ];
  const whole = await train([...args, "--run-id", "in1k-whole"]);
  assert.equal(whole.code, 0, whole.stderr);
  const child = command([...args, "--run-id", "in1k-killed"]).spawn();
  await waitForCheckpoint("in1k-killed-quadratic", 4);
  child.kill("SIGKILL");
  assert.equal((await child.output()).signal, "SIGKILL");
  assert.equal(read("in1k-killed-quadratic").status, "running");
  const resumed = await train([
    "imagenet-1k",
    "--resume",
    "in1k-killed",
    "--quiet",
    "--runs-dir",
    runsDir,
  ]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const a = read("in1k-whole-quadratic"), b = read("in1k-killed-quadratic");
  assert.equal(b.status, "completed");
  assert.equal(b.steps, 18);
  assert.equal(b.steps, a.steps);
  assert.deepEqual(b.final, a.final); // exact: same decoded crops, same order, same state
  assert.equal(a.fromPretrained, false, "no --weights: the arm starts from a random network");
});
