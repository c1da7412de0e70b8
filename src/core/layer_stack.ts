/**
 * `hk.layerStack` (Haiku's `layer_stack.py`): repeats a layer function `numLayers` times with
 * separate parameters, stored stacked with a leading layer axis under one name.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as random from "../random/index.js";
import type { PRNGKey } from "../random/index.js";
import { describe } from "../util/describe.js";
import { liftWithState } from "./lift.js";
import { maybeNextRngKey } from "./rng.js";
import { stackTrees, unstackTree } from "./stateful/tree_stack.js";
import { transformWithState } from "./transform.js";
import type { Params, State } from "./types.js";
import { InvalidArgumentError } from "../util/errors.js";

/**
 * Options of {@link layerStack}.
 *
 * @category Transforms
 */
export interface LayerStackOptions {
  /**
   * `false` (default): `f(...xs)` returns what it takes (one value for one argument, an array for
   * several) and the stack returns the last layer's result. `true`: `f(x, ...ys)` returns
   * `[x, z]`; the stack takes `ys` with a leading `numLayers` axis (layer `i` gets slice `i`) and
   * returns `[x, zs]` with the `z`s stacked (`null` when `f` returns `null` for `z`).
   */
  withPerLayerInputs?: boolean;
  /** Haiku's scan unroll (a positive integer); the eager loop ignores it. Default 1. */
  unroll?: number;
  /**
   * Name of the scope the stacked params live in. Default `"__layer_stack_no_per_layer"` or
   * `"__layer_stack_with_per_layer"`, as Haiku.
   */
  name?: string;
}

/**
 * What {@link layerStack} returns: takes the layer function and gives its stacked version, with
 * the same signature.
 *
 * @typeParam F - the layer function's type.
 * @category Transforms
 */
export type LayerStackWrapper = <F extends (...args: never[]) => unknown>(f: F) => F;

const WHO = "hk.layerStack";

function splitKey(key: PRNGKey | null, n: number): (PRNGKey | null)[] {
  if (key === null) return new Array<PRNGKey | null>(n).fill(null);
  return random.split(key, n);
}

/**
 * Repeats `f` `numLayers` times with separate parameters (Haiku's `hk.layer_stack`): the params of
 * all layers are stored once, stacked with a leading `[numLayers]` axis, under
 * `<scope>/__layer_stack_no_per_layer/<names f creates>`. Keys are drawn as Haiku draws them: in
 * `init`, one key `k` is split per layer into `[k', next, applyKey]` (params from `k'`, the layer's
 * output from `applyKey`, `next` for the following layer); in both `init` and `apply` the forward
 * pass then splits one more key into one key per layer. State is stacked the same way.
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) =>
 *   hk.layerStack(4)((h: tf.Tensor) => tf.relu(new hk.Linear(8).call(h)))(x));
 * const params = f.init(hk.random.key(0), tf.ones([2, 8]));
 * // { "__layer_stack_no_per_layer/linear": { w: [4, 8, 8], b: [4, 8] } }
 * ```
 *
 * @category Transforms
 */
