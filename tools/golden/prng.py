"""Golden fixtures for `hk.random`: JAX's threefry PRNG, from real JAX (jax 0.10.2, CPU).

Writes test/golden/fixtures/prng.json, read by test/golden/prng.test.ts. Every float is stored as
its uint32 bit pattern, so the test compares bit for bit. Run from the repository root:

    python tools/golden/prng.py  (a Python with jax==0.10.2)

Contents (jax_enable_x64 off, as in JAX's default configuration, unless stated):
- seeds: jax.random.key / PRNGKey key data for int seeds (large and negative ones included),
  and the seeds JAX rejects; seeds_x64: the same with jax_enable_x64 on (our bigint seeds).
- fold_in: data in [0, 2^32) as Python ints, negative data as jnp.int32 (bit pattern).
- modes.partitionable (the default jax_threefry_partitionable=True) and modes.legacy (False):
  split (n = 1, 2, 3), bits (uint32), uniform (ranges), normal, truncated_normal (bounds) and
  bernoulli, for a few keys and shapes (odd sizes, and sizes above the library's 64-value SIMD
  kernel threshold).
- normal_hard / truncated_normal_hard: the samples whose erf_inv goes through XLA's float32
  `log` at an argument where that `log` is not the correctly rounded one (the region where a
  libm log gives 1-3 ulp different normals), as (index, bits) of a long draw.
- log_hard: (v, log(v)) float32 bit pairs where XLA:CPU's `jnp.log` differs from the correctly
  rounded log.

Deterministic: no randomness outside JAX's own PRNG, fixed keys and shapes.
"""

import json
import os

import numpy as np

import jax
import jax.numpy as jnp
from jax import lax

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "fixtures", "prng.json")


def u32(x):
  """Flattened uint32 bit patterns of a float32 / uint32 / bool array, as Python ints."""
  a = np.asarray(x)
  if a.dtype == np.bool_:
    return [int(v) for v in a.reshape(-1)]
  if a.dtype == np.float32:
    a = a.view(np.uint32)
  assert a.dtype == np.uint32, a.dtype
  return [int(v) for v in a.reshape(-1)]


def kd(k):
  return u32(jax.random.key_data(k))


def f32bits(x):
  return int(np.array(x, np.float32).view(np.uint32))


SEEDS = [0, 1, 42, -1, 2**31 - 1, 2**31, 2**31 + 99, 2**32 - 1, 2**32, 2**32 + 5, 2**40, 2**40 + 7,
         2**53 - 1, -2**31, -2**31 - 1, -2**32, -2**40, -(2**53 - 1)]
REJECTED_SEEDS = [2**63, -2**63 - 1, 2**64]
# Seeds beyond 2^53 that JAX accepts; a JavaScript number cannot hold most of them exactly.
UNSAFE_SEEDS = [2**53 + 1, 2**62 + 3, 2**63 - 1, -2**63]


def seed_table():
  rows = []
  for s in SEEDS + UNSAFE_SEEDS:
    a, b = kd(jax.random.key(s)), kd(jax.random.PRNGKey(s))
    assert a == b, (s, a, b)
    rows.append({"seed": str(s), "key": a})
  rejected = []
  for s in REJECTED_SEEDS:
    try:
      jax.random.key(s)
    except OverflowError as e:
      rejected.append({"seed": str(s), "error": f"OverflowError: {e}"})
    else:
      raise AssertionError(f"JAX accepted seed {s}")
  for s in [1.5, float("nan")]:
    try:
      jax.random.key(s)
    except TypeError as e:
      rejected.append({"seed": repr(s), "error": "TypeError: " + str(e).split(";")[0]})
    else:
      raise AssertionError(f"JAX accepted seed {s}")
  return rows, rejected


def seed_table_x64():
  with jax.enable_x64(True):
    rows = []
    for s in SEEDS + UNSAFE_SEEDS:
      rows.append({"seed": str(s), "key": kd(jax.random.key(s))})
  return rows


