// nets.ResNet. Golden structure: haiku/_src/integration/checkpoints/nets.ResNet.json (copied to
// test/nets/fixtures), made by Training(hk.nets.ResNet((3, 4, 6, 3), 1000)) on f32[8, 3, 3, 2]
// (haiku/_src/integration/descriptors.py). Architecture: haiku/_src/nets/resnet.py.
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, test } from "vitest";
import * as hk from "../../src/index.js";
import { expectClose, ramp, shapes } from "../nn/helpers.js";
import { InvalidArgumentError } from "../../src/util/errors.js";

const { random } = hk;

interface Golden {
  params: Record<string, Record<string, string>>;
  state: Record<string, Record<string, string>>;
  param_size: number;
  state_size: number;
}
const golden = JSON.parse(readFileSync(new URL("./fixtures/nets.ResNet.json", import.meta.url), "utf8")) as Golden;

/** `"f32[1, 1, 1, 64]"` -> [1, 1, 1, 64]; `"s32[]"` -> []. */
function parseSpec(spec: string): number[] {
  const inner = spec.slice(spec.indexOf("[") + 1, spec.indexOf("]")).trim();
  return inner === "" ? [] : inner.split(",").map((d) => Number(d.trim()));
}

function goldenShapes(tree: Record<string, Record<string, string>>): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [m, e] of Object.entries(tree))
    out[m] = Object.fromEntries(Object.entries(e).map(([k, v]) => [k, parseSpec(v)]));
  return out;
}

/** Zeros instead of the initializers: only names and shapes are compared. */
const zerosCreator: hk.Creator = (next, shape, dtype) => next(shape, dtype, (s, d) => tf.zeros(s, d));

