"""Golden fixtures for every Haiku layer haiku-tfjs has: init, apply and gradients.

Run from the repository root (see tools/golden/README.md):

    PYTHONPATH=/path/to/dm-haiku:/path/to/jmp venv/bin/python tools/golden/layers.py

Writes test/golden/fixtures/layers.json (one entry per case: the Haiku code, the order of params
and state, the input specs) and test/golden/fixtures/layers.safetensors (every array), both read by
test/golden/layers.test.ts.

Per case, with init key PRNGKey(42) and apply key PRNGKey(7):
  `<case>::init::<module>/<name>`   params made by `init` (what our init must reproduce)
  `<case>::params::<module>/<name>` the params `apply` runs on: init's plus 0.1 * N(0, 1) noise,
                                    so that a bias or scale left at its init value (0 / 1) cannot
                                    hide a bug in how it is used
  `<case>::state::<module>/<name>`  state made by `init` (stateful cases); `apply` runs on it
  `<case>::x::<i>`                  the inputs (numpy PCG64, seeded per case)
  `<case>::out::<j>`                outputs of apply (a flat list, in the order the case returns)
  `<case>::new_state::<module>/<name>` state after apply (stateful cases)
  `<case>::ct::<j>`                 cotangents: the loss is sum_j sum(out_j * ct_j)
  `<case>::grad_params::<module>/<name>`, `<case>::grad_x::<i>` jax.grad of that loss w.r.t.
                                    the apply params and the float inputs.
"""
import json
import os
import zlib

import haiku as hk
import jax
import jax.numpy as jnp
import numpy as np
from safetensors.numpy import save_file

OUT_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "fixtures")
INIT_KEY = 42
APPLY_KEY = 7

CASES = []


def case(name, code, inputs, stateful=False, grad=True):
  """Registers `fn` (returning a list of arrays) as a case; `inputs` are (shape, dtype[, range])."""

  def register(fn):
    CASES.append(dict(name=name, code=code, inputs=inputs, stateful=stateful, grad=grad, fn=fn))
    return fn

  return register


VS1 = hk.initializers.VarianceScaling(1.0)


@case("linear", "hk.Linear(5)(x)", [((3, 4), "float32")])
def _(x):
  return [hk.Linear(5)(x)]


@case("linear_no_bias", "hk.Linear(5, with_bias=False)(x)", [((2, 3, 4), "float32")])
def _(x):
  return [hk.Linear(5, with_bias=False)(x)]


@case("bias", "hk.Bias()(x)", [((3, 4), "float32")])
def _(x):
  return [hk.Bias()(x)]


@case("conv1d_same", "hk.Conv1D(4, 3)(x)", [((2, 7, 3), "float32")])
def _(x):
  return [hk.Conv1D(4, 3)(x)]


@case("conv2d_same_stride2", "hk.Conv2D(4, (3, 3), stride=2)(x)", [((2, 7, 7, 3), "float32")])
def _(x):
  return [hk.Conv2D(4, (3, 3), stride=2)(x)]


@case("conv2d_valid_rate2", "hk.Conv2D(3, 2, rate=2, padding='VALID')(x)", [((1, 6, 5, 2), "float32")])
def _(x):
  return [hk.Conv2D(3, 2, rate=2, padding="VALID")(x)]


@case("conv3d", "hk.Conv3D(2, 2)(x)", [((1, 4, 3, 4, 2), "float32")])
def _(x):
  return [hk.Conv3D(2, 2)(x)]


@case("conv1d_transpose_valid", "hk.Conv1DTranspose(3, 3, stride=2, padding='VALID')(x)", [((2, 4, 2), "float32")])
def _(x):
  return [hk.Conv1DTranspose(3, 3, stride=2, padding="VALID")(x)]


@case("conv2d_transpose_same", "hk.Conv2DTranspose(3, 3, stride=2)(x)", [((2, 4, 3, 2), "float32")])
def _(x):
  return [hk.Conv2DTranspose(3, 3, stride=2)(x)]


@case("conv3d_transpose", "hk.Conv3DTranspose(2, 2, stride=2)(x)", [((1, 2, 3, 2, 2), "float32")])
def _(x):
  return [hk.Conv3DTranspose(2, 2, stride=2)(x)]


