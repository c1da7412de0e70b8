/**
 * Node file helpers: {@link saveParams}, {@link loadParams}, {@link loadHeader}.
 *
 * @module
 */
import type * as FsPromises from "node:fs/promises";
import { writeFileAtomic } from "./atomic_write.js";
import { LITTLE_ENDIAN, LOADABLE_DTYPES, bitsOf } from "./dtypes.js";
import { parseHeaderBytes, readHeaderLength, type SafetensorsHeader, type TensorEntry } from "./header.js";
import { nodeFs } from "./node_fs.js";
import { buildTree, checkLoadable, decodeEntry, serializeIn, type DecodedValues, type LoadedParams, type SerializeOptions } from "./serialize.js";

function checkPath(path: unknown, where: string): string {
  if (typeof path !== "string" || path.length === 0) {
    throw new Error(`${where}: path must be a non-empty string, got ${typeof path === "string" ? '""' : typeof path}`);
  }
  return path;
}

function ioError(where: string, action: string, e: unknown): Error {
  const detail = e instanceof Error ? e.message : String(e);
  return new Error(`${where}: could not ${action} (${detail})`, { cause: e });
}

/**
 * Largest single read. Node aborts the process (uncatchably) on a read longer than 2^31 - 1
 * bytes, and a bounded read also bounds the scratch memory of converted dtypes.
 */
const CHUNK_BYTES = 64 * 2 ** 20;

/** Allocates with an error that names the file and the size instead of a bare RangeError. */
function allocate<T>(make: () => T, bytes: number, where: string): T {
  try {
    return make();
  } catch (e) {
    throw ioError(where, `allocate ${bytes} bytes for the file's data (split the checkpoint into smaller files)`, e);
  }
}

/** Fills `target` from the file at `position`, in reads of at most {@link CHUNK_BYTES}. */
async function readInto(fh: FsPromises.FileHandle, target: Uint8Array, position: number, where: string): Promise<void> {
  const length = target.length;
  let done = 0;
  while (done < length) {
    const want = Math.min(CHUNK_BYTES, length - done);
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(target.subarray(done, done + want), 0, want, position + done));
    } catch (e) {
      throw ioError(where, "read the file", e);
    }
    if (bytesRead === 0) throw new Error(`${where}: the file shrank while being read (got ${done} of ${length} bytes at offset ${position})`);
    done += bytesRead;
  }
}

async function readExactly(fh: FsPromises.FileHandle, length: number, position: number, where: string): Promise<Uint8Array> {
  const out = allocate(() => new Uint8Array(length), length, where);
  await readInto(fh, out, position, where);
  return out;
}

/**
 * Reads every entry's values, in file order. Entries of at most {@link CHUNK_BYTES} are read
 * together, one read per run of them that fits in a chunk (the entries tile the data section, so
 * a run's buffer is exactly their bytes, and F32 / I32 / BOOL tensors are views of it); bigger
 * entries are read on their own by {@link readEntry}. So a file of many small tensors costs few
 * reads, and a huge one never needs a read or a buffer above the chunk size beyond its tensors.
 */
async function readAllEntries(fh: FsPromises.FileHandle, header: SafetensorsHeader, where: string): Promise<DecodedValues[]> {
  const entries = header.entries;
  const order = entries.map((_, i) => i).sort((a, b) => entries[a]!.dataOffsets[0] - entries[b]!.dataOffsets[0]);
  const decoded = new Array<DecodedValues>(entries.length);
  const sizeOf = (i: number) => entries[i]!.dataOffsets[1] - entries[i]!.dataOffsets[0];
  for (let k = 0; k < order.length; ) {
    const first = order[k]!;
    if (sizeOf(first) > CHUNK_BYTES) {
      decoded[first] = await readEntry(fh, header, entries[first]!, where);
      k++;
      continue;
    }
    const start = entries[first]!.dataOffsets[0];
    let end = k;
    while (end < order.length && sizeOf(order[end]!) <= CHUNK_BYTES && entries[order[end]!]!.dataOffsets[1] - start <= CHUNK_BYTES) end++;
    const stop = entries[order[end - 1]!]!.dataOffsets[1];
    const bytes = await readExactly(fh, stop - start, header.dataStart + start, where);
    for (; k < end; k++) {
      const e = entries[order[k]!]!;
      decoded[order[k]!] = decodeEntry(bytes, e, true, where, [e.dataOffsets[0] - start, e.dataOffsets[1] - start]);
    }
  }
  return decoded;
}

/**
 * Reads one entry straight into the typed array its tensor will hold: F32 / I32 / BOOL bytes are
 * read into that array itself; other dtypes are read through a bounded scratch buffer and
 * converted chunk by chunk. No copy of the whole file ever exists.
 */
