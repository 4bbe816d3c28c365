/**
 * Every malformed-file class the project reads back, each applied to a copy
 * of a real saved run (checkpoints, model, adapter): the loader must fail
 * with one CheckpointError that names the damaged file, never a TypeError,
 * RangeError or stack trace from inside, and never load something wrong.
 * (safetensors headers: plugins/backbones/safetensors_test.ts; records the
 * site reads: web/hostile_test.ts.)
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  adapt,
  CheckpointError,
  loadAdapter,
  loadCheckpoint,
  loadModel,
  saveAdapter,
  saveModel,
  tf,
  trainLoop,
} from "@quadranet/core";
import { tinyCnn, tinyData } from "../../core/testing/tiny_task.ts";
import { storedConfig } from "../../tasks/train.ts";

const root = await Deno.makeTempDir({ prefix: "fault-files-" });
const intact = join(root, "intact");
{
  const { train, test } = tinyData(32, 3);
  const model = adapt(tinyCnn(1), { rank: 2, modulesToSave: ["head"], seed: 5 });
  await trainLoop({
    model,
    train,
    eval: test,
    stages: [{ name: "adapt", train: ["quadratic", "head", "norm"], epochs: 2 }],
    batchSize: 16,
    lr: 0.01,
    optimizer: { kind: "adamw", weightDecay: 0 },
    schedule: { kind: "constant", warmupSteps: 0 },
    seed: 1,
    checkpointDir: join(intact, "checkpoints"),
  });
  await saveModel(model, join(intact, "model"));
  await saveAdapter(model, join(intact, "adapter"));
}

let n = 0;
/** A fresh copy of the intact run to damage. */
async function copy(): Promise<string> {
  const dir = join(root, `case-${++n}`);
  await new Deno.Command("cp", { args: ["-r", intact, dir] }).output();
  return dir;
}
const json = async (p: string) => JSON.parse(await Deno.readTextFile(p));
const edit = async (p: string, f: (v: Record<string, unknown>) => unknown) =>
  await Deno.writeTextFile(p, JSON.stringify(f(await json(p))));
const latestOf = async (dir: string) =>
  join(dir, "checkpoints", (await json(join(dir, "checkpoints", "latest.json"))).checkpoint);
const weightsFile = async (dir: string, json_: string) =>
  join(dir, (await json(join(dir, json_))).weightsManifest[0].paths[0]);
async function flipByte(p: string) {
  const b = await Deno.readFile(p);
  b[b.length >> 1] ^= 0x10;
  await Deno.writeFile(p, b);
}
async function truncate(p: string, by: number) {
  const b = await Deno.readFile(p);
  await Deno.writeFile(p, b.subarray(0, b.length - by));
}

type Case = [string, (dir: string) => Promise<void>, (dir: string) => Promise<unknown>, RegExp];
const ck = (dir: string) => loadCheckpoint(join(dir, "checkpoints"));
const model = (dir: string) => loadModel(join(dir, "model"));
const adapter = (dir: string) => loadAdapter(tinyCnn(1), join(dir, "adapter"));

