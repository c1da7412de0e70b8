import * as tf from "@tensorflow/tfjs-core";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as io from "../../src/io/index.js";
import { CheckpointError } from "../../src/util/errors.js";
import * as data from "../../src/tree/data_structures.js";
import * as tree from "../../src/tree/index.js";
import { leBytes, pythonSaveFile, rawFile } from "./python_layout.js";

/** mulberry32: a tiny seeded generator so every failure is reproducible from its case number. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function baseFiles(): Uint8Array[] {
  const made: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T) => (made.push(t), t);
  const files = [
    io.serialize({
      "mlp/~/linear_0": {
        w: keep(
          tf.tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
        b: keep(tf.tensor([0.5, -0.5, 0])),
      },
      "mlp/~/linear_1": { w: keep(tf.tensor([[1], [2], [3]])), b: keep(tf.scalar(7)) },
    }),
    io.serialize(
      {
        ema: {
          hidden: [keep(tf.scalar(1)), keep(tf.tensor([true, false], [2], "bool"))],
          count: keep(tf.scalar(3, "int32")),
          none: null,
        },
        top: keep(tf.zeros([0, 2])),
      },
      { metadata: { step: "12" } },
    ),
    io.serialize({}),
    pythonSaveFile([
      { name: "m/bf", dtype: "BF16", shape: [2], data: leBytes("u16", [0x3f80, 0xc000]) },
      { name: "m/h", dtype: "F16", shape: [1, 2], data: leBytes("u16", [0x3c00, 0x7bff]) },
      { name: "m/l", dtype: "I64", shape: [2], data: leBytes("i64", [5n, -5n]) },
      { name: "m/d", dtype: "F64", shape: [], data: leBytes("f64", [0.25]) },
      { name: "m/u", dtype: "U8", shape: [3], data: leBytes("u8", [1, 2, 255]) },
      { name: "m/q", dtype: "U32", shape: [1], data: leBytes("u32", [9]) },
    ]),
  ];
  for (const t of made) t.dispose();
  return files;
}

const INTERESTING = [
  "-1",
  "0",
  "1",
  "3",
  "7",
  "8",
  "1.5",
  "1e3",
  "2147483648",
  "4294967296",
  "4000000000",
  "9007199254740993",
  "1e308",
  "-0",
  "null",
  "true",
  '"8"',
  "[]",
  "{}",
];
const DTYPES = [
  "F32",
  "I32",
  "BOOL",
  "F16",
  "BF16",
  "F64",
  "I64",
  "U64",
  "U8",
  "I8",
  "U32",
  "F4",
  "F8_E4M3",
  "C64",
  "F128",
  "",
  "f32",
];

/** One random mutation of a valid file: byte flips, truncation, junk, length-field or header edits. */
function mutate(file: Uint8Array, next: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const int = (n: number) => Math.floor(next() * n);
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const kind = int(7);
  if (kind === 0) {
    const out = file.slice();
    for (let k = 1 + int(8); k > 0; k--) if (out.length > 0) out[int(out.length)]! ^= 1 << int(8);
    return out;
  }
  if (kind === 1) return file.slice(0, int(file.length));
  if (kind === 2) {
    const out = new Uint8Array(file.length + 1 + int(16));
    out.set(file);
    for (let i = file.length; i < out.length; i++) out[i] = int(256);
    return out;
  }
  if (kind === 3) {
    const out = file.slice();
    const lengths = [
      0n,
      1n,
      BigInt(n - 1),
      BigInt(n + 1),
      BigInt(n + 8),
      BigInt(file.length),
      2n ** 32n,
      2n ** 63n,
      2n ** 64n - 1n,
      100_000_000n,
      BigInt(int(2 ** 31)),
    ];
    new DataView(out.buffer).setBigUint64(0, pick(lengths), true);
    return out;
  }
  // Header text edits, re-framed with a consistent length most of the time so the edit reaches
  // the deeper checks.
  let text = new TextDecoder().decode(file.subarray(8, 8 + n));
  const data = file.subarray(8 + n);
  const edits = 1 + int(3);
  for (let e = 0; e < edits; e++) {
    const op = int(7);
    if (op === 0) {
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
      if (numbers.length > 0) {
        const m = pick(numbers);
        text = text.slice(0, m.index) + pick(INTERESTING) + text.slice(m.index + m[0].length);
      }
    } else if (op === 1) {
      const dtypes = [...text.matchAll(/"dtype":"([A-Z0-9_]*)"/g)];
      if (dtypes.length > 0) {
        const m = pick(dtypes);
        text = text.slice(0, m.index) + `"dtype":"${pick(DTYPES)}"` + text.slice(m.index + m[0].length);
      }
    } else if (op === 2) {
      const at = int(text.length + 1);
      text = text.slice(0, at) + text.slice(at + 1 + int(4));
    } else if (op === 3) {
      const at = int(text.length + 1);
      text =
        text.slice(0, at) +
        pick(["{", "}", "[", "]", ",", ":", '"', "0", "9", "a", "/", "\\", "\u00e9", " "]) +
        text.slice(at);
    } else if (op === 4) {
      const a = int(text.length);
      const b = a + int(40);
      const at = int(text.length + 1);
      text = text.slice(0, at) + text.slice(a, b) + text.slice(at);
    } else if (op === 5) {
      // Another entry's offsets: overlaps and holes.
      const offsets = [...text.matchAll(/"data_offsets":\[\d+,\d+\]/g)];
      if (offsets.length > 0) {
        const m = pick(offsets);
        text = text.slice(0, m.index) + pick(offsets)[0] + text.slice(m.index + m[0].length);
      }
    } else {
      text = text.replace(
        /"shape":\[[^\]]*\]/,
        `"shape":[${pick(["", "0", "2,2", "1,1,1,1", "4294967296,4294967296", "-1", "1e400"])}]`,
      );
    }
  }
  const headerBytes = new TextEncoder().encode(text);
  const keepLength = kind === 6 && int(2) === 0;
  const newN = keepLength ? n : headerBytes.length;
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(newN), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

