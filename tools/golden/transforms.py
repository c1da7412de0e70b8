"""Golden values for Haiku's transform wrappers (lift, layer_stack, scan & co, vmap, remat).

Run:  PYTHONPATH=/work/pysrc/dm-haiku:/work/pysrc/jmp /work/venv/bin/python tools/golden/transforms.py
Writes test/golden/fixtures/transforms.json, read by test/golden/transforms.test.ts.

Each case records what a user relies on: parameter names, shapes and values for a fixed key,
state after init and apply, outputs (including ones that depend on hk.next_rng_key), and, for
remat, gradients. Arrays are {"shape", "dtype", "data"} with float32 values written as float64
(repr-exact) and uint32 keys as integers.
"""
import json
import os

import haiku as hk
import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_platforms", "cpu")

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "fixtures", "transforms.json")


def enc(x):
  if isinstance(x, (jax.Array, np.ndarray)):
    a = np.asarray(x)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": [float(v) if a.dtype.kind == "f" else int(v) for v in a.reshape(-1)]}
  if hasattr(x, "items"):
    return {k: enc(v) for k, v in x.items()}
  if isinstance(x, (list, tuple)):
    return [enc(v) for v in x]
  if isinstance(x, (int, float, bool)) or x is None:
    return x
  raise TypeError(type(x))


CASES = {}


def case(fn):
  CASES[fn.__name__] = enc(fn())
  return fn


def noise(shape):
  # An rng-dependent output: the keys Haiku draws show up in the values.
  return jax.random.normal(hk.next_rng_key(), shape)


X = jnp.arange(6, dtype=jnp.float32).reshape(2, 3) / 10.0


# ---------------------------------------------------------------------------------------------
# lift
# ---------------------------------------------------------------------------------------------
@case
def lift_basic():
  inner = hk.transform(lambda x: hk.Linear(2)(x) + noise([2]))

  class Outer(hk.Module):
    def __call__(self, x):
      params = hk.lift(inner.init, name="inner")(hk.next_rng_key() if hk.running_init() else None, x)
      return inner.apply(params, hk.next_rng_key(), x)

  t = hk.transform(lambda x: Outer()(x) + hk.Linear(2)(x))
  params = t.init(jax.random.PRNGKey(42), X)
  return {"params": params, "out": t.apply(params, jax.random.PRNGKey(7), X)}


@case
def lift_with_state_basic():
  def inner_fn(x):
    s = hk.get_state("count", [], init=jnp.zeros)
    hk.set_state("count", s + 1.0)
    return hk.Linear(2)(x) * (s + 1.0)

  inner = hk.transform_with_state(inner_fn)

  class Outer(hk.Module):
    def __call__(self, x):
      f, updater = hk.lift_with_state(inner.init, name="inner")
      params, state = f(hk.next_rng_key() if hk.running_init() else None, x)
      y, state = inner.apply(params, state, None, x)
      updater.update(state)
      return y

  t = hk.transform_with_state(lambda x: Outer()(x))
  params, state = t.init(jax.random.PRNGKey(3), X)
  out, state2 = t.apply(params, state, None, X)
  out3, state3 = t.apply(params, state2, None, X)
  return {"params": params, "state": state, "out": out, "state2": state2, "out3": out3, "state3": state3}


@case
def transparent_lift_basic():
  inner = hk.transform(lambda x: hk.nets.MLP([3, 2])(x))

  class Outer(hk.Module):
    def __call__(self, x):
      params = hk.transparent_lift(inner.init)(hk.next_rng_key() if hk.running_init() else None, x)
      return inner.apply(params, None, x)

  t = hk.transform(lambda x: Outer()(x) + hk.transparent_lift(inner.init)(hk.maybe_next_rng_key(), x)["mlp/~/linear_1"]["b"])
  params = t.init(jax.random.PRNGKey(5), X)
  return {"params": params, "out": t.apply(params, None, X)}


@case
def transparent_lift_with_state_basic():
  def inner_fn(x):
    hk.set_state("last", jnp.sum(x))
    return hk.Linear(1)(x)

  inner = hk.transform_with_state(inner_fn)

  def f(x):
    fn, updater = hk.transparent_lift_with_state(inner.init)
    params, state = fn(hk.maybe_next_rng_key(), x)
    y, state = inner.apply(params, state, None, x * 2.0)
    updater.update(state)
    return y

  t = hk.transform_with_state(f)
  params, state = t.init(jax.random.PRNGKey(9), X)
  out, state2 = t.apply(params, state, None, X)
  return {"params": params, "state": state, "out": out, "state2": state2}