const CASES: Case[] = [
  // checkpoints: manifest, tensors, pointer
  [
    "checkpoint.json torn",
    async (d) => {
      await Deno.writeTextFile(
        join(await latestOf(d), "checkpoint.json"),
        '{"formatVersion": 1, "st',
      );
    },
    ck,
    /checkpoint\.json is not valid JSON/,
  ],
  [
    "checkpoint.json null",
    async (d) => {
      await Deno.writeTextFile(join(await latestOf(d), "checkpoint.json"), "null");
    },
    ck,
    /checkpoint\.json: the file must be an object/,
  ],
  [
    "checkpoint.json step a string",
    async (d) => {
      await edit(join(await latestOf(d), "checkpoint.json"), (v) => ({
        ...v,
        state: { ...(v.state as object), step: "8" },
      }));
    },
    ck,
    /checkpoint\.json: state\.step must be an integer/,
  ],
  [
    "checkpoint.json weights not a list",
    async (d) => {
      await edit(join(await latestOf(d), "checkpoint.json"), (v) => ({ ...v, weights: 3 }));
    },
    ck,
    /checkpoint\.json: weights must be a list/,
  ],
  [
    "checkpoint.json offset past tensors.bin",
    async (d) => {
      await edit(join(await latestOf(d), "checkpoint.json"), (v) => {
        const w = v.weights as { offset: number }[];
        w[0].offset = 1e9;
        return v;
      });
    },
    ck,
    /checkpoint\.json: weights\[0\] must be inside tensors\.bin/,
  ],
  [
    "checkpoint.json other format version",
    async (d) => {
      await edit(join(await latestOf(d), "checkpoint.json"), (v) => ({ ...v, formatVersion: 3 }));
    },
    ck,
    /formatVersion must be 1/,
  ],
  [
    "tensors.bin torn mid-float",
    async (d) => {
      await truncate(join(await latestOf(d), "tensors.bin"), 3);
    },
    ck,
    /tensors\.bin is \d+ bytes, not whole floats/,
  ],
  [
    "tensors.bin short by a float",
    async (d) => {
      await truncate(join(await latestOf(d), "tensors.bin"), 4);
    },
    ck,
    /checkpoint\.json: slots\[\d+\] must be inside tensors\.bin/,
  ],
  [
    "tensors.bin same-size corruption",
    async (d) => {
      await flipByte(join(await latestOf(d), "tensors.bin"));
    },
    ck,
    /is damaged \(checksum mismatch\)/,
  ],
  [
    "tensors.bin missing",
    async (d) => {
      await Deno.remove(join(await latestOf(d), "tensors.bin"));
    },
    ck,
    /has no readable tensors\.bin/,
  ],
  [
    "latest.json points outside the run",
    async (d) => {
      await Deno.writeTextFile(
        join(d, "checkpoints", "latest.json"),
        '{"checkpoint": "../../../etc", "step": 8}',
      );
    },
    ck,
    /latest\.json: checkpoint must be a string matching/,
  ],
  [
    "latest.json torn",
    async (d) => {
      await Deno.writeTextFile(join(d, "checkpoints", "latest.json"), '{"checkp');
    },
    ck,
    /latest\.json is not valid JSON/,
  ],
  [
    "latest.json a list",
    async (d) => {
      await Deno.writeTextFile(join(d, "checkpoints", "latest.json"), "[]");
    },
    ck,
    /latest\.json: the file must be an object/,
  ],
  // whole models
  [
    "model.json torn",
    async (d) => {
      await Deno.writeTextFile(join(d, "model", "model.json"), '{"modelTopology": {');
    },
    model,
    /model\.json is not valid JSON/,
  ],
  [
    "model.json without topology",
    async (d) => {
      await edit(join(d, "model", "model.json"), (v) => ({ ...v, modelTopology: undefined }));
    },
    model,
    /model\.json: modelTopology must be an object/,
  ],
  [
    "model.json weights path outside the folder",
    async (d) => {
      await edit(join(d, "model", "model.json"), (v) => {
        (v.weightsManifest as { paths: string[] }[])[0].paths = ["../../adapter/x.bin"];
        return v;
      });
    },
    model,
    /model\.json: weightsManifest\[0\]\.paths\[0\] must be a string matching/,
  ],
  [
    "model.json unknown dtype",
    async (d) => {
      await edit(join(d, "model", "model.json"), (v) => {
        (v.weightsManifest as { weights: { dtype: string }[] }[])[0].weights[0].dtype = "float64";
        return v;
      });
    },
    model,
    /weights\[0\]\.dtype must be float32/,
  ],
  [
    "model.json topology of an unknown layer",
    async (d) => {
      await edit(join(d, "model", "model.json"), (v) => ({
        ...v,
        modelTopology: { class_name: "NoSuchModel", config: {} },
      }));
    },
    model,
    /model\.json: the model cannot be built/,
  ],
  [
    "model weights truncated",
    async (d) => {
      await truncate(
        await weightsFile(d, "model/model.json").then((p) => p.replace(d, join(d, "model"))),
        8,
      );
    },
    model,
    /hold \d+ bytes, the manifest needs \d+; the file is truncated/,
  ],
  [
    "model weights same-size corruption",
    async (d) => {
      await flipByte(
        join(d, "model", (await json(join(d, "model", "model.json"))).weightsManifest[0].paths[0]),
      );
    },
    model,
    /does not match the content hash in its name/,
  ],
  [
    "model weights missing",
    async (d) => {
      await Deno.remove(
        join(d, "model", (await json(join(d, "model", "model.json"))).weightsManifest[0].paths[0]),
      );
    },
    model,
    /names weights file weights\.[0-9a-f]+\.bin, which cannot be read/,
  ],
  // adapters
  [
    "adapter_config.json torn",
    async (d) => {
      await Deno.writeTextFile(join(d, "adapter", "adapter_config.json"), "{");
    },
    adapter,
    /adapter_config\.json is not valid JSON/,
  ],
  [
    "adapter_config.json another format",
    async (d) => {
      await edit(join(d, "adapter", "adapter_config.json"), (v) => ({ ...v, format: "peft" }));
    },
    adapter,
    /is not a quadranet-adapter v1 checkpoint/,
  ],
  [
    "adapter_config.json config missing",
    async (d) => {
      await edit(join(d, "adapter", "adapter_config.json"), (v) => ({ ...v, config: null }));
    },
    adapter,
    /adapter_config\.json: config must be an object/,
  ],
  [
    "adapter_config.json modulesToSave not a list",
    async (d) => {
      await edit(
        join(d, "adapter", "adapter_config.json"),
        (v) => ({ ...v, modulesToSave: "head" }),
      );
    },
    adapter,
    /adapter_config\.json: modulesToSave must be a list of strings/,
  ],
  [
    "adapter_config.json savedBatchNorm names no layer",
    async (d) => {
      await edit(
        join(d, "adapter", "adapter_config.json"),
        (v) => ({ ...v, savedBatchNorm: ["bn9"] }),
      );
    },
    adapter,
    /savedBatchNorm names layer "bn9", which the model lacks/,
  ],
  [
    "adapter manifest missing a weight",
    async (d) => {
      // Drop one weight from the manifest and its bytes from the file (renamed by its new hash):
      // consistent on its own, but the adapter would lose a layer's quadratic term.
      const cfgPath = join(d, "adapter", "adapter_config.json");
      const cfg = await json(cfgPath);
      const group = cfg.weightsManifest[0];
      const bytes = await Deno.readFile(join(d, "adapter", group.paths[0]));
      const tensors = tf.io.decodeWeights(bytes.slice().buffer, group.weights);
      const kept = group.weights.filter((w: { name: string }) => w.name !== "conv/quad_p");
      assert.equal(kept.length, group.weights.length - 1);
      const enc = await tf.io.encodeWeights(
        kept.map((w: { name: string }) => ({ name: w.name, tensor: tensors[w.name] })),
      );
      const data = new Uint8Array(enc.data as ArrayBuffer);
      const name = `adapter_weights.${
        createHash("sha256").update(data).digest("hex").slice(0, 16)
      }.bin`;
      await Deno.writeFile(join(d, "adapter", name), data);
      cfg.weightsManifest = [{ paths: [name], weights: enc.specs }];
      await Deno.writeTextFile(cfgPath, JSON.stringify(cfg));
    },
    adapter,
    /adapter_config\.json lacks 1 weight\(s\) the adapter needs: conv\/quad_p/,
  ],
  [
    "adapter weight of the wrong shape",
    async (d) => {
      await edit(join(d, "adapter", "adapter_config.json"), (v) => {
        const ws =
          (v.weightsManifest as { weights: { name: string; shape: number[] }[] }[])[0].weights;
        const p = ws.find((w) => w.name.endsWith("head/kernel"))!;
        p.shape = [...p.shape].reverse();
        return v;
      });
    },
    adapter,
    /weight head\/kernel has shape \[3,\d+\], the adapted model needs/,
  ],
  [
    "adapter weights same-size corruption",
    async (d) => {
      await flipByte(
        await weightsFile(d, "adapter/adapter_config.json").then((p) =>
          p.replace(d, join(d, "adapter"))
        ),
      );
    },
    adapter,
    /does not match the content hash in its name/,
  ],
  [
    "adapter weights truncated",
    async (d) => {
      await truncate(
        await weightsFile(d, "adapter/adapter_config.json").then((p) =>
          p.replace(d, join(d, "adapter"))
        ),
        4,
      );
    },
    adapter,
    /the file is truncated or replaced/,
  ],
  [
    "adapter weights path outside the folder",
    async (d) => {
      await edit(join(d, "adapter", "adapter_config.json"), (v) => {
        (v.weightsManifest as { paths: string[] }[])[0].paths = ["/etc/passwd"];
        return v;
      });
    },
    adapter,
    /paths\[0\] must be a string matching/,
  ],
];