function leaves(tree: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (tree instanceof tf.Tensor) out.push(tree);
  else if (tree !== null && typeof tree === "object") for (const v of Object.values(tree)) leaves(v, out);
  return out;
}

/** Either a correct load (checked against the header) or a CheckpointError from hk.io; never anything else. */
function outcome(bytes: Uint8Array, where: string, loaded: () => unknown): "loaded" | "rejected" {
  try {
    const tree = loaded();
    const got = leaves(tree);
    try {
      const header = io.readHeader(bytes);
      expect(got.length).toBe(header.entries.length);
      const shapes = (xs: (readonly number[])[]) => xs.map((s) => JSON.stringify(s)).sort();
      expect(shapes(got.map((t) => t.shape))).toEqual(shapes(header.entries.map((e) => e.shape)));
      const dtypes = (xs: string[]) => xs.sort();
      expect(dtypes(got.map((t) => t.dtype))).toEqual(dtypes(header.entries.map((e) => io.LOADABLE_DTYPES[e.dtype]!)));
      for (const t of got) expect(t.dataSync().length).toBe(t.size);
      expect(Object.isFrozen(tree)).toBe(true);
    } finally {
      for (const t of got) t.dispose();
    }
    return "loaded";
  } catch (e) {
    if (!(e instanceof CheckpointError) || e.constructor !== CheckpointError || !e.message.startsWith(where)) throw e;
    return "rejected";
  }
}