@case("depthwise_conv2d", "hk.DepthwiseConv2D(2, 3)(x)", [((2, 5, 5, 3), "float32")])
def _(x):
  return [hk.DepthwiseConv2D(2, 3)(x)]


@case("depthwise_conv2d_stride2_valid", "hk.DepthwiseConv2D(1, 3, stride=2, padding='VALID')(x)", [((1, 7, 6, 2), "float32")])
def _(x):
  return [hk.DepthwiseConv2D(1, 3, stride=2, padding="VALID")(x)]


@case("separable_depthwise_conv2d", "hk.SeparableDepthwiseConv2D(2, 3)(x)", [((2, 5, 4, 3), "float32")])
def _(x):
  return [hk.SeparableDepthwiseConv2D(2, 3)(x)]


@case("avg_pool_valid", "hk.AvgPool((1, 2, 2, 1), (1, 2, 2, 1), 'VALID')(x)", [((2, 5, 5, 3), "float32")])
def _(x):
  return [hk.AvgPool((1, 2, 2, 1), (1, 2, 2, 1), "VALID")(x)]


@case("avg_pool_same", "hk.AvgPool((1, 3, 3, 1), (1, 2, 2, 1), 'SAME')(x)", [((2, 5, 5, 3), "float32")])
def _(x):
  return [hk.AvgPool((1, 3, 3, 1), (1, 2, 2, 1), "SAME")(x)]


@case("max_pool_valid", "hk.MaxPool((1, 2, 2, 1), (1, 2, 2, 1), 'VALID')(x)", [((2, 5, 5, 3), "float32")])
def _(x):
  return [hk.MaxPool((1, 2, 2, 1), (1, 2, 2, 1), "VALID")(x)]


@case("max_pool_same", "hk.MaxPool((1, 2, 2, 1), (1, 2, 2, 1), 'SAME')(x)", [((2, 5, 5, 3), "float32")])
def _(x):
  return [hk.MaxPool((1, 2, 2, 1), (1, 2, 2, 1), "SAME")(x)]


@case("batch_norm_train", "hk.BatchNorm(True, True, 0.9)(x, is_training=True)", [((4, 3, 3, 2), "float32")], stateful=True)
def _(x):
  return [hk.BatchNorm(True, True, 0.9)(x, is_training=True, test_local_stats=False)]


@case("batch_norm_eval", "bn = hk.BatchNorm(True, True, 0.9); bn(x, is_training=True) at init, bn(x, is_training=False) at apply",
      [((4, 3, 3, 2), "float32")], stateful=True)
def _(x):
  bn = hk.BatchNorm(True, True, 0.9)
  if hk.running_init():
    return [bn(x, is_training=True, test_local_stats=False)]
  return [bn(x, is_training=False)]


@case("layer_norm", "hk.LayerNorm(-1, True, True)(x)", [((3, 5), "float32")])
def _(x):
  return [hk.LayerNorm(-1, True, True)(x)]


@case("layer_norm_axes", "hk.LayerNorm((1, 2), True, True, param_axis=-1)(x)", [((2, 3, 4), "float32")])
def _(x):
  return [hk.LayerNorm((1, 2), True, True, param_axis=-1)(x)]


@case("rms_norm", "hk.RMSNorm(-1)(x)", [((3, 5), "float32")])
def _(x):
  return [hk.RMSNorm(-1)(x)]


@case("group_norm", "hk.GroupNorm(2)(x)", [((2, 3, 3, 4), "float32")])
def _(x):
  return [hk.GroupNorm(2)(x)]


@case("instance_norm", "hk.InstanceNorm(True, True)(x)", [((2, 3, 3, 2), "float32")])
def _(x):
  return [hk.InstanceNorm(True, True)(x)]


@case("embed", "hk.Embed(vocab_size=7, embed_dim=4)(ids)", [((2, 3), "int32", 7)])
def _(ids):
  return [hk.Embed(vocab_size=7, embed_dim=4)(ids)]


