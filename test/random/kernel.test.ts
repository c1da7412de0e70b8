import { afterEach, describe, expect, it } from "vitest";
import * as random from "../../src/random/index.js";
import { CHUNK, getKernel, kernelBytes, setKernelEnabled } from "../../src/wasm/threefry.js";

function jsPath<T>(fn: () => T): T {
  setKernelEnabled(false);
  try {
    return fn();
  } finally {
    setKernelEnabled(true);
  }
}

function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}

afterEach(() => setKernelEnabled(true));

describe("WebAssembly SIMD threefry kernel", () => {
  it("compiles here, and is small enough for synchronous compilation in browsers (< 4 KB)", () => {
    expect(getKernel()).not.toBeNull();
    expect(kernelBytes().length).toBeLessThan(4096);
  });
  it("gives JAX's bits: bits(key(10), (4,)) (jax-js test/random.test.ts) as a prefix of a kernel-sized draw", () => {
    const v = random.bitsValues(random.key(10), [256]);
    expect(Array.from(v.subarray(0, 4))).toEqual([169096361, 1572511259, 2689743692, 2228103506]);
  });
  it.each([64, 65, 66, 67, 1000, 4099])("equals the JS loop for n = %i (bits, int32 bits, uniform)", (n) => {
    const k = random.key(n);
    expect(
      mismatches(
        random.bitsValues(k, [n]),
        jsPath(() => random.bitsValues(k, [n])),
      ),
    ).toBe(0);
    expect(
      mismatches(
        random.uniformValues(k, [n]),
        jsPath(() => random.uniformValues(k, [n])),
      ),
    ).toBe(0);
    const t = random.bits(k, [n]);
    const tj = jsPath(() => random.bits(k, [n]));
    expect(mismatches(t.dataSync(), tj.dataSync())).toBe(0);
    t.dispose();
    tj.dispose();
  });
  it("continues the counter across chunks", () => {
    const n = CHUNK + 7;
    const k = random.key(99);
    expect(
      mismatches(
        random.uniformValues(k, [n]),
        jsPath(() => random.uniformValues(k, [n])),
      ),
    ).toBe(0);
  });
});
