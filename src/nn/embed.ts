/**
 * Token embeddings (`embed.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, getParameter, module } from "../core/index.js";
import type { Initializer } from "../core/index.js";
import { TruncatedNormal } from "../initializers/index.js";
import { moduleWhere } from "../core/module.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { describe, formatShape } from "../util/describe.js";

/** How {@link Embed} looks ids up: a gather (`"ARRAY_INDEX"`) or a one-hot matmul (`"ONE_HOT"`).
 *
 * @category Layers
 */
export type EmbedLookupStyle = "ARRAY_INDEX" | "ONE_HOT";

/**
 * Haiku's `EmbedLookupStyle` enum values, for code written against `hk.EmbedLookupStyle.ONE_HOT`.
 *
 * @category Layers
 */
export const EmbedLookupStyle: {
  /** Gather rows: `embeddings[ids]`. */
  readonly ARRAY_INDEX: "ARRAY_INDEX";
  /** `one_hot(ids) @ embeddings`. */
  readonly ONE_HOT: "ONE_HOT";
} = Object.freeze({ ARRAY_INDEX: "ARRAY_INDEX", ONE_HOT: "ONE_HOT" });

/**
 * Options of {@link Embed} (Haiku's keyword arguments).
 *
 * @category Layers
 */
export interface EmbedOptions {
  /** Number of distinct ids; inferred from `embeddingMatrix` if that is given. */
  vocabSize?: number;
  /** Size of each embedding; inferred from `embeddingMatrix` if that is given. */
  embedDim?: number;
  /** Initial `[vocabSize, embedDim]` matrix; overrides `wInit`. */
  embeddingMatrix?: tf.Tensor | number[][];
  /** Initializer of `embeddings`; default `TruncatedNormal()` (stddev 1). */
  wInit?: Initializer;
  /** Default lookup style; default `"ARRAY_INDEX"`. Case-insensitive. */
  lookupStyle?: EmbedLookupStyle | Lowercase<EmbedLookupStyle>;
  /** Module name; default `"embed"`. */
  name?: string;
}

/**
 * Options of {@link Embed.call}.
 *
 * @category Layers
 */
export interface EmbedCallOptions {
  /** Overrides the module's lookup style for this call. */
  lookupStyle?: EmbedLookupStyle | Lowercase<EmbedLookupStyle>;
}

function parseStyle(style: unknown, where: string): EmbedLookupStyle {
  const s = typeof style === "string" ? style.toUpperCase() : style;
  if (s === "ARRAY_INDEX" || s === "ONE_HOT") return s;
  throw new InvalidArgumentError(
    where,
    `\`lookupStyle\` (Haiku's \`lookup_style\`) ${describe(style)} is not supported by hk.Embed`,
    'pass "ARRAY_INDEX" or "ONE_HOT".',
  );
}

function isPositiveInt(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x > 0;
}

/**
 * Maps integer ids to learned vectors: parameter `embeddings` of shape `[vocabSize, embedDim]`;
 * `call(ids)` returns `ids.shape + [embedDim]`. Ids must be integers in `[0, vocabSize)`.
 *
 * @example
 * ```ts
 * const embed = new hk.Embed({ vocabSize: 6, embedDim: 12 }); // or Haiku's positional form:
 * const same = new hk.Embed(6, 12, { name: "tokens" });
 * const y = embed.call(tf.tensor1d([0, 5, 2], "int32")); // [3, 12]
 * ```
 *
 * @category Layers
 */
@module("embed")
export class Embed extends Module {
  /** Number of distinct ids. */
  readonly vocabSize: number;
  /** Size of each embedding. */
  readonly embedDim: number;
  /** Default lookup style. */
  readonly lookupStyle: EmbedLookupStyle;
  /** Initializer of `embeddings`. */
  readonly wInit: Initializer;

