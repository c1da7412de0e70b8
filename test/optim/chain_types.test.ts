// `chain`'s state keeps each member's state type (optax's chain returns a tuple of states), so
// code that reads an optimizer's state (e.g. Adam's moments) needs no casts.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as hk from "../../src/index.js";

describe("hk.optim.chain state types", () => {
  it("types the state member by member and holds those states at run time", () => {
    const params = { w: tf.ones([2, 2]) };
    const opt = hk.optim.chain(hk.optim.clipByGlobalNorm(1), hk.optim.scaleByAdam(), hk.optim.scaleByLearningRate(0.1));
    const state = opt.init(params);
    expectTypeOf(state).toEqualTypeOf<
      [hk.optim.EmptyState, hk.optim.ScaleByAdamState, hk.optim.ScaleByScheduleState | hk.optim.EmptyState]
    >();
    expect(state).toHaveLength(3);
    const [, adam] = state;
    expect(adam.mu).toHaveProperty("w");
    expect((adam.nu as { w: tf.Tensor }).w.shape).toEqual([2, 2]);
    hk.tree.dispose([params, state]);
  });
});