@case("embed_one_hot", "hk.Embed(vocab_size=7, embed_dim=4, lookup_style='ONE_HOT')(ids)", [((2, 3), "int32", 7)])
def _(ids):
  return [hk.Embed(vocab_size=7, embed_dim=4, lookup_style="ONE_HOT")(ids)]


@case("multi_head_attention", "hk.MultiHeadAttention(2, 3, w_init=VarianceScaling(1.0), model_size=5)(q, k, v)",
      [((2, 4, 5), "float32"), ((2, 6, 5), "float32"), ((2, 6, 4), "float32")])
def _(q, k, v):
  return [hk.MultiHeadAttention(2, 3, w_init=VS1, model_size=5)(q, k, v)]


@case("multi_head_attention_mask", "hk.MultiHeadAttention(2, 3, w_init=VarianceScaling(1.0), value_size=2)(q, q, q, mask=causal[None, None])",
      [((1, 4, 5), "float32")])
def _(q):
  mask = jnp.tril(jnp.ones((4, 4), dtype=bool))[None, None]
  return [hk.MultiHeadAttention(2, 3, w_init=VS1, value_size=2)(q, q, q, mask=mask)]


def _unroll(core, xs):
  return hk.dynamic_unroll(core, xs, core.initial_state(xs.shape[1]))


@case("vanilla_rnn_unroll", "hk.dynamic_unroll(hk.VanillaRNN(4), xs, core.initial_state(2)) (time major)", [((3, 2, 3), "float32")])
def _(xs):
  out, state = _unroll(hk.VanillaRNN(4), xs)
  return [out, state]


@case("lstm_unroll", "hk.dynamic_unroll(hk.LSTM(4), xs, core.initial_state(2)) (time major)", [((3, 2, 3), "float32")])
def _(xs):
  out, state = _unroll(hk.LSTM(4), xs)
  return [out, state.hidden, state.cell]


@case("gru_unroll", "hk.dynamic_unroll(hk.GRU(4), xs, core.initial_state(2)) (time major)", [((3, 2, 3), "float32")])
def _(xs):
  out, state = _unroll(hk.GRU(4), xs)
  return [out, state]


@case("lstm_step_with_state", "hk.LSTM(3)(x, LSTMState(h, c))", [((2, 4), "float32"), ((2, 3), "float32"), ((2, 3), "float32")])
def _(x, h, c):
  out, state = hk.LSTM(3)(x, hk.LSTMState(hidden=h, cell=c))
  return [out, state.hidden, state.cell]


@case("conv2d_lstm_unroll", "hk.dynamic_unroll(hk.Conv2DLSTM((4, 4), 3, 3), xs, core.initial_state(2)) (time major)",
      [((2, 2, 4, 4, 2), "float32")])
def _(xs):
  out, state = _unroll(hk.Conv2DLSTM((4, 4), 3, 3), xs)
  return [out, state.hidden, state.cell]


@case("conv1d_lstm_step", "hk.Conv1DLSTM((5,), 2, 3)(x, core.initial_state(2))", [((2, 5, 3), "float32")])
def _(x):
  core = hk.Conv1DLSTM((5,), 2, 3)
  out, state = core(x, core.initial_state(2))
  return [out, state.hidden, state.cell]


@case("spectral_norm", "hk.SpectralNorm()(w)", [((4, 3), "float32")], stateful=True)
def _(w):
  return [hk.SpectralNorm()(w)]


@case("exponential_moving_average", "ema = hk.ExponentialMovingAverage(0.9); ema(x)", [((2, 3), "float32")], stateful=True)
def _(x):
  return [hk.ExponentialMovingAverage(0.9)(x)]


@case("ema_warmup_no_debias", "hk.ExponentialMovingAverage(0.8, zero_debias=False, warmup_length=1)(x) twice",
      [((3,), "float32")], stateful=True)
def _(x):
  ema = hk.ExponentialMovingAverage(0.8, zero_debias=False, warmup_length=1)
  a = ema(x)
  return [a, ema(2.0 * x)]


@case("dropout", "hk.dropout(hk.next_rng_key(), 0.5, x)", [((4, 6), "float32")])
def _(x):
  return [hk.dropout(hk.next_rng_key(), 0.5, x)]


