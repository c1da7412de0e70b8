/**
 * `OptaxOptimizer`: an `hk.optim` gradient transformation as a tfjs `Optimizer`, so that
 * `model.compile({ optimizer })` / `model.fit` (a `JaxLayer` in `tf.sequential`, or any
 * tfjs-layers model) trains with optax's exact rules, schedules and chains, and with
 * `hk.optim.adam`'s one-kernel update.
 */
import * as tf from "@tensorflow/tfjs-core";

import { describe } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import type { GradientTransformation } from "../optim/types.js";
import * as tree from "../tree/index.js";
import { getOwn, setOwn } from "../tree/own.js";

const WHERE = "OptaxOptimizer";

/**
 * A named tensor, as tfjs optimizers exchange weights (tfjs-core's `NamedTensor`, which its entry
 * point does not export).
 *
 * @category Keras
 */
export interface NamedTensor {
  /** The weight's name (for {@link OptaxOptimizer}: `iter`, or the leaf's path in the state). */
  name: string;
  /** Its value. */
  tensor: tf.Tensor;
}

/** Every tensor leaf of `t`, kept (no enclosing `tf.tidy` may free optimizer state). */
function keepTree<T>(t: T): T {
  for (const leaf of tree.leaves(t as tree.PyTree<unknown>)) if (leaf instanceof tf.Tensor) tf.keep(leaf);
  return t;
}

/**
 * An optax-style {@link GradientTransformation} (`hk.optim.adam(1e-3)`, a `chain(...)`, ...)
 * wrapped as a tfjs `Optimizer`. Pass it to `model.compile` of a tfjs-layers model, e.g. one
 * holding a `JaxLayer`: each step runs `transformation.update(grads, state, params)` over the
 * trainable variables (keyed by variable name) and adds the updates to them, as optax's
 * `apply_updates` does. Gradients that are `null` (variables the loss does not reach) are
 * skipped, like tfjs' optimizers do.
 *
 * The optimizer state is created on the first step (and again if the set of variables changes)
 * and owned by this object: `dispose()` frees it. `getWeights()` / `setWeights()` carry the
 * iteration count and every state leaf, named by its path in the state tree (weights set before
 * the first step are applied when the state is created), so training can resume with the same
 * moments. The transformation itself is code, not config: a model saved with
 * `includeOptimizer: true` cannot rebuild it on load (that load throws, saying so). Save the model
 * without it and keep `getWeights()` next to it (e.g. with `hk.io.saveParams`).
 *
 * @example
 * ```ts
 * import { JaxLayer, OptaxOptimizer } from "haiku-tfjs/keras";
 * const model = tfl.sequential({ layers: [new JaxLayer({ callFn: f.apply, initFn: f.init, inputShape: [784] })] });
 * model.compile({ optimizer: new OptaxOptimizer(hk.optim.adam(1e-3)), loss: "categoricalCrossentropy" });
 * await model.fit(x, y, { epochs: 5 });
 * ```
 *
 * @category Keras
 */
export class OptaxOptimizer extends tf.Optimizer {
  /** The name tfjs' serialization registry knows this class by. */
  static get className(): string {
    return "HaikuTfjsOptaxOptimizer";
  }

  /** The transformation's state; `undefined` before the first step. */
  private optState: unknown = undefined;
  /** The variable names the state was made for, in order. */
  private names: readonly string[] = [];
  /** Weights given to `setWeights` before the state existed. */
  private pending: NamedTensor[] | undefined = undefined;
  /** Scalars made by `getWeights` for numeric state leaves (freed on the next call). */
  private exported: tf.Tensor[] = [];

  /**
   * @param transformation - the update rule, e.g. `hk.optim.adam(1e-3)`.
   */
  constructor(readonly transformation: GradientTransformation<unknown>) {
    super();
    const t = transformation as unknown as { init?: unknown; update?: unknown } | null;
    if (t === null || typeof t !== "object" || typeof t.init !== "function" || typeof t.update !== "function") {
      throw new InvalidArgumentError(
        WHERE,
        `\`transformation\` must be a gradient transformation ({init, update}) such as hk.optim.adam(1e-3), got ${describe(t)}`,
        "pass the transformation itself (call the factory: hk.optim.adam(1e-3), not hk.optim.adam).",
      );
    }
  }

