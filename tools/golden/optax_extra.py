"""Golden fixtures for haiku-tfjs' optax breadth (issue 13): losses, more schedules, more
optimizers and the wrappers, from real optax 0.2.8.

Run from the repository root (see tools/golden/README.md):

    venv/bin/python tools/golden/optax_extra.py

Writes test/golden/fixtures/optax_extra.json, read by test/golden/optax_extra.test.ts:
  losses[i]: {name, optax (the code), inputs [arrays], value, grad} with value = loss(*inputs)
    (per example, no reduction) and grad = jax.grad(lambda x: loss(x, *rest).sum())(inputs[0]);
    the inputs include logits of +-1e4, where the value and gradient must stay finite.
  schedules[i]: {name, optax, steps, values}, values = schedule(step) in float32 (int32 step).
  params0, grads[step]: a small Haiku-shaped tree and STEPS fixed gradient trees.
  optimizers[i]: {name, optax, updates[step], params[step]} from
    state = opt.init(params); updates, state = opt.update(grads[t], state, params);
    params = optax.apply_updates(params, updates)
  (a case on other params (sm3: `linear` only) or whose `update` needs more than that says so
  in its code string.)
Arrays are {shape, dtype, data} with float32 values written as float64 numbers (exact).
"""
import json
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import jax  # pylint: disable=g-import-not-at-top
import jax.numpy as jnp
import numpy as np
import optax

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "fixtures", "optax_extra.json")
STEPS = 6
rng = np.random.default_rng(20261213)
f32 = lambda x: np.asarray(x, dtype=np.float32)


def arr(x):
  x = np.asarray(x)
  kind = x.dtype.kind
  return {"shape": list(x.shape), "dtype": "bool" if kind == "b" else str(x.dtype),
          "data": [float(v) if kind == "f" else int(v) for v in x.reshape(-1)]}


