// nets.MLP. Golden structure: haiku/_src/integration/checkpoints/nets.MLP.json; behaviour and
// messages: haiku/_src/nets/mlp.py (and mlp_test.py: reverse, dropout rng errors, b_init error).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, test } from "vitest";
import * as hk from "../../src/index.js";
import { expectClose, ramp, shapes } from "../nn/helpers.js";
import { InvalidArgumentError, TransformError } from "../../src/util/errors.js";

const { random } = hk;

describe("nets.MLP", () => {
  test("golden structure: MLP([3, 4, 5]) on f32[8, 3]", () => {
    const f = hk.transform((x: tf.Tensor) => new hk.nets.MLP([3, 4, 5]).call(x));
    expect(shapes(f.init(random.key(0), tf.ones([8, 3])))).toEqual({
      "mlp/~/linear_0": { w: [3, 3], b: [3] },
      "mlp/~/linear_1": { w: [3, 4], b: [4] },
      "mlp/~/linear_2": { w: [4, 5], b: [5] },
    });
  });

  test("relu between layers, none after the last (hand computed)", () => {
    const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.nets.MLP([2, 1]).call(x)));
    const params = {
      "mlp/~/linear_0": { w: tf.tensor2d([[1, -1]]), b: tf.tensor1d([0, 0.5]) },
      "mlp/~/linear_1": { w: tf.tensor2d([[2], [3]]), b: tf.tensor1d([-10]) },
    };
    // x = 2: h = relu([2, -1.5]) = [2, 0]; y = 4 - 10 = -6 (not activated).
    expectClose(f.apply(params, tf.tensor2d([[2]])), [-6]);
    const g = hk.withoutApplyRng(
      hk.transform((x: tf.Tensor) => new hk.nets.MLP([2, 1], { activateFinal: true }).call(x)),
    );
    expectClose(g.apply(params, tf.tensor2d([[2]])), [0]);
  });

  test("dropout uses PRNGSequence(rng) and hk.dropout before each activation", () => {
    const f = hk.transform((x: tf.Tensor) =>
      new hk.nets.MLP([6, 2], { wInit: hk.initializers.Constant(1) }).call(x, {
        dropoutRate: 0.5,
        rng: hk.nextRngKey(),
      }),
    );
    const x = tf.ones([1, 3]);
    const p = f.init(random.key(0), x);
    // apply's first key k = split(key(1))[1]; the MLP's sequence yields split(k)[1] for layer 0.
    const k = random.split(random.key(1), 2)[1]!;
    const d0 = random.split(k, 2)[1]!;
    const keep = random.bernoulliValues(d0, 0.5, [1, 6]);
    let kept = 0;
    for (const b of keep) kept += b;
    expectClose(f.apply(p, random.key(1), x), [kept * 3 * 2, kept * 3 * 2]);
  });

  test("errors as Haiku's", () => {
    const x = tf.ones([1, 2]);
    const run = (fn: (x: tf.Tensor) => unknown) => () => hk.transform(fn).init(random.key(0), x);
    expect(run(() => new hk.nets.MLP([1], { withBias: false, bInit: hk.initializers.Constant(1) }))).toThrow(
      /^MLP 'mlp': When `withBias` \(Haiku's `with_bias`\) is false `bInit` \(Haiku's `b_init`\) must not be set\. Fix: /,
    );
    expect(run(() => new hk.nets.MLP([1], { withBias: false, bInit: hk.initializers.Constant(1) }))).toThrow(
      InvalidArgumentError,
    );
    expect(run((y) => new hk.nets.MLP([1]).call(y, { dropoutRate: 0.5 }))).toThrow(
      /When using dropout an rng key must be passed/,
    );
    expect(run((y) => new hk.nets.MLP([1]).call(y, { dropoutRate: 0.5 }))).toThrow(InvalidArgumentError);
    expect(run((y) => new hk.nets.MLP([1]).call(y, { rng: random.key(0) }))).toThrow(
      /RNG should only be passed when using dropout/,
    );
    expect(run((y) => new hk.nets.MLP([1]).call(y, { rng: random.key(0) }))).toThrow(InvalidArgumentError);
    expect(run(() => new hk.nets.MLP([1]).reverse())).toThrow(
      /^MLP 'mlp': You cannot reverse an MLP until it has been called\. Fix: /,
    );
    expect(run(() => new hk.nets.MLP([1]).reverse())).toThrow(TransformError);
  });

  test("reverse() mirrors the sizes, named <name>_reversed (made inside the reverse method)", () => {
    const names: string[] = [];
    const f = hk.transform((x: tf.Tensor) => {
      const mlp = new hk.nets.MLP([4, 5, 6]);
      const y = mlp.call(x);
      const rev = mlp.reverse();
      names.push(rev.name, mlp.reverse({ name: "foobar" }).name);
      return rev.call(y);
    });
    const x = tf.ones([2, 3]);
    const p = f.init(random.key(0), x);
    expect(names).toEqual(["mlp_reversed", "foobar"]);
    // Haiku scopes every module method, so a module built in `reverse` is `mlp/~reverse/...`.
    expect(shapes(p)["mlp/~reverse/mlp_reversed/~/linear_0"]).toEqual({ w: [6, 5], b: [5] });
    expect(shapes(p)["mlp/~reverse/mlp_reversed/~/linear_2"]).toEqual({ w: [4, 3], b: [3] });
    expect(f.apply(p, null, x).shape).toEqual([2, 3]);
  });

  test("gradients on wasm for every layer; tensor count flat", () => {
    const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.nets.MLP([4, 3]).call(x)));
    const x = ramp([5, 2], 1);
    const p = f.init(random.key(2), x);
    const loss = (q: hk.Params) => tf.mean(tf.square(f.apply(q, x)));
    const g = hk.grad(loss)(p) as hk.Params;
    // Central differences on one weight of each layer.
    for (const mod of ["mlp/~/linear_0", "mlp/~/linear_1"]) {
      const w = p[mod]!["w"]!;
      const eps = 1e-2;
      const bump = (d: number) => {
        const v = w.dataSync().slice();
        v[1] = v[1]! + d;
        return loss({ ...p, [mod]: { ...p[mod]!, w: tf.tensor(v, w.shape) } }).dataSync()[0]!;
      };
      const numeric = (bump(eps) - bump(-eps)) / (2 * eps);
      expect(g[mod]!["w"]!.dataSync()[1]!).toBeCloseTo(numeric, 3);
    }
    tf.dispose(f.apply(p, x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(f.apply(p, x));
    expect(tf.memory().numTensors).toBe(before);
  });
});
