/**
 * `nets.ResNet` and `ResNet18` ... `ResNet200` (Haiku's `nets/resnet.py`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, module } from "../../core/index.js";
import type { Initializer } from "../../core/index.js";
import { BatchNorm } from "../batch_norm.js";
import type { BatchNormOptions } from "../batch_norm.js";
import { Conv2D } from "../conv.js";
import type { ConvOptions } from "../conv.js";
import { Linear } from "../linear.js";
import type { LinearOptions } from "../linear.js";
import { maxPool } from "../pool.js";
import { moduleWhere } from "../../core/module.js";
import { zerosInit } from "../../initializers/constant.js";
import { InvalidArgumentError } from "../../util/errors.js";

/**
 * Keyword arguments for every `BatchNorm` of a ResNet (Haiku's `bn_config`): `decayRate`
 * (default 0.9), `eps` (1e-5), `createScale` / `createOffset` (true), plus any other
 * `BatchNorm` option.
 */
export interface ResNetBatchNormConfig extends Omit<BatchNormOptions, "name"> {
  /** Decay of the moving averages (default 0.9). */
  decayRate?: number;
  /** Whether BatchNorm learns a scale (default true). */
  createScale?: boolean;
  /** Whether BatchNorm learns an offset (default true). */
  createOffset?: boolean;
}

/** Keyword arguments of the initial `Conv2D` (Haiku's `initial_conv_config`). */
export interface ResNetInitialConvConfig extends ConvOptions {
  /** Default 64. */
  outputChannels?: number;
  /** Default 7. */
  kernelShape?: number | readonly number[];
}

/** Keyword arguments of the `logits` `Linear` (Haiku's `logits_config`; `wInit` defaults to zerosInit). */
export type ResNetLogitsConfig = LinearOptions;

/** A `BatchNorm` from a bn_config, `scaleInit` overridable (BlockV1's last norm starts at zero). */
function batchNorm(cfg: ResNetBatchNormConfig, name: string, scaleInit?: Initializer): BatchNorm {
  const { decayRate, createScale, createOffset, ...rest } = cfg;
  return new BatchNorm(createScale ?? true, createOffset ?? true, decayRate ?? 0.999, {
    ...rest,
    ...(scaleInit ? { scaleInit } : {}),
    name,
  });
}

function conv(channels: number, kernel: number, stride: number | readonly number[], name: string): Conv2D {
  return new Conv2D(channels, kernel, { stride, withBias: false, padding: "SAME", name });
}

/** ResNet v1 block (`BlockV1`): conv -> bn -> relu ..., then relu(out + shortcut). */
@module("block_v1")
export class BlockV1 extends Module {
  /** Whether the shortcut is a 1x1 conv + BatchNorm. */
  readonly useProjection: boolean;
  /** `shortcut_conv` (with projection). */
  readonly projConv: Conv2D | null = null;
  /** `shortcut_batchnorm` (with projection). */
  readonly projBatchnorm: BatchNorm | null = null;
  /** `[conv_i, batchnorm_i]` pairs. */
  readonly layers: readonly (readonly [Conv2D, BatchNorm])[];

  /**
   * @param channels Output channels.
   * @param stride Stride of the block.
   * @param useProjection Whether the shortcut is projected.
   * @param bnConfig BatchNorm configuration.
   * @param bottleneck Whether to use the 1x1-3x3-1x1 bottleneck.
   * @param name Module name.
   */
  constructor(
    channels: number,
    stride: number | readonly number[],
    useProjection: boolean,
    bnConfig: ResNetBatchNormConfig,
    bottleneck: boolean,
    name?: string,
  ) {
    super(name);
    this.useProjection = useProjection;
    if (useProjection) {
      this.projConv = conv(channels, 1, stride, "shortcut_conv");
      this.projBatchnorm = batchNorm(bnConfig, "shortcut_batchnorm");
    }
    const div = bottleneck ? 4 : 1;
    const layers: [Conv2D, BatchNorm][] = [
      [conv(channels / div, bottleneck ? 1 : 3, bottleneck ? 1 : stride, "conv_0"), batchNorm(bnConfig, "batchnorm_0")],
      [conv(channels / div, 3, bottleneck ? stride : 1, "conv_1"), batchNorm(bnConfig, "batchnorm_1")],
    ];
    if (bottleneck) layers.push([conv(channels, 1, 1, "conv_2"), batchNorm(bnConfig, "batchnorm_2", zerosInit)]);
    this.layers = layers;
  }