Deno.test(`malformed files: ${CASES.length} damaged checkpoint/model/adapter files, each one CheckpointError naming the file`, async () => {
  const failures: string[] = [];
  for (const [what, damage, load, want] of CASES) {
    const dir = await copy();
    await damage(dir);
    try {
      await load(dir);
      failures.push(`${what}: loaded`);
    } catch (e) {
      if (!(e instanceof CheckpointError)) failures.push(`${what}: ${e}`);
      else if (!e.message.includes(dir)) failures.push(`${what}: does not name the file`);
      else if (!want.test(e.message)) failures.push(`${what}: ${e.message}`);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${CASES.length} cases failed`);
});

Deno.test("malformed files: resume after deleting a damaged newest checkpoint uses the intact older one", async () => {
  const dir = await copy();
  const newest = await latestOf(dir);
  await flipByte(join(newest, "tensors.bin"));
  await assert.rejects(() => ck(dir), /delete it to resume from an older one/);
  await Deno.remove(newest, { recursive: true }); // as the error advises
  const older = await ck(dir);
  assert.ok(older.state.step > 0 && older.state.step < 4, `resumes from step ${older.state.step}`);
});

Deno.test("malformed files: a resumed run's config.json that is torn or not an object exits 2 naming it", async () => {
  const runs = await Deno.makeTempDir();
  await Deno.mkdir(join(runs, "r1"));
  await Deno.writeTextFile(join(runs, "r1", "summary.json"), '{"status": "running"}');
  for (
    const [text, want] of [["{", /r1\/config\.json is unreadable/], [
      "[1]",
      /does not hold an object/,
    ]] as const
  ) {
    await Deno.writeTextFile(join(runs, "r1", "config.json"), text);
    await assert.rejects(() => storedConfig(runs, "r1"), want);
  }
});
