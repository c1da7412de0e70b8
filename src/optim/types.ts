/** A learning-rate (or other hyper-parameter) schedule: step count -> value (optax's `Schedule`). */
export type Schedule = (count: number) => number;

/** A fixed value or a {@link Schedule} (optax's `ScalarOrSchedule`). */
export type ScalarOrSchedule = number | Schedule;

/**
 * optax's `GradientTransformation`: a pair of pure functions over pytrees.
 *
 * - `init(params)` builds the state (a pytree of tensors and plain numbers, e.g. Adam's
 *   `{count, mu, nu}`; step counts are plain numbers, so schedules and bias corrections run on
 *   the host with no readback).
 * - `update(updates, state, params?)` returns `[newUpdates, newState]`. It never changes its
 *   inputs, and returns tensors the caller owns alone: disposing the old state, the gradients or
 *   the params never invalidates the results (and the other way round).
 */
export interface GradientTransformation<S = unknown> {
  /** Builds the initial state for `params` (only their structure, shapes and dtypes are used). */
  init(params: unknown): S;
  /** Transforms `updates` (gradients at first); `params` is needed by e.g. weight decay. */
  update<U>(updates: U, state: S, params?: unknown): [U, S];
}

/** The state of transformations that keep none (optax's `EmptyState`): `{}`. */
export type EmptyState = Record<string, never>;
