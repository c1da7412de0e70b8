import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

// tfjs-backend-wasm 4.22's Conv3DBackpropInputV2 / Conv3DBackpropFilterV2 give wrong values
// whenever the filter spans more than one cell in depth or uses SAME padding (e.g. a 3x3x3 SAME
// conv3d: dx off by up to 2.6, dw by 3.8 on values of order 1; checked against the cpu backend
// and jax.grad of lax.conv_general_dilated). These are the cpu backend's loops
// (tfjs-backend-cpu/src/kernels/Conv3DBackprop{Input,Filter}V2.ts) run on the wasm heap.

type Conv3DAttrs = { strides: [number, number, number] | number; pad: "valid" | "same" };

/**
 * `Conv3DBackpropInputV2` for wasm: dx of a 3-D convolution, as the cpu backend computes it.
 */
export const conv3DBackpropInput: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, inputShape } = attrs as unknown as Conv3DAttrs & {
    inputShape: [number, number, number, number, number];
  };
  const info = tf.backend_util.computeConv3DInfo(
    inputShape,
    filter.shape as [number, number, number, number, number],
    strides,
    1,
    pad,
  );
  const out = backend.makeOutput(info.inShape, "float32");
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const f = backend.typedArrayFromHeap(filter) as Float32Array;
  const [dyS0, dyS1, dyS2, dyS3] = tf.util.computeStrides(dy.shape) as [number, number, number, number];
  const [fS0, fS1, fS2, fS3] = tf.util.computeStrides(filter.shape) as [number, number, number, number];
  const [dxS0, dxS1, dxS2, dxS3] = tf.util.computeStrides(info.inShape) as [number, number, number, number];
  const {
    batchSize,
    filterDepth: kD,
    filterHeight: kH,
    filterWidth: kW,
    inChannels,
    inDepth,
    inHeight,
    inWidth,
    outChannels,
    outDepth,
    outHeight,
    outWidth,
    strideDepth: sD,
    strideHeight: sH,
    strideWidth: sW,
  } = info;
  const frontPad = kD - 1 - info.padInfo.front;
  const topPad = kH - 1 - info.padInfo.top;
  const leftPad = kW - 1 - info.padInfo.left;
  for (let n = 0; n < batchSize; ++n) {
    for (let d1 = 0; d1 < inChannels; ++d1) {
      for (let xF = 0; xF < inDepth; ++xF) {
        const xFCorner = xF - frontPad;
        const yFMin = Math.max(0, Math.ceil(xFCorner / sD));
        const yFMax = Math.min(outDepth, (kD + xFCorner) / sD);
        for (let xR = 0; xR < inHeight; ++xR) {
          const xRCorner = xR - topPad;
          const yRMin = Math.max(0, Math.ceil(xRCorner / sH));
          const yRMax = Math.min(outHeight, (kH + xRCorner) / sH);
          for (let xC = 0; xC < inWidth; ++xC) {
            const xCCorner = xC - leftPad;
            const yCMin = Math.max(0, Math.ceil(xCCorner / sW));
            const yCMax = Math.min(outWidth, (kW + xCCorner) / sW);
            let dot = 0;
            for (let yF = yFMin; yF < yFMax; ++yF) {
              const wF = yF * sD - xFCorner;
              for (let yR = yRMin; yR < yRMax; ++yR) {
                const wR = yR * sH - xRCorner;
                for (let yC = yCMin; yC < yCMax; ++yC) {
                  const wC = yC * sW - xCCorner;
                  const gAt = dyS0 * n + dyS1 * yF + dyS2 * yR + dyS3 * yC;
                  const fAt = fS0 * (kD - 1 - wF) + fS1 * (kH - 1 - wR) + fS2 * (kW - 1 - wC) + fS3 * d1;
                  for (let d2 = 0; d2 < outChannels; ++d2) dot += g[gAt + d2]! * f[fAt + d2]!;
                }
              }
            }
            dx[dxS0 * n + dxS1 * xF + dxS2 * xR + dxS3 * xC + d1] = dot;
          }
        }
      }
    }
  }
  return out;
};

/**
 * `Conv3DBackpropFilterV2` for wasm: dw of a 3-D convolution, as the cpu backend computes it.
 */
export const conv3DBackpropFilter: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, filterShape } = attrs as unknown as Conv3DAttrs & {
    filterShape: [number, number, number, number, number];
  };
  const info = tf.backend_util.computeConv3DInfo(
    x.shape as [number, number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
  );
  const out = backend.makeOutput(info.filterShape, "float32");
  const dw = backend.typedArrayFromHeap(out) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const [dyS0, dyS1, dyS2, dyS3] = tf.util.computeStrides(dy.shape) as [number, number, number, number];
  const [xS0, xS1, xS2, xS3] = tf.util.computeStrides(x.shape) as [number, number, number, number];
  const [dwS0, dwS1, dwS2, dwS3] = tf.util.computeStrides(info.filterShape) as [number, number, number, number];
  const { strideDepth: sD, strideHeight: sH, strideWidth: sW } = info;
  const { front: frontPad, top: topPad, left: leftPad } = info.padInfo;
  for (let wF = 0; wF < info.filterDepth; ++wF) {
    const yFMin = Math.max(0, Math.ceil((frontPad - wF) / sD));
    const yFMax = Math.min(info.outDepth, (info.inDepth + frontPad - wF) / sD);
    for (let wR = 0; wR < info.filterHeight; ++wR) {
      const yRMin = Math.max(0, Math.ceil((topPad - wR) / sH));
      const yRMax = Math.min(info.outHeight, (info.inHeight + topPad - wR) / sH);
      for (let wC = 0; wC < info.filterWidth; ++wC) {
        const yCMin = Math.max(0, Math.ceil((leftPad - wC) / sW));
        const yCMax = Math.min(info.outWidth, (info.inWidth + leftPad - wC) / sW);
        for (let d1 = 0; d1 < info.inChannels; ++d1) {
          const wAt = wF * dwS0 + wR * dwS1 + wC * dwS2 + d1 * dwS3;
          for (let d2 = 0; d2 < info.outChannels; ++d2) {
            let dot = 0;
            for (let n = 0; n < info.batchSize; ++n) {
              for (let yF = yFMin; yF < yFMax; ++yF) {
                const xF = wF + yF * sD - frontPad;
                for (let yR = yRMin; yR < yRMax; ++yR) {
                  const xR = wR + yR * sH - topPad;
                  for (let yC = yCMin; yC < yCMax; ++yC) {
                    const xC = wC + yC * sW - leftPad;
                    dot +=
                      xv[n * xS0 + xF * xS1 + xR * xS2 + xC * xS3 + d1]! *
                      g[n * dyS0 + yF * dyS1 + yR * dyS2 + yC * dyS3 + d2]!;
                  }
                }
              }
            }
            dw[wAt + d2] = dot;
          }
        }
      }
    }
  }
  return out;
};
