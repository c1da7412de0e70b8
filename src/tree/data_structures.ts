/**
 * Haiku's `hk.data_structures` on the two-level `module name -> entry name -> value` mappings
 * that `init` / `apply` return (params and state).
 *
 * Like Haiku, every function returns a new structure (never a view), visits entries in sorted
 * key order, and drops modules left without entries. Results are deep-frozen plain objects (the
 * type `init` returns), except {@link toMutableDict}. Tensors are shared, never copied.
 *
 * @module
 * @category Data structures
 */
import type * as tf from "@tensorflow/tfjs-core";
import { freeze } from "immer";

import { leaves } from "./treedef.js";
import { map as treeMap } from "./map.js";
import { hasOwn, ownChild, setOwn } from "./own.js";
import { isPlainObject, isTensor, sortedKeys } from "./types.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/** A Haiku two-level mapping: module name -> entry name -> value (a tensor or a pytree). */
export type Structure<T = unknown> = Readonly<Record<string, Readonly<Record<string, T>>>>;

/** A mutable two-level mapping, as {@link toMutableDict} returns. */
export type MutableStructure<T = unknown> = Record<string, Record<string, T>>;

/** What {@link filter} / {@link partition} call per entry: `(moduleName, name, value) => keep`. */
export type Predicate<T = unknown> = (moduleName: string, name: string, value: T) => boolean;

function checkStructure(structure: unknown, where: string): asserts structure is Structure {
  if (!isPlainObject(structure)) {
    throw new InvalidArgumentError(
      where,
      `expected a two-level mapping {moduleName: {name: value}} (params or state), got ${describe(structure)}`,
      "pass Haiku params or state, as init returns them.",
    );
  }
  for (const m of Object.keys(structure)) {
    const bundle = structure[m];
    if (!isPlainObject(bundle)) {
      throw new InvalidArgumentError(
        where,
        `module "${m}" must map entry names to values ({name: value}), got ${describe(bundle)}`,
        "pass a two-level mapping {moduleName: {name: value}}, as Haiku params and state are.",
      );
    }
  }
}

function done<T>(out: MutableStructure<T>): Structure<T> {
  // Pytree values (state entries) are copied like Haiku's `_copy_structure`, so deep-freezing the
  // result never freezes containers the caller still owns.
  for (const m of Object.keys(out)) {
    const bundle = out[m] as Record<string, T>;
    for (const n of Object.keys(bundle)) {
      const v = bundle[n];
      if (Array.isArray(v) || isPlainObject(v)) setOwn(bundle, n, treeMap((x: unknown) => x, v) as T);
    }
  }
  return freeze(out, true);
}

/**
 * Yields `[moduleName, name, value]` for every entry, modules and names in sorted order
 * (Haiku's `traverse`).
 *
 * @example
 * ```ts
 * for (const [m, n, v] of hk.data.traverse(params)) console.log(`${m}/${n}`, v.shape);
 * ```
 */
export function* traverse<T>(structure: Structure<T>): Generator<[moduleName: string, name: string, value: T]> {
  checkStructure(structure, "hk.data.traverse");
  for (const m of sortedKeys(structure)) {
    const bundle = structure[m] as Readonly<Record<string, T>>;
    for (const n of sortedKeys(bundle)) yield [m, n, bundle[n] as T];
  }
}

/**
 * Splits a structure into `n` structures; `fn(moduleName, name, value)` returns the bucket index
 * in `[0, n)` of each entry (Haiku's `partition_n`).
 */
export function partitionN<T>(
  fn: (moduleName: string, name: string, value: T) => number,
  structure: Structure<T>,
  n: number,
): Structure<T>[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(
      "hk.data.partitionN",
      `\`n\` must be a non-negative integer, got ${describe(n)}`,
      "pass the number of partitions, e.g. 2.",
    );
  }
  const out: MutableStructure<T>[] = Array.from({ length: n }, () => ({}));
  for (const [m, name, v] of traverse(structure)) {
    const i = fn(m, name, v);
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new InvalidArgumentError(
        "hk.data.partitionN",
        `\`fn\` returned ${describe(i)} for ${m}/${name}; it must return an integer in [0, ${n})`,
        `make \`fn\` return a partition index from 0 to ${n - 1}.`,
      );
    }
    const bucket = out[i] as MutableStructure<T>;
    setOwn(ownChild(bucket, m), name, v);
  }
  return out.map(done);
}

/**
 * Splits a structure in two: entries for which `predicate(moduleName, name, value)` is true,
 * and the rest (Haiku's `partition`).
 *
 * @example
 * ```ts
 * const [weights, biases] = hk.data.partition((m, n) => n === "w", params);
 * ```
 */
export function partition<T>(predicate: Predicate<T>, structure: Structure<T>): [Structure<T>, Structure<T>] {
  const [a, b] = partitionN((m, n, v) => (predicate(m, n, v) ? 0 : 1), structure, 2);
  return [a as Structure<T>, b as Structure<T>];
}

/** The entries for which `predicate(moduleName, name, value)` is true (Haiku's `filter`). */
export function filter<T>(predicate: Predicate<T>, structure: Structure<T>): Structure<T> {
  const out: MutableStructure<T> = {};
  for (const [m, n, v] of traverse(structure)) {
    if (predicate(m, n, v)) setOwn(ownChild(out, m), n, v);
  }
  return done(out);
}

/** Replaces every entry by `fn(moduleName, name, value)` (Haiku's `data_structures.map`). */
export function map<T, R>(
  fn: (moduleName: string, name: string, value: T) => R,
  structure: Structure<T>,
): Structure<R> {
  const out: MutableStructure<R> = {};
  for (const [m, n, v] of traverse(structure)) setOwn(ownChild(out, m), n, fn(m, n, v));
  return done(out);
}

