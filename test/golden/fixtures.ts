// Loader for the golden fixtures written by tools/golden/*.py from real Haiku / JAX / optax
// (see tools/golden/README.md). Deliberately independent of src/io: the suite checks our
// safetensors reader, so the fixtures are read by this separate ~40-line parser of the format
// (8-byte little-endian header length, JSON header, raw little-endian data).
import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { expect } from "vitest";

/** Directory of the committed fixtures. */
export const FIXTURES_DIR = new URL("./fixtures/", import.meta.url);

/** An array in a JSON fixture: `{shape, dtype, data}` with `data` flat, row-major. */
export interface JsonArray {
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32" | "uint32" | "bool";
  readonly data: readonly number[];
}

/** Reads `test/golden/fixtures/<name>.json`. */
export function readJsonFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES_DIR), "utf8")) as T;
}

/** A JSON fixture array as a tensor (the caller disposes it). */
export function jsonTensor(a: JsonArray): tf.Tensor {
  if (a.dtype === "uint32")
    return tf.tensor(
      Int32Array.from(a.data, (v) => v | 0),
      [...a.shape],
      "int32",
    );
  return tf.tensor(a.data as number[], [...a.shape], a.dtype);
}

type Raw = Float32Array | Int32Array | Uint32Array | Uint8Array | Float64Array;

const DTYPES: Record<string, { bytes: number; make: (b: ArrayBuffer, off: number, n: number) => Raw }> = {
  F32: { bytes: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  F64: { bytes: 8, make: (b, o, n) => new Float64Array(b, o, n) },
  I32: { bytes: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  U32: { bytes: 4, make: (b, o, n) => new Uint32Array(b, o, n) },
  BOOL: { bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
};

/** One array of a safetensors fixture, as stored. */
export interface StoredArray {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Raw;
}

/** Every array of a safetensors fixture, by name, plus its `__metadata__`. */
export class ArrayStore {
  private readonly arrays = new Map<string, StoredArray>();

  constructor(
    bytes: Uint8Array,
    readonly source: string,
  ) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLen = Number(view.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
    const base = 8 + headerLen;
    for (const [name, entry] of Object.entries(header)) {
      if (name === "__metadata__") {
        this.metadata = entry as Record<string, string>;
        continue;
      }
      const {
        dtype,
        shape,
        data_offsets: [begin, end],
      } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
      const kind = DTYPES[dtype];
      if (kind === undefined)
        throw new Error(`${source}: array ${name} has dtype ${dtype}, which the fixture loader does not read`);
      // A copy, so every typed array is aligned whatever its offset in the file.
      const buf = bytes.slice(base + begin, base + end).buffer;
      this.arrays.set(name, { dtype, shape, data: kind.make(buf, 0, (end - begin) / kind.bytes) });
    }
  }

  /** The file's `__metadata__` (empty if none). */
  readonly metadata: Record<string, string> = {};

  /** Whether the fixture has `name`. */
  has(name: string): boolean {
    return this.arrays.has(name);
  }

  /** The names starting with `prefix`, in file (sorted) order. */
  names(prefix = ""): string[] {
    return [...this.arrays.keys()].filter((k) => k.startsWith(prefix));
  }

  /** The stored array `name`; throws naming the fixture if it is missing. */
  raw(name: string): StoredArray {
    const a = this.arrays.get(name);
    if (a === undefined)
      throw new Error(
        `${this.source}: no array named ${JSON.stringify(name)}; regenerate the fixture (tools/golden/README.md)`,
      );
    return a;
  }

  /** A new tensor holding array `name` (F32 -> float32, I32/U32 -> int32, BOOL -> bool); the caller disposes it. */
  tensor(name: string): tf.Tensor {
    const { dtype, shape, data } = this.raw(name);
    if (dtype === "F32") return tf.tensor(data as Float32Array, [...shape], "float32");
    if (dtype === "F64") return tf.tensor(Float32Array.from(data), [...shape], "float32");
    if (dtype === "BOOL") return tf.tensor(data as Uint8Array, [...shape], "bool");
    return tf.tensor(Int32Array.from(data), [...shape], "int32");
  }

  /**
   * A Haiku `{module: {name: tensor}}` tree from the arrays `<prefix><module>/<name>`, in the order
   * `order` lists them (`[module, name, ...]` rows, as the generators write it).
   */
  tree(
    prefix: string,
    order: readonly (readonly [string, string, ...unknown[]])[],
  ): Record<string, Record<string, tf.Tensor>> {
    const out: Record<string, Record<string, tf.Tensor>> = {};
    for (const [module, name] of order) (out[module] ??= {})[name] = this.tensor(`${prefix}${module}/${name}`);
    return out;
  }
}

/** Reads `test/golden/fixtures/<name>.safetensors`. */
export function readSafetensorsFixture(name: string): ArrayStore {
  const file = `${name}.safetensors`;
  return new ArrayStore(new Uint8Array(readFileSync(new URL(file, FIXTURES_DIR))), `test/golden/fixtures/${file}`);
}

/** Tolerance of one comparison: passes where `|actual - expected| <= atol + rtol * |expected|` (numpy's allclose). */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * Asserts that `actual` has `expected`'s shape and values within `tol` (NaNs must match NaNs),
 * naming the worst element in the failure message.
 */
export function expectAllClose(
  actual: tf.Tensor,
  expected: StoredArray | tf.Tensor,
  tol: Tolerance,
  label: string,
): void {
  const eShape = expected instanceof tf.Tensor ? expected.shape : expected.shape;
  expect([...actual.shape], `${label}: shape`).toEqual([...eShape]);
  const a = actual.dataSync();
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected.data;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    const excess = Math.abs(x - y) - (tol.atol + tol.rtol * Math.abs(y));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  // GOLDEN_RATIO=1 prints each comparison's worst |diff| / allowed, to see the margin a tolerance leaves.
  if (process.env["GOLDEN_RATIO"]) {
    let r = 0;
    for (let i = 0; i < e.length; i++)
      r = Math.max(r, Math.abs(Number(a[i]) - Number(e[i])) / (tol.atol + tol.rtol * Math.abs(Number(e[i]))));
    console.log(`RATIO ${r.toExponential(2)} ${label}`);
  }
  if (worst >= 0) {
    expect.fail(
      `${label}: element ${worst} is ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(Number(a[worst]) - Number(e[worst]))} > atol ${tol.atol} + rtol ${tol.rtol} * |expected|)`,
    );
  }
}

/** A two-level params tree of JSON arrays (module -> name -> array), as the optax fixtures store them. */
export type JsonTree = Record<string, Record<string, JsonArray>>;

/** The tensors of a {@link JsonTree}. */
export function toTree(t: JsonTree): Record<string, Record<string, tf.Tensor>> {
  const out: Record<string, Record<string, tf.Tensor>> = {};
  for (const [m, e] of Object.entries(t)) {
    out[m] = {};
    for (const [n, a] of Object.entries(e)) out[m][n] = jsonTensor(a);
  }
  return out;
}

/** Asserts a two-level tree of tensors has `expected`'s keys and values within `tol`. */
export function expectTree(actual: unknown, expected: JsonTree, tol: Tolerance, what: string): void {
  const a = actual as Record<string, Record<string, tf.Tensor>>;
  expect(Object.keys(a).sort(), what).toEqual(Object.keys(expected).sort());
  for (const [m, e] of Object.entries(expected)) {
    for (const [n, arr] of Object.entries(e)) {
      const want = jsonTensor(arr);
      expectAllClose(a[m]![n]!, want, tol, `${what} ${m}/${n}`);
      want.dispose();
    }
  }
}
