/**
 * Writes the fixture run records the web tests read (`web/testdata/runs/`):
 * a completed comparison with two arms, a run in progress, a truncated
 * summary, a folder without a summary and a metrics file with a torn line.
 * The numbers are hand-picked so tests can assert exactly what pages show.
 *
 *     deno run --allow-write web/testdata/make_fixtures.ts
 *
 * @module
 */
const root = new URL("./runs/", import.meta.url).pathname;
await Deno.remove(root, { recursive: true }).catch(() => {});

async function write(id: string, files: Record<string, string>) {
  await Deno.mkdir(`${root}${id}/checkpoints`, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${root}${id}/${name}`, text);
  }
}
const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
const head = (task: string, method: string, status: string, updatedAt: string) => ({
  task,
  method,
  backend: "blas",
  status,
  startedAt: "2026-11-20T10:00:00.000Z",
  updatedAt,
  versions: { deno: "2.5.6", tfjs: "4.22.0" },
  machine: { cores: 2 },
});

const rows = [
  {
    method: "zero-shot",
    runId: "cmp-a-zero-shot",
    top1: 0.25,
    top5: 0.8,
    trainableParams: 0,
    computeSeconds: 0,
    wallSeconds: 0,
    trainingFlops: 0,
    relativeCompute: 0,
    savingsPercent: 100,
  },
  {
    method: "quadratic",
    runId: "cmp-a-quadratic",
    top1: 0.9125,
    top5: 0.99,
    trainableParams: 12345,
    computeSeconds: 40,
    wallSeconds: 25,
    trainingFlops: 2.5e12,
    relativeCompute: 0.25,
    savingsPercent: 75,
  },
  {
    method: "quadratic-scratch",
    runId: "cmp-a-quadratic-scratch",
    top1: 0.8,
    top5: 0.97,
    trainableParams: 30000,
    computeSeconds: 160,
    wallSeconds: 90,
    trainingFlops: 9e12,
    relativeCompute: 1,
    savingsPercent: 0,
  },
];
await write("cmp-a", {
  "summary.json": json({
    runId: "cmp-a",
    ...head("digits-shift", "comparison", "completed", "2026-11-20T11:00:00.000Z"),
    shift: "solarize",
    rows,
  }),
  "config.json": json({ kind: "comparison", shift: "solarize", seed: 1 }),
  "metrics.jsonl": "",
  "report.md": "# digits-shift comparison cmp-a\n",
});
for (const r of rows) {
  const metrics = r.method === "zero-shot" ? [{ step: 0, eval: true, top1: r.top1 }] : [
    { step: 10, loss: 2.0, lr: 0.003 },
    { step: 20, loss: 1.25, lr: 0.003 },
    { step: 25, eval: true, top1: r.top1 - 0.1, top5: 0.9, evalLoss: 1.1 },
    { step: 30, loss: 0.5, lr: 0.001 },
    { step: 50, eval: true, top1: r.top1, top5: r.top5, evalLoss: 0.4 },
  ];
  await write(r.runId, {
    "summary.json": json({
      runId: r.runId,
      ...head("digits-shift", r.method, "completed", "2026-11-20T10:30:00.000Z"),
      final: { top1: r.top1, top5: r.top5, loss: 0.4 },
      best: { top1: r.top1, top5: r.top5, loss: 0.4 },
      params: { trainable: r.trainableParams, total: 50000 },
      compute: {
        wallSeconds: r.wallSeconds,
        cpuSeconds: r.computeSeconds,
        trainingFlops: r.trainingFlops,
      },
      comparisonId: "cmp-a",
      ...(r.method === "quadratic"
        ? { adapter: { adapterParams: 4321, extraFlopsPerExample: 2.5e9 } }
        : {}),
    }),
    "config.json": json({ method: r.method, rank: 4, comparisonId: "cmp-a" }),
    "metrics.jsonl": metrics.map((m) => JSON.stringify(m)).join("\n") + "\n",
  });
}
await write("live-run", {
  "summary.json": json({
    runId: "live-run",
    ...head("digits-shift", "lora", "running", "2026-11-21T09:00:00.000Z"),
  }),
  "config.json": json({ method: "lora" }),
  "metrics.jsonl": '{"step":10,"loss":1.5}\n{"step":20,"lo',
});
await write("torn-summary", {
  "summary.json": '{"runId":"torn-summary","task":"digits-shift","status":"comp',
  "metrics.jsonl": "",
});
await write("no-summary", { "config.json": json({ method: "linear" }) });

// A detection comparison (tasks/coco): box AP rows, -1 where pycocotools gives -1, and an arm
// with a preview.svg.
const detRows = [
  {
    method: "frozen",
    runId: "det-a-frozen",
    AP: 0.1234,
    AP50: 0.3,
    AP75: 0.05,
    APs: 0.1,
    APm: 0.2,
    APl: -1,
  },
  {
    method: "quadratic",
    runId: "det-a-quadratic",
    AP: 0.4567,
    AP50: 0.8,
    AP75: 0.5,
    APs: 0.4,
    APm: 0.55,
    APl: -1,
  },
].map((r, i) => ({
  ...r,
  AR100: 0.5,
  trainableParams: [5000, 40000][i],
  computeSeconds: [10, 30][i],
  wallSeconds: [12, 33][i],
  trainingFlops: [1e10, 5e10][i],
  relativeCompute: [0.5, 1.5][i],
}));
await write("det-a", {
  "summary.json": json({
    runId: "det-a",
    ...head("coco", "comparison", "completed", "2026-11-20T12:00:00.000Z"),
    metric: "AP",
    rows: detRows,
  }),
  "config.json": json({ kind: "comparison", head: "centernet" }),
  "metrics.jsonl": "",
  "report.md": "# Detection comparison det-a\n",
});
for (const r of detRows) {
  const { AP, AP50, AP75, APs, APm, APl } = r;
  await write(r.runId, {
    "summary.json": json({
      runId: r.runId,
      ...head("coco", r.method, "completed", "2026-11-20T11:30:00.000Z"),
      final: { AP, AP50, AP75, APs, APm, APl },
      params: { trainable: r.trainableParams, total: 200000 },
      compute: {
        wallSeconds: r.wallSeconds,
        cpuSeconds: r.computeSeconds,
        trainingFlops: r.trainingFlops,
      },
      comparisonId: "det-a",
    }),
    "config.json": json({ method: r.method, comparisonId: "det-a" }),
    // JSONL: a training line, then the epoch's evaluation (box AP as tasks/coco logs it).
    "metrics.jsonl": [
      { step: 10, loss: 2.5, lr: 0.002 },
      { step: 12, epoch: 1, eval: true, AP, AP50, AP75, APs, APm, APl, AR100: 0.5, trainLoss: 2.4 },
    ].map((l) => JSON.stringify(l)).join("\n") + "\n",
    ...(r.method === "quadratic"
      ? {
        "preview.svg":
          '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect x="4" y="4" width="20" height="20" fill="none" stroke="#2ecc71"/></svg>\n',
      }
      : {}),
  });
}
// A comparison recorded under the protocol (tasks/protocol/comparison.ts): two seeds, a target,
// one arm that never reached it, and one of its runs with the protocol's summary fields.
const ms = (mean: number, std: number) => ({ mean, std, n: 2 });
await write("up-p", {
  "summary.json": json({
    runId: "up-p",
    ...head("digits-upgrade", "comparison", "completed", "2026-11-20T12:00:00.000Z"),
    protocol: 1,
    pairedWith: "upgrade",
    seeds: [1, 2],
    target: {
      rule: { kind: "relative", fraction: 0.98, reference: "quadratic-scratch" },
      perSeed: [0.95, 0.94],
    },
    pretrain: { runId: "digits-pretrain-x", flops: 3e10, cpuSeconds: 30, top1: 0.95, on: "val" },
    rows: [
      {
        method: "first-order",
        runIds: ["up-p-first-order"],
        fromPretrained: true,
        trainableParams: 0,
        inferenceFlops: 2.9e6,
        inferenceOverhead: 0,
        test: ms(0.93, 0),
        paired: { ...ms(-0.03, 0.01), verdict: "lower" },
        toTarget: { reached: 0, n: 2 },
        budgetFlops: ms(0, 0),
        validation: ms(0.93, 0),
        budgetSeconds: ms(0, 0),
      },
      {
        method: "upgrade",
        lr: 0.01,
        runIds: ["up-p-upgrade-s1", "up-p-upgrade-s2"],
        fromPretrained: true,
        trainableParams: 1234,
        inferenceFlops: 5.8e6,
        inferenceOverhead: 1,
        test: ms(0.96, 0.01),
        paired: null,
        toTarget: {
          reached: 2,
          n: 2,
          flops: ms(2e9, 1e8),
          savingsFlops: ms(0.8, 0.05),
        },
        budgetFlops: ms(4e9, 0),
        validation: ms(0.955, 0.005),
        budgetSeconds: ms(20, 1),
      },
      {
        method: "quadratic-scratch",
        lr: 0.01,
        runIds: ["up-p-quadratic-scratch-s1"],
        fromPretrained: false,
        trainableParams: 12800,
        inferenceFlops: 5.8e6,
        inferenceOverhead: 1,
        test: ms(0.965, 0.005),
        paired: { ...ms(0.005, 0.01), verdict: "tie" },
        toTarget: { reached: 2, n: 2, flops: ms(1e10, 1e9), savingsFlops: ms(0, 0) },
        budgetFlops: ms(2e10, 0),
        validation: ms(0.96, 0.005),
        budgetSeconds: ms(90, 5),
      },
    ],
  }),
  "config.json": json({ kind: "comparison", seed: 1 }),
  "metrics.jsonl": "",
  "report.md": "# digits-upgrade comparison up-p\n",
});
await write("up-p-upgrade-s1", {
  "summary.json": json({
    runId: "up-p-upgrade-s1",
    ...head("digits-upgrade", "upgrade", "completed", "2026-11-20T11:30:00.000Z"),
    final: { top1: 0.2, top5: 0.9, loss: 0.3 },
    finalOn: "test",
    validation: { top1: 0.955, top5: 0.99, loss: 0.2 },
    params: { trainable: 1234, total: 9000 },
    compute: {
      wallSeconds: 12,
      cpuSeconds: 20,
      trainingFlops: 4e9,
      evalSeconds: 3,
      checkpointSeconds: 0.5,
    },
    comparisonId: "up-p",
  }),
  "config.json": json({ method: "upgrade", comparisonId: "up-p" }),
  "metrics.jsonl": [
    { step: 10, loss: 1.0, lr: 0.01 },
    { step: 13, eval: true, top1: 0.9, flops: 2e9, trainCpuSeconds: 10 },
    { step: 25, eval: true, top1: 0.955, flops: 4e9, trainCpuSeconds: 20 },
  ].map((m) => JSON.stringify(m)).join("\n") + "\n",
});
console.log(`fixtures written to ${root}`);
