// Every layer against real Haiku: init (names, order, shapes, values for PRNGKey(42)), apply
// outputs and new state, and jax.grad of sum(out * ct) w.r.t. params and float inputs.
// Known answers: test/golden/fixtures/layers.{json,safetensors}, written by
// tools/golden/layers.py with dm-haiku (commit in tools/golden/README.md) on JAX 0.10.2; each
// case's Haiku code is in the fixture's `haiku` field and quoted next to its builder below.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";
import {
  type ArrayStore,
  type Tolerance,
  expectAllClose,
  readJsonFixture,
  readSafetensorsFixture,
} from "./fixtures.js";

type Row = [string, string, number[], string];
interface LayerCase {
  name: string;
  haiku: string;
  init_key: number;
  apply_key: number;
  inputs: { shape: number[]; dtype: "float32" | "int32" }[];
  outputs: number[][];
  params: Row[];
  state: Row[];
  new_state?: Row[];
  grad_x?: number[];
}

const fixture = readJsonFixture<{ cases: LayerCase[] }>("layers");
const store: ArrayStore = readSafetensorsFixture("layers");

/**
 * Tolerances (numpy allclose: |a - e| <= atol + rtol |e|; inputs, params and cotangents are
 * O(1)). Each is tight enough that a wrong epsilon, a missing bias, a wrong padding or a
 * transposed kernel fails (checked by perturbing the library while writing this suite).
 */
const TOL = {
  /** Initializers: uniform bits are bit-exact; truncated normal goes through float32 erfinv, a few ulps. */
  init: { rtol: 2e-6, atol: 1e-7 },
  /**
   * Orthogonal: a float32 QR decomposition (LAPACK Householder in XLA, ours in another order) of
   * normal draws; entries of size ~0.4 agree to ~2e-7.
   */
  qr: { rtol: 1e-5, atol: 1e-6 },
  /** Values copied or built with one float32 op per element (zeros, ones, a single add / mul). */
  exact: { rtol: 1e-6, atol: 1e-7 },
  /** A few float32 ops per element or short dot products (<= ~30 terms): summation order differs from XLA's. */
  dot: { rtol: 1e-5, atol: 1e-6 },
  /** Convolutions, normalisations and their gradients: longer sums (over batch, space and channels) in another order. */
  conv: { rtol: 1e-4, atol: 1e-5 },
  /** Deep stacks (ResNet, recurrences through time): errors compound through several layers. */
  deep: { rtol: 3e-4, atol: 3e-5 },
  /**
   * The small ResNet: gradients sum over 4 x 16 x 16 positions and reach |g| ~ 40, so cancellation
   * leaves small elements with absolute errors ~1e-4 (wasm and cpu alike, ~5e-6 of the largest).
   */
  resnet: { rtol: 3e-4, atol: 3e-4 },
} satisfies Record<string, Tolerance>;

interface Builder {
  /** The forward function, returning the outputs in the order the Python case returns them. */
  fn: (...xs: tf.Tensor[]) => tf.Tensor[];
  /** Tolerance of init values, when not {@link TOL.init}. */
  init?: Tolerance;
  /** Tolerance of apply outputs and new state. */
  out: Tolerance;
  /** Tolerance of gradients. */
  grad: Tolerance;
}

const VS1 = () => hk.initializers.VarianceScaling(1.0);
const BN = { decayRate: 0.9 };
const unroll = <S>(core: hk.RNNCore<tf.Tensor, S, tf.Tensor>, xs: tf.Tensor): [tf.Tensor, S] =>
  hk.dynamicUnroll(core, xs, core.initialState(xs.shape[1]!));

/** `hk.Linear(5, w_init=init, b_init=init or None)`: an initializer checked through a layer. */
const linearWith = (init: () => hk.Initializer, bias = true): Builder => ({
  fn: (x) => [new hk.Linear(5, { wInit: init(), bInit: bias ? init() : null }).call(x)],
  out: TOL.dot,
  grad: TOL.dot,
});

