/**
 * A test-only, independent writer of the exact bytes `safetensors.numpy.save_file` produces, so
 * tests can check that files from Python load. Follows `safetensors/src/tensor.rs` (crate
 * commit 24b0b28): `prepare` sorts tensors by dtype, widest alignment first (the `Dtype` enum
 * order, descending), then by name; the header is serde_json's compact output with
 * `__metadata__` first and fields in `TensorInfo` order (dtype, shape, data_offsets), padded with
 * spaces (0x20) to a multiple of 8; `N` is a little-endian u64; data is little-endian and
 * contiguous in header order.
 */

/** `Dtype` variants in declaration (= `Ord`) order, `safetensors/src/tensor.rs`. */
const DTYPE_ORDER = [
  "BOOL",
  "F4",
  "F6_E2M3",
  "F6_E3M2",
  "U8",
  "I8",
  "F8_E5M2",
  "F8_E4M3",
  "F8_E8M0",
  "F8_E4M3FNUZ",
  "F8_E5M2FNUZ",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "F32",
  "C64",
  "F64",
  "I64",
  "U64",
];

/** A tensor as numpy would hand it over: dtype string, shape, raw little-endian bytes. */
export interface RawTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

/** Little-endian bytes of numbers in the given element encoding. */
export function leBytes(
  kind: "f32" | "i32" | "f64" | "u16" | "i64" | "u8" | "i8" | "i16" | "u32",
  values: readonly (number | bigint)[],
): Uint8Array {
  const size = { f32: 4, i32: 4, f64: 8, u16: 2, i64: 8, u8: 1, i8: 1, i16: 2, u32: 4 }[kind];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * size;
    if (kind === "f32") view.setFloat32(at, Number(v), true);
    else if (kind === "i32") view.setInt32(at, Number(v), true);
    else if (kind === "f64") view.setFloat64(at, Number(v), true);
    else if (kind === "u16") view.setUint16(at, Number(v), true);
    else if (kind === "i64") view.setBigInt64(at, BigInt(v), true);
    else if (kind === "u8") view.setUint8(at, Number(v));
    else if (kind === "i8") view.setInt8(at, Number(v));
    else if (kind === "i16") view.setInt16(at, Number(v), true);
    else view.setUint32(at, Number(v), true);
  });
  return out;
}

/** The bytes `safetensors.numpy.save_file(tensors, path, metadata)` writes. */
export function pythonSaveFile(tensors: RawTensor[], metadata?: Record<string, string>): Uint8Array {
  const sorted = tensors.slice().sort((a, b) => {
    const byDtype = DTYPE_ORDER.indexOf(b.dtype) - DTYPE_ORDER.indexOf(a.dtype);
    if (byDtype !== 0) return byDtype;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const parts: string[] = [];
  if (metadata !== undefined) {
    const kv = Object.entries(metadata).map(([k, v]) => `"${k}":"${v}"`);
    parts.push(`"__metadata__":{${kv.join(",")}}`);
  }
  let offset = 0;
  for (const t of sorted) {
    parts.push(
      `"${t.name}":{"dtype":"${t.dtype}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + t.data.length}]}`,
    );
    offset += t.data.length;
  }
  let header = `{${parts.join(",")}}`;
  const headerBytes = new TextEncoder().encode(header);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  header += " ".repeat(padded - headerBytes.length);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(new TextEncoder().encode(header), 8);
  let at = 8 + padded;
  for (const t of sorted) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return out;
}

/** A file with a header of the caller's choosing and `dataBytes` bytes of data (tests of bad files). */
export function rawFile(header: string, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
