import type * as tf from "@tensorflow/tfjs-core";
import { hostOutput } from "./host_output.js";
import { type Pool, pool2D, pool3D } from "./pool_geometry.js";

/**
 * dx of an average pool whose windows average only the input cells they cover (padding
 * excluded), which is what tfjs' forward AvgPool / AvgPool3D kernels compute under SAME padding,
 * and TensorFlow's and Haiku's `avg_pool` too.
 */
function avgPoolBackprop(p: Pool, dy: Float32Array, dx: Float32Array): void {
  const c = p.channels;
  dx.fill(0);
  let o = 0;
  for (let b = 0; b < p.batch; b++) {
    const xBatch = b * p.inD * p.inH * p.inW * c;
    for (let od = 0; od < p.outD; od++) {
      const d0 = od * p.sD - p.padFront;
      const dLo = Math.max(0, d0);
      const dHi = Math.min(p.inD, d0 + p.kD);
      for (let oh = 0; oh < p.outH; oh++) {
        const h0 = oh * p.sH - p.padTop;
        const hLo = Math.max(0, h0);
        const hHi = Math.min(p.inH, h0 + p.kH);
        for (let ow = 0; ow < p.outW; ow++, o += c) {
          const w0 = ow * p.sW - p.padLeft;
          const wLo = Math.max(0, w0);
          const wHi = Math.min(p.inW, w0 + p.kW);
          const count = (dHi - dLo) * (hHi - hLo) * (wHi - wLo);
          if (count <= 0) continue;
          const scale = 1 / count;
          for (let d = dLo; d < dHi; d++) {
            for (let h = hLo; h < hHi; h++) {
              for (let w = wLo; w < wHi; w++) {
                const at = xBatch + ((d * p.inH + h) * p.inW + w) * c;
                for (let ch = 0; ch < c; ch++) dx[at + ch]! += dy[o + ch]! * scale;
              }
            }
          }
        }
      }
    }
  }
}

function padded(p: Pool): boolean {
  // tfjs' forward kernels only pad before (top / left / front) and after by the SAME amounts;
  // a pool padded after but not before still needs the exact counts.
  return (
    p.padFront > 0 ||
    p.padTop > 0 ||
    p.padLeft > 0 ||
    (p.outD - 1) * p.sD + p.kD > p.inD + p.padFront ||
    (p.outH - 1) * p.sH + p.kH > p.inH + p.padTop ||
    (p.outW - 1) * p.sW + p.kW > p.inW + p.padLeft
  );
}

function wrap(
  geometry: (shape: readonly number[], attrs: tf.NamedAttrMap) => Pool,
): (original: tf.KernelFunc) => tf.KernelFunc {
  return (original) => (args) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    if (input.dtype !== "float32") return original(args);
    const p = geometry(input.shape, args.attrs ?? {});
    if (!padded(p)) return original(args);
    return hostOutput(args.backend as tf.KernelBackend, input.shape, (dx, read) => avgPoolBackprop(p, read(dy), dx));
  };
}

/**
 * Wraps an `AvgPoolGrad` kernel (wasm or cpu) so that windows reaching into SAME padding spread their
 * gradient over the cells they average. tfjs 4.22's AvgPoolGrad (wasm and cpu) divides by the
 * full window size everywhere while the forward AvgPool divides by the cells covered, so the
 * border cells of a SAME pool got too little gradient (a quarter instead of all of it in a
 * corner window covering one cell). Unpadded pools run the original.
 */
export const paddedAvgPoolGrad = wrap(pool2D);

/**
 * Wraps an `AvgPool3DGrad` kernel (wasm or cpu): the same defect and fix as {@link paddedAvgPoolGrad}.
 */
export const paddedAvgPool3DGrad = wrap(pool3D);
