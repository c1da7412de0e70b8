/**
 * Runs one system on one workload in a fresh process and prints one JSON line, so that systems
 * measured "without haiku-tfjs loaded" really are: only the imports of the chosen system run.
 *
 *   tsx bench/child.ts --system tfjs-core --workload mlp --backend wasm [--fixes] --steps 20
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { CNN, MLP, type BenchSystem, type Workload } from "./workloads.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

type SystemModule = {
  setup(w: Workload, inferBatch: number, opts?: { optax?: boolean }): BenchSystem | Promise<BenchSystem>;
};
const SYSTEMS: Record<string, () => Promise<SystemModule>> = {
  "tfjs-core": () => import("./systems/tfjs_core.js"),
  "tfjs-layers": () => import("./systems/tfjs_layers.js"),
  "haiku-tfjs": () => import("./systems/haiku.js"),
  jaxlayer: () => import("./systems/jaxlayer.js"),
  "jaxlayer-optax": () => import("./systems/jaxlayer.js"),
};

async function main(): Promise<void> {
  const system = arg("system", "tfjs-core");
  const workload = arg("workload", "mlp") === "cnn" ? CNN : MLP;
  const backend = arg("backend", "wasm");
  const steps = Number(arg("steps", "10"));
  const warmup = Number(arg("warmup", "2"));
  const inferBatch = Number(arg("infer-batch", "1024"));
  const inferReps = Number(arg("infer-reps", "5"));
  // The runtime fixes (matmul fast path, missing wasm kernels) ship with haiku-tfjs; a
  // hand-written system can opt into them to separate their effect from the library's.
  if (process.argv.includes("--fixes") || system === "haiku-tfjs" || system.startsWith("jaxlayer")) {
    await (await import("./package.js")).loadRuntime();
  }
  await tf.setBackend(backend);
  await tf.ready();
  const load = SYSTEMS[system];
  if (!load) throw new Error(`unknown system ${system}`);
  const sys = await (await load()).setup(workload, inferBatch, { optax: system === "jaxlayer-optax" });
  const result: Record<string, unknown> = {
    system,
    workload: workload.name,
    backend,
    fixes: process.argv.includes("--fixes"),
  };
  try {
    for (let i = 0; i < warmup; i++) await sys.trainStep();
    const tensorsBefore = tf.memory().numTensors;
    result.tensorsBefore = tensorsBefore;
    result.rssBeforeMB = process.memoryUsage().rss / 2 ** 20;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await sys.trainStep();
    const dt = (performance.now() - t0) / 1000;
    result.stepsPerSec = steps / dt;
    result.tensorsAfter = tf.memory().numTensors;
    result.tensorGrowth = tf.memory().numTensors - tensorsBefore;
    result.rssAfterMB = process.memoryUsage().rss / 2 ** 20;
    if (sys.infer) {
      await sys.infer();
      const t1 = performance.now();
      for (let i = 0; i < inferReps; i++) await sys.infer();
      result.inferExamplesPerSec = (inferReps * inferBatch) / ((performance.now() - t1) / 1000);
    }
  } catch (e) {
    result.error = (e as Error).message.split("\n")[0];
  }
  result.rssMB = process.memoryUsage().rss / 2 ** 20;
  process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);
  process.exit(0);
}

void main();
