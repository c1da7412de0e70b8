import type { Leaf, PyTree } from "./types.js";
import { setOwn } from "./own.js";
import { isPlainObject, sortedKeys } from "./types.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

type Node =
  | { readonly kind: "leaf"; readonly numLeaves: 1 }
  | { readonly kind: "none"; readonly value: null | undefined; readonly numLeaves: 0 }
  | { readonly kind: "array"; readonly children: readonly Node[]; readonly numLeaves: number }
  | {
      readonly kind: "object";
      /** Keys sorted as JAX does; `children` follow this order. */
      readonly keys: readonly string[];
      /** Indices into `keys` in the original insertion order, used to rebuild the object. */
      readonly order: readonly number[];
      readonly nullProto: boolean;
      readonly children: readonly Node[];
      readonly numLeaves: number;
    };

const LEAF: Node = { kind: "leaf", numLeaves: 1 };
const NULL: Node = { kind: "none", value: null, numLeaves: 0 };
const UNDEFINED: Node = { kind: "none", value: undefined, numLeaves: 0 };

/**
 * The structure of a pytree without its leaves (JAX's `PyTreeDef`). Made by {@link flatten} or
 * {@link structure}; {@link unflatten} puts leaves back into it.
 */
export class TreeDef {
  /** @internal */
  readonly node: Node;

  /** @internal */
  constructor(node: Node) {
    this.node = node;
  }

  /** How many leaves the structure holds. */
  get numLeaves(): number {
    return this.node.numLeaves;
  }

  /**
   * Whether `other` has the same structure. Like JAX, object key order does not matter and
   * `null` / `undefined` are the same empty subtree.
   */
  equals(other: TreeDef): boolean {
    return nodeEquals(this.node, other.node);
  }

  /** JAX-like rendering, e.g. `PyTreeDef({a: *, b: [*, null]})`. */
  toString(): string {
    return `PyTreeDef(${nodeToString(this.node)})`;
  }
}

function nodeEquals(a: Node, b: Node): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.numLeaves !== b.numLeaves) return false;
  if (a.kind === "array" && b.kind === "array") {
    if (a.children.length !== b.children.length) return false;
    return a.children.every((c, i) => nodeEquals(c, b.children[i] as Node));
  }
  if (a.kind === "object" && b.kind === "object") {
    if (a.keys.length !== b.keys.length) return false;
    for (let i = 0; i < a.keys.length; i++) {
      if (a.keys[i] !== b.keys[i]) return false;
      if (!nodeEquals(a.children[i] as Node, b.children[i] as Node)) return false;
    }
    return true;
  }
  return true;
}

function nodeToString(n: Node): string {
  switch (n.kind) {
    case "leaf":
      return "*";
    case "none":
      return String(n.value);
    case "array":
      return `[${n.children.map(nodeToString).join(", ")}]`;
    case "object":
      return `{${n.keys.map((k, i) => `${JSON.stringify(k)}: ${nodeToString(n.children[i] as Node)}`).join(", ")}}`;
  }
}

function build(x: unknown, out: Leaf[]): Node {
  if (x === null) return NULL;
  if (x === undefined) return UNDEFINED;
  if (Array.isArray(x)) {
    const children: Node[] = new Array<Node>(x.length);
    let numLeaves = 0;
    for (let i = 0; i < x.length; i++) {
      const c = build(x[i], out);
      children[i] = c;
      numLeaves += c.numLeaves;
    }
    return { kind: "array", children, numLeaves };
  }
  if (isPlainObject(x)) {
    const insertion = Object.keys(x);
    const keys = insertion.length > 1 ? sortedKeys(x) : insertion;
    const children: Node[] = new Array<Node>(keys.length);
    let numLeaves = 0;
    for (let i = 0; i < keys.length; i++) {
      const c = build(x[keys[i] as string], out);
      children[i] = c;
      numLeaves += c.numLeaves;
    }
    const order = keys === insertion ? keys.map((_, i) => i) : insertion.map((k) => keys.indexOf(k));
    return {
      kind: "object",
      keys,
      order,
      nullProto: Object.getPrototypeOf(x) === null,
      children,
      numLeaves,
    };
  }
  out.push(x as Leaf);
  return LEAF;
}

