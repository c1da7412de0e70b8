/**
 * The hardened safetensors header reader.
 *
 * Everything a file claims is checked here, before a single tensor byte is copied: the header
 * length, UTF-8, JSON, the header's shape, each entry's dtype, shape and offsets, and that the
 * entries tile the data section exactly (no overlap, no gap, no trailing bytes), as
 * `SafeTensors::read_metadata` / `Metadata::validate` in `safetensors/src/tensor.rs` do. Every
 * later allocation is therefore bounded by the file's own size.
 *
 * Two paths give the same answer: well-formed headers are read in one pass by
 * `header_direct.ts` (fast, no intermediate objects); whenever it is not sure, the careful path
 * below (`JSON.parse`, then each check with its own message) reads the header and names what is
 * wrong. test/io/header_direct.test.ts compares the two.
 *
 * @module
 */
import { describe } from "../util/describe.js";
import { CheckpointError, InvalidArgumentError } from "../util/errors.js";
import { bitsOf, isSafetensorsDtype, type SafetensorsDtype } from "./dtypes.js";
import { readHeaderDirect, type DirectHeader } from "./header_direct.js";

/** Largest accepted header, in bytes (`MAX_HEADER_SIZE` in `safetensors/src/tensor.rs`). */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Deepest nesting of `{` / `[` accepted in a header, counting the header's own object as 1: what
 * the Rust crate accepts (serde_json's recursion limit, `remaining_depth: 128` in
 * `serde_json/src/de.rs`, refuses the 128th level). A valid header needs 3.
 */
export const MAX_HEADER_DEPTH = 127;

/**
 * Most tensors one file may list. Each costs a tensor and an object on load, so this bounds the
 * work a small header can cause (400k zero-size entries fit in 24 MB); real checkpoints have at
 * most a few thousand per file (sharded checkpoints split bigger models into several files).
 */
export const MAX_TENSORS = 100_000;