# ---------------------------------------------------------------- losses
LOGITS = f32([[1.2, -0.8, -0.5, 0.3], [0.9, -1.2, 1.1, 0.0], [1e4, -1e4, 0.0, 5.0], [-1e4, -1e4, 1e4, 1e4]])
PROBS = f32([[0.1, 0.2, 0.3, 0.4], [0.0, 1.0, 0.0, 0.0], [0.0, 0.5, 0.0, 0.5], [0.25, 0.25, 0.25, 0.25]])
INT_LABELS = np.asarray([3, 1, 1, 0], dtype=np.int32)
BIN_LOGITS = f32([1.2, -0.8, 1e4, -1e4, 1e4, -1e4, 0.3, 0.0])
BIN_LABELS = f32([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.3, 0.5])
PRED = f32(rng.standard_normal((3, 4)) * 1.5)
TARG = f32(rng.standard_normal((3, 4)))
BIG = f32([[3e3, -2.5, 0.7, -1e4]])
LOGP = np.asarray(jax.nn.log_softmax(jnp.asarray(LOGITS[:2])))
HINGE_OUT = f32([0.3, 2.0, -0.5, 0.9, -1.7, 0.2])
HINGE_T = f32([1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
L = optax.losses

LOSSES = [
    ("softmax_cross_entropy", "optax.losses.softmax_cross_entropy(logits, labels)", L.softmax_cross_entropy, [LOGITS, PROBS]),
    ("softmax_cross_entropy_axis0", "optax.losses.softmax_cross_entropy(logits.T, labels.T, axis=0)",
     lambda x, y: L.softmax_cross_entropy(x, y, axis=0), [LOGITS.T.copy(), PROBS.T.copy()]),
    ("softmax_cross_entropy_with_integer_labels", "optax.losses.softmax_cross_entropy_with_integer_labels(logits, labels)",
     L.softmax_cross_entropy_with_integer_labels, [LOGITS, INT_LABELS]),
    ("softmax_cross_entropy_with_integer_labels_axis0", "optax.losses.softmax_cross_entropy_with_integer_labels(logits.T, labels, axis=0)",
     lambda x, y: L.softmax_cross_entropy_with_integer_labels(x, y, axis=0), [LOGITS.T.copy(), INT_LABELS]),
    ("sigmoid_binary_cross_entropy", "optax.losses.sigmoid_binary_cross_entropy(logits, labels)", L.sigmoid_binary_cross_entropy, [BIN_LOGITS, BIN_LABELS]),
    ("squared_error", "optax.losses.squared_error(predictions, targets)", L.squared_error, [PRED, TARG]),
    ("squared_error_no_targets", "optax.losses.squared_error(predictions)", L.squared_error, [PRED]),
    ("l2_loss", "optax.losses.l2_loss(predictions, targets)", L.l2_loss, [PRED, TARG]),
    ("huber_loss", "optax.losses.huber_loss(predictions, targets, delta=1.0)", L.huber_loss, [PRED, TARG]),
    ("huber_loss_delta", "optax.losses.huber_loss(predictions, targets, delta=0.5)", lambda p, t: L.huber_loss(p, t, delta=0.5), [PRED, TARG]),
    ("log_cosh", "optax.losses.log_cosh(predictions, targets)", L.log_cosh, [PRED, TARG]),
    ("log_cosh_large", "optax.losses.log_cosh(predictions)", L.log_cosh, [BIG]),
    ("cosine_similarity", "optax.losses.cosine_similarity(predictions, targets)", L.cosine_similarity, [PRED, TARG]),
    ("cosine_similarity_epsilon", "optax.losses.cosine_similarity(predictions, targets, epsilon=0.5)",
     lambda p, t: L.cosine_similarity(p, t, epsilon=0.5), [PRED * f32(0.1), TARG]),
    ("cosine_distance", "optax.losses.cosine_distance(predictions, targets)", L.cosine_distance, [PRED, TARG]),
    ("kl_divergence", "optax.losses.kl_divergence(log_predictions, targets)", L.kl_divergence, [LOGP, PROBS[:2]]),
    ("hinge_loss", "optax.losses.hinge_loss(predictor_outputs, targets)", L.hinge_loss, [HINGE_OUT, HINGE_T]),
    ("smooth_labels", "optax.losses.smooth_labels(labels, 0.1)", lambda y: L.smooth_labels(y, 0.1), [PROBS]),
]


def loss_case(name, code, fn, inputs):
  ins = [jnp.asarray(x) for x in inputs]
  value = fn(*ins)
  grad = jax.grad(lambda x: jnp.sum(fn(x, *ins[1:])))(ins[0])
  return {"name": name, "optax": code, "inputs": [arr(x) for x in inputs], "value": arr(value), "grad": arr(grad)}


# ---------------------------------------------------------------- schedules
SCHEDULE_STEPS = list(range(0, 40)) + [50, 99, 100, 101, 150, 199, 200, 250, 1000]

SCHEDULES = [
    ("piecewise_constant", "optax.piecewise_constant_schedule(0.1, {10: 0.5, 5: 0.1, 30: 2.0})",
     optax.piecewise_constant_schedule(0.1, {10: 0.5, 5: 0.1, 30: 2.0})),
    ("piecewise_constant_none", "optax.piecewise_constant_schedule(0.3)", optax.piecewise_constant_schedule(0.3)),
    ("piecewise_interpolate_linear", "optax.piecewise_interpolate_schedule('linear', 1.0, {10: 0.5, 25: 0.2})",
     optax.piecewise_interpolate_schedule("linear", 1.0, {10: 0.5, 25: 0.2})),
    ("piecewise_interpolate_cosine", "optax.piecewise_interpolate_schedule('cosine', 2.0, {5: 3.0, 30: 0.1})",
     optax.piecewise_interpolate_schedule("cosine", 2.0, {5: 3.0, 30: 0.1})),
    ("polynomial_begin", "optax.polynomial_schedule(0.5, 0.01, 3.0, 25, transition_begin=7)",
     optax.polynomial_schedule(0.5, 0.01, 3.0, 25, transition_begin=7)),
    ("linear_increase", "optax.linear_schedule(0.0, 2.0, 30, transition_begin=4)", optax.linear_schedule(0.0, 2.0, 30, transition_begin=4)),
    ("join_three", "optax.join_schedules([optax.constant_schedule(1.0), optax.linear_schedule(1.0, 0.0, 10), optax.cosine_decay_schedule(0.5, 20)], [5, 12])",
     optax.join_schedules([optax.constant_schedule(1.0), optax.linear_schedule(1.0, 0.0, 10), optax.cosine_decay_schedule(0.5, 20)], [5, 12])),
    ("warmup_exponential_decay", "optax.warmup_exponential_decay_schedule(0.0, 1.0, 5, 4, 0.5)",
     optax.warmup_exponential_decay_schedule(0.0, 1.0, 5, 4, 0.5)),
    ("warmup_exponential_decay_options", "optax.warmup_exponential_decay_schedule(0.1, 1.0, 8, 3, 0.7, transition_begin=4, staircase=True, end_value=0.2)",
     optax.warmup_exponential_decay_schedule(0.1, 1.0, 8, 3, 0.7, transition_begin=4, staircase=True, end_value=0.2)),
    ("cosine_onecycle", "optax.cosine_onecycle_schedule(100, 1.0)", optax.cosine_onecycle_schedule(100, 1.0)),
    ("cosine_onecycle_options", "optax.cosine_onecycle_schedule(33, 0.5, pct_start=0.25, div_factor=10.0, final_div_factor=100.0)",
     optax.cosine_onecycle_schedule(33, 0.5, pct_start=0.25, div_factor=10.0, final_div_factor=100.0)),
    ("sgdr", "optax.sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=3, decay_steps=12, end_value=0.1), dict(init_value=0.1, peak_value=0.5, warmup_steps=2, decay_steps=20, exponent=2.0)])",
     optax.sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=3, decay_steps=12, end_value=0.1),
                          dict(init_value=0.1, peak_value=0.5, warmup_steps=2, decay_steps=20, exponent=2.0)])),
]


