/**
 * Channels-last convolution kernels behind the conv modules: map Haiku's
 * `lax.conv_general_dilated` / `lax.conv_transpose` calls onto tfjs ops that exist forward and
 * backward on the wasm backend.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ResolvedPadding } from "./conv_utils.js";

type Pad2D = "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];

function pad2d(padding: ResolvedPadding, h: readonly [number, number], w: readonly [number, number]): Pad2D {
  if (padding === "SAME") return "same";
  if (padding === "VALID") return "valid";
  return [[0, 0], [h[0], h[1]], [w[0], w[1]], [0, 0]];
}

/**
 * `lax.conv_general_dilated` with window strides, padding and feature groups on a batched
 * channels-last input `x` (`[N, ...spatial, Cin]`) and a kernel `w` (`[...k, Cin / G, Cout]`,
 * already dilated), plus an optional `[Cout]` bias. 1-D runs as 2-D with a unit height.
 */
export function convChannelsLast(
  x: tf.Tensor,
  w: tf.Tensor,
  strides: readonly number[],
  padding: ResolvedPadding,
  groups: number,
  bias: tf.Tensor | null,
): tf.Tensor {
  const n = strides.length;
  if (n === 1) {
    const [b, width, c] = x.shape as [number, number, number];
    const [k, ci, co] = w.shape as [number, number, number];
    const pad = typeof padding === "string" ? padding : [[0, 0] as const, padding[0]!];
    const out = conv2dLike(
      tf.reshape(x, [b, 1, width, c]) as tf.Tensor4D,
      tf.reshape(w, [1, k, ci, co]) as tf.Tensor4D,
      [1, strides[0]!],
      pad,
      groups,
      bias,
    );
    return tf.reshape(out, [b, out.shape[2]!, out.shape[3]!]);
  }
  if (n === 2) return conv2dLike(x as tf.Tensor4D, w as tf.Tensor4D, [strides[0]!, strides[1]!], padding, groups, bias);
  if (n === 3) {
    let x5 = x as tf.Tensor5D;
    let pad: "same" | "valid" = padding === "SAME" ? "same" : "valid";
    if (typeof padding !== "string") {
      x5 = tf.pad(x5, [[0, 0], ...padding.map((p): [number, number] => [p[0], p[1]]), [0, 0]]) as tf.Tensor5D;
      pad = "valid";
    }
    const s: [number, number, number] = [strides[0]!, strides[1]!, strides[2]!];
    const out = grouped(x5, w, groups, (xi, wi) => tf.conv3d(xi as tf.Tensor5D, wi as tf.Tensor5D, s, pad));
    return bias ? tf.add(out, bias) : out;
  }
  throw new Error(`convolution over ${n} spatial dims is not supported by tfjs (1, 2 or 3).`);
}

function conv2dLike(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  strides: [number, number],
  padding: ResolvedPadding,
  groups: number,
  bias: tf.Tensor | null,
): tf.Tensor4D {
  const pad = pad2d(padding, typeof padding === "string" ? [0, 0] : padding[0]!, typeof padding === "string" ? [0, 0] : padding[1]!);
  const cin = x.shape[3];
  if (groups === 1) {
    if (bias) return tf.fused.conv2d({ x, filter: w, strides, pad, bias });
    return tf.conv2d(x, w, strides, pad);
  }
  if (groups === cin) {
    // JAX groups output channels by input channel (o = c * M + m), which is exactly the
    // depthwise filter layout [kh, kw, C, M] in row-major order.
    const [kh, kw, , co] = w.shape;
    const f = tf.reshape(w, [kh, kw, cin, co / cin]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(x, f, strides, pad);
    return bias ? tf.add(out, bias) : out;
  }
  const out = grouped(x, w, groups, (xi, wi) => tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, strides, pad)) as tf.Tensor4D;
  return bias ? tf.add(out, bias) : out;
}

