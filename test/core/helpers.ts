// Test helpers: a Linear-like module (the real layers belong to src/nn) and small utilities.
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";

export const ones: hk.Initializer = (shape, dtype) => tf.ones(shape, dtype);
export const zeros: hk.Initializer = (shape, dtype) => tf.zeros(shape, dtype);

/** Haiku's Linear, minus the default initializer: w [in, out], b [out]. */
@hk.module
export class Linear extends hk.Module {
  constructor(
    readonly outputSize: number,
    opts: { name?: string } = {},
  ) {
    super(opts.name);
  }
  call(x: tf.Tensor): tf.Tensor {
    const inSize = x.shape[x.shape.length - 1]!;
    const w = hk.getParameter("w", [inSize, this.outputSize], { init: ones });
    const b = hk.getParameter("b", [this.outputSize], { init: zeros });
    return tf.add(tf.matMul(x, w), b);
  }
}

/** Shape tree of params, for readable assertions. */
export function shapes(p: hk.Params | hk.State): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [m, b] of Object.entries(p)) {
    out[m] = {};
    for (const [n, v] of Object.entries(b)) out[m]![n] = v instanceof tf.Tensor ? v.shape : v;
  }
  return out;
}

export function disposeTree(x: unknown): void {
  if (x instanceof tf.Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeTree);
  else if (x !== null && typeof x === "object" && !ArrayBuffer.isView(x)) Object.values(x).forEach(disposeTree);
}