const BUILDERS: Record<string, Builder> = {
  // hk.Linear(5)(x)
  linear: { fn: (x) => [new hk.Linear(5).call(x)], out: TOL.dot, grad: TOL.dot },
  // hk.Linear(5, with_bias=False)(x)
  linear_no_bias: { fn: (x) => [new hk.Linear(5, { withBias: false }).call(x)], out: TOL.dot, grad: TOL.dot },
  // hk.Bias()(x)
  bias: { fn: (x) => [new hk.Bias().call(x)], out: TOL.exact, grad: TOL.exact },
  // hk.Conv1D(4, 3)(x)
  conv1d_same: { fn: (x) => [new hk.Conv1D(4, 3).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.Conv2D(4, (3, 3), stride=2)(x)
  conv2d_same_stride2: { fn: (x) => [new hk.Conv2D(4, [3, 3], { stride: 2 }).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.Conv2D(3, 2, rate=2, padding='VALID')(x)
  conv2d_valid_rate2: {
    fn: (x) => [new hk.Conv2D(3, 2, { rate: 2, padding: "VALID" }).call(x)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.Conv3D(2, 2)(x)
  conv3d: { fn: (x) => [new hk.Conv3D(2, 2).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.Conv1DTranspose(3, 3, stride=2, padding='VALID')(x)
  conv1d_transpose_valid: {
    fn: (x) => [new hk.Conv1DTranspose(3, 3, { stride: 2, padding: "VALID" }).call(x)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.Conv2DTranspose(3, 3, stride=2)(x)
  conv2d_transpose_same: {
    fn: (x) => [new hk.Conv2DTranspose(3, 3, { stride: 2 }).call(x)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.Conv3DTranspose(2, 2, stride=2)(x)
  conv3d_transpose: { fn: (x) => [new hk.Conv3DTranspose(2, 2, { stride: 2 }).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.DepthwiseConv2D(2, 3)(x)
  depthwise_conv2d: { fn: (x) => [new hk.DepthwiseConv2D(2, 3).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.DepthwiseConv2D(1, 3, stride=2, padding='VALID')(x)
  depthwise_conv2d_stride2_valid: {
    fn: (x) => [new hk.DepthwiseConv2D(1, 3, { stride: 2, padding: "VALID" }).call(x)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.SeparableDepthwiseConv2D(2, 3)(x)
  separable_depthwise_conv2d: {
    fn: (x) => [new hk.SeparableDepthwiseConv2D(2, 3).call(x)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.AvgPool((1, 2, 2, 1), (1, 2, 2, 1), 'VALID')(x)
  avg_pool_valid: {
    fn: (x) => [new hk.AvgPool([1, 2, 2, 1], [1, 2, 2, 1], "VALID").call(x)],
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.AvgPool((1, 3, 3, 1), (1, 2, 2, 1), 'SAME')(x): Haiku divides by the count of real (unpadded) elements.
  avg_pool_same: {
    fn: (x) => [new hk.AvgPool([1, 3, 3, 1], [1, 2, 2, 1], "SAME").call(x)],
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.MaxPool((1, 2, 2, 1), (1, 2, 2, 1), 'VALID')(x): picks values, so exact.
  max_pool_valid: {
    fn: (x) => [new hk.MaxPool([1, 2, 2, 1], [1, 2, 2, 1], "VALID").call(x)],
    out: TOL.exact,
    grad: TOL.exact,
    // tfjs-wasm's own MaxPoolGrad got this wrong: misroutes 2 of 150 gradients here
  },
  // hk.MaxPool((1, 2, 2, 1), (1, 2, 2, 1), 'SAME')(x), on inputs with negative values at the border.
  max_pool_same: {
    fn: (x) => [new hk.MaxPool([1, 2, 2, 1], [1, 2, 2, 1], "SAME").call(x)],
    out: TOL.exact,
    grad: TOL.exact,
    // tfjs-wasm's own MaxPoolGrad got this wrong: with SAME padding, 9 of 150 wrong here
  },
  // hk.BatchNorm(True, True, 0.9)(x, is_training=True)
  batch_norm_train: { fn: (x) => [new hk.BatchNorm(true, true, 0.9).call(x, true)], out: TOL.conv, grad: TOL.conv },
  // bn(x, is_training=True) at init, bn(x, is_training=False) at apply (moving averages from init).
  batch_norm_eval: {
    fn: (x) => [new hk.BatchNorm(true, true, 0.9).call(x, hk.runningInit())],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.LayerNorm(-1, True, True)(x)
  layer_norm: { fn: (x) => [new hk.LayerNorm(-1, true, true).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.LayerNorm((1, 2), True, True, param_axis=-1)(x)
  layer_norm_axes: {
    fn: (x) => [new hk.LayerNorm([1, 2], true, true, { paramAxis: -1 }).call(x)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.RMSNorm(-1)(x)
  rms_norm: { fn: (x) => [new hk.RMSNorm(-1).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.GroupNorm(2)(x)
  group_norm: { fn: (x) => [new hk.GroupNorm(2).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.InstanceNorm(True, True)(x)
  instance_norm: { fn: (x) => [new hk.InstanceNorm(true, true).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.Embed(vocab_size=7, embed_dim=4)(ids): a gather, so exact; its gradient a scatter-add of cotangents.
  embed: { fn: (ids) => [new hk.Embed({ vocabSize: 7, embedDim: 4 }).call(ids)], out: TOL.exact, grad: TOL.dot },
  // hk.Embed(vocab_size=7, embed_dim=4, lookup_style='ONE_HOT')(ids)
  embed_one_hot: {
    fn: (ids) => [new hk.Embed({ vocabSize: 7, embedDim: 4, lookupStyle: "ONE_HOT" }).call(ids)],
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.MultiHeadAttention(2, 3, w_init=VarianceScaling(1.0), model_size=5)(q, k, v)
  multi_head_attention: {
    fn: (q, k, v) => [new hk.MultiHeadAttention(2, 3, { wInit: VS1(), modelSize: 5 }).call(q, k, v)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.MultiHeadAttention(2, 3, w_init=VarianceScaling(1.0), value_size=2)(q, q, q, mask=causal[None, None])
  multi_head_attention_mask: {
    fn: (q) => {
      // Literal causal mask: tf.linalg.bandPart on a bool tensor is wrong on tfjs-wasm 4.22.
      const mask = tf.tensor([1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1], [1, 1, 4, 4], "bool");
      return [new hk.MultiHeadAttention(2, 3, { wInit: VS1(), valueSize: 2 }).call(q, q, q, mask)];
    },
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.dynamic_unroll(hk.VanillaRNN(4), xs, core.initial_state(2))
  vanilla_rnn_unroll: { fn: (xs) => unroll(new hk.VanillaRNN(4), xs), out: TOL.deep, grad: TOL.deep },
  // hk.dynamic_unroll(hk.LSTM(4), xs, core.initial_state(2)) -> out, state.hidden, state.cell
  lstm_unroll: {
    fn: (xs) => {
      const [out, s] = unroll(new hk.LSTM(4), xs);
      return [out, s.hidden, s.cell];
    },
    out: TOL.deep,
    grad: TOL.deep,
  },
  // hk.dynamic_unroll(hk.GRU(4), xs, core.initial_state(2))
  gru_unroll: { fn: (xs) => unroll(new hk.GRU(4), xs), out: TOL.deep, grad: TOL.deep },
  // hk.LSTM(3)(x, LSTMState(h, c))
  lstm_step_with_state: {
    fn: (x, hidden, cell) => {
      const [out, s] = new hk.LSTM(3).call(x, { hidden: hidden!, cell: cell! });
      return [out, s.hidden, s.cell];
    },
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.dynamic_unroll(hk.Conv2DLSTM((4, 4), 3, 3), xs, core.initial_state(2))
  conv2d_lstm_unroll: {
    fn: (xs) => {
      const [out, s] = unroll(new hk.Conv2DLSTM([4, 4], 3, 3), xs);
      return [out, s.hidden, s.cell];
    },
    out: TOL.deep,
    grad: TOL.deep,
  },
  // core = hk.Conv1DLSTM((5,), 2, 3); core(x, core.initial_state(2))
  conv1d_lstm_step: {
    fn: (x) => {
      const core = new hk.Conv1DLSTM([5], 2, 3);
      const [out, s] = core.call(x, core.initialState(2));
      return [out, s.hidden, s.cell];
    },
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.SpectralNorm()(w): state u0 ~ N(0, 1) from the init key.
  spectral_norm: { fn: (w) => [new hk.SpectralNorm().call(w)], out: TOL.conv, grad: TOL.conv },
  // hk.ExponentialMovingAverage(0.9)(x)
  exponential_moving_average: {
    fn: (x) => [new hk.ExponentialMovingAverage(0.9).call(x)],
    out: TOL.dot,
    grad: TOL.dot,
  },
  // ema = hk.ExponentialMovingAverage(0.8, zero_debias=False, warmup_length=1); ema(x), ema(2 * x)
  ema_warmup_no_debias: {
    fn: (x) => {
      const ema = new hk.ExponentialMovingAverage(0.8, { zeroDebias: false, warmupLength: 1 });
      const a = ema.call(x);
      return [a, ema.call(tf.mul(2, x))];
    },
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.dropout(hk.next_rng_key(), 0.5, x): the mask comes from JAX's bernoulli (bit-exact uniform).
  dropout: { fn: (x) => [hk.dropout(hk.nextRngKey(), 0.5, x)], out: TOL.exact, grad: TOL.exact },
  // hk.dropout(hk.next_rng_key(), 0.25, x, broadcast_dims=(0,))
  dropout_broadcast: { fn: (x) => [hk.dropout(hk.nextRngKey(), 0.25, x, [0])], out: TOL.exact, grad: TOL.exact },
  // hk.nets.MLP([5, 4, 3])(x)
  mlp: { fn: (x) => [new hk.nets.MLP([5, 4, 3]).call(x)], out: TOL.dot, grad: TOL.dot },
  // hk.nets.MLP([4, 3], activate_final=True)(x, dropout_rate=0.3, rng=hk.next_rng_key())
  mlp_dropout_activate_final: {
    fn: (x) => [new hk.nets.MLP([4, 3], { activateFinal: true }).call(x, { dropoutRate: 0.3, rng: hk.nextRngKey() })],
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.nets.ResNet.BlockV1(4, 2, True, {'decay_rate': 0.9}, False)(x, is_training=True)
  resnet_block_v1: {
    fn: (x) => [new hk.nets.BlockV1(4, 2, true, BN, false).call(x, true, false)],
    out: TOL.deep,
    grad: TOL.deep,
  },
  // hk.nets.ResNet.BlockV2(8, 1, True, {'decay_rate': 0.9}, True)(x, is_training=True)
  resnet_block_v2_bottleneck: {
    fn: (x) => [new hk.nets.BlockV2(8, 1, true, BN, true).call(x, true, false)],
    out: TOL.deep,
    grad: TOL.deep,
  },
  // hk.nets.ResNet((1, 1, 1, 1), 3, bottleneck=False, channels_per_group=(4, 4, 8, 8),
  //   initial_conv_config={'output_channels': 4, 'kernel_shape': 3, 'stride': 1},
  //   logits_config={'w_init': VarianceScaling(1.0)})(x, is_training=True)
  resnet_small: {
    fn: (x) => [
      new hk.nets.ResNet([1, 1, 1, 1], 3, {
        bottleneck: false,
        channelsPerGroup: [4, 4, 8, 8],
        initialConvConfig: { outputChannels: 4, kernelShape: 3, stride: 1 },
        logitsConfig: { wInit: VS1() },
      }).call(x, true),
    ],
    out: TOL.deep,
    grad: TOL.resnet,
  },
  // hk.Linear(5, w_init=I, b_init=I)(x) for each initializer I (b_init=None for Orthogonal / Identity).
  init_variance_scaling_fan_out_uniform: linearWith(() => hk.initializers.VarianceScaling(2.0, "fan_out", "uniform")),
  init_variance_scaling_fan_avg_normal: linearWith(() => hk.initializers.VarianceScaling(1.0, "fan_avg", "normal")),
  init_random_normal: linearWith(() => hk.initializers.RandomNormal(0.5, 1.0)),
  init_truncated_normal: linearWith(() => hk.initializers.TruncatedNormal(2.0, -1.0)),
  init_random_uniform: linearWith(() => hk.initializers.RandomUniform(-1.0, 2.0)),
  init_uniform_scaling: linearWith(() => hk.initializers.UniformScaling(1.5)),
  init_orthogonal: { ...linearWith(() => hk.initializers.Orthogonal(1.3), false), init: TOL.qr },
  init_identity: linearWith(() => hk.initializers.Identity(0.7), false),
  init_constant: linearWith(() => hk.initializers.Constant(0.25)),
  // hk.Conv2D(6, 3, w_init=hk.initializers.Orthogonal())(x)
  init_orthogonal_conv: {
    fn: (x) => [new hk.Conv2D(6, 3, { wInit: hk.initializers.Orthogonal() }).call(x)],
    init: TOL.qr,
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.Linear(7, w_init=hk.initializers.Orthogonal(axis=0))(x)
  init_orthogonal_wide: {
    fn: (x) => [new hk.Linear(7, { wInit: hk.initializers.Orthogonal(1.0, 0) }).call(x)],
    init: TOL.qr,
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.Conv2D(3, 3, data_format='NCHW')(x)
  conv2d_nchw: { fn: (x) => [new hk.Conv2D(3, 3, { dataFormat: "NCHW" }).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.Conv2D(4, 3, feature_group_count=2)(x)
  conv2d_feature_groups: {
    fn: (x) => [new hk.Conv2D(4, 3, { featureGroupCount: 2 }).call(x)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.DepthwiseConv1D(2, 3)(x)
  depthwise_conv1d: { fn: (x) => [new hk.DepthwiseConv1D(2, 3).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.DepthwiseConv3D(1, 2)(x)
  depthwise_conv3d: { fn: (x) => [new hk.DepthwiseConv3D(1, 2).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.Bias(bias_dims=[-2])(x)
  bias_dims: { fn: (x) => [new hk.Bias({ biasDims: [-2] }).call(x)], out: TOL.exact, grad: TOL.exact },
  // hk.MaxPool((1, 3, 3, 1), (1, 2, 2, 1), 'SAME')(x): overlapping windows.
  max_pool_overlapping_same: {
    fn: (x) => [new hk.MaxPool([1, 3, 3, 1], [1, 2, 2, 1], "SAME").call(x)],
    out: TOL.exact,
    grad: TOL.exact,
    // tfjs-wasm's own MaxPoolGrad got this wrong: with SAME padding
  },
  // hk.BatchNorm(True, True, 0.99, eps=1e-3, data_format='NCHW')(x, is_training=True)
  batch_norm_nchw_eps: {
    fn: (x) => [new hk.BatchNorm(true, true, 0.99, { eps: 1e-3, dataFormat: "NCHW" }).call(x, true)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.LayerNorm(-1, True, False, use_fast_variance=True)(x)
  layer_norm_fast_variance: {
    fn: (x) => [new hk.LayerNorm(-1, true, false, { useFastVariance: true }).call(x)],
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.GroupNorm(2, data_format='NCHW')(x)
  group_norm_nchw: { fn: (x) => [new hk.GroupNorm(2, { dataFormat: "NCHW" }).call(x)], out: TOL.conv, grad: TOL.conv },
  // hk.dynamic_unroll(hk.VanillaRNN(3, double_bias=False), xs, s0, time_major=False)
  vanilla_rnn_single_bias_batch_major: {
    fn: (xs) => {
      const core = new hk.VanillaRNN(3, { doubleBias: false });
      return hk.dynamicUnroll(core, xs, core.initialState(2), { timeMajor: false });
    },
    out: TOL.deep,
    grad: TOL.deep,
  },
  // hk.dynamic_unroll(hk.GRU(3), xs, s0, reverse=True, return_all_states=True)
  gru_reverse_all_states: {
    fn: (xs) => {
      const core = new hk.GRU(3);
      return hk.dynamicUnroll(core, xs, core.initialState(2), { reverse: true, returnAllStates: true });
    },
    out: TOL.deep,
    grad: TOL.deep,
  },
  // hk.static_unroll(hk.LSTM(3), xs, s0)
  lstm_static_unroll: {
    fn: (xs) => {
      const core = new hk.LSTM(3);
      const [out, s] = hk.staticUnroll(core, xs, core.initialState(2));
      return [out, s.hidden, s.cell];
    },
    out: TOL.deep,
    grad: TOL.deep,
  },
  // core = hk.DeepRNN([hk.LSTM(3), jax.nn.relu, hk.GRU(2)]); core(x, core.initial_state(2))
  deep_rnn: {
    fn: (x) => {
      const core = new hk.DeepRNN([new hk.LSTM(3), (v: tf.Tensor) => tf.relu(v), new hk.GRU(2)]);
      const [out, [lstm, gru]] = core.call(x, core.initialState(2)) as [tf.Tensor, [hk.LSTMState, tf.Tensor]];
      return [out, lstm.hidden, lstm.cell, gru];
    },
    out: TOL.dot,
    grad: TOL.dot,
  },
  // core = hk.Conv3DLSTM((3, 3, 2), 2, 2); core(x, core.initial_state(1))
  conv3d_lstm_step: {
    fn: (x) => {
      const core = new hk.Conv3DLSTM([3, 3, 2], 2, 2);
      const [out, s] = core.call(x, core.initialState(1));
      return [out, s.hidden, s.cell];
    },
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.BatchApply(hk.Linear(3))(x)
  batch_apply: {
    fn: (x) => {
      const lin = new hk.Linear(3);
      return [new hk.BatchApply((v: tf.Tensor) => lin.call(v)).call(x)];
    },
    out: TOL.dot,
    grad: TOL.dot,
  },
  // ema = hk.EMAParamsTree(0.9, ignore_regex='.*b$'); ema({'lin': {'w': w, 'b': b}}), ema({'lin': {'w': 2 w, 'b': b}})
  ema_params_tree: {
    fn: (w, b) => {
      const ema = new hk.EMAParamsTree(0.9, { ignoreRegex: ".*b$" });
      const first = ema.call({ lin: { w: w!, b: b! } });
      const second = ema.call({ lin: { w: tf.mul(2, w!), b: b! } });
      return [first["lin"]!["w"]!, second["lin"]!["w"]!, second["lin"]!["b"]!];
    },
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.SNParamsTree(ignore_regex='.*b$')({'lin': {'w': w, 'b': b}})
  sn_params_tree: {
    fn: (w, b) => {
      const out = new hk.SNParamsTree({ ignoreRegex: ".*b$" }).call({ lin: { w: w!, b: b! } });
      return [out["lin"]!["w"]!, out["lin"]!["b"]!];
    },
    out: TOL.conv,
    grad: TOL.conv,
  },
  // hk.nets.MLP([4, 2], with_bias=False, activation=jax.nn.tanh)(x)
  mlp_tanh_no_bias: {
    fn: (x) => [new hk.nets.MLP([4, 2], { withBias: false, activation: (v) => tf.tanh(v) }).call(x)],
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.nets.ResNet((1, 1, 1, 1), 2, resnet_v2=True, bottleneck=True, channels_per_group=(4, 8, 8, 8),
  //   use_projection=(True, True, True, False), strides=(1, 2, 2, 1), initial_conv_config={'output_channels': 4,
  //   'kernel_shape': 3, 'stride': 1}, logits_config={'w_init': VarianceScaling(1.0)})(x, is_training=True)
  resnet_v2_bottleneck: {
    fn: (x) => [
      new hk.nets.ResNet([1, 1, 1, 1], 2, {
        resnetV2: true,
        bottleneck: true,
        channelsPerGroup: [4, 8, 8, 8],
        useProjection: [true, true, true, false],
        strides: [1, 2, 2, 1],
        initialConvConfig: { outputChannels: 4, kernelShape: 3, stride: 1 },
        logitsConfig: { wInit: VS1() },
      }).call(x, true),
    ],
    out: TOL.deep,
    grad: TOL.resnet,
    // v2 max-pools the initial conv's raw output (no relu before it): windows of negatives,
    // whose gradient tfjs-wasm's own MaxPoolGrad lost (initial_conv/w off by up to 11%).
  },
  // hk.Sequential([hk.Linear(4), jax.nn.relu, hk.Linear(2)])(x)
  sequential: {
    fn: (x) => [
      new hk.Sequential([new hk.Linear(4), (v: tf.Tensor) => tf.relu(v), new hk.Linear(2)]).call(x) as tf.Tensor,
    ],
    out: TOL.dot,
    grad: TOL.dot,
  },
  // hk.Linear(3)(hk.Reshape((2, -1))(hk.Flatten()(x)))
  flatten_reshape: {
    fn: (x) => [new hk.Linear(3).call(new hk.Reshape([2, -1]).call(new hk.Flatten().call(x)))],
    out: TOL.dot,
    grad: TOL.dot,
  },
};

function inputs(c: LayerCase): tf.Tensor[] {
  return c.inputs.map((_, i) => store.tensor(`${c.name}::x::${i}`));
}

function expectTreeLike(actual: hk.Params | hk.State, rows: Row[], prefix: string, tol: Tolerance, what: string): void {
  const got: string[] = [];
  for (const [m, entries] of Object.entries(actual)) for (const n of Object.keys(entries)) got.push(`${m}/${n}`);
  expect(got, `${what}: names in creation order`).toEqual(rows.map(([m, n]) => `${m}/${n}`));
  for (const [m, n, , dtype] of rows) {
    const t = (actual[m] as Record<string, tf.Tensor>)[n]!;
    expect(t.dtype, `${what} ${m}/${n}: dtype`).toBe(dtype === "int32" ? "int32" : "float32");
    expectAllClose(t, store.raw(`${prefix}${m}/${n}`), tol, `${what} ${m}/${n}`);
  }
}

const loss = (outs: tf.Tensor[], c: LayerCase): tf.Scalar =>
  tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    outs.forEach((o, j) => {
      const ct = store.tensor(`${c.name}::ct::${j}`);
      total = tf.add(total, tf.sum(tf.mul(o, ct)));
    });
    return total as tf.Scalar;
  });

/** Compares d sum(out * ct) / d(params, float inputs) with jax.grad's, on the current backend. */
function checkGrad(c: LayerCase, b: Builder, f: hk.TransformedWithState<tf.Tensor[], tf.Tensor[]>): void {
  const xs = inputs(c);
  const params = store.tree(`${c.name}::params::`, c.params);
  const state = store.tree(`${c.name}::state::`, c.state);
  const floatIdx = c.grad_x!;
  const vg = hk.valueAndGrad(
    (p: hk.Params, dx: tf.Tensor[]) => {
      const full = xs.slice();
      floatIdx.forEach((i, k) => (full[i] = dx[k]!));
      const [outs] = f.apply(p, state, hk.random.key(c.apply_key), ...full);
      return loss(outs, c);
    },
    { argnums: [0, 1] },
  );
  const before = tf.memory().numTensors;
  const [value, [gp, gx]] = vg(
    params,
    floatIdx.map((i) => xs[i]!),
  );
  expectTreeLike(gp, c.params, `${c.name}::grad_params::`, b.grad, "d/dparams");
  floatIdx.forEach((i, k) => expectAllClose(gx[k]!, store.raw(`${c.name}::grad_x::${i}`), b.grad, `d/dx${i}`));
  hk.tree.dispose([value, gp, gx]);
  expect(tf.memory().numTensors, "the gradient leaks no tensors").toBeLessThanOrEqual(before);
  hk.tree.dispose([params, state, xs]);
}

describe("golden: Haiku layers (tools/golden/layers.py)", () => {
  afterAll(() => {
    expect(tf.getBackend()).toBe("wasm");
  });

  it("has a builder for every fixture case and a fixture case for every builder", () => {
    expect(Object.keys(BUILDERS).sort()).toEqual(fixture.cases.map((c) => c.name).sort());
  });

  for (const c of fixture.cases) {
    const b = BUILDERS[c.name];
    if (b === undefined) continue;
    describe(`${c.name}: ${c.haiku}`, () => {
      const f = hk.transformWithState((...xs: tf.Tensor[]) => b.fn(...xs));

      it("init: names, creation order, shapes, dtypes and values for PRNGKey(42)", () => {
        const xs = inputs(c);
        const [params, state] = f.init(hk.random.key(c.init_key), ...xs);
        expectTreeLike(params, c.params, `${c.name}::init::`, b.init ?? TOL.init, "params");
        // Initial state is computed by a forward pass (BatchNorm's first statistics), so it takes the output tolerance.
        expectTreeLike(state, c.state, `${c.name}::state::`, b.out, "state");
        hk.tree.dispose([params, state, xs]);
      });

      it("apply: outputs and new state for Haiku's params", () => {
        const xs = inputs(c);
        const params = store.tree(`${c.name}::params::`, c.params);
        const state = store.tree(`${c.name}::state::`, c.state);
        const before = tf.memory().numTensors;
        const [outs, newState] = f.apply(params, state, hk.random.key(c.apply_key), ...xs);
        expect(outs.length).toBe(c.outputs.length);
        outs.forEach((o, j) => expectAllClose(o, store.raw(`${c.name}::out::${j}`), b.out, `out ${j}`));
        if (c.new_state !== undefined)
          expectTreeLike(newState, c.new_state, `${c.name}::new_state::`, b.out, "new state");
        hk.tree.dispose([outs, newState]);
        expect(tf.memory().numTensors, "apply leaks no tensors").toBeLessThanOrEqual(before);
        hk.tree.dispose([params, state, xs]);
      });

      if (c.grad_x !== undefined) {
        it(`grad: d sum(out * ct) / d(params, float inputs) equals jax.grad (on ${tf.getBackend()})`, () => {
          checkGrad(c, b, f);
        });
      }
    });
  }
});
