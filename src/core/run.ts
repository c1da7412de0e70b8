/**
 * Running a function in a fresh frame, and the ownership rule for tensors crossing `init` /
 * `apply`.
 *
 * Ownership rule: tensors passed in (params, state, arguments) stay the caller's and are never
 * disposed or mutated. Every tensor returned (params, state, outputs) is a new handle the caller
 * owns and disposes; none of them is the same handle as an input or as another returned tensor.
 * A returned tensor that would be an input (an untouched state entry, a parameter returned as an
 * output) or a duplicate is returned as an O(1) alias (a reshape to its own shape, which shares
 * the data buffer), so `hk.tree.dispose(oldState); state = newState` never double-frees and never
 * leaks. Everything else created during the call is freed before it returns, also on errors.
 */
import * as tf from "@tensorflow/tfjs-core";
import { freeze } from "immer";
import { Frame, withFrame } from "./frame.js";
import { setOwn } from "../tree/own.js";
import { describe, isPlainObject } from "../util/describe.js";
import type { PRNGSequence } from "./rng.js";
import type { Params, State } from "./types.js";
import { ShapeError, TransformError } from "../util/errors.js";
import { nextTensorId } from "../util/tfjs_internals.js";

/** What a run returns.
 */
export interface RunResult {
  params: Params;
  state: State;
  out: unknown;
}

/**
 * Options of {@link runInFrame}.
 */
export interface RunOptions {
  paramsIn: Params | null;
  stateIn: State | null;
  rng: PRNGSequence | null;
  stateAllowed: boolean;
  transformName: string;
  /** Whether `fn`'s return value is wanted (apply) or discarded (init). */
  wantOut: boolean;
}

/** What a run returns for no params / no state: one frozen object (nothing in it to own). */
const EMPTY: Record<string, never> = Object.freeze({});

/**
 * Hands out the tensors a run returns, applying the ownership rule. A class rather than closures
 * in `runInFrame`: nothing to allocate per call beyond the object itself.
 */
class Owner {
  /** The owned tensors returned so far (each one is new to the caller, none repeats). */
  readonly keep: tf.Tensor[] = [];
  /** Ids of `keep`, built once `keep` is too long for a linear scan. */
  private ids: Set<number> | undefined = undefined;

  constructor(
    /** Tensors with a smaller id existed before the call started. */
    private readonly startId: number,
  ) {}

  private returned(id: number): boolean {
    const keep = this.keep;
    if (this.ids !== undefined) return this.ids.has(id);
    for (let i = 0; i < keep.length; i++) if (keep[i]!.id === id) return true;
    return false;
  }

  own(t: tf.Tensor): tf.Tensor {
    const r = t.id < this.startId || this.returned(t.id) ? tf.reshape(t, t.shape) : t;
    const keep = this.keep;
    keep.push(r);
    if (this.ids !== undefined) this.ids.add(r.id);
    else if (keep.length > 16) this.ids = new Set(keep.map((k) => k.id));
    return r;
  }

  ownTree(x: unknown): unknown {
    if (x instanceof tf.Tensor) return this.own(x);
    if (Array.isArray(x)) return x.map((v) => this.ownTree(v));
    if (isPlainObject(x)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x)) setOwn(out, k, this.ownTree(x[k]));
      return out;
    }
    if (x instanceof Uint32Array) return x.slice(); // keys: never alias a mutable input array
    return x;
  }
}

/**
 * Runs `fn(...args)` in a fresh frame under `tf.tidy`; returns new, deep-frozen params and state
 * (initial values in init, current values in apply) and `fn`'s output, all owned by the caller.
 */
export function runInFrame(fn: (...args: never[]) => unknown, args: unknown[], o: RunOptions): RunResult {
  const owner = new Owner(nextTensorId());
  const keep = owner.keep;
  let result: RunResult | undefined;

  tf.tidy(() => {
    const frame = new Frame(o.paramsIn, o.rng, o.stateAllowed, o.transformName);
    if (o.stateIn !== null) {
      for (const bundle of Object.keys(o.stateIn)) {
        const entries = new Map<string, { initial: unknown; current: unknown }>();
        const b = o.stateIn[bundle] as Record<string, unknown>;
        if (b === null || typeof b !== "object" || Array.isArray(b) || b instanceof tf.Tensor) {
          throw new ShapeError(
            "hk.transformWithState(f).apply",
            `state["${bundle}"] should be an object mapping entry names to values but is ${describe(b)}`,
            "pass the state `init` returned; it is two-level, `state[moduleName][entryName]`.",
          );
        }
        for (const name of Object.keys(b)) entries.set(name, { initial: b[name], current: b[name] });
        frame.state.set(bundle, entries);
      }
    }
    const out = withFrame(frame, () => fn(...(args as never[])));
    if (frame.teardown !== undefined) withFrame(frame, () => frame.teardown!.forEach((check) => check()));
    if (out instanceof Promise) {
      void out.catch(() => undefined);
      throw new TransformError(
        o.transformName,
        "Transformed functions must be synchronous: the function passed to it returned a Promise",
        "await data before calling `init` / `apply`, not inside the transformed function.",
      );
    }
    // Params and state objects are made only when there is something in them: `apply` of
    // `hk.transform` has neither, and runs on every call.
    let params: Record<string, Record<string, tf.Tensor>> | undefined;
    if (o.paramsIn === null) {
      for (const [bundle, entries] of frame.params) {
        const b: Record<string, tf.Tensor> = {};
        for (const [name, t] of entries) setOwn(b, name, owner.own(t));
        setOwn((params ??= {}), bundle, b);
      }
    }
    let state: Record<string, Record<string, unknown>> | undefined;
    const which = o.paramsIn === null ? "initial" : "current";
    if (frame.state.size > 0)
      for (const [bundle, entries] of frame.state) {
        if (entries.size === 0) continue;
        const b: Record<string, unknown> = {};
        for (const [name, pair] of entries) setOwn(b, name, owner.ownTree(pair[which]));
        setOwn((state ??= {}), bundle, b);
      }
    result = {
      params: params === undefined ? EMPTY : freeze(params, true),
      state: state === undefined ? EMPTY : freeze(state, true),
      out: o.wantOut ? owner.ownTree(out) : undefined,
    };
    // tidy keeps what it returns; `result.out` also covers tensors inside non-plain containers.
    // A tensor output is already in `keep`: skip tidy's walk over a nested container then.
    const r = result.out;
    if (r === undefined || r instanceof tf.Tensor) return (keep.length === 1 ? keep[0] : keep) as tf.TensorContainer;
    return [keep, r] as unknown as tf.TensorContainer;
  });
  return result!;
}
