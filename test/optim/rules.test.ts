// Hand-computed optax updates. Every expected value below is computed in this file, in float64,
// from the update rule of the optax source file cited next to it (google-deepmind/optax):
//   scale_by_adam / scale_by_rms / scale_by_stddev / scale_by_rss / scale / scale_by_schedule /
//   scale_by_learning_rate: optax/_src/transform.py
//   trace: optax/transforms/_accumulation.py; add_decayed_weights: optax/transforms/_adding.py
//   clip_by_global_norm / clip: optax/transforms/_clipping.py; masked: optax/transforms/_masking.py
//   sgd / adam / adamw / rmsprop / adagrad: optax/_src/alias.py (which transforms, which order)
//   bias_correction / update_moment: optax/tree_utils/_tree_math.py; safe_increment: numerics.py
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import * as optim from "../../src/optim/index.js";
import * as tree from "../../src/tree/index.js";

type Vec = number[];
const P0: Vec = [0.5, -1.5, 2.0];
// Three steps of fixed gradients (the optimizers' numbers must not depend on the params here,
// except weight decay, which the loop below feeds with the updated params).
const GS: Vec[] = [
  [0.1, -0.2, 0.3],
  [-0.4, 0.5, 0.05],
  [0.25, 0.0, -0.6],
];

/** Runs `opt` for the three steps on {w: P0} and returns the updates of each step. */
function run(opt: optim.AnyTransformation, withParams = false): Vec[] {
  let params = { w: tf.tensor1d(P0) };
  let state = opt.init(params);
  const out: Vec[] = [];
  for (const g of GS) {
    const grads = { w: tf.tensor1d(g) };
    const [updates, next] = opt.update(grads, state, withParams ? params : undefined);
    out.push(Array.from((updates as { w: tf.Tensor }).w.dataSync()));
    const newParams = optim.applyUpdates(params, updates);
    tree.dispose([grads, updates, params, state]);
    params = newParams;
    state = next;
  }
  tree.dispose([params, state]);
  return out;
}

// optax computes `1 - decay ** count` with decay as a float32 (a weak-typed Python float meeting
// an int32 count), so the hand computations round decay the same way; the rest is float64 here
// and float32 on the device, hence the relative tolerance.
const f32 = Math.fround;

