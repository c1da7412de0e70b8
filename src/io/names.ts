/**
 * Pytree <-> safetensors names.
 *
 * Haiku's params and state are `{module: {name: array}}`; the file name of a leaf is
 * `module + "/" + name` (`"mlp/~/linear_0/w"`), and because module names themselves contain `/`,
 * a name is split back at its LAST `/`. That is the whole scheme for such two-level trees, which
 * is also what a Python export writes, so files move both ways unchanged.
 *
 * A top-level leaf whose name has no `/` (a flat `{name: tensor}`, as other libraries write) is
 * kept as is. Any other tree (deeper pytrees in state, arrays, `null`s, empty dicts, a leaf name
 * containing `/`) is written with its path joined by `/` (array indices as
 * numbers) and its exact structure recorded as JSON in `__metadata__["haiku-tfjs:tree"]`: the
 * tree with every leaf replaced by its file name. Loading rebuilds that structure exactly.
 *
 * @module
 */
import { describe, isPlainObject } from "../util/describe.js";
import { CheckpointError, InvalidArgumentError } from "../util/errors.js";
import { getOwn, hasOwn, setOwn } from "../tree/own.js";

/** `__metadata__` key holding the structure of trees that are not plain `{module: {name}}`. */
export const TREE_METADATA_KEY = "haiku-tfjs:tree";

/** Deepest structure accepted, so a crafted file cannot exhaust the stack. */
const MAX_DEPTH = 256;

/** One leaf of a flattened tree. */
export interface FlatLeaf<L> {
  /** The file name: the path joined with `/`. */
  readonly name: string;
  /** The path segments (array indices as numbers). */
  readonly path: readonly (string | number)[];
  /** The leaf. */
  readonly value: L;
}

/**
 * Walks `tree` depth first in insertion order and returns its leaves with their names, plus the
 * structure JSON when splitting the names at their last `/` would not rebuild the tree.
 *
 * @param tree - the root; must be a plain object.
 * @param isLeaf - which values are leaves.
 * @param leafHint - what a leaf should be, for the error on anything else.
 * @param where - the caller, for error messages.
 * @param leafFix - what to do about a leaf that is not one, for the error's "Fix:".
 * @param treeName - the argument as the caller named it, e.g. `` `params` ``.
 */
export function flattenTree<L>(
  tree: unknown,
  isLeaf: (x: unknown) => x is L,
  leafHint: string,
  where: string,
  leafFix: string,
  treeName: string,
): { leaves: FlatLeaf<L>[]; structure: string | undefined } {
  if (!isPlainObject(tree)) {
    throw new InvalidArgumentError(
      where,
      `${treeName} must be a params/state tree (a plain object such as {"mlp/~/linear_0": {w, b}}), got ${describe(tree)}`,
      "pass params or state as init returns them.",
    );
  }
  const leaves: FlatLeaf<L>[] = [];
  let simple = true;
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (path.length > MAX_DEPTH) {
      throw new InvalidArgumentError(
        where,
        `${treeName} is nested deeper than ${MAX_DEPTH} levels (at "${path.slice(0, 8).join("/")}/...")`,
        "flatten the tree before saving it.",
      );
    }
    if (isLeaf(node)) {
      const name = path.join("/");
      // Reloading splits at the last "/": only a `module/name` pair or a top-level name
      // without "/" comes back as the same tree.
      if (path.length > 2 || String(path[path.length - 1]).includes("/")) simple = false;
      leaves.push({ name, path: path.slice(), value: node });
      return name;
    }
    if (node === null || node === undefined) {
      simple = false;
      return null;
    }
    if (Array.isArray(node)) {
      simple = false;
      return node.map((child, i) => walk(child, [...path, i]));
    }
    if (isPlainObject(node)) {
      const keys = Object.keys(node);
      if (path.length >= 2 || (path.length === 1 && keys.length === 0)) simple = false;
      const out: Record<string, unknown> = {};
      for (const k of keys) setOwn(out, k, walk(node[k], [...path, k]));
      return out;
    }
    throw new InvalidArgumentError(
      where,
      `the leaf at "${path.join("/")}" of ${treeName} must be ${leafHint}, got ${describe(node)}`,
      leafFix,
    );
  };
  const skeleton = walk(tree, []);
  const seen = new Map<string, readonly (string | number)[]>();
  for (const leaf of leaves) {
    const other = seen.get(leaf.name);
    if (other !== undefined) {
      throw new InvalidArgumentError(
        where,
        `two leaves get the same name "${leaf.name}" (paths ${JSON.stringify(other)} and ${JSON.stringify(leaf.path)})`,
        "rename one of them.",
      );
    }
    seen.set(leaf.name, leaf.path);
  }
  return { leaves, structure: simple ? undefined : JSON.stringify(skeleton) };
}

