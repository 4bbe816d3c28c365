import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startInBackground, waitForExit } from "@quadranet/core/testing";
import {
  ROOT,
  TRAIN,
  train,
  trainCommand as command,
  waitForCheckpoint as waitForRunCheckpoint,
} from "./testing/train_cli.ts";

const runsDir = await Deno.makeTempDir({ prefix: "quadranet-runs-" });
const QUICK = ["--quick", "--quiet", "--runs-dir", runsDir];

const summary = (id: string) =>
  JSON.parse(Deno.readTextFileSync(join(runsDir, id, "summary.json")));

/**
 * `deno task train --quick ARGS --seeds 1 --run-id ID`, which must exit 0: its quadratic arm's
 * run, completed (summary and stored config).
 */
async function quadraticArm(id: string, args: string[]) {
  const r = await train([...QUICK, ...args, "--seeds", "1", "--run-id", id]);
  assert.equal(r.code, 0, r.stderr);
  const s = summary(`${id}-quadratic-s1`);
  assert.equal(s.status, "completed");
  const config = JSON.parse(
    Deno.readTextFileSync(join(runsDir, `${id}-quadratic-s1`, "config.json")),
  );
  return { s, config };
}

Deno.test("train --help lists the tasks, the task's options and the registered plugins", async () => {
  const r = await train(["--help"]);
  assert.equal(r.code, 0, r.stderr);
  for (
    const s of [
      "digits-shift",
      "--shift",
      "solarize",
      "--resume",
      "--backend",
      "lora",
      "recompute",
      "blas",
    ]
  ) {
    assert.ok(r.stdout.includes(s), `help mentions ${s}`);
  }
});

Deno.test("train rejects unknown flags and bad values, naming what is allowed (exit 2)", async () => {
  const cases: [string[], RegExp][] = [
    [["--epoch", "3"], /Unknown option '--epoch'.*--epochs/s],
    [["--epochs", "0"], /--epochs: 0 is below the minimum 1/],
    [["--lr", "fast"], /--lr: expected a number/],
    [["--shift", "blur"], /Unknown shift "blur"; registered shifts: elastic, gamma, solarize/],
    [["--methods", "lora,dora"], /"dora" is not one of: zero-shot/],
    [["--backend", "tpu"], /Unknown backend "tpu".*blas/],
    [["--backend", "wasm"], /"wasm" is unavailable: it cannot train.*Conv2DBackpropFilter/],
    [["--task", "imagenet-99"], /Unknown task "imagenet-99".*digits-shift/],
    [["--kernel", "cubic", "--methods", "quadratic"], /Unknown kernel "cubic".*poly.*rbf/],
    [["--resume", "no-such-run"], /No run "no-such-run"/],
  ];
  for (const [args, want] of cases) {
    const r = await train([...args, ...QUICK]);
    assert.notEqual(r.code, 0, args.join(" "));
    assert.match(r.stderr, want, args.join(" "));
  }
  const bad = join(runsDir, "bad.json");
  await Deno.writeTextFile(bad, JSON.stringify({ shift: "gamma", epohcs: 2 }));
  const r = await train(["--config", bad, ...QUICK]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown config key "epohcs".*epochs/s);
});

