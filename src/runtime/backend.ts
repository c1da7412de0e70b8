import * as tf from "@tensorflow/tfjs-core";
// tfjs-core's Node bundle registers no gradient functions; tfjs-layers' bundle inlines and
// registers all of them (verified on tfjs 4.22), so importing it makes `tf.grad` work.
import "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";

let readyPromise: Promise<void> | undefined;

type Listener = (...args: unknown[]) => void;
interface ProcessEvents {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): unknown;
}
const PROCESS_EVENTS = ["uncaughtException", "unhandledRejection"];

// The Emscripten glue of tfjs-backend-wasm installs process handlers that rethrow every uncaught
// error from inside its minified bundle, so Node prints a 10 kB line of wasm glue instead of the
// error's own source line. They serve no purpose for the backend; remove the ones it added.
async function withoutEmscriptenHandlers<T>(init: () => Promise<T>): Promise<T> {
  const proc = (globalThis as { process?: ProcessEvents }).process;
  if (proc?.listeners === undefined) return init();
  const before = PROCESS_EVENTS.map((e) => new Set(proc.listeners(e)));
  try {
    return await init();
  } finally {
    PROCESS_EVENTS.forEach((e, i) => {
      for (const l of proc.listeners(e)) {
        if (!before[i]!.has(l) && /ExitStatus|throw reason/.test(String(l))) {
          proc.removeListener(e, l);
        }
      }
    });
  }
}

/**
 * Resolves once the default backend is initialised: wasm (XNNPACK with SIMD; Node has no wasm
 * threads), or cpu when wasm cannot start. Call it once before the first computation; later
 * calls return the same promise. The cpu backend stays registered, so
 * `tf.setBackend("cpu")` works for comparisons.
 *
 * Importing `haiku-tfjs` already registers gradients, both backends and the wasm kernel fixes
 * (see the README's runtime section); `ready` only waits for the backend to load.
 *
 * @example
 * ```ts
 * import * as hk from "haiku-tfjs";
 * await hk.ready();
 * ```
 *
 * @category Runtime
 */
export function ready(): Promise<void> {
  readyPromise ??= (async () => {
    let ok = false;
    try {
      ok = await withoutEmscriptenHandlers(() => tf.setBackend("wasm"));
    } catch {
      ok = false;
    }
    if (!ok && !(await tf.setBackend("cpu"))) {
      throw new Error("haiku-tfjs ready(): neither the wasm nor the cpu backend could be " +
        "initialised; check that @tensorflow/tfjs-backend-wasm and -cpu are installed.");
    }
    await tf.ready();
  })();
  return readyPromise;
}
