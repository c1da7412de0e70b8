/**
 * Gradients of functions of pytrees (JAX's `grad` / `value_and_grad`).
 *
 * @module
 */
export { grad, valueAndGrad } from "./value_and_grad.js";
export type { GradOptions, Grads, GradsFor } from "./value_and_grad.js";
