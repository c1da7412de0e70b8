/**
 * Recurrent cores (`recurrent.py`): `RNNCore`, `VanillaRNN`, `LSTM`, `GRU`, `IdentityCore`,
 * `ResetCore`, `DeepRNN`. The unroll functions live in `unroll.ts`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { VarianceScaling } from "../initializers/index.js";
import * as tree from "../tree/index.js";
import { Linear } from "./linear.js";
import { moduleWhere } from "../core/module.js";
import { zerosInit } from "../initializers/constant.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe, formatShape } from "../util/describe.js";

/**
 * Base class of recurrent cores: `call(inputs, prevState)` returns `[output, nextState]`, and
 * `initialState(batchSize)` builds a starting state (unbatched when `batchSize` is `null`).
 * Cores run one step; {@link staticUnroll} / {@link dynamicUnroll} run a sequence.
 *
 * @category Layers
 */
@module("rnn_core")
export abstract class RNNCore<I = tf.Tensor, S = unknown, O = tf.Tensor> extends Module {
  /** Runs one step; returns `[output, nextState]` with `nextState` shaped like `prevState`. */
  abstract call(inputs: I, prevState: S): [O, S];
  /** An initial state, with a leading batch axis of `batchSize` unless it is `null`. */
  abstract initialState(batchSize: number | null): S;
}

/**
 * The state of an {@link LSTM}: hidden and cell vectors (Haiku's `LSTMState` named tuple).
 *
 * @category Layers
 */
export interface LSTMState {
  /** Hidden state `h`, `[B, H]` (or `[H]`). */
  readonly hidden: tf.Tensor;
  /** Cell state `c`, `[B, H]` (or `[H]`). */
  readonly cell: tf.Tensor;
}

/**
 * Throws unless `state` is an {@link LSTMState} of tensors.
 */
export function checkLSTMState(state: unknown, what: string, where: string): asserts state is LSTMState {
  const s = state as Partial<LSTMState> | null;
  if (s === null || typeof s !== "object" || !(s.hidden instanceof tf.Tensor) || !(s.cell instanceof tf.Tensor)) {
    throw new InvalidArgumentError(
      where,
      `${what} must be an LSTMState {hidden, cell} of tensors, got ${describe(state)}`,
      "start from `core.initialState(batchSize)` and pass the state the previous step returned.",
    );
  }
}

/**
 * The LSTM update from the gate pre-activations (Haiku's order i, g, f, o on the last axis):
 * `c = σ(f + 1) c' + σ(i) tanh(g)`, `h = σ(o) tanh(c)`; returns `[h, {hidden: h, cell: c}]`.
 */
export function lstmStep(gated: tf.Tensor, prevCell: tf.Tensor): [tf.Tensor, LSTMState] {
  const [i, g, f, o] = tf.split(gated, 4, -1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const forget = tf.sigmoid(tf.add(f, tf.scalar(1, f.dtype)));
  const c = tf.add(tf.mul(forget, prevCell), tf.mul(tf.sigmoid(i), tf.tanh(g)));
  const h = tf.mul(tf.sigmoid(o), tf.tanh(c));
  return [h, { hidden: h, cell: c }];
}

/**
 * Zeros of `shape`, with a leading `batchSize` axis unless it is `null` (Haiku's `add_batch`).
 */
export function zerosState(shape: number | readonly number[], batchSize: number | null, where: string): tf.Tensor {
  const s = typeof shape === "number" ? [shape] : [...shape];
  if (batchSize === null || batchSize === undefined) return tf.zeros(s);
  if (!Number.isInteger(batchSize) || batchSize < 0) {
    throw new InvalidArgumentError(
      where,
      `\`batchSize\` (Haiku's \`batch_size\`) must be a non-negative integer or null, got ${describe(batchSize)}`,
      "pass e.g. `initialState(8)`, or `initialState(null)` for an unbatched state.",
    );
  }
  return tf.zeros([batchSize, ...s]);
}

function checkHidden(hiddenSize: unknown, where: string): number {
  if (typeof hiddenSize !== "number" || !Number.isInteger(hiddenSize) || hiddenSize < 1) {
    throw new InvalidArgumentError(
      where,
      `\`hiddenSize\` (Haiku's \`hidden_size\`) must be a positive integer, got ${describe(hiddenSize)}`,
      "pass e.g. 128.",
    );
  }
  return hiddenSize;
}

function checkInputs(x: unknown, what: string, where: string): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new InvalidArgumentError(
      where,
      `${what} must be a tf.Tensor, got ${describe(x)}`,
      "pass a tf.Tensor (the state from `initialState`, the inputs of this step).",
    );
  }
}