function expectClose(actual: Vec[], expected: Vec[], rtol = 1e-5, atol = 1e-7): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) =>
    row.forEach((v, j) => {
      const e = (expected[i] as Vec)[j] as number;
      expect(Math.abs(v - e), `step ${i} element ${j}: ${v} vs ${e}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
    }),
  );
}

/** Hand simulation over element j of the three steps with the given per-element rule. */
function simulate(rule: (g: number, j: number, step: number, p: number) => number, withParams = false): Vec[] {
  const p = [...P0];
  return GS.map((g, step) => {
    const u = g.map((gj, j) => rule(gj, j, step, p[j] as number));
    if (withParams) u.forEach((uj, j) => (p[j] = (p[j] as number) + uj));
    return u;
  });
}

describe("optax update rules, by hand", () => {
  it("sgd: u = -lr g (alias.py: chain(identity, scale_by_learning_rate))", () => {
    expectClose(
      run(optim.sgd(0.1)),
      simulate((g) => -0.1 * g),
    );
  });

  it("sgd with momentum: trace = g + d trace; u = -lr trace; nesterov u = -lr (g + d trace)", () => {
    for (const nesterov of [false, true]) {
      const tr = [0, 0, 0];
      const want = simulate((g, j) => {
        tr[j] = g + 0.9 * (tr[j] as number);
        return -0.05 * (nesterov ? g + 0.9 * (tr[j] as number) : (tr[j] as number));
      });
      expectClose(run(optim.sgd(0.05, { momentum: 0.9, nesterov })), want);
      if (!nesterov) expectClose(run(optim.momentum(0.05, 0.9)), want);
    }
  });

  it("adam: moments, bias correction with count starting at 1, eps outside the sqrt", () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 1e-2];
    const mu = [0, 0, 0];
    const nu = [0, 0, 0];
    const want = simulate((g, j, step) => {
      const count = step + 1;
      mu[j] = (1 - b1) * g + b1 * (mu[j] as number);
      nu[j] = (1 - b2) * g * g + b2 * (nu[j] as number);
      const muHat = (mu[j] as number) / (1 - f32(b1) ** count);
      const nuHat = (nu[j] as number) / (1 - f32(b2) ** count);
      return -lr * (muHat / (Math.sqrt(nuHat) + eps));
    });
    expectClose(run(optim.adam(lr)), want);
  });

  it("adam with epsRoot (inside the sqrt) and a large eps, so both placements matter", () => {
    const [b1, b2, eps, epsRoot, lr] = [0.8, 0.9, 0.1, 0.05, 0.3];
    const mu = [0, 0, 0];
    const nu = [0, 0, 0];
    const want = simulate((g, j, step) => {
      const count = step + 1;
      mu[j] = (1 - b1) * g + b1 * (mu[j] as number);
      nu[j] = (1 - b2) * g * g + b2 * (nu[j] as number);
      const muHat = (mu[j] as number) / (1 - f32(b1) ** count);
      const nuHat = (nu[j] as number) / (1 - f32(b2) ** count);
      return -lr * (muHat / (Math.sqrt(nuHat + epsRoot) + eps));
    });
    expectClose(run(optim.adam(lr, { b1, b2, eps, epsRoot })), want);
  });

  it("nadam: mu_hat = b1 mu / (1 - b1^(count+1)) + (1 - b1) g / (1 - b1^count)", () => {
    const [b1, b2, eps, lr] = [0.9, 0.99, 1e-3, 0.1];
    const mu = [0, 0, 0];
    const nu = [0, 0, 0];
    const want = simulate((g, j, step) => {
      const count = step + 1;
      mu[j] = (1 - b1) * g + b1 * (mu[j] as number);
      nu[j] = (1 - b2) * g * g + b2 * (nu[j] as number);
      const muHat = (b1 * (mu[j] as number)) / (1 - f32(b1) ** (count + 1)) + ((1 - b1) * g) / (1 - f32(b1) ** count);
      const nuHat = (nu[j] as number) / (1 - f32(b2) ** count);
      return -lr * (muHat / (Math.sqrt(nuHat) + eps));
    });
    expectClose(run(optim.adam(lr, { b1, b2, eps, nesterov: true })), want);
  });

  it("adamw: u = -lr (adam + wd p) with the current params (decay before the lr scale)", () => {
    const [b1, b2, eps, lr, wd] = [0.9, 0.999, 1e-8, 0.05, 0.1];
    const mu = [0, 0, 0];
    const nu = [0, 0, 0];
    const want = simulate((g, j, step, p) => {
      const count = step + 1;
      mu[j] = (1 - b1) * g + b1 * (mu[j] as number);
      nu[j] = (1 - b2) * g * g + b2 * (nu[j] as number);
      const adamU =
        (mu[j] as number) / (1 - f32(b1) ** count) / (Math.sqrt((nu[j] as number) / (1 - f32(b2) ** count)) + eps);
      return -lr * (adamU + wd * p);
    }, true);
    expectClose(run(optim.adamw(lr, { weightDecay: wd }), true), want);
  });

  it("rmsprop: nu = (1-d) g² + d nu, u = -lr g rsqrt(nu + eps); eps outside + bias correction", () => {
    const [d, eps, lr] = [0.9, 1e-8, 0.01];
    let nu = [0, 0, 0];
    expectClose(
      run(optim.rmsprop(lr)),
      simulate((g, j) => {
        nu[j] = (1 - d) * g * g + d * (nu[j] as number);
        return -lr * (g / Math.sqrt((nu[j] as number) + eps));
      }),
    );
    nu = [0.5, 0.5, 0.5];
    expectClose(
      run(optim.rmsprop(lr, { decay: 0.8, eps: 0.01, initialScale: 0.5, epsInSqrt: false, biasCorrection: true })),
      simulate((g, j, step) => {
        nu[j] = 0.2 * g * g + 0.8 * (nu[j] as number);
        const nuHat = (nu[j] as number) / (1 - f32(0.8) ** (step + 1));
        return -lr * (g * (1 / (Math.sqrt(nuHat) + 0.01)));
      }),
    );
  });

  it("centered rmsprop with momentum: rsqrt(nu - mu² + eps), then trace after the lr scale", () => {
    const [d, eps, lr, m] = [0.9, 1e-3, 0.01, 0.5];
    const mu = [0, 0, 0];
    const nu = [0, 0, 0];
    const tr = [0, 0, 0];
    const want = simulate((g, j) => {
      mu[j] = (1 - d) * g + d * (mu[j] as number);
      nu[j] = (1 - d) * g * g + d * (nu[j] as number);
      const scaled = -lr * (g / Math.sqrt((nu[j] as number) - (mu[j] as number) ** 2 + eps));
      tr[j] = scaled + m * (tr[j] as number);
      return tr[j] as number;
    });
    expectClose(run(optim.rmsprop(lr, { centered: true, eps, momentum: m })), want, 1e-5);
  });

  it("adagrad: s = g² + s from 0.1; u = -lr g rsqrt(s + eps); and with initial 0 (where s > 0)", () => {
    let s = [0.1, 0.1, 0.1];
    expectClose(
      run(optim.adagrad(0.1)),
      simulate((g, j) => {
        s[j] = g * g + (s[j] as number);
        return -0.1 * (g / Math.sqrt((s[j] as number) + 1e-7));
      }),
    );
    s = [0, 0, 0];
    expectClose(
      run(optim.adagrad(0.1, { initialAccumulatorValue: 0 })),
      simulate((g, j) => {
        s[j] = g * g + (s[j] as number);
        return (s[j] as number) > 0 ? -0.1 * (g / Math.sqrt((s[j] as number) + 1e-7)) : -0;
      }),
      1e-5,
    );
  });

  it("clipByGlobalNorm: unchanged below max, (t / norm) * max above", () => {
    const clip = optim.clipByGlobalNorm(0.5);
    const norms = GS.map((g) => Math.sqrt(g.reduce((a, v) => a + v * v, 0)));
    // Norms are 0.374, 0.642, 0.65: step 0 passes through, steps 1 and 2 are clipped.
    expect(norms[0]).toBeLessThan(0.5);
    const want = GS.map((g, i) => ((norms[i] as number) < 0.5 ? g : g.map((v) => (v / (norms[i] as number)) * 0.5)));
    expectClose(run(clip), want);
    // Over a tree the norm is global across leaves.
    const t = { a: tf.tensor1d([3]), b: [tf.tensor1d([4])] };
    const [u] = clip.update(t, clip.init(t));
    expect(Array.from(u.a.dataSync())[0]).toBeCloseTo(0.3, 6);
    expect(Array.from((u.b[0] as tf.Tensor).dataSync())[0]).toBeCloseTo(0.4, 6);
    tree.dispose([t, u]);
  });

  it("clip: elementwise to [-d, d]", () => {
    expectClose(
      run(optim.clip(0.2)),
      GS.map((g) => g.map((v) => Math.max(-0.2, Math.min(0.2, v)))),
    );
  });

  it("schedules see count 0 first and increment per update (scale_by_schedule)", () => {
    const seen: number[] = [];
    const lr = (c: number): number => {
      seen.push(c);
      return 0.1 * (c + 1);
    };
    expectClose(
      run(optim.sgd(lr)),
      GS.map((g, i) => g.map((v) => -0.1 * (i + 1) * v)),
    );
    expect(seen).toEqual([0, 1, 2]);
  });

  it("masked / adamw mask: decay only where the mask is true, others pass through", () => {
    const params = { w: tf.tensor1d([1, 2]), b: tf.tensor1d([3]) };
    const grads = { w: tf.tensor1d([0, 0]), b: tf.tensor1d([0]) };
    const opt = optim.chain(optim.addDecayedWeights(0.5, { w: true, b: false }));
    const state = opt.init(params);
    const [u] = opt.update(grads, state, params);
    expect(Array.from(u.w.dataSync())).toEqual([0.5, 1]);
    expect(Array.from(u.b.dataSync())).toEqual([0]);
    // A function mask and a prefix mask give the same result.
    const fnOpt = optim.masked(optim.addDecayedWeights(0.5), (p: typeof params) =>
      tree.map((x: tf.Tensor) => x.size > 1, p),
    );
    const [u2] = fnOpt.update(grads, fnOpt.init(params), params);
    expect(Array.from(u2.w.dataSync())).toEqual([0.5, 1]);
    expect(Array.from(u2.b.dataSync())).toEqual([0]);
    const prefixOpt = optim.masked(optim.scale(2), false);
    const [u3] = prefixOpt.update(params, prefixOpt.init(params));
    expect(Array.from(u3.w.dataSync())).toEqual([1, 2]);
    tree.dispose([params, grads, u, u2, u3, state]);
  });

  it("state layout and counts follow optax (chain array, count per transform)", () => {
    const params = { w: tf.zeros([2]) };
    const opt = optim.adam(optim.exponentialDecay(1, 1, 0.5));
    let state = opt.init(params) as [optim.ScaleByAdamState, optim.ScaleByScheduleState];
    expect(state[0].count).toBe(0);
    expect(state[1].count).toBe(0);
    for (let i = 0; i < 2; i++) {
      const g = { w: tf.ones([2]) };
      const [u, next] = opt.update(g, state);
      tree.dispose([g, u, state]);
      state = next as typeof state;
    }
    expect(state[0].count).toBe(2);
    expect(state[1].count).toBe(2);
    expect(Object.keys(state[0])).toEqual(["count", "mu", "nu"]);
    tree.dispose([params, state]);
  });
});

describe("backends", () => {
  it("adam gives the same numbers on the cpu fallback as on wasm", async () => {
    const wasm = run(optim.adam(0.1, { epsRoot: 1e-3 }));
    await tf.setBackend("cpu");
    try {
      const cpu = run(optim.adam(0.1, { epsRoot: 1e-3 }));
      expectClose(cpu, wasm, 1e-6, 0);
    } finally {
      await tf.setBackend("wasm");
    }
  });
});
