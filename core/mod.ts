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
export * from "./registry.ts";
export * from "./backend_select.ts";
export * from "./plugin_loader.ts";
export * from "./kernel_method.ts";
export * from "./backprop.ts";
export * from "./config.ts";
export * from "./adapter_method.ts";
export * from "./quadratic_layer.ts";
export * from "./quadratic_dense.ts";
export * from "./quadratic_conv.ts";
export { alignedConv, type GridPlan, padToPlan, planGrid } from "./atrous.ts";
export * from "./adapt.ts";
export { cloneModel } from "./topology.ts";
export * from "./adapter_ops.ts";
export * from "./fingerprint.ts";
export * from "./atomic_write.ts";
export { loadModel, saveModel } from "./model_io.ts";
export * from "./adapter_io.ts";
export * from "./rng.ts";
export * from "./schedules.ts";
export * from "./optimizers.ts";
export * from "./param_groups.ts";
export * from "./evaluate.ts";
export * from "./flops.ts";
export * from "./checkpoint.ts";
export * from "./run_record.ts";
export * from "./progress.ts";
export * from "./train_loop.ts";
export * from "./run_training.ts";
export * from "./task.ts";
