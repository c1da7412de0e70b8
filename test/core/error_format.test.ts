// One error format for the whole library (issue #15): every misuse throws a HaikuError subclass
// whose message reads `where: problem. Fix: what to do.`, and names the argument as the user
// typed it (with Haiku's name in brackets where it differs).
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/index.js";

type ErrorClass = new (...args: never[]) => Error;

/** Runs `f` inside `hk.transformWithState(...).init`, where modules can be built. */
function inInit(f: () => unknown): () => unknown {
  return () => hk.transformWithState(() => void f()).init(hk.random.key(0));
}

const x = (): tf.Tensor => tf.ones([2, 3]);

const cases: { name: string; run: () => unknown; cls: ErrorClass; where: string; names: string }[] = [
  {
    name: "Linear outputSize",
    run: inInit(() => new hk.Linear(-1)),
    cls: hk.InvalidArgumentError,
    where: "Linear 'linear'",
    names: "`outputSize` (Haiku's `output_size`)",
  },
  {
    name: "Linear scalar input",
    run: inInit(() => new hk.Linear(2).call(tf.scalar(1))),
    cls: hk.ShapeError,
    where: "Linear 'linear'",
    names: "scalar",
  },
  {
    name: "BatchNorm isTraining",
    run: inInit(() => new hk.BatchNorm(true, true, 0.9).call(x(), undefined as never)),
    cls: hk.InvalidArgumentError,
    where: "BatchNorm 'batch_norm'",
    names: "`isTraining` (Haiku's `is_training`)",
  },
  {
    name: "LayerNorm scaleInit",
    run: inInit(() => new hk.LayerNorm(-1, false, true, { scaleInit: hk.initializers.Constant(1) })),
    cls: hk.InvalidArgumentError,
    where: "LayerNorm 'layer_norm'",
    names: "`createScale` (Haiku's `create_scale`)",
  },
  {
    name: "Conv2D rank",
    run: inInit(() => new hk.Conv2D(2, 3).call(tf.ones([2, 2]))),
    cls: hk.ShapeError,
    where: "Conv2D 'conv2_d'",
    names: "rank",
  },
  {
    name: "Conv2D kernelShape",
    run: inInit(() => new hk.Conv2D(2, [3, 3, 3])),
    cls: hk.InvalidArgumentError,
    where: "Conv2D 'conv2_d'",
    names: "`kernelShape` (Haiku's `kernel_shape`)",
  },
  {
    name: "Embed sizes",
    run: inInit(() => new hk.Embed({ vocabSize: 0, embedDim: 2 })),
    cls: hk.InvalidArgumentError,
    where: "Embed 'embed'",
    names: "`vocabSize`",
  },
  {
    name: "MultiHeadAttention numHeads",
    run: inInit(() => new hk.MultiHeadAttention(0, 3, { wInitScale: 1 })),
    cls: hk.InvalidArgumentError,
    where: "MultiHeadAttention 'multi_head_attention'",
    names: "`numHeads` (Haiku's `num_heads`)",
  },
  {
    name: "LSTM hiddenSize",
    run: inInit(() => new hk.LSTM(0)),
    cls: hk.InvalidArgumentError,
    where: "LSTM 'lstm'",
    names: "`hiddenSize` (Haiku's `hidden_size`)",
  },
  {
    name: "nested module path",
    run: inInit(() => new hk.nets.MLP([2, 2]).call(tf.scalar(1))),
    cls: hk.ShapeError,
    where: "Linear 'mlp/~/linear_0'",
    names: "scalar",
  },
  {
    name: "dropout rate",
    run: () => hk.dropout(hk.random.key(0), 1, x()),
    cls: hk.InvalidArgumentError,
    where: "hk.dropout",
    names: "`rate`",
  },
  {
    name: "maxPool padding",
    run: () => hk.maxPool(tf.ones([1, 4, 4, 1]), 2, 2, "same" as never),
    cls: hk.InvalidArgumentError,
    where: "hk.maxPool",
    names: "`padding`",
  },
  {
    name: "getParameter outside a transform",
    run: () => hk.getParameter("w", [1]),
    cls: hk.TransformError,
    where: "hk.getParameter",
    names: "must be used as part of an `hk.transform`",
  },
  {
    name: "module outside a transform",
    run: () => new hk.Linear(2),
    cls: hk.TransformError,
    where: "new Linear()",
    names: "All `hk.Module`s must be initialized inside an `hk.transform`",
  },
  {
    name: "missing parameter in apply",
    run: () => hk.transform(() => new hk.Linear(2).call(x())).apply({}, null),
    cls: hk.ParameterError,
    where: "hk.getParameter",
    names: "Unable to retrieve parameter",
  },
  {
    name: "state under hk.transform",
    run: () => hk.transform(() => hk.setState("s", 1)).init(null),
    cls: hk.NonEmptyStateError,
    where: "hk.setState",
    names: "`hk.transformWithState`",
  },
  {
    name: "missing rng",
    run: () => hk.transform(() => hk.nextRngKey()).init(null),
    cls: hk.MissingRNGError,
    where: "hk.nextRngKey",
    names: "PRNGKey",
  },
  {
    name: "invalid module name",
    run: inInit(() => new hk.Linear(2, { name: "my-linear" })),
    cls: hk.InvalidArgumentError,
    where: "hk.Module",
    names: "is not a valid module name",
  },
  {
    name: "scan length",
    run: () => hk.transform(() => hk.scan((c: null): [null, null] => [c, null], null, null, { length: -1 })).init(null),
    cls: hk.InvalidArgumentError,
    where: "hk.scan",
    names: "`length`",
  },
  {
    name: "vmap splitRng",
    run: () => hk.vmap((v: tf.Tensor) => v, {} as never),
    cls: hk.InvalidArgumentError,
    where: "hk.vmap",
    names: "splitRng",
  },
  {
    name: "initializer scale",
    run: () => hk.initializers.VarianceScaling(-1),
    cls: hk.InvalidArgumentError,
    where: "hk.initializers.VarianceScaling",
    names: "`scale`",
  },
  {
    name: "Constant broadcast",
    run: () =>
      hk.transform(() => hk.getParameter("w", [2, 2], { init: hk.initializers.Constant([1, 2, 3]) })).init(null),
    cls: hk.ShapeError,
    where: "hk.initializers.Constant",
    names: "`constant`",
  },
  {
    name: "grad argnums",
    run: () => hk.grad((w: tf.Tensor) => tf.sum(w), { argnums: 3 })(x()),
    cls: hk.InvalidArgumentError,
    where: "hk.grad",
    names: "`argnums`",
  },
  {
    name: "transform of a non-function",
    run: () => hk.transform(5 as never),
    cls: hk.InvalidArgumentError,
    where: "hk.transform",
    names: "expects the function to transform",
  },
];

describe("the one error format", () => {
  it.each(cases)("$name: $where", ({ run, cls, where, names }) => {
    let err: unknown;
    try {
      run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(hk.HaikuError);
    const e = err as hk.HaikuError;
    expect(e.message).toMatch(/^.+: .+\. Fix: .+/s);
    expect(e.where).toBe(where);
    expect(e.message.startsWith(`${where}: `)).toBe(true);
    expect(e.message).toContain(names);
    expect(e.fix).toBeTruthy();
  });

  it("keeps Haiku's error class names for MissingRNGError and NonEmptyStateError", () => {
    expect(() => hk.transform(() => hk.nextRngKey()).init(null)).toThrow(hk.TransformError);
    expect(() => hk.transform(() => hk.setState("s", 1)).init(null)).toThrow(hk.ParameterError);
    expect(new hk.MissingRNGError().name).toBe("MissingRNGError");
    expect(new hk.NonEmptyStateError("hk.setState", "p").name).toBe("NonEmptyStateError");
  });
});
