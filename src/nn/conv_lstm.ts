/**
 * Convolutional LSTM cores (`recurrent.py`'s `ConvNDLSTM` and its 1/2/3-D variants).
 */
import * as tf from "@tensorflow/tfjs-core";
import { module } from "../core/index.js";
import { ConvND } from "./conv.js";
import { RNNCore, checkLSTMState, lstmStep, zerosState } from "./recurrent.js";
import type { LSTMState } from "./recurrent.js";
import { moduleWhere } from "../core/module.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** Options of the convolutional LSTMs.
 *
 * @category Layers
 */
export interface ConvLSTMOptions {
  /** Module name; default the snake-cased class name (`conv2_dlstm`). */
  name?: string;
}

/**
 * `numSpatialDims`-D convolutional LSTM: the LSTM equations with convolutions
 * (`input_to_hidden`, `hidden_to_hidden`, each `ConvND(4 * outputChannels, kernelShape)`,
 * channels-last, SAME padding) in place of the matrix products; gates i, g, f, o; forget bias +1.
 *
 * @example
 * ```ts
 * const core = new hk.ConvNDLSTM(2, [8, 8], 16, 3);
 * const [out, state] = core.call(frames, core.initialState(batch)); // frames: [B, 8, 8, C]
 * ```
 *
 * @category Layers
 */
@module("conv_ndlstm")
export class ConvNDLSTM extends RNNCore<tf.Tensor, LSTMState, tf.Tensor> {
  /** Number of spatial dimensions. */
  readonly numSpatialDims: number;
  /** Spatial shape of the inputs and states (Haiku's `input_shape`). */
  readonly inputShape: readonly number[];
  /** Channels of the hidden and cell states. */
  readonly outputChannels: number;
  /** Kernel size, an int or one per spatial dim. */
  readonly kernelShape: number | readonly number[];

  /**
   * @param numSpatialDims - 1, 2 or 3.
   * @param inputShape - spatial shape of the inputs (without batch and channels).
   * @param outputChannels - channels of the hidden and cell states.
   * @param kernelShape - kernel size, an int or one per spatial dim.
   * @param opts - `name`.
   */
  constructor(
    numSpatialDims: number,
    inputShape: readonly number[],
    outputChannels: number,
    kernelShape: number | readonly number[],
    opts: ConvLSTMOptions = {},
  ) {
    super(opts.name);
    const where = moduleWhere(this);
    if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new InvalidArgumentError(
        where,
        `\`inputShape\` (Haiku's \`input_shape\`) must be a list of positive integers, got ${JSON.stringify(inputShape)}`,
        "pass the spatial shape without batch and channels, e.g. `[28, 28]`.",
      );
    }
    if (!Number.isInteger(outputChannels) || outputChannels < 1) {
      throw new InvalidArgumentError(
        where,
        `\`outputChannels\` (Haiku's \`output_channels\`) must be a positive integer, got ${describe(outputChannels)}`,
        "pass e.g. 16.",
      );
    }
    this.numSpatialDims = numSpatialDims;
    this.inputShape = [...inputShape];
    this.outputChannels = outputChannels;
    this.kernelShape = kernelShape;
  }

  /** One step: returns `[h, {hidden: h, cell: c}]`. */
  call(inputs: tf.Tensor, state: LSTMState): [tf.Tensor, LSTMState] {
    const where = moduleWhere(this);
    if (!(inputs instanceof tf.Tensor))
      throw new InvalidArgumentError(
        where,
        `\`inputs\` must be a tf.Tensor, got ${describe(inputs)}`,
        "pass a tf.Tensor.",
      );
    checkLSTMState(state, "`state`", where);
    const inputToHidden = new ConvND(this.numSpatialDims, 4 * this.outputChannels, this.kernelShape, {
      name: "input_to_hidden",
    });
    const hiddenToHidden = new ConvND(this.numSpatialDims, 4 * this.outputChannels, this.kernelShape, {
      name: "hidden_to_hidden",
    });
    return lstmStep(tf.add(inputToHidden.call(inputs), hiddenToHidden.call(state.hidden)), state.cell);
  }

  /** Zeros `{hidden, cell}` of `[batchSize, ...inputShape, outputChannels]` (no batch axis if `null`). */
  initialState(batchSize: number | null): LSTMState {
    const where = moduleWhere(this);
    const shape = [...this.inputShape, this.outputChannels];
    return { hidden: zerosState(shape, batchSize, where), cell: zerosState(shape, batchSize, where) };
  }
}

/**
 * 1-D convolutional LSTM (inputs `[B, W, C]`); see {@link ConvNDLSTM}.
 *
 * @category Layers
 */
@module("conv1_dlstm")
export class Conv1DLSTM extends ConvNDLSTM {
  /**
   * @param inputShape - `[W]`.
   * @param outputChannels - channels of the hidden and cell states.
   * @param kernelShape - kernel size.
   * @param opts - `name` (default `"conv1_dlstm"`).
   */
  constructor(
    inputShape: readonly number[],
    outputChannels: number,
    kernelShape: number | readonly number[],
    opts: ConvLSTMOptions = {},
  ) {
    super(1, inputShape, outputChannels, kernelShape, opts);
  }
}

/**
 * 2-D convolutional LSTM (inputs `[B, H, W, C]`); see {@link ConvNDLSTM}.
 *
 * @example
 * ```ts
 * const core = new hk.Conv2DLSTM([2, 2], 3, 3); // params conv2_dlstm/input_to_hidden, .../hidden_to_hidden
 * ```
 *
 * @category Layers
 */
@module("conv2_dlstm")
export class Conv2DLSTM extends ConvNDLSTM {
  /**
   * @param inputShape - `[H, W]`.
   * @param outputChannels - channels of the hidden and cell states.
   * @param kernelShape - kernel size.
   * @param opts - `name` (default `"conv2_dlstm"`).
   */
  constructor(
    inputShape: readonly number[],
    outputChannels: number,
    kernelShape: number | readonly number[],
    opts: ConvLSTMOptions = {},
  ) {
    super(2, inputShape, outputChannels, kernelShape, opts);
  }
}

/**
 * 3-D convolutional LSTM (inputs `[B, D, H, W, C]`); see {@link ConvNDLSTM}.
 *
 * @category Layers
 */
@module("conv3_dlstm")
export class Conv3DLSTM extends ConvNDLSTM {
  /**
   * @param inputShape - `[D, H, W]`.
   * @param outputChannels - channels of the hidden and cell states.
   * @param kernelShape - kernel size.
   * @param opts - `name` (default `"conv3_dlstm"`).
   */
  constructor(
    inputShape: readonly number[],
    outputChannels: number,
    kernelShape: number | readonly number[],
    opts: ConvLSTMOptions = {},
  ) {
    super(3, inputShape, outputChannels, kernelShape, opts);
  }
}
