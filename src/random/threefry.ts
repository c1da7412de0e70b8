/**
 * Threefry-2x32 (20 rounds), as in `jax/_src/prng.py` (`_threefry2x32_lowering`), on the host.
 *
 * Everything runs in the int32 domain (`| 0`) because V8 keeps small integers unboxed there;
 * the bit patterns equal JAX's uint32 values. The rounds are written out by hand in each kernel
 * because a shared helper would have to return two words (an allocation per block) and a loop
 * over a rotation table is measurably slower.
 *
 * @internal
 * @module
 */

/** Key-schedule parity constant of Threefry (Salmon et al. 2011), JAX's `0x1BD11BDA`. */
const PARITY = 0x1bd11bda;

/**
 * One Threefry-2x32 block: hashes the counter pair `(c0, c1)` under key `(k0, k1)` and writes
 * the two output words to `out[off]`, `out[off + 1]`.
 *
 * @internal
 */
export function threefryBlock(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  out: Uint32Array | Int32Array,
  off: number,
): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = ks0 ^ ks1 ^ PARITY;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 13) | (x1 >>> 19);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 15) | (x1 >>> 17);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 26) | (x1 >>> 6);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 6) | (x1 >>> 26);
  x1 ^= x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 1) | 0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 17) | (x1 >>> 15);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 29) | (x1 >>> 3);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 16) | (x1 >>> 16);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 24) | (x1 >>> 8);
  x1 ^= x0;
  x0 = (x0 + ks2) | 0;
  x1 = (x1 + ks0 + 2) | 0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 13) | (x1 >>> 19);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 15) | (x1 >>> 17);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 26) | (x1 >>> 6);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 6) | (x1 >>> 26);
  x1 ^= x0;
  x0 = (x0 + ks0) | 0;
  x1 = (x1 + ks1 + 3) | 0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 17) | (x1 >>> 15);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 29) | (x1 >>> 3);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 16) | (x1 >>> 16);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 24) | (x1 >>> 8);
  x1 ^= x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 4) | 0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 13) | (x1 >>> 19);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 15) | (x1 >>> 17);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 26) | (x1 >>> 6);
  x1 ^= x0;
  x0 = (x0 + x1) | 0;
  x1 = (x1 << 6) | (x1 >>> 26);
  x1 ^= x0;
  x0 = (x0 + ks2) | 0;
  x1 = (x1 + ks0 + 5) | 0;
  out[off] = x0;
  out[off + 1] = x1;
}

/**
 * Partitionable `random_bits` (32-bit): `out[i] = y0 ^ y1` where `(y0, y1)` hashes the 64-bit
 * flat index `i` as the counter pair `(hi, lo)` (JAX's `iota_2x32_shape`). Typed arrays are
 * shorter than 2^32, so `hi` is always 0.
 *
 * @internal
 */
export function fillBitsPartitionable(k0: number, k1: number, out: Int32Array | Uint32Array, n: number): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = ks0 ^ ks1 ^ PARITY;
  for (let i = 0; i < n; i++) {
    let x0 = ks0;
    let x1 = (i + ks1) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 13) | (x1 >>> 19);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 15) | (x1 >>> 17);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 26) | (x1 >>> 6);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 6) | (x1 >>> 26);
    x1 ^= x0;
    x0 = (x0 + ks1) | 0;
    x1 = (x1 + ks2 + 1) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 17) | (x1 >>> 15);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 29) | (x1 >>> 3);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 16) | (x1 >>> 16);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 24) | (x1 >>> 8);
    x1 ^= x0;
    x0 = (x0 + ks2) | 0;
    x1 = (x1 + ks0 + 2) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 13) | (x1 >>> 19);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 15) | (x1 >>> 17);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 26) | (x1 >>> 6);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 6) | (x1 >>> 26);
    x1 ^= x0;
    x0 = (x0 + ks0) | 0;
    x1 = (x1 + ks1 + 3) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 17) | (x1 >>> 15);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 29) | (x1 >>> 3);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 16) | (x1 >>> 16);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 24) | (x1 >>> 8);
    x1 ^= x0;
    x0 = (x0 + ks1) | 0;
    x1 = (x1 + ks2 + 4) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 13) | (x1 >>> 19);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 15) | (x1 >>> 17);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 26) | (x1 >>> 6);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 6) | (x1 >>> 26);
    x1 ^= x0;
    x0 = (x0 + ks2) | 0;
    x1 = (x1 + ks0 + 5) | 0;
    out[i] = x0 ^ x1;
  }
}

/**
 * Legacy `threefry_2x32(key, iota(n))` (JAX < 0.5): the counter `0..n-1` (padded with one 0 when
 * `n` is odd) is cut into halves `X0 = [0, m)`, `X1 = [m, 2m)`; block `j` hashes `(X0[j], X1[j])`
 * and the outputs are `concat(Y0, Y1)[:n]`.
 *
 * @internal
 */
export function fillBitsLegacy(k0: number, k1: number, out: Int32Array | Uint32Array, n: number): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = ks0 ^ ks1 ^ PARITY;
  const m = (n + 1) >>> 1;
  for (let j = 0; j < m; j++) {
    const hiIndex = m + j;
    let x0 = (j + ks0) | 0;
    let x1 = ((hiIndex < n ? hiIndex : 0) + ks1) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 13) | (x1 >>> 19);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 15) | (x1 >>> 17);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 26) | (x1 >>> 6);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 6) | (x1 >>> 26);
    x1 ^= x0;
    x0 = (x0 + ks1) | 0;
    x1 = (x1 + ks2 + 1) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 17) | (x1 >>> 15);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 29) | (x1 >>> 3);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 16) | (x1 >>> 16);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 24) | (x1 >>> 8);
    x1 ^= x0;
    x0 = (x0 + ks2) | 0;
    x1 = (x1 + ks0 + 2) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 13) | (x1 >>> 19);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 15) | (x1 >>> 17);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 26) | (x1 >>> 6);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 6) | (x1 >>> 26);
    x1 ^= x0;
    x0 = (x0 + ks0) | 0;
    x1 = (x1 + ks1 + 3) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 17) | (x1 >>> 15);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 29) | (x1 >>> 3);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 16) | (x1 >>> 16);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 24) | (x1 >>> 8);
    x1 ^= x0;
    x0 = (x0 + ks1) | 0;
    x1 = (x1 + ks2 + 4) | 0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 13) | (x1 >>> 19);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 15) | (x1 >>> 17);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 26) | (x1 >>> 6);
    x1 ^= x0;
    x0 = (x0 + x1) | 0;
    x1 = (x1 << 6) | (x1 >>> 26);
    x1 ^= x0;
    x0 = (x0 + ks2) | 0;
    x1 = (x1 + ks0 + 5) | 0;
    out[j] = x0;
    if (hiIndex < n) out[hiIndex] = x1;
  }
}
