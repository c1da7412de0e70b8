"""Long bit-exactness sweep of `hk.random`'s float path against JAX (not part of CI).

Dumps, as raw little-endian uint32 files in a directory (default /tmp/prng-sweep):
- normal / truncated_normal: 10^6 samples each from several keys (and bounds), both threefry modes;
- erf_inv, erf, log, log1p of every 61st float32 bit pattern in their domains.
Then `npx tsx tools/golden/prng_sweep.ts [dir]` recomputes everything with our implementation and
counts differing bits (all counts must be 0). Run from the repository root:

    python tools/golden/prng_sweep.py && npx tsx tools/golden/prng_sweep.ts
"""

import json
import os
import sys

import numpy as np

import jax
import jax.numpy as jnp
from jax import lax

N = 1_000_000
SEEDS = [0, 1, 42, 1193674498, 2**31 + 99]
BOUNDS = [(-2.0, 2.0), (0.5, 1.5), (-3.0, 1.0), (-0.1, 0.1)]
STRIDE = 61


def dump(out_dir, name, arr):
  np.asarray(arr).view(np.uint32).tofile(os.path.join(out_dir, name + ".bin"))


def main():
  out_dir = sys.argv[1] if len(sys.argv) > 1 else "/tmp/prng-sweep"
  os.makedirs(out_dir, exist_ok=True)
  manifest = {"n": N, "stride": STRIDE, "samplers": [], "functions": []}
  for partitionable in [True, False]:
    with jax.threefry_partitionable(partitionable):
      for s in SEEDS:
        k = jax.random.key(s)
        name = f"normal_{int(partitionable)}_{s}"
        dump(out_dir, name, jax.random.normal(k, (N,), jnp.float32))
        manifest["samplers"].append({"file": name, "kind": "normal", "seed": s, "partitionable": partitionable})
        for lo, hi in BOUNDS:
          name = f"trunc_{int(partitionable)}_{s}_{lo}_{hi}"
          dump(out_dir, name, jax.random.truncated_normal(k, lo, hi, (N,), jnp.float32))
          manifest["samplers"].append({"file": name, "kind": "truncated_normal", "seed": s,
                                       "partitionable": partitionable, "lower": lo, "upper": hi})
  unit = np.arange(1, 0x3F800000, STRIDE, dtype=np.uint32)  # (0, 1)
  pos = np.arange(0, 0x7F800001, STRIDE, dtype=np.uint32)  # [0, inf]
  for name, fn, start, sign in [("erf_inv", lax.erf_inv, 1, 1), ("erf_inv_neg", lax.erf_inv, 1, -1),
                                ("log1p_neg", jnp.log1p, 1, -1)]:
    dump(out_dir, name, jax.jit(fn)(sign * unit.view(np.float32)))
    manifest["functions"].append({"file": name, "fn": name.split("_neg")[0], "start": start, "sign": sign,
                                  "count": len(unit)})
  for name, fn in [("log", jnp.log), ("log1p", jnp.log1p), ("erf", lax.erf)]:
    dump(out_dir, name, jax.jit(fn)(pos.view(np.float32)))
    manifest["functions"].append({"file": name, "fn": name, "start": 0, "sign": 1, "count": len(pos)})
  with open(os.path.join(out_dir, "manifest.json"), "w") as f:
    json.dump(manifest, f)
  print(f"wrote {out_dir} (jax {jax.__version__})")


if __name__ == "__main__":
  main()
