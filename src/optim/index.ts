/**
 * optax-style optimizers: `GradientTransformation`s (`init(params) -> state`,
 * `update(grads, state, params?) -> [updates, state]`), `applyUpdates`, schedules, and a
 * `trainStep` helper. Update rules follow optax's source exactly (bias correction, eps placement,
 * count increments); states are pytrees of tensors with step counts as plain numbers.
 *
 * @module
 * @category Training
 */
export type { EmptyState, GradientTransformation, ScalarOrSchedule, Schedule } from "./types.js";
export { applyUpdates, chain, identity } from "./combine.js";
export type { AnyTransformation, ChainState } from "./combine.js";
export type { ScaleByScheduleState } from "./scale.js";
export { scale, scaleByLearningRate, scaleBySchedule } from "./scale.js";
export type { TraceState } from "./accumulation.js";
export { trace } from "./accumulation.js";
export type { AdamOptions, ScaleByAdamState } from "./adam.js";
export { scaleByAdam } from "./adam.js";
export type { RmsOptions, ScaleByRmsState, ScaleByRssState, ScaleByStddevState } from "./rms.js";
export { scaleByRms, scaleByRss, scaleByStddev } from "./rms.js";
export type { AddDecayedWeightsState, Mask, MaskedState, MaskTree } from "./masking.js";
export { addDecayedWeights, masked } from "./masking.js";
export { clip, clipByGlobalNorm, globalNorm } from "./clipping.js";
export type { AdamWOptions, RmspropOptions } from "./alias.js";
export { adagrad, adam, adamw, momentum, rmsprop, sgd } from "./alias.js";
export type {
  ExponentialDecayOptions,
  OnecycleOptions,
  SgdrCycle,
  WarmupExponentialDecayOptions,
} from "./schedules.js";
export {
  constantSchedule,
  cosineDecay,
  cosineOnecycleSchedule,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
  piecewiseConstantSchedule,
  piecewiseInterpolateSchedule,
  polynomialSchedule,
  sgdrSchedule,
  warmupCosineDecay,
  warmupExponentialDecaySchedule,
} from "./schedules.js";
export * as losses from "./losses.js";
export type { TrainStepOptions, TrainStepResult } from "./train.js";
export { trainStep } from "./train.js";
export type { ProgressBarOptions, ProgressStream } from "./progress.js";
export { ProgressBar } from "./progress.js";
export type { LionAliasOptions, LionOptions, ScaleByLionState } from "./lion.js";
export { lion, scaleByLion } from "./lion.js";
export type { AdamaxOptions } from "./adamax.js";
export { adamax, scaleByAdamax } from "./adamax.js";
export type { RadamOptions } from "./radam.js";
export { radam, scaleByRadam } from "./radam.js";
export type { BeliefOptions, ScaleByBeliefState } from "./belief.js";
export { adabelief, scaleByBelief } from "./belief.js";
export type { YogiOptions } from "./yogi.js";
export { scaleByYogi, yogi } from "./yogi.js";
export type { NovogradOptions, ScaleByNovogradState } from "./novograd.js";
export { novograd, scaleByNovograd } from "./novograd.js";
export type { LambOptions, LarsOptions, TrustRatioOptions } from "./trust_ratio.js";
export { lamb, lars, scaleByTrustRatio } from "./trust_ratio.js";
export type { AdafactorOptions, EmaState, FactoredRmsOptions, FactoredState } from "./adafactor.js";
export { adafactor, clipByBlockRms, ema, scaleByFactoredRms, scaleByParamBlockRms } from "./adafactor.js";
export type { MultiStepsState } from "./multi_steps.js";
export { MultiSteps } from "./multi_steps.js";
export type { InjectHyperparamsOptions, InjectHyperparamsState } from "./inject.js";
export { injectHyperparams } from "./inject.js";
export type { ApplyIfFiniteState, ZeroNansState } from "./conditionality.js";
export { applyIfFinite, zeroNans } from "./conditionality.js";
export type { LookaheadOptions, LookaheadParams, LookaheadState } from "./lookahead.js";
export { lookahead, lookaheadParams } from "./lookahead.js";
export type { ScaleBySm3State } from "./sm3.js";
export { scaleBySm3, sm3 } from "./sm3.js";