# ---------------------------------------------------------------------------------------------
# layer_stack
# ---------------------------------------------------------------------------------------------
@case
def layer_stack_basic():
  def layer(x):
    return jax.nn.tanh(hk.Linear(3)(x)) + noise([3])

  class Net(hk.Module):
    def __call__(self, x):
      return hk.layer_stack(3)(layer)(x)

  t = hk.transform(lambda x: Net()(x))
  params = t.init(jax.random.PRNGKey(11), X)
  return {"params": params, "out": t.apply(params, jax.random.PRNGKey(12), X),
          "init_out": t.apply(params, jax.random.PRNGKey(11), X)}


@case
def layer_stack_two_args_state():
  def layer(x, y):
    n = hk.get_state("n", [], init=jnp.zeros)
    hk.set_state("n", n + jnp.sum(x))
    return hk.Linear(3, with_bias=False)(x) + y, y * 2.0

  t = hk.transform_with_state(lambda x, y: hk.layer_stack(2, name="stack")(layer)(x, y))
  params, state = t.init(jax.random.PRNGKey(1), X, X + 1.0)
  out, state2 = t.apply(params, state, None, X, X + 1.0)
  return {"params": params, "state": state, "out": out, "state2": state2}


@case
def layer_stack_per_layer():
  def layer(x, y):
    return hk.Linear(3)(x) * y, jnp.sum(x) + noise([])

  t = hk.transform(lambda x, ys: hk.layer_stack(4, with_per_layer_inputs=True)(layer)(x, ys))
  ys = jnp.arange(4, dtype=jnp.float32) / 4.0
  params = t.init(jax.random.PRNGKey(2), X, ys)
  return {"params": params, "out": t.apply(params, jax.random.PRNGKey(4), X, ys)}


# ---------------------------------------------------------------------------------------------
# scan, map, fori_loop, while_loop, cond, switch
# ---------------------------------------------------------------------------------------------
XS = jnp.arange(12, dtype=jnp.float32).reshape(4, 3) / 12.0


def _scan_program(reverse):
  def f(xs):
    lin = hk.Linear(3)

    def body(c, x):
      n = hk.get_state("n", [], init=jnp.zeros)
      hk.set_state("n", n + 1.0)
      h = jnp.tanh(lin(x) + c) + noise([3]) * 0.1
      return h, h * n

    carry, ys = hk.scan(body, jnp.zeros([3]), xs, reverse=reverse)
    return carry, ys, noise([2])

  t = hk.transform_with_state(f)
  params, state = t.init(jax.random.PRNGKey(21), XS)
  out, state2 = t.apply(params, state, jax.random.PRNGKey(22), XS)
  return {"params": params, "state": state, "out": out, "state2": state2}


@case
def scan_basic():
  return _scan_program(False)


@case
def scan_reverse():
  return _scan_program(True)


@case
def map_basic():
  def f(xs):
    lin = hk.Linear(2)
    return hk.map(lambda x: lin(x) + noise([2]), xs), noise([])

  t = hk.transform(f)
  params = t.init(jax.random.PRNGKey(31), XS)
  return {"params": params, "out": t.apply(params, jax.random.PRNGKey(32), XS)}


@case
def fori_loop_basic():
  def f(x):
    lin = hk.Linear(3)

    def body(i, v):
      hk.set_state("last_i", jnp.asarray(i, jnp.float32))
      return jnp.tanh(lin(v)) + noise([3]) * 0.1

    return hk.fori_loop(0, 3, body, x), noise([])

  t = hk.transform_with_state(f)
  params, state = t.init(jax.random.PRNGKey(41), X)
  out, state2 = t.apply(params, state, jax.random.PRNGKey(42), X)
  return {"params": params, "state": state, "out": out, "state2": state2}


@case
def while_loop_basic():
  def f(x):
    lin = hk.Linear(3)
    if hk.running_init():
      return lin(x), noise([])

    def body(v):
      c, h = v
      return c + 1, jnp.tanh(lin(h)) + noise([3]) * 0.1

    _, h = hk.while_loop(lambda v: v[0] < 3, body, (0, x))
    return h, noise([])

  t = hk.transform(f)
  params = t.init(jax.random.PRNGKey(51), X)
  return {"params": params, "out": t.apply(params, jax.random.PRNGKey(52), X)}


