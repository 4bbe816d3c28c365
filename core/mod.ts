/**
 * QuadraNet-TS core: quadratic adaptation of pre-trained TensorFlow.js models.
 *
 * The public API, by folder:
 * - `adapter/`: {@link adapt}, the adapter methods and layers, the adapter operations
 *   (summary, enable/disable, unload, merge);
 * - `train/`: the training loop, optimizers, schedules, checkpoints, evaluation, recorded runs;
 * - `records/`: typed run records (also importable alone as `@quadranet/core/records`);
 * - `io/`: model and adapter files, atomic writes;
 * - `plugins/`: the typed registry, the plugin interfaces, backend selection, plugin loading.
 *
 * Importing this module does no work besides defining things (the shared tfjs
 * engine starts on its `cpu` backend, synchronously).
 *
 * @example
 * ```ts ignore
 * import { adapt, adapterSummary, formatAdapterSummary, saveAdapter, tf } from "@quadranet/core";
 * const base = await tf.loadLayersModel("file:///abs/path/model.json");
 * const adapted = adapt(base, { rank: 4, modulesToSave: ["predictions"] });
 * console.log(formatAdapterSummary(adapterSummary(adapted)));
 * await saveAdapter(adapted, "my_adapter");
 * ```
 * @module
 */
export { tf } from "./tf.ts";
export {
  BackendUnavailableError,
  BaseMismatchError,
  CheckpointError,
  ConfigError,
  DuplicatePluginError,
  MergeUnsupportedError,
  NonFiniteLossError,
  PluginLoadError,
  QuadraNetError,
  RecordError,
  TargetError,
  UnknownPluginError,
  UnsupportedLayerError,
} from "./errors.ts";

// adapter/
export {
  adapt,
  adapterLayers,
  type AdapterMetadata,
  adapterMetadata,
  describeNested,
  nestedAdaptable,
  type NestedLayers,
} from "./adapter/adapt.ts";
export type { AdaptConfig, LayerSelector, ResolvedAdaptConfig } from "./adapter/config.ts";
export { configFromJson, configToJson, resolveAdaptConfig } from "./adapter/config.ts";
export {
  type AdapterDelta,
  type AdapterLayer,
  type AdapterMethod,
  isAdapterLayer,
} from "./adapter/adapter_method.ts";
export {
  AdaptedLayer,
  type AdaptedLayerArgs,
  type BaseLayerSpec,
  kaimingBound,
  type LayerArgs,
  type LayerForm,
  registerAdaptedLayer,
  type Shape,
} from "./adapter/adapted_layer.ts";
export { quadraticMethod, QuadraticTerm } from "./adapter/quadratic_layer.ts";
export { ConvProjection, denseLastAxis, depthwiseOutProject } from "./adapter/projections.ts";
export {
  ADAPTER_OPTION_NAMES,
  ADAPTER_OPTIONS,
  type AdapterFlagName,
  type AdapterFlagType,
  type AdapterOptionName,
  type AdapterOptionSpec,
  adapterTaskOption,
  COMMON_OPTIONS,
} from "./adapter/options.ts";
export {
  type AdaptedLayerSummary,
  type AdapterSummary,
  adapterSummary,
  disableAdapters,
  enableAdapters,
  formatAdapterSummary,
  merge,
  unload,
} from "./adapter/adapter_ops.ts";
export {
  type KernelContext,
  type KernelMethod,
  type KernelOptions,
  type KernelWeightSpec,
  quadraticKernel,
} from "./adapter/kernel_method.ts";
export { autodiff, type BackpropStrategy } from "./adapter/backprop.ts";
export {
  alignedConv,
  type AxisPlan,
  type ConvKind,
  type GridPlan,
  padToPlan,
  phasePadding,
  planEdges,
  planGrid,
  type PrimaryGeometry,
  unpadFromPlan,
} from "./adapter/atrous.ts";
export { type ConvGeometry, convGeometry, quadGeometry } from "./adapter/conv_geometry.ts";
export { forwardFlops, trainingFlops } from "./adapter/flops.ts";
export { cloneModel } from "./adapter/topology.ts";

// io/
export {
  writeFaults,
  writeFileAtomic,
  writeJsonAtomic,
  type WriteStage,
} from "./io/atomic_write.ts";
export { type FieldChecks, PLAIN_NAME, readJsonFile, shapeOf } from "./io/json_shape.ts";
export {
  acquireLock,
  LockedError,
  type LockHolder,
  type LockOptions,
  withReadLock,
} from "./io/lock_file.ts";
export { parseManifestGroups, readWeights } from "./io/weights_file.ts";
export { loadModel, saveModel } from "./io/model_io.ts";
export {
  ADAPTER_FORMAT,
  type AdapterFile,
  loadAdapter,
  readAdapterFile,
  saveAdapter,
} from "./io/adapter_io.ts";
export { weightsFingerprint } from "./io/fingerprint.ts";

// records/
// the whole records API (readers, writers, parsers) is `@quadranet/core/records`
export {
  type BoxAp,
  checkRunId,
  type ComparisonRow,
  type Compute,
  type DetectionRow,
  type MetricsLine,
  readSummary,
  type RunConfig,
  runExists,
  type RunPaths,
  runPaths,
  runStamp,
  type RunStatus,
  type RunSummary,
  type SunkCost,
  withSavings,
  writeReport,
} from "./records/mod.ts";
export { RunRecord } from "./records/run_record.ts";
export { machine, versions } from "./records/environment.ts";

