// One representative misuse per row, across hk.optim, hk.io, hk.tree, hk.data, hk.random,
// hk.ready and the Keras JaxLayer: each must throw a HaikuError subclass (the family a caller
// catches) whose message has the one format `where: problem. Fix: what to do`, where `where` is
// what the user called and the problem names the argument as typed.
import type * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import * as hk from "../../src/index.js";
import { JaxLayer, OptaxOptimizer, registerJaxFunction } from "../../src/keras/index.js";
import {
  BackendError,
  CheckpointError,
  HaikuError,
  InvalidArgumentError,
  ParameterError,
  ShapeError,
} from "../../src/util/errors.js";

type ErrorClass = new (...args: never[]) => HaikuError;

interface Row {
  /** What the misuse is. */
  readonly name: string;
  /** Runs the misuse; may return a promise that rejects. */
  readonly run: () => unknown;
  readonly cls: ErrorClass;
  /** The start of the message: what the user called, e.g. `hk.optim.adam: `. */
  readonly where: string;
  /** The argument as the user typed it, as the message must quote it. */
  readonly arg: string;
}

/** `hk.<api>: problem. Fix: what`, or Keras' form `JaxLayer '<name>': problem. Fix: what`. */
const FORMAT = /^(hk\.[^:]+|JaxLayer '[^']+'): [^]+\. Fix: .+/;

/** A 5-byte file: shorter than safetensors' 8-byte header length field. */
const TRUNCATED = new Uint8Array(5);