  /** Applies the block. */
  call(inputs: tf.Tensor, isTraining: boolean, testLocalStats: boolean): tf.Tensor {
    let out = inputs;
    let shortcut = inputs;
    if (this.projConv && this.projBatchnorm) {
      shortcut = this.projBatchnorm.call(this.projConv.call(shortcut), isTraining, { testLocalStats });
    }
    this.layers.forEach(([c, bn], i) => {
      out = bn.call(c.call(out), isTraining, { testLocalStats });
      if (i < this.layers.length - 1) out = tf.relu(out);
    });
    return tf.relu(tf.add(out, shortcut));
  }
}

/** ResNet v2 (pre-activation) block (`BlockV2`): bn -> relu -> conv ..., then out + shortcut. */
@module("block_v2")
export class BlockV2 extends Module {
  /** Whether the shortcut is a 1x1 conv. */
  readonly useProjection: boolean;
  /** `shortcut_conv` (with projection). */
  readonly projConv: Conv2D | null = null;
  /** `[conv_i, batchnorm_i]` pairs. */
  readonly layers: readonly (readonly [Conv2D, BatchNorm])[];

  /**
   * @param channels Output channels.
   * @param stride Stride of the block.
   * @param useProjection Whether the shortcut is projected.
   * @param bnConfig BatchNorm configuration.
   * @param bottleneck Whether to use the 1x1-3x3-1x1 bottleneck.
   * @param name Module name.
   */
  constructor(
    channels: number,
    stride: number | readonly number[],
    useProjection: boolean,
    bnConfig: ResNetBatchNormConfig,
    bottleneck: boolean,
    name?: string,
  ) {
    super(name);
    this.useProjection = useProjection;
    if (useProjection) this.projConv = conv(channels, 1, stride, "shortcut_conv");
    const div = bottleneck ? 4 : 1;
    const layers: [Conv2D, BatchNorm][] = [
      [conv(channels / div, bottleneck ? 1 : 3, bottleneck ? 1 : stride, "conv_0"), batchNorm(bnConfig, "batchnorm_0")],
      [conv(channels / div, 3, bottleneck ? stride : 1, "conv_1"), batchNorm(bnConfig, "batchnorm_1")],
    ];
    if (bottleneck) layers.push([conv(channels, 1, 1, "conv_2"), batchNorm(bnConfig, "batchnorm_2")]);
    this.layers = layers;
  }

  /** Applies the block. */
  call(inputs: tf.Tensor, isTraining: boolean, testLocalStats: boolean): tf.Tensor {
    let x = inputs;
    let shortcut = inputs;
    this.layers.forEach(([c, bn], i) => {
      x = tf.relu(bn.call(x, isTraining, { testLocalStats }));
      if (i === 0 && this.projConv) shortcut = this.projConv.call(x);
      x = c.call(x);
    });
    return tf.add(x, shortcut);
  }
}

/** A group of residual blocks `block_0`, `block_1`, ... (`BlockGroup`). */
@module("block_group")
export class BlockGroup extends Module {
  /** The blocks. */
  readonly blocks: readonly (BlockV1 | BlockV2)[];

  /**
   * @param channels Output channels of every block.
   * @param numBlocks Number of blocks.
   * @param stride Stride of the first block.
   * @param bnConfig BatchNorm configuration.
   * @param resnetV2 Whether to use v2 blocks.
   * @param bottleneck Whether blocks bottleneck.
   * @param useProjection Whether the first block projects its shortcut.
   * @param name Module name.
   */
  constructor(
    channels: number,
    numBlocks: number,
    stride: number | readonly number[],
    bnConfig: ResNetBatchNormConfig,
    resnetV2: boolean,
    bottleneck: boolean,
    useProjection: boolean,
    name?: string,
  ) {
    super(name);
    const Cls = resnetV2 ? BlockV2 : BlockV1;
    this.blocks = Array.from(
      { length: numBlocks },
      (_, i) => new Cls(channels, i ? 1 : stride, i === 0 && useProjection, bnConfig, bottleneck, `block_${i}`),
    );
  }

