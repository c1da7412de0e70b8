// LayerNorm / InstanceNorm / RMSNorm / GroupNorm against Haiku's golden checkpoint table
// () and layer_norm_test.py / rms_norm_test.py / group_norm_test.py.
// Expected numbers are hand computations in plain JS.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { transform } from "../../src/core/index.js";
import type { Initializer, Params } from "../../src/core/index.js";
import { GroupNorm } from "../../src/nn/group_norm.js";
import { InstanceNorm, LayerNorm } from "../../src/nn/layer_norm.js";
import { getChannelIndex } from "../../src/nn/norm_axes.js";
import { RMSNorm } from "../../src/nn/rms_norm.js";
import { expectClose, expectNoLeak, lcg, shapes } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";
import { transformAndRun } from "../transform_and_run.js";

const constant =
  (c: number): Initializer =>
  (shape, dtype) =>
    tf.fill(shape, c, dtype);

/** Normalises each group of `size` consecutive values ((v - mean) / sqrt(var + eps)). */
function normGroups(values: number[], size: number, eps = 1e-5, rms = false): number[] {
  const out: number[] = [];
  for (let s = 0; s < values.length; s += size) {
    const g = values.slice(s, s + size);
    const mean = rms ? 0 : g.reduce((a, b) => a + b, 0) / size;
    const ms = g.reduce((a, b) => a + (b - mean) ** 2, 0) / size;
    out.push(...g.map((v) => (v - mean) / Math.sqrt(ms + eps)));
  }
  return out;
}

