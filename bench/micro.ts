/** In-process micro benchmarks: `apply` overhead at batch 1, and the PRNG. */
import * as tf from "@tensorflow/tfjs-core";
import { hk } from "./package.js";
import { benchPrng, type PrngRow } from "./prng.js";
import { MLP_SIZES } from "./workloads.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Milliseconds per forward pass of the MLP 784-512-512-10 at batch 1: `apply` of
 * `hk.nets.MLP` against the same layers written as raw tfjs ops over the same weights
 * (interleaved rounds in alternating order, medians; each call reads its result back).
 */
export async function applyOverhead({ smoke }: { smoke: boolean }): Promise<{ haikuMs: number; rawMs: number; ratio: number }> {
  await hk.ready();
  const model = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.nets.MLP(MLP_SIZES).call(x)));
  const x = tf.randomUniform([1, 784], 0, 1, "float32", 0);
  const params = model.init(hk.random.key(0), x);
  const layers = Object.values(params).map((p) => [p.w!, p.b!] as const);
  const raw = (input: tf.Tensor) =>
    tf.tidy(() => {
      let h = input;
      layers.forEach(([w, b], i) => {
        h = tf.add(tf.matMul(h, w), b);
        if (i < layers.length - 1) h = tf.relu(h);
      });
      return h;
    });
  const haiku = (input: tf.Tensor) => model.apply(params, input);
  const calls = smoke ? 5 : 100;
  const rounds = smoke ? 1 : 31;
  const time = (f: (i: tf.Tensor) => tf.Tensor) => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      const out = f(x);
      out.dataSync();
      out.dispose();
    }
    return (performance.now() - t0) / calls;
  };
  time(haiku);
  time(raw);
  const h: number[] = [];
  const r: number[] = [];
  // Alternate which one goes first, so neither always runs right after the other's allocations.
  for (let i = 0; i < rounds; i++) {
    if (i % 2) {
      r.push(time(raw));
      h.push(time(haiku));
    } else {
      h.push(time(haiku));
      r.push(time(raw));
    }
  }
  hk.tree.dispose([params, x]);
  const haikuMs = median(h);
  const rawMs = median(r);
  return { haikuMs, rawMs, ratio: haikuMs / rawMs };
}

/** `random.uniform` / `random.bits` against `tf.randomUniform`, in values per second. */
export function prng({ smoke }: { smoke: boolean }): Promise<PrngRow[]> {
  return benchPrng({ smoke });
}
