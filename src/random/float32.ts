/**
 * Float32 arithmetic as XLA:CPU evaluates it, for the samplers' float constructions.
 *
 * XLA:CPU compiles with LLVM's `AllowFPOpFusion = Fast`, so a float32 `a * b + c` in an HLO
 * elementwise fusion becomes one fused multiply-add (one rounding). `fmaf` reproduces that
 * exactly: the product of two float32 values is exact in float64, and the only error left, the
 * double rounding of `p + c` (float64, then float32), is repaired with an error-free TwoSum.
 *
 * @internal
 * @module
 */

const f32 = Math.fround;

/**
 * Correctly rounded float32 `a * b + c` for float32 inputs (IEEE `fmaf`).
 *
 * @internal
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 x 24 significant bits fit in 53
  const s = p + c;
  const r = f32(s);
  // Double rounding (float64, then float32) only goes wrong when s sits exactly halfway between
  // two float32 values, i.e. when o, the mirror of r through s, is itself a float32.
  const o = r + 2 * (s - r);
  if (f32(o) !== o || o === r) return r;
  // TwoSum: e is the exact rounding error of p + c (p + c = s + e); the true sum lies on e's
  // side of the midpoint, and an exact tie keeps fround's ties-to-even.
  const bv = s - p;
  const e = p - (s - bv) + (c - bv);
  if (e === 0) return r;
  return e > 0 === o > r ? o : r;
}

/**
 * {@link fmaf} with its common case first: the float64 result rounded to float32 is the fused
 * one unless it lands exactly on a float32 midpoint (`o` is then a float32).
 */
function fma(a: number, b: number, c: number): number {
  const s = a * b + c;
  const r = f32(s);
  const o = r + 2 * (s - r);
  return f32(o) === o && o !== r ? fmaf(a, b, c) : r;
}

/** `np.sqrt(2)` as float32. @internal */
export const SQRT2_F32 = f32(Math.SQRT2);

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/**
 * `np.nextafter(x, toward)` in float32, for float32 `x`.
 *
 * @internal
 */
export function nextafter32(x: number, toward: number): number {
  if (Number.isNaN(x) || Number.isNaN(toward)) return Number.NaN;
  if (x === toward) return toward;
  if (x === 0) return toward > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  scratchF[0] = x;
  const up = toward > x === x > 0;
  scratchU[0] = up ? (scratchU[0] as number) + 1 : (scratchU[0] as number) - 1;
  return scratchF[0] as number;
}

// XLA's float32 log1p (ElementalIrEmitter::EmitLog1p, and its 2025 successor
// xla/codegen/intrinsic/log1p.cc): for |x| < sqrt(2) - 1 a Cephes rational approximation,
// x - x^2/2 + x^3 * P(x) / Q(x), whose Horner steps XLA:CPU contracts into FMAs; otherwise
// log(1 + x).
/* eslint-disable no-loss-of-precision -- constants quoted digit for digit from XLA / Cephes; f32() rounds them */
const LOG1P_SMALL = f32(0.4142135623730950488);
const LP_N0 = f32(4.5270000862445199635215e-5);
const LP_N1 = f32(4.9854102823193375972212e-1);
const LP_N2 = f32(6.5787325942061044846969);
const LP_N3 = f32(2.9911919328553073277375e1);
const LP_N4 = f32(6.0949667980987787057556e1);
const LP_N5 = f32(5.7112963590585538103336e1);
const LP_N6 = f32(2.0039553499201281259648e1);
const LP_D1 = f32(1.5062909083469192043167e1);
const LP_D2 = f32(8.3047565967967209469434e1);
const LP_D3 = f32(2.2176239823732856465394e2);
const LP_D4 = f32(3.0909872225312059774938e2);
const LP_D5 = f32(2.1642788614495947685003e2);
const LP_D6 = f32(6.0118660497603843919306e1);

// XLA:CPU's float32 `log` is not libm's: it inlines Eigen's `plog_float` (Cephes `logf`), a
// degree-8 polynomial on the mantissa reduced to [sqrt(1/2), sqrt(2)), whose Horner steps LLVM
// contracts into FMAs. It is up to about 1 ulp off the correctly rounded log, and that ulp,
// amplified by erf_inv's slope, was the whole difference between our normals and JAX's. The
// constants are the float32 bit patterns of the IR that jax 0.10.2 emits for `lax.log`.
const LOG_P0 = bitsToF32(0x3d9021bb);
const LOG_P1 = bitsToF32(0xbdebd1b8);
const LOG_P2 = bitsToF32(0x3def251a);
const LOG_P3 = bitsToF32(0xbdfe5d4f);
const LOG_P4 = bitsToF32(0x3e11e9bf);
const LOG_P5 = bitsToF32(0xbe2aae50);
const LOG_P6 = bitsToF32(0x3e4cceac);
const LOG_P7 = bitsToF32(0xbe7ffffc);
const LOG_P8 = bitsToF32(0x3eaaaaaa);
/** ln(2) split in two: Q2 has few bits, so `e * Q2` is exact for any float32 exponent `e`. */
const LOG_Q1 = bitsToF32(0xb95e8083);
const LOG_Q2 = bitsToF32(0x3f318000);
const SQRT_HALF = bitsToF32(0x3f3504f3);
const MIN_NORMAL = 2 ** -126;

