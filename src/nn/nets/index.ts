/**
 * Haiku's ready-made networks (`hk.nets`).
 *
 * @module
 * @category Layers
 */
export { MLP } from "./mlp.js";
export type { MLPCallOptions, MLPOptions } from "./mlp.js";
export {
  BlockGroup,
  BlockV1,
  BlockV2,
  RESNET_CONFIGS,
  ResNet,
  ResNet101,
  ResNet152,
  ResNet18,
  ResNet200,
  ResNet34,
  ResNet50,
} from "./resnet.js";
export type {
  ResNetBatchNormConfig,
  ResNetConfig,
  ResNetInitialConvConfig,
  ResNetLogitsConfig,
  ResNetOptions,
  ResNetPresetOptions,
} from "./resnet.js";
