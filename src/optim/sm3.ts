// optax/_src/transform.py scale_by_sm3 and optax/_src/alias.py sm3.
import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { InvalidArgumentError } from "../util/errors.js";
import { chain } from "./combine.js";
import { scale } from "./scale.js";
import { constant, own } from "./scalars.js";
import { tidy } from "./tree_init.js";
import type { GradientTransformation } from "./types.js";
import { checkFloatTree, checkNumber, checkState } from "./util.js";

// tree.map over the updates' structure, with the per-leaf accumulator lists of `mu` (a subtree
// at each leaf position) passed whole; typed loosely, the generic types recurse too deep.
const mapLoose = tree.map as unknown as (
  fn: (g: tf.Tensor, ...rest: never[]) => unknown,
  ...trees: unknown[]
) => unknown;

/** State of {@link scaleBySm3} (optax `ScaleBySM3State`). */
export interface ScaleBySm3State {
  /** Per params leaf, one accumulator vector per axis (`[shape[i]]`). */
  mu: unknown;
  /** The momentum of the scaled updates, shaped like params. */
  nu: unknown;
}

/**
 * SM3's rescaling (optax `scale_by_sm3`, Anil et al. 2019): per axis, a vector of the maximum
 * accumulated squared gradient over the other axes (memory `O(sum of dims)`); the accumulator is
 * `(1-b2) g² + b2 min_i(mu_i)` (`g²` plus with `b2 = 1`), the update `g rsqrt(accum + eps)`
 * (0 where the accumulator is 0), followed by momentum `b1`. Params must have rank >= 1, as in
 * optax.
 *
 * @example
 * ```ts
 * const opt = hk.optim.chain(hk.optim.scaleBySm3(), hk.optim.scale(-0.1));
 * ```
 */
export function scaleBySm3({
  b1 = 0.9,
  b2 = 1.0,
  eps = 1e-8,
}: { b1?: number; b2?: number; eps?: number } = {}): GradientTransformation<ScaleBySm3State> {
  const where = "hk.optim.scaleBySm3";
  for (const [k, v] of Object.entries({ b1, b2, eps })) checkNumber(where, k, v);
  const c0 = b2 !== 1 ? 1 - b2 : 1;
  const consts = (): tf.Tensor[] => [constant(b1), constant(1 - b1), constant(c0), constant(b2), constant(eps)];
  return {
    init: (params) => {
      checkFloatTree(where, params);
      consts();
      for (const [path, p] of tree.leavesWithPath(params as tree.PyTree<tf.Tensor>)) {
        if (p.rank === 0) {
          throw new InvalidArgumentError(
            where,
            `the param \`${tree.formatPath(path)}\` is a scalar; SM3 keeps one accumulator per axis and needs rank >= 1`,
            "exclude scalar params (e.g. with hk.optim.masked) or reshape them to [1].",
          );
        }
      }
      return {
        mu: tree.map((p: tf.Tensor) => p.shape.map((d) => tf.zeros([d])), params),
        nu: tree.map((p: tf.Tensor) => tf.zerosLike(p), params),
      };
    },
    update<U>(updates: U, state: ScaleBySm3State): [U, ScaleBySm3State] {
      checkState(where, state, ["mu", "nu"]);
      const [cb1, c1b1, cc0, cb2, ceps] = consts() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      return tidy(() => {
        const packed = mapLoose(
          (g: tf.Tensor, mu: tf.Tensor[], nu0: tf.Tensor) =>
            tf.tidy(() => {
              const r = g.rank;
              const expanded = mu.map((v, i) =>
                tf.reshape(
                  v,
                  g.shape.map((d, j) => (j === i ? d : 1)),
                ),
              );
              const prev = r < 2 ? (expanded[0] as tf.Tensor) : expanded.reduce((a, b) => tf.minimum(a, b));
              const accum = tf.add(tf.mul(cc0, tf.square(g)), tf.mul(cb2, prev));
              const inv = tf.where(tf.greater(accum, 0), tf.rsqrt(tf.add(accum, ceps)), tf.zerosLike(accum));
              const nu = tf.add(tf.mul(c1b1, tf.mul(g, inv)), tf.mul(cb1, nu0));
              const newMu =
                r < 2
                  ? [accum]
                  : g.shape.map((_, i) =>
                      tf.max(
                        accum,
                        g.shape.map((_d, j) => j).filter((j) => j !== i),
                      ),
                    );
              return [nu, own(nu), newMu] as unknown as tf.Tensor[];
            }),
          updates,
          state.mu,
          state.nu,
        );
        const pick = (i: number) => mapLoose((_g: tf.Tensor, pack: unknown[]) => pack[i], updates, packed);
        return [pick(1) as U, { mu: pick(2), nu: pick(0) }];
      });
    },
  };
}

/**
 * SM3 (optax `sm3`): `chain(scaleBySm3({ b1: momentum }), scale(-learningRate))`; the
 * learning rate is a number, as in optax.
 *
 * @example
 * ```ts
 * const opt = hk.optim.sm3(0.1);
 * ```
 */
export function sm3(learningRate: number, momentum = 0.9): GradientTransformation<unknown[]> {
  checkNumber("hk.optim.sm3", "learningRate", learningRate);
  return chain(scaleBySm3({ b1: momentum }), scale(-learningRate));
}