/**
 * Splits a pytree into its leaves, in JAX's order (object keys sorted by code point, arrays in
 * index order, depth first), and its structure.
 *
 * @example
 * ```ts
 * const [leaves, def] = hk.tree.flatten({ b: [1, 2], a: 3 });
 * // leaves = [3, 1, 2]; hk.tree.unflatten(def, leaves) rebuilds {b: [1, 2], a: 3}
 * ```
 */
export function flatten<L = Leaf>(tree: PyTree<L>): [L[], TreeDef] {
  const out: Leaf[] = [];
  const node = build(tree, out);
  return [out as L[], new TreeDef(node)];
}

/** The leaves of a pytree in JAX's order (see {@link flatten}). */
export function leaves<L = Leaf>(tree: PyTree<L>): L[] {
  const out: Leaf[] = [];
  collect(tree, out);
  return out as L[];
}

function collect(x: unknown, out: Leaf[]): void {
  if (x === null || x === undefined) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) collect(x[i], out);
  } else if (isPlainObject(x)) {
    for (const k of sortedKeys(x)) collect(x[k], out);
  } else {
    out.push(x as Leaf);
  }
}

/** The structure of a pytree (its {@link TreeDef}), without keeping the leaves. */
export function structure(tree: PyTree<unknown>): TreeDef {
  return new TreeDef(build(tree, []));
}

/**
 * Rebuilds a pytree from a structure and leaves in JAX's order (the inverse of
 * {@link flatten}). Objects get their keys back in the original insertion order.
 */
export function unflatten<L = Leaf>(treedef: TreeDef, leaves: readonly L[]): PyTree<L> {
  if (!(treedef instanceof TreeDef)) {
    throw new InvalidArgumentError(
      "hk.tree.unflatten",
      `\`treedef\` must be a TreeDef from hk.tree.flatten / hk.tree.structure, got ${describe(treedef)}`,
      "call it as unflatten(treedef, leaves).",
    );
  }
  if (!Array.isArray(leaves)) {
    throw new InvalidArgumentError(
      "hk.tree.unflatten",
      `\`leaves\` must be an array of leaves, got ${describe(leaves)}`,
      "pass the leaves array that hk.tree.flatten returned.",
    );
  }
  if (leaves.length !== treedef.numLeaves) {
    throw new ShapeError(
      "hk.tree.unflatten",
      `\`treedef\` ${treedef.toString()} holds ${treedef.numLeaves} leaves but \`leaves\` has ${leaves.length}`,
      "pass exactly the leaves that hk.tree.flatten returned (or as many, in the same order).",
    );
  }
  const cursor = { i: 0 };
  return rebuild(treedef.node, leaves, cursor) as PyTree<L>;
}

function rebuild(n: Node, leaves: readonly unknown[], cursor: { i: number }): unknown {
  switch (n.kind) {
    case "leaf":
      return leaves[cursor.i++];
    case "none":
      return n.value;
    case "array": {
      const out = new Array<unknown>(n.children.length);
      for (let i = 0; i < n.children.length; i++) out[i] = rebuild(n.children[i] as Node, leaves, cursor);
      return out;
    }
    case "object": {
      const vals = new Array<unknown>(n.keys.length);
      for (let i = 0; i < n.keys.length; i++) vals[i] = rebuild(n.children[i] as Node, leaves, cursor);
      const out: Record<string, unknown> = n.nullProto ? (Object.create(null) as Record<string, unknown>) : {};
      for (const j of n.order) setOwn(out, n.keys[j] as string, vals[j]);
      return out;
    }
  }
}
