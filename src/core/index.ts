export { ARG_NAMES, argNames, withArgNames } from "./arg_names.js";
export type { NamedArgsFunction } from "./arg_names.js";
