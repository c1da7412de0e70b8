/**
 * Frees what tfjs-layers' `fit` leaves behind when a training step throws.
 *
 * `LayersModel.fitLoop` (tfjs-layers/src/engine/training.ts, 4.22) makes a `tensor1d` of the
 * epoch's (shuffled) sample indices outside any `tidy`, runs the epoch's batches, and disposes
 * the indices after the last batch, with no `try`/`finally`: when a step throws (a layer's
 * `call` fails, a `JaxLayer` function returns a wrong state, a callback throws), the indices
 * tensor stays allocated for good, and so do the running totals of the epoch's losses in the
 * `BaseLogger` callback and the finished epochs' logs in the `History` callback (both are freed at
 * an epoch's end and the loop's end only). tfjs-layers gives no handle on the indices, so `fitLoop` is wrapped:
 * a callback appended to the loop's callbacks notes when an epoch begins; the indices tensor is
 * the last tensor made between then and the epoch's first `onBatchBegin` (the loop makes it
 * right before that call, synchronously), and it is disposed if the loop fails. A tensor that
 * does not look like the indices (float32, one dimension, one entry per sample) is never
 * touched. On failure the loop's `BaseLogger` totals are disposed and its `History` is resolved
 * to numbers (as a successful `fit` does), so `model.history` still tells how far it got.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

const PATCHED = Symbol.for("haiku-tfjs.keras.fitLoopCleanup");

type MakeTensor = (...args: unknown[]) => tf.Tensor;
type Engine = { makeTensor: MakeTensor };

// How many fit loops are between an epoch's start and its first batch; while any is, the engine's
// makeTensor records the tensor it made last.
let capturing = 0;
let lastMade: tf.Tensor | null = null;
let restoreMakeTensor: (() => void) | null = null;

function startRecording(): void {
  if (capturing++ > 0) return;
  const engine = tf.engine() as unknown as Engine;
  const hadOwn = Object.prototype.hasOwnProperty.call(engine, "makeTensor");
  const original = engine.makeTensor;
  engine.makeTensor = function (this: Engine, ...args: unknown[]): tf.Tensor {
    const t = original.apply(this, args);
    lastMade = t;
    return t;
  };
  restoreMakeTensor = () => {
    if (hadOwn) engine.makeTensor = original;
    else delete (engine as Partial<Engine>).makeTensor;
  };
}

function stopRecording(): void {
  if (--capturing > 0) return;
  restoreMakeTensor?.();
  restoreMakeTensor = null;
  lastMade = null;
}

/** The callback appended to one `fitLoop` call's callbacks; it holds the epoch's indices tensor. */
class FitLoopGuard extends tfl.Callback {
  private recording = false;
  private indices: tf.Tensor | null = null;
  private list: tfl.CallbackList | null = null;

  override async onEpochBegin(): Promise<void> {
    this.stop();
    this.indices = null;
    this.recording = true;
    startRecording();
  }

  /** Called at the start of the callback list's `onBatchBegin`, right after the indices were made. */
  takeIndices(list: tfl.CallbackList): void {
    this.list = list;
    if (!this.recording) return;
    const t = lastMade;
    this.stop();
    const samples = (this.params as { samples?: unknown } | undefined)?.samples;
    if (t !== null && !t.isDisposed && t.dtype === "float32" && t.rank === 1 && t.size === samples) this.indices = t;
  }

  stop(): void {
    if (!this.recording) return;
    this.recording = false;
    stopRecording();
  }

  /** Frees what the failed loop kept: the indices, the `BaseLogger` totals, the `History` tensors. */
  async cleanUp(model: tfl.LayersModel): Promise<void> {
    if (this.indices !== null && !this.indices.isDisposed) this.indices.dispose();
    this.indices = null;
    // configureCallbacks (tfjs-layers/src/base_callbacks.ts) puts the BaseLogger first.
    const totals = (this.list?.callbacks[0] as { totals?: unknown } | undefined)?.totals;
    if (totals !== null && typeof totals === "object") {
      for (const v of Object.values(totals)) if (v instanceof tf.Tensor && !v.isDisposed) v.dispose();
    }
    this.list = null;
    const history = (model as { history?: unknown }).history;
    if (history instanceof tfl.History) await history.syncData();
  }
}

type FitLoop = (this: tfl.LayersModel, ...args: unknown[]) => Promise<unknown>;
type OnBatchBegin = (this: tfl.CallbackList, ...args: unknown[]) => Promise<void>;

/**
 * Wraps tfjs-layers' `LayersModel.prototype.fitLoop` (and `CallbackList.prototype.onBatchBegin`)
 * so that a `fit` whose step throws frees the epoch's indices tensor. Idempotent.
 *
 * @internal
 */
export function installFitLoopCleanup(): void {
  const modelProto = tfl.LayersModel.prototype as unknown as { fitLoop: FitLoop } & Record<symbol, boolean>;
  if (modelProto[PATCHED]) return;
  const listProto = tfl.CallbackList.prototype as unknown as { onBatchBegin: OnBatchBegin };
  const originalFitLoop = modelProto.fitLoop;
  const originalOnBatchBegin = listProto.onBatchBegin;
  if (typeof originalFitLoop !== "function" || typeof originalOnBatchBegin !== "function") return;

  listProto.onBatchBegin = function (this: tfl.CallbackList, ...args: unknown[]): Promise<void> {
    for (const cb of this.callbacks) if (cb instanceof FitLoopGuard) cb.takeIndices(this);
    return originalOnBatchBegin.apply(this, args);
  };
  // fitLoop(f, ins, outLabels, batchSize, epochs, verbose, callbacks, ...): `callbacks` is the
  // standardized array `fit` passes.
  modelProto.fitLoop = async function (this: tfl.LayersModel, ...args: unknown[]): Promise<unknown> {
    const guard = new FitLoopGuard();
    const callbacks = Array.isArray(args[6]) ? (args[6] as unknown[]) : [];
    const withGuard = [...args];
    withGuard[6] = [...callbacks, guard];
    try {
      return await originalFitLoop.apply(this, withGuard);
    } catch (e) {
      guard.stop();
      try {
        await guard.cleanUp(this);
      } catch {
        // Freeing is best effort: the step's own error is the one to report.
      }
      throw e;
    } finally {
      guard.stop();
    }
  };
  modelProto[PATCHED] = true;
}
