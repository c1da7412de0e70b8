/**
 * Multi-head attention (`attention.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { VarianceScaling } from "../initializers/index.js";
import { Linear } from "./linear.js";
import { moduleWhere } from "../core/module.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe, formatShape } from "../util/describe.js";

/** Options of {@link MultiHeadAttention} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface MultiHeadAttentionOptions {
  /**
   * Deprecated in Haiku: weights use `VarianceScaling(wInitScale)`. Pass `wInit` instead.
   * Exactly one of `wInit` / `wInitScale` is required.
   */
  wInitScale?: number | null;
  /** Initializer of every projection's `w`. */
  wInit?: Initializer | null;
  /** Whether the projections have biases `b`; default `true`. */
  withBias?: boolean;
  /** Initializer of the biases; default zeros. */
  bInit?: Initializer | null;
  /** Size of each value head; default `keySize`. */
  valueSize?: number | null;
  /** Output size; default `keySize * numHeads`. */
  modelSize?: number | null;
  /** Module name; default `"multi_head_attention"`. */
  name?: string;
}

function positiveInt(x: unknown, what: string, where: string): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < 1) {
    throw new InvalidArgumentError(where, `${what} must be a positive integer, got ${describe(x)}`, "pass e.g. 8.");
  }
  return x;
}

/**
 * Multi-headed scaled dot-product attention: projections `query` / `key` / `value`
 * (`Linear(numHeads * size)`), `softmax(q kᵀ / sqrt(keySize))` per head with an optional mask,
 * and an output projection `linear` (`Linear(modelSize)`). Leading (batch-like) dimensions
 * broadcast. Built on batched `tf.matMul`, which has gradients on every backend.
 *
 * @example
 * ```ts
 * const mha = new hk.MultiHeadAttention(8, 64, { wInit: hk.initializers.VarianceScaling(1.0) });
 * const y = mha.call(x, x, x); // x: [B, T, D] -> y: [B, T, 512]
 * ```
 *
 * @category Layers
 */
@module("multi_head_attention")
export class MultiHeadAttention extends Module {
  /** Number of heads H. */
  readonly numHeads: number;
  /** Size of each key/query head. */
  readonly keySize: number;
  /** Size of each value head. */
  readonly valueSize: number;
  /** Size of the output. */
  readonly modelSize: number;
  /** Initializer of every `w`. */
  readonly wInit: Initializer;
  /** Whether the projections have biases. */
  readonly withBias: boolean;
  /** Initializer of the biases (`null` = zeros). */
  readonly bInit: Initializer | null;

  /**
   * @param numHeads - number of independent heads H.
   * @param keySize - size of keys and queries per head.
   * @param opts - `wInit` (required unless the deprecated `wInitScale`), `withBias`, `bInit`,
   *   `valueSize`, `modelSize`, `name`.
   */
  constructor(numHeads: number, keySize: number, opts: MultiHeadAttentionOptions = {}) {
    super(opts.name);
    const where = moduleWhere(this);
    this.numHeads = positiveInt(numHeads, "`numHeads` (Haiku's `num_heads`)", where);
    this.keySize = positiveInt(keySize, "`keySize` (Haiku's `key_size`)", where);
    this.valueSize =
      opts.valueSize != null ? positiveInt(opts.valueSize, "`valueSize` (Haiku's `value_size`)", where) : this.keySize;
    this.modelSize =
      opts.modelSize != null
        ? positiveInt(opts.modelSize, "`modelSize` (Haiku's `model_size`)", where)
        : this.keySize * this.numHeads;
    const wInit = opts.wInit ?? null;
    const scale = opts.wInitScale ?? null;
    if (wInit !== null && scale !== null) {
      throw new InvalidArgumentError(
        where,
        "Please provide only `wInit` (Haiku's `w_init`), not `wInitScale` (Haiku's `w_init_scale`)",
        "drop `wInitScale`.",
      );
    }
    if (wInit === null && scale === null) {
      throw new InvalidArgumentError(
        where,
        "Please provide a weight initializer: `wInit` (Haiku's `w_init`). `w_init` will become mandatory once `w_init_scale` is fully deprecated",
        "pass e.g. `{ wInit: hk.initializers.VarianceScaling(1.0) }`.",
      );
    }
    this.wInit = wInit ?? VarianceScaling(scale!);
    this.withBias = opts.withBias ?? true;
    this.bInit = opts.bInit ?? null;
  }

