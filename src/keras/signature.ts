/**
 * Keras' `JaxLayer._validate_signature`: the argument names of `call_fn` / `init_fn` are read
 * (here with `argNames`, since JS has no `inspect.signature`), checked against an allowed set,
 * and returned in declaration order so arguments can be passed positionally.
 */
import { argNames } from "../core/arg_names.js";
import { InvalidArgumentError } from "../util/errors.js";

/** Arguments `callFn` may declare, in the order Keras documents them.
 */
export const CALL_FN_ARGS = ["params", "state", "rng", "inputs", "training"] as const;
/**
 * Arguments `initFn` may declare.
 */
export const INIT_FN_ARGS = ["rng", "inputs", "training"] as const;

/**
 * One argument name `callFn` may declare.
 */
export type CallArgName = (typeof CALL_FN_ARGS)[number];
/**
 * One argument name `initFn` may declare.
 */
export type InitArgName = (typeof INIT_FN_ARGS)[number];

function describeFn(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  return `a ${typeof value}`;
}

/**
 * The allowed argument `name` stands for: itself, or, when a bundler renamed it to avoid
 * shadowing an outer variable of the same name, the allowed name it was made from. esbuild (and
 * so tsx) appends digits (`params` -> `params2`); Rollup and Rolldown append `$` and digits to
 * the identifiers they rename (`params$1`). `null` when `name` is neither: with the call
 * function's names, `params2` -> `params`, `inputs$1` -> `inputs`, `x` -> `null`.
 */
export function canonicalArgName<A extends string>(name: string, allowed: readonly A[]): A | null {
  for (const a of allowed) {
    if (name === a) return a;
    if (name.startsWith(a) && /^\$?[0-9]+$/.test(name.slice(a.length))) return a;
  }
  return null;
}

/**
 * Reads and validates the argument names of `fn`, with Keras' messages and order of checks:
 * missing required arguments first, then unsupported ones. A rest parameter `...x` counts as
 * `x`, as Python's `*x` does, and a name a bundler renamed counts as the name it was made from
 * ({@link canonicalArgName}). Returns the allowed names, in declared order.
 *
 * @param pyName - The Keras name used in messages (`call_fn`, `init_fn`).
 * @param tsName - Our option name (`callFn`, `initFn`), added to messages.
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
    throw new InvalidArgumentError(
      `JaxLayer '${layerName}'`,
      `\`${tsName}\` (Keras \`${pyName}\`) must be a function, got ${describeFn(fn)}`,
      `pass e.g. \`${tsName}: (params, inputs) => ...\` or a transform's \`.${tsName === "initFn" ? "init" : "apply"}\`.`,
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
    if (!names.some((n) => canonicalArgName(n, allowed) === r)) {
      throw new InvalidArgumentError(
        `JaxLayer '${layerName}'`,
        `Missing required argument in \`${pyName}\`: \`${r}\` (\`${tsName}\` declares ${declared})`,
        `name the parameter that receives the layer's inputs \`${r}\`.` +
          (hidden || " If a minifier renamed the parameters, declare the names with `withArgNames(fn, names)`."),
      );
    }
  }
  const canonical: A[] = [];
  for (const n of names) {
    const c = canonicalArgName(n, allowed);
    if (c === null) {
      throw new InvalidArgumentError(
        `JaxLayer '${layerName}'`,
        `Unsupported argument in \`${pyName}\`: \`${n}\`, supported arguments are \`${allowed.join("`, `")}\` ` +
          `(\`${tsName}\` declares ${declared})`,
        `rename or remove \`${n}\`; to adapt another signature, wrap the function, e.g. (params, rng, inputs, training) => f(params, ...). ` +
          "If a minifier renamed the parameters, declare the names with `withArgNames(fn, names)`.",
      );
    }
    const previous = names[canonical.indexOf(c)];
    if (previous !== undefined) {
      throw new InvalidArgumentError(
        `JaxLayer '${layerName}'`,
        `\`${tsName}\` declares ${declared}, where both \`${previous}\` and \`${n}\` stand for ` +
          `\`${c}\` (a bundler renames \`${c}\` to \`${c}2\` or \`${c}$1\` when it shadows an outer \`${c}\`)`,
        "give each argument its own name, or declare the names with `withArgNames(fn, names)`.",
      );
    }
    canonical.push(c);
  }
  return canonical;
}
