/**
 * Every use of a tfjs 4.22 internal that is not public API, in one place: the engine's tensor id
 * counter and gradient tape, the wasm backend's memory and tensor offsets, the cpu backend's
 * stored values and its first-use banner flag, and the backend factories. When tfjs is upgraded,
 * `test/util/tfjs_internals.test.ts` (pinned to {@link PINNED_TFJS_VERSION}) says which of these
 * moved; nothing else in the library reaches past tfjs' public API.
 *
 * Sources (tfjs 4.22): tfjs-core/src/engine.ts (`Engine.nextTensorId`, `EngineState.activeTape`,
 * `gradientDepth`, `Engine.gradients`, `registryFactory`), tfjs-backend-wasm/src/backend_wasm.ts
 * (`BackendWasm.dataIdMap`, `TensorData.memoryOffset`, the Emscripten module's `asm.memory`),
 * tfjs-backend-cpu/src/backend_cpu.ts (`MathBackendCPU.data`, `firstUse`).
 *
 * @internal
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { BackendError } from "./errors.js";

/** The tfjs-core release these accessors were written against and tested on. */
export const PINNED_TFJS_VERSION = "4.22.0";

// ---------------------------------------------------------------- engine: tensor ids

/**
 * The id the engine gives the next tensor it makes. Ids only grow, so a tensor with a smaller id
 * existed before a call started. Where the counter cannot be read, `+Infinity`: every tensor then
 * counts as pre-existing, which callers treat as "keep it" (never free, always alias), never as
 * "free it".
 */
export function nextTensorId(): number {
  const id = (tf.engine().constructor as unknown as { nextTensorId?: unknown }).nextTensorId;
  return typeof id === "number" ? id : Number.POSITIVE_INFINITY;
}

// ---------------------------------------------------------------- engine: gradient tape

interface TapeNode {
  saved?: tf.Tensor[];
}

interface TapeState {
  gradientDepth: number;
  activeTape: TapeNode[] | null;
}

/** `Engine.gradients(f, xs, dy, allowNoGradients)`: the value and gradients of `f` at `xs`. */
export type EngineGradients = (
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy?: tf.Tensor,
  allowNoGradients?: boolean,
) => { value: tf.Tensor; grads: (tf.Tensor | null)[] };

interface EngineInternals {
  state: TapeState;
  gradients: EngineGradients;
}

function engineInternals(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/**
 * Frees the tensors the outermost gradient tape saved for its backward pass when that pass will
 * never run (the recorded function threw). tfjs-core's `Engine.gradients` frees them only after a
 * successful backward pass; an inner computation's nodes belong to the outer tape, so only the
 * outermost one (depth 0) is freed.
 */
export function disposeAbandonedTape(): void {
  const state = engineInternals().state;
  if (state.gradientDepth === 0 && state.activeTape !== null) {
    for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
    state.activeTape = null;
  }
}

/**
 * `Engine.gradients` called from inside another backward pass (a gradient function that
 * differentiates again). tfjs reads, then clears, the outer pass's tape after the gradient
 * functions ran; the nested call would replace it, so it is put back.
 */
export function nestedEngineGradients(
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy: tf.Tensor,
): { value: tf.Tensor; grads: (tf.Tensor | null)[] } {
  const engine = engineInternals();
  const outer = engine.state.activeTape;
  try {
    return engine.gradients(f, xs, dy, true);
  } finally {
    engine.state.activeTape = outer;
  }
}

/**
 * Replaces the engine's `gradients` method with `wrap(original)`, once per `marker` (a registered
 * symbol, so two copies of this package patch it once between them).
 */
export function wrapEngineGradients(marker: symbol, wrap: (original: EngineGradients) => EngineGradients): void {
  const engine = engineInternals() as EngineInternals & Record<symbol, boolean>;
  if (engine[marker]) return;
  engine.gradients = wrap(engine.gradients.bind(engine));
  engine[marker] = true;
}

// ---------------------------------------------------------------- engine: backend factories

type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

/**
 * Replaces the factory registered for backend `name` with `wrap(original)`, once per `marker`.
 * Does nothing when `name` is not registered. The backend instance made before (if any) is not
 * touched.
 */
export function wrapBackendFactory(
  name: string,
  marker: symbol,
  wrap: (original: BackendFactory) => BackendFactory,
): void {
  const entry = (
    tf.engine() as unknown as {
      registryFactory: Record<string, ({ factory: BackendFactory } & Record<symbol, boolean>) | undefined>;
    }
  ).registryFactory[name];
  if (entry === undefined || entry[marker]) return;
  entry.factory = wrap(entry.factory);
  entry[marker] = true;
}

/** The backend instance of `name` if it was made already (without making it). */
export function existingBackend(name: string): tf.KernelBackend | undefined {
  return (tf.engine() as unknown as { registry: Record<string, tf.KernelBackend | undefined> }).registry[name];
}

// ---------------------------------------------------------------- wasm backend memory

/** The parts of tfjs-backend-wasm's `BackendWasm` read here. */
interface WasmBackendInternals {
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap?: { has(dataId: object): boolean; get(dataId: object): { memoryOffset?: unknown } | undefined };
}

/** The wasm backend's `WebAssembly.Memory`, or `undefined` where the build does not export it. */
export function wasmBackendMemory(backend: unknown): object | undefined {
  const memory = (backend as WasmBackendInternals | null)?.wasm?.asm?.memory;
  return memory !== null && typeof memory === "object" ? memory : undefined;
}

/** The byte offset of a tensor's data in the wasm backend's memory. */
export function wasmHeapOffset(backend: unknown, dataId: object): number {
  const map = (backend as WasmBackendInternals | null)?.dataIdMap;
  // DataStorage.get asks the engine to move a missing tensor in from elsewhere: check first.
  const offset = map?.has(dataId) === true ? map.get(dataId)?.memoryOffset : undefined;
  if (typeof offset !== "number") {
    throw new BackendError(
      "haiku-tfjs wasm kernels",
      "tfjs-backend-wasm has no memory offset for this tensor (it was disposed, or belongs to another backend)",
      "run the kernel on live tensors of the wasm backend.",
    );
  }
  return offset;
}

// ---------------------------------------------------------------- cpu backend

/** The parts of tfjs-backend-cpu's `MathBackendCPU` read here. */
interface CpuBackendInternals {
  data: { get(dataId: tf.DataId): { values: tf.BackendValues } };
  firstUse?: boolean;
}

/** The values the cpu backend stores for a tensor: its own array, read without a copy (never write). */
export function cpuBackendValues(backend: unknown, dataId: tf.DataId): tf.BackendValues {
  return (backend as CpuBackendInternals).data.get(dataId).values;
}

/**
 * Marks a cpu backend as used, so `MathBackendCPU.write` does not print its "install the node
 * backend" banner. Other objects are left alone.
 */
export function markCpuBackendUsed(backend: unknown): void {
  if (backend !== null && typeof backend === "object" && "firstUse" in backend) {
    (backend as CpuBackendInternals).firstUse = false;
  }
}
