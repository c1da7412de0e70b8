// A valid checkpoint with more than 2 GiB of data (Node aborts on a single read above 2^31 - 1
// bytes): loaded in a child process, so this process stays small, from a sparse file.
import * as tf from "@tensorflow/tfjs-core";
import { spawnSync } from "node:child_process";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as io from "../../src/io/index.js";
import { leBytes } from "./python_layout.js";

const W_ELEMENTS = 2 ** 29 + 2; // 2 GiB + 8 bytes of F32
const PICKS = [0, 1, 2 ** 29 - 1, 2 ** 29, W_ELEMENTS - 1]; // around the 2 GiB boundary

describe("a checkpoint over 2 GiB", () => {
  const dirPromise = mkdtemp(join(tmpdir(), "hk-io-large-"));
  afterAll(async () => rm(await dirPromise, { recursive: true, force: true }));

  it(
    "loads in a child process on cpu and wasm (exit 0, right shapes and values, peak RSS reported)",
    { timeout: 180_000 },
    async () => {
      const path = join(await dirPromise, "big.safetensors");
      const wBytes = W_ELEMENTS * 4;
      // Converted dtypes after the 2 GiB mark go through the chunked scratch path at high offsets.
      const header = JSON.stringify({
        __metadata__: { note: "sparse" },
        "big/w": { dtype: "F32", shape: [W_ELEMENTS], data_offsets: [0, wBytes] },
        "after/half": { dtype: "F16", shape: [2], data_offsets: [wBytes, wBytes + 4] },
        "after/bytes": { dtype: "U8", shape: [3], data_offsets: [wBytes + 4, wBytes + 7] },
      });
      const wValues = [1.5, -2, 0.25, -3.75, 7];
      await writeSparse(path, header, wBytes + 7, [
        ...PICKS.map((at, k) => [4 * at, leBytes("f32", [wValues[k]!])] as const),
        [wBytes, leBytes("u16", [0x3c00, 0xc000])], // F16 1, -2
        [wBytes + 4, leBytes("u8", [1, 128, 255])],
      ]);

      const h = await io.loadHeader(path);
      expect(h.dataBytes).toBe(wBytes + 7);
      expect(h.entries.map((e) => [e.name, e.dtype, e.shape])).toEqual([
        ["big/w", "F32", [W_ELEMENTS]],
        ["after/half", "F16", [2]],
        ["after/bytes", "U8", [3]],
      ]);

      type Report = {
        shapes: Record<string, number[]>;
        dtypes: Record<string, string>;
        w: number[];
        half: number[];
        bytes: number[];
        numTensors: number;
        maxRssMiB: number;
      };
      const report: Record<string, Report> = {};
      for (const backend of ["cpu", "wasm"] as const) {
        const child = spawnSync(
          process.execPath,
          [
            "--import",
            "tsx",
            fileURLToPath(new URL("./large_file_child.ts", import.meta.url)),
            path,
            JSON.stringify(PICKS),
            backend,
          ],
          {
            encoding: "utf8",
            timeout: 85_000,
          },
        );
        expect(child.status, `${backend} child stderr: ${child.stderr}`).toBe(0);
        const r = (JSON.parse(child.stdout.trim().split("\n").pop()!) as Record<string, Report>)[backend]!;
        report[backend] = r;
        expect(r.shapes, backend).toEqual({ "big/w": [W_ELEMENTS], "after/half": [2], "after/bytes": [3] });
        expect(r.dtypes, backend).toEqual({ "big/w": "float32", "after/half": "float32", "after/bytes": "int32" });
        expect(r.w, backend).toEqual([1.5, -2, 0.25, -3.75, 7]);
        expect(r.half, backend).toEqual([1, -2]);
        expect(r.bytes, backend).toEqual([1, 128, 255]);
        expect(r.numTensors, backend).toBe(3);
      }
      // One copy of the data (2 GiB) plus Node and tfjs; a second copy would need over 4 GiB.
      console.log(
        `large_file: child peak RSS ${report["cpu"]!.maxRssMiB} MiB on cpu, ${report["wasm"]!.maxRssMiB} MiB on wasm, for ${(wBytes / 2 ** 30).toFixed(2)} GiB of data`,
      );
      expect(report["cpu"]!.maxRssMiB).toBeLessThan(3 * 1024);
      expect(report["wasm"]!.maxRssMiB).toBeLessThan(3 * 1024);
    },
  );
});

describe("reading in chunks", () => {
  const dirPromise = mkdtemp(join(tmpdir(), "hk-io-chunks-"));
  afterAll(async () => rm(await dirPromise, { recursive: true, force: true }));

  it("converts a dtype across 64 MiB chunk boundaries and names the bad element's index in the whole tensor", async () => {
    // U32 over two chunks: 64 MiB / 4 elements fill the first chunk; value 2^31 (does not fit
    // in int32) sits in the second chunk at flat index 16777216 + 5.
    const n = 2 ** 24 + 8;
    const path = join(await dirPromise, "u32.safetensors");
    const header = JSON.stringify({ "m/u": { dtype: "U32", shape: [n], data_offsets: [0, 4 * n] } });
    const dataStart = await writeSparse(path, header, 4 * n, [
      [4 * (2 ** 24 - 1), leBytes("u32", [7])], // last of chunk 1
      [4 * 2 ** 24, leBytes("u32", [9])], // first of chunk 2
    ]);
    const loaded = await io.loadParams<Record<string, Record<string, tf.Tensor>>>(path);
    const u = loaded["m"]!["u"]!;
    expect(u.dtype).toBe("int32");
    const v = u.dataSync();
    expect([v[0], v[2 ** 24 - 1], v[2 ** 24], v[n - 1]]).toEqual([0, 7, 9, 0]);
    u.dispose();

    // On the wasm backend (the suite's default) this entry is read straight into its tensor's
    // memory; the tensor made before the bad value is found must be freed.
    const before = tf.memory().numTensors;
    const fh2 = await open(path, "r+");
    await fh2.write(leBytes("u32", [2 ** 31]), 0, 4, dataStart + 4 * (2 ** 24 + 5));
    await fh2.close();
    await expect(io.loadParams(path)).rejects.toThrow(
      `hk.io.loadParams(${JSON.stringify(path)}): entry "m/u" (U32) holds 2147483648 at flat index 16777221, which does not fit in int32`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

/**
 * Writes a safetensors file whose data section of `dataBytes` is sparse (unwritten bytes read as
 * zeros), with `writes` placed at their offsets into the data section; returns where the data
 * section starts in the file.
 */
async function writeSparse(
  path: string,
  header: string,
  dataBytes: number,
  writes: readonly (readonly [number, Uint8Array])[],
): Promise<number> {
  const padded = header + " ".repeat((8 - (header.length % 8)) % 8);
  const dataStart = 8 + padded.length;
  const fh = await open(path, "w");
  try {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(padded.length), true);
    await fh.write(prefix, 0, 8, 0);
    await fh.write(new TextEncoder().encode(padded), 0, padded.length, 8);
    await fh.truncate(dataStart + dataBytes);
    for (const [at, bytes] of writes) await fh.write(bytes, 0, bytes.length, dataStart + at);
  } finally {
    await fh.close();
  }
  return dataStart;
}
