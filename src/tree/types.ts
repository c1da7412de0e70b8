import type * as tf from "@tensorflow/tfjs-core";

import { isPlainObject as isPlainObjectValue, isTensor as isTensorValue } from "../util/describe.js";

/** Any typed array; a `PRNGKey` (`Uint32Array` of length 2) is one, and is a leaf. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * A pytree leaf. Like JAX, anything that is not a container is a leaf: tensors, numbers,
 * booleans, strings, bigints, typed arrays (so a `PRNGKey` stays one leaf) and class instances.
 * Containers are plain objects (prototype `Object.prototype` or `null`) and arrays; `null` and
 * `undefined` are empty subtrees (JAX's `None`): kept in the structure, holding no leaf.
 */
export type Leaf = tf.Tensor | number | boolean | string | bigint | TypedArray;

/**
 * A pytree whose leaves have type `L`: nested arrays and plain objects, with `null` /
 * `undefined` as empty subtrees.
 */
export type PyTree<L = Leaf> = L | null | undefined | readonly PyTree<L>[] | { readonly [key: string]: PyTree<L> };

/**
 * The type of a pytree `T` with every leaf replaced by `R` (what {@link map} returns), so
 * `MapLeaves<Params, tf.Tensor>` is again `Params`-shaped.
 */
export type MapLeaves<T, R> = T extends Leaf
  ? R
  : T extends null | undefined
    ? T
    : { -readonly [K in keyof T]: MapLeaves<T[K], R> };

/** One step of a path into a pytree: an object key (string) or an array index (number). */
export type PathEntry = string | number;

/**
 * True for tfjs tensors, the leaf type this module treats specially (duck-typed, so tensors from
 * a second copy of tfjs-core count too).
 */
export function isTensor(x: unknown): x is tf.Tensor {
  return isTensorValue(x);
}

/** True for plain objects (containers); class instances, typed arrays and tensors are leaves. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return isPlainObjectValue(x);
}

/** True when `x` is a leaf (not an array, a plain object, `null` or `undefined`). */
export function isLeaf(x: unknown): boolean {
  return x !== null && x !== undefined && !Array.isArray(x) && !isPlainObject(x);
}

/**
 * Formats a path the way error messages of this library show it: object keys joined by `.`,
 * array indices in brackets, e.g. `mlp/~/linear_0.w` or `layers[1].b`; the root is `<root>`.
 */
export function formatPath(path: readonly PathEntry[]): string {
  if (path.length === 0) return "<root>";
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? p : `.${p}`;
  }
  return out;
}

/**
 * Compares strings by Unicode code point, like Python's `sorted` on `str` keys (which is what
 * `jax.tree_util` uses for dict keys). JS's default sort compares UTF-16 code units, which
 * differs for characters outside the BMP.
 */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // At the first differing unit, codePointAt decodes a surrogate pair starting here, which
      // puts astral characters after U+E000..U+FFFF as code-point order requires.
      return (a.codePointAt(i) ?? ca) - (b.codePointAt(i) ?? cb);
    }
  }
  return a.length - b.length;
}

/** The keys of a plain object in JAX's order (sorted by code point). */
export function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  if (keys.length > 1) keys.sort(compareKeys);
  return keys;
}
