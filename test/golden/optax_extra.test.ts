// optax's losses, more schedules, optimizers and wrappers against real optax 0.2.8 (issue 13).
// Known answers: test/golden/fixtures/optax_extra.json, written by tools/golden/optax_extra.py;
// each case's optax code is in the fixture's `optax` field and quoted next to its builder below.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";
import {
  type JsonArray,
  type JsonTree,
  type Tolerance,
  expectAllClose,
  expectTree,
  jsonTensor,
  readJsonFixture,
  toTree,
} from "./fixtures.js";

interface OptimizerCase {
  name: string;
  optax: string;
  updates: unknown[];
  params: unknown[];
  hyperparams?: Record<string, number>[];
}
interface Fixture {
  losses: { name: string; optax: string; inputs: JsonArray[]; value: JsonArray; grad: JsonArray }[];
  schedules: { name: string; optax: string; steps: number[]; values: number[] }[];
  params0: JsonTree;
  grads: JsonTree[];
  optimizers: OptimizerCase[];
}

const fixture = readJsonFixture<Fixture>("optax_extra");
const { optim } = hk;
const L = optim.losses;

// ------------------------------------------------------------------------------------ losses

/**
 * Losses: float32 elementwise formulas agree to a few ulps; log-sum-exp and the norms of
 * cosine similarity sum in another order than XLA, and values reach 2e4 (logits of ±1e4), so
 * the relative bound is what matters there.
 */
const LOSS_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

type T = tf.Tensor;
const LOSSES: Record<string, (...xs: T[]) => T> = {
  // optax.losses.softmax_cross_entropy(logits, labels)
  softmax_cross_entropy: (x, y) => L.softmaxCrossEntropy(x, y!),
  // optax.losses.softmax_cross_entropy(logits.T, labels.T, axis=0)
  softmax_cross_entropy_axis0: (x, y) => L.softmaxCrossEntropy(x, y!, { axis: 0 }),
  // optax.losses.softmax_cross_entropy_with_integer_labels(logits, labels)
  softmax_cross_entropy_with_integer_labels: (x, y) => L.softmaxCrossEntropyWithIntegerLabels(x, y!),
  // optax.losses.softmax_cross_entropy_with_integer_labels(logits.T, labels, axis=0)
  softmax_cross_entropy_with_integer_labels_axis0: (x, y) => L.softmaxCrossEntropyWithIntegerLabels(x, y!, { axis: 0 }),
  // optax.losses.sigmoid_binary_cross_entropy(logits, labels)
  sigmoid_binary_cross_entropy: (x, y) => L.sigmoidBinaryCrossEntropy(x, y!),
  // optax.losses.squared_error(predictions, targets)
  squared_error: (p, t) => L.squaredError(p, t),
  // optax.losses.squared_error(predictions)
  squared_error_no_targets: (p) => L.squaredError(p),
  // optax.losses.l2_loss(predictions, targets)
  l2_loss: (p, t) => L.l2Loss(p, t),
  // optax.losses.huber_loss(predictions, targets, delta=1.0)
  huber_loss: (p, t) => L.huberLoss(p, t, { delta: 1.0 }),
  // optax.losses.huber_loss(predictions, targets, delta=0.5)
  huber_loss_delta: (p, t) => L.huberLoss(p, t, { delta: 0.5 }),
  // optax.losses.log_cosh(predictions, targets)
  log_cosh: (p, t) => L.logCosh(p, t),
  // optax.losses.log_cosh(predictions)
  log_cosh_large: (p) => L.logCosh(p),
  // optax.losses.cosine_similarity(predictions, targets)
  cosine_similarity: (p, t) => L.cosineSimilarity(p, t!),
  // optax.losses.cosine_similarity(predictions, targets, epsilon=0.5)
  cosine_similarity_epsilon: (p, t) => L.cosineSimilarity(p, t!, { epsilon: 0.5 }),
  // optax.losses.cosine_distance(predictions, targets)
  cosine_distance: (p, t) => L.cosineDistance(p, t!),
  // optax.losses.kl_divergence(log_predictions, targets)
  kl_divergence: (lp, t) => L.klDivergence(lp, t!),
  // optax.losses.hinge_loss(predictor_outputs, targets)
  hinge_loss: (p, t) => L.hingeLoss(p, t!),
  // optax.losses.smooth_labels(labels, 0.1)
  smooth_labels: (y) => L.smoothLabels(y, 0.1),
};

