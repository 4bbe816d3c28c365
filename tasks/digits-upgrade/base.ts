/**
 * The first-order network of `digits-upgrade`: its own versioned training
 * config, independent of the arms' flags (`--lr`, `--schedule`,
 * `--scratch-epochs`, ...), long enough to converge. Its version, loop and
 * epochs are hashed into the cache key, so changing any of them trains (and
 * caches under `runs/`) a new network instead of reusing an old one.
 *
 * Version 2 (the first version trained `--scratch-epochs` epochs of the
 * digits-shift pre-training loop, lr 3e-3, and stopped at 82.6 % validation
 * at the default sizes): 20 epochs, AdamW at 1e-2 with cosine decay and two
 * validation checks per epoch, so its record's curve shows the plateau.
 *
 * @example
 * ```ts
 * import { baseEpochs, UPGRADE_BASE } from "./base.ts";
 * UPGRADE_BASE.version; // "upgrade-base-2"
 * baseEpochs({ quick: true }); // 1
 * ```
 * @module
 */
import { PRETRAIN_LOOP } from "../digits-shift/pretrain.ts";
import type { LoopSettings } from "../digits-shift/settings.ts";

/** The base network's config: version (in the cache key), loop, epochs per size preset. */
export const UPGRADE_BASE: {
  version: string;
  loop: LoopSettings;
  /** [default, --full, --quick] */
  epochs: [number, number, number];
} = {
  version: "upgrade-base-2",
  loop: {
    ...PRETRAIN_LOOP,
    lr: 1e-2,
    schedule: { kind: "cosine", warmupSteps: 20, minScale: 0.01 },
    checksPerEpoch: 2,
  },
  epochs: [20, 20, 1],
};

/** The base network's epochs for a resolved task config (`--full` / `--quick` pick the preset). */
export function baseEpochs(config: Record<string, unknown>): number {
  return UPGRADE_BASE.epochs[config.quick ? 2 : config.full ? 1 : 0];
}
