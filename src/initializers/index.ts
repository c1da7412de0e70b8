/**
 * Haiku's initializers (`hk.initializers`): factory functions, spelled like Haiku's classes and
 * called without `new`, each returning an {@link Initializer} `(shape, dtype) => tf.Tensor`.
 * The random ones draw their key with `hk.nextRngKey()` and sample with JAX's algorithms, so the
 * same key gives Haiku's numbers.
 *
 * @module
 * @category Initializers
 */
export type { Initializer } from "../core/index.js";
export { Constant } from "./constant.js";
export { RandomNormal, RandomUniform, TruncatedNormal } from "./random.js";
export { UniformScaling, VarianceScaling, computeFans } from "./variance_scaling.js";
export type { FanMode, VarianceScalingDistribution, VarianceScalingOptions } from "./variance_scaling.js";
export { Orthogonal } from "./orthogonal.js";
export { Identity } from "./identity.js";