  /** @param opts - `vocabSize` and `embedDim`, or `embeddingMatrix`; `wInit`, `lookupStyle`, `name`. */
  constructor(opts?: EmbedOptions);
  /**
   * Haiku's positional form, `hk.Embed(vocab_size, embed_dim, ...)`.
   * @param vocabSize - number of distinct ids.
   * @param embedDim - size of each embedding.
   * @param opts - `wInit`, `lookupStyle`, `name` (and `embeddingMatrix`, checked against the sizes).
   */
  constructor(vocabSize: number, embedDim: number, opts?: Omit<EmbedOptions, "vocabSize" | "embedDim">);
  constructor(
    a: EmbedOptions | number = {},
    embedDimArg?: number,
    rest: Omit<EmbedOptions, "vocabSize" | "embedDim"> = {},
  ) {
    const opts: EmbedOptions = typeof a === "number" ? { ...rest, vocabSize: a, embedDim: embedDimArg } : (a ?? {});
    if (typeof a === "number" && typeof embedDimArg !== "number") {
      throw new InvalidArgumentError(
        "hk.Embed",
        `the positional form is \`new hk.Embed(vocabSize, embedDim, opts)\`, got embedDim ${String(embedDimArg)}`,
        "pass both sizes as numbers, or one options object `{ vocabSize, embedDim }`.",
      );
    }
    super(opts.name);
    const where = moduleWhere(this);
    const { vocabSize, embedDim, embeddingMatrix } = opts;
    if (embeddingMatrix == null && !(vocabSize && embedDim)) {
      throw new InvalidArgumentError(
        where,
        "hk.Embed must be supplied either with an initial `embeddingMatrix` (Haiku's `embedding_matrix`) or with `embedDim` and `vocabSize` (Haiku's `embed_dim` and `vocab_size`)",
        "pass `{ vocabSize, embedDim }` or `{ embeddingMatrix }`.",
      );
    }
    if (embeddingMatrix != null) {
      const shape = embeddingMatrix instanceof tf.Tensor ? embeddingMatrix.shape : shapeOf(embeddingMatrix);
      if (shape.length !== 2) {
        throw new ShapeError(
          where,
          `\`embeddingMatrix\` (Haiku's \`embedding_matrix\`) must be rank 2 [vocabSize, embedDim], got shape ${formatShape(shape)}`,
          "pass a [vocabSize, embedDim] matrix.",
        );
      }
      if (vocabSize && shape[0] !== vocabSize) {
        throw new ShapeError(
          where,
          `An \`embeddingMatrix\` was supplied but the \`vocabSize\` (Haiku's \`vocab_size\`) of ${vocabSize} was not consistent with its shape ${formatShape(shape)}`,
          "drop `vocabSize`, or make it match the matrix's first dimension.",
        );
      }
      if (embedDim && shape[1] !== embedDim) {
        throw new ShapeError(
          where,
          `An \`embeddingMatrix\` was supplied but the \`embedDim\` (Haiku's \`embed_dim\`) of ${embedDim} was not consistent with its shape ${formatShape(shape)}`,
          "drop `embedDim`, or make it match the matrix's second dimension.",
        );
      }
      // Read only when `init` runs; cloned so params never alias the caller's tensor.
      const matrixShape: [number, number] = [shape[0]!, shape[1]!];
      this.wInit = (_shape, dtype) => {
        const m = embeddingMatrix instanceof tf.Tensor ? tf.clone(embeddingMatrix) : tf.tensor2d(embeddingMatrix);
        return m.dtype === dtype ? m : tf.cast(m, dtype);
      };
      this.vocabSize = matrixShape[0];
      this.embedDim = matrixShape[1];
    } else {
      if (!isPositiveInt(vocabSize) || !isPositiveInt(embedDim)) {
        throw new InvalidArgumentError(
          where,
          `\`vocabSize\` and \`embedDim\` (Haiku's \`vocab_size\` and \`embed_dim\`) must be positive integers, got ${describe(vocabSize)} and ${describe(embedDim)}`,
          "pass e.g. `{ vocabSize: 1000, embedDim: 64 }`.",
        );
      }
      this.vocabSize = vocabSize;
      this.embedDim = embedDim;
      this.wInit = opts.wInit ?? TruncatedNormal();
    }
    this.lookupStyle = parseStyle(opts.lookupStyle ?? "ARRAY_INDEX", where);
  }

  /** The `embeddings` parameter, `[vocabSize, embedDim]`. */
  get embeddings(): tf.Tensor {
    return this.getEmbeddings();
  }

  /** Fetches (or, in `init`, creates) `embeddings` inside this module's scope. */
  getEmbeddings(): tf.Tensor {
    return getParameter("embeddings", [this.vocabSize, this.embedDim], { init: this.wInit });
  }

  /**
   * Looks up the embedding of every id.
   *
   * @param ids - an integer (int32) tensor, or nested arrays of integers, of any shape.
   * @param opts - `lookupStyle` override.
   * @returns a tensor of shape `ids.shape + [embedDim]`.
   */
  call(ids: tf.Tensor | number[] | number[][], opts: EmbedCallOptions = {}): tf.Tensor {
    const where = moduleWhere(this);
    const idsT = toIds(ids, where);
    const style = parseStyle(opts.lookupStyle ?? this.lookupStyle, where);
    const embeddings = this.getEmbeddings();
    if (style === "ARRAY_INDEX") return tf.gather(embeddings, idsT);
    // tfjs-backend-wasm 4.22's OneHot writes int32 bit patterns whatever the requested dtype,
    // so the one-hot is built as int32 and cast.
    const oneHot = tf.cast(tf.oneHot(tf.reshape(idsT, [-1]), this.vocabSize), embeddings.dtype);
    const flat = tf.matMul(oneHot, embeddings);
    return tf.reshape(flat, [...idsT.shape, this.embedDim]);
  }
}

function shapeOf(x: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function toIds(ids: unknown, where: string): tf.Tensor {
  if (ids instanceof tf.Tensor) {
    if (ids.dtype !== "int32") {
      throw new InvalidArgumentError(
        where,
        `hk.Embed's __call__ method must take an array of integer dtype but was called with an array of ${ids.dtype}`,
        'cast the ids first: `tf.cast(ids, "int32")`.',
      );
    }
    return ids;
  }
  if (Array.isArray(ids)) {
    const flat = (ids as unknown[]).flat(Infinity);
    const bad = flat.find((v) => typeof v !== "number" || !Number.isInteger(v));
    if (bad !== undefined) {
      throw new InvalidArgumentError(
        where,
        `hk.Embed's __call__ method must take an array of integer dtype but was called with an array containing ${describe(bad)}`,
        "pass integer ids.",
      );
    }
    return tf.tensor(ids as number[], undefined, "int32");
  }
  throw new InvalidArgumentError(
    where,
    `\`ids\` must be an int32 tf.Tensor or an array of integer ids, got ${describe(ids)}`,
    'pass `tf.tensor([1, 2], undefined, "int32")` or `[1, 2]`.',
  );
}
