import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as io from "../../src/io/index.js";
import { CheckpointError, InvalidArgumentError } from "../../src/util/errors.js";
import { rawFile } from "./python_layout.js";

const BAD = "hk.io.deserialize: not a valid safetensors file: ";

/**
 * The problem part of a `where: problem. Fix: ...` message, without its closing period, so the
 * tests below pin the problem exactly and only require that some fix follows.
 */
export function problemOf(message: string): string {
  const cut = message.lastIndexOf(". Fix: ");
  expect(cut, message).toBeGreaterThan(0);
  expect(message.slice(cut + 7).length).toBeGreaterThan(0);
  return message.slice(0, cut);
}

/** deserialize must throw a CheckpointError with exactly this problem and create no tensor. */
function rejects(bytes: Uint8Array, message: string): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    io.deserialize(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).constructor).toBe(CheckpointError);
  expect(problemOf((error as Error).message)).toBe(message.replace(/\.$/, ""));
  expect(tf.memory().numTensors).toBe(before);
}

const entry = (name: string, dtype: string, shape: string, offsets: string) =>
  `"${name}":{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;

describe("the hardened reader rejects", () => {
  it("files shorter than the length field", () => {
    rejects(new Uint8Array(3), `${BAD}it is 3 bytes long, shorter than the 8-byte header length field`);
    rejects(new Uint8Array(0), `${BAD}it is 0 bytes long, shorter than the 8-byte header length field`);
  });

  it("header lengths over the 100 MB cap, without allocating them", () => {
    rejects(
      rawFile("{}", undefined, 100_000_001n),
      `${BAD}the header length field says 100000001 bytes, more than the 100000000-byte limit (safetensors' MAX_HEADER_SIZE); the file is corrupt or not safetensors`,
    );
    rejects(
      rawFile("{}", undefined, 2n ** 64n - 1n),
      `${BAD}the header length field says 18446744073709551615 bytes, more than the 100000000-byte limit (safetensors' MAX_HEADER_SIZE); the file is corrupt or not safetensors`,
    );
  });

  it("header lengths past the end of the file", () => {
    rejects(
      rawFile("{}", undefined, 3n),
      `${BAD}the header length field says 3 bytes but only 2 bytes follow it; the file is truncated or not safetensors`,
    );
  });

  it("headers that are not UTF-8, not starting with '{', or not JSON", () => {
    const notUtf8 = rawFile("{}      ");
    notUtf8[9] = 0xff;
    rejects(notUtf8, `${BAD}the header is not valid UTF-8`);
    rejects(
      rawFile(' {"a": 1}'),
      `${BAD}the header must start with "{" (safetensors format), it starts with " {\\"a\\": 1}"`,
    );
    rejects(rawFile(""), `${BAD}the header must start with "{" (safetensors format), it starts with ""`);
    rejects(
      rawFile("\uFEFF{}"),
      `${BAD}the header must start with "{" (safetensors format), it starts with "\uFEFF{}"`,
    );
    expect(() => io.deserialize(rawFile('{"a":'))).toThrow(
      /^hk\.io\.deserialize: not a valid safetensors file: the header is not valid JSON \(.+\)\. Fix: .+$/,
    );
  });

  it("a bad __metadata__", () => {
    rejects(
      rawFile('{"__metadata__":[]}'),
      `${BAD}"__metadata__" must be an object of strings, got an array of length 0`,
    );
    rejects(
      rawFile('{"__metadata__":{"step":100}}'),
      `${BAD}"__metadata__" value of "step" must be a string, got the number 100`,
    );
    // serde reads a null __metadata__ as None.
    expect(io.readHeader(rawFile('{"__metadata__":null}')).metadata).toEqual({});
  });

  it("entries that are not objects or lack fields", () => {
    rejects(
      rawFile('{"m/w":[1]}'),
      `${BAD}entry "m/w" must be an object {dtype, shape, data_offsets}, got an array of length 1`,
    );
    rejects(
      rawFile('{"m/w":"F32"}'),
      `${BAD}entry "m/w" must be an object {dtype, shape, data_offsets}, got the string "F32"`,
    );
    rejects(rawFile('{"m/w":{"dtype":"F32","shape":[]}}'), `${BAD}entry "m/w" has no "data_offsets"`);
    rejects(rawFile('{"m/w":{"shape":[],"data_offsets":[0,4]}}'), `${BAD}entry "m/w" has no "dtype"`);
  });

  it("unknown dtypes", () => {
    const known = "(known: BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64, C64, F4, F6_*, F8_*)";
    rejects(
      rawFile(`{${entry("m/w", "F128", "[]", "[0,16]")}}`, new Uint8Array(16)),
      `${BAD}entry "m/w" has unknown dtype the string "F128" ${known}`,
    );
    rejects(
      rawFile(`{${entry("m/w", "__proto__", "[]", "[0,0]")}}`),
      `${BAD}entry "m/w" has unknown dtype the string "__proto__" ${known}`,
    );
    rejects(
      rawFile('{"m/w":{"dtype":32,"shape":[],"data_offsets":[0,4]}}', new Uint8Array(4)),
      `${BAD}entry "m/w" has unknown dtype the number 32 ${known}`,
    );
  });

  it("shapes that are not arrays of non-negative safe integers", () => {
    const data = new Uint8Array(4);
    rejects(
      rawFile(`{${entry("m/w", "F32", "4", "[0,4]")}}`, data),
      `${BAD}entry "m/w": "shape" must be an array of non-negative integers, got the number 4`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F32", "[1,-1]", "[0,4]")}}`, data),
      `${BAD}entry "m/w": shape[1] must be a non-negative integer, got the number -1`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F32", "[1.5]", "[0,4]")}}`, data),
      `${BAD}entry "m/w": shape[0] must be a non-negative integer, got the number 1.5`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F32", '["1"]', "[0,4]")}}`, data),
      `${BAD}entry "m/w": shape[0] must be a non-negative integer, got the string "1"`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F32", "[9007199254740993]", "[0,4]")}}`, data),
      `${BAD}entry "m/w": shape[0] must be a non-negative integer, got the number 9007199254740992`,
    );
  });

  it("shapes whose size overflows, or ends mid-byte", () => {
    rejects(
      rawFile(`{${entry("m/w", "F32", "[4294967296,4294967296]", "[0,4]")}}`),
      `${BAD}entry "m/w": shape [4294967296, 4294967296] has more elements than can be counted exactly (overflow)`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F64", "[1125899906842624]", "[0,8]")}}`),
      `${BAD}entry "m/w": shape [1125899906842624] of F64 overflows when sized in bits`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F4", "[3]", "[0,2]")}}`, new Uint8Array(2)),
      `${BAD}entry "m/w": 3 elements of the 4-bit dtype F4 do not end on a byte boundary`,
    );
  });

  it("bad data_offsets", () => {
    const data = new Uint8Array(8);
    rejects(
      rawFile(`{${entry("m/w", "F32", "[2]", "[0]")}}`, data),
      `${BAD}entry "m/w": "data_offsets" must be [begin, end], got an array of length 1`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F32", "[2]", "{}")}}`, data),
      `${BAD}entry "m/w": "data_offsets" must be [begin, end], got an object with keys []`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F32", "[2]", "[-8,0]")}}`, data),
      `${BAD}entry "m/w": data_offsets begin must be a non-negative integer, got the number -8`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F32", "[2]", "[0,7.5]")}}`, data),
      `${BAD}entry "m/w": data_offsets end must be a non-negative integer, got the number 7.5`,
    );
    rejects(
      rawFile(`{${entry("m/w", "F32", "[2]", "[8,0]")}}`, data),
      `${BAD}entry "m/w": data_offsets [8, 0] end before they begin`,
    );
  });

  it("offsets that disagree with shape x dtype", () => {
    rejects(
      rawFile(`{${entry("m/w", "F32", "[2,3]", "[0,20]")}}`, new Uint8Array(20)),
      `${BAD}entry "m/w": shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] hold 20`,
    );
  });

  it("offsets past the data section (truncated files), before allocating", () => {
    rejects(
      rawFile(`{${entry("m/w", "F32", "[1000000000]", "[0,4000000000]")}}`, new Uint8Array(8)),
      `${BAD}entry "m/w": data_offsets [0, 4000000000] run past the end of the 8-byte data section; the file is truncated`,
    );
  });

  it("overlapping entries, holes and trailing bytes (the data must be tiled exactly)", () => {
    const data = new Uint8Array(8);
    rejects(
      rawFile(`{${entry("a/w", "F32", "[2]", "[0,8]")},${entry("b/w", "F32", "[1]", "[4,8]")}}`, data),
      `${BAD}entry "b/w" (bytes [4, 8)) overlaps entry "a/w" (bytes [0, 8))`,
    );
    rejects(
      rawFile(`{${entry("a/w", "F32", "[1]", "[4,8]")}}`, data),
      `${BAD}bytes [0, 4) of the data section belong to no entry (before "a/w"); safetensors files may not have holes`,
    );
    rejects(
      rawFile(`{${entry("a/w", "F32", "[1]", "[0,4]")}}`, data),
      `${BAD}the data section has 4 bytes after the last entry's data (entries cover 4 of 8); safetensors files must be covered exactly`,
    );
    rejects(
      rawFile("{}", data),
      `${BAD}the data section has 8 bytes after the last entry's data (entries cover 0 of 8); safetensors files must be covered exactly`,
    );
    // Entries may be listed in any order, and empty tensors take no bytes (README "Notes").
    const ok = io.deserialize<Record<string, Record<string, tf.Tensor>>>(
      rawFile(
        `{${entry("a/w", "F32", "[1]", "[4,8]")},${entry("a/e", "F32", "[0,3]", "[4,4]")},${entry("a/v", "F32", "[1]", "[0,4]")}}`,
        data,
      ),
    );
    expect(Object.keys(ok["a"]!)).toEqual(["w", "e", "v"]);
    expect(ok["a"]!["e"]!.shape).toEqual([0, 3]);
    for (const t of Object.values(ok["a"]!)) t.dispose();
  });

  it("a bad haiku-tfjs:tree structure record, disposing what it had built", () => {
    const data = new Uint8Array(4);
    const file = (tree: string) =>
      rawFile(
        `{"__metadata__":{"haiku-tfjs:tree":${JSON.stringify(tree)}},${entry("a/0", "F32", "[]", "[0,4]")}}`,
        data,
      );
    const META = `${BAD}__metadata__["haiku-tfjs:tree"] `;
    expect(() => io.deserialize(file("{"))).toThrow(
      /^hk\.io\.deserialize: not a valid safetensors file: __metadata__\["haiku-tfjs:tree"\] is not valid JSON/,
    );
    rejects(file('{"a":["b/0"]}'), `${META}names a tensor "b/0" that the file does not hold`);
    rejects(file('{"a":["a/0","a/0"]}'), `${META}names the tensor "a/0" twice`);
    rejects(file('{"a":[]}'), `${META}does not place the tensors ["a/0"]`);
    rejects(file('{"a":[1]}'), `${META}holds the number 1 where a tensor name, array, object or null belongs`);
    rejects(file('["a/0"]'), `${META}must be a JSON object at the top`);
    rejects(file(`${"[".repeat(300)}"a/0"${"]".repeat(300)}`), `${META}is nested deeper than 256 levels`);
    const fine = io.deserialize<{ a: tf.Tensor[] }>(file('{"a":["a/0"]}'));
    expect(fine.a[0]!.shape).toEqual([]);
    fine.a[0]!.dispose();
  });

  it("a tensor and a module of the same name", () => {
    const data = new Uint8Array(8);
    rejects(
      rawFile(`{${entry("a", "F32", "[]", "[0,4]")},${entry("a/w", "F32", "[]", "[4,8]")}}`, data),
      'hk.io.deserialize: the file has both a tensor "a" and a module "a/..."; cannot build a tree holding both',
    );
    rejects(
      rawFile(`{${entry("a/w", "F32", "[]", "[0,4]")},${entry("a", "F32", "[]", "[4,8]")}}`, data),
      'hk.io.deserialize: the file has both a tensor "a" and a module "a/..."; cannot build a tree holding both',
    );
  });

  it("input that is not bytes", () => {
    expect(() => io.deserialize("params.safetensors" as unknown as Uint8Array)).toThrow(
      'hk.io.deserialize: `bytes` must be the file\'s bytes as a Uint8Array or ArrayBuffer, got the string "params.safetensors". Fix: read the file first (or use hk.io.loadParams(path) in Node).',
    );
    expect(() => io.readHeader([1, 2] as unknown as Uint8Array)).toThrow(
      "hk.io.readHeader: `bytes` must be the file's bytes as a Uint8Array or ArrayBuffer, got an array of length 2. Fix: ",
    );
    expect(() => io.readHeader([1, 2] as unknown as Uint8Array)).toThrow(InvalidArgumentError);
  });
});