describe("golden: optax losses (tools/golden/optax_extra.py)", () => {
  it("has a builder for every fixture loss and the other way round", () => {
    expect(Object.keys(LOSSES).sort()).toEqual(fixture.losses.map((c) => c.name).sort());
  });

  for (const c of fixture.losses) {
    const fn = LOSSES[c.name];
    if (fn === undefined) continue;
    it(`${c.name}: ${c.optax}, values and gradients (finite at logits of ±1e4)`, () => {
      const before = tf.memory().numTensors;
      const inputs = c.inputs.map(jsonTensor);
      const [x, ...rest] = inputs as [T, ...T[]];
      const value = fn(x, ...rest);
      const grad = tf.grad((t: T) => tf.sum(fn(t, ...rest)))(x);
      expect(Array.from(value.dataSync()).every(Number.isFinite), `${c.name}: finite values`).toBe(true);
      expect(Array.from(grad.dataSync()).every(Number.isFinite), `${c.name}: finite gradients`).toBe(true);
      const wantValue = jsonTensor(c.value);
      const wantGrad = jsonTensor(c.grad);
      expectAllClose(value, wantValue, LOSS_TOL, `${c.name} value`);
      expectAllClose(grad, wantGrad, LOSS_TOL, `${c.name} grad`);
      tf.dispose([inputs, value, grad, wantValue, wantGrad]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

// ------------------------------------------------------------------------------------ schedules

/** Schedules: optax evaluates in float32 (its step count is int32), we in float64. */
const SCHEDULE_TOL: Tolerance = { rtol: 1e-6, atol: 1e-7 };

const SCHEDULES: Record<string, hk.optim.Schedule> = {
  // optax.piecewise_constant_schedule(0.1, {10: 0.5, 5: 0.1, 30: 2.0})
  piecewise_constant: optim.piecewiseConstantSchedule(0.1, { 10: 0.5, 5: 0.1, 30: 2.0 }),
  // optax.piecewise_constant_schedule(0.3)
  piecewise_constant_none: optim.piecewiseConstantSchedule(0.3),
  // optax.piecewise_interpolate_schedule('linear', 1.0, {10: 0.5, 25: 0.2})
  piecewise_interpolate_linear: optim.piecewiseInterpolateSchedule("linear", 1.0, { 10: 0.5, 25: 0.2 }),
  // optax.piecewise_interpolate_schedule('cosine', 2.0, {5: 3.0, 30: 0.1})
  piecewise_interpolate_cosine: optim.piecewiseInterpolateSchedule("cosine", 2.0, { 5: 3.0, 30: 0.1 }),
  // optax.polynomial_schedule(0.5, 0.01, 3.0, 25, transition_begin=7)
  polynomial_begin: optim.polynomialSchedule(0.5, 0.01, 3.0, 25, { transitionBegin: 7 }),
  // optax.linear_schedule(0.0, 2.0, 30, transition_begin=4)
  linear_increase: optim.linearSchedule(0.0, 2.0, 30, { transitionBegin: 4 }),
  // optax.join_schedules([constant_schedule(1.0), linear_schedule(1.0, 0.0, 10), cosine_decay_schedule(0.5, 20)], [5, 12])
  join_three: optim.joinSchedules(
    [optim.constantSchedule(1.0), optim.linearSchedule(1.0, 0.0, 10), optim.cosineDecay(0.5, 20)],
    [5, 12],
  ),
  // optax.warmup_exponential_decay_schedule(0.0, 1.0, 5, 4, 0.5)
  warmup_exponential_decay: optim.warmupExponentialDecaySchedule(0.0, 1.0, 5, 4, 0.5),
  // optax.warmup_exponential_decay_schedule(0.1, 1.0, 8, 3, 0.7, transition_begin=4, staircase=True, end_value=0.2)
  warmup_exponential_decay_options: optim.warmupExponentialDecaySchedule(0.1, 1.0, 8, 3, 0.7, {
    transitionBegin: 4,
    staircase: true,
    endValue: 0.2,
  }),
  // optax.cosine_onecycle_schedule(100, 1.0)
  cosine_onecycle: optim.cosineOnecycleSchedule(100, 1.0),
  // optax.cosine_onecycle_schedule(33, 0.5, pct_start=0.25, div_factor=10.0, final_div_factor=100.0)
  cosine_onecycle_options: optim.cosineOnecycleSchedule(33, 0.5, {
    pctStart: 0.25,
    divFactor: 10,
    finalDivFactor: 100,
  }),
  // optax.sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=3, decay_steps=12, end_value=0.1),
  //                      dict(init_value=0.1, peak_value=0.5, warmup_steps=2, decay_steps=20, exponent=2.0)])
  sgdr: optim.sgdrSchedule([
    { initValue: 0.0, peakValue: 1.0, warmupSteps: 3, decaySteps: 12, endValue: 0.1 },
    { initValue: 0.1, peakValue: 0.5, warmupSteps: 2, decaySteps: 20, exponent: 2.0 },
  ]),
};

describe("golden: more optax schedules (tools/golden/optax_extra.py)", () => {
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

// ------------------------------------------------------------------------------------ optimizers

/**
 * Tolerances (numpy allclose on values of size ~0.01-1), as test/golden/optax.test.ts: our step
 * counts, bias corrections and schedules are float64 host numbers where optax computes them in
 * float32 on device; norms and means sum in another order. Sign-based (Lion) updates are exact.
 */
const TOL = {
  elementwise: { rtol: 1e-6, atol: 1e-8 },
  adaptive: { rtol: 2e-5, atol: 1e-8 },
} satisfies Record<string, Tolerance>;

const MASK_TREE = { linear: { w: true, b: false }, "~": { scale: true } };

interface Builder {
  make: () => hk.optim.GradientTransformation;
  tol: Tolerance;
  /** Runs on the `linear` module of the params and grads only (sm3 rejects scalar params). */
  linearOnly?: boolean;
}

const OPTIMIZERS: Record<string, Builder> = {
  // optax.lion(1e-2)
  lion: { make: () => optim.lion(1e-2), tol: TOL.elementwise },
  // optax.lion(1e-2, b1=0.8, b2=0.9, weight_decay=0.1, mask={'linear': {'w': True, 'b': False}, '~': {'scale': True}})
  lion_options: {
    make: () => optim.lion(1e-2, { b1: 0.8, b2: 0.9, weightDecay: 0.1, mask: MASK_TREE }),
    tol: TOL.elementwise,
  },
  // optax.adamax(1e-2)
  adamax: { make: () => optim.adamax(1e-2), tol: TOL.adaptive },
  // optax.adamax(1e-2, b1=0.8, b2=0.9, eps=1e-3)
  adamax_options: { make: () => optim.adamax(1e-2, { b1: 0.8, b2: 0.9, eps: 1e-3 }), tol: TOL.adaptive },
  // optax.radam(1e-2)
  radam: { make: () => optim.radam(1e-2), tol: TOL.adaptive },
  // optax.radam(1e-2, b2=0.9, eps=1e-4)
  radam_b2: { make: () => optim.radam(1e-2, { b2: 0.9, eps: 1e-4 }), tol: TOL.adaptive },
  // optax.radam(1e-2, b2=0.8, threshold=4.0, nesterov=True)
  radam_nesterov: { make: () => optim.radam(1e-2, { b2: 0.8, threshold: 4.0, nesterov: true }), tol: TOL.adaptive },
  // optax.adabelief(1e-2)
  adabelief: { make: () => optim.adabelief(1e-2), tol: TOL.adaptive },
  // optax.adabelief(1e-2, b1=0.8, eps=1e-8, eps_root=1e-10, nesterov=True)
  adabelief_nesterov: {
    make: () => optim.adabelief(1e-2, { b1: 0.8, eps: 1e-8, epsRoot: 1e-10, nesterov: true }),
    tol: TOL.adaptive,
  },
  // optax.yogi(1e-2)
  yogi: { make: () => optim.yogi(1e-2), tol: TOL.adaptive },
  // optax.yogi(1e-2, b1=0.8, b2=0.9, eps=1e-5)
  yogi_options: { make: () => optim.yogi(1e-2, { b1: 0.8, b2: 0.9, eps: 1e-5 }), tol: TOL.adaptive },
  // optax.novograd(1e-2)
  novograd: { make: () => optim.novograd(1e-2), tol: TOL.adaptive },
  // optax.novograd(1e-2, b1=0.8, b2=0.5, eps=1e-4, weight_decay=0.1)
  novograd_weight_decay: {
    make: () => optim.novograd(1e-2, { b1: 0.8, b2: 0.5, eps: 1e-4, weightDecay: 0.1 }),
    tol: TOL.adaptive,
  },
  // optax.lamb(1e-2)
  lamb: { make: () => optim.lamb(1e-2), tol: TOL.adaptive },
  // optax.lamb(1e-2, weight_decay=0.1, mask={'linear': {'w': True, 'b': False}, '~': {'scale': True}})
  lamb_weight_decay_mask: { make: () => optim.lamb(1e-2, { weightDecay: 0.1, mask: MASK_TREE }), tol: TOL.adaptive },
  // optax.lars(0.1)
  lars: { make: () => optim.lars(0.1), tol: TOL.adaptive },
  // optax.lars(0.1, weight_decay=0.01, weight_decay_mask=MASK_TREE, trust_coefficient=0.01, eps=1e-3,
  //            trust_ratio_mask={'linear': {'w': True, 'b': False}, '~': {'scale': False}}, momentum=0.8, nesterov=True)
  lars_options: {
    make: () =>
      optim.lars(0.1, {
        weightDecay: 0.01,
        weightDecayMask: MASK_TREE,
        trustCoefficient: 0.01,
        eps: 1e-3,
        trustRatioMask: { linear: { w: true, b: false }, "~": { scale: false } },
        momentum: 0.8,
        nesterov: true,
      }),
    tol: TOL.adaptive,
  },
  // optax.sm3(0.1) on params['linear'] only
  sm3: { make: () => optim.sm3(0.1), tol: TOL.adaptive, linearOnly: true },
  // optax.sm3(0.1, momentum=0.5) on params['linear'] only
  sm3_momentum: { make: () => optim.sm3(0.1, 0.5), tol: TOL.adaptive, linearOnly: true },
  // optax.adafactor(1e-2)
  adafactor: { make: () => optim.adafactor(1e-2), tol: TOL.adaptive },
  // optax.adafactor(1e-2, min_dim_size_to_factor=2, decay_rate=0.9, clipping_threshold=0.5, momentum=0.9,
  //                 weight_decay_rate=0.01, multiply_by_parameter_scale=False)
  adafactor_options: {
    make: () =>
      optim.adafactor(1e-2, {
        minDimSizeToFactor: 2,
        decayRate: 0.9,
        clippingThreshold: 0.5,
        momentum: 0.9,
        weightDecayRate: 0.01,
        multiplyByParameterScale: false,
      }),
    tol: TOL.adaptive,
  },
};

interface WrapperBuilder extends Builder {
  /** Params and updates are `{fast, slow}` (optax.LookaheadParams). */
  lookahead?: boolean;
  /** optax's hyper-parameter names (snake_case) -> ours, for the state's `hyperparams`. */
  hyperparams?: Record<string, string>;
  /**
   * Hyper-parameter constants a step may add: a learning rate that changes every step is a new
   * float32 constant in the bounded cache of src/optim/scalars.ts (at most
   * CONSTANT_CACHE_CAPACITY, see test/optim/wrappers.test.ts), not a per-step leak.
   */
  newConstantsPerStep?: number;
}

const WRAPPERS: Record<string, WrapperBuilder> = {
  // optax.MultiSteps(optax.sgd(0.1, momentum=0.9), every_k_schedule=3)
  multi_steps_sgd_momentum: {
    make: () => new optim.MultiSteps(optim.sgd(0.1, { momentum: 0.9 }), 3),
    tol: TOL.elementwise,
  },
  // optax.MultiSteps(optax.adam(1e-2), every_k_schedule=2)
  multi_steps_adam: { make: () => new optim.MultiSteps(optim.adam(1e-2), 2), tol: TOL.adaptive },
  // optax.inject_hyperparams(optax.adam)(learning_rate=1e-2, b1=0.8): optax binds adam's defaults too.
  inject_hyperparams_adam: {
    make: () =>
      optim.injectHyperparams(
        (h) => optim.adam(h.learningRate, { b1: h.b1, b2: h.b2, eps: h.eps, epsRoot: h.epsRoot }),
        {
          learningRate: 1e-2,
          b1: 0.8,
          b2: 0.999,
          eps: 1e-8,
          epsRoot: 0,
        },
      ),
    tol: TOL.adaptive,
    hyperparams: { learning_rate: "learningRate", b1: "b1", b2: "b2", eps: "eps", eps_root: "epsRoot" },
  },
  // optax.inject_hyperparams(optax.sgd)(learning_rate=optax.linear_schedule(0.1, 0.0, 4), momentum=0.9)
  inject_hyperparams_schedule: {
    make: () =>
      optim.injectHyperparams((h) => optim.sgd(h.learningRate, { momentum: h.momentum }), {
        learningRate: optim.linearSchedule(0.1, 0.0, 4) as unknown as number,
        momentum: 0.9,
      }),
    tol: TOL.elementwise,
    hyperparams: { learning_rate: "learningRate", momentum: "momentum" },
    newConstantsPerStep: 1,
  },
  // optax.lookahead(optax.sgd(0.1), sync_period=2, slow_step_size=0.5) on LookaheadParams.init_synced(params)
  lookahead_sgd: {
    make: () => optim.lookahead(optim.sgd(0.1), { syncPeriod: 2, slowStepSize: 0.5 }),
    tol: TOL.elementwise,
    lookahead: true,
  },
  // optax.lookahead(optax.adam(1e-2), sync_period=3, slow_step_size=0.3, reset_state=True) on LookaheadParams.init_synced(params)
  lookahead_adam_reset: {
    make: () => optim.lookahead(optim.adam(1e-2), { syncPeriod: 3, slowStepSize: 0.3, resetState: true }),
    tol: TOL.adaptive,
    lookahead: true,
  },
};

describe("golden: more optax optimizers (tools/golden/optax_extra.py)", () => {
  const cases = fixture.optimizers.filter((c) => OPTIMIZERS[c.name] !== undefined);

  it("has a builder for every fixture optimizer and wrapper, and the other way round", () => {
    expect([...Object.keys(OPTIMIZERS), ...Object.keys(WRAPPERS)].sort()).toEqual(
      fixture.optimizers.map((c) => c.name).sort(),
    );
  });

  for (const c of cases) {
    const b = OPTIMIZERS[c.name]!;
    it(`${c.name}: ${c.optax}, ${fixture.grads.length} steps of updates and params, memory flat`, () => {
      const opt = b.make();
      const pick = (t: JsonTree): JsonTree => (b.linearOnly === true ? { linear: t["linear"]! } : t);
      let params = toTree(pick(fixture.params0));
      let state = opt.init(params);
      const before = tf.memory().numTensors;
      fixture.grads.forEach((g, t) => {
        const grads = toTree(pick(g));
        const [updates, next] = opt.update(grads, state, params);
        expectTree(updates, c.updates[t] as JsonTree, b.tol, `step ${t + 1} updates`);
        const newParams = optim.applyUpdates(params, updates);
        expectTree(newParams, c.params[t] as JsonTree, b.tol, `step ${t + 1} params`);
        hk.tree.dispose([grads, updates, params, state]);
        params = newParams as typeof params;
        state = next;
        // Per-step tensors are freed: the count is what it was after init (params + state).
        expect(tf.memory().numTensors, `step ${t + 1} tensors`).toBe(before);
      });
      hk.tree.dispose([params, state]);
    });
  }
});

describe("golden: optax wrappers (tools/golden/optax_extra.py)", () => {
  for (const c of fixture.optimizers) {
    const b = WRAPPERS[c.name];
    if (b === undefined) continue;
    it(`${c.name}: ${c.optax}, ${fixture.grads.length} steps of updates and params${b.hyperparams ? " and hyperparams" : ""}`, () => {
      const opt = b.make();
      let params: unknown = toTree(fixture.params0);
      if (b.lookahead === true) params = optim.lookaheadParams(params);
      let state = opt.init(params);
      const before = tf.memory().numTensors;
      fixture.grads.forEach((g, t) => {
        const grads = toTree(g);
        const [updates, next] = opt.update(grads, state, params);
        const newParams = optim.applyUpdates(params, updates);
        if (b.lookahead === true) {
          const [u, p] = [
            c.updates[t] as Record<"fast" | "slow", JsonTree>,
            c.params[t] as Record<"fast" | "slow", JsonTree>,
          ];
          const [gu, gp] = [updates as Record<"fast" | "slow", unknown>, newParams as Record<"fast" | "slow", unknown>];
          for (const k of ["fast", "slow"] as const) {
            expectTree(gu[k], u[k], b.tol, `step ${t + 1} updates.${k}`);
            expectTree(gp[k], p[k], b.tol, `step ${t + 1} params.${k}`);
          }
        } else {
          expectTree(updates, c.updates[t] as JsonTree, b.tol, `step ${t + 1} updates`);
          expectTree(newParams, c.params[t] as JsonTree, b.tol, `step ${t + 1} params`);
        }
        if (b.hyperparams !== undefined) {
          const got = (next as { hyperparams: Record<string, number> }).hyperparams;
          const want = c.hyperparams![t]!;
          expect(Object.keys(got).sort(), "hyperparams names").toEqual(
            Object.keys(want)
              .map((k) => b.hyperparams![k])
              .sort(),
          );
          for (const [k, v] of Object.entries(want)) {
            // optax stores float32 values, we the numbers given.
            expect(Math.fround(got[b.hyperparams[k]!]!), `step ${t + 1} hyperparams.${k}`).toBeCloseTo(v, 7);
          }
        }
        hk.tree.dispose([grads, updates, params, state]);
        params = newParams;
        state = next;
        expect(tf.memory().numTensors, `step ${t + 1} tensors`).toBeLessThanOrEqual(
          before + (t + 1) * (b.newConstantsPerStep ?? 0),
        );
      });
      hk.tree.dispose([params, state]);
    });
  }
});
