/**
 * In-memory safetensors writer and reader (browser-safe: no Node imports).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { freeze } from "immer";
import {
  LITTLE_ENDIAN,
  LOADABLE_DTYPES,
  alignedCopy,
  bfloat16ToFloat32,
  bitsOf,
  dtypeForTensor,
  halfToFloat32,
  type SafetensorsDtype,
} from "./dtypes.js";
import { MAX_HEADER_BYTES, readHeaderIn, toBytes, type SafetensorsHeader, type TensorEntry } from "./header.js";
import { describe, isTensor } from "../util/describe.js";
import { CheckpointError, InvalidArgumentError } from "../util/errors.js";
import { TREE_METADATA_KEY, flattenTree, unflattenByLastSlash, unflattenByStructure } from "./names.js";

/**
 * What {@link deserialize} and {@link loadParams} return by default: Haiku's params layout,
 * `{module: {name: tensor}}`, deep-frozen.
 */
export type LoadedParams = Readonly<Record<string, Readonly<Record<string, tf.Tensor>>>>;

/** Options of {@link serialize} and {@link saveParams}. */
export interface SerializeOptions {
  /**
   * Free-form strings stored in the header's `__metadata__` (e.g. `{step: "1000"}`); read them
   * back with {@link readHeader}. The key `"haiku-tfjs:tree"` is reserved.
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

function checkMetadata(metadata: unknown, where: string): Record<string, string> {
  if (metadata === undefined) return {};
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new InvalidArgumentError(
      where,
      `\`options.metadata\` must be an object of strings, got ${describe(metadata)}`,
      'pass e.g. { step: "1000" }.',
    );
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata as Record<string, unknown>)) {
    if (typeof v !== "string") {
      throw new InvalidArgumentError(
        where,
        `\`options.metadata["${k}"]\` must be a string (safetensors metadata is string to string), got ${describe(v)}`,
        "use String(x) or JSON.stringify(x).",
      );
    }
    if (k === TREE_METADATA_KEY) {
      throw new InvalidArgumentError(
        where,
        `\`options.metadata["${TREE_METADATA_KEY}"]\` is reserved for the tree structure`,
        "pick another key.",
      );
    }
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Writes a params (or state) tree as a safetensors file in memory.
 *
 * Names are Haiku's `module/param` (`"mlp/~/linear_0/w"`); tensors are stored in the tree's
 * insertion order, float32 as F32, int32 as I32, bool as BOOL, little-endian, with the header
 * padded by spaces to 8 bytes as the reference writer does. Trees deeper than
 * `{module: {name: tensor}}` are written with their structure in `__metadata__` (see the
 * `checkpoints` section of the README). Reads tensor values back from the backend (one
 * `dataSync` per tensor); the tensors themselves are not disposed.
 *
 * @param tree - params or state, with tf.Tensor leaves.
 * @param options - optional `metadata` strings.
 * @returns the file's bytes.
 * @throws InvalidArgumentError naming the leaf when a leaf is not a live float32 / int32 / bool tensor.
 * @example
 * ```ts
 * const bytes = hk.io.serialize(params, { metadata: { step: "1000" } });
 * const again = hk.io.deserialize(bytes);
 * ```
 */
export function serialize(tree: Readonly<Record<string, unknown>>, options: SerializeOptions = {}): Uint8Array {
  return serializeIn(tree, options, "hk.io.serialize");
}

/** {@link serialize} with the caller's name in its errors. */
export function serializeIn(
  tree: Readonly<Record<string, unknown>>,
  options: SerializeOptions,
  where: string,
): Uint8Array {
  const metadata = checkMetadata((options ?? {}).metadata, where);
  const { leaves, structure } = flattenTree(
    tree,
    isTensor,
    "a tf.Tensor",
    where,
    "wrap numbers with tf.scalar(x).",
    "`tree`",
  );
  if (structure !== undefined) metadata[TREE_METADATA_KEY] = structure;

  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header["__metadata__"] = metadata;
  let offset = 0;
  const plan: { tensor: tf.Tensor; begin: number; dtype: SafetensorsDtype }[] = [];
  for (const { name, value: tensor } of leaves) {
    if (name === "__metadata__")
      throw new InvalidArgumentError(
        where,
        'a leaf may not be named "__metadata__" (reserved by safetensors)',
        "rename it.",
      );
    if (tensor.isDisposed)
      throw new InvalidArgumentError(
        where,
        `the tensor at "${name}" is disposed`,
        "save params before disposing them.",
      );
    const dtype = dtypeForTensor(tensor.dtype);
    if (dtype === undefined) {
      throw new InvalidArgumentError(
        where,
        `the tensor at "${name}" has dtype ${tensor.dtype}; only float32, int32 and bool can be saved`,
        "cast it with tf.cast.",
      );
    }
    const bytes = tensor.size * (bitsOf(dtype) / 8);
    Object.defineProperty(header, name, {
      value: { dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    plan.push({ tensor, begin: offset, dtype });
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new CheckpointError(
      where,
      `the header would be ${headerLength} bytes, over safetensors' ${MAX_HEADER_BYTES}-byte limit`,
      "save fewer tensors or shorter metadata per file.",
    );
  }
  const dataStart = 8 + headerLength;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, dataStart);
  for (const { tensor, begin, dtype } of plan) {
    const values = tensor.dataSync() as Float32Array | Int32Array | Uint8Array;
    const at = dataStart + begin;
    if (dtype === "BOOL") {
      for (let i = 0; i < values.length; i++) out[at + i] = values[i] ? 1 : 0;
    } else if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    } else if (dtype === "F32") {
      for (let i = 0; i < values.length; i++) view.setFloat32(at + 4 * i, values[i]!, true);
    } else {
      for (let i = 0; i < values.length; i++) view.setInt32(at + 4 * i, values[i]!, true);
    }
  }
  return out;
}

/** An entry's values in tfjs storage, ready for `tf.tensor`. */
export interface DecodedValues {
  readonly values: Float32Array | Int32Array | Uint8Array;
  readonly dtype: "float32" | "int32" | "bool";
}

/**
 * Converts the validated entry's bytes `data[begin, end)` to tfjs storage; throws on values the
 * target cannot hold. `indexBase` is the flat index of the first element in those bytes (the
 * file loader converts an entry chunk by chunk), so errors name the element in the whole tensor.
 */
export function decodeEntry(
  data: Uint8Array,
  entry: TensorEntry,
  share: boolean,
  where: string,
  range: readonly [number, number] = entry.dataOffsets,
  indexBase = 0,
): DecodedValues {
  const [begin, end] = range;
  const { dtype, name } = entry;
  const copy = (itemBytes: number) => alignedCopy(data, begin, end, itemBytes);
  // A view instead of a copy where the bytes already are the tensor's storage (see decodeToTree).
  const at = data.byteOffset + begin;
  const view = share && LITTLE_ENDIAN && at % 4 === 0;
  const lost = (i: number, value: string, target: string) =>
    new CheckpointError(
      where,
      `entry "${name}" (${dtype}) holds ${value} at flat index ${indexBase + i}, which ${target}`,
      "convert it in Python first (e.g. np.asarray(v, np.float32)).",
    );
  switch (dtype) {
    case "F32":
      return {
        values: view ? new Float32Array(data.buffer, at, (end - begin) / 4) : new Float32Array(copy(4)),
        dtype: "float32",
      };
    case "I32":
      return {
        values: view ? new Int32Array(data.buffer, at, (end - begin) / 4) : new Int32Array(copy(4)),
        dtype: "int32",
      };
    case "BOOL": {
      const raw = data.subarray(begin, end);
      if (share && raw.every((b) => b <= 1)) return { values: raw, dtype: "bool" };
      const values = raw.slice();
      for (let i = 0; i < values.length; i++) values[i] = values[i] ? 1 : 0;
      return { values, dtype: "bool" };
    }
    case "F16":
      return { values: halfToFloat32(new Uint16Array(copy(2))), dtype: "float32" };
    case "BF16":
      return { values: bfloat16ToFloat32(new Uint16Array(copy(2))), dtype: "float32" };
    case "U8":
      return { values: Int32Array.from(data.subarray(begin, end)), dtype: "int32" };
    case "I8":
      return { values: Int32Array.from(new Int8Array(copy(1))), dtype: "int32" };
    case "I16":
      return { values: Int32Array.from(new Int16Array(copy(2))), dtype: "int32" };
    case "U16":
      return { values: Int32Array.from(new Uint16Array(copy(2))), dtype: "int32" };
    case "U32": {
      const values = new Int32Array(copy(4));
      for (let i = 0; i < values.length; i++) {
        if (values[i]! < 0) throw lost(i, String(values[i]! >>> 0), "does not fit in int32");
      }
      return { values, dtype: "int32" };
    }
    case "I64":
    case "U64": {
      const words = new Int32Array(copy(8));
      const values = new Int32Array(words.length / 2);
      for (let i = 0; i < values.length; i++) {
        const low = words[2 * i]!;
        const high = words[2 * i + 1]!;
        // Fits in int32 iff the high word is the sign extension of the low one (and, unsigned, zero).
        if (high !== low >> 31 || (dtype === "U64" && high !== 0)) {
          const exact =
            dtype === "I64"
              ? (BigInt(high) << 32n) + BigInt(low >>> 0)
              : (BigInt(high >>> 0) << 32n) + BigInt(low >>> 0);
          throw lost(i, String(exact), "does not fit in int32 (tfjs has no 64-bit integers)");
        }
        values[i] = low;
      }
      return { values, dtype: "int32" };
    }
    case "F64": {
      const wide = new Float64Array(copy(8));
      const values = Float32Array.from(wide);
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!) && Number.isFinite(wide[i]!))
          throw lost(i, String(wide[i]), "overflows float32");
      }
      return { values, dtype: "float32" };
    }
    default:
      throw unloadable(where, name, dtype);
  }
}

