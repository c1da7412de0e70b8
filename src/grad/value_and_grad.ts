import * as tf from "@tensorflow/tfjs-core";
// Registers tfjs' gradients (and the runtime's gradient fixes) wherever gradients are taken.
import "../runtime/training.js";
import { freeze } from "immer";

import * as tree from "../tree/index.js";
import type { Leaf } from "../tree/index.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe } from "../util/describe.js";
import { disposeAbandonedTape, nextTensorId } from "../util/tfjs_internals.js";

/**
 * Options of {@link grad} and {@link valueAndGrad} (JAX's `argnums` / `has_aux`).
 *
 * @category Training
 */
export interface GradOptions<N extends number | readonly number[] = number | readonly number[]> {
  /**
   * Which positional argument(s) to differentiate: a number gives one gradient tree, an array a
   * tuple of them (JAX's `argnums`). Default 0.
   */
  argnums?: N;
  /** When true, `fn` returns `[value, aux]` and `aux` is passed through (JAX's `has_aux`). */
  hasAux?: boolean;
}

/**
 * A gradient tree: the structure of the differentiated argument `T` with a float32 tensor per
 * leaf, deep-frozen.
 *
 * @category Training
 */
export type Grads<T> = T extends Leaf
  ? tf.Tensor
  : T extends null | undefined
    ? T
    : { readonly [K in keyof T]: Grads<T[K]> };

/**
 * The gradients for `argnums` `N` of a function taking `Args`.
 *
 * @category Training
 */
export type GradsFor<Args extends readonly unknown[], N> = N extends number
  ? Grads<Args[N]>
  : N extends readonly number[]
    ? { readonly [K in keyof N]: Grads<Args[N[K] & number]> }
    : never;

interface Plan {
  /** Differentiated float tensors, deduplicated by identity. */
  readonly xs: tf.Tensor[];
  /** Per argnum: its treedef and, per leaf, the index into `xs`. */
  readonly args: { def: tree.TreeDef; idx: number[] }[];
}

function fail(where: string, argnum: number, arg: unknown, bad: unknown, why: string): never {
  let at = "<root>";
  for (const [path, leaf] of tree.leavesWithPath(arg as tree.PyTree<unknown>)) {
    if (leaf === bad) {
      at = tree.formatPath(path);
      break;
    }
  }
  throw new InvalidArgumentError(
    where,
    `leaf \`${at}\` of argument ${argnum} ${why}. Only float32 tensors can be differentiated (JAX rejects integer inputs to grad the same way)`,
    'move integer, boolean and non-tensor values to an argument that is not in `argnums`, or cast them with tf.cast(x, "float32").',
  );
}

function plan(where: string, args: readonly unknown[], argnums: readonly number[]): Plan {
  const xs: tf.Tensor[] = [];
  const seen = new Map<number, number>();
  const out: Plan["args"] = [];
  for (const a of argnums) {
    if (!Number.isInteger(a) || a < 0 || a >= args.length) {
      throw new InvalidArgumentError(
        where,
        `\`argnums\` contains ${describe(a)} but the function was called with ${args.length} argument(s)`,
        "make `argnums` index a positional argument (0-based).",
      );
    }
    const arg = args[a];
    const [leaves, def] = tree.flatten(arg as tree.PyTree<unknown>);
    const idx = new Array<number>(leaves.length);
    for (let i = 0; i < leaves.length; i++) {
      const l = leaves[i];
      if (!(l instanceof tf.Tensor)) fail(where, a, arg, l, `is ${describe(l)}, not a tensor`);
      if (l.dtype !== "float32") fail(where, a, arg, l, `is a ${l.dtype} tensor`);
      if (l.isDisposed) fail(where, a, arg, l, "is a disposed tensor (was the old params tree disposed before use?)");
      let j = seen.get(l.id);
      if (j === undefined) {
        j = xs.length;
        xs.push(l);
        seen.set(l.id, j);
      }
      idx[i] = j;
    }
    out.push({ def, idx });
  }
  return { xs, args: out };
}

/** Disposes the tensors of `t` made during this call (never the caller's own tensors). */
function disposeNew(t: unknown, firstId: number): void {
  for (const x of tree.tensors(t)) if (x.id >= firstId) x.dispose();
}

interface Result {
  value: tf.Tensor;
  aux: unknown;
  grads: unknown;
}

