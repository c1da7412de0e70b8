// hk.vmap: Haiku's rules (stateful.vmap: split_rng required, at least one mapped input,
// split_rng=True refused when init creates params, state unmapped), equivalence with a loop,
// and memory.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/index.js";
import { InvalidArgumentError, ParameterError, ShapeError } from "../../src/util/errors.js";

const xs = tf.randomNormal([3, 4], 0, 1, "float32", 3);

describe("hk.vmap", () => {
  it("equals the function applied to each slice, params shared (not mapped)", () => {
    const f = hk.transform((v: tf.Tensor) => {
      const lin = new hk.Linear(2);
      return [hk.vmap((x: tf.Tensor) => lin.call(tf.expandDims(x, 0)), { splitRng: false })(v), lin.call(v)];
    });
    const params = f.init(0, xs);
    expect(Object.keys(params)).toEqual(["linear"]);
    const [mapped, direct] = f.apply(params, null, xs) as [tf.Tensor, tf.Tensor];
    expect(mapped.shape).toEqual([3, 1, 2]);
    expect(Array.from(mapped.dataSync())).toEqual(Array.from(direct.dataSync()));
  });

  it("splitRng true gives different keys per element, false the same", () => {
    const f = (splitRng: boolean) =>
      hk.transform((v: tf.Tensor) =>
        hk.vmap((_x: tf.Tensor) => hk.random.normal(hk.nextRngKey(), []), { splitRng, inAxes: 0 })(v),
      );
    const same = f(false).apply({}, 1, xs).dataSync();
    const split = f(true).apply({}, 1, xs).dataSync();
    expect(same[0]).toBe(same[1]);
    expect(split[0]).not.toBe(split[1]);
  });

  it("errors follow Haiku's rules, with the fix", () => {
    expect(() => hk.vmap((x: tf.Tensor) => x, {} as hk.VmapOptions)).toThrow(
      /hk\.vmap: Haiku requires the splitRng argument.*Fix/,
    );
    expect(() => hk.vmap((x: tf.Tensor) => x, {} as hk.VmapOptions)).toThrow(InvalidArgumentError);
    expect(() => hk.vmap((x: tf.Tensor) => x, { splitRng: false, inAxes: null })).toThrow(
      /at least one non-null value in inAxes/,
    );
    expect(() => hk.vmap((x: tf.Tensor) => x, { splitRng: false, inAxes: null })).toThrow(InvalidArgumentError);
    const init = hk.transform((v: tf.Tensor) =>
      hk.vmap((x: tf.Tensor) => new hk.Linear(2).call(tf.expandDims(x, 0)), { splitRng: true })(v),
    );
    expect(() => init.init(0, xs)).toThrow(
      /does not support setting splitRng to true during initialization.*splitRng: !hk\.runningInit\(\)/,
    );
    expect(() => init.init(0, xs)).toThrow(ParameterError);
    const state = hk.transformWithState((v: tf.Tensor) =>
      hk.vmap((x: tf.Tensor) => hk.setState("last", x), { splitRng: false })(v),
    );
    expect(() => state.init(0, xs)).toThrow(/hk\.vmap: state is not mapped .*\[~\/last\]/);
    expect(() => state.init(0, xs)).toThrow(ParameterError);
    const sizes = hk.transform((a: tf.Tensor, b: tf.Tensor) =>
      hk.vmap((x: tf.Tensor, y: tf.Tensor) => tf.add(x, y), { splitRng: false })(a, b),
    );
    expect(() => sizes.init(0, xs, tf.ones([2, 4]))).toThrow(
      /hk\.vmap: every leaf of a mapped input must have size 3 on axis 0, got shape \[2, 4\]/,
    );
    expect(() => sizes.init(0, xs, tf.ones([2, 4]))).toThrow(ShapeError);
  });

  it("keeps memory flat over repeated apply", () => {
    const f = hk.transform((v: tf.Tensor) => {
      const lin = new hk.Linear(2);
      return hk.vmap((x: tf.Tensor) => lin.call(tf.expandDims(x, 0)), { splitRng: false, outAxes: 1 })(v);
    });
    const params = f.init(0, xs);
    f.apply(params, null, xs).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) f.apply(params, null, xs).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
