/**
 * `deno task train coco --resume ID` at tiny sizes (the real backbone, head, data and records): an
 * arm interrupted mid-epoch continues step for step as if never stopped, completed arms are kept as
 * they are, arms not started start from the stored head initialisation; Ctrl-C/SIGTERM end with a
 * checkpoint, exit 130 and the resume command; a completed, unknown or foreign id says what it is.
 *
 * The tests share one runs folder (one cached pre-training) and run in order: the later ones
 * compare against the uninterrupted comparison "s" the first one trains.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  loadCheckpoint,
  Progress,
  RunRecord,
  selectBackend,
  type TaskContext,
  type TaskResult,
} from "@quadranet/core";
import { resolveConfig } from "../cli/options.ts";
import { train, trainCommand, waitForCheckpoint } from "../testing/train_cli.ts";
import "../train.ts"; // every plugin the CLI loads (backends, kernels, LoRA): the same numbers
import { cocoTask } from "./mod.ts";

const tmp = await Deno.makeTempDir({ prefix: "quadranet-coco-resume-" });
const runsDir = join(tmp, "runs");
// 16 train images, batch 8: 2 steps per epoch, 6 per arm; three arms
const ARGS = [
  "--runs-dir",
  runsDir,
  "--digits-dir",
  join(tmp, "dd"),
  ...("--quick --quiet --pretrain-size 64 --methods frozen,lora,quadratic --epochs 3 " +
    "--train-images 16 --val-images 8 --batch-size 8 --warmup-steps 2").split(" "),
];

/**
 * Runs the task in this process as the CLI would (`args` after the task name); `signal` decides
 * when it is interrupted. The result and the lines it logged.
 */
async function runTask(
  args: string[],
  signal: { interrupted: boolean } = { interrupted: false },
  onLog: (line: string) => void = () => {},
): Promise<{ result: TaskResult; lines: string[] }> {
  const config = resolveConfig(["--task", "coco", ...args], cocoTask);
  const lines: string[] = [];
  const ctx: TaskContext = {
    config,
    runsDir,
    backend: await selectBackend(config.backend as string, { quiet: true, training: true }),
    progress: new Progress({ quiet: true }),
    quiet: true,
    resume: config.resume as string | undefined,
    signal,
    log: (line) => {
      lines.push(line);
      onLog(line);
    },
  };
  return { result: await cocoTask.run(ctx), lines };
}

const summary = (id: string) =>
  JSON.parse(Deno.readTextFileSync(join(runsDir, id, "summary.json")));
const trainLosses = (id: string) =>
  Deno.readTextFileSync(join(runsDir, id, "metrics.jsonl")).trim().split("\n").map((l) =>
    JSON.parse(l)
  ).filter((m) => m.eval).map((m) => m.trainLoss as number);

/** The two runs' arm `arm` ended alike: epoch losses, final metrics and every tensor saved. */
async function assertSameArm(a: string, b: string, arm: string) {
  const la = trainLosses(`${a}-${arm}`), lb = trainLosses(`${b}-${arm}`);
  assert.equal(lb.length, 3, `${b}-${arm}: one eval line per epoch`);
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(la[i] - lb[i]) <= 1e-6 * Math.abs(la[i]), `${arm} epoch ${i + 1} loss`);
  }
  assert.deepEqual(summary(`${b}-${arm}`).final, summary(`${a}-${arm}`).final);
  const [ca, cb] = await Promise.all(
    [a, b].map((id) => loadCheckpoint(join(runsDir, `${id}-${arm}`, "checkpoints"))),
  );
  assert.equal(cb.state.step, 6);
  assert.deepEqual(Object.keys(cb.weights), Object.keys(ca.weights));
  for (const part of ["weights", "slots"] as const) {
    for (const [k, t] of Object.entries(ca[part])) {
      const x = await t.data() as Float32Array, y = await cb[part][k].data() as Float32Array;
      let diff = 0;
      for (let i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i] - y[i]));
      assert.ok(diff <= 1e-6, `${arm} ${part} ${k}: max |diff| ${diff}`);
    }
  }
}

