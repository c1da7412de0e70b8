/**
 * A tiny WebAssembly SIMD kernel for partitionable threefry, assembled here byte by byte (no
 * toolchain, nothing fetched): four counters per `v128`, two `v128` streams interleaved, so bits
 * and [0, 1) uniforms come out about 3-4x faster than the scalar JS loop. Falls back to JS where
 * SIMD WebAssembly is missing.
 *
 * Exports of the module: memory `m` (64 pages = one 1 Mi-value chunk at address 0), and
 * `bits(k0, k1, start, n)` / `unif(k0, k1, start, n)`, which write the values of the flat
 * indices `start .. start + n` (n a multiple of 8) as uint32 bits / float32 in [0, 1).
 *
 * @internal
 * @module
 */

import {
  BLOCK, BR, BR_IF, END, F32X4_SUB, HEADER, I32, I32X4_ADD, I32X4_SHL, I32X4_SHR_U, I32X4_SPLAT, I32_ADD, I32_CONST,
  I32_GE_U, I32_SHL, I32_XOR, LOCAL_GET, LOCAL_SET, LOOP, V128, V128_CONST, V128_OR, V128_STORE, V128_XOR, VOID,
  functionBody, instantiate, name, section, sleb, uleb,
} from "./assembler.js";

/** Values per kernel call; the kernel's memory holds exactly one chunk. */
export const CHUNK = 1 << 20;
const PAGES = (CHUNK * 4) / 65536;

function v128Splat(word: number): number[] {
  const bytes: number[] = [...V128_CONST];
  for (let lane = 0; lane < 4; lane++) for (let j = 0; j < 4; j++) bytes.push((word >>> (8 * j)) & 0xff);
  return bytes;
}

// Locals: params k0=0, k1=1, start=2, n=3; then v128 locals, then the two i32 locals.
const [K0, K1, START, N] = [0, 1, 2, 3];
const [KS0, KS1, KS2, X0, X1, Y0, Y1, CTR, KS1_PLUS4] = [4, 5, 6, 7, 8, 9, 10, 11, 12];
const INJ = [13, 14, 15, 16, 17]; // ks[(g + 2) % 3] + (g + 1), the second word's key injections
const V128_LOCALS = 14;
const [PTR, ENDP] = [18, 19];
const ROT = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
];
const KS = [KS0, KS1, KS2];

/**
 * The kernel loop: eight counters per iteration as two independent v128 streams (x: i..i+3,
 * y: i+4..i+7), interleaved so the CPU overlaps their serial add-rotate-xor chains.
 */
function body(uniform: boolean): number[] {
  const c: number[] = [];
  const get = (i: number): void => void c.push(LOCAL_GET, i);
  const set = (i: number): void => void c.push(LOCAL_SET, i);
  get(K0); c.push(...I32X4_SPLAT); set(KS0);
  get(K1); c.push(...I32X4_SPLAT); set(KS1);
  get(K0); get(K1); c.push(I32_XOR, I32_CONST, ...sleb(0x1bd11bda), I32_XOR, ...I32X4_SPLAT); set(KS2);
  get(KS1); c.push(...v128Splat(4), ...I32X4_ADD); set(KS1_PLUS4);
  for (let g = 0; g < 5; g++) {
    get(KS[(g + 2) % 3]!); c.push(...v128Splat(g + 1), ...I32X4_ADD); set(INJ[g]!);
  }
  get(START); c.push(...I32X4_SPLAT, ...V128_CONST, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, ...I32X4_ADD); set(CTR);
  c.push(I32_CONST, 0); set(PTR);
  get(N); c.push(I32_CONST, 2, I32_SHL); set(ENDP);
  c.push(BLOCK, VOID, LOOP, VOID);
  get(PTR); get(ENDP); c.push(I32_GE_U, BR_IF, 1);
  // Counter (hi, lo) = (0, index): word0 = 0 + ks0, word1 = index + ks1.
  get(KS0); set(X0);
  get(KS0); set(Y0);
  get(CTR); get(KS1); c.push(...I32X4_ADD); set(X1);
  get(CTR); get(KS1_PLUS4); c.push(...I32X4_ADD); set(Y1);
  for (let g = 0; g < 5; g++) {
    for (const r of ROT[g % 2]!) {
      for (const [a, b] of [[X0, X1], [Y0, Y1]] as const) {
        get(a); get(b); c.push(...I32X4_ADD); set(a);
      }
      for (const [a, b] of [[X0, X1], [Y0, Y1]] as const) {
        get(b); c.push(I32_CONST, r, ...I32X4_SHL);
        get(b); c.push(I32_CONST, 32 - r, ...I32X4_SHR_U, ...V128_OR);
        get(a); c.push(...V128_XOR); set(b);
      }
    }
    for (const [a, b] of [[X0, X1], [Y0, Y1]] as const) {
      get(a); get(KS[(g + 1) % 3]!); c.push(...I32X4_ADD); set(a);
      get(b); get(INJ[g]!); c.push(...I32X4_ADD); set(b);
    }
  }
  for (const [a, b, offset] of [[X0, X1, 0], [Y0, Y1, 16]] as const) {
    get(PTR);
    get(a); get(b); c.push(...V128_XOR);
    if (uniform) {
      // JAX: bitcast((bits >> 9) | bits(1.0f)) - 1.0f.
      c.push(I32_CONST, 9, ...I32X4_SHR_U, ...v128Splat(0x3f800000), ...V128_OR, ...v128Splat(0x3f800000), ...F32X4_SUB);
    }
    c.push(...V128_STORE, 4, offset); // align=16, offset
  }
  get(CTR); c.push(...v128Splat(8), ...I32X4_ADD); set(CTR);
  get(PTR); c.push(I32_CONST, 32, I32_ADD); set(PTR);
  c.push(BR, 0, END, END);
  return functionBody([[V128_LOCALS, V128], [2, I32]], c);
}

