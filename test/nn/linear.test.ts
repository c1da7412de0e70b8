// Linear and Bias. Golden structures: haiku/_src/integration/checkpoints/Linear.json and
// Bias.json; default initializers: haiku/_src/basic.py (Linear: TruncatedNormal(1/sqrt(fan_in)),
// zeros) and haiku/_src/bias.py (zeros; calculate_bias_shape examples from Bias's docstring).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, test } from "vitest";
import * as hk from "../../src/index.js";
import { expectClose, ramp, shapes } from "./helpers.js";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";
import { calculateBiasShape } from "../../src/nn/bias.js";

const { random } = hk;

describe("Linear", () => {
  test("golden structure: Linear(10) on f32[8, 1]", () => {
    const f = hk.transform((x: tf.Tensor) => new hk.Linear(10).call(x));
    expect(shapes(f.init(random.key(0), tf.ones([8, 1])))).toEqual({ linear: { w: [1, 10], b: [10] } });
  });

  test("init(key(0), ones([1, 2])): w = truncated_normal(first key, -2, 2, [2, out]) / sqrt(2), b = 0", () => {
    // Haiku's Linear uses TruncatedNormal(stddev=1/np.sqrt(input_size)) (basic.py), whose value is
    // stddev * jax.random.truncated_normal(next_rng_key(), -2., 2., shape) + mean
    // (initializers.py); the first key of init(key(0)) is split(key(0), 2)[1] (base.py PRNGSequence).
    const f = hk.transform((x: tf.Tensor) => new hk.Linear(3).call(x));
    const params = f.init(random.key(0), tf.ones([1, 2]));
    const k = random.split(random.key(0), 2)[1]!;
    const z = random.truncatedNormalValues(k, -2, 2, [2, 3]);
    const stddev = Math.fround(1 / Math.sqrt(2));
    expectClose(
      params["linear"]!["w"]!,
      Array.from(z, (v) => Math.fround(stddev * v)),
      0,
    );
    expect(Array.from(params["linear"]!["b"]!.dataSync())).toEqual([0, 0, 0]);
  });

  test("computes x @ w + b for rank 1, 2 and 3 inputs", () => {
    const w = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tf.tensor1d([0.5, -1, 2]);
    const params = { linear: { w, b } };
    const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.Linear(3).call(x)));
    const hand = (x0: number, x1: number) => [x0 + 4 * x1 + 0.5, 2 * x0 + 5 * x1 - 1, 3 * x0 + 6 * x1 + 2];
    expectClose(f.apply(params, tf.tensor1d([1, 2])), hand(1, 2));
    expect(f.apply(params, tf.tensor1d([1, 2])).shape).toEqual([3]);
    expectClose(
      f.apply(
        params,
        tf.tensor2d([
          [1, 2],
          [-1, 0.5],
        ]),
      ),
      [...hand(1, 2), ...hand(-1, 0.5)],
    );
    const y3 = f.apply(params, tf.tensor3d([[[1, 2]], [[3, 4]]]));
    expect(y3.shape).toEqual([2, 1, 3]);
    expectClose(y3, [...hand(1, 2), ...hand(3, 4)]);
  });

  test("withBias false, custom initializers, input dtype", () => {
    const f = hk.transform((x: tf.Tensor) =>
      new hk.Linear(2, { withBias: false, wInit: hk.initializers.Constant(0.5), name: "out" }).call(x),
    );
    const p = f.init(random.key(1), tf.ones([4, 3]));
    expect(shapes(p)).toEqual({ out: { w: [3, 2] } });
    expectClose(f.apply(p, null, tf.ones([1, 3])), [1.5, 1.5]);
  });

  test("scalar input is refused as Haiku does", () => {
    const f = hk.transform((x: tf.Tensor) => new hk.Linear(2).call(x));
    expect(() => f.init(random.key(0), tf.scalar(1))).toThrow(
      /^Linear 'linear': Input must not be scalar, got a scalar tensor\. Fix: /,
    );
    expect(() => f.init(random.key(0), tf.scalar(1))).toThrow(ShapeError);
  });

  test("gradients on wasm: dL/dw = sum over the batch of x, dL/db = batch size", () => {
    expect(tf.getBackend()).toBe("wasm");
    const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.Linear(3).call(x)));
    const x = tf.tensor2d([
      [1, 2],
      [3, -4],
      [0.5, 0.25],
    ]);
    const params = f.init(random.key(0), x);
    const g = hk.grad((p: hk.Params) => tf.sum(f.apply(p, x)))(params) as hk.Params;
    expectClose(g["linear"]!["w"]!, [4.5, 4.5, 4.5, -1.75, -1.75, -1.75]);
    expectClose(g["linear"]!["b"]!, [3, 3, 3]);
  });

  test("apply holds the tensor count flat", () => {
    const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.Linear(5).call(x)));
    const x = ramp([4, 6]);
    const params = f.init(random.key(0), x);
    tf.dispose(f.apply(params, x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(f.apply(params, x));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("Bias", () => {
  test("golden structure: Bias() on f32[8, 3, 3, 3]", () => {
    const f = hk.transform((x: tf.Tensor) => new hk.Bias().call(x));
    expect(shapes(f.init(random.key(0), tf.ones([8, 3, 3, 3])))).toEqual({ bias: { b: [3, 3, 3] } });
  });

  test("bias_dims shapes from Haiku's docstring (N, H, W, C = 1, 2, 3, 4)", () => {
    expect(calculateBiasShape([1, 2, 3, 4], [])).toEqual([]);
    expect(calculateBiasShape([1, 2, 3, 4], null)).toEqual([2, 3, 4]);
    expect(calculateBiasShape([1, 2, 3, 4], [-1])).toEqual([4]);
    expect(calculateBiasShape([1, 2, 3, 4], [1])).toEqual([2, 1, 1]);
    expect(() => calculateBiasShape([1, 2, 3, 4], [0])).toThrow(/Cannot apply bias across the minibatch dimension/);
    expect(() => calculateBiasShape([1, 2, 3, 4], [0])).toThrow(InvalidArgumentError);
    expect(() => calculateBiasShape([1, 2], [5])).toThrow(
      /^hk\.Bias: Dimension 5 \(`biasDims` \(Haiku's `bias_dims`\) \[5\]\) out of range for input of rank 2\. Fix: /,
    );
    expect(() => calculateBiasShape([1, 2], [5])).toThrow(InvalidArgumentError);
  });

  test("adds b (times multiplier); subtracting then adding restores x", () => {
    const f = hk.withoutApplyRng(
      hk.transform((x: tf.Tensor) => {
        const bias = new hk.Bias({ biasDims: [1], bInit: hk.initializers.Constant(2) });
        return [bias.call(x), bias.call(bias.call(x, -1))];
      }),
    );
    const x = tf.tensor3d([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const p = f.init(random.key(0), x);
    expect(shapes(p)).toEqual({ bias: { b: [2, 1] } });
    const [y, back] = f.apply(p, x);
    expectClose(y!, [3, 4, 5, 6]);
    expectClose(back!, [1, 2, 3, 4]);
  });

  test("errors: rank < 2, wrong output_size", () => {
    const bad = hk.transform((x: tf.Tensor) => new hk.Bias().call(x));
    expect(() => bad.init(random.key(0), tf.ones([3]))).toThrow(/Bias 'bias': Input must have rank >= 2/);
    expect(() => bad.init(random.key(0), tf.ones([3]))).toThrow(ShapeError);
    const sized = hk.transform((x: tf.Tensor) => new hk.Bias({ outputSize: [4] }).call(x));
    expect(() => sized.init(random.key(0), tf.ones([2, 3]))).toThrow(/Input shape must be \[-1, 4\] not \[2, 3\]/);
    expect(() => sized.init(random.key(0), tf.ones([2, 3]))).toThrow(ShapeError);
  });

  test("gradient on wasm: dL/db sums over the broadcast dims", () => {
    const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.Bias({ biasDims: [-1] }).call(x)));
    const x = ramp([2, 3, 4]);
    const p = f.init(random.key(0), x);
    const g = hk.grad((q: hk.Params) => tf.sum(tf.square(f.apply(q, x))))(p) as hk.Params;
    const xd = x.dataSync();
    const hand = [0, 1, 2, 3].map((c) => [0, 1, 2, 3, 4, 5].reduce((acc, r) => acc + 2 * xd[r * 4 + c]!, 0));
    expectClose(g["bias"]!["b"]!, hand);
  });
});