function bitsToF32(bits: number): number {
  scratchU[0] = bits;
  return scratchF[0] as number;
}

/**
 * float32 `log` as XLA:CPU computes it (`lax.log`): Eigen's `plog_float` with fused
 * multiply-adds where LLVM forms them. XLA:CPU runs with denormals-are-zero, so a subnormal
 * input is read as 0 and gives -inf.
 *
 * @internal
 */
export function log32(v: number): number {
  if (!(v >= MIN_NORMAL)) return v >= 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (v === Number.POSITIVE_INFINITY) return v;
  scratchF[0] = v;
  const bits = scratchU[0] as number;
  // v = m * 2^e with m in [0.5, 1); then m < sqrt(1/2) is moved to [1, sqrt(2)) by e -= 1.
  let e = (bits >>> 23) - 126;
  scratchU[0] = (bits & 0x807fffff) | 0x3f000000;
  const m = scratchF[0] as number;
  let x: number;
  if (m < SQRT_HALF) {
    e -= 1;
    x = m - 1 + m; // exact: 2m - 1 in [0, 0.42)
  } else {
    x = m - 1; // exact (Sterbenz)
  }
  const x2 = f32(x * x);
  const x3 = f32(x2 * x);
  let y = fma(fma(x, LOG_P0, LOG_P1), x, LOG_P2);
  const y1 = fma(fma(x, LOG_P3, LOG_P4), x, LOG_P5);
  const y2 = fma(fma(x, LOG_P6, LOG_P7), x, LOG_P8);
  y = fma(y, x3, y1);
  y = fma(y, x3, y2);
  y = fma(y, x3, f32(e * LOG_Q1));
  // x2 * 0.5 and e * Q2 are exact, so their FMAs are plain float32 sums.
  const r = f32(f32(x - 0.5 * x2) + y);
  return fmaf(e, LOG_Q2, r);
}

/**
 * float32 `log1p` as XLA:CPU computes it: the Cephes rational for small arguments, otherwise
 * XLA's own float32 `log(1 + x)` ({@link log32}).
 *
 * @internal
 */
export function log1p32(x: number): number {
  if (!(Math.abs(x) < LOG1P_SMALL)) return log32(f32(x + 1));
  if (Math.abs(x) < MIN_NORMAL) return x * 0; // denormals-are-zero, keeping the sign
  // Horner steps as inline FMAs (see erfInv32 for the midpoint test).
  const x2 = f32(x * x);
  let s: number;
  let r: number;
  let o: number;
  let num: number;
  let den: number;
  num = LP_N0;
  s = num * x + LP_N1;
  r = f32(s);
  o = r + 2 * (s - r);
  num = f32(o) === o && o !== r ? fmaf(num, x, LP_N1) : r;
  s = num * x + LP_N2;
  r = f32(s);
  o = r + 2 * (s - r);
  num = f32(o) === o && o !== r ? fmaf(num, x, LP_N2) : r;
  s = num * x + LP_N3;
  r = f32(s);
  o = r + 2 * (s - r);
  num = f32(o) === o && o !== r ? fmaf(num, x, LP_N3) : r;
  s = num * x + LP_N4;
  r = f32(s);
  o = r + 2 * (s - r);
  num = f32(o) === o && o !== r ? fmaf(num, x, LP_N4) : r;
  s = num * x + LP_N5;
  r = f32(s);
  o = r + 2 * (s - r);
  num = f32(o) === o && o !== r ? fmaf(num, x, LP_N5) : r;
  s = num * x + LP_N6;
  r = f32(s);
  o = r + 2 * (s - r);
  num = f32(o) === o && o !== r ? fmaf(num, x, LP_N6) : r;
  den = 1;
  s = den * x + LP_D1;
  r = f32(s);
  o = r + 2 * (s - r);
  den = f32(o) === o && o !== r ? fmaf(den, x, LP_D1) : r;
  s = den * x + LP_D2;
  r = f32(s);
  o = r + 2 * (s - r);
  den = f32(o) === o && o !== r ? fmaf(den, x, LP_D2) : r;
  s = den * x + LP_D3;
  r = f32(s);
  o = r + 2 * (s - r);
  den = f32(o) === o && o !== r ? fmaf(den, x, LP_D3) : r;
  s = den * x + LP_D4;
  r = f32(s);
  o = r + 2 * (s - r);
  den = f32(o) === o && o !== r ? fmaf(den, x, LP_D4) : r;
  s = den * x + LP_D5;
  r = f32(s);
  o = r + 2 * (s - r);
  den = f32(o) === o && o !== r ? fmaf(den, x, LP_D5) : r;
  s = den * x + LP_D6;
  r = f32(s);
  o = r + 2 * (s - r);
  den = f32(o) === o && o !== r ? fmaf(den, x, LP_D6) : r;
  const tail = f32(f32(x * x2) * f32(num / den));
  // -0.5 * x2 is exact, so this FMA is a plain float32 sum.
  return f32(x + f32(-0.5 * x2 + tail));
}

