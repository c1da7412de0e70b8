/**
 * Header parsing throughput (issue: a hostile header must not block for seconds). Prints MB/s
 * of header bytes by CPU time (process.cpuUsage, less sensitive to a shared machine than wall
 * time) for headers that stress the reader: many zero-size entries, deep nesting (rejected),
 * and one large metadata string. Run: `npx tsx bench/header-parse.ts`.
 */
import { MAX_HEADER_DEPTH, MAX_TENSORS, readHeader } from "../src/io/index.js";
import { median } from "./stats.js";

function file(header: string): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

function zeroSizeEntries(n: number): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"layer_${i}/~/w":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`);
  return file(`{${parts.join(",")}}`);
}

const cases: [string, Uint8Array][] = [
  [`${MAX_TENSORS} zero-size entries (accepted)`, zeroSizeEntries(MAX_TENSORS)],
  [`${4 * MAX_TENSORS} zero-size entries (rejected: too many)`, zeroSizeEntries(4 * MAX_TENSORS)],
  ["40 MB of nested [ (rejected: too deep)", file(`{"a":${"[".repeat(40_000_000)}`)],
  [
    `${MAX_HEADER_DEPTH - 1} nested [ then 40 MB of ] (rejected: JSON)`,
    file(`{"a":${"[".repeat(MAX_HEADER_DEPTH - 1)}${"]".repeat(40_000_000)}`),
  ],
  ["90 MB metadata string (accepted)", file(`{"__metadata__":{"notes":"${'x\\"'.repeat(30_000_000)}"}}`)],
];

// The floor: JSON.parse of the densest accepted header by itself (decoded text in hand).
const densest = new TextDecoder().decode(cases[0]![1].subarray(8));
cases.push(["JSON.parse alone of the first case (reference)", cases[0]![1]]);

for (const [label, bytes] of cases) {
  const cpu: number[] = [];
  const wall: number[] = [];
  const reference = label.startsWith("JSON.parse alone");
  for (let rep = 0; rep < 5; rep++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      if (reference) JSON.parse(densest);
      else readHeader(bytes);
    } catch {
      // rejections are measured too
    }
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const mb = (bytes.length - 8) / 1e6;
  console.log(
    `${label}: ${mb.toFixed(1)} MB, median ${median(cpu).toFixed(0)} ms CPU (${(mb / (median(cpu) / 1000)).toFixed(0)} MB/s), ${median(wall).toFixed(0)} ms wall`,
  );
}
