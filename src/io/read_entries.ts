/**
 * Reading a checkpoint's data from an open file in bounded chunks, straight into the memory the
 * tensors keep: a typed array, or (wasm backend) the tensor's own memory in the wasm heap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as FsPromises from "node:fs/promises";
import { LITTLE_ENDIAN, LOADABLE_DTYPES, bitsOf } from "./dtypes.js";
import type { SafetensorsHeader, TensorEntry } from "./header.js";
import { decodeEntry, type DecodedValues } from "./serialize.js";
import { CheckpointError } from "../util/errors.js";

/** A failed file operation as a {@link CheckpointError}, with the system's error as its cause. */
export function ioError(
  where: string,
  action: string,
  e: unknown,
  fix = "check that the path names a readable safetensors file.",
): CheckpointError {
  const detail = e instanceof Error ? e.message : String(e);
  return new CheckpointError(where, `could not ${action} (${detail})`, fix, { cause: e });
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
    throw ioError(where, `allocate ${bytes} bytes for the file's data`, e, "split the checkpoint into smaller files.");
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
    if (bytesRead === 0) {
      throw new CheckpointError(
        where,
        `the file shrank while being read (got ${done} of ${length} bytes at offset ${position})`,
        "do not change the file while it loads; load it again.",
      );
    }
    done += bytesRead;
  }
}

export async function readExactly(
  fh: FsPromises.FileHandle,
  length: number,
  position: number,
  where: string,
): Promise<Uint8Array> {
  const out = allocate(() => new Uint8Array(length), length, where);
  await readInto(fh, out, position, where);
  return out;
}

/**
 * Reads every entry's values, in file order. Entries of at most {@link CHUNK_BYTES} are read
 * together, one read per run of them that fits in a chunk (the entries tile the data section, so
 * a run's buffer is exactly their bytes, and F32 / I32 / BOOL tensors are views of it); bigger
 * entries are read on their own by {@link readEntry}, on wasm straight into their tensor. So a
 * file of many small tensors costs few reads, and a huge one never needs a read or a buffer above
 * the chunk size besides its tensors. On failure every tensor made here is disposed.
 */
export async function readAllEntries(
  fh: FsPromises.FileHandle,
  header: SafetensorsHeader,
  where: string,
): Promise<(DecodedValues | tf.Tensor)[]> {
  const entries = header.entries;
  const order = entries.map((_, i) => i).sort((a, b) => entries[a]!.dataOffsets[0] - entries[b]!.dataOffsets[0]);
  const decoded = new Array<DecodedValues | tf.Tensor>(entries.length);
  try {
    await readRuns(fh, header, order, decoded, wasmHeapBackend(), where);
  } catch (e) {
    for (const d of decoded) if (d instanceof tf.Tensor) d.dispose();
    throw e;
  }
  return decoded;
}

async function readRuns(
  fh: FsPromises.FileHandle,
  header: SafetensorsHeader,
  order: readonly number[],
  decoded: (DecodedValues | tf.Tensor)[],
  wasm: WasmHeapBackend | undefined,
  where: string,
): Promise<void> {
  const entries = header.entries;
  const sizeOf = (i: number) => entries[i]!.dataOffsets[1] - entries[i]!.dataOffsets[0];
  for (let k = 0; k < order.length;) {
    const first = order[k]!;
    if (sizeOf(first) > CHUNK_BYTES) {
      decoded[first] = await readEntry(fh, header, entries[first]!, wasm, where);
      k++;
      continue;
    }
    const start = entries[first]!.dataOffsets[0];
    let end = k;
    while (
      end < order.length &&
      sizeOf(order[end]!) <= CHUNK_BYTES &&
      entries[order[end]!]!.dataOffsets[1] - start <= CHUNK_BYTES
    )
      end++;
    const stop = entries[order[end - 1]!]!.dataOffsets[1];
    const bytes = await readExactly(fh, stop - start, header.dataStart + start, where);
    for (; k < end; k++) {
      const e = entries[order[k]!]!;
      const d = decodeEntry(bytes, e, true, where, [e.dataOffsets[0] - start, e.dataOffsets[1] - start]);
      // wasm copies into its heap when the tensor is made: make it now, so this run's buffer is
      // garbage before the next run is read (at most one run in JavaScript memory at a time).
      decoded[order[k]!] = wasm === undefined ? d : tf.tensor(d.values, e.shape.slice(), d.dtype);
    }
  }
}

