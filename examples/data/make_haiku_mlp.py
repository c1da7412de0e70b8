"""Writes haiku_mlp.safetensors: the params of `hk.nets.MLP([8, 2])` on 4 inputs, with Haiku's
names, in the byte layout `safetensors.numpy.save_file` produces (8-byte little-endian header
length, JSON header padded with spaces to 8 bytes, tensors sorted by name, little-endian data).

With Haiku installed, the same file comes from a real model:

    import haiku as hk, jax, jax.numpy as jnp, numpy as np
    from safetensors.numpy import save_file
    f = hk.without_apply_rng(hk.transform(lambda x: hk.nets.MLP([8, 2])(x)))
    params = f.init(jax.random.key(0), jnp.ones([1, 4]))
    save_file({f"{m}/{n}": np.asarray(v) for m, p in params.items() for n, v in p.items()},
              "haiku_mlp.safetensors")

This script needs only numpy, so the fixture can be rebuilt without JAX. It also records, in
`__metadata__`, an input and the MLP output numpy computes for it, so the example can check
that haiku-tfjs computes the same numbers.
"""
import json
import struct

import numpy as np

rng = np.random.default_rng(0)
params = {
    "mlp/~/linear_0/w": (rng.standard_normal((4, 8)) / 2).astype(np.float32),
    "mlp/~/linear_0/b": (rng.standard_normal(8) / 10).astype(np.float32),
    "mlp/~/linear_1/w": (rng.standard_normal((8, 2)) / np.sqrt(8)).astype(np.float32),
    "mlp/~/linear_1/b": (rng.standard_normal(2) / 10).astype(np.float32),
}
x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
h = np.maximum(x @ params["mlp/~/linear_0/w"] + params["mlp/~/linear_0/b"], 0)
y = h @ params["mlp/~/linear_1/w"] + params["mlp/~/linear_1/b"]

header = {"__metadata__": {"format": "haiku", "input": json.dumps(x.tolist()), "expected_output": json.dumps(y.tolist())}}
offset = 0
data = b""
for name in sorted(params):
    arr = np.ascontiguousarray(params[name], dtype="<f4")
    header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + arr.nbytes]}
    data += arr.tobytes()
    offset += arr.nbytes
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("haiku_mlp.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)
