/**
 * Checkpoints in the page, as bytes (`hk.io.deserialize`, the browser-safe reader): the CNN's
 * params saved by `npm start -- --save FILE` in Node, and the Python Haiku MLP of
 * examples/data/haiku_mlp.safetensors run on the input its metadata records.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";
import haikuMlpUrl from "../../data/haiku_mlp.safetensors?url";
import { initCnn } from "./training.js";

/** Fetches a URL's bytes, with an error naming the URL. */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * CNN params from a safetensors file, checked against the model's names and shapes (a file from
 * another model fails here with the names that differ, not later with a shape error).
 */
export function cnnParamsFromBytes(bytes: Uint8Array): hk.Params {
  const loaded = hk.io.deserialize(bytes);
  const expected = initCnn();
  try {
    hk.io.assertParamsMatch(loaded, expected);
  } catch (e) {
    hk.tree.dispose(loaded);
    throw e;
  } finally {
    hk.tree.dispose(expected);
  }
  return loaded as hk.Params;
}

/** The Python Haiku MLP's output here and the one numpy recorded, for the same input. */
export interface HaikuMlpCheck {
  input: number[][];
  output: number[][];
  numpy: number[][];
  maxAbsDiff: number;
}

/** Loads examples/data/haiku_mlp.safetensors and runs `hk.nets.MLP([8, 2])` on its recorded input. */
export async function checkHaikuMlp(): Promise<HaikuMlpCheck> {
  const bytes = await fetchBytes(haikuMlpUrl);
  const metadata = hk.io.readHeader(bytes).metadata ?? {};
  const input = JSON.parse(metadata.input ?? "[]") as number[][];
  const numpy = JSON.parse(metadata.expected_output ?? "[]") as number[][];
  const mlp = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.nets.MLP([8, 2]).call(x)));
  const params = hk.io.deserialize(bytes) as hk.Params;
  const out = tf.tidy(() => mlp.apply(params, tf.tensor2d(input)));
  const output = out.arraySync() as number[][];
  tf.dispose(out);
  hk.tree.dispose(params);
  const maxAbsDiff = Math.max(...output.flat().map((v, i) => Math.abs(v - numpy.flat()[i]!)));
  return { input, output, numpy, maxAbsDiff };
}
