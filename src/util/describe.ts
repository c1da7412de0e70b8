/**
 * Short descriptions of values and shapes for error messages, written once for the whole
 * library (they were six copies).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/** Whether `x` is a tfjs tensor (duck-typed, so two copies of tfjs-core still agree). */
export function isTensor(x: unknown): x is tf.Tensor {
  return (
    x !== null &&
    typeof x === "object" &&
    typeof (x as { dataId?: unknown }).dataId === "object" &&
    Array.isArray((x as { shape?: unknown }).shape)
  );
}

/** Whether `x` is a plain object (`{}` or `Object.create(null)`), the only mapping pytrees have. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `[2, 3]` for a shape. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * A short description of any value for an error message: `a float32 tensor of shape [2, 3]`,
 * `an array of length 2`, `an object with keys [b, w]`, `the number 3`, `the string "x"`,
 * `function f`, `null`.
 */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (isTensor(x)) return `a ${x.dtype} tensor of shape ${formatShape(x.shape)}`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name} of length ${(x as unknown as { length: number }).length}`;
  if (isPlainObject(x)) {
    const keys = Object.keys(x).sort();
    const shown = keys.length > 8 ? [...keys.slice(0, 8), "..."] : keys;
    return `an object with keys [${shown.join(", ")}]`;
  }
  if (typeof x === "object") return `a ${(x as object).constructor?.name ?? "object"} object`;
  if (typeof x === "function") return `function ${x.name || "(anonymous)"}`;
  if (typeof x === "string") return `the string ${JSON.stringify(x.length > 60 ? `${x.slice(0, 60)}...` : x)}`;
  return `the ${typeof x} ${String(x)}`;
}
