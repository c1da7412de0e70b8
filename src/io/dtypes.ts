/**
 * The safetensors element types and how each becomes a tfjs tensor.
 *
 * tfjs-core only has float32, int32 and bool storage, so wider or narrower types are converted
 * on load; every conversion either is exact or is checked, so a checkpoint never loads with
 * silently wrong numbers.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/**
 * Every element type the safetensors format defines (`Dtype` in `safetensors/src/tensor.rs`).
 * {@link readHeader} accepts all of them; {@link deserialize} converts the ones listed in
 * {@link LOADABLE_DTYPES} and refuses the others with an error naming the entry.
 */
export type SafetensorsDtype =
  | "BOOL"
  | "F4"
  | "F6_E2M3"
  | "F6_E3M2"
  | "U8"
  | "I8"
  | "F8_E5M2"
  | "F8_E4M3"
  | "F8_E8M0"
  | "F8_E4M3FNUZ"
  | "F8_E5M2FNUZ"
  | "I16"
  | "U16"
  | "F16"
  | "BF16"
  | "I32"
  | "U32"
  | "F32"
  | "C64"
  | "F64"
  | "I64"
  | "U64";

/** Bits per element, as `Dtype::bitsize` in `safetensors/src/tensor.rs`. */
const BITS: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

/**
 * The tfjs dtype each loadable safetensors dtype becomes. Exact: F32, I32, BOOL (round-trip),
 * F16 and BF16 (every value is representable in float32), U8 / I8 / I16 / U16 (into int32).
 * Checked: U32, I64 and U64 load into int32 only when every value fits in int32, F64 into float32
 * only when no finite value overflows (values are rounded to the nearest float32).
 */
export const LOADABLE_DTYPES: Readonly<Partial<Record<SafetensorsDtype, "float32" | "int32" | "bool">>> = {
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
};

/** Whether `s` names a safetensors dtype (own key of the table, so `"__proto__"` is not one). */
export function isSafetensorsDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(BITS, s);
}

/** Bits per element of `dtype`. */
export function bitsOf(dtype: SafetensorsDtype): number {
  return BITS[dtype];
}

/** The safetensors dtype a tfjs tensor is written as, or `undefined` when it has none. */
export function dtypeForTensor(dtype: tf.DataType): SafetensorsDtype | undefined {
  if (dtype === "float32") return "F32";
  if (dtype === "int32") return "I32";
  if (dtype === "bool") return "BOOL";
  return undefined;
}

/** safetensors data is little-endian; typed arrays use the platform's order. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A fresh, aligned copy of `bytes[begin, end)` with each `itemBytes`-wide element in platform
 * order, ready to be viewed by a typed array. Copying also detaches the result from the file
 * buffer, so a tensor never keeps a whole checkpoint alive.
 */
export function alignedCopy(bytes: Uint8Array, begin: number, end: number, itemBytes: number): ArrayBuffer {
  const copy = bytes.slice(begin, end);
  if (!LITTLE_ENDIAN && itemBytes > 1) {
    for (let i = 0; i < copy.length; i += itemBytes) copy.subarray(i, i + itemBytes).reverse();
  }
  return copy.buffer;
}

let halfTable: Float32Array | undefined;

/** IEEE 754 binary16 bit pattern -> its value (exact in float32). */
function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** F16 -> float32 by a 65536-entry table built on first use (256 KB, about 1 ms). */
export function halfToFloat32(bits: Uint16Array): Float32Array {
  if (halfTable === undefined) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfBitsToNumber(h);
  }
  const table = halfTable;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** BF16 is the top half of a float32, so widening is a 16-bit shift and exact. */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i]! << 16;
  return out;
}
