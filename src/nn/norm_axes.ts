/**
 * Axis handling shared by the normalisation modules: Haiku's `AxisOrAxes` (an int, a list of
 * ints or a Python slice) and `get_channel_index`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/**
 * A Python-style slice over the axes of an input (`slice(1, None)` is `{ start: 1 }`,
 * `slice(1, -1)` is `{ start: 1, stop: -1 }`). Used where Haiku accepts a `slice` for `axis`.
 *
 * @category Layers
 */
export interface AxisSlice {
  /** First axis (inclusive); negative counts from the end; default 0. */
  readonly start?: number | null;
  /** Last axis (exclusive); negative counts from the end; default the rank. */
  readonly stop?: number | null;
  /** Step; default 1. */
  readonly step?: number | null;
}

/**
 * An axis, a list of axes or a slice of axes, as Haiku's `AxisOrAxes`.
 *
 * @category Layers
 */
export type AxisOrAxes = number | readonly number[] | AxisSlice;

/**
 * Normalised form of {@link AxisOrAxes}: a list of (possibly negative) axes or a slice.
 *
 * @category Layers
 */
export type AxesOrSlice = readonly number[] | AxisSlice;

/**
 * Haiku's `to_axes_or_slice`: validates `axis` once, at construction.
 */
export function toAxesOrSlice(axis: unknown, where: string, argName = "`axis`"): AxesOrSlice {
  if (typeof axis === "number" && Number.isInteger(axis)) return [axis];
  if (Array.isArray(axis) && axis.every((a) => typeof a === "number" && Number.isInteger(a))) {
    return [...(axis as number[])];
  }
  if (isSlice(axis)) {
    if (axis.step === 0)
      throw new InvalidArgumentError(
        where,
        `${argName} slice step must not be zero`,
        "omit `step` or pass a non-zero one.",
      );
    return axis;
  }
  throw new InvalidArgumentError(
    where,
    `${argName} should be an int, slice or iterable of ints. Got: ${describe(axis)}`,
    "pass e.g. -1, [1, 2] or `{ start: 1 }` (Python's slice(1, None)).",
  );
}

function isSlice(x: unknown): x is AxisSlice {
  if (typeof x !== "object" || x === null || Array.isArray(x) || x instanceof tf.Tensor) return false;
  const keys = Object.keys(x);
  if (keys.some((k) => k !== "start" && k !== "stop" && k !== "step")) return false;
  return keys.every((k) => {
    const v = (x as Record<string, unknown>)[k];
    return v === undefined || v === null || (typeof v === "number" && Number.isInteger(v));
  });
}

/** `range(ndim)[slice]` with Python's clamping rules. */
function sliceAxes(s: AxisSlice, ndim: number): number[] {
  const step = s.step ?? 1;
  const norm = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    const w = v < 0 ? v + ndim : v;
    return Math.min(Math.max(w, lo), hi);
  };
  const out: number[] = [];
  if (step > 0) {
    const start = norm(s.start, 0, 0, ndim);
    const stop = norm(s.stop, ndim, 0, ndim);
    for (let i = start; i < stop; i += step) out.push(i);
  } else {
    const start = norm(s.start, ndim - 1, -1, ndim - 1);
    const stop = norm(s.stop, -1, -1, ndim - 1);
    for (let i = start; i > stop; i += step) out.push(i);
  }
  return out;
}

/**
 * Haiku's `to_abs_axes`: sorted, de-duplicated, non-negative axes of a rank-`ndim` input.
 * Unlike Python (which wraps any int modulo `ndim`), an axis outside `[-ndim, ndim)` is an error.
 */
export function toAbsAxes(axis: AxesOrSlice, ndim: number, where: string, argName = "`axis`"): number[] {
  if (!Array.isArray(axis)) return sliceAxes(axis as AxisSlice, ndim);
  const out = new Set<number>();
  for (const a of axis as readonly number[]) {
    if (a < -ndim || a >= ndim) {
      throw new InvalidArgumentError(
        where,
        `${argName} ${a} is out of range for an input of rank ${ndim}; expected an axis in [${-ndim}, ${ndim})`,
        "pass axes the input has.",
      );
    }
    out.add(a < 0 ? a + ndim : a);
  }
  return [...out].sort((x, y) => x - y);
}

const SPATIAL_CHANNELS_FIRST = /^NC[^C]*$/;
const SPATIAL_CHANNELS_LAST = /^N[^C]*C$/;
const SEQUENTIAL = /^((BT)|(TB))[^D]*D$/;

/**
 * Haiku's `get_channel_index`: `1` for channels-first formats (`"channels_first"`, `"NCHW"`),
 * `-1` for channels-last ones (`"channels_last"`, `"NHWC"`, `"BTHWD"`).
 *
 * @example
 * ```ts
 * hk.getChannelIndex("NCHW"); // 1
 * ```
 *
 * @category Layers
 */
export function getChannelIndex(dataFormat: string, where = "hk.getChannelIndex"): 1 | -1 {
  if (dataFormat === "channels_first") return 1;
  if (dataFormat === "channels_last") return -1;
  if (SPATIAL_CHANNELS_FIRST.test(dataFormat)) return 1;
  if (SPATIAL_CHANNELS_LAST.test(dataFormat)) return -1;
  if (SEQUENTIAL.test(dataFormat)) return -1;
  throw new InvalidArgumentError(
    where,
    `Unable to extract channel information from '${dataFormat}'. Valid data formats are spatial (e.g. \`NCHW\`), sequential (e.g. \`BTHWD\`), \`channels_first\` and \`channels_last\``,
    'pass e.g. "NHWC" or "channels_last".',
  );
}
