/**
 * haiku-tfjs: DeepMind Haiku's way of writing neural networks, on TensorFlow.js.
 *
 * Importing this module sets up the tfjs runtime (gradients, the wasm backend and its kernel
 * fixes); `await hk.ready()` before the first computation.
 *
 * @module haiku-tfjs
 */
export { ready } from "./runtime/index.js";
export {
  BackendError,
  CheckpointError,
  HaikuError,
  InvalidArgumentError,
  ParameterError,
  ShapeError,
  TransformError,
} from "./util/errors.js";
export type { BackendName, ReadyInfo, ReadyOptions, WasmBinaryName, WasmInfo } from "./runtime/index.js";
export * from "./core/index.js";
export * from "./nn/index.js";
export * from "./grad/index.js";
export * as random from "./random/index.js";
export * as jax from "./jax.js";
export * as tree from "./tree/index.js";
export * as data from "./tree/data_structures.js";
export * as initializers from "./initializers/index.js";
export * as nets from "./nn/nets/index.js";
export * as experimental from "./experimental/index.js";
export * as optim from "./optim/index.js";
export * as io from "./io/index.js";