# ---------------------------------------------------------------- optimizers and wrappers
def tree_like(scale):
  return {
      "linear": {"w": f32(scale * rng.standard_normal((3, 2))), "b": f32(scale * rng.standard_normal((2,)))},
      "~": {"scale": f32(scale * rng.standard_normal(()))},
  }


PARAMS0 = tree_like(1.0)
GRADS = [tree_like(0.7) for _ in range(STEPS)]
GRADS[2]["linear"]["b"] = f32(GRADS[2]["linear"]["b"] * 1e-3)  # small gradients, so eps matters somewhere
MASK_TREE = {"linear": {"w": True, "b": False}, "~": {"scale": True}}

OPTIMIZERS = [
    ("lion", "optax.lion(1e-2)", optax.lion(1e-2)),
    ("lion_options", "optax.lion(1e-2, b1=0.8, b2=0.9, weight_decay=0.1, mask={'linear': {'w': True, 'b': False}, '~': {'scale': True}})",
     optax.lion(1e-2, b1=0.8, b2=0.9, weight_decay=0.1, mask=MASK_TREE)),
    ("adamax", "optax.adamax(1e-2)", optax.adamax(1e-2)),
    ("adamax_options", "optax.adamax(1e-2, b1=0.8, b2=0.9, eps=1e-3)", optax.adamax(1e-2, b1=0.8, b2=0.9, eps=1e-3)),
    ("radam", "optax.radam(1e-2)", optax.radam(1e-2)),
    ("radam_b2", "optax.radam(1e-2, b2=0.9, eps=1e-4)", optax.radam(1e-2, b2=0.9, eps=1e-4)),
    ("radam_nesterov", "optax.radam(1e-2, b2=0.8, threshold=4.0, nesterov=True)", optax.radam(1e-2, b2=0.8, threshold=4.0, nesterov=True)),
    ("adabelief", "optax.adabelief(1e-2)", optax.adabelief(1e-2)),
    ("adabelief_nesterov", "optax.adabelief(1e-2, b1=0.8, eps=1e-8, eps_root=1e-10, nesterov=True)",
     optax.adabelief(1e-2, b1=0.8, eps=1e-8, eps_root=1e-10, nesterov=True)),
    ("yogi", "optax.yogi(1e-2)", optax.yogi(1e-2)),
    ("yogi_options", "optax.yogi(1e-2, b1=0.8, b2=0.9, eps=1e-5)", optax.yogi(1e-2, b1=0.8, b2=0.9, eps=1e-5)),
    ("novograd", "optax.novograd(1e-2)", optax.novograd(1e-2)),
    ("novograd_weight_decay", "optax.novograd(1e-2, b1=0.8, b2=0.5, eps=1e-4, weight_decay=0.1)",
     optax.novograd(1e-2, b1=0.8, b2=0.5, eps=1e-4, weight_decay=0.1)),
    ("lamb", "optax.lamb(1e-2)", optax.lamb(1e-2)),
    ("lamb_weight_decay_mask", "optax.lamb(1e-2, weight_decay=0.1, mask={'linear': {'w': True, 'b': False}, '~': {'scale': True}})",
     optax.lamb(1e-2, weight_decay=0.1, mask=MASK_TREE)),
    ("lars", "optax.lars(0.1)", optax.lars(0.1)),
    ("lars_options", "optax.lars(0.1, weight_decay=0.01, weight_decay_mask={'linear': {'w': True, 'b': False}, '~': {'scale': True}}, trust_coefficient=0.01, eps=1e-3, trust_ratio_mask={'linear': {'w': True, 'b': False}, '~': {'scale': False}}, momentum=0.8, nesterov=True)",
     optax.lars(0.1, weight_decay=0.01, weight_decay_mask=MASK_TREE, trust_coefficient=0.01, eps=1e-3,
                trust_ratio_mask={"linear": {"w": True, "b": False}, "~": {"scale": False}}, momentum=0.8, nesterov=True)),
    ("adafactor", "optax.adafactor(1e-2)", optax.adafactor(1e-2)),
    ("adafactor_options", "optax.adafactor(1e-2, min_dim_size_to_factor=2, decay_rate=0.9, clipping_threshold=0.5, momentum=0.9, weight_decay_rate=0.01, multiply_by_parameter_scale=False)",
     optax.adafactor(1e-2, min_dim_size_to_factor=2, decay_rate=0.9, clipping_threshold=0.5, momentum=0.9,
                     weight_decay_rate=0.01, multiply_by_parameter_scale=False)),
    # sm3 keeps one accumulator per axis and fails on scalar params: run on `linear` only.
    ("sm3", "optax.sm3(0.1) on params['linear'] only", optax.sm3(0.1)),
    ("sm3_momentum", "optax.sm3(0.1, momentum=0.5) on params['linear'] only", optax.sm3(0.1, momentum=0.5)),
    ("multi_steps_sgd_momentum", "optax.MultiSteps(optax.sgd(0.1, momentum=0.9), every_k_schedule=3)",
     optax.MultiSteps(optax.sgd(0.1, momentum=0.9), every_k_schedule=3)),
    ("multi_steps_adam", "optax.MultiSteps(optax.adam(1e-2), every_k_schedule=2)", optax.MultiSteps(optax.adam(1e-2), every_k_schedule=2)),
    ("inject_hyperparams_adam", "optax.inject_hyperparams(optax.adam)(learning_rate=1e-2, b1=0.8)",
     optax.inject_hyperparams(optax.adam)(learning_rate=1e-2, b1=0.8)),
    ("inject_hyperparams_schedule", "optax.inject_hyperparams(optax.sgd)(learning_rate=optax.linear_schedule(0.1, 0.0, 4), momentum=0.9)",
     optax.inject_hyperparams(optax.sgd)(learning_rate=optax.linear_schedule(0.1, 0.0, 4), momentum=0.9)),
    ("lookahead_sgd", "optax.lookahead(optax.sgd(0.1), sync_period=2, slow_step_size=0.5) on LookaheadParams.init_synced(params)",
     optax.lookahead(optax.sgd(0.1), sync_period=2, slow_step_size=0.5)),
    ("lookahead_adam_reset", "optax.lookahead(optax.adam(1e-2), sync_period=3, slow_step_size=0.3, reset_state=True) on LookaheadParams.init_synced(params)",
     optax.lookahead(optax.adam(1e-2), sync_period=3, slow_step_size=0.3, reset_state=True)),
]