@case("dropout_broadcast", "hk.dropout(hk.next_rng_key(), 0.25, x, broadcast_dims=(0,))", [((3, 5), "float32")])
def _(x):
  return [hk.dropout(hk.next_rng_key(), 0.25, x, broadcast_dims=(0,))]


@case("mlp", "hk.nets.MLP([5, 4, 3])(x)", [((3, 6), "float32")])
def _(x):
  return [hk.nets.MLP([5, 4, 3])(x)]


@case("mlp_dropout_activate_final", "hk.nets.MLP([4, 3], activate_final=True)(x, dropout_rate=0.3, rng=hk.next_rng_key())",
      [((3, 6), "float32")])
def _(x):
  return [hk.nets.MLP([4, 3], activate_final=True)(x, dropout_rate=0.3, rng=hk.next_rng_key())]


BN = {"decay_rate": 0.9}


@case("resnet_block_v1", "hk.nets.ResNet.BlockV1(4, 2, True, {'decay_rate': 0.9}, False)(x, is_training=True)",
      [((2, 5, 5, 3), "float32")], stateful=True)
def _(x):
  return [hk.nets.ResNet.BlockV1(4, 2, True, BN, False)(x, is_training=True, test_local_stats=False)]


@case("resnet_block_v2_bottleneck", "hk.nets.ResNet.BlockV2(8, 1, True, {'decay_rate': 0.9}, True)(x, is_training=True)",
      [((2, 4, 4, 3), "float32")], stateful=True)
def _(x):
  return [hk.nets.ResNet.BlockV2(8, 1, True, BN, True)(x, is_training=True, test_local_stats=False)]


RESNET_CODE = ("hk.nets.ResNet((1, 1, 1, 1), 3, bottleneck=False, channels_per_group=(4, 4, 8, 8), "
               "initial_conv_config={'output_channels': 4, 'kernel_shape': 3, 'stride': 1}, "
               "logits_config={'w_init': VarianceScaling(1.0)})(x, is_training=True)")


@case("resnet_small", RESNET_CODE, [((4, 16, 16, 3), "float32")], stateful=True)
def _(x):
  net = hk.nets.ResNet((1, 1, 1, 1), 3, bottleneck=False, channels_per_group=(4, 4, 8, 8),
                       initial_conv_config={"output_channels": 4, "kernel_shape": 3, "stride": 1},
                       logits_config={"w_init": VS1})
  return [net(x, is_training=True, test_local_stats=False)]


@case("sequential", "hk.Sequential([hk.Linear(4), jax.nn.relu, hk.Linear(2)])(x)", [((3, 5), "float32")])
def _(x):
  return [hk.Sequential([hk.Linear(4), jax.nn.relu, hk.Linear(2)])(x)]


@case("flatten_reshape", "hk.Reshape((2, -1))(hk.Flatten()(x)) @ then hk.Linear(3)", [((2, 2, 3, 2), "float32")])
def _(x):
  y = hk.Reshape((2, -1))(hk.Flatten()(x))
  return [hk.Linear(3)(y)]


# --- Initializers (through Linear / Conv2D, so names and fans are the layers' own) -------------

INITS = {
    "init_variance_scaling_fan_out_uniform": ("hk.initializers.VarianceScaling(2.0, 'fan_out', 'uniform')",
                                              hk.initializers.VarianceScaling(2.0, "fan_out", "uniform")),
    "init_variance_scaling_fan_avg_normal": ("hk.initializers.VarianceScaling(1.0, 'fan_avg', 'normal')",
                                             hk.initializers.VarianceScaling(1.0, "fan_avg", "normal")),
    "init_random_normal": ("hk.initializers.RandomNormal(0.5, 1.0)", hk.initializers.RandomNormal(0.5, 1.0)),
    "init_truncated_normal": ("hk.initializers.TruncatedNormal(2.0, -1.0)", hk.initializers.TruncatedNormal(2.0, -1.0)),
    "init_random_uniform": ("hk.initializers.RandomUniform(-1.0, 2.0)", hk.initializers.RandomUniform(-1.0, 2.0)),
    "init_uniform_scaling": ("hk.initializers.UniformScaling(1.5)", hk.initializers.UniformScaling(1.5)),
    "init_orthogonal": ("hk.initializers.Orthogonal(1.3)", hk.initializers.Orthogonal(1.3)),
    "init_identity": ("hk.initializers.Identity(0.7)", hk.initializers.Identity(0.7)),
    "init_constant": ("hk.initializers.Constant(0.25)", hk.initializers.Constant(0.25)),
}


