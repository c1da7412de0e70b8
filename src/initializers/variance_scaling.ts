import type { Initializer } from "../core/index.js";
import { assertFiniteNumber, assertShape, prod } from "./common.js";
import { RandomNormal, RandomUniform, TruncatedNormal } from "./random.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** `VarianceScaling`'s `mode`: which fan the variance is divided by. */
export type FanMode = "fan_in" | "fan_out" | "fan_avg";
/** `VarianceScaling`'s `distribution`. */
export type VarianceScalingDistribution = "truncated_normal" | "normal" | "uniform";

/**
 * The standard deviation of a standard normal truncated to [-2, 2]
 * (`scipy.stats.truncnorm.std(a=-2, b=2)`), used by Haiku to make the truncated samples' own
 * standard deviation equal the requested one. Haiku stores it as an array of the parameter's
 * dtype, so the float32 value is what it divides by.
 */
const TRUNCATED_STDDEV_F32 = Math.fround(0.87962566103423978);

/**
 * Haiku's `_compute_fans` (`initializers.py`): rank 0 -> (1, 1), rank 1 -> (n, n),
 * rank 2 -> (in, out), rank >= 3 -> a convolution kernel `[...spatial, in, out]` whose fans are
 * multiplied by the receptive field size, unless `fanInAxes` names the fan-in axes.
 *
 * @returns `[fanIn, fanOut]`.
 */
export function computeFans(shape: readonly number[], fanInAxes?: readonly number[] | null): [number, number] {
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  if (fanInAxes !== undefined && fanInAxes !== null) {
    const rank = shape.length;
    const norm = fanInAxes.map((a) => (a < 0 ? a + rank : a));
    let fanIn = 1;
    let fanOut = 1;
    shape.forEach((s, i) => {
      if (norm.includes(i)) fanIn *= s;
      else fanOut *= s;
    });
    return [fanIn, fanOut];
  }
  const receptive = prod(shape.slice(0, -2));
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

/** Options of {@link VarianceScaling} beyond `scale`. */
export interface VarianceScalingOptions {
  /** Which fan divides the variance (default `"fan_in"`). */
  mode?: FanMode;
  /** Sampling distribution (default `"truncated_normal"`). */
  distribution?: VarianceScalingDistribution;
  /** Axes of the shape that make up the fan-in (default: all but the last, conv style). */
  fanInAxes?: readonly number[] | null;
}

/**
 * Initializer whose variance adapts to the shape (Haiku's `hk.initializers.VarianceScaling`,
 * `initializers.py`): `s = scale / max(1, n)` with `n` the fan-in, fan-out or their mean;
 * truncated normal with stddev `sqrt(s) / 0.87962566103423978` (so the truncated samples have
 * stddev `sqrt(s)`), normal with stddev `sqrt(s)`, or uniform on `±sqrt(3 s)`.
 *
 * Glorot uniform is `VarianceScaling(1, { mode: "fan_avg", distribution: "uniform" })`,
 * He normal `VarianceScaling(2)`, LeCun normal `VarianceScaling(1)`.
 *
 * Positional arguments follow Haiku (`VarianceScaling(scale, mode, distribution, fanInAxes)`);
 * an options object may replace everything after `scale`.
 *
 * @example
 * ```ts
 * const he = hk.initializers.VarianceScaling(2.0, "fan_in", "truncated_normal");
 * const glorot = hk.initializers.VarianceScaling(1.0, { mode: "fan_avg", distribution: "uniform" });
 * ```
 */
export function VarianceScaling(
  scale?: number,
  mode?: FanMode | VarianceScalingOptions,
  distribution?: VarianceScalingDistribution,
  fanInAxes?: readonly number[] | null,
): Initializer {
  const where = "hk.initializers.VarianceScaling";
  const opts: VarianceScalingOptions =
    typeof mode === "object" && mode !== null ? mode : { mode, distribution, fanInAxes };
  const s0 = scale ?? 1.0;
  assertFiniteNumber(s0, where, "scale");
  if (s0 < 0)
    throw new InvalidArgumentError(where, `\`scale\` must be a positive float, got ${describe(s0)}`, "pass e.g. 1.0.");
  const m = opts.mode ?? "fan_in";
  if (m !== "fan_in" && m !== "fan_out" && m !== "fan_avg") {
    throw new InvalidArgumentError(
      where,
      `invalid \`mode\` argument ${describe(m)}; expected "fan_in", "fan_out" or "fan_avg"`,
      'pass `mode: "fan_in"` (the default), "fan_out" or "fan_avg".',
    );
  }
  const dist = String(opts.distribution ?? "truncated_normal").toLowerCase();
  if (dist !== "normal" && dist !== "truncated_normal" && dist !== "uniform") {
    throw new InvalidArgumentError(
      where,
      `invalid \`distribution\` argument ${describe(opts.distribution)}; expected "truncated_normal", "normal" or "uniform"`,
      'pass `distribution: "truncated_normal"` (the default), "normal" or "uniform".',
    );
  }
  const axes = opts.fanInAxes ?? null;
  return (shape, dtype) => {
    assertShape(shape, where);
    const [fanIn, fanOut] = computeFans(shape, axes);
    let s = s0;
    if (m === "fan_in") s /= Math.max(1.0, fanIn);
    else if (m === "fan_out") s /= Math.max(1.0, fanOut);
    else s /= Math.max(1.0, (fanIn + fanOut) / 2.0);
    if (dist === "truncated_normal") return TruncatedNormal(Math.sqrt(s) / TRUNCATED_STDDEV_F32)(shape, dtype);
    if (dist === "normal") return RandomNormal(Math.sqrt(s))(shape, dtype);
    const limit = Math.sqrt(3.0 * s);
    return RandomUniform(-limit, limit)(shape, dtype);
  };
}

/**
 * Uniform on `±sqrt(3 / prod(shape[:-1])) * scale` (Haiku's `hk.initializers.UniformScaling`,
 * `initializers.py`).
 *
 * @param scale Multiplies the limit (default 1).
 * @example
 * ```ts
 * const lin = new hk.Linear(10, { wInit: hk.initializers.UniformScaling(1.0) });
 * ```
 */
export function UniformScaling(scale = 1.0): Initializer {
  const where = "hk.initializers.UniformScaling";
  assertFiniteNumber(scale, where, "scale");
  return (shape, dtype) => {
    assertShape(shape, where);
    const inputSize = prod(shape.slice(0, -1));
    const maxVal = Math.sqrt(3 / inputSize) * scale;
    return RandomUniform(-maxVal, maxVal)(shape, dtype);
  };
}
