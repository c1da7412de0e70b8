/**
 * Channels-last convolution kernels behind the conv modules: map Haiku's
 * `lax.conv_general_dilated` / `lax.conv_transpose` calls onto tfjs ops that exist forward and
 * backward on the wasm backend.
 */
import * as tf from "@tensorflow/tfjs-core";
import { dilateKernel, padsFor } from "./conv_utils.js";
import type { ResolvedPadding } from "./conv_utils.js";
import { InvalidArgumentError } from "../util/errors.js";

type Pad2D = "valid" | [[number, number], [number, number], [number, number], [number, number]];

/**
 * tfjs padding for a 2-D conv: SAME is always passed as explicit pads (JAX's formula, which is
 * TF's), because tfjs-wasm 4.22's Conv2D / DepthwiseConv2dNative compute wrong outputs for
 * "same" when a kernel dim is 1 and strided (e.g. a [3, 1] kernel with stride 2).
 */
function pad2d(padding: ResolvedPadding, size: readonly number[], k: readonly number[], s: readonly number[]): Pad2D {
  if (padding === "VALID") return "valid";
  const [h, w] = padding === "SAME" ? [0, 1].map((i) => padsFor("SAME", size[i]!, k[i]!, s[i]!)) : padding;
  if (h![0] === 0 && h![1] === 0 && w![0] === 0 && w![1] === 0) return "valid";
  return [
    [0, 0],
    [h![0], h![1]],
    [w![0], w![1]],
    [0, 0],
  ];
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
    // Always explicit: pad, then a VALID conv3d whose input gradient avoids the wasm kernel.
    const pads =
      padding === "VALID"
        ? [
            [0, 0],
            [0, 0],
            [0, 0],
          ]
        : padding === "SAME"
          ? strides.map((s, i) => padsFor("SAME", x.shape[i + 1]!, w.shape[i]!, s))
          : padding.map((p) => [p[0], p[1]]);
    const x5 = pads.some(([a, b]) => a! > 0 || b! > 0)
      ? tf.pad(x, [[0, 0], ...pads.map((p): [number, number] => [p[0]!, p[1]!]), [0, 0]])
      : x;
    const s: [number, number, number] = [strides[0]!, strides[1]!, strides[2]!];
    const out = grouped(x5, w, groups, (xi, wi) => conv3dValid(xi as tf.Tensor5D, wi as tf.Tensor5D, s));
    return bias ? tf.add(out, bias) : out;
  }
  throw new InvalidArgumentError(
    "hk.ConvND",
    `convolution over ${n} spatial dims is not supported by tfjs`,
    "use 1, 2 or 3 spatial dims.",
  );
}

function conv2dLike(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  strides: [number, number],
  padding: ResolvedPadding,
  groups: number,
  bias: tf.Tensor | null,
): tf.Tensor4D {
  const pad = pad2d(padding, [x.shape[1], x.shape[2]], [w.shape[0], w.shape[1]], strides);
  const cin = x.shape[3];
  if (groups === 1) {
    // conv2d + add rather than tf.fused.conv2d: the fused training step measured slower on
    // wasm, and wasm's fused kernel rejects a bias whose buffer was created with another shape.
    const out = tf.conv2d(x, w, strides, pad);
    return bias ? tf.add(out, bias) : out;
  }
  if (groups === cin) {
    // JAX groups output channels by input channel (o = c * M + m), which is exactly the
    // depthwise filter layout [kh, kw, C, M] in row-major order.
    const [kh, kw, , co] = w.shape;
    const f = tf.reshape(w, [kh, kw, cin, co / cin]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(x, f, strides, pad);
    return bias ? tf.add(out, bias) : out;
  }
  const out = grouped(x, w, groups, (xi, wi) =>
    tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, strides, pad),
  ) as tf.Tensor4D;
  return bias ? tf.add(out, bias) : out;
}

