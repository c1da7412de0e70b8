/**
 * `hk.experimental`: module summaries (`evalSummary`, `tabulate`) and, as in Haiku, the same
 * objects as `hk.*` for `nameScope`, `currentName`, `customCreator`, `customGetter`,
 * `interceptMethods`, `getParams`, `getInitialState`, `getCurrentState` and the rng-sequence state.
 *
 * @module
 * @category Layers
 */
export { evalSummary, tabulate } from "./summarise.js";
export type { MethodInvocation, ModuleDetails, TabulateColumn, TabulateFilter, TabulateOptions } from "./summarise.js";
export { ArraySpec, formatArray, simpleDtype } from "./array_spec.js";
export { CONSTRUCTOR_ARGS, formatValue, moduleRepr } from "./auto_repr.js";
export type { Align, TableFormat } from "./table.js";
export {
  currentName,
  customCreator,
  customGetter,
  getCurrentState,
  getInitialState,
  getParams,
  interceptMethods,
  maybeGetRngSequenceState,
  nameScope,
  replaceRngSequenceState,
} from "../core/index.js";
export type { GetterContext, MethodContext, GetterContext as ParamContext } from "../core/index.js";
