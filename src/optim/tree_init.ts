import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { checkFloatTree } from "./util.js";

/** A zeros tree shaped like `params` (optax `tree.zeros_like`). @internal */
export function zerosTree(where: string, params: unknown): unknown {
  checkFloatTree(where, params);
  return tree.map((p: tf.Tensor) => tf.zerosLike(p), params);
}

/** A tree shaped like `params` filled with `value` (optax `tree.full_like`). @internal */
export function fullTree(where: string, params: unknown, value: number): unknown {
  checkFloatTree(where, params);
  return tree.map((p: tf.Tensor) => tf.fill(p.shape, value, "float32"), params);
}

/** Runs an update body under `tf.tidy` (all intermediates freed, results kept). @internal */
export function tidy<R>(fn: () => R): R {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as R;
}
