/**
 * WebAssembly SIMD loops that run directly in the memory of tfjs's wasm backend (the module
 * imports that `WebAssembly.Memory`), for the runtime's own kernels whose JavaScript loops cost
 * milliseconds per training step:
 *
 * - `sumRows(src, acc, rows, colBytes, rowStride)`: `acc[c] += src[r][c]` over the rows, the
 *   float32 values widened to float64 (the cpu backend's accumulation, so sums stay the same),
 *   four columns per step; `colBytes` is the float32 byte width handled (a multiple of 16) and
 *   `rowStride` the byte distance between rows.
 * - `poolGradRow(g, d, ow, kw, cBytes, scale)`: one input row of a non-overlapping average
 *   pool's gradient, `d[ox * kw + kx][ch] = g[ox][ch] * scale`; `cBytes` (the channels' byte
 *   width) a multiple of 16.
 *
 * @internal
 * @module
 */
import {
  F32,
  F32X4_MUL,
  F32X4_SPLAT,
  F64X2_ADD,
  F64X2_PROMOTE_LOW_F32X4,
  I32,
  I32_ADD,
  I32_CONST,
  I32_SHL,
  I8X16_SHUFFLE,
  V128,
  V128_LOAD,
  V128_STORE,
} from "./assembler.js";
import { heapModule } from "./heap.js";
import { ModuleBuilder } from "./module_builder.js";

const MEM = (offset: number) => [4, offset]; // memarg: align 16 (a hint), offset

/** The kernel module's bytes (imports `env.memory`). @internal */
export function heapKernelBytes(): Uint8Array {
  const m = new ModuleBuilder().importMemory("env", "memory", 1);
  m.function("sumRows", {
    params: { src: I32, acc: I32, rows: I32, colBytes: I32, rowStride: I32 },
    locals: { c: I32, a: I32, v: V128 },
    body(k, { src, acc, rows, colBytes, rowStride, c, a, v }) {
      k.whileNonZero(rows, () => {
        k.forBytes(c, colBytes, 16, () => {
          k.get(src, c)
            .op(I32_ADD, ...V128_LOAD, ...MEM(0))
            .set(v);
          k.get(acc, c).op(I32_CONST, 1, I32_SHL, I32_ADD).set(a);
          // acc[c], acc[c + 1] += the low two values
          k.get(a, a)
            .op(...V128_LOAD, ...MEM(0))
            .get(v)
            .op(...F64X2_PROMOTE_LOW_F32X4, ...F64X2_ADD, ...V128_STORE, ...MEM(0));
          // acc[c + 2], acc[c + 3] += the high two values (moved down by a shuffle)
          k.get(a, a)
            .op(...V128_LOAD, ...MEM(16))
            .get(v, v);
          k.op(...I8X16_SHUFFLE, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
          k.op(...F64X2_PROMOTE_LOW_F32X4, ...F64X2_ADD, ...V128_STORE, ...MEM(16));
        });
        k.addLocal(src, rowStride).decrement(rows);
      });
    },
  });
  m.function("poolGradRow", {
    params: { g: I32, d: I32, ow: I32, kw: I32, cBytes: I32, scale: F32 },
    locals: { kx: I32, ch: I32, s: V128 },
    body(k, { g, d, ow, kw, cBytes, scale, kx, ch, s }) {
      k.get(scale)
        .op(...F32X4_SPLAT)
        .set(s);
      k.whileNonZero(ow, () => {
        k.get(kw).set(kx);
        k.whileNonZero(kx, () => {
          k.forBytes(ch, cBytes, 16, () => {
            k.get(d, ch).op(I32_ADD);
            k.get(g, ch)
              .op(I32_ADD, ...V128_LOAD, ...MEM(0))
              .get(s)
              .op(...F32X4_MUL, ...V128_STORE, ...MEM(0));
          });
          k.addLocal(d, cBytes).decrement(kx);
        });
        k.addLocal(g, cBytes).decrement(ow);
      });
    },
  });
  return m.bytes();
}

/** The instantiated loops. @internal */
export interface HeapKernels {
  sumRows(src: number, acc: number, rows: number, colBytes: number, rowStride: number): void;
  poolGradRow(g: number, d: number, ow: number, kw: number, cBytes: number, scale: number): void;
}

const loops = heapModule<HeapKernels>(heapKernelBytes);

/**
 * The loops bound to the backend's memory, compiled on first use; `null` where SIMD is missing,
 * the memory cannot be imported (a shared, threaded build) or they are switched off.
 * @internal
 */
export function heapKernels(backend: unknown): HeapKernels | null {
  return loops.forBackend(backend);
}

/** Test hook: turns the SIMD loops off (`false`) to run the JavaScript fallbacks. @internal */
export function setHeapKernelsEnabled(on: boolean): void {
  loops.setEnabled(on);
}