  /**
   * Attends from `query` over `key` / `value`.
   *
   * @param query - `[..., T', Dq]`.
   * @param key - `[..., T, Dk]`.
   * @param value - `[..., T, Dv]`.
   * @param mask - optional `[..., H or 1, T', T]`, same rank as the logits `[..., H, T', T]`;
   *   false / 0 entries are excluded (their logits become -1e30).
   * @returns `[..., T', modelSize]`.
   */
  call(query: tf.Tensor, key: tf.Tensor, value: tf.Tensor, mask?: tf.Tensor | null): tf.Tensor {
    const where = moduleWhere(this);
    for (const [what, t] of [
      ["query", query],
      ["key", key],
      ["value", value],
    ] as const) {
      if (!(t instanceof tf.Tensor) || t.rank < 2) {
        throw new ShapeError(
          where,
          `\`${what}\` must be a tf.Tensor of rank >= 2 ([..., T, D]), got ${describe(t)}`,
          "pass [..., T, D] (e.g. [batch, time, features]).",
        );
      }
    }
    const seqLen = query.shape[query.rank - 2]!;

    // Heads are moved ahead of time ([..., H, T, D]) so both contractions are batched matMuls.
    const queryHeads = projectHeads(this, query, this.keySize, "query");
    const keyHeads = projectHeads(this, key, this.keySize, "key");
    const valueHeads = projectHeads(this, value, this.valueSize, "value");

    let logits = tf.matMul(queryHeads, keyHeads, false, true); // [..., H, T', T]
    logits = tf.mul(logits, tf.scalar(1 / Math.sqrt(this.keySize), logits.dtype));
    if (mask != null) {
      if (!(mask instanceof tf.Tensor)) {
        throw new InvalidArgumentError(
          where,
          `\`mask\` must be a tf.Tensor or null, got ${describe(mask)}`,
          "pass a boolean tf.Tensor broadcastable to [..., H, T', T], or null.",
        );
      }
      if (mask.rank !== logits.rank) {
        throw new ShapeError(
          where,
          `Mask dimensionality ${mask.rank} must match logits dimensionality ${logits.rank} (logits are [..., H, T', T] = ${formatShape(logits.shape)})`,
          "add a head axis of size 1 to the mask.",
        );
      }
      const cond = mask.dtype === "bool" ? mask : tf.notEqual(mask, tf.scalar(0, mask.dtype));
      logits = tf.where(cond, logits, tf.scalar(-1e30, logits.dtype));
    }
    const weights = tf.softmax(logits); // [..., H, T', T]
    const attn = tf.matMul(weights, valueHeads); // [..., H, T', V]
    const r = attn.rank;
    const perm = [...Array(r - 3).keys(), r - 2, r - 3, r - 1];
    const merged = tf.reshape(tf.transpose(attn, perm), [
      ...attn.shape.slice(0, r - 3),
      seqLen,
      this.numHeads * this.valueSize,
    ]);

    const final = new Linear(this.modelSize, {
      wInit: this.wInit,
      withBias: this.withBias,
      bInit: this.bInit ?? undefined,
    });
    return final.call(merged);
  }
}

/**
 * `Linear(H * headSize, name)` then `[..., T, D] -> [..., H, T, headSize]`. A plain function, not a
 * method: Haiku's `_linear_projection` is `@transparent`, so the Linears belong to `call`'s scope
 * (`multi_head_attention/query`, not `.../~_linear_projection/query`).
 */
function projectHeads(m: MultiHeadAttention, x: tf.Tensor, headSize: number, name: string): tf.Tensor {
  const y = new Linear(m.numHeads * headSize, {
    wInit: m.wInit,
    withBias: m.withBias,
    bInit: m.bInit ?? undefined,
    name,
  }).call(x);
  const heads = tf.reshape(y, [...x.shape.slice(0, -1), m.numHeads, headSize]);
  const r = heads.rank;
  return tf.transpose(heads, [...Array(r - 3).keys(), r - 2, r - 3, r - 1]);
}
