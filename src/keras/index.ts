/**
 * The Keras side of haiku-tfjs: `JaxLayer`, a `@tensorflow/tfjs-layers` Layer that runs a
 * Haiku transform (or any pure function of `params`, `state`, `rng`, `inputs`, `training`), as
 * Keras 3's `keras.layers.JaxLayer` does for JAX.
 *
 * @module haiku-tfjs/keras
 */
import "../runtime/index.js";
import "../runtime/training.js";
import { installFitLoopCleanup } from "./fit_cleanup.js";
import { registerFileRouter } from "./file_io.js";
import { registerVerboseProgress } from "./progress.js";

export { JaxLayer } from "./jax_layer.js";
export type { JaxFunction, JaxLayerArgs, Kwargs, LayerArgs } from "./jax_layer.js";
export type { AnyFn } from "./registry.js";
export { registerJaxFunction, getRegisteredJaxFunction, getRegisteredJaxFunctionName } from "./registry.js";
export { setRandomSeed } from "./seed.js";
export { OptaxOptimizer } from "./optax_optimizer.js";
export type { NamedTensor } from "./optax_optimizer.js";
export { withArgNames } from "../core/arg_names.js";
export { fileSystem } from "./file_io.js";
export { ProgressLogger } from "./progress.js";
export type { FitLogs, ProgressLoggerOptions } from "./progress.js";

installFitLoopCleanup();
registerFileRouter();
registerVerboseProgress();
