// The hand-assembled WebAssembly kernels are compiled synchronously (`new WebAssembly.Module`),
// which Chromium allows on the main thread only for modules of at most 4 KB; a larger module
// would silently fall back to the JavaScript loops in browsers.
import { describe, expect, it } from "vitest";

import { adamKernelBytes } from "../../src/wasm/adam.js";
import { kernelBytes } from "../../src/wasm/threefry.js";
import { heapKernelBytes } from "../../src/wasm/heap_loops.js";
import { instantiate } from "../../src/wasm/assembler.js";

// The project's lib settings carry no WebAssembly typings; describe what is used.
const WA = (globalThis as unknown as {
  WebAssembly: { Memory: new (d: { initial: number }) => object; validate(b: Uint8Array): boolean };
}).WebAssembly;

describe("hand-assembled WebAssembly kernels", () => {
  const modules: Array<[string, () => Uint8Array, object]> = [
    ["PRNG", kernelBytes, {}],
    ["Adam", adamKernelBytes, { env: { memory: new WA.Memory({ initial: 1 }) } }],
    ["runtime heap loops", heapKernelBytes, { env: { memory: new WA.Memory({ initial: 1 }) } }],
  ];
  for (const [name, bytes, imports] of modules) {
    it(`${name}: valid, instantiable, and small enough for synchronous compilation in browsers`, () => {
      const b = bytes();
      expect(WA.validate(b)).toBe(true);
      expect(b.length).toBeLessThanOrEqual(4096);
      expect(instantiate(b, imports)).not.toBeNull();
    });
  }

  it("instantiate returns null (the callers' cue to use JavaScript) for a module it cannot compile", () => {
    expect(instantiate(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).toBeNull();
  });
});
