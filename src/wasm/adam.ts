/**
 * Adam's per-element update as a WebAssembly SIMD kernel that works directly in the memory of
 * tfjs's wasm backend (it imports that `WebAssembly.Memory`), four float32 lanes at a time. Every
 * lane operation is an IEEE float32 `+ * / sqrt`, in the order of the composed tfjs ops, so the
 * results are the composed ops' bits.
 *
 * Exports `adam`, `adamEpsRoot`, `nadam`, `nadamEpsRoot` (nesterov / epsRoot != 0 variants), each
 * `(g, mu, nu, muOut, nuOut, out, bytes, b1, 1-b1, b2, 1-b2, eps, epsRoot, bc1, bc2, bc1Next)`:
 * byte offsets of the six arrays, their byte length (a multiple of 16), then the float32
 * coefficients.
 *
 * @internal
 * @module
 */
import {
  F32,
  F32X4_ADD,
  F32X4_DIV,
  F32X4_MUL,
  F32X4_SPLAT,
  F32X4_SQRT,
  I32,
  I32_ADD,
  V128,
  V128_LOAD,
  V128_STORE,
} from "./assembler.js";
import { heapModule } from "./heap.js";
import { ModuleBuilder } from "./module_builder.js";

/** The variants, in export order. */
const VARIANTS = [
  { exportName: "adam", nesterov: false, epsRoot: false },
  { exportName: "adamEpsRoot", nesterov: false, epsRoot: true },
  { exportName: "nadam", nesterov: true, epsRoot: false },
  { exportName: "nadamEpsRoot", nesterov: true, epsRoot: true },
] as const;

/** Six byte offsets, the byte length, then the nine float32 coefficients. */
const PARAMS = {
  gPtr: I32,
  muPtr: I32,
  nuPtr: I32,
  muOut: I32,
  nuOut: I32,
  out: I32,
  bytes: I32,
  b1: F32,
  oneMinusB1: F32,
  b2: F32,
  oneMinusB2: F32,
  eps: F32,
  epsRoot: F32,
  bc1: F32,
  bc2: F32,
  bc1Next: F32,
} as const;

/** The byte index, the coefficients splatted to four lanes (same order), then g, mu, nu. */
const LOCALS = {
  i: I32,
  b1x4: V128,
  oneMinusB1x4: V128,
  b2x4: V128,
  oneMinusB2x4: V128,
  epsX4: V128,
  epsRootX4: V128,
  bc1x4: V128,
  bc2x4: V128,
  bc1NextX4: V128,
  g: V128,
  mu: V128,
  nu: V128,
} as const;

/** The kernel module's bytes (imports `env.memory`). */
export function adamKernelBytes(): Uint8Array {
  const m = new ModuleBuilder().importMemory("env", "memory", 1);
  for (const { exportName, nesterov, epsRoot } of VARIANTS) {
    m.function(exportName, {
      params: PARAMS,
      locals: LOCALS,
      body(k, at) {
        const { i, b1x4, oneMinusB1x4, b2x4, oneMinusB2x4, epsX4, epsRootX4, bc1x4, bc2x4, bc1NextX4, g, mu, nu } = at;
        const STORE = [...V128_STORE, 4, 0];
        /** Pushes `base + i` (an address). */
        const addr = (base: number) => k.get(base, i).op(I32_ADD);
        const load = (base: number) => addr(base).op(...V128_LOAD, 4, 0);
        const splats = [
          [at.b1, b1x4],
          [at.oneMinusB1, oneMinusB1x4],
          [at.b2, b2x4],
          [at.oneMinusB2, oneMinusB2x4],
          [at.eps, epsX4],
          [at.epsRoot, epsRootX4],
          [at.bc1, bc1x4],
          [at.bc2, bc2x4],
          [at.bc1Next, bc1NextX4],
        ] as const;
        for (const [scalar, lanes] of splats)
          k.get(scalar)
            .op(...F32X4_SPLAT)
            .set(lanes);
        k.forBytes(i, at.bytes, 16, () => {
          load(at.gPtr).set(g);
          // mu = (1-b1) g + b1 mu
          k.get(oneMinusB1x4, g)
            .op(...F32X4_MUL)
            .get(b1x4);
          load(at.muPtr)
            .op(...F32X4_MUL, ...F32X4_ADD)
            .set(mu);
          addr(at.muOut)
            .get(mu)
            .op(...STORE);
          // nu = (1-b2) g^2 + b2 nu
          k.get(oneMinusB2x4, g, g)
            .op(...F32X4_MUL, ...F32X4_MUL)
            .get(b2x4);
          load(at.nuPtr)
            .op(...F32X4_MUL, ...F32X4_ADD)
            .set(nu);
          addr(at.nuOut)
            .get(nu)
            .op(...STORE);
          // out = mu_hat / (sqrt(nu / bc2 [+ epsRoot]) + eps)
          addr(at.out);
          if (nesterov) {
            k.get(b1x4, mu, bc1NextX4).op(...F32X4_DIV, ...F32X4_MUL);
            k.get(oneMinusB1x4, g, bc1x4).op(...F32X4_DIV, ...F32X4_MUL, ...F32X4_ADD);
          } else {
            k.get(mu, bc1x4).op(...F32X4_DIV);
          }
          k.get(nu, bc2x4).op(...F32X4_DIV);
          if (epsRoot) k.get(epsRootX4).op(...F32X4_ADD);
          k.op(...F32X4_SQRT)
            .get(epsX4)
            .op(...F32X4_ADD, ...F32X4_DIV, ...STORE);
        });
      },
    });
  }
  return m.bytes();
}

/** One variant: offsets and byte length, then the nine coefficients. */
type AdamKernelFn = (
  g: number,
  mu: number,
  nu: number,
  muOut: number,
  nuOut: number,
  out: number,
  bytes: number,
  b1: number,
  oneMinusB1: number,
  b2: number,
  oneMinusB2: number,
  eps: number,
  epsRoot: number,
  bc1: number,
  bc2: number,
  bc1Next: number,
) => void;

/** The instantiated kernel's variants. */
export interface AdamKernel {
  adam: AdamKernelFn;
  adamEpsRoot: AdamKernelFn;
  nadam: AdamKernelFn;
  nadamEpsRoot: AdamKernelFn;
}

const kernel = heapModule<AdamKernel>(adamKernelBytes);

/**
 * The kernel bound to the wasm backend's memory, compiled on first use; `null` where SIMD is
 * unavailable or the memory cannot be imported (e.g. a shared memory).
 */
export function adamKernelFor(backend: unknown): AdamKernel | null {
  return kernel.forBackend(backend);
}

/** Test hook: turns the SIMD kernel off (`false`) so the JavaScript loop runs on wasm too. */
export function setAdamKernelEnabled(on: boolean): void {
  kernel.setEnabled(on);
}
