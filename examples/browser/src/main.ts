/**
 * The browser demo: trains the Keras JaxLayer documentation's Haiku CNN on MNIST in the page, charts loss and accuracy,
 * classifies a drawn digit, and loads checkpoints saved by Node (`npm start -- --save FILE`) and
 * by Python Haiku. URL parameters: `?backend=wasm|webgl|cpu`, `?quick` (train 40 steps at once,
 * as the browser test does), `?steps=N`.
 *
 * `window.haikuDemo` exposes the page's state and a few calls to the Chromium test
 * (test/browser/demo.test.ts).
 */
import * as hk from "haiku-tfjs";
import type { MnistSplit } from "../../lib/mnist_split.js";
import { BACKENDS, startBackend, type BackendInfo, type BackendName } from "./backend.js";
import { TrainingChart } from "./chart.js";
import { checkHaikuMlp, cnnParamsFromBytes, fetchBytes, type HaikuMlpCheck } from "./checkpoints.js";
import { loadDigits } from "./digits.js";
import { DrawPad } from "./draw_pad.js";
import { accuracy, initCnn, predict, train, type StepReport, type TrainPlan } from "./training.js";

/** What the page shows and the browser test reads. */
export interface DemoState {
  state: "starting" | "ready" | "training" | "trained" | "failed";
  error?: string;
  backend?: BackendInfo;
  /** `hk.random.bitsValues(hk.random.key(42), [8])`, JAX's threefry bits. */
  prngBits?: number[];
  /** `hk.random.split(hk.random.key(0))`, both keys' words. */
  splitKey0?: number[];
  steps: StepReport[];
  testAccuracy?: number;
  haikuMlp?: HaikuMlpCheck;
  prediction?: { digit: number; probs: number[] };
  /** Replaces the params with a checkpoint fetched from `url`. */
  loadCheckpoint(url: string): Promise<string>;
  /** The CNN's probabilities for the first `count` test digits under the current params. */
  testDigitProbs(count: number): number[];
}

const query = new URLSearchParams(location.search);
const requested = (BACKENDS as readonly string[]).includes(query.get("backend") ?? "")
  ? (query.get("backend") as BackendName)
  : "wasm";
const quick = query.has("quick");

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $("status");
const progressLine = $("progress");
const trainButton = $<HTMLButtonElement>("train");
const stopButton = $<HTMLButtonElement>("stop");
const epochsInput = $<HTMLInputElement>("epochs");
const backendSelect = $<HTMLSelectElement>("backend");
const predictionLine = $("prediction");
const probsBox = $("probs");
const checkpointLine = $("checkpoint-status");

let params: hk.Params | undefined;
let data: { train: MnistSplit; test: MnistSplit } | undefined;
let stopRequested = false;
const chart = new TrainingChart($<HTMLCanvasElement>("chart"));
const pad = new DrawPad($<HTMLCanvasElement>("pad"), () => classifyDrawing());

const demo: DemoState = {
  state: "starting",
  steps: [],
  async loadCheckpoint(url) {
    return await useCheckpoint(await fetchBytes(url), url);
  },
  testDigitProbs(count) {
    if (params === undefined || data === undefined)
      throw new Error("haikuDemo.testDigitProbs: the page is not ready yet");
    const n = Math.min(count, data.test.count);
    return Array.from(predict(params, data.test.images.subarray(0, n * 784), n));
  },
};
(globalThis as unknown as { haikuDemo: DemoState }).haikuDemo = demo;

function fail(e: unknown): void {
  demo.state = "failed";
  demo.error = e instanceof Error ? e.message : String(e);
  statusLine.textContent = `error: ${demo.error}`;
  statusLine.classList.add("error");
}

async function useCheckpoint(bytes: Uint8Array, source: string): Promise<string> {
  if (demo.state === "training") throw new Error(`cannot load ${source} while training: press Stop first`);
  const loaded = cnnParamsFromBytes(bytes);
  if (params !== undefined) hk.tree.dispose(params);
  params = loaded;
  const acc = data === undefined ? NaN : await accuracy(params, data.test, data.test.count);
  const line = `loaded ${source}: test accuracy ${(acc * 100).toFixed(2)}% on ${data?.test.count ?? 0} digits`;
  checkpointLine.textContent = line;
  classifyDrawing();
  return line;
}

function classifyDrawing(): void {
  const image = pad.toMnist();
  if (image === undefined || params === undefined) return;
  const probs = Array.from(predict(params, image, 1));
  const digit = probs.indexOf(Math.max(...probs));
  demo.prediction = { digit, probs };
  predictionLine.textContent = `${digit}`;
  probsBox.replaceChildren(
    ...probs.map((p, d) => {
      const row = document.createElement("div");
      row.className = d === digit ? "bar best" : "bar";
      row.innerHTML = `<span>${d}</span><i style="width:${(p * 100).toFixed(1)}%"></i><b>${(p * 100).toFixed(1)}%</b>`;
      return row;
    }),
  );
}