describe("LayerNorm", () => {
  it("matches the golden structure: LayerNorm(axis=1, True, True, param_axis=-1) on f32[8,3,2]", () => {
    const f = transform((x: tf.Tensor) => new LayerNorm(1, true, true, { paramAxis: -1 }).call(x));
    const params = f.init(null, tf.ones([8, 3, 2]));
    expect(shapes(params)).toEqual({ layer_norm: { scale: [2], offset: [2] } });
    const g = transform((x: tf.Tensor) => new LayerNorm(-1, true, true, { paramAxis: [1, 2] }).call(x));
    expect(shapes(g.init(null, tf.ones([8, 3, 2])))).toEqual({ layer_norm: { scale: [1, 3, 2], offset: [1, 3, 2] } });
  });

  it("normalises the last axis (two-pass and fast variance) and applies scale/offset", () => {
    const xv = lcg(4 * 6, 3).map((v, i) => v * 3 + i);
    const x = tf.tensor(xv, [4, 6]);
    for (const useFastVariance of [false, true]) {
      const f = transform((v: tf.Tensor) =>
        new LayerNorm(-1, true, true, { scaleInit: constant(0.5), offsetInit: constant(2), useFastVariance }).call(v),
      );
      const params = f.init(null, x);
      expectClose(
        f.apply(params, null, x) as tf.Tensor,
        normGroups(xv, 6).map((v) => 0.5 * v + 2),
        1e-4,
      );
    }
  });

  it("accepts axis lists and slices; ones give zeros (test_simple_case, test_slice_axis)", () => {
    const ones = tf.ones([2, 3, 3, 5]);
    for (const axis of [[1, 2], { start: 1, stop: -1 }, { start: 1 }, 0, 3] as const) {
      const f = transform((v: tf.Tensor) => new LayerNorm(axis, false, false).call(v));
      expectClose(f.apply(f.init(null, ones), null, ones) as tf.Tensor, new Array(90).fill(0));
    }
    const f = transform((v: tf.Tensor) =>
      new LayerNorm([1, 2], false, false).call(v, { scale: tf.fill([5], 0.5), offset: tf.fill([5], 2) }),
    );
    expectClose(f.apply({}, null, ones) as tf.Tensor, new Array(90).fill(2));
  });

  it("has gradients on wasm (matches the cpu backend)", () => {
    expect(tf.getBackend()).toBe("wasm");
    const f = transform((v: tf.Tensor) => new LayerNorm(-1, true, true).call(v));
    const x = tf.tensor(lcg(3 * 5, 9), [3, 5]);
    const w = tf.tensor(lcg(3 * 5, 10), [3, 5]);
    const params = f.init(null, x);
    const run = () =>
      tf.grads((s: tf.Tensor, o: tf.Tensor, v: tf.Tensor) =>
        tf.sum(tf.mul(f.apply({ layer_norm: { scale: s, offset: o } }, null, v) as tf.Tensor, w)),
      )([params["layer_norm"]!["scale"]!, params["layer_norm"]!["offset"]!, x]);
    const onWasm = run().map((t) => Array.from(t.dataSync()));
    // d/doffset = column sums of w.
    expectClose(
      onWasm[1]!,
      [0, 1, 2, 3, 4].map((c) => [0, 1, 2].reduce((a, r) => a + w.dataSync()[r * 5 + c]!, 0)),
      1e-5,
    );
    tf.setBackend("cpu");
    try {
      const onCpu = run().map((t) => Array.from(t.dataSync()));
      onCpu.forEach((g, i) => expectClose(onWasm[i]!, g, 1e-5, 1e-4));
    } finally {
      tf.setBackend("wasm");
    }
  });

  it("raises Haiku's errors", () => {
    const init = (fn: () => unknown) => () => transformAndRun(fn);
    expect(init(() => new LayerNorm("foo" as never, false, false))).toThrow(
      /`axis` should be an int, slice or iterable of ints/,
    );
    expect(init(() => new LayerNorm("foo" as never, false, false))).toThrow(InvalidArgumentError);
    expect(init(() => new LayerNorm(["foo"] as never, false, false))).toThrow(
      /`axis` should be an int, slice or iterable of ints/,
    );
    expect(init(() => new LayerNorm(["foo"] as never, false, false))).toThrow(InvalidArgumentError);
    expect(init(() => new LayerNorm(3, false, true, { scaleInit: constant(1) }))).toThrow(
      /Cannot set `scaleInit` \(Haiku's `scale_init`\) if `createScale` \(Haiku's `create_scale`\) is false\. Fix: /,
    );
    expect(init(() => new LayerNorm(3, false, true, { scaleInit: constant(1) }))).toThrow(InvalidArgumentError);
    expect(init(() => new LayerNorm(3, true, false, { offsetInit: constant(0) }))).toThrow(
      /Cannot set `offsetInit` \(Haiku's `offset_init`\) if `createOffset` \(Haiku's `create_offset`\) is false\. Fix: /,
    );
    expect(init(() => new LayerNorm(3, true, false, { offsetInit: constant(0) }))).toThrow(InvalidArgumentError);
    expect(init(() => new LayerNorm([2], true, false).call(tf.ones([2, 3, 4]), { scale: tf.ones([4]) }))).toThrow(
      /Cannot pass `scale` at call time if `createScale` \(Haiku's `create_scale`\) is true/,
    );
    expect(init(() => new LayerNorm([2], true, false).call(tf.ones([2, 3, 4]), { scale: tf.ones([4]) }))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new LayerNorm([2], false, true).call(tf.ones([2, 3, 4]), { offset: tf.ones([4]) }))).toThrow(
      /Cannot pass `offset` at call time if `createOffset` \(Haiku's `create_offset`\) is true/,
    );
    expect(init(() => new LayerNorm([2], false, true).call(tf.ones([2, 3, 4]), { offset: tf.ones([4]) }))).toThrow(
      InvalidArgumentError,
    );
    expect(init(() => new LayerNorm(5, true, true).call(tf.ones([2, 3])))).toThrow(
      /layer_norm.*`axis` 5 is out of range for an input of rank 2/,
    );
    expect(init(() => new LayerNorm(5, true, true).call(tf.ones([2, 3])))).toThrow(InvalidArgumentError);
  });

  it("keeps the tensor count flat", () => {
    const f = transform((v: tf.Tensor) => new LayerNorm(-1, true, true).call(v));
    const x = tf.ones([2, 4]);
    const params = f.init(null, x);
    expectNoLeak(() => tf.dispose(f.apply(params, null, x) as tf.Tensor));
  });
});

describe("InstanceNorm", () => {
  it("matches the golden structure (InstanceNorm(True, True) on f32[8,3,2]) and normalises spatial axes", () => {
    const f = transform((x: tf.Tensor) => new InstanceNorm(true, true).call(x));
    const xv = lcg(2 * 3 * 2, 4);
    const x = tf.tensor(xv, [2, 3, 2]);
    const params = f.init(null, x);
    expect(shapes(params)).toEqual({ instance_norm: { scale: [2], offset: [2] } });
    // Normalised over axis 1 per (example, channel).
    const expected = new Array<number>(12);
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 2; c++) {
        const idx = [0, 1, 2].map((t) => b * 6 + t * 2 + c);
        const n = normGroups(
          idx.map((i) => xv[i]!),
          3,
        );
        idx.forEach((i, k) => (expected[i] = n[k]!));
      }
    }
    expectClose(f.apply(params, null, x) as tf.Tensor, expected, 1e-4);
    // Gradient on wasm: d/doffset of sum(y) counts the normalised positions per channel.
    const [gOffset] = tf.grads((o: tf.Tensor) =>
      tf.sum(
        f.apply({ instance_norm: { scale: params["instance_norm"]!["scale"]!, offset: o } }, null, x) as tf.Tensor,
      ),
    )([params["instance_norm"]!["offset"]!]);
    expectClose(gOffset!, [6, 6]);
    const nchw = transform((v: tf.Tensor) => new InstanceNorm(true, true, { dataFormat: "NCHW" }).call(v));
    expect(shapes(nchw.init(null, tf.ones([2, 3, 4, 4])))).toEqual({
      instance_norm: { scale: [1, 3, 1, 1], offset: [1, 3, 1, 1] },
    });
  });
});

