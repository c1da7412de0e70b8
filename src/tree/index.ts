/**
 * Pytrees (JAX's `jax.tree_util`): nested plain objects and arrays whose leaves are tensors,
 * numbers, typed arrays (PRNG keys) and other non-container values.
 *
 * Order is JAX's: object keys sorted by code point, arrays in index order, depth first.
 * `null` / `undefined` are empty subtrees (JAX's `None`): part of the structure, no leaves.
 *
 * @module
 * @category Data structures
 */
export type { Leaf, MapLeaves, PathEntry, PyTree, TypedArray } from "./types.js";
export { formatPath, isLeaf, isPlainObject, isTensor } from "./types.js";
export { TreeDef, flatten, leaves, structure, unflatten } from "./treedef.js";
export { assertSameStructure, dispose, leavesWithPath, map, mapLabeled, mapWithPath, tensors } from "./map.js";
