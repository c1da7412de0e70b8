import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type ResizeAttrs = { alignCorners: boolean; halfPixelCenters: boolean };

/** Where output row / column `i` reads from, as tfjs' forward resize kernels compute it. */
function ratio(oldSize: number, newSize: number, alignCorners: boolean): number {
  return alignCorners && newSize > 1 ? (oldSize - 1) / (newSize - 1) : oldSize / newSize;
}

// tfjs-backend-wasm (and -cpu) 4.22's ResizeBilinearGrad / ResizeNearestNeighborGrad ignore
// `halfPixelCenters`: the gradient is that of the resize without half-pixel centres, so it sends
// gradients to the wrong cells whenever the forward pass used them. These are the exact adjoints
// of the forward kernels (tfjs-backend-cpu/src/kernels/ResizeBilinear.ts and
// ResizeNearestNeighbor.ts, TensorFlow's half-pixel sampling), used when `halfPixelCenters` is set.

function gradSetup(args: Parameters<tf.KernelFunc>[0]) {
  const backend = args.backend as BackendWasm;
  const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const [batch, oldH, oldW, channels] = images.shape as [number, number, number, number];
  const [, newH, newW] = dy.shape as [number, number, number, number];
  const out = backend.makeOutput(images.shape, "float32");
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  return { out, dx, g, batch, oldH, oldW, channels, newH, newW };
}

/**
 * Wraps the wasm `ResizeBilinearGrad` kernel so that `halfPixelCenters` is honoured.
 *
 * @category Runtime
 */
export function halfPixelBilinearGrad(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeAttrs;
    if (!halfPixelCenters) return original(args);
    const { out, dx, g, batch, oldH, oldW, channels: C, newH, newW } = gradSetup(args);
    const rh = ratio(oldH, newH, alignCorners);
    const rw = ratio(oldW, newW, alignCorners);
    let o = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < newH; r++) {
        const fr = rh * (r + 0.5) - 0.5;
        const r0 = Math.max(0, Math.floor(fr));
        const r1 = Math.min(oldH - 1, Math.ceil(fr));
        const dr = fr - r0;
        for (let c = 0; c < newW; c++, o += C) {
          const fc = rw * (c + 0.5) - 0.5;
          const c0 = Math.max(0, Math.floor(fc));
          const c1 = Math.min(oldW - 1, Math.ceil(fc));
          const dc = fc - c0;
          const tl = ((b * oldH + r0) * oldW + c0) * C;
          const tr = ((b * oldH + r0) * oldW + c1) * C;
          const bl = ((b * oldH + r1) * oldW + c0) * C;
          const br = ((b * oldH + r1) * oldW + c1) * C;
          for (let d = 0; d < C; d++) {
            const v = g[o + d]!;
            // forward: (1-dr)((1-dc)tl + dc tr) + dr((1-dc)bl + dc br)
            dx[tl + d]! += v * (1 - dr) * (1 - dc);
            dx[tr + d]! += v * (1 - dr) * dc;
            dx[bl + d]! += v * dr * (1 - dc);
            dx[br + d]! += v * dr * dc;
          }
        }
      }
    }
    return out;
  };
}

/**
 * Wraps the wasm `ResizeNearestNeighborGrad` kernel so that `halfPixelCenters` is honoured.
 *
 * @category Runtime
 */
export function halfPixelNearestGrad(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeAttrs;
    if (!halfPixelCenters) return original(args);
    const { out, dx, g, batch, oldH, oldW, channels: C, newH, newW } = gradSetup(args);
    const rh = ratio(oldH, newH, alignCorners);
    const rw = ratio(oldW, newW, alignCorners);
    const nearest = (f: number, size: number) =>
      Math.max(0, Math.min(size - 1, alignCorners ? Math.round(f) : Math.floor(f)));
    let o = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < newH; r++) {
        const sr = nearest(rh * (r + 0.5), oldH);
        for (let c = 0; c < newW; c++, o += C) {
          const at = ((b * oldH + sr) * oldW + nearest(rw * (c + 0.5), oldW)) * C;
          for (let d = 0; d < C; d++) dx[at + d]! += g[o + d]!;
        }
      }
    }
    return out;
  };
}
