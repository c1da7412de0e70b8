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
  BLOCK, BR, BR_IF, END, F32, F32X4_ADD, F32X4_DIV, F32X4_MUL, F32X4_SPLAT, F32X4_SQRT, HEADER, I32, I32_ADD,
  I32_CONST, I32_GE_U, LOCAL_GET, LOCAL_SET, LOOP, V128, V128_LOAD, V128_STORE, VOID, functionBody, instantiate, name,
  section,
} from "../wasm/assembler.js";

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
  const c: number[] = [];
  const get = (...locals: number[]): void => locals.forEach((l) => c.push(LOCAL_GET, l));
  const set = (l: number): void => void c.push(LOCAL_SET, l);
  /** Pushes `base + i` (an address). */
  const at = (base: number): void => {
    get(base, I);
    c.push(I32_ADD);
  };
  const load = (base: number): void => {
    at(base);
    c.push(...V128_LOAD, 4, 0);
  };
  for (let k = 0; k < COEFFICIENTS; k++) {
    get(FIRST_COEFFICIENT + k);
    c.push(...F32X4_SPLAT);
    set(B1 + k);
  }
  c.push(I32_CONST, 0);
  set(I);
  c.push(BLOCK, VOID, LOOP, VOID);
  get(I, BYTES);
  c.push(I32_GE_U, BR_IF, 1);
  load(G_PTR);
  set(G);
  // mu = (1-b1) g + b1 mu
  get(C1B1, G);
  c.push(...F32X4_MUL);
  get(B1);
  load(M_PTR);
  c.push(...F32X4_MUL, ...F32X4_ADD);
  set(M);
  at(M_OUT);
  get(M);
  c.push(...V128_STORE, 4, 0);
  // nu = (1-b2) g^2 + b2 nu
  get(C1B2, G, G);
  c.push(...F32X4_MUL, ...F32X4_MUL);
  get(B2);
  load(V_PTR);
  c.push(...F32X4_MUL, ...F32X4_ADD);
  set(V);
  at(V_OUT);
  get(V);
  c.push(...V128_STORE, 4, 0);
  // out = mu_hat / (sqrt(nu / bc2 [+ epsRoot]) + eps)
  at(U_OUT);
  if (nesterov) {
    get(B1, M, BC1_NEXT);
    c.push(...F32X4_DIV, ...F32X4_MUL);
    get(C1B1, G, BC1);
    c.push(...F32X4_DIV, ...F32X4_MUL, ...F32X4_ADD);
  } else {
    get(M, BC1);
    c.push(...F32X4_DIV);
  }
  get(V, BC2);
  c.push(...F32X4_DIV);
  if (epsRoot) {
    get(EPS_ROOT);
    c.push(...F32X4_ADD);
  }
  c.push(...F32X4_SQRT);
  get(EPS);
  c.push(...F32X4_ADD, ...F32X4_DIV, ...V128_STORE, 4, 0);
  get(I);
  c.push(I32_CONST, 16, I32_ADD);
  set(I);
  c.push(BR, 0, END, END);
  return functionBody([[1, I32], [COEFFICIENTS + 3, V128]], c);
}

/** The kernel module's bytes (imports `env.memory`). */
export function adamKernelBytes(): Uint8Array {
  const params = [...Array<number>(7).fill(I32), ...Array<number>(COEFFICIENTS).fill(F32)];
  return new Uint8Array([
    ...HEADER,
    ...section(1, [1, 0x60, params.length, ...params, 0]),
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]),
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

const instances = new WeakMap<object, AdamKernel | null>();
let enabled = true;

/** Test hook: turns the SIMD kernel off (`false`) so the JavaScript loop runs on wasm too. */
export function setAdamKernelEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The kernel bound to `memory` (a `WebAssembly.Memory`), compiled on first use; `null` where
 * SIMD is unavailable or the memory cannot be imported (e.g. a shared memory).
 */
export function adamKernelFor(memory: object): AdamKernel | null {
  if (!enabled) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    k = instantiate(adamKernelBytes(), { env: { memory } }) as AdamKernel | null;
    instances.set(memory, k);
  }
  return k;
}
