// Filled in by its issue; re-exported from src/index.ts.
export {};
// normalization (LAYERS-2).
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
