import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const TRAIN = join(ROOT, "tasks/train.ts");

function command(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-ffi",
      "--allow-sys",
      TRAIN,
      ...args,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

async function train(args: string[]) {
  const out = await command(args).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const runsDir = await Deno.makeTempDir({ prefix: "quadranet-runs-" });
const QUICK = ["--quick", "--quiet", "--runs-dir", runsDir];

const summary = (id: string) =>
  JSON.parse(Deno.readTextFileSync(join(runsDir, id, "summary.json")));

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
    [["--shift", "blur"], /"blur" is not one of: solarize, gamma, elastic/],
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
    "linear",
    "lora",
    "quadratic",
    "quadratic-scratch",
    "first-order-scratch",
  ];
  for (const m of methods) assert.match(r.stdout, new RegExp(`\\| ${m} \\| \\d+\\.\\d\\d% \\|`));
  const report = Deno.readTextFileSync(join(runsDir, "cmp", "report.md"));
  assert.match(report, /\| method \| top-1 \| trainable params \| compute \(CPU s\)/);
  assert.match(report, /Pre-training the first-order network/);
  assert.equal(summary("cmp").status, "completed");
  for (const m of methods) {
    const id = `cmp-${m}`, s = summary(id);
    assert.equal(s.status, "completed", id);
    assert.equal(s.task, "digits-shift");
    assert.equal(s.method, m);
    assert.equal(s.backend.length > 0, true);
    for (const k of ["top1", "top5", "loss"]) {
      assert.equal(typeof s.final[k], "number", `${id} final.${k}`);
    }
    assert.ok(s.final.top1 >= 0 && s.final.top1 <= 1);
    for (const k of ["wallSeconds", "cpuSeconds", "trainingFlops"]) {
      assert.equal(typeof s.compute[k], "number", `${id} compute.${k}`);
    }
    assert.equal(typeof s.params.trainable, "number");
    assert.ok(s.params.total >= s.params.trainable);
    assert.equal(s.versions.tfjs, "4.22.0");
    assert.equal(typeof s.machine.cores, "number");
    assert.equal(s.comparison.row.method, m);
    assert.equal(s.comparison.table.length, 6);
    assert.ok(existsSync(join(runsDir, id, "config.json")));
    const lines = Deno.readTextFileSync(join(runsDir, id, "metrics.jsonl")).trim().split("\n");
    for (const l of lines) assert.equal(typeof JSON.parse(l).step, "number");
    if (m !== "zero-shot") {
      assert.ok(s.compute.cpuSeconds > 0);
      assert.ok(existsSync(join(runsDir, id, "checkpoints", "latest.json")));
    }
  }
  // Zero-shot trains nothing; ours trains the adapter and the head, fewer than linear + adapter.
  assert.equal(summary("cmp-zero-shot").params.trainable, 0);
  assert.ok(summary("cmp-lora").params.trainable < summary("cmp-linear").params.trainable);
  // Savings are measured against the quadratic network from scratch.
  const row = summary("cmp-quadratic-scratch").comparison.row;
  assert.equal(row.relativeCompute, 1);
});

