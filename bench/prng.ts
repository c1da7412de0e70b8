/**
 * PRNG throughput: hk.random's host threefry (bits, uniform, normal; with and without the tensor
 * upload) against tfjs's own `tf.randomUniform` / `tf.randomNormal` (seedrandom alea, also on
 * the host). The bench harness calls `benchPrng`; `npx tsx bench/prng.ts [--smoke]` prints a
 * table on its own.
 */
import * as tf from "@tensorflow/tfjs-core";
import { pathToFileURL } from "node:url";
import * as random from "../src/random/index.js";
import { ready } from "../src/runtime/index.js";
import { median } from "./stats.js";

/** One measured generator: values produced per second (median over repeats). */
export interface PrngRow {
  name: string;
  valuesPerSec: number;
}

/**
 * Measures each generator on `2^22` values (`2^16` with `smoke`): one warm-up, then the median
 * of 7 timed runs (1 with `smoke`), cases interleaved, on the current tfjs backend (wasm after
 * `ready()`).
 */
export async function benchPrng({ smoke }: { smoke: boolean }): Promise<PrngRow[]> {
  await ready();
  const n = smoke ? 1 << 16 : 1 << 22;
  const shape = [n];
  const repeats = smoke ? 1 : 7;
  const k = random.key(0);
  const cases: Array<[string, () => unknown]> = [
    ["hk.random.bitsValues (host Uint32Array)", () => random.bitsValues(k, shape)],
    ["hk.random.bits (int32 tensor)", () => random.bits(k, shape)],
    ["hk.random.uniformValues (host Float32Array)", () => random.uniformValues(k, shape)],
    ["hk.random.uniform (float32 tensor)", () => random.uniform(k, shape)],
    ["hk.random.uniform minval/maxval (tensor)", () => random.uniform(k, shape, { minval: -0.1, maxval: 0.1 })],
    ["tf.randomUniform (tensor, seeded)", () => tf.randomUniform(shape, 0, 1, "float32", 42)],
    ["hk.random.normal (float32 tensor)", () => random.normal(k, shape)],
    ["hk.random.truncatedNormal (tensor)", () => random.truncatedNormal(k, -2, 2, shape)],
    ["tf.randomNormal (tensor, seeded)", () => tf.randomNormal(shape, 0, 1, "float32", 42)],
    [
      "hk.random.bitsValues legacy threefry",
      () => random.withThreefryPartitionable(false, () => random.bitsValues(k, shape)),
    ],
  ];
  const run = (fn: () => unknown): number => {
    const t0 = performance.now();
    const out = fn();
    if (out instanceof tf.Tensor) {
      out.dataSync(); // the tensor exists in backend memory, not only queued
      out.dispose();
    }
    return performance.now() - t0;
  };
  for (const [, fn] of cases) run(fn); // warm-up: JIT, wasm tier-up, allocator
  // Cases interleaved within each repeat, so a burst of load on a shared machine hits all alike.
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < repeats; r++) cases.forEach(([, fn], i) => times[i]!.push(run(fn)));
  const rows: PrngRow[] = cases.map(([name], i) => ({ name, valuesPerSec: n / (median(times[i]!) / 1000) }));
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes("--smoke");
  const rows = await benchPrng({ smoke });
  console.log(`backend: ${tf.getBackend()}, ${smoke ? "smoke (2^16 values)" : "2^22 values, median of 7"}`);
  for (const r of rows) console.log(`${r.name.padEnd(46)} ${(r.valuesPerSec / 1e6).toFixed(1).padStart(7)} M values/s`);
}