function compute(
  where: string,
  fn: (...args: unknown[]) => unknown,
  args: readonly unknown[],
  argnums: readonly number[],
  single: boolean,
  hasAux: boolean,
): Result {
  const p = plan(where, args, argnums);
  const firstId = nextTensorId();
  let aux: unknown = undefined;
  let problem: string | null = null;

  const forward = (): tf.Tensor => {
    const out = fn(...args);
    let value: unknown = out;
    if (hasAux) {
      if (!Array.isArray(out) || out.length !== 2) {
        problem = `with hasAux: true the function must return [value, aux], got ${out === null ? "null" : Array.isArray(out) ? `an array of length ${out.length}` : typeof out}`;
        return tf.scalar(0);
      }
      value = out[0];
      aux = out[1];
      // Aux tensors are made inside tfjs' forward tidy; keep them so they reach the caller.
      // Tensors that existed before the call (ids below firstId) are the caller's already.
      for (const t of tree.tensors(aux)) if (t.id >= firstId) tf.keep(t);
    }
    if (!(value instanceof tf.Tensor)) {
      problem = `the function must return a scalar float32 tensor${hasAux ? " as value" : ""}, got ${typeof value === "number" ? `the number ${value} (return a tensor, e.g. tf.scalar(x) or tf.mean(...))` : typeof value}`;
      return tf.scalar(0);
    }
    return value;
  };

  let result: { value: tf.Tensor; grads: tf.Tensor[]; auxTensors: tf.Tensor[] };
  let auxLeaves: unknown[] = [];
  let auxDef: tree.TreeDef | null = null;
  try {
    result = tf.tidy(() => {
      const r =
        p.xs.length === 0
          ? { value: forward(), grads: [] as (tf.Tensor | null)[] }
          : tf.engine().gradients(forward, p.xs, undefined, true);
      // The caller owns and may dispose what is returned, so a returned tensor must be neither
      // one of the caller's own (`fn = (p) => p.loss`, a param passed out in aux) nor appear
      // twice. Aux tensors also must not stay `keep`-marked (an enclosing tf.tidy could not free
      // them). Each aux tensor therefore gets a fresh handle (a data-sharing reshape, tracked
      // like any result) and the kept original made in this call is released.
      if (hasAux && problem === null) {
        [auxLeaves, auxDef] = tree.flatten(aux as tree.PyTree<unknown>);
        auxLeaves = auxLeaves.map((l) => {
          if (!(l instanceof tf.Tensor)) return l;
          const h = tf.reshape(l, l.shape);
          if (l.id >= firstId) l.dispose();
          return h;
        });
      }
      const value = r.value.id < firstId ? tf.reshape(r.value, r.value.shape) : r.value;
      const seen = new Set<number>();
      const grads = r.grads.map((g, i) => {
        // Leaves that do not reach the loss get zeros (JAX's behaviour), not tfjs' exception.
        const x = p.xs[i] as tf.Tensor;
        if (g == null) return tf.zerosLike(x);
        // tfjs may hand the same gradient tensor to several inputs (e.g. both sides of an add);
        // give each leaf its own handle so disposing one leaf never frees another. A same-shape
        // reshape shares the data (tf.clone would copy it on wasm).
        if (seen.has(g.id)) return tf.reshape(g, g.shape);
        seen.add(g.id);
        return g;
      });
      // Only tensors go back through tidy (it would walk any object found in aux).
      const auxTensors = auxLeaves.filter((l): l is tf.Tensor => l instanceof tf.Tensor);
      return { value, grads, auxTensors };
    });
  } catch (e) {
    disposeAbandonedTape();
    disposeNew(aux, firstId);
    throw e;
  }

  const { value, grads } = result;
  if (problem === null && (value.rank !== 0 || value.dtype !== "float32")) {
    problem = `the function must return a scalar float32 tensor (shape []), got ${value.dtype}[${value.shape.join(",")}]; reduce it first, e.g. with tf.mean`;
  }
  if (problem !== null) {
    value.dispose();
    tf.dispose(result.auxTensors);
    tf.dispose(grads);
    disposeNew(aux, firstId);
    throw new ShapeError(
      where,
      problem,
      "return a scalar float32 tensor (with `hasAux: true`, `[value, aux]`), e.g. reduce with tf.mean.",
    );
  }

  // A tensor shared by two leaves (or two differentiated arguments): JAX sees separate inputs;
  // here each leaf gets the total gradient of the shared tensor, under its own handle.
  const used = new Set<number>();
  const perArg = p.args.map(({ def, idx }) => {
    const leaves = idx.map((j) => {
      const g = grads[j] as tf.Tensor;
      if (used.has(j)) return tf.reshape(g, g.shape);
      used.add(j);
      return g;
    });
    return tree.unflatten(def, leaves);
  });
  const out = single ? perArg[0] : perArg;
  let auxOut = aux;
  if (hasAux) {
    auxOut = tree.unflatten(auxDef as unknown as tree.TreeDef, auxLeaves);
    if (Object.isFrozen(aux)) auxOut = freeze(auxOut, true);
  }
  return { value, aux: auxOut, grads: freeze(out, true) };
}