/** The kernel module's bytes. @internal */
export function kernelBytes(): Uint8Array {
  const bytes = [
    ...HEADER,
    ...section(1, [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0x00, ...uleb(PAGES)]),
    ...section(7, [3, ...name("m"), 0x02, 0, ...name("bits"), 0x00, 0, ...name("unif"), 0x00, 1]),
    ...section(10, [2, ...body(false), ...body(true)]),
  ];
  return new Uint8Array(bytes);
}

/** The instantiated kernel, or null where WebAssembly SIMD is unavailable. @internal */
export interface Kernel {
  bits(k0: number, k1: number, start: number, n: number): void;
  unif(k0: number, k1: number, start: number, n: number): void;
  i32: Int32Array;
  u32: Uint32Array;
  f32: Float32Array;
}

let kernel: Kernel | null | undefined;

/** Compiles the kernel on first use (synchronously; it is about 2 KB). @internal */
export function getKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  const ex = instantiate(kernelBytes()) as { m: { buffer: ArrayBuffer }; bits: Kernel["bits"]; unif: Kernel["unif"] } | null;
  kernel =
    ex === null
      ? null
      : {
          bits: ex.bits,
          unif: ex.unif,
          i32: new Int32Array(ex.m.buffer, 0, CHUNK),
          u32: new Uint32Array(ex.m.buffer, 0, CHUNK),
          f32: new Float32Array(ex.m.buffer, 0, CHUNK),
        };
  return kernel;
}

/** Below this many values the JS loop beats a kernel call plus copy. @internal */
export const MIN_KERNEL_SIZE = 64;

/**
 * Partitionable bits (`uniform01` false) or [0, 1) floats (true) for flat indices `0..n` into
 * `out`, chunk by chunk through the kernel's memory. Returns false (and writes nothing) when the
 * kernel is unavailable.
 *
 * @internal
 */
export function kernelFill(
  k0: number,
  k1: number,
  out: Int32Array | Uint32Array | Float32Array,
  n: number,
  uniform01: boolean,
): boolean {
  const kr = getKernel();
  if (kr === null) return false;
  const src = out instanceof Float32Array ? kr.f32 : out instanceof Int32Array ? kr.i32 : kr.u32;
  const fn = uniform01 ? kr.unif : kr.bits;
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start);
    fn(k0 | 0, k1 | 0, start, (len + 7) & ~7);
    (out as Float32Array).set((src as Float32Array).subarray(0, len), start);
  }
  return true;
}

/** Test hook: forces the JS path (`false`) or re-enables the kernel (`true`). @internal */
export function setKernelEnabled(enabled: boolean): void {
  kernel = enabled ? undefined : null;
}
