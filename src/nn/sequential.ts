/**
 * `Sequential` (Haiku's `basic.py`, class `Sequential`).
 */
import { Module, module } from "../core/index.js";
import { moduleWhere } from "../core/module.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** Something {@link Sequential} can call: a module with `call`, or a plain function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SequentialLayer = ((x: any, ...args: any[]) => any) | CallableLayer;

/** A module-like layer: anything with a `call` method (every `hk.Module`).
 *
 * @category Layers
 */
export interface CallableLayer {
  /** The layer's forward computation. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(x: any, ...args: any[]): any;
}

/**
 * Options of {@link Sequential}.
 *
 * @category Layers
 */
export interface SequentialOptions {
  /** Module name; default `"sequential"`. */
  name?: string;
}

/**
 * Calls its layers in order, each on the previous one's output. Extra arguments of `call` go to
 * the first layer only (as in Haiku), so a `BatchNorm` needing `isTraining` must come first or be
 * wrapped in a function. Layers built outside are named in the outer scope.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) =>
 *   new hk.Sequential([new hk.Linear(32), tf.relu, new hk.Linear(10)]).call(x));
 * ```
 *
 * @category Layers
 */
@module("sequential")
export class Sequential extends Module {
  /** The layers, in call order. */
  readonly layers: readonly SequentialLayer[];

  /**
   * @param layers Modules (anything with `call`) and plain functions.
   * @param options Haiku's keyword arguments.
   */
  constructor(layers: Iterable<SequentialLayer>, options: SequentialOptions = {}) {
    super(options.name);
    if (
      layers === null ||
      layers === undefined ||
      typeof (layers as Iterable<unknown>)[Symbol.iterator] !== "function"
    ) {
      throw new InvalidArgumentError(
        moduleWhere(this),
        `\`layers\` must be an array of modules or functions, got ${describe(layers)}`,
        "pass e.g. `[new hk.Linear(8), tf.relu]`.",
      );
    }
    this.layers = Object.freeze([...layers]);
    this.layers.forEach((l, i) => {
      if (typeof l !== "function" && (typeof l !== "object" || l === null || typeof l.call !== "function")) {
        throw new InvalidArgumentError(
          moduleWhere(this),
          `\`layers[${i}]\` is neither a function nor a module with a call method, got ${describe(l)}`,
          "pass modules and functions only.",
        );
      }
    });
  }

  /** Runs every layer; `args` go to the first one only. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(inputs: any, ...args: any[]): any {
    let out = inputs;
    this.layers.forEach((layer, i) => {
      const extra = i === 0 ? args : [];
      out = typeof layer === "function" ? layer(out, ...extra) : layer.call(out, ...extra);
    });
    return out;
  }
}