describe("fuzzing the reader with mutated files", () => {
  it("every mutated file loads correctly or throws a CheckpointError; no hang, no leak", () => {
    const bases = baseFiles();
    const before = tf.memory().numTensors;
    const counts = { loaded: 0, rejected: 0 };
    const messages = new Set<string>();
    const start = performance.now();
    let slowest = 0;
    const CASES = 12_000;
    for (let c = 0; c < CASES; c++) {
      const next = rng(c + 1);
      const bytes = mutate(bases[c % bases.length]!, next);
      const t0 = performance.now();
      let result: "loaded" | "rejected";
      try {
        result = outcome(bytes, "hk.io.deserialize: ", () => io.deserialize(bytes));
      } catch (e) {
        throw new Error(
          `fuzz case ${c} (base ${c % bases.length}): ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`,
          { cause: e },
        );
      }
      slowest = Math.max(slowest, performance.now() - t0);
      counts[result]++;
      if (result === "rejected") {
        try {
          io.deserialize(bytes);
        } catch (e) {
          messages.add((e as Error).message.replace(/"[^"]*"|\d+/g, "_").slice(0, 90));
        }
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    // Both outcomes and many distinct checks were exercised.
    expect(counts.loaded).toBeGreaterThan(400);
    expect(counts.rejected).toBeGreaterThan(5000);
    expect(messages.size).toBeGreaterThan(40);
    // Hang detectors with room for a busy machine (a case takes ~0.05 ms; the loop ~1 s).
    expect(slowest).toBeLessThan(2000);
    expect(performance.now() - start).toBeLessThan(40_000);
  });

  it("random garbage with plausible length fields throws CheckpointErrors", () => {
    const before = tf.memory().numTensors;
    for (let c = 0; c < 2000; c++) {
      const next = rng(100_000 + c);
      const bytes = new Uint8Array(Math.floor(next() * 64));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
      if (bytes.length >= 8 && next() < 0.7) {
        new DataView(bytes.buffer).setBigUint64(0, BigInt(Math.floor(next() * (bytes.length - 7))), true);
        if (bytes.length > 8 && next() < 0.7) bytes[8] = 0x7b;
      }
      expect(outcome(bytes, "hk.io.deserialize: ", () => io.deserialize(bytes))).toBe("rejected");
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  describe("through the file loader", () => {
    const dirPromise = mkdtemp(join(tmpdir(), "hk-io-fuzz-"));
    afterAll(async () => rm(await dirPromise, { recursive: true, force: true }));

    it("loadParams agrees with deserialize on mutated files", async () => {
      const dir = await dirPromise;
      const bases = baseFiles();
      const before = tf.memory().numTensors;
      for (let c = 0; c < 300; c++) {
        const bytes = mutate(bases[c % bases.length]!, rng(500_000 + c));
        const path = join(dir, `case${c % 4}.safetensors`);
        await writeFile(path, bytes);
        const where = `hk.io.loadParams(${JSON.stringify(path)}): `;
        let fromFile: unknown;
        let fileError: Error | undefined;
        try {
          fromFile = await io.loadParams(path);
        } catch (e) {
          fileError = e as Error;
        }
        const viaMemory = outcome(bytes, "hk.io.deserialize: ", () => io.deserialize(bytes));
        if (fileError !== undefined) {
          expect(fileError.constructor).toBe(CheckpointError);
          expect(fileError.message.startsWith(where)).toBe(true);
          expect(viaMemory, `case ${c}`).toBe("rejected");
        } else {
          expect(outcome(bytes, where, () => fromFile)).toBe("loaded");
          expect(viaMemory, `case ${c}`).toBe("loaded");
        }
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe("hostile names and nesting", () => {
    const HOSTILE = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "isAdmin", "m", "~"];
    const clean = () => {
      const probe = {} as Record<string, unknown>;
      const members = ["constructor", "toString", "hasOwnProperty"];
      return (
        HOSTILE.every(
          (k) => k === "__proto__" || (members.includes(k) ? typeof probe[k] === "function" : probe[k] === undefined),
        ) &&
        Object.getPrototypeOf(probe) === Object.prototype &&
        !Object.prototype.hasOwnProperty.call(Object, "isAdmin")
      );
    };
    /** Own keys at every level, as `module/name` paths (the fixed point every function must keep). */
    const paths = (s: unknown): string[] =>
      Object.getOwnPropertyNames(s)
        .flatMap((m) => Object.getOwnPropertyNames((s as Record<string, object>)[m]).map((n) => `${m}/${n}`))
        .sort();

    it("names made of Object.prototype members load as own keys and survive every tree/data function", () => {
      const before = tf.memory().numTensors;
      for (let c = 0; c < 400; c++) {
        const next = rng(900_000 + c);
        const pick = () => HOSTILE[Math.floor(next() * HOSTILE.length)]!;
        const names = new Set<string>();
        for (let k = 1 + Math.floor(next() * 5); k > 0; k--)
          names.add(`${next() < 0.3 ? `${pick()}/~/` : ""}${pick()}/${pick()}`);
        const bytes = pythonSaveFile(
          [...names].map((name, i) => ({ name, dtype: "F32", shape: [1], data: leBytes("f32", [i]) })),
        );
        const loaded = io.deserialize(bytes) as data.Structure<tf.Tensor>;
        const want = [...names].sort();
        const context = `case ${c}: ${JSON.stringify(want)}`;
        expect(paths(loaded), context).toEqual(want);
        const results: [string, unknown][] = [
          ["filter", data.filter(() => true, loaded)],
          ["map", data.map((_m, _n, v) => v, loaded)],
          ["partition", data.merge(...data.partition(() => next() < 0.5, loaded))],
          ["merge", data.merge(loaded, loaded, { checkDuplicates: true })],
          ["toMutableDict", data.toMutableDict(loaded)],
          ["toHaikuDict", data.toHaikuDict(loaded)],
          ["tree.map", tree.map((x: tf.Tensor) => x, loaded)],
          ["tree.unflatten", tree.unflatten(...(([l, d]) => [d, l] as const)(tree.flatten(loaded)))],
          ["round trip", io.deserialize(io.serialize(loaded))],
        ];
        for (const [what, r] of results) expect(paths(r), `${context} ${what}`).toEqual(want);
        expect(clean(), context).toBe(true);
        tree.dispose(results[results.length - 1]![1]);
        tree.dispose(loaded);
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    it("nesting up to 127 levels loads, deeper is rejected before parsing (as the Rust crate does)", () => {
      for (let c = 0; c < 200; c++) {
        const next = rng(950_000 + c);
        const depth = 2 + Math.floor(next() * 200);
        // Random [ / { nesting inside an extra entry field (what serde ignores) or a metadata value
        // string (never counted), at the start or end of the header.
        let open = "";
        let close = "";
        for (let d = 0; d < depth - 2; d++) {
          const obj = next() < 0.5;
          open += obj ? `{"k${d}":` : "[";
          close = (obj ? "}" : "]") + close;
        }
        const field = `${open}1${close}`;
        const inString = `"${"[{".repeat(Math.floor(next() * 300))}"`;
        const a = `"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":${field}}`;
        const meta = `"__metadata__":{"s":${inString}}`;
        const bytes = rawFile(next() < 0.5 ? `{${a},${meta}}` : `{${meta},${a}}`, new Uint8Array([7]));
        let ok = true;
        try {
          tree.dispose(io.deserialize(bytes));
        } catch (e) {
          ok = false;
          expect((e as Error).message, `case ${c}`).toMatch(/nests objects\/arrays deeper than 127 levels/);
        }
        expect(ok, `case ${c}, depth ${depth}`).toBe(depth <= io.MAX_HEADER_DEPTH);
      }
    });
  });
});
