// Haiku's test_utils.transform_and_run for these tests: runs a function that uses modules inside
// hk.transformWithState, init then apply with what init made, and returns apply's result.
import * as hk from "../src/index.js";

/**
 * Runs `fn` inside `hk.transformWithState`: `init` with `key(seed)` (or no rng for `null`),
 * then `apply` with the params and state init returned; frees them and returns apply's output.
 */
export function transformAndRun<R>(fn: () => R, seed: number | null = 0): R {
  const f = hk.transformWithState(fn);
  const rng = seed === null ? null : hk.random.key(seed);
  const [params, state] = f.init(rng);
  try {
    const [out, newState] = f.apply(params, state, rng);
    hk.tree.dispose(newState, out);
    return out;
  } finally {
    hk.tree.dispose([params, state]);
  }
}
