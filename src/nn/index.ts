// Haiku's layer library; re-exported from src/index.ts.
// basic, conv, pooling.
export { Linear } from "./linear.js";
export type { LinearOptions } from "./linear.js";
export { Bias } from "./bias.js";
export type { BiasOptions } from "./bias.js";
export { Sequential } from "./sequential.js";
export type { CallableLayer, SequentialLayer, SequentialOptions } from "./sequential.js";
export { Flatten, Reshape } from "./reshape.js";
export type { FlattenOptions, ReshapeOptions } from "./reshape.js";
export { dropout } from "./dropout.js";
export { BatchApply, expandApply } from "./batch_apply.js";
export { Conv1D, Conv2D, Conv3D, ConvND } from "./conv.js";
export type { Conv1DOptions, Conv2DOptions, Conv3DOptions, ConvOptions } from "./conv.js";
export { Conv1DTranspose, Conv2DTranspose, Conv3DTranspose, ConvNDTranspose } from "./conv_transpose.js";
export type { ConvTransposeOptions } from "./conv_transpose.js";
export {
  DepthwiseConv1D,
  DepthwiseConv2D,
  DepthwiseConv3D,
  DepthwiseConvND,
  SeparableDepthwiseConv2D,
} from "./depthwise_conv.js";
export type { DepthwiseConvOptions, SeparableDepthwiseConv2DOptions } from "./depthwise_conv.js";
export { AvgPool, MaxPool, avgPool, maxPool } from "./pool.js";
export type { PoolOptions, PoolPadding } from "./pool.js";
export type { ConvPadding, PadFn, ResolvedPadding } from "./conv_utils.js";
// normalization.
export { BatchNorm } from "./batch_norm.js";
export type { BatchNormCallOptions, BatchNormOptions } from "./batch_norm.js";
export { EMAParamsTree, ExponentialMovingAverage } from "./moving_averages.js";
export type { EMACallOptions, EMAParamsTreeOptions, ExponentialMovingAverageOptions } from "./moving_averages.js";
export { InstanceNorm, LayerNorm } from "./layer_norm.js";
export type { InstanceNormOptions, LayerNormOptions, NormCallOptions } from "./layer_norm.js";
export { RMSNorm } from "./rms_norm.js";
export type { RMSNormOptions } from "./rms_norm.js";
export { GroupNorm } from "./group_norm.js";
export type { GroupNormOptions } from "./group_norm.js";
export { getChannelIndex } from "./norm_axes.js";
export type { AxesOrSlice, AxisOrAxes, AxisSlice } from "./norm_axes.js";
// embed, attention, recurrent.
export { Embed, EmbedLookupStyle } from "./embed.js";
export type { EmbedCallOptions, EmbedOptions } from "./embed.js";
export { MultiHeadAttention } from "./attention.js";
export type { MultiHeadAttentionOptions } from "./attention.js";
export {
  DeepRNN,
  GRU,
  IdentityCore,
  LSTM,
  RNNCore,
  ResetCore,
  VanillaRNN,
  deepRnnWithSkipConnections,
} from "./recurrent.js";
export type { DeepRNNLayer, GRUOptions, LSTMOptions, LSTMState, VanillaRNNOptions } from "./recurrent.js";
export { dynamicUnroll, staticUnroll } from "./unroll.js";
export type { DynamicUnrollOptions, StepCore, Unrollable } from "./unroll.js";
export { Conv1DLSTM, Conv2DLSTM, Conv3DLSTM, ConvNDLSTM } from "./conv_lstm.js";
export type { ConvLSTMOptions } from "./conv_lstm.js";
export { SNParamsTree, SpectralNorm } from "./spectral_norm.js";
export type { SNParamsTreeOptions, SpectralNormCallOptions, SpectralNormOptions } from "./spectral_norm.js";
