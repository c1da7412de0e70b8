/**
 * `hk.vmap` (Haiku's `stateful.vmap`): `jax.vmap` with module parameters and state not mapped.
 * tfjs has no vmap, so the mapped function runs once per element and the results are stacked.
 */
import * as tf from "@tensorflow/tfjs-core";
import { leaves } from "../../tree/index.js";
import { describe } from "../../util/describe.js";
import { PRNGSequence, nextRngKeys } from "../rng.js";
import type { StatePair } from "../frame.js";
import { NamingSnapshot, insideTransform, paramNames, restoreInternalState, saveInternalState } from "./internal.js";
import type { SavedInternalState } from "./internal.js";
import { stackTrees, unstackTree } from "./tree_stack.js";
import { InvalidArgumentError, ParameterError, ShapeError } from "../../util/errors.js";

/**
 * Which axis of an input or output is mapped: a number (negative counts from the end), `null`
 * (not mapped), or an array / object giving an axis for each part of the value (a prefix of its
 * structure, as JAX's `in_axes`).
 *
 * @category Transforms
 */
export type Axes = number | null | readonly Axes[] | { readonly [key: string]: Axes };

/**
 * Options of {@link vmap}.
 *
 * @category Transforms
 */
export interface VmapOptions {
  /** Mapped axis of the arguments: one spec for all, or an array with one per argument. Default 0. */
  inAxes?: Axes;
  /** Where the mapped axis goes in the output (`null`: not mapped, element 0's value). Default 0. */
  outAxes?: Axes;
  /** Size of the mapped axis; must agree with the inputs. Default: read from the inputs. */
  axisSize?: number;
  /**
   * Required, as in Haiku. `false`: every element gets the same keys (the key sequence is shared);
   * `true`: one key is split off per element (Haiku's `hk.next_rng_keys(n)`) and each element
   * draws from its own sequence. `true` during `init` cannot create parameters (they are shared
   * across elements): pass `splitRng: !hk.runningInit()`.
   */
  splitRng: boolean;
}

const WHO = "hk.vmap";

function isAxis(x: unknown): x is number | null {
  return x === null || typeof x === "number";
}

function axesLeaves(axes: Axes): number[] {
  if (axes === null) return [];
  if (typeof axes === "number") return [axes];
  const vals: Axes[] = Array.isArray(axes) ? (axes as Axes[]) : Object.values(axes);
  return vals.flatMap(axesLeaves);
}

/** Calls `fn(axis, subtree)` at every leaf of the prefix `axes` of `tree`; returns the tree of results. */
function mapPrefix(
  axes: Axes,
  tree: unknown,
  fn: (axis: number | null, sub: unknown) => unknown,
  path: string,
): unknown {
  if (isAxis(axes)) return fn(axes, tree);
  if (Array.isArray(axes)) {
    if (!Array.isArray(tree) || tree.length !== axes.length) {
      throw new ShapeError(
        WHO,
        `the axes at ${path || "the top"} are an array of ${axes.length}, got ${describe(tree)} there`,
        "give one axis per element (or one number for all).",
      );
    }
    return axes.map((a: Axes, i: number) => mapPrefix(a, tree[i], fn, `${path}[${i}]`));
  }
  if (tree === null || typeof tree !== "object" || Array.isArray(tree)) {
    throw new ShapeError(
      WHO,
      `the axes at ${path || "the top"} are an object, got ${describe(tree)} there`,
      "match the value's structure (or pass one number).",
    );
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(tree)) {
    const a = Object.prototype.hasOwnProperty.call(axes, k) ? (axes as Record<string, Axes>)[k]! : null;
    out[k] = mapPrefix(a, (tree as Record<string, unknown>)[k], fn, `${path}.${k}`);
  }
  return out;
}

