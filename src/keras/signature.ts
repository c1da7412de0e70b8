/**
 * Keras' `JaxLayer._validate_signature`: the argument names of `call_fn` / `init_fn` are read
 * (here with `argNames`, since JS has no `inspect.signature`), checked against an allowed set,
 * and returned in declaration order so arguments can be passed positionally.
 */
import { argNames } from "../core/arg_names.js";

/** Arguments `callFn` may declare, in the order Keras documents them.
 *
 * @category Keras
 */
export const CALL_FN_ARGS = ["params", "state", "rng", "inputs", "training"] as const;
/**
 * Arguments `initFn` may declare.
 *
 * @category Keras
 */
export const INIT_FN_ARGS = ["rng", "inputs", "training"] as const;

/**
 * One argument name `callFn` may declare.
 *
 * @category Keras
 */
export type CallArgName = (typeof CALL_FN_ARGS)[number];
/**
 * One argument name `initFn` may declare.
 *
 * @category Keras
 */
export type InitArgName = (typeof INIT_FN_ARGS)[number];

function describeFn(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  return `a ${typeof value}`;
}

/**
 * Reads and validates the argument names of `fn`, with Keras' messages and order of checks:
 * missing required arguments first, then unsupported ones. A rest parameter `...x` counts as
 * `x`, as Python's `*x` does.
 *
 * @param pyName - The Keras name used in messages (`call_fn`, `init_fn`).
 * @param tsName - Our option name (`callFn`, `initFn`), added to messages.
 *
 * @category Keras
 */
export function validateSignature<A extends string>(
  layerName: string,
  fn: unknown,
  pyName: string,
  tsName: string,
  allowed: readonly A[],
  required: readonly A[],
): A[] {
  if (typeof fn !== "function") {
    throw new Error(
      `JaxLayer '${layerName}': \`${tsName}\` (Keras \`${pyName}\`) must be a function, got ${describeFn(fn)}. ` +
        `Pass e.g. \`${tsName}: (params, inputs) => ...\` or a transform's \`.${tsName === "initFn" ? "init" : "apply"}\`.`,
    );
  }
  const names = argNames(fn as (...args: never[]) => unknown).map((n) => (n.startsWith("...") ? n.slice(3) : n));
  const declared = `(${names.join(", ")})`;
  const hidden =
    names.length === 0 && (fn as (...a: unknown[]) => unknown).length > 0
      ? " Its parameter names cannot be read (a bound or native function?): wrap it in a plain function " +
        "whose parameters carry the names, or annotate it with `withArgNames(fn, names)`."
      : "";
  for (const r of required) {
    if (!names.includes(r)) {
      throw new Error(
        `Missing required argument in \`${pyName}\`: \`${r}\` (JaxLayer '${layerName}': \`${tsName}\` declares ${declared}). ` +
          `Name the parameter that receives the layer's inputs \`${r}\`.${hidden}`,
      );
    }
  }
  for (const n of names) {
    if (!(allowed as readonly string[]).includes(n)) {
      throw new Error(
        `Unsupported argument in \`${pyName}\`: \`${n}\`, supported arguments are \`${allowed.join("`, `")}\` ` +
          `(JaxLayer '${layerName}': \`${tsName}\` declares ${declared}). Rename or remove \`${n}\`; ` +
          `to adapt another signature, wrap the function, e.g. (params, rng, inputs, training) => f(params, ...).`,
      );
    }
  }
  return names as A[];
}