  /** Applies the blocks in order. */
  call(inputs: tf.Tensor, isTraining: boolean, testLocalStats: boolean): tf.Tensor {
    let out = inputs;
    for (const b of this.blocks) out = b.call(out, isTraining, testLocalStats);
    return out;
  }
}

/** Options of {@link ResNet} (Haiku's keyword arguments). */
export interface ResNetOptions {
  /** BatchNorm configuration (defaults: decayRate 0.9, eps 1e-5, scale and offset). */
  bnConfig?: ResNetBatchNormConfig | null;
  /** Pre-activation (v2) blocks (default false). */
  resnetV2?: boolean;
  /** Bottleneck blocks (default true). */
  bottleneck?: boolean;
  /** Channels of each of the 4 groups (default [256, 512, 1024, 2048]). */
  channelsPerGroup?: readonly number[];
  /** Whether each group's first block projects its shortcut (default all true). */
  useProjection?: readonly boolean[];
  /** Options of the `logits` Linear (`wInit` defaults to zerosInit). */
  logitsConfig?: ResNetLogitsConfig | null;
  /** Module name; default `"res_net"`. */
  name?: string;
  /** Options of the initial conv (default 64 channels, 7x7, stride 2, no bias, SAME). */
  initialConvConfig?: ResNetInitialConvConfig | null;
  /** Stride of each group (default [1, 2, 2, 2]). */
  strides?: readonly number[];
}

/** Options of {@link ResNet18} ... {@link ResNet200}. */
export type ResNetPresetOptions = Omit<ResNetOptions, "bottleneck" | "channelsPerGroup" | "useProjection">;

function checkLength(where: string, value: readonly unknown[], name: string): void {
  if (value.length !== 4)
    throw new InvalidArgumentError(
      where,
      `${name} must be of length 4 not ${value.length}`,
      "pass one entry per block group, e.g. `[2, 2, 2, 2]`.",
    );
}

/**
 * ResNet (He et al.) as Haiku builds it: `initial_conv` (7x7/2), `initial_batchnorm` (v1),
 * a 3x3/2 max pool, four `block_group_i`, global average pooling and `logits`. Call with
 * `(x, isTraining, testLocalStats?)` inside `transformWithState` (BatchNorm keeps state).
 *
 * @example
 * ```ts
 * const f = hk.transformWithState((x: tf.Tensor, training: boolean) => new hk.nets.ResNet18(10).call(x, training));
 * const [params, state] = f.init(hk.random.key(0), tf.zeros([2, 32, 32, 3]), true);
 * ```
 */
@module("res_net")
export class ResNet extends Module {
  /** Blocks in each group. */
  readonly blocksPerGroup: readonly number[];
  /** Number of output classes. */
  readonly numClasses: number;
  /** Whether blocks are v2. */
  readonly resnetV2: boolean;
  /** `initial_conv`. */
  readonly initialConv: Conv2D;
  /** `initial_batchnorm` (v1 only). */
  readonly initialBatchnorm: BatchNorm | null = null;
  /** `block_group_0` ... `block_group_3`. */
  readonly blockGroups: readonly BlockGroup[];
  /** `final_batchnorm` (v2 only). */
  readonly finalBatchnorm: BatchNorm | null = null;
  /** `logits`. */
  readonly logits: Linear;