/** `x @ w` for rank-1 or rank-2 `x` (tf.matMul wants rank >= 2). */
function matVec(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (x.rank >= 2) return tf.matMul(x, w);
  return tf.reshape(tf.matMul(tf.reshape(x, [1, -1]), w), [w.shape[1]!]);
}

/** Options of {@link VanillaRNN}.
 *
 * @category Layers
 */
export interface VanillaRNNOptions {
  /** Whether the hidden-to-hidden Linear has its own bias too; default `true` (as Haiku). */
  doubleBias?: boolean;
  /** Module name; default `"vanilla_rnn"`. */
  name?: string;
}

/**
 * Fully connected RNN: `h_t = relu(W_i x_t + b_i + W_h h_{t-1} + b_h)`, output = state. Params
 * `vanilla_rnn/linear` (input) and `vanilla_rnn/linear_1` (hidden).
 *
 * @example
 * ```ts
 * const core = new hk.VanillaRNN(8);
 * const [out, state] = core.call(x, core.initialState(x.shape[0]));
 * ```
 *
 * @category Layers
 */
@module("vanilla_rnn")
export class VanillaRNN extends RNNCore<tf.Tensor, tf.Tensor, tf.Tensor> {
  /** Size of the hidden state. */
  readonly hiddenSize: number;
  /** Whether both Linears have a bias. */
  readonly doubleBias: boolean;

  /**
   * @param hiddenSize - size of the hidden state.
   * @param opts - `doubleBias`, `name`.
   */
  constructor(hiddenSize: number, opts: VanillaRNNOptions = {}) {
    super(opts.name);
    this.hiddenSize = checkHidden(hiddenSize, moduleWhere(this));
    this.doubleBias = opts.doubleBias ?? true;
  }

  /** One step: returns `[h, h]`. */
  call(inputs: tf.Tensor, prevState: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const where = moduleWhere(this);
    checkInputs(inputs, "`inputs`", where);
    checkInputs(prevState, "`prevState` (Haiku's `prev_state`)", where);
    const inputToHidden = new Linear(this.hiddenSize);
    const hiddenToHidden = new Linear(this.hiddenSize, { withBias: this.doubleBias });
    const out = tf.relu(tf.add(inputToHidden.call(inputs), hiddenToHidden.call(prevState)));
    return [out, out];
  }

  /** Zeros `[batchSize, hiddenSize]` (or `[hiddenSize]`). */
  initialState(batchSize: number | null): tf.Tensor {
    return zerosState(this.hiddenSize, batchSize, moduleWhere(this));
  }
}

/**
 * Options of {@link LSTM}.
 *
 * @category Layers
 */
export interface LSTMOptions {
  /** Module name; default `"lstm"`. */
  name?: string;
}

/**
 * Long short-term memory core. One `Linear(4 * hiddenSize)` (`lstm/linear`) maps
 * `concat([x, h])` to the gates in Haiku's order i, g, f, o; the forget gate gets `+1` in the
 * forward pass: `c = σ(f + 1) c' + σ(i) tanh(g)`, `h = σ(o) tanh(c)`.
 *
 * @example
 * ```ts
 * const lstm = new hk.LSTM(32);
 * const [outs, final] = hk.dynamicUnroll(lstm, xs, lstm.initialState(batch)); // xs: [T, B, D]
 * ```
 *
 * @category Layers
 */
@module("lstm")
export class LSTM extends RNNCore<tf.Tensor, LSTMState, tf.Tensor> {
  /** Size of the hidden and cell states. */
  readonly hiddenSize: number;

  /**
   * @param hiddenSize - size of the hidden and cell states.
   * @param opts - `name`.
   */
  constructor(hiddenSize: number, opts: LSTMOptions = {}) {
    super(opts.name);
    this.hiddenSize = checkHidden(hiddenSize, moduleWhere(this));
  }

  /** One step: returns `[h, {hidden: h, cell: c}]`. */
  call(inputs: tf.Tensor, prevState: LSTMState): [tf.Tensor, LSTMState] {
    const where = moduleWhere(this);
    checkInputs(inputs, "`inputs`", where);
    if (inputs.rank > 2 || inputs.rank === 0) {
      throw new ShapeError(
        where,
        `LSTM input must be rank-1 or rank-2, got shape ${formatShape(inputs.shape)}`,
        "pass one step, [batch, features] or [features].",
      );
    }
    checkLSTMState(prevState, "`prevState` (Haiku's `prev_state`)", where);
    const xAndH = tf.concat([inputs, prevState.hidden], -1);
    return lstmStep(new Linear(4 * this.hiddenSize).call(xAndH), prevState.cell);
  }

