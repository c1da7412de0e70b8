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
  Code, F32, F32X4_MUL, F32X4_SPLAT, F64X2_ADD, F64X2_PROMOTE_LOW_F32X4, HEADER, I32, I32_ADD, I32_CONST, I32_SHL,
  I8X16_SHUFFLE, MEMORY_IMPORT_SECTION, V128, V128_LOAD, V128_STORE, functionBody, name, section,
} from "./assembler.js";
import { heapModule } from "./heap.js";

const MEM = (offset: number) => [4, offset]; // memarg: align 16 (a hint), offset

function sumRowsBody(): number[] {
  const [SRC, ACC, ROWS, COL_BYTES, ROW_STRIDE] = [0, 1, 2, 3, 4];
  const [C, A] = [5, 6];
  const V = 7;
  const k = new Code();
  k.whileNonZero(ROWS, () => {
    k.forBytes(C, COL_BYTES, 16, () => {
      k.get(SRC, C).op(I32_ADD, ...V128_LOAD, ...MEM(0)).set(V);
      k.get(ACC, C).op(I32_CONST, 1, I32_SHL, I32_ADD).set(A);
      // acc[c], acc[c + 1] += the low two values
      k.get(A, A).op(...V128_LOAD, ...MEM(0)).get(V).op(...F64X2_PROMOTE_LOW_F32X4, ...F64X2_ADD, ...V128_STORE, ...MEM(0));
      // acc[c + 2], acc[c + 3] += the high two values (moved down by a shuffle)
      k.get(A, A).op(...V128_LOAD, ...MEM(16)).get(V, V);
      k.op(...I8X16_SHUFFLE, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
      k.op(...F64X2_PROMOTE_LOW_F32X4, ...F64X2_ADD, ...V128_STORE, ...MEM(16));
    });
    k.addLocal(SRC, ROW_STRIDE).decrement(ROWS);
  });
  return functionBody([[2, I32], [1, V128]], k.c);
}

function poolGradRowBody(): number[] {
  const [G, D, OW, KW, C_BYTES, SCALE] = [0, 1, 2, 3, 4, 5];
  const [KX, CH] = [6, 7];
  const S = 8;
  const k = new Code();
  k.get(SCALE).op(...F32X4_SPLAT).set(S);
  k.whileNonZero(OW, () => {
    k.get(KW).set(KX);
    k.whileNonZero(KX, () => {
      k.forBytes(CH, C_BYTES, 16, () => {
        k.get(D, CH).op(I32_ADD);
        k.get(G, CH).op(I32_ADD, ...V128_LOAD, ...MEM(0)).get(S).op(...F32X4_MUL, ...V128_STORE, ...MEM(0));
      });
      k.addLocal(D, C_BYTES).decrement(KX);
    });
    k.addLocal(G, C_BYTES).decrement(OW);
  });
  return functionBody([[2, I32], [1, V128]], k.c);
}

/** The kernel module's bytes (imports `env.memory`). @internal */
export function heapKernelBytes(): Uint8Array {
  return new Uint8Array([
    ...HEADER,
    ...section(1, [2, 0x60, 5, I32, I32, I32, I32, I32, 0, 0x60, 6, I32, I32, I32, I32, I32, F32, 0]),
    ...MEMORY_IMPORT_SECTION,
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name("sumRows"), 0x00, 0, ...name("poolGradRow"), 0x00, 1]),
    ...section(10, [2, ...sumRowsBody(), ...poolGradRowBody()]),
  ]);
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
