// The hand-assembled WebAssembly kernels are compiled synchronously (`new WebAssembly.Module`),
// which Chromium allows on the main thread only for modules of at most 4 KB; a larger module
// would silently fall back to the JavaScript loops in browsers.
import { describe, expect, it } from "vitest";

import { instantiate } from "../../src/wasm/assembler.js";
import { KERNEL_MODULES, WA } from "./kernels.js";

describe("hand-assembled WebAssembly kernels", () => {
  for (const { name, bytes, imports } of KERNEL_MODULES) {
    it(`${name}: valid, instantiable, and small enough for synchronous compilation in browsers`, () => {
      const b = bytes();
      expect(WA.validate(b)).toBe(true);
      expect(b.length).toBeLessThanOrEqual(4096);
      expect(instantiate(b, imports())).not.toBeNull();
    });
  }

  it("instantiate returns null (the callers' cue to use JavaScript) for a module it cannot compile", () => {
    expect(instantiate(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).toBeNull();
  });
});
