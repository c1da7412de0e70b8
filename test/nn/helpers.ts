// Shared helpers of the layer tests (not a test file).
import * as tf from "@tensorflow/tfjs-core";
import { expect } from "vitest";

/** A deterministic tensor with distinct, smallish values. */
export function ramp(shape: number[], scale = 0.1, offset = 0): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7 + offset) * scale * 10) / 10),
    shape,
  );
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
  opts: {
    strides?: number[];
    pads: [number, number][];
    lhsDilation?: number[];
    rhsDilation?: number[];
    groups?: number;
  },
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

/** Deterministic values in [-1, 1) from an LCG, so tests never depend on a sampler. */
export function lcg(size: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(s / 2 ** 31 - 1));
  }
  return out;
}

/** Asserts element-wise closeness (absolute + relative tolerance). */
export function expectClose(
  actual: tf.Tensor | ArrayLike<number>,
  expected: ArrayLike<number>,
  atol = 1e-5,
  rtol = 1e-5,
): void {
  const a = actual instanceof tf.Tensor ? Array.from(actual.dataSync()) : Array.from(actual);
  const e = Array.from(expected);
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const tol = atol + rtol * Math.abs(e[i]!);
    if (!(Math.abs(a[i]! - e[i]!) <= tol)) {
      throw new Error(`element ${i}: got ${a[i]}, expected ${e[i]} (tolerance ${tol})`);
    }
  }
}

/** `{module: {name: shape}}` of a params / state tree (tensor leaves only). */
export function shapes(
  tree: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [m, inner] of Object.entries(tree)) {
    out[m] = {};
    for (const [k, v] of Object.entries(inner)) out[m]![k] = (v as tf.Tensor).shape;
  }
  return out;
}

/** Runs `fn` `n` times and asserts the live tensor count does not grow after the first run. */
export function expectNoLeak(fn: () => void, n = 3): void {
  fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < n; i++) fn();
  expect(tf.memory().numTensors).toBe(before);
}

/** Per-channel (last axis) mean and biased variance of a row-major array with `c` channels. */
export function channelStats(values: readonly number[], c: number): { mean: number[]; variance: number[] } {
  const n = values.length / c;
  const mean = new Array<number>(c).fill(0);
  const variance = new Array<number>(c).fill(0);
  values.forEach((v, i) => (mean[i % c]! += v / n));
  values.forEach((v, i) => (variance[i % c]! += (v - mean[i % c]!) ** 2 / n));
  return { mean, variance };
}

/**
 * Gradients of `loss(params, ...inputs)` with respect to every parameter (in the params' order)
 * and then every input, as plain arrays, on the current backend.
 */
export function paramGrads(
  params: Readonly<Record<string, Readonly<Record<string, tf.Tensor>>>>,
  inputs: tf.Tensor[],
  loss: (p: Record<string, Record<string, tf.Tensor>>, ...inputs: tf.Tensor[]) => tf.Tensor,
): number[][] {
  const names = Object.keys(params).flatMap((m) => Object.keys(params[m]!).map((n) => [m, n] as const));
  const grads = tf.grads((...ts: tf.Tensor[]) => {
    const p: Record<string, Record<string, tf.Tensor>> = {};
    names.forEach(([m, n], i) => ((p[m] ??= {})[n] = ts[i]!));
    return loss(p, ...ts.slice(names.length)) as tf.Scalar;
  })([...names.map(([m, n]) => params[m]![n]!), ...inputs]);
  return grads.map((g) => Array.from(g.dataSync()));
}

/**
 * Runs `fn` on wasm and on cpu, asserts the results agree, and returns the wasm result; the
 * backend is wasm again afterwards.
 */
export function expectCpuAgrees(fn: () => number[][], atol = 1e-5, rtol = 1e-3): number[][] {
  expect(tf.getBackend()).toBe("wasm");
  const onWasm = fn();
  tf.setBackend("cpu");
  try {
    const onCpu = fn();
    expect(onCpu).toHaveLength(onWasm.length);
    onCpu.forEach((g, i) => expectClose(onWasm[i]!, g, atol, rtol));
  } finally {
    tf.setBackend("wasm");
  }
  return onWasm;
}