function grouped(x: tf.Tensor, w: tf.Tensor, groups: number, conv: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (groups === 1) return conv(x, w);
  const xs = tf.split(x, groups, x.rank - 1);
  const ws = tf.split(w, groups, w.rank - 1);
  return tf.concat(xs.map((xi, i) => conv(xi, ws[i]!)), x.rank - 1);
}

/**
 * `lax.conv_transpose(x, w, strides, pads)` without kernel transposition (Haiku's default) on a
 * batched channels-last input and a kernel `[...k, Cout, Cin]`, where `pads` are JAX's
 * transposed-conv paddings `[a, b]` per dim (already resolved from SAME/VALID/output_shape).
 * tfjs's conv2dTranspose is the gradient of conv2d, i.e. it correlates with the spatially
 * flipped kernel and pads `k - 1 - a` / `k - 1 - b`; flipping `w` first gives JAX's numbers.
 * Paddings beyond `k - 1` only add zero rows, which are padded on afterwards.
 */
export function convTransposeChannelsLast(
  x: tf.Tensor,
  w: tf.Tensor,
  strides: readonly number[],
  pads: readonly (readonly [number, number])[],
  bias: tf.Tensor | null,
): tf.Tensor {
  const n = strides.length;
  const k = w.shape.slice(0, n);
  const inSpatial = x.shape.slice(1, 1 + n);
  const clamped = pads.map(([a, b], i): [number, number] => [Math.min(a, k[i]! - 1), Math.min(b, k[i]! - 1)]);
  const outSpatial = inSpatial.map((d, i) => (d - 1) * strides[i]! + 1 + clamped[i]![0] + clamped[i]![1] - k[i]! + 1);
  const flipped = tf.reverse(w, k.map((_, i) => i));
  const cout = w.shape[n]!;
  const batch = x.shape[0]!;
  let out: tf.Tensor;
  if (n === 1 || n === 2) {
    const x4 = (n === 1 ? tf.reshape(x, [batch, 1, inSpatial[0]!, x.shape[2]!]) : x) as tf.Tensor4D;
    const w4 = (n === 1 ? tf.reshape(flipped, [1, k[0]!, cout, w.shape[2]!]) : flipped) as tf.Tensor4D;
    const kk = n === 1 ? [1, k[0]!] : k;
    const cc = n === 1 ? [[0, 0] as [number, number], clamped[0]!] : clamped;
    const oo = n === 1 ? [1, outSpatial[0]!] : outSpatial;
    const ss: [number, number] = n === 1 ? [1, strides[0]!] : [strides[0]!, strides[1]!];
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [kk[0]! - 1 - cc[0]![0], kk[0]! - 1 - cc[0]![1]],
      [kk[1]! - 1 - cc[1]![0], kk[1]! - 1 - cc[1]![1]],
      [0, 0],
    ];
    out = tf.conv2dTranspose(x4, w4, [batch, oo[0]!, oo[1]!, cout], ss, pad as never);
    if (n === 1) out = tf.reshape(out, [batch, outSpatial[0]!, cout]);
  } else if (n === 3) {
    // conv3dTranspose only knows "valid" (= JAX pads k - 1 on both sides): crop from there.
    const full = inSpatial.map((d, i) => (d - 1) * strides[i]! + k[i]!);
    const y = tf.conv3dTranspose(
      x as tf.Tensor5D,
      flipped as tf.Tensor5D,
      [batch, full[0]!, full[1]!, full[2]!, cout],
      [strides[0]!, strides[1]!, strides[2]!],
      "valid",
    );
    out = tf.slice(y, [0, ...clamped.map(([a], i) => k[i]! - 1 - a), 0], [batch, ...outSpatial, cout]);
  } else {
    throw new Error(`transposed convolution over ${n} spatial dims is not supported by tfjs (1, 2 or 3).`);
  }
  const extra = pads.map(([a, b], i): [number, number] => [a - clamped[i]![0], b - clamped[i]![1]]);
  if (extra.some(([a, b]) => a > 0 || b > 0)) out = tf.pad(out, [[0, 0], ...extra, [0, 0]]);
  return bias ? tf.add(out, bias) : out;
}
