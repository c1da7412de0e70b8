/**
 * `hk.remat` (Haiku's `stateful.remat`, i.e. `jax.checkpoint` with Haiku state threaded):
 * gradient checkpointing. The forward pass keeps only the function's outputs; the backward pass
 * runs the function again (same params, state and keys) to get the activations it needs.
 */
import * as tf from "@tensorflow/tfjs-core";
import { flatten, unflatten } from "../../tree/index.js";
import { describe } from "../../util/describe.js";
import { Frame, withFrame } from "../frame.js";
import { PRNGSequence } from "../rng.js";
import { insideTransform, saveInternalState } from "./internal.js";
import type { SavedInternalState } from "./internal.js";
import { InvalidArgumentError } from "../../util/errors.js";
import { nestedEngineGradients } from "../../util/tfjs_internals.js";

const WHO = "hk.remat";

/** Whether a gradient tape is recording now. */
function tapeOn(): boolean {
  return tf.engine().isTapeOn();
}

function tensorLeavesOf(x: unknown): tf.Tensor[] {
  return (flatten<unknown>(x as never)[0] as unknown[]).filter((l): l is tf.Tensor => l instanceof tf.Tensor);
}

/** The inputs the recomputation may differentiate: arguments, the params read, current state. */
function differentiableInputs(frame: Frame, args: unknown[], paramsRead: Iterable<tf.Tensor>): tf.Tensor[] {
  const seen = new Set<number>();
  const out: tf.Tensor[] = [];
  const add = (t: tf.Tensor): void => {
    if (!seen.has(t.id) && t.dtype === "float32") {
      seen.add(t.id);
      out.push(t);
    }
  };
  tensorLeavesOf(args).forEach(add);
  for (const t of paramsRead) add(t);
  return out;
}

/** The state entries whose value changed since `before` (by identity), as `[bundle, name]`. */
function changedState(frame: Frame, before: SavedInternalState): [string, string][] {
  const out: [string, string][] = [];
  for (const [bundle, entries] of frame.state) {
    for (const [name, pair] of entries) {
      if (before.state.get(bundle)?.get(name)?.current !== pair.current) out.push([bundle, name]);
    }
  }
  return out;
}

/**
 * Wraps `fn` so that, under a gradient, its activations are not kept for the backward pass but
 * recomputed there (Haiku's `hk.remat`, `jax.checkpoint`): less memory, one more forward pass.
 * Outputs, state and gradients are the same as without it. Inside `init`, or when no gradient is
 * being recorded, `fn` simply runs.
 *
 * The recomputation uses the same parameters, input state and keys as the forward pass. Under a
 * gradient, the tensors `fn` returns and the state it sets must be float32 (they travel through
 * one `tf.customGrad` output).
 *
 * @example
 * ```ts
 * const f = hk.transform((x: tf.Tensor) => {
 *   const block = hk.remat((h: tf.Tensor) => tf.relu(new hk.Linear(256).call(h)));
 *   for (let i = 0; i < 8; i++) x = block(x);
 *   return x;
 * });
 * ```
 *
 * @category Transforms
 */
