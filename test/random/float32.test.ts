import { describe, expect, it } from "vitest";
import * as random from "../../src/random/index.js";
import { erf32, erfInv32, fmaf, log1p32, log32, nextafter32 } from "../../src/random/float32.js";

/** Exact float32 rounding (ties to even) of a*b + c, by BigInt arithmetic on float32 inputs. */
function fmafExact(a: number, b: number, c: number): number {
  const SCALE = 160n; // every float32 is an integer multiple of 2^-149
  const big = (x: number): bigint => {
    // x * 2^160 is an integer for float32 x; decompose without losing bits.
    const f = new Float64Array([x]);
    const u = new BigUint64Array(f.buffer)[0]!;
    const sign = u >> 63n ? -1n : 1n;
    const exp = Number((u >> 52n) & 0x7ffn);
    const mant = exp === 0 ? (u & ((1n << 52n) - 1n)) << 1n : (u & ((1n << 52n) - 1n)) | (1n << 52n);
    const shift = BigInt(exp - 1075) + SCALE;
    return sign * (shift >= 0n ? mant << shift : mant >> -shift);
  };
  const exact = big(a) * big(b) + big(c) * (1n << SCALE); // scaled by 2^320
  if (exact === 0n) return 0;
  const neg = exact < 0n;
  let m = neg ? -exact : exact;
  // Round m / 2^320 to 24 significant bits (normal range only, enough for this test).
  const bitsLen = m.toString(2).length;
  const drop = BigInt(bitsLen - 24);
  if (drop > 0n) {
    const rem = m & ((1n << drop) - 1n);
    const half = 1n << (drop - 1n);
    m >>= drop;
    if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  } else {
    m <<= -drop;
  }
  const value = Number(m) * 2 ** (Number(drop) - 320);
  return neg ? -value : value;
}

describe("fmaf", () => {
  it("matches an exact BigInt fused multiply-add on random float32 triples", () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 3000; i++) {
      const a = Math.fround((rnd() - 0.5) * 2 ** Math.floor(rnd() * 20 - 10));
      const b = Math.fround((rnd() - 0.5) * 2 ** Math.floor(rnd() * 20 - 10));
      const c = Math.fround((rnd() - 0.5) * 2 ** Math.floor(rnd() * 20 - 10));
      expect(fmaf(a, b, c)).toBe(fmafExact(a, b, c));
    }
  });
  it("repairs double rounding at float32 midpoints", () => {
    // a*b = 2^-24 - 2^-54 exactly; c = 1 + 2^-23 (odd mantissa). In float64 the sum rounds to the
    // midpoint 1 + 2^-23 + 2^-24, which a naive fround sends up (ties to even); the exact sum is
    // below the midpoint, so the fused result is 1 + 2^-23.
    const a = Math.fround(2 ** -24 * (1 + 2 ** -15));
    const b = Math.fround(1 - 2 ** -15);
    const c = 1 + 2 ** -23;
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(fmaf(a, b, c)).toBe(1 + 2 ** -23);
    expect(fmaf(a, b, c)).toBe(fmafExact(a, b, c));
    expect(fmaf(-a, b, -c)).toBe(-(1 + 2 ** -23));
  });
});

describe("nextafter32", () => {
  it("steps one float32 ulp", () => {
    expect(nextafter32(1, 2)).toBe(1 + 2 ** -23);
    expect(nextafter32(1, 0)).toBe(1 - 2 ** -24);
    expect(nextafter32(-1, 0)).toBe(Math.fround(-0.99999994));
    expect(nextafter32(-2, Number.NEGATIVE_INFINITY)).toBe(-(2 + 2 ** -22));
    expect(nextafter32(0, 1)).toBe(2 ** -149);
    expect(nextafter32(Number.NEGATIVE_INFINITY, 0)).toBe(-Math.fround(3.4028234663852886e38));
  });
});