Deno.test({
  name: "coco --resume: an arm stopped mid-epoch continues exactly; completed arms kept",
  sanitizeResources: false, // the decode workers' pool outlives a run in this process
  fn: async () => {
    // uninterrupted
    const s = await runTask([...ARGS, "--run-id", "s"]);
    assert.equal(s.result.status, "completed");
    // interrupted before lora's 4th step (epoch 2, batch 2): reads of the signal once lora started
    let reads = -1;
    const signal = {
      get interrupted() {
        return reads >= 0 && ++reads > 3;
      },
    };
    const r = await runTask([...ARGS, "--run-id", "r"], signal, (line) => {
      if (line.startsWith("lora: ")) reads = 0;
    });
    assert.equal(r.result.status, "interrupted");
    assert.ok(r.lines.includes("interrupted; resume with: deno task train coco --resume r"));
    assert.equal(summary("r").status, "interrupted");
    assert.equal(summary("r-frozen").status, "completed");
    assert.equal(summary("r-lora").status, "interrupted");
    assert.equal(existsSync(join(runsDir, "r-quadratic")), false);
    const ck = await loadCheckpoint(join(runsDir, "r-lora", "checkpoints"));
    assert.deepEqual([ck.state.step, ck.state.next.epoch, ck.state.next.batch], [3, 1, 1]);
    const frozen = join(runsDir, "r-frozen");
    const files = ["metrics.jsonl", "results.json", "preview.svg", "checkpoints/latest.json"];
    const before = files.map((f) => [Deno.readTextFileSync(join(frozen, f)), mtime(frozen, f)]);
    const frozenSummary = summary("r-frozen");
    // resumed by the arm's id: the comparison it belongs to
    const resumed = await runTask(["--resume", "r-lora", "--runs-dir", runsDir]);
    assert.equal(resumed.result.status, "completed");
    assert.ok(resumed.lines.some((l) => /^frozen: completed before, kept as it is/.test(l)));
    assert.ok(resumed.lines.some((l) => /^lora: resuming at epoch 2, batch 2 of 2/.test(l)));
    // the completed arm was not touched but for the comparison's table it now shares
    assert.deepEqual(
      files.map((f) => [Deno.readTextFileSync(join(frozen, f)), mtime(frozen, f)]),
      before,
    );
    const { comparison, updatedAt: _u, ...rest } = summary("r-frozen");
    const { updatedAt: _w, ...was } = frozenSummary;
    assert.deepEqual(rest, was);
    assert.equal(comparison.id, "r");
    // the interrupted arm and the one not started end exactly as in the uninterrupted run
    await assertSameArm("s", "r", "lora");
    await assertSameArm("s", "r", "quadratic");
    assert.equal(summary("r").status, "completed");
    assert.deepEqual(
      summary("r").rows.map((x: { AP50: number }) => x.AP50),
      summary("s").rows.map((x: { AP50: number }) => x.AP50),
    );
    // again: complete, nothing to do
    const again = await runTask(["--resume", "r", "--runs-dir", runsDir]);
    assert.equal(again.result.status, "completed");
    assert.match(again.lines.join("\n"), /comparison r is already complete; nothing to resume/);
  },
});

function mtime(dir: string, f: string) {
  return Deno.statSync(join(dir, f)).mtime?.getTime();
}

