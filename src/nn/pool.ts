/**
 * `maxPool`, `avgPool`, `MaxPool`, `AvgPool` (Haiku's `pool.py`).
 *
 * JAX's `reduce_window` pools over any axes; tfjs pools over the H and W of an NHWC tensor.
 * Max and average pooling over a rectangular window are separable (per-axis SAME padding is
 * independent, and the SAME count of non-padded elements is a product over axes), so the pooled
 * axes are processed two at a time, each pair reshaped (free) or transposed into tfjs's
 * `[batch, h, w, channels]` layout. NHWC pooling over H and W is a single tfjs call.
 */
import { moduleWhere } from "../core/module.js";
import * as tf from "@tensorflow/tfjs-core";
import { Module, module } from "../core/index.js";
import { assertTensor } from "../util/assert.js";
import { describe, formatShape } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";

/** Pooling padding: `"SAME"` or `"VALID"`.
 *
 * @category Layers
 */
export type PoolPadding = "SAME" | "VALID";

/** Haiku's `_infer_shape` for a window or strides spec. */
function inferShape(
  x: tf.Tensor,
  size: number | readonly number[],
  channelAxis: number | null,
  where: string,
  what: string,
): number[] {
  if (typeof size === "number") {
    if (!Number.isInteger(size) || size < 1)
      throw new InvalidArgumentError(
        where,
        `${what} must be a positive integer, got ${describe(size)}`,
        "pass e.g. 2.",
      );
    let ca = channelAxis;
    if (ca !== null && ca !== 0) {
      if (!(Math.abs(ca) < x.rank))
        throw new InvalidArgumentError(
          where,
          `Invalid \`channelAxis\` (Haiku's \`channel_axis\`) ${ca} for shape ${formatShape(x.shape)}`,
          "pass an axis of the input, or null.",
        );
      if (ca < 0) ca = x.rank + ca;
    }
    return [1, ...Array.from({ length: x.rank - 1 }, (_, i) => (i + 1 === ca ? 1 : size))];
  }
  if (!Array.isArray(size) || !size.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new InvalidArgumentError(
      where,
      `${what} must be a positive integer or an array of them, got ${describe(size)}`,
      "pass e.g. 2 or [1, 2, 2, 1].",
    );
  }
  if (size.length < x.rank) return [...new Array<number>(x.rank - size.length).fill(1), ...size];
  if (size.length > x.rank) {
    throw new ShapeError(
      where,
      `${what} ${JSON.stringify(size)} has more entries than the input has dims ${formatShape(x.shape)}`,
      "pass one entry per input axis (or one number).",
    );
  }
  return [...size];
}

function checkPadding(padding: unknown, where: string): asserts padding is PoolPadding {
  if (padding !== "SAME" && padding !== "VALID") {
    throw new InvalidArgumentError(
      where,
      `Invalid \`padding\` ${describe(padding)}, must be 'SAME' or 'VALID'`,
      'pass "SAME" or "VALID".',
    );
  }
}

/** Pools axes `a < b` (or `a` alone when `b` is null) of `x` with tfjs's 2-D pooling. */
function poolPair(
  kind: "max" | "avg",
  x: tf.Tensor,
  a: number,
  b: number | null,
  win: [number, number],
  str: [number, number],
  padding: PoolPadding,
): tf.Tensor {
  let y = x;
  let perm: number[] | null = null;
  let bb = b;
  if (b !== null && b !== a + 1) {
    // Bring axis b next to a.
    perm = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== b);
    perm.splice(a + 1, 0, b);
    y = tf.transpose(y, perm);
    bb = a + 1;
  }
  const shape = y.shape;
  const last = bb ?? a;
  const lead = shape.slice(0, a).reduce((p, q) => p * q, 1);
  const trail = shape.slice(last + 1).reduce((p, q) => p * q, 1);
  const h = shape[a]!;
  const w = bb === null ? 1 : shape[bb]!;
  const x4 = tf.reshape(y, [lead, h, w, trail]) as tf.Tensor4D;
  const p4 =
    kind === "max" ? tf.maxPool(x4, win, str, padding === "SAME" ? "same" : "valid") : avgPool2d(x4, win, str, padding);
  const outShape = [...shape];
  outShape[a] = p4.shape[1];
  if (bb !== null) outShape[bb] = p4.shape[2];
  let out = tf.reshape(p4, outShape);
  if (perm !== null) {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    out = tf.transpose(out, inv);
  }
  return out;
}

/**
 * 2-D average pooling with Haiku's SAME rule (divide by the non-padded count), which is what
 * tfjs's "same" computes (TF's padding formula is JAX's). Its gradient is right once the runtime
 * is installed (tfjs 4.22's own AvgPoolGrad divided padded windows by the full window size; see
 * docs/guides/runtime.md).
 */
function avgPool2d(x: tf.Tensor4D, win: [number, number], str: [number, number], padding: PoolPadding): tf.Tensor4D {
  return tf.avgPool(x, win, str, padding === "SAME" ? "same" : "valid");
}