describe("RMSNorm", () => {
  it("matches the golden structure (RMSNorm(axis=1) on f32[8,3,2]) and divides by the RMS", () => {
    const f = transform((x: tf.Tensor) => new RMSNorm(1).call(x));
    expect(shapes(f.init(null, tf.ones([8, 3, 2])))).toEqual({ rms_norm: { scale: [2] } });
    const xv = lcg(3 * 4, 5);
    const x = tf.tensor(xv, [3, 4]);
    const g = transform((v: tf.Tensor) => new RMSNorm(-1, { scaleInit: constant(3) }).call(v));
    expectClose(
      g.apply(g.init(null, x), null, x) as tf.Tensor,
      normGroups(xv, 4, 1e-5, true).map((v) => 3 * v),
      1e-4,
    );
    const h = transform((v: tf.Tensor) => new RMSNorm(-1, { createScale: false }).call(v));
    expect(h.init(null, x)).toEqual({});
    expectClose(h.apply({}, null, x) as tf.Tensor, normGroups(xv, 4, 1e-5, true), 1e-4);
  });

  it("has gradients on wasm and Haiku's errors", () => {
    const f = transform((v: tf.Tensor) => new RMSNorm(-1).call(v));
    const x = tf.tensor([1, 2, 3, 4], [1, 4]);
    const params = f.init(null, x);
    const [gScale] = tf.grads((s: tf.Tensor) => tf.sum(f.apply({ rms_norm: { scale: s } }, null, x) as tf.Tensor))([
      params["rms_norm"]!["scale"]!,
    ]);
    expectClose(gScale!, normGroups([1, 2, 3, 4], 4, 1e-5, true), 1e-5);
    expect(() => transform(() => new RMSNorm(-1, { createScale: false, scaleInit: constant(1) })).init(null)).toThrow(
      /Cannot set `scaleInit` \(Haiku's `scale_init`\) if `createScale` \(Haiku's `create_scale`\) is false\. Fix: /,
    );
    expect(() => transform(() => new RMSNorm(-1, { createScale: false, scaleInit: constant(1) })).init(null)).toThrow(
      InvalidArgumentError,
    );
    expect(() => transform(() => new RMSNorm("x" as never)).init(null)).toThrow(
      /`axis` should be an int, slice or iterable of ints/,
    );
    expect(() => transform(() => new RMSNorm("x" as never)).init(null)).toThrow(InvalidArgumentError);
  });
});