Deno.test("coco: SIGTERM checkpoints, exits 130 naming --resume ID; the CLI resume ends like an uninterrupted run", async () => {
  const child = trainCommand(["coco", ...ARGS.filter((a) => a !== "--quiet"), "--run-id", "t"])
    .spawn();
  await waitForCheckpoint(runsDir, "t-frozen", 2); // frozen's first epoch done
  child.kill("SIGTERM");
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 130, stderr);
  assert.match(stderr, /interrupted; resume with: deno task train coco --resume t\n/);
  assert.equal(summary("t").status, "interrupted");
  const resumed = await train(["coco", "--resume", "t", "--quiet", "--runs-dir", runsDir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  for (const arm of ["frozen", "lora", "quadratic"]) await assertSameArm("s", "t", arm);
});

Deno.test("coco: an arm killed (SIGKILL) mid-run resumes from its last epoch's checkpoint, exactly", async () => {
  const args = ARGS.map((a) => a === "frozen,lora,quadratic" ? "quadratic" : a);
  const child = trainCommand(["coco", ...args, "--run-id", "k"]).spawn();
  await waitForCheckpoint(runsDir, "k-quadratic", 2);
  child.kill("SIGKILL");
  assert.equal((await child.output()).signal, "SIGKILL");
  assert.equal(summary("k-quadratic").status, "running"); // no chance to say more
  const resumed = await train(["coco", "--resume", "k", "--quiet", "--runs-dir", runsDir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  await assertSameArm("s", "k", "quadratic");
});

Deno.test("coco --resume: a completed, unknown or foreign id says what it is and what to do", async () => {
  const done = await train(["coco", "--resume", "s", "--runs-dir", runsDir]);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stderr, /comparison s is already complete; nothing to resume \(its report: /);
  const unknown = await train(["coco", "--resume", "nope", "--runs-dir", runsDir]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /No run "nope" in .*runs; recent runs: .*Give an id from there/);
  // another task's comparison, and the cached pre-training (a coco run, not a comparison)
  await RunRecord.create(runsDir, "shift", { kind: "comparison", seed: 1 }, {
    task: "digits-shift",
    method: "comparison",
    backend: "cpu",
  });
  const foreign = await train(["coco", "--resume", "shift", "--runs-dir", runsDir]);
  assert.equal(foreign.code, 2);
  assert.match(
    foreign.stderr,
    /Run "shift" is not part of a coco comparison \(its task is digits-shift, method comparison\); resume it with `deno task train digits-shift --resume shift`/,
  );
  const pre = summary("s").sunkPretrain.runId as string;
  const notCmp = await train(["coco", "--resume", pre, "--runs-dir", runsDir]);
  assert.equal(notCmp.code, 2);
  assert.match(
    notCmp.stderr,
    new RegExp(`Run "${pre}" is not part of a coco comparison .*give the id of a coco comparison`),
  );
});

Deno.test({
  name:
    "coco --resume of a comparison begun before start.json: arms keep the rates they trained with",
  sanitizeResources: false, // the decode workers' pool outlives a run in this process
  fn: async () => {
    // interrupted as lora starts (frozen completed), then made as an older version left it: no
    // start.json, no checkpoints; frozen's record says it trained at 0.5, not today's default 0.01
    let started = false;
    const signal = {
      get interrupted() {
        return started;
      },
    };
    const args = ARGS.map((a) => a === "frozen,lora,quadratic" ? "frozen,lora" : a);
    const first = await runTask([...args, "--run-id", "old"], signal, (line) => {
      if (line.startsWith("lora: ")) started = true;
    });
    assert.equal(first.result.status, "interrupted");
    for (const p of ["old/start.json", "old/checkpoints", "old-lora/checkpoints"]) {
      await Deno.remove(join(runsDir, p), { recursive: true });
    }
    const file = join(runsDir, "old-frozen", "config.json");
    Deno.writeTextFileSync(
      file,
      JSON.stringify({ ...JSON.parse(Deno.readTextFileSync(file)), lr: 0.5 }),
    );
    const resumed = await runTask(["--resume", "old", "--runs-dir", runsDir]);
    assert.equal(resumed.result.status, "completed");
    const start = JSON.parse(Deno.readTextFileSync(join(runsDir, "old", "start.json")));
    assert.deepEqual(start.lrs, { frozen: 0.5, lora: 0.01 }); // lora: --quick's 0.01, as it ran
    assert.match(
      Deno.readTextFileSync(join(runsDir, "old", "report.md")),
      /learning rate frozen 0\.5, lora 0\.01\./,
    );
  },
});

Deno.test("cleanup", async () => {
  await Deno.remove(tmp, { recursive: true });
});
