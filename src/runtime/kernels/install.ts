import * as tf from "@tensorflow/tfjs-core";
import { fastMatMul } from "./batch_matmul.js";
import { fastSum } from "./sum_leading.js";
import { einsum } from "./einsum.js";
import { cpuWhenEmpty } from "./empty_inputs.js";
import { REDUCTION_KERNELS, emptyReduction } from "./empty_reductions.js";
import { CONV2D_KERNELS, emptyConvOutput } from "./empty_outputs.js";
import { SAME_PADDED_KERNELS, explicitSamePadding } from "./explicit_same.js";
import { sharingIdentity } from "./identity.js";
import { unsortedSegmentSum } from "./unsorted_segment_sum.js";

// Shared through globalThis so two copies of this package (e.g. a bundle plus the app's) see one
// another's work, as tfjs' own kernel registry does.
const INSTALLED = Symbol.for("haiku-tfjs.runtime.wasmKernels");
/** What the runtime registered under a kernel key, the kernel it replaced, and the wrapper used. */
interface Installed {
  config: tf.KernelConfig;
  original: tf.KernelConfig;
  wrap: Wrapper | undefined;
}
type Registry = Map<string, Installed>;
type Wrapper = (original: tf.KernelFunc) => tf.KernelFunc;
function installed(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[INSTALLED] ??= new Map());
}

/**
 * Kernels the runtime fills in or wraps: `filled` are missing from tfjs-backend-wasm 4.22 (each
 * composed from wasm kernels or a host loop), `wrapped` are built-in wasm kernels with a faster
 * (or correct) path, `wrappedCpu` are tfjs-backend-cpu 4.22 kernels that are wrong.
 */
export interface KernelFixes {
  filled?: Readonly<Record<string, tf.KernelFunc>>;
  wrapped?: Readonly<Record<string, Wrapper>>;
  wrappedCpu?: Readonly<Record<string, Wrapper>>;
}

/**
 * The fixes every program needs (forward kernels). Gradient kernels come with the training
 * set-up (`gradient_kernels.ts`), so an inference-only bundle does not carry them.
 */
const filled: Record<string, tf.KernelFunc> = {
  [tf.UnsortedSegmentSum]: unsortedSegmentSum,
  [tf.Einsum]: einsum,
};
const wrapped: Record<string, Wrapper> = {
  [tf.BatchMatMul]: fastMatMul,
  [tf._FusedMatMul]: fastMatMul,
  [tf.Sum]: fastSum,
  [tf.Identity]: sharingIdentity,
};
const wrappedCpu: Record<string, Wrapper> = {};

/**
 * The guard every wasm kernel gets for zero-size inputs: reductions give their identity
 * (`emptyReduction`), every other kernel runs on cpu (`cpuWhenEmpty`); 2-D convolutions with
 * an empty output skip the kernel (`emptyConvOutput`).
 */
function emptyGuard(kernelName: string): (original: tf.KernelFunc) => tf.KernelFunc {
  if (REDUCTION_KERNELS.includes(kernelName)) return emptyReduction(kernelName);
  const inputs = cpuWhenEmpty(kernelName);
  if (!CONV2D_KERNELS.includes(kernelName)) return inputs;
  const outputs = emptyConvOutput(kernelName);
  return (original) => inputs(outputs(original));
}

function replace(
  done: Registry,
  key: string,
  original: tf.KernelConfig,
  kernelFunc: tf.KernelFunc,
  wrap: Wrapper | undefined,
): void {
  // setupFunc (cwrap of the C function the original kernelFunc calls) must still run when the
  // engine (re)initialises the wasm backend.
  const config: tf.KernelConfig = { ...original, kernelFunc };
  tf.unregisterKernel(original.kernelName, original.backendName);
  tf.registerKernel(config);
  done.set(key, { config, original, wrap });
}

/**
 * Adds kernel fixes (see {@link KernelFixes}) and installs them with everything added before.
 */
export function addKernelFixes(fixes: KernelFixes): void {
  Object.assign(filled, fixes.filled);
  Object.assign(wrapped, fixes.wrapped);
  Object.assign(wrappedCpu, fixes.wrappedCpu);
  installWasmKernels();
}

/**
 * Registers the filled wasm kernels and the wrappers of built-in ones, puts every wasm kernel
 * behind the zero-size-input guard, and fixes the cpu backend's reductions over nothing (and
 * whatever {@link addKernelFixes} added). Idempotent: a second call (or a second copy of the
 * package) changes nothing; a kernel tfjs already provides is never replaced by a filled one.
 * A kernel wrapped before is re-wrapped from its original when its wrapper changed.
 */
export function installWasmKernels(): void {
  const done = installed();
  for (const [kernelName, kernelFunc] of Object.entries(filled)) {
    if (done.has(kernelName) || tf.getKernel(kernelName, "wasm") != null) continue;
    const config: tf.KernelConfig = { kernelName, backendName: "wasm", kernelFunc: emptyGuard(kernelName)(kernelFunc) };
    tf.registerKernel(config);
    done.set(kernelName, { config, original: config, wrap: undefined });
  }
  for (const { kernelName } of tf.getKernelsForBackend("wasm")) {
    const current = tf.getKernel(kernelName, "wasm")!;
    const prev = done.get(kernelName);
    const wrap = wrapped[kernelName];
    if (prev !== undefined && prev.config === current && (prev.wrap === wrap || prev.original === current)) continue;
    const original = prev !== undefined && prev.config === current ? prev.original : current;
    let fast = wrap === undefined ? original.kernelFunc : wrap(original.kernelFunc);
    if (SAME_PADDED_KERNELS.includes(kernelName)) fast = explicitSamePadding(kernelName)(fast);
    replace(done, kernelName, original, emptyGuard(kernelName)(fast), wrap);
  }
  for (const kernelName of [...REDUCTION_KERNELS, ...Object.keys(wrappedCpu)]) {
    const current = tf.getKernel(kernelName, "cpu");
    if (current == null) continue;
    const key = `cpu:${kernelName}`;
    const prev = done.get(key);
    const wrap = wrappedCpu[kernelName];
    if (prev !== undefined && prev.config === current && prev.wrap === wrap) continue;
    const original = prev !== undefined && prev.config === current ? prev.original : current;
    replace(done, key, original, (wrap ?? emptyReduction(kernelName))(original.kernelFunc), wrap);
  }
}
