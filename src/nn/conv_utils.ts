/**
 * Argument handling shared by the convolution and pooling modules: Haiku's `utils.replicate`,
 * padding specs (`pad.py`) and the kernel dilation that keeps dilated convolutions
 * differentiable in tfjs.
 */
import * as tf from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** A padding function: effective kernel size -> `[before, after]` (Haiku's `hk.pad.PadFn`).
 *
 * @category Layers
 */
export type PadFn = (effectiveKernelSize: number) => readonly [number, number];

/**
 * Haiku's convolution `padding`: `"SAME"` / `"VALID"` (any case), one `[low, high]` pair for
 * every spatial dim, one pair per spatial dim, or pad function(s).
 *
 * @category Layers
 */
export type ConvPadding =
  string | readonly [number, number] | readonly (readonly [number, number])[] | PadFn | readonly PadFn[];

/**
 * Padding resolved per spatial dim: a string algorithm or explicit `[before, after]` pairs.
 *
 * @category Layers
 */
export type ResolvedPadding = "SAME" | "VALID" | readonly (readonly [number, number])[];

/**
 * Haiku's `utils.replicate`: a scalar (or length-1 sequence) becomes `n` copies, a length-`n`
 * sequence is kept, anything else is a TypeError-style error naming `name`.
 */
export function replicate(value: number | readonly number[], n: number, name: string, where: string): number[] {
  const ok = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;
  let out: number[];
  if (typeof value === "number") out = new Array<number>(n).fill(value);
  else if (Array.isArray(value) && value.length === 1) out = new Array<number>(n).fill(value[0] as number);
  else if (Array.isArray(value) && value.length === n) out = [...(value as number[])];
  else {
    throw new InvalidArgumentError(
      where,
      `${name} must be a scalar or sequence of length 1 or sequence of length ${n}, got ${describe(value)}`,
      `pass one number or ${n} of them.`,
    );
  }
  if (!out.every(ok)) {
    throw new InvalidArgumentError(
      where,
      `${name} must hold positive integers, got ${JSON.stringify(value)}`,
      "pass positive integers, e.g. 3 or [3, 3].",
    );
  }
  return out;
}

/**
 * Resolves Haiku's `padding` argument once, at construction (`conv.py` `ConvND.__init__`).
 */
export function resolvePadding(
  padding: ConvPadding,
  kernel: readonly number[],
  rate: readonly number[],
  where: string,
): ResolvedPadding {
  const n = kernel.length;
  if (typeof padding === "string") {
    const p = padding.toUpperCase();
    if (p !== "SAME" && p !== "VALID") {
      throw new InvalidArgumentError(
        where,
        `invalid \`padding\` ${describe(padding)}; expected "SAME", "VALID", [low, high] pairs or pad functions`,
        'pass "SAME" or "VALID".',
      );
    }
    return p;
  }
  const first = Array.isArray(padding) ? padding[0] : padding;
  if (typeof first === "function" || typeof padding === "function") {
    const fns = (typeof padding === "function" ? [padding] : padding) as readonly PadFn[];
    if (fns.length !== 1 && fns.length !== n) {
      throw new InvalidArgumentError(
        where,
        `\`padding\` must be one pad function or ${n} of them, got ${fns.length}`,
        `pass one pad function, or one per spatial dimension (${n}).`,
      );
    }
    return kernel.map((k, i) => {
      const fn = fns.length === 1 ? fns[0]! : fns[i]!;
      if (typeof fn !== "function")
        throw new InvalidArgumentError(
          where,
          `\`padding[${i}]\` is not a pad function, got ${describe(fn)}`,
          "pass functions `(effectiveKernelSize) => [low, high]`.",
        );
      return checkPair(fn((k - 1) * rate[i]! + 1), where);
    });
  }
  if (!Array.isArray(padding) || padding.length === 0) {
    throw new InvalidArgumentError(
      where,
      '`padding` must not be empty; expected "SAME", "VALID", [low, high] pairs or pad functions',
      'pass "SAME" or "VALID".',
    );
  }
  if (typeof padding[0] === "number") return new Array(n).fill(checkPair(padding, where));
  const pairs = padding as readonly (readonly [number, number])[];
  if (pairs.length === 1) return new Array(n).fill(checkPair(pairs[0]!, where));
  if (pairs.length !== n) {
    throw new InvalidArgumentError(
      where,
      `Padding ${JSON.stringify(padding)} must be a [int, int] pair or sequence of length 1 or sequence of length ${n}`,
      `pass one [low, high] pair or ${n} of them.`,
    );
  }
  return pairs.map((p) => checkPair(p, where));
}

function checkPair(p: unknown, where: string): readonly [number, number] {
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new InvalidArgumentError(
      where,
      `each \`padding\` entry must be a [before, after] pair of non-negative integers, got ${JSON.stringify(p)}`,
      "pass pairs such as [1, 1].",
    );
  }
  return [p[0] as number, p[1] as number];
}

/**
 * `[before, after]` for JAX's "SAME"/"VALID" on one dim (`lax.padtype_to_pads`).
 */
export function padsFor(padding: "SAME" | "VALID", size: number, k: number, stride: number): [number, number] {
  if (padding === "VALID") return [0, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Inserts `rate - 1` zeros between kernel taps along the spatial axes `0..rates.length-1`,
 * so a dilated convolution runs as a plain one. tfjs has no gradient for `dilations > 1`
 * (conv2d, depthwiseConv2d, conv3d), and cannot combine dilations with strides; the dilated
 * kernel has both, for a `rate²`-fold larger (but small) kernel.
 */
export function dilateKernel(w: tf.Tensor, rates: readonly number[], firstAxis = 0): tf.Tensor {
  let out = w;
  rates.forEach((r, i) => {
    const axis = i + firstAxis;
    if (r === 1) return;
    const shape = out.shape;
    const k = shape[axis]!;
    // [.., k, ..] -> [.., k, 1, ..] -> pad to [.., k, r, ..] -> [.., k*r, ..] -> drop the tail.
    const expanded = tf.expandDims(out, axis + 1);
    const pads = expanded.shape.map((_, i): [number, number] => (i === axis + 1 ? [0, r - 1] : [0, 0]));
    const flat = tf.reshape(tf.pad(expanded, pads), [...shape.slice(0, axis), k * r, ...shape.slice(axis + 1)]);
    const size = flat.shape.map((d, i) => (i === axis ? (k - 1) * r + 1 : d));
    out = tf.slice(
      flat,
      flat.shape.map(() => 0),
      size,
    );
  });
  return out;
}
