/** Parameters: `hk.getParameter` and `hk.getParams` (Haiku's `base.py`: `get_parameter`, `get_params`, `custom_creator`, `custom_getter`). */
import * as tf from "@tensorflow/tfjs-core";
import { assertNoPendingConstruction, constructing, currentFrame } from "./frame.js";
import type { Frame } from "./frame.js";
import { setOwn } from "../tree/own.js";
import { describe, formatShape, sameShape } from "../util/describe.js";
import { DO_NOT_STORE } from "./do_not_store.js";
import { paramCreators, paramGetters, runCreators, runGetters } from "./interceptors.js";
import type { GetterContext } from "./interceptors.js";
import type { Initializer, Params } from "./types.js";
import { InvalidArgumentError, ParameterError, ShapeError } from "../util/errors.js";

/** Options of {@link getParameter}.
 *
 * @category Modules and parameters
 */
export interface GetParameterOptions {
  /** Creates the value in `init` (called once per parameter); required unless it already exists. */
  init?: Initializer;
  /** Defaults to `"float32"`. */
  dtype?: tf.DataType;
}

/** Looks a parameter up in apply's params, validating the containers on the way. */
function lookupApplyParam(params: Params, bundle: string, name: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(params, bundle)) return undefined;
  const b = params[bundle] as unknown;
  if (b === null || typeof b !== "object" || Array.isArray(b) || b instanceof tf.Tensor) {
    throw new ShapeError(
      "hk.getParameter",
      `params["${bundle}"] should be an object mapping parameter names to tensors but is ${describe(b)}`,
      "pass the params `init` returned; they are two-level, `params[moduleName][paramName]`.",
    );
  }
  return Object.prototype.hasOwnProperty.call(b, name) ? (b as Record<string, unknown>)[name] : undefined;
}

function initializerMissing(fullName: string): Initializer {
  return () => {
    throw new ParameterError(
      "hk.getParameter",
      `Initializer must be specified for parameter "${fullName}"`,
      "pass `{ init }` to `hk.getParameter` the first time the parameter is requested (e.g. `{ init: hk.initializers.TruncatedNormal() }`).",
    );
  };
}

/**
 * Creates (in `init`) or fetches (in `apply`) the parameter `name` of the current module
 * (Haiku's `hk.get_parameter`). Outside any module the parameter lives under `"~"`. Asking again
 * for an existing parameter returns the same tensor; the shape must match.
 *
 * @throws in `apply` when the parameter is missing ("Unable to retrieve parameter"), when its
 * shape differs, and outside a transform.
 * @example
 * ```ts
 * const w = hk.getParameter("w", [784, 128], { init: hk.initializers.TruncatedNormal() });
 * ```
 *
 * @category Modules and parameters
 */