def _init_case(name, code, init):
  matrix_only = name in ("init_orthogonal", "init_identity")  # these reject a 1-D bias shape
  b_code = "None" if matrix_only else code

  @case(name, f"hk.Linear(5, w_init={code}, b_init={b_code})(x)", [((2, 6), "float32")])
  def _(x):
    return [hk.Linear(5, w_init=init, b_init=None if matrix_only else init)(x)]


for _name, (_code, _init) in INITS.items():
  _init_case(_name, _code, _init)


@case("init_orthogonal_conv", "hk.Conv2D(6, 3, w_init=hk.initializers.Orthogonal())(x)", [((1, 4, 4, 4), "float32")])
def _(x):
  return [hk.Conv2D(6, 3, w_init=hk.initializers.Orthogonal())(x)]


@case("init_orthogonal_wide", "hk.Linear(7, w_init=hk.initializers.Orthogonal(axis=0))(x)", [((2, 3), "float32")])
def _(x):
  return [hk.Linear(7, w_init=hk.initializers.Orthogonal(axis=0))(x)]


# --- More layer options -------------------------------------------------------------------------


@case("conv2d_nchw", "hk.Conv2D(3, 3, data_format='NCHW')(x)", [((2, 2, 5, 4), "float32")])
def _(x):
  return [hk.Conv2D(3, 3, data_format="NCHW")(x)]


@case("conv2d_feature_groups", "hk.Conv2D(4, 3, feature_group_count=2)(x)", [((1, 5, 5, 4), "float32")])
def _(x):
  return [hk.Conv2D(4, 3, feature_group_count=2)(x)]


@case("depthwise_conv1d", "hk.DepthwiseConv1D(2, 3)(x)", [((2, 6, 3), "float32")])
def _(x):
  return [hk.DepthwiseConv1D(2, 3)(x)]


@case("depthwise_conv3d", "hk.DepthwiseConv3D(1, 2)(x)", [((1, 3, 4, 3, 2), "float32")])
def _(x):
  return [hk.DepthwiseConv3D(1, 2)(x)]


@case("bias_dims", "hk.Bias(bias_dims=[-2])(x)", [((2, 3, 4), "float32")])
def _(x):
  return [hk.Bias(bias_dims=[-2])(x)]


@case("max_pool_overlapping_same", "hk.MaxPool((1, 3, 3, 1), (1, 2, 2, 1), 'SAME')(x)", [((1, 6, 5, 2), "float32")])
def _(x):
  return [hk.MaxPool((1, 3, 3, 1), (1, 2, 2, 1), "SAME")(x)]


@case("batch_norm_nchw_eps", "hk.BatchNorm(True, True, 0.99, eps=1e-3, data_format='NCHW')(x, is_training=True)",
      [((3, 2, 3, 3), "float32")], stateful=True)
def _(x):
  return [hk.BatchNorm(True, True, 0.99, eps=1e-3, data_format="NCHW")(x, is_training=True)]


@case("layer_norm_fast_variance", "hk.LayerNorm(-1, True, False, use_fast_variance=True)(x)", [((3, 6), "float32")])
def _(x):
  return [hk.LayerNorm(-1, True, False, use_fast_variance=True)(x)]


@case("group_norm_nchw", "hk.GroupNorm(2, data_format='NCHW')(x)", [((2, 4, 3, 3), "float32")])
def _(x):
  return [hk.GroupNorm(2, data_format="NCHW")(x)]


@case("vanilla_rnn_single_bias_batch_major", "hk.dynamic_unroll(hk.VanillaRNN(3, double_bias=False), xs, s0, time_major=False)",
      [((2, 4, 3), "float32")])
