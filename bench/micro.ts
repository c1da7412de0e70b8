/** In-process micro benchmarks: `apply` overhead at batch 1, and the PRNG. */
import * as tf from "@tensorflow/tfjs-core";
import { hk } from "./package.js";
import { benchPrng, type PrngRow } from "./prng.js";
import { MLP_SIZES } from "./workloads.js";
import { median, quantile } from "./stats.js";

/** What {@link applyOverhead} reports. */
export interface ApplyOverhead {
  /** Median milliseconds per call of `apply`. */
  haikuMs: number;
  /** Median milliseconds per call of the raw ops. */
  rawMs: number;
  /** Median over rounds of each round's haiku / raw time (the two measured back to back). */
  ratio: number;
  /** Quartiles of the per-round ratios, to show the spread. */
  ratioQ1: number;
  ratioQ3: number;
  rounds: number;
}

/**
 * Milliseconds per forward pass of the MLP 784-512-512-10 at batch 1: `apply` of
 * `hk.nets.MLP` against the same layers written as raw tfjs ops over the same weights. Each
 * round times both back to back (alternating which goes first); the ratio is the median of the
 * per-round ratios, which a load change on this shared machine moves less than a ratio of two
 * separate medians. Each call reads its result back.
 */
export async function applyOverhead({ smoke }: { smoke: boolean }): Promise<ApplyOverhead> {
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
  const calls = smoke ? 5 : 200;
  const rounds = smoke ? 1 : 41;
  const time = (f: (i: tf.Tensor) => tf.Tensor) => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      const out = f(x);
      out.dataSync();
      out.dispose();
    }
    return (performance.now() - t0) / calls;
  };
  for (let i = 0; i < (smoke ? 1 : 3); i++) {
    time(haiku);
    time(raw);
  }
  const h: number[] = [];
  const r: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which one goes first, so neither always runs right after the other's allocations.
    let th: number;
    let tr: number;
    if (i % 2) {
      tr = time(raw);
      th = time(haiku);
    } else {
      th = time(haiku);
      tr = time(raw);
    }
    h.push(th);
    r.push(tr);
    ratios.push(th / tr);
  }
  hk.tree.dispose([params, x]);
  return {
    haikuMs: median(h),
    rawMs: median(r),
    ratio: median(ratios),
    ratioQ1: quantile(ratios, 0.25),
    ratioQ3: quantile(ratios, 0.75),
    rounds,
  };
}

/** `random.uniform` / `random.bits` against `tf.randomUniform`, in values per second. */
export function prng({ smoke }: { smoke: boolean }): Promise<PrngRow[]> {
  return benchPrng({ smoke });
}
