// The builder every kernel goes through: named parameters and locals land on the indices the
// code uses, identical signatures share one type, exports keep their order, and the module runs.
import { describe, expect, it } from "vitest";

import { Code, F32, F32X4_SPLAT, I32, I32_ADD, V128, V128_STORE, instantiate } from "../../src/wasm/assembler.js";
import { ModuleBuilder } from "../../src/wasm/module_builder.js";
import { WA, toWat } from "./kernels.js";

/** A module of two kernels that fill `n` bytes at `ptr` with a float32, four lanes at a time. */
function fillModule(): Uint8Array {
  const m = new ModuleBuilder().importMemory("env", "memory", 1);
  for (const name of ["fill", "fillAgain"]) {
    m.function(name, {
      params: { ptr: I32, bytes: I32, value: F32 },
      locals: { i: I32, lanes: V128 },
      body(k, { ptr, bytes, value, i, lanes }) {
        k.get(value)
          .op(...F32X4_SPLAT)
          .set(lanes);
        k.forBytes(i, bytes, 16, () =>
          k
            .get(ptr, i)
            .op(I32_ADD)
            .get(lanes)
            .op(...V128_STORE, 4, 0),
        );
      },
    });
  }
  return m.bytes();
}

describe("ModuleBuilder", () => {
  it("builds a module whose functions read their parameters and locals by name", () => {
    const memory = new WA.Memory({ initial: 1 }) as { buffer: ArrayBuffer };
    const ex = instantiate(fillModule(), { env: { memory } }) as { fill(p: number, n: number, v: number): void };
    ex.fill(32, 64, 1.5);
    const f32 = new Float32Array(memory.buffer, 0, 32);
    expect(Array.from(f32.subarray(8, 24))).toEqual(Array<number>(16).fill(1.5));
    expect(Array.from(f32.subarray(0, 8))).toEqual(Array<number>(8).fill(0));
    expect(Array.from(f32.subarray(24, 32))).toEqual(Array<number>(8).fill(0));
  });

  it("shares one type between functions of one signature, keeps export order, and names everything", async () => {
    const wat = await toWat(fillModule());
    expect(wat.match(/\(type \(;\d+;\) \(func/g)).toHaveLength(1);
    expect(wat).toContain("(func $fill (type 0) (param $ptr i32) (param $bytes i32) (param $value f32)");
    expect(wat).toContain("(local $i i32) (local $lanes v128)");
    expect(wat.indexOf('(export "fill" (func $fill))')).toBeLessThan(
      wat.indexOf('(export "fillAgain" (func $fillAgain))'),
    );
  });

  it("encodes local indices past 127 as LEB128 (one byte would be a different instruction)", () => {
    expect(new Code().get(200).set(3).c).toEqual([0x20, 0xc8, 0x01, 0x21, 3]);
  });
});
