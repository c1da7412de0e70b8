// The header reader has two paths: a direct reader for well-formed headers (fast) and the
// careful path (JSON.parse, then every check with its message). The direct reader must never
// change an outcome: on every header below, both give the same header or the same error.
import { describe, expect, it } from "vitest";
import { parseHeaderText, type SafetensorsHeader } from "../../src/io/header.js";
import { readHeaderDirect } from "../../src/io/header_direct.js";
import * as io from "../../src/io/index.js";
import { rawFile } from "./python_layout.js";
import { CheckpointError } from "../../src/util/errors.js";

/** mulberry32, seeded per case so a failure is reproducible from its number. */
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

const BITS: Record<string, number> = {
  U8: 8,
  BOOL: 8,
  F16: 16,
  BF16: 16,
  F32: 32,
  I32: 32,
  F64: 64,
  I64: 64,
  F4: 4,
  F6_E2M3: 6,
};
// Names JavaScript objects treat specially (integer-like keys come first, __proto__), escapes,
// non-ASCII, the metadata key itself, and plain ones that repeat.
const NAMES = [
  "a",
  "b",
  "m/w",
  "m/~/b",
  "0",
  "12",
  "01",
  "4294967295",
  "-1",
  "__proto__",
  "constructor",
  "é/w",
  "\\u0061",
  'a\\"b',
  "x\\\\y",
  "__metadata__",
  "__meta\\u0064ata__",
  "c",
  "d",
  "e",
];
const NUMBER_SPELLINGS = (v: number): string[] => [
  String(v),
  String(v),
  String(v),
  `${v}.0`,
  `${v}e0`,
  `${v}E+0`,
  v === 0 ? "-0" : `0${v}`,
  `${v}.`,
];
const SPACES = ["", "", "", " ", "\n", "\t", "\r\n  ", "\u000b", "\u00a0"];
const EXTRA_VALUES = [
  "1",
  '"x"',
  "null",
  "true",
  "false",
  "-1.5e3",
  "[]",
  "{}",
  "[1,[2]]",
  '{"k":[]}',
  "nul",
  "tru",
  '"\\x"',
];
const DTYPES = [
  "U8",
  "BOOL",
  "F16",
  "BF16",
  "F32",
  "I32",
  "F64",
  "I64",
  "F4",
  "F6_E2M3",
  "f32",
  "F128",
  "__proto__",
  "F\\u0033\\u0032",
];

function header(next: () => number): { text: string; dataBytes: number } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const sp = () => (next() < 0.85 ? "" : pick(SPACES));
  const num = (v: number) => (next() < 0.9 ? String(v) : pick(NUMBER_SPELLINGS(v)));
  const members: string[] = [];
  let offset = 0;
  const count = Math.floor(next() * 6);
  for (let k = 0; k < count; k++) {
    const dtype = pick(DTYPES);
    const shape = Array.from({ length: Math.floor(next() * 3) }, () => Math.floor(next() * 4));
    const elements = shape.reduce((a, b) => a * b, 1);
    const size = ((BITS[dtype.replace("\\u0033\\u0032", "32")] ?? 8) * elements) / 8;
    const bytes = Number.isInteger(size) ? size : 1;
    const begin = next() < 0.9 ? offset : Math.floor(next() * (offset + 2));
    const end = begin + (next() < 0.9 ? bytes : Math.floor(next() * 3));
    offset = Math.max(offset, end);
    const fields = [
      `"dtype"${sp()}:${sp()}"${dtype}"`,
      `"shape"${sp()}:${sp()}[${shape.map((d) => sp() + num(d) + sp()).join(",")}]`,
      `"data_offsets":[${num(begin)},${sp()}${num(end)}${next() < 0.03 ? ",0" : ""}]`,
    ];
    if (next() < 0.15)
      fields.push(
        `"${pick(["x", "dtype", "shape", "data_offsets", "__proto__", "d\\u0074ype"])}":${pick(EXTRA_VALUES)}`,
      );
    if (next() < 0.05) fields.splice(Math.floor(next() * fields.length), 1);
    for (let f = fields.length - 1; f > 0; f--) {
      const g = Math.floor(next() * (f + 1));
      [fields[f], fields[g]] = [fields[g]!, fields[f]!];
    }
    const value =
      next() < 0.04 ? pick(["null", "[]", "1", '"F32"']) : `{${sp()}${fields.join(`${sp()},${sp()}`)}${sp()}}`;
    members.push(`${sp()}"${pick(NAMES)}"${sp()}:${sp()}${value}`);
  }
  if (next() < 0.4) {
    const pairs = Array.from(
      { length: Math.floor(next() * 3) },
      () =>
        `"${pick(["k", "step", "k", "__proto__", "0", "\\n"])}":${pick(['"v"', '"12"', '"\\u00e9\\""', "1", "null"])}`,
    );
    const value = next() < 0.15 ? pick(["null", "[]", '"s"']) : `{${pairs.join(",")}}`;
    members.splice(Math.floor(next() * (members.length + 1)), 0, `"__metadata__":${value}`);
  }
  let text = `{${members.join(",")}${sp()}}${next() < 0.2 ? "  " : ""}`;
  if (next() < 0.15) {
    // A one-character edit anywhere: most make invalid JSON, some a different valid header.
    const at = 1 + Math.floor(next() * (text.length - 1));
    const edit = pick(["", ",", '"', "]", "}", "[", "{", ":", "0", " ", "\\", "\u0001"]);
    text = text.slice(0, at) + edit + text.slice(at + (next() < 0.5 ? 1 : 0));
  }
  const dataBytes = next() < 0.9 ? offset : offset + pick([-1, 1]);
  return { text, dataBytes: Math.max(0, dataBytes) };
}