async function runTraining(plan: TrainPlan): Promise<void> {
  if (params === undefined || data === undefined) return;
  demo.state = "training";
  demo.steps = [];
  stopRequested = false;
  trainButton.disabled = true;
  stopButton.disabled = false;
  chart.reset(plan.steps);
  const t0 = performance.now();
  params = await train(
    params,
    data,
    plan,
    (r) => {
      demo.steps.push(r);
      chart.add(r.step, r.loss, r.accuracy);
      const acc = [...demo.steps].reverse().find((s) => s.accuracy !== undefined)?.accuracy;
      const rate = (r.step * plan.batch) / ((performance.now() - t0) / 1000);
      progressLine.textContent = `step ${r.step}/${plan.steps} · loss ${r.loss.toFixed(4)} · test accuracy ${acc === undefined ? "–" : `${(acc * 100).toFixed(1)}%`} · ${rate.toFixed(0)} digits/s · ${r.tensors} tensors`;
    },
    () => stopRequested,
  );
  demo.testAccuracy = await accuracy(params, data.test, data.test.count);
  progressLine.textContent += ` · final test accuracy ${(demo.testAccuracy * 100).toFixed(2)}% on ${data.test.count} digits`;
  trainButton.disabled = false;
  stopButton.disabled = true;
  demo.state = "trained";
  classifyDrawing();
}

function describeBackend(b: BackendInfo): string {
  const wasm =
    b.backend === "wasm" ? ` (${b.wasmFlavour || "?"} build, ${b.threads} thread${b.threads === 1 ? "" : "s"})` : "";
  const isolation = b.crossOriginIsolated ? "cross-origin isolated" : "not cross-origin isolated (no wasm threads)";
  return `backend ${b.backend}${wasm} · ${isolation}${b.note ? ` · ${b.note}` : ""}`;
}

async function start(): Promise<void> {
  backendSelect.value = requested;
  backendSelect.addEventListener("change", () => {
    query.set("backend", backendSelect.value);
    location.search = query.toString();
  });
  statusLine.textContent = `starting ${requested}…`;
  demo.backend = await startBackend(requested);
  statusLine.textContent = `${describeBackend(demo.backend)} · loading digits…`;
  demo.prngBits = Array.from(hk.random.bitsValues(hk.random.key(42), [8]));
  demo.splitKey0 = hk.random.split(hk.random.key(0)).flatMap((k) => Array.from(k));
  $("prng").textContent = `hk.random.bitsValues(key(42), [8]) = [${demo.prngBits.join(", ")}]`;
  data = await loadDigits();
  params = initCnn();
  statusLine.textContent = `${describeBackend(demo.backend)} · ${data.train.count} training and ${data.test.count} test digits`;
  demo.haikuMlp = await checkHaikuMlp();
  $("haiku-mlp").textContent =
    `Python Haiku MLP (examples/data/haiku_mlp.safetensors): output ${JSON.stringify(demo.haikuMlp.output.map((r) => r.map((v) => +v.toFixed(5))))}, max |difference| from numpy ${demo.haikuMlp.maxAbsDiff.toExponential(1)}`;
  demo.state = "ready";
  trainButton.disabled = false;

  const perEpoch = Math.floor(data.train.count / 64);
  const plan = (steps: number): TrainPlan => ({
    steps,
    batch: 64,
    learningRate: 3e-3,
    evalEvery: quick ? 10 : 25,
    evalCount: quick ? 250 : 500,
  });
  trainButton.addEventListener(
    "click",
    () => void runTraining(plan(Math.max(1, Number(epochsInput.value) || 1) * perEpoch)).catch(fail),
  );
  stopButton.addEventListener("click", () => (stopRequested = true));
  $("clear").addEventListener("click", () => {
    pad.clear();
    demo.prediction = undefined;
    predictionLine.textContent = "–";
    probsBox.replaceChildren();
  });
  $<HTMLInputElement>("checkpoint-file").addEventListener("change", async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    try {
      await useCheckpoint(new Uint8Array(await file.arrayBuffer()), file.name);
    } catch (err) {
      checkpointLine.textContent = `could not load ${file.name}: ${err instanceof Error ? err.message : String(err)}`;
    }
  });
  $("download").addEventListener("click", () => {
    if (params === undefined) return;
    const blob = new Blob([hk.io.serialize(params) as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "mnist_cnn.safetensors";
    a.click();
    URL.revokeObjectURL(a.href);
  });
  const steps = Number(query.get("steps") ?? (quick ? 40 : 0));
  if (steps > 0) await runTraining(plan(steps));
}

start().catch(fail);
