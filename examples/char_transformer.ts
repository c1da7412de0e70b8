/**
 * A character-level transformer language model on three of Shakespeare's sonnets (public
 * domain, `examples/data/sonnets.txt`): token and position embeddings, `hk.layerStack` over
 * pre-LayerNorm blocks with causal `hk.MultiHeadAttention`, trained with AdamW (weight decay on
 * matrices and embeddings only, via a mask) and a warm-up + cosine learning-rate schedule; then it
 * samples text. The stacked params are named as in Haiku:
 * `transformer/__layer_stack_no_per_layer/multi_head_attention/query` with a leading layer axis.
 *
 *   npx tsx examples/char_transformer.ts [--quick]
 */
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";
import { quick } from "./lib/cli.js";

await hk.ready();

const text = readFileSync(new URL("./data/sonnets.txt", import.meta.url), "utf8");
const vocab = [...new Set(text)].sort();
const idOf = new Map(vocab.map((c, i) => [c, i]));
const ids = Int32Array.from(text, (c) => idOf.get(c)!);

const T = quick ? 16 : 48; // context length
const D = quick ? 32 : 64; // model width
const HEADS = 4;
const LAYERS = 2;
const BATCH = quick ? 8 : 32;
const STEPS = quick ? 3 : 400;

@hk.module
class Transformer extends hk.Module {
  call(tokens: tf.Tensor): tf.Tensor {
    const [, t] = tokens.shape as [number, number];
    const init = hk.initializers.TruncatedNormal(0.02);
    const x = new hk.Embed(vocab.length, D, { wInit: init }).call(tokens);
    const pos = hk.getParameter("pos_embs", [T, D], { init });
    const causal = tf.reshape(tf.linalg.bandPart(tf.ones([t, t]), -1, 0), [1, 1, t, t]);
    const block = (h: tf.Tensor): tf.Tensor => {
      const ln = (v: tf.Tensor) => new hk.LayerNorm(-1, true, true).call(v);
      const a = ln(h);
      const attn = new hk.MultiHeadAttention(HEADS, D / HEADS, { wInit: hk.initializers.VarianceScaling(2 / LAYERS) });
      h = tf.add(h, attn.call(a, a, a, causal));
      const m = new hk.Linear(D, { wInit: hk.initializers.VarianceScaling(2 / LAYERS) }).call(
        tf.relu(new hk.Linear(4 * D).call(ln(h))),
      );
      return tf.add(h, m);
    };
    const h = hk.layerStack(LAYERS)(block)(tf.add(x, tf.slice(pos, [0, 0], [t, D])));
    return new hk.Linear(vocab.length).call(new hk.LayerNorm(-1, true, true).call(h));
  }
}

const model = hk.withoutApplyRng(hk.transform((tokens: tf.Tensor) => new Transformer().call(tokens)));

/** A batch of random windows: inputs `[B, T]` and next-character targets `[B, T]`. */
function batch(step: number): [tf.Tensor, tf.Tensor] {
  const starts = hk.random.uniform(hk.random.key(step), [BATCH], { minval: 0, maxval: ids.length - T - 1 }).dataSync();
  const xs = new Int32Array(BATCH * T);
  const ys = new Int32Array(BATCH * T);
  starts.forEach((s, b) => {
    const o = Math.floor(s);
    xs.set(ids.subarray(o, o + T), b * T);
    ys.set(ids.subarray(o + 1, o + T + 1), b * T);
  });
  return [tf.tensor2d(xs, [BATCH, T], "int32"), tf.tensor2d(ys, [BATCH, T], "int32")];
}

const [x0, y0] = batch(0);
let params = model.init(hk.random.key(42), x0);
tf.dispose([x0, y0]);
const query = params["transformer/__layer_stack_no_per_layer/multi_head_attention/query"]!;
console.log(
  `vocab ${vocab.length}, ${Object.keys(params).length} param groups; transformer/__layer_stack_no_per_layer/multi_head_attention/query.w: [${query["w"]!.shape}]`,
);

// Weight decay on matrices and embeddings only, never on biases or LayerNorm scales/offsets.
const decayMask = (p: hk.Params) =>
  Object.fromEntries(
    Object.entries(p).map(([m, b]) => [
      m,
      Object.fromEntries(Object.keys(b).map((n) => [n, n === "w" || n === "embeddings" || n === "pos_embs"])),
    ]),
  );
const schedule = hk.optim.warmupCosineDecay(0, 3e-3, Math.max(1, Math.floor(STEPS / 10)), STEPS + 1, {
  endValue: 3e-4,
});
const opt = hk.optim.adamw(schedule, { weightDecay: 1e-2, mask: decayMask });
let optState = opt.init(params);
const step = hk.optim.trainStep((p: hk.Params, x: tf.Tensor, y: tf.Tensor) => {
  const logits = model.apply(p, x);
  return tf.losses.softmaxCrossEntropy(
    tf.oneHot(tf.reshape(y, [-1]), vocab.length),
    tf.reshape(logits, [-1, vocab.length]),
  );
}, opt);

const losses: number[] = [];
for (let i = 0; i < STEPS; i++) {
  const [x, y] = batch(i + 1);
  const r = step(params, optState, x, y);
  ({ params, optState } = r);
  losses.push(r.loss.dataSync()[0]!);
  r.loss.dispose();
  if (!quick && (i + 1) % 100 === 0) console.log(`step ${i + 1}: loss ${losses[i]!.toFixed(3)}`);
}
console.log(`loss ${losses[0]!.toFixed(3)} -> ${losses[losses.length - 1]!.toFixed(3)} over ${STEPS} steps`);

/** Samples `n` characters after `prompt`, temperature 0.8, keys from `hk.random`. */
function sample(prompt: string, n: number): string {
  const out = [...prompt].map((c) => idOf.get(c) ?? 0);
  const space = idOf.get(" ") ?? 0;
  let key = hk.random.key(7);
  for (let i = 0; i < n; i++) {
    const ctx = out.slice(-T);
    while (ctx.length < T) ctx.unshift(space);
    const probs = tf.tidy(() => {
      const logits = model.apply(params, tf.tensor2d([ctx], [1, T], "int32"));
      return tf.softmax(tf.div(tf.slice(logits, [0, T - 1, 0], [1, 1, vocab.length]), 0.8)).dataSync();
    });
    const [k, sub] = hk.random.split(key);
    key = k!;
    const u = hk.random.uniform(sub!, []).dataSync()[0]!;
    let acc = 0;
    let next = probs.length - 1;
    for (let j = 0; j < probs.length; j++)
      if ((acc += probs[j]!) > u) {
        next = j;
        break;
      }
    out.push(next);
  }
  return out.map((i) => vocab[i]).join("");
}
console.log("sample:\n" + sample("Shall I ", quick ? 20 : 200));
// The characters' unigram entropy is about 3 nats: below 2.5 the model uses the context.
if (!quick && losses[losses.length - 1]! > 2.5) throw new Error("the transformer did not learn the text");
hk.tree.dispose([params, optState]);
