/**
 * Running a recurrent core over a sequence (`recurrent.py`'s `static_unroll` / `dynamic_unroll`).
 *
 * tfjs executes eagerly, so both are a loop over time steps; they give identical outputs and
 * parameter names, and differ only in the options Haiku gives them.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tree from "../tree/index.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe, formatShape } from "../util/describe.js";

/**
 * What can be unrolled: a core (anything with `call(inputs, prevState) -> [output, nextState]`)
 * or a plain step function `(inputs, prevState) => [output, nextState]`.
 *
 * @category Layers
 */
export type Unrollable<I, S, O> = StepCore<I, S, O> | ((inputs: I, prevState: S) => [O, S]);

/**
 * An object with a core's step method (every `RNNCore` is one).
 *
 * @category Layers
 */
export interface StepCore<I, S, O> {
  /** Runs one step: returns `[output, nextState]`. */
  call(inputs: I, prevState: S): [O, S];
}

/**
 * Options of {@link dynamicUnroll}.
 *
 * @category Layers
 */
export interface DynamicUnrollOptions {
  /** Inputs (and outputs) are `[T, B, ...]` when true (default), `[B, T, ...]` when false. */
  timeMajor?: boolean;
  /** Scan from the last step to the first; outputs keep the input's time order. Default false. */
  reverse?: boolean;
  /** Return the state after every step (stacked on the time axis) instead of the final one. */
  returnAllStates?: boolean;
  /** Accepted for signature compatibility (JAX's scan unrolling); has no effect here. */
  unroll?: number;
}

function loop<I, S, O>(
  fnName: string,
  core: Unrollable<I, S, O>,
  inputSequence: I,
  initialState: S,
  timeAxis: number,
  reverse: boolean,
  returnAllStates: boolean,
): [O, S] {
  let step: (inputs: I, prevState: S) => [O, S];
  if (typeof core === "function") {
    step = core;
  } else if (core !== null && typeof core === "object" && typeof core.call === "function") {
    step = (inputs, prevState) => core.call(inputs, prevState);
  } else {
    throw new InvalidArgumentError(
      `hk.${fnName}`,
      `\`core\` must be an RNNCore (an object with call(inputs, prevState)) or a step function (inputs, prevState) => [output, nextState], got ${describe(core)}`,
      "pass an `hk.RNNCore` such as `new hk.LSTM(8)`.",
    );
  }
  const [leaves, def] = tree.flatten(inputSequence as tree.PyTree);
  if (leaves.length === 0 || !leaves.every((l) => l instanceof tf.Tensor)) {
    throw new InvalidArgumentError(
      `hk.${fnName}`,
      "`inputSequence` (Haiku's `input_sequence`) must be a tensor or a tree of tensors with a time axis",
      "pass a tensor of shape [T, B, ...] (or [B, T, ...] with `timeMajor: false`).",
    );
  }
  const tensors = leaves as tf.Tensor[];
  const first = tensors[0]!;
  if (first.rank <= timeAxis) {
    throw new ShapeError(
      `hk.${fnName}`,
      `input of shape ${formatShape(first.shape)} has no time axis ${timeAxis} (\`timeMajor\` ${timeAxis === 0}: expected ${timeAxis === 0 ? "[T, ...]" : "[B, T, ...]"})`,
      "add the time axis, or set `timeMajor` to match the layout.",
    );
  }
  const numSteps = first.shape[timeAxis]!;
  for (const t of tensors) {
    if (t.rank <= timeAxis || t.shape[timeAxis] !== numSteps) {
      throw new ShapeError(
        `hk.${fnName}`,
        `every input leaf needs ${numSteps} steps on axis ${timeAxis}, got shape ${formatShape(t.shape)}`,
        "give every input the same number of time steps.",
      );
    }
  }
  if (numSteps === 0)
    throw new ShapeError(`hk.${fnName}`, "the input sequence has no time steps", "pass at least one step.");

  const perStep = tensors.map((t) => tf.unstack(t, timeAxis));
  const outputs = new Array<O>(numSteps);
  const states = returnAllStates ? new Array<S>(numSteps) : null;
  let state = initialState;
  for (let k = 0; k < numSteps; k++) {
    const t = reverse ? numSteps - 1 - k : k;
    const inputs = tree.unflatten(
      def,
      perStep.map((steps) => steps[t]!),
    ) as I;
    const [out, next] = step(inputs, state);
    outputs[t] = out;
    if (states) states[t] = next;
    state = next;
  }
  const asTensor = (x: unknown): tf.Tensor => (x instanceof tf.Tensor ? x : tf.scalar(x as number));
  const stack = (seq: unknown[]): unknown =>
    tree.map((...xs: unknown[]) => tf.stack(xs.map(asTensor), timeAxis), seq[0], ...seq.slice(1));
  return [stack(outputs) as O, states ? (stack(states) as S) : state];
}

/**
 * Runs `core` over the time axis of `inputSequence` (a tensor or tree of tensors), carrying the
 * state: returns `[outputs stacked on the time axis, final state]`.
 *
 * @param core - an `RNNCore` (or a step function).
 * @param inputSequence - `[T, ...]` leaves if `timeMajor`, else `[B, T, ...]`.
 * @param initialState - e.g. `core.initialState(batchSize)`.
 * @param timeMajor - whether time is axis 0 (default) or axis 1.
 * @example
 * ```ts
 * const lstm = new hk.LSTM(8);
 * const [outs, final] = hk.staticUnroll(lstm, xs, lstm.initialState(xs.shape[1]!));
 * ```
 *
 * @category Layers
 */
export function staticUnroll<I, S, O>(
  core: Unrollable<I, S, O>,
  inputSequence: I,
  initialState: S,
  timeMajor = true,
): [O, S] {
  return loop("staticUnroll", core, inputSequence, initialState, timeMajor ? 0 : 1, false, false);
}

/**
 * Runs `core` over the time axis of `inputSequence` (Haiku's scan-based unroll): returns
 * `[outputs, final state]`, or `[outputs, all states]` with `returnAllStates`. Same outputs and
 * parameter names as {@link staticUnroll}.
 *
 * @param core - an `RNNCore` (or a step function).
 * @param inputSequence - `[T, ...]` leaves if `timeMajor`, else `[B, T, ...]`.
 * @param initialState - e.g. `core.initialState(batchSize)`.
 * @param opts - `timeMajor`, `reverse`, `returnAllStates`.
 * @example
 * ```ts
 * const gru = new hk.GRU(16);
 * const [outs, states] = hk.dynamicUnroll(gru, xs, gru.initialState(batch), { timeMajor: false, returnAllStates: true });
 * ```
 *
 * @category Layers
 */
export function dynamicUnroll<I, S, O>(
  core: Unrollable<I, S, O>,
  inputSequence: I,
  initialState: S,
  opts: DynamicUnrollOptions = {},
): [O, S] {
  const timeAxis = (opts.timeMajor ?? true) ? 0 : 1;
  return loop(
    "dynamicUnroll",
    core,
    inputSequence,
    initialState,
    timeAxis,
    opts.reverse ?? false,
    opts.returnAllStates ?? false,
  );
}