FOLD_DATA = [0, 1, 4, 7, 2**31 - 1, 2**31, 2**32 - 1]
FOLD_DATA_INT32 = [-1, -5, -2**31]
FOLD_REJECTED = [2**32, 2**40, -1]


def fold_in_table():
  rows = []
  for seed in [0, 42, 2**31 + 99]:
    k = jax.random.key(seed)
    for d in FOLD_DATA:
      rows.append({"seed": seed, "data": d, "key": kd(jax.random.fold_in(k, d))})
    for d in FOLD_DATA_INT32:
      rows.append({"seed": seed, "data": d, "int32": True, "key": kd(jax.random.fold_in(k, jnp.int32(d)))})
  rejected = []
  for d in FOLD_REJECTED:
    try:
      jax.random.fold_in(jax.random.key(0), d)
    except OverflowError as e:
      rejected.append({"data": d, "error": f"OverflowError: {e}"})
    else:
      raise AssertionError(f"JAX accepted fold_in data {d}")
  return rows, rejected


KEY_SEEDS = [0, 42, 2**31 + 99]
SHAPES = [[], [1], [7], [3, 5], [2, 3, 4], [129]]
BIG_SHAPE = [1001]  # bits and normal of the first key only
MID_SHAPE = [67]  # above the 64-value kernel threshold, odd; first key only
UNIFORM_RANGES = [[0.0, 1.0], [-1.0, 1.0], [0.1, 0.7], [-3.5, 2.25], [5.0, 5.001]]
TRUNC_BOUNDS = [[-2.0, 2.0], [-1.0, 3.0], [0.5, 1.5], [-float("inf"), 1.0], [3.0, float("inf")]]
BERNOULLI_P = [0.5, 0.1, 0.9]


def bound(x):
  return x if np.isfinite(x) else ("inf" if x > 0 else "-inf")


def sampler_cases():
  """Keys: key(seed) and split(key(seed))[1] (so split keys are exercised as sampler inputs)."""
  keys = []
  for s in KEY_SEEDS:
    keys.append(jax.random.key(s))
  keys.append(jax.random.split(jax.random.key(7))[1])
  out = {"keys": [kd(k) for k in keys], "split": [], "bits": [], "uniform": [], "normal": [],
         "truncated_normal": [], "bernoulli": []}
  for ki, k in enumerate(keys):
    for n in [1, 2, 3]:
      out["split"].append({"key": ki, "num": n, "out": [kd(x) for x in jax.random.split(k, n)]})
    shapes = SHAPES + ([BIG_SHAPE] if ki == 0 else [])
    for shape in shapes:
      out["bits"].append({"key": ki, "shape": shape, "out": u32(jax.random.bits(k, tuple(shape), jnp.uint32))})
      out["normal"].append({"key": ki, "shape": shape, "out": u32(jax.random.normal(k, tuple(shape), jnp.float32))})
    for lo, hi in UNIFORM_RANGES:
      for shape in [[5], [3, 7]] + ([MID_SHAPE] if ki == 0 else []):
        v = jax.random.uniform(k, tuple(shape), jnp.float32, minval=lo, maxval=hi)
        out["uniform"].append({"key": ki, "shape": shape, "minval": lo, "maxval": hi, "out": u32(v)})
    for lo, hi in TRUNC_BOUNDS:
      for shape in [[5], [3, 7]] + ([MID_SHAPE] if ki == 0 else []):
        v = jax.random.truncated_normal(k, lo, hi, tuple(shape), jnp.float32)
        out["truncated_normal"].append(
            {"key": ki, "shape": shape, "lower": bound(lo), "upper": bound(hi), "out": u32(v)})
    for p in BERNOULLI_P:
      for shape in [[9], [4, 5]] + ([MID_SHAPE] if ki == 0 else []):
        v = jax.random.bernoulli(k, p, tuple(shape))
        out["bernoulli"].append({"key": ki, "p": p, "shape": shape, "out": u32(v)})
  return out


HARD_N = 65536
HARD_MAX = 400  # cases kept per draw (the first ones), to keep the fixture small
HARD_SEEDS = [0, 42, 1193674498]
SQRT2 = np.float32(np.sqrt(2))