export function getParameter(name: string, shape: readonly number[], opts: GetParameterOptions = {}): tf.Tensor {
  const frame = currentFrame("getParameter");
  if (constructing.length > 0) assertNoPendingConstruction(0);
  const dtype = opts.dtype ?? "float32";
  const bundle = frame.currentName();
  let param: unknown;
  let context: GetterContext | undefined;
  if (frame.paramsIn !== null) {
    // Fast path for the common case, a tensor found; anything else gets the validating lookup.
    // Only tensors are taken here, so inherited properties (`constructor`...) cannot slip through.
    const b = frame.paramsIn[bundle] as Record<string, unknown> | undefined;
    param = typeof b === "object" && b !== null ? b[name] : undefined;
    if (!(param instanceof tf.Tensor)) param = lookupApplyParam(frame.paramsIn, bundle, name);
    if (param === undefined || param === null) {
      throw new ParameterError(
        "hk.getParameter",
        `Unable to retrieve parameter "${name}" for module "${bundle}". All parameters must be created as part of \`init\` (the params have no entry params["${bundle}"]["${name}"])`,
        "pass `apply` the params that `init` returned, and make sure init and apply create the same modules in the same order (names come from creation order).",
      );
    }
  } else {
    let b = frame.params.get(bundle);
    param = b?.get(name);
    if (param === undefined) {
      const init = opts.init ?? initializerMissing(bundle + "/" + name);
      const shapeCopy = shape.slice();
      if (paramCreators.length > 0) {
        context = getterContext(frame, bundle, name, dtype, shape, opts.init);
        param = runCreators(paramCreators, context, shapeCopy, dtype, init);
      } else {
        param = init(shapeCopy, dtype);
      }
      if (param !== DO_NOT_STORE) {
        if (!(param instanceof tf.Tensor)) {
          throw new InvalidArgumentError(
            "hk.getParameter",
            `the initializer of parameter "${bundle}/${name}" returned ${describe(param)}; it must return a tf.Tensor of the requested shape and dtype`,
            "pass an `hk.Initializer` as `init`, a function `(shape, dtype) => tf.Tensor`.",
          );
        }
        if (b === undefined) frame.params.set(bundle, (b = new Map()));
        b.set(name, param);
      }
    }
  }
  if (paramGetters.length > 0) {
    param = runGetters(paramGetters, context ?? getterContext(frame, bundle, name, dtype, shape, opts.init), param);
  }
  if (param === DO_NOT_STORE) {
    throw new ParameterError(
      "hk.getParameter",
      `parameter "${bundle}/${name}" was not stored (\`hk.DO_NOT_STORE\`) and no custom getter supplied a value`,
      "wrap the code in `hk.customGetter` returning the tensor to use.",
    );
  }
  if (!(param instanceof tf.Tensor)) {
    throw new ParameterError(
      "hk.getParameter",
      `parameter "${bundle}/${name}" is ${describe(param)}, expected a tf.Tensor. Parameters cannot be null`,
      "pass params that map module names to objects of tensors, as `init` returns them.",
    );
  }
  if (param.isDisposed) {
    throw new ParameterError(
      "hk.getParameter",
      `parameter "${bundle}/${name}" has been disposed`,
      "keep params alive while they are used: dispose them (`hk.tree.dispose(params)`) only after the last `apply`.",
    );
  }
  if (!sameShape(param.shape, shape)) {
    throw new ShapeError(
      "hk.getParameter",
      `"${bundle}/${name}" with retrieved shape ${formatShape(param.shape)} does not match shape=${formatShape(shape)} dtype=${dtype}`,
      "ask for the shape the parameter was created with (in apply: pass params made by init for inputs of the same feature sizes).",
    );
  }
  if (frame.paramReads !== undefined && frame.paramsIn !== null) {
    const stored = (frame.paramsIn[bundle] as Record<string, unknown> | undefined)?.[name];
    if (stored instanceof tf.Tensor) frame.paramReads.add(stored);
  }
  return param;
}

/**
 * The context creators and getters receive. @internal
 */
export function getterContext(
  frame: Frame,
  bundle: string,
  name: string,
  dtype: tf.DataType,
  shape: readonly number[] | undefined,
  init: Initializer | undefined,
): GetterContext {
  return {
    fullName: bundle + "/" + name,
    module: frame.currentModule(),
    moduleName: bundle,
    name,
    originalDtype: dtype,
    originalShape: shape,
    originalInit: init,
  };
}

/**
 * Bundles of params visible in `frame` (apply's input, or those created so far in init).
 *
 * @category Modules and parameters
 */
function* paramBundles(frame: Frame): Generator<[string, Iterable<[string, tf.Tensor]>]> {
  if (frame.paramsIn !== null) {
    for (const bundle of Object.keys(frame.paramsIn)) {
      const b = frame.paramsIn[bundle];
      if (b !== null && typeof b === "object") yield [bundle, Object.entries(b)];
    }
  } else {
    yield* frame.params.entries();
  }
}

/**
 * A copy of all parameters: those created so far in `init`, all of them in `apply`
 * (Haiku's `hk.get_params`).
 *
 * @category Modules and parameters
 */
export function getParams(): Record<string, Record<string, tf.Tensor>> {
  const frame = currentFrame("getParams");
  const out: Record<string, Record<string, tf.Tensor>> = {};
  for (const [bundle, entries] of paramBundles(frame)) setOwn(out, bundle, Object.fromEntries(entries));
  return out;
}

/**
 * Params of `moduleName`, its sub-scopes and `submodules`, keyed `module/param`. @internal
 */
export function moduleParamsDict(
  frame: Frame,
  moduleName: string,
  submodules: ReadonlySet<string>,
): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  const prefix = moduleName + "/";
  for (const [bundle, entries] of paramBundles(frame)) {
    if (bundle === moduleName || bundle.startsWith(prefix) || submodules.has(bundle)) {
      for (const [name, value] of entries) setOwn(out, bundle + "/" + name, value);
    }
  }
  return out;
}
