import * as tf from "@tensorflow/tfjs-core";

import * as tree from "../tree/index.js";
import { own } from "./scalars.js";

/**
 * A state tree whose tensors are new handles on the same data (no copy), other leaves as they
 * are: what a wrapper returns when it keeps an inner state unchanged, so the caller can dispose
 * the old state without invalidating the new one.
 *
 * @internal
 */
export function copyTree<T>(t: T): T {
  return tf.tidy(
    () =>
      tree.map((x: unknown) => (x instanceof tf.Tensor ? own(x) : x), t as tree.PyTree<unknown>) as tf.TensorContainer,
  ) as unknown as T;
}