async function readEntry(fh: FsPromises.FileHandle, header: SafetensorsHeader, entry: TensorEntry, where: string): Promise<DecodedValues> {
  const [begin, end] = entry.dataOffsets;
  const bytes = end - begin;
  const position = header.dataStart + begin;
  const dtype = LOADABLE_DTYPES[entry.dtype]!;
  if (LITTLE_ENDIAN && (entry.dtype === "F32" || entry.dtype === "I32" || entry.dtype === "BOOL")) {
    const values = allocate(() => (entry.dtype === "F32" ? new Float32Array(bytes / 4) : entry.dtype === "I32" ? new Int32Array(bytes / 4) : new Uint8Array(bytes)), bytes, where);
    await readInto(fh, new Uint8Array(values.buffer), position, where);
    if (entry.dtype === "BOOL") for (let i = 0; i < values.length; i++) if (values[i]! > 1) values[i] = 1;
    return { values, dtype };
  }
  const itemBytes = bitsOf(entry.dtype) / 8;
  const count = bytes / itemBytes;
  const outBytes = count * (dtype === "bool" ? 1 : 4);
  const values = allocate(() => (dtype === "float32" ? new Float32Array(count) : dtype === "int32" ? new Int32Array(count) : new Uint8Array(count)), outBytes, where);
  // CHUNK_BYTES is a multiple of every item size, so chunks never split an element.
  const scratch = allocate(() => new Uint8Array(Math.min(bytes, CHUNK_BYTES)), Math.min(bytes, CHUNK_BYTES), where);
  for (let done = 0; done < bytes; ) {
    const length = Math.min(CHUNK_BYTES, bytes - done);
    const chunk = scratch.subarray(0, length);
    await readInto(fh, chunk, position + done, where);
    values.set(decodeEntry(chunk, entry, false, where, [0, length], done / itemBytes).values, done / itemBytes);
    done += length;
  }
  return { values, dtype };
}

/** Opens `path`, validates the header, and hands the open file to `body`. */
async function withHeader<R>(
  path: string,
  where: string,
  body: (fh: FsPromises.FileHandle, header: SafetensorsHeader) => Promise<R>,
): Promise<R> {
  const fs = await nodeFs(where);
  let fh: FsPromises.FileHandle;
  try {
    fh = await fs.open(path, "r");
  } catch (e) {
    throw ioError(where, "open the file", e);
  }
  try {
    let size: number;
    try {
      size = (await fh.stat()).size;
    } catch (e) {
      throw ioError(where, "stat the file", e);
    }
    const prefix = await readExactly(fh, Math.min(8, size), 0, where);
    const n = readHeaderLength(prefix, size, where);
    const headerBytes = await readExactly(fh, n, 8, where);
    const header = parseHeaderBytes(headerBytes, size - 8 - n, where);
    return await body(fh, header);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Saves a params (or state) tree to a safetensors file (Node only). Writes a sibling temporary
 * file and renames it over `path`, so an existing checkpoint is never left half-written.
 *
 * @param path - the file to write, e.g. `"params.safetensors"`.
 * @param tree - params or state, with tf.Tensor leaves (see {@link serialize}).
 * @param options - optional `metadata` strings.
 * @example
 * ```ts
 * await hk.io.saveParams("params.safetensors", params, { metadata: { step: String(step) } });
 * ```
 */
export async function saveParams(path: string, tree: Readonly<Record<string, unknown>>, options: SerializeOptions = {}): Promise<void> {
  const where = `hk.io.saveParams(${JSON.stringify(path)})`;
  checkPath(path, "hk.io.saveParams");
  const bytes = serializeIn(tree, options, where);
  await writeFileAtomic(path, bytes, where);
}

/**
 * Loads a safetensors file (Node only) into a params (or state) tree, e.g. one exported from
 * Python Haiku. The header is read and validated before the data is read; see
 * {@link deserialize} for dtypes, naming and ownership.
 *
 * @typeParam T - the tree's type; not checked, use {@link assertParamsMatch} against a model.
 * @param path - the file to read.
 * @returns the deep-frozen tree.
 * @example
 * ```ts
 * const params = await hk.io.loadParams("params.safetensors");
 * hk.io.assertParamsMatch(params, model.init(hk.random.key(0), x));
 * ```
 */
export async function loadParams<T extends object = LoadedParams>(path: string): Promise<T> {
  const where = `hk.io.loadParams(${JSON.stringify(path)})`;
  checkPath(path, "hk.io.loadParams");
  return withHeader(path, where, async (fh, header) => {
    checkLoadable(header, where);
    return buildTree(header, await readAllEntries(fh, header, where), where) as T;
  });
}

/**
 * Reads and validates only the header of a safetensors file (Node only): names, dtypes, shapes
 * and `__metadata__`, without reading the tensor data.
 *
 * @param path - the file to read.
 * @returns the validated header.
 * @example
 * ```ts
 * const { metadata } = await hk.io.loadHeader("params.safetensors");
 * ```
 */
export async function loadHeader(path: string): Promise<SafetensorsHeader> {
  const where = `hk.io.loadHeader(${JSON.stringify(path)})`;
  checkPath(path, "hk.io.loadHeader");
  return withHeader(path, where, async (_fh, header) => header);
}
