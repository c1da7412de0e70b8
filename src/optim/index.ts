/**
 * optax-style optimizers: `GradientTransformation`s (`init(params) -> state`,
 * `update(grads, state, params?) -> [updates, state]`), `applyUpdates`, schedules, and a
 * `trainStep` helper. Update rules follow optax's source exactly (bias correction, eps placement,
 * count increments); states are pytrees of tensors with step counts as plain numbers.
 *
 * @module
 */
export type { EmptyState, GradientTransformation, ScalarOrSchedule, Schedule } from "./types.js";
export { applyUpdates, chain, identity } from "./combine.js";
export type {
  AddDecayedWeightsState,
  AdamOptions,
  MaskedState,
  RmsOptions,
  ScaleByAdamState,
  ScaleByRmsState,
  ScaleByRssState,
  ScaleByScheduleState,
  ScaleByStddevState,
  TraceState,
} from "./transforms.js";
export {
  addDecayedWeights,
  masked,
  scale,
  scaleByAdam,
  scaleByLearningRate,
  scaleByRms,
  scaleByRss,
  scaleBySchedule,
  scaleByStddev,
  trace,
} from "./transforms.js";
export { clip, clipByGlobalNorm, globalNorm } from "./clipping.js";
export type { AdamWOptions, RmspropOptions } from "./alias.js";
export { adagrad, adam, adamw, momentum, rmsprop, sgd } from "./alias.js";
export type { ExponentialDecayOptions } from "./schedules.js";
export {
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
  polynomialSchedule,
  warmupCosineDecay,
} from "./schedules.js";
export type { TrainStepOptions, TrainStepResult } from "./train.js";
export { trainStep } from "./train.js";
