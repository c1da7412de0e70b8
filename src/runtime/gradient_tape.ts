import * as tf from "@tensorflow/tfjs-core";

const PATCHED = Symbol.for("haiku-tfjs.runtime.tapeCleanupOnError");

interface TapeState {
  gradientDepth: number;
  activeTape: { saved?: tf.Tensor[] }[] | null;
}

type Gradients = (...args: unknown[]) => unknown;

/**
 * Makes a failed gradient computation free its tape. tfjs-core 4.22's `Engine.gradients`
 * (tfjs-core/src/engine.ts) keeps a copy of every tensor a kernel saves for the backward pass
 * (`saveTensorsForBackwardMode` clones and `keep`s them) and disposes those copies only after a
 * successful backward pass; when the forward function throws (or the backward pass does), they
 * stay allocated for good, and the next tape is started over them. Every training step that
 * throws, in `tf.grad`, `tf.variableGrads`, `optimizer.minimize` and so `model.fit`, leaked
 * them (dozens of tensors for a small network). The patched method disposes the outermost
 * tape's saved tensors when the computation throws, as the successful path does. Idempotent.
 *
 * @category Runtime
 */
export function installTapeCleanup(): void {
  const engine = tf.engine() as unknown as { gradients: Gradients; state: TapeState } & Record<symbol, boolean>;
  if (engine[PATCHED]) return;
  const original = engine.gradients;
  engine.gradients = function (this: typeof engine, ...args: unknown[]): unknown {
    try {
      return original.apply(this, args);
    } catch (e) {
      // Only the outermost computation owns the tape; an inner one's nodes belong to the outer
      // tape, which frees them when it finishes or fails.
      const state = this.state;
      if (state.gradientDepth === 0 && state.activeTape !== null) {
        for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
        state.activeTape = null;
      }
      throw e;
    }
  };
  engine[PATCHED] = true;
}