// Giles (2012) erfinv coefficients, float32, as in StableHLO's `materializeErfInvF32`
// (chlo.erf_inv decomposition), highest order first.
const A0 = f32(2.81022636e-8);
const A1 = f32(3.43273939e-7);
const A2 = f32(-3.5233877e-6);
const A3 = f32(-4.39150654e-6);
const A4 = f32(0.00021858087);
const A5 = f32(-0.00125372503);
const A6 = f32(-0.00417768164);
const A7 = f32(0.246640727);
const A8 = f32(1.50140941);
const B0 = f32(-0.000200214257);
const B1 = f32(0.000100950558);
const B2 = f32(0.00134934322);
const B3 = f32(-0.00367342844);
const B4 = f32(0.00573950773);
const B5 = f32(-0.0076224613);
const B6 = f32(0.00943887047);
const B7 = f32(1.00167406);
const B8 = f32(2.83297682);

/**
 * float32 `lax.erf_inv` as JAX runs it on CPU: `w = -log1p(-x*x)` (XLA's log1p), a degree-8 polynomial in
 * `w - 2.5` (w < 5) or `sqrt(w) - 3`, evaluated with FMA, times `x`; `erf_inv(+-1) = +-inf`.
 *
 * @internal
 */
export function erfInv32(x: number): number {
  // The Horner steps are fmaf written out: the plain float64 sum rounded to float32 is the fused
  // result unless it lands exactly on a float32 midpoint (o is then a float32), which is rare
  // enough to hand to fmaf. Written inline because this loop dominates normal().
  let w = -log1p32(f32(x * -x));
  let p: number;
  let s: number;
  let r: number;
  let o: number;
  if (w < 5) {
    w = f32(w - 2.5);
    p = A0;
    s = p * w + A1;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A1) : r;
    s = p * w + A2;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A2) : r;
    s = p * w + A3;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A3) : r;
    s = p * w + A4;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A4) : r;
    s = p * w + A5;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A5) : r;
    s = p * w + A6;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A6) : r;
    s = p * w + A7;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A7) : r;
    s = p * w + A8;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A8) : r;
  } else {
    w = f32(f32(Math.sqrt(w)) - 3);
    p = B0;
    s = p * w + B1;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B1) : r;
    s = p * w + B2;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B2) : r;
    s = p * w + B3;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B3) : r;
    s = p * w + B4;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B4) : r;
    s = p * w + B5;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B5) : r;
    s = p * w + B6;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B6) : r;
    s = p * w + B7;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B7) : r;
    s = p * w + B8;
    r = f32(s);
    o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B8) : r;
  }
  if (Math.abs(x) === 1) return x * Number.POSITIVE_INFINITY;
  const y = f32(p * x);
  // XLA:CPU sets flush-to-zero and denormals-are-zero: a subnormal x or result becomes a zero
  // of the same sign.
  return Math.abs(y) < MIN_NORMAL ? (x < 0 ? -0 : 0) : y;
}

// Eigen's rational erf approximation, as XLA:CPU emits float32 `erf`
// (xla/codegen/intrinsic/erf.cc, `EmitErfF32`), with explicit FMAs.
const ERF_CLAMP = f32(3.832506856900711);
const ALPHA1 = f32(1.128379143519084);
const ALPHA3 = f32(0.18520832239976145);
const ALPHA5 = f32(0.050955695062380861);
const ALPHA7 = f32(0.0034082910107109506);
const ALPHA9 = f32(0.00022905065861350646);
const BETA2 = f32(0.49746925110067538);
const BETA4 = f32(0.11098505178285362);
const BETA6 = f32(0.014070470171167667);
const BETA8 = f32(0.0010179625278914885);
const BETA10 = f32(0.000023547966471313185);
const BETA12 = f32(-1.1791602954361697e-7);

/**
 * float32 `lax.erf` as XLA:CPU computes it: `x * P(x^2) / Q(x^2)` for `|x| < 3.8325`, else
 * `sign(x)`.
 *
 * @internal
 */
export function erf32(x: number): number {
  if (ERF_CLAMP <= Math.abs(x)) return x > 0 ? 1 : -1;
  if (Math.abs(x) < MIN_NORMAL) return x * 0; // denormals-are-zero, keeping the sign
  const x2 = f32(x * x);
  let p = fmaf(x2, ALPHA9, ALPHA7);
  p = fmaf(x2, p, ALPHA5);
  p = fmaf(x2, p, ALPHA3);
  p = fmaf(x2, p, ALPHA1);
  p = f32(x * p);
  let q = fmaf(x2, BETA12, BETA10);
  q = fmaf(x2, q, BETA8);
  q = fmaf(x2, q, BETA6);
  q = fmaf(x2, q, BETA4);
  q = fmaf(x2, q, BETA2);
  q = fmaf(x2, q, 1);
  return f32(p / q);
}