async function waitForCheckpoint(runId: string, atLeast: number): Promise<void> {
  const latest = join(runsDir, runId, "checkpoints", "latest.json");
  for (let i = 0; i < 3000; i++) {
    if (existsSync(latest)) {
      const step = JSON.parse(Deno.readTextFileSync(latest)).step;
      if (step >= atLeast) return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no checkpoint >= ${atLeast} for ${runId}`);
}

const RESUMABLE = [...QUICK, "--methods", "quadratic", "--epochs", "2", "--checkpoint-every", "2"];

Deno.test("a run killed with SIGKILL and resumed ends with the same metrics as an uninterrupted run", async () => {
  const whole = await train([...RESUMABLE, "--run-id", "whole"]);
  assert.equal(whole.code, 0, whole.stderr);

  const child = command([...RESUMABLE, "--run-id", "killed"]).spawn();
  await waitForCheckpoint("killed-quadratic", 4);
  child.kill("SIGKILL");
  const status = await child.output();
  assert.equal(status.signal, "SIGKILL");
  assert.equal(summary("killed-quadratic").status, "running"); // as the kill left it

  const resumed = await train(["--resume", "killed", ...QUICK]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const a = summary("whole-quadratic"), b = summary("killed-quadratic");
  assert.equal(b.status, "completed");
  assert.equal(b.steps, a.steps);
  assert.deepEqual(b.final, a.final); // exact: same backend, same order, same state
  assert.ok(b.compute.cpuSeconds > 0);
});

Deno.test("Ctrl-C checkpoints, marks the run interrupted (exit 130), and --resume completes it", async () => {
  const child = command([...RESUMABLE, "--run-id", "ctrlc"]).spawn();
  await waitForCheckpoint("ctrlc-quadratic", 2);
  child.kill("SIGINT");
  const out = await child.output();
  assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
  assert.equal(summary("ctrlc-quadratic").status, "interrupted");
  assert.equal(summary("ctrlc").status, "interrupted");
  const resumed = await train(["--resume", "ctrlc-quadratic", ...QUICK]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(summary("ctrlc-quadratic").status, "completed");
  assert.deepEqual(summary("ctrlc-quadratic").final, summary("whole-quadratic").final);
});

Deno.test("SIGTERM is handled like Ctrl-C: checkpoint, status interrupted, exit 130, resumable", async () => {
  const child = command([...RESUMABLE, "--run-id", "sigterm"]).spawn();
  await waitForCheckpoint("sigterm-quadratic", 2);
  child.kill("SIGTERM");
  const out = await child.output();
  assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
  assert.equal(summary("sigterm-quadratic").status, "interrupted");
  assert.equal(summary("sigterm").status, "interrupted");
  const resumed = await train(["--resume", "sigterm", ...QUICK]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(summary("sigterm-quadratic").final, summary("whole-quadratic").final);
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
  const args = [...flags, TRAIN, ...RESUMABLE, "--run-id", "orphan"].map((a) => `'${a}'`).join(" ");
  const sh = new Deno.Command("sh", {
    args: ["-c", `'${Deno.execPath()}' run ${args} >/dev/null 2>&1 & echo $!; wait`],
    cwd: ROOT,
    stdout: "piped",
  }).spawn();
  const reader = sh.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const pid = Number((await reader.read()).value);
  await waitForCheckpoint("orphan-quadratic", 2);
  sh.kill("SIGKILL");
  await sh.status;
  await reader.cancel();
  for (let i = 0; i < 600 && existsSync(`/proc/${pid}`); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(!existsSync(`/proc/${pid}`), "the orphaned trainer stopped");
  assert.equal(summary("orphan-quadratic").status, "interrupted");
  const resumed = await train(["--resume", "orphan", ...QUICK]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(summary("orphan-quadratic").final, summary("whole-quadratic").final);
});

Deno.test("--resume: an unknown id exits 2; an option that differs from the run's is refused (exit 2)", async () => {
  const unknown = await train(["--resume", "no-such-run", ...QUICK]);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /No run "no-such-run" in .*recent runs: /);
  const changed = await train(["--resume", "whole", "--lr", "0.5", ...QUICK]);
  assert.equal(changed.code, 2, changed.stderr);
  assert.match(changed.stderr, /lr 0\.5 \(stored: 0\.003\) cannot be applied/);
  const same = await train(["--resume", "whole", "--lr", "0.003", ...QUICK]);
  assert.equal(same.code, 0, same.stderr); // equal to the stored value: accepted (nothing to do)
});

Deno.test("a user kernel plugin (--plugin) and recompute backprop are selectable from the CLI", async () => {
  const r = await train([
    ...QUICK,
    "--plugin",
    "examples/cubic_kernel.ts",
    "--kernel",
    "cubic",
    "--backprop",
    "recompute",
    "--methods",
    "quadratic",
    "--run-id",
    "cubic",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = summary("cubic-quadratic");
  assert.equal(s.status, "completed");
  const config = JSON.parse(Deno.readTextFileSync(join(runsDir, "cubic-quadratic", "config.json")));
  assert.equal(config.kernel, "cubic");
  assert.equal(config.backprop, "recompute");
  assert.deepEqual(config.plugin, ["examples/cubic_kernel.ts"]);
  assert.ok(s.adapter.adapterParams > 0);
});

Deno.test("--backbone runs the comparison on a registered backbone with its default targets", async () => {
  const r = await train([
    ...QUICK,
    "--backbone",
    "resnet18_w4",
    "--methods",
    "zero-shot,quadratic",
    "--run-id",
    "bb",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = summary("bb-quadratic");
  assert.equal(s.status, "completed");
  assert.ok(s.adapter.adapterParams > 0 && s.params.trainable > s.adapter.adapterParams);
  const config = JSON.parse(Deno.readTextFileSync(join(runsDir, "bb-quadratic", "config.json")));
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