@case
def cond_switch_basic():
  def f(x, pred, index):
    a, b, c = hk.Linear(2, name="a"), hk.Linear(2, name="b"), hk.Linear(2, name="c")
    if hk.running_init():
      return a(x) + b(x) + c(x), noise([])

    def count(fn):
      def g(v):
        n = hk.get_state("calls", [], init=jnp.zeros)
        hk.set_state("calls", n + 1.0)
        return fn(v) + noise([2])
      return g

    y1 = hk.cond(pred, count(a), count(b), x)
    y2 = hk.switch(index, [count(a), count(b), count(c)], x)
    y3 = hk.switch(index + 5, [count(a), count(b), count(c)], x)
    return (y1, y2, y3), noise([])

  t = hk.transform_with_state(f)
  params, state = t.init(jax.random.PRNGKey(61), X, True, 0)
  out, state2 = t.apply(params, state, jax.random.PRNGKey(62), X, False, 1)
  return {"params": params, "state": state, "out": out, "state2": state2}


# ---------------------------------------------------------------------------------------------
# vmap
# ---------------------------------------------------------------------------------------------
def _vmap_program(split_at_apply):
  def f(xs, z):
    lin = hk.Linear(2)

    def g(x, zz):
      n = hk.get_state("n", [], init=jnp.zeros)
      hk.set_state("n", n + 1.0)
      return lin(x) * zz + noise([2]), noise([])

    split = (not hk.running_init()) and split_at_apply
    y, k = hk.vmap(g, in_axes=(0, None), out_axes=(1, 0), split_rng=split)(xs, z)
    return y, k, noise([])

  t = hk.transform_with_state(f)
  params, state = t.init(jax.random.PRNGKey(71), XS, 2.0)
  out, state2 = t.apply(params, state, jax.random.PRNGKey(72), XS, 2.0)
  return {"params": params, "state": state, "out": out, "state2": state2}


@case
def vmap_shared_rng():
  return _vmap_program(False)


@case
def vmap_split_rng():
  return _vmap_program(True)


@case
def vmap_init_same_keys():
  # Every element runs the same trace: in init each one creates the (shared) params, drawing the
  # same keys, so a key drawn after them is the same in every element and state stays unmapped.
  def f(xs):
    lin = hk.Linear(2)

    def g(x):
      y = lin(x)
      hk.set_state("k", noise([]))
      return y

    return hk.vmap(g, split_rng=False)(xs)

  t = hk.transform_with_state(f)
  params, state = t.init(jax.random.PRNGKey(81), XS)
  return {"params": params, "state": state}


# ---------------------------------------------------------------------------------------------
# remat
# ---------------------------------------------------------------------------------------------
@case
def remat_grads():
  def f(x):
    def block(h):
      y = jnp.tanh(hk.Linear(3)(h))
      hk.set_state("mean", jnp.mean(y))
      return y + noise(y.shape) * 0.1

    b = hk.remat(block)
    h = x
    for _ in range(3):
      h = b(h)
    return h

  t = hk.transform_with_state(f)
  params, state = t.init(jax.random.PRNGKey(91), X)

  def loss(p):
    y, s = t.apply(p, state, jax.random.PRNGKey(92), X)
    return jnp.sum(y ** 2) + s["~"]["mean"], (y, s)

  (value, (out, state2)), grads = jax.value_and_grad(loss, has_aux=True)(params)
  return {"params": params, "value": value, "out": out, "state2": state2, "grads": grads}


@case
def scan_reserved_keys():
  # Keys reserved before a loop beyond the block of one are dropped when the loop starts
  # (reserve_up_to_full_rng_block slices the reserve down), and so are those a step reserves.
  def f(xs):
    hk.reserve_rng_keys(3)

    def body(c, x):
      hk.reserve_rng_keys(2)
      return c, x + noise([3])

    _, ys = hk.scan(body, 0.0, xs)
    return ys, noise([])

  t = hk.transform(f)
  return {"out": t.apply({}, jax.random.PRNGKey(101), XS)}


# ---- end of cases


if __name__ == "__main__":
  with open(OUT, "w") as f:
    json.dump(CASES, f, separators=(",", ":"))
  print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")
