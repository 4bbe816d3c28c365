/**
 * TensorFlow.js (`@tensorflow/tfjs` 4.22), the project's one instance:
 * tensors, ops, layers, optimizers and IO. Exposed as the namespace `tf` of
 * `@quadranet/core`.
 *
 * @module
 */
// The one whole-package re-export of the core: it is the `tf` namespace itself.
export * from "@tensorflow/tfjs";
