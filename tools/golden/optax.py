"""Golden fixtures for haiku-tfjs' optax-style optimizers and schedules, from real optax.

Run from the repository root (see tools/golden/README.md):

    venv/bin/python tools/golden/optax.py

Writes test/golden/fixtures/optax.json, read by test/golden/optax.test.ts:
  params0: a small Haiku-shaped params tree {module: {name: array}}
  grads: STEPS gradient trees (numpy PCG64, fixed seed; large enough that clipping engages,
    except ~1e-4 on linear/b so that every optimizer's eps matters there)
  optimizers[i]: {name, optax (the code), updates[step], params[step]} from
    state = opt.init(params); updates, state = opt.update(grads[t], state, params);
    params = optax.apply_updates(params, updates)
  schedules[i]: {name, optax, steps, values} with values = schedule(step) evaluated by optax
    (float32, as optax computes them on the int32 step count).
Arrays are {shape, dtype, data} with float32 values written as float64 numbers (exact).
"""
import json
import os
import sys

# This file is named optax.py: drop its own folder from the path so `import optax` is the library.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import jax  # pylint: disable=g-import-not-at-top
import jax.numpy as jnp
import numpy as np
import optax

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "fixtures", "optax.json")
STEPS = 5
rng = np.random.default_rng(20261204)


def tree_like(scale):
  return {
      "linear": {"w": (scale * rng.standard_normal((3, 2))).astype(np.float32),
                 "b": (scale * rng.standard_normal((2,))).astype(np.float32)},
      "~": {"scale": (scale * rng.standard_normal(())).astype(np.float32)},
  }


PARAMS0 = tree_like(1.0)


def tiny_bias(g):
  # Gradients of ~1e-4 on `b`, so that eps (1e-8 .. 1e-3) visibly changes adaptive updates there.
  g["linear"]["b"] = (g["linear"]["b"] * 1e-4).astype(np.float32)
  return g


GRADS = [tiny_bias(tree_like(0.7)) for _ in range(STEPS)]

decay_weights = lambda p: jax.tree_util.tree_map(lambda x: x.ndim > 1, p)
MASK_TREE = {"linear": {"w": True, "b": False}, "~": {"scale": True}}

OPTIMIZERS = [
    ("sgd", "optax.sgd(0.1)", optax.sgd(0.1)),
    ("sgd_momentum", "optax.sgd(0.1, momentum=0.9)", optax.sgd(0.1, momentum=0.9)),
    ("sgd_nesterov", "optax.sgd(0.1, momentum=0.9, nesterov=True)", optax.sgd(0.1, momentum=0.9, nesterov=True)),
    ("adam", "optax.adam(1e-2)", optax.adam(1e-2)),
    ("adam_options", "optax.adam(1e-2, b1=0.8, b2=0.99, eps=1e-6, eps_root=1e-8)",
     optax.adam(1e-2, b1=0.8, b2=0.99, eps=1e-6, eps_root=1e-8)),
    ("adam_nesterov", "optax.adam(1e-2, nesterov=True)", optax.adam(1e-2, nesterov=True)),
    ("adamw_mask_fn", "optax.adamw(1e-2, weight_decay=0.1, mask=lambda p: tree_map(lambda x: x.ndim > 1, p))",
     optax.adamw(1e-2, weight_decay=0.1, mask=decay_weights)),
    ("adamw_mask_tree", "optax.adamw(1e-2, weight_decay=0.1, mask={'linear': {'w': True, 'b': False}, '~': {'scale': True}})",
     optax.adamw(1e-2, weight_decay=0.1, mask=MASK_TREE)),
    ("rmsprop", "optax.rmsprop(1e-2)", optax.rmsprop(1e-2)),
    ("rmsprop_centered", "optax.rmsprop(1e-2, centered=True)", optax.rmsprop(1e-2, centered=True)),
    ("rmsprop_momentum_nesterov", "optax.rmsprop(1e-2, momentum=0.9, nesterov=True)",
     optax.rmsprop(1e-2, momentum=0.9, nesterov=True)),
    ("rmsprop_eps_outside_bias_correction", "optax.rmsprop(1e-2, decay=0.8, eps=1e-3, initial_scale=0.5, eps_in_sqrt=False, bias_correction=True)",
     optax.rmsprop(1e-2, decay=0.8, eps=1e-3, initial_scale=0.5, eps_in_sqrt=False, bias_correction=True)),
    ("adagrad", "optax.adagrad(0.1)", optax.adagrad(0.1)),
    ("chain_clip_by_global_norm_adam", "optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2))",
     optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2))),
    ("chain_clip_sgd", "optax.chain(optax.clip(0.3), optax.sgd(0.1))", optax.chain(optax.clip(0.3), optax.sgd(0.1))),
    ("masked_sgd_momentum", "optax.masked(optax.sgd(0.1, momentum=0.9), {'linear': {'w': True, 'b': False}, '~': {'scale': True}})",
     optax.masked(optax.sgd(0.1, momentum=0.9), MASK_TREE)),
    ("adam_warmup_cosine", "optax.adam(optax.warmup_cosine_decay_schedule(0.0, 0.1, 2, 5, end_value=0.01))",
     optax.adam(optax.warmup_cosine_decay_schedule(0.0, 0.1, 2, 5, end_value=0.01))),
    ("sgd_exponential_decay", "optax.sgd(optax.exponential_decay(0.1, 2, 0.5, staircase=True))",
     optax.sgd(optax.exponential_decay(0.1, 2, 0.5, staircase=True))),
]