function outcome(
  headerBytes: Uint8Array,
  dataBytes: number,
  direct: boolean,
): { header?: SafetensorsHeader; error?: string } {
  try {
    return { header: parseHeaderText(headerBytes, dataBytes, "test", direct) };
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return { error: (e as Error).message };
  }
}

/** What a caller can observe of a header: values, key order, prototypes, frozenness. */
function observable(h: SafetensorsHeader): unknown {
  return {
    ...h,
    metadata: Object.entries(h.metadata),
    metadataPrototype: Object.getPrototypeOf(h.metadata),
    frozen: [Object.isFrozen(h), Object.isFrozen(h.metadata), Object.isFrozen(h.entries)],
  };
}

describe("the direct header reader", () => {
  it("gives exactly the careful path's header or error on 20,000 generated headers", () => {
    const counts = { direct: 0, accepted: 0, rejected: 0 };
    for (let c = 0; c < 20_000; c++) {
      const { text, dataBytes } = header(rng(c + 1));
      const bytes = new TextEncoder().encode(text);
      const fast = outcome(bytes, dataBytes, true);
      const careful = outcome(bytes, dataBytes, false);
      const context = `case ${c}: ${text} (data ${dataBytes} bytes)`;
      expect(fast.error, context).toBe(careful.error);
      if (careful.header !== undefined) {
        expect(observable(fast.header!), context).toEqual(observable(careful.header));
        counts.accepted++;
      } else {
        counts.rejected++;
      }
      try {
        if (readHeaderDirect(text, dataBytes, io.MAX_TENSORS, () => 0) !== undefined) counts.direct++;
      } catch {
        // gave up
      }
    }
    // Both outcomes, and the direct reader answering for a good share, were exercised.
    expect(counts.accepted).toBeGreaterThan(2000);
    expect(counts.rejected).toBeGreaterThan(5000);
    expect(counts.direct).toBeGreaterThan(2000);
  });

  it("finds a repeated name among thousands (its name table grows) and hands the header over", () => {
    const entry = (name: string) => `"${name}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`;
    const names = Array.from({ length: 3000 }, (_, i) => `m${i}/w`);
    const text = `{${names.map(entry).join(",")}}`;
    expect(readHeaderDirect(text, 0, io.MAX_TENSORS, () => 0)?.entries.map((e) => e.name)).toEqual(names);
    for (const repeated of ["m0/w", "m1500/w", "m2999/w"]) {
      const withRepeat = `{${[...names, repeated].map(entry).join(",")}}`;
      expect(
        readHeaderDirect(withRepeat, 0, io.MAX_TENSORS, () => 0),
        repeated,
      ).toBeUndefined();
      // JSON.parse keeps one "m0/w" (the last), in the first one's place.
      expect(io.readHeader(rawFile(withRepeat)).entries.map((e) => e.name)).toEqual(names);
    }
  });

  it("keeps the careful path's order for integer-like names and the last value of a repeated name", () => {
    // JavaScript objects list integer-like keys first; JSON.parse keeps a repeated key's first
    // place with its last value (the dropped "a" is empty, so the file still tiles).
    const text = `{"b":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"7":{"dtype":"U8","shape":[2],"data_offsets":[1,3]},"a":{"dtype":"F32","shape":[0],"data_offsets":[3,3]}}`;
    const h = io.readHeader(rawFile(text, new Uint8Array(3)));
    expect(h.entries.map((e) => [e.name, e.dtype])).toEqual([
      ["7", "U8"],
      ["b", "U8"],
      ["a", "F32"],
    ]);
  });

  it("reads whitespace, escapes, any field order and extra scalar fields as JSON does", () => {
    const text = `{ "__metadata__" : { "n\\u00e9" : "x\\"y" } ,\n\t"m\\/w" : { "shape" : [ 2 , 1e0 ] , "x" : [1], "data_offsets" : [ 0 , 8 ], "dtype" : "F\\u00332", "y": null } }    `;
    const h = io.readHeader(rawFile(text, new Uint8Array(8)));
    expect(h.entries).toEqual([{ name: "m/w", dtype: "F32", shape: [2, 1], dataOffsets: [0, 8] }]);
    expect(Object.entries(h.metadata)).toEqual([["né", 'x"y']]);
  });
});
