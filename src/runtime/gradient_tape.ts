import { disposeAbandonedTape, wrapEngineGradients } from "../util/tfjs_internals.js";

const PATCHED = Symbol.for("haiku-tfjs.runtime.tapeCleanupOnError");

/**
 * Makes a failed gradient computation free its tape. tfjs-core 4.22's `Engine.gradients`
 * (tfjs-core/src/engine.ts) keeps a copy of every tensor a kernel saves for the backward pass
 * (`saveTensorsForBackwardMode` clones and `keep`s them) and disposes those copies only after a
 * successful backward pass; when the forward function throws (or the backward pass does), they
 * stay allocated for good, and the next tape is started over them. Every training step that
 * throws, in `tf.grad`, `tf.variableGrads`, `optimizer.minimize` and so `model.fit`, leaked
 * them (dozens of tensors for a small network). The patched method disposes the outermost
 * tape's saved tensors when the computation throws, as the successful path does. Idempotent.
 */
export function installTapeCleanup(): void {
  wrapEngineGradients(PATCHED, (original) => (...args) => {
    try {
      return original(...args);
    } catch (e) {
      disposeAbandonedTape();
      throw e;
    }
  });
}
