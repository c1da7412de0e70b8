import type * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type Pool, pool2D, pool3D } from "./pool_geometry.js";

let best = new Float32Array(64);
let bestAt = new Int32Array(64);

/**
 * dx of a max pool: each window's output gradient goes to the first input cell (in window order)
 * holding the window's maximum, where padding cells never win (they are -inf, as in JAX's
 * `reduce_window` padding and tfjs-backend-cpu's `maxPoolPositions`).
 */
function maxPoolBackprop(p: Pool, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const c = p.channels;
  if (best.length < c) {
    best = new Float32Array(c);
    bestAt = new Int32Array(c);
  }
  dx.fill(0);
  let o = 0;
  for (let b = 0; b < p.batch; b++) {
    const xBatch = b * p.inD * p.inH * p.inW * c;
    for (let od = 0; od < p.outD; od++) {
      const d0 = od * p.sD - p.padFront;
      for (let oh = 0; oh < p.outH; oh++) {
        const h0 = oh * p.sH - p.padTop;
        for (let ow = 0; ow < p.outW; ow++, o += c) {
          const w0 = ow * p.sW - p.padLeft;
          best.fill(-Infinity, 0, c);
          bestAt.fill(-1, 0, c);
          for (let kd = 0; kd < p.kD; kd++) {
            const d = d0 + kd * p.dD;
            if (d < 0 || d >= p.inD) continue;
            for (let kh = 0; kh < p.kH; kh++) {
              const h = h0 + kh * p.dH;
              if (h < 0 || h >= p.inH) continue;
              for (let kw = 0; kw < p.kW; kw++) {
                const w = w0 + kw * p.dW;
                if (w < 0 || w >= p.inW) continue;
                const at = xBatch + ((d * p.inH + h) * p.inW + w) * c;
                for (let ch = 0; ch < c; ch++) {
                  const v = x[at + ch]!;
                  if (v > best[ch]!) {
                    best[ch] = v;
                    bestAt[ch] = at + ch;
                  }
                }
              }
            }
          }
          for (let ch = 0; ch < c; ch++) {
            const at = bestAt[ch]!;
            if (at >= 0) dx[at]! += dy[o + ch]!;
          }
        }
      }
    }
  }
}

function run(backend: BackendWasm, input: tf.TensorInfo, dy: tf.TensorInfo, p: Pool): tf.TensorInfo {
  const out = backend.makeOutput(input.shape, "float32");
  // Views after makeOutput: allocating may grow (and so detach) the wasm heap.
  maxPoolBackprop(
    p,
    backend.typedArrayFromHeap(input) as Float32Array,
    backend.typedArrayFromHeap(dy) as Float32Array,
    backend.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

/**
 * `MaxPoolGrad` for wasm. tfjs-backend-wasm 4.22's kernel (XNNPACK's argmax pooling underneath)
 * pads with 0 instead of -inf, so where a window reaching the SAME padding holds only negative
 * values the gradient goes to the padding and is lost. This is a host loop over the wasm heap,
 * with the cpu backend's semantics, which JAX's `reduce_window` max gradient agrees with
 * (test/golden/maxpool_grad.test.ts).
 */
export const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  return run(backend as BackendWasm, input, dy, pool2D(input.shape, attrs!));
};

/**
 * `MaxPool3DGrad` for wasm: the same defect and the same fix as {@link maxPoolGrad}, in 3-D.
 */
export const maxPool3DGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  return run(backend as BackendWasm, input, dy, pool3D(input.shape, attrs!));
};
