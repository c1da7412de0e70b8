// scaleByAdam updates float32 leaves on wasm and cpu in one kernel. Its contract: the same bits as
// the composed tfjs ops of optax's rule (optax/_src/transform.py scale_by_adam:
// mu = (1-b1) g + b1 mu, nu = (1-b2) g^2 + b2 nu, update = mu_hat / (sqrt(nu_hat + eps_root) + eps),
// nesterov: mu_hat = b1 mu / (1 - b1^(t+1)) + (1-b1) g / (1 - b1^t)), which `composed` below
// writes out op by op. Every comparison is bitwise.
import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";

import { setAdamKernelEnabled } from "../../src/wasm/adam.js";
import * as optim from "../../src/optim/index.js";
import * as tree from "../../src/tree/index.js";

interface Opts {
  b1: number;
  b2: number;
  eps: number;
  epsRoot: number;
  nesterov: boolean;
}

const DEFAULTS: Opts = { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0, nesterov: false };

/** `1 - decay^count` with decay rounded to float32 first, as optax does (see rules.test.ts). */
const bias = (d: number, t: number) => Math.fround(1 - Math.fround(Math.pow(Math.fround(d), t)));

/** optax's rule as separate tfjs ops (each rounds to float32), at step `t` (1-based). */
function composed(g: tf.Tensor, m0: tf.Tensor, v0: tf.Tensor, t: number, o: Opts): tf.Tensor[] {
  return tf.tidy(() => {
    const s = (x: number) => tf.scalar(x, "float32");
    const m = tf.add(tf.mul(s(1 - o.b1), g), tf.mul(s(o.b1), m0));
    const v = tf.add(tf.mul(s(1 - o.b2), tf.square(g)), tf.mul(s(o.b2), v0));
    const mHat = o.nesterov
      ? tf.add(tf.mul(s(o.b1), tf.div(m, s(bias(o.b1, t + 1)))), tf.mul(s(1 - o.b1), tf.div(g, s(bias(o.b1, t)))))
      : tf.div(m, s(bias(o.b1, t)));
    const vHat = tf.div(v, s(bias(o.b2, t)));
    const root = o.epsRoot === 0 ? vHat : tf.add(vHat, s(o.epsRoot));
    return [m, v, tf.div(mHat, tf.add(tf.sqrt(root), s(o.eps)))];
  });
}

/** Gradients spanning many magnitudes, signs, exact zeros and subnormals. */
function gradients(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const u = s / 2 ** 32;
    const magnitude = 10 ** (Math.floor(u * 16) - 10);
    out[i] = i % 17 === 0 ? 0 : i % 29 === 0 ? 1e-40 : (u < 0.5 ? -1 : 1) * magnitude * (1 + u);
  }
  return out;
}

function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.dataSync()).buffer);
}

/** Runs three steps through hk.optim.scaleByAdam and through `composed`; compares every tensor. */
function compareThreeSteps(o: Opts, shape: number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const opt = optim.scaleByAdam(o);
  const params = { w: tf.zeros(shape) };
  let state = opt.init(params);
  let m = tf.zeros(shape);
  let v = tf.zeros(shape);
  for (let t = 1; t <= 3; t++) {
    const g = tf.tensor(gradients(n, t), shape);
    const [u, next] = opt.update({ w: g }, state);
    const [mWant, vWant, uWant] = composed(g, m, v, t, o) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const got = next as { mu: { w: tf.Tensor }; nu: { w: tf.Tensor } };
    expect(bits(got.mu.w), `mu at step ${t}`).toEqual(bits(mWant));
    expect(bits(got.nu.w), `nu at step ${t}`).toEqual(bits(vWant));
    expect(bits((u as { w: tf.Tensor }).w), `update at step ${t}`).toEqual(bits(uWant));
    tree.dispose([g, u, state, m, v]);
    state = next;
    m = mWant;
    v = vWant;
  }
  tree.dispose([state, m, v, params]);
}

const CASES: Array<[string, Opts]> = [
  ["defaults", DEFAULTS],
  ["epsRoot", { ...DEFAULTS, epsRoot: 1e-3 }],
  ["nesterov", { ...DEFAULTS, nesterov: true }],
  ["other decays", { b1: 0.5, b2: 0.75, eps: 1e-3, epsRoot: 1e-6, nesterov: true }],
];

describe("scaleByAdam's one-pass kernel", () => {
  afterEach(async () => {
    setAdamKernelEnabled(true);
    await tf.setBackend("wasm");
  });

  it("gives the same bits from its JavaScript loop on wasm (where SIMD or the memory import is missing)", () => {
    setAdamKernelEnabled(false);
    for (const [, o] of CASES) compareThreeSteps(o, [13, 7]);
  });

  for (const backend of ["wasm", "cpu"]) {
    for (const [name, o] of CASES) {
      it(`gives the composed ops' bits on ${backend}: ${name}`, async () => {
        await tf.setBackend(backend);
        compareThreeSteps(o, [37, 29]);
      });
    }
  }

  for (const backend of ["wasm", "cpu"]) {
    it(`handles scalar, empty and short (under four elements) leaves on ${backend}`, async () => {
      await tf.setBackend(backend);
      for (const shape of [[], [0], [3, 0], [3], [5]]) compareThreeSteps(DEFAULTS, shape);
    });
  }

  it("runs as one kernel per leaf on wasm (not the twelve composed ones)", async () => {
    const opt = optim.scaleByAdam();
    const params = { a: tf.zeros([64, 32]), b: tf.zeros([32]) };
    const state = opt.init(params);
    const g = { a: tf.ones([64, 32]), b: tf.ones([32]) };
    const info = await tf.profile(() => {
      const [u, next] = opt.update(g, state);
      tree.dispose([u, next]);
    });
    expect(info.kernels.map((k) => k.name)).toEqual(["HaikuTfjsScaleByAdam", "HaikuTfjsScaleByAdam"]);
    tree.dispose([params, state, g]);
  });

  it("keeps updates differentiable: under a gradient tape it uses the composed ops", () => {
    const opt = optim.scaleByAdam();
    const params = { w: tf.zeros([3]) };
    const state = opt.init(params);
    const g0 = tf.tensor1d([0.1, -0.2, 0.3]);
    const before = tf.memory().numTensors;
    // d/dg of sum(mu) after one step is (1 - b1) per element.
    const dg = tf.grad((g: tf.Tensor) => {
      const [u, next] = opt.update({ w: g }, state);
      const mu = (next as { mu: { w: tf.Tensor } }).mu.w;
      tree.dispose(u);
      return tf.sum(mu);
    })(g0);
    const oneMinusB1 = Math.fround(1 - 0.9);
    expect(Array.from(dg.dataSync())).toEqual([oneMinusB1, oneMinusB1, oneMinusB1]);
    dg.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose([params, state, g0]);
  });

  it("leaves the tensor count flat over repeated adam steps", () => {
    const opt = optim.adam(1e-3);
    let params = { w: tf.ones([16, 8]), b: tf.zeros([8]) };
    let state = opt.init(params);
    const g = { w: tf.fill([16, 8], 0.5), b: tf.fill([8], -0.5) };
    const step = () => {
      const [u, next] = opt.update(g, state);
      const p = optim.applyUpdates(params, u);
      tree.dispose([u, state, params]);
      state = next;
      params = p;
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose([params, state, g]);
  });
});
