/**
 * Haiku's ready-made networks (`hk.nets`).
 *
 * @module
 */
export { MLP } from "./mlp.js";
export type { MLPCallOptions, MLPOptions } from "./mlp.js";
