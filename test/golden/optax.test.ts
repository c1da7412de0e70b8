// Optimizers and schedules against real optax 0.2.8: five steps of each optimizer on a small
// Haiku-shaped params tree with fixed gradients, and schedule values at many steps.
// Known answers: test/golden/fixtures/optax.json, written by tools/golden/optax.py; each case's
// optax code is in the fixture's `optax` field and quoted next to its builder below.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";
import { type JsonTree, type Tolerance, expectAllClose, expectTree, readJsonFixture, toTree } from "./fixtures.js";

interface OptaxFixture {
  params0: JsonTree;
  grads: JsonTree[];
  optimizers: { name: string; optax: string; updates: JsonTree[]; params: JsonTree[] }[];
  schedules: { name: string; optax: string; steps: number[]; values: number[] }[];
}

const fixture = readJsonFixture<OptaxFixture>("optax");
const { optim } = hk;

/**
 * Tolerances (numpy allclose on values of size ~0.01-1). Elementwise float32 updates agree to a
 * few ulps; what differs is the host arithmetic: our step counts, bias corrections and schedules
 * are float64 numbers on the host where optax computes them in float32 on device, and a global
 * norm sums in another order. The differences compound over five steps through the moments.
 */
const TOL = {
  /** sgd / momentum / clip: a multiply-add per element per step. */
  elementwise: { rtol: 1e-6, atol: 1e-8 },
  /** Adam / RMSProp / Adagrad: square roots, divisions and float32 vs float64 bias corrections. */
  adaptive: { rtol: 2e-5, atol: 1e-8 },
} satisfies Record<string, Tolerance>;

/** Schedules: optax evaluates in float32 (its step count is int32), we in float64. */
const SCHEDULE_TOL: Tolerance = { rtol: 1e-6, atol: 1e-7 };

const MASK_TREE = { linear: { w: true, b: false }, "~": { scale: true } };
const decayWeights = (p: unknown) => hk.tree.map((x: tf.Tensor) => x.rank > 1, p as hk.Params);

const OPTIMIZERS: Record<string, { make: () => hk.optim.GradientTransformation; tol: Tolerance }> = {
  // optax.sgd(0.1)
  sgd: { make: () => optim.sgd(0.1), tol: TOL.elementwise },
  // optax.sgd(0.1, momentum=0.9)
  sgd_momentum: { make: () => optim.momentum(0.1, 0.9), tol: TOL.elementwise },
  // optax.sgd(0.1, momentum=0.9, nesterov=True)
  sgd_nesterov: { make: () => optim.sgd(0.1, { momentum: 0.9, nesterov: true }), tol: TOL.elementwise },
  // optax.adam(1e-2)
  adam: { make: () => optim.adam(1e-2), tol: TOL.adaptive },
  // optax.adam(1e-2, b1=0.8, b2=0.99, eps=1e-6, eps_root=1e-8)
  adam_options: { make: () => optim.adam(1e-2, { b1: 0.8, b2: 0.99, eps: 1e-6, epsRoot: 1e-8 }), tol: TOL.adaptive },
  // optax.adam(1e-2, nesterov=True)
  adam_nesterov: { make: () => optim.adam(1e-2, { nesterov: true }), tol: TOL.adaptive },
  // optax.adamw(1e-2, weight_decay=0.1, mask=lambda p: tree_map(lambda x: x.ndim > 1, p))
  adamw_mask_fn: { make: () => optim.adamw(1e-2, { weightDecay: 0.1, mask: decayWeights }), tol: TOL.adaptive },
  // optax.adamw(1e-2, weight_decay=0.1, mask={'linear': {'w': True, 'b': False}, '~': {'scale': True}})
  adamw_mask_tree: { make: () => optim.adamw(1e-2, { weightDecay: 0.1, mask: MASK_TREE }), tol: TOL.adaptive },
  // optax.rmsprop(1e-2)
  rmsprop: { make: () => optim.rmsprop(1e-2), tol: TOL.adaptive },
  // optax.rmsprop(1e-2, centered=True)
  rmsprop_centered: { make: () => optim.rmsprop(1e-2, { centered: true }), tol: TOL.adaptive },
  // optax.rmsprop(1e-2, momentum=0.9, nesterov=True)
  rmsprop_momentum_nesterov: { make: () => optim.rmsprop(1e-2, { momentum: 0.9, nesterov: true }), tol: TOL.adaptive },
  // optax.rmsprop(1e-2, decay=0.8, eps=1e-3, initial_scale=0.5, eps_in_sqrt=False, bias_correction=True)
  rmsprop_eps_outside_bias_correction: {
    make: () =>
      optim.rmsprop(1e-2, { decay: 0.8, eps: 1e-3, initialScale: 0.5, epsInSqrt: false, biasCorrection: true }),
    tol: TOL.adaptive,
  },
  // optax.adagrad(0.1)
  adagrad: { make: () => optim.adagrad(0.1), tol: TOL.adaptive },
  // optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2))
  chain_clip_by_global_norm_adam: {
    make: () => optim.chain(optim.clipByGlobalNorm(1.0), optim.adam(1e-2)),
    tol: TOL.adaptive,
  },
  // optax.chain(optax.clip(0.3), optax.sgd(0.1))
  chain_clip_sgd: { make: () => optim.chain(optim.clip(0.3), optim.sgd(0.1)), tol: TOL.elementwise },
  // optax.masked(optax.sgd(0.1, momentum=0.9), {'linear': {'w': True, 'b': False}, '~': {'scale': True}})
  masked_sgd_momentum: { make: () => optim.masked(optim.sgd(0.1, { momentum: 0.9 }), MASK_TREE), tol: TOL.elementwise },
  // optax.adam(optax.warmup_cosine_decay_schedule(0.0, 0.1, 2, 5, end_value=0.01))
  adam_warmup_cosine: {
    make: () => optim.adam(optim.warmupCosineDecay(0.0, 0.1, 2, 5, { endValue: 0.01 })),
    tol: TOL.adaptive,
  },
  // optax.sgd(optax.exponential_decay(0.1, 2, 0.5, staircase=True))
  sgd_exponential_decay: {
    make: () => optim.sgd(optim.exponentialDecay(0.1, 2, 0.5, { staircase: true })),
    tol: TOL.elementwise,
  },
};