  /** Applies one update to the variables named in `variableGradients`. */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: [string, tf.Tensor | null | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    const params: Record<string, tf.Variable> = {};
    const grads: Record<string, tf.Tensor> = {};
    const registered = tf.engine().registeredVariables;
    for (const [name, g] of pairs) {
      if (g === null || g === undefined) continue;
      const v = getOwn(registered, name);
      if (v === undefined) {
        throw new InvalidArgumentError(
          `${WHERE}.applyGradients`,
          `\`variableGradients\` has a gradient for "${name}", but no variable has that name`,
          "pass gradients keyed by tf.Variable names (as Optimizer.minimize does).",
        );
      }
      if (!v.trainable) continue;
      setOwn(params, name, v);
      setOwn(grads, name, g);
    }
    const names = Object.keys(params);
    if (
      this.optState === undefined ||
      names.length !== this.names.length ||
      names.some((n, i) => n !== this.names[i])
    ) {
      this.disposeState();
      this.optState = keepTree(tf.tidy(() => this.transformation.init(params) as tf.TensorContainer));
      this.names = names;
      if (this.pending !== undefined) this.restorePending();
    }
    const old = this.optState;
    const next = keepTree(
      tf.tidy(() => {
        const [updates, state] = this.transformation.update(grads, old, params);
        for (const name of names) {
          const u = (updates as Record<string, tf.Tensor | null | undefined>)[name];
          if (u !== null && u !== undefined) params[name]!.assign(tf.add(params[name]!, u));
        }
        return state as tf.TensorContainer;
      }),
    );
    // Free what the new state no longer holds (an update may pass leaves through unchanged).
    tree.dispose(old, next);
    this.optState = next;
    this.incrementIterations();
  }

  /** The iteration count, then each state leaf named by its path (numbers as scalars). */
  override async getWeights(): Promise<NamedTensor[]> {
    tf.dispose(this.exported);
    this.exported = [];
    const out: NamedTensor[] = [await this.saveIterations()];
    if (this.optState === undefined) return out;
    for (const [path, leaf] of tree.leavesWithPath(this.optState as tree.PyTree<unknown>)) {
      let tensor: tf.Tensor;
      if (leaf instanceof tf.Tensor) tensor = leaf;
      else if (typeof leaf === "number") {
        tensor = tf.scalar(leaf, Number.isInteger(leaf) && Math.abs(leaf) < 2 ** 31 ? "int32" : "float32");
        this.exported.push(tensor);
      } else continue;
      out.push({ name: tree.formatPath(path), tensor });
    }
    return out;
  }

  /** Restores weights from {@link OptaxOptimizer.getWeights} (now, or at the first step). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    if (this.pending !== undefined) tf.dispose(this.pending.map((w) => w.tensor));
    this.pending = rest.map((w) => ({ name: w.name, tensor: tf.keep(tf.clone(w.tensor)) }));
    if (this.optState !== undefined) this.restorePending();
  }

  /** Frees the optimizer state and the iteration counter. */
  override dispose(): void {
    super.dispose();
    this.disposeState();
    tf.dispose(this.exported);
    this.exported = [];
    if (this.pending !== undefined) tf.dispose(this.pending.map((w) => w.tensor));
    this.pending = undefined;
  }

  /** tfjs serialization: the transformation holds functions, so the config is empty. */
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }

  /** Always throws: a transformation cannot be rebuilt from a saved config. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    _cls: tf.serialization.SerializableConstructor<T>,
    _config: tf.serialization.ConfigDict,
  ): T {
    throw new InvalidArgumentError(
      `${WHERE}.fromConfig`,
      "an OptaxOptimizer cannot be rebuilt from a saved model: its transformation is code, not config",
      "save the model without includeOptimizer, compile the loaded model with a new OptaxOptimizer(sameTransformation), and " +
        "restore its state with setWeights() from weights kept with getWeights().",
    );
  }

  private disposeState(): void {
    if (this.optState !== undefined) tree.dispose(this.optState);
    this.optState = undefined;
  }

  private restorePending(): void {
    const byName = new Map(this.pending!.map((w) => [w.name, w.tensor]));
    const restored = tree.mapWithPath((path: string, leaf: unknown) => {
      const w = byName.get(path);
      if (w === undefined) {
        throw new ShapeError(
          `${WHERE}.setWeights`,
          `no weight named "${path}" for this optimizer's state (got ${[...byName.keys()].join(", ") || "none"})`,
          "restore weights saved from the same transformation and model.",
        );
      }
      if (leaf instanceof tf.Tensor) {
        if (!tf.util.arraysEqual(leaf.shape, w.shape)) {
          throw new ShapeError(
            `${WHERE}.setWeights`,
            `weight "${path}" has shape [${w.shape.join(", ")}], the state expects [${leaf.shape.join(", ")}]`,
            "restore weights saved from the same transformation and model.",
          );
        }
        return tf.keep(tf.cast(w, leaf.dtype));
      }
      return typeof leaf === "number" ? w.dataSync()[0]! : leaf;
    }, this.optState);
    this.disposeState();
    this.optState = restored;
    tf.dispose(this.pending!.map((w) => w.tensor));
    this.pending = undefined;
  }
}

tf.serialization.registerClass(OptaxOptimizer);
