// Shared helpers of the layer tests (not a test file).
import * as tf from "@tensorflow/tfjs-core";
import { expect } from "vitest";
import type * as hk from "../../src/index.js";

/** `{bundle: {name: shape}}` of a params/state tree, like Haiku's golden checkpoint JSON. */
export function shapes(tree: hk.Params | hk.State): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [mod, entries] of Object.entries(tree)) {
    out[mod] = {};
    for (const [name, v] of Object.entries(entries)) out[mod]![name] = [...(v as tf.Tensor).shape];
  }
  return out;
}

/** Max abs difference check against plain numbers. */
export function expectClose(actual: tf.Tensor, expected: ArrayLike<number>, tol = 1e-5): void {
  const a = actual.dataSync();
  expect(a.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - expected[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `worst at ${at}: ${a[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tol);
}

/** A deterministic tensor with distinct, smallish values. */
export function ramp(shape: number[], scale = 0.1, offset = 0): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7 + offset) * scale * 10) / 10), shape);
}

/** Row-major strides. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Iterates every multi-index of `shape`. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield idx.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/**
 * XLA's ConvGeneralDilated (the semantics of `lax.conv_general_dilated`) written out with
 * loops, channels-last input `[B, ...S, C]`, kernel `[...K, C / G, O]`, in float64.
 */
export function refConv(
  x: tf.Tensor,
  w: tf.Tensor,
  opts: { strides?: number[]; pads: [number, number][]; lhsDilation?: number[]; rhsDilation?: number[]; groups?: number },
): { shape: number[]; data: Float64Array } {
  const n = x.rank - 2;
  const xs = x.shape;
  const ws = w.shape;
  const xd = x.dataSync();
  const wd = w.dataSync();
  const st = opts.strides ?? new Array<number>(n).fill(1);
  const lhs = opts.lhsDilation ?? new Array<number>(n).fill(1);
  const rhs = opts.rhsDilation ?? new Array<number>(n).fill(1);
  const G = opts.groups ?? 1;
  const C = xs[n + 1]!;
  const Cg = C / G;
  const O = ws[n + 1]!;
  const Og = O / G;
  const K = ws.slice(0, n);
  const outSpatial = Array.from({ length: n }, (_, i) => {
    const dil = (xs[i + 1]! - 1) * lhs[i]! + 1 + opts.pads[i]![0] + opts.pads[i]![1];
    const ke = (K[i]! - 1) * rhs[i]! + 1;
    return dil < ke ? 0 : Math.floor((dil - ke) / st[i]!) + 1;
  });
  const outShape = [xs[0]!, ...outSpatial, O];
  const out = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  const xst = strides(xs);
  const wst = strides(ws);
  const ost = strides(outShape);
  for (const o of indices(outShape)) {
    const b = o[0]!;
    const oc = o[n + 1]!;
    const g = Math.floor(oc / Og);
    let acc = 0;
    for (const k of indices(K)) {
      let xoff = b * xst[0]!;
      let valid = true;
      for (let i = 0; i < n; i++) {
        const p = o[i + 1]! * st[i]! + k[i]! * rhs[i]! - opts.pads[i]![0];
        if (p < 0 || p % lhs[i]! !== 0 || p / lhs[i]! >= xs[i + 1]!) {
          valid = false;
          break;
        }
        xoff += (p / lhs[i]!) * xst[i + 1]!;
      }
      if (!valid) continue;
      let woff = 0;
      for (let i = 0; i < n; i++) woff += k[i]! * wst[i]!;
      for (let ci = 0; ci < Cg; ci++) acc += xd[xoff + g * Cg + ci]! * wd[woff + ci * wst[n]! + oc]!;
    }
    let off = 0;
    for (let i = 0; i < o.length; i++) off += o[i]! * ost[i]!;
    out[off] = acc;
  }
  return { shape: outShape, data: out };
}

/** JAX's SAME padding for one dim (`lax.padtype_to_pads`). */
export function samePads(size: number, k: number, s: number): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** `lax.reduce_window` max/avg pooling (avg SAME divides by the non-padded count), float64. */
export function refPool(
  kind: "max" | "avg",
  x: tf.Tensor,
  win: number[],
  str: number[],
  padding: "SAME" | "VALID",
): { shape: number[]; data: Float64Array } {
  const xs = x.shape;
  const xd = x.dataSync();
  const pads = xs.map((d, i) => (padding === "VALID" ? [0, 0] : samePads(d, win[i]!, str[i]!)));
  const outShape = xs.map((d, i) => Math.floor((d + pads[i]![0]! + pads[i]![1]! - win[i]!) / str[i]!) + 1);
  const out = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  const xst = strides(xs);
  let j = 0;
  for (const o of indices(outShape)) {
    let acc = kind === "max" ? -Infinity : 0;
    let count = 0;
    for (const k of indices(win)) {
      let off = 0;
      let valid = true;
      for (let i = 0; i < xs.length; i++) {
        const p = o[i]! * str[i]! + k[i]! - pads[i]![0]!;
        if (p < 0 || p >= xs[i]!) {
          valid = false;
          break;
        }
        off += p * xst[i]!;
      }
      if (!valid) continue;
      count++;
      acc = kind === "max" ? Math.max(acc, xd[off]!) : acc + xd[off]!;
    }
    out[j++] = kind === "max" ? acc : acc / (padding === "VALID" ? win.reduce((a, b) => a * b, 1) : count);
  }
  return { shape: outShape, data: out };
}

/** Gradient of an affine `L(v)` (e.g. `sum(R * conv(v))`) by unit perturbations (exact up to rounding). */
export function affineGrad(loss: (v: tf.Tensor) => number, v: tf.Tensor, idx: number[]): number[] {
  const base = loss(v);
  return idx.map((i) => {
    const d = v.dataSync().slice();
    d[i] = d[i]! + 1;
    return loss(tf.tensor(d, v.shape)) - base;
  });
}