  /**
   * @param blocksPerGroup Number of blocks in each of the 4 groups.
   * @param numClasses Number of output classes.
   * @param options Haiku's keyword arguments.
   */
  constructor(blocksPerGroup: readonly number[], numClasses: number, options: ResNetOptions = {}) {
    super(options.name);
    const where = moduleWhere(this);
    this.blocksPerGroup = Object.freeze([...blocksPerGroup]);
    this.numClasses = numClasses;
    this.resnetV2 = options.resnetV2 ?? false;
    const bn: ResNetBatchNormConfig = {
      decayRate: 0.9,
      eps: 1e-5,
      createScale: true,
      createOffset: true,
      ...(options.bnConfig ?? {}),
    };
    const strides = options.strides ?? [1, 2, 2, 2];
    const channels = options.channelsPerGroup ?? [256, 512, 1024, 2048];
    const useProjection = options.useProjection ?? [true, true, true, true];
    checkLength(where, blocksPerGroup, "`blocksPerGroup` (Haiku's `blocks_per_group`)");
    checkLength(where, channels, "`channelsPerGroup` (Haiku's `channels_per_group`)");
    checkLength(where, strides, "`strides`");
    const { outputChannels, kernelShape, ...convRest } = options.initialConvConfig ?? {};
    this.initialConv = new Conv2D(outputChannels ?? 64, kernelShape ?? 7, {
      stride: 2,
      withBias: false,
      padding: "SAME",
      name: "initial_conv",
      ...convRest,
    });
    if (!this.resnetV2) this.initialBatchnorm = batchNorm(bn, "initial_batchnorm");
    this.blockGroups = strides.map(
      (stride, i) =>
        new BlockGroup(
          channels[i]!,
          blocksPerGroup[i]!,
          stride,
          bn,
          this.resnetV2,
          options.bottleneck ?? true,
          useProjection[i] ?? true,
          `block_group_${i}`,
        ),
    );
    if (this.resnetV2) this.finalBatchnorm = batchNorm(bn, "final_batchnorm");
    this.logits = new Linear(numClasses, { wInit: zerosInit, name: "logits", ...(options.logitsConfig ?? {}) });
  }

  /** Logits for an NHWC batch. */
  call(inputs: tf.Tensor, isTraining: boolean, testLocalStats = false): tf.Tensor {
    let out = this.initialConv.call(inputs);
    if (this.initialBatchnorm) out = tf.relu(this.initialBatchnorm.call(out, isTraining, { testLocalStats }));
    out = maxPool(out, [1, 3, 3, 1], [1, 2, 2, 1], "SAME");
    for (const g of this.blockGroups) out = g.call(out, isTraining, testLocalStats);
    if (this.finalBatchnorm) out = tf.relu(this.finalBatchnorm.call(out, isTraining, { testLocalStats }));
    return this.logits.call(tf.mean(out, [1, 2]));
  }
}

/** One entry of {@link RESNET_CONFIGS}. */
export interface ResNetConfig extends Pick<ResNetOptions, "bottleneck" | "channelsPerGroup" | "useProjection"> {
  /** Blocks in each of the 4 groups. */
  readonly blocksPerGroup: readonly number[];
}

/** Per-depth configurations (Haiku's `ResNet.CONFIGS`). */
export const RESNET_CONFIGS: Readonly<Record<18 | 34 | 50 | 101 | 152 | 200, ResNetConfig>> = {
  18: {
    blocksPerGroup: [2, 2, 2, 2],
    bottleneck: false,
    channelsPerGroup: [64, 128, 256, 512],
    useProjection: [false, true, true, true],
  },
  34: {
    blocksPerGroup: [3, 4, 6, 3],
    bottleneck: false,
    channelsPerGroup: [64, 128, 256, 512],
    useProjection: [false, true, true, true],
  },
  50: {
    blocksPerGroup: [3, 4, 6, 3],
    bottleneck: true,
    channelsPerGroup: [256, 512, 1024, 2048],
    useProjection: [true, true, true, true],
  },
  101: {
    blocksPerGroup: [3, 4, 23, 3],
    bottleneck: true,
    channelsPerGroup: [256, 512, 1024, 2048],
    useProjection: [true, true, true, true],
  },
  152: {
    blocksPerGroup: [3, 8, 36, 3],
    bottleneck: true,
    channelsPerGroup: [256, 512, 1024, 2048],
    useProjection: [true, true, true, true],
  },
  200: {
    blocksPerGroup: [3, 24, 36, 3],
    bottleneck: true,
    channelsPerGroup: [256, 512, 1024, 2048],
    useProjection: [true, true, true, true],
  },
};

