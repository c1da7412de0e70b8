// Checkpoints both ways between real Haiku and haiku-tfjs, through `hk.io.loadParams`.
// Known answers: test/golden/fixtures/checkpoints.json and checkpoint_*.safetensors, written by
// tools/golden/checkpoints.py (real Haiku; `net` there) and tools/golden/write_ts_checkpoint.ts
// (our library): (a) files Haiku saved with safetensors.numpy.save_file, applied here; (b) files
// our saveParams wrote, applied by real Haiku, whose outputs the fixture holds.
import * as tf from "@tensorflow/tfjs-core";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";
import {
  FIXTURES_DIR,
  type JsonArray,
  type Tolerance,
  expectAllClose,
  jsonTensor,
  readJsonFixture,
} from "./fixtures.js";

interface Outputs {
  eval_out: JsonArray;
  train_out: JsonArray;
  train_new_state: Record<string, JsonArray>;
}
const fixture = readJsonFixture<{ x: JsonArray; haiku_to_ts: Outputs; ts_to_haiku: Outputs }>("checkpoints");

/** A conv, a BatchNorm and two dense layers in float32: sums of <= 36 terms in another order than XLA's. */
const TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

// def net(x, is_training):
//   y = hk.Conv2D(4, 3, name="conv")(x)
//   y = hk.BatchNorm(True, True, 0.9, name="bn")(y, is_training)
//   y = hk.Flatten()(jax.nn.relu(y))
//   return hk.nets.MLP([8, 3])(y)
const net = hk.transformWithState((x: tf.Tensor, isTraining: boolean) => {
  let y = new hk.Conv2D(4, 3, { name: "conv" }).call(x);
  y = new hk.BatchNorm(true, true, 0.9, { name: "bn" }).call(y, isTraining);
  y = new hk.Flatten().call(tf.relu(y));
  return new hk.nets.MLP([8, 3]).call(y);
});

const file = (name: string) => fileURLToPath(new URL(`checkpoint_${name}.safetensors`, FIXTURES_DIR));

async function checkApply(source: "haiku" | "ts", want: Outputs): Promise<void> {
  const params = await hk.io.loadParams(file(`${source}_params`));
  const state = await hk.io.loadParams<hk.State>(file(`${source}_state`));
  const x = jsonTensor(fixture.x);

  // The files line up with the model exactly: same modules, names, shapes and dtypes as our init.
  const [p0, s0] = net.init(hk.random.key(0), x, true);
  expect(hk.io.checkParams(params, p0).ok, "params match the model").toBe(true);
  expect(hk.io.checkParams(state, s0).ok, "state matches the model").toBe(true);
  expect((state["bn/~/mean_ema"]!["counter"] as tf.Tensor).dtype).toBe("int32");

  const [evalOut, s1] = net.apply(params, state, null, x, false);
  const wantEval = jsonTensor(want.eval_out);
  expectAllClose(evalOut, wantEval, TOL, "eval output");
  const [trainOut, s2] = net.apply(params, state, null, x, true);
  const wantTrain = jsonTensor(want.train_out);
  expectAllClose(trainOut, wantTrain, TOL, "training output");
  for (const [key, arr] of Object.entries(want.train_new_state)) {
    const cut = key.lastIndexOf("/");
    const t = s2[key.slice(0, cut)]![key.slice(cut + 1)] as tf.Tensor;
    const w = jsonTensor(arr);
    expectAllClose(t, w, TOL, `new state ${key}`);
    w.dispose();
  }
  hk.tree.dispose([params, state, x, p0, s0, evalOut, s1, trainOut, s2, wantEval, wantTrain]);
}

describe("golden: checkpoints between Haiku and haiku-tfjs (tools/golden/checkpoints.py)", () => {
  it("(a) loads a checkpoint Haiku saved (safetensors.numpy) and applies it as Haiku does", async () => {
    await checkApply("haiku", fixture.haiku_to_ts);
  });

  it("(b) a checkpoint our saveParams wrote gives, under real Haiku, the outputs our apply gives", async () => {
    await checkApply("ts", fixture.ts_to_haiku);
  });

  it("Haiku's file keeps Haiku's names and metadata", async () => {
    const header = await hk.io.loadHeader(file("haiku_params"));
    expect(header.metadata).toEqual({ framework: "haiku", generator: "tools/golden/checkpoints.py" });
    expect(header.entries.map((t) => t.name).sort()).toEqual([
      "bn/offset",
      "bn/scale",
      "conv/b",
      "conv/w",
      "mlp/~/linear_0/b",
      "mlp/~/linear_0/w",
      "mlp/~/linear_1/b",
      "mlp/~/linear_1/w",
    ]);
  });
});