/** Options of {@link merge}. */
export interface MergeOptions {
  /**
   * Throw when an entry appears in several structures with a different shape or dtype
   * (Haiku's `check_duplicates`). Default false.
   */
  checkDuplicates: boolean;
}

function isMergeOptions(x: unknown): x is MergeOptions {
  // A structure's values are objects, so `{checkDuplicates: boolean}` can never be one.
  return isPlainObject(x) && Object.keys(x).length === 1 && typeof x["checkDuplicates"] === "boolean";
}

function shapeOf(x: unknown): string | null {
  return isTensor(x) ? `${x.dtype}[${x.shape.join(",")}]` : null;
}

/**
 * Merges structures; for an entry present in several, the last wins (Haiku's `merge`). Pass
 * `{ checkDuplicates: true }` as the last argument to reject duplicates whose shape or dtype
 * differ.
 *
 * @example
 * ```ts
 * const [trainable, frozen] = hk.data.partition((moduleName) => moduleName.startsWith("encoder"), params);
 * const merged = hk.data.merge(trainable, frozen); // params again
 * ```
 */
export function merge<T = unknown>(...args: (Structure<T> | MergeOptions)[]): Structure<T> {
  const last = args[args.length - 1];
  const checkDuplicates = isMergeOptions(last) ? last.checkDuplicates : false;
  const structures = (isMergeOptions(last) ? args.slice(0, -1) : args) as Structure<T>[];
  const out: MutableStructure<T> = {};
  for (const s of structures) {
    for (const [m, n, v] of traverse(s)) {
      const bundle = ownChild(out, m);
      if (checkDuplicates && hasOwn(bundle, n)) {
        const prev = bundle[n];
        if (shapeOf(prev) !== shapeOf(v)) {
          throw new ShapeError(
            "hk.data.merge",
            `duplicate array found with different shape/dtype for ${m}.${n}: ${describe(prev)} vs ${describe(v)}`,
            "merge structures that agree on every shared entry, or rename one of them.",
          );
        }
      }
      setOwn(bundle, n, v);
    }
  }
  return done(out);
}

/**
 * Whether every `(moduleName, name)` entry of `subset` is in `superset` (Haiku's `is_subset`;
 * values are not compared). Vacuously true when `subset` has no entries.
 */
export function isSubset({ subset, superset }: { subset: Structure; superset: Structure }): boolean {
  const sup = new Set<string>();
  for (const [m, n] of traverse(superset)) sup.add(`${m}\u0000${n}`);
  for (const [m, n] of traverse(subset)) if (!sup.has(`${m}\u0000${n}`)) return false;
  return true;
}

const BYTES: Record<tf.DataType, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  string: 0,
};

function leafSize(x: unknown, where: string): [size: number, bytes: number] {
  if (isTensor(x)) {
    if (x.dtype === "string") {
      throw new InvalidArgumentError(
        where,
        `string tensors have no fixed byte size; got ${describe(x)}`,
        "leave string tensors out of the tree you measure.",
      );
    }
    return [x.size, x.size * BYTES[x.dtype]];
  }
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const a = x as unknown as { length: number; byteLength: number };
    return [a.length, a.byteLength];
  }
  // Scalars count as the tensors they become: float32 / bool.
  if (typeof x === "number") return [1, 4];
  if (typeof x === "boolean") return [1, 1];
  throw new InvalidArgumentError(
    where,
    `expected a tree of tensors (or typed arrays / numbers), found ${describe(x)}`,
    "pass a tree whose leaves are tensors, typed arrays, numbers or booleans.",
  );
}

/**
 * Total number of elements over all leaves of a pytree (Haiku's `tree_size`), e.g. the
 * parameter count of a model. Numbers and booleans count as one element.
 */
export function treeSize(tree: unknown): number {
  let total = 0;
  for (const l of leaves(tree as never)) total += leafSize(l, "hk.data.treeSize")[0];
  return total;
}

/**
 * Total bytes over all leaves of a pytree (Haiku's `tree_bytes`: size times the dtype's item
 * size; float32 and int32 4 bytes, bool 1). Numbers count as float32, booleans as bool.
 */
export function treeBytes(tree: unknown): number {
  let total = 0;
  for (const l of leaves(tree as never)) total += leafSize(l, "hk.data.treeBytes")[1];
  return total;
}

function copyStructure<T>(structure: Structure<T>, where: string): MutableStructure<T> {
  checkStructure(structure, where);
  const out: MutableStructure<T> = {};
  for (const m of Object.keys(structure)) setOwn(out, m, { ...(structure[m] as Record<string, T>) });
  return out;
}

/**
 * A fresh deep-frozen two-level copy in the input's key order: the type `init` / `apply` return
 * (Haiku's `to_haiku_dict`).
 */
export function toHaikuDict<T>(structure: Structure<T>): Structure<T> {
  return done(copyStructure(structure, "hk.data.toHaikuDict"));
}

/** A deep-frozen copy (Haiku's `to_immutable_dict`); the same as {@link toHaikuDict} here. */
export function toImmutableDict<T>(structure: Structure<T>): Structure<T> {
  return done(copyStructure(structure, "hk.data.toImmutableDict"));
}

/**
 * A mutable two-level copy (Haiku's `to_mutable_dict`), e.g. to edit entries before passing the
 * result back to `apply`. Values (tensors) are shared, not copied.
 */
export function toMutableDict<T>(structure: Structure<T>): MutableStructure<T> {
  return copyStructure(structure, "hk.data.toMutableDict");
}