/**
 * Builds the tree from a validated header and the data section. All conversions run before the
 * first tensor is created, so a refused file allocates no tensor.
 *
 * F32 / I32 / BOOL tensors are made from views of `data` (no copy) when that cannot alias
 * anything the caller can change: `owned` (the loader read the bytes itself) or a backend that
 * copies into its own memory on write (wasm). Otherwise (e.g. the cpu backend keeps the array it
 * is given) each tensor gets its own copy, so mutating the caller's bytes never changes params.
 */
function decodeToTree(
  header: SafetensorsHeader,
  data: Uint8Array,
  owned: boolean,
  where: string,
): Record<string, unknown> {
  checkLoadable(header, where);
  const share = owned || tf.getBackend() === "wasm";
  return buildTree(
    header,
    header.entries.map((e) => decodeEntry(data, e, share, where)),
    where,
  );
}

function unloadable(where: string, name: string, dtype: string): CheckpointError {
  return new CheckpointError(
    where,
    `entry "${name}" has dtype ${dtype}, which tfjs cannot hold`,
    "convert it in Python first (e.g. np.asarray(v, np.float32)).",
  );
}

/** Throws, naming the entry, when a dtype cannot be held by tfjs (before anything is read). */
export function checkLoadable(header: SafetensorsHeader, where: string): void {
  for (const entry of header.entries) {
    if (LOADABLE_DTYPES[entry.dtype] === undefined) {
      throw unloadable(where, entry.name, entry.dtype);
    }
  }
}

