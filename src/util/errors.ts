/**
 * The one way haiku-tfjs fails. Every misuse throws a {@link HaikuError} subclass whose message
 * reads `<where>: <problem>. Fix: <what to do>`, where `<where>` names what the user called or
 * built (`hk.optim.adam`, `Linear 'mlp/~/linear_0'`, `hk.io.loadParams("p.safetensors")`), the
 * problem names the argument as the user typed it (`outputSize`, with Haiku's `output_size` in
 * brackets where the two differ, so searches for Haiku's messages still help) and says what was
 * expected and what was given. Catch a family with `instanceof`.
 *
 * @module
 */

/**
 * The base class of every error haiku-tfjs throws for a misuse: `err instanceof hk.HaikuError`.
 *
 * @category Errors
 */
export class HaikuError extends Error {
  /** What the user called or built, e.g. `hk.optim.adam` or `Linear 'mlp/~/linear_0'`. */
  readonly where: string;
  /** What to do about it, when the library knows. */
  readonly fix: string | undefined;

  constructor(where: string, problem: string, fix?: string, options?: { cause?: unknown }) {
    super(formatMessage(where, problem, fix), options);
    this.where = where;
    this.fix = fix;
  }
}

/**
 * An argument has the wrong type or value (Python's `TypeError` / `ValueError` at an API's door).
 *
 * @category Errors
 */
export class InvalidArgumentError extends HaikuError {}

/**
 * Tensors, parameters or state do not have the shape or structure expected (a params tree
 * from another model, an input of the wrong rank, trees that do not match).
 *
 * @category Errors
 */
export class ShapeError extends HaikuError {}

/**
 * A parameter or state entry is missing, unexpected or misused inside a transform (Haiku's
 * "Unable to retrieve parameter", a state read under `hk.transform`).
 *
 * @category Errors
 */
export class ParameterError extends HaikuError {}

/**
 * A Haiku API is used where it cannot work: outside a transform, with a transformed function
 * called the wrong way, or a module used outside its rules.
 *
 * @category Errors
 */
export class TransformError extends HaikuError {}

/**
 * A checkpoint file or buffer is invalid, too large, or could not be read or written.
 *
 * @category Errors
 */
export class CheckpointError extends HaikuError {}

/**
 * A TensorFlow.js backend could not start or be used as asked.
 *
 * @category Errors
 */
export class BackendError extends HaikuError {}

// Each class's `name` is a string on its prototype, not `new.target.name`: bundlers and minifiers
// rename classes, and users match on these names.
for (const [cls, name] of [
  [HaikuError, "HaikuError"],
  [InvalidArgumentError, "InvalidArgumentError"],
  [ShapeError, "ShapeError"],
  [ParameterError, "ParameterError"],
  [TransformError, "TransformError"],
  [CheckpointError, "CheckpointError"],
  [BackendError, "BackendError"],
] as const) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

/** `where: problem. Fix: fix`, with exactly one period between the parts. */
export function formatMessage(where: string, problem: string, fix?: string): string {
  const p = problem.trimEnd();
  const sentence = /[.!?]$/.test(p) ? p : `${p}.`;
  return fix === undefined ? `${where}: ${sentence}` : `${where}: ${sentence} Fix: ${fix.trimEnd()}`;
}
