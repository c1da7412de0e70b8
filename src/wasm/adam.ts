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
  Code, F32, F32X4_ADD, F32X4_DIV, F32X4_MUL, F32X4_SPLAT, F32X4_SQRT, HEADER, I32, I32_ADD, MEMORY_IMPORT_SECTION, V128,
  V128_LOAD, V128_STORE, functionBody, name, section,
} from "./assembler.js";
import { heapModule } from "./heap.js";

// Parameters: six byte offsets, the byte length, nine float32 coefficients.
const [G_PTR, M_PTR, V_PTR, M_OUT, V_OUT, U_OUT, BYTES] = [0, 1, 2, 3, 4, 5, 6];
const FIRST_COEFFICIENT = 7;
const COEFFICIENTS = 9;
// Locals: the byte index, the splatted coefficients (same order as the parameters), g, mu, nu.
const I = 16;
const [B1, C1B1, B2, C1B2, EPS, EPS_ROOT, BC1, BC2, BC1_NEXT] = [17, 18, 19, 20, 21, 22, 23, 24, 25];
const [G, M, V] = [26, 27, 28];

/** The variants, in export order. */
const VARIANTS = [
  { exportName: "adam", nesterov: false, epsRoot: false },
  { exportName: "adamEpsRoot", nesterov: false, epsRoot: true },
  { exportName: "nadam", nesterov: true, epsRoot: false },
  { exportName: "nadamEpsRoot", nesterov: true, epsRoot: true },
] as const;

function body(nesterov: boolean, epsRoot: boolean): number[] {
  const k = new Code();
  const STORE = [...V128_STORE, 4, 0];
  /** Pushes `base + i` (an address). */
  const at = (base: number) => k.get(base, I).op(I32_ADD);
  const load = (base: number) => at(base).op(...V128_LOAD, 4, 0);
  for (let j = 0; j < COEFFICIENTS; j++) k.get(FIRST_COEFFICIENT + j).op(...F32X4_SPLAT).set(B1 + j);
  k.forBytes(I, BYTES, 16, () => {
    load(G_PTR).set(G);
    // mu = (1-b1) g + b1 mu
    k.get(C1B1, G).op(...F32X4_MUL).get(B1);
    load(M_PTR).op(...F32X4_MUL, ...F32X4_ADD).set(M);
    at(M_OUT).get(M).op(...STORE);
    // nu = (1-b2) g^2 + b2 nu
    k.get(C1B2, G, G).op(...F32X4_MUL, ...F32X4_MUL).get(B2);
    load(V_PTR).op(...F32X4_MUL, ...F32X4_ADD).set(V);
    at(V_OUT).get(V).op(...STORE);
    // out = mu_hat / (sqrt(nu / bc2 [+ epsRoot]) + eps)
    at(U_OUT);
    if (nesterov) {
      k.get(B1, M, BC1_NEXT).op(...F32X4_DIV, ...F32X4_MUL);
      k.get(C1B1, G, BC1).op(...F32X4_DIV, ...F32X4_MUL, ...F32X4_ADD);
    } else {
      k.get(M, BC1).op(...F32X4_DIV);
    }
    k.get(V, BC2).op(...F32X4_DIV);
    if (epsRoot) k.get(EPS_ROOT).op(...F32X4_ADD);
    k.op(...F32X4_SQRT).get(EPS).op(...F32X4_ADD, ...F32X4_DIV, ...STORE);
  });
  return functionBody([[1, I32], [COEFFICIENTS + 3, V128]], k.c);
}

/** The kernel module's bytes (imports `env.memory`). */
export function adamKernelBytes(): Uint8Array {
  const params = [...Array<number>(7).fill(I32), ...Array<number>(COEFFICIENTS).fill(F32)];
  return new Uint8Array([
    ...HEADER,
    ...section(1, [1, 0x60, params.length, ...params, 0]),
    ...MEMORY_IMPORT_SECTION,
    ...section(3, [VARIANTS.length, ...VARIANTS.map(() => 0)]),
    ...section(7, [VARIANTS.length, ...VARIANTS.flatMap((v, i) => [...name(v.exportName), 0x00, i])]),
    ...section(10, [VARIANTS.length, ...VARIANTS.flatMap((v) => body(v.nesterov, v.epsRoot))]),
  ]);
}

/** One variant: offsets and byte length, then the nine coefficients. */
export type AdamKernelFn = (
  g: number, mu: number, nu: number, muOut: number, nuOut: number, out: number, bytes: number,
  b1: number, oneMinusB1: number, b2: number, oneMinusB2: number, eps: number, epsRoot: number,
  bc1: number, bc2: number, bc1Next: number,
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
