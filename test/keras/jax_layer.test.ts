// Mirrors keras/src/utils/jax_layer_test.py (Keras 3.15, identical to keras-team/keras HEAD
// 3422977a): the same cases, with plain TS functions and tfjs-layers models, small sizes.
import * as tf from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ShapeError } from "../../src/util/errors.js";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";

import { JaxLayer, registerJaxFunction, setRandomSeed, withArgNames } from "../../src/keras/index.js";
import { saveAndLoad } from "./helpers.js";
import * as random from "../../src/random/index.js";

type Pair = [tf.Tensor, tf.Tensor];
const INPUT_SHAPE = [4, 3, 1]; // Keras uses (28, 28, 1); small here for speed
const NUM_CLASSES = 5;

// jax_layer_test.py `jax_stateless_function`: sum over the sample, tiled to num_classes.
function statelessFn(inputs: tf.Tensor): tf.Tensor {
  return tf.tile(tf.expandDims(tf.sum(inputs, [1, 2, 3]), 1), [1, NUM_CLASSES]);
}

// jax_layer_test.py `jax_model_no_state_init` / `_apply`: an MLP whose params are a list of
// [w, b] pairs (layer sizes 12-8-5 instead of 784-300-100-10).
function mlpInit(rng: random.PRNGKey, inputs: tf.Tensor): Pair[] {
  const sizes = [inputs.size / (inputs.shape[0] ?? 1), 8, NUM_CLASSES];
  const params: Pair[] = [];
  let key = rng;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [k1, wk, bk] = random.split(key, 3) as [random.PRNGKey, random.PRNGKey, random.PRNGKey];
    key = k1;
    const m = sizes[i] as number;
    const n = sizes[i + 1] as number;
    params.push([tf.mul(random.normal(wk, [m, n]), Math.sqrt(2 / (m + n))), tf.mul(random.normal(bk, [n]), 0.1)]);
  }
  return params;
}

function mlpApply(params: Pair[], inputs: tf.Tensor): tf.Tensor {
  let x = tf.reshape(inputs, [inputs.shape[0] as number, -1]);
  for (const [w, b] of params.slice(0, -1)) x = tf.tanh(tf.add(tf.matMul(x, w), b));
  const [w, b] = params[params.length - 1] as Pair;
  return tf.softmax(tf.add(tf.matMul(x, w), b));
}

// `jax_model_with_state_init` / `_apply`: a scalar state that counts training calls.
function statefulInit(rng: random.PRNGKey, inputs: tf.Tensor, training: boolean): [Pair[], tf.Tensor] {
  expect(training).toBe(true);
  return [mlpInit(rng, inputs), tf.zeros([])];
}

function statefulApply(params: Pair[], state: tf.Tensor, inputs: tf.Tensor, training: boolean): [tf.Tensor, tf.Tensor] {
  const outputs = mlpApply(params, inputs);
  return [outputs, training ? tf.add(state, 1) : state];
}

registerJaxFunction("test.stateless", statelessFn);
registerJaxFunction("test.mlp_init", mlpInit);
registerJaxFunction("test.mlp_apply", mlpApply);
registerJaxFunction("test.Stateful_Init", statefulInit);
registerJaxFunction("test.Stateful_Apply", statefulApply);

function data(n: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.randomUniform([n, ...INPUT_SHAPE], 0, 1, "float32", 1);
  const labels = tf.tensor1d(
    Array.from({ length: n }, (_, i) => i % NUM_CLASSES),
    "int32",
  );
  const y = tf.oneHot(labels, NUM_CLASSES);
  labels.dispose();
  return { x, y };
}

