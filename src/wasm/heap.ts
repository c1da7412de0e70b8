/**
 * Working in the memory of tfjs's wasm backend: its `WebAssembly.Memory`, a tensor's byte offset
 * in it, and hand-assembled kernels instantiated against it (they import it as `env.memory`), so
 * a kernel reads and writes tensors where they are, with no copies.
 *
 * @internal
 * @module
 */
import { instantiate } from "./assembler.js";
import { wasmBackendMemory } from "../util/tfjs_internals.js";

/** A kernel module bound to each backend memory it meets, compiled once per memory. */
export interface HeapModule<K> {
  /** The exports bound to `backend`'s memory; `null` where SIMD is missing, the memory cannot be
   * imported (a shared, threaded build) or the module is switched off. */
  forBackend(backend: unknown): K | null;
  /** Test hook: `false` makes {@link HeapModule.forBackend} return `null` (the JS fallbacks). */
  setEnabled(on: boolean): void;
}

/** A {@link HeapModule} for the module `bytes()` builds (it must import `env.memory`). */
export function heapModule<K>(bytes: () => Uint8Array): HeapModule<K> {
  const instances = new WeakMap<object, K | null>();
  let enabled = true;
  return {
    forBackend(backend) {
      const memory = wasmBackendMemory(backend);
      if (!enabled || memory === undefined) return null;
      let k = instances.get(memory);
      if (k === undefined) {
        k = instantiate(bytes(), { env: { memory } }) as K | null;
        instances.set(memory, k);
      }
      return k;
    },
    setEnabled(on) {
      enabled = on;
    },
  };
}
