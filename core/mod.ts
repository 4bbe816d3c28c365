/**
 * QuadraNet-TS core: quadratic adaptation of pre-trained TensorFlow.js models.
 *
 * @example
 * ```ts
 * import { adapt, adapterSummary, formatAdapterSummary, saveAdapter, tf } from "@quadranet/core";
 * const base = await tf.loadLayersModel("file:///abs/path/model.json");
 * const adapted = adapt(base, { rank: 4, modulesToSave: ["predictions"] });
 * console.log(formatAdapterSummary(adapterSummary(adapted)));
 * await saveAdapter(adapted, "my_adapter");
 * ```
 * @module
 */
export { tf } from "./tf.ts";
export * from "./errors.ts";
export * from "./plugins/registry.ts";
export * from "./plugins/backend_select.ts";
export * from "./plugins/plugin_loader.ts";
export * from "./adapter/kernel_method.ts";
export * from "./adapter/backprop.ts";
export * from "./adapter/config.ts";
export * from "./adapter/adapter_method.ts";
export * from "./adapter/quadratic_layer.ts";
export * from "./adapter/quadratic_dense.ts";
export * from "./adapter/quadratic_conv.ts";
export { alignedConv, type GridPlan, padToPlan, planGrid } from "./adapter/atrous.ts";
export * from "./adapter/adapt.ts";
export { cloneModel } from "./adapter/topology.ts";
export * from "./adapter/adapter_ops.ts";
export * from "./io/fingerprint.ts";
export * from "./io/atomic_write.ts";
export { loadModel, saveModel } from "./io/model_io.ts";
export * from "./io/adapter_io.ts";
export * from "./train/rng.ts";
export * from "./train/schedules.ts";
export * from "./train/optimizers.ts";
export * from "./train/param_groups.ts";
export * from "./train/evaluate.ts";
export * from "./adapter/flops.ts";
export * from "./train/checkpoint.ts";
export * from "./records/run_record.ts";
export * from "./train/progress.ts";
export * from "./train/train_loop.ts";
export * from "./train/run_training.ts";
export * from "./plugins/task.ts";