export function layerStack(numLayers: number, opts: LayerStackOptions = {}): LayerStackWrapper {
  if (!Number.isInteger(numLayers) || numLayers < 1) {
    throw new InvalidArgumentError(
      WHO,
      `\`numLayers\` must be a positive integer, got ${describe(numLayers)}`,
      "pass the number of layers, e.g. 4.",
    );
  }
  const unroll = opts.unroll ?? 1;
  if (!Number.isInteger(unroll) || unroll < 1) {
    throw new InvalidArgumentError(
      WHO,
      `\`unroll\` must be a positive integer, got ${describe(unroll)}`,
      "omit it or pass 1.",
    );
  }
  const perLayer = opts.withPerLayerInputs ?? false;
  const name = opts.name || (perLayer ? "__layer_stack_with_per_layer" : "__layer_stack_no_per_layer");
  return <F extends (...args: never[]) => unknown>(f: F): F => {
    if (typeof f !== "function") {
      throw new InvalidArgumentError(
        WHO,
        `expects the layer function, got ${describe(f)}`,
        "`hk.layerStack(n)((x) => ...)`.",
      );
    }
    const g = f as unknown as (...args: unknown[]) => unknown;
    // The inner transform's function: `(carry, ...perLayerInputs) -> [carry, z]`, as Haiku's
    // `_call_wrapped` (no per-layer inputs: the carry is the tuple of arguments).
    const callWrapped = perLayer
      ? (x: unknown, ...ys: unknown[]): [unknown, unknown] => {
          const r = g(x, ...ys);
          if (!Array.isArray(r) || r.length !== 2) {
            throw new InvalidArgumentError(
              WHO,
              `with \`withPerLayerInputs\` the layer function must return [x, z], got ${describe(r)}`,
              "return the new carry and the per-layer output (or null) as a pair.",
            );
          }
          return [r[0], r[1]];
        }
      : (xs: unknown[]): [unknown, unknown] => {
          const r = g(...xs);
          if (xs.length !== 1 && (!Array.isArray(r) || r.length !== xs.length)) {
            throw new InvalidArgumentError(
              WHO,
              `the layer function takes ${xs.length} arguments and must return an array of ${xs.length} values (its output is the next layer's input), got ${describe(r)}`,
              `return [${xs.map((_, i) => `x${i}`).join(", ")}].`,
            );
          }
          return [xs.length === 1 ? [r] : r, null];
        };
    const inner = transformWithState(callWrapped as (...a: unknown[]) => [unknown, unknown]);

    const run = (carry: unknown, argsYs: unknown[]): [unknown, unknown] => {
      const ysPerLayer = argsYs.length > 0 ? unstackTree(argsYs, numLayers, WHO, "the per-layer inputs") : [];
      const ysAt = (i: number): unknown[] => (argsYs.length > 0 ? (ysPerLayer[i] as unknown[]) : []);

      // Haiku's `scanned_init_fn`: each layer's params from its own key, the carry through apply.
      const scannedInit = (x: unknown, rng: PRNGKey | null): [Params, State] => {
        let c = x;
        let r = rng;
        const ps: Params[] = [];
        const ss: State[] = [];
        for (let i = 0; i < numLayers; i++) {
          const [k, next, applyKey] = splitKey(r, 3);
          const [p, s] = inner.init(k, c, ...ysAt(i));
          // As Haiku's `per_layer_init_fn`: the state kept is the one after the layer's apply.
          const [[c2], s2] = inner.apply(p, s, applyKey, c, ...ysAt(i)) as [[unknown, unknown], State];
          tf.dispose(flattenTensors(s));
          c = c2;
          r = next!;
          ps.push(p);
          ss.push(s2);
        }
        return [stackTrees(ps, WHO, "the layer's params") as Params, stackTrees(ss, WHO, "the layer's state") as State];
      };

      const rng = maybeNextRngKey();
      const [paramsAndState, updater] = liftWithState(scannedInit, { allowReuse: true, name });
      const [params, state] = paramsAndState(carry, rng);

      const stepKey = maybeNextRngKey();
      const keys = stepKey === null ? splitKey(null, numLayers) : random.split(stepKey, numLayers);
      const paramsPerLayer = unstackTree(params, numLayers, WHO, "the stacked params") as Params[];
      const statePerLayer = unstackTree(state, numLayers, WHO, "the stacked state") as State[];
      let x = carry;
      const zs: unknown[] = [];
      const states: State[] = [];
      for (let i = 0; i < numLayers; i++) {
        const [[x2, z], s] = inner.apply(paramsPerLayer[i], statePerLayer[i], keys[i], x, ...ysAt(i)) as [
          [unknown, unknown],
          State,
        ];
        x = x2;
        zs.push(z);
        states.push(s);
      }
      updater.update(stackTrees(states, WHO, "the layer's state") as State);
      return [x, stackTrees(zs, WHO, "the per-layer outputs")];
    };

    const wrapped = perLayer
      ? (x: unknown, ...ys: unknown[]): unknown => run(x, ys)
      : (...args: unknown[]): unknown => {
          const [out] = run(args, []) as [unknown[], unknown];
          return args.length === 1 ? out[0] : out;
        };
    Object.defineProperty(wrapped, "name", { value: f.name, configurable: true });
    return wrapped as unknown as F;
  };
}

function flattenTensors(x: unknown): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof tf.Tensor) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v)) Object.values(v).forEach(walk);
  };
  walk(x);
  return out;
}