Deno.test("train --quick runs the whole comparison and writes a complete report and run records", async () => {
  const r = await train([...QUICK, "--run-id", "cmp"]);
  assert.equal(r.code, 0, r.stderr);
  const methods = [
    "zero-shot",
    "norm-head",
    "linear",
    "lora",
    "lora-matched",
    "quadratic",
    "quadratic-joint",
    "first-order-scratch",
    "quadratic-scratch",
  ];
  // mean ± std over the two --quick seeds
  for (const m of methods) {
    assert.match(r.stdout, new RegExp(`\\| ${m} \\| [^|]+ \\| \\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|`));
  }
  const report = Deno.readTextFileSync(join(runsDir, "cmp", "report.md"));
  assert.match(report, /\| arm \| lr \| test top-1 % \| Δ vs quadratic \(pts, paired\)/);
  assert.match(report, /Sunk pre-training/);
  assert.match(report, /98% of quadratic-scratch's final validation top-1/);
  const cmp = summary("cmp");
  assert.equal(cmp.status, "completed");
  assert.deepEqual(cmp.seeds, [1, 2]);
  assert.deepEqual(cmp.rows.map((row: { method: string }) => row.method), methods);
  assert.equal(cmp.target.perSeed.length, 2);
  for (const m of methods) {
    for (const seed of m === "zero-shot" ? [undefined] : [1, 2]) {
      const id = seed ? `cmp-${m}-s${seed}` : `cmp-${m}`, s = summary(id);
      assert.equal(s.status, "completed", id);
      assert.equal(s.task, "digits-shift");
      assert.equal(s.method, m);
      assert.equal(s.backend.length > 0, true);
      for (const k of ["top1", "top5", "loss"]) {
        assert.equal(typeof s.final[k], "number", `${id} final.${k}`);
        assert.equal(typeof s.validation[k], "number", `${id} validation.${k}`);
      }
      assert.equal(s.finalOn, "test");
      assert.equal(s.best, undefined); // no best-on-test anywhere
      assert.ok(s.final.top1 >= 0 && s.final.top1 <= 1);
      for (const k of ["wallSeconds", "cpuSeconds", "trainingFlops"]) {
        assert.equal(typeof s.compute[k], "number", `${id} compute.${k}`);
      }
      assert.equal(typeof s.params.trainable, "number");
      assert.ok(s.params.total >= s.params.trainable);
      assert.equal(s.versions.tfjs, "4.22.0");
      assert.equal(typeof s.machine.cores, "number");
      assert.ok(existsSync(join(runsDir, id, "config.json")));
      const lines = Deno.readTextFileSync(join(runsDir, id, "metrics.jsonl")).trim().split("\n");
      for (const l of lines) assert.equal(typeof JSON.parse(l).step, "number");
      if (m !== "zero-shot") {
        assert.ok(s.compute.trainingFlops > 0);
        assert.ok(existsSync(join(runsDir, id, "checkpoints", "latest.json")));
        // two validation checks per epoch, each with the analytic FLOPs so far
        const checks = lines.map((l) => JSON.parse(l)).filter((e) => e.eval);
        assert.equal(checks.length, 2 * s.steps / Math.ceil(300 / 64));
        assert.equal(checks[checks.length - 1].flops, s.compute.trainingFlops);
      }
    }
  }
  // Zero-shot trains nothing; LoRA at equal rank trains fewer than linear; matched LoRA about as
  // many adapter parameters as the quadratic adapter.
  assert.equal(summary("cmp-zero-shot").params.trainable, 0);
  assert.ok(summary("cmp-lora-s1").params.trainable < summary("cmp-linear-s1").params.trainable);
  const q = summary("cmp-quadratic-s1").adapter.adapterParams;
  const lm = summary("cmp-lora-matched-s1").adapter.adapterParams;
  assert.ok(Math.abs(lm - q) / q < 0.25, `matched LoRA ${lm} vs quadratic ${q}`);
  // Savings are measured against the quadratic network from scratch: 0 against itself.
  const row = cmp.rows.find((x: { method: string }) => x.method === "quadratic-scratch");
  assert.equal(row.toTarget.reached, 2);
  assert.equal(row.toTarget.savingsFlops.mean, 0);
});

const waitForCheckpoint = (runId: string, atLeast: number) =>
  waitForRunCheckpoint(runsDir, runId, atLeast);

const RESUMABLE = [
  ...QUICK,
  "--methods",
  "quadratic",
  "--seeds",
  "1",
  "--epochs",
  "2",
  "--checkpoint-every",
  "2",
];

Deno.test("a run killed with SIGKILL and resumed ends with the same metrics as an uninterrupted run", async () => {
  const whole = await train([...RESUMABLE, "--run-id", "whole"]);
  assert.equal(whole.code, 0, whole.stderr);

  const child = command([...RESUMABLE, "--run-id", "killed"]).spawn();
  await waitForCheckpoint("killed-quadratic-s1", 4);
  child.kill("SIGKILL");
  const status = await child.output();
  assert.equal(status.signal, "SIGKILL");
  assert.equal(summary("killed-quadratic-s1").status, "running"); // as the kill left it

  const resumed = await train(["--resume", "killed", ...QUICK]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const a = summary("whole-quadratic-s1"), b = summary("killed-quadratic-s1");
  assert.equal(b.status, "completed");
  assert.equal(b.steps, a.steps);
  assert.deepEqual(b.final, a.final); // exact: same backend, same order, same state
  assert.ok(b.compute.cpuSeconds > 0);
});

/**
 * Starts the resumable comparison `id`, sends `signal` once its quadratic arm has checkpointed
 * step 2, and checks that it stops with exit 130 with the arm and the comparison `interrupted`;
 * then `--resume from` must complete the arm with the uninterrupted run's final metrics.
 */
async function interruptAndResume(id: string, signal: Deno.Signal, from: string) {
  const child = command([...RESUMABLE, "--run-id", id]).spawn();
  await waitForCheckpoint(`${id}-quadratic-s1`, 2);
  child.kill(signal);
  const out = await child.output();
  assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
  assert.equal(summary(`${id}-quadratic-s1`).status, "interrupted");
  assert.equal(summary(id).status, "interrupted");
  const resumed = await train(["--resume", from, ...QUICK]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(summary(`${id}-quadratic-s1`).status, "completed");
  assert.deepEqual(summary(`${id}-quadratic-s1`).final, summary("whole-quadratic-s1").final);
}

Deno.test("Ctrl-C checkpoints, marks the run interrupted (exit 130), and --resume completes it", async () => {
  await interruptAndResume("ctrlc", "SIGINT", "ctrlc-quadratic-s1"); // resumed by the arm's id
});

Deno.test("SIGTERM is handled like Ctrl-C: checkpoint, status interrupted, exit 130, resumable", async () => {
  await interruptAndResume("sigterm", "SIGTERM", "sigterm"); // resumed by the comparison's id
});

Deno.test("a parent that dies without forwarding a signal (as npx does): the run checkpoints and stops", async () => {
  // sh starts the trainer in the background and is then SIGKILLed: the trainer is orphaned.
  const flags = [
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-ffi",
    "--allow-sys",
  ];
  // 12 epochs (60 steps at --quick sizes): the run outlasts the parent watch (1 s) after the
  // kill; an uninterrupted run of the same options is the reference.
  const long = RESUMABLE.map((a, i) => RESUMABLE[i - 1] === "--epochs" ? "12" : a);
  const args = [...flags, TRAIN, ...long, "--run-id", "orphan"].map((a) => `'${a}'`).join(" ");
  const child = await startInBackground(`'${Deno.execPath()}' run ${args} >/dev/null 2>&1`, ROOT);
  await waitForCheckpoint("orphan-quadratic-s1", 2);
  await child.orphan();
  assert.ok(await waitForExit(child.pid, 30_000), "the orphaned trainer stopped");
  assert.equal(summary("orphan-quadratic-s1").status, "interrupted");
  const resumed = await train(["--resume", "orphan", ...QUICK]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const reference = await train([...long, "--run-id", "orphan-ref"]);
  assert.equal(reference.code, 0, reference.stderr);
  assert.equal(summary("orphan-quadratic-s1").steps, 60);
  assert.deepEqual(summary("orphan-quadratic-s1").final, summary("orphan-ref-quadratic-s1").final);
});

Deno.test("--resume: an unknown id exits 2; an option that differs from the run's is refused (exit 2)", async () => {
  const unknown = await train(["--resume", "no-such-run", ...QUICK]);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /No run "no-such-run" in .*recent runs: /);
  // (--lr is not stored under the protocol: each arm's searched rate is; weight decay is)
  const changed = await train(["--resume", "whole", "--weight-decay", "0.5", ...QUICK]);
  assert.equal(changed.code, 2, changed.stderr);
  assert.match(changed.stderr, /weight-decay 0\.5 \(stored: 0\.0001\) cannot be applied/);
  const same = await train(["--resume", "whole", "--weight-decay", "0.0001", ...QUICK]);
  assert.equal(same.code, 0, same.stderr); // equal to the stored value: accepted (nothing to do)
});

Deno.test("a user kernel plugin (--plugin) and recompute backprop are selectable from the CLI", async () => {
  const { s, config } = await quadraticArm("cubic", [
    "--plugin",
    "examples/cubic_kernel.ts",
    "--kernel",
    "cubic",
    "--backprop",
    "recompute",
    "--methods",
    "quadratic",
  ]);
  assert.equal(config.kernel, "cubic");
  assert.equal(config.backprop, "recompute");
  assert.deepEqual(config.plugin, ["examples/cubic_kernel.ts"]);
  assert.ok(s.adapter.adapterParams > 0);
});

Deno.test("--backbone runs the comparison on a registered backbone with its default targets", async () => {
  const { s, config } = await quadraticArm("bb", [
    "--backbone",
    "resnet18_w4",
    "--methods",
    "zero-shot,quadratic",
  ]);
  assert.ok(s.adapter.adapterParams > 0 && s.params.trainable > s.adapter.adapterParams);
  assert.equal(config.backbone, "resnet18_w4");
  const bad = await train([...QUICK, "--backbone", "resnet19"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown backbone "resnet19".*resnet18/);
});

Deno.test("a TS config file sets options and flags override it", async () => {
  const file = join(runsDir, "run_config.ts");
  await Deno.writeTextFile(
    file,
    `export default { shift: "gamma", methods: ["zero-shot"], seed: 1, runId: "from-ts" };\n`,
  );
  const r = await train(["--config", file, ...QUICK, "--shift", "elastic"]);
  assert.equal(r.code, 0, r.stderr);
  const config = JSON.parse(Deno.readTextFileSync(join(runsDir, "from-ts", "config.json")));
  assert.equal(config.shift, "elastic"); // the flag wins over the file
  assert.deepEqual(config.methods, ["zero-shot"]);
  assert.equal(summary("from-ts-zero-shot").status, "completed");
});

Deno.test("a user shift plugin (--plugin) is selectable with --shift; unknown shifts list the registered", async () => {
  const r = await train([
    ...QUICK,
    "--plugin",
    "examples/checker_shift.ts",
    "--shift",
    "checker",
    "--methods",
    "zero-shot",
    "--run-id",
    "checker",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(summary("checker-zero-shot").shift, "checker");
  const bad = await train([...QUICK, "--shift", "fog", "--methods", "zero-shot"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown shift "fog"; registered shifts: elastic, gamma/);
});

Deno.test("train --task digits-upgrade --quick: the upgrade against scratch and a compute-matched control", async () => {
  const r = await train([...QUICK, "--task", "digits-upgrade", "--run-id", "up"]);
  assert.equal(r.code, 0, r.stderr);
  const cmp = summary("up");
  assert.equal(cmp.status, "completed");
  assert.deepEqual(
    cmp.rows.map((row: { method: string }) => row.method),
    ["first-order", "upgrade", "upgrade-joint", "first-order-continue", "quadratic-scratch"],
  );
  assert.equal(cmp.pairedWith, "upgrade");
  // the control trains the first-order network for the upgrade's FLOPs, to within half an epoch
  const up = summary("up-upgrade-s1"), ctl = summary("up-first-order-continue-s1");
  const halfEpoch = 0.5 * ctl.trainingFlopsPerExample[0] * 300;
  assert.ok(
    Math.abs(ctl.compute.trainingFlops - up.compute.trainingFlops) <= halfEpoch,
    `${ctl.compute.trainingFlops} vs ${up.compute.trainingFlops}`,
  );
  assert.ok(ctl.stages[0].epochs >= 1);
  assert.match(Deno.readTextFileSync(join(runsDir, "up", "report.md")), /Sunk pre-training/);
});

Deno.test("train --lr-search runs the per-arm grid on the validation split and reports the choice", async () => {
  const r = await train([
    ...QUICK,
    "--lr-search",
    "--methods",
    "linear,quadratic",
    "--run-id",
    "lrs",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = summary("lrs");
  assert.equal(s.status, "completed");
  assert.equal(s.lrSearch.points.length, 8); // 2 arms × 4 rates
  for (const p of s.lrSearch.points) assert.ok(p.validationTop1 > 0 && p.flops > 0);
  for (const arm of ["linear", "quadratic"]) {
    const best = Math.max(
      ...s.lrSearch.points.filter((p: { arm: string }) => p.arm === arm).map((
        p: { validationTop1: number },
      ) => p.validationTop1),
    );
    const chosen = s.lrSearch.points.find((p: { arm: string; lr: number }) =>
      p.arm === arm && p.lr === s.lrSearch.chosen[arm]
    );
    assert.equal(chosen.validationTop1, best);
  }
  // the search never reads the test set
  assert.equal(summary("lrs-quadratic-lr0.01").finalOn, undefined);
  assert.match(r.stdout, /export const ARM_LRS/);
});

Deno.test("--only-seeds trains one seed's runs without a comparison; the plain run reuses them", async () => {
  const args = [...QUICK, "--methods", "linear,quadratic", "--run-id", "part"];
  const p = await train([...args, "--only-seeds", "2"]);
  assert.equal(p.code, 0, p.stderr);
  assert.ok(!existsSync(join(runsDir, "part", "summary.json")));
  const before = summary("part-quadratic-s2").startedAt;
  assert.ok(!existsSync(join(runsDir, "part-quadratic-s1")));
  const all = await train(args);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(summary("part-quadratic-s2").startedAt, before); // reused, not retrained
  assert.deepEqual(summary("part").seeds, [1, 2]);
  const bad = await train([...args, "--only-seeds", "7"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--only-seeds 7 is not a replicate seed of this comparison \(1, 2\)/);
});
