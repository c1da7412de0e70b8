// optax/transforms/_accumulation.py: trace (momentum).
import * as tf from "@tensorflow/tfjs-core";

import { constant, own } from "./scalars.js";
import { tidy, zerosTree } from "./tree_init.js";
import type { GradientTransformation } from "./types.js";
import { checkNumber, checkState, mapMulti } from "./util.js";

/** State of {@link trace}. */
export interface TraceState {
  /** The momentum accumulator, shaped like params. */
  trace: unknown;
}

/**
 * Momentum: `trace = g + decay * trace`; updates are the trace, or `g + decay * trace` with
 * Nesterov (optax `trace`, optax/transforms/_accumulation.py).
 */
export function trace(
  decay: number,
  { nesterov = false }: { nesterov?: boolean } = {},
): GradientTransformation<TraceState> {
  const where = "hk.optim.trace";
  checkNumber(where, "decay", decay);
  return {
    init: (params) => {
      constant(decay);
      return { trace: zerosTree(where, params) };
    },
    update<U>(updates: U, state: TraceState): [U, TraceState] {
      checkState(where, state, ["trace"]);
      const d = constant(decay);
      return tidy(() => {
        const [newTrace, out] = mapMulti(
          where,
          ["updates", "state.trace"],
          2,
          (g, t0) => {
            const t = tf.add(g, tf.mul(d, t0));
            return [t, nesterov ? tf.add(g, tf.mul(d, t)) : own(t)];
          },
          updates,
          state.trace,
        );
        return [out as U, { trace: newTrace }];
      });
    },
  };
}