  /** Zeros `{hidden, cell}` of `[batchSize, hiddenSize]` (or `[hiddenSize]`). */
  initialState(batchSize: number | null): LSTMState {
    const where = moduleWhere(this);
    return {
      hidden: zerosState(this.hiddenSize, batchSize, where),
      cell: zerosState(this.hiddenSize, batchSize, where),
    };
  }
}

/**
 * Options of {@link GRU} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface GRUOptions {
  /** Initializer of `w_i`; default `VarianceScaling()`. */
  wIInit?: Initializer;
  /** Initializer of `w_h`; default `VarianceScaling()`. */
  wHInit?: Initializer;
  /** Initializer of `b`; default zerosInit. */
  bInit?: Initializer;
  /** Module name; default `"gru"`. */
  name?: string;
}

/**
 * Gated recurrent unit with parameters `w_i [D, 3H]`, `w_h [H, 3H]`, `b [3H]` (gate order z, r, a):
 * `z, r = σ(W_iz x + W_hz h + b_z), σ(...)`, `a = tanh(W_ia x + W_ha (r ⊙ h) + b_a)`,
 * `h' = (1 - z) ⊙ h + z ⊙ a`.
 *
 * @example
 * ```ts
 * const gru = new hk.GRU(16);
 * const [out, state] = gru.call(x, gru.initialState(x.shape[0]));
 * ```
 *
 * @category Layers
 */
@module("gru")
export class GRU extends RNNCore<tf.Tensor, tf.Tensor, tf.Tensor> {
  /** Size of the hidden state. */
  readonly hiddenSize: number;
  /** Initializer of `w_i`. */
  readonly wIInit: Initializer;
  /** Initializer of `w_h`. */
  readonly wHInit: Initializer;
  /** Initializer of `b`. */
  readonly bInit: Initializer;

  /**
   * @param hiddenSize - size of the hidden state.
   * @param opts - `wIInit`, `wHInit`, `bInit`, `name`.
   */
  constructor(hiddenSize: number, opts: GRUOptions = {}) {
    super(opts.name);
    this.hiddenSize = checkHidden(hiddenSize, moduleWhere(this));
    this.wIInit = opts.wIInit ?? VarianceScaling();
    this.wHInit = opts.wHInit ?? VarianceScaling();
    this.bInit = opts.bInit ?? zerosInit;
  }

  /** One step: returns `[h', h']`. */
  call(inputs: tf.Tensor, prevState: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const where = moduleWhere(this);
    checkInputs(inputs, "`inputs`", where);
    checkInputs(prevState, "`state`", where);
    if (inputs.rank !== 1 && inputs.rank !== 2) {
      throw new ShapeError(
        where,
        `GRU input must be rank-1 or rank-2, got shape ${formatShape(inputs.shape)}`,
        "pass one step, [batch, features] or [features].",
      );
    }
    const h = this.hiddenSize;
    const dtype = inputs.dtype;
    const inputSize = inputs.shape[inputs.rank - 1]!;
    const wI = getParameter("w_i", [inputSize, 3 * h], { dtype, init: this.wIInit });
    const wH = getParameter("w_h", [h, 3 * h], { dtype, init: this.wHInit });
    const b = getParameter("b", [3 * h], { dtype, init: this.bInit });
    const [wHZ, wHA] = tf.split(wH, [2 * h, h], 1) as [tf.Tensor, tf.Tensor];
    const [bZ, bA] = tf.split(b, [2 * h, h], 0) as [tf.Tensor, tf.Tensor];
    const gatesX = matVec(inputs, wI);
    const [zrX, aX] = tf.split(gatesX, [2 * h, h], -1) as [tf.Tensor, tf.Tensor];
    const zrH = matVec(prevState, wHZ);
    const zr = tf.add(tf.add(zrX, zrH), bZ);
    const [z, r] = tf.split(tf.sigmoid(zr), 2, -1) as [tf.Tensor, tf.Tensor];
    const aH = matVec(tf.mul(r, prevState), wHA);
    const a = tf.tanh(tf.add(tf.add(aX, aH), bA));
    // (1 - z) * h + z * a == h + z * (a - h)
    const next = tf.add(prevState, tf.mul(z, tf.sub(a, prevState)));
    return [next, next];
  }