const rows: Row[] = [
  {
    name: "a NaN learning rate",
    run: () => hk.optim.adam(Number.NaN),
    cls: InvalidArgumentError,
    where: "hk.optim.adam: ",
    arg: "`learningRate` (optax's `learning_rate`)",
  },
  {
    name: "a negative clipping norm",
    run: () => hk.optim.clipByGlobalNorm(-1),
    cls: InvalidArgumentError,
    where: "hk.optim.clipByGlobalNorm: ",
    arg: "`maxNorm` (optax's `max_norm`)",
  },
  {
    name: "a string weight decay",
    run: () => hk.optim.adamw(1e-3, { weightDecay: "x" as never }),
    cls: InvalidArgumentError,
    where: "hk.optim.adamw: ",
    arg: "`weightDecay` (optax's `weight_decay`)",
  },
  {
    name: "zero cosine decay steps",
    run: () => hk.optim.cosineDecay(1, 0),
    cls: InvalidArgumentError,
    where: "hk.optim.cosineDecay: ",
    arg: "`decaySteps` (optax's `decay_steps`)",
  },
  {
    name: "an uncalled factory in chain",
    run: () => hk.optim.chain(hk.optim.scaleByAdam as never),
    cls: InvalidArgumentError,
    where: "hk.optim.chain: ",
    arg: "`transforms[0]`",
  },
  {
    name: "another optimizer's state",
    run: () => hk.optim.scaleByAdam().update({}, { count: 0 } as never),
    cls: ShapeError,
    where: "hk.optim.scaleByAdam: ",
    arg: "`state`",
  },
  {
    name: "a non-function to tree.map",
    run: () => hk.tree.map(3 as never, {}),
    cls: InvalidArgumentError,
    where: "hk.tree.map: ",
    arg: "`fn`",
  },
  {
    name: "trees of different structure",
    run: () => hk.tree.map((a: number, b: number) => a + b, { a: 1, b: 2 }, { a: 1 }),
    cls: ShapeError,
    where: "hk.tree.map: ",
    arg: "tree 1",
  },
  {
    name: "too few leaves to unflatten",
    run: () => hk.tree.unflatten(hk.tree.structure([1, 2]), [1]),
    cls: ShapeError,
    where: "hk.tree.unflatten: ",
    arg: "`leaves`",
  },
  {
    name: "a negative partition count",
    run: () => hk.data.partitionN(() => 0, {}, -1),
    cls: InvalidArgumentError,
    where: "hk.data.partitionN: ",
    arg: "`n`",
  },
  {
    name: "a fractional seed",
    run: () => hk.random.key(1.5),
    cls: InvalidArgumentError,
    where: "hk.random.key: ",
    arg: "`seed`",
  },
  {
    name: "a number for a key",
    run: () => hk.random.split(0 as never),
    cls: InvalidArgumentError,
    where: "hk.random.split: ",
    arg: "`key`",
  },
  {
    name: "a negative split count",
    run: () => hk.random.split(hk.random.key(0), -1),
    cls: InvalidArgumentError,
    where: "hk.random.split: ",
    arg: "`num`",
  },
  {
    name: "a negative dimension",
    run: () => hk.random.uniform(hk.random.key(0), [2, -1]),
    cls: InvalidArgumentError,
    where: "hk.random.uniform: ",
    arg: "`shape`",
  },
  {
    name: "a truncated checkpoint",
    run: () => hk.io.deserialize(TRUNCATED),
    cls: CheckpointError,
    where: "hk.io.deserialize: ",
    arg: "not a valid safetensors file",
  },
  {
    name: "a path that is not a string",
    run: () => hk.io.loadParams(42 as never),
    cls: InvalidArgumentError,
    where: "hk.io.loadParams: ",
    arg: "`path`",
  },
  {
    name: "a missing file",
    run: () => hk.io.loadParams("/nonexistent/haiku-tfjs/p.safetensors"),
    cls: CheckpointError,
    where: 'hk.io.loadParams("/nonexistent/haiku-tfjs/p.safetensors"): ',
    arg: "could not open the file",
  },
  {
    name: "a number leaf to save",
    run: () => hk.io.serialize({ m: { w: 1.5 } }),
    cls: InvalidArgumentError,
    where: "hk.io.serialize: ",
    arg: "`tree`",
  },
  {
    name: "non-string metadata",
    run: () => hk.io.serialize({}, { metadata: { step: 3 as never } }),
    cls: InvalidArgumentError,
    where: "hk.io.serialize: ",
    arg: '`options.metadata["step"]`',
  },
  {
    name: "params of another model",
    run: () => hk.io.assertParamsMatch({}, { m: { w: [2] } }),
    cls: ParameterError,
    where: "hk.io.assertParamsMatch: ",
    arg: "`loaded`",
  },
  {
    name: "an unknown backend",
    run: () => hk.ready({ backend: "gpu" as never }),
    cls: InvalidArgumentError,
    where: "hk.ready(options): ",
    arg: "`backend`",
  },
  {
    name: "late wasmPaths",
    run: () => hk.ready({ wasmPaths: "/wasm/" }),
    cls: BackendError,
    where: "hk.ready({ wasmPaths }): ",
    arg: "`wasmPaths`",
  },
  {
    name: "a JaxLayer callFn that is not a function",
    run: () => new JaxLayer({ callFn: 3 as never, name: "jl" }),
    cls: InvalidArgumentError,
    where: "JaxLayer 'jl': ",
    arg: "`callFn` (Keras `call_fn`)",
  },
  {
    name: "a JaxLayer callFn without inputs",
    run: () => new JaxLayer({ callFn: (params: unknown) => params as tf.Tensor, initFn: () => ({}), name: "jl" }),
    cls: InvalidArgumentError,
    where: "JaxLayer 'jl': ",
    arg: "Missing required argument in `call_fn`: `inputs`",
  },
];

/** The error `run` throws or its promise rejects with. */
async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error("expected the misuse to throw");
}

describe("one error format across optim, io, tree, random, runtime and keras", () => {
  it.each(rows.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    await hk.ready();
    const e = await errorOf(row.run);
    expect(e).toBeInstanceOf(HaikuError);
    expect(e).toBeInstanceOf(row.cls);
    const { message, name } = e as HaikuError;
    expect(name).toBe(row.cls.name);
    expect(message).toMatch(FORMAT);
    expect(message.startsWith(row.where), message).toBe(true);
    expect(message.slice(0, message.indexOf(". Fix: ")), message).toContain(row.arg);
    expect((e as HaikuError).where).toBe(row.where.slice(0, -2));
  });

  it("the Keras-side classes outside JaxLayer are typed too", () => {
    expect(() => new OptaxOptimizer(hk.optim.adam as never)).toThrow(InvalidArgumentError);
    expect(() => registerJaxFunction("", () => 0)).toThrow(InvalidArgumentError);
  });
});