/** The parts of tfjs-backend-wasm's `BackendWasm` used to fill a tensor's memory in place. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

/** The wasm backend, when it is the current one and can hand out tensor memory. */
function wasmHeapBackend(): WasmHeapBackend | undefined {
  if (tf.getBackend() !== "wasm") return undefined;
  const b = tf.backend() as unknown as Partial<WasmHeapBackend>;
  return typeof b.makeOutput === "function" && typeof b.typedArrayFromHeap === "function"
    ? (b as WasmHeapBackend)
    : undefined;
}

/**
 * Where one entry's values go: the bytes of the memory its tensor will keep. `bytes()` is asked
 * again for every chunk, because the wasm heap's ArrayBuffer is replaced when the heap grows (V8
 * grows a wasm memory in place, so a read already in flight still lands in the tensor).
 */
interface Destination {
  bytes(): Uint8Array;
  /** The finished values (a typed array) or tensor (wasm heap). */
  result(): DecodedValues | tf.Tensor;
  /** Frees the tensor made for a heap destination when reading fails. */
  discard(): void;
}

function destinationFor(entry: TensorEntry, wasm: WasmHeapBackend | undefined, where: string): Destination {
  const dtype = LOADABLE_DTYPES[entry.dtype]!;
  const count = entry.shape.reduce((a, b) => a * b, 1);
  if (wasm !== undefined) {
    const info = allocate(() => wasm.makeOutput(entry.shape.slice(), dtype), count * (dtype === "bool" ? 1 : 4), where);
    const tensor = tf.engine().makeTensorFromTensorInfo(info);
    return {
      bytes: () => {
        const v = wasm.typedArrayFromHeap(info);
        return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      },
      result: () => tensor,
      discard: () => tensor.dispose(),
    };
  }
  const values = allocate(
    () =>
      dtype === "float32" ? new Float32Array(count) : dtype === "int32" ? new Int32Array(count) : new Uint8Array(count),
    count * (dtype === "bool" ? 1 : 4),
    where,
  );
  return { bytes: () => new Uint8Array(values.buffer), result: () => ({ values, dtype }), discard: () => undefined };
}

/**
 * Reads one entry straight into the memory its tensor will keep (a typed array, or the tensor's
 * memory in the wasm heap): F32 / I32 / BOOL bytes are read there directly; other dtypes are read
 * through a bounded scratch buffer and converted chunk by chunk. No copy of the whole entry (let
 * alone the file) is made besides that memory.
 */
async function readEntry(
  fh: FsPromises.FileHandle,
  header: SafetensorsHeader,
  entry: TensorEntry,
  wasm: WasmHeapBackend | undefined,
  where: string,
): Promise<DecodedValues | tf.Tensor> {
  const [begin, end] = entry.dataOffsets;
  const bytes = end - begin;
  const position = header.dataStart + begin;
  const dest = destinationFor(entry, wasm, where);
  try {
    if (LITTLE_ENDIAN && (entry.dtype === "F32" || entry.dtype === "I32" || entry.dtype === "BOOL")) {
      for (let done = 0; done < bytes;) {
        const length = Math.min(CHUNK_BYTES, bytes - done);
        await readInto(fh, dest.bytes().subarray(done, done + length), position + done, where);
        done += length;
      }
      if (entry.dtype === "BOOL") {
        const b = dest.bytes();
        for (let i = 0; i < b.length; i++) if (b[i]! > 1) b[i] = 1;
      }
      return dest.result();
    }
    const itemBytes = bitsOf(entry.dtype) / 8;
    const outItemBytes = LOADABLE_DTYPES[entry.dtype] === "bool" ? 1 : 4;
    // CHUNK_BYTES is a multiple of every item size, so chunks never split an element.
    const scratch = allocate(() => new Uint8Array(Math.min(bytes, CHUNK_BYTES)), Math.min(bytes, CHUNK_BYTES), where);
    for (let done = 0; done < bytes;) {
      const length = Math.min(CHUNK_BYTES, bytes - done);
      const chunk = scratch.subarray(0, length);
      await readInto(fh, chunk, position + done, where);
      const { values } = decodeEntry(chunk, entry, false, where, [0, length], done / itemBytes);
      dest
        .bytes()
        .set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), (done / itemBytes) * outItemBytes);
      done += length;
    }
    return dest.result();
  } catch (e) {
    dest.discard();
    throw e;
  }
}
