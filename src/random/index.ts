/**
 * `hk.random`: JAX's threefry PRNG, bit for bit (`jax.random`), on the host.
 *
 * Keys are `Uint32Array(2)`; bits are made in typed arrays and uploaded once per sampler call.
 *
 * @module
 * @category Random numbers
 */
export { config, setThreefryPartitionable, withThreefryPartitionable } from "./config.js";
export { key, PRNGKey, isKey, assertKey, split, foldIn } from "./key.js";
export { bits, bitsValues } from "./bits.js";
export type { UniformOptions } from "./uniform.js";
export { uniform, uniformValues, bernoulli, bernoulliValues } from "./uniform.js";
export type { NormalOptions } from "./normal.js";
export { normal, normalValues, truncatedNormal, truncatedNormalValues } from "./normal.js";