describe("log1p32", () => {
  it("stays within 2 float32 ulp of the float64 log1p on both branches", () => {
    const buf = new Float32Array(2);
    const bits = new Int32Array(buf.buffer);
    for (let x = -0.999; x < 3; x += 0.00137) {
      const xf = Math.fround(x);
      buf[0] = log1p32(xf);
      buf[1] = Math.log1p(xf);
      expect(Math.abs(bits[0]! - bits[1]!)).toBeLessThanOrEqual(2);
    }
    expect(log1p32(0)).toBe(0);
    expect(log1p32(-1)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("log32 (XLA:CPU's float32 log)", () => {
  it("has log's special values and stays within 1 ulp of the float64 log", () => {
    expect(log32(1)).toBe(0);
    expect(log32(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(log32(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(log32(-1)).toBeNaN();
    expect(log32(Number.NaN)).toBeNaN();
    const buf = new Float32Array(2);
    const bits = new Int32Array(buf.buffer);
    for (let x = 1e-30; x < 1e30; x *= 1.37) {
      const xf = Math.fround(x);
      buf[0] = log32(xf);
      buf[1] = Math.log(xf);
      expect(Math.abs(bits[0]! - bits[1]!)).toBeLessThanOrEqual(1);
    }
  });
  it("flushes subnormals like XLA:CPU (jax 0.10.2, jax.jit of a float32 vector of >= 8 values)", () => {
    // jnp.log(1e-40) = -inf; lax.erf_inv(+-1e-40) = +-0; lax.erf(+-1e-40) = +-0; jnp.log1p(-1e-40) = -0.
    const sub = Math.fround(1e-40);
    expect(log32(sub)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(erfInv32(sub), 0)).toBe(true);
    expect(Object.is(erfInv32(-sub), -0)).toBe(true);
    expect(Object.is(erf32(-sub), -0)).toBe(true);
    expect(Object.is(log1p32(-sub), -0)).toBe(true);
  });
});

describe("erf32 / erfInv32", () => {
  it("are float32-accurate inverses of each other and odd", () => {
    for (let x = -3.5; x <= 3.5; x += 0.0625) {
      const y = erf32(Math.fround(x));
      expect(Math.fround(y)).toBe(y);
      expect(erf32(Math.fround(-x))).toBe(-y);
      if (Math.abs(y) < 0.9999) expect(Math.abs(erfInv32(y) - x)).toBeLessThan(2e-5 * Math.max(1, Math.abs(x)));
    }
    expect(erf32(4)).toBe(1);
    expect(erf32(-10)).toBe(-1);
    expect(erfInv32(1)).toBe(Number.POSITIVE_INFINITY);
    expect(erfInv32(-1)).toBe(Number.NEGATIVE_INFINITY);
    expect(erfInv32(0)).toBe(0);
  });
  it("erf32 is within about 1 ulp of the true erf at tabulated points", () => {
    // erf(1) = 0.8427007929497149, erf(0.5) = 0.5204998778130465, erf(2) = 0.9953222650189527
    // (DLMF 7.2 / any table).
    expect(Math.abs(erf32(1) - 0.8427007929497149)).toBeLessThan(2e-7);
    expect(Math.abs(erf32(0.5) - 0.5204998778130465)).toBeLessThan(2e-7);
    expect(Math.abs(erf32(2) - 0.9953222650189527)).toBeLessThan(2e-7);
  });
});

describe("uniform's affine map", () => {
  it("is the fused float32 multiply-add of XLA:CPU for ranges whose product rounds", () => {
    const n = 5000;
    const lo = Math.fround(-0.1);
    const range = Math.fround(Math.fround(0.1) - lo);
    const u01 = random.uniformValues(random.key(11), [n]);
    const u = random.uniformValues(random.key(11), [n], { minval: -0.1, maxval: 0.1 });
    let fusedDiffersFromPlain = 0;
    for (let i = 0; i < n; i++) {
      const fused = fmafExact(u01[i]!, range, lo);
      expect(u[i]).toBe(Math.max(lo, fused));
      if (fused !== Math.fround(Math.fround(u01[i]! * range) + lo)) fusedDiffersFromPlain++;
    }
    // The choice matters: unfused mul-then-add would give other float32 values here.
    expect(fusedDiffersFromPlain).toBeGreaterThan(0);
  });
});
