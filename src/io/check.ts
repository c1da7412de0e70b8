/**
 * State-dict checking: compare a loaded tree with what a model expects, by full name.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { isTensor, sameShape } from "../util/describe.js";
import { ParameterError } from "../util/errors.js";
import { flattenTree } from "./names.js";

/** An entry present on both sides whose shape (or dtype) differs. */
export interface ParamsMismatch {
  /** Full name, e.g. `"mlp/~/linear_0/w"`. */
  readonly name: string;
  /** The shape the model expects. */
  readonly expected: readonly number[];
  /** The shape that was loaded. */
  readonly actual: readonly number[];
  /** The dtype the model expects, when both sides are tensors and the dtypes differ. */
  readonly expectedDtype?: tf.DataType;
  /** The dtype that was loaded, when both sides are tensors and the dtypes differ. */
  readonly actualDtype?: tf.DataType;
}

/** The result of {@link checkParams}; every list is in the expected (then loaded) tree's order. */
export interface ParamsCheck {
  /** True when nothing is missing, unexpected or mismatched. */
  readonly ok: boolean;
  /** Full names the model expects that the loaded tree lacks. */
  readonly missing: readonly string[];
  /** Full names in the loaded tree the model does not expect. */
  readonly unexpected: readonly string[];
  /** Names on both sides whose shape or dtype differs. */
  readonly mismatched: readonly ParamsMismatch[];
}

/** A leaf of a tree compared by {@link checkParams}: a tensor, or just its shape. */
export type ShapeLeaf = tf.Tensor | readonly number[];

function isShapeLeaf(x: unknown): x is ShapeLeaf {
  return isTensor(x) || (Array.isArray(x) && x.every((d) => typeof d === "number"));
}

function collect(
  tree: unknown,
  which: string,
  where: string,
): Map<string, { shape: readonly number[]; dtype?: tf.DataType }> {
  const { leaves } = flattenTree(
    tree,
    isShapeLeaf,
    "a tf.Tensor or a shape (number[])",
    where,
    "give every leaf as a tensor or its shape.",
    `\`${which}\``,
  );
  const out = new Map<string, { shape: readonly number[]; dtype?: tf.DataType }>();
  for (const { name, value } of leaves) {
    out.set(name, isTensor(value) ? { shape: value.shape, dtype: value.dtype } : { shape: value });
  }
  return out;
}

/**
 * Compares a loaded params (or state) tree with the tree a model expects, entry by entry, using
 * full names (`module/param`, deeper paths joined by `/`). Shapes must be equal; dtypes are
 * compared when both sides are tensors. Nothing is allocated or disposed.
 *
 * @param loaded - e.g. the result of {@link loadParams}.
 * @param expected - e.g. `model.init(rng, placeholders)`; leaves may be tensors or shapes.
 * @returns the missing, unexpected and mismatched entries.
 * @example
 * ```ts
 * const loaded = await hk.io.loadParams("mlp.safetensors");
 * const { missing, unexpected, mismatched } = hk.io.checkParams(loaded, net.init(key, x));
 * ```
 */
export function checkParams(
  loaded: Readonly<Record<string, unknown>>,
  expected: Readonly<Record<string, unknown>>,
): ParamsCheck {
  return checkIn(loaded, expected, "hk.io.checkParams");
}

function checkIn(
  loaded: Readonly<Record<string, unknown>>,
  expected: Readonly<Record<string, unknown>>,
  where: string,
): ParamsCheck {
  const want = collect(expected, "expected", where);
  const got = collect(loaded, "loaded", where);
  const missing: string[] = [];
  const mismatched: ParamsMismatch[] = [];
  for (const [name, spec] of want) {
    const have = got.get(name);
    if (have === undefined) {
      missing.push(name);
    } else if (
      !sameShape(spec.shape, have.shape) ||
      (spec.dtype !== undefined && have.dtype !== undefined && spec.dtype !== have.dtype)
    ) {
      const dtypes =
        spec.dtype !== undefined && have.dtype !== undefined && spec.dtype !== have.dtype
          ? { expectedDtype: spec.dtype, actualDtype: have.dtype }
          : {};
      mismatched.push({ name, expected: spec.shape.slice(), actual: have.shape.slice(), ...dtypes });
    }
  }
  const unexpected = [...got.keys()].filter((name) => !want.has(name));
  return {
    ok: missing.length === 0 && unexpected.length === 0 && mismatched.length === 0,
    missing,
    unexpected,
    mismatched,
  };
}

const LIST_LIMIT = 20;

function list(items: readonly string[]): string {
  const shown = items.slice(0, LIST_LIMIT).map((s) => `  ${s}`);
  if (items.length > LIST_LIMIT) shown.push(`  ... and ${items.length - LIST_LIMIT} more`);
  return shown.join("\n");
}

function describeMismatch(m: ParamsMismatch): string {
  const fmt = (s: readonly number[]) => `[${s.join(", ")}]`;
  if (!sameShape(m.expected, m.actual)) {
    const transposed = m.expected.length === 2 && sameShape(m.expected, m.actual.slice().reverse());
    const hint = transposed ? " (transposed: a PyTorch Linear weight is [out, in], Haiku's w is [in, out])" : "";
    return `${m.name}: expected shape ${fmt(m.expected)}, got ${fmt(m.actual)}${hint}`;
  }
  return `${m.name}: expected dtype ${m.expectedDtype}, got ${m.actualDtype}`;
}

/**
 * Throws one {@link ParameterError} listing every missing, unexpected and mismatched entry when `loaded` does
 * not match `expected` (see {@link checkParams}); returns `loaded` unchanged otherwise.
 *
 * @param loaded - e.g. the result of {@link loadParams}.
 * @param expected - e.g. `model.init(rng, placeholders)`; leaves may be tensors or shapes.
 * @returns `loaded`, so it can wrap a load.
 * @example
 * ```ts
 * const params = hk.io.assertParamsMatch(await hk.io.loadParams("p.safetensors"), net.init(key, x));
 * ```
 */
export function assertParamsMatch<T extends Readonly<Record<string, unknown>>>(
  loaded: T,
  expected: Readonly<Record<string, unknown>>,
): T {
  const where = "hk.io.assertParamsMatch";
  const { ok, missing, unexpected, mismatched } = checkIn(loaded, expected, where);
  if (ok) return loaded;
  const parts: string[] = [];
  if (missing.length > 0)
    parts.push(`missing (${missing.length}), expected by the model but not loaded:\n${list(missing)}`);
  if (unexpected.length > 0)
    parts.push(`unexpected (${unexpected.length}), loaded but not in the model:\n${list(unexpected)}`);
  if (mismatched.length > 0)
    parts.push(`mismatched (${mismatched.length}):\n${list(mismatched.map(describeMismatch))}`);
  throw new ParameterError(
    where,
    `\`loaded\` does not match the params the model expects (\`expected\`):\n${parts.join("\n")}`,
    "names are Haiku's module/param: compare the export script's keys with the model's (Object.keys of init's params).",
  );
}
