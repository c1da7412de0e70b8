/**
 * `JaxLayer`: Keras 3's `keras.layers.JaxLayer` (`keras/src/utils/jax_layer.py`, v3.15) as a
 * `@tensorflow/tfjs-layers` Layer. It wraps a pure `callFn(params, state, rng, inputs, training)`
 * (any subset, any order, `inputs` required), e.g. a Haiku transform's `apply`, and keeps
 * `params` / `state` as tfjs-layers weights so `fit`, `predict`, `summary` and `save` work.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

import * as tree from "../tree/index.js";
import type { PathEntry } from "../tree/index.js";
import { describe, sameShape } from "../util/describe.js";
import { InvalidArgumentError, ShapeError } from "../util/errors.js";
import { getRegisteredJaxFunction, getRegisteredJaxFunctionName } from "./registry.js";
import { SeedGenerator, drawGlobalKey } from "./seed.js";
import { CALL_FN_ARGS, INIT_FN_ARGS, validateSignature } from "./signature.js";
import type { CallArgName, InitArgName } from "./signature.js";
import { uniqueName, weightName } from "./weight_names.js";

/** The options every tfjs-layers `Layer` takes (`name`, `inputShape`, `trainable`, ...).
 *
 * @category Keras
 */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** A function `JaxLayer` calls; its parameter names say which arguments it receives. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JaxFunction = (...args: any[]) => any;

/** Options of {@link JaxLayer}: Keras' `call_fn`, `init_fn`, `params`, `state`, `seed`, plus `LayerArgs`.
 *
 * @category Keras
 */
export interface JaxLayerArgs extends LayerArgs {
  /**
   * The model function. Its parameters, matched by name and passed in declared order, may be
   * `params` (trainable pytree), `state` (non-trainable pytree), `rng` (a `PRNGKey` in training,
   * `null` at inference), `inputs` (required: a tensor, or an array of tensors for a layer with
   * several inputs) and `training` (boolean). With `state` it returns `[outputs, newState]`,
   * otherwise `outputs` (a tensor or an array of tensors).
   */
  callFn: JaxFunction;
  /**
   * Makes the initial `params` (or `[params, state]` when `callFn` takes `state`) at build time.
   * Its parameters may be `rng`, `inputs` (required: float32 ones shaped like the inputs, unknown
   * dimensions set to 1) and `training` (always `true`).
   */
  initFn?: JaxFunction | null;
  /** Initial trainable pytree; when given (or `state` is), `initFn` is not called. */
  params?: unknown;
  /** Initial non-trainable pytree. */
  state?: unknown;
  /**
   * Seed of the keys passed to `callFn` in training (Keras' `SeedGenerator(seed)`: training call
   * `k` gets the key `[seed, k]`). Random when omitted. Does not affect `initFn`, whose key comes
   * from the global generator ({@link setRandomSeed}).
   */
  seed?: number | null;
}

type Shape = tfl.Shape;
/**
 * Keyword arguments tfjs-layers passes to `call` (`training`, `mask`, ...).
 *
 * @category Keras
 */
export type Kwargs = Record<string, unknown>;
type Initializer = ReturnType<typeof tfl.initializers.ones>;

/** A pytree held as weights: its structure, and per leaf either a weight or a kept constant. */
interface HeldTree {
  readonly def: tree.TreeDef;
  readonly vars: readonly (tfl.LayerVariable | null)[];
  readonly consts: readonly unknown[];
  readonly paths: readonly PathEntry[][];
}

const SUPPORTED_DTYPES = new Set<string>(["float32", "int32", "bool"]);

