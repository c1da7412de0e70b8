import * as tf from "@tensorflow/tfjs-core";
// tfjs-core's Node bundle registers no gradient functions; tfjs-layers' bundle inlines and
// registers all of them (verified on tfjs 4.22), so importing it makes `tf.grad` work.
import "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";

let readyPromise: Promise<void> | undefined;

/**
 * Resolves once the default backend (wasm, falling back to cpu) is initialised.
 *
 * Importing `haiku-tfjs` registers the backends; call `await hk.ready()` once before the
 * first computation.
 *
 * @example
 * ```ts
 * import * as hk from "haiku-tfjs";
 * await hk.ready();
 * ```
 */
export function ready(): Promise<void> {
  readyPromise ??= (async () => {
    let ok = false;
    try {
      ok = await tf.setBackend("wasm");
    } catch {
      ok = false;
    }
    if (!ok) await tf.setBackend("cpu");
    await tf.ready();
  })();
  return readyPromise;
}