  /** Zeros `[batchSize, hiddenSize]` (or `[hiddenSize]`). */
  initialState(batchSize: number | null): tf.Tensor {
    return zerosState(this.hiddenSize, batchSize, moduleWhere(this));
  }
}

/**
 * A core that returns its inputs as outputs and carries an empty state `[]` (for switching
 * between recurrent and feed-forward versions of a model).
 *
 * @category Layers
 */
@module("identity_core")
export class IdentityCore extends RNNCore<unknown, unknown, unknown> {
  /** @param opts - `name`; default `"identity_core"`. */
  constructor(opts: { name?: string } = {}) {
    super(opts.name);
  }

  /** Returns `[inputs, state]`. */
  call(inputs: unknown, state: unknown): [unknown, unknown] {
    return [inputs, state];
  }

  /** The empty state `[]`. */
  initialState(_batchSize: number | null): unknown {
    return [];
  }
}

/**
 * Wraps a core so the state of individual batch entries can be reset to the initial state:
 * `call([inputs, shouldReset], state)`. `shouldReset` is a tensor whose shape is a prefix of every
 * state leaf's shape (e.g. `[B]`), or a tree matching the state.
 *
 * @example
 * ```ts
 * const core = new hk.ResetCore(new hk.LSTM(8));
 * const [outs] = hk.dynamicUnroll(core, [xs, resets], core.initialState(batch));
 * ```
 *
 * @category Layers
 */
@module("reset_core")
export class ResetCore<I = tf.Tensor, S = unknown, O = tf.Tensor> extends RNNCore<[I, unknown], S, O> {
  /** The wrapped core. */
  readonly core: RNNCore<I, S, O>;

  /**
   * @param core - the core whose state is reset.
   * @param opts - `name`; default `"reset_core"`.
   */
  constructor(core: RNNCore<I, S, O>, opts: { name?: string } = {}) {
    super(opts.name);
    if (!(core instanceof RNNCore)) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        `\`core\` must be an hk.RNNCore, got ${describe(core)}`,
        "wrap an RNN core, e.g. `new hk.ResetCore(new hk.LSTM(8))`.",
      );
    }
    this.core = core;
  }

  /** Resets the flagged entries of `state`, then runs the wrapped core. */
  call(inputsAndReset: [I, unknown], state: S): [O, S] {
    const where = moduleWhere(this);
    if (!Array.isArray(inputsAndReset) || inputsAndReset.length !== 2) {
      throw new InvalidArgumentError(
        where,
        "call() takes [inputs, shouldReset] as its first argument",
        "call `core.call([x, shouldReset], state)`.",
      );
    }
    const [inputs, shouldResetIn] = inputsAndReset;
    const shouldReset = shouldResetIn instanceof tf.Tensor ? tree.map(() => shouldResetIn, state) : shouldResetIn;
    const batched = isBatched(state, this.initialState(1));
    const batchSize = batched ? (tree.leaves(inputs as tree.PyTree)[0] as tf.Tensor).shape[0]! : null;
    const initial = this.initialState(batchSize);
    const next = tree.map(
      (s: tf.Tensor, reset: tf.Tensor, init: tf.Tensor) => {
        if (!(reset instanceof tf.Tensor) || !s.shape.slice(0, reset.rank).every((d, i) => d === reset.shape[i])) {
          throw new ShapeError(
            where,
            `should_reset signal shape ${reset instanceof tf.Tensor ? formatShape(reset.shape) : describe(reset)} is not compatible with state shape ${formatShape(s.shape)}; it must be a prefix of it`,
            "pass `shouldReset` of shape [batch].",
          );
        }
        const cond = tf.reshape(reset.dtype === "bool" ? reset : tf.notEqual(reset, 0), [
          ...reset.shape,
          ...new Array<number>(s.rank - reset.rank).fill(1),
        ]);
        const i = init.dtype === s.dtype ? init : tf.cast(init, s.dtype);
        return tf.where(cond, i, s);
      },
      state,
      shouldReset,
      initial,
    ) as S;
    return this.core.call(inputs, next);
  }

  /** The wrapped core's initial state. */
  initialState(batchSize: number | null): S {
    return this.core.initialState(batchSize);
  }
}