SCHEDULE_STEPS = list(range(0, 25)) + [50, 99, 100, 101, 150, 1000]

SCHEDULES = [
    ("constant", "optax.constant_schedule(0.3)", optax.constant_schedule(0.3)),
    ("polynomial", "optax.polynomial_schedule(1.0, 0.1, 2.0, 20, transition_begin=3)",
     optax.polynomial_schedule(1.0, 0.1, 2.0, 20, transition_begin=3)),
    ("linear", "optax.linear_schedule(0.5, 0.0, 15)", optax.linear_schedule(0.5, 0.0, 15)),
    ("exponential_decay", "optax.exponential_decay(1.0, 4, 0.5)", optax.exponential_decay(1.0, 4, 0.5)),
    ("exponential_decay_staircase_end", "optax.exponential_decay(1.0, 3, 0.5, transition_begin=2, staircase=True, end_value=0.1)",
     optax.exponential_decay(1.0, 3, 0.5, transition_begin=2, staircase=True, end_value=0.1)),
    ("exponential_growth_end", "optax.exponential_decay(0.1, 5, 2.0, end_value=1.0)",
     optax.exponential_decay(0.1, 5, 2.0, end_value=1.0)),
    ("cosine_decay", "optax.cosine_decay_schedule(1.0, 20, alpha=0.1)", optax.cosine_decay_schedule(1.0, 20, alpha=0.1)),
    ("cosine_decay_exponent", "optax.cosine_decay_schedule(2.0, 100, exponent=2.0)",
     optax.cosine_decay_schedule(2.0, 100, exponent=2.0)),
    ("warmup_cosine_decay", "optax.warmup_cosine_decay_schedule(0.0, 1.0, 5, 20, end_value=0.05)",
     optax.warmup_cosine_decay_schedule(0.0, 1.0, 5, 20, end_value=0.05)),
    ("join_schedules", "optax.join_schedules([optax.linear_schedule(0.0, 1.0, 10), optax.constant_schedule(0.5), optax.linear_schedule(0.5, 0.0, 10)], [10, 15])",
     optax.join_schedules([optax.linear_schedule(0.0, 1.0, 10), optax.constant_schedule(0.5), optax.linear_schedule(0.5, 0.0, 10)], [10, 15])),
]


def arr(x):
  x = np.asarray(x)
  return {"shape": list(x.shape), "dtype": str(x.dtype), "data": [float(v) if x.dtype.kind == "f" else int(v) for v in x.reshape(-1)]}


def tree_json(t):
  return {m: {n: arr(v) for n, v in e.items()} for m, e in t.items()}


def run(opt):
  params = jax.tree_util.tree_map(jnp.asarray, PARAMS0)
  state = opt.init(params)
  updates_out, params_out = [], []
  for g in GRADS:
    updates, state = opt.update(jax.tree_util.tree_map(jnp.asarray, g), state, params)
    params = optax.apply_updates(params, updates)
    updates_out.append(tree_json(updates))
    params_out.append(tree_json(params))
  return updates_out, params_out


def main():
  out = {
      "generator": "tools/golden/optax.py",
      "optax": optax.__version__, "jax": jax.__version__,
      "params0": tree_json(PARAMS0),
      "grads": [tree_json(g) for g in GRADS],
      "optimizers": [],
      "schedules": [],
  }
  for name, code, opt in OPTIMIZERS:
    updates, params = run(opt)
    out["optimizers"].append({"name": name, "optax": code, "updates": updates, "params": params})
  for name, code, sched in SCHEDULES:
    values = [float(np.float32(sched(jnp.asarray(s, dtype=jnp.int32)))) for s in SCHEDULE_STEPS]
    out["schedules"].append({"name": name, "optax": code, "steps": SCHEDULE_STEPS, "values": values})
  with open(OUT, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
  print(f"{len(OPTIMIZERS)} optimizers, {len(SCHEDULES)} schedules")


if __name__ == "__main__":
  main()