/**
 * Makes the tensors (in the header's order) and the deep-frozen tree from every entry's decoded
 * values (or its tensor, when the loader made it already); on failure, disposes every tensor.
 * Each values array is dropped from `decoded` as soon as its tensor exists, so a backend that
 * copies (wasm) never holds two copies of every tensor.
 */
export function buildTree(
  header: SafetensorsHeader,
  decoded: (DecodedValues | tf.Tensor | undefined)[],
  where: string,
): Record<string, unknown> {
  const names = header.entries.map((e) => e.name);
  const tensors: tf.Tensor[] = [];
  try {
    for (let i = 0; i < decoded.length; i++) {
      const d = decoded[i]!;
      decoded[i] = undefined;
      tensors.push(d instanceof tf.Tensor ? d : tf.tensor(d.values, header.entries[i]!.shape as number[], d.dtype));
    }
    const structure = header.metadata[TREE_METADATA_KEY];
    const tree =
      structure === undefined
        ? unflattenByLastSlash(names, tensors, where)
        : unflattenByStructure(structure, names, tensors, where);
    return freeze(tree, true);
  } catch (e) {
    for (const t of tensors) t.dispose();
    for (const d of decoded) if (d instanceof tf.Tensor) d.dispose();
    throw e;
  }
}

/**
 * Reads a safetensors file held in memory into a params (or state) tree of tensors.
 *
 * The file is fully validated before any tensor is created (see {@link readHeader}); a bad file
 * throws a `CheckpointError` naming the entry and the problem. F32, I32 and BOOL load as float32, int32
 * and bool; F16 / BF16 / F64 become float32, U8 / I8 / I16 / U16 / U32 / I64 / U64 become int32
 * (U32 / I64 / U64 / F64 only when every value fits, else an error). Names `module/param` are
 * split at the last `/` into `{module: {param: tensor}}`; trees written with a structure in
 * `__metadata__` come back exactly. The result is deep-frozen and ordered as the file lists its
 * tensors; the caller owns the tensors (dispose them with `hk.tree.dispose`).
 *
 * @typeParam T - the tree's type; not checked, use {@link checkParams} to compare with a model.
 * @param bytes - the whole file.
 * @returns the tree.
 * @example
 * ```ts
 * const params = hk.io.deserialize(new Uint8Array(await (await fetch("params.safetensors")).arrayBuffer()));
 * const out = net.apply(params, null, x);
 * ```
 */
export function deserialize<T extends object = LoadedParams>(bytes: Uint8Array | ArrayBuffer): T {
  const where = "hk.io.deserialize";
  const data = toBytes(bytes, where);
  const header = readHeaderIn(data, where);
  return decodeToTree(header, data.subarray(header.dataStart), false, where) as T;
}
