/**
 * What a documentation example may use without defining it: the usual imports, and a few
 * variables that stand for "your data" or "your model" in the prose around the example
 * (Haiku's doctests likewise run every docstring with `hk`, `jax` and `jnp` in scope). An
 * example that needs only the imports is self-contained, and the docs test runs it.
 */

/** Free name -> the line that provides it. Imports first: they do not stop an example running. */
export const IMPORTS: Readonly<Record<string, string>> = {
  tf: `import * as tf from "@tensorflow/tfjs-core";`,
  hk: `import * as hk from "haiku-tfjs";`,
  tfl: `import * as tfl from "@tensorflow/tfjs-layers";`,
  JaxLayer: `import { JaxLayer } from "haiku-tfjs/keras";`,
  OptaxOptimizer: `import { OptaxOptimizer } from "haiku-tfjs/keras";`,
  registerJaxFunction: `import { registerJaxFunction } from "haiku-tfjs/keras";`,
  setRandomSeed: `import { setRandomSeed } from "haiku-tfjs/keras";`,
  withArgNames: `import { withArgNames } from "haiku-tfjs/keras";`,
  fileSystem: `import { fileSystem } from "haiku-tfjs/keras";`,
  ProgressLogger: `import { ProgressLogger } from "haiku-tfjs/keras";`,
};

/**
 * Stand-ins for the reader's own values; an example that uses one is typechecked, not run. Their
 * types name the packages through aliases, so an example's own imports never clash with them.
 */
export const STAND_IN_IMPORTS = [
  `import type * as tf__ from "@tensorflow/tfjs-core";`,
  `import type * as hk__ from "haiku-tfjs";`,
  `import type * as tfl__ from "@tensorflow/tfjs-layers";`,
];

export const STAND_INS: Readonly<Record<string, string>> = {
  x: "declare let x: tf__.Tensor;",
  y: "declare let y: tf__.Tensor;",
  xs: "declare let xs: tf__.Tensor;",
  ys: "declare let ys: tf__.Tensor;",
  images: "declare let images: tf__.Tensor4D;",
  frames: "declare let frames: tf__.Tensor;",
  batch: "declare let batch: number;",
  batches: "declare let batches: Iterable<[tf__.Tensor, tf__.Tensor]>;",
  bytes: "declare let bytes: Uint8Array;",
  params: "declare let params: hk__.Params;",
  grads: "declare let grads: hk__.Params;",
  updates: "declare let updates: hk__.Params;",
  state: "declare let state: hk__.State;",
  key: "declare let key: hk__.random.PRNGKey;",
  rng: "declare let rng: hk__.random.PRNGKey;",
  step: "declare let step: number;",
  steps: "declare let steps: number;",
  epoch: "declare let epoch: number;",
  epochs: "declare let epochs: number;",
  net: "declare let net: hk__.Transformed<[tf__.Tensor], tf__.Tensor>;",
  model: "declare let model: tfl__.LayersModel;",
  f: "declare let f: hk__.TransformedWithState<[tf__.Tensor], tf__.Tensor>;",
  w: "declare let w: tf__.Tensor;",
  resets: "declare let resets: tf__.Tensor;",
  opt: "declare let opt: hk__.optim.GradientTransformation;",
  optState: "declare let optState: unknown;",
  loss: "declare let loss: (params: hk__.Params, x: tf__.Tensor, y: tf__.Tensor) => tf__.Scalar;",
  cnn: "declare let cnn: hk__.Transformed<[tf__.Tensor, boolean], tf__.Tensor>;",
};