function preset(depth: keyof typeof RESNET_CONFIGS, options: ResNetPresetOptions): [readonly number[], ResNetOptions] {
  const { blocksPerGroup, ...rest } = RESNET_CONFIGS[depth];
  return [blocksPerGroup, { ...options, ...rest }];
}

/**
 * ResNet18 (basic blocks [2, 2, 2, 2], channels 64..512); module name `res_net18`.
 *
 * @example
 * ```ts
 * const logits = new hk.nets.ResNet18(10).call(images, true);
 * ```
 */
@module("res_net18")
export class ResNet18 extends ResNet {
  /**
   * @param numClasses Number of output classes.
   * @param options Haiku's keyword arguments.
   */
  constructor(numClasses: number, options: ResNetPresetOptions = {}) {
    const [blocks, opts] = preset(18, options);
    super(blocks, numClasses, opts);
  }
}

/**
 * ResNet34 (basic blocks [3, 4, 6, 3]); module name `res_net34`.
 *
 * @example
 * ```ts
 * const logits = new hk.nets.ResNet34(10).call(images, true);
 * ```
 */
@module("res_net34")
export class ResNet34 extends ResNet {
  /**
   * @param numClasses Number of output classes.
   * @param options Haiku's keyword arguments.
   */
  constructor(numClasses: number, options: ResNetPresetOptions = {}) {
    const [blocks, opts] = preset(34, options);
    super(blocks, numClasses, opts);
  }
}

/**
 * ResNet50 (bottleneck blocks [3, 4, 6, 3], channels 256..2048); module name `res_net50`.
 *
 * @example
 * ```ts
 * const logits = new hk.nets.ResNet50(1000).call(images, false);
 * ```
 */
@module("res_net50")
export class ResNet50 extends ResNet {
  /**
   * @param numClasses Number of output classes.
   * @param options Haiku's keyword arguments.
   */
  constructor(numClasses: number, options: ResNetPresetOptions = {}) {
    const [blocks, opts] = preset(50, options);
    super(blocks, numClasses, opts);
  }
}

/**
 * ResNet101 (bottleneck blocks [3, 4, 23, 3]); module name `res_net101`.
 *
 * @example
 * ```ts
 * const logits = new hk.nets.ResNet101(1000).call(images, false);
 * ```
 */
@module("res_net101")
export class ResNet101 extends ResNet {
  /**
   * @param numClasses Number of output classes.
   * @param options Haiku's keyword arguments.
   */
  constructor(numClasses: number, options: ResNetPresetOptions = {}) {
    const [blocks, opts] = preset(101, options);
    super(blocks, numClasses, opts);
  }
}

/**
 * ResNet152 (bottleneck blocks [3, 8, 36, 3]); module name `res_net152`.
 *
 * @example
 * ```ts
 * const logits = new hk.nets.ResNet152(1000).call(images, false);
 * ```
 */
@module("res_net152")
export class ResNet152 extends ResNet {
  /**
   * @param numClasses Number of output classes.
   * @param options Haiku's keyword arguments.
   */
  constructor(numClasses: number, options: ResNetPresetOptions = {}) {
    const [blocks, opts] = preset(152, options);
    super(blocks, numClasses, opts);
  }
}

/**
 * ResNet200 (bottleneck blocks [3, 24, 36, 3]); module name `res_net200`.
 *
 * @example
 * ```ts
 * const logits = new hk.nets.ResNet200(1000).call(images, false);
 * ```
 */
@module("res_net200")
export class ResNet200 extends ResNet {
  /**
   * @param numClasses Number of output classes.
   * @param options Haiku's keyword arguments.
   */
  constructor(numClasses: number, options: ResNetPresetOptions = {}) {
    const [blocks, opts] = preset(200, options);
    super(blocks, numClasses, opts);
  }
}