function grouped(
  x: tf.Tensor,
  w: tf.Tensor,
  groups: number,
  conv: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  if (groups === 1) return conv(x, w);
  const xs = tf.split(x, groups, x.rank - 1);
  const ws = tf.split(w, groups, w.rank - 1);
  return tf.concat(
    xs.map((xi, i) => conv(xi, ws[i]!)),
    x.rank - 1,
  );
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
  const flipped = tf.reverse(
    w,
    k.map((_, i) => i),
  );
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
    // tfjs-wasm 4.22's Conv3DBackpropInputV2 (behind conv3dTranspose) returns wrong values, so
    // this runs JAX's definition directly: zero-dilate x by the strides, pad, correlate with w.
    const dilated = dilateKernel(x, strides, 1);
    const padded = tf.pad(dilated, [[0, 0], ...pads.map((p): [number, number] => [p[0], p[1]]), [0, 0]]);
    const wt = tf.transpose(w, [0, 1, 2, 4, 3]) as tf.Tensor5D;
    out = conv3dValid(padded as tf.Tensor5D, wt, [1, 1, 1]);
    return bias ? tf.add(out, bias) : out;
  } else {
    throw new InvalidArgumentError(
      "hk.ConvNDTranspose",
      `transposed convolution over ${n} spatial dims is not supported by tfjs`,
      "use 1, 2 or 3 spatial dims.",
    );
  }
  const extra = pads.map(([a, b], i): [number, number] => [a - clamped[i]![0], b - clamped[i]![1]]);
  if (extra.some(([a, b]) => a > 0 || b > 0)) out = tf.pad(out, [[0, 0], ...extra, [0, 0]]);
  return bias ? tf.add(out, bias) : out;
}

/**
 * A VALID, strided `conv3d` whose input gradient is computed as a forward conv3d of the
 * zero-dilated `dy` with the flipped, in/out-swapped kernel: tfjs-wasm 4.22's
 * `Conv3DBackpropInputV2` returns wrong values (and disturbs other buffers), so the gradient
 * must not reach it. tfjs's `Conv3DBackpropFilterV2` drops the taps between strides (cpu and
 * wasm alike), so the filter gradient is a forward conv3d too.
 */
function conv3dValid(x: tf.Tensor5D, w: tf.Tensor5D, strides: [number, number, number]): tf.Tensor5D {
  const f = tf.customGrad(((xa: tf.Tensor, wa: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xa, wa]);
    return {
      value: tf.conv3d(xa as tf.Tensor5D, wa as tf.Tensor5D, strides, "valid"),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor5D, tf.Tensor5D];
        const k = ws.shape.slice(0, 3);
        const dyd = dilateKernel(dy, strides, 1);
        // dx[i] = sum_k dyd[i - k] w[k]: pad k - 1 before and enough after to reach x's size.
        const pads = k.map((kk, i): [number, number] => [kk - 1, xs.shape[i + 1]! - dyd.shape[i + 1]!]);
        const wT = tf.transpose(tf.reverse(ws, [0, 1, 2]), [0, 1, 2, 4, 3]) as tf.Tensor5D;
        const dx = tf.conv3d(tf.pad(dyd, [[0, 0], ...pads, [0, 0]]) as tf.Tensor5D, wT, [1, 1, 1], "valid");
        // dw[k, ci, co] = sum_{b, o} x[b, o * s + k, ci] dy[b, o, co]: a conv3d of x (batch and
        // channels swapped) with the dilated dy as the filter, cropped to the kernel size.
        const xT = tf.transpose(xs, [4, 1, 2, 3, 0]) as tf.Tensor5D;
        const dyT = tf.transpose(dyd, [1, 2, 3, 0, 4]) as tf.Tensor5D;
        const full = tf.conv3d(xT, dyT, [1, 1, 1], "valid");
        const dw = tf.transpose(
          tf.slice(full, [0, 0, 0, 0, 0], [full.shape[0]!, k[0]!, k[1]!, k[2]!, full.shape[4]!]),
          [1, 2, 3, 0, 4],
        );
        return [dx, dw];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, w) as tf.Tensor5D;
}
