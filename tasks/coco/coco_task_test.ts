/**
 * `deno task train coco` end to end at tiny sizes (the real backbone, heads, sharp-written JPEG and
 * PNG, evaluation): records, table, report, results files and previews hold together.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { evaluateCoco, generateDigitsDetect, readInstances, readResults } from "@quadranet/coco";
import { availableForTests } from "@quadranet/core/testing";
import { probeWebGpu } from "@quadranet/backend-webgpu";
import { COCO_LR } from "./settings.ts";

const gpu = await availableForTests("webgpu", "QUADRANET_REQUIRE_WEBGPU", probeWebGpu);
import { train } from "../testing/train_cli.ts";

/**
 * `deno task train coco --quick --quiet ARGS` with run id `id`, its records and a generated
 * digits-detect set under `tmp` (a 64-digit pre-training); must exit 0. The output, the runs
 * folder and the comparison's summary.
 */
async function cocoQuick(tmp: string, id: string, args: string[]) {
  const runsDir = join(tmp, "runs");
  const r = await train([
    "coco",
    "--quick",
    "--quiet",
    "--runs-dir",
    runsDir,
    "--digits-dir",
    join(tmp, "dd"),
    "--run-id",
    id,
    "--pretrain-size",
    "64",
    ...args,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return {
    r,
    runsDir,
    cmp: JSON.parse(await Deno.readTextFile(join(runsDir, id, "summary.json"))),
  };
}

Deno.test("train coco --quick: four arms with AP numbers, report, results files and previews", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "quadranet-coco-" });
  try {
    const { runsDir, cmp } = await cocoQuick(tmp, "t", [
      "--train-images",
      "16",
      "--val-images",
      "8",
      "--batch-size",
      "8",
      "--epochs",
      "1",
    ]);
    assert.equal(cmp.status, "completed");
    assert.deepEqual(cmp.rows.map((x: { method: string }) => x.method), [
      "frozen",
      "full",
      "lora",
      "quadratic",
    ]);
    const byArm = Object.fromEntries(cmp.rows.map((x: { method: string }) => [x.method, x]));
    for (const row of cmp.rows) {
      for (const k of ["AP", "AP50", "AP75", "APs", "APm", "APl"]) {
        assert.ok(row[k] === -1 || (row[k] >= 0 && row[k] <= 1), `${row.method} ${k} = ${row[k]}`);
      }
      assert.ok(row.computeSeconds > 0 && row.trainingFlops > 0);
    }
    // trainable parameters: the head alone < LoRA / quadratic adapters + norms + head < everything
    assert.ok(byArm.frozen.trainableParams < byArm.lora.trainableParams);
    assert.ok(byArm.lora.trainableParams < byArm.full.trainableParams);
    assert.ok(byArm.quadratic.trainableParams < byArm.full.trainableParams);
    // the frozen arm never runs a backward pass through the backbone: fewer FLOPs per image seen
    assert.ok(byArm.frozen.trainingFlops < byArm.full.trainingFlops);
    assert.equal(byArm.full.relativeCompute, 1);
    const report = await Deno.readTextFile(join(runsDir, "t", "report.md"));
    assert.match(report, /\| method \| AP \| AP50 \| AP75 \| APs \| APm \| APl \|/);
    assert.match(report, /\| quadratic \|/);
    // the recorded AP is what the written results file scores against the val ground truth
    const data = (await Array.fromAsync(Deno.readDir(tmp))).find((e) =>
      e.name.startsWith("dd-")
    )!.name;
    const gt = await readInstances(join(tmp, data, "annotations", "instances_val.json"));
    for (const arm of ["frozen", "quadratic"]) {
      const dir = join(runsDir, `t-${arm}`);
      const again = evaluateCoco(gt, await readResults(join(dir, "results.json")));
      const s = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
      assert.deepEqual(again.stats, Object.values(s.final));
      assert.equal(s.cocoSummary.length, 12);
      assert.ok(existsSync(join(dir, "preview.svg")));
      assert.match(await Deno.readTextFile(join(dir, "preview.svg")), /<svg[^>]*>[\s\S]*<rect /);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("train coco --data: a user's COCO-format folder (JPEG train, PNG val) end to end", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "quadranet-coco-data-" });
  try {
    // a COCO-layout folder (annotations/instances_SPLIT.json + SPLIT/) written by the generator
    const root = await generateDigitsDetect(join(tmp, "coco"), {
      seed: 5,
      trainImages: 12,
      valImages: 6,
      size: 48,
    });
    const { runsDir } = await cocoQuick(tmp, "d", [
      "--data",
      root,
      "--train-split",
      "train",
      "--val-split",
      "val",
      "--methods",
      "frozen,quadratic",
      "--epochs",
      "1",
      "--batch-size",
      "6",
    ]);
    const gt = await readInstances(join(root, "annotations", "instances_val.json"));
    const ids = new Set(gt.categories.map((c) => c.id));
    for (const arm of ["frozen", "quadratic"]) {
      const dir = join(runsDir, `d-${arm}`);
      const s = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
      const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
      assert.equal(s.dataset, `coco:${root}`);
      // --data defaults: one rate for every arm and flips (digits-detect has neither)
      assert.equal(config.lr, COCO_LR);
      assert.equal(config.flip, 0.5);
      const results = await readResults(join(dir, "results.json"));
      assert.ok(results.length > 0, `${arm}: no detection written`);
      // detections carry the folder's own category ids, on val images, boxes inside the image
      for (const d of results) {
        assert.ok(ids.has(d.category_id), `category ${d.category_id}`);
        const img = gt.images.find((i) => i.id === d.image_id)!;
        assert.ok(img, `image ${d.image_id}`);
        assert.ok(d.bbox[0] >= 0 && d.bbox[0] + d.bbox[2] <= img.width + 1e-3);
      }
      assert.deepEqual(evaluateCoco(gt, results).stats, Object.values(s.final));
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test({
  name: "train coco --backend webgpu: trains and evaluates on a GPU backend (host reads are async)",
  ignore: !gpu.ok,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "quadranet-coco-webgpu-" });
    try {
      // tfjs-backend-webgpu cannot read synchronously in Deno: a dataSync in the step fails here
      const { cmp, runsDir } = await cocoQuick(tmp, "g", [
        "--backend",
        "webgpu",
        "--methods",
        "frozen",
        "--epochs",
        "1",
        "--train-images",
        "8",
        "--val-images",
        "4",
        "--batch-size",
        "4",
      ]);
      assert.equal(cmp.status, "completed");
      assert.equal(cmp.rows.length, 1);
      assert.ok(cmp.rows[0].computeSeconds > 0 && cmp.rows[0].AP >= 0);
      const arm = JSON.parse(await Deno.readTextFile(join(runsDir, "g-frozen", "summary.json")));
      assert.equal(arm.backend, "webgpu");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("train coco --head fcos --hold-out 3: the FCOS head, evaluated on held-out train images", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "quadranet-coco-" });
  try {
    const { runsDir, cmp } = await cocoQuick(tmp, "f", [
      "--head",
      "fcos",
      "--methods",
      "frozen,quadratic",
      "--train-images",
      "8",
      "--val-images",
      "4",
      "--batch-size",
      "4",
      "--epochs",
      "1",
      "--hold-out",
      "3",
    ]);
    assert.deepEqual(cmp.rows.map((x: { method: string }) => x.method), ["frozen", "quadratic"]);
    const q = JSON.parse(await Deno.readTextFile(join(runsDir, "f-quadratic", "summary.json")));
    assert.equal(q.head, "fcos");
    assert.ok(q.compute.trainingFlops > 0);
    // 8 train images: the first 5 trained on, the last 3 (ids 6-8) evaluated; the val split unused
    const report = await Deno.readTextFile(join(runsDir, "f", "report.md"));
    assert.match(report, /digits-detect \(hold-out of train\) \(5 train, 3 val images\)/);
    assert.match(report, /learning rate frozen 0\.01, quadratic 0\.01/);
    const results = await readResults(join(runsDir, "f-quadratic", "results.json"));
    for (const r of results) assert.ok([6, 7, 8].includes(r.image_id), `image ${r.image_id}`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

/** `deno task train coco --quick --quiet ARGS` with its runs under `tmp` (a run expected to fail). */
const failingRun = (tmp: string, args: string[]) =>
  train(["coco", "--quick", "--quiet", "--runs-dir", join(tmp, "runs"), ...args]);

Deno.test("train coco: a --data folder without COCO annotations fails with what to put where", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const r = await failingRun(tmp, ["--data", tmp]);
    assert.notEqual(r.code, 0);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No COCO annotations at .*instances_train2017\.json/);
    assert.match(r.stderr, /--train-split NAME and --val-split NAME/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("train coco: a --data split that lists no image stops before any work, naming it", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(tmp, "annotations"));
    for (const split of ["train2017", "val2017"]) {
      await Deno.mkdir(join(tmp, split));
      const gt = { images: [], annotations: [], categories: [{ id: 1, name: "cat" }] };
      await Deno.writeTextFile(
        join(tmp, "annotations", `instances_${split}.json`),
        JSON.stringify(gt),
      );
    }
    const r = await failingRun(tmp, ["--data", tmp]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /split "train2017" of .* has no images .*nothing to train on/);
    assert.match(r.stderr, /--train-split NAME of a split with images/);
    const runs = existsSync(join(tmp, "runs"))
      ? await Array.fromAsync(Deno.readDir(join(tmp, "runs")))
      : [];
    assert.deepEqual(runs.map((e) => e.name).filter((n) => n.startsWith("coco-pretrain")), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("train coco --input-size 80: not a multiple of the backbone's stride 32, says what to give", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const r = await failingRun(tmp, ["--digits-dir", join(tmp, "dd"), "--input-size", "80"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--input-size 80 is not a multiple of 32.*give --input-size 64 or 96/);
    // it stopped before generating data (no dd-* folder) or pre-training (no run)
    const made = (await Array.fromAsync(Deno.readDir(tmp))).map((e) => e.name);
    assert.deepEqual(made.filter((n) => n.startsWith("dd")), []);
    const runs = existsSync(join(tmp, "runs"))
      ? await Array.fromAsync(Deno.readDir(join(tmp, "runs")))
      : [];
    assert.deepEqual(runs.filter((e) => e.name.startsWith("coco-pretrain")), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
