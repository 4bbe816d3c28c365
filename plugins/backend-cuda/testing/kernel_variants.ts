/**
 * Test helper: every kernel variant the backend can generate, for the tests
 * that compile or emulate them all (elementwise_kernels_test.ts runs the
 * elementwise ones through the g++ emulation; toolkit_check_test.ts compiles
 * all with nvcc).
 *
 * @example
 * ```ts
 * import { ALL_KERNELS, ELEMENTWISE_KERNELS } from "./kernel_variants.ts";
 * console.log(ELEMENTWISE_KERNELS.length <= ALL_KERNELS.length);
 * ```
 * @module
 */
import { adamSource } from "../adam_kernel.ts";
import {
  batchNormBackwardInputSource,
  batchNormBackwardReduceSource,
  batchNormForwardSource,
  batchNormStatsSource,
} from "../batchnorm_kernels.ts";
import {
  BINARY_OPS,
  binarySource,
  gatherSource,
  padSource,
  quadProductBackwardSource,
  UNARY_OPS,
  unarySource,
} from "../elementwise_kernels.ts";
import type { KernelSource } from "../kernel_source.ts";
import { maxPoolGradSource, poolSource } from "../pool_kernels.ts";
import { REDUCE_OPS, reduceSource } from "../reduce_kernels.ts";

/** The tensor ranks the generated kernels are specialised for. */
export const RANKS = [1, 2, 3, 4];

/** Every elementwise, gather, pad and quadratic-product kernel variant. */
export const ELEMENTWISE_KERNELS: KernelSource[] = [
  ...Object.keys(UNARY_OPS).map(unarySource),
  ...Object.keys(BINARY_OPS).flatMap((op) => RANKS.map((r) => binarySource(op, r))),
  ...RANKS.map(gatherSource),
  ...RANKS.map(padSource),
  quadProductBackwardSource(),
];

/** Every kernel variant the backend can generate. */
export const ALL_KERNELS: KernelSource[] = [
  ...ELEMENTWISE_KERNELS,
  ...Object.keys(REDUCE_OPS).map(reduceSource),
  batchNormForwardSource(),
  batchNormStatsSource(),
  batchNormBackwardReduceSource(),
  batchNormBackwardInputSource(),
  poolSource("max"),
  poolSource("avg"),
  maxPoolGradSource(),
  adamSource(),
];