describe("serialize rejects", () => {
  it("trees that are not plain objects of tensors", () => {
    const t = tf.scalar(1);
    expect(() => io.serialize(t as unknown as Record<string, unknown>)).toThrow(
      'hk.io.serialize: `tree` must be a params/state tree (a plain object such as {"mlp/~/linear_0": {w, b}}), got a float32 tensor of shape []. Fix: ',
    );
    expect(() => io.serialize({ m: { w: 1.5 } })).toThrow(
      'hk.io.serialize: the leaf at "m/w" of `tree` must be a tf.Tensor, got the number 1.5. Fix: wrap numbers with tf.scalar(x).',
    );
    expect(() => io.serialize({ m: { w: 1.5 } })).toThrow(InvalidArgumentError);
    expect(() => io.serialize({ m: { k: new Uint32Array(2) } })).toThrow(
      'hk.io.serialize: the leaf at "m/k" of `tree` must be a tf.Tensor, got a Uint32Array of length 2',
    );
    let deep: Record<string, unknown> = { t };
    for (let i = 0; i < 300; i++) deep = { d: deep };
    expect(() => io.serialize(deep)).toThrow(/^hk\.io\.serialize: `tree` is nested deeper than 256 levels/);
    t.dispose();
  });

  it("disposed tensors, dtypes safetensors cannot take, reserved names", () => {
    const gone = tf.scalar(1);
    gone.dispose();
    expect(() => io.serialize({ m: { w: gone } })).toThrow(
      'hk.io.serialize: the tensor at "m/w" is disposed. Fix: save params before disposing them.',
    );
    const c = tf.tensor(["a", "b"]);
    expect(() => io.serialize({ m: { c } })).toThrow(
      'hk.io.serialize: the tensor at "m/c" has dtype string; only float32, int32 and bool can be saved. Fix: cast it with tf.cast.',
    );
    expect(() => io.serialize({ m: { c } })).toThrow(InvalidArgumentError);
    c.dispose();
    const t = tf.scalar(1);
    expect(() => io.serialize({ __metadata__: t })).toThrow(
      'hk.io.serialize: a leaf may not be named "__metadata__" (reserved by safetensors). Fix: rename it.',
    );
    expect(() => io.serialize({ m: { t } }, { metadata: { step: 3 as unknown as string } })).toThrow(
      'hk.io.serialize: `options.metadata["step"]` must be a string (safetensors metadata is string to string), got the number 3. Fix: use String(x) or JSON.stringify(x).',
    );
    expect(() => io.serialize({ m: { t } }, { metadata: { [io.TREE_METADATA_KEY]: "{}" } })).toThrow(
      'hk.io.serialize: `options.metadata["haiku-tfjs:tree"]` is reserved for the tree structure. Fix: pick another key.',
    );
    expect(() => io.serialize({ m: { t } }, { metadata: [] as unknown as Record<string, string> })).toThrow(
      "hk.io.serialize: `options.metadata` must be an object of strings, got an array of length 0. Fix: ",
    );
    expect(() => io.serialize({ m: { t } }, { metadata: "x" as unknown as Record<string, string> })).toThrow(
      'hk.io.serialize: `options.metadata` must be an object of strings, got the string "x". Fix: ',
    );
    t.dispose();
  });
});
