// Child process of large_file.test.ts: loads the >2 GiB file given as argv[2] on the backend
// argv[4] (cpu: the tensor keeps the typed array it was read into; wasm: read straight into the
// tensor's memory in the wasm heap), and prints what it saw and its peak RSS as one JSON line.
// One backend per process: freed wasm memory is never returned, so peaks would add up.
import * as tf from "@tensorflow/tfjs-core";
import * as io from "../../src/io/index.js";
import { ready } from "../../src/runtime/index.js";

await ready();
const picks = JSON.parse(process.argv[3]!) as number[];
const out: Record<string, unknown> = {};
for (const backend of [process.argv[4]!]) {
  await tf.setBackend(backend);
  const params = await io.loadParams<Record<string, Record<string, tf.Tensor>>>(process.argv[2]!);
  const all = Object.entries(params).flatMap(([m, b]) => Object.entries(b).map(([n, t]) => [`${m}/${n}`, t] as const));
  const w = params["big"]!["w"]!;
  // Sampled reads by gather, never the whole 2 GiB back to JS (tf.slice's dataSync on wasm
  // copies the whole heap buffer of the input, which would double the peak being measured).
  const sampled = tf.tidy(() => Array.from(tf.gather(w, tf.tensor1d(picks, "int32")).dataSync()));
  out[backend] = {
    shapes: Object.fromEntries(all.map(([k, t]) => [k, t.shape])),
    dtypes: Object.fromEntries(all.map(([k, t]) => [k, t.dtype])),
    w: sampled,
    half: Array.from(params["after"]!["half"]!.dataSync()),
    bytes: Array.from(params["after"]!["bytes"]!.dataSync()),
    numTensors: tf.memory().numTensors,
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  for (const [, t] of all) t.dispose();
}
console.log(JSON.stringify(out));