/** Haiku's `ResetCore._is_batched`: state leaves match a batch-1 initial state past axis 0. */
function isBatched(state: unknown, batchOfOne: unknown): boolean {
  const leaves = tree.leaves(state as tree.PyTree) as tf.Tensor[];
  if (leaves.length === 0) return false;
  const batched = tree.leaves(batchOfOne as tree.PyTree) as tf.Tensor[];
  return batched.every((b, i) => {
    const s = leaves[i];
    return s !== undefined && b.shape.slice(1).join(",") === s.shape.slice(1).join(",");
  });
}

/** A layer of a {@link DeepRNN}: a recurrent core, or a plain function applied to the outputs.
 *
 * @category Layers
 */
export type DeepRNNLayer = RNNCore<any, any, any> | ((x: any) => any); // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Stacks cores and plain functions into one core; its state is an array with one entry per
 * {@link RNNCore} layer.
 *
 * @example
 * ```ts
 * const deep = new hk.DeepRNN([new hk.LSTM(4), tf.relu, new hk.LSTM(2)]);
 * const [out, state] = deep.call(x, deep.initialState(batch));
 * ```
 *
 * @category Layers
 */
@module("deep_rnn")
export class DeepRNN extends RNNCore<unknown, unknown[], unknown> {
  /** The layers, in order. */
  readonly layers: readonly DeepRNNLayer[];
  /** Whether layer i > 0 also sees the core's inputs and the output concatenates all cores. */
  readonly skipConnections: boolean;

  /**
   * @param layers - cores and functions, applied in order.
   * @param opts - `name` (default `"deep_rnn"`).
   */
  constructor(layers: readonly DeepRNNLayer[], opts: { name?: string; skipConnections?: boolean } = {}) {
    super(opts.name);
    if (!Array.isArray(layers)) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        "`layers` must be an array of cores and functions",
        "pass e.g. `[new hk.LSTM(8), tf.relu]`.",
      );
    }
    this.layers = [...layers];
    this.skipConnections = opts.skipConnections ?? false;
    if (this.skipConnections && !layers.every((l) => l instanceof RNNCore)) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        "`skipConnections` (Haiku's `skip_connections`) requires for all layers to be `hk.RNNCore`s",
        "drop the plain functions from `layers`, or set `skipConnections: false`.",
      );
    }
  }

  /** Runs every layer; returns `[output, nextStates]`. */
  call(inputs: unknown, state: unknown[]): [unknown, unknown[]] {
    const where = moduleWhere(this);
    const numCores = this.layers.filter((l) => l instanceof RNNCore).length;
    if (!Array.isArray(state) || state.length !== numCores) {
      throw new ShapeError(
        where,
        `\`state\` must be an array with one entry per RNNCore layer (${numCores})`,
        "start from `initialState(batchSize)` and pass the state the previous step returned.",
      );
    }
    let current: unknown = inputs;
    const nextStates: unknown[] = [];
    const outputs: unknown[] = [];
    let stateIdx = 0;
    this.layers.forEach((layer, idx) => {
      if (this.skipConnections && idx > 0) {
        current = tree.map((x: tf.Tensor, c: tf.Tensor) => tf.concat([x, c], -1), inputs, current);
      }
      if (layer instanceof RNNCore) {
        const [out, next] = layer.call(current, state[stateIdx++]);
        current = out;
        outputs.push(out);
        nextStates.push(next);
      } else {
        current = layer(current);
      }
    });
    const out = this.skipConnections
      ? tree.map((...xs: tf.Tensor[]) => tf.concat(xs, -1), outputs[0], ...outputs.slice(1))
      : current;
    return [out, nextStates];
  }

  /** One initial state per core layer. */
  initialState(batchSize: number | null): unknown[] {
    return this.layers
      .filter((l): l is RNNCore<unknown, unknown, unknown> => l instanceof RNNCore)
      .map((l) => l.initialState(batchSize));
  }
}

/**
 * A {@link DeepRNN} with skip connections: layer i > 0 gets `concat([inputs, out_{i-1}])` and the
 * output concatenates every core's output. Default name `"__deep_rnn"` (Haiku's `_DeepRNN`).
 *
 * @example
 * ```ts
 * const core = hk.deepRnnWithSkipConnections([new hk.LSTM(4), new hk.LSTM(4)]);
 * ```
 *
 * @category Layers
 */
export function deepRnnWithSkipConnections(
  // Cores of any input, output and state types (the type parameters are invariant).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  layers: readonly RNNCore<any, any, any>[],
  opts: { name?: string } = {},
): DeepRNN {
  return new DeepRNN(layers, { name: opts.name ?? "__deep_rnn", skipConnections: true });
}