function pool(
  kind: "max" | "avg",
  where: string,
  value: tf.Tensor,
  windowShape: number | readonly number[],
  strides: number | readonly number[],
  padding: PoolPadding,
  channelAxis: number | null,
): tf.Tensor {
  checkPadding(padding, where);
  assertTensor(value, where, "`value`");
  const win = inferShape(value, windowShape, channelAxis, where, "`windowShape` (Haiku's `window_shape`)");
  const str = inferShape(value, strides, channelAxis, where, "`strides`");
  const axes = win.map((_, i) => i).filter((i) => win[i]! > 1 || str[i]! > 1);
  if (axes.length === 0) return value;
  let out = value;
  for (let i = 0; i < axes.length; i += 2) {
    const a = axes[i]!;
    const b = axes[i + 1] ?? null;
    out = poolPair(kind, out, a, b, [win[a]!, b === null ? 1 : win[b]!], [str[a]!, b === null ? 1 : str[b]!], padding);
  }
  return out;
}

/**
 * Max pooling (Haiku's `hk.max_pool`, `lax.reduce_window` with `-inf` padding).
 *
 * @param value Input.
 * @param windowShape Window per dim, batch and channel included (`[1, 2, 2, 1]`); a shorter
 *   array is left-padded with 1s; an int `s` means `s` on every dim but the batch and
 *   `channelAxis`.
 * @param strides Strides, same rules.
 * @param padding `"SAME"` or `"VALID"`.
 * @param channelAxis Axis excluded when an int is broadcast (default -1).
 * @example
 * ```ts
 * const y = hk.maxPool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME");
 * ```
 *
 * @category Layers
 */
export function maxPool(
  value: tf.Tensor,
  windowShape: number | readonly number[],
  strides: number | readonly number[],
  padding: PoolPadding,
  channelAxis: number | null = -1,
): tf.Tensor {
  return pool("max", "hk.maxPool", value, windowShape, strides, padding, channelAxis);
}

/**
 * Average pooling (Haiku's `hk.avg_pool`): VALID divides by the window size, SAME by the number
 * of non-padded elements in each window.
 *
 * @param value Input.
 * @param windowShape Window per dim (see {@link maxPool}).
 * @param strides Strides per dim.
 * @param padding `"SAME"` or `"VALID"`.
 * @param channelAxis Axis excluded when an int is broadcast (default -1).
 * @example
 * ```ts
 * const y = hk.avgPool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID");
 * ```
 *
 * @category Layers
 */
export function avgPool(
  value: tf.Tensor,
  windowShape: number | readonly number[],
  strides: number | readonly number[],
  padding: PoolPadding,
  channelAxis: number | null = -1,
): tf.Tensor {
  return pool("avg", "hk.avgPool", value, windowShape, strides, padding, channelAxis);
}

/**
 * Options of {@link MaxPool} / {@link AvgPool}.
 *
 * @category Layers
 */
export interface PoolOptions {
  /** Axis excluded when an int window/stride is broadcast (default -1). */
  channelAxis?: number | null;
  /** Module name. */
  name?: string;
}

/**
 * Max pooling as a module (`hk.MaxPool`); no parameters.
 *
 * @example
 * ```ts
 * const y = new hk.MaxPool([1, 2, 2, 1], [1, 2, 2, 1], "VALID").call(x);
 * ```
 *
 * @category Layers
 */
@module("max_pool")
export class MaxPool extends Module {
  /** Window spec. */
  readonly windowShape: number | readonly number[];
  /** Strides spec. */
  readonly strides: number | readonly number[];
  /** Padding. */
  readonly padding: PoolPadding;
  /** Channel axis. */
  readonly channelAxis: number | null;

  /**
   * @param windowShape Window per dim (see {@link maxPool}).
   * @param strides Strides per dim.
   * @param padding `"SAME"` or `"VALID"`.
   * @param options Haiku's keyword arguments.
   */
  constructor(
    windowShape: number | readonly number[],
    strides: number | readonly number[],
    padding: PoolPadding,
    options: PoolOptions = {},
  ) {
    super(options.name);
    checkPadding(padding, moduleWhere(this));
    this.windowShape = windowShape;
    this.strides = strides;
    this.padding = padding;
    this.channelAxis = options.channelAxis === undefined ? -1 : options.channelAxis;
  }

  /** Pools `value`. */
  call(value: tf.Tensor): tf.Tensor {
    return pool("max", moduleWhere(this), value, this.windowShape, this.strides, this.padding, this.channelAxis);
  }
}

/**
 * Average pooling as a module (`hk.AvgPool`); no parameters.
 *
 * @example
 * ```ts
 * const y = new hk.AvgPool([1, 2, 2, 1], [1, 2, 2, 1], "VALID").call(x);
 * ```
 *
 * @category Layers
 */
@module("avg_pool")
export class AvgPool extends Module {
  /** Window spec. */
  readonly windowShape: number | readonly number[];
  /** Strides spec. */
  readonly strides: number | readonly number[];
  /** Padding. */
  readonly padding: PoolPadding;
  /** Channel axis. */
  readonly channelAxis: number | null;

  /**
   * @param windowShape Window per dim (see {@link avgPool}).
   * @param strides Strides per dim.
   * @param padding `"SAME"` or `"VALID"`.
   * @param options Haiku's keyword arguments.
   */
  constructor(
    windowShape: number | readonly number[],
    strides: number | readonly number[],
    padding: PoolPadding,
    options: PoolOptions = {},
  ) {
    super(options.name);
    checkPadding(padding, moduleWhere(this));
    this.windowShape = windowShape;
    this.strides = strides;
    this.padding = padding;
    this.channelAxis = options.channelAxis === undefined ? -1 : options.channelAxis;
  }

  /** Pools `value`. */
  call(value: tf.Tensor): tf.Tensor {
    return pool("avg", moduleWhere(this), value, this.windowShape, this.strides, this.padding, this.channelAxis);
  }
}
