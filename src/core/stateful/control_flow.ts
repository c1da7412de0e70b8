/**
 * `hk.cond`, `hk.switch`, `hk.foriLoop` and `hk.whileLoop` (Haiku's `stateful.py`): JAX control
 * flow with Haiku state threaded through, run eagerly.
 */
import { describe } from "../../util/describe.js";
import type { Frame } from "../frame.js";
import {
  NamingSnapshot,
  insideTransform,
  intValue,
  newParams,
  paramNames,
  reserveUpToFull,
  saveInternalState,
  truthy,
} from "./internal.js";
import { InvalidArgumentError, ParameterError, TransformError } from "../../util/errors.js";

/** Haiku's `RUNNING_INIT_HINT`, in our spelling. */
const RUNNING_INIT_HINT =
  "A common mistake is to use hk.cond / hk.switch at init time and create module parameters in " +
  "one of the branches. At init time you should unconditionally create the parameters of all " +
  "modules you might want to use at apply. Fix: `if (hk.runningInit()) { other(x); out = mine(x); } " +
  "else { out = hk.cond(pred, mine, other, x); }` (for hk.switch: call every branch in init).";

/** Runs one branch as Haiku's `stateful_branch` does: decoupled names, keys topped up after. */
function runBranch<R>(frame: Frame, who: string, branch: (...operands: never[]) => R, operands: unknown[]): R {
  if (typeof branch !== "function") {
    throw new InvalidArgumentError(
      who,
      `every branch must be a function, got ${describe(branch)}`,
      "pass functions taking the operands.",
    );
  }
  reserveUpToFull(frame);
  const names = new NamingSnapshot(frame);
  const before = frame.frozen ? new Set<string>() : paramNames(frame);
  try {
    const out = (branch as (...a: unknown[]) => R)(...operands);
    const created = newParams(frame, before);
    if (created.length > 0) {
      throw new ParameterError(
        who,
        `parameters were created inside a branch during init, got [${created.join(", ")}]. ${RUNNING_INIT_HINT}`,
      );
    }
    reserveUpToFull(frame);
    return out;
  } finally {
    names.restore();
  }
}

/**
 * `trueFn(...operands)` if `pred` holds, else `falseFn(...operands)` (Haiku's `hk.cond`, i.e.
 * `jax.lax.cond` with Haiku state passed in and out). Only the chosen branch runs (eagerly); its
 * state changes and keys are kept, as in Haiku. Creating parameters inside a branch during `init`
 * is an error, as in Haiku: call every branch unconditionally in `init`.
 *
 * @example
 * ```ts
 * const small = new hk.Linear(2);
 * const big = new hk.nets.MLP([16, 2]);
 * const out = hk.runningInit()
 *   ? (small.call(x), big.call(x))
 *   : hk.cond(tf.greater(tf.sum(x), 0), (v: tf.Tensor) => big.call(v), (v: tf.Tensor) => small.call(v), x);
 * ```
 *
 * @category Transforms
 */
export function cond<A extends unknown[], R>(
  pred: unknown,
  trueFn: (...operands: A) => R,
  falseFn: (...operands: A) => R,
  ...operands: A
): R {
  const frame = insideTransform("hk.cond()", "use a plain `if`");
  const p = truthy(pred, "hk.cond", "`pred`");
  if (typeof trueFn !== "function" || typeof falseFn !== "function") {
    throw new InvalidArgumentError(
      "hk.cond",
      `\`trueFn\` and \`falseFn\` must be functions, got ${describe(trueFn)} and ${describe(falseFn)}`,
      "hk.cond(pred, trueFn, falseFn, ...operands).",
    );
  }
  return runBranch(frame, "hk.cond", (p ? trueFn : falseFn) as unknown as (...o: never[]) => R, operands);
}

/**
 * `branches[index](...operands)` (Haiku's `hk.switch`, i.e. `jax.lax.switch` with Haiku state
 * passed in and out). As `jax.lax.switch`, an out-of-range `index` is clamped to
 * `[0, branches.length - 1]`. Creating parameters in a branch during `init` is an error: call
 * every branch in `init`.
 *
 * @example
 * ```ts
 * const i = tf.scalar(1, "int32"); // which expert
 * const experts = [new hk.Linear(2), new hk.Linear(2)];
 * const out = hk.runningInit()
 *   ? experts.map((e) => e.call(x))[0]
 *   : hk.switch(i, experts.map((e) => (v: tf.Tensor) => e.call(v)), x);
 * ```
 *
 * @category Transforms
 */
export function switch_<A extends unknown[], R>(
  index: unknown,
  branches: readonly ((...operands: A) => R)[],
  ...operands: A
): R {
  const frame = insideTransform("hk.switch()", "index the array of functions");
  if (!Array.isArray(branches) || branches.length === 0) {
    throw new InvalidArgumentError(
      "hk.switch",
      `\`branches\` must be a non-empty array of functions, got ${describe(branches)}`,
      "pass [f0, f1, ...].",
    );
  }
  const i = Math.min(Math.max(intValue(index, "hk.switch", "`index`"), 0), branches.length - 1);
  return runBranch(frame, "hk.switch", branches[i] as (...o: never[]) => R, operands);
}

