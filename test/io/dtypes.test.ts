import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as io from "../../src/io/index.js";
import { CheckpointError } from "../../src/util/errors.js";
import { leBytes, pythonSaveFile, type RawTensor } from "./python_layout.js";

/** Loads one tensor written as Python would write it; returns [dtype, shape, values]. */
function loadOne(raw: Omit<RawTensor, "name">): [string, number[], number[]] {
  const tree = io.deserialize<Record<string, Record<string, tf.Tensor>>>(pythonSaveFile([{ name: "m/x", ...raw }]));
  const t = tree["m"]!["x"]!;
  const out: [string, number[], number[]] = [t.dtype, t.shape, Array.from(t.dataSync())];
  t.dispose();
  return out;
}

function loadError(raw: Omit<RawTensor, "name">): string {
  const before = tf.memory().numTensors;
  try {
    io.deserialize(
      pythonSaveFile([
        { name: "m/x", ...raw },
        { name: "m/ok", dtype: "F32", shape: [], data: leBytes("f32", [1]) },
      ]),
    );
  } catch (e) {
    expect(tf.memory().numTensors).toBe(before);
    expect((e as Error).constructor).toBe(CheckpointError);
    return (e as Error).message;
  }
  throw new Error("expected deserialize to throw");
}

describe("dtype conversion on load", () => {
  it("decodes F16 known values exactly", () => {
    // IEEE 754 binary16 examples, Wikipedia "Half-precision floating-point format", section
    // "Half precision examples": 0001 = 2^-24 (smallest subnormal), 03ff = largest subnormal,
    // 0400 = 2^-14 (smallest normal), 3555 ≈ 1/3, 3bff, 3c00 = 1, 3c01, 7bff = 65504 (max),
    // 7c00 = inf, 8000 = -0, c000 = -2, fc00 = -inf.
    const bits = [0x0001, 0x03ff, 0x0400, 0x3555, 0x3bff, 0x3c00, 0x3c01, 0x7bff, 0x7c00, 0x8000, 0xc000, 0xfc00];
    const expected = [
      2 ** -24,
      1023 * 2 ** -24,
      2 ** -14,
      0.333251953125,
      0.99951171875,
      1,
      1.0009765625,
      65504,
      Infinity,
      -0,
      -2,
      -Infinity,
    ];
    expect(loadOne({ dtype: "F16", shape: [12], data: leBytes("u16", bits) })).toEqual(["float32", [12], expected]);
    const [, , nan] = loadOne({ dtype: "F16", shape: [1], data: leBytes("u16", [0x7e00]) });
    expect(Number.isNaN(nan[0])).toBe(true);
  });

  it("decodes BF16 known values exactly", () => {
    // Wikipedia "bfloat16 floating-point format", section "Examples": 3f80 = 1, c000 = -2,
    // 7f7f = max finite (2^8 - 1) * 2^120, 0080 = 2^-126 (min normal), 0001 = 2^-133 (min
    // subnormal), 4049 = 3.140625 (pi), 3eab = 0.333984375 (1/3), 7f80 = inf, ff80 = -inf.
    const bits = [0x3f80, 0xc000, 0x7f7f, 0x0080, 0x0001, 0x4049, 0x3eab, 0x7f80, 0xff80];
    const expected = [1, -2, 255 * 2 ** 120, 2 ** -126, 2 ** -133, 3.140625, 0.333984375, Infinity, -Infinity];
    expect(loadOne({ dtype: "BF16", shape: [3, 3], data: leBytes("u16", bits) })).toEqual([
      "float32",
      [3, 3],
      expected,
    ]);
    const [, , nan] = loadOne({ dtype: "BF16", shape: [], data: leBytes("u16", [0x7fc0]) });
    expect(Number.isNaN(nan[0])).toBe(true);
  });

  it("rounds F64 to float32 and refuses values that overflow it", () => {
    expect(loadOne({ dtype: "F64", shape: [4], data: leBytes("f64", [0.1, -1e-50, 1e38, Infinity]) })).toEqual([
      "float32",
      [4],
      [Math.fround(0.1), -0, Math.fround(1e38), Infinity],
    ]);
    expect(loadError({ dtype: "F64", shape: [2], data: leBytes("f64", [1, 1e300]) })).toBe(
      'hk.io.deserialize: entry "m/x" (F64) holds 1e+300 at flat index 1, which overflows float32. Fix: convert it in Python first (e.g. np.asarray(v, np.float32)).',
    );
  });

  it("loads small integer types into int32 exactly", () => {
    expect(loadOne({ dtype: "U8", shape: [3], data: leBytes("u8", [0, 128, 255]) })).toEqual([
      "int32",
      [3],
      [0, 128, 255],
    ]);
    expect(loadOne({ dtype: "I8", shape: [3], data: leBytes("i8", [-128, -1, 127]) })).toEqual([
      "int32",
      [3],
      [-128, -1, 127],
    ]);
    expect(loadOne({ dtype: "I16", shape: [2], data: leBytes("i16", [-32768, 32767]) })).toEqual([
      "int32",
      [2],
      [-32768, 32767],
    ]);
    expect(loadOne({ dtype: "U16", shape: [2], data: leBytes("u16", [0, 65535]) })).toEqual(["int32", [2], [0, 65535]]);
    expect(loadOne({ dtype: "U32", shape: [2], data: leBytes("u32", [0, 2 ** 31 - 1]) })).toEqual([
      "int32",
      [2],
      [0, 2 ** 31 - 1],
    ]);
  });

  it("loads I64 / U64 into int32 when every value fits, else names the value", () => {
    // jax without x64 saves int32; numpy / torch int64 counters are the common 64-bit case.
    expect(
      loadOne({ dtype: "I64", shape: [4], data: leBytes("i64", [-(2n ** 31n), 2n ** 31n - 1n, 0n, -1n]) }),
    ).toEqual(["int32", [4], [-(2 ** 31), 2 ** 31 - 1, 0, -1]]);
    expect(loadOne({ dtype: "U64", shape: [1], data: leBytes("i64", [123n]) })).toEqual(["int32", [1], [123]]);
    expect(loadError({ dtype: "I64", shape: [2], data: leBytes("i64", [0n, 2n ** 31n]) })).toBe(
      'hk.io.deserialize: entry "m/x" (I64) holds 2147483648 at flat index 1, which does not fit in int32 (tfjs has no 64-bit integers). Fix: convert it in Python first (e.g. np.asarray(v, np.float32)).',
    );
    expect(loadError({ dtype: "I64", shape: [1], data: leBytes("i64", [-(2n ** 31n) - 1n]) })).toContain(
      "holds -2147483649 at flat index 0",
    );
    expect(loadError({ dtype: "I64", shape: [1], data: leBytes("i64", [-(2n ** 63n)]) })).toContain(
      "holds -9223372036854775808",
    );
    expect(loadError({ dtype: "U64", shape: [1], data: leBytes("i64", [-1n]) })).toContain(
      "(U64) holds 18446744073709551615 at flat index 0",
    );
    expect(loadError({ dtype: "U32", shape: [1], data: leBytes("u32", [2 ** 32 - 1]) })).toBe(
      'hk.io.deserialize: entry "m/x" (U32) holds 4294967295 at flat index 0, which does not fit in int32. Fix: convert it in Python first (e.g. np.asarray(v, np.float32)).',
    );
  });

  it("reads any non-zero BOOL byte as true", () => {
    expect(loadOne({ dtype: "BOOL", shape: [4], data: new Uint8Array([0, 1, 2, 255]) })).toEqual([
      "bool",
      [4],
      [0, 1, 1, 1],
    ]);
  });

  it("accepts the header of types tfjs cannot hold, but refuses to load them", () => {
    for (const [dtype, data] of [
      ["F8_E4M3", new Uint8Array([1, 2])],
      ["F8_E5M2", new Uint8Array([1, 2])],
      ["C64", new Uint8Array(16)],
      ["F4", new Uint8Array([0x21])],
    ] as const) {
      const bytes = pythonSaveFile([{ name: "m/x", dtype, shape: [2], data }]);
      expect(io.readHeader(bytes).entries[0]!.dtype).toBe(dtype);
      expect(loadError({ dtype, shape: [2], data })).toBe(
        `hk.io.deserialize: entry "m/x" has dtype ${dtype}, which tfjs cannot hold. Fix: convert it in Python first (e.g. np.asarray(v, np.float32)).`,
      );
    }
  });

  it("lists the conversions it performs", () => {
    expect(io.LOADABLE_DTYPES).toEqual({
      BOOL: "bool",
      U8: "int32",
      I8: "int32",
      I16: "int32",
      U16: "int32",
      F16: "float32",
      BF16: "float32",
      I32: "int32",
      U32: "int32",
      F32: "float32",
      F64: "float32",
      I64: "int32",
      U64: "int32",
    });
  });
});
