/**
 * Calls digits-shift's cached pre-training on tiny random data (width 2,
 * 48 images of 28×28, one epoch) and prints `{ fingerprint, logs }`: the
 * tests run several at once, or after damaging the cache.
 *
 *     deno run -A tests/fault/pretrain_child.ts RUNS_DIR
 *
 * @module
 */
import { Progress, Rng, tf, weightsFingerprint } from "@quadranet/core";
import { architecture } from "../../tasks/digits-shift/model.ts";
import { pretrained } from "../../tasks/digits-shift/pretrain.ts";

const [runsDir] = Deno.args;
const rng = new Rng(4);
const images = (n: number) => {
  const x = new Float32Array(n * 784).map(() => rng.next());
  return { x: tf.tensor4d(x, [n, 28, 28, 1]), y: Int32Array.from({ length: n }, (_, i) => i % 10) };
};
const logs: string[] = [];
const { model, summary } = await pretrained(
  {
    runsDir,
    backend: "cpu",
    progress: new Progress({ quiet: true }),
    signal: { interrupted: false },
    log: (l) => logs.push(l),
  },
  {
    arch: "fault-test@1",
    seed: 3,
    width: 2,
    pretrainSize: 48,
    pretrainEpochs: 1,
    loop: {
      batchSize: 16,
      lr: 0.01,
      optimizer: { kind: "adamw", weightDecay: 0 },
      schedule: { kind: "constant", warmupSteps: 0 },
      labelSmoothing: 0,
      clipNorm: 0,
      checkpointEvery: 0,
      logEvery: 1,
      checksPerEpoch: 1,
    },
    data: "random",
  },
  { train: images(48), eval: images(16) },
  architecture("digits_cnn", 2),
);
console.log(JSON.stringify({
  fingerprint: model && weightsFingerprint(model.layers),
  status: summary.status,
  runId: summary.runId,
  logs,
}));
