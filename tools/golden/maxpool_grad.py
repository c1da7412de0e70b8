"""Golden gradients of max pooling from JAX, for test/golden/maxpool_grad.test.ts.

Writes test/golden/fixtures/maxpool_grad.json: for each case the input x, the output-gradient
weights w and dx = grad(sum(max_pool(x) * w)) wrt x, where max_pool is
jax.lax.reduce_window(x, -inf, lax.max, window, strides, padding) -- the padding is -inf, so a
padded cell never receives gradient (flax.linen.max_pool and Haiku's hk.max_pool are this same
reduce_window). Values are float32, written as Python floats (exact).

Run: /work/venv/bin/python tools/golden/maxpool_grad.py
"""
import json
import os

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# (name, input shape, window, strides, padding, input values)
CASES = [
    ("issue repro: -i, 2x2/2 SAME", [1, 5, 5, 1], [2, 2], [2, 2], "SAME", "neg"),
    ("issue repro: sin(1.3 i), 2x2/2 SAME", [1, 5, 5, 1], [2, 2], [2, 2], "SAME", "sin"),
    ("3x3/2 SAME, odd sizes, 3 channels, batch 2", [2, 7, 6, 3], [3, 3], [2, 2], "SAME", "sin"),
    ("3x3/1 SAME, all negative", [1, 5, 5, 2], [3, 3], [1, 1], "SAME", "neg"),
    ("2x3 window, strides 1x2, SAME", [2, 6, 7, 2], [2, 3], [1, 2], "SAME", "sin"),
    ("4x4/3 SAME (padding on both sides)", [1, 5, 5, 1], [4, 4], [3, 3], "SAME", "neg"),
    ("2x2/2 VALID, last row and column unused", [1, 5, 5, 2], [2, 2], [2, 2], "VALID", "sin"),
    ("3-D: 3x3x3/2 SAME", [1, 5, 4, 3, 2], [3, 3, 3], [2, 2, 2], "SAME", "sin"),
    ("3-D: 2x2x2/2 SAME, all negative", [1, 5, 5, 5, 1], [2, 2, 2], [2, 2, 2], "SAME", "neg"),
]


def values(shape, kind):
    i = np.arange(int(np.prod(shape)), dtype=np.float32)
    v = -i if kind == "neg" else np.sin(np.float32(1.3) * i)
    return v.astype(np.float32).reshape(shape)


def main():
    out = []
    for name, shape, window, strides, padding, kind in CASES:
        x = jnp.asarray(values(shape, kind))
        win = (1, *window, 1)
        st = (1, *strides, 1)

        def pool(v):
            return lax.reduce_window(v, -jnp.inf, lax.max, win, st, padding)

        y_shape = pool(x).shape
        w = jnp.cos(jnp.float32(0.7) * jnp.arange(int(np.prod(y_shape)), dtype=jnp.float32)).reshape(y_shape)
        dx = jax.grad(lambda v: jnp.sum(pool(v) * w))(x)
        out.append({
            "name": name,
            "shape": shape,
            "window": window,
            "strides": strides,
            "padding": padding.lower(),
            "x": [float(v) for v in np.asarray(x).ravel()],
            "w": [float(v) for v in np.asarray(w).ravel()],
            "dx": [float(v) for v in np.asarray(dx).ravel()],
        })
    path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "fixtures", "maxpool_grad.json")
    with open(path, "w") as f:
        json.dump({"generator": "tools/golden/maxpool_grad.py", "jax": jax.__version__, "cases": out}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