const values = (ws: tfl.LayerVariable[]): number[][] => ws.map((w) => Array.from(w.read().dataSync()));
const count = (ws: tfl.LayerVariable[]): number =>
  ws.reduce((n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);

// jax_layer_test.py `_test_layer`: functional model, fit changes every weight, calls and predict
// do not, a Sequential model from the exported params predicts the same, save/load too.
describe.each([
  { name: "stateless", callFn: statelessFn, initFn: null, tw: 0, tp: 0, ntw: 0, ntp: 0 },
  {
    name: "training_independent",
    callFn: mlpApply,
    initFn: mlpInit,
    tw: 4,
    tp: 12 * 8 + 8 + 8 * 5 + 5,
    ntw: 0,
    ntp: 0,
  },
  { name: "training_state", callFn: statefulApply, initFn: statefulInit, tw: 4, tp: 149, ntw: 1, ntp: 1 },
])("JaxLayer in models ($name)", ({ callFn, initFn, tw, tp, ntw, ntp }) => {
  it("trains in a functional model, matches a Sequential copy, saves and loads", async () => {
    const { x, y } = data(8);
    const xTest = tf.randomUniform([3, ...INPUT_SHAPE], 0, 1, "float32", 2);
    const check = (layer: JaxLayer): void => {
      expect(layer.trainableWeights.length).toBe(tw);
      expect(count(layer.trainableWeights)).toBe(tp);
      expect(layer.nonTrainableWeights.length).toBe(ntw);
      expect(count(layer.nonTrainableWeights)).toBe(ntp);
    };
    const layer1 = new JaxLayer({ callFn, initFn });
    const input = tfl.input({ shape: INPUT_SHAPE });
    const model1 = tfl.model({ inputs: input, outputs: layer1.apply(input) as tfl.SymbolicTensor });
    const lines: string[] = [];
    model1.summary(undefined, undefined, (m: string) => lines.push(m));
    expect(lines.join("\n")).toContain(`Total params: ${tp + ntp}`);
    check(layer1);

    model1.compile({ loss: "categoricalCrossentropy", optimizer: "adam" });
    if (tw > 0) {
      // (tfjs' fit needs a trainable weight, so the stateless case skips it.)
      const twBefore = values(layer1.trainableWeights);
      const ntwBefore = values(layer1.nonTrainableWeights);
      await model1.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      const twAfter = values(layer1.trainableWeights);
      const ntwAfter = values(layer1.nonTrainableWeights);
      twAfter.forEach((a, i) => expect(a).not.toEqual(twBefore[i]));
      ntwAfter.forEach((a, i) => expect(a).not.toEqual(ntwBefore[i]));
      if (ntw > 0) expect(ntwAfter[0]).toEqual([2]); // one increment per training batch (8 / 4)
    }
    const output1 = model1.apply(xTest) as tf.Tensor;
    expect(output1.shape).toEqual([3, NUM_CLASSES]);
    const predict1 = model1.predict(xTest) as tf.Tensor;
    expect(predict1.shape).toEqual([3, NUM_CLASSES]);
    const twAfterFit = values(layer1.weights);
    model1.evaluate(x, y);
    expect(values(layer1.weights)).toEqual(twAfterFit); // nothing changes outside training

    // Sequential model from the exported params / state.
    const layer2 = new JaxLayer({
      callFn,
      initFn,
      params: layer1.params,
      state: layer1.state,
      inputShape: INPUT_SHAPE,
    });
    const model2 = tfl.sequential({ layers: [layer2] });
    model2.summary(undefined, undefined, () => undefined);
    check(layer2);
    const predict2 = model2.predict(xTest) as tf.Tensor;
    expect(Array.from(predict2.dataSync())).toEqual(Array.from(predict1.dataSync()));

    const model3 = await saveAndLoad(model2);
    const layer3 = model3.layers[0] as JaxLayer;
    expect(layer3).toBeInstanceOf(JaxLayer);
    check(layer3);
    const predict3 = model3.predict(xTest) as tf.Tensor;
    expect(Array.from(predict3.dataSync())).toEqual(Array.from(predict1.dataSync()));
    expect(values(layer3.weights)).toEqual(values(layer2.weights));

    tf.dispose([x, y, xTest, output1, predict1, predict2, predict3]);
    model1.dispose();
    model2.dispose();
    model3.dispose();
  });
});

describe("JaxLayer argument validation (Keras messages)", () => {
  it("rejects a callFn with params but no initFn, params or state", () => {
    expect(() => new JaxLayer({ callFn: (params: unknown, inputs: tf.Tensor) => inputs })).toThrow(
      "`init_fn`, `params` and `state` cannot all be `None` when `call_fn` takes a `params` or a `state` argument (",
    );
    expect(() => new JaxLayer({ callFn: (params: unknown, inputs: tf.Tensor) => inputs })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new JaxLayer({ callFn: (params: unknown, inputs: tf.Tensor) => inputs, name: "jl" })).toThrow(
      /^JaxLayer 'jl': `init_fn`/,
    );
    expect(() => new JaxLayer({ callFn: (state: unknown, inputs: tf.Tensor) => [inputs, state] })).toThrow(
      /cannot all be `None`/,
    );
  });

  it("reports a missing `inputs` in callFn / initFn", () => {
    const init = (rng: unknown, inputs: tf.Tensor) => ({});
    expect(
      () => new JaxLayer({ callFn: (params: unknown, rng: unknown, training: boolean) => tf.ones([1]), initFn: init }),
    ).toThrow(/Missing required argument in `call_fn`: `inputs`/);
    expect(
      () =>
        new JaxLayer({
          callFn: (params: unknown, rng: unknown, inputs: tf.Tensor, training: boolean) => inputs,
          initFn: (rng: unknown, training: boolean) => ({}),
        }),
    ).toThrow(/Missing required argument in `init_fn`: `inputs`/);
  });

  it("reports unsupported arguments, after the missing-argument check", () => {
    const init = (rng: unknown, inputs: tf.Tensor) => ({});
    expect(
      () =>
        new JaxLayer({
          callFn: (params: unknown, rng: unknown, inputs: tf.Tensor, mode: string) => inputs,
          initFn: init,
        }),
    ).toThrow(
      /Unsupported argument in `call_fn`: `mode`, supported arguments are `params`, `state`, `rng`, `inputs`, `training`/,
    );
    expect(
      () =>
        new JaxLayer({
          callFn: (params: unknown, rng: unknown, inputs: tf.Tensor, training: boolean) => inputs,
          initFn: (rng: unknown, inputs: tf.Tensor, mode: string) => ({}),
        }),
    ).toThrow(/Unsupported argument in `init_fn`: `mode`, supported arguments are `rng`, `inputs`, `training`/);
    // `inputs` is missing and `mode` unsupported: Keras checks required arguments first.
    expect(() => new JaxLayer({ callFn: (params: unknown, mode: unknown) => mode, initFn: init })).toThrow(
      /Missing required argument/,
    );
    // A rest parameter counts by its name, as Python's *args.
    expect(() => new JaxLayer({ callFn: (inputs: tf.Tensor, ...args: unknown[]) => inputs })).toThrow(
      /Unsupported argument in `call_fn`: `args`/,
    );
  });

  it("validates initFn even when it is never called, and callFn's type and seed", () => {
    expect(() => new JaxLayer({ callFn: (inputs: tf.Tensor) => inputs, initFn: (foo: unknown) => ({}) })).toThrow(
      /`init_fn`: `inputs`/,
    );
    expect(() => new JaxLayer({ callFn: 3 as unknown as () => void })).toThrow(
      /`callFn` \(Keras `call_fn`\) must be a function, got a number/,
    );
    expect(() => new JaxLayer({ callFn: (rng: unknown, inputs: tf.Tensor) => inputs, seed: 1.5 })).toThrow(
      /Argument `seed` must be an integer. Received: seed=1.5/,
    );
    // Keras only checks the seed when a SeedGenerator is made, i.e. when call_fn takes rng.
    expect(() => new JaxLayer({ callFn: (inputs: tf.Tensor) => inputs, seed: 1.5 })).not.toThrow();
  });

  it("checks what initFn and callFn return", () => {
    const badInit = new JaxLayer({
      callFn: (params: unknown, state: unknown, inputs: tf.Tensor) => [inputs, state],
      initFn: (inputs: tf.Tensor) => ({ w: tf.ones([1]) }),
    });
    expect(() => badInit.apply(tf.ones([1]))).toThrow(
      /`initFn` must return \[params, state\] because `callFn` takes a `state`/,
    );
    expect(badInit.weights.length).toBe(0);
    const badCall = new JaxLayer({ callFn: (state: unknown, inputs: tf.Tensor) => inputs, state: {} });
    expect(() => badCall.apply(tf.ones([1]))).toThrow(
      /must return \[outputs, newState\], but it returned a float32 tensor of shape \[1\]\. Fix: /,
    );
    expect(() => badCall.apply(tf.ones([1]))).toThrow(InvalidArgumentError);
    const notTensor = new JaxLayer({ callFn: (inputs: tf.Tensor) => ({ out: inputs }) });
    expect(() => notTensor.apply(tf.ones([1]))).toThrow(
      /must be a tf.Tensor or a non-empty array of tf.Tensors.*got an object with keys \[out\]/,
    );
    const badDtype = new JaxLayer({
      callFn: (params: unknown, inputs: tf.Tensor) => inputs,
      params: { c: tf.tensor1d(["a"], "string") },
    });
    expect(() => badDtype.apply(tf.ones([1]))).toThrow(
      /`params.c` has dtype string; weights may be float32, int32 or bool/,
    );
  });

  it("tells how to name the arguments of a bound function", () => {
    const bound = function (this: unknown, params: unknown, inputs: tf.Tensor) {
      return inputs;
    }.bind(null);
    expect(() => new JaxLayer({ callFn: bound, params: {} })).toThrow(/withArgNames/);
    const named = withArgNames(bound, ["params", "inputs"]);
    expect(new JaxLayer({ callFn: named, params: {} }).callFnArguments).toEqual(["params", "inputs"]);
  });
});

describe("JaxLayer calling conventions", () => {
  it("accepts training in callFn but not in initFn (test_with_training_in_call_fn_but_not_init_fn)", () => {
    const layer = new JaxLayer({
      callFn: (params: unknown, state: unknown, rng: unknown, inputs: tf.Tensor, training: boolean) => [inputs, {}],
      initFn: (rng: unknown, inputs: tf.Tensor) => [{}, {}],
    });
    const out = layer.apply(tf.ones([1])) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([1]);
  });

  it("passes arguments in declared order (test_with_different_argument_order)", () => {
    const seen: unknown[][] = [];
    const initSeen: unknown[][] = [];
    const layer = new JaxLayer({
      callFn: (training: boolean, inputs: tf.Tensor, rng: unknown, state: unknown, params: unknown) => {
        seen.push([training, inputs.shape, rng, state, params]);
        return [inputs, state];
      },
      initFn: (training: boolean, inputs: tf.Tensor, rng: Uint32Array) => {
        initSeen.push([training, inputs.shape, inputs.dtype, rng instanceof Uint32Array && rng.length === 2]);
        return [{ p: tf.scalar(2) }, { s: tf.scalar(3) }];
      },
      seed: 5,
    });
    layer.apply(tf.ones([1]));
    layer.apply(tf.ones([1]), { training: true });
    expect(initSeen).toEqual([[true, [1], "float32", true]]);
    expect(seen[0]?.[0]).toBe(false);
    expect(seen[0]?.[1]).toEqual([1]);
    expect(seen[0]?.[2]).toBeNull();
    expect(seen[1]?.[0]).toBe(true);
    expect(Array.from(seen[1]?.[2] as Uint32Array)).toEqual([5, 0]);
    const state = seen[0]?.[3] as { s: tf.Tensor };
    const params = seen[0]?.[4] as { p: tf.Tensor };
    expect(state.s.dataSync()[0]).toBe(3);
    expect(params.p.dataSync()[0]).toBe(2);
  });

  it("works with a minimal (inputs) function (test_with_minimal_arguments)", () => {
    let initCalls = 0;
    const layer = new JaxLayer({
      callFn: (inputs: tf.Tensor) => inputs,
      initFn: (inputs: tf.Tensor) => {
        initCalls++;
        return {};
      },
    });
    const out = layer.apply(tf.ones([1])) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([1]);
    // Keras 3.14+: init_fn is not called when call_fn takes neither params nor state.
    expect(initCalls).toBe(0);
    expect(layer.weights.length).toBe(0);
  });

  it("runs initFn on float32 ones with unknown dimensions set to 1", () => {
    let seenShape: number[] = [];
    let seenValues: number[] = [];
    const layer = new JaxLayer({
      callFn: (params: { w: tf.Tensor }, inputs: tf.Tensor) => tf.matMul(tf.cast(inputs, "float32"), params.w),
      initFn: (inputs: tf.Tensor) => {
        seenShape = inputs.shape;
        seenValues = Array.from(inputs.dataSync());
        return { w: tf.ones([inputs.shape[1] as number, 2]) };
      },
      inputDType: "int32",
    });
    const input = tfl.input({ shape: [3], dtype: "int32" });
    const out = layer.apply(input) as tfl.SymbolicTensor;
    expect(seenShape).toEqual([1, 3]);
    expect(seenValues).toEqual([1, 1, 1]);
    expect(out.shape).toEqual([null, 2]);
  });

  it("gives rng [seed, k] to the k-th training call only, null at inference", async () => {
    const rngs: (number[] | null)[] = [];
    const layer = new JaxLayer({
      callFn: (params: { w: tf.Tensor }, rng: Uint32Array | null, inputs: tf.Tensor) => {
        rngs.push(rng ? Array.from(rng) : null);
        return tf.matMul(inputs, params.w);
      },
      params: { w: tf.ones([2, 1]) },
      seed: 42,
      inputShape: [2],
    });
    const model = tfl.sequential({ layers: [layer] });
    model.compile({ loss: "meanSquaredError", optimizer: "sgd" });
    rngs.length = 0; // drop the shape-inference calls
    const x = tf.ones([4, 2]);
    const y = tf.zeros([4, 1]);
    await model.fit(x, y, { batchSize: 2, epochs: 1, verbose: 0 });
    (model.predict(x) as tf.Tensor).dispose();
    model.evaluate(x, y);
    (layer.apply(x, { training: true }) as tf.Tensor).dispose();
    expect(rngs).toEqual([[42, 0], [42, 1], null, null, [42, 2]]);
    expect(layer.rngCounter).toBe(3);
    tf.dispose([x, y]);
  });

  it("lets subclasses override the rng passed to callFn (Keras' _get_call_rng, as FlaxLayer does)", () => {
    class DictRngLayer extends JaxLayer {
      protected override getCallRng(training: boolean): unknown {
        return training ? { dropout: super.getCallRng(true) } : {};
      }
    }
    const seen: unknown[] = [];
    const layer = new DictRngLayer({
      callFn: (rng: unknown, inputs: tf.Tensor) => {
        seen.push(rng);
        return inputs;
      },
      seed: 9,
    });
    layer.apply(tf.ones([1]), { training: true });
    layer.apply(tf.ones([1]));
    expect(seen).toEqual([{ dropout: new Uint32Array([9, 0]) }, {}]);
  });

  it("supports several inputs and outputs in a functional model (test_with_structures_as_inputs_and_outputs)", () => {
    const layer = new JaxLayer({
      callFn: (params: unknown, inputs: tf.Tensor[]) => {
        const [a, b] = inputs as [tf.Tensor, tf.Tensor];
        return [tf.concat([a, b], 1), tf.concat([b, a], 1)];
      },
      params: {},
    });
    const a = tfl.input({ shape: [null, 3] });
    const b = tfl.input({ shape: [null, 3] });
    const outs = layer.apply([a, b]) as tfl.SymbolicTensor[];
    expect(outs.map((o) => o.shape)).toEqual([
      [null, null, 3],
      [null, null, 3],
    ]);
    const model = tfl.model({ inputs: [a, b], outputs: outs });
    const res = model.predict([tf.ones([2, 6, 3]), tf.ones([2, 7, 3])]) as tf.Tensor[];
    expect(res.map((r) => r.shape)).toEqual([
      [2, 13, 3],
      [2, 13, 3],
    ]);
    expect(Array.from(res[0]?.dataSync() ?? []).every((v) => v === 1)).toBe(true);
  });
});

describe("JaxLayer weights and state", () => {
  it("names weights after pytree paths, params then state, in flatten order", () => {
    const layer = new JaxLayer({
      callFn: (params: unknown, state: unknown, inputs: tf.Tensor) => [inputs, state],
      params: { "mlp/~/linear_0": { w: tf.ones([2, 2]), b: tf.zeros([2]) }, layers: [tf.ones([1]), 2] },
      state: { "~": { counter: tf.scalar(0, "int32") }, flag: true },
      name: "jl",
    });
    layer.apply(tf.ones([1, 2]));
    expect(layer.trainableWeights.map((w) => w.originalName)).toEqual([
      "jl/params/layers/_0",
      "jl/params/layers/_1",
      "jl/params/mlp/_/linear_0/b",
      "jl/params/mlp/_/linear_0/w",
    ]);
    expect(layer.nonTrainableWeights.map((w) => [w.originalName, w.dtype])).toEqual([
      ["jl/state/flag", "bool"], // keys sorted by code point: "flag" < "~"
      ["jl/state/_/counter", "int32"],
    ]);
    expect(layer.trainableWeights[1]?.dtype).toBe("float32"); // a number leaf becomes a float32 scalar
  });

  it("copies given params (the caller may dispose its tensors) and exposes pytrees of variables", () => {
    const w = tf.tensor2d([[1], [2]]);
    const layer = new JaxLayer({
      callFn: (params: { w: tf.Tensor }, inputs: tf.Tensor) => tf.matMul(inputs, params.w),
      params: { w },
    });
    w.dispose();
    const out = layer.apply(tf.ones([1, 2])) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([3]);
    const params = layer.params as { w: tf.Variable };
    expect(params.w).toBeInstanceOf(tf.Variable);
    expect(Array.from(params.w.dataSync())).toEqual([1, 2]);
  });

  it("keeps null and non-tensor state leaves (test_with_state_none_leaves / _non_tensor_leaves)", () => {
    const fn = (params: unknown, state: unknown, inputs: tf.Tensor) => [inputs, state];
    const none = new JaxLayer({ callFn: fn, state: { foo: null } });
    none.apply(tf.ones([1]));
    expect(none.state).toEqual({ foo: null });
    const str = new JaxLayer({ callFn: fn, state: { foo: "bar" } });
    str.apply(tf.ones([1]));
    expect(str.state).toEqual({ foo: "bar" });
    expect(str.weights.length).toBe(0);
  });

  // jax_layer_test.py test_state_mismatch_during_update: call_fn returns {"state": [ones([])]}.
  it.each([
    ["sequence_instead_of_mapping", [0.0]],
    ["mapping_instead_of_sequence", { state: { foo: 0.0 } }],
    ["sequence_instead_of_variable", { state: [[0.0]] }],
    ["no_initial_state", null],
    ["missing_dict_key", { state: {} }],
    ["missing_variable_in_list", { state: { foo: [2.0] } }],
  ])("rejects a state of another structure (%s)", (_name, initState) => {
    const layer = new JaxLayer({
      callFn: (params: unknown, state: unknown, inputs: tf.Tensor) => [inputs, { state: [tf.ones([])] }],
      params: {},
      state: initState,
    });
    expect(() => layer.apply(tf.ones([1]))).toThrow(
      /^JaxLayer '.+': Structure mismatch: the structure of the state returned by `call` does not match the structure of the state at initialization time \(.*\)\. Fix: /,
    );
    expect(() => layer.apply(tf.ones([1]))).toThrow(ShapeError);
  });

  it("rejects a state of another shape and writes nothing when the new state is bad", () => {
    const layer = new JaxLayer({
      callFn: (params: unknown, state: { a: tf.Tensor; b: tf.Tensor }, inputs: tf.Tensor) => [
        inputs,
        { a: tf.add(state.a, 1), b: tf.zeros([3]) },
      ],
      params: {},
      state: { a: tf.zeros([]), b: tf.zeros([2]) },
    });
    expect(() => layer.apply(tf.ones([1]))).toThrow(
      /must match \(the state at `state.b` has shape \[2\] but `callFn` returned shape \[3\]\)\. Fix: keep state shapes fixed\./,
    );
    expect((layer.state as { a: tf.Tensor }).a.dataSync()[0]).toBe(0);
    const before = tf.memory().numTensors;
    expect(() => layer.apply(tf.ones([1]))).toThrow(/must match/);
    expect(tf.memory().numTensors).toBe(before + 1); // only the input tensor made here
  });

  it("reproduces initialization after setRandomSeed (test_rng_seeding)", () => {
    const init = (rng: random.PRNGKey, inputs: tf.Tensor) => [random.normal(rng, inputs.shape)];
    const apply = (params: tf.Tensor[], inputs: tf.Tensor) => tf.matMul(inputs, params[0] as tf.Tensor);
    const build = (): number[] => {
      const layer = new JaxLayer({ callFn: apply, initFn: init });
      layer.apply(tf.ones([2, 2]));
      return Array.from(layer.trainableWeights[0]?.read().dataSync() ?? []);
    };
    setRandomSeed(0);
    const a = build();
    setRandomSeed(0);
    const b = build();
    const c = build();
    expect(a).toEqual(b);
    expect(c).not.toEqual(b);
  });

  it("honours trainable = false", () => {
    const layer = new JaxLayer({
      callFn: (params: unknown, inputs: tf.Tensor) => inputs,
      params: { w: tf.ones([1]) },
      trainable: false,
    });
    layer.apply(tf.ones([1]));
    expect(layer.trainableWeights.length).toBe(0);
    expect(layer.nonTrainableWeights.length).toBe(1);
  });
});

describe("JaxLayer save / load and memory", () => {
  it("keeps registered names exactly and fails clearly for unregistered functions", async () => {
    const fn = registerJaxFunction("My_fn.Apply_v2", (params: { w: tf.Tensor }, inputs: tf.Tensor) =>
      tf.mul(inputs, params.w),
    );
    const init = registerJaxFunction("My_fn.Init_v2", (inputs: tf.Tensor) => ({
      w: tf.fill([inputs.shape[1] as number], 3),
    }));
    const model = tfl.sequential({ layers: [new JaxLayer({ callFn: fn, initFn: init, inputShape: [2] })] });
    const loaded = await saveAndLoad(model);
    expect((loaded.layers[0] as JaxLayer).callFn).toBe(fn);
    expect((loaded.layers[0] as JaxLayer).initFn).toBe(init);

    const closure = tfl.sequential({
      layers: [
        new JaxLayer({
          callFn: (params: { w: tf.Tensor }, inputs: tf.Tensor) => inputs,
          initFn: init,
          inputShape: [2],
        }),
      ],
    });
    await expect(saveAndLoad(closure)).rejects.toThrow(
      /cannot rebuild `callFn`.*unregistered functions \(closures, lambdas\) cannot be reloaded/,
    );

    // As in Keras, a layer made from params without init_fn cannot be rebuilt.
    const fromParams = tfl.sequential({
      layers: [new JaxLayer({ callFn: fn, params: { w: tf.ones([2]) }, inputShape: [2] })],
    });
    await expect(saveAndLoad(fromParams)).rejects.toThrow(/cannot all be `None`/);
    expect(() => registerJaxFunction("My_fn.Apply_v2", init)).toThrow(/already registered/);
  });

  it("does not leak tensors across fit epochs and predict calls", async () => {
    const model = tfl.sequential({
      layers: [new JaxLayer({ callFn: statefulApply, initFn: statefulInit, inputShape: INPUT_SHAPE, seed: 1 })],
    });
    model.compile({ loss: "categoricalCrossentropy", optimizer: "adam" });
    const { x, y } = data(8);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 }); // creates the optimizer slots
    tf.dispose(model.predict(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 3; i++) tf.dispose(model.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});