function checkAxes(axes: unknown, what: string): Axes {
  const ok = (a: unknown): boolean =>
    a === null ||
    (typeof a === "number" && Number.isInteger(a)) ||
    (Array.isArray(a) ? a.every(ok) : typeof a === "object" && a !== null && Object.values(a).every(ok));
  if (!ok(axes)) {
    throw new InvalidArgumentError(
      WHO,
      `\`${what}\` must be an integer, null, or an array / object of them, got ${describe(axes)}`,
      `e.g. \`{ ${what}: 0 }\` or \`{ ${what}: [0, null] }\`.`,
    );
  }
  return axes as Axes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof tf.Tensor && b instanceof tf.Tensor) {
    if (
      a.dtype !== b.dtype ||
      a.shape.length !== b.shape.length ||
      a.shape.some((d: number, i: number) => d !== b.shape[i])
    )
      return false;
    const x = a.dataSync();
    const y = b.dataSync();
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !ArrayBuffer.isView(a)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

/** The state entries whose current value differs between two elements (state is not mapped). */
function differingState(a: SavedInternalState, b: SavedInternalState): string[] {
  const out: string[] = [];
  for (const [bundle, entries] of a.state) {
    const other = b.state.get(bundle);
    for (const [name, pair] of entries) {
      const o: StatePair | undefined = other?.get(name);
      if (o === undefined || !sameValue(pair.current, o.current)) out.push(`${bundle}/${name}`);
    }
  }
  return out;
}

/**
 * Maps `fn` over an axis of its arguments (Haiku's `hk.vmap`): module parameters and state are
 * shared by all elements, not mapped. Each element sees the same parameters and the same input
 * state; the state it leaves must be the same for every element (as with Haiku, where state is
 * unmapped, a value that differs per element is an error). Keys: `splitRng: false` gives every
 * element the same keys; `splitRng: true` takes `n` keys with `hk.nextRngKeys(n)` and element `i`
 * draws from a sequence started at key `i`, exactly as Haiku.
 *
 * tfjs has no `vmap`: the function runs once per element (eagerly, in order) and the outputs are
 * stacked along `outAxes`. The results equal Haiku's; the cost is `n` calls.
 *
 * @example
 * ```ts
 * const f = hk.transform((xs: tf.Tensor) => {
 *   const lin = new hk.Linear(2);
 *   return hk.vmap((x: tf.Tensor) => lin.call(tf.expandDims(x, 0)), { splitRng: false })(xs); // params shared
 * });
 * ```
 *
 * @category Transforms
 */
export function vmap<A extends unknown[], R>(fn: (...args: A) => R, opts: VmapOptions): (...args: A) => R {
  if (typeof fn !== "function")
    throw new InvalidArgumentError(
      WHO,
      `expects the function to map, got ${describe(fn)}`,
      "hk.vmap(fn, { splitRng: false }).",
    );
  if (opts === undefined || opts === null || typeof opts.splitRng !== "boolean") {
    throw new InvalidArgumentError(
      WHO,
      `Haiku requires the splitRng argument to be passed to hk.vmap, got ${describe(opts?.splitRng)}`,
      "pass `{ splitRng: false }` (same keys for every element) or `{ splitRng: true }` (one key each).",
    );
  }
  const inAxes = checkAxes(opts.inAxes === undefined ? 0 : opts.inAxes, "inAxes");
  const outAxes = checkAxes(opts.outAxes === undefined ? 0 : opts.outAxes, "outAxes");
  if (axesLeaves(inAxes).length === 0) {
    throw new InvalidArgumentError(
      WHO,
      `${fn.name || "the function"} must have at least one non-null value in inAxes to use with \`hk.vmap\`, got ${JSON.stringify(inAxes)}`,
      "map at least one argument (e.g. `inAxes: 0`).",
    );
  }
  const splitRng = opts.splitRng;
  const mapped = (...args: A): R => {
    const frame = insideTransform(WHO, "loop over the axis yourself");
    const argAxes: Axes = Array.isArray(inAxes) ? inAxes : args.map(() => inAxes);
    if ((argAxes as Axes[]).length !== args.length) {
      throw new ShapeError(
        WHO,
        `inAxes has ${(argAxes as Axes[]).length} entries, got ${args.length} arguments`,
        "give one axis spec per argument.",
      );
    }
    // Haiku's get_mapped_axis_size: the first mapped input decides.
    let n: number | undefined;
    mapPrefix(
      argAxes,
      args,
      (axis, sub) => {
        if (axis === null || n !== undefined) return undefined;
        const first = leaves<unknown>(sub as never).find((l) => l instanceof tf.Tensor) as tf.Tensor | undefined;
        if (first !== undefined) {
          const ax = axis < 0 ? axis + first.rank : axis;
          if (ax < 0 || ax >= first.rank) {
            throw new ShapeError(
              WHO,
              `inAxes ${axis} is out of range for an input of shape [${first.shape.join(", ")}]`,
              "pass an axis the input has.",
            );
          }
          n = first.shape[ax];
        }
        return undefined;
      },
      "",
    );
    if (opts.axisSize !== undefined) {
      if (n !== undefined && n !== opts.axisSize) {
        throw new ShapeError(
          WHO,
          `axisSize is ${opts.axisSize}, got inputs with ${n} elements on the mapped axis`,
          "drop axisSize or make them agree.",
        );
      }
      n = opts.axisSize;
    }
    if (n === undefined) {
      throw new InvalidArgumentError(
        WHO,
        `no mapped input has a tensor to read the axis size from, got ${args.length} arguments`,
        "pass `axisSize`.",
      );
    }
    const size = n;
    const perArg = mapPrefix(
      argAxes,
      args,
      (axis, sub) => (axis === null ? null : unstackTree(sub, size, WHO, "a mapped input", axis)),
      "",
    );
    const sliceAt = (i: number): unknown => slice(argAxes, args, perArg, i);
    // As Haiku: `next_rng_keys(n)` (a MissingRNGError without rng); the outer sequence stays
    // where that call left it.
    const keys = splitRng ? nextRngKeys(size) : null;
    const stateIn = saveInternalState(frame);
    const names = new NamingSnapshot(frame);
    const before = frame.frozen ? null : paramNames(frame);
    const created = new Map<string, tf.Tensor>();
    const outs: unknown[] = [];
    let firstState: SavedInternalState | undefined;
    try {
      for (let i = 0; i < size; i++) {
        restoreInternalState(frame, stateIn);
        names.reset();
        // Every element runs the same trace in Haiku: later elements create the same params
        // again (drawing the same keys) and element 0's are kept.
        for (const full of created.keys()) {
          const cut = full.lastIndexOf("/");
          frame.params.get(full.slice(0, cut))?.delete(full.slice(cut + 1));
        }
        if (keys !== null) frame.rngStack.push(new PRNGSequence(keys[i]!));
        try {
          outs.push((fn as (...a: unknown[]) => unknown)(...(sliceAt(i) as unknown[])));
        } finally {
          if (keys !== null) frame.rngStack.pop();
        }
        if (before !== null) {
          for (const [bundle, entries] of frame.params) {
            for (const [name, t] of entries) {
              const full = `${bundle}/${name}`;
              if (before.has(full)) continue;
              if (keys !== null) {
                throw new ParameterError(
                  WHO,
                  `does not support setting splitRng to true during initialization because it assumes parameters are always shared along the mapped dimension, got new parameter ${full}`,
                  "switch the value of `splitRng` to false during initialization: `splitRng: !hk.runningInit()`.",
                );
              }
              if (i === 0) created.set(full, t);
              else entries.set(name, created.get(full)!);
            }
          }
        }
        const after = saveInternalState(frame);
        if (firstState === undefined) firstState = after;
        else {
          const diff = differingState(firstState, after);
          if (diff.length > 0) {
            throw new ParameterError(
              WHO,
              `state is not mapped (shared by all elements, as in Haiku), got values of [${diff.join(", ")}] that differ between elements`,
              "set state from values that do not depend on the mapped inputs, or return the per-element values as outputs instead.",
            );
          }
        }
      }
    } finally {
      names.restore();
    }
    return stackOutputs(outAxes, outs) as R;
  };
  Object.defineProperty(mapped, "name", { value: fn.name, configurable: true });
  return mapped;
}

/** The arguments of element `i`: slices where an axis is mapped, the value itself where not. */
function slice(axes: Axes, args: unknown, perArg: unknown, i: number): unknown {
  if (isAxis(axes)) return axes === null ? args : (perArg as unknown[])[i];
  if (Array.isArray(axes))
    return axes.map((a: Axes, j: number) => slice(a, (args as unknown[])[j], (perArg as unknown[])[j], i));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(args as object)) {
    const a = Object.prototype.hasOwnProperty.call(axes, k) ? (axes as Record<string, Axes>)[k]! : null;
    out[k] = slice(a, (args as Record<string, unknown>)[k], (perArg as Record<string, unknown>)[k], i);
  }
  return out;
}

/** Stacks the per-element outputs along `outAxes` (unmapped parts: element 0's value). */
function stackOutputs(axes: Axes, outs: unknown[]): unknown {
  if (isAxis(axes)) return axes === null ? outs[0] : stackTrees(outs, WHO, "the outputs", axes);
  if (Array.isArray(axes)) {
    return axes.map((a: Axes, j: number) =>
      stackOutputs(
        a,
        outs.map((o) => {
          if (!Array.isArray(o) || o.length !== axes.length) {
            throw new ShapeError(
              WHO,
              `outAxes is an array of ${axes.length}, got output ${describe(o)}`,
              "match outAxes to the output's structure.",
            );
          }
          return o[j];
        }),
      ),
    );
  }
  const first = outs[0];
  if (first === null || typeof first !== "object") {
    throw new ShapeError(
      WHO,
      `outAxes is an object, got output ${describe(first)}`,
      "match outAxes to the output's structure.",
    );
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(first)) {
    const a = Object.prototype.hasOwnProperty.call(axes, k) ? (axes as Record<string, Axes>)[k]! : null;
    out[k] = stackOutputs(
      a,
      outs.map((o) => (o as Record<string, unknown>)[k]),
    );
  }
  return out;
}