def log_is_off(v):
  """Where XLA's float32 log of v is not the correctly rounded log."""
  xla = np.asarray(jax.jit(jnp.log)(v))
  exact = np.log(v.astype(np.float64)).astype(np.float32)
  return xla != exact


def hard_indices(u):
  """Indices whose erf_inv(u) takes XLA's log at an argument where it is not correctly rounded."""
  uu = u.astype(np.float32)
  v = (np.float32(1) + uu * -uu).astype(np.float32)  # XLA: f32(u * -u) then f32(+ 1), no FMA
  in_log_branch = np.abs(uu * -uu) >= np.float32(0.41421356237309503)
  return np.nonzero(in_log_branch & log_is_off(v))[0]


def normal_hard():
  rows = []
  lo = np.nextafter(np.float32(-1), np.float32(0))
  for s in HARD_SEEDS:
    k = jax.random.key(s)
    x = np.asarray(jax.random.normal(k, (HARD_N,), jnp.float32))
    u = np.asarray(jax.random.uniform(k, (HARD_N,), jnp.float32, minval=lo, maxval=1.0))
    # JAX's construction (jax/_src/random.py::_normal_real); checked so the selection is sound.
    assert (np.asarray(SQRT2 * lax.erf_inv(u)).view(np.uint32) == x.view(np.uint32)).all()
    idx = hard_indices(u)[:HARD_MAX]
    rows.append({"seed": s, "n": HARD_N, "index": [int(i) for i in idx], "out": u32(x[idx])})
  return rows


def truncated_hard():
  rows = []
  for s, (lo, hi) in zip(HARD_SEEDS, [(-2.0, 2.0), (-3.0, 1.5), (-1.0, 2.5)]):
    k = jax.random.key(s)
    x = np.asarray(jax.random.truncated_normal(k, lo, hi, (HARD_N,), jnp.float32))
    # jax/_src/random.py::_truncated_normal: a uniform between erf(lower/sqrt2) and erf(upper/sqrt2).
    a = lax.erf(jnp.float32(lo) / SQRT2)
    b = lax.erf(jnp.float32(hi) / SQRT2)
    u = np.asarray(jax.random.uniform(k, (HARD_N,), jnp.float32, minval=a, maxval=b))
    idx = hard_indices(u)[:HARD_MAX]
    rows.append({"seed": s, "lower": lo, "upper": hi, "n": HARD_N, "index": [int(i) for i in idx],
                 "out": u32(x[idx])})
  return rows


def log_hard():
  # Every 4099th float32 in [1/16, 1): the range 1 - u^2 takes in normal().
  start, stop = f32bits(0.0625), f32bits(1.0)
  v = np.arange(start, stop, 4099, dtype=np.uint32).view(np.float32)
  off = log_is_off(v)
  xla = np.asarray(jax.jit(jnp.log)(v[off]))
  return {"in": u32(v[off][:200]), "out": u32(xla[:200])}


def modes():
  out = {}
  for name, flag in [("partitionable", True), ("legacy", False)]:
    with jax.threefry_partitionable(flag):
      out[name] = sampler_cases()
  return out


def main():
  assert jax.__version__ == "0.10.2", jax.__version__
  assert jax.config.jax_threefry_partitionable and not jax.config.jax_enable_x64
  seeds, rejected = seed_table()
  fold, fold_rejected = fold_in_table()
  data = {
      "source": "tools/golden/prng.py with jax " + jax.__version__ + " on " + jax.default_backend(),
      "seeds": seeds,
      "seeds_rejected": rejected,
      "seeds_x64": seed_table_x64(),
      "fold_in": fold,
      "fold_in_rejected": fold_rejected,
      "modes": modes(),
      "normal_hard": normal_hard(),
      "truncated_normal_hard": truncated_hard(),
      "log_hard": log_hard(),
  }
  with open(OUT, "w") as f:
    json.dump(data, f, separators=(",", ":"))
    f.write("\n")
  print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
  main()