/** One tensor as the header describes it. */
export interface TensorEntry {
  /** The full name, e.g. `"mlp/~/linear_0/w"`. */
  readonly name: string;
  /** The element type as written in the file. */
  readonly dtype: SafetensorsDtype;
  /** The shape (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** `[begin, end)` byte offsets relative to the start of the data section. */
  readonly dataOffsets: readonly [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** `N`, the header's length in bytes (padding included). */
  readonly headerBytes: number;
  /** Where the data section starts in the file: `8 + N`. */
  readonly dataStart: number;
  /** Length of the data section in bytes. */
  readonly dataBytes: number;
  /** The `__metadata__` string map (empty when the file has none). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The tensors, in the order the header lists them. */
  readonly entries: readonly TensorEntry[];
}

const METADATA_KEY = "__metadata__";
const ENTRY_FIELDS = ["dtype", "shape", "data_offsets"] as const;

/** What to do about a file that is not valid safetensors, when nothing more specific applies. */
const REWRITE_FIX =
  "load a complete safetensors file (written by hk.io.saveParams or safetensors' save_file); if it was copied or downloaded, fetch it again.";

/** The {@link CheckpointError} every rejected file throws: says where, that the file is bad, and why. */
function bad(where: string, problem: string, fix = REWRITE_FIX): CheckpointError {
  return new CheckpointError(where, `not a valid safetensors file: ${problem}`, fix);
}

function tooManyTensors(where: string): CheckpointError {
  return bad(
    where,
    `the header lists more than ${MAX_TENSORS} tensors (the per-file limit, hk.io.MAX_TENSORS)`,
    "split the checkpoint into several files, as sharded checkpoints do.",
  );
}

/**
 * Reads `N` from the first 8 bytes and checks it against the cap and the file size.
 *
 * @param prefix - at least the first 8 bytes of the file (more is fine).
 * @param fileBytes - the whole file's length.
 * @param where - the caller, for error messages.
 * @returns `N`.
 */
export function readHeaderLength(prefix: Uint8Array, fileBytes: number, where: string): number {
  if (fileBytes < 8 || prefix.length < 8) {
    throw bad(where, `it is ${fileBytes} bytes long, shorter than the 8-byte header length field`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const n = high * 2 ** 32 + low;
  if (high !== 0 || n > MAX_HEADER_BYTES) {
    const exact = (BigInt(high) << 32n) | BigInt(low);
    throw bad(
      where,
      `the header length field says ${exact} bytes, more than the ${MAX_HEADER_BYTES}-byte limit (safetensors' MAX_HEADER_SIZE); the file is corrupt or not safetensors`,
    );
  }
  if (8 + n > fileBytes) {
    throw bad(
      where,
      `the header length field says ${n} bytes but only ${fileBytes - 8} bytes follow it; the file is truncated or not safetensors`,
    );
  }
  return n;
}

function checkShape(where: string, name: string, shape: unknown): number[] {
  if (!Array.isArray(shape))
    throw bad(where, `entry "${name}": "shape" must be an array of non-negative integers, got ${describe(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw bad(where, `entry "${name}": shape[${i}] must be a non-negative integer, got ${describe(d)}`);
    }
  }
  return shape as number[];
}

function checkOffset(where: string, name: string, label: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw bad(where, `entry "${name}": data_offsets ${label} must be a non-negative integer, got ${describe(v)}`);
  }
}

function checkOffsets(where: string, name: string, offsets: unknown): [number, number] {
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw bad(where, `entry "${name}": "data_offsets" must be [begin, end], got ${describe(offsets)}`);
  }
  const begin: unknown = offsets[0];
  const end: unknown = offsets[1];
  checkOffset(where, name, "begin", begin);
  checkOffset(where, name, "end", end);
  if ((end as number) < (begin as number)) {
    throw bad(where, `entry "${name}": data_offsets [${begin}, ${end}] end before they begin`);
  }
  return [begin as number, end as number];
}

/** Byte size of `shape` in `dtype`, with the overflow and sub-byte checks of `Metadata::validate`. */
function byteSize(where: string, name: string, dtype: SafetensorsDtype, shape: readonly number[]): number {
  let elements = 1;
  for (const d of shape) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) {
      throw bad(
        where,
        `entry "${name}": shape [${shape.join(", ")}] has more elements than can be counted exactly (overflow)`,
      );
    }
  }
  const bits = elements * bitsOf(dtype);
  if (!Number.isSafeInteger(bits)) {
    throw bad(where, `entry "${name}": shape [${shape.join(", ")}] of ${dtype} overflows when sized in bits`);
  }
  if (bits % 8 !== 0) {
    throw bad(
      where,
      `entry "${name}": ${elements} elements of the ${bitsOf(dtype)}-bit dtype ${dtype} do not end on a byte boundary`,
    );
  }
  return bits / 8;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * One pass over the raw header bytes, before `JSON.parse` runs: rejects nesting deeper than
 * {@link MAX_HEADER_DEPTH} and more than {@link MAX_TENSORS} top-level keys, so neither can make
 * the parser (or what follows it) do unbounded work. Strings are skipped with their escapes; the
 * scan only needs to be right for valid JSON, since anything else fails in `JSON.parse` after.
 */
function scanStructure(where: string, bytes: Uint8Array): void {
  let depth = 0;
  let topLevelKeys = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      // Skip to the closing quote; a backslash escapes the next byte (also a quote).
      for (i++; i < n; i++) {
        const c = bytes[i]!;
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > MAX_HEADER_DEPTH) {
        throw bad(
          where,
          `the header nests objects/arrays deeper than ${MAX_HEADER_DEPTH} levels (at byte ${i}); safetensors (serde_json) refuses this too, and a valid header needs 3`,
        );
      }
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    } else if (b === COLON && depth === 1) {
      if (++topLevelKeys > MAX_TENSORS + 1) {
        throw tooManyTensors(where);
      }
    }
  }
}

/** The header as text: valid UTF-8 that starts with `{`. */
function decodeHeader(where: string, headerBytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw bad(where, "the header is not valid UTF-8");
  }
  if (text.length === 0 || text[0] !== "{") {
    throw bad(
      where,
      `the header must start with "{" (safetensors format), it starts with ${JSON.stringify(text.slice(0, 20))}`,
    );
  }
  return text;
}

function parseJson(where: string, text: string, headerBytes: Uint8Array): unknown {
  scanStructure(where, headerBytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw bad(where, `the header is not valid JSON (${detail})`);
  }
}

/**
 * Validates the header JSON bytes against a data section of `dataBytes` bytes.
 *
 * @param headerBytes - exactly the `N` header bytes.
 * @param dataBytes - length of the data section (file length - 8 - N).
 * @param where - the caller, for error messages.
 */
export function parseHeaderBytes(headerBytes: Uint8Array, dataBytes: number, where: string): SafetensorsHeader {
  return parseHeaderText(headerBytes, dataBytes, where, true);
}

/**
 * {@link parseHeaderBytes}, optionally without the direct reader: `direct: false` is the careful
 * path alone, which tests compare the direct reader with.
 *
 * @internal
 */
export function parseHeaderText(
  headerBytes: Uint8Array,
  dataBytes: number,
  where: string,
  direct: boolean,
): SafetensorsHeader {
  const text = decodeHeader(where, headerBytes);
  const { metadata, entries } =
    (direct ? readDirect(text, dataBytes, where) : undefined) ??
    readCarefully(where, parseJson(where, text, headerBytes), dataBytes);
  checkTiling(where, entries, dataBytes);
  return Object.freeze({
    headerBytes: headerBytes.length,
    dataStart: 8 + headerBytes.length,
    dataBytes,
    metadata: Object.freeze(metadata),
    entries: Object.freeze(entries),
  });
}

/**
 * The direct reader's header, or `undefined` when it gives up (it never decides a rejection:
 * the careful path then runs and names the problem).
 */
function readDirect(
  text: string,
  dataBytes: number,
  where: string,
): { metadata: Record<string, string>; entries: TensorEntry[] } | undefined {
  let direct: DirectHeader | undefined;
  try {
    direct = readHeaderDirect(text, dataBytes, MAX_TENSORS, (dtype, shape) => byteSize(where, "", dtype, shape));
  } catch {
    return undefined;
  }
  return direct === undefined ? undefined : { metadata: direct.metadata ?? {}, entries: direct.entries };
}

/** Checks every entry of the parsed header with its own message (all but the tiling). */
function readCarefully(
  where: string,
  parsed: unknown,
  dataBytes: number,
): { metadata: Record<string, string>; entries: TensorEntry[] } {
  // Valid JSON that starts with "{" is an object.
  const header = parsed as Record<string, unknown>;
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  const names = Object.keys(header);
  if (names.length - (Object.prototype.hasOwnProperty.call(header, METADATA_KEY) ? 1 : 0) > MAX_TENSORS) {
    throw tooManyTensors(where);
  }
  for (const name of names) {
    const value = header[name];
    if (name === METADATA_KEY) {
      // serde reads `__metadata__` as Option<HashMap<String, String>>: null means none.
      if (value === null) continue;
      if (typeof value !== "object" || Array.isArray(value)) {
        throw bad(where, `"__metadata__" must be an object of strings, got ${describe(value)}`);
      }
      metadata = Object.create(null) as Record<string, string>;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== "string")
          throw bad(where, `"__metadata__" value of "${k}" must be a string, got ${describe(v)}`);
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: false, configurable: false });
      }
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw bad(where, `entry "${name}" must be an object {dtype, shape, data_offsets}, got ${describe(value)}`);
    }
    const info = value as Record<string, unknown>;
    for (const field of ENTRY_FIELDS) {
      if (!Object.prototype.hasOwnProperty.call(info, field)) throw bad(where, `entry "${name}" has no "${field}"`);
    }
    const dtype = info["dtype"];
    if (!isSafetensorsDtype(dtype)) {
      throw bad(
        where,
        `entry "${name}" has unknown dtype ${describe(dtype)} (known: BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64, C64, F4, F6_*, F8_*)`,
      );
    }
    const shape = checkShape(where, name, info["shape"]);
    const dataOffsets = checkOffsets(where, name, info["data_offsets"]);
    const size = byteSize(where, name, dtype, shape);
    const [begin, end] = dataOffsets;
    if (end - begin !== size) {
      throw bad(
        where,
        `entry "${name}": shape [${shape.join(", ")}] of ${dtype} needs ${size} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    }
    if (end > dataBytes) {
      throw bad(
        where,
        `entry "${name}": data_offsets [${begin}, ${end}] run past the end of the ${dataBytes}-byte data section; the file is truncated`,
      );
    }
    // The arrays are the parser's own (nothing else holds them); freezing 200k small arrays would
    // cost a quarter of the parse, so they are readonly by type only.
    entries.push({ name, dtype, shape, dataOffsets });
  }
  return { metadata, entries };
}

/**
 * The entries, sorted by offset, must cover [0, dataBytes) exactly once (`Metadata::validate`).
 * Files usually list their entries in offset order; the sort (by begin, then end, then header
 * order) runs only when they do not.
 */
function checkTiling(where: string, entries: readonly TensorEntry[], dataBytes: number): void {
  const count = entries.length;
  let inOrder = true;
  for (let k = 1; k < count && inOrder; k++) {
    const a = entries[k - 1]!.dataOffsets;
    const b = entries[k]!.dataOffsets;
    inOrder = a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
  }
  let sorted = entries;
  if (!inOrder) {
    const begins = new Float64Array(count);
    const ends = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      begins[k] = entries[k]!.dataOffsets[0];
      ends[k] = entries[k]!.dataOffsets[1];
    }
    const order = new Uint32Array(count);
    for (let k = 0; k < count; k++) order[k] = k;
    order.sort((a, b) => begins[a]! - begins[b]! || ends[a]! - ends[b]! || a - b);
    sorted = Array.from(order, (k) => entries[k]!);
  }
  let covered = 0;
  let previous: TensorEntry | undefined;
  for (let k = 0; k < count; k++) {
    const entry = sorted[k]!;
    const begin = entry.dataOffsets[0];
    const end = entry.dataOffsets[1];
    if (begin < covered) {
      throw bad(
        where,
        `entry "${entry.name}" (bytes [${begin}, ${end})) overlaps entry "${previous?.name}" (bytes [${previous?.dataOffsets[0]}, ${previous?.dataOffsets[1]}))`,
      );
    }
    if (begin > covered) {
      throw bad(
        where,
        `bytes [${covered}, ${begin}) of the data section belong to no entry (before "${entry.name}"); safetensors files may not have holes`,
      );
    }
    covered = end;
    previous = entry;
  }
  if (covered !== dataBytes) {
    throw bad(
      where,
      `the data section has ${dataBytes - covered} bytes after the last entry's data (entries cover ${covered} of ${dataBytes}); safetensors files must be covered exactly`,
    );
  }
}

/**
 * Reads and validates the header of a safetensors file held in memory, without copying any
 * tensor data. Useful to list a checkpoint's names, shapes and metadata.
 *
 * The format forbids duplicate names, but `JSON.parse` keeps the last of them silently; the
 * dropped entry's bytes then belong to no entry, so the coverage check rejects such a file
 * unless the dropped tensor was empty.
 *
 * @param bytes - the whole file.
 * @returns the validated header; entries in the order the header lists them.
 * @throws CheckpointError naming the problem (and the entry) when the file is not valid safetensors.
 * @example
 * ```ts
 * const { entries, metadata } = hk.io.readHeader(bytes);
 * for (const e of entries) console.log(e.name, e.dtype, e.shape);
 * ```
 */
export function readHeader(bytes: Uint8Array | ArrayBuffer): SafetensorsHeader {
  return readHeaderIn(toBytes(bytes, "hk.io.readHeader"), "hk.io.readHeader");
}

/** {@link readHeader} with the caller's name in its errors. */
export function readHeaderIn(bytes: Uint8Array, where: string): SafetensorsHeader {
  const n = readHeaderLength(bytes, bytes.length, where);
  return parseHeaderBytes(bytes.subarray(8, 8 + n), bytes.length - 8 - n, where);
}

/** Accepts a Uint8Array (Node's Buffer included) or an ArrayBuffer; anything else is a misuse. */
export function toBytes(bytes: unknown, where: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new InvalidArgumentError(
    where,
    `\`bytes\` must be the file's bytes as a Uint8Array or ArrayBuffer, got ${describe(bytes)}`,
    "read the file first (or use hk.io.loadParams(path) in Node).",
  );
}
