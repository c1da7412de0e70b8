/**
 * `nets.MLP` (Haiku's `nets/mlp.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, PRNGSequence, module } from "../../core/index.js";
import type { Initializer } from "../../core/index.js";
import type { PRNGKey } from "../../random/index.js";
import { dropout } from "../dropout.js";
import { Linear } from "../linear.js";
import { moduleWhere } from "../../core/module.js";
import { InvalidArgumentError, TransformError } from "../../util/errors.js";

/** Options of {@link MLP} (Haiku's keyword arguments). */
export interface MLPOptions {
  /** Initializer of every `w` (default: `Linear`'s own). */
  wInit?: Initializer | null;
  /** Initializer of every `b` (default zeros); must be unset when `withBias` is false. */
  bInit?: Initializer | null;
  /** Whether each layer has a bias (default true). */
  withBias?: boolean;
  /** Activation between layers (default `tf.relu`). */
  activation?: (x: tf.Tensor) => tf.Tensor;
  /** Whether to activate (and drop out) the last layer's output too (default false). */
  activateFinal?: boolean;
  /** Module name; default `"mlp"`. */
  name?: string;
}

/** Options of {@link MLP.call}. */
export interface MLPCallOptions {
  /** Dropout rate applied before each activation; needs `rng`. */
  dropoutRate?: number | null;
  /** Key for dropout (a `PRNGSequence` is started from it); only with `dropoutRate`. */
  rng?: PRNGKey | null;
}

/**
 * A multi-layer perceptron: `Linear` layers `<name>/~/linear_0`, `linear_1`, ..., with an
 * activation (and optional dropout) between them.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => new hk.nets.MLP([300, 100, 10]).call(x));
 * const params = f.init(hk.random.key(0), tf.ones([8, 784]));
 * // with dropout during training:
 * const g = hk.transform((x: tf.Tensor) =>
 *   new hk.nets.MLP([300, 10]).call(x, { dropoutRate: 0.5, rng: hk.nextRngKey() }));
 * ```
 */
/** `linear_0` ... `linear_15`, made once (names are on every apply's path). */
const LAYER_NAMES = Array.from({ length: 16 }, (_, i) => `linear_${i}`);

@module("mlp")
export class MLP extends Module {
  /** The layers, `linear_0`, `linear_1`, .... */
  readonly layers: readonly Linear[];
  /** Output size of each layer. */
  readonly outputSizes: readonly number[];
  /** The last layer's output size (`null` for no layers). */
  readonly outputSize: number | null;
  /** Whether the layers have biases. */
  readonly withBias: boolean;
  /** `w` initializer passed to the layers. */
  readonly wInit: Initializer | null;
  /** `b` initializer passed to the layers. */
  readonly bInit: Initializer | null;
  /** Activation function. */
  readonly activation: (x: tf.Tensor) => tf.Tensor;
  /** Whether the output is activated. */
  readonly activateFinal: boolean;

  /**
   * @param outputSizes Output size of each layer.
   * @param options Haiku's keyword arguments.
   */
  constructor(outputSizes: Iterable<number>, options: MLPOptions = {}) {
    const withBias = options.withBias ?? true;
    if (!withBias && options.bInit !== undefined && options.bInit !== null) {
      throw new InvalidArgumentError(
        `MLP '${options.name ?? "mlp"}'`,
        "When `withBias` (Haiku's `with_bias`) is false `bInit` (Haiku's `b_init`) must not be set",
        "drop `bInit`, or set `withBias: true`.",
      );
    }
    super(options.name);
    const sizes = Array.isArray(outputSizes) ? (outputSizes as number[]) : [...outputSizes];
    const n = sizes.length;
    // Built with plain loops: an MLP is constructed on every apply, so this is on the hot path.
    const ownSizes: number[] = [];
    const layers: Linear[] = [];
    this.withBias = withBias;
    this.wInit = options.wInit ?? null;
    this.bInit = options.bInit ?? null;
    this.activation = options.activation ?? tf.relu;
    this.activateFinal = options.activateFinal ?? false;
    for (let i = 0; i < n; i++) {
      const size = sizes[i]!;
      ownSizes.push(size);
      layers.push(
        new Linear(size, { wInit: this.wInit, bInit: this.bInit, withBias, name: LAYER_NAMES[i] ?? `linear_${i}` }),
      );
    }
    this.outputSizes = Object.freeze(ownSizes);
    this.layers = Object.freeze(layers);
    this.outputSize = n ? sizes[n - 1]! : null;
  }

  /** Runs the layers on `inputs` (`[batch, inputSize]`). */
  call(inputs: tf.Tensor, options: MLPCallOptions = {}): tf.Tensor {
    const rate = options.dropoutRate ?? null;
    const rngIn = options.rng ?? null;
    if (rate !== null && rngIn === null) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        "When using dropout an rng key must be passed",
        "call `mlp.call(x, { dropoutRate, rng: hk.nextRngKey() })`.",
      );
    }
    if (rate === null && rngIn !== null) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        "RNG should only be passed when using dropout",
        "set `dropoutRate`, or drop `rng`.",
      );
    }
    const rng = rngIn !== null ? new PRNGSequence(rngIn) : null;
    const layers = this.layers;
    const n = layers.length;
    let out = inputs;
    for (let i = 0; i < n; i++) {
      out = layers[i]!.call(out);
      if (i < n - 1 || this.activateFinal) {
        if (rate !== null) out = dropout(rng!.next(), rate, out);
        out = this.activation(out);
      }
    }
    return out;
  }

  /**
   * A new MLP mirroring this one's layer sizes (its outputs are this one's input sizes), named
   * `<name>_reversed` by default. Needs a prior call; weights are not shared.
   */
  reverse(options: { activateFinal?: boolean; name?: string } = {}): MLP {
    const sizes = [...this.layers]
      .reverse()
      .map((l) => l.inputSize)
      .filter((s): s is number => s !== null);
    if (sizes.length !== this.layers.length) {
      throw new TransformError(
        moduleWhere(this),
        "You cannot reverse an MLP until it has been called",
        "call the MLP once (so its input size is known) before `reverse()`.",
      );
    }
    return new MLP(sizes, {
      wInit: this.wInit,
      bInit: this.bInit,
      withBias: this.withBias,
      activation: this.activation,
      activateFinal: options.activateFinal ?? this.activateFinal,
      name: options.name ?? `${this.name}_reversed`,
    });
  }
}
