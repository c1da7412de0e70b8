import * as tf from "@tensorflow/tfjs-core";

const PATCHED = Symbol.for("haiku-tfjs.runtime.quietCpuBanner");

type Factory = () => unknown;
interface EngineRegistry {
  registryFactory: Record<string, { factory: Factory } & Record<symbol, boolean>>;
  registry: Record<string, unknown>;
}

function quiet(backend: unknown): void {
  if (backend !== null && typeof backend === "object" && "firstUse" in backend) {
    (backend as { firstUse: boolean }).firstUse = false;
  }
}

/**
 * Stops tfjs-backend-cpu's "Hi, looks like you are running TensorFlow.js in Node.js ... install
 * our node backend" banner. `MathBackendCPU.write` (tfjs-backend-cpu/src/backend_cpu.ts) prints
 * it on the first tensor it stores when `IS_NODE`; here the cpu backend is only the fallback and
 * the comparison backend (wasm is the default and prints nothing), so the banner showed up
 * whenever a program or test touched cpu, once per process. Only that banner is silenced: tfjs'
 * other warnings stay (unlike setting the `IS_TEST` or `PROD` flags, which silence all of them).
 * Works on the backend instance made from now on and on one already made. Idempotent.
 *
 * @category Runtime
 */
export function silenceCpuNodeBanner(): void {
  const engine = tf.engine() as unknown as EngineRegistry;
  quiet(engine.registry["cpu"]);
  const entry = engine.registryFactory["cpu"];
  if (entry === undefined || entry[PATCHED]) return;
  const factory = entry.factory;
  entry.factory = () => {
    const backend = factory();
    if (backend instanceof Promise) return backend.then((b: unknown) => (quiet(b), b));
    quiet(backend);
    return backend;
  };
  entry[PATCHED] = true;
}