function bothTensorAndModule(where: string, name: string): CheckpointError {
  return new CheckpointError(
    where,
    `the file has both a tensor "${name}" and a module "${name}/..."; cannot build a tree holding both`,
    "rename the tensor or the module in the file.",
  );
}

/**
 * Builds `{module: {name: value}}` from file names, splitting each at its last `/`; a name
 * without `/` (not a Haiku name, e.g. from another library) becomes a top-level leaf.
 */
export function unflattenByLastSlash(
  names: readonly string[],
  values: readonly unknown[],
  where: string,
): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const cut = name.lastIndexOf("/");
    if (cut < 0) {
      if (hasOwn(root, name)) throw bothTensorAndModule(where, name);
      setOwn(root, name, values[i]);
      return;
    }
    const moduleName = name.slice(0, cut);
    const paramName = name.slice(cut + 1);
    let mod = getOwn(root, moduleName);
    if (mod === undefined) {
      mod = {};
      setOwn(root, moduleName, mod);
    } else if (!isPlainObject(mod)) {
      throw bothTensorAndModule(where, moduleName);
    }
    setOwn(mod as Record<string, unknown>, paramName, values[i]);
  });
  return root;
}

/**
 * Rebuilds a tree from the structure JSON written by {@link flattenTree}, checking that it names
 * every tensor in the file exactly once.
 */
export function unflattenByStructure(
  structureJson: string,
  names: readonly string[],
  values: readonly unknown[],
  where: string,
): Record<string, unknown> {
  const fail = (problem: string) =>
    new CheckpointError(
      where,
      `not a valid safetensors file: __metadata__["${TREE_METADATA_KEY}"] ${problem}`,
      "load a file written by hk.io.saveParams / hk.io.serialize, or remove that metadata key to load the tensors by name.",
    );
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(structureJson);
  } catch (e) {
    throw fail(`is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const byName = new Map<string, number>();
  names.forEach((n, i) => byName.set(n, i));
  const used = new Set<string>();
  const build = (node: unknown, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw fail(`is nested deeper than ${MAX_DEPTH} levels`);
    if (typeof node === "string") {
      const i = byName.get(node);
      if (i === undefined) throw fail(`names a tensor "${node}" that the file does not hold`);
      if (used.has(node)) throw fail(`names the tensor "${node}" twice`);
      used.add(node);
      return values[i];
    }
    if (node === null) return null;
    if (Array.isArray(node)) return node.map((child) => build(child, depth + 1));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(node)) setOwn(out, k, build(node[k], depth + 1));
      return out;
    }
    throw fail(`holds ${describe(node)} where a tensor name, array, object or null belongs`);
  };
  const root = build(skeleton, 0);
  if (!isPlainObject(root)) throw fail("must be a JSON object at the top");
  const unused = names.filter((n) => !used.has(n));
  if (unused.length > 0)
    throw fail(
      `does not place the tensors ${JSON.stringify(unused.slice(0, 5))}${unused.length > 5 ? ` and ${unused.length - 5} more` : ""}`,
    );
  return root;
}
