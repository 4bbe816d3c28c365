/**
 * Test helpers shared by the core's and the plugins' tests (not part of the
 * runtime API): small models shaped like real ones, seeded weights, tensor
 * comparisons and a tiny learnable task.
 *
 * @example
 * ```ts
 * import { maxAbsDiff, randomizeWeights, sequentialCnn } from "@quadranet/core/testing";
 * const model = randomizeWeights(sequentialCnn(), 1);
 * console.log(model.countParams(), typeof maxAbsDiff);
 * ```
 * @module
 */
export { assertClose, maxAbsDiff } from "./assert_close.ts";
export { mobileNetV2Shaped, randomizeWeights, resnetShaped, sequentialCnn } from "./models.ts";
export { tinyCnn, tinyData, tinyTrainOptions } from "./tiny_task.ts";
export {
  type AdaptedCnnStep,
  adaptedCnnStep,
  assertMatchesCpu,
  assertNear,
  assertStepMatchesCpu,
  availableForTests,
  type ForTests,
  maxAbs,
  readOn,
  seededTensor,
  type StepMatchOptions,
} from "./backend_parity.ts";
export { type BackgroundProcess, startInBackground, waitForExit } from "./orphan.ts";
export { quadraticTerms } from "./terms.ts";
export { batchNormHandCase, checkBatchNormHandCase } from "./batch_norm_case.ts";