/**
 * `val = body(i, val)` for `i` from `lower` to `upper - 1` (Haiku's `hk.fori_loop`). As Haiku, in
 * `init` the first step runs on its own (and always runs, even when `lower === upper`) to create
 * parameters and state; keys are topped up before the loop and after every step, so they match
 * Haiku's. `i` is a plain number. tfjs has no `lax.fori_loop`: the loop runs eagerly.
 *
 * @example
 * ```ts
 * const lin = new hk.Linear(4);
 * const h = hk.foriLoop(0, 3, (i: number, v: tf.Tensor) => tf.tanh(lin.call(v)), x);
 * ```
 *
 * @category Transforms
 */
export function foriLoop<T>(lower: number, upper: number, body: (i: number, val: T) => T, initVal: T): T {
  const frame = insideTransform("hk.foriLoop()", "use a plain `for` loop");
  if (typeof body !== "function")
    throw new InvalidArgumentError(
      "hk.foriLoop",
      `\`body\` must be a function (i, val) => val, got ${describe(body)}`,
      "hk.foriLoop(lower, upper, body, init).",
    );
  let lo = intValue(lower, "hk.foriLoop", "`lower`");
  const hi = intValue(upper, "hk.foriLoop", "`upper`");
  let val = initVal;
  if (!frame.frozen) {
    val = body(lo, val);
    lo += 1;
    if (hi - lo === 0) return val;
  }
  reserveUpToFull(frame);
  const names = new NamingSnapshot(frame);
  const before = frame.frozen ? new Set<string>() : paramNames(frame);
  try {
    for (let i = lo; i < hi; i++) {
      names.reset();
      val = body(i, val);
      const created = newParams(frame, before);
      if (created.length > 0) {
        throw new ParameterError(
          "hk.foriLoop",
          `new parameters were created in step ${i} (after the first), got [${created.join(", ")}]`,
          "create the modules outside the loop body and call them inside.",
        );
      }
      reserveUpToFull(frame);
    }
  } finally {
    names.restore();
  }
  return val;
}

function sameInternalState(a: ReturnType<typeof saveInternalState>, b: ReturnType<typeof saveInternalState>): boolean {
  if ((a.rng === null) !== (b.rng === null)) return false;
  if (a.rng !== null && b.rng !== null) {
    const [ka, sa] = a.rng;
    const [kb, sb] = b.rng;
    if (ka[0] !== kb[0] || ka[1] !== kb[1] || sa.length !== sb.length) return false;
  }
  if (a.state.size !== b.state.size) return false;
  for (const [bundle, entries] of a.state) {
    const other = b.state.get(bundle);
    if (other === undefined || other.size !== entries.size) return false;
    for (const [name, pair] of entries) {
      const o = other.get(name);
      if (o === undefined || o.current !== pair.current || o.initial !== pair.initial) return false;
    }
  }
  return true;
}

/**
 * `while (condFn(val)) val = bodyFn(val)` with Haiku state threaded through (Haiku's
 * `hk.while_loop`). As Haiku it does not run in `init` (whether the body runs cannot be known
 * ahead), and `condFn` may not set state or draw keys.
 *
 * @example
 * ```ts
 * const lin = new hk.Linear(x.shape[1]!); // keeps the shape, as a loop body must
 * const out = hk.runningInit()
 *   ? lin.call(x)
 *   : hk.whileLoop((v: tf.Tensor) => tf.less(tf.mean(v), 1), (v: tf.Tensor) => lin.call(v), x);
 * ```
 *
 * @category Transforms
 */
export function whileLoop<T>(condFn: (val: T) => unknown, bodyFn: (val: T) => T, initVal: T): T {
  const frame = insideTransform("hk.whileLoop()", "use a plain `while` loop");
  if (!frame.frozen) {
    throw new TransformError(
      "hk.whileLoop",
      "`hk.whileLoop` does not support initialization (since we cannot statically determine if your loop will run at least once), got a call during init",
      "run the body unconditionally at init time: `val = hk.runningInit() ? module(val) : hk.whileLoop((v) => tf.less(tf.mean(v), 1), module, val)`.",
    );
  }
  if (typeof condFn !== "function" || typeof bodyFn !== "function") {
    throw new InvalidArgumentError(
      "hk.whileLoop",
      `\`condFn\` and \`bodyFn\` must be functions, got ${describe(condFn)} and ${describe(bodyFn)}`,
      "hk.whileLoop(cond, body, init).",
    );
  }
  reserveUpToFull(frame);
  const names = new NamingSnapshot(frame);
  let val = initVal;
  try {
    for (;;) {
      names.reset();
      const before = saveInternalState(frame);
      const c = truthy(condFn(val), "hk.whileLoop", "the value `condFn` returns");
      if (!sameInternalState(before, saveInternalState(frame))) {
        throw new TransformError(
          "hk.whileLoop",
          "`hk.whileLoop` does not support `hk.setState`, `hk.nextRngKey` (et al) in `condFn`, got a change of state or keys in it",
          "compute what the condition needs in `bodyFn` and carry it in the loop value.",
        );
      }
      if (!c) break;
      names.reset();
      val = bodyFn(val);
      reserveUpToFull(frame);
    }
  } finally {
    names.restore();
  }
  return val;
}
