// `file://` save / load in Node without @tensorflow/tfjs-node, in tfjs-node's layout
// (tfjs-node/src/io/file_system.ts: a directory with model.json and weights.bin).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { afterAll, describe, expect, it } from "vitest";

import * as hk from "../../src/index.js";
import { JaxLayer, fileSystem, registerJaxFunction } from "../../src/keras/index.js";

const dir = mkdtempSync(join(tmpdir(), "haiku-keras-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const net = hk.transformWithState((inputs: tf.Tensor, training: boolean) => {
  let x = new hk.Flatten().call(inputs);
  x = tf.relu(new hk.Linear(8).call(x));
  x = new hk.BatchNorm(true, true, 0.9).call(x, training);
  return tf.softmax(new hk.Linear(3).call(x));
});
registerJaxFunction("file_io_test.net.init", net.init);
registerJaxFunction("file_io_test.net.apply", net.apply);

const inputs = (): tf.Tensor => tf.tidy(() => tf.sin(tf.reshape(tf.range(0, 24), [4, 3, 2])));
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe("file:// model I/O in Node", () => {
  it("round-trips a JaxLayer model (trained state included) through model.save / tf.loadLayersModel", async () => {
    const model = tfl.sequential({
      layers: [new JaxLayer({ callFn: net.apply, initFn: net.init, inputShape: [3, 2], seed: 3 })],
    });
    model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    const x = inputs();
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], "int32"), 3);
    await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 }); // moves the params and the BatchNorm state

    const target = join(dir, "jax");
    const result = await model.save(`file://${target}`);
    expect(result.modelArtifactsInfo.modelTopologyType).toBe("JSON");
    expect(existsSync(join(target, "weights.bin"))).toBe(true);
    const json = JSON.parse(readFileSync(join(target, "model.json"), "utf8")) as tf.io.ModelJSON;
    expect(json.weightsManifest.map((g) => g.paths)).toEqual([["weights.bin"]]);
    const names = json.weightsManifest[0]!.weights.map((w) => w.name.replace(/^[^/]*\//, "")); // without the layer name
    expect(names).toContain("params/linear/w");
    expect(names).toContain("state/batch_norm/_/mean_ema/average");
    expect(readFileSync(join(target, "weights.bin")).byteLength).toBe(result.modelArtifactsInfo.weightDataBytes);

    const loaded = await tfl.loadLayersModel(`file://${join(target, "model.json")}`);
    const expected = model.predict(x) as tf.Tensor;
    const actual = loaded.predict(x) as tf.Tensor;
    expect(values(actual)).toEqual(values(expected));
    // The directory works as well as its model.json, and so does the handler passed directly.
    const again = await tfl.loadLayersModel(fileSystem(target));
    const third = again.predict(x) as tf.Tensor;
    expect(values(third)).toEqual(values(expected));
    tf.dispose([x, y, expected, actual, third]);
    [model, loaded, again].forEach((m) => m.dispose());
  });

  it("round-trips a plain Dense model", async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: "relu" }), tfl.layers.dense({ units: 2 })],
    });
    const target = join(dir, "nested", "dense"); // missing parents are created
    await model.save(`file://${target}`);
    const loaded = await tfl.loadLayersModel(`file://${target}/model.json`);
    const x = tf.tensor2d([
      [1, -2, 3],
      [0.5, 0, -1],
    ]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(values(b)).toEqual(values(a));
    expect(loaded.getWeights().map((w) => w.shape)).toEqual([[3, 4], [4], [4, 2], [2]]);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it("refuses weights paths that leave the model's directory, and a file in place of the directory", async () => {
    const target = join(dir, "hostile");
    mkdirSync(target);
    writeFileSync(join(dir, "secret.bin"), new Uint8Array(8));
    const manifest = (path: string) => [{ paths: [path], weights: [{ name: "w", shape: [2], dtype: "float32" }] }];
    for (const bad of ["../secret.bin", join(dir, "secret.bin"), "a/../../secret.bin"]) {
      writeFileSync(join(target, "model.json"), JSON.stringify({ modelTopology: {}, weightsManifest: manifest(bad) }));
      await expect(tfl.loadLayersModel(`file://${target}/model.json`)).rejects.toThrow(
        `haiku-tfjs/keras fileSystem: ${JSON.stringify(join(target, "model.json"))} names the weights file ${JSON.stringify(bad)}; weights files must be relative paths inside the model's directory`,
      );
    }
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] });
    await expect(model.save(`file://${file}`)).rejects.toThrow(
      /cannot save to .*a-file.*: it exists and is not a directory/,
    );
    await expect(tfl.loadLayersModel(`file://${join(dir, "missing")}/model.json`)).rejects.toThrow(/does not exist/);
    model.dispose();
  });
});
