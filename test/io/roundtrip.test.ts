import * as tf from "@tensorflow/tfjs-core";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as io from "../../src/io/index.js";
import { CheckpointError, InvalidArgumentError } from "../../src/util/errors.js";

const dir = await mkdtemp(join(tmpdir(), "hk-io-roundtrip-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

function disposeTree(tree: unknown): void {
  if (tree instanceof tf.Tensor) tree.dispose();
  else if (tree !== null && typeof tree === "object") for (const v of Object.values(tree)) disposeTree(v);
}

/** Tensors -> {dtype, shape, bits} so equality is exact (NaN, -0 included). */
function snapshot(tree: unknown): unknown {
  if (tree instanceof tf.Tensor) {
    const values = tree.dataSync();
    const bits =
      tree.dtype === "float32" ? Array.from(new Uint32Array(new Float32Array(values).buffer)) : Array.from(values);
    return { dtype: tree.dtype, shape: tree.shape, bits };
  }
  if (Array.isArray(tree)) return tree.map(snapshot);
  if (tree !== null && typeof tree === "object") {
    return Object.fromEntries(Object.keys(tree).map((k) => [k, snapshot((tree as Record<string, unknown>)[k])]));
  }
  return tree;
}

/** Keys in insertion order at every level (toEqual ignores order). */
function keyOrder(tree: unknown): unknown {
  if (tree instanceof tf.Tensor || tree === null || typeof tree !== "object") return null;
  if (Array.isArray(tree)) return tree.map(keyOrder);
  return Object.keys(tree).map((k) => [k, keyOrder((tree as Record<string, unknown>)[k])]);
}

function makeParams() {
  return {
    // Deliberately not sorted: the file keeps insertion order.
    "mlp/~/linear_1": {
      w: tf.tensor([[1.5], [-2], [NaN]], [3, 1]),
      b: tf.tensor([-0], [1]),
    },
    "mlp/~/linear_0": {
      w: tf.tensor([Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45, 0.1, -7], [2, 3]),
      b: tf.zeros([3]),
    },
    "~": {
      step: tf.scalar(41, "int32"),
      mask: tf.tensor([true, false, true], [3], "bool"),
      empty: tf.zeros([0, 4]),
      ids: tf.tensor([-2147483648, 2147483647, 0], [3], "int32"),
    },
  };
}

describe("serialize -> deserialize", () => {
  it("round-trips values, dtypes, shapes, names and order exactly", () => {
    const params = makeParams();
    const bytes = io.serialize(params);
    const loaded = io.deserialize(bytes);
    expect(snapshot(loaded)).toEqual(snapshot(params));
    expect(keyOrder(loaded)).toEqual(keyOrder(params));
    // A plain {module: {name}} tree needs no structure record.
    expect(io.readHeader(bytes).metadata).toEqual({});
    expect(io.readHeader(bytes).entries.map((e) => [e.name, e.dtype])).toEqual([
      ["mlp/~/linear_1/w", "F32"],
      ["mlp/~/linear_1/b", "F32"],
      ["mlp/~/linear_0/w", "F32"],
      ["mlp/~/linear_0/b", "F32"],
      ["~/step", "I32"],
      ["~/mask", "BOOL"],
      ["~/empty", "F32"],
      ["~/ids", "I32"],
    ]);
    disposeTree(params);
    disposeTree(loaded);
  });

  it("stores metadata strings and pads the header with spaces to 8 bytes", () => {
    const t = tf.scalar(1);
    for (const note of ["", "a", "ab", "abc", "héllo wörld", "✓✓"]) {
      const bytes = io.serialize({ m: { t } }, { metadata: { note, step: "100" } });
      const header = io.readHeader(bytes);
      expect(header.metadata).toEqual({ note, step: "100" });
      expect(header.headerBytes % 8).toBe(0);
      const raw = new TextDecoder().decode(bytes.subarray(8, header.dataStart));
      expect(raw.trimEnd().endsWith("}")).toBe(true);
      expect(raw.slice(raw.trimEnd().length)).toMatch(/^ *$/);
      disposeTree(io.deserialize(bytes));
    }
    t.dispose();
  });

  it("returns a deep-frozen tree", () => {
    const params = makeParams();
    const loaded = io.deserialize<Record<string, Record<string, tf.Tensor>>>(io.serialize(params));
    expect(Object.isFrozen(loaded)).toBe(true);
    expect(Object.isFrozen(loaded["~"])).toBe(true);
    expect(() => {
      (loaded as Record<string, unknown>)["x"] = 1;
    }).toThrow(TypeError);
    disposeTree(params);
    disposeTree(loaded);
  });

  it("round-trips deeper pytrees (state holding lists, dicts, nulls) through __metadata__", () => {
    const state = {
      ema: {
        hidden: [tf.scalar(1), tf.tensor([2, 3])],
        stats: { mean: tf.scalar(0.5), count: tf.scalar(3, "int32") },
        none: null,
      },
      "lstm/~/cell": { carry: [[tf.ones([1, 2])], tf.zeros([1, 2])] },
      empty_module: {},
      top: tf.scalar(9),
    };
    const bytes = io.serialize(state);
    const header = io.readHeader(bytes);
    expect(header.entries.map((e) => e.name)).toEqual([
      "ema/hidden/0",
      "ema/hidden/1",
      "ema/stats/mean",
      "ema/stats/count",
      "lstm/~/cell/carry/0/0",
      "lstm/~/cell/carry/1",
      "top",
    ]);
    expect(JSON.parse(header.metadata[io.TREE_METADATA_KEY]!)).toEqual({
      ema: {
        hidden: ["ema/hidden/0", "ema/hidden/1"],
        stats: { mean: "ema/stats/mean", count: "ema/stats/count" },
        none: null,
      },
      "lstm/~/cell": { carry: [["lstm/~/cell/carry/0/0"], "lstm/~/cell/carry/1"] },
      empty_module: {},
      top: "top",
    });
    const loaded = io.deserialize(bytes);
    expect(snapshot(loaded)).toEqual(snapshot(state));
    expect(keyOrder(loaded)).toEqual(keyOrder(state));
    disposeTree(state);
    disposeTree(loaded);
  });

  it("keeps flat {name: tensor} trees flat and records names containing '/' exactly", () => {
    const flat = { embedding: tf.ones([2, 2]), "bert.encoder.weight": tf.zeros([1]) };
    const flatBytes = io.serialize(flat);
    expect(io.readHeader(flatBytes).metadata).toEqual({});
    const flatLoaded = io.deserialize(flatBytes);
    expect(snapshot(flatLoaded)).toEqual(snapshot(flat));

    const slashy = { m: { "a/b": tf.scalar(1) }, "m/a": { b: tf.scalar(2) } };
    expect(() => io.serialize(slashy)).toThrow(
      'hk.io.serialize: two leaves get the same name "m/a/b" (paths ["m","a/b"] and ["m/a","b"]). Fix: rename one of them.',
    );
    expect(() => io.serialize(slashy)).toThrow(InvalidArgumentError);
    const odd = { m: { "a/b": tf.scalar(1) } };
    const oddBytes = io.serialize(odd);
    expect(io.readHeader(oddBytes).metadata[io.TREE_METADATA_KEY]).toBe('{"m":{"a/b":"m/a/b"}}');
    const oddLoaded = io.deserialize(oddBytes);
    expect(snapshot(oddLoaded)).toEqual(snapshot(odd));
    disposeTree([flat, flatLoaded, slashy, odd, oddLoaded]);
  });

  it("treats names such as __proto__ as data, never as prototypes", () => {
    const t = tf.scalar(1);
    const tree = JSON.parse('{"__proto__": {"w": 0}}') as Record<string, unknown>;
    (tree["__proto__"] as Record<string, unknown>)["w"] = t;
    const loaded = io.deserialize<Record<string, Record<string, tf.Tensor>>>(io.serialize(tree));
    expect(Object.keys(loaded)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(loaded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["w"]).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(loaded, "__proto__")?.value["w"].dataSync()[0]).toBe(1);
    t.dispose();
    disposeTree(Object.getOwnPropertyDescriptor(loaded, "__proto__")?.value);
  });

  it("round-trips an empty tree", () => {
    const bytes = io.serialize({});
    expect(bytes.length).toBe(16); // 8-byte N, "{}" padded to 8 bytes, no data
    expect(io.deserialize(bytes)).toEqual({});
  });

  it("accepts an ArrayBuffer as well as a Uint8Array", () => {
    const t = tf.tensor([1, 2]);
    const bytes = io.serialize({ m: { t } });
    const loaded = io.deserialize<Record<string, Record<string, tf.Tensor>>>(bytes.slice().buffer);
    expect(Array.from(loaded["m"]!["t"]!.dataSync())).toEqual([1, 2]);
    disposeTree([t, loaded]);
  });

  it("keeps tf.memory().numTensors flat over repeated round trips, and serialize allocates none", () => {
    const params = makeParams();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      const bytes = io.serialize(params);
      expect(tf.memory().numTensors).toBe(before);
      disposeTree(io.deserialize(bytes));
    }
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(params);
  });

  for (const backend of ["wasm", "cpu"]) {
    it(`on ${backend}, loaded tensors never alias the caller's bytes (aligned and unaligned entries)`, async () => {
      await tf.setBackend(backend);
      try {
        const params = makeParams();
        const bytes = io.serialize(params);
        // "~/ids" follows a 3-byte BOOL, so it is not 4-byte aligned: the copy path runs too.
        expect(io.readHeader(bytes).entries.find((e) => e.name === "~/ids")!.dataOffsets[0] % 4).not.toBe(0);
        const loaded = io.deserialize(bytes);
        const expected = snapshot(params);
        bytes.fill(0x55);
        expect(snapshot(loaded)).toEqual(expected);
        const path = join(dir, `${backend}.safetensors`);
        await io.saveParams(path, params);
        const fromFile = await io.loadParams(path);
        expect(snapshot(fromFile)).toEqual(expected);
        disposeTree([params, loaded, fromFile]);
      } finally {
        await tf.setBackend("wasm");
        await rm(join(dir, `${backend}.safetensors`), { force: true });
      }
    });
  }
});

describe("saveParams -> loadParams", () => {
  it("round-trips through a file and replaces an existing file atomically", async () => {
    const path = join(dir, "params.safetensors");
    const params = makeParams();
    await io.saveParams(path, { old: { x: params["~"].step } });
    await io.saveParams(path, params, { metadata: { step: "1000" } });
    const loaded = await io.loadParams(path);
    expect(snapshot(loaded)).toEqual(snapshot(params));
    expect(keyOrder(loaded)).toEqual(keyOrder(params));
    const header = await io.loadHeader(path);
    expect(header.metadata).toEqual({ step: "1000" });
    expect(header.entries.length).toBe(8);
    expect(await readdir(dir)).toEqual(["params.safetensors"]);
    disposeTree([params, loaded]);
  });

  it("reports a missing file, a bad path and a write failure clearly", async () => {
    await expect(io.loadParams(join(dir, "nope.safetensors"))).rejects.toThrow(
      /^hk\.io\.loadParams\(".*nope\.safetensors"\): could not open the file \(ENOENT/,
    );
    await expect(io.loadParams("" as string)).rejects.toThrow(
      'hk.io.loadParams: `path` must be a non-empty string, got the string "". Fix: ',
    );
    await expect(io.loadParams("" as string)).rejects.toThrow(InvalidArgumentError);
    await expect(io.loadHeader(42 as unknown as string)).rejects.toThrow(
      "hk.io.loadHeader: `path` must be a non-empty string, got the number 42. Fix: ",
    );
    await expect(io.loadParams(join(dir, "nope.safetensors"))).rejects.toThrow(CheckpointError);
    await expect(io.loadParams(dir)).rejects.toThrow(
      /^hk\.io\.loadParams\(".*"\): could not read the file \(EISDIR.*\)\. Fix: /,
    );
    await expect(io.loadParams(dir)).rejects.toThrow(CheckpointError);
    const t = tf.scalar(1);
    await expect(io.saveParams(join(dir, "no-such-dir", "p.safetensors"), { m: { t } })).rejects.toThrow(
      /the directory ".*no-such-dir" does not exist\. Fix: create it first/,
    );
    t.dispose();
  });
});