describe("nets.ResNet", () => {
  test("golden structure: ResNet((3, 4, 6, 3), 1000) on f32[8, 3, 3, 2], training", () => {
    const f = hk.transformWithState((x: tf.Tensor) =>
      hk.customCreator(zerosCreator, () => new hk.nets.ResNet([3, 4, 6, 3], 1000).call(x, true), {
        params: true,
        state: true,
      }),
    );
    const [params, state] = f.init(random.key(0), tf.ones([8, 3, 3, 2]));
    expect(shapes(params)).toEqual(goldenShapes(golden.params));
    expect(shapes(state as hk.Params)).toEqual(goldenShapes(golden.state));
    const size = (t: hk.Params) =>
      Object.values(t).reduce((a, e) => a + Object.values(e).reduce((b, v) => b + (v as tf.Tensor).size, 0), 0);
    expect(size(params)).toBe(golden.param_size);
    expect(size(state as hk.Params)).toBe(golden.state_size);
    expect(state["res_net/~/initial_batchnorm/~/mean_ema"]!["counter"]!).toBeInstanceOf(tf.Tensor);
    tf.dispose([
      ...Object.values(params).flatMap((e) => Object.values(e)),
      ...Object.values(state).flatMap((e) => Object.values(e) as tf.Tensor[]),
    ]);
  });

  test("ResNet18 names and defaults (zero logits)", () => {
    const f = hk.transformWithState((x: tf.Tensor, training: boolean) =>
      hk.customCreator(zerosCreator, () => new hk.nets.ResNet18(5).call(x, training), { params: true, state: false }),
    );
    const [params] = f.init(random.key(0), tf.ones([1, 8, 8, 3]), true);
    const s = shapes(params);
    expect(s["res_net18/~/initial_conv"]).toEqual({ w: [7, 7, 3, 64] });
    expect(s["res_net18/~/block_group_0/~/block_0/~/conv_0"]).toEqual({ w: [3, 3, 64, 64] });
    expect(s["res_net18/~/block_group_0/~/block_0/~/shortcut_conv"]).toBeUndefined();
    expect(s["res_net18/~/block_group_1/~/block_0/~/shortcut_conv"]).toEqual({ w: [1, 1, 64, 128] });
    expect(s["res_net18/~/block_group_3/~/block_1/~/batchnorm_1"]).toEqual({
      offset: [1, 1, 1, 512],
      scale: [1, 1, 1, 512],
    });
    expect(s["res_net18/~/logits"]).toEqual({ w: [512, 5], b: [5] });
    // initial conv + bn, 8 blocks x (2 convs + 2 bns), 3 projections x (conv + bn), logits.
    expect(Object.keys(s).length).toBe(2 + 8 * 4 + 3 * 2 + 1);
    const real = hk.transform(() => new hk.nets.ResNet34(3).logits.call(tf.ones([1, 4])));
    expect(Array.from(real.init(random.key(1))["res_net34/~/logits"]!["w"]!.dataSync()).every((v) => v === 0)).toBe(
      true,
    );
  });

  test("a small ResNet trains on wasm: every parameter gets a gradient", () => {
    const make = () =>
      new hk.nets.ResNet([1, 1, 1, 1], 5, {
        bottleneck: true,
        channelsPerGroup: [8, 8, 8, 8],
        initialConvConfig: { outputChannels: 4, kernelShape: 3 },
      });
    const f = hk.transformWithState((x: tf.Tensor, training: boolean) => make().call(x, training));
    const x = ramp([2, 12, 12, 3], 1, 0.3);
    const [params, state] = f.init(random.key(0), x, true);
    const [y, newState] = f.apply(params, state, null, x, true);
    expect(y.shape).toEqual([2, 5]);
    expect(newState["res_net/~/initial_batchnorm/~/mean_ema"]!["counter"]).toBeDefined();
    const labels = tf.oneHot(tf.tensor1d([1, 3], "int32"), 5);
    const loss = (p: hk.Params) => tf.losses.softmaxCrossEntropy(labels, f.apply(p, state, null, x, true)[0]);
    const g = hk.grad(loss)(params) as hk.Params;
    expect(Object.keys(g)).toEqual(Object.keys(params));
    // Zero logits weights: dL/dw = features^T (softmax - y) is nonzero, dL/db = mean(softmax - y).
    expect(tf.sum(tf.abs(g["res_net/~/logits"]!["w"]!)).dataSync()[0]!).toBeGreaterThan(0);
    expectClose(g["res_net/~/logits"]!["b"]!, [0.2, -0.3, 0.2, -0.3, 0.2], 1e-5);
    tf.dispose(f.apply(params, state, null, x, false)[0]);
  });

  test("v1 bottleneck: batchnorm_2 scale starts at zero, so a block starts as relu(shortcut)", () => {
    const f = hk.transformWithState((x: tf.Tensor) =>
      new hk.nets.BlockV1(8, 1, true, { decayRate: 0.9 }, true, "block").call(x, true, false),
    );
    const x = ramp([2, 4, 4, 3], 1, 0.5);
    const [params, state] = f.init(random.key(0), x);
    expect(Array.from(params["block/~/batchnorm_2"]!["scale"]!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(shapes(params)["block/~/conv_0"]).toEqual({ w: [1, 1, 3, 2] });
    const [y] = f.apply(params, state, null, x);
    // out branch is 0 * normalised + offset(0) = 0, so y = relu(BN(shortcut_conv(x))).
    const g = hk.transformWithState((z: tf.Tensor) =>
      tf.relu(
        new hk.BatchNorm(true, true, 0.9, { name: "bn" }).call(
          new hk.Conv2D(8, 1, { withBias: false, name: "sc" }).call(z),
          true,
        ),
      ),
    );
    const p2 = { sc: params["block/~/shortcut_conv"]!, bn: params["block/~/shortcut_batchnorm"]! };
    const [, s2] = g.init(random.key(0), x);
    expectClose(y, g.apply(p2, s2, null, x)[0].dataSync(), 1e-5);
  });

  test("v2 has final_batchnorm and no initial_batchnorm; errors as Haiku's", () => {
    const f = hk.transformWithState((x: tf.Tensor) =>
      new hk.nets.ResNet([1, 1, 1, 1], 3, { resnetV2: true, bottleneck: false, channelsPerGroup: [4, 8, 8, 8] }).call(
        x,
        true,
      ),
    );
    const [params] = f.init(random.key(0), ramp([1, 8, 8, 1]));
    expect(params["res_net/~/final_batchnorm"]).toBeDefined();
    expect(params["res_net/~/initial_batchnorm"]).toBeUndefined();
    const bad = hk.transform(() => new hk.nets.ResNet([1, 1, 1], 3));
    expect(() => bad.init(random.key(0))).toThrow(
      /^ResNet 'res_net': `blocksPerGroup` \(Haiku's `blocks_per_group`\) must be of length 4 not 3\. Fix: /,
    );
    expect(() => bad.init(random.key(0))).toThrow(InvalidArgumentError);
  });
});
