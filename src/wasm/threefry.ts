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
  type Code,
  F32X4_SUB,
  I32,
  I32X4_ADD,
  I32X4_SHL,
  I32X4_SHR_U,
  I32X4_SPLAT,
  I32_CONST,
  I32_SHL,
  I32_XOR,
  V128,
  V128_CONST,
  V128_OR,
  V128_STORE,
  V128_XOR,
  instantiate,
  sleb,
} from "./assembler.js";
import { type LocalIndices, ModuleBuilder } from "./module_builder.js";

/** Values per kernel call; the kernel's memory holds exactly one chunk. */
export const CHUNK = 1 << 20;
const PAGES = (CHUNK * 4) / 65536;

function v128Splat(word: number): number[] {
  const bytes: number[] = [...V128_CONST];
  for (let lane = 0; lane < 4; lane++) for (let j = 0; j < 4; j++) bytes.push((word >>> (8 * j)) & 0xff);
  return bytes;
}

const ROT = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
];

const PARAMS = { k0: I32, k1: I32, start: I32, n: I32 } as const;

/**
 * The key schedule ks0..ks2 and, per counter lane, the two words of stream x (indices i..i+3)
 * and stream y (i+4..i+7); `ctr` holds x's indices, `ks1Plus4` moves them to y's; `injG` is
 * `ks[(g + 2) % 3] + (g + 1)`, the second word's key injection after round group g; `ptr` and
 * `end` walk the output bytes.
 */
const LOCALS = {
  ks0: V128,
  ks1: V128,
  ks2: V128,
  x0: V128,
  x1: V128,
  y0: V128,
  y1: V128,
  ctr: V128,
  ks1Plus4: V128,
  inj0: V128,
  inj1: V128,
  inj2: V128,
  inj3: V128,
  inj4: V128,
  ptr: I32,
  end: I32,
} as const;

/** The kernel module's bytes. @internal */
export function kernelBytes(): Uint8Array {
  const m = new ModuleBuilder().memory(PAGES, "m");
  m.function("bits", { params: PARAMS, locals: LOCALS, body: (k, at) => threefry(k, at, false) });
  m.function("unif", { params: PARAMS, locals: LOCALS, body: (k, at) => threefry(k, at, true) });
  return m.bytes();
}

/**
 * The kernel loop: eight counters per iteration as two independent v128 streams (x: i..i+3,
 * y: i+4..i+7), interleaved so the CPU overlaps their serial add-rotate-xor chains.
 */
function threefry(k: Code, at: LocalIndices<typeof PARAMS, typeof LOCALS>, uniform: boolean): void {
  const { k0, k1, start, n, ks0, ks1, ks2, x0, x1, y0, y1, ctr, ks1Plus4, ptr, end } = at;
  const ks = [ks0, ks1, ks2];
  const inj = [at.inj0, at.inj1, at.inj2, at.inj3, at.inj4];
  const streams = [
    [x0, x1],
    [y0, y1],
  ] as const;
  k.get(k0)
    .op(...I32X4_SPLAT)
    .set(ks0);
  k.get(k1)
    .op(...I32X4_SPLAT)
    .set(ks1);
  k.get(k0, k1)
    .op(I32_XOR, I32_CONST, ...sleb(0x1bd11bda), I32_XOR, ...I32X4_SPLAT)
    .set(ks2);
  k.get(ks1)
    .op(...v128Splat(4), ...I32X4_ADD)
    .set(ks1Plus4);
  for (let g = 0; g < 5; g++)
    k.get(ks[(g + 2) % 3]!)
      .op(...v128Splat(g + 1), ...I32X4_ADD)
      .set(inj[g]!);
  k.get(start)
    .op(...I32X4_SPLAT, ...V128_CONST, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, ...I32X4_ADD)
    .set(ctr);
  k.get(n).op(I32_CONST, 2, I32_SHL).set(end);
  k.forBytes(ptr, end, 32, () => {
    // Counter (hi, lo) = (0, index): word0 = 0 + ks0, word1 = index + ks1.
    k.get(ks0).set(x0);
    k.get(ks0).set(y0);
    k.get(ctr, ks1)
      .op(...I32X4_ADD)
      .set(x1);
    k.get(ctr, ks1Plus4)
      .op(...I32X4_ADD)
      .set(y1);
    for (let g = 0; g < 5; g++) {
      for (const r of ROT[g % 2]!) {
        for (const [a, b] of streams)
          k.get(a, b)
            .op(...I32X4_ADD)
            .set(a);
        for (const [a, b] of streams) {
          k.get(b).op(I32_CONST, r, ...I32X4_SHL);
          k.get(b).op(I32_CONST, 32 - r, ...I32X4_SHR_U, ...V128_OR);
          k.get(a)
            .op(...V128_XOR)
            .set(b);
        }
      }
      for (const [a, b] of streams) {
        k.get(a, ks[(g + 1) % 3]!)
          .op(...I32X4_ADD)
          .set(a);
        k.get(b, inj[g]!)
          .op(...I32X4_ADD)
          .set(b);
      }
    }
    for (const [[a, b], offset] of [
      [streams[0], 0],
      [streams[1], 16],
    ] as const) {
      k.get(ptr, a, b).op(...V128_XOR);
      if (uniform) {
        // JAX: bitcast((bits >> 9) | bits(1.0f)) - 1.0f.
        k.op(
          I32_CONST,
          9,
          ...I32X4_SHR_U,
          ...v128Splat(0x3f800000),
          ...V128_OR,
          ...v128Splat(0x3f800000),
          ...F32X4_SUB,
        );
      }
      k.op(...V128_STORE, 4, offset); // align=16, offset
    }
    k.get(ctr)
      .op(...v128Splat(8), ...I32X4_ADD)
      .set(ctr);
  });
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
  const ex = instantiate(kernelBytes()) as {
    m: { buffer: ArrayBuffer };
    bits: Kernel["bits"];
    unif: Kernel["unif"];
  } | null;
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
