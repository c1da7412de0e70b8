import type * as tf from "@tensorflow/tfjs-core";
import { hostOutput } from "./host_output.js";

type ResizeAttrs = { alignCorners: boolean; halfPixelCenters: boolean };

/** Where output row / column `i` reads from, as tfjs' forward resize kernels compute it. */
function ratio(oldSize: number, newSize: number, alignCorners: boolean): number {
  return alignCorners && newSize > 1 ? (oldSize - 1) / (newSize - 1) : oldSize / newSize;
}

// tfjs-backend-wasm and -cpu 4.22's ResizeBilinearGrad / ResizeNearestNeighborGrad ignore
// `halfPixelCenters` (the gradient of a different resize); the cpu ones also fail on non-square
// images (bilinear: "gradient of input 'images' has shape 2,4,5,1") and give NaN for batch > 1
// with alignCorners (nearest). These are the exact adjoints of the forward kernels
// (tfjs-backend-cpu/src/kernels/ResizeBilinear.ts and ResizeNearestNeighbor.ts, TensorFlow's
// sampling), for every attribute combination.

function shapes(args: Parameters<tf.KernelFunc>[0]) {
  const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const [batch, oldH, oldW, channels] = images.shape as [number, number, number, number];
  const [, newH, newW] = dy.shape as [number, number, number, number];
  return { images, dy, batch, oldH, oldW, channels, newH, newW };
}

/**
 * `ResizeBilinearGrad` for wasm and cpu: the adjoint of tfjs' forward bilinear resize.
 */
export const resizeBilinearGrad: tf.KernelFunc = (args) => {
  const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeAttrs;
  const { images, dy, batch, oldH, oldW, channels: C, newH, newW } = shapes(args);
  const rh = ratio(oldH, newH, alignCorners);
  const rw = ratio(oldW, newW, alignCorners);
  const source = (r: number, scale: number) => (halfPixelCenters ? scale * (r + 0.5) - 0.5 : scale * r);
  return hostOutput(args.backend as tf.KernelBackend, images.shape, (dx, read) => {
    const g = read(dy);
    dx.fill(0);
    let o = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < newH; r++) {
        const fr = source(r, rh);
        const r0 = Math.max(0, Math.floor(fr));
        const r1 = Math.min(oldH - 1, Math.ceil(fr));
        const dr = fr - r0;
        for (let c = 0; c < newW; c++, o += C) {
          const fc = source(c, rw);
          const c0 = Math.max(0, Math.floor(fc));
          const c1 = Math.min(oldW - 1, Math.ceil(fc));
          const dc = fc - c0;
          const tl = ((b * oldH + r0) * oldW + c0) * C;
          const tr = ((b * oldH + r0) * oldW + c1) * C;
          const bl = ((b * oldH + r1) * oldW + c0) * C;
          const br = ((b * oldH + r1) * oldW + c1) * C;
          for (let d = 0; d < C; d++) {
            const v = g[o + d]!;
            // forward: (1 - dr)((1 - dc) tl + dc tr) + dr ((1 - dc) bl + dc br)
            dx[tl + d]! += v * (1 - dr) * (1 - dc);
            dx[tr + d]! += v * (1 - dr) * dc;
            dx[bl + d]! += v * dr * (1 - dc);
            dx[br + d]! += v * dr * dc;
          }
        }
      }
    }
  });
};

/**
 * `ResizeNearestNeighborGrad` for wasm and cpu: the adjoint of tfjs' forward nearest resize.
 */
export const resizeNearestNeighborGrad: tf.KernelFunc = (args) => {
  const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeAttrs;
  const { images, dy, batch, oldH, oldW, channels: C, newH, newW } = shapes(args);
  const rh = ratio(oldH, newH, alignCorners);
  const rw = ratio(oldW, newW, alignCorners);
  const nearest = (i: number, scale: number, size: number) => {
    const f = halfPixelCenters ? scale * (i + 0.5) : scale * i;
    return Math.max(0, Math.min(size - 1, alignCorners ? Math.round(f) : Math.floor(f)));
  };
  return hostOutput(args.backend as tf.KernelBackend, images.shape, (dx, read) => {
    const g = read(dy);
    dx.fill(0);
    let o = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < newH; r++) {
        const sr = nearest(r, rh, oldH);
        for (let c = 0; c < newW; c++, o += C) {
          const at = ((b * oldH + sr) * oldW + nearest(c, rw, oldW)) * C;
          for (let d = 0; d < C; d++) dx[at + d]! += g[o + d]!;
        }
      }
    }
  });
};
