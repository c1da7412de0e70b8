/**
 * Loads a params file exported from Python Haiku and runs the same model here.
 *
 * In Python (Haiku + safetensors), five lines export any Haiku params dict:
 *
 *   import numpy as np
 *   from safetensors.numpy import save_file
 *   f = hk.without_apply_rng(hk.transform(lambda x: hk.nets.MLP([8, 2])(x)))
 *   params = f.init(jax.random.key(0), jnp.ones([1, 4]))
 *   save_file({f"{m}/{n}": np.asarray(v) for m, p in params.items() for n, v in p.items()}, "haiku_mlp.safetensors")
 *
 * `examples/data/haiku_mlp.safetensors` is such a file (rebuilt by `make_haiku_mlp.py` beside
 * it with numpy alone; its metadata holds an input and the output numpy computed for it).
 *
 *   npx tsx examples/load_haiku_params.ts [--quick]
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "haiku-tfjs";

await hk.ready();
const path = join(dirname(fileURLToPath(import.meta.url)), "data", "haiku_mlp.safetensors");

// The same model as in Python: the names line up (mlp/~/linear_0, mlp/~/linear_1).
const model = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new hk.nets.MLP([8, 2]).call(x)));

const header = await hk.io.loadHeader(path);
const loaded = await hk.io.loadParams(path);
for (const [module, entries] of Object.entries(loaded)) {
  console.log(
    `${module}: ${Object.entries(entries)
      .map(([n, t]) => `${n} ${t.dtype}[${t.shape}]`)
      .join(", ")}`,
  );
}

// Check the file against what the model expects before using it.
const placeholder = tf.ones([1, 4]);
const expected = model.init(hk.random.key(0), placeholder);
const params = hk.io.assertParamsMatch(loaded, expected);
hk.tree.dispose(expected);
placeholder.dispose();

const metadata = header.metadata ?? {};
const x = tf.tensor(JSON.parse(metadata.input ?? "[]") as number[][]);
const want = JSON.parse(metadata.expected_output ?? "[]") as number[][];
const got = model.apply(params, x);
const maxErr = Math.max(...Array.from(got.dataSync(), (v, i) => Math.abs(v - want.flat()[i]!)));
console.log(`output here:   ${JSON.stringify(got.arraySync())}`);
console.log(`output numpy:  ${JSON.stringify(want)}`);
console.log(`max abs difference ${maxErr.toExponential(2)}`);
if (!(maxErr < 1e-5)) throw new Error(`outputs differ from Python's by ${maxErr}`);
tf.dispose([x, got]);
hk.tree.dispose(params);
