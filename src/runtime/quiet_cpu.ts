import { existingBackend, markCpuBackendUsed, wrapBackendFactory } from "../util/tfjs_internals.js";

const PATCHED = Symbol.for("haiku-tfjs.runtime.quietCpuBanner");

/**
 * Stops tfjs-backend-cpu's "Hi, looks like you are running TensorFlow.js in Node.js ... install
 * our node backend" banner. `MathBackendCPU.write` (tfjs-backend-cpu/src/backend_cpu.ts) prints
 * it on the first tensor it stores when `IS_NODE`; here the cpu backend is only the fallback and
 * the comparison backend (wasm is the default and prints nothing), so the banner showed up
 * whenever a program or test touched cpu, once per process. Only that banner is silenced: tfjs'
 * other warnings stay (unlike setting the `IS_TEST` or `PROD` flags, which silence all of them).
 * Works on the backend instance made from now on and on one already made. Idempotent.
 */
export function silenceCpuNodeBanner(): void {
  markCpuBackendUsed(existingBackend("cpu"));
  wrapBackendFactory("cpu", PATCHED, (factory) => () => {
    const backend = factory();
    if (backend instanceof Promise) return backend.then((b) => (markCpuBackendUsed(b), b));
    markCpuBackendUsed(backend);
    return backend;
  });
}
