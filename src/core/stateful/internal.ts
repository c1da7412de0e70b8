/**
 * What Haiku's stateful wrappers (`stateful.py`) do around each traced call, done eagerly:
 * `reserve_up_to_full_rng_block`, the decoupled naming of `temporary_internal_state` (names a
 * traced body allocates do not leak out, and every trace starts from the same counters) and
 * `assert_no_new_parameters`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { currentFrame, maybeCurrentFrame } from "../frame.js";
import type { Frame, ModuleEntry, StatePair } from "../frame.js";
import { describe } from "../../util/describe.js";
import type { PRNGSequenceState } from "../rng.js";
import { InvalidArgumentError, TransformError } from "../../util/errors.js";

/** The running frame; Haiku's "should not be used outside of hk.transform()" otherwise. @internal */
export function insideTransform(who: string, jaxName: string): Frame {
  const frame = maybeCurrentFrame();
  if (frame === undefined) {
    throw new TransformError(
      who.replace(/\(\)$/, ""),
      `${who} should not be used outside of hk.transform(), got a call outside any transform`,
      `call it inside the function passed to \`hk.transform\` / \`hk.transformWithState\` (outside, ${jaxName}).`,
    );
  }
  return currentFrame(who);
}

/** Haiku's `reserve_up_to_full_rng_block`: tops the current key sequence up to one reserved key. @internal */
export function reserveUpToFull(frame: Frame): void {
  frame.rngStack[frame.rngStack.length - 1]?.reserveUpToFull();
}

interface SavedNames {
  entry: ModuleEntry | null;
  counters: Map<string, number> | undefined;
  usedNames: Set<string> | undefined;
}

/**
 * The naming counters of every running module method (and of the top level), saved so that each
 * eager step of a loop starts from them, as each trace of Haiku's decoupled frame does. @internal
 */
export class NamingSnapshot {
  readonly #frame: Frame;
  readonly #saved: SavedNames[];

  constructor(frame: Frame) {
    this.#frame = frame;
    this.#saved = frame.moduleStack.map((entry) => ({
      entry,
      counters: entry.counters && new Map(entry.counters),
      usedNames: entry.usedNames && new Set(entry.usedNames),
    }));
    this.#saved.push({
      entry: null,
      counters: frame.rootCounters && new Map(frame.rootCounters),
      usedNames: frame.rootUsedNames && new Set(frame.rootUsedNames),
    });
  }

  /** Gives every saved scope a fresh copy of its saved counters (before each step). */
  reset(): void {
    for (const s of this.#saved) this.#set(s, s.counters && new Map(s.counters), s.usedNames && new Set(s.usedNames));
  }

  /** Puts the saved counters back for good (after the loop). */
  restore(): void {
    for (const s of this.#saved) this.#set(s, s.counters, s.usedNames);
  }

  #set(s: SavedNames, counters: Map<string, number> | undefined, usedNames: Set<string> | undefined): void {
    if (s.entry === null) {
      this.#frame.rootCounters = counters;
      this.#frame.rootUsedNames = usedNames;
    } else {
      s.entry.counters = counters;
      s.entry.usedNames = usedNames;
    }
  }
}

/** The `bundle/name`s of the params created so far in `init` (Haiku's `param_names`). @internal */
export function paramNames(frame: Frame): Set<string> {
  const out = new Set<string>();
  for (const [bundle, entries] of frame.params) for (const name of entries.keys()) out.add(`${bundle}/${name}`);
  return out;
}

/** The params created since `before`, sorted; empty in `apply`. @internal */
export function newParams(frame: Frame, before: Set<string>): string[] {
  if (frame.frozen) return [];
  return [...paramNames(frame)].filter((n) => !before.has(n)).sort();
}

/** The rng and state of a frame, to put back after a discarded trace. @internal */
export interface SavedInternalState {
  rng: PRNGSequenceState | null;
  state: Map<string, Map<string, StatePair>>;
}

/** Saves the current key sequence's state and a copy of the state entries. @internal */
export function saveInternalState(frame: Frame): SavedInternalState {
  const seq = frame.rngStack[frame.rngStack.length - 1];
  const state = new Map<string, Map<string, StatePair>>();
  for (const [bundle, entries] of frame.state) {
    const b = new Map<string, StatePair>();
    for (const [name, pair] of entries) b.set(name, { initial: pair.initial, current: pair.current });
    state.set(bundle, b);
  }
  return { rng: seq ? seq.internalState : null, state };
}

/** Puts back what {@link saveInternalState} saved. @internal */
export function restoreInternalState(frame: Frame, saved: SavedInternalState): void {
  const seq = frame.rngStack[frame.rngStack.length - 1];
  if (seq && saved.rng !== null) seq.replaceInternalState(saved.rng);
  frame.state.clear();
  for (const [bundle, entries] of saved.state) {
    const b = new Map<string, StatePair>();
    for (const [name, pair] of entries) b.set(name, { initial: pair.initial, current: pair.current });
    frame.state.set(bundle, b);
  }
}

/** A predicate's truth: a boolean, a number or a one-element tensor. @internal */
export function truthy(pred: unknown, who: string, what: string): boolean {
  if (typeof pred === "boolean") return pred;
  if (typeof pred === "number") return pred !== 0;
  if (pred instanceof tf.Tensor && pred.size === 1) return pred.dataSync()[0] !== 0;
  throw new InvalidArgumentError(
    who,
    `${what} must be a scalar (a boolean, a number or a one-element tensor), got ${describe(pred)}`,
    "reduce it to one value first (e.g. `tf.all(x)`).",
  );
}

/** An integer scalar's value (a number or a one-element tensor). @internal */
export function intValue(x: unknown, who: string, what: string): number {
  const v = typeof x === "number" ? x : x instanceof tf.Tensor && x.size === 1 ? x.dataSync()[0]! : Number.NaN;
  if (!Number.isInteger(v)) {
    throw new InvalidArgumentError(
      who,
      `${what} must be an integer scalar (a number or a one-element tensor), got ${describe(x)}`,
      "pass e.g. 0.",
    );
  }
  return v;
}
