// Child process of large_file.test.ts: loads the >2 GiB file given as argv[2] on the cpu backend
// (it keeps the typed array it is given, so the tensor is the only copy), prints what it saw and
// its peak RSS as one JSON line.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as io from "../../src/io/index.js";

await tf.setBackend("cpu");
const params = await io.loadParams<Record<string, Record<string, tf.Tensor>>>(process.argv[2]!);
const w = params["big"]!["w"]!;
const wv = w.dataSync() as Float32Array;
const picks = JSON.parse(process.argv[3]!) as number[];
const after = params["after"]!;
console.log(
  JSON.stringify({
    shapes: Object.fromEntries(Object.entries(params).flatMap(([m, b]) => Object.entries(b).map(([n, t]) => [`${m}/${n}`, t.shape]))),
    dtypes: Object.fromEntries(Object.entries(params).flatMap(([m, b]) => Object.entries(b).map(([n, t]) => [`${m}/${n}`, t.dtype]))),
    w: picks.map((i) => wv[i]),
    half: Array.from(after["half"]!.dataSync()),
    bytes: Array.from(after["bytes"]!.dataSync()),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