def _(xs):
  core = hk.VanillaRNN(3, double_bias=False)
  out, state = hk.dynamic_unroll(core, xs, core.initial_state(2), time_major=False)
  return [out, state]


@case("gru_reverse_all_states", "hk.dynamic_unroll(hk.GRU(3), xs, s0, reverse=True, return_all_states=True)",
      [((3, 2, 2), "float32")])
def _(xs):
  core = hk.GRU(3)
  out, states = hk.dynamic_unroll(core, xs, core.initial_state(2), reverse=True, return_all_states=True)
  return [out, states]


@case("lstm_static_unroll", "hk.static_unroll(hk.LSTM(3), xs, s0)", [((3, 2, 2), "float32")])
def _(xs):
  core = hk.LSTM(3)
  out, state = hk.static_unroll(core, xs, core.initial_state(2))
  return [out, state.hidden, state.cell]


@case("deep_rnn", "hk.DeepRNN([hk.LSTM(3), jax.nn.relu, hk.GRU(2)]), one step from initial_state(2)", [((2, 4), "float32")])
def _(x):
  core = hk.DeepRNN([hk.LSTM(3), jax.nn.relu, hk.GRU(2)])
  out, (lstm_state, gru_state) = core(x, core.initial_state(2))
  return [out, lstm_state.hidden, lstm_state.cell, gru_state]


@case("conv3d_lstm_step", "hk.Conv3DLSTM((3, 3, 2), 2, 2)(x, core.initial_state(1))", [((1, 3, 3, 2, 2), "float32")])
def _(x):
  core = hk.Conv3DLSTM((3, 3, 2), 2, 2)
  out, state = core(x, core.initial_state(1))
  return [out, state.hidden, state.cell]


@case("batch_apply", "hk.BatchApply(hk.Linear(3))(x)", [((2, 3, 4), "float32")])
def _(x):
  return [hk.BatchApply(hk.Linear(3))(x)]


@case("ema_params_tree", "hk.EMAParamsTree(0.9, ignore_regex='.*b$')({'lin': {'w': w, 'b': b}}), twice",
      [((3, 2), "float32"), ((2,), "float32")], stateful=True)
def _(w, b):
  ema = hk.EMAParamsTree(0.9, ignore_regex=".*b$")
  first = ema({"lin": {"w": w, "b": b}})
  second = ema({"lin": {"w": 2.0 * w, "b": b}})
  return [first["lin"]["w"], second["lin"]["w"], second["lin"]["b"]]


@case("sn_params_tree", "hk.SNParamsTree(ignore_regex='.*b$')({'lin': {'w': w, 'b': b}})",
      [((4, 3), "float32"), ((3,), "float32")], stateful=True)
def _(w, b):
  out = hk.SNParamsTree(ignore_regex=".*b$")({"lin": {"w": w, "b": b}})
  return [out["lin"]["w"], out["lin"]["b"]]


@case("mlp_tanh_no_bias", "hk.nets.MLP([4, 2], with_bias=False, activation=jax.nn.tanh)(x)", [((3, 5), "float32")])
def _(x):
  return [hk.nets.MLP([4, 2], with_bias=False, activation=jax.nn.tanh)(x)]


RESNET_V2_CODE = ("hk.nets.ResNet((1, 1, 1, 1), 2, resnet_v2=True, bottleneck=True, channels_per_group=(4, 8, 8, 8), "
                  "use_projection=(True, True, True, False), strides=(1, 2, 2, 1), "
                  "initial_conv_config={'output_channels': 4, 'kernel_shape': 3, 'stride': 1}, "
                  "logits_config={'w_init': VarianceScaling(1.0)})(x, is_training=True)")


@case("resnet_v2_bottleneck", RESNET_V2_CODE, [((4, 12, 12, 3), "float32")], stateful=True)
def _(x):
  net = hk.nets.ResNet((1, 1, 1, 1), 2, resnet_v2=True, bottleneck=True, channels_per_group=(4, 8, 8, 8),
                       use_projection=(True, True, True, False), strides=(1, 2, 2, 1),
                       initial_conv_config={"output_channels": 4, "kernel_shape": 3, "stride": 1},
                       logits_config={"w_init": VS1})
  return [net(x, is_training=True, test_local_stats=False)]