function pathString(prefix: string, path: readonly PathEntry[]): string {
  return prefix + path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

function isShapeList(s: Shape | Shape[]): s is Shape[] {
  return s.length > 0 && s.every((d) => Array.isArray(d));
}

/** A tfjs-layers initializer returning a fresh copy of a precomputed value (addWeight disposes it). */
function valueInitializer(make: () => tf.Tensor): Initializer {
  return {
    apply: make,
    getConfig: () => ({}),
    getClassName: () => "JaxLayerValue",
  } as unknown as Initializer;
}

/**
 * Keras' `keras.layers.JaxLayer` for tfjs-layers: runs a pure function such as a Haiku
 * transform's `apply` inside `tf.sequential` / `tf.model`, with its `params` as trainable weights
 * and its `state` as non-trainable weights.
 *
 * Behaviour follows Keras 3.15:
 * - `callFn` / `initFn` argument names are validated (`callFn`: `params`, `state`, `rng`,
 *   `inputs`, `training`; `initFn`: `rng`, `inputs`, `training`; `inputs` required) and the
 *   arguments are passed in declared order. Names come from the metadata `hk.transform*` attaches
 *   (or {@link withArgNames}) or are parsed from a plain or arrow function's parameter list; a
 *   name a bundler renamed (esbuild's `params2`, Rollup's `params$1`) counts
 *   as the name it was made from.
 * - `build`: unless `params` or `state` were given, `initFn(rng, inputs, training=true)` runs on
 *   float32 ones (unknown dimensions, batch included, set to 1), with a key from the global
 *   generator ({@link setRandomSeed}); it is skipped when `callFn` takes neither `params` nor
 *   `state`.
 * - Weights: every tensor leaf of `params` becomes a trainable weight and every tensor leaf of
 *   `state` a non-trainable one, in pytree flatten order (object keys sorted, arrays in order),
 *   params first. Number leaves become float32 scalars and booleans bool scalars; other leaves
 *   (strings, typed arrays, class instances) and `null` are kept as they are, without a weight.
 *   Weight names are the leaf paths under `params/` or `state/` (e.g.
 *   `params/mlp/_/linear_0/w` for `mlp/~/linear_0` -> `w`), made valid for tfjs-layers.
 * - `call`: the pytrees are rebuilt from the weights (so gradients reach them in `fit`), `rng` is
 *   `[seed, k]` for the k-th training call and `null` otherwise, and the state returned by
 *   `callFn` is written back on every call (the function decides whether it changes outside
 *   training).
 * - `model.save` stores the names under which `callFn` / `initFn` were registered
 *   ({@link registerJaxFunction}); `tf.loadLayersModel` rebuilds the layer by running `initFn`
 *   and then loads the weights. Unregistered functions (closures) cannot be reloaded, and neither
 *   can a layer made from `params` / `state` without `initFn` (as in Keras). `seed` and the rng
 *   counter are not saved.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import * as tfl from "@tensorflow/tfjs-layers";
 * import * as hk from "haiku-tfjs";
 * import { JaxLayer } from "haiku-tfjs/keras";
 *
 * const net = hk.transform((inputs: tf.Tensor, training: boolean) => {
 *   let x = new hk.Linear(32).call(new hk.Flatten().call(inputs));
 *   if (training) x = hk.dropout(hk.nextRngKey(), 0.3, x);
 *   return tf.softmax(new hk.Linear(10).call(tf.relu(x)));
 * });
 * const model = tfl.sequential({
 *   layers: [new JaxLayer({ callFn: net.apply, initFn: net.init, inputShape: [28, 28, 1], seed: 1 })],
 * });
 * model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
 * await model.fit(xs, ys, { epochs: 1 });
 * ```
 *
 * @category Keras
 */
export class JaxLayer extends tfl.layers.Layer {
  /** The name tfjs-layers serializes this class under. */
  static readonly className = "JaxLayer";

  /** The model function (Keras' `call_fn`). */
  readonly callFn: JaxFunction;
  /** The initialization function (Keras' `init_fn`), or `null`. */
  readonly initFn: JaxFunction | null;
  /** Argument names of `callFn`, in declared order. */
  readonly callFnArguments: readonly CallArgName[];
  /** Argument names of `initFn`, in declared order (empty without `initFn`). */
  readonly initFnArguments: readonly InitArgName[];
  /** Whether `callFn` takes `params`. */
  readonly callFnHasParams: boolean;
  /** Whether `callFn` takes `state` (then it returns `[outputs, newState]`). */
  readonly callFnHasState: boolean;

  private readonly seedGenerator: SeedGenerator | null;
  /** Copies of the `params` / `state` options, turned into weights (then freed) at build. */
  private pendingParams: unknown;
  private pendingState: unknown;
  private heldParams: HeldTree | null = null;
  private heldState: HeldTree | null = null;
  private singleInput = true;
  private readonly outputShapeCache = new Map<string, Shape | Shape[]>();
  private readonly usedWeightNames = new Set<string>();

  constructor(args: JaxLayerArgs) {
    if (args == null || typeof args !== "object") {
      throw new InvalidArgumentError(
        "JaxLayer",
        `\`args\` must be an options object { callFn, initFn?, params?, state?, seed?, ...LayerArgs }, got ${describe(args)}`,
        "pass e.g. new JaxLayer({ callFn: net.apply, initFn: net.init }).",
      );
    }
    const { callFn, initFn, params, state, seed, ...layerArgs } = args;
    super(layerArgs);
    this.callFn = callFn;
    this.initFn = initFn ?? null;
    // Keras creates the variables first; here they are copied now (so the caller may dispose
    // its tensors) and become weights in `build`, where tfjs-layers scopes their names.
    this.pendingParams = this.copyTree(params, "params");
    this.pendingState = this.copyTree(state, "state");
    try {
      this.callFnArguments = validateSignature(this.name, callFn, "call_fn", "callFn", CALL_FN_ARGS, ["inputs"]);
      this.callFnHasParams = this.callFnArguments.includes("params");
      this.callFnHasState = this.callFnArguments.includes("state");
      this.seedGenerator = this.callFnArguments.includes("rng")
        ? new SeedGenerator(seed, `JaxLayer '${this.name}'`)
        : null;
      if (this.initFn === null && params == null && state == null && (this.callFnHasParams || this.callFnHasState)) {
        throw new InvalidArgumentError(
          `JaxLayer '${this.name}'`,
          "`init_fn`, `params` and `state` cannot all be `None` when `call_fn` takes a `params` or a `state` argument " +
            `(\`initFn\`, \`params\` and \`state\` are all null/undefined while \`callFn\` declares (${this.callFnArguments.join(", ")}))`,
          "pass `initFn` to create them at build time, or `params` / `state` with their initial values.",
        );
      }
      this.initFnArguments = this.initFn
        ? validateSignature(this.name, this.initFn, "init_fn", "initFn", INIT_FN_ARGS, ["inputs"])
        : [];
    } catch (e) {
      this.disposePending();
      throw e;
    }
  }

  /**
   * The current params pytree, its tensor leaves being the layer's `tf.Variable`s (read-only
   * views: assign through `setWeights`); `null` before `build` or when there are none.
   */
  get params(): unknown {
    return this.heldParams ? this.rebuild(this.heldParams) : null;
  }

  /** The current state pytree (leaves are the non-trainable `tf.Variable`s), like {@link params}. */
  get state(): unknown {
    return this.heldState ? this.rebuild(this.heldState) : null;
  }

  /** How many training calls have drawn an rng key so far (Keras' seed generator counter). */
  get rngCounter(): number {
    return this.seedGenerator?.counter ?? 0;
  }

  /**
   * The `rng` passed to `initFn` (Keras' `_get_init_rng`): the next key of the global generator
   * ({@link setRandomSeed}). Subclasses may override it to pass a structure of keys.
   */
  protected getInitRng(): unknown {
    return drawGlobalKey();
  }

  /**
   * The `rng` passed to `callFn` (Keras' `_get_call_rng`): the layer generator's next key
   * (`[seed, k]`) in training, `null` otherwise. Subclasses may override it, e.g. to pass keys
   * at inference too or a `{ dropout: key }` structure.
   */
  protected getCallRng(training: boolean): unknown {
    return training && this.seedGenerator ? this.seedGenerator.next() : null;
  }

  override build(inputShape: Shape | Shape[]): void {
    this.singleInput = !isShapeList(inputShape);
    try {
      if (this.pendingParams == null && this.pendingState == null && (this.callFnHasParams || this.callFnHasState)) {
        this.initializeWeights(inputShape);
      } else {
        this.heldParams = this.createWeights(this.pendingParams, true);
        this.heldState = this.createWeights(this.pendingState, false);
      }
    } finally {
      this.disposePending();
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = this.singleInput && Array.isArray(inputs) && inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs;
      return this.runCallFn(x, kwargs["training"] === true, true);
    });
  }

  /**
   * Infers the output shape by running `callFn` (inference mode, state not written) on ones
   * shaped like the inputs; unknown dimensions are tried as 1 and as 2, and output dimensions
   * that follow them are reported unknown (`null`). Cached per input shape.
   */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const key = JSON.stringify(inputShape);
    const cached = this.outputShapeCache.get(key);
    if (cached) return cached;
    if (!this.built) {
      throw new InvalidArgumentError(
        `JaxLayer '${this.name}'`,
        "computeOutputShape needs the layer's weights, and the layer is not built yet",
        "call layer.apply(...) (which builds it) first.",
      );
    }
    const first = this.traceOutputShapes(inputShape, 1);
    const shapes: Shape[] = first.shapes.map((s) => [...s]);
    const inputs = isShapeList(inputShape) ? inputShape : [inputShape];
    if (inputs.some((s) => s.some((d) => d == null))) {
      let second: { shapes: number[][]; single: boolean } | null = null;
      try {
        second = this.traceOutputShapes(inputShape, 2);
      } catch {
        second = null;
      }
      const comparable =
        second !== null &&
        second.shapes.length === first.shapes.length &&
        second.shapes.every((s, i) => s.length === (first.shapes[i] as number[]).length);
      if (comparable && second) {
        shapes.forEach((s, i) => {
          const other = second.shapes[i] as number[];
          for (let d = 0; d < s.length; d++) if (s[d] !== other[d]) s[d] = null;
        });
      } else if (inputs.every((s) => s.length > 0 && s[0] == null)) {
        // The function only accepted size-1 placeholders: assume the batch dimension passes through.
        for (const s of shapes) if (s.length > 0) s[0] = null;
      }
    }
    const out = first.single ? (shapes[0] as Shape) : shapes;
    this.outputShapeCache.set(key, out);
    return out;
  }

  override getConfig(): tf.serialization.ConfigDict {
    // Values are stored under `name` keys: tfjs-layers re-cases every other string of a config on
    // save and load (`my_fn` -> `myFn`), but leaves `name` values alone.
    const fnRef = (fn: JaxFunction | null): tf.serialization.ConfigDict | null =>
      fn === null ? null : { name: getRegisteredJaxFunctionName(fn) ?? null };
    return { ...super.getConfig(), callFn: fnRef(this.callFn), initFn: fnRef(this.initFn) };
  }

  /** Rebuilds a layer from {@link getConfig}, resolving the functions by their registered names. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { callFn, initFn, customObjects: _unused, ...rest } = config;
    const layerName = typeof rest["name"] === "string" ? rest["name"] : "?";
    const resolve = (ref: unknown, tsName: string): JaxFunction | null => {
      if (ref == null) return null;
      const name = (ref as { name?: unknown }).name;
      if (typeof name !== "string") {
        throw new InvalidArgumentError(
          `JaxLayer '${layerName}'`,
          `cannot rebuild \`${tsName}\` from the saved model: the function was not registered ` +
            "with registerJaxFunction(name, fn) when the model was saved, and unregistered functions (closures, " +
            "lambdas) cannot be reloaded (as in Keras)",
          "register it under a name, save the model again, and register the same name before tf.loadLayersModel.",
        );
      }
      const fn = getRegisteredJaxFunction(name);
      if (fn === undefined) {
        throw new InvalidArgumentError(
          `JaxLayer '${layerName}'`,
          `the saved model refers to the \`${tsName}\` registered as "${name}", but no function is registered under that name`,
          `call registerJaxFunction("${name}", fn) before tf.loadLayersModel.`,
        );
      }
      return fn as JaxFunction;
    };
    const call = resolve(callFn, "callFn");
    if (call === null) {
      throw new InvalidArgumentError(
        `JaxLayer '${layerName}'`,
        "the saved config has no `callFn` entry; it was not saved by JaxLayer.getConfig",
        "load a model saved with a JaxLayer, or pass `callFn` in the config.",
      );
    }
    return new cls({ ...rest, callFn: call, initFn: resolve(initFn, "initFn") });
  }

  override dispose(): ReturnType<tfl.layers.Layer["dispose"]> {
    this.disposePending();
    return super.dispose();
  }

  // ---------------------------------------------------------------------------------------------

  private copyTree(value: unknown, what: "params" | "state"): unknown {
    if (value == null) return value;
    return tree.map((leaf: unknown) => {
      if (leaf instanceof tf.Tensor) {
        if (leaf.isDisposed) {
          throw new InvalidArgumentError(
            `JaxLayer '${this.name}'`,
            `a tensor leaf of \`${what}\` is already disposed`,
            "pass live tensors.",
          );
        }
        return tf.keep(tf.clone(leaf));
      }
      return leaf;
    }, value);
  }

  private disposePending(): void {
    tree.dispose(this.pendingParams);
    tree.dispose(this.pendingState);
    this.pendingParams = null;
    this.pendingState = null;
  }

  private placeholders(inputShape: Shape | Shape[], unknown: number): tf.Tensor | tf.Tensor[] {
    const make = (s: Shape): tf.Tensor =>
      tf.ones(
        s.map((d) => (d == null || d < 0 ? unknown : d)),
        "float32",
      );
    return isShapeList(inputShape) ? inputShape.map(make) : make(inputShape);
  }

  private initializeWeights(inputShape: Shape | Shape[]): void {
    const initFn = this.initFn;
    if (initFn === null) {
      // Only reachable when `params` / `state` were consumed already; the constructor rejects the rest.
      throw new InvalidArgumentError(
        `JaxLayer '${this.name}'`,
        "there is no `initFn` to create `params` / `state` with",
        "pass `initFn`, or `params` / `state`.",
      );
    }
    tf.tidy(() => {
      const inputs = this.placeholders(inputShape, 1);
      const args = this.initFnArguments.map((n) => (n === "rng" ? this.getInitRng() : n === "inputs" ? inputs : true));
      const result: unknown = initFn(...args);
      let params: unknown = result;
      let state: unknown = null;
      if (this.callFnHasState) {
        if (!Array.isArray(result) || result.length !== 2) {
          throw new InvalidArgumentError(
            `JaxLayer '${this.name}'`,
            `\`initFn\` must return [params, state] because \`callFn\` takes a \`state\` argument, but it returned ${describe(result)}`,
            "return both trees (use transformWithState's init).",
          );
        }
        [params, state] = result as [unknown, unknown];
      }
      this.checkLeaves(params, "params");
      this.checkLeaves(state, "state");
      this.heldParams = this.createWeights(params, true);
      this.heldState = this.createWeights(state, false);
    });
  }

  /** Rejects leaves that cannot become weights, before any weight is created. */
  private checkLeaves(value: unknown, what: "params" | "state"): void {
    for (const [path, leaf] of tree.leavesWithPath(value as tree.PyTree<unknown>)) {
      if (!(leaf instanceof tf.Tensor)) continue;
      if (leaf.isDisposed) {
        throw new InvalidArgumentError(
          `JaxLayer '${this.name}'`,
          `the tensor at \`${pathString(what, path)}\` is disposed`,
          "pass live tensors.",
        );
      }
      if (!SUPPORTED_DTYPES.has(leaf.dtype)) {
        throw new InvalidArgumentError(
          `JaxLayer '${this.name}'`,
          `the tensor at \`${pathString(what, path)}\` has dtype ${leaf.dtype}; weights may be float32, int32 or bool`,
          "cast it, or keep it out of the pytree.",
        );
      }
    }
  }

  private createWeights(value: unknown, trainable: boolean): HeldTree {
    const what = trainable ? "params" : "state";
    this.checkLeaves(value, what);
    const entries = tree.leavesWithPath(value as tree.PyTree<unknown>);
    const def = tree.structure(value as tree.PyTree<unknown>);
    const vars: (tfl.LayerVariable | null)[] = [];
    const consts: unknown[] = [];
    const paths: PathEntry[][] = [];
    for (const [path, leaf] of entries) {
      paths.push(path);
      let init: (() => tf.Tensor) | null = null;
      let shape: number[] = [];
      let dtype: tf.DataType = "float32";
      if (leaf instanceof tf.Tensor) {
        init = () => tf.clone(leaf);
        shape = leaf.shape;
        dtype = leaf.dtype;
      } else if (typeof leaf === "number") {
        init = () => tf.scalar(leaf, "float32");
      } else if (typeof leaf === "boolean") {
        init = () => tf.scalar(leaf, "bool");
        dtype = "bool";
      }
      if (init === null) {
        vars.push(null);
        consts.push(leaf);
        continue;
      }
      const name = uniqueName(weightName(what, path), this.usedWeightNames);
      vars.push(this.addWeight(name, shape, dtype, valueInitializer(init), undefined, trainable));
      consts.push(undefined);
    }
    return { def, vars, consts, paths };
  }

  private rebuild(held: HeldTree): unknown {
    const leaves = held.vars.map((v, i) => (v ? v.read() : held.consts[i]));
    return tree.unflatten(held.def, leaves as tree.Leaf[]);
  }

  private runCallFn(inputs: tf.Tensor | tf.Tensor[], training: boolean, writeState: boolean): tf.Tensor | tf.Tensor[] {
    const args = this.callFnArguments.map((n) => {
      switch (n) {
        case "params":
          return this.heldParams ? this.rebuild(this.heldParams) : null;
        case "state":
          return this.heldState ? this.rebuild(this.heldState) : null;
        case "rng":
          return this.getCallRng(training);
        case "inputs":
          return inputs;
        case "training":
          return training;
      }
    });
    const result: unknown = this.callFn(...args);
    let outputs: unknown = result;
    if (this.callFnHasState) {
      if (!Array.isArray(result) || result.length !== 2) {
        throw new InvalidArgumentError(
          `JaxLayer '${this.name}'`,
          `\`callFn\` takes a \`state\` argument, so it must return [outputs, newState], but it returned ${describe(result)}`,
          "return the outputs and the new state as a two-element array.",
        );
      }
      outputs = result[0];
    }
    this.checkOutputs(outputs);
    // Written only once the outputs are known good: a failing call leaves the state as it was.
    if (this.callFnHasState && writeState) this.assignState((result as unknown[])[1]);
    return outputs as tf.Tensor | tf.Tensor[];
  }

  private checkOutputs(outputs: unknown): void {
    const ok =
      outputs instanceof tf.Tensor ||
      (Array.isArray(outputs) && outputs.length > 0 && outputs.every((o) => o instanceof tf.Tensor));
    if (!ok) {
      throw new InvalidArgumentError(
        `JaxLayer '${this.name}'`,
        "the outputs of `callFn` must be a tf.Tensor or a non-empty array of tf.Tensors " +
          `(what a tfjs-layers layer can output), got ${describe(outputs)}`,
        "return a tensor or an array of tensors from `callFn`.",
      );
    }
  }

  private structureMismatch(detail: string): ShapeError {
    return new ShapeError(
      `JaxLayer '${this.name}'`,
      "Structure mismatch: the structure of the state returned by `call` does not match the structure of the state " +
        `at initialization time (${detail})`,
      "return from `callFn` a new state with exactly the structure, shapes and non-tensor leaves of the `state` it received.",
    );
  }

  /** Writes `newState` into the state weights; validates everything first so a bad state writes nothing. */
  private assignState(newState: unknown): void {
    const held = this.heldState ?? { def: tree.structure(null), vars: [], consts: [], paths: [] };
    const [leaves, def] = tree.flatten(newState as tree.PyTree<unknown>);
    if (!def.equals(held.def)) {
      throw this.structureMismatch(`expected ${held.def.toString()}, got ${def.toString()}`);
    }
    const writes: [tfl.LayerVariable, tf.Tensor][] = [];
    for (let i = 0; i < leaves.length; i++) {
      const v = held.vars[i];
      const leaf = leaves[i];
      const where = pathString("state", held.paths[i] ?? []);
      if (!v) {
        if (leaf !== held.consts[i]) {
          throw this.structureMismatch(
            `the non-tensor leaf at \`${where}\` was ${describe(held.consts[i])} and is now ${describe(leaf)}`,
          );
        }
        continue;
      }
      let t: tf.Tensor;
      if (leaf instanceof tf.Tensor) t = leaf;
      else if (typeof leaf === "number" || typeof leaf === "boolean") t = tf.scalar(leaf, v.dtype);
      else throw this.structureMismatch(`the leaf at \`${where}\` must be a tensor, got ${describe(leaf)}`);
      if (!sameShape(t.shape, v.shape as number[])) {
        throw new ShapeError(
          `JaxLayer '${this.name}'`,
          "The shape of the target variable and the shape of the target value in `variable.assign(value)` must match " +
            `(the state at \`${where}\` has shape [${v.shape.join(",")}] but \`callFn\` returned shape [${t.shape.join(",")}])`,
          "keep state shapes fixed.",
        );
      }
      if (t === v.read()) continue;
      writes.push([v, t.dtype === v.dtype ? t : tf.cast(t, v.dtype)]);
    }
    for (const [v, t] of writes) v.write(t);
  }

  private traceOutputShapes(inputShape: Shape | Shape[], unknown: number): { shapes: number[][]; single: boolean } {
    let result = { shapes: [] as number[][], single: true };
    tf.tidy(() => {
      const out = this.runCallFn(this.placeholders(inputShape, unknown), false, false);
      const list = Array.isArray(out) ? out : [out];
      result = { shapes: list.map((t) => [...t.shape]), single: !Array.isArray(out) };
    });
    return result;
  }
}

tf.serialization.registerClass(JaxLayer);