const SCHEDULES: Record<string, hk.optim.Schedule> = {
  // optax.constant_schedule(0.3)
  constant: optim.constantSchedule(0.3),
  // optax.polynomial_schedule(1.0, 0.1, 2.0, 20, transition_begin=3)
  polynomial: optim.polynomialSchedule(1.0, 0.1, 2.0, 20, { transitionBegin: 3 }),
  // optax.linear_schedule(0.5, 0.0, 15)
  linear: optim.linearSchedule(0.5, 0.0, 15),
  // optax.exponential_decay(1.0, 4, 0.5)
  exponential_decay: optim.exponentialDecay(1.0, 4, 0.5),
  // optax.exponential_decay(1.0, 3, 0.5, transition_begin=2, staircase=True, end_value=0.1)
  exponential_decay_staircase_end: optim.exponentialDecay(1.0, 3, 0.5, {
    transitionBegin: 2,
    staircase: true,
    endValue: 0.1,
  }),
  // optax.exponential_decay(0.1, 5, 2.0, end_value=1.0)
  exponential_growth_end: optim.exponentialDecay(0.1, 5, 2.0, { endValue: 1.0 }),
  // optax.cosine_decay_schedule(1.0, 20, alpha=0.1)
  cosine_decay: optim.cosineDecay(1.0, 20, { alpha: 0.1 }),
  // optax.cosine_decay_schedule(2.0, 100, exponent=2.0)
  cosine_decay_exponent: optim.cosineDecay(2.0, 100, { exponent: 2.0 }),
  // optax.warmup_cosine_decay_schedule(0.0, 1.0, 5, 20, end_value=0.05)
  warmup_cosine_decay: optim.warmupCosineDecay(0.0, 1.0, 5, 20, { endValue: 0.05 }),
  // optax.join_schedules([linear_schedule(0.0, 1.0, 10), constant_schedule(0.5), linear_schedule(0.5, 0.0, 10)], [10, 15])
  join_schedules: optim.joinSchedules(
    [optim.linearSchedule(0.0, 1.0, 10), optim.constantSchedule(0.5), optim.linearSchedule(0.5, 0.0, 10)],
    [10, 15],
  ),
};

describe("golden: optax optimizers (tools/golden/optax.py)", () => {
  it("has a builder for every fixture optimizer and the other way round", () => {
    expect(Object.keys(OPTIMIZERS).sort()).toEqual(fixture.optimizers.map((o) => o.name).sort());
  });

  for (const c of fixture.optimizers) {
    const b = OPTIMIZERS[c.name];
    if (b === undefined) continue;
    it(`${c.name}: ${c.optax}, ${fixture.grads.length} steps of updates and params`, () => {
      const before = tf.memory().numTensors;
      const opt = b.make();
      let params = toTree(fixture.params0);
      let state = opt.init(params);
      fixture.grads.forEach((g, t) => {
        const grads = toTree(g);
        const [updates, next] = opt.update(grads, state, params);
        expectTree(updates, c.updates[t]!, b.tol, `step ${t + 1} updates`);
        const newParams = optim.applyUpdates(params, updates);
        expectTree(newParams, c.params[t]!, b.tol, `step ${t + 1} params`);
        hk.tree.dispose([grads, updates, params, state]);
        params = newParams as typeof params;
        state = next;
      });
      hk.tree.dispose([params, state]);
      // Constants an optimizer caches for its hyper-parameters may stay; per-step tensors may not.
      expect(tf.memory().numTensors - before).toBeLessThan(16);
    });
  }
});

describe("golden: optax schedules (tools/golden/optax.py)", () => {
  it("has a builder for every fixture schedule and the other way round", () => {
    expect(Object.keys(SCHEDULES).sort()).toEqual(fixture.schedules.map((s) => s.name).sort());
  });

  for (const s of fixture.schedules) {
    const fn = SCHEDULES[s.name];
    if (fn === undefined) continue;
    it(`${s.name}: ${s.optax} at steps ${s.steps[0]}..${s.steps.at(-1)}`, () => {
      const got = tf.tensor1d(s.steps.map((step) => fn(step)));
      const want = tf.tensor1d(s.values);
      expectAllClose(got, want, SCHEDULE_TOL, s.name);
      tf.dispose([got, want]);
    });
  }
});