def flat(tree, prefix, into):
  order = []
  for module, entries in tree.items():
    for name, value in entries.items():
      into[f"{prefix}{module}/{name}"] = np.asarray(value)
      order.append([module, name, list(np.shape(value)), str(np.asarray(value).dtype)])
  return order


def make_inputs(name, specs):
  rng = np.random.default_rng(zlib.crc32(name.encode()))
  xs = []
  for spec in specs:
    shape, dtype = spec[0], spec[1]
    if dtype == "int32":
      xs.append(rng.integers(0, spec[2], size=shape).astype(np.int32))
    else:
      xs.append(rng.standard_normal(shape).astype(np.float32))
  return xs


def run_case(c, arrays):
  name = c["name"]
  xs = make_inputs(name, c["inputs"])
  f = hk.transform_with_state(c["fn"])
  init_key = jax.random.PRNGKey(INIT_KEY)
  apply_key = jax.random.PRNGKey(APPLY_KEY)
  params, state = f.init(init_key, *xs)
  noise = np.random.default_rng(zlib.crc32((name + "/params").encode()))
  apply_params = {m: {n: (np.asarray(v) + 0.1 * noise.standard_normal(np.shape(v))).astype(np.float32)
                      for n, v in e.items()} for m, e in params.items()}
  outs, new_state = f.apply(apply_params, state, apply_key, *xs)
  outs = [np.asarray(o) for o in outs]
  ct_rng = np.random.default_rng(zlib.crc32((name + "/ct").encode()))
  cts = [ct_rng.standard_normal(o.shape).astype(np.float32) for o in outs]

  p = f"{name}::"
  entry = dict(name=name, haiku=c["code"], init_key=INIT_KEY, apply_key=APPLY_KEY,
               inputs=[dict(shape=list(x.shape), dtype=str(x.dtype)) for x in xs],
               outputs=[list(o.shape) for o in outs])
  entry["params"] = flat(params, p + "init::", arrays)
  flat(apply_params, p + "params::", arrays)
  entry["state"] = flat(state, p + "state::", arrays)
  if c["stateful"]:
    entry["new_state"] = flat(new_state, p + "new_state::", arrays)
  for i, x in enumerate(xs):
    arrays[f"{p}x::{i}"] = x
  for j, (o, ct) in enumerate(zip(outs, cts)):
    arrays[f"{p}out::{j}"] = o
    arrays[f"{p}ct::{j}"] = ct

  if c["grad"]:
    float_idx = [i for i, x in enumerate(xs) if x.dtype == np.float32]

    def loss(ps, fxs):
      full = list(xs)
      for i, v in zip(float_idx, fxs):
        full[i] = v
      o, _ = f.apply(ps, state, apply_key, *full)
      return sum(jnp.sum(a * b) for a, b in zip(o, cts))

    gp, gx = jax.grad(loss, argnums=(0, 1))(apply_params, [xs[i] for i in float_idx])
    flat(gp, p + "grad_params::", arrays)
    for i, g in zip(float_idx, gx):
      arrays[f"{p}grad_x::{i}"] = np.asarray(g)
    entry["grad_x"] = float_idx
  return entry


def main():
  arrays = {}
  entries = [run_case(c, arrays) for c in CASES]
  meta = dict(
      generator="tools/golden/layers.py",
      haiku=hk.__version__, jax=jax.__version__,
      threefry_partitionable=bool(jax.config.jax_threefry_partitionable),
      cases=entries,
  )
  os.makedirs(OUT_DIR, exist_ok=True)
  with open(os.path.join(OUT_DIR, "layers.json"), "w") as fh:
    json.dump(meta, fh, indent=1)
    fh.write("\n")
  save_file(arrays, os.path.join(OUT_DIR, "layers.safetensors"), metadata={"generator": "tools/golden/layers.py"})
  print(f"{len(entries)} cases, {len(arrays)} arrays")


if __name__ == "__main__":
  main()