def tree_json(t):
  return {m: {n: arr(v) for n, v in e.items()} for m, e in t.items()}


def linear_only(name, t):
  return {"linear": t["linear"]} if name.startswith("sm3") else t


def run(name, opt):
  params = jax.tree_util.tree_map(jnp.asarray, linear_only(name, PARAMS0))
  lookahead = name.startswith("lookahead")
  if lookahead:
    params = optax.LookaheadParams.init_synced(params)
  state = opt.init(params)
  updates_out, params_out, extra = [], [], []
  for g in GRADS:
    g = jax.tree_util.tree_map(jnp.asarray, linear_only(name, g))
    if lookahead:
      updates, state = opt.update(g, state, params)
      params = optax.apply_updates(params, updates)
      updates_out.append({"fast": tree_json(updates.fast), "slow": tree_json(updates.slow)})
      params_out.append({"fast": tree_json(params.fast), "slow": tree_json(params.slow)})
      continue
    updates, state = opt.update(g, state, params)
    params = optax.apply_updates(params, updates)
    updates_out.append(tree_json(updates))
    params_out.append(tree_json(params))
    if name.startswith("inject_hyperparams"):
      extra.append({k: float(v) for k, v in state.hyperparams.items()})
  out = {"updates": updates_out, "params": params_out}
  if extra:
    out["hyperparams"] = extra
  return out


def main():
  out = {
      "generator": "tools/golden/optax_extra.py",
      "optax": optax.__version__, "jax": jax.__version__,
      "losses": [loss_case(*c) for c in LOSSES],
      "schedules": [],
      "params0": tree_json(PARAMS0),
      "grads": [tree_json(g) for g in GRADS],
      "optimizers": [],
  }
  for name, code, sched in SCHEDULES:
    values = [float(np.float32(sched(jnp.asarray(s, dtype=jnp.int32)))) for s in SCHEDULE_STEPS]
    out["schedules"].append({"name": name, "optax": code, "steps": SCHEDULE_STEPS, "values": values})
  for name, code, opt in OPTIMIZERS:
    out["optimizers"].append({"name": name, "optax": code, **run(name, opt)})
  with open(OUT, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
  print(f"{len(LOSSES)} losses, {len(SCHEDULES)} schedules, {len(OPTIMIZERS)} optimizers")


if __name__ == "__main__":
  main()
