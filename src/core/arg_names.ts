/**
 * Argument names of functions, as Keras' `JaxLayer` reads them with `inspect.signature`.
 *
 * Transformed functions carry their names explicitly (Haiku rewrites `init` / `apply`
 * signatures so Keras can read them); plain functions are parsed from their source.
 */

/** Property under which a function may declare its argument names explicitly.
 *
 * @category Modules and parameters
 */
export const ARG_NAMES: unique symbol = Symbol.for("haiku-tfjs.argNames");

/**
 * A function annotated with its argument names.
 *
 * @category Modules and parameters
 */
export type NamedArgsFunction<F> = F & {
  /** The declared argument names, in order. */
  readonly [ARG_NAMES]: readonly string[];
};

/**
 * Attaches `names` to `fn` as its declared argument names and returns `fn`.
 *
 * @example
 * ```ts
 * const f = hk.withArgNames((...args: unknown[]) => args[0], ["params", "inputs"]);
 * hk.argNames(f); // ["params", "inputs"]
 * ```
 * @typeParam F - the function's type, returned unchanged.
 *
 * @category Modules and parameters
 */
export function withArgNames<F extends (...args: never[]) => unknown>(
  fn: F,
  names: readonly string[],
): NamedArgsFunction<F> {
  Object.defineProperty(fn, ARG_NAMES, { value: Object.freeze([...names]), enumerable: false });
  return fn as NamedArgsFunction<F>;
}

/**
 * The declared argument names of `fn`: its `ARG_NAMES` annotation if it has one, else the names
 * parsed from its source (`function f(a, b = 1)`, `(a, b) => ...`, `a => ...`, methods).
 * A rest parameter is reported as `...name`; a destructured parameter as `{...}` or `[...]`.
 *
 * @example
 * ```ts
 * hk.argNames((params: hk.Params, inputs: tf.Tensor, training = false) => inputs); // ["params", "inputs", "training"]
 * ```
 *
 * @category Modules and parameters
 */
export function argNames(fn: (...args: never[]) => unknown): string[] {
  const annotated = (fn as unknown as Record<symbol, unknown>)[ARG_NAMES];
  if (Array.isArray(annotated)) return [...(annotated as string[])];
  return parseArgNames(Function.prototype.toString.call(fn));
}

function stripComments(src: string): string {
  let out = "";
  let i = 0;
  let quote: string | null = null;
  while (i < src.length) {
    const c = src[i]!;
    if (quote) {
      out += c;
      if (c === "\\") {
        out += src[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      out += c;
      i++;
    } else if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      i += 2;
      while (i < src.length && !(src[i] === "*" && src[i + 1] === "/")) i++;
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Splits the text between matching parentheses at top-level commas. */
function splitTopLevel(params: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  let quote: string | null = null;
  for (let i = 0; i < params.length; i++) {
    const c = params[i]!;
    if (quote) {
      cur += c;
      if (c === "\\") {
        cur += params[++i] ?? "";
      } else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth--;
    if (c === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur.trim() !== "") parts.push(cur);
  return parts;
}

function paramName(part: string): string {
  const p = part.trim();
  if (p.startsWith("...")) return "..." + paramName(p.slice(3));
  if (p.startsWith("{")) return "{...}";
  if (p.startsWith("[")) return "[...]";
  const m = /^[A-Za-z_$][\w$]*/.exec(p);
  return m ? m[0] : p;
}

/** Parses the parameter names out of a function's source text.
 */
export function parseArgNames(source: string): string[] {
  let src = stripComments(source).trim();
  src = src.replace(/^async\s+/, "");
  // `x => ...` (single bare parameter, no parentheses)
  const bare = /^([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  if (bare) return [bare[1]!];
  const open = src.indexOf("(");
  if (open < 0) return [];
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return splitTopLevel(src.slice(open + 1, i)).map(paramName);
    }
  }
  return [];
}
