/**
 * Checks the dumps of tools/golden/prng_sweep.py against `hk.random` bit for bit and prints the
 * number of differing values per file (all must be 0; exits 1 otherwise).
 *
 *     npx tsx tools/golden/prng_sweep.ts [dir]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { erf32, erfInv32, log1p32, log32 } from "../../src/random/float32.js";
import * as random from "../../src/random/index.js";

interface Manifest {
  n: number;
  stride: number;
  samplers: { file: string; kind: string; seed: number; partitionable: boolean; lower?: number; upper?: number }[];
  functions: { file: string; fn: string; start: number; sign: number; count: number }[];
}

const dir = process.argv[2] ?? "/tmp/prng-sweep";
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
const read = (file: string): Uint32Array => {
  const b = readFileSync(join(dir, `${file}.bin`));
  return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

let failures = 0;
function report(file: string, expected: Uint32Array, got: Uint32Array): void {
  let bad = 0;
  for (let i = 0; i < expected.length; i++) if (expected[i] !== got[i]) bad++;
  failures += bad;
  console.log(`${file}: ${bad} of ${expected.length} differ`);
}

for (const s of manifest.samplers) {
  const values = random.withThreefryPartitionable(s.partitionable, () =>
    s.kind === "normal"
      ? random.normalValues(random.key(s.seed), [manifest.n])
      : random.truncatedNormalValues(random.key(s.seed), s.lower!, s.upper!, [manifest.n]),
  );
  report(s.file, read(s.file), new Uint32Array(values.buffer));
}

const fns: Record<string, (x: number) => number> = { erf_inv: erfInv32, log: log32, log1p: log1p32, erf: erf32 };
for (const f of manifest.functions) {
  const fn = fns[f.fn]!;
  const inBits = new Uint32Array(1);
  const inF = new Float32Array(inBits.buffer);
  const out = new Float32Array(f.count);
  for (let i = 0; i < f.count; i++) {
    inBits[0] = f.start + manifest.stride * i;
    out[i] = fn(f.sign * inF[0]!);
  }
  report(f.file, read(f.file), new Uint32Array(out.buffer));
}
console.log(failures === 0 ? "all bit-exact" : `${failures} values differ`);
process.exitCode = failures === 0 ? 0 : 1;
