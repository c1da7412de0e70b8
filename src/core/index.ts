/**
 * The core of haiku-tfjs: transforms, modules, parameters, state, random keys and interceptors,
 * with Haiku's semantics.
 *
 * @category Modules and parameters
 */
export { ARG_NAMES, argNames, withArgNames } from "./arg_names.js";
export type { NamedArgsFunction } from "./arg_names.js";
export type { Initializer, Params, State, RngInput } from "./types.js";
export { MissingRNGError, NonEmptyStateError } from "./errors.js";
export { HaikuError, InvalidArgumentError, ParameterError, ShapeError, TransformError } from "../util/errors.js";
export { Module, module, moduleDefaultName } from "./module.js";
export type { DefaultNameSource, ModuleDefaultName } from "./module.js";
export { transparent, nameLike } from "./method_marks.js";
export { camelToSnake, forceName } from "./naming.js";
export { DO_NOT_STORE } from "./do_not_store.js";
export { nameScope, currentName } from "./name_scope.js";
export type { NameScopeOptions } from "./name_scope.js";
export { toModule } from "./to_module.js";
export type { FunctionModule } from "./to_module.js";
export { getParameter, getParams } from "./params.js";
export type { GetParameterOptions } from "./params.js";
export { getState, setState, getInitialState, getCurrentState } from "./state.js";
export type { GetStateOptions } from "./state.js";
export {
  PRNGSequence,
  nextRngKey,
  nextRngKeys,
  maybeNextRngKey,
  reserveRngKeys,
  withRng,
  maybeGetRngSequenceState,
  replaceRngSequenceState,
} from "./rng.js";
export type { PRNGSequenceState } from "./rng.js";
export { customCreator, customGetter, customSetter, interceptMethods } from "./interceptors.js";
export type {
  Creator,
  NextCreator,
  Getter,
  Setter,
  GetterContext,
  SetterContext,
  MethodContext,
  MethodInterceptor,
  InterceptorScope,
} from "./interceptors.js";
export { transform, transformWithState, runningInit, ORIGINAL_FN } from "./transform.js";
export { withoutApplyRng, withoutState, withEmptyState } from "./wrappers.js";
export type {
  Transformed,
  TransformedWithoutApplyRng,
  TransformedWithState,
  TransformedWithStateWithoutApplyRng,
} from "./transform.js";
export { multiTransform, multiTransformWithState } from "./multi_transform.js";
export type {
  MultiTransformed,
  MultiTransformedWithState,
  MultiTransformedWithoutApplyRng,
  MultiTransformedWithStateWithoutApplyRng,
  MultiApply,
  MultiTransformFactory,
} from "./multi_transform.js";
export {
  lift,
  liftWithState,
  transparentLift,
  transparentLiftWithState,
  LiftedModule,
  LiftWithStateUpdater,
} from "./lift.js";
export type { LiftOptions, TransparentLiftOptions, LiftableInit, LiftedModuleOptions } from "./lift.js";
export { layerStack } from "./layer_stack.js";
export type { LayerStackOptions, LayerStackWrapper } from "./layer_stack.js";
export { scan, map } from "./stateful/scan.js";
export type { ScanOptions } from "./stateful/scan.js";
export { cond, switch_ as switch, foriLoop, whileLoop } from "./stateful/control_flow.js";
export { vmap } from "./stateful/vmap.js";
export type { VmapOptions, Axes } from "./stateful/vmap.js";
export { remat } from "./stateful/remat.js";
