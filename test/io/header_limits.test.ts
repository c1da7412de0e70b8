// Bounded work on hostile headers: nesting depth and tensor count are checked by one linear
// scan before JSON.parse runs (throughput is measured in bench/header-parse.ts, not here).
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as io from "../../src/io/index.js";
import { CheckpointError } from "../../src/util/errors.js";
import { rawFile } from "./python_layout.js";

const BAD = "hk.io.deserialize: not a valid safetensors file: ";

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect((e as Error).constructor).toBe(CheckpointError);
    return e as Error;
  }
  throw new Error("expected an error");
}

/** An F32 entry "a" of one element whose extra field "x" nests `levels` arrays. */
function nestedFile(levels: number): Uint8Array {
  const x = "[".repeat(levels) + "]".repeat(levels);
  return rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":${x}}}`, new Uint8Array(4));
}

describe("header nesting", () => {
  // Python `safetensors.numpy.load` on these exact files (crate 0.x, serde_json's recursion
  // limit of 128): 125 arrays inside the entry (127 levels with the root and the entry) load,
  // 126 arrays (128 levels) fail with "recursion limit exceeded".
  it("accepts 127 levels, as the Rust crate does", () => {
    expect(io.MAX_HEADER_DEPTH).toBe(127);
    const t = io.deserialize(nestedFile(125)) as Record<string, tf.Tensor>;
    expect(t["a"]!.shape).toEqual([1]);
    t["a"]!.dispose();
  });

  it("rejects 128 levels before parsing, naming the limit and where", () => {
    // Python reports "at line 1 column 183" (1-based); we report the 0-based byte in the header.
    expect(errorOf(() => io.deserialize(nestedFile(126))).message).toBe(
      `${BAD}the header nests objects/arrays deeper than 127 levels (at byte 182); safetensors (serde_json) refuses this too, and a valid header needs 3. Fix: load a complete safetensors file (written by hk.io.saveParams or safetensors' save_file); if it was copied or downloaded, fetch it again.`,
    );
  });

  it("rejects 40 MB of nested [ at the 128th level", () => {
    const bytes = rawFile(`{"a":${"[".repeat(40_000_000)}`);
    expect(errorOf(() => io.readHeader(bytes)).message).toMatch(
      /^hk\.io\.readHeader: not a valid safetensors file: the header nests objects\/arrays deeper than 127 levels \(at byte 131\)/,
    );
  });

  it("does not count brackets and escaped quotes inside strings", () => {
    const notes = `${"[{".repeat(500)}\\"[[\\\\`; // JSON text: [{...\"[[\\
    const header = io.readHeader(
      rawFile(
        `{"__metadata__":{"notes":"${notes}"},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`,
        new Uint8Array(2),
      ),
    );
    expect(header.metadata["notes"]).toBe(`${"[{".repeat(500)}"[[\\`);
    expect(header.entries.map((e) => e.name)).toEqual(["a"]);
  });
});

describe("tensor count", () => {
  const zeroSize = (n: number, metadata = false) => {
    const parts: string[] = metadata ? [`"__metadata__":{"k":"v"}`] : [];
    for (let i = 0; i < n; i++) parts.push(`"m/t${i}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`);
    return rawFile(`{${parts.join(",")}}`);
  };

  it("accepts MAX_TENSORS entries (with __metadata__ too)", () => {
    expect(io.MAX_TENSORS).toBe(100_000);
    expect(io.readHeader(zeroSize(io.MAX_TENSORS, true)).entries).toHaveLength(io.MAX_TENSORS);
  });

  it("rejects one more, before creating any tensor", () => {
    const before = tf.memory().numTensors;
    for (const metadata of [false, true]) {
      expect(errorOf(() => io.deserialize(zeroSize(io.MAX_TENSORS + 1, metadata))).message).toBe(
        `${BAD}the header lists more than 100000 tensors (the per-file limit, hk.io.MAX_TENSORS). Fix: split the checkpoint into several files, as sharded checkpoints do.`,
      );
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects 400k zero-size entries (24 MB) in the scan, without parsing them", () => {
    expect(errorOf(() => io.readHeader(zeroSize(400_000))).message).toMatch(/lists more than 100000 tensors/);
  });
});
