/**
 * Walking a Haiku params tree leaf by leaf (shared by `EMAParamsTree` and `SNParamsTree`).
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Params } from "../core/index.js";
import { setOwn } from "../tree/own.js";

/**
 * Returns `tree` with `fn(fullName, value)` applied to every leaf whose `"module/param"` name does
 * not match `ignoreRegex` at its start (Python's `re.match`); matching leaves are kept as they are.
 */
export function mapParamsTree(
  tree: Params,
  ignoreRegex: string,
  fn: (fullName: string, value: tf.Tensor) => tf.Tensor,
): Params {
  const ignore = ignoreRegex ? new RegExp(`^(?:${ignoreRegex})`) : null;
  const out: Record<string, Record<string, tf.Tensor>> = {};
  for (const [moduleName, paramDict] of Object.entries(tree)) {
    const inner: Record<string, tf.Tensor> = {};
    for (const [paramName, value] of Object.entries(paramDict)) {
      const fullName = `${moduleName}/${paramName}`;
      setOwn(inner, paramName, ignore && ignore.test(fullName) ? value : fn(fullName, value));
    }
    setOwn(out, moduleName, inner);
  }
  return out;
}