function normalize(
  where: string,
  opts: GradOptions | undefined,
): { argnums: number[]; single: boolean; hasAux: boolean } {
  if (opts !== undefined && (typeof opts !== "object" || opts === null)) {
    throw new InvalidArgumentError(
      where,
      `options must be an object {argnums?, hasAux?}, got ${describe(opts)}`,
      "pass e.g. `{ argnums: 0, hasAux: false }`.",
    );
  }
  const a = opts?.argnums ?? 0;
  const single = typeof a === "number";
  const argnums = single ? [a] : [...(a as readonly number[])];
  if (!single && argnums.length === 0) {
    throw new InvalidArgumentError(
      where,
      "`argnums` must be a number or a non-empty array of numbers, got []",
      "pass e.g. 0 or [0, 1].",
    );
  }
  return { argnums, single, hasAux: opts?.hasAux === true };
}

function checkFn(where: string, fn: unknown): void {
  if (typeof fn !== "function") {
    throw new InvalidArgumentError(
      where,
      `expected a function fn(params, ...rest) returning a scalar tensor, got ${describe(fn)}`,
      "pass the loss function, e.g. `hk.grad((p, x) => tf.mean(...))`.",
    );
  }
}

/**
 * JAX's `value_and_grad`: returns a function that evaluates `fn` and its gradient with respect
 * to the pytree in argument 0 (or `argnums`). `valueAndGrad(fn)(params, x)` returns
 * `[value, grads]`; with `hasAux` `fn` returns `[value, aux]` and the result is
 * `[[value, aux], grads]`.
 *
 * `grads` has the structure of the argument (objects in its key order), one float32 tensor per
 * leaf, deep-frozen; leaves that do not affect the value get zeros. Every leaf of a
 * differentiated argument must be a float32 tensor (`null` / `undefined` subtrees are fine):
 * integer, boolean and non-tensor leaves are rejected with an error naming their path, as JAX
 * rejects integer inputs. `value` must be a scalar float32 tensor. Intermediates are freed; the
 * caller owns `value`, `grads` and `aux` (dispose them, e.g. with `hk.tree.dispose(grads)`).
 *
 * @example
 * ```ts
 * const loss = (p: { w: tf.Tensor; b: tf.Tensor }, x: tf.Tensor, y: tf.Tensor) =>
 *   tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, p.w), p.b), y)));
 * const params = { w: tf.ones([3, 1]), b: tf.zeros([1]) };
 * const [value, grads] = hk.valueAndGrad(loss)(params, tf.ones([4, 3]), tf.zeros([4, 1]));
 * ```
 *
 * @category Training
 */
export function valueAndGrad<Args extends unknown[], Aux, const N extends number | readonly number[] = 0>(
  fn: (...args: Args) => readonly [tf.Tensor, Aux],
  opts: GradOptions<N> & { hasAux: true },
): (...args: Args) => [[tf.Scalar, Aux], GradsFor<Args, N>];
export function valueAndGrad<Args extends unknown[], const N extends number | readonly number[] = 0>(
  fn: (...args: Args) => tf.Tensor,
  opts?: GradOptions<N> & { hasAux?: false },
): (...args: Args) => [tf.Scalar, GradsFor<Args, N>];
export function valueAndGrad(fn: (...args: unknown[]) => unknown, opts?: GradOptions): (...args: unknown[]) => unknown {
  const where = "hk.valueAndGrad";
  checkFn(where, fn);
  const { argnums, single, hasAux } = normalize(where, opts);
  return (...args: unknown[]) => {
    const r = compute(where, fn, args, argnums, single, hasAux);
    return hasAux ? [[r.value, r.aux], r.grads] : [r.value, r.grads];
  };
}

/**
 * JAX's `grad`: like {@link valueAndGrad} but returns only the gradients, or `[grads, aux]`
 * with `hasAux`. The value is computed and disposed.
 *
 * @example
 * ```ts
 * const grads = hk.grad((p: { w: tf.Tensor }) => tf.sum(tf.square(p.w)))({ w: tf.ones([2]) });
 * ```
 *
 * @category Training
 */
export function grad<Args extends unknown[], Aux, const N extends number | readonly number[] = 0>(
  fn: (...args: Args) => readonly [tf.Tensor, Aux],
  opts: GradOptions<N> & { hasAux: true },
): (...args: Args) => [GradsFor<Args, N>, Aux];
export function grad<Args extends unknown[], const N extends number | readonly number[] = 0>(
  fn: (...args: Args) => tf.Tensor,
  opts?: GradOptions<N> & { hasAux?: false },
): (...args: Args) => GradsFor<Args, N>;
export function grad(fn: (...args: unknown[]) => unknown, opts?: GradOptions): (...args: unknown[]) => unknown {
  const where = "hk.grad";
  checkFn(where, fn);
  const { argnums, single, hasAux } = normalize(where, opts);
  return (...args: unknown[]) => {
    const r = compute(where, fn, args, argnums, single, hasAux);
    r.value.dispose();
    return hasAux ? [r.grads, r.aux] : r.grads;
  };
}
