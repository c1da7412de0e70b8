import * as tf from "@tensorflow/tfjs-core";

import { valueAndGrad } from "../grad/index.js";
import * as tree from "../tree/index.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { applyUpdates } from "./combine.js";
import type { GradientTransformation } from "./types.js";

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  /** `lossFn` returns `[loss, aux]`; `aux` is returned as `result.aux`. Default false. */
  hasAux?: boolean;
  /**
   * Dispose the `params` and `optState` passed in once the new ones exist (they are replaced).
   * Default true; set false when something else still holds the old trees.
   */
  disposeInputs?: boolean;
}

/** What a step made by {@link trainStep} returns; the caller owns every tensor in it. */
export interface TrainStepResult<P, S, Aux = undefined> {
  /** The updated parameters (a new deep-frozen tree). */
  params: P;
  /** The new optimizer state. */
  optState: S;
  /** The loss at the old parameters (a scalar tensor). */
  loss: tf.Scalar;
  /** `lossFn`'s aux output (with `hasAux`), e.g. a new model state. */
  aux: Aux;
}

/**
 * One optimization step as a function: `valueAndGrad(lossFn)` at `params`, `opt.update`, then
 * `applyUpdates`; gradients and updates are freed, and the replaced `params` / `optState` are
 * disposed (unless `disposeInputs: false`), so a loop
 * `({params, optState, loss} = step(params, optState, x, y))` keeps `tf.memory().numTensors`
 * constant. Dispose `loss` (and any `aux`) each step.
 *
 * @example
 * ```ts
 * const opt = hk.optim.adam(1e-3);
 * const step = hk.optim.trainStep((p: hk.Params, x: tf.Tensor, y: tf.Tensor) => tf.losses.meanSquaredError(y, net.apply(p, null, x)) as tf.Scalar, opt);
 * let optState = opt.init(params);
 * for (const [x, y] of batches) {
 *   const r = step(params, optState, x, y);
 *   ({ params, optState } = r);
 *   r.loss.dispose();
 * }
 * ```
 */
export function trainStep<P, S, Args extends unknown[], Aux>(
  lossFn: (params: P, ...args: Args) => readonly [tf.Tensor, Aux],
  opt: GradientTransformation<S>,
  opts: TrainStepOptions & { hasAux: true },
): (params: P, optState: S, ...args: Args) => TrainStepResult<P, S, Aux>;
export function trainStep<P, S, Args extends unknown[]>(
  lossFn: (params: P, ...args: Args) => tf.Tensor,
  opt: GradientTransformation<S>,
  opts?: TrainStepOptions & { hasAux?: false },
): (params: P, optState: S, ...args: Args) => TrainStepResult<P, S>;
export function trainStep(
  lossFn: (...args: unknown[]) => unknown,
  opt: GradientTransformation<unknown>,
  { hasAux = false, disposeInputs = true }: TrainStepOptions = {},
): (params: unknown, optState: unknown, ...args: unknown[]) => TrainStepResult<unknown, unknown, unknown> {
  if (opt === null || typeof opt !== "object" || typeof opt.update !== "function") {
    throw new InvalidArgumentError(
      "hk.optim.trainStep",
      `\`opt\` (the second argument) must be a GradientTransformation, got ${describe(opt)}`,
      "pass an optimizer such as hk.optim.adam(1e-3).",
    );
  }
  const vg = (hasAux ? valueAndGrad(lossFn as never, { hasAux: true }) : valueAndGrad(lossFn as never)) as (
    ...args: unknown[]
  ) => [unknown, unknown];
  return (params, optState, ...args) => {
    const out = tf.tidy(() => {
      const [v, grads] = vg(params, ...args);
      const [loss, aux] = hasAux ? (v as [tf.Scalar, unknown]) : [v as tf.Scalar, undefined];
      const [updates, newState] = opt.update(grads, optState, params);
      const newParams = applyUpdates(params, updates);
      return { params: newParams, optState: newState, loss, aux } as unknown as tf.TensorContainer;
    }) as unknown as TrainStepResult<unknown, unknown, unknown>;
    if (disposeInputs) {
      // Spare anything the results still hold (e.g. a model state passed through unchanged).
      const keep = [out.params, out.optState, out.aux];
      tree.dispose(params, keep);
      tree.dispose(optState, keep);
    }
    return out;
  };
}
