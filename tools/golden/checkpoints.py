"""Golden fixtures for checkpoints moving both ways between real Haiku and haiku-tfjs.

Run from the repository root, after `npx tsx tools/golden/write_ts_checkpoint.ts` (see
tools/golden/README.md):

    PYTHONPATH=/path/to/dm-haiku:/path/to/jmp venv/bin/python tools/golden/checkpoints.py

The model (`net`) is Conv2D -> BatchNorm -> relu -> Flatten -> MLP, the same as in
write_ts_checkpoint.ts.

(a) Haiku -> haiku-tfjs: Haiku initialises the model (PRNGKey(0)), adds 0.1 * N(0, 1) noise to
    every param (so biases and offsets are not zeros), runs one training step's forward pass to
    update the BatchNorm state, and saves params and state with safetensors.numpy.save_file under
    Haiku's names (`module/name`, e.g. `mlp/~/linear_0/w`) to
    test/golden/fixtures/checkpoint_haiku_{params,state}.safetensors.
(b) haiku-tfjs -> Haiku: loads test/golden/fixtures/checkpoint_ts_{params,state}.safetensors
    (written by our library), checks their names, shapes and dtypes against Haiku's own init of
    the model, and applies real Haiku to them.

For both, test/golden/fixtures/checkpoints.json holds the input x and Haiku's outputs in eval
mode and in training mode (with the new state), which test/golden/checkpoints.test.ts compares
with our apply on the loaded files.
"""
import json
import os

import haiku as hk
import jax
import numpy as np
from safetensors.numpy import load_file, save_file

DIR = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "fixtures")


def net(x, is_training):
  y = hk.Conv2D(4, 3, name="conv")(x)
  y = hk.BatchNorm(True, True, 0.9, name="bn")(y, is_training)
  y = hk.Flatten()(jax.nn.relu(y))
  return hk.nets.MLP([8, 3])(y)


f = hk.transform_with_state(net)


def flat(tree):
  return {f"{m}/{n}": np.asarray(v) for m, e in tree.items() for n, v in e.items()}


def unflat(arrays):
  out = {}
  for k, v in arrays.items():
    m, n = k.rsplit("/", 1)
    out.setdefault(m, {})[n] = v
  return out


def arr(x):
  x = np.asarray(x)
  return {"shape": list(x.shape), "dtype": str(x.dtype), "data": [float(v) if x.dtype.kind == "f" else int(v) for v in x.reshape(-1)]}


def outputs(params, state, x):
  eval_out, _ = f.apply(params, state, None, x, False)
  train_out, new_state = f.apply(params, state, None, x, True)
  return {"eval_out": arr(eval_out), "train_out": arr(train_out),
          "train_new_state": {k: arr(v) for k, v in flat(new_state).items()}}


def spec(tree):
  return {k: (v.shape, str(v.dtype)) for k, v in flat(tree).items()}


def main():
  rng = np.random.default_rng(1234)
  x = rng.standard_normal((2, 5, 5, 2)).astype(np.float32)

  # (a) Haiku -> haiku-tfjs.
  params, state = f.init(jax.random.PRNGKey(0), x, True)
  params = {m: {n: (np.asarray(v) + 0.1 * rng.standard_normal(np.shape(v))).astype(np.float32) for n, v in e.items()}
            for m, e in params.items()}
  _, state = f.apply(params, state, None, x, True)
  meta = {"framework": "haiku", "generator": "tools/golden/checkpoints.py"}
  save_file(flat(params), os.path.join(DIR, "checkpoint_haiku_params.safetensors"), metadata=meta)
  save_file(flat(state), os.path.join(DIR, "checkpoint_haiku_state.safetensors"), metadata=meta)
  haiku_case = outputs(params, state, x)

  # (b) haiku-tfjs -> Haiku.
  ts_params = unflat(load_file(os.path.join(DIR, "checkpoint_ts_params.safetensors")))
  ts_state = unflat(load_file(os.path.join(DIR, "checkpoint_ts_state.safetensors")))
  want_params, want_state = f.init(jax.random.PRNGKey(1), x, True)
  assert spec(ts_params) == spec(want_params), (spec(ts_params), spec(want_params))
  assert spec(ts_state) == spec(want_state), (spec(ts_state), spec(want_state))
  ts_case = outputs(ts_params, ts_state, x)

  out = {"generator": "tools/golden/checkpoints.py", "haiku": hk.__version__, "jax": jax.__version__,
         "x": arr(x), "haiku_to_ts": haiku_case, "ts_to_haiku": ts_case}
  with open(os.path.join(DIR, "checkpoints.json"), "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
  print("wrote checkpoint_haiku_{params,state}.safetensors and checkpoints.json")


if __name__ == "__main__":
  main()
