import * as tf from "@tensorflow/tfjs-core";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as io from "../../src/io/index.js";
import { leBytes, pythonSaveFile } from "./python_layout.js";

const dir = await mkdtemp(join(tmpdir(), "hk-io-python-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

type Tree = Record<string, Record<string, tf.Tensor>>;

function disposeTree(tree: object): void {
  for (const v of Object.values(tree)) {
    if (v instanceof tf.Tensor) v.dispose();
    else if (v !== null && typeof v === "object") disposeTree(v);
  }
}

describe("files written by Python's safetensors", () => {
  // The exact bytes of `test_serialization` in safetensors/src/tensor.rs (crate commit 24b0b28):
  // serialize({"attn.0": F32 [1, 2, 3] = 0..5}) with no metadata.
  const RUST_TEST_SERIALIZATION = new Uint8Array([
    64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
    70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
    111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64,
    0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
  ]);

  it("loads the reference crate's own test vector", () => {
    const tree = io.deserialize<Record<string, tf.Tensor>>(RUST_TEST_SERIALIZATION);
    expect(Object.keys(tree)).toEqual(["attn.0"]);
    const t = tree["attn.0"]!;
    expect(t.shape).toEqual([1, 2, 3]);
    expect(t.dtype).toBe("float32");
    expect(Array.from(t.dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    t.dispose();
  });

  it("writes the reference crate's bytes exactly for the same tensor", () => {
    const t = tf.tensor([0, 1, 2, 3, 4, 5], [1, 2, 3]);
    expect(Array.from(io.serialize({ "attn.0": t }))).toEqual(Array.from(RUST_TEST_SERIALIZATION));
    t.dispose();
  });

  it("loads a Haiku MLP exported with safetensors.numpy.save_file", async () => {
    // Python: params = hk.transform(lambda x: hk.nets.MLP([3, 1])(x)).init(...); flat = {f"{m}/{n}": v ...};
    // save_file(flat, path, metadata={"step": "100"}). All F32, so the file is sorted by name.
    const w0 = [0.5, -1, 2, 0.25, 3.5, -0.125];
    const b0 = [0.1, 0.2, 0.3];
    const w1 = [1, -2, 4];
    const b1 = [-0.5];
    const bytes = pythonSaveFile(
      [
        { name: "mlp/~/linear_0/w", dtype: "F32", shape: [2, 3], data: leBytes("f32", w0) },
        { name: "mlp/~/linear_0/b", dtype: "F32", shape: [3], data: leBytes("f32", b0) },
        { name: "mlp/~/linear_1/w", dtype: "F32", shape: [3, 1], data: leBytes("f32", w1) },
        { name: "mlp/~/linear_1/b", dtype: "F32", shape: [1], data: leBytes("f32", b1) },
      ],
      { step: "100" },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(
      header.startsWith(
        '{"__metadata__":{"step":"100"},"mlp/~/linear_0/b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}',
      ),
    ).toBe(true);
    const path = join(dir, "mlp.safetensors");
    await writeFile(path, bytes);

    const before = tf.memory().numTensors;
    const params = await io.loadParams<Tree>(path);
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(Object.keys(params)).toEqual(["mlp/~/linear_0", "mlp/~/linear_1"]);
    expect(Object.keys(params["mlp/~/linear_0"]!)).toEqual(["b", "w"]);
    const l0 = params["mlp/~/linear_0"]!;
    expect(l0["w"]!.shape).toEqual([2, 3]);
    expect(Array.from(l0["w"]!.dataSync())).toEqual(Array.from(new Float32Array(w0)));
    expect(Array.from(l0["b"]!.dataSync())).toEqual(Array.from(new Float32Array(b0)));
    expect(params["mlp/~/linear_1"]!["w"]!.shape).toEqual([3, 1]);
    expect(Array.from(params["mlp/~/linear_1"]!["b"]!.dataSync())).toEqual([-0.5]);
    expect((await io.loadHeader(path)).metadata).toEqual({ step: "100" });
    disposeTree(params);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("loads a mixed-dtype export (bf16 weights, f16, int32 state, bool mask) sorted as Python sorts it", () => {
    // BF16 0x3F80 = 1.0, 0xC000 = -2.0; F16 0x3C00 = 1.0, 0x3800 = 0.5 (IEEE 754 binary16 /
    // bfloat16 encodings, see dtypes.test.ts for sources).
    const bytes = pythonSaveFile([
      { name: "net/~/linear/w", dtype: "BF16", shape: [2], data: leBytes("u16", [0x3f80, 0xc000]) },
      { name: "net/~/linear/b", dtype: "F16", shape: [2], data: leBytes("u16", [0x3c00, 0x3800]) },
      { name: "net/~/ema/counter", dtype: "I32", shape: [], data: leBytes("i32", [7]) },
      { name: "net/~/mask/m", dtype: "BOOL", shape: [3], data: new Uint8Array([1, 0, 1]) },
    ]);
    const header = io.readHeader(bytes);
    // Python's writer orders I32 before BF16 before F16 before BOOL (widest first).
    expect(header.entries.map((e) => e.name)).toEqual([
      "net/~/ema/counter",
      "net/~/linear/w",
      "net/~/linear/b",
      "net/~/mask/m",
    ]);
    const tree = io.deserialize<Tree>(bytes);
    expect(Object.keys(tree)).toEqual(["net/~/ema", "net/~/linear", "net/~/mask"]);
    const counter = tree["net/~/ema"]!["counter"]!;
    expect([counter.dtype, counter.shape, Array.from(counter.dataSync())]).toEqual(["int32", [], [7]]);
    const w = tree["net/~/linear"]!["w"]!;
    expect([w.dtype, Array.from(w.dataSync())]).toEqual(["float32", [1, -2]]);
    expect(Array.from(tree["net/~/linear"]!["b"]!.dataSync())).toEqual([1, 0.5]);
    const m = tree["net/~/mask"]!["m"]!;
    expect([m.dtype, Array.from(m.dataSync())]).toEqual(["bool", [1, 0, 1]]);
    disposeTree(tree);
  });

  it("our writer's file is byte-identical to Python's when the tree is in Python's order", () => {
    const w = tf.tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor([5, 6]);
    const ours = io.serialize({ "mlp/~/linear_0": { b, w } }, { metadata: { step: "3" } });
    const python = pythonSaveFile(
      [
        { name: "mlp/~/linear_0/w", dtype: "F32", shape: [2, 2], data: leBytes("f32", [1, 2, 3, 4]) },
        { name: "mlp/~/linear_0/b", dtype: "F32", shape: [2], data: leBytes("f32", [5, 6]) },
      ],
      { step: "3" },
    );
    expect(Array.from(ours)).toEqual(Array.from(python));
    w.dispose();
    b.dispose();
  });
});
