/**
 * Progress output for tfjs-layers' `fit` in Node, where its own progress bar needs
 * `@tensorflow/tfjs-node`: a callback showing {@link ProgressBar}'s line per epoch, registered
 * for `verbose >= 1` when running in Node without tfjs-node.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";

import { ProgressBar } from "../optim/progress.js";
import type { ProgressStream } from "../optim/progress.js";

/**
 * Options of {@link ProgressLogger}.
 *
 * @category Keras
 */
export interface ProgressLoggerOptions {
  /** Where to write. Default `process.stdout` in Node, the console elsewhere. */
  stream?: ProgressStream;
  /**
   * Keras' `verbose`: 1 shows a bar redrawn every batch on a terminal (plain lines elsewhere),
   * 2 one line per epoch only. Default 1.
   */
  verbose?: 1 | 2;
  /** On a stream that is not a terminal, also print a line every `logEvery` batches. Default 0. */
  logEvery?: number;
  /**
   * The epoch count to show (default: `fit`'s `epochs`), for loops that call `fit` once per
   * epoch with `initialEpoch: e, epochs: e + 1`.
   */
  totalEpochs?: number;
  /** Clock in milliseconds; for tests. */
  now?: () => number;
}

/**
 * The logs tfjs-layers passes to callbacks: numbers or scalar tensors by name (`loss`, metrics,
 * `val_` metrics; batch logs also `batch` and `size`).
 *
 * @category Keras
 */
export type FitLogs = Record<string, number | tf.Tensor | undefined> | undefined;

/** Reads the number values of tfjs-layers logs (batch logs hold scalar tensors), skipping `batch` / `size`. */
async function numbers(logs: FitLogs): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    if (k === "batch" || k === "size") continue;
    if (typeof v === "number") out[k] = v;
    else if (v instanceof tf.Tensor && !v.isDisposed && v.size === 1) out[k] = (await v.data())[0] as number;
  }
  return out;
}

/**
 * A `model.fit` callback that prints Keras-style progress: per epoch, a bar with the batch
 * count, the running mean of the loss and metrics over the epoch, examples per second and the
 * time left, redrawn in place on a terminal; then a final line with the epoch's means
 * (validation metrics included) and its duration. On a log (not a terminal) it prints plain
 * lines. Importing `haiku-tfjs/keras` in Node registers it for `fit({ verbose: 1 })` (the
 * default) and `verbose: 2`, as `@tensorflow/tfjs-node` does for its own bar; pass it
 * explicitly with `verbose: 0` to choose the stream or the options.
 *
 * @example
 * ```ts
 * await model.fit(xs, ys, { epochs: 5, batchSize: 64, verbose: 0, callbacks: [new ProgressLogger()] });
 * // epoch 1/5  [##########--------------]  40/94  loss 0.7421  acc 0.7712  5120 ex/s  ETA 1.1s
 * ```
 *
 * @category Keras
 */
export class ProgressLogger extends tfl.Callback {
  private readonly options: ProgressLoggerOptions;
  private bar: ProgressBar | null = null;

  constructor(options: ProgressLoggerOptions = {}) {
    super();
    const verbose = options.verbose ?? 1;
    if (verbose !== 1 && verbose !== 2) {
      throw new InvalidArgumentError(
        "ProgressLogger",
        `\`verbose\` must be 1 (a bar per batch) or 2 (a line per epoch), got ${describe(verbose)}`,
        "pass verbose: 1 or verbose: 2.",
      );
    }
    this.options = { ...options, verbose };
  }

  /** Whether this logger prints; the one registered for `verbose` steps aside for tfjs-node's. */
  protected enabled(): boolean {
    return true;
  }

  /** The verbosity in effect: the option's; the registered logger takes `fit`'s `verbose`. */
  protected verbosity(): 1 | 2 {
    return this.options.verbose === 2 ? 2 : 1;
  }

  /** Starts the epoch's progress line. */
  override async onEpochBegin(epoch: number): Promise<void> {
    if (!this.enabled()) return;
    const p = (this.params ?? {}) as { epochs?: unknown; steps?: unknown; samples?: unknown; batchSize?: unknown };
    const batchSize = typeof p.batchSize === "number" && p.batchSize > 0 ? p.batchSize : 0;
    const total =
      typeof p.steps === "number" && p.steps > 0
        ? p.steps
        : typeof p.samples === "number" && batchSize > 0
          ? Math.ceil(p.samples / batchSize)
          : null;
    const epochs = this.options.totalEpochs ?? (typeof p.epochs === "number" ? p.epochs : null);
    const stream = this.options.stream;
    const perEpochOnly = this.verbosity() === 2;
    this.bar = new ProgressBar({
      total,
      label: epochs === null ? `epoch ${epoch + 1}` : `epoch ${epoch + 1}/${epochs}`,
      examplesPerStep: batchSize,
      // verbose 2: the final line only, as on a log.
      stream: perEpochOnly ? { write: (s: string) => (stream ?? defaultOut()).write(s), isTTY: false } : stream,
      logEvery: perEpochOnly ? 0 : (this.options.logEvery ?? 0),
      // The epoch's final line shows tfjs-layers' epoch means (weighted by batch size), given at onEpochEnd.
      autoFinish: false,
      now: this.options.now,
    });
  }

  /** Adds the batch's loss and metrics to the running means and redraws. */
  override async onBatchEnd(batch: number, logs?: FitLogs): Promise<void> {
    if (this.bar === null) return;
    this.bar.update(batch + 1, await numbers(logs));
  }

  /** Prints the epoch's final line with its means (and validation metrics). */
  override async onEpochEnd(_epoch: number, logs?: FitLogs): Promise<void> {
    if (this.bar === null) return;
    this.bar.finish(await numbers(logs));
    this.bar = null;
  }
}

function defaultOut(): ProgressStream {
  const stdout = (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
  return stdout ?? { write: (s: string) => console.log(s.replace(/\n$/, "")) };
}

/** The logger tfjs-layers makes for `fit({ verbose })` (its registry calls it with no arguments). */
class VerboseProgressLogger extends ProgressLogger {
  // tfjs-node registers its own bar; with both, every line would be printed twice.
  protected override enabled(): boolean {
    return tf.findBackendFactory("tensorflow") == null;
  }

  protected override verbosity(): 1 | 2 {
    return (this.params as { verbose?: unknown } | undefined)?.verbose === 2 ? 2 : 1;
  }
}

const REGISTERED = Symbol.for("haiku-tfjs.keras.progressLogger");

/**
 * Registers {@link ProgressLogger} for `fit({ verbose: 1 | 2 })` when running in Node, once per
 * tfjs copy (tfjs-layers refuses a second registration of a constructor).
 *
 * @internal
 */
export function registerVerboseProgress(): void {
  const engine = tf.engine() as unknown as Record<symbol, boolean>;
  const node =
    typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === "string";
  if (!node || engine[REGISTERED]) return;
  tfl.registerCallbackConstructor(1, VerboseProgressLogger);
  engine[REGISTERED] = true;
}
