/**
 * Audit: every case of test/runtime/empty_cases.ts on the wasm backend (after poisoning its heap)
 * against the cpu backend, plus the list of wasm kernels that no case gave a zero-size input.
 * Run: `npx tsx tools/audit_wasm_empty.ts` (add `--raw` to audit tfjs-backend-wasm's own kernels,
 * without the runtime's fixes).
 */
import * as tf from "@tensorflow/tfjs-core";
import { emptyCases, poisonHeap } from "../test/runtime/empty_cases.js";

const raw = process.argv.includes("--raw");
if (raw) {
  await import("@tensorflow/tfjs-layers");
  await import("@tensorflow/tfjs-backend-cpu");
  await import("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("wasm");
} else {
  const { ready } = await import("../src/runtime/index.js");
  await ready();
}

type Result = { values: number[][]; shapes: number[][] } | { error: string };
function run(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Result {
  tf.setBackend(backend);
  if (backend === "wasm") poisonHeap();
  try {
    return tf.tidy(() => {
      const out = fn();
      const list = Array.isArray(out) ? out : [out];
      return {
        values: list.map((t) => Array.from(t.dataSync() as ArrayLike<number>)),
        shapes: list.map((t) => t.shape),
      };
    });
  } catch (e) {
    return { error: String((e as Error).message).slice(0, 100) };
  }
}
const same = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-5 * (1 + Math.abs(b));

const emptyInputKernels = new Set<string>();
let failures = 0;
for (const c of emptyCases()) {
  const w = run("wasm", c.run);
  if (!("error" in w)) {
    // Which kernels the case gave a zero-size input (only for cases that run: a kernel that
    // throws inside tf.profile rejects a promise the profiler does not await).
    tf.setBackend("wasm");
    const info = await tf.profile(() => c.run());
    for (const k of info.kernels) if (k.inputShapes.some((s) => s?.includes(0))) emptyInputKernels.add(k.name);
  }
  const p = run("cpu", c.run);
  let verdict = "ok";
  if ("error" in w || "error" in p) {
    const message = `wasm: ${"error" in w ? w.error : "ok"} | cpu: ${"error" in p ? p.error : "ok"}`;
    if ("error" in w && "error" in p) console.log(`both throw: ${c.name}\n     ${message}`);
    else verdict = message;
  } else if (JSON.stringify(w.shapes) !== JSON.stringify(p.shapes)) {
    verdict = `shapes ${JSON.stringify(w.shapes)} vs cpu ${JSON.stringify(p.shapes)}`;
  } else {
    w.values.forEach((v, i) => {
      const q = p.values[i]!;
      if (v.some((x, j) => !same(x, q[j]!)))
        verdict = `output ${i}: wasm ${JSON.stringify(v.slice(0, 6))} cpu ${JSON.stringify(q.slice(0, 6))}`;
    });
  }
  if (verdict !== "ok") failures++;
  console.log(`${verdict === "ok" ? "ok  " : "FAIL"} ${c.name}${verdict === "ok" ? "" : `\n     ${verdict}`}`);
}
tf.setBackend("wasm");
const withInputs = tf
  .getKernelsForBackend("wasm")
  .map((k) => k.kernelName)
  .sort();
console.log(`\n${failures} case(s) differ from cpu.`);
console.log(`wasm kernels given a zero-size input: ${[...emptyInputKernels].sort().join(" ")}`);
console.log(`wasm kernels never given one: ${withInputs.filter((k) => !emptyInputKernels.has(k)).join(" ")}`);
