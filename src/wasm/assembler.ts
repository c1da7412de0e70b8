/**
 * The few pieces of the WebAssembly binary format our hand-assembled kernels need (PRNG bits,
 * Adam's update, the runtime's heap loops): LEB128 numbers, the opcodes they use, an instruction
 * emitter with the loop idioms they share, and synchronous instantiation. Modules are put
 * together by `module_builder.ts`. No toolchain and nothing fetched: a kernel is a few hundred
 * bytes built at load.
 *
 * @internal
 * @module
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

// Core opcodes.
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
export const END = 0x0b;
const VOID = 0x40;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
export const I32_CONST = 0x41;
const I32_EQZ = 0x45;
const I32_GE_U = 0x4f;
export const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
export const I32_SHL = 0x74;
export const I32_XOR = 0x73;

// SIMD opcodes (prefix 0xfd, then the LEB128 sub-opcode).
const SIMD = 0xfd;
export const V128_LOAD = [SIMD, 0x00];
export const V128_STORE = [SIMD, 0x0b];
export const V128_CONST = [SIMD, 0x0c];
export const I8X16_SHUFFLE = [SIMD, 0x0d];
export const I32X4_SPLAT = [SIMD, 0x11];
export const F32X4_SPLAT = [SIMD, 0x13];
export const V128_OR = [SIMD, 0x50];
export const V128_XOR = [SIMD, 0x51];
export const I32X4_SHL = [SIMD, 0xab, 0x01];
export const I32X4_SHR_U = [SIMD, 0xad, 0x01];
export const I32X4_ADD = [SIMD, 0xae, 0x01];
export const F32X4_SQRT = [SIMD, 0xe3, 0x01];
export const F32X4_ADD = [SIMD, 0xe4, 0x01];
export const F32X4_SUB = [SIMD, 0xe5, 0x01];
export const F32X4_MUL = [SIMD, 0xe6, 0x01];
export const F32X4_DIV = [SIMD, 0xe7, 0x01];
export const F64X2_PROMOTE_LOW_F32X4 = [SIMD, 0x5f];
export const F64X2_ADD = [SIMD, 0xf0, 0x01];

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Emits a function body's code, with the few loop idioms the kernels use. */
export class Code {
  readonly c: number[] = [];
  get(...locals: number[]): this {
    for (const l of locals) this.c.push(LOCAL_GET, ...uleb(l));
    return this;
  }
  set(l: number): this {
    this.c.push(LOCAL_SET, ...uleb(l));
    return this;
  }
  op(...bytes: number[]): this {
    this.c.push(...bytes);
    return this;
  }
  /** `l += k`. */
  addTo(l: number, k: number): this {
    return this.get(l)
      .op(I32_CONST, ...sleb(k), I32_ADD)
      .set(l);
  }
  /** `l += m` (locals). */
  addLocal(l: number, m: number): this {
    return this.get(l, m).op(I32_ADD).set(l);
  }
  /** `l -= 1`. */
  decrement(l: number): this {
    return this.get(l).op(I32_CONST, 1, I32_SUB).set(l);
  }
  /** `while (l != 0) { body }`. */
  whileNonZero(l: number, body: () => void): this {
    this.op(BLOCK, VOID, LOOP, VOID).get(l).op(I32_EQZ, BR_IF, 1);
    body();
    return this.op(BR, 0, END, END);
  }
  /** `for (l = 0; l < limit; l += step) { body }`. */
  forBytes(l: number, limit: number, step: number, body: () => void): this {
    this.op(I32_CONST, 0).set(l);
    this.op(BLOCK, VOID, LOOP, VOID).get(l, limit).op(I32_GE_U, BR_IF, 1);
    body();
    this.addTo(l, step);
    return this.op(BR, 0, END, END);
  }
}

/** The module header (magic and version 1). */
export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/**
 * Compiles and instantiates `bytes` synchronously; `null` where WebAssembly (or a feature the
 * module uses, such as SIMD) is unavailable.
 */
export function instantiate(bytes: Uint8Array, imports: object = {}): Record<string, unknown> | null {
  try {
    // The project's lib settings carry no DOM/WebAssembly typings; describe what is used.
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (wa === undefined) return null;
    return new wa.Instance(new wa.Module(bytes), imports).exports as Record<string, unknown>;
  } catch {
    return null;
  }
}
