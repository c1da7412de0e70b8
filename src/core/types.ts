/** Types shared by the whole library (Haiku's `typing.py`). */
import type * as tf from "@tensorflow/tfjs-core";
import type { PRNGKey } from "../random/index.js";

/**
 * Creates the initial value of a parameter or state entry from its shape and dtype
 * (Haiku's `Initializer`). `hk.initializers.*` return these.
 *
 * @category Modules and parameters
 */
export type Initializer = (shape: number[], dtype: tf.DataType) => tf.Tensor;

/**
 * Haiku's two-level parameter mapping, module name -> parameter name -> tensor, in creation order
 * (e.g. `params["mlp/~/linear_0"]["w"]`). `init` returns it deep-frozen.
 *
 * @category Modules and parameters
 */
export type Params = Readonly<Record<string, Readonly<Record<string, tf.Tensor>>>>;

/**
 * State, shaped like {@link Params}; an entry may hold a tensor or a pytree of tensors (or plain
 * numbers).
 *
 * @category Modules and parameters
 */
export type State = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * What `init` / `apply` accept as `rng`: a JAX-style key (`hk.random.key(0)`), an integer seed
 * (turned into `hk.random.key(seed)`), or `null` / `undefined` for "no randomness".
 *
 * @category Modules and parameters
 */
export type RngInput = PRNGKey | number | bigint | null | undefined;