export function remat<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  if (typeof fn !== "function")
    throw new InvalidArgumentError(
      WHO,
      `expects the function to checkpoint, got ${describe(fn)}`,
      "hk.remat((x) => ...).",
    );
  const wrapped = (...args: A): R => {
    const frame = insideTransform(WHO + "()", "call the function directly");
    if (!frame.frozen || !tapeOn()) return fn(...args);

    const before = saveInternalState(frame);
    const moduleStack = frame.moduleStack.map((e) => ({
      module: e.module,
      methodName: e.methodName,
      counters: e.counters && new Map(e.counters),
      usedNames: e.usedNames && new Set(e.usedNames),
    }));
    const rootCounters = frame.rootCounters && new Map(frame.rootCounters);
    const rootUsedNames = frame.rootUsedNames && new Set(frame.rootUsedNames);

    // Filled by the forward pass: how to turn the flat output back into outputs and state.
    let outDef: ReturnType<typeof flatten>[1] | undefined;
    let outLeaves: unknown[] = [];
    let shapes: number[][] = [];
    let changed: [string, string][] = [];

    /** Runs `fn` and packs its tensor outputs and new state into one flat float32 tensor. */
    const pack = (f: Frame): tf.Tensor => {
      const out = fn(...args);
      const [ls, def] = flatten<unknown>(out as never);
      const ch = changedState(f, before);
      const tensors: tf.Tensor[] = [];
      for (const l of ls as unknown[]) if (l instanceof tf.Tensor) tensors.push(l);
      for (const [bundle, name] of ch) {
        const v = f.state.get(bundle)!.get(name)!.current;
        if (!(v instanceof tf.Tensor)) {
          throw new InvalidArgumentError(
            WHO,
            `state "${bundle}/${name}" set inside a rematerialised function must be a tensor, got ${describe(v)}`,
            "set a tf.Tensor, or set it outside hk.remat.",
          );
        }
        tensors.push(v);
      }
      for (const t of tensors) {
        if (t.dtype !== "float32") {
          throw new InvalidArgumentError(
            WHO,
            `under a gradient, outputs and state of a rematerialised function must be float32, got a ${t.dtype} tensor of shape [${t.shape.join(", ")}]`,
            "cast it, or compute it outside hk.remat.",
          );
        }
      }
      if (outDef === undefined) {
        outDef = def;
        outLeaves = ls as unknown[];
        shapes = tensors.map((t) => t.shape);
        changed = ch;
      }
      return tensors.length === 0 ? tf.zeros([0]) : tf.concat(tensors.map((t) => tf.reshape(t, [-1])));
    };

    /** A frame that replays the forward pass: same params, input state, keys and names. */
    const replayFrame = (): Frame => {
      const rng = before.rng === null ? null : new PRNGSequence(before.rng);
      const f = new Frame(frame.paramsIn, rng, frame.stateAllowed, frame.transformName);
      for (const [bundle, entries] of before.state) {
        const b = new Map<string, { initial: unknown; current: unknown }>();
        for (const [name, pair] of entries) b.set(name, { initial: pair.initial, current: pair.current });
        f.state.set(bundle, b);
      }
      f.rootCounters = rootCounters && new Map(rootCounters);
      f.rootUsedNames = rootUsedNames && new Set(rootUsedNames);
      for (const e of moduleStack) {
        const entry = f.pushModule(e.module, e.methodName);
        entry.counters = e.counters && new Map(e.counters);
        entry.usedNames = e.usedNames && new Set(e.usedNames);
      }
      return f;
    };

    // Forward with the tape off (as tfjs runs a kernel), noting which params `fn` reads: only
    // those (with the arguments and state) become inputs of the custom gradient.
    const engineState = (tf.engine() as unknown as { state: { kernelDepth: number } }).state;
    const outerReads = frame.paramReads;
    const reads = new Set<tf.Tensor>();
    frame.paramReads = reads;
    engineState.kernelDepth++;
    let forward: tf.Tensor;
    try {
      forward = tf.tidy(() => pack(frame));
    } finally {
      engineState.kernelDepth--;
      frame.paramReads = outerReads;
      if (outerReads !== undefined) for (const t of reads) outerReads.add(t);
    }
    const inputs = differentiableInputs(frame, args, reads);
    // The state `fn` read is the state before it ran.
    for (const entries of before.state.values())
      for (const pair of entries.values())
        for (const t of tensorLeavesOf(pair.current)) if (!inputs.includes(t) && t.dtype === "float32") inputs.push(t);

    const checkpointed = tf.customGrad(((...ins: tf.Tensor[]) => {
      const value = forward.clone();
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        const f = replayFrame();
        const r = nestedEngineGradients(() => withFrame(f, () => pack(f)), inputs, dy);
        const { value: v, grads } = r;
        v.dispose();
        return grads.map((g, i) => g ?? tf.zerosLike(ins[i]!));
      };
      return { value, gradFunc };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);

    const flat =
      inputs.length === 0 ? forward : (checkpointed as unknown as (...ins: tf.Tensor[]) => tf.Tensor)(...inputs);
    if (flat !== forward) forward.dispose();
    // Split the flat output back into the output tensors and the new state values.
    const pieces: tf.Tensor[] = [];
    let offset = 0;
    for (const shape of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      pieces.push(tf.reshape(tf.slice(flat, [offset], [size]), shape));
      offset += size;
    }
    let k = 0;
    const leaves = outLeaves.map((l) => (l instanceof tf.Tensor ? pieces[k++]! : l));
    for (const [bundle, name] of changed) frame.state.get(bundle)!.get(name)!.current = pieces[k++]!;
    return unflatten(outDef!, leaves as never) as R;
  };
  Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
  return wrapped;
}