// train/
export { Rng } from "./train/rng.ts";
export {
  checkSchedule,
  cooldownSteps,
  learningRate,
  type Schedule,
  SCHEDULE_KINDS,
} from "./train/schedules.ts";
export {
  stageTrainingFlops,
  type TrainingFlops,
  trainingFlopsPerExample,
} from "./train/training_flops.ts";
export {
  type ClockReading,
  ComputeClock,
  type ComputeKind,
  readClock,
} from "./train/compute_clock.ts";
export { LOOP_OPTIONS, type LoopOptionName, loopTaskOption } from "./train/loop_options.ts";
export {
  Optimizer,
  OPTIMIZER_KINDS,
  type OptimizerConfig,
  type Param,
} from "./train/optimizers.ts";
export {
  checkGroups,
  defaultHead,
  type GroupedParam,
  PARAM_GROUPS,
  type ParamGroup,
  paramGroups,
} from "./train/param_groups.ts";
export {
  crossEntropy,
  type Dataset,
  type EvalMetrics,
  evaluate,
  topKCounts,
} from "./train/evaluate.ts";
export {
  type CheckpointData,
  latestCheckpoint,
  loadCheckpoint,
  type LoopPosition,
  type LoopState,
  readLatest,
  saveCheckpoint,
} from "./train/checkpoint.ts";
export {
  CHECKPOINT_NAME,
  findLatestCheckpoint,
  type Manifest,
  type ManifestStateV1,
  type ManifestStateV2,
  parseLatest,
  parseManifest,
  type TensorEntry,
} from "./train/checkpoint_file.ts";
export {
  checkHealthy,
  countNonFinite,
  DIVERGED_ADVICE,
  type HealthReport,
  modelHealth,
  UnhealthyModelError,
} from "./train/model_health.ts";
export { Progress, type ProgressInfo } from "./train/progress.ts";
export {
  type BatchStream,
  extraMetrics,
  isBatchStream,
  type LoopHooks,
  type Stage,
  trainLoop,
  type TrainOptions,
  type TrainResult,
} from "./train/train_loop.ts";
export {
  cpuSeconds,
  paramCounts,
  runTraining,
  type RunTrainingOptions,
} from "./train/run_training.ts";

// plugins/
export {
  PLUGIN_KINDS,
  type PluginKind,
  type PluginKinds,
  type PluginSet,
} from "./plugins/kinds.ts";
export { Registry } from "./plugins/registry.ts";
export {
  defaultRegistry,
  isRegistered,
  lookup,
  register,
  registered,
  unregister,
} from "./plugins/default_registry.ts";
export { loadPlugins } from "./plugins/plugin_loader.ts";
export {
  type BackendPlugin,
  cpuBackendPlugin,
  selectBackend,
  type SelectedBackend,
} from "./plugins/backend_select.ts";
export {
  checkTaskConfig,
  coerceOption,
  type ConfigOf,
  kebab,
  type OptionValue,
  type TaskContext,
  type TaskDefinition,
  type TaskOption,
  taskOptions,
  type TaskOptionType,
  type TaskResult,
  type ValueOfOption,
} from "./plugins/task.ts";
export type { BackboneBuildOptions, BackbonePlugin, PretrainedConfig } from "./plugins/backbone.ts";
export type {
  ClassHierarchy,
  DatasetOpenOptions,
  DatasetPlugin,
  DataSource,
  ImageRecord,
} from "./plugins/dataset.ts";
export type {
  DecodeOptions,
  DetectionHead,
  Detections,
  DetectionTarget,
  HeadCreateOptions,
  HeadPlugin,
} from "./plugins/head.ts";
export type { ImageShape, ShiftPlugin } from "./plugins/shift.ts";

// fused/: fused ops (one kernel where the backend has it, tfjs composites elsewhere)
export {
  FUSED,
  FUSED_ENV,
  fusedKernelAvailable,
  fusedOpsEnabled,
  recordingGradients,
  runFused,
  setFusedOps,
} from "./fused/fused_ops.ts";
export {
  type AdamEntry,
  type AdamSettings,
  adamUpdate,
  type SgdEntry,
  type SgdSettings,
  sgdUpdate,
  sumOfSquares,
} from "./fused/optimizer_update.ts";
export {
  batchNormInference,
  type BatchNormSettings,
  batchNormTraining,
  type BatchNormTrainingResult,
} from "./fused/batch_norm.ts";
export { softmaxCrossEntropy } from "./fused/softmax_xent.ts";
export { fusedQuadraticTerm, quadEpilogue, quadResidual } from "./fused/quad_epilogue.ts";
export { adaptedConv2d, type AdaptedConvSettings } from "./fused/adapted_conv.ts";
export {
  adaptedDepthwiseConv2d,
  type AdaptedDepthwiseSettings,
} from "./fused/adapted_depthwise.ts";
export { fusedAdaptedOutput } from "./fused/adapted_forward.ts";
// The one place that changes tfjs (gradients, ReLU grad, BatchNormalization.call), only when called:
export { fusedOpsInstalled, installFusedOps } from "./fused/install.ts";
