import * as tf from "@tensorflow/tfjs-core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";

const dir = await mkdtemp(join(tmpdir(), "hk-io-model-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

function disposeTree(tree: unknown): void {
  if (tree instanceof tf.Tensor) tree.dispose();
  else if (tree !== null && typeof tree === "object") for (const v of Object.values(tree)) disposeTree(v);
}

describe("checkpoints of a real model", () => {
  it("params and BatchNorm state survive save -> load with identical outputs", async () => {
    const forward = (x: tf.Tensor, isTraining: boolean) => {
      const h = new hk.nets.MLP([8, 4]).call(x);
      return new hk.BatchNorm(true, true, 0.9).call(h, isTraining);
    };
    const model = hk.transformWithState(forward);
    const x = tf.tensor([
      [0.5, -1, 2],
      [1, 0, -0.25],
    ]);
    const [params, state0] = model.init(hk.random.key(0), x, true);
    const [, state] = model.apply(params, state0, null, x, true);
    disposeTree(state0);

    const before = tf.memory().numTensors;
    await hk.io.saveParams(join(dir, "params.safetensors"), params);
    await hk.io.saveParams(join(dir, "state.safetensors"), state);
    const loadedParams = hk.io.assertParamsMatch(await hk.io.loadParams(join(dir, "params.safetensors")), params);
    const loadedState = hk.io.assertParamsMatch(
      await hk.io.loadParams<hk.State>(join(dir, "state.safetensors")),
      state,
    );
    expect(Object.keys(loadedParams)).toEqual(Object.keys(params));
    expect(Object.keys(loadedState)).toEqual(Object.keys(state));

    const [want, s1] = model.apply(params, state, null, x, false);
    const [got, s2] = model.apply(loadedParams, loadedState, null, x, false);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    disposeTree([want, s1, got, s2]);
    const loadedCount = [loadedParams, loadedState].flatMap((t) =>
      Object.values(t).flatMap((m) => Object.values(m)),
    ).length;
    expect(tf.memory().numTensors).toBe(before + loadedCount);
    disposeTree([loadedParams, loadedState]);
    expect(tf.memory().numTensors).toBe(before);
    disposeTree([params, state, x]);
  });

  it("names a model/file mismatch precisely", () => {
    const x = tf.ones([1, 3]);
    const small = hk.withoutApplyRng(hk.transform((v: tf.Tensor) => new hk.nets.MLP([4, 2]).call(v)));
    const big = hk.withoutApplyRng(hk.transform((v: tf.Tensor) => new hk.nets.MLP([5, 2, 1]).call(v)));
    const saved = small.init(hk.random.key(0), x);
    const loaded = hk.io.deserialize(hk.io.serialize(saved));
    const expected = big.init(hk.random.key(0), x);
    expect(hk.io.checkParams(loaded, expected)).toEqual({
      ok: false,
      missing: ["mlp/~/linear_2/w", "mlp/~/linear_2/b"],
      unexpected: [],
      mismatched: [
        { name: "mlp/~/linear_0/w", expected: [3, 5], actual: [3, 4] },
        { name: "mlp/~/linear_0/b", expected: [5], actual: [4] },
        { name: "mlp/~/linear_1/w", expected: [5, 2], actual: [4, 2] },
      ],
    });
    disposeTree([x, saved, loaded, expected]);
  });
});