describe("GroupNorm", () => {
  it("matches the golden structure (GroupNorm(groups=5) on f32[8,4,4,10])", () => {
    const f = transform((x: tf.Tensor) => new GroupNorm(5).call(x));
    expect(shapes(f.init(null, tf.ones([8, 4, 4, 10])))).toEqual({ group_norm: { scale: [10], offset: [10] } });
    const g = transform((x: tf.Tensor) => new GroupNorm(5, { dataFormat: "NCHW" }).call(x));
    expect(shapes(g.init(null, tf.ones([2, 10, 3, 3])))).toEqual({
      group_norm: { scale: [10, 1, 1], offset: [10, 1, 1] },
    });
  });

  it("normalises each group over space and its channels (hand computation); NHWC == NCHW", () => {
    const xv = lcg(2 * 3 * 4, 6).map((v, i) => v + (i % 4));
    const x = tf.tensor(xv, [2, 3, 4]); // N=2, W=3, C=4, groups=2 of 2 channels
    const f = transform((v: tf.Tensor) =>
      new GroupNorm(2, { scaleInit: constant(0.5), offsetInit: constant(2) }).call(v),
    );
    const params = f.init(null, x);
    const expected = new Array<number>(24);
    for (let b = 0; b < 2; b++) {
      for (let g = 0; g < 2; g++) {
        const idx: number[] = [];
        for (let w = 0; w < 3; w++) for (let c = 2 * g; c < 2 * g + 2; c++) idx.push(b * 12 + w * 4 + c);
        const n = normGroups(
          idx.map((i) => xv[i]!),
          idx.length,
        );
        idx.forEach((i, k) => (expected[i] = 0.5 * n[k]! + 2));
      }
    }
    expectClose(f.apply(params, null, x) as tf.Tensor, expected, 1e-4);
    const nchw = transform((v: tf.Tensor) =>
      new GroupNorm(2, { dataFormat: "NCHW", scaleInit: constant(0.5), offsetInit: constant(2) }).call(v),
    );
    const xt = tf.transpose(x, [0, 2, 1]);
    const y = nchw.apply(nchw.init(null, xt), null, xt) as tf.Tensor;
    expectClose(tf.transpose(y, [0, 2, 1]), expected, 1e-4);
    const ext = transform((v: tf.Tensor) =>
      new GroupNorm(5, { createScale: false, createOffset: false }).call(v, {
        scale: tf.fill([10], 0.5),
        offset: tf.fill([10], 2),
      }),
    );
    expectClose(ext.apply({}, null, tf.ones([2, 3, 3, 10])) as tf.Tensor, new Array(180).fill(2));
  });

  it("has gradients on wasm (d/doffset = per-channel sums)", () => {
    const f = transform((v: tf.Tensor) => new GroupNorm(2).call(v));
    const x = tf.tensor(lcg(2 * 3 * 4, 8), [2, 3, 4]);
    const params = f.init(null, x) as Params;
    const [gOffset, gX] = tf.grads((o: tf.Tensor, v: tf.Tensor) =>
      tf.sum(
        tf.mul(f.apply({ group_norm: { scale: params["group_norm"]!["scale"]!, offset: o } }, null, v) as tf.Tensor, v),
      ),
    )([params["group_norm"]!["offset"]!, x]);
    const xv = Array.from(x.dataSync());
    expectClose(
      gOffset!,
      [0, 1, 2, 3].map((c) => xv.filter((_, i) => i % 4 === c).reduce((a, b) => a + b, 0)),
      1e-4,
    );
    expect(gX!.shape).toEqual([2, 3, 4]);
  });

  it("raises Haiku's errors", () => {
    const init = (fn: () => unknown) => () => transformAndRun(fn);
    expect(init(() => new GroupNorm(3).call(tf.ones([2, 4, 10])))).toThrow(
      /The number of channels must be divisible by the number of groups, was channels=10, groups=3/,
    );
    expect(init(() => new GroupNorm(3).call(tf.ones([2, 4, 10])))).toThrow(ShapeError);
    expect(init(() => new GroupNorm(5, { dataFormat: "NHW" }))).toThrow(
      /Unable to extract channel information from 'NHW'/,
    );
    expect(init(() => new GroupNorm(5, { dataFormat: "NHW" }))).toThrow(InvalidArgumentError);
    expect(init(() => new GroupNorm(5, { createScale: false, scaleInit: constant(1) }))).toThrow(
      /Cannot set `scaleInit` \(Haiku's `scale_init`\) if `createScale` \(Haiku's `create_scale`\) is false\. Fix: /,
    );
    expect(init(() => new GroupNorm(5, { createScale: false, scaleInit: constant(1) }))).toThrow(InvalidArgumentError);
    expect(init(() => new GroupNorm(5, { axis: "foo" as never }))).toThrow(
      /`axis` should be an int, slice or iterable of ints/,
    );
    expect(init(() => new GroupNorm(5, { axis: "foo" as never }))).toThrow(InvalidArgumentError);
    expect(init(() => new GroupNorm(5).call(tf.ones([2, 10]), { scale: tf.ones([10]) }))).toThrow(
      /Cannot pass `scale` at call time if `createScale` \(Haiku's `create_scale`\) is true/,
    );
    expect(init(() => new GroupNorm(5).call(tf.ones([2, 10]), { scale: tf.ones([10]) }))).toThrow(InvalidArgumentError);
    expect(
      init(() => {
        const gn = new GroupNorm(5);
        gn.call(tf.ones([2, 3, 10]));
        return gn.call(tf.ones([2, 10]));
      }),
    ).toThrow(
      /The rank of the inputs cannot change between calls, the original call was rank=3 but this call was rank=2/,
    );
  });
});

describe("getChannelIndex", () => {
  it("follows utils.get_channel_index (group_norm_test.py data-format cases)", () => {
    for (const f of ["NCHW", "NCW", "NCDHW", "channels_first"]) expect(getChannelIndex(f)).toBe(1);
    for (const f of ["NHWC", "NWC", "N...C", "channels_last", "BTHWD", "TBD"]) expect(getChannelIndex(f)).toBe(-1);
    for (const f of ["NHW", "HWC", "channel_last"]) {
      expect(() => getChannelIndex(f)).toThrow(`Unable to extract channel information from '${f}'.`);
    }
  });
});
